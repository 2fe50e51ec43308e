//! Checks the declarations: the header, predicates, safeguards, flags,
//! outcomes and the disposition policy, and the links between them.

mod disposition;
mod evidence;
mod order;
mod scope;

use std::collections::HashSet;

use indexmap::IndexMap;

use super::expr::ExprChecker;
use super::ir::{Cond, FactRef, PredId};
use super::*;
use crate::limits::MAX_DEFAULT_EVIDENCE;
use crate::model::Severity;
use crate::suggest::{did_you_mean, suggesting};
use crate::syntax::ast::{self, Decl, Prop, PropValue};

/// The properties of one declaration, each at most once.
struct Props<'a> {
    found: IndexMap<&'static str, &'a Prop>,
}

impl<'a> Props<'a> {
    fn collect(props: &'a [Prop], what: &str, diags: &mut Vec<Diagnostic>) -> Props<'a> {
        let mut found: IndexMap<&'static str, &'a Prop> = IndexMap::new();
        for p in props {
            let key = p.value.key();
            if let Some(first) = found.get(key) {
                diags.push(
                    Diagnostic::error(
                        "DD030",
                        p.key_span,
                        format!("the {what} gives `{key}` twice"),
                    )
                    .note(first.key_span, "first given here"),
                );
                continue;
            }
            found.insert(key, p);
        }
        Props { found }
    }

    fn get(&self, key: &str) -> Option<&'a PropValue> {
        self.found.get(key).map(|p| &p.value)
    }

    /// Reports each required property that is missing.
    fn require(&self, keys: &[&str], what: &str, at: Span, diags: &mut Vec<Diagnostic>) -> bool {
        let mut ok = true;
        for key in keys {
            if !self.found.contains_key(key) {
                diags.push(
                    Diagnostic::error("DD030", at, format!("the {what} has no `{key}`"))
                        .help(format!("add `{key}: …` to the {what}")),
                );
                ok = false;
            }
        }
        ok
    }

    fn string(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            PropValue::Version(s)
            | PropValue::Title(s)
            | PropValue::Source(s)
            | PropValue::Citation(s) => Some(s.value.clone()),
            _ => None,
        }
    }
}

/// Where to put the caret for a declaration: its id.
fn id_span(id: &ast::Path) -> Span {
    id.span
}

fn check_step(
    value: &PropValue,
    range: std::ops::RangeInclusive<u8>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<u8> {
    let PropValue::Step(n, span) = value else {
        return None;
    };
    let n = (*n)?;
    match u8::try_from(n).ok().filter(|s| range.contains(s)) {
        Some(s) => Some(s),
        None => {
            diags.push(
                Diagnostic::error(
                    "DD028",
                    *span,
                    format!("step `{n}` is out of range for a {what}"),
                )
                .help(format!(
                    "the steps of a {what} are {} to {}",
                    range.start(),
                    range.end()
                )),
            );
            None
        }
    }
}

fn check_severity(ident: &ast::Ident, diags: &mut Vec<Diagnostic>) -> Option<Severity> {
    let found = Severity::from_name(&ident.name);
    if found.is_none() {
        let names = Severity::ALL.map(Severity::as_str);
        diags.push(
            Diagnostic::error(
                "DD029",
                ident.span,
                format!("unknown severity `{}`", ident.name),
            )
            .help(did_you_mean(&ident.name, names).unwrap_or_else(|| {
                "the severities are `low`, `medium`, `high` and `critical`".into()
            })),
        );
    }
    found
}

/// The declarations of a file by kind, each id declared once.
struct Found<'f> {
    header: Option<(HeaderInfo, Span)>,
    /// Predicates, flags and safeguards share one namespace of ids.
    declared: IndexMap<String, Span>,
    predicates: Vec<&'f ast::PredicateDecl>,
    predicate_names: IndexMap<String, (PredId, Span)>,
    safeguards: Vec<&'f ast::SafeguardDecl>,
    flags: Vec<&'f ast::FlagDecl>,
    scope: Option<&'f ast::ScopeDecl>,
    outcomes: Option<&'f ast::OutcomesDecl>,
    disposition: Option<&'f ast::DispositionDecl>,
}

