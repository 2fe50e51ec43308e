//! [`FactsBuilder`]: facts set one path at a time, checked against the
//! ruleset's schema as they are set, and [`Sourced`], a value with its
//! provenance.
//!
//! A path is resolved by the JSON loader's own steps (its key look-up, its
//! "unknown field" error with "did you mean", its depth and list limits),
//! and the value at its end is stored by the typed serializer of
//! `from_value.rs`, which hands every leaf to the loader's visitors: the
//! same mistake gets the same message as in a JSON document, and the path.

use serde::Serialize;

use super::from_value::{FieldSer, OptString, facts_error, json_len, new_facts, store_element};
use super::load::{Ctx, ID_KEY, Key, KeySeed, Seg, quote};
use super::schema::{Schema, Type};
use super::{Facts, FactsError, Frame, Slot, Value};
use std::sync::Arc;

/// Builds the [`Facts`] of one transaction path by path, checked against a
/// ruleset's schema. Make one with [`RuleSet::facts_builder`](crate::RuleSet::facts_builder).
///
/// [`set`](FactsBuilder::set) takes a fact path as reports write them
/// (`end_user.kind`, `parties[0].role`) and any `Serialize` value: a
/// `bool`, a number, a string (an enum value by name), a slice of strings
/// (a set), a `Decimal`, a struct or map (a whole record), a `Vec` of them
/// (a whole list), `None` (unknown), or a [`Sourced`] value (with
/// provenance). Each value is checked as the JSON loader checks the same
/// value in a document, with the same messages: unknown fields (with "did
/// you mean"), types, enum values, numbers that do not fit, list limits. The
/// first mistake is kept and returned by [`build`](FactsBuilder::build);
/// later calls do nothing.
///
/// List elements are added in order: `parties[0]` first, then `parties[1]`;
/// a path may come back to an element already added. A path given twice, or
/// a record or list given whole and then in part, is refused, as a key given
/// twice is in a document.
///
/// ```
/// use dd_rules::{RuleSet, Sourced, Status};
///
/// let rules = RuleSet::bundled()?;
/// let facts = rules
///     .facts_builder()
///     .id("T-1")
///     .set("end_user.kind", "national_police")
///     .set("country.freedom_score", Sourced::new(23).source("Freedom House 2025"))
///     .set("parties[0].role", "distributor")
///     .set("parties[0].listed", true)
///     .build()?;
/// let report = rules.evaluate(&facts)?;
/// assert_eq!(report.flag("S4.listed_party").unwrap().status, Status::Raised);
///
/// let error = rules.facts_builder().set("end_user.kidn", "police").build().unwrap_err();
/// assert_eq!(error.path, "end_user.kidn");
/// assert_eq!(error.message, "unknown field `kidn` in `EndUser`; did you mean `kind`?");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct FactsBuilder<'r> {
    schema: &'r Arc<Schema>,
    fingerprint: u64,
    root: Node,
    id: Option<String>,
    /// The slots of the list elements set so far, against the loader's limit.
    slots: usize,
    /// The bytes of the strings set so far (see `from_value::json_len`).
    text_bytes: usize,
    error: Option<FactsError>,
}

/// How a slot has been given so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    Untouched,
    /// Set by a path that ends at it.
    Given,
    /// A record or list that a longer path went into.
    Entered,
}

/// A frame being built: its slots, what each was given, and the elements of
/// the lists entered so far (stored into the frame by `finish`).
#[derive(Clone, Debug)]
struct Node {
    frame: Frame,
    marks: Vec<Mark>,
    lists: Vec<(usize, Vec<Node>)>,
    /// An element given whole, as a record: nothing more may be set in it.
    whole: bool,
}

impl Node {
    fn new(size: usize) -> Node {
        Node {
            frame: Frame::absent(size),
            marks: vec![Mark::Untouched; size],
            lists: Vec::new(),
            whole: false,
        }
    }

