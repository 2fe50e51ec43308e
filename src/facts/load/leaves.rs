//! Leaf values of every type but `decimal`, sets of enum values, and the
//! provenance wrapper around a leaf.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::keys::index_of;
use super::{Ctx, Seg, number_from_raw, quote};
use crate::facts::schema::Type;
use crate::facts::{Provenance, Slot, Value};
use crate::suggest::did_you_mean;

/// A leaf value of any type but `decimal`, optionally wrapped with provenance.
pub(in crate::facts) struct LeafVisitor<'c, 's> {
    pub(in crate::facts) ctx: &'c Ctx<'s>,
    pub(in crate::facts) ty: Type,
    /// Whether `{"value": …, "source": …, "as_of": …}` is accepted here.
    pub(in crate::facts) wrapper: bool,
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
            mask |= crate::facts::bit(index);
            i += 1;
        }
        self.ctx.close();
        Ok(Self::plain(Value::Set(crate::facts::SetBits::new(mask))))
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

/// The index of an enum value named in the facts.
pub(in crate::facts) fn variant<E: de::Error>(
    ctx: &Ctx<'_>,
    e: usize,
    name: &str,
) -> Result<u16, E> {
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
