//! Facts from typed values: a `serde::Serializer` that stores what any
//! `Serialize` value (a `serde_json::Value`, a [`Transaction`](super::transaction::Transaction),
//! a caller's own struct) holds straight into the slot layout, driven by the
//! schema, as the JSON loader does from text. No JSON text is written or read.
//!
//! Every check is the loader's own: keys are resolved by its `KeySeed`,
//! fields by its `with_field` (unknown fields with "did you mean", fields
//! given twice), leaves by its `LeafVisitor` and numbers by its
//! `number_from_raw` (from the number's JSON text, so that a decimal never
//! passes through a float it did not come as), enum values by its `variant`,
//! depth and list sizes by its `Ctx`. So the same mistake gets the same
//! message and path; typed input has no line or column (both 0).
//!
//! A float (from a `serde_json::Value` or an `f64` field) is read as the
//! shortest decimal text that gives it back, the text serde_json writes for it.

use std::fmt;

use serde::de::{self, Unexpected, Visitor};
use serde::ser::{self, Impossible, Serialize};

use super::load::{
    Ctx, Key, KeySeed, LeafVisitor, ListVisitor, RecordVisitor, Seen, Seg, number_from_raw,
    printable, quote_unknown_field, reword, variant, with_field,
};
use super::schema::{RecordId, Schema, Type};
use super::{Facts, FactsError, Frame, Provenance, Slot, Value};

/// The name under which serde_json serialises a `RawValue` (its exact
/// text, as the one field of a struct of that name); `Decimal` serialises
/// so. Reading it keeps a decimal's digits exact.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// An error while storing a typed value. The message that reaches the caller
/// is the one recorded in the `Ctx` when there is one; otherwise this one,
/// reworded as the loader rewords serde's.
#[derive(Debug)]
pub(super) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error(msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error(msg.to_string())
    }
}

/// The caller-facing error for `e`, with the path the context gathered.
pub(super) fn facts_error(ctx: &Ctx<'_>, e: &Error) -> FactsError {
    let message = ctx
        .error
        .borrow_mut()
        .take()
        .unwrap_or_else(|| quote_unknown_field(&reword(&e.0)));
    FactsError {
        path: printable(&ctx.path_text()),
        line: 0,
        column: 0,
        message: printable(&message),
    }
}

/// Loads any `Serialize` value as the facts of one transaction: it must
/// serialise as a map or struct of root facts and an optional `"id"`.
pub(crate) fn load_value<T: Serialize + ?Sized>(
    schema: &Schema,
    fingerprint: u64,
    value: &T,
) -> Result<Facts, FactsError> {
    let ctx = Ctx::new(schema);
    let root_size = schema.record(schema.root).map_or(0, |r| r.size);
    let mut root = Frame::absent(root_size);
    let mut id = None;
    let stored = value.serialize(DocSer {
        ctx: &ctx,
        frame: &mut root,
        id: &mut id,
    });
    if let Err(e) = stored {
        return Err(facts_error(&ctx, &e));
    }
    Ok(new_facts(root, id, fingerprint))
}

/// Facts from a root frame and an id.
pub(super) fn new_facts(root: Frame, id: Option<String>, fingerprint: u64) -> Facts {
    let len = json_len(&root) + id.as_ref().map_or(0, |id| id.len() + 8);
    Facts {
        root: std::sync::Arc::new(root),
        id: id.map(std::sync::Arc::from),
        fingerprint,
        serial: super::next_serial(),
        len,
    }
}

/// About how long the facts of `frame` would be as a JSON document: what a
/// report may quote is bounded by it (`limits::report_quote_budget`), as for
/// a document loaded from text.
fn json_len(frame: &Frame) -> usize {
    let mut len = 2;
    for slot in &frame.slots {
        len += match &slot.value {
            Value::Absent => 0,
            Value::Str(s) => s.len() + 12,
            Value::Set(bits) => 12 + 16 * bits.get().count_ones() as usize,
            Value::List(frames) => 12 + frames.iter().map(json_len).sum::<usize>(),
            _ => 12,
        };
    }
    for (_, p) in &frame.provenance {
        len +=
            32 + p.source.as_ref().map_or(0, String::len) + p.as_of.as_ref().map_or(0, String::len);
    }
    len
}

