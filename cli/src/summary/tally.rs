//! The counts of a summary, kept in memory that does not grow with the
//! number of lines: every counter is keyed by an id or a value, holds at
//! most [`MAX_KEYS`] keys (the rest are counted under `(other)`, and the
//! summary says so) and keeps at most `MAX_KEY_BYTES` of each key.
//!
//! The input is counted a piece at a time, each piece into a tally of its
//! own ([`Tally::piece`]), and the pieces are merged in input order
//! ([`Tally::merge`]), which gives exactly the tally of one pass over the
//! input: the same caps on the same keys, the same first rejected lines,
//! the same numbers. That holds as long as no piece reached a cap of its
//! own ([`PIECE_KEYS`]); one that did is counted again into the total.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::by::By;
use super::counter::{Counter, WordHash, cut};
use super::decision::Decision;
use super::input::{Form, Parsed, Record};

pub use super::counter::OTHER;

/// The most distinct keys a counter holds (per `--by`, flags, missing
/// facts, dispositions); later keys are counted under [`OTHER`].
pub const MAX_KEYS: usize = 10_000;

/// The most distinct rulesets listed.
pub const MAX_RULESETS: usize = 100;

/// The most rejected lines whose error is kept to show.
pub const MAX_ERRORS: usize = 10;

/// The most distinct keys a piece's counter holds. A piece past it (a line
/// of thousands of distinct ids) is counted again, one line after the
/// other, into the capped tally (see [`Tally::overflowed`]): exact, and
/// bounded in memory.
pub const PIECE_KEYS: usize = 4096;

/// How often one flag was raised, mitigated, unknown.
#[derive(Default, Clone, Copy)]
pub struct FlagCount {
    pub raised: u64,
    pub mitigated: u64,
    pub unknown: u64,
}

impl FlagCount {
    fn add(&mut self, other: FlagCount) {
        self.raised += other.raised;
        self.mitigated += other.mitigated;
        self.unknown += other.unknown;
    }
}

/// A line that is rejected: its number and why.
pub struct Rejection {
    pub line: u64,
    pub message: String,
}

/// Everything counted.
pub struct Tally {
    pub lines: u64,
    pub blank: u64,
    pub decisions: u64,
    pub reports: u64,
    pub rejected: u64,
    pub upstream: u64,
    pub errors: Vec<Rejection>,
    /// Each disposition and its count, numbered in the order first seen
    /// (at most [`MAX_KEYS`]; the rest under `(other)`).
    pub dispositions: Vec<(String, u64)>,
    disposition_index: HashMap<Box<str>, usize, BuildHasherDefault<WordHash>>,
    other_disposition: Option<usize>,
    disposition_cap: usize,
    pub scopes: Counter<u64>,
    pub flags: Counter<FlagCount>,
    pub missing: Counter<u64>,
    pub rulesets: Counter<u64>,
    pub by: Vec<By>,
    pub first_at: Option<String>,
    pub last_at: Option<String>,
    /// A buffer for the ruleset's key, reused.
    key: String,
}

impl Tally {
    /// An empty tally with the breakdowns asked for.
    pub fn new(by: Vec<By>) -> Tally {
        Tally::with_caps(by, MAX_KEYS, MAX_RULESETS)
    }

    /// An empty tally whose counters hold at most `keys` keys (`rulesets`
    /// for the rulesets).
    fn with_caps(by: Vec<By>, keys: usize, rulesets: usize) -> Tally {
        Tally {
            lines: 0,
            blank: 0,
            decisions: 0,
            reports: 0,
            rejected: 0,
            upstream: 0,
            errors: Vec::new(),
            dispositions: Vec::new(),
            disposition_index: HashMap::default(),
            other_disposition: None,
            disposition_cap: keys,
            scopes: Counter::new(keys),
            flags: Counter::new(keys),
            missing: Counter::new(keys),
            rulesets: Counter::new(rulesets),
            by,
            first_at: None,
            last_at: None,
            key: String::new(),
        }
    }

