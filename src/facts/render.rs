//! Facts back to JSON text, for the evidence quoted in reports.

use std::fmt::Write as _;

use super::schema::{RecordId, Schema, Type};
use super::{Frame, Value};

/// Writes the value in `slot` of `frame`, of type `ty`, as JSON. An absent
/// value is written as `null`.
pub(crate) fn value_json(schema: &Schema, ty: Type, frame: &Frame, slot: usize, out: &mut String) {
    match (frame.value(slot), ty) {
        (Value::Absent, _) => out.push_str("null"),
        (Value::Bool(b), _) => out.push_str(if *b { "true" } else { "false" }),
        // INVARIANT: writing to a String cannot fail.
        (Value::Int(n), _) => drop(write!(out, "{n}")),
        (Value::Decimal(d), _) => drop(write!(out, "{d}")),
        (Value::Str(s), _) => string(s, out),
        (Value::Enum(i), Type::Enum(e)) => string(variant(schema, e, *i), out),
        (Value::Set(mask), Type::Set(e)) => {
            out.push('[');
            let mut first = true;
            for i in 0..128u16 {
                if mask & super::bit(i) != 0 {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    string(variant(schema, e, i), out);
                }
            }
            out.push(']');
        }
        (Value::List(frames), Type::List(r)) => {
            out.push('[');
            for (i, f) in frames.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                record_json(schema, r, f, 0, out);
            }
            out.push(']');
        }
        (Value::Present, Type::Record(r)) => record_json(schema, r, frame, slot + 1, out),
        // INVARIANT: loaded facts always match their field's type.
        _ => out.push_str("null"),
    }
}

/// Writes the present fields of a record whose slots start at `base`.
fn record_json(schema: &Schema, record: RecordId, frame: &Frame, base: usize, out: &mut String) {
    out.push('{');
    let mut first = true;
    if let Some(rec) = schema.record(record) {
        for (name, field) in &rec.fields {
            let slot = base + field.offset;
            if matches!(frame.value(slot), Value::Absent) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            string(name, out);
            out.push(':');
            value_json(schema, field.ty, frame, slot, out);
        }
    }
    out.push('}');
}

fn variant(schema: &Schema, e: usize, i: u16) -> &str {
    schema
        .enums
        .get(e)
        .and_then(|d| d.variants.get_index(i as usize))
        .map_or("", |(name, _)| name.as_str())
}

/// Writes `s` as a JSON string, escaped exactly as `serde_json` escapes it,
/// straight into `out`.
fn string(s: &str, out: &mut String) {
    out.push('"');
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
        let (plain, tail) = rest.split_at(i);
        out.push_str(plain);
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c => drop(write!(out, "\\u{:04x}", u32::from(c))),
            }
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "",
            "plain",
            "a \"quote\" and \\ slash",
            "tab\there\nnew\r\u{8}\u{c}\u{1}\u{1f}",
            "é ✓ \u{7f}",
        ] {
            let mut out = String::new();
            super::string(s, &mut out);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }
}
