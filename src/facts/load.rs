//! Loads a JSON facts document straight into the slot layout, driven by the
//! schema: no generic JSON tree is built, every value is checked against its
//! field's type, and every error names the JSON path where it happened.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use indexmap::IndexMap;

use super::schema::{FieldDef, RecordId, Schema, Type};
use super::{Facts, FactsError, Frame, Provenance, Slot, Value};
use crate::decimal::Decimal;
use crate::limits::{MAX_FACT_SLOTS, MAX_FACTS_BYTES, MAX_FACTS_DEPTH, facts_too_deep};
use crate::suggest::did_you_mean;

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

/// A key of an object of facts, resolved to its field as it is read, so
/// that reading a document copies no key.
pub(super) enum Key {
    Field(usize),
    Id,
    Other(String),
}

/// Reads a key of an object of a record's fields (and `"id"` at the root).
/// The fields are looked up once per object, not once per key.
#[derive(Clone, Copy)]
pub(super) struct KeySeed<'s> {
    fields: Option<&'s IndexMap<String, FieldDef>>,
    root: bool,
}

impl<'s> KeySeed<'s> {
    pub(super) fn new(schema: &'s Schema, record: RecordId) -> KeySeed<'s> {
        KeySeed {
            fields: schema.record(record).map(|r| &r.fields),
            root: record == schema.root,
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        if self.root && v == ID_KEY {
            return Ok(Key::Id);
        }
        Ok(match self.fields.and_then(|f| index_of(f, v)) {
            Some(i) => Key::Field(i),
            None => Key::Other(v.to_string()),
        })
    }
}

/// The index of `name` among the keys of `map`. Records and enums are
/// small, so comparing lengths first and then the few names of the right
/// length beats hashing the name; a large one is looked up by hash.
pub(super) fn index_of<V>(map: &IndexMap<String, V>, name: &str) -> Option<usize> {
    if map.len() > 32 {
        return map.get_index_of(name);
    }
    map.keys()
        .position(|k| k.len() == name.len() && k.as_str() == name)
}

/// Which fields of a record have been given, to refuse one given twice: a
/// bit set, on the heap only for a record of more than 128 fields.
pub(super) struct Seen {
    bits: u128,
    more: Vec<bool>,
}

impl Seen {
    pub(super) fn new(fields: usize) -> Seen {
        Seen {
            bits: 0,
            more: if fields > 128 {
                vec![false; fields]
            } else {
                Vec::new()
            },
        }
    }

    /// Marks field `i` as given; false if it already was.
    fn insert(&mut self, i: usize) -> bool {
        if let Some(given) = self.more.get_mut(i) {
            return !std::mem::replace(given, true);
        }
        let bit = u32::try_from(i)
            .ok()
            .and_then(|i| 1u128.checked_shl(i))
            .unwrap_or(0);
        let fresh = self.bits & bit == 0;
        self.bits |= bit;
        fresh
    }
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
    #[inline]
    pub(super) fn at<T, E>(&self, seg: Seg, result: Result<T, E>) -> Result<T, E> {
        if result.is_err() {
            self.path.borrow_mut().push(seg);
        }
        result
    }
}

/// Loads `text` as the facts of one transaction.
pub(crate) fn load_json(
    schema: &std::sync::Arc<Schema>,
    fingerprint: u64,
    text: &str,
) -> Result<Facts, FactsError> {
    if text.len() > MAX_FACTS_BYTES {
        return Err(FactsError::too_large(text.len()));
    }
    let ctx = Ctx::new(schema);
    let root_size = schema.record(schema.root).map_or(0, |r| r.size);
    let mut root = Frame::absent(root_size);
    let mut id = None;
    // A byte-order mark, as some editors write, is not part of the document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let result = de
        .deserialize_any(DocVisitor {
            ctx: &ctx,
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
        Ok(()) => Ok(Facts {
            root: std::sync::Arc::new(root),
            id: id.map(std::sync::Arc::from),
            fingerprint,
            schema: std::sync::Arc::clone(schema),
            serial: super::next_serial(),
            len: text.len(),
        }),
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
        let keys = KeySeed::new(self.ctx.schema, root);
        while let Some(key) = map.next_key_seed(keys)? {
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

/// Reads the value of `key` in a record whose slots start at `base`.
fn read_field<'de, A: MapAccess<'de>>(
    ctx: &Ctx<'_>,
    map: &mut A,
    record: RecordId,
    key: Key,
    frame: &mut Frame,
    base: usize,
    seen: &mut Seen,
) -> Result<(), A::Error> {
    with_field(ctx, record, key, seen, |field| {
        map.next_value_seed(FieldSeed {
            ctx,
            ty: field.ty,
            frame,
            slot: base + field.offset,
        })
    })
}

/// Reads the value of `key` in a record with `read`, given the field: the
/// checks that a key is a field and is given once, and the path of an error
/// from inside it, whatever reads the value (the JSON loader or typed input).
pub(super) fn with_field<E: de::Error>(
    ctx: &Ctx<'_>,
    record: RecordId,
    key: Key,
    seen: &mut Seen,
    read: impl FnOnce(&FieldDef) -> Result<(), E>,
) -> Result<(), E> {
    let rec = ctx
        .schema
        .record(record)
        .ok_or_else(|| ctx.fail("internal error: unknown record"))?;
    let (index, name, field) = match key {
        Key::Field(index) => match rec.fields.get_index(index) {
            Some((name, field)) => (index, name, field),
            None => return Err(ctx.fail("internal error: unknown field")),
        },
        // INVARIANT: `Key::Id` is only read at the root, where the caller takes it.
        Key::Id => return Err(unknown_field(ctx, record, ID_KEY)),
        Key::Other(key) => return Err(unknown_field(ctx, record, &key)),
    };
    let read = if seen.insert(index) {
        read(field)
    } else {
        Err(ctx.fail(format!("the field `{name}` is given twice")))
    };
    ctx.at(Seg::Known { record, index }, read)
}

/// The error for a key that is not a field of `record`.
pub(super) fn unknown_field<E: de::Error>(ctx: &Ctx<'_>, record: RecordId, key: &str) -> E {
    let Some(rec) = ctx.schema.record(record) else {
        return ctx.fail("internal error: unknown record");
    };
    {
        let help = did_you_mean(key, rec.fields.keys().map(String::as_str))
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        let what = if record == ctx.schema.root {
            "the facts".to_string()
        } else {
            format!("`{}`", rec.name)
        };
        // The key may be of any length: the path and the message quote its start.
        let key = quote(key);
        let message = format!("unknown field `{key}` in {what}{help}");
        ctx.path.borrow_mut().push(Seg::Field(key));
        ctx.fail(message)
    }
}

/// The value of one field, stored into its slot.
struct FieldSeed<'c, 's, 'f> {
    ctx: &'c Ctx<'s>,
    ty: Type,
    frame: &'f mut Frame,
    slot: usize,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let FieldSeed {
            ctx,
            ty,
            frame,
            slot,
        } = self;
        let stored = match ty {
            Type::Record(record) => {
                return d.deserialize_any(RecordVisitor {
                    ctx,
                    record,
                    frame,
                    base: slot + 1,
                    presence: Some(slot),
                });
            }
            Type::List(record) => Slot {
                value: d.deserialize_any(ListVisitor { ctx, record })?,
                provenance: None,
            },
            Type::Decimal | Type::Int => {
                // Borrowed from the document, so that an error can say where it is.
                let raw = <&RawValue>::deserialize(d)?;
                number_from_raw(ctx, ty, raw.get(), true).inspect_err(|_| {
                    ctx.failed_number_end
                        .set(raw.get().as_ptr() as usize + raw.get().len());
                })?
            }
            _ => d.deserialize_any(LeafVisitor {
                ctx,
                ty,
                wrapper: true,
            })?,
        };
        frame.store(slot, stored);
        Ok(())
    }
}

/// A record: an object of fields, or `null`.
pub(super) struct RecordVisitor<'c, 's, 'f> {
    pub(super) ctx: &'c Ctx<'s>,
    pub(super) record: RecordId,
    pub(super) frame: &'f mut Frame,
    pub(super) base: usize,
    /// The slot that says whether the record is present (none for list elements).
    pub(super) presence: Option<usize>,
}

impl<'de> Visitor<'de> for RecordVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self
            .ctx
            .schema
            .record(self.record)
            .map_or("", |r| r.name.as_str());
        write!(f, "an object (a `{name}`) or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if self.presence.is_none() {
            return Err(self.ctx.fail("a list element cannot be null"));
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.ctx.open()?;
        if let Some(p) = self.presence.and_then(|p| self.frame.slots.get_mut(p)) {
            p.value = Value::Present;
        }
        let mut seen = Seen::new(
            self.ctx
                .schema
                .record(self.record)
                .map_or(0, |r| r.fields.len()),
        );
        let keys = KeySeed::new(self.ctx.schema, self.record);
        while let Some(key) = map.next_key_seed(keys)? {
            read_field(
                self.ctx,
                &mut map,
                self.record,
                key,
                self.frame,
                self.base,
                &mut seen,
            )?;
        }
        self.ctx.close();
        Ok(())
    }
}

/// A list of records: an array of objects, or `null`.
pub(super) struct ListVisitor<'c, 's> {
    pub(super) ctx: &'c Ctx<'s>,
    pub(super) record: RecordId,
}

impl<'de> Visitor<'de> for ListVisitor<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self
            .ctx
            .schema
            .record(self.record)
            .map_or("", |r| r.name.as_str());
        write!(f, "an array of objects (each a `{name}`) or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.ctx.open()?;
        let size = self.ctx.schema.record(self.record).map_or(0, |r| r.size);
        let mut frames = Vec::new();
        loop {
            let element = ElementSeed {
                ctx: self.ctx,
                record: self.record,
                size,
            };
            let read = seq.next_element_seed(element).and_then(|frame| {
                if frame.is_none() {
                    return Ok(None);
                }
                self.ctx.count_element(size)?;
                Ok(frame)
            });
            match self.ctx.at(Seg::Index(frames.len()), read)? {
                Some(frame) => frames.push(frame),
                None => break,
            }
        }
        self.ctx.close();
        Ok(Value::List(frames.into_boxed_slice()))
    }
}

/// One element of a list, a record of `size` slots. Its frame is made only
/// once the list is known to go on, so that the end of a list costs none.
struct ElementSeed<'c, 's> {
    ctx: &'c Ctx<'s>,
    record: RecordId,
    size: usize,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_, '_> {
    type Value = Frame;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Frame, D::Error> {
        let mut frame = Frame::absent(self.size);
        d.deserialize_any(RecordVisitor {
            ctx: self.ctx,
            record: self.record,
            frame: &mut frame,
            base: 0,
            presence: None,
        })?;
        Ok(frame)
    }
}

/// A leaf value of any type but `decimal`, optionally wrapped with provenance.
pub(super) struct LeafVisitor<'c, 's> {
    pub(super) ctx: &'c Ctx<'s>,
    pub(super) ty: Type,
    /// Whether `{"value": …, "source": …, "as_of": …}` is accepted here.
    pub(super) wrapper: bool,
}

impl LeafVisitor<'_, '_> {
    fn plain(value: Value) -> Slot {
        Slot {
            value,
            provenance: None,
        }
    }
}

impl<'de> Visitor<'de> for LeafVisitor<'_, '_> {
    type Value = Slot;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ty {
            Type::Bool => f.write_str("`true`, `false` or null"),
            Type::Int => f.write_str("a whole number or null"),
            Type::Decimal => f.write_str("a decimal number or null"),
            Type::String => f.write_str("a string or null"),
            Type::Enum(e) => {
                let name = self.ctx.schema.enums.get(e).map_or("", |e| e.name.as_str());
                write!(f, "a value of `{name}` as a string, or null")
            }
            Type::Set(e) => {
                let name = self.ctx.schema.enums.get(e).map_or("", |e| e.name.as_str());
                write!(f, "an array of `{name}` values, or null")
            }
            Type::Record(_) | Type::List(_) => f.write_str("a record or list"),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Slot, E> {
        Ok(Slot::default())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Slot, E> {
        match self.ty {
            Type::Bool => Ok(Self::plain(Value::Bool(v))),
            _ => Err(de::Error::invalid_type(de::Unexpected::Bool(v), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Slot, E> {
        match self.ty {
            Type::Int => Ok(Self::plain(Value::Int(v))),
            _ => Err(de::Error::invalid_type(de::Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Slot, E> {
        match (self.ty, i64::try_from(v)) {
            (Type::Int, Ok(n)) => Ok(Self::plain(Value::Int(n))),
            (Type::Int, Err(_)) => Err(self
                .ctx
                .fail(format!("the number {v} does not fit in 64 bits"))),
            _ => Err(de::Error::invalid_type(de::Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Slot, E> {
        match self.ty {
            Type::Int => Err(self.ctx.fail(format!("expected a whole number, found {v}"))),
            _ => Err(de::Error::invalid_type(de::Unexpected::Float(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Slot, E> {
        match self.ty {
            Type::String => Ok(Self::plain(Value::Str(v.into()))),
            Type::Enum(e) => Ok(Self::plain(Value::Enum(variant(self.ctx, e, v)?))),
            _ => Err(de::Error::invalid_type(de::Unexpected::Str(v), &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot, A::Error> {
        let Type::Set(e) = self.ty else {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        };
        self.ctx.open()?;
        let mut mask = 0u128;
        let mut i = 0;
        loop {
            let read = seq.next_element_seed(VariantSeed { ctx: self.ctx, e });
            let Some(index) = self.ctx.at(Seg::Index(i), read)? else {
                break;
            };
            mask |= super::bit(index);
            i += 1;
        }
        self.ctx.close();
        Ok(Self::plain(Value::Set(super::SetBits::new(mask))))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot, A::Error> {
        if !self.wrapper {
            return Err(self
                .ctx
                .fail("a value with provenance cannot hold another one"));
        }
        self.ctx.open()?;
        let mut value: Option<Slot> = None;
        let mut provenance = Provenance::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "value" if value.is_none() => {
                    value = Some(map.next_value_seed(LeafSeed {
                        ctx: self.ctx,
                        ty: self.ty,
                    })?);
                }
                "source" if provenance.source.is_none() => {
                    provenance.source = Some(map.next_value()?)
                }
                "as_of" if provenance.as_of.is_none() => provenance.as_of = Some(map.next_value()?),
                "value" | "source" | "as_of" => {
                    return Err(self.ctx.fail(format!("the key `{key}` is given twice")));
                }
                other => {
                    return Err(self.ctx.fail(format!(
                        "unknown key `{}` in a fact with provenance; the keys are `value`, `source` and `as_of`",
                        quote(other)
                    )));
                }
            }
        }
        self.ctx.close();
        let Some(mut slot) = value else {
            return Err(self.ctx.fail("a fact with provenance needs a `value`"));
        };
        slot.provenance = Some(Box::new(provenance));
        Ok(slot)
    }
}

/// An element of a set: the name of a value of enum `e`, read as its index
/// without copying the name.
struct VariantSeed<'c, 's> {
    ctx: &'c Ctx<'s>,
    e: usize,
}

impl<'de> DeserializeSeed<'de> for VariantSeed<'_, '_> {
    type Value = u16;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u16, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for VariantSeed<'_, '_> {
    type Value = u16;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u16, E> {
        variant(self.ctx, self.e, v)
    }
}

/// The `value` inside a provenance wrapper.
struct LeafSeed<'c, 's> {
    ctx: &'c Ctx<'s>,
    ty: Type,
}

impl<'de> DeserializeSeed<'de> for LeafSeed<'_, '_> {
    type Value = Slot;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Slot, D::Error> {
        if matches!(self.ty, Type::Decimal | Type::Int) {
            let raw = Box::<RawValue>::deserialize(d)?;
            return number_from_raw(self.ctx, self.ty, raw.get(), false);
        }
        d.deserialize_any(LeafVisitor {
            ctx: self.ctx,
            ty: self.ty,
            wrapper: false,
        })
    }
}

/// A provenance wrapper around a number, read from its raw text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWrapper {
    value: Option<Box<RawValue>>,
    source: Option<String>,
    as_of: Option<String>,
}

/// serde_json's message for an error in `text`, without its position, in
/// the words the other messages use: where serde_json's words are wrong
/// (surrogates) or quote the document at any length, ours.
fn serde_message(e: &serde_json::Error, text: &str) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let end = byte_offset(text, e.line(), e.column());
    let surrogate = match message {
        // serde_json says this both for a trailing surrogate with no leading
        // one before it and for a leading one followed by another escape.
        "lone leading surrogate in hex escape" => {
            end.and_then(|end| lone_surrogate(text, end, true))
        }
        // A leading surrogate followed by no escape at all.
        "unexpected end of hex escape" => end.and_then(|end| lone_surrogate(text, end, false)),
        _ => None,
    };
    surrogate.unwrap_or_else(|| quote_unknown_field(&reword(message)))
}

/// The byte offset of serde_json's position (a line, and a column that
/// counts the bytes of that line read so far).
fn byte_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = match line {
        0 | 1 => 0,
        n => text.match_indices('\n').nth(n - 2)?.0 + 1,
    };
    Some(start + column).filter(|end| *end <= text.len())
}

/// The message for a `\u` escape of a UTF-16 surrogate with no partner, the
/// escapes read ending at byte `end`. With `after_escape`, the last escape
/// read is either a trailing surrogate with no leading one before it, or
/// the escape that should have been the trailing partner of the one before
/// it; otherwise the last escape is the leading surrogate itself.
fn lone_surrogate(text: &str, end: usize, after_escape: bool) -> Option<String> {
    // The last `\u` escape before `end`: the four digits that serde_json read.
    let escape_before = |end: usize| {
        let at = text.get(..end)?.rfind("\\u")?;
        let written = text.get(at..at + 6)?;
        let value = u16::from_str_radix(written.get(2..)?, 16).ok()?;
        Some((at, written, value))
    };
    let (at, written, value) = escape_before(end)?;
    let leading = match value {
        0xDC00..=0xDFFF if after_escape => {
            return Some(format!(
                "lone trailing surrogate `{written}`: a `\\u` escape from `\\udc00` to `\\udfff` must follow one from `\\ud800` to `\\udbff`"
            ));
        }
        _ if after_escape => escape_before(at)?.1,
        _ => written,
    };
    Some(format!(
        "lone leading surrogate `{leading}`: a `\\u` escape from `\\ud800` to `\\udbff` must be followed by one from `\\udc00` to `\\udfff`"
    ))
}

/// Rewords serde's "invalid type: X, expected Y" as "expected Y, found X",
/// in the words the other messages use.
pub(super) fn reword(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_string();
    };
    let Some((found, expected)) = rest.rsplit_once(", expected ") else {
        return message.to_string();
    };
    let found = if let Some(s) = found.strip_prefix("string ") {
        format!("the string {}", quote(s))
    } else if let Some(n) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
    {
        format!("the number {}", n.trim_matches('`'))
    } else if let Some(b) = found.strip_prefix("boolean ") {
        b.to_string()
    } else {
        match found {
            "sequence" => "an array".to_string(),
            "map" => "an object".to_string(),
            "unit value" | "null" => "null".to_string(),
            other => other.to_string(),
        }
    };
    format!("expected {expected}, found {found}")
}

/// What a raw JSON value is, for messages.
fn describe_raw(raw: &str) -> String {
    match raw.as_bytes().first() {
        Some(b'"') => format!("the string {}", quote(raw)),
        Some(b'[') => "an array".into(),
        Some(b'{') => "an object".into(),
        _ => format!("`{}`", quote(raw)),
    }
}

/// Reads a whole or decimal number from its exact JSON text, so that no digit
/// passes through a float and an integer too large for 64 bits is named as such.
pub(super) fn number_from_raw<E: de::Error>(
    ctx: &Ctx<'_>,
    ty: Type,
    raw: &str,
    wrapper: bool,
) -> Result<Slot, E> {
    let raw = raw.trim();
    let wanted = if ty == Type::Int {
        "a whole number"
    } else {
        "a decimal number"
    };
    match raw.as_bytes().first() {
        Some(b'n') => Ok(Slot::default()),
        Some(b'{') if wrapper => {
            // Read whole by serde_json, but an object of the document all the same.
            ctx.open()?;
            let w: RawWrapper = serde_json::from_str(raw).map_err(|e| {
                ctx.fail::<E>(format!(
                    "in a fact with provenance: {}",
                    serde_message(&e, raw)
                ))
            })?;
            let Some(value) = w.value else {
                return Err(ctx.fail("a fact with provenance needs a `value`"));
            };
            let mut slot = number_from_raw::<E>(ctx, ty, value.get(), false)?;
            ctx.close();
            slot.provenance = Some(Box::new(Provenance {
                source: w.source,
                as_of: w.as_of,
            }));
            Ok(slot)
        }
        Some(b'{') => Err(ctx.fail("a value with provenance cannot hold another one")),
        Some(b'-' | b'0'..=b'9') if ty == Type::Int => {
            if raw.contains(['.', 'e', 'E']) {
                return Err(ctx.fail(format!("expected a whole number, found `{}`", quote(raw))));
            }
            match raw.parse::<i64>() {
                Ok(n) => Ok(Slot {
                    value: Value::Int(n),
                    provenance: None,
                }),
                Err(_) => {
                    Err(ctx.fail(format!("the number {} does not fit in 64 bits", quote(raw))))
                }
            }
        }
        Some(b'-' | b'0'..=b'9') => match Decimal::parse(raw) {
            Ok(d) => Ok(Slot {
                value: Value::Decimal(Box::new(d)),
                provenance: None,
            }),
            Err(e) => Err(ctx.fail(format!(
                "the number {} cannot be held exactly: {e}",
                quote(raw)
            ))),
        },
        _ => Err(ctx.fail(format!(
            "expected {wanted} or null, found {}",
            describe_raw(raw)
        ))),
    }
}

/// The index of an enum value named in the facts.
pub(super) fn variant<E: de::Error>(ctx: &Ctx<'_>, e: usize, name: &str) -> Result<u16, E> {
    let Some(def) = ctx.schema.enums.get(e) else {
        return Err(ctx.fail("internal error: unknown enum"));
    };
    match index_of(&def.variants, name).and_then(|i| u16::try_from(i).ok()) {
        Some(i) => Ok(i),
        None => {
            let help =
                did_you_mean(name, def.variants.keys().map(String::as_str)).unwrap_or_else(|| {
                    let all: Vec<String> = def.variants.keys().map(|v| format!("`{v}`")).collect();
                    format!("expected one of {}", all.join(", "))
                });
            Err(ctx.fail(format!(
                "`{}` is not a value of `{}`; {help}",
                quote(name),
                def.name
            )))
        }
    }
}

/// The 1-based line and column, in characters, of a position given as a
/// line and a 1-based column in bytes, as serde_json gives it. serde_json
/// says column 0 when the error comes just after a line break: that is the
/// end of the line before, where the offending value ends.
fn char_position(text: &str, line: usize, byte_column: usize) -> (usize, usize) {
    let (line, byte_column) = match (line, byte_column) {
        (2.., 0) => {
            let before = text.split('\n').nth(line - 2).unwrap_or("");
            (line - 1, before.len() + 1)
        }
        (line, column) => (line, column.max(1)),
    };
    let Some(text_line) = text.split('\n').nth(line.saturating_sub(1)) else {
        return (line, byte_column);
    };
    // A column inside a multi-byte character counts from its start.
    let end = (0..byte_column.min(text_line.len() + 1))
        .rev()
        .find(|&i| text_line.is_char_boundary(i))
        .unwrap_or(0);
    let before = text_line.get(..end).unwrap_or("");
    (line, before.chars().count() + 1)
}

/// Text from the document made safe to print (see `crate::printable`).
pub(super) fn printable(text: &str) -> String {
    crate::printable::printable(text).into_owned()
}

/// The most characters of a key or value of the document that a message
/// quotes: a key or a number may be megabytes long.
const QUOTED_CHARS: usize = 100;

/// Text from the document to quote in a message: made safe to print, and
/// cut to its first [`QUOTED_CHARS`] characters with its size said.
pub(super) fn quote(text: &str) -> String {
    crate::printable::printable_prefix(text, QUOTED_CHARS).into_owned()
}

/// serde's "unknown field `KEY`, expected …" with the key quoted by [`quote`]:
/// the key comes from the document. Other messages are returned as they are.
pub(super) fn quote_unknown_field(message: &str) -> String {
    message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.rsplit_once("`, expected "))
        .map_or_else(
            || message.to_string(),
            |(key, rest)| format!("unknown field `{}`, expected {rest}", quote(key)),
        )
}

#[cfg(test)]
mod tests {
    use crate::RuleSet;
    use crate::limits::facts_too_deep;

    /// Records that nest without end through lists, and a record inside.
    const NESTING: &str = "ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\n\
        enum E { a, b }\n\
        record Inner { n: int }\n\
        record Item { r: Inner  s: set<E>  items: list<Item> }\n\
        facts { items: list<Item> }\n\
        outcomes { go }\n\
        disposition { otherwise => go }\n";

    /// `inner` inside `lists` list elements, each within the one before.
    fn nested(lists: usize, inner: &str) -> String {
        format!(
            "{{{}{inner}{}}}",
            "\"items\":[{".repeat(lists),
            "}]".repeat(lists)
        )
    }

    /// Loads `doc`, which the scan finds too deep, and checks the error.
    fn refused_as_too_deep(rules: &RuleSet, doc: &str) {
        let (line, column) = facts_too_deep(doc).unwrap();
        let e = rules.facts_from_json(doc).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.line, e.column, e.message.as_str()),
            (
                "",
                line,
                column,
                "arrays and objects are nested more than 64 deep"
            ),
            "{doc}"
        );
    }

    #[test]
    fn a_document_loads_up_to_the_depth_limit_and_no_further() {
        let rules = RuleSet::compile(NESTING, "n.rules").unwrap();
        // 31 lists put the innermost object at depth 63; its record at 64.
        for inner in [
            "\"r\":{\"n\":1}",
            "\"s\":[\"a\"]",
            "\"s\":{\"value\":null}",
            "\"items\":null",
            "\"items\":[]",
        ] {
            let doc = nested(31, inner);
            assert_eq!(facts_too_deep(&doc), None, "{doc}");
            rules.facts_from_json(&doc).unwrap();
        }
        // One more array or object, whether the visitors read it or
        // serde_json reads it whole (a number with provenance).
        for inner in [
            "\"r\":{\"n\":{\"value\":1}}",
            "\"s\":{\"value\":[\"a\"]}",
            "\"items\":[[]]",
            "\"items\":[{}]",
        ] {
            refused_as_too_deep(&rules, &nested(31, inner));
        }
        // Far deeper than serde_json's own limit of 128.
        refused_as_too_deep(&rules, &nested(100, ""));
    }

    #[track_caller]
    fn message(rules: &RuleSet, doc: &str) -> String {
        rules.facts_from_json(doc).unwrap_err().message
    }

    #[test]
    fn lone_surrogates_are_named_for_what_they_are() {
        let rules = RuleSet::compile(
            "ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\n\
             facts { s: string }\noutcomes { go }\ndisposition { otherwise => go }\n",
            "s.rules",
        )
        .unwrap();
        let trailing = |e: &str| {
            format!(
                "lone trailing surrogate `{e}`: a `\\u` escape from `\\udc00` to `\\udfff` must follow one from `\\ud800` to `\\udbff`"
            )
        };
        let leading = |e: &str| {
            format!(
                "lone leading surrogate `{e}`: a `\\u` escape from `\\ud800` to `\\udbff` must be followed by one from `\\udc00` to `\\udfff`"
            )
        };
        // serde_json calls all of these a "lone leading surrogate" or an
        // "unexpected end of hex escape".
        assert_eq!(message(&rules, r#"{"s": "\udc00"}"#), trailing("\\udc00"));
        assert_eq!(
            message(&rules, r#"{"s": "a\ud800\uDFFF\udfff"}"#),
            trailing("\\udfff")
        );
        assert_eq!(
            message(&rules, "{\r\n\"s\":\r\n \"\\uDC01\"}"),
            trailing("\\uDC01")
        );
        assert_eq!(message(&rules, r#"{"s": "\ud800"}"#), leading("\\ud800"));
        assert_eq!(
            message(&rules, r#"{"s": "\uDBFF\ud800"}"#),
            leading("\\uDBFF")
        );
        assert_eq!(message(&rules, r#"{"s": "\ud800\n"}"#), leading("\\ud800"));
        assert_eq!(message(&rules, r#"{"s": "\ud800\\"}"#), leading("\\ud800"));
        assert_eq!(message(&rules, r#"{"s": "\\\ud800x"}"#), leading("\\ud800"));
        // In a key, too.
        assert_eq!(message(&rules, r#"{"\udc00": 1}"#), trailing("\\udc00"));
        // A pair is one character.
        rules.facts_from_json(r#"{"s": "\ud83d\ude00"}"#).unwrap();
    }

    #[test]
    fn a_document_too_deep_anywhere_is_refused_for_that_first() {
        let rules = RuleSet::compile(NESTING, "n.rules").unwrap();
        let deep = format!("{}{}", "[".repeat(70), "]".repeat(70));
        for doc in [
            // After another error, which loading meets first.
            format!("{{\"nope\": 1, \"items\": {deep}}}"),
            format!("{{\"items\": 1,\n \"x\": {deep}}}"),
            // After the end of the document.
            format!("{{}}\n{deep}"),
            // Not even JSON after the depth is passed.
            format!("{{\"items\": {} !", "[".repeat(65)),
        ] {
            refused_as_too_deep(&rules, &doc);
        }
    }
}
