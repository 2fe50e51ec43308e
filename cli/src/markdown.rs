//! The Markdown form of a report (`--format markdown`): GitHub-flavoured
//! Markdown to paste into a ticket, with the sections of the HTML report.
//!
//! Every text from the facts or the ruleset goes through
//! `dd_rules::printable` (so it holds no line break or hidden character)
//! and then [`escape`], which backslash-escapes the characters that
//! Markdown reads as markup (emphasis, code, links, HTML, table cells), so
//! that no fact or title can change the structure of the ticket.

use std::fmt::Write as _;

use dd_rules::{Evidence, Facts, FlagReport, Report, RuleSet, ScopeStatus, Status, printable};

use crate::view::{self, Explained, OMITTED, Shown, asked};

/// `text` (already printable: no line break) with every character that
/// Markdown may read as markup backslash-escaped, and a line-start marker
/// (`#`, `-`, `+`, `=`, `1.`) made plain, so that it reads as written in a
/// paragraph, a list item or a table cell.
pub fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        // A line break cannot reach here (`printable` escapes it); should
        // one come, it must not end a table row.
        if c == '\n' || c == '\r' {
            out.push_str("<br>");
            continue;
        }
        let escaped = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#' | '$' => true,
            // An underscore between two letters or digits cannot open or
            // close emphasis (GFM), so `local_police` stays as written.
            '_' => {
                let word = |j: Option<usize>| {
                    j.and_then(|j| chars.get(j))
                        .is_some_and(|c| c.is_alphanumeric())
                };
                !(word(i.checked_sub(1)) && word(i.checked_add(1)))
            }
            _ => false,
        };
        if escaped {
            out.push('\\');
        }
        out.push(c);
    }
    // What Markdown reads as a block marker only at the start of a line: a
    // list item (`-`, `+`, `1.`, `1)` then a space or nothing) or a setext
    // underline (`=` alone).
    let digits = out.bytes().take_while(u8::is_ascii_digit).count();
    let marker = out.as_bytes().get(digits).copied();
    let then_blank = out
        .as_bytes()
        .get(digits + 1)
        .is_none_or(|b| b.is_ascii_whitespace());
    match marker {
        Some(b'.' | b')') if digits > 0 && then_blank => out.insert(digits, '\\'),
        Some(b'-' | b'+') if digits == 0 && then_blank => out.insert(0, '\\'),
        Some(b'=') if digits == 0 && out.bytes().all(|b| b == b'=') => out.insert(0, '\\'),
        _ => {}
    }
    out
}

/// Text from the ruleset (a title, an id), printable and escaped.
fn text(s: &str) -> String {
    escape(&printable(s))
}

/// Text from the facts, printable, cut to `view::SHOWN_CHARS`, escaped.
fn fact(s: &str) -> String {
    escape(&view::fact_text(s))
}

/// An identifier as code: in backticks when it holds none and no `|` (which
/// would end a table cell even in code), else escaped text.
fn code(s: &str) -> String {
    let shown = printable(s);
    if shown.contains(['`', '|']) || shown.is_empty() {
        escape(&shown)
    } else {
        format!("`{shown}`")
    }
}

/// Renders the report as Markdown: the summary, the scope, the raised flags
/// by step (most severe first) with tables of evidence and safeguards, the
/// unknown and clear flags, the questions, the remediation plan and a
/// sign-off block; with `facts`, each explanation in a collapsed
/// `<details>` block (`--explain`).
pub fn render(
    rules: &RuleSet,
    facts: Option<&Facts>,
    report: &Report,
    date: Option<&str>,
) -> String {
    let mut out = String::with_capacity(16 * 1024);
    summary(&mut out, report, date);
    if let Some(scope) = report.scope() {
        let _ = writeln!(out, "\n## Scope: {}\n\n{}", scope.status, text(scope.title));
        if let Some(citation) = scope.citation {
            let _ = writeln!(out, "\n_{}_", text(citation));
        }
        if scope.status == ScopeStatus::Unknown {
            missing(&mut out, scope.missing(), scope.missing_truncated);
        } else {
            evidence(&mut out, scope.evidence());
        }
    }
    raised(&mut out, report);
    unknown(&mut out, report);
    let clear: Vec<String> = report
        .flags_with(Status::Clear)
        .map(|f| format!("{} {}", code(f.id), text(f.title)))
        .collect();
    let _ = writeln!(out, "\n## Clear flags ({})\n", clear.len());
    if clear.is_empty() {
        out.push_str("None.\n");
    }
    for c in clear {
        let _ = writeln!(out, "- {c}");
    }
    questions(&mut out, report);
    remediation(&mut out, report);
    if let Some(facts) = facts {
        explanations(&mut out, rules, facts, report);
    }
    sign_off(&mut out, rules);
    out
}

