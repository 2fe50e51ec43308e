//! Facts: the schema, the values of one transaction in the schema's slot
//! layout, and loading them from JSON.
//!
//! Architecture Invariant: a loaded [`Facts`] always fits the layout of the
//! schema it was loaded for: every slot holds a value of its field's type or
//! is absent. Evaluation relies on this and checks only the fingerprint.

mod adapt;
mod build;
mod carry;
mod from_value;
mod load;
pub(crate) mod render;
pub(crate) mod schema;
pub mod transaction;

use std::fmt;
use std::sync::Arc;

use crate::decimal::Decimal;

pub(crate) use adapt::adapt;
pub use build::{FactsBuilder, Sourced};
pub(crate) use carry::Carrier;
pub(crate) use from_value::load_value;
pub(crate) use load::{ID_KEY, load_json, load_json_watching};

/// The bit of an enum value in a set mask. Enums have at most
/// [`MAX_ENUM_VARIANTS`](crate::limits::MAX_ENUM_VARIANTS) values, which the
/// checker enforces; a larger index gives no bit rather than a panic.
pub(crate) fn bit(index: u16) -> u128 {
    1u128.checked_shl(u32::from(index)).unwrap_or(0)
}

/// Where a fact's value comes from, as the facts document said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Provenance {
    pub source: Option<String>,
    pub as_of: Option<String>,
}

/// The value in one slot.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum Value {
    /// Absent or `null`: unknown.
    #[default]
    Absent,
    /// A record-typed fact that is present; its fields have slots of their own.
    Present,
    Bool(bool),
    Int(i64),
    /// Boxed: a `Decimal` is 32 bytes, twice what the other values need.
    Decimal(Box<Decimal>),
    Str(Box<str>),
    /// The index of the enum value.
    Enum(u16),
    /// The enum values present, as bits.
    Set(SetBits),
    /// A boxed slice, not a `Vec`: loaded facts never grow, and a value
    /// stays 24 bytes.
    List(Box<[Frame]>),
}

// Evaluation reads slots one after the other: at 24 bytes, 8 slots share
// three cache lines (a `u128` or an inline `Decimal` made a value 48).
const _: () = assert!(std::mem::size_of::<Value>() <= 24);

/// A set of enum values as bits, kept as two words: a `u128` field would
/// align every [`Value`] to 16 bytes and make it half as large again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SetBits([u64; 2]);

impl SetBits {
    pub fn new(bits: u128) -> SetBits {
        // INVARIANT: the casts take the low and the high word, exactly.
        SetBits([bits as u64, (bits >> 64) as u64])
    }

    pub fn get(self) -> u128 {
        let [low, high] = self.0;
        u128::from(low) | (u128::from(high) << 64)
    }
}

/// One slot as the loader reads it: a value and where it came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Slot {
    pub value: Value,
    pub provenance: Option<Box<Provenance>>,
}

/// What a frame keeps in one slot: the value alone. Provenance is rare and
/// read only for evidence, so it is kept apart ([`Frame::provenance`]): a
/// slot stays 24 bytes, and evaluation reads fewer cache lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Stored {
    pub value: Value,
}

/// The slots of the root facts, or of one list element.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Frame {
    pub slots: Vec<Stored>,
    /// The provenance of the slots that have one, sorted by slot.
    pub provenance: Vec<(usize, Box<Provenance>)>,
}

impl Frame {
    /// A frame of `size` absent slots.
    pub fn absent(size: usize) -> Frame {
        Frame {
            // Built in place: cloning a template slot costs a match per slot.
            slots: std::iter::repeat_with(Stored::default).take(size).collect(),
            provenance: Vec::new(),
        }
    }

    /// The value in a slot; a slot outside the frame reads as absent.
    pub fn value(&self, slot: usize) -> &Value {
        self.slots.get(slot).map_or(&Value::Absent, |s| &s.value)
    }

