//! The loader's fast path: a JSON scanner driven by the schema, for the
//! documents that load.
//!
//! It reads the text byte by byte, straight into the slot layout, with no
//! serde machinery in between: keys resolved to their field as they are
//! scanned, values checked against their field's type, strings borrowed
//! from the text unless they hold escapes. It accepts a subset of what the
//! serde loader accepts, and builds exactly the frames it builds; at
//! anything else (an error of any kind, and a few rare forms it leaves to
//! the serde loader: a key with an escape, a number or string of a wrong
//! type, a provenance wrapper other than strings) it gives up, and the serde
//! loader reads the document from the start. So every error, its message,
//! path, line and column, is the serde loader's, and a document that loads
//! is read once, quickly. `fast/tests.rs` holds the two to the same facts
//! on generated and mutated documents.
//!
//! What it accepts is JSON as serde_json reads it: whitespace is space, tab,
//! line feed and carriage return; strings hold no control character and
//! only the escapes of JSON (a `\u` escape of a UTF-16 surrogate only as a
//! pair); numbers follow JSON's grammar; the document is one object and
//! nothing but whitespace follows it. The loader's limits hold as they do
//! there: arrays and objects nested at most `MAX_FACTS_DEPTH` deep, list
//! elements of at most `MAX_FACT_SLOTS` slots, no key given twice.

use std::borrow::Cow;

use super::ID_KEY;
use super::keys::Seen;
use crate::decimal::Decimal;
use crate::facts::schema::{EnumId, RecordId, Schema, Type};
use crate::facts::{Frame, Provenance, SetBits, Slot, Value, bit};
use crate::limits::{MAX_FACT_SLOTS, MAX_FACTS_DEPTH};

mod predict;
mod text;

pub(in crate::facts) use predict::Predictions;

#[cfg(test)]
mod tests;

/// The facts of `text` (a document without its byte-order mark): the root
/// frame and the transaction id, or `None` if the serde loader must read it.
pub(super) fn load(schema: &Schema, text: &str) -> Option<(Frame, Option<String>)> {
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        schema,
        predictions: schema.loader.get(schema),
        depth: 0,
        slots: 0,
    };
    scan.document()
}

/// A position in the document, and what the limits have counted so far.
struct Scan<'t, 's> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    schema: &'s Schema,
    /// Which key comes next, as learnt from the documents read before.
    predictions: &'s Predictions,
    /// The arrays and objects open around the position.
    depth: usize,
    /// The slots of the list elements read so far.
    slots: usize,
}

/// What `"id"` was given as at the root: absent, `null` or a string.
type Id = Option<Option<String>>;