/// One value as the serde data model hands it to a serializer.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Unit,
    Bool(bool),
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
    F64(f64),
    F32(f32),
    Str(&'a str),
    Bytes,
    NewtypeVariant,
    Seq,
    Map,
    TupleVariant,
    StructVariant,
}

impl Scalar<'_> {
    /// What the value is, for serde's "invalid type" messages.
    fn unexpected(&self) -> Unexpected<'_> {
        match *self {
            Scalar::Unit => Unexpected::Unit,
            Scalar::Bool(b) => Unexpected::Bool(b),
            Scalar::I64(n) => Unexpected::Signed(n),
            Scalar::U64(n) => Unexpected::Unsigned(n),
            Scalar::I128(_) | Scalar::U128(_) => Unexpected::Other("a 128-bit integer"),
            Scalar::F64(f) => Unexpected::Float(f),
            Scalar::F32(f) => Unexpected::Float(f64::from(f)),
            Scalar::Str(s) => Unexpected::Str(s),
            Scalar::Bytes => Unexpected::Other("bytes"),
            Scalar::NewtypeVariant => Unexpected::NewtypeVariant,
            Scalar::Seq => Unexpected::Seq,
            Scalar::Map => Unexpected::Map,
            Scalar::TupleVariant => Unexpected::TupleVariant,
            Scalar::StructVariant => Unexpected::StructVariant,
        }
    }

    /// The value as JSON text, as serde_json would write it, for the
    /// loader's reading of numbers (and of what is not a number).
    fn json_text(&self, ctx: &Ctx<'_>, wanted: &str) -> Result<String, Error> {
        Ok(match *self {
            Scalar::Unit => "null".into(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::I64(n) => n.to_string(),
            Scalar::U64(n) => n.to_string(),
            Scalar::I128(n) => n.to_string(),
            Scalar::U128(n) => n.to_string(),
            Scalar::F64(f) if !f.is_finite() => {
                return Err(ctx.fail(format!("expected {wanted} or null, found `{f}`")));
            }
            Scalar::F32(f) if !f.is_finite() => {
                return Err(ctx.fail(format!("expected {wanted} or null, found `{f}`")));
            }
            // serde_json writes the shortest text that reads back as the float.
            Scalar::F64(f) => serde_json::to_string(&f).map_err(|e| Error(e.to_string()))?,
            Scalar::F32(f) => serde_json::to_string(&f).map_err(|e| Error(e.to_string()))?,
            Scalar::Str(s) => serde_json::to_string(s).map_err(|e| Error(e.to_string()))?,
            Scalar::Seq => "[]".into(),
            Scalar::Map => "{}".into(),
            other => {
                return Err(de::Error::invalid_type(
                    other.unexpected(),
                    &format!("{wanted} or null").as_str(),
                ));
            }
        })
    }
}

/// Implements the serializer methods of every value that is not a map,
/// struct or sequence by handing it to `self.scalar`.
macro_rules! scalars {
    () => {
        fn serialize_bool(self, v: bool) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::Bool(v))
        }
        fn serialize_i8(self, v: i8) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::I64(v.into()))
        }
        fn serialize_i16(self, v: i16) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::I64(v.into()))
        }
        fn serialize_i32(self, v: i32) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::I64(v.into()))
        }
        fn serialize_i64(self, v: i64) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::I64(v))
        }
        fn serialize_i128(self, v: i128) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::I128(v))
        }
        fn serialize_u8(self, v: u8) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::U64(v.into()))
        }
        fn serialize_u16(self, v: u16) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::U64(v.into()))
        }
        fn serialize_u32(self, v: u32) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::U64(v.into()))
        }
        fn serialize_u64(self, v: u64) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::U64(v))
        }
        fn serialize_u128(self, v: u128) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::U128(v))
        }
        fn serialize_f32(self, v: f32) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::F32(v))
        }
        fn serialize_f64(self, v: f64) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::F64(v))
        }
        fn serialize_char(self, v: char) -> Result<Self::Ok, Error> {
            let mut buf = [0u8; 4];
            self.scalar(Scalar::Str(v.encode_utf8(&mut buf)))
        }
        fn serialize_str(self, v: &str) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::Str(v))
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::Bytes)
        }
        fn serialize_none(self) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::Unit)
        }
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Self::Ok, Error> {
            v.serialize(self)
        }
        fn serialize_unit(self) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::Unit)
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::Unit)
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
        ) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::Str(variant))
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<Self::Ok, Error> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, Error> {
            self.scalar(Scalar::NewtypeVariant)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Error> {
            Err(self
                .scalar(Scalar::TupleVariant)
                .err()
                .unwrap_or_else(refused))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Error> {
            Err(self
                .scalar(Scalar::StructVariant)
                .err()
                .unwrap_or_else(refused))
        }
        fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Error> {
            self.serialize_seq(Some(len))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            len: usize,
        ) -> Result<Self::SerializeTupleStruct, Error> {
            self.serialize_seq(Some(len))
        }
    };
}