impl<'f> Found<'f> {
    fn collect(file: &'f ast::File, diags: &mut Vec<Diagnostic>) -> Found<'f> {
        let mut found = Found {
            header: None,
            declared: IndexMap::new(),
            predicates: Vec::new(),
            predicate_names: IndexMap::new(),
            safeguards: Vec::new(),
            flags: Vec::new(),
            scope: None,
            outcomes: None,
            disposition: None,
        };
        for decl in &file.decls {
            match decl {
                Decl::Header(h) => {
                    if let Some((_, first)) = &found.header {
                        diags.push(
                            Diagnostic::error("DD013", h.name.span, "the ruleset has two headers")
                                .note(*first, "first header here"),
                        );
                        continue;
                    }
                    found.header = Some((check_header(h, diags), h.name.span));
                }
                Decl::Predicate(p) => {
                    if found.declare(p.name.name.clone(), p.name.span, diags) {
                        found
                            .predicate_names
                            .insert(p.name.name.clone(), (found.predicates.len(), p.name.span));
                        found.predicates.push(p);
                    }
                }
                Decl::Safeguard(s) => {
                    if found.declare(s.id.dotted(), id_span(&s.id), diags) {
                        found.safeguards.push(s);
                    }
                }
                Decl::Flag(f) => {
                    if found.declare(f.id.dotted(), id_span(&f.id), diags) {
                        found.flags.push(f);
                    }
                }
                Decl::Scope(sc) => {
                    if let Some(first) = found.scope {
                        diags.push(scope::declared_twice(first, sc));
                        continue;
                    }
                    found.scope = Some(sc);
                }
                Decl::Outcomes(o) => {
                    if found.outcomes.is_some() {
                        diags.push(
                            Diagnostic::error(
                                "DD013",
                                Span::new(o.span.start, o.span.start + 8),
                                "the outcomes are declared twice",
                            )
                            .help("list every outcome in one `outcomes { … }` block"),
                        );
                        continue;
                    }
                    found.outcomes = Some(o);
                }
                Decl::Disposition(d) => {
                    if found.disposition.is_some() {
                        diags.push(Diagnostic::error(
                            "DD013",
                            Span::new(d.span.start, d.span.start + 11),
                            "the disposition policy is declared twice",
                        ));
                        continue;
                    }
                    found.disposition = Some(d);
                }
                Decl::Enum(_) | Decl::Record(_) | Decl::Facts(_) => {}
            }
        }
        if found.header.is_none() {
            diags.push(
                Diagnostic::error("DD013", Span::new(0, 0), "the ruleset has no header")
                    .help("start the file with `ruleset \"name\" { version: \"…\" title: \"…\" source: \"…\" }`"),
            );
        }
        found
    }

    /// Declares an id, unless it is declared already (DD010).
    fn declare(&mut self, name: String, span: Span, diags: &mut Vec<Diagnostic>) -> bool {
        if let Some(first) = self.declared.get(&name) {
            diags.push(
                Diagnostic::error("DD010", span, format!("`{name}` is declared twice"))
                    .label("declared again here")
                    .note(*first, "first declared here")
                    .help("predicates, flags and safeguards need distinct ids"),
            );
            return false;
        }
        self.declared.insert(name, span);
        true
    }

    fn checker<'a>(
        &'a self,
        schema: &'a Schema,
        diags: &'a mut Vec<Diagnostic>,
    ) -> ExprChecker<'a> {
        ExprChecker::new(schema, &self.predicate_names, diags)
    }
}

fn check_header(h: &ast::Header, diags: &mut Vec<Diagnostic>) -> HeaderInfo {
    let props = Props::collect(&h.props, "ruleset header", diags);
    props.require(
        &["version", "title", "source"],
        "ruleset header",
        h.name.span,
        diags,
    );
    if h.name.value.trim().is_empty() {
        diags.push(Diagnostic::error(
            "DD030",
            h.name.span,
            "the ruleset has an empty name",
        ));
    }
    HeaderInfo {
        name: h.name.value.clone(),
        version: props.string("version").unwrap_or_default(),
        title: props.string("title").unwrap_or_default(),
        source: props.string("source").unwrap_or_default(),
        docs: h.docs.clone(),
    }
}

/// Marks the predicates a condition used.
fn mark_used(used: &mut [bool], uses: &[PredId]) {
    for u in uses {
        if let Some(x) = used.get_mut(*u) {
            *x = true;
        }
    }
}

/// The checked predicates, in declaration order.
struct Predicates {
    predicates: Vec<Predicate>,
    order: Vec<PredId>,
    /// The facts each predicate reads, for the evidence of the flags that use it.
    read: Vec<Vec<FactRef>>,
    /// Which predicates are used, by a predicate, a flag or a safeguard.
    used: Vec<bool>,
}