    fn mark(&self, slot: usize) -> Mark {
        self.marks.get(slot).copied().unwrap_or(Mark::Untouched)
    }

    fn set_mark(&mut self, slot: usize, mark: Mark) {
        if let Some(m) = self.marks.get_mut(slot) {
            *m = mark;
        }
    }

    /// The elements of the list in `slot`, an empty list at first.
    fn list(&mut self, slot: usize) -> Option<&mut Vec<Node>> {
        if !self.lists.iter().any(|(s, _)| *s == slot) {
            self.lists.push((slot, Vec::new()));
        }
        self.lists
            .iter_mut()
            .find(|(s, _)| *s == slot)
            .map(|(_, elements)| elements)
    }

    /// The frame, with the lists entered stored into their slots. The
    /// recursion is as deep as the lists nest, which the depth limit bounds.
    fn finish(mut self) -> Frame {
        for (slot, elements) in std::mem::take(&mut self.lists) {
            let frames: Box<[Frame]> = elements.into_iter().map(Node::finish).collect();
            self.frame.store(
                slot,
                Slot {
                    value: Value::List(frames),
                    provenance: None,
                },
            );
        }
        self.frame
    }
}

/// One step of a path as written: a field name, and an index if given.
struct Step<'p> {
    name: &'p str,
    index: Option<usize>,
}

/// The steps of `path`, or why it is not a fact path.
fn parse_path(path: &str) -> Result<Vec<Step<'_>>, String> {
    let not_a_path = |why: &str| format!("`{}` is not a fact path: {why}", quote(path));
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            None => (part, None),
            Some((name, rest)) => {
                let digits = rest
                    .strip_suffix(']')
                    .ok_or_else(|| not_a_path("an index is written `[0]`, after a field name"))?;
                let index = digits
                    .parse::<usize>()
                    .ok()
                    .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| not_a_path("an index is written `[0]`, after a field name"))?;
                (name, Some(index))
            }
        };
        if name.is_empty() {
            return Err(not_a_path("it has an empty field name"));
        }
        steps.push(Step { name, index });
    }
    Ok(steps)
}

impl<'r> FactsBuilder<'r> {
    pub(crate) fn new(schema: &'r Arc<Schema>, fingerprint: u64) -> FactsBuilder<'r> {
        let size = schema.record(schema.root).map_or(0, |r| r.size);
        FactsBuilder {
            schema,
            fingerprint,
            root: Node::new(size),
            id: None,
            slots: 0,
            text_bytes: 0,
            error: None,
        }
    }

    /// Sets the transaction id, as the `"id"` of a document does.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let facts = rules.facts_builder().id("T-7").build()?;
    /// assert_eq!(facts.transaction_id(), Some("T-7"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(mut self, id: impl Into<String>) -> FactsBuilder<'r> {
        if self.error.is_none() {
            if self.id.is_some() {
                self.error = Some(FactsError {
                    path: "id".into(),
                    line: 0,
                    column: 0,
                    message: "the key `id` is given twice".into(),
                });
            }
            self.id = Some(id.into());
        }
        self
    }