/// The error for a value that a serializer refuses in any case (an enum
/// variant with data), should its `scalar` have accepted it.
fn refused() -> Error {
    Error("an enum variant with data is not a fact".into())
}

/// Implements `SerializeTuple` and `SerializeTupleStruct` as `SerializeSeq`.
macro_rules! tuples_as_seq {
    ($ty:ty) => {
        impl ser::SerializeTuple for $ty {
            type Ok = <Self as ser::SerializeSeq>::Ok;
            type Error = Error;
            fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                ser::SerializeSeq::serialize_element(self, v)
            }
            fn end(self) -> Result<Self::Ok, Error> {
                ser::SerializeSeq::end(self)
            }
        }
        impl ser::SerializeTupleStruct for $ty {
            type Ok = <Self as ser::SerializeSeq>::Ok;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                ser::SerializeSeq::serialize_element(self, v)
            }
            fn end(self) -> Result<Self::Ok, Error> {
                ser::SerializeSeq::end(self)
            }
        }
    };
}

/// Implements `SerializeStruct` as `SerializeMap` with `&'static str` keys.
macro_rules! struct_as_map {
    ($ty:ty) => {
        impl ser::SerializeStruct for $ty {
            type Ok = <Self as ser::SerializeMap>::Ok;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), Error> {
                ser::SerializeMap::serialize_entry(self, key, v)
            }
            fn end(self) -> Result<Self::Ok, Error> {
                ser::SerializeMap::end(self)
            }
        }
    };
}

/// Reads a map key as text: a string, a unit variant, or an integer (which
/// serde_json writes as a string too).
struct KeyText<F>(F);

impl<F: FnOnce(&str) -> Result<R, Error>, R> ser::Serializer for KeyText<F> {
    type Ok = R;
    type Error = Error;
    type SerializeSeq = Impossible<R, Error>;
    type SerializeTuple = Impossible<R, Error>;
    type SerializeTupleStruct = Impossible<R, Error>;
    type SerializeTupleVariant = Impossible<R, Error>;
    type SerializeMap = Impossible<R, Error>;
    type SerializeStruct = Impossible<R, Error>;
    type SerializeStructVariant = Impossible<R, Error>;

    scalars!();

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }
}

impl<F: FnOnce(&str) -> Result<R, Error>, R> KeyText<F> {
    fn scalar(self, s: Scalar<'_>) -> Result<R, Error> {
        match s {
            Scalar::Str(s) => (self.0)(s),
            Scalar::I64(n) => (self.0)(&n.to_string()),
            Scalar::U64(n) => (self.0)(&n.to_string()),
            _ => Err(key_must_be_a_string()),
        }
    }
}

/// serde_json's own error for a key it cannot write.
fn key_must_be_a_string() -> Error {
    Error("key must be a string".into())
}

/// A string or null: the id, and the `source` and `as_of` of provenance.
pub(super) struct OptString;

impl ser::Serializer for OptString {
    type Ok = Option<String>;
    type Error = Error;
    type SerializeSeq = Impossible<Option<String>, Error>;
    type SerializeTuple = Impossible<Option<String>, Error>;
    type SerializeTupleStruct = Impossible<Option<String>, Error>;
    type SerializeTupleVariant = Impossible<Option<String>, Error>;
    type SerializeMap = Impossible<Option<String>, Error>;
    type SerializeStruct = Impossible<Option<String>, Error>;
    type SerializeStructVariant = Impossible<Option<String>, Error>;

    scalars!();

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(self.scalar(Scalar::Seq).err().unwrap_or_else(refused))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(self.scalar(Scalar::Map).err().unwrap_or_else(refused))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(self.scalar(Scalar::Map).err().unwrap_or_else(refused))
    }
}

