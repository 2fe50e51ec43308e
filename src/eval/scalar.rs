//! Known single values and how they compare; shared by both evaluators.

use std::cmp::Ordering;

use crate::check::ir::Lit;
use crate::decimal::Decimal;
use crate::facts::Value;

/// A known single value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Scalar<'a> {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Str(&'a str),
    Enum(u16),
}

impl<'a> Scalar<'a> {
    /// The scalar in a slot; `None` when absent or not a scalar.
    pub fn of_value(v: &'a Value) -> Option<Scalar<'a>> {
        Some(match v {
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Int(n) => Scalar::Int(*n),
            Value::Decimal(d) => Scalar::Decimal(**d),
            Value::Str(s) => Scalar::Str(s),
            Value::Enum(e) => Scalar::Enum(*e),
            Value::Absent | Value::Present | Value::Set(_) | Value::List(_) => return None,
        })
    }

    /// A literal as a scalar.
    pub fn of_lit(l: &'a Lit) -> Scalar<'a> {
        match l {
            Lit::Bool(b) => Scalar::Bool(*b),
            Lit::Int(n) => Scalar::Int(*n),
            Lit::Decimal(d) => Scalar::Decimal(*d),
            Lit::Str(s) => Scalar::Str(s),
            Lit::Enum(_, v) => Scalar::Enum(*v),
        }
    }

    /// Orders two scalars of comparable types; numbers compare exactly
    /// across `int` and `decimal`. `None` for incomparable types, which
    /// the checker rules out.
    pub fn compare(self, other: Scalar<'_>) -> Option<Ordering> {
        Some(match (self, other) {
            (Scalar::Int(a), Scalar::Int(b)) => a.cmp(&b),
            (Scalar::Int(a), Scalar::Decimal(b)) => Decimal::from_int(a).cmp(&b),
            (Scalar::Decimal(a), Scalar::Int(b)) => a.cmp(&Decimal::from_int(b)),
            (Scalar::Decimal(a), Scalar::Decimal(b)) => a.cmp(&b),
            (Scalar::Str(a), Scalar::Str(b)) => a.cmp(b),
            (Scalar::Enum(a), Scalar::Enum(b)) => a.cmp(&b),
            (Scalar::Bool(a), Scalar::Bool(b)) => a.cmp(&b),
            _ => return None,
        })
    }
}
