//! The text form of a report: for a person, the decision first.

use std::fmt::Write as _;

use dd_rules::{Report, SafeguardStatus, Status};

/// Renders a report as plain text: the disposition, the raised flags with
/// their evidence, then what is unknown and which facts to gather.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let id = report.transaction().unwrap_or("(no id)");
    let _ = writeln!(
        out,
        "Transaction {id}: {}",
        report.disposition().replace('_', " ").to_uppercase()
    );
    let _ = writeln!(out, "  decided by: {}", report.disposition_rule());
    let _ = writeln!(
        out,
        "  ruleset: {} {} ({})",
        report.ruleset().name,
        report.ruleset().version,
        report.ruleset().digest
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
            f.severity, f.id, f.step, f.title
        );
        for e in f.evidence() {
            let mut line = format!("      {} = {}", e.fact, e.value);
            if let Some(source) = e.source {
                let _ = write!(line, "  ({source}");
                if let Some(as_of) = e.as_of {
                    let _ = write!(line, ", {as_of}");
                }
                line.push(')');
            }
            let _ = writeln!(out, "{line}");
        }
        for m in f.mitigations() {
            let mark = match m.status {
                SafeguardStatus::InPlace => "in place",
                SafeguardStatus::Missing => "missing",
                SafeguardStatus::Unknown => "unknown",
            };
            let _ = writeln!(out, "      safeguard {}: {mark}", m.id);
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
            f.severity, f.id, f.step, f.title
        );
        let _ = writeln!(
            out,
            "      missing: {}",
            f.missing().collect::<Vec<_>>().join(", ")
        );
    }
    if report.missing_facts().len() > 0 {
        let _ = writeln!(out, "\nFacts to gather, most decisive first:");
        for (i, m) in report.missing_facts().enumerate() {
            let _ = writeln!(out, "  {}. {m}", i + 1);
        }
    }
    let clear = report.flags_with(Status::Clear).count();
    let _ = writeln!(out, "\n{clear} flag(s) clear.");
    out
}

/// Renders an explanation tree: each sub-condition with its truth value,
/// the facts it read, and what is missing.
pub fn render_explanation(id: &str, status: dd_rules::Status, e: &dd_rules::Explanation) -> String {
    let mut out = format!("\n{id} is {status} because:\n");
    node(e, 1, &mut out);
    out
}

fn node(e: &dd_rules::Explanation, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let mark = match e.value {
        dd_rules::Truth::True => "[true]   ",
        dd_rules::Truth::False => "[false]  ",
        dd_rules::Truth::Unknown => "[unknown]",
    };
    let _ = writeln!(out, "{pad}{mark} {}", e.condition);
    for f in &e.facts {
        let _ = writeln!(
            out,
            "{pad}            {} = {}",
            f.fact,
            f.value.as_deref().unwrap_or("(absent)")
        );
    }
    if !e.missing.is_empty() && e.children.is_empty() {
        let _ = writeln!(out, "{pad}            missing: {}", e.missing.join(", "));
    }
    for c in &e.children {
        node(c, depth + 1, out);
    }
}