impl OptString {
    fn scalar(self, s: Scalar<'_>) -> Result<Option<String>, Error> {
        match s {
            Scalar::Unit => Ok(None),
            Scalar::Str(s) => Ok(Some(s.to_string())),
            other => Err(de::Error::invalid_type(other.unexpected(), &"a string")),
        }
    }
}

/// The document: a map or struct of root facts and an optional `"id"`.
struct DocSer<'c, 's> {
    ctx: &'c Ctx<'s>,
    frame: &'c mut Frame,
    id: &'c mut Option<String>,
}

impl<'c, 's> ser::Serializer for DocSer<'c, 's> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = RecordFields<'c, 's>;
    type SerializeStruct = RecordFields<'c, 's>;
    type SerializeStructVariant = Impossible<(), Error>;

    scalars!();

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(self.scalar(Scalar::Seq).err().unwrap_or_else(refused))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        self.ctx.open()?;
        let root = self.ctx.schema.root;
        Ok(RecordFields(RecordSer::new(
            self.ctx,
            root,
            self.frame,
            0,
            Some(self.id),
        )))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        self.serialize_map(None)
    }
}

impl DocSer<'_, '_> {
    fn scalar(self, s: Scalar<'_>) -> Result<(), Error> {
        Err(de::Error::invalid_type(
            s.unexpected(),
            &"an object of facts",
        ))
    }
}

/// The fields of a record (or of the document, which also takes the id),
/// stored into a frame from slot `base` on.
pub(super) struct RecordSer<'c, 's> {
    ctx: &'c Ctx<'s>,
    record: RecordId,
    frame: &'c mut Frame,
    base: usize,
    seen: Seen,
    keys: KeySeed<'s>,
    /// The key whose value comes next (`SerializeMap` gives them apart).
    key: Option<Key>,
    /// Where the id goes, at the root; `None` elsewhere.
    id: Option<&'c mut Option<String>>,
    id_seen: bool,
}

impl<'c, 's> RecordSer<'c, 's> {
    fn new(
        ctx: &'c Ctx<'s>,
        record: RecordId,
        frame: &'c mut Frame,
        base: usize,
        id: Option<&'c mut Option<String>>,
    ) -> RecordSer<'c, 's> {
        RecordSer {
            ctx,
            record,
            frame,
            base,
            seen: Seen::new(ctx.schema.record(record).map_or(0, |r| r.fields.len())),
            keys: KeySeed::new(ctx.schema, record),
            key: None,
            id,
            id_seen: false,
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, key: Key, v: &T) -> Result<(), Error> {
        let ctx = self.ctx;
        if let (Key::Id, Some(id)) = (&key, self.id.as_deref_mut()) {
            let read = if self.id_seen {
                Err(ctx.fail("the key `id` is given twice"))
            } else {
                v.serialize(OptString)
            };
            *id = ctx.at(Seg::Id, read)?;
            self.id_seen = true;
            return Ok(());
        }
        let frame = &mut *self.frame;
        let base = self.base;
        with_field(ctx, self.record, key, &mut self.seen, |field| {
            v.serialize(FieldSer {
                ctx,
                ty: field.ty,
                frame,
                slot: base + field.offset,
            })
        })
    }

    fn read_key<T: Serialize + ?Sized>(&self, key: &T) -> Result<Key, Error> {
        let keys = self.keys;
        key.serialize(KeyText(|k: &str| keys.visit_str::<Error>(k)))
    }

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(self.read_key(key)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("a value without a key".into()))?;
        self.value(key, v)
    }

    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        v: &V,
    ) -> Result<(), Error> {
        let key = self.read_key(key)?;
        self.value(key, v)
    }

    fn finish(self) {
        self.ctx.close();
    }
}

/// The fields of the document or of a list element.
pub(super) struct RecordFields<'c, 's>(RecordSer<'c, 's>);

impl ser::SerializeMap for RecordFields<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.0.serialize_key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.0.serialize_value(v)
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        v: &V,
    ) -> Result<(), Error> {
        self.0.serialize_entry(key, v)
    }
    fn end(self) -> Result<(), Error> {
        self.0.finish();
        Ok(())
    }
}

struct_as_map!(RecordFields<'_, '_>);

/// The value of one field, stored into its slot.
pub(super) struct FieldSer<'c, 's, 'f> {
    pub(super) ctx: &'c Ctx<'s>,
    pub(super) ty: Type,
    pub(super) frame: &'f mut Frame,
    pub(super) slot: usize,
}

