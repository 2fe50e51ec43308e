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

use dd_rules::{
    Evidence, Report, RuleSet, SafeguardStatus, ScopeStatus, Severity, Status, printable,
};

use crate::view::{self, OMITTED, Shown, fact_text};

/// How the text form is printed: `--verbose`, and colour (only on a
/// terminal).
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// Everything: clear flags one a line, values whole, every question.
    pub verbose: bool,
    /// ANSI colour on the disposition, severities and safeguard marks.
    pub color: bool,
}

/// The width the text form fits.
pub const WIDTH: usize = 80;

/// The most characters of a value shown on a flag's evidence line without
/// `--verbose`: a long description is cut, its length said.
const VALUE_CHARS: usize = 150;

/// The most characters of one element of a list value without `--verbose`.
const ELEMENT_CHARS: usize = 160;

/// `text` cut to `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// The most elements of a list value listed without `--verbose`.
const LIST_ELEMENTS: usize = 4;

/// How many of the flags that decided the header lists without
/// `--verbose`; the sections below list them all.
const DECIDING_SHOWN: usize = 5;

/// An ANSI style, or nothing without colour.
#[derive(Clone, Copy)]
enum Paint {
    Bold,
    Red,
    Yellow,
    Green,
}

impl TextOptions {
    fn paint(&self, text: &str, paint: Paint) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match paint {
            Paint::Bold => "1",
            Paint::Red => "1;31",
            Paint::Yellow => "33",
            Paint::Green => "32",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

/// Writes `text` wrapped to [`WIDTH`]: the first line after `first`, the
/// others after `rest` (both plain, of the widths their characters say).
/// Words longer than a line are cut.
fn wrap(out: &mut String, first: &str, rest: &str, text: &str) {
    let mut line = first.to_string();
    let mut width = first.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let gap = usize::from(!empty);
            if width + gap + word.len() <= WIDTH {
                if !empty {
                    line.push(' ');
                }
                line.extend(word.iter());
                width += gap + word.len();
                empty = false;
                break;
            }
            let indent = rest.chars().count();
            if empty || word.len() > WIDTH.saturating_sub(indent) {
                // A word that fits no line: as much as fits here, the rest on
                // the next line.
                let room = WIDTH.saturating_sub(width + gap).max(1);
                if !empty {
                    line.push(' ');
                }
                let tail = word.split_off(room.min(word.len()));
                line.extend(word.iter());
                word = tail;
            }
            let _ = writeln!(out, "{}", line.trim_end());
            line = rest.to_string();
            width = indent;
            empty = true;
            if word.is_empty() {
                break;
            }
        }
    }
    // The last line, or the prefix alone for a text with no words.
    if !empty || line == first {
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// [`wrap`], with the first line's prefix `first` shown as `painted`
/// (the same text in colour): the widths are the plain text's.
fn wrap_painted(out: &mut String, first: &str, painted: &str, rest: &str, text: &str) {
    let mut lines = String::new();
    wrap(&mut lines, first, rest, text);
    if let Some(tail) = lines.strip_prefix(first) {
        out.push_str(painted);
        out.push_str(tail);
    } else {
        out.push_str(&lines);
    }
}

/// A piece of evidence's value in words, as the reports for review show
/// it ([`view::evidence_value`]): a list of values joined with commas, a
/// list of records counted and summarised an element each (the first
/// [`LIST_ELEMENTS`] unless `verbose`), a record's fields; never a JSON
/// dump. A long text is cut to [`VALUE_CHARS`] unless `verbose`.
fn value_text(e: &Evidence<'_>, verbose: bool) -> String {
    match view::evidence_value(e) {
        Shown::Omitted => OMITTED.to_string(),
        Shown::Scalar(text) if verbose => text,
        Shown::Scalar(text) => {
            let chars = text.chars().count();
            if chars <= VALUE_CHARS {
                text
            } else {
                format!("{} ({chars} characters)", cut(&text, VALUE_CHARS - 20))
            }
        }
        Shown::List { count, items } if count == 0 || items.is_empty() => "none".to_string(),
        Shown::List { count, items } => {
            let shown = if verbose { items.len() } else { LIST_ELEMENTS };
            let mut parts: Vec<String> = items
                .iter()
                .take(shown)
                .map(|i| cut(i, ELEMENT_CHARS))
                .collect();
            let more = count.saturating_sub(parts.len());
            if more > 0 {
                parts.push(format!("and {more} more"));
            }
            if e.value.to_json().starts_with("[{") {
                format!("{}: {}", view::count(count, "element"), parts.join("; "))
            } else {
                parts.join(", ")
            }
        }
        Shown::Record { count, fields } => {
            let mut parts: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let more = count.saturating_sub(parts.len());
            if more > 0 {
                parts.push(format!("and {more} more fields"));
            }
            parts.join("; ")
        }
    }
}

/// Writes quoted facts, one a line: `fact = value`, then where it comes
/// from.
fn evidence<'a>(
    out: &mut String,
    quoted: impl Iterator<Item = Evidence<'a>>,
    indent: &str,
    verbose: bool,
) {
    let rest = format!("{indent}    ");
    for e in quoted {
        let fact = printable(e.fact);
        let value = value_text(&e, verbose);
        wrap(out, indent, &rest, &format!("{fact} = {value}"));
        if e.omitted {
            continue;
        }
        if let Some(source) = e.source {
            let mut from = format!("(source: {}", fact_text(source));
            if let Some(as_of) = e.as_of {
                let _ = write!(from, ", as of {}", fact_text(as_of));
            }
            from.push(')');
            wrap(out, &rest, &rest, &from);
        }
    }
}

/// The severities, most serious first, with their names in the report.
const SEVERITIES: [(Severity, &str); 4] = [
    (Severity::Critical, "Critical"),
    (Severity::High, "High"),
    (Severity::Medium, "Medium"),
    (Severity::Low, "Low"),
];

fn severity_paint(s: Severity) -> Paint {
    match s {
        Severity::Critical | Severity::High => Paint::Red,
        Severity::Medium => Paint::Yellow,
        _ => Paint::Bold,
    }
}

/// Renders a report as plain text for a person: the disposition and the
/// flags that decided it, the raised flags most serious first with their
/// evidence and safeguards, the unknown flags and the questions to ask,
/// the remediation plan, then the clear flags. Fits [`WIDTH`] columns.
pub fn render(rules: &RuleSet, report: &Report, opts: TextOptions) -> String {
    let mut out = String::new();
    header(&mut out, rules, report, opts);
    if report.scope().is_some_and(|s| s.status == ScopeStatus::Out) && !opts.verbose {
        // Out of scope no flag counts, and nothing is asked: the flags'
        // statuses are only counted.
        let n = |status| report.flags_with(status).count();
        out.push('\n');
        wrap(
            &mut out,
            "",
            "  ",
            &format!(
                "Out of scope, no flag counts toward the disposition: {} raised, {} unknown, {} clear (`--verbose` lists them).",
                n(Status::Raised),
                n(Status::Unknown),
                n(Status::Clear)
            ),
        );
        return out;
    }
    raised(&mut out, report, opts);
    unknown(&mut out, report, opts);
    if let Some(questionnaire) = report.questionnaire() {
        questions(&mut out, questionnaire, opts);
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
        remediation(&mut out, report, plan, view::asked(report));
    }
    clear(&mut out, report, opts);
    out
}

/// The decision: the disposition, the flags that decided it, the scope,
/// the ruleset and the notice.
fn header(out: &mut String, rules: &RuleSet, report: &Report, opts: TextOptions) {
    let id = report
        .transaction()
        .map_or(Cow::Borrowed("(no id)"), fact_text);
    let disposition =
        printable(&report.disposition().replace('_', " ").to_uppercase()).into_owned();
    let outcomes = rules.outcomes().count();
    let paint = match report.disposition_index() {
        i if i + 1 >= outcomes => Paint::Red,
        0 => Paint::Green,
        _ => Paint::Yellow,
    };
    wrap_painted(
        out,
        &format!("{disposition}  "),
        &format!("{}  ", opts.paint(&disposition, paint)),
        "  ",
        &format!("transaction {id}"),
    );

    let deciding = view::deciding(report);
    let rule = printable(report.disposition_rule()).into_owned();
    if report.scope().is_some_and(|s| s.status == ScopeStatus::Out) {
        wrap(
            out,
            "  ",
            "  ",
            "Decided by the scope: the ruleset does not cover this transaction.",
        );
    } else if deciding.is_empty() {
        wrap(
            out,
            "  ",
            "    ",
            &format!("Decided by the policy's case: {rule}"),
        );
    } else {
        let n = deciding.len();
        let what = if n == 1 { "flag" } else { "flags" };
        wrap(
            out,
            "  ",
            "    ",
            &format!("Decided by {n} {what}, by the policy's case: {rule}"),
        );
        let shown = if opts.verbose { n } else { DECIDING_SHOWN };
        for f in deciding.iter().take(shown) {
            let sev = format!("[{}]", f.severity);
            wrap_painted(
                out,
                &format!("    {sev} "),
                &format!("    {} ", opts.paint(&sev, severity_paint(f.severity))),
                "      ",
                &format!("{}: {}", printable(f.id), printable(f.title)),
            );
        }
        if n > shown {
            let _ = writeln!(out, "    and {} more, below", n - shown);
        }
    }
    if let Some(scope) = report.scope() {
        wrap(
            out,
            "  Scope: ",
            "    ",
            &format!("{} ({})", scope.status, printable(scope.title)),
        );
        match scope.status {
            ScopeStatus::Unknown => {
                let missing =
                    printable(&scope.missing().collect::<Vec<_>>().join(", ")).into_owned();
                wrap(out, "    missing: ", "      ", &missing);
            }
            ScopeStatus::Out => evidence(out, scope.evidence(), "    ", opts.verbose),
            _ if opts.verbose => evidence(out, scope.evidence(), "    ", opts.verbose),
            _ => {}
        }
    }
    let r = report.ruleset();
    wrap(
        out,
        "  Ruleset: ",
        "    ",
        &format!("{} {}", printable(&r.name), printable(&r.version)),
    );
    wrap(out, "    ", "    ", &printable(&r.digest));
    wrap(out, "  Note: ", "    ", &format!("{}.", report.notice()));
}

/// The raised flags, most serious first, each with its evidence and its
/// safeguards by title.
fn raised(out: &mut String, report: &Report, opts: TextOptions) {
    let flags = view::by_severity(report.flags_with(Status::Raised));
    let mitigated = flags.iter().filter(|f| f.mitigated).count();
    let counts: Vec<String> = SEVERITIES
        .iter()
        .filter_map(|(s, _)| {
            let n = flags.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    let _ = write!(out, "\nRaised flags: {}", flags.len());
    if !flags.is_empty() {
        let _ = write!(out, " ({}), {mitigated} mitigated", counts.join(", "));
    }
    let _ = writeln!(out);
    for (severity, name) in SEVERITIES {
        let group: Vec<_> = flags.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", opts.paint(name, severity_paint(severity)));
        for f in group {
            let state = if f.mitigated {
                opts.paint("mitigated", Paint::Green)
            } else {
                opts.paint("not mitigated", Paint::Red)
            };
            let _ = writeln!(out, "  {} · step {} · {state}", printable(f.id), f.step);
            wrap(out, "    ", "    ", &printable(f.title));
            evidence(out, f.evidence(), "    ", opts.verbose);
            let all: Vec<_> = f.mitigations().collect();
            if all.is_empty() {
                wrap(out, "    ", "    ", "No safeguard mitigates this flag.");
                continue;
            }
            let in_place = all
                .iter()
                .filter(|m| m.status == SafeguardStatus::InPlace)
                .count();
            let _ = writeln!(
                out,
                "    Safeguards, all needed: {in_place} of {} in place",
                all.len()
            );
            for m in all {
                let (mark, paint) = match m.status {
                    SafeguardStatus::InPlace => ("+", Paint::Green),
                    SafeguardStatus::Missing => ("-", Paint::Red),
                    _ => ("?", Paint::Yellow),
                };
                let title = printable(view::safeguard_title(report, m.id)).into_owned();
                let text = if opts.verbose {
                    format!("{title} ({}, {})", printable(m.id), m.status.as_str())
                } else {
                    title
                };
                wrap_painted(
                    out,
                    &format!("      {mark} "),
                    &format!("      {} ", opts.paint(mark, paint)),
                    "        ",
                    &text,
                );
            }
        }
    }
}

/// The unknown flags, most serious first, each with the facts it misses.
fn unknown(out: &mut String, report: &Report, opts: TextOptions) {
    let flags = view::by_severity(report.flags_with(Status::Unknown));
    if flags.is_empty() {
        let _ = writeln!(out, "\nUnknown flags: none");
        return;
    }
    let _ = writeln!(out, "\nUnknown flags: {} (facts are missing)", flags.len());
    for f in flags {
        let sev = format!("[{}]", f.severity);
        wrap_painted(
            out,
            &format!("  {sev} "),
            &format!("  {} ", opts.paint(&sev, severity_paint(f.severity))),
            "    ",
            &format!(
                "{} · step {}: {}",
                printable(f.id),
                f.step,
                printable(f.title)
            ),
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
        wrap(out, "    missing: ", "      ", &missing);
    }
}

/// The clear flags: a count, or one a line with `--verbose`.
fn clear(out: &mut String, report: &Report, opts: TextOptions) {
    let flags = view::by_severity(report.flags_with(Status::Clear));
    if !opts.verbose {
        let _ = writeln!(
            out,
            "\nClear flags: {} (`--verbose` lists them)",
            flags.len()
        );
        return;
    }
    let _ = writeln!(out, "\nClear flags: {}", flags.len());
    for f in flags {
        wrap(
            out,
            &format!("  [{}] ", f.severity),
            "      ",
            &format!("{}: {}", printable(f.id), printable(f.title)),
        );
    }
}

/// How many questions the text report shows in words without
/// `--verbose`; the JSON report has them all.
const QUESTIONS_SHOWN: usize = 10;

/// The first questions of the questionnaire, in words, with what each
/// decides.
fn questions(out: &mut String, questionnaire: &dd_rules::Questionnaire, opts: TextOptions) {
    let all = &questionnaire.questions;
    if all.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nQuestions to answer next, most decisive first:");
    let shown = if opts.verbose {
        all.len()
    } else {
        QUESTIONS_SHOWN
    };
    for (i, q) in all.iter().take(shown).enumerate() {
        let number = format!("  {}. ", i + 1);
        let rest = " ".repeat(number.len());
        wrap(out, &number, &rest, &printable(&q.in_words()));
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
        wrap(
            out,
            &rest,
            &rest,
            &format!("({})", printable(&notes.join("; "))),
        );
    }
    if all.len() > shown {
        let _ = writeln!(
            out,
            "  and {} more (`--verbose` or `--format json` lists them all)",
            all.len() - shown
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
fn remediation(out: &mut String, report: &Report, plan: &dd_rules::Remediation, asked: bool) {
    if plan.plans.is_empty() {
        let mut text = "No safeguard would lower the disposition".to_string();
        if plan.blocked_by.is_empty() && asked {
            text.push_str("; answers to the questions above may change it.");
        } else if plan.blocked_by.is_empty() {
            text.push('.');
        } else {
            let _ = write!(
                text,
                ": no safeguard mitigates {}.",
                printable(&plan.blocked_by.join(", "))
            );
        }
        out.push('\n');
        wrap(out, "", "  ", &text);
        return;
    }
    let _ = writeln!(
        out,
        "\nTo lower the disposition from {}, put in place:",
        printable(&plan.from)
    );
    for (i, p) in plan.plans.iter().enumerate() {
        let titles: Vec<String> = p
            .safeguards
            .iter()
            .map(|s| printable(view::safeguard_title(report, s)).into_owned())
            .collect();
        wrap(
            out,
            &format!("  {}. ", i + 1),
            "     ",
            &format!("{} => {}", titles.join(" + "), printable(&p.outcome)),
        );
    }
    if !plan.blocked_by.is_empty() {
        let titles: Vec<String> = plan
            .blocked_by
            .iter()
            .map(|f| printable(f).into_owned())
            .collect();
        wrap(
            out,
            "  ",
            "   ",
            &format!(
                "(no safeguard mitigates {}: no plan goes lower than {})",
                titles.join(", "),
                printable(&plan.best)
            ),
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
