//! The counts of a summary, kept in memory that does not grow with the
//! number of lines: every counter is keyed by an id or a value, holds at
//! most [`MAX_KEYS`] keys (the rest are counted under `(other)`, and the
//! summary says so) and keeps at most [`MAX_KEY_BYTES`] of each key.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::value::RawValue;

use super::input::{Form, Parsed, Record};

/// The most distinct keys a counter holds (per `--by`, flags, missing
/// facts, dispositions); later keys are counted under [`OTHER`].
pub const MAX_KEYS: usize = 10_000;

/// The most distinct rulesets listed.
pub const MAX_RULESETS: usize = 100;

/// The most bytes of a key kept; a longer one is cut and ends with `…`.
pub const MAX_KEY_BYTES: usize = 200;

/// The most rejected lines whose error is kept to show.
pub const MAX_ERRORS: usize = 10;

/// The key of what is past a counter's cap (or, in a public summary, not
/// a value the ruleset declares).
pub const OTHER: &str = "(other)";

/// The key of an absent value.
pub const UNKNOWN: &str = "(unknown)";

/// The key of an empty set.
pub const NONE: &str = "(none)";

/// The key of a value that `--by PATH:month` cannot read as a date.
pub const NOT_A_DATE: &str = "(not a date)";

/// Counts keyed by strings, at most `cap` keys. A key is hashed once per
/// lookup (with [`WordHash`]: keys are short ids and values), and found again
/// by its index.
pub struct Counter<V> {
    index: HashMap<Box<str>, usize, BuildHasherDefault<WordHash>>,
    values: Vec<V>,
    other: V,
    capped: bool,
    cap: usize,
}

impl<V: Default> Counter<V> {
    /// An empty counter holding at most `cap` keys.
    pub fn new(cap: usize) -> Counter<V> {
        Counter {
            index: HashMap::default(),
            values: Vec::new(),
            other: V::default(),
            capped: false,
            cap,
        }
    }

    /// The value of `key`, added if there is room, else the `(other)` one.
    pub fn entry(&mut self, key: &str) -> &mut V {
        let key = cut(key);
        let i = match self.index.get(key) {
            Some(&i) => i,
            None if self.index.len() >= self.cap => {
                self.capped = true;
                return &mut self.other;
            }
            None => {
                self.values.push(V::default());
                let i = self.values.len() - 1;
                self.index.insert(key.into(), i);
                i
            }
        };
        let Counter { values, other, .. } = self;
        match values.get_mut(i) {
            Some(value) => value,
            // INVARIANT: every index in `index` is one of `values`.
            None => other,
        }
    }

    /// Whether keys went to `(other)` for the cap.
    pub fn capped(&self) -> bool {
        self.capped
    }

    /// Every key and value, sorted by key, the `(other)` of the cap last.
    pub fn rows(&self) -> Vec<(&str, &V)> {
        let mut rows: Vec<(&str, &V)> = self
            .index
            .iter()
            .filter_map(|(k, &i)| self.values.get(i).map(|v| (&**k, v)))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        if self.capped {
            rows.push((OTHER, &self.other));
        }
        rows
    }
}

/// A multiplicative hash taken eight bytes at a time: fast on the short
/// keys counted here. Keys come from the input, so a hostile input could
/// make them collide; a counter holds at most [`MAX_KEYS`] keys, which
/// bounds the cost.
#[derive(Default)]
pub struct WordHash(u64);

