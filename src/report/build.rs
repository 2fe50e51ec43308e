//! Builds the full [`Report`] from the fast path's [`Outcome`]: the statuses
//! are taken as computed; evidence values and missing facts are added.
//!
//! Everything the ruleset already holds (ids, titles, evidence paths) stays
//! in the ruleset; the report gets what is particular to the transaction, in
//! a few flat buffers (see `report/mod.rs`). A report therefore costs a
//! handful of allocations, however many flags and facts it quotes.
//!
//! What a report quotes from the facts is bounded by its quote budget
//! (`limits::report_quote_budget`): the missing paths of its flags first,
//! in flag order, then the evidence, in flag order. Evidence is measured
//! only when a bound computed from the ruleset and the document's length
//! says it might not fit: most reports never render a value while built.

use std::cell::Cell;
use std::io;
use std::ops::Range;

use super::scope::ScopeRow;
use super::{FlagRow, Report};
use crate::budget::{ConditionKind, Steps};
use crate::check::Checked;
use crate::compile::{NodeId, Program, QUOTE_EXPANSION, QUOTE_OVERHEAD, Quote, words};
use crate::engine::Engine;
use crate::eval::machine::Machine;
use crate::eval::missing::{Paths, Walk};
use crate::eval::outcome::Outcome;
use crate::facts::render::QuotedValue;
use crate::facts::{Facts, Value};
use crate::limits::{MAX_MISSING_FACTS, report_quote_budget};
use crate::model::{ScopeStatus, Severity, Status};
use crate::tri::Tri;

/// How much a missing fact weighs: by the most severe unknown flag it
/// would help decide, then by how many such flags there are.
pub(super) fn weight(severity: Severity) -> u64 {
    match severity {
        Severity::Low => 1,
        Severity::Medium => 1_000,
        Severity::High => 1_000_000,
        Severity::Critical => 1_000_000_000,
    }
}

/// What a missing path costs in the quote budget: its text, its quotes and
/// a comma.
fn path_cost(path_len: usize) -> usize {
    path_len + 3
}

thread_local! {
    /// The missing-facts walk's buffers, kept from one report to the next
    /// on each thread, so that a report in a batch allocates none of them.
    static KEPT_WALK: Cell<Option<Box<Walk>>> = const { Cell::new(None) };
    /// The predicate cache the report's machine reads, likewise kept.
    static KEPT_CACHE: Cell<Vec<Cell<Tri>>> = const { Cell::new(Vec::new()) };
    /// The missing paths with their weights, as [`rank`] sorts them, likewise kept.
    static KEPT_RANKING: Cell<Vec<Ranked>> = const { Cell::new(Vec::new()) };
}

/// Builds the full report from the fast path's outcome for the same facts.
/// On failure, the flag whose missing facts went over the evaluation budget.
pub(crate) fn build(
    rules: &Engine,
    checked: &Checked,
    facts: &Facts,
    outcome: &Outcome,
) -> Result<Report, (ConditionKind, usize)> {
    let program = rules.program();
    let budget = report_quote_budget(facts.len);
    let steps = Steps::new(rules.budget());
    // The machine reads the predicates the fast path computed, from a copy
    // of its cache in the thread's kept buffer (the fast path's machine
    // writes the cache as it fills it, so a machine holds cells).
    let mut cache = KEPT_CACHE.take();
    cache.clear();
    cache.extend(outcome.cache.iter().copied().map(Cell::new));
    let mut machine = Machine::new(program, &facts.root, &cache, steps);
    // The missing paths of every flag, in one text buffer; room enough
    // for most reports, and it grows if need be.
    let mut found = Paths::with_capacity(1024, 64);
    let mut rows = Vec::with_capacity(program.flags.len());
    // The walk's buffers: those of the thread's last report if it kept
    // them, or made at the first unknown flag.
    let mut walk: Option<Box<Walk>> = KEPT_WALK.take().map(|mut w| {
        w.reset(program, budget);
        w
    });
    let mut quoted = 0usize;
    let mut missing = Missing {
        machine: &mut machine,
        walk: &mut walk,
        found: &mut found,
        quoted: &mut quoted,
        budget,
    };
    // The scope's missing paths first: the questionnaire asks them first.
    let scope = match (&program.scope, outcome.scope) {
        (Some(code), Some(status)) => {
            let start = missing.found.spans.len();
            let mut truncated = false;
            if status == ScopeStatus::Unknown {
                truncated = missing
                    .paths(code.cond, &code.uses, program)
                    .ok_or((ConditionKind::Scope, 0))?;
            }
            Some(ScopeRow {
                status,
                missing: start..missing.found.spans.len(),
                missing_truncated: truncated,
            })
        }
        _ => None,
    };
    for (i, code) in program.flags.iter().enumerate() {
        let status = outcome.flags.get(i).copied().unwrap_or(Status::Unknown);
        let start = missing.found.spans.len();
        let mut truncated = false;
        if status == Status::Unknown {
            truncated = missing
                .paths(code.cond, &code.uses, program)
                .ok_or((ConditionKind::Flag, i))?;
        }
        rows.push(FlagRow {
            status,
            mitigated: outcome.mitigated.get(i).copied().unwrap_or(false),
            missing: start..missing.found.spans.len(),
            missing_truncated: truncated,
        });
    }
    let Paths {
        text,
        spans: mut paths,
        ..
    } = found;

    if let Some(walk) = walk.filter(|w| w.worth_keeping()) {
        KEPT_WALK.set(Some(walk));
    }
    KEPT_CACHE.set(cache);
    let (missing_facts, missing_facts_truncated) =
        rank(checked, scope.as_ref(), &rows, &text, &mut paths);
    let omitted = omitted_evidence(rules, facts, budget.saturating_sub(quoted));
    Ok(Report {
        rules: rules.clone(),
        facts: facts.clone(),
        case: outcome.case,
        outcome: outcome.outcome,
        flags: rows,
        scope,
        safeguards: outcome.safeguards.clone(),
        paths,
        missing_facts,
        missing_facts_truncated,
        text,
        omitted,
        advice: None,
    })
}

