//! Whole and decimal numbers, read from their exact JSON text.

use serde::Deserialize;
use serde::de;
use serde_json::value::RawValue;

use super::messages::serde_message;
use super::{Ctx, quote};
use crate::decimal::Decimal;
use crate::facts::schema::Type;
use crate::facts::{Provenance, Slot, Value};

/// A provenance wrapper around a number, read from its raw text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWrapper {
    /// `None` when the key is absent, `Some(None)` for `"value": null`
    /// (unknown, with provenance, as for a fact of any other type).
    #[serde(default, deserialize_with = "present")]
    value: Option<Option<Box<RawValue>>>,
    source: Option<String>,
    as_of: Option<String>,
}

/// A key that is present, whatever its value (`null` included).
fn present<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<Option<Box<RawValue>>>, D::Error> {
    Option::<Box<RawValue>>::deserialize(d).map(Some)
}

/// What a raw JSON value is, for messages.
fn describe_raw(raw: &str) -> String {
    match raw.as_bytes().first() {
        Some(b'"') => format!("the string {}", quote(raw)),
        Some(b'[') => "an array".into(),
        Some(b'{') => "an object".into(),
        _ => format!("`{}`", quote(raw)),
    }
}

/// Reads a whole or decimal number from its exact JSON text, so that no digit
/// passes through a float and an integer too large for 64 bits is named as such.
pub(in crate::facts) fn number_from_raw<E: de::Error>(
    ctx: &Ctx<'_>,
    ty: Type,
    raw: &str,
    wrapper: bool,
) -> Result<Slot, E> {
    let raw = raw.trim();
    let wanted = if ty == Type::Int {
        "a whole number"
    } else {
        "a decimal number"
    };
    match raw.as_bytes().first() {
        Some(b'n') => Ok(Slot::default()),
        Some(b'{') if wrapper => {
            // Read whole by serde_json, but an object of the document all the same.
            ctx.open()?;
            let w: RawWrapper = serde_json::from_str(raw).map_err(|e| {
                ctx.fail::<E>(format!(
                    "in a fact with provenance: {}",
                    serde_message(&e, raw)
                ))
            })?;
            let Some(value) = w.value else {
                return Err(ctx.fail("a fact with provenance needs a `value`"));
            };
            let mut slot = match value {
                Some(raw) => number_from_raw::<E>(ctx, ty, raw.get(), false)?,
                None => Slot::default(),
            };
            ctx.close();
            slot.provenance = Some(Box::new(Provenance {
                source: w.source,
                as_of: w.as_of,
            }));
            Ok(slot)
        }
        Some(b'{') => Err(ctx.fail("a value with provenance cannot hold another one")),
        Some(b'-' | b'0'..=b'9') if ty == Type::Int => {
            if raw.contains(['.', 'e', 'E']) {
                return Err(ctx.fail(format!("expected a whole number, found `{}`", quote(raw))));
            }
            match raw.parse::<i64>() {
                Ok(n) => Ok(Slot {
                    value: Value::Int(n),
                    provenance: None,
                }),
                Err(_) => {
                    Err(ctx.fail(format!("the number {} does not fit in 64 bits", quote(raw))))
                }
            }
        }
        Some(b'-' | b'0'..=b'9') => match Decimal::parse(raw) {
            Ok(d) => Ok(Slot {
                value: Value::Decimal(Box::new(d)),
                provenance: None,
            }),
            Err(e) => Err(ctx.fail(format!(
                "the number {} cannot be held exactly: {e}",
                quote(raw)
            ))),
        },
        _ => Err(ctx.fail(format!(
            "expected {wanted} or null, found {}",
            describe_raw(raw)
        ))),
    }
}