/// An odd constant with well-spread bits (2^64 divided by the golden ratio).
const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for WordHash {
    fn finish(&self) -> u64 {
        // Spread the high bits, where the multiplications put the entropy,
        // over the low ones as well.
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = (h.rotate_left(23) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            for (w, b) in word.iter_mut().zip(rest) {
                *w = *b;
            }
            h = (h.rotate_left(23) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        self.0 = h;
    }
}

/// The first [`MAX_KEY_BYTES`] of a key, at a character boundary.
fn cut(key: &str) -> &str {
    if key.len() <= MAX_KEY_BYTES {
        return key;
    }
    let mut end = MAX_KEY_BYTES;
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    key.get(..end).unwrap_or_default()
}

/// How often one flag was raised, mitigated, unknown.
#[derive(Default, Clone, Copy)]
pub struct FlagCount {
    pub raised: u64,
    pub mitigated: u64,
    pub unknown: u64,
}

/// A breakdown row: how many records, and how many of each disposition
/// (indexed as [`Tally::dispositions`] numbers them).
#[derive(Default, Clone)]
pub struct Row {
    pub count: u64,
    pub by_disposition: Vec<u64>,
}

/// What one `--by` counts.
pub struct By {
    /// The fact path.
    pub path: String,
    /// Grouped by month (`PATH:month`).
    pub month: bool,
    /// In a public summary, the values that may be shown as they are (an
    /// enum's values, `true` and `false`); `None` shows every value.
    pub allowed: Option<Vec<String>>,
    pub rows: Counter<Row>,
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
            scopes: Counter::new(MAX_KEYS),
            flags: Counter::new(MAX_KEYS),
            missing: Counter::new(MAX_KEYS),
            rulesets: Counter::new(MAX_RULESETS),
            by,
            first_at: None,
            last_at: None,
            key: String::new(),
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

    /// Counts one line's text.
    pub fn add_line(&mut self, line: u64, text: &str) {
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
            Ok(Parsed::Record(record)) => self.add(&record),
        }
    }

    /// Counts a disposition, and gives its number.
    fn disposition(&mut self, name: &str) -> usize {
        let name = cut(name);
        let index = match self.disposition_index.get(name) {
            Some(&i) => i,
            None if self.disposition_index.len() < MAX_KEYS => {
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
            slot.1 += 1;
        }
        index
    }

    /// Counts one record.
    pub fn add(&mut self, record: &Record<'_>) {
        match record.form {
            Form::Decision => self.decisions += 1,
            Form::Report => self.reports += 1,
        }
        let r = &record.ruleset;
        self.key.clear();
        for (i, part) in [&r.name, &r.version, &r.digest].into_iter().enumerate() {
            if i > 0 {
                self.key.push('\u{0}');
            }
            self.key.push_str(cut(part));
        }
        *self.rulesets.entry(&self.key) += 1;
        let d = self.disposition(&record.disposition);
        let scope = record.scope.as_ref().map_or("(none)", |s| &*s.status);
        *self.scopes.entry(scope) += 1;
        let entry = &record.entry;
        match record.form {
            Form::Decision => {
                for id in entry.raised.iter().flatten() {
                    self.flags.entry(id).raised += 1;
                }
                for id in entry.mitigated.iter().flatten() {
                    self.flags.entry(id).mitigated += 1;
                }
                for id in entry.unknown.iter().flatten() {
                    self.flags.entry(id).unknown += 1;
                }
            }
            Form::Report => {
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
            }
        }
        for path in entry.missing_facts.iter().flatten() {
            *self.missing.entry(path) += 1;
        }
        if let Some(at) = entry.at.as_deref() {
            self.saw_at(at);
        }
        let mut by = std::mem::take(&mut self.by);
        for b in &mut by {
            match (record.fact(&b.path), entry.at.as_deref()) {
                // `at` is the record's own date unless the facts have one.
                (None, Some(at)) if b.path == "at" => {
                    let key = b.key(&serde_json::Value::String(at.to_string()));
                    b.count_keys(&[key], d);
                }
                (value, _) => b.count(value, d),
            }
        }
        self.by = by;
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

impl By {
    /// Counts one record under each key its value gives.
    fn count(&mut self, value: Option<&RawValue>, disposition: usize) {
        let keys = self.keys(value);
        self.count_keys(&keys, disposition);
    }

    /// Counts one record under each of `keys`.
    fn count_keys(&mut self, keys: &[String], disposition: usize) {
        for key in keys {
            let row = self.rows.entry(key);
            row.count += 1;
            if row.by_disposition.len() <= disposition {
                row.by_disposition.resize(disposition + 1, 0);
            }
            if let Some(n) = row.by_disposition.get_mut(disposition) {
                *n += 1;
            }
        }
    }

    /// The keys a value counts under: one for a scalar, one per distinct
    /// element for a list, `(unknown)` when absent.
    fn keys(&self, value: Option<&RawValue>) -> Vec<String> {
        let Some(raw) = value else {
            return vec![UNKNOWN.to_string()];
        };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(raw.get()) else {
            return vec![OTHER.to_string()];
        };
        let mut keys = match &value {
            serde_json::Value::Array(items) if items.is_empty() => vec![NONE.to_string()],
            serde_json::Value::Array(items) => items.iter().map(|v| self.key(v)).collect(),
            other => vec![self.key(other)],
        };
        keys.sort();
        keys.dedup();
        keys
    }

    /// The key of one value.
    fn key(&self, value: &serde_json::Value) -> String {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => return UNKNOWN.to_string(),
            other => other.to_string(),
        };
        if self.month {
            return month(&text).unwrap_or_else(|| NOT_A_DATE.to_string());
        }
        match &self.allowed {
            Some(allowed) if !allowed.contains(&text) => OTHER.to_string(),
            _ => text,
        }
    }
}

/// `YYYY-MM` of a text that starts with a date (`YYYY-MM-DD…`).
pub fn month(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10);
    let month = text.get(5..7)?.parse::<u8>().ok()?;
    (shape && (1..=12).contains(&month)).then(|| text.get(..7).unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_lumps_keys_past_its_cap() {
        let mut c: Counter<u64> = Counter::new(2);
        for k in ["a", "b", "c", "a", "d"] {
            *c.entry(k) += 1;
        }
        let rows: Vec<(&str, u64)> = c.rows().into_iter().map(|(k, v)| (k, *v)).collect();
        assert_eq!(rows, [("a", 2), ("b", 1), (OTHER, 2)]);
        assert!(c.capped());
    }

    #[test]
    fn months_are_read_from_dates_only() {
        assert_eq!(month("2026-03-01T10:00:00Z").as_deref(), Some("2026-03"));
        assert_eq!(month("2026-13-01"), None);
        assert_eq!(month("2026-03"), None);
        assert_eq!(month("Agency X"), None);
    }
}
