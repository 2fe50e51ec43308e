//! Checks the declarations: the header, predicates, safeguards, flags,
//! outcomes and the disposition policy, and the links between them.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::expr::ExprChecker;
use super::ir::{Base, Cond, FactRef, PredId, SetExpr, SetOrValue, Value};
use super::*;
use crate::facts::schema::Type;
use crate::limits::{MAX_DEFAULT_EVIDENCE, MAX_EVIDENCE};
use crate::model::Severity;
use crate::suggest::{did_you_mean, suggesting};
use crate::syntax::ast::{self, Decl, DispExpr, Filter, Prop, PropValue};

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

/// Checks every declaration but the schema; `None` when something required is missing.
pub(super) fn check_decls(
    file: &ast::File,
    schema: Schema,
    diags: &mut Vec<Diagnostic>,
) -> Option<Checked> {
    // Predicates, flags and safeguards share one namespace of ids.
    let mut declared: IndexMap<String, Span> = IndexMap::new();
    let mut declare = |name: String, span: Span, diags: &mut Vec<Diagnostic>| -> bool {
        if let Some(first) = declared.get(&name) {
            diags.push(
                Diagnostic::error("DD010", span, format!("`{name}` is declared twice"))
                    .label("declared again here")
                    .note(*first, "first declared here")
                    .help("predicates, flags and safeguards need distinct ids"),
            );
            return false;
        }
        declared.insert(name, span);
        true
    };

    let mut header: Option<(HeaderInfo, Span)> = None;
    let mut predicate_decls = Vec::new();
    let mut predicate_names: IndexMap<String, (PredId, Span)> = IndexMap::new();
    let mut safeguard_decls = Vec::new();
    let mut flag_decls = Vec::new();
    let mut outcomes_decl: Option<&ast::OutcomesDecl> = None;
    let mut disposition_decl: Option<&ast::DispositionDecl> = None;
    for decl in &file.decls {
        match decl {
            Decl::Header(h) => {
                if let Some((_, first)) = &header {
                    diags.push(
                        Diagnostic::error("DD013", h.name.span, "the ruleset has two headers")
                            .note(*first, "first header here"),
                    );
                    continue;
                }
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
                let info = HeaderInfo {
                    name: h.name.value.clone(),
                    version: props.string("version").unwrap_or_default(),
                    title: props.string("title").unwrap_or_default(),
                    source: props.string("source").unwrap_or_default(),
                    docs: h.docs.clone(),
                };
                header = Some((info, h.name.span));
            }
            Decl::Predicate(p) => {
                if declare(p.name.name.clone(), p.name.span, diags) {
                    predicate_names
                        .insert(p.name.name.clone(), (predicate_decls.len(), p.name.span));
                    predicate_decls.push(p);
                }
            }
            Decl::Safeguard(s) => {
                if declare(s.id.dotted(), id_span(&s.id), diags) {
                    safeguard_decls.push(s);
                }
            }
            Decl::Flag(f) => {
                if declare(f.id.dotted(), id_span(&f.id), diags) {
                    flag_decls.push(f);
                }
            }
            Decl::Outcomes(o) => {
                if outcomes_decl.is_some() {
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
                outcomes_decl = Some(o);
            }
            Decl::Disposition(d) => {
                if disposition_decl.is_some() {
                    diags.push(Diagnostic::error(
                        "DD013",
                        Span::new(d.span.start, d.span.start + 11),
                        "the disposition policy is declared twice",
                    ));
                    continue;
                }
                disposition_decl = Some(d);
            }
            Decl::Enum(_) | Decl::Record(_) | Decl::Facts(_) => {}
        }
    }
    if header.is_none() {
        diags.push(
            Diagnostic::error("DD013", Span::new(0, 0), "the ruleset has no header")
                .help("start the file with `ruleset \"name\" { version: \"…\" title: \"…\" source: \"…\" }`"),
        );
    }

    // Predicates, with the edges of their dependency graph.
    let mut predicates = Vec::new();
    let mut deps: Vec<Vec<PredId>> = Vec::new();
    let mut used_preds = vec![false; predicate_decls.len()];
    for p in &predicate_decls {
        let mut cx = ExprChecker::new(&schema, &predicate_names, diags);
        let body = cx.cond(&p.body);
        let uses = std::mem::take(&mut cx.uses);
        for u in &uses {
            if let Some(x) = used_preds.get_mut(*u) {
                *x = true;
            }
        }
        deps.push(uses.clone());
        predicates.push(Predicate {
            name: p.name.name.clone(),
            body: body.unwrap_or(Cond::Const(false)),
            span: p.name.span,
            uses,
        });
    }
    let predicate_order = order_predicates(&predicates, &deps, diags);
    // The facts each predicate reads, for the evidence of the flags that use it.
    let mut read_by_predicate: Vec<Vec<FactRef>> = vec![Vec::new(); predicates.len()];
    for &p in &predicate_order {
        if let Some(pred) = predicates.get(p) {
            let read = facts_read(&pred.body, &read_by_predicate, MAX_DEFAULT_EVIDENCE + 1);
            if let Some(slot) = read_by_predicate.get_mut(p) {
                *slot = read;
            }
        }
    }

    // Safeguards.
    let mut safeguards = Vec::new();
    let mut safeguard_index: IndexMap<String, usize> = IndexMap::new();
    for s in &safeguard_decls {
        let props = Props::collect(&s.props, "safeguard", diags);
        props.require(&["step", "title", "when"], "safeguard", s.id.span, diags);
        let step = props
            .get("step")
            .and_then(|v| check_step(v, 5..=7, "safeguard", diags));
        let when = match props.get("when") {
            Some(PropValue::When(e)) => {
                let mut cx = ExprChecker::new(&schema, &predicate_names, diags);
                let c = cx.cond(e);
                for u in cx.uses {
                    if let Some(x) = used_preds.get_mut(u) {
                        *x = true;
                    }
                }
                c
            }
            _ => None,
        };
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

    // Flags.
    let mut flags = Vec::new();
    let mut used_safeguards = vec![false; safeguards.len()];
    for f in &flag_decls {
        let props = Props::collect(&f.props, "flag", diags);
        props.require(
            &["step", "severity", "title", "when"],
            "flag",
            f.id.span,
            diags,
        );
        let step = props
            .get("step")
            .and_then(|v| check_step(v, 1..=4, "flag", diags));
        let severity = match props.get("severity") {
            Some(PropValue::Severity(id)) => check_severity(id, diags),
            _ => None,
        };
        let mut flag_uses = Vec::new();
        let when = match props.get("when") {
            Some(PropValue::When(e)) => {
                let mut cx = ExprChecker::new(&schema, &predicate_names, diags);
                let c = cx.cond(e);
                flag_uses = cx.uses;
                c
            }
            _ => None,
        };
        for u in &flag_uses {
            if let Some(x) = used_preds.get_mut(*u) {
                *x = true;
            }
        }
        let evidence = match props.get("evidence") {
            Some(PropValue::Evidence(paths)) => explicit_evidence(
                &f.id.dotted(),
                paths,
                &mut ExprChecker::new(&schema, &predicate_names, diags),
            ),
            _ => {
                let mut read = when.as_ref().map_or_else(Vec::new, |w| {
                    facts_read(w, &read_by_predicate, MAX_DEFAULT_EVIDENCE + 1)
                });
                if read.len() > MAX_DEFAULT_EVIDENCE {
                    read.truncate(MAX_DEFAULT_EVIDENCE);
                    diags.push(
                        Diagnostic::warning(
                            "DD107",
                            f.id.span,
                            format!(
                                "the flag `{}` reads more than {MAX_DEFAULT_EVIDENCE} facts; its report quotes the first {MAX_DEFAULT_EVIDENCE}",
                                f.id.dotted()
                            ),
                        )
                        .help("list the facts worth quoting with `evidence: …`"),
                    );
                }
                read
            }
        };
        let mut mitigated_by = Vec::new();
        let mut listed: HashSet<usize> = HashSet::new();
        if let Some(PropValue::MitigatedBy(ids)) = props.get("mitigated_by") {
            for id in ids {
                let name = id.dotted();
                match safeguard_index.get(&name) {
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
                        if let Some(x) = used_safeguards.get_mut(i) {
                            *x = true;
                        }
                    }
                    None => {
                        let what = if predicate_names.contains_key(&name) {
                            Some(format!("`{name}` is a predicate, not a safeguard"))
                        } else if declared.contains_key(&name) {
                            // Not a predicate nor a safeguard: a flag.
                            Some(format!("`{name}` is a flag, not a safeguard"))
                        } else {
                            None
                        };
                        let message =
                            what.unwrap_or_else(|| format!("no safeguard is named `{name}`"));
                        let help = if suggesting(diags) {
                            did_you_mean(&name, safeguard_index.keys().map(String::as_str))
                        } else {
                            None
                        };
                        diags.push(Diagnostic::error("DD025", id.span, message).maybe_help(help));
                    }
                }
            }
        }
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

    // Outcomes and the disposition.
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut outcome_spans: IndexMap<String, Span> = IndexMap::new();
    match outcomes_decl {
        Some(o) => {
            for (_, name) in &o.outcomes {
                if let Some(first) = outcome_spans.get(&name.name) {
                    diags.push(
                        Diagnostic::error(
                            "DD010",
                            name.span,
                            format!("the outcome `{}` is declared twice", name.name),
                        )
                        .note(*first, "first declared here"),
                    );
                    continue;
                }
                outcome_spans.insert(name.name.clone(), name.span);
                outcomes.push(Outcome {
                    name: name.name.clone(),
                });
            }
        }
        None => diags.push(
            Diagnostic::error("DD013", Span::new(0, 0), "the ruleset declares no outcomes")
                .help("add `outcomes { proceed, escalate, … }`, least strict first"),
        ),
    }
    let mut cases = Vec::new();
    let mut produced = vec![false; outcomes.len()];
    match disposition_decl {
        Some(d) => {
            let mut otherwise_seen: Option<Span> = None;
            for case in &d.cases {
                if let Some(at) = otherwise_seen {
                    diags.push(
                        Diagnostic::error(
                            "DD033",
                            case.span,
                            "this case comes after `otherwise` and can never apply",
                        )
                        .note(at, "`otherwise` applies to everything that reaches it")
                        .help("move `otherwise` to the end"),
                    );
                    continue;
                }
                let outcome = match outcome_spans.get_index_of(&case.outcome.name) {
                    // Without outcomes, the missing declaration is the one error to report.
                    None if outcomes_decl.is_none() => None,
                    Some(i) => {
                        if let Some(p) = produced.get_mut(i) {
                            *p = true;
                        }
                        Some(i)
                    }
                    None => {
                        let help = if suggesting(diags) {
                            did_you_mean(
                                &case.outcome.name,
                                outcome_spans.keys().map(String::as_str),
                            )
                        } else {
                            None
                        };
                        diags.push(
                            Diagnostic::error(
                                "DD026",
                                case.outcome.span,
                                format!("`{}` is not a declared outcome", case.outcome.name),
                            )
                            .help(help.unwrap_or_else(|| "declare it in `outcomes { … }`".into())),
                        );
                        None
                    }
                };
                let cond = match &case.cond {
                    Some(c) => match check_disp(c, diags) {
                        Some(c) => Some(c),
                        None => continue,
                    },
                    None => {
                        otherwise_seen = Some(case.span);
                        None
                    }
                };
                // Quoted in reports in a canonical form, so that formatting a
                // ruleset (spacing, comments) never changes its reports.
                let text = case_text(case);
                if let Some(outcome) = outcome {
                    cases.push(Case {
                        cond,
                        outcome,
                        text,
                    });
                }
            }
            if otherwise_seen.is_none() {
                diags.push(
                    Diagnostic::error("DD033", Span::new(d.span.start, d.span.start + 11), "the disposition has no `otherwise` case")
                        .help("end the disposition with `otherwise => <outcome>` so that every report gets one"),
                );
            }
        }
        None => diags.push(
            Diagnostic::error(
                "DD013",
                Span::new(0, 0),
                "the ruleset declares no disposition policy",
            )
            .help("add `disposition { when … => <outcome> otherwise => <outcome> }`"),
        ),
    }

    // Warnings for what is declared but never used.
    for (p, used) in predicates.iter().zip(&used_preds) {
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
    for (s, used) in safeguards.iter().zip(&used_safeguards) {
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
        if !used && disposition_decl.is_some() {
            diags.push(Diagnostic::warning(
                "DD102",
                *span,
                format!("the disposition never yields the outcome `{name}`"),
            ));
        }
    }

    let (header, _) = header?;
    Some(Checked {
        header,
        schema,
        predicates,
        predicate_order,
        safeguards,
        flags,
        outcomes,
        cases,
        warnings: Vec::new(),
    })
}

/// Sorts predicates so that each comes after those it uses, reporting every cycle.
fn order_predicates(
    predicates: &[Predicate],
    deps: &[Vec<PredId>],
    diags: &mut Vec<Diagnostic>,
) -> Vec<PredId> {
    let n = predicates.len();
    let mut users: Vec<Vec<PredId>> = vec![Vec::new(); n];
    let mut pending: Vec<usize> = vec![0; n];
    for (p, ds) in deps.iter().enumerate() {
        let mut ds = ds.clone();
        ds.sort_unstable();
        ds.dedup();
        if let Some(c) = pending.get_mut(p) {
            *c = ds.len();
        }
        for d in ds {
            if let Some(u) = users.get_mut(d) {
                u.push(p);
            }
        }
    }
    let mut order: Vec<PredId> = (0..n).filter(|&p| pending.get(p) == Some(&0)).collect();
    let mut i = 0;
    while let Some(&p) = order.get(i) {
        i += 1;
        for &u in users.get(p).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(c) = pending.get_mut(u) {
                *c -= 1;
                if *c == 0 {
                    order.push(u);
                }
            }
        }
    }
    // What is left lies on or behind a cycle: every such predicate uses one
    // that is left too. Walk from each, following such uses, until the walk
    // meets a predicate it has seen: on this walk, that closes a new cycle to
    // report; on an earlier walk, a cycle already reported. Each predicate
    // is walked once, so this is linear in the size of the graph.
    #[derive(Clone, Copy, PartialEq)]
    enum Walk {
        Unseen,
        /// On the current walk, at this position of `path`.
        OnPath(usize),
        Done,
    }
    let mut walk = vec![Walk::Unseen; n];
    for start in 0..n {
        if pending.get(start) == Some(&0) || walk.get(start) != Some(&Walk::Unseen) {
            continue;
        }
        let mut path: Vec<PredId> = Vec::new();
        let mut at = start;
        let cycle_from = loop {
            match walk.get(at).copied() {
                Some(Walk::Unseen) => {}
                Some(Walk::OnPath(pos)) => break Some(pos),
                Some(Walk::Done) | None => break None,
            }
            if let Some(w) = walk.get_mut(at) {
                *w = Walk::OnPath(path.len());
            }
            path.push(at);
            let Some(next) = deps
                .get(at)
                .and_then(|ds| ds.iter().copied().find(|d| pending.get(*d) != Some(&0)))
            else {
                break None;
            };
            at = next;
        };
        for p in &path {
            if let Some(w) = walk.get_mut(*p) {
                *w = Walk::Done;
            }
        }
        let Some(pos) = cycle_from else {
            continue;
        };
        let cycle = path.get(pos..).unwrap_or(&[]);
        let names: Vec<String> = cycle
            .iter()
            .filter_map(|p| predicates.get(*p))
            .map(|p| format!("`{}`", p.name))
            .collect();
        if let Some(first) = cycle.first().and_then(|p| predicates.get(*p)) {
            let mut d = Diagnostic::error("DD027", first.span, format!("the predicate `{}` depends on itself", first.name))
                .help(format!("the cycle is {} → `{}`; a predicate may not use itself, directly or through others", names.join(" → "), first.name));
            for p in cycle.iter().skip(1).filter_map(|p| predicates.get(*p)) {
                d = d.note(p.span, "part of the cycle");
            }
            diags.push(d);
        }
    }
    order
}

/// Distinct root facts in the order they are first read, up to a cap.
struct FactList {
    facts: Vec<FactRef>,
    seen: HashSet<Vec<String>>,
    cap: usize,
}

impl FactList {
    fn new(cap: usize) -> FactList {
        FactList {
            facts: Vec::new(),
            seen: HashSet::new(),
            cap,
        }
    }

    fn push(&mut self, f: &FactRef) {
        if self.facts.len() < self.cap
            && f.base == Base::Root
            && !matches!(f.ty, Type::Record(_))
            && self.seen.insert(f.fields.clone())
        {
            self.facts.push(f.clone());
        }
    }

    fn full(&self) -> bool {
        self.facts.len() >= self.cap
    }
}

/// The root facts a condition reads, through the predicates it uses, in the
/// order of a depth-first reading: quoted when a flag does not list its
/// evidence. `read_by_predicate` holds the same list for each predicate the
/// condition may use, so that a predicate used by many flags or predicates is
/// read once; every list stops at `cap` facts, which keeps this linear.
/// (Stopping early is exact: the first `cap` facts of a condition are found
/// among the first `cap` of each predicate it uses.)
fn facts_read(cond: &Cond, read_by_predicate: &[Vec<FactRef>], cap: usize) -> Vec<FactRef> {
    let mut out = FactList::new(cap);
    let mut seen_preds: HashSet<PredId> = HashSet::new();
    let mut todo: Vec<&Cond> = vec![cond];
    while let Some(c) = todo.pop() {
        if out.full() {
            break;
        }
        let mut values: Vec<&Value> = Vec::new();
        match c {
            Cond::Const(_) => {}
            Cond::Fact(f) | Cond::Known(f) => out.push(f),
            Cond::Not(i) => todo.push(i),
            Cond::And(items) | Cond::Or(items) => todo.extend(items.iter().rev()),
            Cond::Cmp(_, a, b) => values.extend([a, b]),
            Cond::In(v, s) => {
                values.push(v);
                if let SetExpr::Fact(f) = s {
                    out.push(f);
                }
            }
            Cond::Contains(_, f, right) => {
                out.push(f);
                match right {
                    SetOrValue::Set(SetExpr::Fact(g)) => out.push(g),
                    SetOrValue::Value(v) => values.push(v),
                    SetOrValue::Set(SetExpr::Lit(_)) => {}
                }
            }
            Cond::Quant(_, list, _, _) => out.push(list),
            Cond::Pred(p) => {
                if seen_preds.insert(*p) {
                    for f in read_by_predicate.get(*p).map_or(&[][..], Vec::as_slice) {
                        out.push(f);
                    }
                }
            }
        }
        for v in values {
            match v {
                Value::Fact(f) | Value::Count(f, _, _) => out.push(f),
                Value::Lit(_) => {}
            }
        }
    }
    out.facts
}

/// A disposition case as reports quote it: `when <condition> => <outcome>`,
/// printed from the syntax tree with single spaces and minimal parentheses.
fn case_text(case: &ast::DispCase) -> String {
    fn selector(s: &ast::Selector) -> String {
        if s.filters.is_empty() {
            return "flags".into();
        }
        let filters: Vec<String> = s
            .filters
            .iter()
            .map(|f| match f {
                Filter::Status(word) => word.name.clone(),
                Filter::Severity(op, level) => format!("severity {} {}", op.symbol(), level.name),
                Filter::Step(op, n, _) => format!(
                    "step {} {}",
                    op.symbol(),
                    n.map_or("?".into(), |n| n.to_string())
                ),
            })
            .collect();
        format!("flags({})", filters.join(", "))
    }
    /// `parent` is the binding strength of the context: 0 `or`, 1 `and`, 2 `not`.
    fn cond(e: &DispExpr, parent: u8) -> String {
        let (text, strength) = match e {
            DispExpr::Any(s) => (format!("any {}", selector(s)), 3),
            DispExpr::No(s) => (format!("no {}", selector(s)), 3),
            DispExpr::Count(s, op, n, _) => (
                format!(
                    "count {} {} {}",
                    selector(s),
                    op.symbol(),
                    n.map_or("?".into(), |n| n.to_string())
                ),
                3,
            ),
            DispExpr::Not(inner) => (format!("not {}", cond(inner, 2)), 2),
            DispExpr::And(items) => (
                items
                    .iter()
                    .map(|i| cond(i, 1))
                    .collect::<Vec<_>>()
                    .join(" and "),
                1,
            ),
            DispExpr::Or(items) => (
                items
                    .iter()
                    .map(|i| cond(i, 0))
                    .collect::<Vec<_>>()
                    .join(" or "),
                0,
            ),
        };
        if strength < parent {
            format!("({text})")
        } else {
            text
        }
    }
    match &case.cond {
        Some(c) => format!("when {} => {}", cond(c, 0), case.outcome.name),
        None => format!("otherwise => {}", case.outcome.name),
    }
}

fn check_disp(e: &DispExpr, diags: &mut Vec<Diagnostic>) -> Option<DispCond> {
    Some(match e {
        DispExpr::Any(s) => DispCond::Any(check_selector(s, diags)?),
        DispExpr::No(s) => DispCond::No(check_selector(s, diags)?),
        DispExpr::Count(s, op, n, _) => DispCond::Count(check_selector(s, diags)?, *op, (*n)?),
        DispExpr::Not(i) => DispCond::Not(Box::new(check_disp(i, diags)?)),
        DispExpr::And(items) => DispCond::And(
            items
                .iter()
                .map(|i| check_disp(i, diags))
                .collect::<Vec<_>>()
                .into_iter()
                .collect::<Option<_>>()?,
        ),
        DispExpr::Or(items) => DispCond::Or(
            items
                .iter()
                .map(|i| check_disp(i, diags))
                .collect::<Vec<_>>()
                .into_iter()
                .collect::<Option<_>>()?,
        ),
    })
}

const STATUS_WORDS: [&str; 5] = ["raised", "clear", "unknown", "mitigated", "unmitigated"];

fn check_selector(s: &ast::Selector, diags: &mut Vec<Diagnostic>) -> Option<Selector> {
    let mut sel = Selector::default();
    let mut ok = true;
    let mut mitigation: Vec<bool> = Vec::new();
    for f in &s.filters {
        match f {
            Filter::Status(word) => match word.name.as_str() {
                "raised" => sel.statuses[0] = true,
                "clear" => sel.statuses[1] = true,
                "unknown" => sel.statuses[2] = true,
                "mitigated" => mitigation.push(true),
                "unmitigated" => mitigation.push(false),
                other => {
                    diags.push(
                        Diagnostic::error("DD036", word.span, format!("unknown flag filter `{other}`")).help(
                            did_you_mean(other, STATUS_WORDS).unwrap_or_else(|| {
                                "filter flags by `raised`, `clear`, `unknown`, `mitigated`, `unmitigated`, `severity` or `step`".into()
                            }),
                        ),
                    );
                    ok = false;
                }
            },
            Filter::Severity(op, level) => match check_severity(level, diags) {
                Some(l) => sel.severity.push((*op, l)),
                None => ok = false,
            },
            Filter::Step(op, n, span) => match n {
                Some(n) if (1..=4).contains(n) => sel.step.push((*op, *n)),
                Some(n) => {
                    diags.push(
                        Diagnostic::error(
                            "DD028",
                            *span,
                            format!("step `{n}` is out of range for a flag"),
                        )
                        .help("the steps of a flag are 1 to 4"),
                    );
                    ok = false;
                }
                None => ok = false,
            },
        }
    }
    // Naming both `mitigated` and `unmitigated` asks for either.
    if mitigation.contains(&true) != mitigation.contains(&false) {
        sel.mitigated = mitigation.first().copied();
    }
    if sel.statuses == [false; 3] {
        sel.statuses = [true; 3];
    }
    ok.then_some(sel)
}

/// The facts a flag's `evidence:` lists, each resolved once: a fact listed
/// twice is quoted once (DD111), and a list longer than
/// [`MAX_EVIDENCE`] is an error (DD042), since every report quotes them all.
fn explicit_evidence(flag: &str, paths: &[ast::Path], cx: &mut ExprChecker<'_>) -> Vec<FactRef> {
    if let Some(over) = paths.get(MAX_EVIDENCE) {
        cx.diags.push(
            Diagnostic::error(
                "DD042",
                over.span,
                format!(
                    "the flag `{flag}` lists {} facts as evidence, more than the limit of {MAX_EVIDENCE}",
                    paths.len()
                ),
            )
            .help("quote the facts that decide the flag; a report quotes every one listed"),
        );
        return Vec::new();
    }
    let mut evidence: Vec<FactRef> = Vec::with_capacity(paths.len());
    for path in paths {
        let Some(fact) = cx.fact(path) else { continue };
        if evidence
            .iter()
            .any(|e| e.base == fact.base && e.fields == fact.fields)
        {
            cx.diags.push(Diagnostic::warning(
                "DD111",
                path.span,
                format!(
                    "the fact `{}` is listed twice as evidence; it is quoted once",
                    fact.dotted()
                ),
            ));
            continue;
        }
        evidence.push(fact);
    }
    evidence
}
