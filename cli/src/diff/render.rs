//! The diff as text (grouped, one line per change, 80 columns where the
//! values allow) and as JSON.

use std::fmt::Write;

use dd_rules::{
    ChangeKind, ChangedTransaction, FactChange, FieldChange, FlagTransition, Impact, ItemChange,
    RulesetDiff, Transition, Verdict, printable,
};
use serde::Serialize;

use super::Inputs;

/// The width the text form keeps to, where values allow.
const WIDTH: usize = 80;

/// How many changed transactions the text form lists.
const TEXT_TRANSACTIONS: usize = 50;

/// Numbers with thousands separators, as people read them.
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The first 12 hex digits of a digest, after its `sha256:`.
fn short(digest: &str) -> &str {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    hex.get(..12).unwrap_or(hex)
}

fn mark(change: ChangeKind) -> char {
    match change {
        ChangeKind::Added => '+',
        ChangeKind::Removed => '-',
        _ => '~',
    }
}

/// One field's change: on one line (`field: old → new`) when it fits,
/// else the old and new values on lines of their own under the field.
fn field(out: &mut String, indent: &str, change: &FieldChange) {
    let old = change.old.as_deref().unwrap_or("(none)");
    let new = change.new.as_deref().unwrap_or("(none)");
    let line = format!(
        "{indent}{}: {} → {}",
        change.field,
        printable(old),
        printable(new)
    );
    if !old.contains('\n') && !new.contains('\n') && line.chars().count() <= WIDTH {
        out.push_str(&line);
        out.push('\n');
        return;
    }
    let _ = writeln!(out, "{indent}{}:", change.field);
    for (sign, value) in [('-', old), ('+', new)] {
        for (i, l) in value.lines().enumerate() {
            let lead = if i == 0 { sign } else { ' ' };
            let _ = writeln!(out, "{indent}  {lead} {}", printable(l));
        }
    }
}

/// A section of items (flags, safeguards, predicates, the scope).
fn items(out: &mut String, title: &str, items: &[ItemChange]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}");
    for item in items {
        let id = printable(&item.id);
        match item.change {
            ChangeKind::Changed => {
                let _ = writeln!(out, "  ~ {id}");
                for f in &item.fields {
                    field(out, "      ", f);
                }
            }
            other => {
                let _ = writeln!(out, "  {} {id} ({})", mark(other), other.as_str());
            }
        }
    }
}

fn facts(out: &mut String, facts: &[FactChange]) {
    if facts.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nfacts");
    for fact in facts {
        let path = printable(&fact.path);
        match fact.change {
            ChangeKind::Changed => {
                let _ = writeln!(out, "  ~ {path}");
                for f in &fact.fields {
                    field(out, "      ", f);
                }
                for (what, values) in [
                    ("values added", &fact.values_added),
                    ("values removed", &fact.values_removed),
                ] {
                    if !values.is_empty() {
                        wrapped(out, "      ", &format!("{what}:"), values);
                    }
                }
            }
            other => {
                let _ = writeln!(out, "  {} {path} ({})", mark(other), other.as_str());
            }
        }
    }
}

/// `head` then the words, comma-separated, wrapped at [`WIDTH`] with
/// continuation lines indented by two more.
fn wrapped(out: &mut String, indent: &str, head: &str, words: &[String]) {
    let mut line = format!("{indent}{head}");
    for (i, word) in words.iter().enumerate() {
        let word = printable(word);
        let sep = if i + 1 < words.len() { "," } else { "" };
        let piece = format!(" {word}{sep}");
        if line.chars().count() + piece.chars().count() > WIDTH
            && line.chars().count() > indent.chars().count()
        {
            out.push_str(&line);
            out.push('\n');
            line = format!("{indent} ");
        }
        line.push_str(&piece);
    }
    out.push_str(&line);
    out.push('\n');
}