    /// Sets the fact at `path` to `value` (see [`FactsBuilder`] for what a
    /// path and a value may be). A mistake is kept for
    /// [`build`](Self::build) to return.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let error = rules
    ///     .facts_builder()
    ///     .set("end_user.kind", "nationl_police")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(error.path, "end_user.kind");
    /// assert_eq!(error.message, "`nationl_police` is not a value of `EndUserKind`; did you mean `national_police`?");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set<T: Serialize>(mut self, path: &str, value: T) -> FactsBuilder<'r> {
        if self.error.is_none()
            && let Err(e) = self.try_set(path, &value)
        {
            self.error = Some(e);
        }
        self
    }

    /// The facts set, or the first mistake made.
    pub fn build(self) -> Result<Facts, FactsError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let fingerprint = self.fingerprint;
        let ctx = Ctx::new(self.schema);
        ctx.slots.set(self.slots);
        ctx.text_bytes.set(self.text_bytes);
        let len = json_len(&ctx, self.root.marks.len()) + self.id.as_ref().map_or(0, String::len);
        new_facts(self.schema, self.root.finish(), self.id, fingerprint, len)
    }

    fn try_set<T: Serialize + ?Sized>(&mut self, path: &str, value: &T) -> Result<(), FactsError> {
        let schema: &Schema = self.schema;
        let steps = parse_path(path).map_err(|message| FactsError {
            path: String::new(),
            line: 0,
            column: 0,
            message,
        })?;
        let ctx = Ctx::new(schema);
        if let [Step { name, index: None }] = steps.as_slice()
            && *name == ID_KEY
        {
            return set_id(&mut self.id, &ctx, value);
        }
        ctx.slots.set(self.slots);
        let mut walked = Vec::new();
        let result = set_in(&ctx, schema, &mut self.root, &steps, value, &mut walked);
        self.slots = ctx.slots.get();
        self.text_bytes = self.text_bytes.saturating_add(ctx.text_bytes.get());
        result.map_err(|e| {
            // The steps taken lead to where the error is: they are the
            // outer part of its path, added innermost first as the loader does.
            while let Some(seg) = walked.pop() {
                ctx.path.borrow_mut().push(seg);
            }
            facts_error(&ctx, &e)
        })
    }
}

/// Sets the id from a value, as `"id"` in a document.
fn set_id<T: Serialize + ?Sized>(
    id: &mut Option<String>,
    ctx: &Ctx<'_>,
    value: &T,
) -> Result<(), FactsError> {
    let read = if id.is_some() {
        Err(ctx.fail("the key `id` is given twice"))
    } else {
        value.serialize(OptString)
    };
    match ctx.at(Seg::Id, read) {
        Ok(given) => {
            *id = given;
            Ok(())
        }
        Err(e) => Err(facts_error(ctx, &e)),
    }
}

/// Walks `steps` from the root, entering records and list elements, and
/// stores `value` at the end. `walked` receives the steps taken, for the
/// path of an error.
fn set_in<T: Serialize + ?Sized>(
    ctx: &Ctx<'_>,
    schema: &Schema,
    root: &mut Node,
    steps: &[Step<'_>],
    value: &T,
    walked: &mut Vec<Seg>,
) -> Result<(), super::from_value::Error> {
    ctx.open()?;
    let mut node = root;
    let mut record = schema.root;
    let mut base = 0;
    let count = steps.len();
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == count;
        let field = match KeySeed::new(schema, record).resolve(step.name) {
            Key::Field(index) => index,
            Key::Id | Key::Other(_) => {
                return Err(super::load::unknown_field(ctx, record, step.name));
            }
        };
        let Some((name, def)) = schema
            .record(record)
            .and_then(|r| r.fields.get_index(field))
        else {
            return Err(ctx.fail("internal error: unknown field"));
        };
        walked.push(Seg::Known {
            record,
            index: field,
        });
        let slot = base + def.offset;
        if node.whole
            || node.mark(slot) == Mark::Given
            || (last && step.index.is_none() && node.mark(slot) != Mark::Untouched)
        {
            return Err(ctx.fail(format!("the field `{name}` is given twice")));
        }
        match (def.ty, step.index) {
            (Type::List(r), Some(index)) => {
                node.set_mark(slot, Mark::Entered);
                ctx.open()?;
                let size = schema.record(r).map_or(0, |r| r.size);
                let Some(elements) = node.list(slot) else {
                    return Err(ctx.fail("internal error: unknown list"));
                };
                walked.push(Seg::Index(index));
                if index > elements.len() {
                    return Err(ctx.fail(format!(
                        "the list `{name}` has {} elements: the next one is `{name}[{}]`",
                        elements.len(),
                        elements.len()
                    )));
                }
                if index == elements.len() {
                    ctx.count_element(size)?;
                    elements.push(Node::new(size));
                } else if last {
                    return Err(ctx.fail(format!("the element `{name}[{index}]` is given twice")));
                }
                let Some(element) = elements.get_mut(index) else {
                    return Err(ctx.fail("internal error: unknown element"));
                };
                ctx.open()?;
                if last {
                    store_element(ctx, r, &mut element.frame, value)?;
                    element.whole = true;
                    return Ok(());
                }
                node = element;
                record = r;
                base = 0;
            }
            (_, Some(_)) => {
                return Err(ctx.fail(format!(
                    "`{name}` is not a list but a `{}`: it has no elements",
                    schema.type_name(def.ty)
                )));
            }
            (ty, None) if last => {
                node.set_mark(slot, Mark::Given);
                return value.serialize(FieldSer {
                    ctx,
                    ty,
                    frame: &mut node.frame,
                    slot,
                });
            }
            (Type::Record(r), None) => {
                node.set_mark(slot, Mark::Entered);
                ctx.open()?;
                node.frame.store(
                    slot,
                    Slot {
                        value: Value::Present,
                        provenance: None,
                    },
                );
                record = r;
                base = slot + 1;
            }
            (Type::List(_), None) => {
                return Err(ctx.fail(format!(
                    "`{name}` is a list: name an element, as in `{name}[0]`"
                )));
            }
            (ty, None) => {
                return Err(ctx.fail(format!(
                    "`{name}` is a `{}`, not a record: it has no fields",
                    schema.type_name(ty)
                )));
            }
        }
    }
    Ok(())
}

