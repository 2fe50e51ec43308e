//! The scope: at most one per ruleset (DD043), with a `title`, a boolean
//! `when` and an `otherwise` naming a declared outcome (DD030, DD026), and
//! evidence checked as a flag's is.

use indexmap::IndexMap;

use super::disposition::unknown_outcome;
use super::*;

/// DD043: a second `scope`, with where the first one is.
pub(super) fn declared_twice(first: &ast::ScopeDecl, again: &ast::ScopeDecl) -> Diagnostic {
    Diagnostic::error("DD043", again.keyword, "the scope is declared twice")
        .label("declared again here")
        .note(first.keyword, "first declared here")
        .help("a ruleset has at most one scope: join the conditions with `and` or `or`")
}

/// The outcomes the scope's `otherwise` is resolved against, and which of
/// them something yields (for DD102).
pub(super) struct Outcomes<'a> {
    /// Whether the ruleset declares its outcomes at all.
    pub declared: bool,
    pub spans: &'a IndexMap<String, Span>,
    pub produced: &'a mut [bool],
}

/// Checks the scope; `None` when a part of it is in error (reported).
pub(super) fn check_scope(
    decl: &ast::ScopeDecl,
    found: &Found<'_>,
    schema: &Schema,
    preds: &mut Predicates,
    outcomes: Outcomes<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Scope> {
    let props = Props::collect(&decl.props, "scope", diags);
    props.require(
        &["title", "when", "otherwise"],
        "scope",
        decl.keyword,
        diags,
    );
    let when = check_when(&props, found, schema, &mut preds.used, diags);
    let named = ("the scope", decl.keyword);
    let evidence = evidence_of(&props, named, when.as_ref(), found, schema, preds, diags);
    let otherwise = match props.get("otherwise") {
        Some(PropValue::Otherwise(name)) => match outcomes.spans.get_index_of(&name.name) {
            Some(i) => {
                if let Some(p) = outcomes.produced.get_mut(i) {
                    *p = true;
                }
                Some(i)
            }
            // Without outcomes, the missing declaration is the one error to report.
            None if !outcomes.declared => None,
            None => {
                unknown_outcome(name, outcomes.spans, diags);
                None
            }
        },
        _ => None,
    };
    let rule = match props.get("otherwise") {
        Some(PropValue::Otherwise(name)) => format!("out of scope => {}", name.name),
        _ => String::new(),
    };
    Some(Scope {
        title: props.string("title")?,
        citation: props.string("citation"),
        docs: decl.docs.clone(),
        when: when?,
        evidence,
        otherwise: otherwise?,
        rule,
    })
}