/// `head` then the words, space-separated, wrapped at [`WIDTH`].
fn wrapped_words(out: &mut String, indent: &str, head: &str, words: &[String]) {
    let mut line = format!("{indent}{head}");
    for word in words {
        if line.chars().count() + 1 + word.chars().count() > WIDTH
            && line.chars().count() > indent.chars().count()
        {
            out.push_str(&line);
            out.push('\n');
            line = format!("{indent} ");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// The static diff as text.
fn static_text(out: &mut String, diff: &RulesetDiff) {
    let _ = writeln!(
        out,
        "{} {} ({}) → {} {} ({})",
        printable(&diff.old.name),
        printable(&diff.old.version),
        short(&diff.old.digest),
        printable(&diff.new.name),
        printable(&diff.new.version),
        short(&diff.new.digest),
    );
    if diff.is_empty() {
        if diff.old.digest == diff.new.digest {
            out.push_str("the rulesets are the same\n");
        } else {
            out.push_str(
                "no change in what the rulesets declare (the sources differ in comments, doc comments or layout only)\n",
            );
        }
        return;
    }
    if !diff.header.is_empty() {
        out.push_str("\nheader\n");
        for f in &diff.header {
            field(out, "  ~ ", f);
        }
    }
    items(out, "flags", &diff.flags);
    items(out, "safeguards", &diff.safeguards);
    items(out, "scope", diff.scope.as_slice());
    items(out, "predicates", &diff.predicates);
    let o = &diff.outcomes;
    if !o.added.is_empty() || !o.removed.is_empty() || o.reordered {
        out.push_str("\noutcomes, least strict first\n");
        for name in &o.removed {
            let _ = writeln!(out, "  - {} (removed)", printable(name));
        }
        for name in &o.added {
            let _ = writeln!(out, "  + {} (added)", printable(name));
        }
        wrapped(out, "  ", "old:", &o.old);
        wrapped(out, "  ", "new:", &o.new);
    }
    if !diff.cases.is_empty() {
        out.push_str("\ndisposition cases (position from 1)\n");
        for case in &diff.cases {
            let _ = writeln!(
                out,
                "  {} {}. {}",
                mark(case.change),
                case.position + 1,
                printable(&case.text)
            );
        }
    }
    facts(out, &diff.facts);
}

fn verdict(v: &Verdict) -> String {
    match v {
        Verdict::Disposition(d) => printable(d).into_owned(),
        _ => "rejected".to_string(),
    }
}

/// Where a changed transaction is: `line N`, or `FILE:N` with several
/// inputs, and its id.
fn place(t: &ChangedTransaction, inputs: &Inputs) -> String {
    let (file, line) = inputs.locate(t.line);
    let at = if inputs.several() {
        format!("{file}:{line}")
    } else {
        format!("line {line}")
    };
    match &t.id {
        Some(id) => format!("{at} ({})", dd_rules::printable_prefix(id, 40)),
        None => at,
    }
}

/// The transition matrix: old dispositions as rows, new as columns, and
/// a `rejected` row and column when some transaction was rejected. The
/// columns are headed by the outcomes' names when the table fits in
/// [`WIDTH`] columns, else by their numbers, the rows saying which is which.
fn matrix(out: &mut String, impact: &Impact<'_>) {
    let rejected_row = impact.rejected_by_old_only() + impact.rejected_by_both() > 0;
    let rejected_col = impact.rejected_by_new_only() + impact.rejected_by_both() > 0;
    let rows: Vec<Option<&str>> = impact
        .old_outcomes()
        .iter()
        .map(|s| Some(s.as_str()))
        .chain(rejected_row.then_some(None))
        .collect();
    let cols: Vec<Option<&str>> = impact
        .new_outcomes()
        .iter()
        .map(|s| Some(s.as_str()))
        .chain(rejected_col.then_some(None))
        .collect();
    let label = |o: Option<&str>| o.map_or("rejected".to_string(), |s| printable(s).into_owned());
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            cols.iter()
                .map(|c| match impact.transition(*r, *c) {
                    0 => ".".to_string(),
                    n => count(n),
                })
                .collect()
        })
        .collect();
    let table = |heads: &[String], names: &[String]| -> String {
        let first = names
            .iter()
            .map(|r| r.chars().count())
            .chain(["old \\ new".len()])
            .max()
            .unwrap_or(0);
        let widths: Vec<usize> = heads
            .iter()
            .enumerate()
            .map(|(c, h)| {
                cells
                    .iter()
                    .filter_map(|row| row.get(c).map(String::len))
                    .chain([h.chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut t = format!("{:<first$}", "old \\ new");
        for (h, w) in heads.iter().zip(&widths) {
            let _ = write!(t, "  {h:>w$}");
        }
        t.push('\n');
        for (name, row) in names.iter().zip(&cells) {
            let _ = write!(t, "{name:<first$}");
            for (v, w) in row.iter().zip(&widths) {
                let _ = write!(t, "  {v:>w$}");
            }
            t.push('\n');
        }
        t
    };
    let heads: Vec<String> = cols.iter().map(|c| label(*c)).collect();
    let names: Vec<String> = rows.iter().map(|r| label(*r)).collect();
    let wide = table(&heads, &names);
    if wide.lines().all(|l| l.chars().count() <= WIDTH) {
        out.push_str(&wide);
        return;
    }
    // Numbered: the new ruleset's outcomes, which the columns are.
    let heads: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| c.map_or("rejected".to_string(), |_| (i + 1).to_string()))
        .collect();
    let names: Vec<String> = rows
        .iter()
        .map(
            |r| match r.and_then(|r| cols.iter().position(|c| *c == Some(r))) {
                Some(i) => format!("{} {}", i + 1, label(*r)),
                None => format!("- {}", label(*r)),
            },
        )
        .collect();
    out.push_str(&table(&heads, &names));
    let legend: Vec<String> = cols
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| format!("{} {}", i + 1, printable(c))))
        .collect();
    wrapped(out, "", "columns:", &legend);
}

fn flag_change(f: &FlagTransition) -> String {
    format!(
        "{} {} → {}",
        printable(&f.id),
        f.old.as_str(),
        f.new.as_str()
    )
}

/// The impact as text.
fn impact_text(out: &mut String, impact: &Impact<'_>, inputs: &Inputs) {
    let _ = writeln!(
        out,
        "\nimpact on {} transaction(s): {} changed, {} in disposition",
        count(impact.transactions()),
        count(impact.changed()),
        count(impact.disposition_changed()),
    );
    let _ = writeln!(
        out,
        "  stricter {}, looser {}, unranked {}",
        count(impact.stricter()),
        count(impact.looser()),
        count(impact.unranked()),
    );
    let rejected = [
        impact.rejected_by_old_only(),
        impact.rejected_by_new_only(),
        impact.rejected_by_both(),
    ];
    if rejected.iter().any(|n| *n > 0) {
        let [old_only, new_only, both] = rejected;
        let _ = writeln!(
            out,
            "  rejected by the old ruleset only {}, by the new only {}, by both {}",
            count(old_only),
            count(new_only),
            count(both),
        );
    }
    out.push_str("\ndispositions, old (rows) by new (columns)\n");
    matrix(out, impact);
    let flags = impact.flags();
    if !flags.is_empty() {
        out.push_str("\nflags whose state changed, most first\n");
        let width = flags
            .iter()
            .map(|f| f.id.chars().count())
            .max()
            .unwrap_or(0);
        for f in &flags {
            let head = format!("  {:<width$}  {:>7}", printable(&f.id), count(f.changed));
            let moves: Vec<String> = f
                .transitions
                .iter()
                .map(|t: &Transition<_>| {
                    format!("{} → {} {}", t.old.as_str(), t.new.as_str(), count(t.count))
                })
                .collect();
            wrapped(out, "", &head, &moves);
        }
    }
    let kept = impact.changed_transactions();
    if !kept.is_empty() {
        let shown = kept.len().min(TEXT_TRANSACTIONS);
        let _ = writeln!(
            out,
            "\nchanged transactions ({} of {})",
            count(shown as u64),
            count(impact.changed())
        );
        for t in kept.iter().take(TEXT_TRANSACTIONS) {
            let head = format!(
                "  {}: {} → {}{}",
                place(t, inputs),
                verdict(&t.old),
                verdict(&t.new),
                if t.flags.is_empty() { "" } else { ";" }
            );
            let moves: Vec<String> = t.flags.iter().map(flag_change).collect();
            wrapped(out, "  ", head.trim_start(), &moves);
            for v in [&t.old, &t.new] {
                if let Verdict::Rejected(why) = v {
                    let side = if std::ptr::eq(v, &t.old) {
                        "old"
                    } else {
                        "new"
                    };
                    let why = dd_rules::printable_prefix(why, 300);
                    let words: Vec<String> = why.split(' ').map(str::to_string).collect();
                    let head = format!("rejected by the {side} ruleset:");
                    wrapped_words(out, "    ", &head, &words);
                }
            }
        }
    }
}

/// The diff, with the impact when facts were given, as text.
pub fn text(diff: &RulesetDiff, impact: Option<(&Impact<'_>, &Inputs)>) -> String {
    let mut out = String::new();
    static_text(&mut out, diff);
    if let Some((impact, inputs)) = impact {
        impact_text(&mut out, impact, inputs);
    }
    out
}

/// A changed transaction in the JSON form: its file and line in it.
#[derive(Serialize)]
struct Changed<'a> {
    file: &'a str,
    line: u64,
    id: Option<&'a str>,
    old: &'a Verdict,
    new: &'a Verdict,
    flags: &'a [FlagTransition],
}

/// The impact in the JSON form: the library's, with each changed
/// transaction placed in its input.
#[derive(Serialize)]
struct ImpactJson<'a> {
    transactions: u64,
    changed: u64,
    disposition_changed: u64,
    stricter: u64,
    looser: u64,
    unranked: u64,
    rejected_by_old_only: u64,
    rejected_by_new_only: u64,
    rejected_by_both: u64,
    old_outcomes: &'a [String],
    new_outcomes: &'a [String],
    matrix: Vec<Transition<Option<&'a str>>>,
    flags: Vec<dd_rules::FlagImpact>,
    changed_transactions_kept: usize,
    changed_transactions: Vec<Changed<'a>>,
}

#[derive(Serialize)]
struct Output<'a> {
    diff: &'a RulesetDiff,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<ImpactJson<'a>>,
}

