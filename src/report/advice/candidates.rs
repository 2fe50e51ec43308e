//! The candidate values a questionnaire gives a missing fact: a set that
//! meets every distinction the ruleset can draw about it (see
//! `questions.rs` for what each type gets, and why it is enough).

use std::collections::{BTreeMap, BTreeSet};

use super::questions::Known;
use crate::decimal::Decimal;
use crate::facts::schema::{EnumId, RecordId, Schema, Type};
use crate::facts::{Frame, SetBits, Value};

/// The most classes of enum values whose every union a set fact is given.
const MAX_SET_CLASSES: usize = 8;

/// The candidate values of each type (lists are made per fact).
pub(super) struct Candidates {
    ints: Vec<i64>,
    decimals: Vec<Decimal>,
    strings: Vec<String>,
}

impl Candidates {
    pub(super) fn new(known: &Known) -> Candidates {
        // Whole numbers and decimals compare with each other: each kind's
        // constants count for the other (a decimal by its whole part, which
        // with one below and one above brackets it).
        let whole = known.decimals.iter().filter_map(|d| d.trunc());
        let mut ints = BTreeSet::from([-1, 0, 1]);
        for c in known.ints.iter().copied().chain(whole) {
            ints.extend(
                [c.checked_sub(1), Some(c), c.checked_add(1)]
                    .into_iter()
                    .flatten(),
            );
        }
        let mut numbers = known.decimals.clone();
        numbers.extend(known.ints.iter().map(|&n| Decimal::from_int(n)));
        let decimals = decimal_candidates(&numbers);
        let mut strings: Vec<String> = known.strings.iter().cloned().collect();
        // One string that neither the ruleset nor the document holds.
        let fresh = (0..=strings.len())
            .map(|n| "?".repeat(n))
            .find(|s| !known.strings.contains(s))
            .unwrap_or_default();
        strings.push(fresh);
        Candidates {
            ints: ints.into_iter().collect(),
            decimals,
            strings,
        }
    }

    /// The candidate values of a fact of type `ty`.
    pub(super) fn of(&self, schema: &Schema, ty: Type, known: &Known) -> Vec<Value> {
        match ty {
            Type::Bool => vec![Value::Bool(true), Value::Bool(false)],
            Type::Int => self.ints.iter().map(|&n| Value::Int(n)).collect(),
            Type::Decimal => self
                .decimals
                .iter()
                .map(|&d| Value::Decimal(Box::new(d)))
                .collect(),
            Type::String => self
                .strings
                .iter()
                .map(|s| Value::Str(s.as_str().into()))
                .collect(),
            Type::Enum(e) => {
                let n = schema.enums.get(e).map_or(0, |d| d.variants.len());
                (0..n)
                    .filter_map(|v| u16::try_from(v).ok())
                    .map(Value::Enum)
                    .collect()
            }
            Type::Set(e) => set_candidates(schema, e, known)
                .into_iter()
                .map(|m| Value::Set(SetBits::new(m)))
                .collect(),
            Type::List(r) => self.lists(schema, r, known),
            Type::Record(_) => Vec::new(),
        }
    }

    /// The candidate lists of records `r`: empty, one element with nothing
    /// known, and one element with one field the ruleset reads given.
    fn lists(&self, schema: &Schema, r: RecordId, known: &Known) -> Vec<Value> {
        let Some(record) = schema.record(r) else {
            return Vec::new();
        };
        let size = record.size;
        let mut out = vec![
            Value::List(Box::new([])),
            Value::List(Box::new([Frame::absent(size)])),
        ];
        // The leaves of the element, nested records included (their
        // presence slots with them), lists left absent.
        let mut todo = vec![(r, 0usize, Vec::<usize>::new(), false)];
        while let Some((rec, base, parents, around)) = todo.pop() {
            let Some(def) = schema.record(rec) else {
                continue;
            };
            for (name, field) in &def.fields {
                let slot = base + field.offset;
                let read = around || known.reads.contains(&(rec, name.clone()));
                match field.ty {
                    Type::Record(inner) => {
                        let mut p = parents.clone();
                        p.push(slot);
                        todo.push((inner, slot + 1, p, read));
                    }
                    Type::List(_) => {
                        if read {
                            let mut element = Frame::absent(size);
                            for &p in &parents {
                                element.put(p, Value::Present);
                            }
                            element.put(slot, Value::List(Box::new([])));
                            out.push(Value::List(Box::new([element])));
                        }
                    }
                    ty => {
                        if !read {
                            continue;
                        }
                        for value in self.of(schema, ty, known) {
                            let mut element = Frame::absent(size);
                            for &p in &parents {
                                element.put(p, Value::Present);
                            }
                            element.put(slot, value);
                            out.push(Value::List(Box::new([element])));
                        }
                    }
                }
            }
        }
        out
    }
}

/// The candidate decimals: every constant, one number strictly between each
/// two in a row (one unit of a decimal place past both their scales, or of
/// the last place when one of them has every decimal: then no number with
/// at most [`Decimal::MAX_SCALE`] decimals lies between them unless that
/// one does), and one below and one above them all.
fn decimal_candidates(constants: &BTreeSet<Decimal>) -> Vec<Decimal> {
    let zero = Decimal::from_int(0);
    let mut all: BTreeSet<Decimal> = constants.clone();
    all.insert(zero);
    let sorted: Vec<Decimal> = all.iter().copied().collect();
    let mut out = all;
    for pair in sorted.windows(2) {
        if let [a, b] = pair {
            let scale = (a.scale().max(b.scale()) + 1).min(Decimal::MAX_SCALE);
            out.extend(a.nudge(scale, true).filter(|m| m < b));
        }
    }
    if let Some(low) = sorted.first() {
        out.extend(low.plus_one(false));
    }
    if let Some(high) = sorted.last() {
        out.extend(high.plus_one(true));
    }
    out.into_iter().collect()
}

/// The candidate sets of enum `e`'s values: see the module's comment.
fn set_candidates(schema: &Schema, e: EnumId, known: &Known) -> Vec<u128> {
    let n = schema.enums.get(e).map_or(0, |d| d.variants.len()).min(128);
    let all = if n == 128 {
        u128::MAX
    } else {
        (1u128 << n) - 1
    };
    let masks: Vec<u128> = known
        .masks
        .get(&e)
        .map(|m| m.iter().copied().collect())
        .unwrap_or_default();
    // Values with the same membership in every mask are alike.
    let mut classes: BTreeMap<Vec<bool>, u128> = BTreeMap::new();
    for v in 0..n {
        let b = 1u128 << v;
        let signature = masks.iter().map(|m| m & b != 0).collect();
        *classes.entry(signature).or_default() |= b;
    }
    let classes: Vec<u128> = classes.into_values().collect();
    let mut out = BTreeSet::new();
    if classes.len() <= MAX_SET_CLASSES {
        for pick in 0u32..(1u32 << classes.len()) {
            let set = classes
                .iter()
                .enumerate()
                .filter(|(i, _)| pick & (1 << i) != 0)
                .fold(0u128, |acc, (_, c)| acc | c);
            out.insert(set);
        }
    } else {
        out.insert(0);
        out.insert(all);
        for &c in &classes {
            out.insert(c);
            out.insert(all & !c);
        }
    }
    out.into_iter().collect()
}
