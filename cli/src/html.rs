//! The HTML form of a report (`--format html`): one self-contained page for
//! a reviewer, to read on screen, print on A4 or Letter, and sign.
//!
//! The page holds no script, no link and nothing fetched from the network:
//! its style sheet is inline. Every text from the facts or the ruleset goes
//! through `dd_rules::printable` (control, direction-changing and zero-width
//! characters become visible `\u{…}` escapes) and is then HTML-escaped
//! ([`escape`]), so that no fact or title can add markup to the page.

use std::fmt::Write as _;

use dd_rules::{
    Evidence, Explanation, Facts, FlagReport, Report, RuleSet, ScopeStatus, Status, printable,
};

use crate::view::{self, Explained, OMITTED, Shown, asked};

/// The style sheet: readable on screen, and on paper (A4 or Letter) with
/// no flag split across pages.
const STYLE: &str = include_str!("html.css");

/// `text` with the five characters that are markup in HTML written as
/// entities. Text from the facts or the ruleset is made printable first
/// ([`text`], [`fact`]).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
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

/// Renders the report as one HTML page: the summary, the scope, the raised
/// flags by step (most severe first), the unknown and clear flags, the
/// questions, the remediation plan and a sign-off block. `facts` (the
/// evaluated document) gives each raised or unknown flag its explanation,
/// collapsed; `date` is printed as the report's date when given.
pub fn render(
    rules: &RuleSet,
    facts: Option<&Facts>,
    report: &Report,
    date: Option<&str>,
) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let id = report
        .transaction()
        .map_or_else(|| "(no id)".to_string(), fact);
    let disposition = escape(&view::disposition_words(report.disposition()));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{disposition}: {id} (due-diligence report)</title>\n<style>\n{STYLE}</style>\n\
         </head>\n<body>\n<main>\n"
    );
    summary(&mut out, rules, report, &id, &disposition, date);
    let mut explanations = collect_explanations(rules, facts, report);
    scope(&mut out, report, &mut explanations);
    raised(&mut out, report, &mut explanations);
    unknown(&mut out, report, &mut explanations);
    clear(&mut out, report);
    questions(&mut out, report);
    remediation(&mut out, rules, report);
    sign_off(&mut out, rules);
    let _ = write!(
        out,
        "<footer>\n<p>{}. Produced by dd-rules with the ruleset {} {}.</p>\n</footer>\n\
         </main>\n</body>\n</html>\n",
        escape(&capitalised(report.notice())),
        text(&report.ruleset().name),
        text(&report.ruleset().version),
    );
    out
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The class that colours a disposition: the least strict outcome, the
/// strictest, or one between.
fn disposition_class(rules: &RuleSet, report: &Report) -> &'static str {
    let last = rules.outcomes().count().saturating_sub(1);
    match report.disposition_index() {
        0 => "d-low",
        i if i >= last => "d-high",
        _ => "d-mid",
    }
}

fn summary(
    out: &mut String,
    rules: &RuleSet,
    report: &Report,
    id: &str,
    disposition: &str,
    date: Option<&str>,
) {
    let class = disposition_class(rules, report);
    let _ = write!(
        out,
        "<header class=\"summary {class}\">\n\
         <p class=\"kicker\">Human-rights due-diligence report</p>\n\
         <h1>Transaction <span class=\"tx\">{id}</span></h1>\n\
         <p class=\"disposition\"><span>Disposition</span> <strong>{disposition}</strong></p>\n\
         <p class=\"notice\">{}.</p>\n<dl class=\"meta\">\n",
        escape(&capitalised(report.notice()))
    );
    let _ = writeln!(
        out,
        "<dt>Decided by</dt><dd><code>{}</code></dd>",
        text(report.disposition_rule())
    );
    let deciding: Vec<String> = view::deciding(report)
        .iter()
        .map(|f| {
            format!(
                "<li><span class=\"badge sev-{sev}\">{sev}</span> <code>{}</code> {}</li>",
                text(f.id),
                text(f.title),
                sev = f.severity
            )
        })
        .collect();
    if !deciding.is_empty() {
        let _ = writeln!(
            out,
            "<dt>Deciding flags</dt><dd><ul class=\"deciding\">{}</ul></dd>",
            deciding.join("")
        );
    }
    let ruleset = report.ruleset();
    let _ = writeln!(
        out,
        "<dt>Ruleset</dt><dd>{} {}</dd>\n<dt>Digest</dt><dd><code class=\"digest\">{}</code></dd>",
        text(&ruleset.name),
        text(&ruleset.version),
        text(&ruleset.digest)
    );
    if let Some(date) = date {
        let _ = writeln!(out, "<dt>Date</dt><dd>{}</dd>", escape(date));
    }
    let raised: Vec<FlagReport<'_>> = report.flags_with(Status::Raised).collect();
    let unmitigated = raised.iter().filter(|f| !f.mitigated).count();
    let mut by_severity = Vec::new();
    for severity in dd_rules::Severity::ALL.iter().rev() {
        let n = raised.iter().filter(|f| f.severity == *severity).count();
        if n > 0 {
            by_severity.push(format!("{n} {severity}"));
        }
    }
    let detail = if by_severity.is_empty() {
        String::new()
    } else {
        format!(" ({}; {unmitigated} not mitigated)", by_severity.join(", "))
    };
    let _ = writeln!(
        out,
        "<dt>Flags</dt><dd>{} raised{detail}, {} unknown, {} clear</dd>\n</dl>\n</header>",
        raised.len(),
        report.flags_with(Status::Unknown).count(),
        report.flags_with(Status::Clear).count()
    );
}