/// What a field's map, struct or sequence is, by the field's type.
pub(super) enum FieldCompound<'c, 's, 'f> {
    Record(RecordSer<'f, 's>),
    List(ListSer<'c, 's, 'f>),
    Leaf(LeafCompound<'c, 's>, &'f mut Frame, usize),
}

impl<'c: 'f, 's, 'f> ser::Serializer for FieldSer<'c, 's, 'f> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = FieldCompound<'c, 's, 'f>;
    type SerializeTuple = FieldCompound<'c, 's, 'f>;
    type SerializeTupleStruct = FieldCompound<'c, 's, 'f>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = FieldCompound<'c, 's, 'f>;
    type SerializeStruct = FieldCompound<'c, 's, 'f>;
    type SerializeStructVariant = Impossible<(), Error>;

    scalars!();

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        match self.ty {
            Type::List(record) => {
                self.ctx.open()?;
                let size = self.ctx.schema.record(record).map_or(0, |r| r.size);
                Ok(FieldCompound::List(ListSer {
                    ctx: self.ctx,
                    record,
                    size,
                    frames: Vec::new(),
                    frame: self.frame,
                    slot: self.slot,
                }))
            }
            Type::Record(_) => Err(self.scalar(Scalar::Seq).err().unwrap_or_else(refused)),
            ty => {
                let leaf = LeafSer {
                    ctx: self.ctx,
                    ty,
                    wrapper: true,
                };
                Ok(FieldCompound::Leaf(
                    leaf.serialize_seq(None)?,
                    self.frame,
                    self.slot,
                ))
            }
        }
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        self.serialize_struct("", 0)
    }

    fn serialize_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        match self.ty {
            Type::Record(record) => {
                self.ctx.open()?;
                self.frame.store(
                    self.slot,
                    Slot {
                        value: Value::Present,
                        provenance: None,
                    },
                );
                let base = self.slot + 1;
                Ok(FieldCompound::Record(RecordSer::new(
                    self.ctx, record, self.frame, base, None,
                )))
            }
            Type::List(_) => Err(self.scalar(Scalar::Map).err().unwrap_or_else(refused)),
            ty => {
                let leaf = LeafSer {
                    ctx: self.ctx,
                    ty,
                    wrapper: true,
                };
                Ok(FieldCompound::Leaf(
                    leaf.serialize_struct(name, 0)?,
                    self.frame,
                    self.slot,
                ))
            }
        }
    }
}

impl FieldSer<'_, '_, '_> {
    fn scalar(self, s: Scalar<'_>) -> Result<(), Error> {
        let FieldSer {
            ctx,
            ty,
            frame,
            slot,
        } = self;
        match ty {
            Type::Record(record) => {
                let visitor = RecordVisitor {
                    ctx,
                    record,
                    frame,
                    base: slot + 1,
                    presence: Some(slot),
                };
                match s {
                    Scalar::Unit => visitor.visit_unit(),
                    other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
                }
            }
            Type::List(record) => match s {
                Scalar::Unit => Ok(()),
                other => Err(de::Error::invalid_type(
                    other.unexpected(),
                    &ListVisitor { ctx, record },
                )),
            },
            ty => {
                let stored = LeafSer {
                    ctx,
                    ty,
                    wrapper: true,
                }
                .scalar(s)?;
                frame.store(slot, stored);
                Ok(())
            }
        }
    }
}

impl ser::SerializeSeq for FieldCompound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        match self {
            FieldCompound::List(list) => list.element(v),
            FieldCompound::Leaf(leaf, _, _) => ser::SerializeSeq::serialize_element(leaf, v),
            FieldCompound::Record(_) => Err(refused()),
        }
    }

    fn end(self) -> Result<(), Error> {
        match self {
            FieldCompound::List(list) => {
                list.ctx.close();
                list.frame.store(
                    list.slot,
                    Slot {
                        value: Value::List(list.frames.into_boxed_slice()),
                        provenance: None,
                    },
                );
                Ok(())
            }
            FieldCompound::Leaf(leaf, frame, slot) => {
                frame.store(slot, ser::SerializeSeq::end(leaf)?);
                Ok(())
            }
            FieldCompound::Record(_) => Err(refused()),
        }
    }
}