fn check_predicates(found: &Found<'_>, schema: &Schema, diags: &mut Vec<Diagnostic>) -> Predicates {
    let mut predicates = Vec::new();
    let mut deps: Vec<Vec<PredId>> = Vec::new();
    let mut used = vec![false; found.predicates.len()];
    for p in &found.predicates {
        let mut cx = found.checker(schema, diags);
        let body = cx.cond(&p.body);
        let uses = std::mem::take(&mut cx.uses);
        mark_used(&mut used, &uses);
        deps.push(uses.clone());
        predicates.push(Predicate {
            name: p.name.name.clone(),
            body: body.unwrap_or(Cond::Const(false)),
            span: p.name.span,
            uses,
        });
    }
    let order = order::order_predicates(&predicates, &deps, diags);
    let mut read: Vec<Vec<FactRef>> = vec![Vec::new(); predicates.len()];
    for &p in &order {
        if let Some(pred) = predicates.get(p) {
            let facts = evidence::facts_read(&pred.body, &read, MAX_DEFAULT_EVIDENCE + 1);
            if let Some(slot) = read.get_mut(p) {
                *slot = facts;
            }
        }
    }
    Predicates {
        predicates,
        order,
        read,
        used,
    }
}

/// A condition of a flag or safeguard, the predicates it uses marked used.
fn check_when(
    props: &Props<'_>,
    found: &Found<'_>,
    schema: &Schema,
    used_preds: &mut [bool],
    diags: &mut Vec<Diagnostic>,
) -> Option<Cond> {
    match props.get("when") {
        Some(PropValue::When(e)) => {
            let mut cx = found.checker(schema, diags);
            let c = cx.cond(e);
            mark_used(used_preds, &cx.uses);
            c
        }
        _ => None,
    }
}

fn check_safeguards(
    found: &Found<'_>,
    schema: &Schema,
    used_preds: &mut [bool],
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Safeguard>, IndexMap<String, usize>) {
    let mut safeguards = Vec::new();
    let mut safeguard_index: IndexMap<String, usize> = IndexMap::new();
    for s in &found.safeguards {
        let props = Props::collect(&s.props, "safeguard", diags);
        props.require(&["step", "title", "when"], "safeguard", s.id.span, diags);
        let step = props
            .get("step")
            .and_then(|v| check_step(v, SAFEGUARD_STEPS, "safeguard", diags));
        let when = check_when(&props, found, schema, used_preds, diags);
        safeguard_index.insert(s.id.dotted(), safeguards.len());
        safeguards.push(Safeguard {
            id: s.id.dotted(),
            step: step.unwrap_or(5),
            title: props.string("title").unwrap_or_default(),
            citation: props.string("citation"),
            docs: s.docs.clone(),
            when: when.unwrap_or(Cond::Const(false)),
            span: s.id.span,
        });
    }
    (safeguards, safeguard_index)
}

/// What the flags are checked against: the safeguards by id, and which of
/// them some flag names.
struct SafeguardUse {
    index: IndexMap<String, usize>,
    used: Vec<bool>,
}

fn check_flags(
    found: &Found<'_>,
    schema: &Schema,
    preds: &mut Predicates,
    safeguards: &mut SafeguardUse,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    for f in &found.flags {
        let props = Props::collect(&f.props, "flag", diags);
        props.require(
            &["step", "severity", "title", "when"],
            "flag",
            f.id.span,
            diags,
        );
        let step = props
            .get("step")
            .and_then(|v| check_step(v, FLAG_STEPS, "flag", diags));
        let severity = match props.get("severity") {
            Some(PropValue::Severity(id)) => check_severity(id, diags),
            _ => None,
        };
        let when = check_when(&props, found, schema, &mut preds.used, diags);
        let what = format!("the flag `{}`", f.id.dotted());
        let named = (what.as_str(), f.id.span);
        let evidence = evidence_of(&props, named, when.as_ref(), found, schema, preds, diags);
        let mitigated_by = match props.get("mitigated_by") {
            Some(PropValue::MitigatedBy(ids)) => mitigations(ids, found, safeguards, diags),
            _ => Vec::new(),
        };
        flags.push(Flag {
            id: f.id.dotted(),
            step: step.unwrap_or(1),
            severity: severity.unwrap_or(Severity::Low),
            title: props.string("title").unwrap_or_default(),
            citation: props.string("citation"),
            docs: f.docs.clone(),
            when: when.unwrap_or(Cond::Const(false)),
            evidence,
            mitigated_by,
        });
    }
    flags
}

