//! The outcomes and the disposition policy: every case names a declared
//! outcome, `otherwise` comes last, and each selector's filters are known.

use indexmap::IndexMap;

use super::super::*;
use super::check_severity;
use crate::suggest::{did_you_mean, suggesting};
use crate::syntax::ast::{DispExpr, Filter};
use crate::syntax::format::case_text;

/// The declared outcomes, and where each name is declared.
pub(super) fn check_outcomes(
    outcomes_decl: Option<&ast::OutcomesDecl>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Outcome>, IndexMap<String, Span>) {
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
    (outcomes, outcome_spans)
}

/// The cases of the disposition, and which outcomes they can yield.
pub(super) fn check_disposition(
    disposition_decl: Option<&ast::DispositionDecl>,
    outcomes_declared: bool,
    outcome_spans: &IndexMap<String, Span>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Case>, Vec<bool>) {
    let mut cases = Vec::new();
    let mut produced = vec![false; outcome_spans.len()];
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
                    None if !outcomes_declared => None,
                    Some(i) => {
                        if let Some(p) = produced.get_mut(i) {
                            *p = true;
                        }
                        Some(i)
                    }
                    None => {
                        unknown_outcome(&case.outcome, outcome_spans, diags);
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

    (cases, produced)
}

/// DD026: `name` is not a declared outcome.
pub(super) fn unknown_outcome(
    name: &ast::Ident,
    outcome_spans: &IndexMap<String, Span>,
    diags: &mut Vec<Diagnostic>,
) {
    let help = if suggesting(diags) {
        did_you_mean(&name.name, outcome_spans.keys().map(String::as_str))
    } else {
        None
    };
    diags.push(
        Diagnostic::error(
            "DD026",
            name.span,
            format!("`{}` is not a declared outcome", name.name),
        )
        .help(help.unwrap_or_else(|| "declare it in `outcomes { … }`".into())),
    );
}

fn check_disp(e: &DispExpr, diags: &mut Vec<Diagnostic>) -> Option<DispCond> {
    Some(match e {
        DispExpr::Any(s) => DispCond::Any(check_selector(s, diags)?),
        DispExpr::No(s) => DispCond::No(check_selector(s, diags)?),
        DispExpr::Count(s, op, n, _) => DispCond::Count(check_selector(s, diags)?, *op, (*n)?),
        DispExpr::Not(i) => DispCond::Not(Box::new(check_disp(i, diags)?)),
        DispExpr::And(items) => DispCond::And(check_each(items, diags)?),
        DispExpr::Or(items) => DispCond::Or(check_each(items, diags)?),
    })
}

/// Every operand of a chain, each checked (so that each reports its errors)
/// before any failure makes the chain fail.
fn check_each(items: &[DispExpr], diags: &mut Vec<Diagnostic>) -> Option<Vec<DispCond>> {
    let checked: Vec<Option<DispCond>> = items.iter().map(|i| check_disp(i, diags)).collect();
    checked.into_iter().collect()
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
