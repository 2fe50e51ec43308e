//! Keys: a key resolved to its field as it is read, the fields given so
//! far, and the checks on a key whatever reads its value.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use indexmap::IndexMap;

use super::{Ctx, ID_KEY, Seg, quote};
use crate::facts::schema::{FieldDef, RecordId, Schema};
use crate::suggest::did_you_mean;

/// A key of an object of facts, resolved to its field as it is read, so
/// that reading a document copies no key.
pub(in crate::facts) enum Key {
    Field(usize),
    Id,
    Other(String),
}

/// Reads a key of an object of a record's fields (and `"id"` at the root).
/// The fields are looked up once per object, not once per key.
///
/// Documents and structs usually give the fields in the order the schema
/// declares them, so the search for a key starts after the field read last
/// ([`KeySeed::after`]): a key in order is found at the first comparison.
#[derive(Clone, Copy)]
pub(in crate::facts) struct KeySeed<'s> {
    fields: Option<&'s IndexMap<String, FieldDef>>,
    root: bool,
    /// Where the search for the next key starts.
    hint: usize,
}

impl<'s> KeySeed<'s> {
    pub(in crate::facts) fn new(schema: &'s Schema, record: RecordId) -> KeySeed<'s> {
        KeySeed {
            fields: schema.record(record).map(|r| &r.fields),
            root: record == schema.root,
            hint: 0,
        }
    }

    /// The seed for the key after `key`: its search starts at the field
    /// that follows.
    #[inline]
    pub(in crate::facts) fn after(self, key: &Key) -> KeySeed<'s> {
        match key {
            Key::Field(i) => KeySeed {
                hint: i + 1,
                ..self
            },
            _ => self,
        }
    }

    /// The key `v`, resolved to its field.
    #[inline(always)]
    pub(in crate::facts) fn resolve(self, v: &str) -> Key {
        if self.root && v == ID_KEY {
            return Key::Id;
        }
        match self.fields.and_then(|f| index_from(f, v, self.hint)) {
            Some(i) => Key::Field(i),
            None => Key::Other(v.to_string()),
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
        Ok(self.resolve(v))
    }
}

/// The index of `name` among the keys of `map`. Records and enums are
/// small, so comparing lengths first and then the few names of the right
/// length beats hashing the name; a large one is looked up by hash.
pub(super) fn index_of<V>(map: &IndexMap<String, V>, name: &str) -> Option<usize> {
    index_from(map, name, 0)
}

/// [`index_of`], searching a small map from index `hint` on, then from the
/// start.
#[inline(always)]
fn index_from<V>(map: &IndexMap<String, V>, name: &str, hint: usize) -> Option<usize> {
    if map.len() > 32 {
        return map.get_index_of(name);
    }
    let is = |k: &String| k.len() == name.len() && k.as_str() == name;
    let (before, after) = map.as_slice().split_at(hint.min(map.len()));
    match after.keys().position(is) {
        Some(i) => Some(hint + i),
        None => before.keys().position(is),
    }
}

/// Which fields of a record have been given, to refuse one given twice: a
/// bit set, on the heap only for a record of more than 128 fields.
pub(in crate::facts) struct Seen {
    bits: u128,
    more: Vec<bool>,
}

impl Seen {
    pub(in crate::facts) fn new(fields: usize) -> Seen {
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
    pub(super) fn insert(&mut self, i: usize) -> bool {
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

/// Reads the value of `key` in a record with `read`, given the field: the
/// checks that a key is a field and is given once, and the path of an error
/// from inside it, whatever reads the value (the JSON loader or typed input).
#[inline]
pub(in crate::facts) fn with_field<'s, E: de::Error>(
    ctx: &Ctx<'s>,
    record: RecordId,
    key: Key,
    seen: &mut Seen,
    read: impl FnOnce(&'s FieldDef) -> Result<(), E>,
) -> Result<(), E> {
    let (index, field) = field_of(ctx, record, key, seen)?;
    ctx.at(Seg::Known { record, index }, read(field))
}

/// The field `key` names in `record` and its index, once per object: the
/// part of [`with_field`] that does not depend on how the value is read, so
/// that typed input compiles it once, not once per type of value.
#[inline]
fn field_of<'s, E: de::Error>(
    ctx: &Ctx<'s>,
    record: RecordId,
    key: Key,
    seen: &mut Seen,
) -> Result<(usize, &'s FieldDef), E> {
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
    if let Some(watch) = ctx.watch
        && watch.contains(record, index)
    {
        ctx.watched.set(true);
    }
    if seen.insert(index) {
        Ok((index, field))
    } else {
        let twice = ctx.fail(format!("the field `{name}` is given twice"));
        ctx.at(Seg::Known { record, index }, Err(twice))
    }
}

/// The error for a key that is not a field of `record`.
pub(in crate::facts) fn unknown_field<E: de::Error>(
    ctx: &Ctx<'_>,
    record: RecordId,
    key: &str,
) -> E {
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
