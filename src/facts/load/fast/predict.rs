//! Which key comes next: the fast path's guess, learnt from the documents
//! it reads.
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
use crate::facts::schema::{RecordId, Schema};

/// The guesses of every record of a schema.
#[derive(Debug)]
pub(in crate::facts) struct Predictions {
    records: Vec<Guesses>,
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
                }
            })
            .collect();
        Predictions { records }
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

/// Whether the text of a JSON key equal to `name` is `name` itself: it
/// holds no quote, backslash or control character.
fn plain(name: &str) -> bool {
    !name.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
}