/// The facts a flag or the scope quotes: those its `evidence:` lists, or
/// else those its condition reads. `named` is how messages name it and
/// where they point.
fn evidence_of(
    props: &Props<'_>,
    (what, at): (&str, Span),
    when: Option<&Cond>,
    found: &Found<'_>,
    schema: &Schema,
    preds: &Predicates,
    diags: &mut Vec<Diagnostic>,
) -> Vec<FactRef> {
    match props.get("evidence") {
        Some(PropValue::Evidence(paths)) => {
            evidence::explicit_evidence(what, paths, &mut found.checker(schema, diags))
        }
        _ => evidence::default_evidence(what, at, when, &preds.read, diags),
    }
}

/// The safeguards a flag's `mitigated_by` names, each once (DD103), each a
/// declared safeguard (DD025).
fn mitigations(
    ids: &[ast::Path],
    found: &Found<'_>,
    safeguards: &mut SafeguardUse,
    diags: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut mitigated_by = Vec::new();
    let mut listed: HashSet<usize> = HashSet::new();
    for id in ids {
        let name = id.dotted();
        match safeguards.index.get(&name) {
            Some(&i) => {
                if !listed.insert(i) {
                    diags.push(Diagnostic::warning(
                        "DD103",
                        id.span,
                        format!("the safeguard `{name}` is listed twice"),
                    ));
                    continue;
                }
                mitigated_by.push(i);
                if let Some(x) = safeguards.used.get_mut(i) {
                    *x = true;
                }
            }
            None => {
                let what = if found.predicate_names.contains_key(&name) {
                    Some(format!("`{name}` is a predicate, not a safeguard"))
                } else if found.declared.contains_key(&name) {
                    // Not a predicate nor a safeguard: a flag.
                    Some(format!("`{name}` is a flag, not a safeguard"))
                } else {
                    None
                };
                let message = what.unwrap_or_else(|| format!("no safeguard is named `{name}`"));
                let help = if suggesting(diags) {
                    did_you_mean(&name, safeguards.index.keys().map(String::as_str))
                } else {
                    None
                };
                diags.push(Diagnostic::error("DD025", id.span, message).maybe_help(help));
            }
        }
    }
    mitigated_by
}

/// Checks every declaration but the schema; `None` when something required is missing.
pub(super) fn check_decls(
    file: &ast::File,
    schema: Schema,
    diags: &mut Vec<Diagnostic>,
) -> Option<Checked> {
    let found = Found::collect(file, diags);
    let mut preds = check_predicates(&found, &schema, diags);
    let (safeguards, index) = check_safeguards(&found, &schema, &mut preds.used, diags);
    let mut safeguard_use = SafeguardUse {
        index,
        used: vec![false; safeguards.len()],
    };
    let flags = check_flags(&found, &schema, &mut preds, &mut safeguard_use, diags);
    let (outcomes, outcome_spans) = disposition::check_outcomes(found.outcomes, diags);
    let (cases, mut produced) = disposition::check_disposition(
        found.disposition,
        found.outcomes.is_some(),
        &outcome_spans,
        diags,
    );
    let scope = found.scope.map(|decl| {
        let outcomes = scope::Outcomes {
            declared: found.outcomes.is_some(),
            spans: &outcome_spans,
            produced: &mut produced,
        };
        scope::check_scope(decl, &found, &schema, &mut preds, outcomes, diags)
    });

    // Warnings for what is declared but never used.
    for (p, used) in preds.predicates.iter().zip(&preds.used) {
        if !used {
            diags.push(
                Diagnostic::warning(
                    "DD100",
                    p.span,
                    format!("the predicate `{}` is never used", p.name),
                )
                .help("use it in a flag or safeguard, or remove it"),
            );
        }
    }
    for (s, used) in safeguards.iter().zip(&safeguard_use.used) {
        if !used {
            diags.push(
                Diagnostic::warning(
                    "DD101",
                    s.span,
                    format!("the safeguard `{}` mitigates no flag", s.id),
                )
                .help("name it in the `mitigated_by` of the flags it addresses"),
            );
        }
    }
    for ((name, span), used) in outcome_spans.iter().zip(&produced) {
        if !used && found.disposition.is_some() {
            diags.push(Diagnostic::warning(
                "DD102",
                *span,
                format!("the disposition never yields the outcome `{name}`"),
            ));
        }
    }

    let (header, _) = found.header?;
    Some(Checked {
        header,
        schema,
        predicates: preds.predicates,
        predicate_order: preds.order,
        safeguards,
        flags,
        scope: scope.flatten(),
        outcomes,
        cases,
        warnings: Vec::new(),
    })
}
