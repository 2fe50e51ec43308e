//! The reference interpreter: a plain, obviously correct reading of the
//! checked rules, used as the oracle that the compiled evaluator is tested
//! against. It looks every fact up by name at every read and favours clarity
//! over speed. Nothing in a report comes from it; explanations do
//! (`RuleSet::explain`), and the property tests prove it agrees with the
//! compiled evaluator on every status and missing fact.

use std::collections::BTreeSet;

use super::scalar::Scalar;
use super::tri::{Range, Tri};
use crate::check::Checked;
use crate::check::ir::{Base, Cond, FactRef, SetExpr, SetLit, SetOrValue, Value as IrValue};
use crate::facts::schema::RecordId;
use crate::facts::{Facts, Frame, Value};
use crate::syntax::ast::{Quant, SetTest};

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
    pub type_errors: std::cell::Cell<usize>,
}

impl<'a> Interpreter<'a> {
    /// An interpreter over checked rules and facts loaded for them.
    pub fn new(checked: &'a Checked, facts: &'a Facts) -> Interpreter<'a> {
        Interpreter {
            checked,
            facts,
            type_errors: std::cell::Cell::new(0),
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
            Cond::Cmp(op, a, b) => {
                let (a, b) = (self.value(a, env), self.value(b, env));
                let mut missing = BTreeSet::new();
                let mut range = |v: Val<'_>| match v {
                    Val::Scalar(Scalar::Int(n)) => Some(Range::exact(n)),
                    Val::Count(r, m) => {
                        missing.extend(m);
                        Some(r)
                    }
                    Val::Unknown(m) => {
                        missing.extend(m);
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
                    (Some(x), Some(y)) => x.compare(*op, y),
                    _ => Tri::Unknown,
                };
                if value == Tri::Unknown {
                    Traced { value, missing }
                } else {
                    Traced::known(value)
                }
            }
            Cond::In(v, set) => {
                let mut missing = BTreeSet::new();
                let item = match self.value(v, env) {
                    Val::Scalar(s) => Some(s),
                    Val::Unknown(m) | Val::Count(_, m) => {
                        missing.extend(m);
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
                    (Members::Values(values), item) => values.iter().any(|l| {
                        item.compare(Scalar::of_lit(l)) == Some(std::cmp::Ordering::Equal)
                    }),
                    (Members::Mask(_), _) => self.fault(false),
                };
                Traced::known(Tri::from_bool(holds))
            }
            Cond::Contains(test, f, right) => {
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
                            missing.extend(m);
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
            Cond::Quant(q, list, name, body) => {
                let results = match self.each(list, name, Some(body.as_ref()), env) {
                    Ok(r) => r,
                    Err(missing) => return missing,
                };
                let (decisive, other) = match q {
                    Quant::Any => (Tri::True, Tri::False),
                    Quant::All => (Tri::False, Tri::True),
                };
                if results.iter().any(|t| t.value == decisive) {
                    return Traced::known(decisive);
                }
                let mut missing = BTreeSet::new();
                for t in results.into_iter().filter(|t| t.value == Tri::Unknown) {
                    missing.extend(t.missing);
                }
                if missing.is_empty() {
                    Traced::known(other)
                } else {
                    Traced {
                        value: Tri::Unknown,
                        missing,
                    }
                }
            }
            Cond::Known(f) => Traced::known(Tri::from_bool(self.read(f, env).0.is_some())),
            Cond::Pred(p) => match self.checked.predicates.get(*p) {
                Some(pred) => self.cond(&pred.body, &mut Vec::new()),
                None => self.fault(Traced::known(Tri::False)),
            },
        }
    }

    /// `and` (`decisive` false) or `or` (`decisive` true).
    fn junction<'c>(&self, items: &'c [Cond], env: &mut Vec<Binding<'a>>, decisive: Tri) -> Traced
    where
        'a: 'c,
    {
        let results: Vec<Traced> = items.iter().map(|i| self.cond(i, env)).collect();
        if results.iter().any(|t| t.value == decisive) {
            return Traced::known(decisive);
        }
        let mut missing = BTreeSet::new();
        let mut any_unknown = false;
        for t in results.into_iter().filter(|t| t.value == Tri::Unknown) {
            any_unknown = true;
            missing.extend(t.missing);
        }
        if any_unknown {
            Traced {
                value: Tri::Unknown,
                missing,
            }
        } else {
            Traced::known(decisive.not())
        }
    }

    /// Evaluates `body` for each element of a list, or the list's absence.
    fn each<'c>(
        &self,
        list: &FactRef,
        name: &str,
        body: Option<&'c Cond>,
        env: &mut Vec<Binding<'a>>,
    ) -> Result<Vec<Traced>, Traced>
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
        let mut out = Vec::new();
        for (i, frame) in frames.iter().enumerate() {
            env.push(Binding {
                name: name.to_string(),
                frame,
                record,
                path: format!("{path}[{i}]"),
            });
            out.push(match body {
                Some(b) => self.cond(b, env),
                None => Traced::known(Tri::True),
            });
            env.pop();
        }
        Ok(out)
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
            IrValue::Count(list, name, body) => match self.each(list, name, body.as_deref(), env) {
                Err(t) => Val::Unknown(t.missing),
                Ok(results) => {
                    let sure = results.iter().filter(|t| t.value == Tri::True).count();
                    let maybe = results.iter().filter(|t| t.value == Tri::Unknown).count();
                    let lo = i64::try_from(sure).unwrap_or(i64::MAX);
                    let hi = i64::try_from(sure + maybe).unwrap_or(i64::MAX);
                    if maybe > 0 {
                        // The count is only known within a range; which facts would narrow it
                        // is recorded with the comparison that reads it.
                        let mut missing = BTreeSet::new();
                        for t in results.into_iter().filter(|t| t.value == Tri::Unknown) {
                            missing.extend(t.missing);
                        }
                        return Val::Count(Range { lo, hi }, missing);
                    }
                    Val::Count(Range { lo, hi }, BTreeSet::new())
                }
            },
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