/// The diff, with the impact when facts were given, as one JSON object.
pub fn json(diff: &RulesetDiff, impact: Option<(&Impact<'_>, &Inputs)>) -> String {
    let impact = impact.map(|(i, inputs)| ImpactJson {
        transactions: i.transactions(),
        changed: i.changed(),
        disposition_changed: i.disposition_changed(),
        stricter: i.stricter(),
        looser: i.looser(),
        unranked: i.unranked(),
        rejected_by_old_only: i.rejected_by_old_only(),
        rejected_by_new_only: i.rejected_by_new_only(),
        rejected_by_both: i.rejected_by_both(),
        old_outcomes: i.old_outcomes(),
        new_outcomes: i.new_outcomes(),
        matrix: i.transitions(),
        flags: i.flags(),
        changed_transactions_kept: i.changed_transactions().len(),
        changed_transactions: i
            .changed_transactions()
            .iter()
            .map(|t| {
                let (file, line) = inputs.locate(t.line);
                Changed {
                    file,
                    line,
                    id: t.id.as_deref(),
                    old: &t.old,
                    new: &t.new,
                    flags: &t.flags,
                }
            })
            .collect(),
    });
    let output = Output { diff, impact };
    serde_json::to_string_pretty(&output).unwrap_or_default() + "\n"
}