    /// Where the value in a slot comes from, if the facts said.
    pub fn provenance(&self, slot: usize) -> Option<&Provenance> {
        let i = self
            .provenance
            .binary_search_by_key(&slot, |(s, _)| *s)
            .ok()?;
        self.provenance.get(i).map(|(_, p)| &**p)
    }

    /// Stores a value without provenance. The commonest case, an absent
    /// slot in a frame with no provenance, is inlined into the loaders'
    /// loops; the rest is [`replace`](Self::replace)'s.
    #[inline]
    pub fn put(&mut self, slot: usize, value: Value) {
        match self.slots.get_mut(slot) {
            Some(stored) if self.provenance.is_empty() && matches!(stored.value, Value::Absent) => {
                // Absent holds nothing to drop.
                std::mem::forget(std::mem::replace(&mut stored.value, value));
            }
            _ => self.replace(
                slot,
                Slot {
                    value,
                    provenance: None,
                },
            ),
        }
    }

    /// Stores a loaded slot: its value, and its provenance if it has one.
    #[inline]
    pub fn store(&mut self, slot: usize, loaded: Slot) {
        match loaded.provenance {
            None => self.put(slot, loaded.value),
            Some(_) => self.replace(slot, loaded),
        }
    }

    /// Stores a loaded slot in any case: over a slot that holds a value,
    /// into a frame with provenance, or with provenance of its own.
    #[inline(never)]
    fn replace(&mut self, slot: usize, loaded: Slot) {
        let Some(stored) = self.slots.get_mut(slot) else {
            return;
        };
        stored.value = loaded.value;
        let at = self.provenance.binary_search_by_key(&slot, |(s, _)| *s);
        match (at, loaded.provenance) {
            (Ok(i), Some(p)) => {
                if let Some(entry) = self.provenance.get_mut(i) {
                    entry.1 = p;
                }
            }
            (Ok(i), None) => {
                self.provenance.remove(i);
            }
            (Err(i), Some(p)) => self.provenance.insert(i, (slot, p)),
            (Err(_), None) => {}
        }
    }
}

/// The facts of one transaction, loaded against a ruleset's schema.
///
/// Build them with [`RuleSet::facts_from_json`](crate::RuleSet::facts_from_json),
/// [`RuleSet::facts_from_serialize`](crate::RuleSet::facts_from_serialize),
/// [`RuleSet::facts_from_transaction`](crate::RuleSet::facts_from_transaction)
/// or [`RuleSet::facts_builder`](crate::RuleSet::facts_builder).
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let facts = rules.facts_from_json(r#"{"id": "T-1", "country": {"freedom_score": 20}}"#)?;
/// assert_eq!(facts.transaction_id(), Some("T-1"));
/// // A clone shares the loaded values: a reference count, not a copy.
/// let again = facts.clone();
/// assert_eq!(rules.evaluate(&facts)?.to_json(), rules.evaluate(&again)?.to_json());
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone)]
pub struct Facts {
    /// Shared, so that a report can keep the facts it quotes for the price
    /// of a reference count, and clones are cheap.
    pub(crate) root: Arc<Frame>,
    pub(crate) id: Option<Arc<str>>,
    pub(crate) fingerprint: u64,
    /// The schema they were loaded for, so that a ruleset with another
    /// schema can carry them into its own ([`adapt`]).
    pub(crate) schema: Arc<schema::Schema>,
    /// A number that no other load in this process gives: an
    /// [`Outcome`](crate::Outcome) remembers it, so that a report is only
    /// built from the outcome of the same facts. Clones share it, and so
    /// their content, since facts cannot be changed once loaded.
    pub(crate) serial: u64,
    /// The length in bytes of the document the facts were loaded from: a
    /// report may quote twice as much (`limits::report_quote_budget`).
    pub(crate) len: usize,
}

