//! The serializers of the document, records, fields and lists.

use super::*;

/// The document: a map or struct of root facts and an optional `"id"`.
pub(in crate::facts) struct DocSer<'c, 's> {
    pub(in crate::facts) ctx: &'c Ctx<'s>,
    pub(in crate::facts) frame: &'c mut Frame,
    pub(in crate::facts) id: &'c mut Option<String>,
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
pub(in crate::facts) struct RecordSer<'c, 's> {
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

    fn read_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<Key, Error> {
        key.serialize(KeyText(|k: &str| Ok(self.resolve(k))))
    }

    /// A struct's field: its name is text already.
    fn field<T: Serialize + ?Sized>(&mut self, name: &str, v: &T) -> Result<(), Error> {
        let key = self.resolve(name);
        self.value(key, v)
    }

    /// The key `name`; the next key is looked for after it. Not generic,
    /// so compiled once for every field type.
    #[inline(never)]
    fn resolve(&mut self, name: &str) -> Key {
        let key = self.keys.resolve(name);
        self.keys = self.keys.after(&key);
        key
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
pub(in crate::facts) struct RecordFields<'c, 's>(RecordSer<'c, 's>);

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

impl ser::SerializeStruct for RecordFields<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.0.field(key, v)
    }
    fn end(self) -> Result<(), Error> {
        self.0.finish();
        Ok(())
    }
}

/// The most elements a list's length hint reserves room for.
const LIST_CAPACITY_HINT: usize = 256;

/// The value of one field, stored into its slot.
pub(in crate::facts) struct FieldSer<'c, 's, 'f> {
    pub(in crate::facts) ctx: &'c Ctx<'s>,
    pub(in crate::facts) ty: Type,
    pub(in crate::facts) frame: &'f mut Frame,
    pub(in crate::facts) slot: usize,
}

/// What a field's map, struct or sequence is, by the field's type.
pub(in crate::facts) enum FieldCompound<'c, 's, 'f> {
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

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        match self.ty {
            Type::List(record) => {
                self.ctx.open()?;
                let size = self.ctx.schema.record(record).map_or(0, |r| r.size);
                // The length the value says, so that the list is not grown
                // and then shrunk; a hint, so a large one is not trusted.
                let frames = Vec::with_capacity(len.unwrap_or(0).min(LIST_CAPACITY_HINT));
                Ok(FieldCompound::List(ListSer {
                    ctx: self.ctx,
                    record,
                    size,
                    frames,
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
                if let Some(value) = plain(ctx, ty, s)? {
                    frame.put(slot, value);
                    return Ok(());
                }
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
            FieldCompound::Record(r) => r.field(key, v),
            FieldCompound::List(_) => Err(refused()),
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
pub(in crate::facts) struct ListSer<'c, 's, 'f> {
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
pub(in crate::facts) fn store_element<T: Serialize + ?Sized>(
    ctx: &Ctx<'_>,
    record: RecordId,
    frame: &mut Frame,
    v: &T,
) -> Result<(), Error> {
    v.serialize(ElementSer { ctx, record, frame })
}

/// A list element: a map or struct of its record's fields.
pub(in crate::facts) struct ElementSer<'c, 's, 'f> {
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
