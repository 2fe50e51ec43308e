//! Type-checks conditions and resolves every name in them.

mod compare;
use indexmap::IndexMap;

use super::ir::*;
use crate::diag::Diagnostic;
use crate::facts::schema::{EnumId, RecordId, Schema, Type};
use crate::span::Span;
use crate::suggest::{did_you_mean, suggesting};
use crate::syntax::ast::{self, CmpOp, ExprKind, SetTest};

/// Checks the expressions of one declaration at a time.
pub(crate) struct ExprChecker<'a> {
    pub schema: &'a Schema,
    /// Every predicate by name, with its id.
    pub predicates: &'a IndexMap<String, (PredId, Span)>,
    pub diags: &'a mut Vec<Diagnostic>,
    /// The quantifier variables in scope, innermost last.
    binders: Vec<(String, RecordId)>,
    /// The predicates referred to, for the dependency graph and unused warnings.
    pub uses: Vec<PredId>,
}

/// What a value expression turned out to be.
struct Typed {
    value: Value,
    ty: Type,
}

fn describe(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Bool(_) => "`true` or `false`",
        ExprKind::Int(_) | ExprKind::Decimal(_) => "a number",
        ExprKind::Str(_) => "a string",
        ExprKind::Set(_) => "a set",
        ExprKind::Count(..) => "a count",
        _ => "a condition",
    }
}

