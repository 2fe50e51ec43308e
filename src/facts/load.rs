//! Loads a JSON facts document straight into the slot layout, driven by the
//! schema: no generic JSON tree is built, every value is checked against its
//! field's type, and every error names the JSON path where it happened.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::schema::{RecordId, Schema};
use super::{Facts, FactsError, Frame};
use crate::limits::{MAX_FACT_SLOTS, MAX_FACTS_BYTES, MAX_FACTS_DEPTH, facts_too_deep};

mod fast;
mod keys;
mod leaves;
mod messages;
mod numbers;
mod records;

pub(super) use fast::Predictions;
pub(super) use keys::{Key, KeySeed, Seen, unknown_field, with_field};
pub(super) use leaves::{LeafVisitor, variant};
use messages::{char_position, serde_message};
pub(super) use messages::{printable, quote, quote_unknown_field, reword};
pub(super) use numbers::number_from_raw;
use records::read_field;
pub(super) use records::{ListVisitor, RecordVisitor};

/// The top-level key that holds the transaction id, outside the schema.
pub(crate) const ID_KEY: &str = "id";

/// One step of a JSON path.
pub(super) enum Seg {
    /// A field of a record, by index: no name is copied on the way down.
    Known {
        record: RecordId,
        index: usize,
    },
    /// The transaction id.
    Id,
    /// A key that is not a field, for its error.
    Field(String),
    Index(usize),
}

/// What the visitors share: the schema, the first error and where it is.
pub(super) struct Ctx<'s> {
    pub(super) schema: &'s Schema,
    /// The JSON path of the error, innermost first: each value being read
    /// adds its step as the error passes out of it (`Ctx::at`), so that
    /// reading a good document keeps no path at all.
    pub(super) path: RefCell<Vec<Seg>>,
    pub(super) error: RefCell<Option<String>>,
    /// The slots of the list elements read so far, against `MAX_FACT_SLOTS`.
    pub(super) slots: Cell<usize>,
    /// Where the number whose reading failed ends, as an address into the
    /// document (0 when none did): serde positions such errors at the next
    /// token, which may be lines further on.
    failed_number_end: Cell<usize>,
    /// How many arrays and objects are open around the value being read.
    pub(super) depth: Cell<usize>,
    /// The bytes of the strings stored so far, for typed input: what a
    /// report may quote is bounded by the size of the facts.
    pub(super) text_bytes: Cell<usize>,
    /// The fields whose keys the caller wants to hear of, and whether the
    /// document gave one (see [`Watch`]).
    pub(super) watch: Option<&'s Watch>,
    pub(super) watched: Cell<bool>,
}

/// Fields of a schema whose keys a caller of [`load_json_watching`] wants
/// to hear of, whatever their value (`null` included, which loads as
/// nothing): per record, a flag per field. The diff's `Carrier` watches the
/// fields that the other ruleset's schema does not declare, since that
/// schema's loader refuses a document that names one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Watch {
    records: Vec<Vec<bool>>,
}

impl Watch {
    /// Watches field `index` of `record`.
    pub(crate) fn insert(&mut self, record: RecordId, index: usize) {
        if self.records.len() <= record {
            self.records.resize(record + 1, Vec::new());
        }
        if let Some(fields) = self.records.get_mut(record) {
            if fields.len() <= index {
                fields.resize(index + 1, false);
            }
            if let Some(f) = fields.get_mut(index) {
                *f = true;
            }
        }
    }

    /// Whether field `index` of `record` is watched.
    #[inline]
    pub(super) fn contains(&self, record: RecordId, index: usize) -> bool {
        self.records
            .get(record)
            .and_then(|r| r.get(index))
            .copied()
            .unwrap_or(false)
    }
}

