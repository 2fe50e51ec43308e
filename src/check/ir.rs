//! The checked rules: every name resolved to what it means and every
//! expression well typed, but fact paths still written as names. The reference
//! interpreter walks this form; the compiler turns it into slot-resolved nodes.

use crate::decimal::Decimal;
use crate::facts::schema::{EnumId, RecordId, Type};
use crate::span::Span;
use crate::syntax::ast::{CmpOp, Quant, SetTest};

/// The index of a predicate in [`super::Checked::predicates`].
pub(crate) type PredId = usize;

/// Where a fact path starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Base {
    /// The root `facts` record.
    Root,
    /// The element bound by the quantifier at this nesting level (1 = outermost).
    Binder {
        name: String,
        level: usize,
        record: RecordId,
    },
}

/// A fact read by an expression: a base and field names, with its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FactRef {
    pub base: Base,
    pub fields: Vec<String>,
    pub ty: Type,
    pub span: Span,
}

impl FactRef {
    /// The path as written in the rules.
    pub fn dotted(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if let Base::Binder { name, .. } = &self.base {
            parts.push(name);
        }
        parts.extend(self.fields.iter().map(String::as_str));
        parts.join(".")
    }
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lit {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Str(String),
    Enum(EnumId, u16),
}

/// A literal set: enum values as a bit mask, or a list of plain values.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SetLit {
    Enum(EnumId, u128),
    Values(Vec<Lit>),
}

/// A value-producing expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Lit(Lit),
    Fact(FactRef),
    /// How many elements of a list satisfy a condition (all, without one).
    Count(FactRef, String, Option<Box<Cond>>),
}

/// The right-hand side of `in` and of the set tests.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SetExpr {
    Lit(SetLit),
    Fact(FactRef),
}

/// A condition, evaluated in three-valued logic.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cond {
    Const(bool),
    /// A `bool` fact used as a condition.
    Fact(FactRef),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Cmp(CmpOp, Value, Value),
    In(Value, SetExpr),
    /// `set contains …`: for [`SetTest::One`] the right side is a single enum value.
    Contains(SetTest, FactRef, SetOrValue),
    Quant(Quant, FactRef, String, Box<Cond>),
    Known(FactRef),
    Pred(PredId),
}

/// The right side of `contains`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SetOrValue {
    Set(SetExpr),
    Value(Value),
}

/// What a condition reads directly: a fact, or a predicate (whose body is
/// read elsewhere).
pub(crate) enum Read<'c> {
    Fact(&'c FactRef),
    Pred(PredId),
}

impl Cond {
    /// Calls `visit` with every fact and predicate the condition reads outside
    /// quantifier and count bodies (a quantifier gives its list), in the order
    /// of a depth-first reading, left to right, until `visit` breaks. The one
    /// walk behind default evidence (`check::decls`) and the facts an
    /// explanation quotes (`explain`). An explicit stack: no recursion.
    pub(crate) fn visit_reads<'c>(
        &'c self,
        mut visit: impl FnMut(Read<'c>) -> std::ops::ControlFlow<()>,
    ) {
        let mut todo: Vec<&'c Cond> = vec![self];
        while let Some(c) = todo.pop() {
            let mut facts: Vec<&'c FactRef> = Vec::new();
            let value = |v: &'c Value, facts: &mut Vec<&'c FactRef>| match v {
                Value::Fact(f) | Value::Count(f, _, _) => facts.push(f),
                Value::Lit(_) => {}
            };
            match c {
                Cond::Const(_) => {}
                Cond::Pred(p) => {
                    if visit(Read::Pred(*p)).is_break() {
                        return;
                    }
                }
                Cond::Fact(f) | Cond::Known(f) | Cond::Quant(_, f, _, _) => facts.push(f),
                Cond::Not(i) => todo.push(i),
                Cond::And(items) | Cond::Or(items) => todo.extend(items.iter().rev()),
                Cond::Cmp(_, a, b) => {
                    value(a, &mut facts);
                    value(b, &mut facts);
                }
                Cond::In(v, s) => {
                    value(v, &mut facts);
                    if let SetExpr::Fact(f) = s {
                        facts.push(f);
                    }
                }
                Cond::Contains(_, f, right) => {
                    facts.push(f);
                    match right {
                        SetOrValue::Set(SetExpr::Fact(g)) => facts.push(g),
                        SetOrValue::Value(v) => value(v, &mut facts),
                        SetOrValue::Set(SetExpr::Lit(_)) => {}
                    }
                }
            }
            for f in facts {
                if visit(Read::Fact(f)).is_break() {
                    return;
                }
            }
        }
    }
}