tuples_as_seq!(FieldCompound<'_, '_, '_>);

impl ser::SerializeMap for FieldCompound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        match self {
            FieldCompound::Record(r) => r.serialize_key(key),
            FieldCompound::Leaf(leaf, _, _) => leaf.serialize_key(key),
            FieldCompound::List(_) => Err(refused()),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        match self {
            FieldCompound::Record(r) => r.serialize_value(v),
            FieldCompound::Leaf(leaf, _, _) => leaf.serialize_value(v),
            FieldCompound::List(_) => Err(refused()),
        }
    }

    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        v: &V,
    ) -> Result<(), Error> {
        match self {
            FieldCompound::Record(r) => r.serialize_entry(key, v),
            FieldCompound::Leaf(leaf, _, _) => leaf.serialize_entry(key, v),
            FieldCompound::List(_) => Err(refused()),
        }
    }

    fn end(self) -> Result<(), Error> {
        match self {
            FieldCompound::Record(r) => {
                r.finish();
                Ok(())
            }
            FieldCompound::Leaf(leaf, frame, slot) => {
                frame.store(slot, ser::SerializeMap::end(leaf)?);
                Ok(())
            }
            FieldCompound::List(_) => Err(refused()),
        }
    }
}

impl ser::SerializeStruct for FieldCompound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        match self {
            FieldCompound::Leaf(leaf, _, _) => ser::SerializeStruct::serialize_field(leaf, key, v),
            other => ser::SerializeMap::serialize_entry(other, key, v),
        }
    }

    fn end(self) -> Result<(), Error> {
        match self {
            FieldCompound::Leaf(leaf, frame, slot) => {
                frame.store(slot, ser::SerializeStruct::end(leaf)?);
                Ok(())
            }
            other => ser::SerializeMap::end(other),
        }
    }
}

/// The elements of a list of records.
pub(super) struct ListSer<'c, 's, 'f> {
    ctx: &'c Ctx<'s>,
    record: RecordId,
    size: usize,
    frames: Vec<Frame>,
    frame: &'f mut Frame,
    slot: usize,
}

impl ListSer<'_, '_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let ctx = self.ctx;
        let index = self.frames.len();
        let mut frame = Frame::absent(self.size);
        let read = store_element(ctx, self.record, &mut frame, v)
            .and_then(|()| ctx.count_element(self.size));
        ctx.at(Seg::Index(index), read)?;
        self.frames.push(frame);
        Ok(())
    }
}

/// Stores a list element, a record that cannot be null, into `frame`.
pub(super) fn store_element<T: Serialize + ?Sized>(
    ctx: &Ctx<'_>,
    record: RecordId,
    frame: &mut Frame,
    v: &T,
) -> Result<(), Error> {
    v.serialize(ElementSer { ctx, record, frame })
}

/// A list element: a map or struct of its record's fields.
struct ElementSer<'c, 's, 'f> {
    ctx: &'c Ctx<'s>,
    record: RecordId,
    frame: &'f mut Frame,
}

impl<'c: 'f, 's, 'f> ser::Serializer for ElementSer<'c, 's, 'f> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = RecordFields<'f, 's>;
    type SerializeStruct = RecordFields<'f, 's>;
    type SerializeStructVariant = Impossible<(), Error>;

    scalars!();

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(self.scalar(Scalar::Seq).err().unwrap_or_else(refused))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        self.ctx.open()?;
        Ok(RecordFields(RecordSer::new(
            self.ctx,
            self.record,
            self.frame,
            0,
            None,
        )))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        self.serialize_map(None)
    }
}

impl ElementSer<'_, '_, '_> {
    fn scalar(self, s: Scalar<'_>) -> Result<(), Error> {
        let visitor = RecordVisitor {
            ctx: self.ctx,
            record: self.record,
            frame: self.frame,
            base: 0,
            presence: None,
        };
        match s {
            Scalar::Unit => visitor.visit_unit(),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }
}

/// A leaf value of any type, optionally wrapped with provenance, read as a
/// [`Slot`].
pub(super) struct LeafSer<'c, 's> {
    pub(super) ctx: &'c Ctx<'s>,
    pub(super) ty: Type,
    /// Whether `{"value": …, "source": …, "as_of": …}` is accepted here.
    pub(super) wrapper: bool,
}

