//! Which key comes next: the fast path's guess, learnt from the documents
//! it reads; and the names of fields and enum values as bytes, to look up
//! a key or value the guess missed.
//!
//! The documents of one stream give their keys in one order, whatever
//! order that is (the schema's, alphabetical, a producer's own). For each
//! record, the table keeps the key that followed each key (and that came
//! first) the last time: the fast path compares the text with that key's
//! name first, with no scan of the key and no search, and looks the key up
//! only when the guess is wrong, then remembers it. A guess only saves work:
//! the key found is the key in the text either way, so what is loaded never
//! depends on what was learnt, and threads may share the table (relaxed
//! atomics: a lost update costs a later guess, nothing else).

use std::sync::atomic::{AtomicU32, Ordering};

use super::super::ID_KEY;
use super::text::same;
use crate::facts::schema::{RecordId, Schema};

/// The guesses of every record of a schema, and the names of the values
/// of every enum.
#[derive(Debug)]
pub(in crate::facts) struct Predictions {
    records: Vec<Guesses>,
    enums: Vec<Names>,
}

/// Names, by index, to look a key or an enum value up in: the text of a
/// key or string with no escape is the name it stands for exactly when the
/// two hold the same bytes. The names are unique (a record's fields, an
/// enum's values), so a hash table with linear probing finds one with a
/// hash of a few of its bytes and one or two comparisons.
#[derive(Debug)]
pub(in crate::facts) struct Names {
    names: Box<[Box<[u8]>]>,
    /// Each name's index plus one at the slot of its hash or after it,
    /// zero for an empty slot; at least twice as many slots as names, a
    /// power of two.
    slots: Box<[u32]>,
}

/// The guesses of one record of `fields` fields. Entry 0 is the first key of
/// an object, entry `i + 1` the key after field `i`, and entry `fields + 1`
/// the key after `"id"` (at the root). A guess is a field's index, `fields`
/// for `"id"` (at the root), or [`NONE`].
#[derive(Debug)]
pub(in crate::facts) struct Guesses {
    next: Box<[AtomicU32]>,
    /// The text of each key that may be guessed, quotes included, by index
    /// (empty for one that may not): the fields whose names can be compared
    /// with the text as they are (no quote, backslash or control
    /// character, so that the text of the key is the name), and `"id"` at
    /// the root (never a field there).
    keys: Box<[Box<[u8]>]>,
    /// The names of the fields.
    pub(in crate::facts) names: Names,
}

/// No guess.
const NONE: u32 = u32::MAX;

impl Predictions {
    /// The first guesses for `schema`: the schema's order.
    pub(in crate::facts) fn new(schema: &Schema) -> Predictions {
        let records = schema
            .records
            .iter()
            .enumerate()
            .map(|(id, record)| {
                let root = id == schema.root;
                let fields = record.fields.len();
                let quoted = |name: &str| format!("\"{name}\"").into_bytes().into_boxed_slice();
                let mut keys: Vec<Box<[u8]>> = record
                    .fields
                    .keys()
                    .map(|name| match plain(name) && !(root && name == ID_KEY) {
                        true => quoted(name),
                        false => Box::default(),
                    })
                    .collect();
                keys.push(match root {
                    true => quoted(ID_KEY),
                    false => Box::default(),
                });
                let next = (0..=fields + 1)
                    .map(|i| AtomicU32::new(u32::try_from(i).unwrap_or(NONE)))
                    .collect();
                Guesses {
                    next,
                    keys: keys.into_boxed_slice(),
                    names: Names::new(record.fields.keys()),
                }
            })
            .collect();
        let enums = schema
            .enums
            .iter()
            .map(|e| Names::new(e.variants.keys()))
            .collect();
        Predictions { records, enums }
    }

    /// The names of the values of enum `e`.
    #[inline]
    pub(in crate::facts) fn enum_values(&self, e: usize) -> Option<&Names> {
        self.enums.get(e)
    }

    /// The guesses of `record`.
    #[inline]
    pub(in crate::facts) fn record(&self, record: RecordId) -> Option<&Guesses> {
        self.records.get(record)
    }
}

impl Guesses {
    /// The guess for the key after `after` (0 for the first key, the
    /// previous key's index plus one otherwise), if one may be made: its
    /// index and its text.
    #[inline(always)]
    pub(in crate::facts) fn guess(&self, after: usize) -> Option<(usize, &[u8])> {
        let guess = usize::try_from(self.next.get(after)?.load(Ordering::Relaxed)).ok()?;
        let key = self.keys.get(guess)?;
        (!key.is_empty()).then_some((guess, &**key))
    }

    /// Remembers that key `key` (an index as [`Guesses::guess`] gives one)
    /// came after `after`.
    #[inline]
    pub(in crate::facts) fn learn(&self, after: usize, key: usize) {
        if let (Some(next), Ok(key)) = (self.next.get(after), u32::try_from(key)) {
            next.store(key, Ordering::Relaxed);
        }
    }
}

impl Names {
    pub(in crate::facts) fn new<'a>(names: impl Iterator<Item = &'a String>) -> Names {
        let names: Box<[Box<[u8]>]> = names.map(|n| n.as_bytes().into()).collect();
        let size = (2 * names.len()).next_power_of_two().max(8);
        let mut slots = vec![0u32; size];
        for (i, name) in names.iter().enumerate() {
            let mut at = hash(name, size);
            while slots.get(at).is_some_and(|s| *s != 0) {
                at = (at + 1) % size;
            }
            if let (Some(slot), Ok(i)) = (slots.get_mut(at), u32::try_from(i + 1)) {
                *slot = i;
            }
        }
        Names {
            names,
            slots: slots.into_boxed_slice(),
        }
    }

    /// The index of `name`.
    #[inline]
    pub(in crate::facts) fn find(&self, name: &[u8]) -> Option<usize> {
        let size = self.slots.len();
        let mut at = hash(name, size);
        loop {
            let index = usize::try_from(*self.slots.get(at)?).ok()?.checked_sub(1)?;
            if self.names.get(index).is_some_and(|n| same(n, name)) {
                return Some(index);
            }
            at = (at + 1) & (size - 1);
        }
    }
}

/// The slot of `name` in a table of `size` slots (a power of two): a hash
/// of its length and of its first, middle and last bytes.
#[inline(always)]
fn hash(name: &[u8], size: usize) -> usize {
    let byte = |i: usize| u32::from(name.get(i).copied().unwrap_or(0));
    let len = name.len();
    let h = (u32::try_from(len).unwrap_or(0) << 24)
        ^ byte(0)
        ^ (byte(len / 2) << 8)
        ^ (byte(len.wrapping_sub(1)) << 16);
    let mixed = h.wrapping_mul(0x9E37_79B1) ^ (h >> 15);
    (mixed.wrapping_mul(0x85EB_CA6B) as usize) & (size - 1)
}

/// Whether the text of a JSON key equal to `name` is `name` itself: it
/// holds no quote, backslash or control character.
fn plain(name: &str) -> bool {
    !name.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
}