fn summary(out: &mut String, report: &Report, date: Option<&str>) {
    let id = report
        .transaction()
        .map_or_else(|| "(no id)".to_string(), fact);
    let _ = writeln!(
        out,
        "# Due-diligence report: {id}\n\n**Disposition: {}**\n\n> {}\n",
        escape(&view::disposition_words(report.disposition())),
        escape(&capitalised(report.notice()))
    );
    let ruleset = report.ruleset();
    let _ = writeln!(
        out,
        "| | |\n|---|---|\n| Transaction | {id} |\n| Decided by | {} |\n| Ruleset | {} {} |\n| Digest | {} |",
        code(report.disposition_rule()),
        text(&ruleset.name),
        text(&ruleset.version),
        code(&ruleset.digest)
    );
    let deciding: Vec<String> = view::deciding(report)
        .iter()
        .map(|f| format!("{} ({}, {})", code(f.id), text(f.title), f.severity))
        .collect();
    if !deciding.is_empty() {
        let _ = writeln!(out, "| Deciding flags | {} |", deciding.join("<br>"));
    }
    if let Some(date) = date {
        let _ = writeln!(out, "| Date | {} |", escape(date));
    }
    let _ = writeln!(
        out,
        "| Flags | {} raised ({} not mitigated), {} unknown, {} clear |",
        report.flags_with(Status::Raised).count(),
        report
            .flags_with(Status::Raised)
            .filter(|f| !f.mitigated)
            .count(),
        report.flags_with(Status::Unknown).count(),
        report.flags_with(Status::Clear).count()
    );
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn missing<'a>(out: &mut String, paths: impl Iterator<Item = &'a str>, truncated: bool) {
    let items: Vec<String> = paths.map(code).collect();
    let listed = match (items.is_empty(), truncated) {
        (true, true) => OMITTED.to_string(),
        (_, false) => items.join(", "),
        (false, true) => format!(
            "{}, and more (only the first {} are listed)",
            items.join(", "),
            items.len()
        ),
    };
    let _ = writeln!(out, "\nMissing: {listed}");
}

/// Evidence as a table of `fact | value | source` rows.
fn evidence<'a>(out: &mut String, quoted: impl Iterator<Item = Evidence<'a>>) {
    let mut rows = String::new();
    for e in quoted {
        let value = match view::evidence_value(&e) {
            Shown::Omitted => format!("_{OMITTED}_"),
            Shown::Scalar(s) => escape(&s),
            Shown::List { count, items } => {
                let mut listed = items.iter().map(|i| escape(i)).collect::<Vec<_>>();
                if count > items.len() {
                    listed.push(format!("and {} more", count - items.len()));
                }
                if count == 0 {
                    "(none)".to_string()
                } else {
                    format!("{}: {}", view::count(count, "item"), listed.join("; "))
                }
            }
            Shown::Record { count, fields } => {
                let mut listed: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{} = {}", escape(k), escape(v)))
                    .collect();
                if count > fields.len() {
                    listed.push(format!(
                        "and {} more",
                        view::count(count - fields.len(), "field")
                    ));
                }
                listed.join("<br>")
            }
        };
        let mut source = String::new();
        if let Some(s) = e.source.filter(|_| !e.omitted) {
            source = fact(s);
            if let Some(as_of) = e.as_of {
                let _ = write!(source, ", {}", fact(as_of));
            }
        }
        let _ = writeln!(rows, "| {} | {value} | {source} |", code(e.fact));
    }
    if !rows.is_empty() {
        let _ = write!(out, "\n| Fact | Value | Source |\n|---|---|---|\n{rows}");
    }
}

