//! The reference interpreter: a plain, obviously correct reading of the
//! checked rules, used as the oracle that the compiled evaluator is tested
//! against. It looks every fact up by name at every read and favours clarity
//! over speed. Nothing in a report comes from it; explanations do
//! (`RuleSet::explain`), and the property tests prove it agrees with the
//! compiled evaluator on every status and missing fact.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use super::scalar::Scalar;
use crate::budget::Steps;
use crate::check::Checked;
use crate::check::ir::{Base, Cond, FactRef, SetExpr, SetLit, SetOrValue, Value as IrValue};
use crate::facts::schema::RecordId;
use crate::facts::{Facts, Frame, Value};
use crate::limits::MAX_MISSING_PER_FLAG;
use crate::syntax::ast::{CmpOp, Quant, SetTest};
use crate::tri::{Range, Tri};

/// A result and, when it is unknown, the absent facts that kept it so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Traced {
    pub value: Tri,
    pub missing: BTreeSet<String>,
}

impl Traced {
    fn known(value: Tri) -> Traced {
        Traced {
            value,
            missing: BTreeSet::new(),
        }
    }
}

/// Adds `more` to a set of missing paths and keeps its first
/// [`MAX_MISSING_PER_FLAG`] in text order, as the report does. Keeping only
/// those at every union is exact: the first `k` of a union are among the
/// first `k` of each part.
/// What one condition or element costs the interpreter's budget, in the
/// compiled evaluator's steps: the interpreter looks facts up by name and
/// builds the paths of missing facts as it goes, about 13 times the work per
/// step on nested quantifiers (82 against 6.4 ns on this machine), so that
/// a budget buys about the same time on either.
const INTERPRETER_STEP: u32 = 16;

fn add_missing(set: &mut BTreeSet<String>, more: BTreeSet<String>) {
    set.extend(more);
    while set.len() > MAX_MISSING_PER_FLAG {
        set.pop_last();
    }
}

/// A predicate's result, or that it is being computed.
#[derive(Clone)]
enum Memo {
    Todo,
    Busy,
    Done(Traced),
}

/// A quantifier variable: its name, its element and where that element is.
pub(crate) struct Binding<'f> {
    pub name: String,
    pub frame: &'f Frame,
    pub record: RecordId,
    pub path: String,
}

/// What a value expression evaluated to.
enum Val<'f> {
    Scalar(Scalar<'f>),
    /// A count known within a range, and the facts that would narrow it.
    Count(Range, BTreeSet<String>),
    Unknown(BTreeSet<String>),
}

/// The interpreter over one checked ruleset and one transaction.
pub(crate) struct Interpreter<'a> {
    pub checked: &'a Checked,
    pub facts: &'a Facts,
    /// How many times evaluation met a value of a type the checker should
    /// have ruled out. The property tests assert that this stays zero.
    pub type_errors: Cell<usize>,
    /// Each predicate's result, computed once, on first use, by predicate id.
    memo: RefCell<Vec<Memo>>,
    /// What is left of the budget: each condition evaluated costs a step.
    steps: Cell<Steps>,
}