    /// An empty tally for a piece of the input, to [`merge`](Tally::merge)
    /// into this one: the same breakdowns, line numbers from 1, at most
    /// [`PIECE_KEYS`] keys a counter.
    pub fn piece(&self) -> Tally {
        let by = self.by.iter().map(|b| b.fresh(PIECE_KEYS)).collect();
        Tally::with_caps(by, PIECE_KEYS, PIECE_KEYS)
    }

    /// Whether a key went past a cap: such a piece cannot be merged (which
    /// of its keys the total keeps depends on what came before it).
    pub fn overflowed(&self) -> bool {
        self.other_disposition.is_some()
            || self.scopes.capped()
            || self.flags.capped()
            || self.missing.capped()
            || self.rulesets.capped()
            || self.by.iter().any(|b| b.rows.capped())
    }

    /// Lifts the caps of a piece that has not [`overflowed`](Tally::overflowed),
    /// so that the pieces of a block merge into it: what it then holds is
    /// bounded by the keys of the pieces merged, at most [`PIECE_KEYS`] each.
    pub fn uncap(&mut self) {
        self.disposition_cap = usize::MAX;
        self.scopes.uncap();
        self.flags.uncap();
        self.missing.uncap();
        self.rulesets.uncap();
        for b in &mut self.by {
            b.rows.uncap();
        }
    }

    /// Adds `later`, the [`piece`](Tally::piece) of the input that follows
    /// what this tally counted, whose line 1 is line `base + 1` of its
    /// input. `later` must not have [`overflowed`](Tally::overflowed).
    pub fn merge(&mut self, later: Tally, base: u64) {
        self.lines += later.lines;
        self.blank += later.blank;
        self.decisions += later.decisions;
        self.reports += later.reports;
        self.rejected += later.rejected;
        self.upstream += later.upstream;
        for mut e in later.errors {
            if self.errors.len() < MAX_ERRORS {
                e.line += base;
                self.errors.push(e);
            }
        }
        let map: Vec<usize> = later
            .dispositions
            .into_iter()
            .map(|(name, count)| self.disposition(&name, count))
            .collect();
        self.scopes.merge(later.scopes, |a, b| *a += b);
        self.flags.merge(later.flags, FlagCount::add);
        self.missing.merge(later.missing, |a, b| *a += b);
        self.rulesets.merge(later.rulesets, |a, b| *a += b);
        for (mine, theirs) in self.by.iter_mut().zip(later.by) {
            mine.merge(theirs, &map);
        }
        for at in [later.first_at, later.last_at].into_iter().flatten() {
            self.saw_at(&at);
        }
    }

    /// The records counted.
    pub fn records(&self) -> u64 {
        self.decisions + self.reports
    }