fn flag_head(out: &mut String, f: &FlagReport<'_>, state: &str) {
    let _ = writeln!(
        out,
        "\n#### {}: {}\n\n**{}**, {state}",
        code(f.id),
        text(f.title),
        f.severity.as_str().to_uppercase()
    );
    if let Some(citation) = f.citation {
        let _ = writeln!(out, "\n_{}_", text(citation));
    }
}

fn raised(out: &mut String, report: &Report) {
    let groups = view::by_step(report, Status::Raised);
    let total: usize = groups.iter().map(|(_, g)| g.len()).sum();
    let _ = writeln!(out, "\n## Raised flags ({total})");
    if groups.is_empty() {
        out.push_str("\nNone.\n");
    }
    for (step, flags) in groups {
        let _ = writeln!(out, "\n### Step {step}");
        for f in flags {
            let state = if f.mitigated {
                "mitigated"
            } else {
                "**not mitigated**"
            };
            flag_head(out, &f, state);
            evidence(out, f.evidence());
            let safeguards: Vec<String> = f
                .mitigations()
                .map(|m| {
                    format!(
                        "| {} {} | {} |",
                        text(view::safeguard_title(report, m.id)),
                        code(m.id),
                        view::safeguard_words(m.status)
                    )
                })
                .collect();
            if safeguards.is_empty() {
                out.push_str("\nNo safeguard mitigates this flag.\n");
            } else {
                let _ = writeln!(
                    out,
                    "\n| Safeguard (all must be in place) | Status |\n|---|---|\n{}",
                    safeguards.join("\n")
                );
            }
        }
    }
}

fn unknown(out: &mut String, report: &Report) {
    let groups = view::by_step(report, Status::Unknown);
    let total: usize = groups.iter().map(|(_, g)| g.len()).sum();
    let _ = writeln!(out, "\n## Unknown flags ({total})");
    if groups.is_empty() {
        out.push_str("\nNone.\n");
    }
    for (step, flags) in groups {
        let _ = writeln!(out, "\n### Step {step}");
        for f in flags {
            flag_head(out, &f, "unknown");
            missing(out, f.missing(), f.missing_truncated);
        }
    }
}

fn questions(out: &mut String, report: &Report) {
    let Some(questionnaire) = report.questionnaire() else {
        return;
    };
    if questionnaire.questions.is_empty() {
        return;
    }
    out.push_str("\n## Questions to answer, most decisive first\n\n");
    out.push_str("| # | Question | Decides | Could change the disposition |\n|---|---|---|---|\n");
    for (i, q) in questionnaire.questions.iter().enumerate() {
        let mut decides = Vec::new();
        if q.decides_scope {
            decides.push("the scope".to_string());
        }
        decides.extend(q.flags.iter().map(|f| code(f)));
        decides.extend(
            q.safeguards
                .iter()
                .map(|s| format!("safeguard {}", code(s))),
        );
        let required = if q.required { " **(required)**" } else { "" };
        let changes = if q.changes_disposition {
            format!("yes: to {}", text(&q.leads_to.join(" or ")))
        } else {
            "no, not alone".to_string()
        };
        let _ = writeln!(
            out,
            "| {} | {}{required} | {} | {changes} |",
            i + 1,
            text(&q.in_words()),
            decides.join(", ")
        );
    }
    if questionnaire.truncated {
        out.push_str("\n_Stopped early: not every missing fact was examined._\n");
    }
}

