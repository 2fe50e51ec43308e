//! A counter keyed by strings, capped in keys and key length, that keeps
//! its keys in the order first seen, so that counters of consecutive parts
//! of the input merge into the counter one pass over the whole would give.

use std::hash::{BuildHasherDefault, Hasher};

use indexmap::IndexMap;

/// The key of what is past a counter's cap (or, in a public summary, not
/// a value the ruleset declares).
pub const OTHER: &str = "(other)";

/// The most bytes of a key kept; a longer one is cut and ends with `…`.
pub const MAX_KEY_BYTES: usize = 200;

/// Counts keyed by strings, at most `cap` keys. A key is hashed once per
/// lookup (with [`WordHash`]: keys are short ids and values).
///
/// Which keys are kept past the cap depends on the order they come in, so
/// the keys are kept in that order: [`Counter::merge`] of the counters of
/// consecutive parts of the input, in input order, gives exactly the
/// counter of the whole.
pub struct Counter<V> {
    index: IndexMap<Box<str>, V, BuildHasherDefault<WordHash>>,
    other: V,
    capped: bool,
    cap: usize,
}

impl<V: Default> Counter<V> {
    /// An empty counter holding at most `cap` keys.
    pub fn new(cap: usize) -> Counter<V> {
        Counter {
            index: IndexMap::default(),
            other: V::default(),
            capped: false,
            cap,
        }
    }

    /// The value of `key`, added if there is room, else the `(other)` one.
    pub fn entry(&mut self, key: &str) -> &mut V {
        let key = cut(key);
        let i = match self.index.get_index_of(key) {
            Some(i) => i,
            None if self.index.len() >= self.cap => {
                self.capped = true;
                return &mut self.other;
            }
            None => self.index.insert_full(key.into(), V::default()).0,
        };
        let Counter { index, other, .. } = self;
        match index.get_index_mut(i) {
            Some((_, value)) => value,
            // INVARIANT: `i` was found in, or just added to, `index`.
            None => other,
        }
    }

    /// Adds the counts of `later`, a counter of the input that follows this
    /// one's, with `add`: keys new here are taken in the order `later` first
    /// saw them, up to the cap, as if its input had been counted here.
    ///
    /// `later` must not be capped itself: which of its keys went to its own
    /// `(other)` depends on where its input began (a piece that reached its
    /// cap is counted again instead, see `Tally::overflowed`).
    pub fn merge(&mut self, later: Counter<V>, mut add: impl FnMut(&mut V, V)) {
        // INVARIANT: `later` is not capped, so its `(other)` holds nothing;
        // it is added anyway, so that no count is ever lost.
        if later.capped {
            self.capped = true;
            add(&mut self.other, later.other);
        }
        for (key, value) in later.index {
            add(self.entry(&key), value);
        }
    }

    /// Lifts the cap (of a counter not capped yet), to merge into it.
    pub fn uncap(&mut self) {
        self.cap = usize::MAX;
    }

    /// Whether keys went to `(other)` for the cap.
    pub fn capped(&self) -> bool {
        self.capped
    }

    /// Every key and value, sorted by key, the `(other)` of the cap last.
    pub fn rows(&self) -> Vec<(&str, &V)> {
        let mut rows: Vec<(&str, &V)> = self.index.iter().map(|(k, v)| (&**k, v)).collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        if self.capped {
            rows.push((OTHER, &self.other));
        }
        rows
    }
}

/// A multiplicative hash taken eight bytes at a time: fast on the short
/// keys counted here. Keys come from the input, so a hostile input could
/// make them collide; a counter holds at most its cap of keys, which bounds
/// the cost.
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
            h = mix(h, word(chunk));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last eight bytes (overlapping the ones before) when there
            // are as many, else the rest alone.
            let last = bytes.len().checked_sub(8).and_then(|i| bytes.get(i..));
            h = mix(h, last.map_or_else(|| word(rest), word));
        }
        self.0 = h;
    }

    // `str` ends its bytes with 0xff: one round, not a copy of one byte.
    fn write_u8(&mut self, byte: u8) {
        self.0 = mix(self.0, u64::from(byte));
    }
}

/// One round of [`WordHash`].
fn mix(h: u64, word: u64) -> u64 {
    (h.rotate_left(23) ^ word).wrapping_mul(K)
}

/// Up to eight bytes as a little-endian word.
fn word(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let n = bytes.len().min(8);
    if let (Some(w), Some(b)) = (word.get_mut(..n), bytes.get(..n)) {
        w.copy_from_slice(b);
    }
    u64::from_le_bytes(word)
}

/// The first [`MAX_KEY_BYTES`] of a key, at a character boundary.
pub fn cut(key: &str) -> &str {
    if key.len() <= MAX_KEY_BYTES {
        return key;
    }
    let mut end = MAX_KEY_BYTES;
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    key.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(c: &Counter<u64>) -> Vec<(&str, u64)> {
        c.rows().into_iter().map(|(k, v)| (k, *v)).collect()
    }

    #[test]
    fn a_counter_lumps_keys_past_its_cap() {
        let mut c: Counter<u64> = Counter::new(2);
        for k in ["a", "b", "c", "a", "d"] {
            *c.entry(k) += 1;
        }
        assert_eq!(rows(&c), [("a", 2), ("b", 1), (OTHER, 2)]);
        assert!(c.capped());
    }

    #[test]
    fn merged_counters_cap_the_keys_one_counter_would() {
        let keys = ["b", "a", "c", "b", "d", "a", "e", "c", "f"];
        let mut whole: Counter<u64> = Counter::new(3);
        for k in keys {
            *whole.entry(k) += 1;
        }
        for split in 0..=keys.len() {
            let (first, second) = keys.split_at(split);
            let mut merged: Counter<u64> = Counter::new(3);
            for part in [first, second] {
                let mut piece = Counter::new(usize::MAX);
                for k in part {
                    *piece.entry(k) += 1;
                }
                merged.merge(piece, |a, b| *a += b);
            }
            assert_eq!(rows(&merged), rows(&whole), "split at {split}");
        }
    }
}
