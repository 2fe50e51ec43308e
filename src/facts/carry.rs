//! Facts loaded for one schema carried into another's layout *exactly*: the
//! copy is what loading the same document for the other schema gives, or
//! the carrying is refused and the caller loads the document again. It lets
//! the diff (`Impact`), which evaluates every document with two rulesets
//! whose schemas differ, read each document once instead of twice.
//!
//! [`adapt`](mod@super::adapt) (`RuleSet::adopt`) carries what both schemas
//! declare and leaves the rest behind; this must give what the other
//! schema's loader would make of the text, so it refuses whenever that
//! loader could read the document otherwise:
//!
//! - a key of a field the other schema does not declare: that loader
//!   refuses it whatever its value, `null` included, which loads as
//!   nothing; the loader reports such keys as it reads them ([`Watch`]);
//! - a value whose type differs, unless the other loader's value follows
//!   from it: `int` to `decimal` (an `int` was written without point or
//!   exponent, which reads as the same decimal), an enum value to its name
//!   as a `string` and a `string` to the enum value of that name, enum
//!   values and sets to the values of the same names (one the other enum
//!   lacks is refused); an absent value (`null` or left out) without
//!   provenance, which every type reads as unknown;
//! - list elements that hold more than `MAX_FACT_SLOTS` slots in the other
//!   layout, which its loader refuses.
//!
//! Nothing else can differ. A document the first loader accepted names no
//! key the first schema lacks; its values open the same arrays and objects
//! in both, so it is as deep for both; a key given twice was refused
//! already. Provenance is read alike for every carried type: the
//! conversions stay among numbers (whose wrapper takes a `null` source) or
//! among the others (whose wrapper does not).
//!
//! The work is planned once per pair of schemas, as `adapt` plans it (a
//! flat list of slot moves per pair of record types, nested records
//! inlined), and then done in one pass over the facts.

use std::collections::HashMap;
use std::sync::Arc;

use super::load::Watch;
use super::schema::{EnumId, RecordId, Schema, Type};
use super::{Facts, Frame, SetBits, Slot, Value, bit};
use crate::decimal::Decimal;
use crate::limits::MAX_FACT_SLOTS;

/// What a slot's value needs on the way.
#[derive(Clone, Copy, Debug)]
enum Carry {
    /// Nothing: the same type, or the presence of a record.
    As,
    /// An enum value, renumbered by a map of [`Carrier::maps`].
    Enum(usize),
    /// A set of enum values, renumbered by a map of [`Carrier::maps`].
    Set(usize),
    /// A list, each element carried by a plan of [`Carrier::plans`].
    List(usize),
    /// An `int` read as a `decimal`.
    IntToDecimal,
    /// A value of the source enum read as its name.
    EnumToString(EnumId),
    /// A string read as the value of the target enum of that name.
    StringToEnum(EnumId),
    /// Types that differ otherwise: only an absent value without provenance
    /// reads alike.
    Unknown,
}

/// One slot of a frame carried to a slot of the new frame.
#[derive(Clone, Copy, Debug)]
struct Move {
    from: usize,
    to: usize,
    carry: Carry,
}

/// How to carry a frame of one record type into a frame of another.
#[derive(Clone, Debug, Default)]
struct Plan {
    /// Runs of slots whose values move as they are, each `(from, to,
    /// length)`: a slice swap, when the frame holds no provenance.
    runs: Vec<(usize, usize, usize)>,
    /// The other slots, one by one.
    moves: Vec<Move>,
    /// The slots of a frame of the target record.
    size: usize,
    /// Whether frames are carried as they are: the same layout, every
    /// value as it is (a record that did not change).
    same: bool,
}

impl Plan {
    /// The plan of `moves` into a frame of `size` slots from one of
    /// `from_size`.
    fn new(mut moves: Vec<Move>, from_size: usize, size: usize) -> Plan {
        moves.sort_by_key(|m| m.from);
        let mut plan = Plan {
            size,
            ..Plan::default()
        };
        for m in moves {
            match (m.carry, plan.runs.last_mut()) {
                (Carry::As, Some((from, to, len)))
                    if *from + *len == m.from && *to + *len == m.to =>
                {
                    *len += 1
                }
                (Carry::As, _) => plan.runs.push((m.from, m.to, 1)),
                _ => plan.moves.push(m),
            }
        }
        plan.same = plan.moves.is_empty()
            && from_size == size
            && plan.runs.iter().all(|(from, to, _)| from == to)
            && plan.runs.iter().map(|(_, _, len)| len).sum::<usize>() == size;
        plan
    }
}

/// The plans for carrying facts of one schema into another's layout.
#[derive(Clone, Debug)]
pub(crate) struct Carrier {
    /// The schema the facts must have been loaded for, and its layout.
    from: Arc<Schema>,
    from_fingerprint: u64,
    to: Arc<Schema>,
    to_fingerprint: u64,
    /// The root's first.
    plans: Vec<Plan>,
    /// For each pair of enums met, the target index of each source value,
    /// `None` for a value the target lacks.
    maps: Vec<Vec<Option<u16>>>,
    /// The fields of the source schema that the target does not declare.
    watch: Watch,
}