impl LeafSer<'_, '_> {
    fn visitor(&self) -> LeafVisitor<'_, '_> {
        LeafVisitor {
            ctx: self.ctx,
            ty: self.ty,
            wrapper: self.wrapper,
        }
    }

    fn scalar(self, s: Scalar<'_>) -> Result<Slot, Error> {
        let ctx = self.ctx;
        match (self.ty, s) {
            (Type::Int, Scalar::I64(n)) => Ok(Slot {
                value: Value::Int(n),
                provenance: None,
            }),
            (Type::Int | Type::Decimal, s) => {
                let wanted = if self.ty == Type::Int {
                    "a whole number"
                } else {
                    "a decimal number"
                };
                let text = s.json_text(ctx, wanted)?;
                number_from_raw(ctx, self.ty, &text, self.wrapper)
            }
            (_, Scalar::Unit) => self.visitor().visit_unit(),
            (_, Scalar::Bool(b)) => self.visitor().visit_bool(b),
            (_, Scalar::I64(n)) => self.visitor().visit_i64(n),
            (_, Scalar::U64(n)) => self.visitor().visit_u64(n),
            (_, Scalar::F64(f)) => self.visitor().visit_f64(f),
            (_, Scalar::F32(f)) => self.visitor().visit_f64(f64::from(f)),
            (_, Scalar::Str(v)) => self.visitor().visit_str(v),
            (_, other) => Err(de::Error::invalid_type(other.unexpected(), &self.visitor())),
        }
    }
}

/// A leaf's sequence (a set), map or struct (provenance, or a raw number).
pub(super) enum LeafCompound<'c, 's> {
    Set {
        ctx: &'c Ctx<'s>,
        e: usize,
        mask: u128,
        count: usize,
    },
    Wrapper(Wrapper<'c, 's>),
    /// serde_json's `RawValue`: a number's exact text.
    Raw {
        leaf: LeafSer<'c, 's>,
        text: Option<String>,
    },
}

impl<'c, 's> ser::Serializer for LeafSer<'c, 's> {
    type Ok = Slot;
    type Error = Error;
    type SerializeSeq = LeafCompound<'c, 's>;
    type SerializeTuple = LeafCompound<'c, 's>;
    type SerializeTupleStruct = LeafCompound<'c, 's>;
    type SerializeTupleVariant = Impossible<Slot, Error>;
    type SerializeMap = LeafCompound<'c, 's>;
    type SerializeStruct = LeafCompound<'c, 's>;
    type SerializeStructVariant = Impossible<Slot, Error>;

    scalars!();

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        match self.ty {
            Type::Set(e) => {
                self.ctx.open()?;
                Ok(LeafCompound::Set {
                    ctx: self.ctx,
                    e,
                    mask: 0,
                    count: 0,
                })
            }
            _ => Err(self.scalar(Scalar::Seq).err().unwrap_or_else(refused)),
        }
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        self.serialize_struct("", 0)
    }

    fn serialize_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        if name == RAW_VALUE_TOKEN {
            return Ok(LeafCompound::Raw {
                leaf: self,
                text: None,
            });
        }
        if !self.wrapper {
            return Err(self
                .ctx
                .fail("a value with provenance cannot hold another one"));
        }
        self.ctx.open()?;
        Ok(LeafCompound::Wrapper(Wrapper {
            ctx: self.ctx,
            ty: self.ty,
            value: None,
            provenance: Provenance::default(),
            key: None,
        }))
    }
}

impl ser::SerializeSeq for LeafCompound<'_, '_> {
    type Ok = Slot;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let LeafCompound::Set {
            ctx,
            e,
            mask,
            count,
        } = self
        else {
            return Err(refused());
        };
        let ctx = *ctx;
        let read = v.serialize(VariantSer { ctx, e: *e });
        let index = ctx.at(Seg::Index(*count), read)?;
        *mask |= super::bit(index);
        *count += 1;
        Ok(())
    }

    fn end(self) -> Result<Slot, Error> {
        let LeafCompound::Set { ctx, mask, .. } = self else {
            return Err(refused());
        };
        ctx.close();
        Ok(Slot {
            value: Value::Set(super::SetBits::new(mask)),
            provenance: None,
        })
    }
}

tuples_as_seq!(LeafCompound<'_, '_>);

