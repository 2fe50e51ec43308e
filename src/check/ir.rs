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

/// What a condition reads anywhere, quantifier and count bodies included:
/// a fact with its path from the root, or a predicate.
pub(crate) enum PathRead {
    /// A fact, its path written as documentation writes it: `end_user.kind`
    /// at the root, `parties[].listed` for a field of every element of a
    /// list.
    Fact(String),
    Pred(PredId),
}

impl Cond {
    /// Calls `visit` with every fact and predicate the condition reads,
    /// inside quantifier and count bodies too (a quantifier gives its list,
    /// then the facts its body reads of the elements), each fact named by its
    /// path from the root. What [`visit_reads`](Self::visit_reads) gives,
    /// and more: that is the facts a report quotes, this every fact whose
    /// value can matter, for the fact reference of documentation. An
    /// explicit stack: no recursion.
    pub(crate) fn visit_paths<'c>(&'c self, mut visit: impl FnMut(PathRead)) {
        // The paths of the lists the quantifiers around a condition bind, one
        // per level: `scopes[k]` for the conditions under k + 1 binders.
        let mut scopes: Vec<Vec<String>> = vec![Vec::new()];
        let mut todo: Vec<(&'c Cond, usize)> = vec![(self, 0)];
        let path = |scopes: &[Vec<String>], scope: usize, f: &FactRef| -> String {
            let mut out = match &f.base {
                Base::Root => String::new(),
                Base::Binder { level, .. } => scopes
                    .get(scope)
                    .and_then(|s| s.get(level.wrapping_sub(1)))
                    .cloned()
                    .unwrap_or_default(),
            };
            for name in &f.fields {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            out
        };
        while let Some((c, scope)) = todo.pop() {
            let mut facts: Vec<&'c FactRef> = Vec::new();
            // A list and the body that reads its elements.
            let mut bodies: Vec<(&'c FactRef, &'c Cond)> = Vec::new();
            let mut value = |v: &'c Value, facts: &mut Vec<&'c FactRef>| match v {
                Value::Fact(f) => facts.push(f),
                Value::Count(f, _, body) => {
                    facts.push(f);
                    if let Some(b) = body {
                        bodies.push((f, b));
                    }
                }
                Value::Lit(_) => {}
            };
            match c {
                Cond::Const(_) => {}
                Cond::Pred(p) => visit(PathRead::Pred(*p)),
                Cond::Fact(f) | Cond::Known(f) => facts.push(f),
                Cond::Quant(_, f, _, body) => {
                    facts.push(f);
                    bodies.push((f, body));
                }
                Cond::Not(i) => todo.push((i, scope)),
                Cond::And(items) | Cond::Or(items) => {
                    todo.extend(items.iter().rev().map(|i| (i, scope)));
                }
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
                visit(PathRead::Fact(path(&scopes, scope, f)));
            }
            for (list, body) in bodies {
                let mut inner = scopes.get(scope).cloned().unwrap_or_default();
                inner.push(format!("{}[]", path(&scopes, scope, list)));
                scopes.push(inner);
                todo.push((body, scopes.len() - 1));
            }
        }
    }
}
