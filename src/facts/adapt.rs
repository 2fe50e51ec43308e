//! Facts carried from one schema into another's layout
//! ([`RuleSet::adopt`](crate::RuleSet::adopt)).
//!
//! Two rulesets often declare the same facts: the EU ruleset repeats the
//! State ruleset's schema, and a company that extends a bundled ruleset
//! repeats what it extends. Facts loaded for one of them are laid out in its
//! slots, so another ruleset cannot read them as they are; but when the two
//! schemas agree, they can be carried over, slot by slot, by name:
//!
//! - a fact path both schemas declare must have the same type in both
//!   (records and lists compared field by field, enums by the names of
//!   their values, each value of the facts' enum being a value of the
//!   ruleset's, in any order); otherwise the error names the path and both
//!   types;
//! - a fact only the facts' schema declares is left behind: the ruleset
//!   cannot read it;
//! - a fact only the ruleset declares is unknown, and the report says it is
//!   missing where a flag needs it;
//! - two schemas with no root fact in common do not agree: facts of an
//!   unrelated ruleset would evaluate as all unknown.
//!
//! Provenance goes with each value. The work is planned once per pair of
//! record types (a flat list of slot moves, nested records inlined) and then
//! done in one pass over the facts; recursion follows the lists of the facts,
//! whose depth the loader bounds (`MAX_FACTS_DEPTH`), and the schemas, whose
//! depth the checker bounds (`MAX_SCHEMA_DEPTH`).

use std::collections::HashMap;
use std::sync::Arc;

use super::schema::{EnumId, RecordId, Schema, Type};
use super::{Facts, FactsError, Frame, SetBits, Slot, Value, bit};

/// What a slot's value needs on the way.
#[derive(Clone, Copy, Debug)]
enum Carry {
    /// Nothing: a scalar, or the presence of a record.
    As,
    /// An enum value, renumbered by a map of [`Plans::maps`].
    Enum(usize),
    /// A set of enum values, renumbered by a map of [`Plans::maps`].
    Set(usize),
    /// A list, each element carried by a plan of [`Plans::plans`].
    List(usize),
}

/// One slot of a frame carried to a slot of the new frame.
#[derive(Clone, Copy, Debug)]
struct Move {
    from: usize,
    to: usize,
    carry: Carry,
}

/// How to carry a frame of one record type into a frame of another.
#[derive(Debug, Default)]
struct Plan {
    moves: Vec<Move>,
    /// The slots of a frame of the target record.
    size: usize,
}

/// The plans for one pair of schemas: the root's first.
#[derive(Debug, Default)]
struct Plans {
    plans: Vec<Plan>,
    /// For each pair of enums met, the target index of each source value.
    maps: Vec<Vec<u16>>,
}

/// Carries `facts`, loaded for `from`, into the layout of `to` (whose
/// layout has `fingerprint`), or says which path the two schemas disagree on.
pub(crate) fn adapt(
    from: &Schema,
    to: &Arc<Schema>,
    fingerprint: u64,
    facts: &Facts,
) -> Result<Facts, FactsError> {
    let plans = Plans::new(from, to)?;
    Ok(Facts {
        root: Arc::new(plans.carry(0, &facts.root)),
        id: facts.id.clone(),
        fingerprint,
        schema: Arc::clone(to),
        serial: super::next_serial(),
        len: facts.len,
    })
}

/// The error for a path the two schemas disagree on.
fn disagree(path: &str, message: String) -> FactsError {
    FactsError {
        path: path.to_string(),
        line: 0,
        column: 0,
        message,
    }
}

