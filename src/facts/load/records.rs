//! Records and lists: an object of fields, an array of records, each
//! element a frame of its own.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::{Ctx, Key, KeySeed, LeafVisitor, Seen, Seg, number_from_raw, with_field};
use crate::facts::schema::{RecordId, Type};
use crate::facts::{Frame, Slot, Value};

/// Reads the value of `key` in a record whose slots start at `base`.
pub(super) fn read_field<'de, A: MapAccess<'de>>(
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
pub(in crate::facts) struct RecordVisitor<'c, 's, 'f> {
    pub(in crate::facts) ctx: &'c Ctx<'s>,
    pub(in crate::facts) record: RecordId,
    pub(in crate::facts) frame: &'f mut Frame,
    pub(in crate::facts) base: usize,
    /// The slot that says whether the record is present (none for list elements).
    pub(in crate::facts) presence: Option<usize>,
}

impl<'de> Visitor<'de> for RecordVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.ctx.schema.type_name(Type::Record(self.record));
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
        let mut keys = KeySeed::new(self.ctx.schema, self.record);
        while let Some(key) = map.next_key_seed(keys)? {
            keys = keys.after(&key);
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
pub(in crate::facts) struct ListVisitor<'c, 's> {
    pub(in crate::facts) ctx: &'c Ctx<'s>,
    pub(in crate::facts) record: RecordId,
}

impl<'de> Visitor<'de> for ListVisitor<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.ctx.schema.type_name(Type::Record(self.record));
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
