//! Facts from typed values: a `serde::Serializer` that stores what any
//! `Serialize` value (a `serde_json::Value`, a [`Transaction`](super::transaction::Transaction),
//! a caller's own struct) holds straight into the slot layout, driven by the
//! schema, as the JSON loader does from text. No JSON text is written or read.
//!
//! Every check is the loader's own: keys are resolved by its `KeySeed`,
//! fields by its `with_field` (unknown fields with "did you mean", fields
//! given twice), leaves by its `LeafVisitor` and numbers by its
//! `number_from_raw` (from the number's JSON text, so that a decimal never
//! passes through a float it did not come as), enum values by its `variant`,
//! depth and list sizes by its `Ctx`. So the same mistake gets the same
//! message and path; typed input has no line or column (both 0).
//!
//! A float (from a `serde_json::Value` or an `f64` field) is read as the
//! shortest decimal text that gives it back, the text serde_json writes for it.

use std::fmt;

use serde::de::{self, Unexpected, Visitor};
use serde::ser::{self, Impossible, Serialize};

use super::load::{
    Ctx, Key, KeySeed, LeafVisitor, ListVisitor, RecordVisitor, Seen, Seg, number_from_raw,
    printable, quote_unknown_field, reword, variant, with_field,
};
use super::schema::{RecordId, Schema, Type};
use super::{Facts, FactsError, Frame, Provenance, Slot, Value};

#[macro_use]
mod model;
mod leaf;
mod record;

use leaf::*;
pub(super) use model::OptString;
use model::*;
use record::*;
pub(super) use record::{FieldSer, store_element};

/// The name under which serde_json serialises a `RawValue` (its exact
/// text, as the one field of a struct of that name); `Decimal` serialises
/// so. Reading it keeps a decimal's digits exact.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// An error while storing a typed value. The message that reaches the caller
/// is the one recorded in the `Ctx` when there is one; otherwise this one,
/// reworded as the loader rewords serde's.
#[derive(Debug)]
pub(super) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error(msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error(msg.to_string())
    }
}

/// The caller-facing error for `e`, with the path the context gathered.
pub(super) fn facts_error(ctx: &Ctx<'_>, e: &Error) -> FactsError {
    let message = ctx
        .error
        .borrow_mut()
        .take()
        .unwrap_or_else(|| quote_unknown_field(&reword(&e.0)));
    FactsError {
        path: printable(&ctx.path_text()),
        line: 0,
        column: 0,
        message: printable(&message),
    }
}

/// Loads any `Serialize` value as the facts of one transaction: it must
/// serialise as a map or struct of root facts and an optional `"id"`.
pub(crate) fn load_value<T: Serialize + ?Sized>(
    schema: &std::sync::Arc<Schema>,
    fingerprint: u64,
    value: &T,
) -> Result<Facts, FactsError> {
    let ctx = Ctx::new(schema);
    let root_size = schema.record(schema.root).map_or(0, |r| r.size);
    let mut root = Frame::absent(root_size);
    let mut id = None;
    let stored = value.serialize(DocSer {
        ctx: &ctx,
        frame: &mut root,
        id: &mut id,
    });
    if let Err(e) = stored {
        return Err(facts_error(&ctx, &e));
    }
    let len = json_len(&ctx, root_size) + id.as_ref().map_or(0, String::len);
    new_facts(schema, root, id, fingerprint, len)
}

/// Facts from a root frame and an id; `len` is about how long they would be
/// as a JSON document: what a report may quote is bounded by it
/// (`limits::report_quote_budget`), as for a document loaded from text, and
/// typed facts are held to the same limit as a document,
/// [`MAX_FACTS_BYTES`](crate::limits::MAX_FACTS_BYTES). (The list slots are
/// counted against their limit while the facts are read; strings, which the
/// caller's value already holds, are measured here.)
pub(super) fn new_facts(
    schema: &std::sync::Arc<Schema>,
    root: Frame,
    id: Option<String>,
    fingerprint: u64,
    len: usize,
) -> Result<Facts, FactsError> {
    let limit = crate::limits::MAX_FACTS_BYTES;
    if len > limit {
        return Err(FactsError {
            path: String::new(),
            line: 0,
            column: 0,
            message: format!(
                "the facts would be about {len} bytes as a JSON document, more than the limit \
                 of {limit} bytes"
            ),
        });
    }
    Ok(Facts {
        root: std::sync::Arc::new(root),
        id: id.map(std::sync::Arc::from),
        fingerprint,
        schema: std::sync::Arc::clone(schema),
        serial: super::next_serial(),
        len,
    })
}

/// About how long facts would be as JSON: 12 bytes for each slot (a key and
/// a short value), the slots of list elements included, and the strings.
pub(super) fn json_len(ctx: &Ctx<'_>, root_size: usize) -> usize {
    root_size
        .saturating_add(ctx.slots.get())
        .saturating_mul(12)
        .saturating_add(ctx.text_bytes.get())
}
