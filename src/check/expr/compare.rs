//! Type-checks values and the conditions that compare them: comparisons,
//! `in` and `contains`, with set literals and enum values resolved against
//! the type on the other side.

use super::*;

impl ExprChecker<'_> {
    /// Checks a value, resolving bare names as values of `expect` when given.
    pub(super) fn value(&mut self, e: &ast::Expr, expect: Option<EnumId>) -> Option<Typed> {
        let (value, ty) = match &e.kind {
            ExprKind::Bool(b) => (Value::Lit(Lit::Bool(*b)), Type::Bool),
            ExprKind::Int(n) => (Value::Lit(Lit::Int(*n)), Type::Int),
            ExprKind::Decimal(d) => (Value::Lit(Lit::Decimal(*d)), Type::Decimal),
            ExprKind::Str(s) => (Value::Lit(Lit::Str(s.clone())), Type::String),
            ExprKind::Path(path) => {
                if let (Some(e_id), true) = (expect, self.is_bare_value(e)) {
                    let name = path.segments.first().map_or("", |s| s.name.as_str());
                    let variant = self.variant(e_id, name, path.span)?;
                    (Value::Lit(Lit::Enum(e_id, variant)), Type::Enum(e_id))
                } else if let [seg] = path.segments.as_slice()
                    && self.predicates.contains_key(&seg.name)
                    && self.binder(&seg.name).is_none()
                    && !self.is_root_field(&seg.name)
                {
                    self.err(
                        Diagnostic::error(
                            "DD023",
                            path.span,
                            format!("the predicate `{}` is a condition, not a value", seg.name),
                        )
                        .help("use the predicate on its own, or with `not`"),
                    );
                    return None;
                } else {
                    let fact = self.fact(path)?;
                    let ty = fact.ty;
                    (Value::Fact(fact), ty)
                }
            }
            ExprKind::Count(binder, list, body) => {
                let list = self.list(list)?;
                let body = match body {
                    Some(b) => Some(Box::new(self.with_binder(binder, &list, |c| c.cond(b))??)),
                    None => {
                        self.with_binder(binder, &list, |_| ())?;
                        None
                    }
                };
                (Value::Count(list, binder.name.clone(), body), Type::Int)
            }
            _ => {
                self.err(
                    Diagnostic::error(
                        "DD023",
                        e.span,
                        format!("expected a value, found {}", describe(&e.kind)),
                    )
                    .help("compare facts and values; join conditions with `and` or `or`"),
                );
                return None;
            }
        };
        Some(Typed { value, ty })
    }

    pub(super) fn variant(&mut self, e: EnumId, name: &str, span: Span) -> Option<u16> {
        let def = self.schema.enums.get(e)?;
        match def.variants.get_index_of(name) {
            Some(i) => u16::try_from(i).ok(),
            None => {
                let help =
                    did_you_mean(name, def.variants.keys().map(String::as_str)).or_else(|| {
                        let mut all: Vec<String> = def
                            .variants
                            .keys()
                            .take(12)
                            .map(|v| format!("`{v}`"))
                            .collect();
                        if def.variants.len() > 12 {
                            all.push("…".into());
                        }
                        Some(format!(
                            "the values of `{}` are {}",
                            def.name,
                            all.join(", ")
                        ))
                    });
                let d = Diagnostic::error(
                    "DD022",
                    span,
                    format!("`{}` has no value `{name}`", def.name),
                )
                .maybe_help(help);
                self.err(d);
                None
            }
        }
    }

    /// Checks both sides of a binary operator, resolving a bare name on
    /// either side as a value of the other side's enum.
    pub(super) fn pair(&mut self, lhs: &ast::Expr, rhs: &ast::Expr) -> Option<(Typed, Typed)> {
        let enum_of = |t: &Typed| match t.ty {
            Type::Enum(e) | Type::Set(e) => Some(e),
            _ => None,
        };
        if self.is_bare_value(lhs) && !self.is_bare_value(rhs) {
            let r = self.value(rhs, None)?;
            let l = self.value(lhs, enum_of(&r))?;
            Some((l, r))
        } else {
            let l = self.value(lhs, None);
            // Without the left side's type, a bare value on the right cannot be read.
            if l.is_none() && self.is_bare_value(rhs) {
                return None;
            }
            let r = self.value(rhs, l.as_ref().and_then(enum_of));
            Some((l?, r?))
        }
    }

    #[inline(never)]
    pub(super) fn comparison(
        &mut self,
        op: CmpOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
    ) -> Option<Cond> {
        let (l, r) = self.pair(lhs, rhs)?;
        let numeric = |t: Type| matches!(t, Type::Int | Type::Decimal);
        let is_count = |v: &Value| matches!(v, Value::Count(..));
        let ok = match (l.ty, r.ty) {
            (a, b) if numeric(a) && numeric(b) => {
                if (is_count(&l.value) && b == Type::Decimal)
                    || (is_count(&r.value) && a == Type::Decimal)
                {
                    self.err(
                        Diagnostic::error(
                            "DD023",
                            span,
                            "a count is a whole number and cannot be compared with a decimal",
                        )
                        .help("compare the count with a whole number"),
                    );
                    return None;
                }
                true
            }
            (Type::Enum(a), Type::Enum(b)) => a == b,
            (Type::String, Type::String) | (Type::Bool, Type::Bool) => {
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    let ty = self.type_name(l.ty);
                    self.err(
                        Diagnostic::error(
                            "DD023",
                            span,
                            format!(
                                "values of type `{ty}` can only be compared with `==` and `!=`"
                            ),
                        )
                        .help("numbers and enum values have an order; strings and booleans do not"),
                    );
                    return None;
                }
                true
            }
            _ => false,
        };
        if !ok {
            let (lt, rt) = (self.type_name(l.ty), self.type_name(r.ty));
            self.err(
                Diagnostic::error("DD023", span, format!("cannot compare `{lt}` with `{rt}`"))
                    .note(lhs.span, format!("this is `{lt}`"))
                    .note(rhs.span, format!("this is `{rt}`")),
            );
            return None;
        }
        Some(Cond::Cmp(op, l.value, r.value))
    }

    /// Checks a set literal or a set fact whose elements must be of type `elem`.
    pub(super) fn set(&mut self, e: &ast::Expr, elem: Type) -> Option<SetExpr> {
        match &e.kind {
            ExprKind::Set(items) => {
                if let Type::Enum(id) = elem {
                    let mut mask = 0u128;
                    let mut ok = true;
                    for item in items {
                        match self.value(item, Some(id)) {
                            Some(Typed {
                                value: Value::Lit(Lit::Enum(_, v)),
                                ..
                            }) => mask |= crate::facts::bit(v),
                            Some(t) => {
                                let ty = self.type_name(t.ty);
                                let want = self.type_name(elem);
                                self.err(Diagnostic::error(
                                    "DD023",
                                    item.span,
                                    format!("expected a value of `{want}`, found `{ty}`"),
                                ));
                                ok = false;
                            }
                            None => ok = false,
                        }
                    }
                    return ok.then_some(SetExpr::Lit(SetLit::Enum(id, mask)));
                }
                let mut values = Vec::new();
                let mut ok = true;
                for item in items {
                    let Some(t) = self.value(item, None) else {
                        ok = false;
                        continue;
                    };
                    let fits = match (elem, t.ty) {
                        (Type::Int | Type::Decimal, Type::Int | Type::Decimal) => true,
                        (a, b) => a == b,
                    };
                    match t.value {
                        Value::Lit(lit) if fits => values.push(lit),
                        _ => {
                            let want = self.type_name(elem);
                            self.err(
                                Diagnostic::error(
                                    "DD023",
                                    item.span,
                                    format!("expected a literal `{want}` in the set"),
                                )
                                .help("a set literal lists constant values"),
                            );
                            ok = false;
                        }
                    }
                }
                ok.then_some(SetExpr::Lit(SetLit::Values(values)))
            }
            ExprKind::Path(path) => {
                let fact = self.fact(path)?;
                match (fact.ty, elem) {
                    (Type::Set(a), Type::Enum(b)) if a == b => Some(SetExpr::Fact(fact)),
                    (ty, _) => {
                        let (have, want) = (self.type_name(ty), self.type_name(elem));
                        self.err(Diagnostic::error(
                            "DD023",
                            path.span,
                            format!(
                                "expected a set of `{want}`, found `{}` of type `{have}`",
                                path.dotted()
                            ),
                        ));
                        None
                    }
                }
            }
            other => {
                let want = self.type_name(elem);
                self.err(
                    Diagnostic::error(
                        "DD023",
                        e.span,
                        format!("expected a set of `{want}`, found {}", describe(other)),
                    )
                    .help("write a set as `{a, b, c}`"),
                );
                None
            }
        }
    }

    #[inline(never)]
    pub(super) fn membership(&mut self, lhs: &ast::Expr, rhs: &ast::Expr) -> Option<Cond> {
        // The element's type decides how the set's names are read.
        let elem = if self.is_bare_value(lhs) {
            // `police in end_user.kinds`: the set fact gives the enum.
            let ExprKind::Path(p) = &rhs.kind else {
                self.value(lhs, None)?;
                return None;
            };
            let fact = self.fact(p)?;
            let Type::Set(e) = fact.ty else {
                let ty = self.type_name(fact.ty);
                self.err(Diagnostic::error(
                    "DD023",
                    rhs.span,
                    format!("expected a set, found `{ty}`"),
                ));
                return None;
            };
            self.value(lhs, Some(e))?
        } else {
            self.value(lhs, None)?
        };
        if matches!(elem.value, Value::Count(..))
            || !matches!(
                elem.ty,
                Type::Int | Type::Decimal | Type::String | Type::Enum(_)
            )
        {
            let ty = self.type_name(elem.ty);
            self.err(
                Diagnostic::error("DD023", lhs.span, format!("`in` tests a number, string or enum value, not `{ty}`"))
                    .help("for a set fact, use `contains any of`, `contains all of` or `contains none of`"),
            );
            return None;
        }
        let set = self.set(rhs, elem.ty)?;
        Some(Cond::In(elem.value, set))
    }

    #[inline(never)]
    pub(super) fn contains(
        &mut self,
        test: SetTest,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
    ) -> Option<Cond> {
        let ExprKind::Path(path) = &lhs.kind else {
            self.err(Diagnostic::error(
                "DD023",
                lhs.span,
                "`contains` needs a set fact on its left",
            ));
            return None;
        };
        let fact = self.fact(path)?;
        let Type::Set(e) = fact.ty else {
            let ty = self.type_name(fact.ty);
            self.err(
                Diagnostic::error(
                    "DD023",
                    lhs.span,
                    format!("`contains` needs a set fact on its left, found `{ty}`"),
                )
                .help("use `==` or `in` for a single value"),
            );
            return None;
        };
        let right = match test {
            SetTest::One => {
                let v = self.value(rhs, Some(e))?;
                if v.ty != Type::Enum(e) {
                    let (have, want) = (self.type_name(v.ty), self.type_name(Type::Enum(e)));
                    self.err(Diagnostic::error(
                        "DD023",
                        rhs.span,
                        format!("expected a value of `{want}`, found `{have}`"),
                    ));
                    return None;
                }
                SetOrValue::Value(v.value)
            }
            _ => SetOrValue::Set(self.set(rhs, Type::Enum(e))?),
        };
        Some(Cond::Contains(test, fact, right))
    }
}