fn scope(out: &mut String, report: &Report, explanations: &mut Explanations) {
    let Some(scope) = report.scope() else { return };
    let status = scope.status.as_str();
    let _ = write!(
        out,
        "<section class=\"scope\">\n<h2>Scope <span class=\"badge s-{status}\">{status}</span></h2>\n<p class=\"title\">{}</p>\n",
        text(scope.title)
    );
    if let Some(citation) = scope.citation {
        let _ = writeln!(out, "<p class=\"citation\">{}</p>", text(citation));
    }
    if scope.status == ScopeStatus::Unknown {
        missing(out, scope.missing(), scope.missing_truncated);
    } else {
        evidence(out, scope.evidence());
    }
    out.push_str(&take(explanations, ""));
    out.push_str("</section>\n");
}

/// The facts a flag or the scope misses, as a list.
fn missing<'a>(out: &mut String, paths: impl Iterator<Item = &'a str>, truncated: bool) {
    let items: Vec<String> = paths.map(|p| format!("<code>{}</code>", text(p))).collect();
    let listed = match (items.is_empty(), truncated) {
        (true, true) => OMITTED.to_string(),
        (_, false) => items.join(", "),
        (false, true) => format!(
            "{}, and more (only the first {} are listed)",
            items.join(", "),
            items.len()
        ),
    };
    let _ = writeln!(
        out,
        "<p class=\"missing\"><span>Missing:</span> {listed}</p>"
    );
}

/// Evidence as `fact = value` rows, with each value's provenance.
fn evidence<'a>(out: &mut String, quoted: impl Iterator<Item = Evidence<'a>>) {
    let mut rows = String::new();
    for e in quoted {
        let value = match view::evidence_value(&e) {
            Shown::Omitted => format!("<span class=\"omitted\">{OMITTED}</span>"),
            Shown::Scalar(s) => escape(&s),
            Shown::List { count, items } => list_value(count, &items),
            Shown::Record { count, fields } => {
                let rows: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("<li>{} = {}</li>", escape(k), escape(v)))
                    .collect();
                let more = more(count, fields.len(), "field");
                format!("<ul class=\"record\">{}{more}</ul>", rows.concat())
            }
        };
        let mut source = String::new();
        if let Some(s) = e.source.filter(|_| !e.omitted) {
            let _ = write!(source, "<div class=\"source\">source: {}", fact(s));
            if let Some(as_of) = e.as_of {
                let _ = write!(source, ", as of {}", fact(as_of));
            }
            source.push_str("</div>");
        }
        let _ = writeln!(
            rows,
            "<tr><th scope=\"row\"><code>{}</code></th><td>{value}{source}</td></tr>",
            text(e.fact)
        );
    }
    if !rows.is_empty() {
        let _ = write!(
            out,
            "<table class=\"evidence\">\n<thead><tr><th>Fact</th><th>Value</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
        );
    }
}

/// `<li>` saying how many of `count` were left out after `shown`.
fn more(count: usize, shown: usize, what: &str) -> String {
    if count > shown {
        format!(
            "<li class=\"more\">and {} more</li>",
            view::count(count - shown, what)
        )
    } else {
        String::new()
    }
}