impl Plans {
    /// Plans the carrying of every record pair reachable from the roots.
    fn new(from: &Schema, to: &Schema) -> Result<Plans, FactsError> {
        let mut plans = Plans::default();
        let mut planned: HashMap<(RecordId, RecordId), usize> = HashMap::new();
        let mut mapped: HashMap<(EnumId, EnumId), usize> = HashMap::new();
        // Record pairs still to plan: their plan, the pair, and the path
        // that leads to them (for errors).
        let mut todo = vec![(0usize, from.root, to.root, String::new())];
        planned.insert((from.root, to.root), 0);
        plans.plans.push(Plan::default());
        while let Some((plan, from_record, to_record, path)) = todo.pop() {
            let mut moves = Vec::new();
            // Nested records are inlined: (source record, target record,
            // first slot of each, path).
            let mut inline = vec![(from_record, to_record, 0usize, 0usize, path.clone())];
            while let Some((fr, tr, from_base, to_base, prefix)) = inline.pop() {
                let (Some(fdef), Some(tdef)) = (from.record(fr), to.record(tr)) else {
                    continue;
                };
                for (name, tfield) in &tdef.fields {
                    let Some(ffield) = fdef.fields.get(name) else {
                        continue;
                    };
                    let path = if prefix.is_empty() {
                        name.clone()
                    } else {
                        format!("{prefix}.{name}")
                    };
                    let (from_slot, to_slot) = (from_base + ffield.offset, to_base + tfield.offset);
                    let carry = match (ffield.ty, tfield.ty) {
                        (Type::Bool, Type::Bool)
                        | (Type::Int, Type::Int)
                        | (Type::Decimal, Type::Decimal)
                        | (Type::String, Type::String) => Carry::As,
                        (Type::Enum(a), Type::Enum(b)) => {
                            Carry::Enum(plans.map(from, to, a, b, &path, &mut mapped)?)
                        }
                        (Type::Set(a), Type::Set(b)) => {
                            Carry::Set(plans.map(from, to, a, b, &path, &mut mapped)?)
                        }
                        (Type::Record(a), Type::Record(b)) => {
                            inline.push((a, b, from_slot + 1, to_slot + 1, path));
                            Carry::As
                        }
                        (Type::List(a), Type::List(b)) => {
                            let next = plans.plans.len();
                            let element = *planned.entry((a, b)).or_insert(next);
                            if element == next {
                                plans.plans.push(Plan::default());
                                todo.push((element, a, b, format!("{path}[]")));
                            }
                            Carry::List(element)
                        }
                        (f, t) => {
                            return Err(disagree(
                                &path,
                                format!(
                                    "the facts hold {} here, and this ruleset reads {}",
                                    described(from, f),
                                    described(to, t)
                                ),
                            ));
                        }
                    };
                    moves.push(Move {
                        from: from_slot,
                        to: to_slot,
                        carry,
                    });
                }
            }
            if plan == 0 && moves.is_empty() {
                // Facts of an unrelated ruleset: carrying them would
                // evaluate nothing but unknowns, surely not what was meant.
                return Err(disagree(
                    "",
                    "the facts' schema and this ruleset's declare no fact in common".into(),
                ));
            }
            if let Some(p) = plans.plans.get_mut(plan) {
                p.moves = moves;
                p.size = to.record(to_record).map_or(0, |r| r.size);
            }
        }
        Ok(plans)
    }

    /// The map from the values of enum `a` of `from` to those of enum `b`
    /// of `to`, made once per pair; an error if a value of `a` is not one
    /// of `b`.
    fn map(
        &mut self,
        from: &Schema,
        to: &Schema,
        a: EnumId,
        b: EnumId,
        path: &str,
        mapped: &mut HashMap<(EnumId, EnumId), usize>,
    ) -> Result<usize, FactsError> {
        if let Some(&m) = mapped.get(&(a, b)) {
            return Ok(m);
        }
        let (Some(source), Some(target)) = (from.enums.get(a), to.enums.get(b)) else {
            return Err(disagree(path, "an enum of the schema is missing".into()));
        };
        let mut map = Vec::with_capacity(source.variants.len());
        for value in source.variants.keys() {
            let index = target
                .variants
                .get_index_of(value)
                .and_then(|i| u16::try_from(i).ok())
                .ok_or_else(|| {
                    disagree(
                        path,
                        format!(
                            "the facts' enum {} has the value `{value}`, which this \
                             ruleset's {} does not",
                            source.name, target.name
                        ),
                    )
                })?;
            map.push(index);
        }
        self.maps.push(map);
        let m = self.maps.len() - 1;
        mapped.insert((a, b), m);
        Ok(m)
    }

    /// A frame carried by plan `plan`.
    fn carry(&self, plan: usize, frame: &Frame) -> Frame {
        let Some(plan) = self.plans.get(plan) else {
            return Frame::default();
        };
        let mut out = Frame::absent(plan.size);
        for m in &plan.moves {
            let value = match (m.carry, frame.value(m.from)) {
                (_, Value::Absent) => continue,
                (Carry::Enum(map), Value::Enum(i)) => match self.renumber(map, *i) {
                    Some(i) => Value::Enum(i),
                    None => continue,
                },
                (Carry::Set(map), Value::Set(bits)) => {
                    let (have, mut set) = (bits.get(), 0u128);
                    for i in 0..128u16 {
                        if have & bit(i) != 0
                            && let Some(j) = self.renumber(map, i)
                        {
                            set |= bit(j);
                        }
                    }
                    Value::Set(SetBits::new(set))
                }
                (Carry::List(element), Value::List(items)) => {
                    Value::List(items.iter().map(|item| self.carry(element, item)).collect())
                }
                (_, value) => value.clone(),
            };
            let provenance = frame.provenance(m.from).cloned().map(Box::new);
            out.store(m.to, Slot { value, provenance });
        }
        out
    }

    /// The target index of value `i` of a source enum.
    fn renumber(&self, map: usize, i: u16) -> Option<u16> {
        self.maps.get(map)?.get(usize::from(i)).copied()
    }
}

/// A type in words, for an error: `a bool`, `an int`, `the enum Role`,
/// `a list<Party>`.
fn described(schema: &Schema, ty: Type) -> String {
    let name = schema.type_name(ty);
    let kind = match ty {
        Type::Enum(_) => "the enum ",
        Type::Record(_) => "the record ",
        Type::Int => "an ",
        _ => "a ",
    };
    format!("{kind}{name}")
}