impl<'t> Scan<'t, '_> {
    /// The whole document: an object of root facts and an optional `"id"`,
    /// then only whitespace.
    fn document(&mut self) -> Option<(Frame, Option<String>)> {
        let root = self.schema.root;
        let size = self.schema.record(root)?.size;
        let mut frame = Frame::absent(size);
        let mut id: Id = None;
        self.ws();
        self.open(b'{')?;
        self.fields(root, &mut frame, 0, Some(&mut id))?;
        self.ws();
        (self.pos == self.bytes.len()).then_some((frame, id.flatten()))
    }

    /// The fields of an object of `record` (its `{` read), into `frame`
    /// from slot `base`; `id` at the root, where `"id"` is the transaction's.
    fn fields(
        &mut self,
        record: RecordId,
        frame: &mut Frame,
        base: usize,
        mut id: Option<&mut Id>,
    ) -> Option<()> {
        let fields = &self.schema.record(record)?.fields;
        let guesses = self.predictions.record(record)?;
        // `"id"` is at index `fields.len()`, at the root only.
        let id_index = fields.len();
        let mut seen = Seen::new(fields.len());
        // Where the guess for the next key is: after the key read last.
        let mut after = 0;
        self.ws();
        if self.eat(b'}') {
            return self.close();
        }
        loop {
            self.ws();
            let guess = guesses.guess(after);
            let index = if let Some((guess, key)) = guess
                && self.at_key(key)
            {
                guess
            } else if let Some((next, key)) = guess.and_then(|(g, _)| guesses.guess(g + 1))
                && self.at_key(key)
            {
                // A key left out of this object: the one after it.
                next
            } else {
                let key = self.key()?;
                let index = match id {
                    Some(_) if key == ID_KEY => id_index,
                    _ => guesses.names.find(key.as_bytes())?,
                };
                guesses.learn(after, index);
                index
            };
            if !self.eat(b':') {
                self.ws();
                self.expect(b':')?;
            }
            self.ws();
            match id.as_deref_mut() {
                Some(id) if index == id_index => {
                    if id.is_some() {
                        return None;
                    }
                    *id = Some(self.string_or_null()?);
                }
                _ => {
                    if !seen.insert(index) {
                        return None;
                    }
                    let (_, field) = fields.get_index(index)?;
                    self.value(field.ty, frame, base + field.offset)?;
                }
            }
            after = index + 1;
            self.ws();
            match self.next()? {
                b',' => {}
                b'}' => return self.close(),
                _ => return None,
            }
        }
    }

    /// The value of a field of type `ty`, whose slot is `slot` of `frame`.
    /// Each field is read once (a key given twice is refused), so its slot
    /// is absent until now.
    fn value(&mut self, ty: Type, frame: &mut Frame, slot: usize) -> Option<()> {
        match (ty, self.peek()?) {
            // `null` is unknown, as absence is: the slot stays absent (and a
            // record's presence slot too).
            (_, b'n') => self.literal(b"null"),
            (Type::Record(record), _) => {
                self.open(b'{')?;
                frame.slots.get_mut(slot)?.value = Value::Present;
                self.fields(record, frame, slot + 1, None)
            }
            (Type::List(record), _) => {
                frame.slots.get_mut(slot)?.value = self.list(record)?;
                Some(())
            }
            (_, b'{') => {
                let wrapped = self.wrapped(ty)?;
                frame.store(slot, wrapped);
                Some(())
            }
            // Written straight into the slot, not through a value returned:
            // a value built in parts and then copied whole is read back
            // before its parts are stored, which stalls the processor.
            _ => self.leaf(ty, &mut frame.slots.get_mut(slot)?.value),
        }
    }

    /// A list of records: an array of objects, each a frame of `record`.
    fn list(&mut self, record: RecordId) -> Option<Value> {
        self.open(b'[')?;
        let size = self.schema.record(record)?.size;
        let mut frames = Vec::new();
        self.ws();
        if self.eat(b']') {
            self.close()?;
            return Some(Value::List(Box::default()));
        }
        loop {
            self.ws();
            self.open(b'{')?;
            // Each element counts every slot of its record, given or not.
            self.slots = self.slots.saturating_add(size.max(1));
            if self.slots > MAX_FACT_SLOTS {
                return None;
            }
            let mut frame = Frame::absent(size);
            self.fields(record, &mut frame, 0, None)?;
            frames.push(frame);
            self.ws();
            match self.next()? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
        self.close()?;
        Some(Value::List(frames.into_boxed_slice()))
    }

    /// A leaf value of type `ty`, not `null` and not wrapped, into `out`.
    #[inline(always)]
    fn leaf(&mut self, ty: Type, out: &mut Value) -> Option<()> {
        match ty {
            Type::Bool => match self.peek()? {
                b't' => self.literal(b"true").map(|()| *out = Value::Bool(true)),
                b'f' => self.literal(b"false").map(|()| *out = Value::Bool(false)),
                _ => None,
            },
            Type::Int => {
                *out = Value::Int(int_value(self.number()?)?);
                Some(())
            }
            Type::Decimal => {
                let d = Decimal::parse(self.number()?).ok()?;
                *out = Value::Decimal(Box::new(d));
                Some(())
            }
            Type::String => {
                *out = Value::Str(self.string()?.into());
                Some(())
            }
            Type::Enum(e) => {
                let name = self.string()?;
                *out = Value::Enum(self.variant(e, &name)?);
                Some(())
            }
            Type::Set(e) => {
                *out = Value::Set(self.set(e)?);
                Some(())
            }
            Type::Record(_) | Type::List(_) => None,
        }
    }

    /// A set of values of enum `e`: an array of their names.
    fn set(&mut self, e: EnumId) -> Option<SetBits> {
        self.open(b'[')?;
        let mut mask = 0u128;
        self.ws();
        if !self.eat(b']') {
            loop {
                self.ws();
                let name = self.string()?;
                mask |= bit(self.variant(e, &name)?);
                self.ws();
                match self.next()? {
                    b',' => {}
                    b']' => break,
                    _ => return None,
                }
            }
        }
        self.close()?;
        Some(SetBits::new(mask))
    }

    /// A leaf with provenance: `{"value": …, "source": …, "as_of": …}`, the
    /// value given (`null` included), the others strings if given.
    fn wrapped(&mut self, ty: Type) -> Option<Slot> {
        self.open(b'{')?;
        let mut value = None;
        let mut provenance = Provenance::default();
        loop {
            self.ws();
            let key = self.key()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            match key {
                "value" if value.is_none() => {
                    let mut read = Value::Absent;
                    match self.peek()? {
                        b'n' => self.literal(b"null")?,
                        _ => self.leaf(ty, &mut read)?,
                    }
                    value = Some(read);
                }
                "source" if provenance.source.is_none() => {
                    provenance.source = Some(self.string()?.into_owned());
                }
                "as_of" if provenance.as_of.is_none() => {
                    provenance.as_of = Some(self.string()?.into_owned());
                }
                _ => return None,
            }
            self.ws();
            match self.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        self.close()?;
        Some(Slot {
            value: value?,
            provenance: Some(Box::new(provenance)),
        })
    }

    /// The index of the value of enum `e` named `name`.
    fn variant(&self, e: EnumId, name: &str) -> Option<u16> {
        let index = self.predictions.enum_values(e)?.find(name.as_bytes())?;
        u16::try_from(index).ok()
    }

    /// A string, or `null` for none.
    fn string_or_null(&mut self) -> Option<Option<String>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(None);
        }
        Some(Some(self.string()?.into_owned()))
    }

    /// Opens an array or object at `bracket`, within the depth limit.
    fn open(&mut self, bracket: u8) -> Option<()> {
        self.expect(bracket)?;
        self.depth += 1;
        (self.depth <= MAX_FACTS_DEPTH).then_some(())
    }

    /// Closes what [`Scan::open`] opened.
    fn close(&mut self) -> Option<()> {
        self.depth = self.depth.checked_sub(1)?;
        Some(())
    }
}

/// A whole number from its JSON text, as the serde loader reads one: no
/// fraction or exponent, and within 64 bits.
fn int_value(number: &str) -> Option<i64> {
    if number.contains(['.', 'e', 'E']) {
        return None;
    }
    number.parse::<i64>().ok()
}

/// A string as the scanner read it: borrowed from the text unless it held
/// an escape.
type Text<'t> = Cow<'t, str>;