/// What planning keeps until it is done: the plans and maps made so far,
/// by pair, and the record pairs still to plan.
#[derive(Default)]
struct Planning {
    planned: HashMap<(RecordId, RecordId), usize>,
    mapped: HashMap<(EnumId, EnumId), usize>,
    /// A plan still to make, and its pair of records.
    todo: Vec<(usize, RecordId, RecordId)>,
}

impl Carrier {
    /// Plans the carrying of facts of `from` (whose layout has
    /// `from_fingerprint`) into the layout of `to`.
    pub(crate) fn new(
        from: &Arc<Schema>,
        from_fingerprint: u64,
        to: &Arc<Schema>,
        to_fingerprint: u64,
    ) -> Carrier {
        let mut carrier = Carrier {
            from: Arc::clone(from),
            from_fingerprint,
            to: Arc::clone(to),
            to_fingerprint,
            plans: Vec::new(),
            maps: Vec::new(),
            watch: Watch::default(),
        };
        let mut planning = Planning::default();
        carrier.element(from.root, to.root, &mut planning);
        while let Some((plan, from_record, to_record)) = planning.todo.pop() {
            let moves = carrier.moves(from_record, to_record, &mut planning);
            let from_size = from.record(from_record).map_or(0, |r| r.size);
            let size = to.record(to_record).map_or(0, |r| r.size);
            if let Some(p) = carrier.plans.get_mut(plan) {
                *p = Plan::new(moves, from_size, size);
            }
        }
        carrier
    }

    /// The moves that carry a frame of record `from_record` into one of
    /// `to_record`, nested records inlined; watches the fields the target
    /// lacks.
    fn moves(
        &mut self,
        from_record: RecordId,
        to_record: RecordId,
        planning: &mut Planning,
    ) -> Vec<Move> {
        let (from, to) = (Arc::clone(&self.from), Arc::clone(&self.to));
        let mut moves = Vec::new();
        // (source record, target record, first slot of each).
        let mut inline = vec![(from_record, to_record, 0usize, 0usize)];
        while let Some((fr, tr, from_base, to_base)) = inline.pop() {
            let (Some(fdef), Some(tdef)) = (from.record(fr), to.record(tr)) else {
                continue;
            };
            for (index, (name, ffield)) in fdef.fields.iter().enumerate() {
                let Some(tfield) = tdef.fields.get(name) else {
                    self.watch.insert(fr, index);
                    continue;
                };
                let (from_slot, to_slot) = (from_base + ffield.offset, to_base + tfield.offset);
                let carry = match (ffield.ty, tfield.ty) {
                    (Type::Enum(a), Type::Enum(b)) | (Type::Set(a), Type::Set(b))
                        if self.same_values(a, b) =>
                    {
                        Carry::As
                    }
                    (Type::Enum(a), Type::Enum(b)) => Carry::Enum(self.map(a, b, planning)),
                    (Type::Set(a), Type::Set(b)) => Carry::Set(self.map(a, b, planning)),
                    (Type::Record(a), Type::Record(b)) => {
                        inline.push((a, b, from_slot + 1, to_slot + 1));
                        Carry::As
                    }
                    (Type::List(a), Type::List(b)) => Carry::List(self.element(a, b, planning)),
                    (f, t) if f == t => Carry::As,
                    (Type::Int, Type::Decimal) => Carry::IntToDecimal,
                    (Type::Enum(a), Type::String) => Carry::EnumToString(a),
                    (Type::String, Type::Enum(b)) => Carry::StringToEnum(b),
                    _ => Carry::Unknown,
                };
                moves.push(Move {
                    from: from_slot,
                    to: to_slot,
                    carry,
                });
            }
        }
        moves
    }

    /// The plan for list elements of record `a` carried into record `b`,
    /// made once per pair (planned later, from `planning.todo`).
    fn element(&mut self, a: RecordId, b: RecordId, planning: &mut Planning) -> usize {
        let next = self.plans.len();
        let plan = *planning.planned.entry((a, b)).or_insert(next);
        if plan == next {
            self.plans.push(Plan::default());
            planning.todo.push((plan, a, b));
        }
        plan
    }

    /// Whether enum `a` of the source has the values of enum `b` of the
    /// target, in the same order: its values then need no renumbering.
    fn same_values(&self, a: EnumId, b: EnumId) -> bool {
        match (self.from.enums.get(a), self.to.enums.get(b)) {
            (Some(a), Some(b)) => a.variants.keys().eq(b.variants.keys()),
            _ => false,
        }
    }

    /// The map from the values of enum `a` of the source to those of enum
    /// `b` of the target, by name, made once per pair.
    fn map(&mut self, a: EnumId, b: EnumId, planning: &mut Planning) -> usize {
        if let Some(&m) = planning.mapped.get(&(a, b)) {
            return m;
        }
        let target = self.to.enums.get(b);
        let map = self.from.enums.get(a).map_or_else(Vec::new, |source| {
            source
                .variants
                .keys()
                .map(|value| {
                    target
                        .and_then(|t| t.variants.get_index_of(value))
                        .and_then(|i| u16::try_from(i).ok())
                })
                .collect()
        });
        self.maps.push(map);
        let m = self.maps.len() - 1;
        planning.mapped.insert((a, b), m);
        m
    }

