//! Facts back to JSON, for the evidence quoted in reports and explanations.
//!
//! A [`QuotedValue`] points into loaded facts and is rendered only when it
//! is read or serialised: a report that is only asked for its disposition
//! never pays for turning the parties' list back into JSON.

use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::schema::{RecordId, Schema, Type};
use super::{Frame, Value};
use crate::printable::push_json_str;

/// A fact's value as a report quotes it: it serialises as the facts
/// document would hold it (exact decimals, enum values by name, records as
/// objects of their known fields, `null` when unknown), and displays as
/// compact JSON.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let report = rules.evaluate_json(
///     r#"{"product": {"name": "Argus", "system_risk_identified": true}}"#,
/// )?;
/// let flag = report.flag("S1.system_risk").unwrap();
/// let values: Vec<String> = flag.evidence().map(|e| e.value.to_string()).collect();
/// assert_eq!(values, [r#""Argus""#, "true"]);
/// assert!(flag.evidence().all(|e| !e.value.is_null()));
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct QuotedValue<'a> {
    schema: &'a Schema,
    ty: Type,
    frame: &'a Frame,
    slot: usize,
}

impl<'a> QuotedValue<'a> {
    /// The value in `slot` of `frame`, of type `ty`.
    pub(crate) fn new(schema: &'a Schema, ty: Type, frame: &'a Frame, slot: usize) -> Self {
        QuotedValue {
            schema,
            ty,
            frame,
            slot,
        }
    }

    /// Whether the fact is unknown (quoted for its provenance alone).
    pub fn is_null(&self) -> bool {
        matches!(self.frame.value(self.slot), Value::Absent)
    }

    /// The value as compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out, None);
        out
    }

    /// The first `max` bytes of [`to_json`](Self::to_json) (fewer if that
    /// would split a character), rendering no more than that: for a value
    /// that may be as long as the document, shown to a person.
    pub fn to_json_prefix(&self, max: usize) -> String {
        struct Prefix {
            bytes: Vec<u8>,
            max: usize,
        }
        impl std::io::Write for Prefix {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                let room = self.max.saturating_sub(self.bytes.len());
                self.bytes
                    .extend_from_slice(buf.get(..room.min(buf.len())).unwrap_or(buf));
                if buf.len() > room {
                    return Err(std::io::Error::other("long enough"));
                }
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut out = Prefix {
            bytes: Vec::new(),
            max,
        };
        let _ = serde_json::to_writer(&mut out, self);
        match String::from_utf8(out.bytes) {
            Ok(text) => text,
            Err(e) => {
                let end = e.utf8_error().valid_up_to();
                let mut bytes = e.into_bytes();
                bytes.truncate(end);
                String::from_utf8(bytes).unwrap_or_default()
            }
        }
    }

    /// Appends the value as compact JSON text to `out`: the bytes its
    /// `Serialize` gives with serde_json, written without serde (the
    /// report's writer quotes every value through here, with the schema's
    /// names already escaped in `names`; `tests/report_json.rs` checks that
    /// both agree).
    pub(crate) fn write_json(&self, out: &mut String, names: Option<&JsonNames>) {
        match (self.frame.value(self.slot), self.ty) {
            (Value::Bool(b), _) => out.push_str(if *b { "true" } else { "false" }),
            (Value::Int(n), _) => push_int(out, *n),
            (Value::Decimal(d), _) => {
                use std::fmt::Write as _;
                let _ = write!(out, "{d}");
            }
            (Value::Str(s), _) => push_json_str(out, s),
            (Value::Enum(i), Type::Enum(e)) => self.push_variant(out, names, e, *i, false),
            (Value::Set(mask), Type::Set(e)) => {
                // The members in order, one bit at a time, lowest first.
                let mut mask = mask.get();
                out.push('[');
                let mut first = true;
                while mask != 0 {
                    let i = mask.trailing_zeros() as u16;
                    mask &= mask - 1;
                    self.push_variant(out, names, e, i, !first);
                    first = false;
                }
                out.push(']');
            }
            (Value::List(frames), Type::List(r)) => {
                out.push('[');
                for (i, frame) in frames.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write_record(out, names, r, frame, 0);
                }
                out.push(']');
            }
            (Value::Present, Type::Record(r)) => {
                self.write_record(out, names, r, self.frame, self.slot + 1);
            }
            _ => out.push_str("null"),
        }
    }

    /// Appends enum value `i` of enum `e` as a JSON string, after a comma
    /// if `comma`.
    fn push_variant(
        &self,
        out: &mut String,
        names: Option<&JsonNames>,
        e: usize,
        i: u16,
        comma: bool,
    ) {
        let escaped = names.and_then(|n| n.variants.get(e)?.get(usize::from(i)));
        match escaped {
            Some(text) => out.push_str(if comma { text } else { after_comma(text) }),
            None => {
                if comma {
                    out.push(',');
                }
                push_json_str(out, variant(self.schema, e, i));
            }
        }
    }

    /// Appends the known fields of a record whose slots start at `base`, as
    /// an object ([`RecordValue`]'s JSON).
    fn write_record(
        &self,
        out: &mut String,
        names: Option<&JsonNames>,
        record: RecordId,
        frame: &Frame,
        base: usize,
    ) {
        out.push('{');
        let mut first = true;
        let keys = names.and_then(|n| n.fields.get(record));
        if let Some(rec) = self.schema.record(record) {
            for (k, (name, field)) in rec.fields.iter().enumerate() {
                let slot = base + field.offset;
                if matches!(frame.value(slot), Value::Absent) {
                    continue;
                }
                match keys.and_then(|keys| keys.get(k)) {
                    Some(key) => out.push_str(if first { after_comma(key) } else { key }),
                    None => {
                        if !first {
                            out.push(',');
                        }
                        push_json_str(out, name);
                        out.push(':');
                    }
                }
                first = false;
                QuotedValue::new(self.schema, field.ty, frame, slot).write_json(out, names);
            }
        }
        out.push('}');
    }
}

