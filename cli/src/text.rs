//! The text form of a report: for a person, the decision first.
//!
//! Everything taken from the facts or the ruleset goes through
//! `dd_rules::printable`, so that a control, direction-changing or
//! zero-width character in a transaction id, a value, a provenance or a
//! title is shown as `\u{…}` and cannot rewrite what the terminal shows;
//! text from the facts, which may be of any length, is cut at
//! [`SHOWN_CHARS`] characters with its size said (the JSON report has it
//! whole).

use std::borrow::Cow;
use std::fmt::Write as _;

use dd_rules::{Evidence, Report, SafeguardStatus, ScopeStatus, Status, printable};

/// What the text form shows for what the report leaves out because quoting
/// it would go over the report's size limit (`dd_rules::REPORT_QUOTE_BYTES`).
const OMITTED: &str = "(omitted: report size limit)";

/// The most characters of one text from the facts (a transaction id, a
/// value, a provenance) that the text form shows.
pub const SHOWN_CHARS: usize = 1_000;

/// Text from the facts, escaped and cut to [`SHOWN_CHARS`].
fn fact_text(text: &str) -> Cow<'_, str> {
    dd_rules::printable_prefix(text, SHOWN_CHARS)
}

/// Writes quoted facts, one a line: `fact = value  (source, as of)`.
fn evidence<'a>(out: &mut String, quoted: impl Iterator<Item = Evidence<'a>>) {
    for e in quoted {
        if e.omitted {
            let _ = writeln!(out, "      {} = {OMITTED}", printable(e.fact));
            continue;
        }
        let mut line = format!(
            "      {} = {}",
            printable(e.fact),
            fact_text(&e.value.to_string())
        );
        if let Some(source) = e.source {
            let _ = write!(line, "  ({}", fact_text(source));
            if let Some(as_of) = e.as_of {
                let _ = write!(line, ", {}", fact_text(as_of));
            }
            line.push(')');
        }
        let _ = writeln!(out, "{line}");
    }
}

/// Renders a report as plain text: the disposition, the raised flags with
/// their evidence, then what is unknown and which facts to gather.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let id = report
        .transaction()
        .map_or(Cow::Borrowed("(no id)"), fact_text);
    let _ = writeln!(
        out,
        "Transaction {id}: {}",
        printable(&report.disposition().replace('_', " ").to_uppercase())
    );
    if let Some(scope) = report.scope() {
        let _ = writeln!(
            out,
            "  scope: {} — {}",
            scope.status,
            printable(scope.title)
        );
        if scope.status == ScopeStatus::Unknown {
            let missing = printable(&scope.missing().collect::<Vec<_>>().join(", ")).into_owned();
            let _ = writeln!(out, "      missing: {missing}");
        } else {
            evidence(&mut out, scope.evidence());
        }
    }
    let _ = writeln!(
        out,
        "  decided by: {}",
        printable(report.disposition_rule())
    );
    let _ = writeln!(
        out,
        "  ruleset: {} {} ({})",
        printable(&report.ruleset().name),
        printable(&report.ruleset().version),
        printable(&report.ruleset().digest)
    );
    let _ = writeln!(out, "  note: {}", report.notice());

    let raised: Vec<_> = report.flags_with(Status::Raised).collect();
    let _ = writeln!(out, "\nRaised flags ({}):", raised.len());
    if raised.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in raised {
        let mitigation = if f.mitigated {
            "mitigated"
        } else {
            "not mitigated"
        };
        let _ = writeln!(
            out,
            "  [{}] {} (step {}, {mitigation}): {}",
            f.severity,
            printable(f.id),
            f.step,
            printable(f.title)
        );
        evidence(&mut out, f.evidence());
        for m in f.mitigations() {
            let mark = match m.status {
                SafeguardStatus::InPlace => "in place",
                SafeguardStatus::Missing => "missing",
                SafeguardStatus::Unknown => "unknown",
                // A status a later library adds: its name in reports.
                other => other.as_str(),
            };
            let _ = writeln!(out, "      safeguard {}: {mark}", printable(m.id));
        }
    }

    let unknown: Vec<_> = report.flags_with(Status::Unknown).collect();
    let _ = writeln!(out, "\nUnknown flags ({}):", unknown.len());
    if unknown.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in unknown {
        let _ = writeln!(
            out,
            "  [{}] {} (step {}): {}",
            f.severity,
            printable(f.id),
            f.step,
            printable(f.title)
        );
        let listed = printable(&f.missing().collect::<Vec<_>>().join(", ")).into_owned();
        let missing = match (listed.is_empty(), f.missing_truncated) {
            (_, false) => listed,
            (true, true) => OMITTED.to_string(),
            (false, true) => format!(
                "{listed}, and more (only the first {} are listed)",
                f.missing().len()
            ),
        };
        let _ = writeln!(out, "      missing: {missing}");
    }
    if let Some(questionnaire) = report.questionnaire() {
        questions(&mut out, questionnaire);
    } else if report.missing_facts().len() > 0 || report.missing_facts_truncated() {
        let _ = writeln!(out, "\nFacts to gather, most decisive first:");
        for (i, m) in report.missing_facts().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, printable(m));
        }
        if report.missing_facts_truncated() {
            let _ = writeln!(
                out,
                "  and more: only the first {} are listed",
                report.missing_facts().len()
            );
        }
    }
    if let Some(plan) = report.remediation() {
        let asked = report
            .questionnaire()
            .is_some_and(|q| q.questions.iter().any(|q| q.changes_disposition));
        remediation(&mut out, plan, asked);
    }
    let clear = report.flags_with(Status::Clear).count();
    let _ = writeln!(out, "\n{clear} flag(s) clear.");
    out
}