    /// Counts a line that is rejected here.
    pub fn reject(&mut self, line: u64, message: String) {
        self.rejected += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(Rejection { line, message });
        }
    }

    /// Counts one line's text; `scratch` holds the lists of a decision
    /// record read fast, reused from line to line.
    pub fn add_line<'a>(&mut self, line: u64, text: &'a str, scratch: &mut Decision<'a>) {
        if scratch.read(text) {
            self.add_decision(scratch);
            return;
        }
        match super::input::parse(text) {
            Err(message) => self.reject(line, message),
            Ok(Parsed::Upstream {
                line: theirs,
                message,
            }) => {
                self.upstream += 1;
                if self.errors.len() < MAX_ERRORS {
                    let theirs =
                        theirs.map_or(String::new(), |l| format!(" (line {l} of eval's input)"));
                    self.errors.push(Rejection {
                        line,
                        message: format!("rejected by eval{theirs}: {message}"),
                    });
                }
            }
            Ok(Parsed::Record(record)) => match Decision::from_record(&record) {
                Some(decision) => self.add_decision(&decision),
                None => self.add_report(&record),
            },
        }
    }

    /// Counts `n` records of a disposition, and gives its number.
    fn disposition(&mut self, name: &str, n: u64) -> usize {
        let name = cut(name);
        let index = match self.disposition_index.get(name) {
            Some(&i) => i,
            None if self.disposition_index.len() < self.disposition_cap => {
                self.dispositions.push((name.to_string(), 0));
                let i = self.dispositions.len() - 1;
                self.disposition_index.insert(name.into(), i);
                i
            }
            None => match self.other_disposition {
                Some(i) => i,
                None => {
                    self.dispositions.push((OTHER.to_string(), 0));
                    let i = self.dispositions.len() - 1;
                    self.other_disposition = Some(i);
                    i
                }
            },
        };
        if let Some(slot) = self.dispositions.get_mut(index) {
            slot.1 += n;
        }
        index
    }

    /// Counts what every record has: its form, ruleset, disposition and
    /// scope; gives the disposition's number.
    fn add_record(
        &mut self,
        form: Form,
        ruleset: [&str; 3],
        disposition: &str,
        scope: &str,
    ) -> usize {
        match form {
            Form::Decision => self.decisions += 1,
            Form::Report => self.reports += 1,
        }
        self.key.clear();
        for (i, part) in ruleset.into_iter().enumerate() {
            if i > 0 {
                self.key.push('\u{0}');
            }
            self.key.push_str(cut(part));
        }
        *self.rulesets.entry(&self.key) += 1;
        let d = self.disposition(disposition, 1);
        *self.scopes.entry(scope) += 1;
        d
    }

    /// Counts one decision record.
    fn add_decision(&mut self, r: &Decision<'_>) {
        let d = self.add_record(
            Form::Decision,
            r.ruleset,
            r.disposition,
            r.scope.unwrap_or("(none)"),
        );
        for id in &r.raised {
            self.flags.entry(id).raised += 1;
        }
        for id in &r.mitigated {
            self.flags.entry(id).mitigated += 1;
        }
        for id in &r.unknown {
            self.flags.entry(id).unknown += 1;
        }
        for path in &r.missing {
            *self.missing.entry(path) += 1;
        }
        if let Some(at) = r.at {
            self.saw_at(at);
        }
        for b in &mut self.by {
            match (r.fact(&b.path), r.at) {
                // `at` is the record's own date unless the facts have one.
                (None, Some(at)) if b.path == "at" => b.count_text(at, d),
                (value, _) => b.count(value, d),
            }
        }
    }

    /// Counts one full report.
    fn add_report(&mut self, record: &Record<'_>) {
        let r = &record.ruleset;
        let scope = record.scope.as_ref().map_or("(none)", |s| &*s.status);
        let d = self.add_record(
            Form::Report,
            [&r.name, &r.version, &r.digest],
            &record.disposition,
            scope,
        );
        let entry = &record.entry;
        for flag in entry.flags.iter().flatten() {
            match &*flag.status {
                "raised" => {
                    let count = self.flags.entry(&flag.id);
                    count.raised += 1;
                    count.mitigated += u64::from(flag.mitigated);
                }
                "unknown" => self.flags.entry(&flag.id).unknown += 1,
                _ => {}
            }
        }
        for path in entry.missing_facts.iter().flatten() {
            *self.missing.entry(path) += 1;
        }
        if let Some(at) = entry.at.as_deref() {
            self.saw_at(at);
        }
        for b in &mut self.by {
            match (record.fact(&b.path), entry.at.as_deref()) {
                // `at` is the record's own date unless the facts have one.
                (None, Some(at)) if b.path == "at" => b.count_text(at, d),
                (value, _) => b.count(value.map(|v| v.get()), d),
            }
        }
    }

    /// Keeps the earliest and latest `at`.
    fn saw_at(&mut self, at: &str) {
        let at = cut(at);
        if self.first_at.as_deref().is_none_or(|f| at < f) {
            self.first_at = Some(at.to_string());
        }
        if self.last_at.as_deref().is_none_or(|l| at > l) {
            self.last_at = Some(at.to_string());
        }
    }
}

#[cfg(test)]
mod tests;