/// A list value: its count and its elements, short ones inline.
fn list_value(count: usize, items: &[String]) -> String {
    if count == 0 {
        return "(none)".to_string();
    }
    let long = items.iter().any(|i| i.chars().count() > 40);
    if !long {
        let mut inline = items
            .iter()
            .map(|i| escape(i))
            .collect::<Vec<_>>()
            .join(", ");
        if count > items.len() {
            let _ = write!(inline, ", and {} more", count - items.len());
        }
        return format!(
            "<span class=\"count\">{}:</span> {inline}",
            view::count(count, "item")
        );
    }
    let rows: Vec<String> = items
        .iter()
        .map(|i| format!("<li>{}</li>", escape(i)))
        .collect();
    format!(
        "<span class=\"count\">{}:</span><ul class=\"items\">{}{}</ul>",
        view::count(count, "item"),
        rows.concat(),
        more(count, items.len(), "item")
    )
}

/// The rendered explanations, by flag id (the empty string for the scope,
/// which no flag id is), at most
/// `eval::EXPLANATION_BYTES` of them; each taken once when shown.
type Explanations = Vec<(String, String)>;

fn collect_explanations(rules: &RuleSet, facts: Option<&Facts>, report: &Report) -> Explanations {
    let mut out = Vec::new();
    let Some(facts) = facts else { return out };
    let mut used = 0usize;
    view::explain_each(rules, facts, report, |id, status, explained| {
        let name = id.map_or_else(|| "the scope".to_string(), text);
        let html = match explained {
            Explained::Tree(tree) => {
                let mut html = format!(
                    "<details class=\"why\">\n<summary>Why {name} is {status}</summary>\n<ul class=\"tree\">\n"
                );
                node(&tree, &mut html);
                html.push_str("</ul>\n");
                if !tree.predicates.is_empty() {
                    html.push_str("<p class=\"where\">where:</p>\n<ul class=\"tree\">\n");
                    for p in &tree.predicates {
                        node(p, &mut html);
                    }
                    html.push_str("</ul>\n");
                }
                if tree.truncated {
                    html.push_str("<p class=\"note\">The explanation reached its size limit: later parts are not expanded.</p>\n");
                }
                html.push_str("</details>\n");
                html
            }
            Explained::Failed(message) => format!(
                "<p class=\"note\">No explanation: {}.</p>\n",
                escape(&message)
            ),
        };
        let html = match used.checked_add(html.len()) {
            Some(total) if total <= crate::eval::EXPLANATION_BYTES => {
                used = total;
                html
            }
            _ => "<p class=\"note\">Explanation left out: the explanations of one report are limited in size.</p>\n".to_string(),
        };
        out.push((id.unwrap_or_default().to_string(), html));
        true
    });
    out
}

/// Takes the explanation of `name` out of `all`, or the empty string.
fn take(all: &mut Explanations, name: &str) -> String {
    match all.iter().position(|(n, _)| n == name) {
        Some(i) => all.swap_remove(i).1,
        None => String::new(),
    }
}

