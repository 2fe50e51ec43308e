//! The questionnaire: which missing facts would, answered alone, change
//! something, found by answering each of them in turn and evaluating again.
//!
//! The facts examined are every absent fact the ruleset reads (any
//! condition of the scope, a flag, a safeguard or a predicate, inside
//! quantifiers too) or declares `required`: each absent leaf of the root and
//! of every list element, and each absent list. Each is given, one at a
//! time, every value of a set of *candidates* that meets every distinction
//! the ruleset can draw about it, with every other fact as it is:
//!
//! - a `bool`: both values; an enum: every value;
//! - an `int`: each number the ruleset or the document holds, one below
//!   and one above it; a `decimal` the same, one unit of a decimal place
//!   past every number's own; a `string`: every string the ruleset or the
//!   document holds and one that none does. The ruleset compares numbers
//!   only with `<`, `<=`, `==` … against these, so any other value behaves
//!   like one of the candidates;
//! - a set: the values of its enum fall into classes that every set the
//!   ruleset or the document holds either contains whole or not at all;
//!   every union of classes when there are at most 8, otherwise the empty
//!   set, each class, each class's complement and the full set;
//! - a list: the empty list, one element with nothing known, and one
//!   element with a single field given, for each field the ruleset reads
//!   and each of that field's candidates (a list field given empty).
//!
//! A fact is asked when some candidate changes the scope's, a flag's or a
//! safeguard's status; it changes the disposition when some candidate does.
//! For leaves this is exact: the candidates stand for every value. For a
//! list it is exact against the candidate lists (a list of several elements
//! with several fields given is not tried). At most
//! [`MAX_ADVICE_EVALUATIONS`](crate::limits::MAX_ADVICE_EVALUATIONS)
//! evaluations are made, fewer for a large
//! document ([`advice_evaluations`]: each evaluation reads all of it); past
//! that the questionnaire says `truncated` and lists the facts examined so
//! far.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::candidates::Candidates;
use super::{Question, Questionnaire};
use crate::budget::ConditionKind;
use crate::check::Checked;
use crate::check::ir::{Base, Cond, FactRef, Lit, SetExpr, SetLit, SetOrValue, Value as Operand};
use crate::decimal::Decimal;
use crate::engine::Engine;
use crate::eval::outcome::{Outcome, Scratch};
use crate::facts::schema::{EnumId, FieldDef, RecordId, Schema, Type};
use crate::facts::{Facts, Frame, Value, bit, next_serial};
use crate::limits::advice_evaluations;
use crate::model::ScopeStatus;
use crate::report::build::weight;

/// The questionnaire for `facts`, whose outcome is `outcome`.
pub(super) fn ask(
    rules: &Engine,
    facts: &Facts,
    outcome: &Outcome,
    ranked: &[&str],
) -> Result<Questionnaire, (ConditionKind, usize)> {
    if outcome.scope == Some(ScopeStatus::Out) {
        return Ok(Questionnaire::default());
    }
    let checked = rules.checked();
    let schema = rules.schema();
    let mut known = Known::default();
    reads_of(checked, &mut known);
    let mut absent = absent_facts(schema, &facts.root, &mut known);
    // The report's ranked missing facts are examined first, in their
    // order, so that a questionnaire cut short by its bound has examined
    // the facts most likely to matter.
    let rank: std::collections::HashMap<&str, usize> =
        ranked.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    absent.sort_by_key(|a| rank.get(a.path.as_str()).copied().unwrap_or(usize::MAX));
    let candidates = Candidates::new(&known);

    // One working copy of the facts, changed one fact at a time and put
    // back after each evaluation.
    let mut work = Facts {
        root: Arc::new((*facts.root).clone()),
        id: facts.id.clone(),
        fingerprint: facts.fingerprint,
        schema: facts.schema.clone(),
        serial: next_serial(),
        len: facts.len,
    };
    let mut scratch = Scratch::new(rules);
    let mut evaluations = 0usize;
    let most = advice_evaluations(facts.len);
    let mut truncated = false;
    let mut asked: Vec<(u8, u64, usize, Question)> = Vec::new();
    for (order, fact) in absent.iter().enumerate() {
        let mut found = Found::new(checked);
        for value in candidates.of(schema, fact.ty, &known) {
            if evaluations == most {
                truncated = true;
                break;
            }
            evaluations += 1;
            let Some(old) = put(&mut work, fact, value) else {
                continue;
            };
            let result = scratch
                .run(rules, &work)
                .map(|now| found.compare(outcome, now));
            put_back(&mut work, fact, old);
            result?;
        }
        let required = fact.required;
        if found.any() || required {
            // Cut short, a fact some answer was found to change is still
            // asked (what else it decides may be missing: `truncated`).
            asked.push(rank_of(
                &found, fact, order, outcome, checked, rules, schema,
            ));
        }
        if truncated {
            break;
        }
    }
    asked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    Ok(Questionnaire {
        questions: asked.into_iter().map(|(_, _, _, q)| q).collect(),
        truncated,
    })
}

