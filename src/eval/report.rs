//! Builds the full [`Report`] from the fast path's [`Outcome`]: the statuses
//! are taken as computed; evidence values and missing facts are added.
//!
//! Everything the ruleset already holds (ids, titles, evidence paths) stays
//! in the ruleset; the report gets what is particular to the transaction, in
//! a few flat buffers (see `report/mod.rs`). A report therefore costs a
//! handful of allocations, however many flags and facts it quotes.

use std::ops::Range;

use super::machine::Machine;
use super::missing::{PathSink, Scope};
use super::outcome::Outcome;
use crate::check::Checked;
use crate::facts::Facts;
use crate::report::{FlagRow, Report, Severity, Status};
use crate::ruleset::RuleSet;

/// How much a missing fact weighs: by the most severe unknown flag it
/// would help decide, then by how many such flags there are.
fn weight(severity: Severity) -> u64 {
    match severity {
        Severity::Low => 1,
        Severity::Medium => 1_000,
        Severity::High => 1_000_000,
        Severity::Critical => 1_000_000_000,
    }
}

/// Builds the full report from the fast path's outcome for the same facts.
pub(crate) fn build(
    rules: &RuleSet,
    checked: &Checked,
    facts: &Facts,
    outcome: &Outcome,
) -> Report {
    let program = rules.program();
    let mut machine = Machine::new(program, &facts.root, &outcome.cache);
    // Enough for most reports' missing paths; it grows if need be.
    let mut text = String::with_capacity(1024);

    let mut rows = Vec::with_capacity(program.flags.len());
    let mut paths = Vec::with_capacity(64);
    let mut scope = Scope::new(program.root);
    for (i, code) in program.flags.iter().enumerate() {
        let status = outcome.flags.get(i).copied().unwrap_or(Status::Unknown);
        let start = paths.len();
        if status == Status::Unknown {
            machine.missing(
                code.cond,
                &mut scope,
                &mut PathSink {
                    text: &mut text,
                    spans: &mut paths,
                },
            );
            sort_dedup(&text, &mut paths, start);
        }
        let missing = start..paths.len();

        rows.push(FlagRow {
            status,
            mitigated: outcome.mitigated.get(i).copied().unwrap_or(false),
            missing,
        });
    }

    let missing_facts = rank(checked, &rows, &text, &mut paths);
    Report {
        rules: rules.clone(),
        facts: facts.clone(),
        case: outcome.case,
        outcome: outcome.outcome,
        flags: rows,
        safeguards: outcome.safeguards.clone(),
        paths,
        missing_facts,
        text,
    }
}

/// The text of a span.
fn text_of<'t>(text: &'t str, span: &Range<usize>) -> &'t str {
    text.get(span.clone()).unwrap_or_default()
}

/// Sorts the paths from `start` on by their text, and drops repeats.
fn sort_dedup(text: &str, paths: &mut Vec<Range<usize>>, start: usize) {
    let Some(list) = paths.get_mut(start..) else {
        return;
    };
    list.sort_unstable_by(|a, b| text_of(text, a).cmp(text_of(text, b)));
    let mut kept = 0;
    for i in 0..list.len() {
        let repeat = kept > 0
            && list
                .get(kept - 1)
                .zip(list.get(i))
                .is_some_and(|(a, b)| text_of(text, a) == text_of(text, b));
        if !repeat {
            list.swap(kept, i);
            kept += 1;
        }
    }
    paths.truncate(start + kept);
}

/// Ranks the missing paths of all unknown flags, most decisive first (by the
/// summed weight of the flags each would help decide, then by path), and
/// appends them to `paths`; returns their range.
fn rank(
    checked: &Checked,
    rows: &[FlagRow],
    text: &str,
    paths: &mut Vec<Range<usize>>,
) -> Range<usize> {
    let mut weighted: Vec<(Range<usize>, u64)> = Vec::with_capacity(paths.len());
    for (row, flag) in rows.iter().zip(&checked.flags) {
        let w = weight(flag.severity);
        for span in paths.get(row.missing.clone()).unwrap_or_default() {
            weighted.push((span.clone(), w));
        }
    }
    // Equal paths from different flags: one entry with their summed weight.
    weighted.sort_unstable_by(|a, b| text_of(text, &a.0).cmp(text_of(text, &b.0)));
    let mut merged = weighted;
    merged.dedup_by(|next, kept| {
        let same = text_of(text, &next.0) == text_of(text, &kept.0);
        if same {
            kept.1 += next.1;
        }
        same
    });
    // Heaviest first; the sort is stable and the paths are in text order
    // already, so paths of equal weight stay in text order.
    merged.sort_by_key(|&(_, w)| std::cmp::Reverse(w));
    let start = paths.len();
    paths.extend(merged.into_iter().map(|(span, _)| span));
    start..paths.len()
}