impl ser::SerializeMap for LeafCompound<'_, '_> {
    type Ok = Slot;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let LeafCompound::Wrapper(w) = self else {
            return Err(refused());
        };
        w.key = Some(key.serialize(KeyText(|k: &str| Ok(k.to_string())))?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let LeafCompound::Wrapper(w) = self else {
            return Err(refused());
        };
        let key = w
            .key
            .take()
            .ok_or_else(|| Error("a value without a key".into()))?;
        w.entry(&key, v)
    }

    fn end(self) -> Result<Slot, Error> {
        match self {
            LeafCompound::Wrapper(w) => w.finish(),
            LeafCompound::Raw { leaf, text } => {
                let text = text.ok_or_else(|| Error("a raw value without its text".into()))?;
                raw_leaf(leaf, &text)
            }
            LeafCompound::Set { .. } => Err(refused()),
        }
    }
}

impl ser::SerializeStruct for LeafCompound<'_, '_> {
    type Ok = Slot;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        match self {
            LeafCompound::Wrapper(w) => w.entry(key, v),
            LeafCompound::Raw { text, .. } => {
                *text = v.serialize(OptString)?;
                Ok(())
            }
            LeafCompound::Set { .. } => Err(refused()),
        }
    }

    fn end(self) -> Result<Slot, Error> {
        ser::SerializeMap::end(self)
    }
}

/// A leaf given as serde_json's `RawValue`, its JSON text: read as the
/// loader reads that text.
fn raw_leaf(leaf: LeafSer<'_, '_>, text: &str) -> Result<Slot, Error> {
    if matches!(leaf.ty, Type::Int | Type::Decimal) {
        return number_from_raw(leaf.ctx, leaf.ty, text, leaf.wrapper);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de::Deserializer::deserialize_any(&mut de, leaf.visitor()).map_err(|e| Error(e.to_string()))
}

/// A fact with provenance: `value`, `source` and `as_of`.
pub(super) struct Wrapper<'c, 's> {
    ctx: &'c Ctx<'s>,
    ty: Type,
    value: Option<Slot>,
    provenance: Provenance,
    key: Option<String>,
}

impl Wrapper<'_, '_> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), Error> {
        let ctx = self.ctx;
        match key {
            "value" if self.value.is_none() => {
                self.value = Some(v.serialize(LeafSer {
                    ctx,
                    ty: self.ty,
                    wrapper: false,
                })?);
            }
            "source" if self.provenance.source.is_none() => {
                self.provenance.source = v.serialize(OptString)?;
            }
            "as_of" if self.provenance.as_of.is_none() => {
                self.provenance.as_of = v.serialize(OptString)?;
            }
            "value" | "source" | "as_of" => {
                return Err(ctx.fail(format!("the key `{key}` is given twice")));
            }
            other => {
                return Err(ctx.fail(format!(
                    "unknown key `{}` in a fact with provenance; the keys are `value`, `source` and `as_of`",
                    super::load::quote(other)
                )));
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Slot, Error> {
        self.ctx.close();
        let Some(mut slot) = self.value else {
            return Err(self.ctx.fail("a fact with provenance needs a `value`"));
        };
        slot.provenance = Some(Box::new(self.provenance));
        Ok(slot)
    }
}

/// An element of a set: the name of a value of enum `e`, as its index.
struct VariantSer<'c, 's> {
    ctx: &'c Ctx<'s>,
    e: usize,
}

impl ser::Serializer for VariantSer<'_, '_> {
    type Ok = u16;
    type Error = Error;
    type SerializeSeq = Impossible<u16, Error>;
    type SerializeTuple = Impossible<u16, Error>;
    type SerializeTupleStruct = Impossible<u16, Error>;
    type SerializeTupleVariant = Impossible<u16, Error>;
    type SerializeMap = Impossible<u16, Error>;
    type SerializeStruct = Impossible<u16, Error>;
    type SerializeStructVariant = Impossible<u16, Error>;

    scalars!();

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(self.scalar(Scalar::Seq).err().unwrap_or_else(refused))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(self.scalar(Scalar::Map).err().unwrap_or_else(refused))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(self.scalar(Scalar::Map).err().unwrap_or_else(refused))
    }
}

impl VariantSer<'_, '_> {
    fn scalar(self, s: Scalar<'_>) -> Result<u16, Error> {
        match s {
            Scalar::Str(v) => variant(self.ctx, self.e, v),
            other => Err(de::Error::invalid_type(other.unexpected(), &"a string")),
        }
    }
}