/// How many questions the text report shows in words; the JSON report has
/// them all.
const QUESTIONS_SHOWN: usize = 10;

/// The first questions of the questionnaire, in words, with what each
/// decides.
fn questions(out: &mut String, questionnaire: &dd_rules::Questionnaire) {
    let all = &questionnaire.questions;
    if all.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nQuestions to answer next, most decisive first:");
    for (i, q) in all.iter().take(QUESTIONS_SHOWN).enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, printable(&q.in_words()));
        let mut decides = Vec::new();
        if q.decides_scope {
            decides.push("the scope".to_string());
        }
        decides.extend(q.flags.iter().cloned());
        decides.extend(q.safeguards.iter().map(|s| format!("safeguard {s}")));
        let mut notes = Vec::new();
        if q.required {
            notes.push("required".to_string());
        }
        if !decides.is_empty() {
            notes.push(format!("decides {}", decides.join(", ")));
        }
        notes.push(if q.changes_disposition {
            format!(
                "could change the disposition to {}",
                q.leads_to.join(" or ")
            )
        } else {
            "cannot change the disposition alone".to_string()
        });
        let _ = writeln!(out, "     ({})", printable(&notes.join("; ")));
    }
    if all.len() > QUESTIONS_SHOWN {
        let _ = writeln!(
            out,
            "  and {} more (`--format json` lists them all)",
            all.len() - QUESTIONS_SHOWN
        );
    }
    if questionnaire.truncated {
        let _ = writeln!(
            out,
            "  (stopped early: not every missing fact was examined)"
        );
    }
}

/// The remediation plan: what, put in place, would lower the disposition;
/// `asked` whether some question's answer could change the disposition.
fn remediation(out: &mut String, plan: &dd_rules::Remediation, asked: bool) {
    if plan.plans.is_empty() {
        let _ = write!(out, "\nNo safeguard would lower the disposition");
        if plan.blocked_by.is_empty() && asked {
            let _ = writeln!(out, "; answers to the questions above may change it.");
        } else if plan.blocked_by.is_empty() {
            let _ = writeln!(out, ".");
        } else {
            let _ = writeln!(
                out,
                ": no safeguard mitigates {}.",
                printable(&plan.blocked_by.join(", "))
            );
        }
        return;
    }
    let _ = writeln!(
        out,
        "\nTo lower the disposition from {}, put in place:",
        printable(&plan.from)
    );
    for p in &plan.plans {
        let _ = writeln!(
            out,
            "  - {} => {}",
            printable(&p.safeguards.join(" + ")),
            printable(&p.outcome)
        );
    }
    if !plan.blocked_by.is_empty() {
        let _ = writeln!(
            out,
            "  (no safeguard mitigates {}: no plan goes lower than {})",
            printable(&plan.blocked_by.join(", ")),
            printable(&plan.best)
        );
    }
    if plan.truncated {
        let _ = writeln!(out, "  (stopped early: larger plans may exist)");
    }
}

/// Renders an explanation tree: each sub-condition with its truth value,
/// the facts it read, and what is missing; then the predicates it uses,
/// each explained once (the library lists them at the root; a predicate's
/// node in the tree shows only its value).
pub fn render_explanation(id: &str, status: &str, e: &dd_rules::Explanation) -> String {
    let mut out = format!("\n{} is {status} because:\n", printable(id));
    node(e, 1, &mut out);
    if !e.predicates.is_empty() {
        let _ = writeln!(out, "  where:");
        for p in &e.predicates {
            node(p, 2, &mut out);
        }
    }
    if e.truncated {
        let _ = writeln!(
            out,
            "  (the explanation reached its size limit: later parts are not expanded)"
        );
    }
    out
}

/// One node and its parts. INVARIANT: the recursion is as deep as the
/// tree, which is no deeper than a condition may be nested (the checker's
/// limits; predicates are not expanded in place).
fn node(e: &dd_rules::Explanation, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let mark = match e.value {
        dd_rules::Truth::True => "[true]   ",
        dd_rules::Truth::False => "[false]  ",
        dd_rules::Truth::Unknown => "[unknown]",
        // A truth value a later library adds (the enum is non-exhaustive).
        _ => "[?]      ",
    };
    let _ = writeln!(out, "{pad}{mark} {}", printable(&e.condition));
    for f in &e.facts {
        let _ = writeln!(
            out,
            "{pad}            {} = {}",
            printable(&f.fact),
            f.value
                .as_deref()
                .map_or(Cow::Borrowed("(absent)"), fact_text)
        );
    }
    if !e.missing.is_empty() && e.children.is_empty() {
        let _ = writeln!(
            out,
            "{pad}            missing: {}",
            printable(&e.missing.join(", "))
        );
    }
    for c in &e.children {
        node(c, depth + 1, out);
    }
}
