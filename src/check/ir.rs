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