/// One node of an explanation and its parts. INVARIANT: the recursion is
/// as deep as the tree, which is no deeper than a condition may be nested
/// (the checker's limits; predicates are not expanded in place).
fn node(e: &Explanation, out: &mut String) {
    let value = view::truth_words(e.value);
    let _ = write!(
        out,
        "<li><span class=\"tv t-{value}\">{value}</span> <code>{}</code>",
        text(&e.condition)
    );
    for f in &e.facts {
        let value = f.value.as_deref().map_or("(absent)".to_string(), fact);
        let _ = write!(out, "<div class=\"read\">{} = {value}</div>", text(&f.fact));
    }
    if !e.missing.is_empty() && e.children.is_empty() {
        let _ = write!(
            out,
            "<div class=\"read\">missing: {}</div>",
            text(&e.missing.join(", "))
        );
    }
    if !e.children.is_empty() {
        out.push_str("\n<ul>\n");
        for c in &e.children {
            node(c, out);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>\n");
}

/// The head of a flag: severity, id, title and citation.
fn flag_head(out: &mut String, f: &FlagReport<'_>, state: &str) {
    let severity = f.severity.as_str();
    let _ = write!(
        out,
        "<article class=\"flag sev-{severity}\">\n<header><span class=\"badge sev-{severity}\">{severity}</span> \
         <code class=\"id\">{}</code> {state}</header>\n<h4>{}</h4>\n",
        text(f.id),
        text(f.title)
    );
    if let Some(citation) = f.citation {
        let _ = writeln!(out, "<p class=\"citation\">{}</p>", text(citation));
    }
}

fn raised(out: &mut String, report: &Report, explanations: &mut Explanations) {
    let groups = view::by_step(report, Status::Raised);
    let total: usize = groups.iter().map(|(_, g)| g.len()).sum();
    let _ = writeln!(
        out,
        "<section class=\"raised\">\n<h2>Raised flags ({total})</h2>"
    );
    if groups.is_empty() {
        out.push_str("<p>None.</p>\n");
    }
    for (step, flags) in groups {
        let _ = writeln!(out, "<h3>Step {step}</h3>");
        for f in flags {
            let state = if f.mitigated {
                "<span class=\"mit yes\">mitigated</span>"
            } else {
                "<span class=\"mit no\">not mitigated</span>"
            };
            flag_head(out, &f, state);
            evidence(out, f.evidence());
            let safeguards: Vec<String> = f
                .mitigations()
                .map(|m| {
                    let status = view::safeguard_words(m.status);
                    format!(
                        "<li class=\"sg-{}\"><span class=\"mark\">{status}</span><span>{} <code>{}</code></span></li>",
                        m.status.as_str(),
                        text(view::safeguard_title(report, m.id)),
                        text(m.id)
                    )
                })
                .collect();
            if safeguards.is_empty() {
                out.push_str(
                    "<p class=\"safeguards-none\">No safeguard mitigates this flag.</p>\n",
                );
            } else {
                let _ = writeln!(
                    out,
                    "<p class=\"label\">Safeguards (all must be in place to mitigate):</p>\n<ul class=\"safeguards\">\n{}\n</ul>",
                    safeguards.join("\n")
                );
            }
            out.push_str(&take(explanations, f.id));
            out.push_str("</article>\n");
        }
    }
    out.push_str("</section>\n");
}

fn unknown(out: &mut String, report: &Report, explanations: &mut Explanations) {
    let groups = view::by_step(report, Status::Unknown);
    let total: usize = groups.iter().map(|(_, g)| g.len()).sum();
    let _ = writeln!(
        out,
        "<section class=\"unknown\">\n<h2>Unknown flags ({total})</h2>"
    );
    if total == 0 {
        out.push_str("<p>None.</p>\n");
    }
    for (step, flags) in groups {
        let _ = writeln!(out, "<h3>Step {step}</h3>");
        for f in flags {
            flag_head(out, &f, "<span class=\"mit unknown\">unknown</span>");
            missing(out, f.missing(), f.missing_truncated);
            out.push_str(&take(explanations, f.id));
            out.push_str("</article>\n");
        }
    }
    out.push_str("</section>\n");
}

fn clear(out: &mut String, report: &Report) {
    let items: Vec<String> = report
        .flags_with(Status::Clear)
        .map(|f| format!("<li><code>{}</code> {}</li>", text(f.id), text(f.title)))
        .collect();
    let _ = writeln!(
        out,
        "<section class=\"clear\">\n<h2>Clear flags ({})</h2>",
        items.len()
    );
    if items.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        let _ = writeln!(out, "<ul class=\"compact\">\n{}\n</ul>", items.join("\n"));
    }
    out.push_str("</section>\n");
}

fn questions(out: &mut String, report: &Report) {
    let Some(questionnaire) = report.questionnaire() else {
        return;
    };
    if questionnaire.questions.is_empty() {
        return;
    }
    out.push_str(
        "<section class=\"questions\">\n<h2>Questions to answer, most decisive first</h2>\n<ol>\n",
    );
    for q in &questionnaire.questions {
        let mut decides = Vec::new();
        if q.decides_scope {
            decides.push("the scope".to_string());
        }
        decides.extend(q.flags.iter().map(|f| format!("<code>{}</code>", text(f))));
        decides.extend(
            q.safeguards
                .iter()
                .map(|s| format!("safeguard <code>{}</code>", text(s))),
        );
        let mut notes = Vec::new();
        if q.required {
            notes.push("<strong>required</strong>".to_string());
        }
        if !decides.is_empty() {
            notes.push(format!("decides {}", decides.join(", ")));
        }
        notes.push(if q.changes_disposition {
            format!(
                "<strong>could change the disposition</strong> to {}",
                text(&q.leads_to.join(" or "))
            )
        } else {
            "cannot change the disposition alone".to_string()
        });
        let _ = writeln!(
            out,
            "<li><p>{}</p><p class=\"decides\">{}</p></li>",
            text(&q.in_words()),
            notes.join("; ")
        );
    }
    out.push_str("</ol>\n");
    if questionnaire.truncated {
        out.push_str("<p class=\"note\">Stopped early: not every missing fact was examined.</p>\n");
    }
    out.push_str("</section>\n");
}

fn remediation(out: &mut String, rules: &RuleSet, report: &Report) {
    let Some(plan) = report.remediation() else {
        return;
    };
    out.push_str("<section class=\"remediation\">\n<h2>Remediation plan</h2>\n");
    if plan.plans.is_empty() {
        out.push_str("<p>No safeguard would lower the disposition");
        if plan.blocked_by.is_empty() && asked(report) {
            out.push_str("; answers to the questions above may change it.</p>\n");
        } else if plan.blocked_by.is_empty() {
            out.push_str(".</p>\n");
        } else {
            let _ = writeln!(
                out,
                ": no safeguard mitigates {}.</p>",
                codes(&plan.blocked_by)
            );
        }
    } else {
        let _ = writeln!(
            out,
            "<p>To lower the disposition from <strong>{}</strong>, put in place one of:</p>\n<table class=\"plans\">\n<thead><tr><th>Safeguards to put in place</th><th>Resulting disposition</th></tr></thead>\n<tbody>",
            escape(&view::disposition_words(&plan.from))
        );
        for p in &plan.plans {
            let items: Vec<String> = p
                .safeguards
                .iter()
                .map(|s| {
                    let citation = view::safeguard_citation(rules, s)
                        .map(|c| format!("<br><span class=\"citation\">{}</span>", text(c)))
                        .unwrap_or_default();
                    format!(
                        "<li>{} <code>{}</code>{citation}</li>",
                        text(view::safeguard_title(report, s)),
                        text(s)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "<tr><td><ul>{}</ul></td><td><strong>{}</strong></td></tr>",
                items.concat(),
                escape(&view::disposition_words(&p.outcome))
            );
        }
        out.push_str("</tbody>\n</table>\n");
        if !plan.blocked_by.is_empty() {
            let _ = writeln!(
                out,
                "<p>No safeguard mitigates {}: no plan goes lower than {}.</p>",
                codes(&plan.blocked_by),
                escape(&view::disposition_words(&plan.best))
            );
        }
    }
    if plan.truncated {
        out.push_str("<p class=\"note\">Stopped early: larger plans may exist.</p>\n");
    }
    out.push_str("</section>\n");
}

/// Names as a comma-separated list of `<code>`.
fn codes(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("<code>{}</code>", text(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The block a reviewer fills in on paper: name, decision (one box per
/// outcome of the ruleset), reasons, date and signature.
fn sign_off(out: &mut String, rules: &RuleSet) {
    let outcomes: Vec<String> = rules
        .outcomes()
        .map(|o| {
            format!(
                "<span class=\"choice\"><span class=\"box\"></span> {}</span>",
                escape(&view::disposition_words(o))
            )
        })
        .collect();
    let _ = write!(
        out,
        "<section class=\"signoff\">\n<h2>Reviewer sign-off</h2>\n\
         <p>The decision is the reviewer's: this report is a recommendation for human review, not a legal clearance.</p>\n\
         <table>\n<tbody>\n\
         <tr><th scope=\"row\">Reviewer</th><td class=\"field\"></td></tr>\n\
         <tr><th scope=\"row\">Decision</th><td class=\"choices\">{}</td></tr>\n\
         <tr><th scope=\"row\">Reasons</th><td class=\"field tall\"></td></tr>\n\
         <tr><th scope=\"row\">Date</th><td class=\"field\"></td></tr>\n\
         <tr><th scope=\"row\">Signature</th><td class=\"field\"></td></tr>\n\
         </tbody>\n</table>\n</section>\n",
        outcomes.join(" ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(
            escape(r#"<script>alert('x' & "y")</script>"#),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"
        );
    }

    #[test]
    fn hidden_characters_are_shown_then_escaped() {
        assert_eq!(fact("a\u{202E}<b>\u{7}"), "a\\u{202E}&lt;b&gt;\\u{7}");
    }
}