fn remediation(out: &mut String, report: &Report) {
    let Some(plan) = report.remediation() else {
        return;
    };
    out.push_str("\n## Remediation plan\n\n");
    if plan.plans.is_empty() {
        out.push_str("No safeguard would lower the disposition");
        if plan.blocked_by.is_empty() && asked(report) {
            out.push_str("; answers to the questions above may change it.\n");
        } else if plan.blocked_by.is_empty() {
            out.push_str(".\n");
        } else {
            let _ = writeln!(out, ": no safeguard mitigates {}.", codes(&plan.blocked_by));
        }
    } else {
        let _ = writeln!(
            out,
            "To lower the disposition from **{}**, put in place one of:\n\n| Safeguards to put in place | Resulting disposition |\n|---|---|",
            escape(&view::disposition_words(&plan.from))
        );
        for p in &plan.plans {
            let items: Vec<String> = p
                .safeguards
                .iter()
                .map(|s| format!("{} {}", text(view::safeguard_title(report, s)), code(s)))
                .collect();
            let _ = writeln!(
                out,
                "| {} | **{}** |",
                items.join("<br>"),
                escape(&view::disposition_words(&p.outcome))
            );
        }
        if !plan.blocked_by.is_empty() {
            let _ = writeln!(
                out,
                "\nNo safeguard mitigates {}: no plan goes lower than {}.",
                codes(&plan.blocked_by),
                escape(&view::disposition_words(&plan.best))
            );
        }
    }
    if plan.truncated {
        out.push_str("\n_Stopped early: larger plans may exist._\n");
    }
}

fn codes(names: &[String]) -> String {
    names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ")
}

/// The explanations (`--explain`), each in a collapsed `<details>` block
/// holding the text form in a fenced block, at most
/// `eval::EXPLANATION_BYTES` of them.
fn explanations(out: &mut String, rules: &RuleSet, facts: &Facts, report: &Report) {
    let mut body = String::new();
    let mut used = 0usize;
    view::explain_each(rules, facts, report, |id, status, explained| {
        let name = id.unwrap_or("scope");
        let block = match explained {
            Explained::Tree(tree) => {
                let tree = crate::text::render_explanation(name, status, &tree);
                // A fence longer than any run of backticks in the text, so
                // that nothing in it can end the block.
                let fence = "`".repeat(longest_run(&tree, '`').max(2) + 1);
                format!(
                    "\n<details><summary>Why {} is {status}</summary>\n\n{fence}text\n{}\n{fence}\n\n</details>\n",
                    html_text(name),
                    tree.trim()
                )
            }
            Explained::Failed(message) => format!(
                "\nNo explanation of {}: {}.\n",
                code(name),
                escape(&message)
            ),
        };
        match used.checked_add(block.len()) {
            Some(total) if total <= crate::eval::EXPLANATION_BYTES => {
                used = total;
                body.push_str(&block);
            }
            _ => {
                let _ = writeln!(
                    body,
                    "\nExplanation of {} left out: the explanations of one report are limited in size.",
                    code(name)
                );
            }
        }
        true
    });
    if !body.is_empty() {
        let _ = write!(out, "\n## Explanations\n{body}");
    }
}

/// The longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Text inside an HTML tag of the Markdown (a `<summary>`): HTML-escaped.
fn html_text(s: &str) -> String {
    crate::html::escape(&printable(s))
}

fn sign_off(out: &mut String, rules: &RuleSet) {
    let outcomes: Vec<String> = rules
        .outcomes()
        .map(|o| format!("- [ ] {}", escape(&view::disposition_words(o))))
        .collect();
    let _ = write!(
        out,
        "\n## Reviewer sign-off\n\n\
         The decision is the reviewer's: this report is a recommendation for human review, not a legal clearance.\n\n\
         - Reviewer:\n- Date:\n- Decision:\n{}\n- Reasons:\n",
        outcomes
            .iter()
            .map(|o| format!("  {o}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("a|b *c* `d` [e](f) <g>"),
            r"a\|b \*c\* \`d\` \[e\](f) \<g\>"
        );
        assert_eq!(escape("# title"), r"\# title");
        assert_eq!(escape("- item"), r"\- item");
        assert_eq!(escape("12. item"), r"12\. item");
        assert_eq!(
            escape("1.0.0 -x local_police _a_"),
            r"1.0.0 -x local_police \_a\_"
        );
        assert_eq!(escape(r"a\b"), r"a\\b");
    }

    #[test]
    fn code_falls_back_to_escaped_text() {
        assert_eq!(code("S1.x"), "`S1.x`");
        assert_eq!(code("a|b"), r"a\|b");
    }
}