impl Serialize for QuotedValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.frame.value(self.slot), self.ty) {
            (Value::Bool(b), _) => serializer.serialize_bool(*b),
            (Value::Int(n), _) => serializer.serialize_i64(*n),
            (Value::Decimal(d), _) => d.serialize(serializer),
            (Value::Str(s), _) => serializer.serialize_str(s),
            (Value::Enum(i), Type::Enum(e)) => {
                serializer.serialize_str(variant(self.schema, e, *i))
            }
            (Value::Set(mask), Type::Set(e)) => {
                let mask = mask.get();
                let mut seq = serializer.serialize_seq(Some(mask.count_ones() as usize))?;
                for i in 0..128u16 {
                    if mask & super::bit(i) != 0 {
                        seq.serialize_element(variant(self.schema, e, i))?;
                    }
                }
                seq.end()
            }
            (Value::List(frames), Type::List(r)) => {
                let mut seq = serializer.serialize_seq(Some(frames.len()))?;
                for frame in frames {
                    seq.serialize_element(&RecordValue {
                        schema: self.schema,
                        record: r,
                        frame,
                        base: 0,
                    })?;
                }
                seq.end()
            }
            (Value::Present, Type::Record(r)) => RecordValue {
                schema: self.schema,
                record: r,
                frame: self.frame,
                base: self.slot + 1,
            }
            .serialize(serializer),
            // Absent, and (INVARIANT: loaded facts always match their
            // field's type) nothing else.
            _ => serializer.serialize_unit(),
        }
    }
}

/// A schema's names as a quoted value writes them, escaped once: each
/// record's field names as `,"name":`, each enum's values as `,"value"`
/// (the comma is left out before the first).
pub(crate) struct JsonNames {
    fields: Vec<Vec<String>>,
    variants: Vec<Vec<String>>,
}

impl JsonNames {
    pub(crate) fn new(schema: &Schema) -> JsonNames {
        let escaped = |name: &str, colon: bool| {
            let mut text = String::from(",");
            push_json_str(&mut text, name);
            if colon {
                text.push(':');
            }
            text
        };
        JsonNames {
            fields: (schema.records.iter())
                .map(|r| r.fields.keys().map(|name| escaped(name, true)).collect())
                .collect(),
            variants: (schema.enums.iter())
                .map(|e| e.variants.keys().map(|name| escaped(name, false)).collect())
                .collect(),
        }
    }
}

/// `text` without its leading comma.
fn after_comma(text: &str) -> &str {
    text.get(1..).unwrap_or_default()
}

/// Appends `n` in decimal, as `Display` writes it, without the formatting
/// machinery.
fn push_int(out: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    for &d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// The known fields of a record whose slots start at `base`, as an object.
struct RecordValue<'a> {
    schema: &'a Schema,
    record: RecordId,
    frame: &'a Frame,
    base: usize,
}

impl Serialize for RecordValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(rec) = self.schema.record(self.record) {
            for (name, field) in &rec.fields {
                let slot = self.base + field.offset;
                if matches!(self.frame.value(slot), Value::Absent) {
                    continue;
                }
                map.serialize_entry(
                    name,
                    &QuotedValue::new(self.schema, field.ty, self.frame, slot),
                )?;
            }
        }
        map.end()
    }
}

fn variant(schema: &Schema, e: usize, i: u16) -> &str {
    schema
        .enums
        .get(e)
        .and_then(|d| d.variants.get_index(i as usize))
        .map_or("", |(name, _)| name.as_str())
}

impl fmt::Display for QuotedValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl fmt::Debug for QuotedValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// Two quoted values are equal when they quote the same JSON.
impl PartialEq for QuotedValue<'_> {
    fn eq(&self, other: &QuotedValue<'_>) -> bool {
        self.to_json() == other.to_json()
    }
}

#[cfg(test)]
mod tests {
    use super::push_int;

    #[test]
    fn integers_are_written_as_display_writes_them() {
        let mut n: i64 = 1;
        let mut cases = vec![0, -1, 9, 10, -10, i64::MIN, i64::MAX, i64::MIN + 1];
        while let Some(m) = n.checked_mul(7) {
            cases.extend([n, -n, n - 1, 1 - n]);
            n = m;
        }
        for n in cases {
            let mut out = String::new();
            push_int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }
}
