//! The serializers of leaf values: scalars, sets, provenance and raw numbers.

use super::*;

/// A leaf value of any type, optionally wrapped with provenance, read as a
/// [`Slot`].
pub(in crate::facts) struct LeafSer<'c, 's> {
    pub(in crate::facts) ctx: &'c Ctx<'s>,
    pub(in crate::facts) ty: Type,
    /// Whether `{"value": …, "source": …, "as_of": …}` is accepted here.
    pub(in crate::facts) wrapper: bool,
}

impl LeafSer<'_, '_> {
    fn visitor(&self) -> LeafVisitor<'_, '_> {
        LeafVisitor {
            ctx: self.ctx,
            ty: self.ty,
            wrapper: self.wrapper,
        }
    }

    pub(in crate::facts) fn scalar(self, s: Scalar<'_>) -> Result<Slot, Error> {
        let ctx = self.ctx;
        if let Some(value) = plain(ctx, self.ty, s)? {
            return Ok(Slot {
                value,
                provenance: None,
            });
        }
        if let Scalar::Str(v) = s {
            ctx.text_bytes
                .set(ctx.text_bytes.get().saturating_add(v.len()));
        }
        match (self.ty, s) {
            (Type::Int, Scalar::I64(n)) => Ok(Slot {
                value: Value::Int(n),
                provenance: None,
            }),
            // A `serde_json::Value` holds every number from 0 up as a `u64`.
            (Type::Int, Scalar::U64(n)) if i64::try_from(n).is_ok() => Ok(Slot {
                value: Value::Int(n.cast_signed()),
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

/// The value of a scalar of the leaf type `ty` in the common cases (a
/// boolean, a whole number, a string, an enum value by name), read as the
/// loader reads them; `None` for the rest, which [`LeafSer::scalar`] reads.
/// Inlined where a field's scalar is stored, the commonest work of typed input.
#[inline]
pub(in crate::facts) fn plain(
    ctx: &Ctx<'_>,
    ty: Type,
    s: Scalar<'_>,
) -> Result<Option<Value>, Error> {
    let text = |v: &str| {
        ctx.text_bytes
            .set(ctx.text_bytes.get().saturating_add(v.len()));
    };
    Ok(Some(match (ty, s) {
        (Type::Bool, Scalar::Bool(b)) => Value::Bool(b),
        (Type::Int, Scalar::I64(n)) => Value::Int(n),
        (Type::String, Scalar::Str(v)) => {
            text(v);
            Value::Str(v.into())
        }
        (Type::Enum(e), Scalar::Str(v)) => {
            text(v);
            Value::Enum(variant(ctx, e, v)?)
        }
        _ => return Ok(None),
    }))
}

/// A leaf's sequence (a set), map or struct (provenance, or a raw number).
pub(in crate::facts) enum LeafCompound<'c, 's> {
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
        *mask |= crate::facts::bit(index);
        *count += 1;
        Ok(())
    }

    fn end(self) -> Result<Slot, Error> {
        let LeafCompound::Set { ctx, mask, .. } = self else {
            return Err(refused());
        };
        ctx.close();
        Ok(Slot {
            value: Value::Set(crate::facts::SetBits::new(mask)),
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
pub(in crate::facts) fn raw_leaf(leaf: LeafSer<'_, '_>, text: &str) -> Result<Slot, Error> {
    if matches!(leaf.ty, Type::Int | Type::Decimal) {
        return number_from_raw(leaf.ctx, leaf.ty, text, leaf.wrapper);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de::Deserializer::deserialize_any(&mut de, leaf.visitor()).map_err(|e| Error(e.to_string()))
}

/// A fact with provenance: `value`, `source` and `as_of`.
pub(in crate::facts) struct Wrapper<'c, 's> {
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
                    crate::facts::load::quote(other)
                )));
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Slot, Error> {
        self.ctx.close();
        let p = &self.provenance;
        let bytes =
            p.source.as_ref().map_or(0, String::len) + p.as_of.as_ref().map_or(0, String::len);
        self.ctx
            .text_bytes
            .set(self.ctx.text_bytes.get().saturating_add(bytes + 32));
        let Some(mut slot) = self.value else {
            return Err(self.ctx.fail("a fact with provenance needs a `value`"));
        };
        slot.provenance = Some(Box::new(self.provenance));
        Ok(slot)
    }
}

/// An element of a set: the name of a value of enum `e`, as its index.
pub(in crate::facts) struct VariantSer<'c, 's> {
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