    /// The fields whose keys make a document unfit for carrying: load with
    /// [`load_json_watching`](super::load_json_watching) and carry only when
    /// it saw none.
    pub(crate) fn watch(&self) -> &Watch {
        &self.watch
    }

    /// `facts` (loaded for the source schema from a document that gave no
    /// watched key) carried into the target's layout, their values moved:
    /// what loading the same document for the target gives, or `None` when
    /// that could differ (the facts are then spent).
    pub(crate) fn carry(&self, facts: Facts) -> Option<Facts> {
        if facts.fingerprint != self.from_fingerprint {
            return None;
        }
        // Facts just loaded are not shared; shared ones are copied.
        let root = Arc::try_unwrap(facts.root).unwrap_or_else(|root| (*root).clone());
        let mut slots = 0usize;
        let root = self.frame(0, root, &mut slots)?;
        Some(Facts {
            root: Arc::new(root),
            id: facts.id,
            fingerprint: self.to_fingerprint,
            schema: Arc::clone(&self.to),
            serial: super::next_serial(),
            len: facts.len,
        })
    }

    /// A frame carried by plan `plan`; `slots` counts the slots of the list
    /// elements carried so far, as the target's loader counts them.
    fn frame(&self, plan: usize, mut frame: Frame, slots: &mut usize) -> Option<Frame> {
        let plan = self.plans.get(plan)?;
        if plan.same {
            return Some(frame);
        }
        let mut out = Frame::absent(plan.size);
        for &(from, to, len) in &plan.runs {
            if frame.provenance.is_empty() {
                let source = frame.slots.get_mut(from..from + len)?;
                out.slots.get_mut(to..to + len)?.swap_with_slice(source);
            } else {
                for i in 0..len {
                    let m = Move {
                        from: from + i,
                        to: to + i,
                        carry: Carry::As,
                    };
                    self.slot(m, &mut frame, &mut out, slots)?;
                }
            }
        }
        for m in &plan.moves {
            self.slot(*m, &mut frame, &mut out, slots)?;
        }
        Some(out)
    }

    /// Carries the value of one slot of `frame` into `out` by move `m`.
    fn slot(&self, m: Move, frame: &mut Frame, out: &mut Frame, slots: &mut usize) -> Option<()> {
        let provenance = if frame.provenance.is_empty() {
            None
        } else {
            frame.provenance(m.from).cloned().map(Box::new)
        };
        let stored = frame.slots.get_mut(m.from)?;
        let value = match (m.carry, std::mem::take(&mut stored.value)) {
            (Carry::Unknown, Value::Absent) if provenance.is_none() => return Some(()),
            (Carry::Unknown, _) => return None,
            (_, Value::Absent) => Value::Absent,
            (Carry::As, value) => value,
            (Carry::Enum(map), Value::Enum(i)) => Value::Enum(self.renumber(map, i)?),
            (Carry::Set(map), Value::Set(bits)) => {
                let (have, mut set) = (bits.get(), 0u128);
                for i in 0..128u16 {
                    if have & bit(i) != 0 {
                        set |= bit(self.renumber(map, i)?);
                    }
                }
                Value::Set(SetBits::new(set))
            }
            (Carry::List(element), Value::List(items)) => {
                let size = self.plans.get(element)?.size.max(1);
                *slots = slots.saturating_add(size.saturating_mul(items.len()));
                if *slots > MAX_FACT_SLOTS {
                    return None;
                }
                let items: Option<Box<[Frame]>> = items
                    .into_vec()
                    .into_iter()
                    .map(|item| self.frame(element, item, slots))
                    .collect();
                Value::List(items?)
            }
            (Carry::IntToDecimal, Value::Int(n)) => Value::Decimal(Box::new(Decimal::from_int(n))),
            (Carry::EnumToString(e), Value::Enum(i)) => {
                let name = self
                    .from
                    .enums
                    .get(e)?
                    .variants
                    .get_index(usize::from(i))?
                    .0;
                Value::Str(name.as_str().into())
            }
            (Carry::StringToEnum(e), Value::Str(name)) => {
                let i = self.to.enums.get(e)?.variants.get_index_of(&*name)?;
                Value::Enum(u16::try_from(i).ok()?)
            }
            // A value not of its field's type: loaded facts hold none.
            _ => return None,
        };
        if !matches!(value, Value::Absent) || provenance.is_some() {
            out.store(m.to, Slot { value, provenance });
        }
        Some(())
    }

    /// The target index of value `i` of a source enum, if it has one.
    fn renumber(&self, map: usize, i: u16) -> Option<u16> {
        *self.maps.get(map)?.get(usize::from(i))?
    }
}

#[cfg(test)]
mod tests;