impl<'a> ExprChecker<'a> {
    pub fn new(
        schema: &'a Schema,
        predicates: &'a IndexMap<String, (PredId, Span)>,
        diags: &'a mut Vec<Diagnostic>,
    ) -> ExprChecker<'a> {
        ExprChecker {
            schema,
            predicates,
            diags,
            binders: Vec::new(),
            uses: Vec::new(),
        }
    }

    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn type_name(&self, ty: Type) -> String {
        self.schema.type_name(ty)
    }

    fn root_fields(&self) -> impl Iterator<Item = &str> {
        self.schema
            .records
            .get(self.schema.root)
            .into_iter()
            .flat_map(|r| r.fields.keys().map(String::as_str))
    }

    fn is_root_field(&self, name: &str) -> bool {
        self.schema
            .records
            .get(self.schema.root)
            .is_some_and(|r| r.fields.contains_key(name))
    }

    fn binder(&self, name: &str) -> Option<(usize, RecordId)> {
        self.binders
            .iter()
            .enumerate()
            .rev()
            .find(|(_, (n, _))| n == name)
            .map(|(i, (_, r))| (i + 1, *r))
    }

    /// A bare name that is neither a fact, a variable nor a predicate: an enum
    /// value, if the other side of the comparison says which enum.
    fn is_bare_value(&self, e: &ast::Expr) -> bool {
        match &e.kind {
            ExprKind::Path(p) => {
                let [seg] = p.segments.as_slice() else {
                    return false;
                };
                self.binder(&seg.name).is_none()
                    && !self.is_root_field(&seg.name)
                    && !self.predicates.contains_key(&seg.name)
            }
            _ => false,
        }
    }

    /// Whether a missing field is explained by an error already reported:
    /// no `facts` block at all, or a field whose type was wrong.
    fn already_reported(&self, record: RecordId, name: &str) -> bool {
        (record == self.schema.root && !self.schema.root_declared)
            || self
                .schema
                .poisoned
                .binary_search_by(|(r, n)| (*r, n.as_str()).cmp(&(record, name)))
                .is_ok()
    }

    /// Brings a quantifier variable into scope, as `any(name in …)` does.
    pub(crate) fn bind(&mut self, name: &str, record: RecordId) {
        self.binders.push((name.to_string(), record));
    }

    /// Ends the scope of the innermost quantifier variable.
    pub(crate) fn unbind(&mut self) {
        self.binders.pop();
    }

    /// A bare name or path used as a condition: a predicate, or a `bool`
    /// fact. Out of line (as are the other leaves), so that the recursion
    /// of [`cond`](Self::cond) through `and`, `or`, `not` and quantifiers
    /// keeps a small stack frame.
    #[inline(never)]
    fn path_cond(&mut self, path: &ast::Path) -> Option<Cond> {
        if let [seg] = path.segments.as_slice()
            && self.binder(&seg.name).is_none()
            && !self.is_root_field(&seg.name)
            && let Some((id, _)) = self.predicates.get(&seg.name)
        {
            self.uses.push(*id);
            return Some(Cond::Pred(*id));
        }
        if let [seg] = path.segments.as_slice()
            && self.binder(&seg.name).is_none()
            && !self.is_root_field(&seg.name)
        {
            if self.already_reported(self.schema.root, &seg.name) {
                return None;
            }
            let help = if suggesting(self.diags) {
                let candidates = self
                    .predicates
                    .keys()
                    .map(String::as_str)
                    .chain(self.root_fields());
                did_you_mean(&seg.name, candidates)
            } else {
                None
            };
            self.err(
                Diagnostic::error(
                    "DD024",
                    seg.span,
                    format!("no predicate or fact is named `{}`", seg.name),
                )
                .maybe_help(help),
            );
            return None;
        }
        let fact = self.fact(path)?;
        if fact.ty != Type::Bool {
            let ty = self.type_name(fact.ty);
            self.err(
                Diagnostic::error(
                    "DD023",
                    path.span,
                    format!(
                        "expected a condition, found `{}` of type `{ty}`",
                        path.dotted()
                    ),
                )
                .label(format!("this is of type `{ty}`"))
                .help("compare it with a value, e.g. with `==`, `<` or `in`"),
            );
            return None;
        }
        Some(Cond::Fact(fact))
    }

    /// Checks a condition.
    pub fn cond(&mut self, e: &ast::Expr) -> Option<Cond> {
        match &e.kind {
            ExprKind::Bool(b) => Some(Cond::Const(*b)),
            ExprKind::Not(inner) => Some(Cond::Not(Box::new(self.cond(inner)?))),
            ExprKind::And(items) | ExprKind::Or(items) => {
                // Check every operand, so that all their errors are reported.
                let checked: Vec<Option<Cond>> = items.iter().map(|i| self.cond(i)).collect();
                let items: Vec<Cond> = checked.into_iter().collect::<Option<_>>()?;
                Some(if matches!(e.kind, ExprKind::And(_)) {
                    Cond::And(items)
                } else {
                    Cond::Or(items)
                })
            }
            ExprKind::Path(path) => self.path_cond(path),
            ExprKind::Cmp(op, lhs, rhs) => self.comparison(*op, lhs, rhs, e.span),
            ExprKind::In(lhs, rhs) => self.membership(lhs, rhs),
            ExprKind::Contains(test, lhs, rhs) => self.contains(*test, lhs, rhs),
            ExprKind::Quant(q, binder, list, body) => {
                let list = self.list(list)?;
                let body = self.with_binder(binder, &list, |c| c.cond(body))?;
                Some(Cond::Quant(*q, list, binder.name.clone(), Box::new(body?)))
            }
            ExprKind::Known(path) => Some(Cond::Known(self.fact(path)?)),
            ExprKind::Int(_)
            | ExprKind::Decimal(_)
            | ExprKind::Str(_)
            | ExprKind::Set(_)
            | ExprKind::Count(..) => {
                self.err(
                    Diagnostic::error(
                        "DD023",
                        e.span,
                        format!("expected a condition, found {}", describe(&e.kind)),
                    )
                    .help("a condition is true or false: compare the value with something"),
                );
                None
            }
        }
    }

    /// Runs `f` with a quantifier variable in scope. `None` when the name is taken.
    fn with_binder<T>(
        &mut self,
        binder: &ast::Ident,
        list: &FactRef,
        f: impl FnOnce(&mut Self) -> T,
    ) -> Option<T> {
        let Type::List(record) = list.ty else {
            return None;
        };
        let taken = if self.binder(&binder.name).is_some() {
            Some("another variable in scope")
        } else if self.is_root_field(&binder.name) {
            Some("a root fact")
        } else if self.predicates.contains_key(&binder.name) {
            Some("a predicate")
        } else {
            None
        };
        if let Some(what) = taken {
            self.err(
                Diagnostic::error(
                    "DD032",
                    binder.span,
                    format!("the variable `{}` has the name of {what}", binder.name),
                )
                .help("choose another name for the variable"),
            );
            return None;
        }
        self.superlinear(list);
        self.binders.push((binder.name.clone(), record));
        let out = f(self);
        self.binders.pop();
        Some(out)
    }

    /// DD110: a quantifier inside another whose list is not part of the
    /// enclosing element (a root list, or one of an outer element) visits
    /// that whole list again for each element of the enclosing quantifier,
    /// so its work grows as the product of the lists' lengths. Nested over
    /// the enclosing element (`any(p in parties where any(o in p.owners …))`)
    /// it stays linear in the size of the facts.
    #[inline(never)]
    fn superlinear(&mut self, list: &FactRef) {
        let Some((outer, _)) = self.binders.last() else {
            return;
        };
        let innermost = self.binders.len();
        if matches!(list.base, Base::Binder { level, .. } if level == innermost) {
            return;
        }
        let message = format!(
            "the list `{}` is scanned in full for each `{outer}`: the work grows as the \
             product of the lists' lengths",
            list.dotted(),
        );
        self.diags.push(
            Diagnostic::warning("DD110", list.span, message).help(format!(
                "evaluation stops with an error at its work budget ({} steps by default); if \
                 the condition need not compare elements of both lists, move the inner \
                 quantifier out of the body of `{outer}`",
                crate::budget::grouped(crate::DEFAULT_BUDGET)
            )),
        );
    }

    /// Resolves a path that must be a `list<…>` fact.
    #[inline(never)]
    fn list(&mut self, path: &ast::Path) -> Option<FactRef> {
        let fact = self.fact(path)?;
        if !matches!(fact.ty, Type::List(_)) {
            let ty = self.type_name(fact.ty);
            self.err(
                Diagnostic::error(
                    "DD023",
                    path.span,
                    format!("expected a list, found `{}` of type `{ty}`", path.dotted()),
                )
                .help("`any`, `all` and `count` range over a `list<…>` fact"),
            );
            return None;
        }
        Some(fact)
    }

    /// Resolves a fact path, reporting why not. Paths may not pass through lists.
    pub fn fact(&mut self, path: &ast::Path) -> Option<FactRef> {
        let (first, rest) = path.segments.split_first()?;
        let (base, mut record, mut fields_iter_start) = match self.binder(&first.name) {
            Some((level, record)) => (
                Base::Binder {
                    name: first.name.clone(),
                    level,
                    record,
                },
                record,
                1,
            ),
            None => (Base::Root, self.schema.root, 0),
        };
        if matches!(base, Base::Binder { .. }) && rest.is_empty() {
            self.err(
                Diagnostic::error(
                    "DD023",
                    path.span,
                    format!("`{}` is an element of a list, not a fact", first.name),
                )
                .help(format!(
                    "name one of its fields, e.g. `{}.<field>`",
                    first.name
                )),
            );
            return None;
        }
        let mut fields = Vec::new();
        let mut ty = Type::Record(record);
        for seg in path.segments.iter().skip(fields_iter_start) {
            match ty {
                Type::Record(r) => record = r,
                Type::List(_) => {
                    let mut so_far = fields.join(".");
                    if let Base::Binder { name, .. } = &base {
                        so_far = format!("{name}.{so_far}");
                    }
                    self.err(
                        Diagnostic::error(
                            "DD034",
                            seg.span,
                            format!("cannot read `{}` through the list `{so_far}`", seg.name),
                        )
                        .help(format!(
                            "name the whole list, `{so_far}`, or test its elements with \
                             `any(x in {so_far} where …)`, `all(…)` or `count(…)`"
                        )),
                    );
                    return None;
                }
                other => {
                    let ty = self.type_name(other);
                    self.err(Diagnostic::error(
                        "DD021",
                        seg.span,
                        format!(
                            "`{}` is a `{ty}` and has no field `{}`",
                            fields.join("."),
                            seg.name
                        ),
                    ));
                    return None;
                }
            }
            let rec = self.schema.record(record)?;
            match rec.fields.get(&seg.name) {
                Some(f) => {
                    ty = f.ty;
                    fields.push(seg.name.clone());
                }
                None if self.already_reported(record, &seg.name) => return None,
                None => {
                    let help = if !suggesting(self.diags) {
                        None
                    } else if fields.is_empty() && fields_iter_start == 0 {
                        let candidates = self
                            .root_fields()
                            .chain(self.binders.iter().map(|(n, _)| n.as_str()))
                            .chain(self.predicates.keys().map(String::as_str));
                        did_you_mean(&seg.name, candidates)
                    } else {
                        did_you_mean(&seg.name, rec.fields.keys().map(String::as_str))
                    };
                    let message = if fields.is_empty() && fields_iter_start == 0 {
                        format!("unknown fact `{}`", seg.name)
                    } else {
                        format!("the record `{}` has no field `{}`", rec.name, seg.name)
                    };
                    self.err(Diagnostic::error("DD021", seg.span, message).maybe_help(help));
                    return None;
                }
            }
            fields_iter_start = 0;
        }
        Some(FactRef {
            base,
            fields,
            ty,
            span: path.span,
        })
    }
}