/// What finding a condition's missing paths needs: the machine, the walk's
/// buffers, the report's paths and what is left of its quote budget.
struct Missing<'m, 'a, 'c> {
    machine: &'m mut Machine<'a, 'c>,
    walk: &'m mut Option<Box<Walk>>,
    found: &'m mut Paths,
    quoted: &'m mut usize,
    budget: usize,
}

impl Missing<'_, '_, '_> {
    /// Adds the missing paths of the unknown condition `cond` (which uses
    /// the predicates `uses`) to the report's, those within the quote
    /// budget; whether they are only the first. `None` over the
    /// evaluation budget.
    fn paths(&mut self, cond: NodeId, uses: &[u32], program: &Program) -> Option<bool> {
        let budget = self.budget;
        let walk = self
            .walk
            .get_or_insert_with(|| Box::new(Walk::new(program, budget)));
        if !self.machine.missing(cond, uses, walk, self.found) {
            return None;
        }
        // The paths within the quote budget: usually all of them, which
        // the size of their text (with any left over by settling) says
        // at once.
        let quoted = &mut *self.quoted;
        let paths = self.found.current();
        let at_most = self.found.current_text_len() + path_cost(0) * paths.len();
        if *quoted + at_most <= budget {
            *quoted += at_most;
        } else {
            let fit = paths
                .iter()
                .take_while(|span| {
                    let cost = path_cost(span.len());
                    let fits = *quoted + cost <= budget;
                    *quoted += if fits { cost } else { 0 };
                    fits
                })
                .count();
            self.found.keep(fit, &mut walk.spare);
        }
        Some(self.found.cut)
    }
}

/// The bytes of a span: compared as bytes, paths sort as their text does,
/// without the char-boundary checks of slicing a `str`.
fn text_of<'t>(text: &'t str, span: &Range<usize>) -> &'t [u8] {
    text.as_bytes().get(span.clone()).unwrap_or_default()
}

/// A missing path as [`rank`] sorts it: its span, its weight, and its first
/// 16 bytes as a big-endian number (zero-padded), which orders paths as
/// their text does until two share those bytes, so that most comparisons
/// are one integer comparison.
#[derive(Clone)]
struct Ranked {
    span: Range<usize>,
    weight: u64,
    prefix: u128,
}

impl Ranked {
    fn new(text: &str, span: Range<usize>, weight: u64) -> Ranked {
        let mut head = [0u8; 16];
        let bytes = text_of(text, &span);
        let n = bytes.len().min(16);
        if let (Some(to), Some(from)) = (head.get_mut(..n), bytes.get(..n)) {
            to.copy_from_slice(from);
        }
        Ranked {
            span,
            weight,
            prefix: u128::from_be_bytes(head),
        }
    }

    /// The order of the paths' texts (paths hold no NUL, so the padding
    /// orders a shorter path before a longer one it begins).
    fn cmp_text(&self, other: &Ranked, text: &str) -> std::cmp::Ordering {
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| text_of(text, &self.span).cmp(text_of(text, &other.span)))
    }
}

/// The most entries of [`rank`]'s buffer a thread keeps for its next report.
const KEEP_RANKING: usize = 4096;