impl<'a> Interpreter<'a> {
    /// An interpreter over checked rules and facts loaded for them, with a
    /// budget of `budget` steps (one per condition evaluated).
    pub fn new(checked: &'a Checked, facts: &'a Facts, budget: u64) -> Interpreter<'a> {
        Interpreter {
            checked,
            facts,
            type_errors: Cell::new(0),
            memo: RefCell::new(vec![Memo::Todo; checked.predicates.len()]),
            steps: Cell::new(Steps::new(budget)),
        }
    }

    /// Spends the budget for `n` conditions or elements, each
    /// [`INTERPRETER_STEP`] steps; false when it is spent.
    fn charge(&self, n: usize) -> bool {
        let mut steps = self.steps.get();
        let paid = steps.charge_list(INTERPRETER_STEP, n);
        self.steps.set(steps);
        paid
    }

    /// Whether the budget ran out: results computed since are not to be used.
    pub fn over_budget(&self) -> bool {
        self.steps.get().over()
    }

    /// Predicate `p`'s result, computed once. The predicates it uses are
    /// computed first, depth first on a stack of our own: evaluating a body
    /// never goes into another predicate's, so a chain of predicates of any
    /// length costs no stack and each predicate is evaluated once.
    fn predicate(&self, p: usize) -> Traced {
        let mut todo = vec![(p, 0usize)];
        while let Some(&mut (q, ref mut next)) = todo.last_mut() {
            let state = self.memo.borrow().get(q).cloned();
            let Some(pred) = self.checked.predicates.get(q) else {
                todo.pop();
                continue;
            };
            match state {
                Some(Memo::Todo) => {
                    if let Some(slot) = self.memo.borrow_mut().get_mut(q) {
                        *slot = Memo::Busy;
                    }
                }
                Some(Memo::Busy) => {}
                Some(Memo::Done(_)) | None => {
                    todo.pop();
                    continue;
                }
            }
            if let Some(&dep) = pred.uses.get(*next) {
                *next += 1;
                if matches!(self.memo.borrow().get(dep), Some(Memo::Todo)) {
                    todo.push((dep, 0));
                }
                continue;
            }
            let traced = self.cond(&pred.body, &mut Vec::new());
            if let Some(slot) = self.memo.borrow_mut().get_mut(q) {
                *slot = Memo::Done(traced);
            }
            todo.pop();
        }
        match self.memo.borrow().get(p) {
            Some(Memo::Done(t)) => t.clone(),
            // INVARIANT: the checker refuses cycles of predicates, so every
            // predicate is done once its uses are.
            _ => self.fault(Traced::known(Tri::Unknown)),
        }
    }

    /// Records a type error and yields `value` so evaluation can go on.
    fn fault<T>(&self, value: T) -> T {
        self.type_errors.set(self.type_errors.get() + 1);
        value
    }

    /// Evaluates the condition of every flag, in declaration order.
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn flags(&self) -> Vec<Traced> {
        self.checked
            .flags
            .iter()
            .map(|f| self.cond(&f.when, &mut Vec::new()))
            .collect()
    }

    /// Evaluates the scope's condition, when the ruleset declares a scope.
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn scope(&self) -> Option<Traced> {
        let scope = self.checked.scope.as_ref()?;
        Some(self.cond(&scope.when, &mut Vec::new()))
    }

    /// Evaluates the condition of every safeguard, in declaration order.
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn safeguards(&self) -> Vec<Traced> {
        self.checked
            .safeguards
            .iter()
            .map(|s| self.cond(&s.when, &mut Vec::new()))
            .collect()
    }

    /// Finds the frame, slot and printed path of a fact.
    pub(crate) fn locate(
        &self,
        f: &FactRef,
        env: &[Binding<'a>],
    ) -> Option<(&'a Frame, usize, String)> {
        let schema = &self.checked.schema;
        let (frame, record, prefix) = match &f.base {
            Base::Root => (&*self.facts.root, schema.root, String::new()),
            Base::Binder { name, .. } => {
                let b = env.iter().rev().find(|b| &b.name == name)?;
                (b.frame, b.record, b.path.clone())
            }
        };
        let (slot, _) = schema.resolve(record, f.fields.iter().map(String::as_str))?;
        let mut path = prefix;
        for field in &f.fields {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(field);
        }
        Some((frame, slot, path))
    }

    /// The value of a fact, if present, and its printed path.
    pub(crate) fn read(&self, f: &FactRef, env: &[Binding<'a>]) -> (Option<&'a Value>, String) {
        match self.locate(f, env) {
            Some((frame, slot, path)) => match frame.value(slot) {
                Value::Absent => (None, path),
                v => (Some(v), path),
            },
            None => self.fault((None, f.dotted())),
        }
    }

    /// Evaluates a condition with quantifier variables bound in `env`.
    pub(crate) fn cond<'c>(&self, c: &'c Cond, env: &mut Vec<Binding<'a>>) -> Traced
    where
        'a: 'c,
    {
        if !self.charge(1) {
            // Over budget: the caller finds out from `over_budget`.
            return Traced::known(Tri::Unknown);
        }
        match c {
            Cond::Const(b) => Traced::known(Tri::from_bool(*b)),
            Cond::Fact(f) => match self.read(f, env) {
                (Some(Value::Bool(b)), _) => Traced::known(Tri::from_bool(*b)),
                (Some(_), path) => self.fault(unknown(path)),
                (None, path) => unknown(path),
            },
            Cond::Not(inner) => {
                let t = self.cond(inner, env);
                Traced {
                    value: t.value.not(),
                    missing: t.missing,
                }
            }
            Cond::And(items) => self.junction(items, env, Tri::False),
            Cond::Or(items) => self.junction(items, env, Tri::True),
            Cond::Cmp(op, a, b) => self.compare(*op, a, b, env),
            Cond::In(v, set) => self.membership(v, set, env),
            Cond::Contains(test, f, right) => self.contains(*test, f, right, env),
            Cond::Quant(q, list, name, body) => self.quantified(*q, list, name, body, env),
            Cond::Known(f) => Traced::known(Tri::from_bool(self.read(f, env).0.is_some())),
            Cond::Pred(p) => self.predicate(*p),
        }
    }

    /// A comparison: of two scalars, or of counts with their ranges.
    fn compare<'c>(
        &self,
        op: CmpOp,
        a: &'c IrValue,
        b: &'c IrValue,
        env: &mut Vec<Binding<'a>>,
    ) -> Traced
    where
        'a: 'c,
    {
        let (a, b) = (self.value(a, env), self.value(b, env));
        let mut missing = BTreeSet::new();
        let mut range = |v: Val<'_>| match v {
            Val::Scalar(Scalar::Int(n)) => Some(Range::exact(n)),
            Val::Count(r, m) => {
                add_missing(&mut missing, m);
                Some(r)
            }
            Val::Unknown(m) => {
                add_missing(&mut missing, m);
                None
            }
            Val::Scalar(_) => None,
        };
        if let (Val::Scalar(x), Val::Scalar(y)) = (&a, &b) {
            return match x.compare(*y) {
                Some(o) => Traced::known(Tri::from_bool(op.holds(o))),
                None => self.fault(Traced::known(Tri::False)),
            };
        }
        let unknown_operand = matches!(a, Val::Unknown(_)) || matches!(b, Val::Unknown(_));
        let (x, y) = (range(a), range(b));
        if !unknown_operand && (x.is_none() || y.is_none()) {
            return self.fault(Traced::known(Tri::False));
        }
        let value = match (x, y) {
            (Some(x), Some(y)) => x.compare(op, y),
            _ => Tri::Unknown,
        };
        if value == Tri::Unknown {
            Traced { value, missing }
        } else {
            Traced::known(value)
        }
    }

    /// `value in set`.
    fn membership<'c>(&self, v: &'c IrValue, set: &'c SetExpr, env: &mut Vec<Binding<'a>>) -> Traced
    where
        'a: 'c,
    {
        let mut missing = BTreeSet::new();
        let item = match self.value(v, env) {
            Val::Scalar(s) => Some(s),
            Val::Unknown(m) | Val::Count(_, m) => {
                add_missing(&mut missing, m);
                None
            }
        };
        let set = match set {
            SetExpr::Fact(f) => match self.read(f, env) {
                (Some(Value::Set(mask)), _) => Some(Members::Mask(mask.get())),
                (_, path) => {
                    missing.insert(path);
                    None
                }
            },
            SetExpr::Lit(SetLit::Enum(_, mask)) => Some(Members::Mask(*mask)),
            SetExpr::Lit(SetLit::Values(values)) => Some(Members::Values(values)),
        };
        let (Some(item), Some(set)) = (item, set) else {
            return Traced {
                value: Tri::Unknown,
                missing,
            };
        };
        let holds = match (set, item) {
            (Members::Mask(mask), Scalar::Enum(i)) => mask & crate::facts::bit(i) != 0,
            (Members::Values(values), item) => values
                .iter()
                .any(|l| item.compare(Scalar::of_lit(l)) == Some(std::cmp::Ordering::Equal)),
            (Members::Mask(_), _) => self.fault(false),
        };
        Traced::known(Tri::from_bool(holds))
    }

    /// `set contains …` (one value, `any`, `all` or `none` of a set).
    fn contains<'c>(
        &self,
        test: SetTest,
        f: &'c FactRef,
        right: &'c SetOrValue,
        env: &mut Vec<Binding<'a>>,
    ) -> Traced
    where
        'a: 'c,
    {
        let mut missing = BTreeSet::new();
        let have = match self.read(f, env) {
            (Some(Value::Set(m)), _) => Some(m.get()),
            (_, path) => {
                missing.insert(path);
                None
            }
        };
        let want = match right {
            SetOrValue::Value(v) => match self.value(v, env) {
                Val::Scalar(Scalar::Enum(i)) => Some(crate::facts::bit(i)),
                Val::Unknown(m) | Val::Count(_, m) => {
                    add_missing(&mut missing, m);
                    None
                }
                Val::Scalar(_) => self.fault(Some(0)),
            },
            SetOrValue::Set(SetExpr::Lit(SetLit::Enum(_, m))) => Some(*m),
            SetOrValue::Set(SetExpr::Lit(SetLit::Values(_))) => self.fault(Some(0)),
            SetOrValue::Set(SetExpr::Fact(g)) => match self.read(g, env) {
                (Some(Value::Set(m)), _) => Some(m.get()),
                (_, path) => {
                    missing.insert(path);
                    None
                }
            },
        };
        let (Some(have), Some(want)) = (have, want) else {
            return Traced {
                value: Tri::Unknown,
                missing,
            };
        };
        let holds = match test {
            SetTest::One | SetTest::Any => have & want != 0,
            SetTest::All => have & want == want,
            SetTest::None => have & want == 0,
        };
        Traced::known(Tri::from_bool(holds))
    }

    /// `any` or `all` over a list.
    fn quantified<'c>(
        &self,
        q: Quant,
        list: &'c FactRef,
        name: &str,
        body: &'c Cond,
        env: &mut Vec<Binding<'a>>,
    ) -> Traced
    where
        'a: 'c,
    {
        let (decisive, other) = match q {
            Quant::Any => (Tri::True, Tri::False),
            Quant::All => (Tri::False, Tri::True),
        };
        let mut decided = false;
        let mut missing = BTreeSet::new();
        let mut unknown = false;
        let each = self.each(list, name, Some(body), env, &mut |t: Traced| {
            if t.value == decisive {
                decided = true;
            } else if t.value == Tri::Unknown {
                unknown = true;
                add_missing(&mut missing, t.missing);
            }
        });
        if let Err(missing) = each {
            return missing;
        }
        if decided {
            Traced::known(decisive)
        } else if unknown {
            Traced {
                value: Tri::Unknown,
                missing,
            }
        } else {
            Traced::known(other)
        }
    }

    /// `and` (`decisive` false) or `or` (`decisive` true).
    fn junction<'c>(&self, items: &'c [Cond], env: &mut Vec<Binding<'a>>, decisive: Tri) -> Traced
    where
        'a: 'c,
    {
        let mut decided = false;
        let mut missing = BTreeSet::new();
        let mut any_unknown = false;
        // Every item is evaluated, as the interpreter is a plain reading.
        for t in items.iter().map(|i| self.cond(i, env)) {
            if t.value == decisive {
                decided = true;
            } else if t.value == Tri::Unknown {
                any_unknown = true;
                add_missing(&mut missing, t.missing);
            }
        }
        if decided {
            Traced::known(decisive)
        } else if any_unknown {
            Traced {
                value: Tri::Unknown,
                missing,
            }
        } else {
            Traced::known(decisive.not())
        }
    }

    /// Evaluates `body` for each element of a list and hands each result to
    /// `seen`, or gives the list's absence.
    fn each<'c>(
        &self,
        list: &FactRef,
        name: &str,
        body: Option<&'c Cond>,
        env: &mut Vec<Binding<'a>>,
        seen: &mut dyn FnMut(Traced),
    ) -> Result<(), Traced>
    where
        'a: 'c,
    {
        let (value, path) = self.read(list, env);
        let frames = match value {
            Some(Value::List(frames)) => frames,
            Some(_) => return Err(self.fault(unknown(path))),
            None => return Err(unknown(path)),
        };
        let crate::facts::schema::Type::List(record) = list.ty else {
            return Err(self.fault(unknown(path)));
        };
        let Some(body) = body else {
            // `count(x in list)`: every element counts, none is bound.
            if self.charge(frames.len()) {
                frames.iter().for_each(|_| seen(Traced::known(Tri::True)));
            }
            return Ok(());
        };
        for (i, frame) in frames.iter().enumerate() {
            // Each element visited costs a step, besides its condition's.
            if !self.charge(1) {
                break;
            }
            env.push(Binding {
                name: name.to_string(),
                frame,
                record,
                path: format!("{path}[{i}]"),
            });
            seen(self.cond(body, env));
            env.pop();
        }
        Ok(())
    }

    fn value<'c>(&self, v: &'c IrValue, env: &mut Vec<Binding<'a>>) -> Val<'c>
    where
        'a: 'c,
    {
        match v {
            IrValue::Lit(l) => Val::Scalar(Scalar::of_lit(l)),
            IrValue::Fact(f) => match self.read(f, env) {
                (Some(value), path) => match Scalar::of_value(value) {
                    Some(s) => Val::Scalar(s),
                    None => Val::Unknown(BTreeSet::from([path])),
                },
                (None, path) => Val::Unknown(BTreeSet::from([path])),
            },
            IrValue::Count(list, name, body) => {
                let (mut sure, mut maybe) = (0usize, 0usize);
                let mut missing = BTreeSet::new();
                let each = self.each(list, name, body.as_deref(), env, &mut |t: Traced| {
                    match t.value {
                        Tri::True => sure += 1,
                        // The count is only known within a range; which facts
                        // would narrow it is recorded with the comparison that
                        // reads it.
                        Tri::Unknown => {
                            maybe += 1;
                            add_missing(&mut missing, t.missing);
                        }
                        Tri::False => {}
                    }
                });
                match each {
                    Err(t) => Val::Unknown(t.missing),
                    Ok(()) => {
                        let lo = i64::try_from(sure).unwrap_or(i64::MAX);
                        let hi = i64::try_from(sure + maybe).unwrap_or(i64::MAX);
                        Val::Count(Range { lo, hi }, missing)
                    }
                }
            }
        }
    }
}

/// The members of a set, for `in`.
enum Members<'a> {
    Mask(u128),
    Values(&'a [crate::check::ir::Lit]),
}

fn unknown(path: String) -> Traced {
    Traced {
        value: Tri::Unknown,
        missing: BTreeSet::from([path]),
    }
}