impl<'s> Ctx<'s> {
    /// A fresh context for loading facts of `schema`.
    pub(super) fn new(schema: &'s Schema) -> Ctx<'s> {
        Ctx {
            schema,
            path: RefCell::new(Vec::new()),
            error: RefCell::new(None),
            slots: Cell::new(0),
            failed_number_end: Cell::new(0),
            depth: Cell::new(0),
            text_bytes: Cell::new(0),
            watch: None,
            watched: Cell::new(false),
        }
    }

    /// Counts the slots of one more list element of `size` slots against
    /// [`MAX_FACT_SLOTS`]: each element takes a slot for every field of its
    /// record, given or not, so that `[{}, {}, …]` cannot ask for far more
    /// memory than the document's size.
    pub(super) fn count_element<E: de::Error>(&self, size: usize) -> Result<(), E> {
        let slots = self.slots.get().saturating_add(size.max(1));
        if slots > MAX_FACT_SLOTS {
            return Err(self.fail(format!(
                "the list elements hold more than {MAX_FACT_SLOTS} fields in all (each counts every field of its record, given or not)"
            )));
        }
        self.slots.set(slots);
        Ok(())
    }

    /// Records a message for the current path and returns it as a serde error.
    pub(super) fn fail<E: de::Error>(&self, message: impl Into<String>) -> E {
        let message = message.into();
        let mut slot = self.error.borrow_mut();
        if slot.is_none() {
            *slot = Some(message.clone());
        }
        E::custom(message)
    }

    pub(super) fn path_text(&self) -> String {
        let mut out = String::new();
        for seg in self.path.borrow().iter().rev() {
            let name = match seg {
                Seg::Known { record, index } => self
                    .schema
                    .record(*record)
                    .and_then(|r| r.fields.get_index(*index))
                    .map_or("?", |(name, _)| name.as_str()),
                Seg::Id => ID_KEY,
                Seg::Field(name) => name,
                Seg::Index(i) => {
                    out.push_str(&format!("[{i}]"));
                    continue;
                }
            };
            match seg {
                Seg::Known { .. } | Seg::Id | Seg::Field(_) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// Opens an array or object, refused past [`MAX_FACTS_DEPTH`]: list
    /// records can nest without end. The error's text and position do not
    /// matter, since `load_json` then reports the depth from its scan.
    pub(super) fn open<E: de::Error>(&self) -> Result<(), E> {
        let depth = self.depth.get() + 1;
        if depth > MAX_FACTS_DEPTH {
            return Err(self.fail(too_deep()));
        }
        self.depth.set(depth);
        Ok(())
    }

    /// Closes the array or object that [`Ctx::open`] opened.
    pub(super) fn close(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    /// The result of reading the value at `seg`: an error from inside it
    /// gets `seg` as the next step out of its path.
    #[inline(always)]
    pub(super) fn at<T, E>(&self, seg: Seg, result: Result<T, E>) -> Result<T, E> {
        if result.is_err() {
            self.path.borrow_mut().push(seg);
        }
        result
    }
}

/// Loads `text` as the facts of one transaction.
pub(crate) fn load_json(
    schema: &Arc<Schema>,
    fingerprint: u64,
    text: &str,
) -> Result<Facts, FactsError> {
    load(schema, fingerprint, text, None).0
}

/// [`load_json`], saying too whether the document gave a key of a field
/// that `watch` names (however its loading ended).
pub(crate) fn load_json_watching(
    schema: &std::sync::Arc<Schema>,
    fingerprint: u64,
    text: &str,
    watch: &Watch,
) -> (Result<Facts, FactsError>, bool) {
    load(schema, fingerprint, text, Some(watch))
}

fn load(
    schema: &std::sync::Arc<Schema>,
    fingerprint: u64,
    text: &str,
    watch: Option<&Watch>,
) -> (Result<Facts, FactsError>, bool) {
    if text.len() > MAX_FACTS_BYTES {
        return (Err(FactsError::too_large(text.len())), false);
    }
    // A byte-order mark, as some editors write, is not part of the document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A document that loads is read once, by the fast path; the serde
    // loader reads any other, and says what is wrong and where. The fast
    // path does not watch keys: a load that must (`diff` across a schema
    // change) is serde's.
    if watch.is_none()
        && let Some((root, id)) = fast::load(schema, text)
    {
        return (Ok(loaded(schema, fingerprint, text, root, id)), false);
    }
    let mut ctx = Ctx::new(schema);
    ctx.watch = watch;
    let facts = load_with_serde(&ctx, schema, fingerprint, text);
    (facts, ctx.watched.get())
}

/// The facts loaded from `text`: its root frame and id.
fn loaded(
    schema: &Arc<Schema>,
    fingerprint: u64,
    text: &str,
    root: Frame,
    id: Option<String>,
) -> Facts {
    Facts {
        root: Arc::new(root),
        id: id.map(Arc::from),
        fingerprint,
        schema: Arc::clone(schema),
        serial: super::next_serial(),
        len: text.len(),
    }
}

/// Loads `text` (within the size limit, without a byte-order mark) with
/// serde's visitors and the context `ctx`: the loader of record, whose
/// errors say what is wrong and where.
fn load_with_serde(
    ctx: &Ctx<'_>,
    schema: &Arc<Schema>,
    fingerprint: u64,
    text: &str,
) -> Result<Facts, FactsError> {
    let root_size = schema.record(schema.root).map_or(0, |r| r.size);
    let mut root = Frame::absent(root_size);
    let mut id = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let result = de
        .deserialize_any(DocVisitor {
            ctx,
            frame: &mut root,
            id: &mut id,
        })
        .and_then(|()| de.end());
    // A document nested too deep anywhere, even after another error or
    // after its end, is refused for that, at the bracket that goes too
    // deep. Scanning for it only once loading has failed costs nothing on
    // good documents: one that loads nests no deeper than the limit, since
    // the visitors open every array and object of it (`Ctx::open`). Nor
    // can serde_json's own recursion limit (128) be what reports it: past
    // 64, the scan finds it.
    if result.is_err()
        && let Some((line, column)) = facts_too_deep(text)
    {
        let (line, column) = char_position(text, line, column);
        return Err(FactsError {
            path: String::new(),
            line,
            column,
            message: too_deep(),
        });
    }
    match result {
        Ok(()) => Ok(loaded(schema, fingerprint, text, root, id)),
        Err(e) => {
            let message = match ctx.error.borrow_mut().take() {
                Some(m) => m,
                None => serde_message(&e, text),
            };
            let (line, column) = match ctx
                .failed_number_end
                .get()
                .checked_sub(text.as_ptr() as usize)
            {
                // The last character of the number that could not be read,
                // where other errors point too.
                Some(end @ 1..) if end <= text.len() => {
                    crate::span::Span::new(end - 1, end).line_col(text)
                }
                _ => char_position(text, e.line(), e.column()),
            };
            Err(FactsError {
                path: printable(&ctx.path_text()),
                line,
                column,
                message: printable(&message),
            })
        }
    }
}

/// The message for a document nested deeper than [`MAX_FACTS_DEPTH`].
pub(super) fn too_deep() -> String {
    format!("arrays and objects are nested more than {MAX_FACTS_DEPTH} deep")
}

/// The document: an object of root facts and an optional `"id"`.
struct DocVisitor<'c, 's, 'f> {
    ctx: &'c Ctx<'s>,
    frame: &'f mut Frame,
    id: &'f mut Option<String>,
}

impl<'de> Visitor<'de> for DocVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of facts")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.ctx.open()?;
        let mut id_seen = false;
        let root = self.ctx.schema.root;
        let mut seen = Seen::new(self.ctx.schema.record(root).map_or(0, |r| r.fields.len()));
        let mut keys = KeySeed::new(self.ctx.schema, root);
        while let Some(key) = map.next_key_seed(keys)? {
            keys = keys.after(&key);
            if let Key::Id = key {
                let id = if id_seen {
                    Err(self.ctx.fail("the key `id` is given twice"))
                } else {
                    map.next_value::<Option<String>>()
                };
                *self.id = self.ctx.at(Seg::Id, id)?;
                id_seen = true;
                continue;
            }
            read_field(self.ctx, &mut map, root, key, self.frame, 0, &mut seen)?;
        }
        self.ctx.close();
        Ok(())
    }
}

#[cfg(test)]
mod tests;