/// Ranks the missing paths of an unknown scope and of all unknown flags,
/// most decisive first (the scope's first, in text order; then by the
/// summed weight of the flags each would help decide, then by path), and
/// appends the first [`MAX_MISSING_FACTS`] to `paths`; returns their range,
/// and whether there were more. Out of scope, there are none: the flags
/// are reported for information, and nothing more is asked.
fn rank(
    checked: &Checked,
    scope: Option<&ScopeRow>,
    rows: &[FlagRow],
    text: &str,
    paths: &mut Vec<Range<usize>>,
) -> (Range<usize>, bool) {
    if scope.is_some_and(|s| s.status == ScopeStatus::Out) {
        return (paths.len()..paths.len(), false);
    }
    let mut weighted = KEPT_RANKING.take();
    weighted.clear();
    weighted.reserve(paths.len());
    // The scope's paths weigh more than any flag's could (at most 10,000
    // flags of 10^9 each), and a flag's weight added to one stays there.
    if let Some(scope) = scope {
        for span in paths.get(scope.missing.clone()).unwrap_or_default() {
            weighted.push(Ranked::new(text, span.clone(), u64::MAX));
        }
    }
    for (row, flag) in rows.iter().zip(&checked.flags) {
        let w = weight(flag.severity);
        for span in paths.get(row.missing.clone()).unwrap_or_default() {
            weighted.push(Ranked::new(text, span.clone(), w));
        }
    }
    // Equal paths from different flags: one entry with their summed weight.
    weighted.sort_unstable_by(|a, b| a.cmp_text(b, text));
    let mut merged = weighted;
    merged.dedup_by(|next, kept| {
        let same = next.cmp_text(kept, text).is_eq();
        if same {
            kept.weight = kept.weight.saturating_add(next.weight);
        }
        same
    });
    // Heaviest first; the sort is stable and the paths are in text order
    // already, so paths of equal weight stay in text order.
    merged.sort_by_key(|r| std::cmp::Reverse(r.weight));
    let truncated = merged.len() > MAX_MISSING_FACTS;
    let start = paths.len();
    paths.extend(
        merged
            .iter()
            .take(MAX_MISSING_FACTS)
            .map(|r| r.span.clone()),
    );
    // Kept unless it grew past what most reports need.
    if merged.capacity() <= KEEP_RANKING {
        KEPT_RANKING.set(merged);
    }
    (start..paths.len(), truncated)
}

/// The quoted facts left out of a report, as a bit set over the ruleset's
/// quoted facts (empty when none is): those that do not fit in `room`
/// bytes, taken in the order they are first cited, the scope's first.
fn omitted_evidence(rules: &Engine, facts: &Facts, room: usize) -> Vec<u64> {
    let program = rules.program();
    let bound = QUOTE_EXPANSION
        .saturating_mul(program.evidence_fanout)
        .saturating_mul(facts.len)
        .saturating_add(program.evidence_fixed);
    if bound <= room {
        return Vec::new();
    }
    let mut omitted = vec![0u64; words(program.quotes.len())];
    let mut left = room;
    for (q, quote) in program.quotes.iter().enumerate() {
        let cost = quote_cost(rules, facts, quote, room);
        match left.checked_sub(cost) {
            Some(rest) => left = rest,
            None => {
                if let Some(w) = omitted.get_mut(q / 64) {
                    *w |= 1 << (q % 64);
                }
            }
        }
    }
    omitted
}

/// What quoting a fact costs: nothing if the report leaves it out as
/// unknown, else its path (twice, in `facts` and `provenance`), value,
/// provenance and punctuation; past `limit`, `limit + 1` or more.
fn quote_cost(rules: &Engine, facts: &Facts, quote: &Quote, limit: usize) -> usize {
    let root = &*facts.root;
    let slot = quote.slot as usize;
    let provenance = root.provenance(slot);
    let absent = matches!(root.value(slot), Value::Absent);
    if absent && provenance.is_none() {
        return 0;
    }
    let value = measure(
        &QuotedValue::new(rules.schema(), quote.ty, root, slot),
        limit,
    );
    let text = |s: Option<&String>| s.map_or(0, |s| measure(s, limit));
    let provenance = provenance.map_or(0, |p| text(p.source.as_ref()) + text(p.as_of.as_ref()));
    (2 * quote.path.len() + QUOTE_OVERHEAD)
        .saturating_add(value)
        .saturating_add(provenance)
}

/// The length of a value's compact JSON, or `limit + 1` if longer.
fn measure<T: serde::Serialize + ?Sized>(value: &T, limit: usize) -> usize {
    struct Count {
        n: usize,
        limit: usize,
    }
    impl io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.n += buf.len();
            if self.n > self.limit {
                return Err(io::Error::other("over the limit"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count { n: 0, limit };
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.n,
        Err(_) => limit.saturating_add(1),
    }
}