/// A question with its sort key: its group (scope, required, disposition,
/// status), the weight of the flags it decides, its order in the document.
fn rank_of(
    found: &Found,
    fact: &Absent,
    order: usize,
    outcome: &Outcome,
    checked: &Checked,
    rules: &Engine,
    schema: &Schema,
) -> (u8, u64, usize, Question) {
    let required = fact.required;
    let severity: u64 = found
        .flags
        .iter()
        .zip(&checked.flags)
        .filter(|(hit, _)| **hit)
        .map(|(_, f)| weight(f.severity))
        .sum();
    let group = if found.scope && outcome.scope == Some(ScopeStatus::Unknown) {
        0
    } else if required {
        1
    } else if !found.outcomes.is_empty() {
        2
    } else {
        3
    };
    (group, severity, order, found.question(rules, schema, fact))
}

/// What the answers to one fact changed, over all its candidates.
struct Found {
    scope: bool,
    flags: Vec<bool>,
    safeguards: Vec<bool>,
    /// The dispositions reached other than the present one.
    outcomes: BTreeSet<usize>,
}

impl Found {
    fn new(checked: &Checked) -> Found {
        Found {
            scope: false,
            flags: vec![false; checked.flags.len()],
            safeguards: vec![false; checked.safeguards.len()],
            outcomes: BTreeSet::new(),
        }
    }

    fn compare(&mut self, before: &Outcome, now: &Outcome) {
        self.scope |= before.scope != now.scope;
        for ((hit, a), b) in self.flags.iter_mut().zip(&before.flags).zip(&now.flags) {
            *hit |= a != b;
        }
        for ((hit, a), b) in self
            .safeguards
            .iter_mut()
            .zip(&before.safeguards)
            .zip(&now.safeguards)
        {
            *hit |= a != b;
        }
        if now.outcome != before.outcome {
            self.outcomes.insert(now.outcome);
        }
    }

    fn any(&self) -> bool {
        self.scope || self.flags.iter().any(|&h| h) || self.safeguards.iter().any(|&h| h)
    }