/// A fact with its provenance: where its value comes from and as of when.
/// It serialises as the JSON loader reads a fact with provenance,
/// `{"value": …, "source": …, "as_of": …}`, so it can be given to
/// [`FactsBuilder::set`], held in a struct given to
/// [`RuleSet::facts_from_serialize`](crate::RuleSet::facts_from_serialize), or written into a JSON document. The
/// report echoes the provenance in the evidence that quotes the fact.
///
/// ```
/// use dd_rules::{RuleSet, Sourced};
///
/// let score = Sourced::new(23).source("Freedom House 2025").as_of("2025-02-26");
/// assert_eq!(
///     serde_json::to_string(&score)?,
///     r#"{"value":23,"source":"Freedom House 2025","as_of":"2025-02-26"}"#
/// );
/// let rules = RuleSet::bundled()?;
/// let built = rules.facts_builder().set("country.freedom_score", &score).build()?;
/// let loaded = rules.facts_from_json(&format!(
///     r#"{{"country": {{"freedom_score": {}}}}}"#,
///     serde_json::to_string(&score)?
/// ))?;
/// assert_eq!(built, loaded);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sourced<T> {
    /// The value of the fact.
    pub value: T,
    /// Where the value comes from, such as a report or a database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When the source said so, as text (a date, usually).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

impl<T> Sourced<T> {
    /// A value with no provenance yet.
    ///
    /// ```
    /// let v = dd_rules::Sourced::new(true);
    /// assert_eq!((v.value, v.source, v.as_of), (true, None, None));
    /// ```
    pub fn new(value: T) -> Sourced<T> {
        Sourced {
            value,
            source: None,
            as_of: None,
        }
    }

    /// With a source.
    ///
    /// ```
    /// let v = dd_rules::Sourced::new(23).source("Freedom House 2025");
    /// assert_eq!(v.source.as_deref(), Some("Freedom House 2025"));
    /// ```
    pub fn source(mut self, source: impl Into<String>) -> Sourced<T> {
        self.source = Some(source.into());
        self
    }

    /// With the date (or time) of the source.
    ///
    /// ```
    /// let v = dd_rules::Sourced::new(23).as_of("2025-02-26");
    /// assert_eq!(v.as_of.as_deref(), Some("2025-02-26"));
    /// ```
    pub fn as_of(mut self, as_of: impl Into<String>) -> Sourced<T> {
        self.as_of = Some(as_of.into());
        self
    }
}
