//! The serde data model as the typed serializers see it: one `Scalar` for
//! every value that is not a compound, the macros that hand each to a
//! serializer's `scalar`, and the small serializers of keys and strings.

use super::*;

/// One value as the serde data model hands it to a serializer.
#[derive(Clone, Copy)]
pub(in crate::facts) enum Scalar<'a> {
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
    pub(in crate::facts) fn unexpected(&self) -> Unexpected<'_> {
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
    pub(in crate::facts) fn json_text(&self, ctx: &Ctx<'_>, wanted: &str) -> Result<String, Error> {
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
pub(in crate::facts) fn refused() -> Error {
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

/// Reads a map key as text: a string, a unit variant, or an integer (which
/// serde_json writes as a string too).
pub(in crate::facts) struct KeyText<F>(pub(in crate::facts) F);

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
pub(in crate::facts) fn key_must_be_a_string() -> Error {
    Error("key must be a string".into())
}

/// A string or null: the id, and the `source` and `as_of` of provenance.
pub(in crate::facts) struct OptString;

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