    fn question(&self, rules: &Engine, schema: &Schema, fact: &Absent) -> Question {
        let checked = rules.checked();
        let values = match fact.ty {
            Type::Enum(e) | Type::Set(e) => schema
                .enums
                .get(e)
                .map(|d| d.variants.keys().cloned().collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let picked = |hits: &[bool], id: &dyn Fn(usize) -> Option<String>| -> Vec<String> {
            hits.iter()
                .enumerate()
                .filter(|(_, h)| **h)
                .filter_map(|(i, _)| id(i))
                .collect()
        };
        Question {
            fact: fact.path.clone(),
            question: fact.docs.clone(),
            ty: schema.type_name(fact.ty),
            values,
            required: fact.required,
            decides_scope: self.scope,
            changes_disposition: !self.outcomes.is_empty(),
            leads_to: self
                .outcomes
                .iter()
                .filter_map(|&o| rules.outcome_name(o).map(str::to_string))
                .collect(),
            flags: picked(&self.flags, &|i| checked.flags.get(i).map(|f| f.id.clone())),
            safeguards: picked(&self.safeguards, &|i| {
                rules.safeguard_id(i).map(str::to_string)
            }),
        }
    }
}

// ------------------------------------------------------------ what is read

/// What the ruleset reads and holds, and what the document holds: the
/// fields read, and the constants of each type the candidates are made from.
#[derive(Default)]
pub(super) struct Known {
    /// The fields any condition reads, by record and name.
    pub(super) reads: BTreeSet<(RecordId, String)>,
    pub(super) ints: BTreeSet<i64>,
    pub(super) decimals: BTreeSet<Decimal>,
    pub(super) strings: BTreeSet<String>,
    /// For each enum, the sets of its values (a single value as a set of
    /// one) the ruleset or the document holds.
    pub(super) masks: BTreeMap<EnumId, BTreeSet<u128>>,
}

impl Known {
    fn lit(&mut self, lit: &Lit) {
        match lit {
            Lit::Bool(_) => {}
            Lit::Int(n) => {
                self.ints.insert(*n);
            }
            Lit::Decimal(d) => {
                self.decimals.insert(*d);
            }
            Lit::Str(s) => {
                self.strings.insert(s.clone());
            }
            Lit::Enum(e, v) => {
                self.masks.entry(*e).or_default().insert(bit(*v));
            }
        }
    }

    fn set_lit(&mut self, set: &SetLit) {
        match set {
            SetLit::Enum(e, mask) => {
                self.masks.entry(*e).or_default().insert(*mask);
            }
            SetLit::Values(lits) => lits.iter().for_each(|l| self.lit(l)),
        }
    }

    /// A value the document holds, of type `ty`.
    fn value(&mut self, ty: Type, value: &Value) {
        match (ty, value) {
            (_, Value::Int(n)) => {
                self.ints.insert(*n);
            }
            (_, Value::Decimal(d)) => {
                self.decimals.insert(**d);
            }
            (_, Value::Str(s)) => {
                self.strings.insert(s.to_string());
            }
            (Type::Enum(e), Value::Enum(v)) => {
                self.masks.entry(e).or_default().insert(bit(*v));
            }
            (Type::Set(e), Value::Set(bits)) => {
                self.masks.entry(e).or_default().insert(bits.get());
            }
            _ => {}
        }
    }

    fn fact(&mut self, schema: &Schema, fact: &FactRef) {
        let mut record = match &fact.base {
            Base::Root => schema.root,
            Base::Binder { record, .. } => *record,
        };
        for name in &fact.fields {
            let ty = schema
                .record(record)
                .and_then(|r| r.fields.get(name))
                .map(|f| f.ty);
            self.reads.insert((record, name.clone()));
            match ty {
                Some(Type::Record(r) | Type::List(r)) => record = r,
                _ => break,
            }
        }
    }
}

/// Everything the conditions of `checked` read and every literal they hold.
fn reads_of(checked: &Checked, known: &mut Known) {
    let conds = checked
        .predicates
        .iter()
        .map(|p| &p.body)
        .chain(checked.safeguards.iter().map(|s| &s.when))
        .chain(checked.flags.iter().map(|f| &f.when))
        .chain(checked.scope.iter().map(|s| &s.when));
    // An explicit stack: conditions nest as deep as the limits allow.
    let mut todo: Vec<&Cond> = conds.collect();
    let schema = &checked.schema;
    while let Some(c) = todo.pop() {
        let operand = |v, known: &mut Known| operand(schema, v, known);
        match c {
            Cond::Const(_) | Cond::Pred(_) => {}
            Cond::Fact(f) | Cond::Known(f) => known.fact(schema, f),
            Cond::Not(inner) => todo.push(inner),
            Cond::And(items) | Cond::Or(items) => todo.extend(items.iter()),
            Cond::Quant(_, f, _, body) => {
                known.fact(schema, f);
                todo.push(body);
            }
            Cond::Cmp(_, a, b) => {
                todo.extend(operand(a, known));
                todo.extend(operand(b, known));
            }
            Cond::In(v, set) => {
                todo.extend(operand(v, known));
                match set {
                    SetExpr::Lit(l) => known.set_lit(l),
                    SetExpr::Fact(f) => known.fact(schema, f),
                }
            }
            Cond::Contains(_, f, right) => {
                known.fact(schema, f);
                match right {
                    SetOrValue::Set(SetExpr::Lit(l)) => known.set_lit(l),
                    SetOrValue::Set(SetExpr::Fact(g)) => known.fact(schema, g),
                    SetOrValue::Value(v) => todo.extend(operand(v, known)),
                }
            }
        }
    }
}

/// Notes what a value operand reads or holds; the body of a count, to walk.
fn operand<'c>(schema: &Schema, v: &'c Operand, known: &mut Known) -> Option<&'c Cond> {
    match v {
        Operand::Lit(l) => known.lit(l),
        Operand::Fact(f) => known.fact(schema, f),
        Operand::Count(f, _, body) => {
            known.fact(schema, f);
            return body.as_deref();
        }
    }
    None
}

// ------------------------------------------------------------ absent facts

/// An absent fact, and where it would go.
pub(super) struct Absent {
    path: String,
    /// The lists on the way: the slot of each list and the element's index.
    steps: Vec<(usize, usize)>,
    /// Its slot in the frame the steps lead to.
    slot: usize,
    /// The presence slots of the records around it in that frame.
    parents: Vec<usize>,
    ty: Type,
    docs: Option<String>,
    required: bool,
}

/// Whether the ruleset declares a field required of every transaction in
/// scope.
fn required(field: &FieldDef) -> bool {
    field.required
}