/// The values and the id; not the schema, which would drown them.
impl fmt::Debug for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Facts")
            .field("id", &self.id)
            .field("fingerprint", &self.fingerprint)
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// Facts are equal when they hold the same values, however they were loaded.
impl PartialEq for Facts {
    fn eq(&self, other: &Facts) -> bool {
        self.root == other.root && self.id == other.id && self.fingerprint == other.fingerprint
    }
}

/// The serial number of the next facts loaded.
pub(crate) fn next_serial() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Facts {
    /// The transaction id, the top-level `"id"` of the document.
    pub fn transaction_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// Why a facts document was rejected: what is wrong, and where. It
/// serialises as `{"path", "line", "column", "message"}`, the shape the CLI
/// and the C ABI report.
///
/// `#[non_exhaustive]`: build one with [`FactsError::new`].
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let e = rules.facts_from_json(r#"{"end_user": {"sanctioned": "yes"}}"#).unwrap_err();
/// assert_eq!(e.path, "end_user.sanctioned");
/// assert_eq!((e.line, e.column), (1, 33));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub struct FactsError {
    /// The JSON path of the offending value, such as `parties[1].role`
    /// (empty for the document itself).
    pub path: String,
    /// The 1-based line in the document, when known.
    pub line: usize,
    /// The 1-based column in the document, when known.
    pub column: usize,
    /// What is wrong, lowercase.
    pub message: String,
}

impl FactsError {
    /// An error about the value at the JSON `path` (empty for the document
    /// itself), at a 1-based `line` and `column` (0 when there is no
    /// position), saying `message` (lowercase, no final period).
    ///
    /// ```
    /// let e = dd_rules::FactsError::new("", 0, 0, "the facts are stale");
    /// assert_eq!(e.to_string(), "the facts are stale");
    /// let e = dd_rules::FactsError::new("parties[1].role", 3, 7, "unknown value `x`");
    /// assert_eq!(e.to_string(), "at `parties[1].role`: unknown value `x` (line 3, column 7)");
    /// ```
    pub fn new(
        path: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> FactsError {
        FactsError {
            path: path.into(),
            line,
            column,
            message: message.into(),
        }
    }

    /// The error for a facts document of `len` bytes, more than
    /// [`MAX_FACTS_BYTES`](crate::MAX_FACTS_BYTES): the one loading such a
    /// document gives, for a caller that refuses a document by its length
    /// before reading it (the C ABI does, so that a wrong length is never
    /// read).
    ///
    /// ```
    /// let e = dd_rules::FactsError::too_large(20_000_000);
    /// assert_eq!(
    ///     e.to_string(),
    ///     "the facts document is 20000000 bytes long, more than the limit of 16777216 bytes"
    /// );
    /// ```
    pub fn too_large(len: usize) -> FactsError {
        FactsError {
            path: String::new(),
            line: 0,
            column: 0,
            message: format!(
                "the facts document is {len} bytes long, more than the limit of {} bytes",
                crate::limits::MAX_FACTS_BYTES
            ),
        }
    }
}

impl fmt::Display for FactsError {
    /// `at `path`: message (line L, column C)`. The loader has already
    /// escaped the document's text in the path and message; an error made
    /// elsewhere is escaped here, so that no control character reaches a
    /// terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::printable::printable;
        if !self.path.is_empty() {
            write!(f, "at `{}`: ", printable(&self.path))?;
        }
        write!(f, "{}", printable(&self.message))?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::FactsError;

    #[test]
    fn a_facts_error_made_anywhere_shows_no_control_character() {
        let e = FactsError {
            path: "a\u{1b}[8m".into(),
            line: 2,
            column: 3,
            message: "`x\r` is \u{202e}wrong".into(),
        };
        assert_eq!(
            e.to_string(),
            "at `a\\u{1B}[8m`: `x\\u{D}` is \\u{202E}wrong (line 2, column 3)"
        );
        // What the loader made is shown as it is.
        let e = FactsError::too_large(17_000_000);
        assert_eq!(
            e.to_string(),
            "the facts document is 17000000 bytes long, more than the limit of 16777216 bytes"
        );
    }
}