/// A record to walk: where its frame is, where its slots start, its path.
struct Visit {
    record: RecordId,
    steps: Vec<(usize, usize)>,
    base: usize,
    prefix: String,
    parents: Vec<usize>,
    /// Whether a record around it is read (`known(rec)`): giving any field
    /// of it makes the record known.
    read_around: bool,
}

/// Every absent fact of the document that the ruleset reads or requires,
/// the root's fields first, then record by record; the values present are
/// added to `known`'s constants on the way.
fn absent_facts(schema: &Schema, root: &Frame, known: &mut Known) -> Vec<Absent> {
    let mut out = Vec::new();
    let mut todo = vec![Visit {
        record: schema.root,
        steps: Vec::new(),
        base: 0,
        prefix: String::new(),
        parents: Vec::new(),
        read_around: false,
    }];
    while let Some(visit) = todo.pop() {
        let (Some(record), Some(frame)) =
            (schema.record(visit.record), frame_at(root, &visit.steps))
        else {
            continue;
        };
        let mut nested = Vec::new();
        for (name, field) in &record.fields {
            let slot = visit.base + field.offset;
            let path = format!("{}{name}", visit.prefix);
            let read = known.reads.contains(&(visit.record, name.clone()));
            let wanted = required(field) || read || visit.read_around;
            let value = frame.value(slot);
            match (field.ty, value) {
                (Type::Record(r), _) => {
                    let mut parents = visit.parents.clone();
                    parents.push(slot);
                    nested.push(Visit {
                        record: r,
                        steps: visit.steps.clone(),
                        base: slot + 1,
                        prefix: format!("{path}."),
                        parents,
                        read_around: visit.read_around || read,
                    });
                }
                (Type::List(r), Value::List(elements)) => {
                    for i in 0..elements.len() {
                        let mut steps = visit.steps.clone();
                        steps.push((slot, i));
                        nested.push(Visit {
                            record: r,
                            steps,
                            base: 0,
                            prefix: format!("{path}[{i}]."),
                            parents: Vec::new(),
                            read_around: false,
                        });
                    }
                }
                (_, Value::Absent) => {
                    if wanted {
                        out.push(Absent {
                            path,
                            steps: visit.steps.clone(),
                            slot,
                            parents: visit.parents.clone(),
                            ty: field.ty,
                            docs: field.docs.clone(),
                            required: required(field),
                        });
                    }
                }
                (ty, value) => known.value(ty, value),
            }
        }
        todo.extend(nested.into_iter().rev());
    }
    out
}

/// The frame the steps lead to.
fn frame_at<'f>(root: &'f Frame, steps: &[(usize, usize)]) -> Option<&'f Frame> {
    let mut frame = root;
    for &(slot, i) in steps {
        match frame.value(slot) {
            Value::List(elements) => frame = elements.get(i)?,
            _ => return None,
        }
    }
    Some(frame)
}

/// The frame the steps lead to, to change.
fn frame_at_mut<'f>(root: &'f mut Frame, steps: &[(usize, usize)]) -> Option<&'f mut Frame> {
    let mut frame = root;
    for &(slot, i) in steps {
        match frame.slots.get_mut(slot).map(|s| &mut s.value) {
            Some(Value::List(elements)) => frame = elements.get_mut(i)?,
            _ => return None,
        }
    }
    Some(frame)
}

/// What `put` replaced: the fact's old value and the presence slots it
/// marked present.
struct Old {
    value: Value,
    marked: Vec<usize>,
}

/// Gives `fact` the value `value` in the working facts (and marks the
/// records around it present); what it replaced, to put back.
fn put(work: &mut Facts, fact: &Absent, value: Value) -> Option<Old> {
    let root = Arc::get_mut(&mut work.root)?;
    let frame = frame_at_mut(root, &fact.steps)?;
    let mut marked = Vec::new();
    for &p in &fact.parents {
        if let Some(slot) = frame.slots.get_mut(p)
            && slot.value == Value::Absent
        {
            slot.value = Value::Present;
            marked.push(p);
        }
    }
    let slot = frame.slots.get_mut(fact.slot)?;
    let value = std::mem::replace(&mut slot.value, value);
    Some(Old { value, marked })
}

/// Puts back what [`put`] replaced.
fn put_back(work: &mut Facts, fact: &Absent, old: Old) {
    let Some(frame) = Arc::get_mut(&mut work.root).and_then(|r| frame_at_mut(r, &fact.steps))
    else {
        return;
    };
    if let Some(slot) = frame.slots.get_mut(fact.slot) {
        slot.value = old.value;
    }
    for p in old.marked {
        if let Some(slot) = frame.slots.get_mut(p) {
            slot.value = Value::Absent;
        }
    }
}
