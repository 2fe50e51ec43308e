//! Lowering of conditions: flag, safeguard and predicate conditions with
//! the Pratt parser, and the disposition's conditions over flags, each with
//! its nesting depth counted.

use std::sync::LazyLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::*;
use crate::limits::{MAX_EXPR_DEPTH, MAX_QUANTIFIER_DEPTH};

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::prefix(Rule::not_op))
        .op(Op::infix(Rule::eq_op, Assoc::Left)
            | Op::infix(Rule::ne_op, Assoc::Left)
            | Op::infix(Rule::lt_op, Assoc::Left)
            | Op::infix(Rule::le_op, Assoc::Left)
            | Op::infix(Rule::gt_op, Assoc::Left)
            | Op::infix(Rule::ge_op, Assoc::Left)
            | Op::infix(Rule::in_op, Assoc::Left)
            | Op::infix(Rule::contains_op, Assoc::Left)
            | Op::infix(Rule::contains_any, Assoc::Left)
            | Op::infix(Rule::contains_all, Assoc::Left)
            | Op::infix(Rule::contains_none, Assoc::Left))
});

/// How deep the expression being lowered sits.
#[derive(Clone, Copy)]
pub(super) struct Nest {
    pub(super) depth: usize,
    pub(super) quantifiers: usize,
}

impl Lowerer {
    pub(super) fn lower_disp_expr(&self, pair: Pair<'_, Rule>, depth: usize) -> Option<DispExpr> {
        if depth > MAX_EXPR_DEPTH || longest_not_run(&pair) + depth > MAX_EXPR_DEPTH {
            self.error(too_deep(span(&pair)));
            return None;
        }
        PRATT
            .map_primary(|p| match p.as_rule() {
                Rule::disp_expr => self.lower_disp_expr(p, depth + 1),
                Rule::disp_any => Some(DispExpr::Any(self.lower_selector(selector_of(p)?))),
                Rule::disp_no => Some(DispExpr::No(self.lower_selector(selector_of(p)?))),
                Rule::disp_count => {
                    let mut inner = p.into_inner().filter(|q| q.as_rule() != Rule::kw_count);
                    let sel = self.lower_selector(inner.next()?);
                    let op = cmp_op(inner.next()?.as_rule())?;
                    let n = inner.next()?;
                    Some(DispExpr::Count(sel, op, self.lower_int(&n), span(&n)))
                }
                _ => None,
            })
            .map_prefix(|_, rhs| Some(DispExpr::Not(Box::new(rhs?))))
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                Some(match op.as_rule() {
                    Rule::and_op => match lhs {
                        DispExpr::And(mut items) => {
                            items.push(rhs);
                            DispExpr::And(items)
                        }
                        other => DispExpr::And(vec![other, rhs]),
                    },
                    _ => match lhs {
                        DispExpr::Or(mut items) => {
                            items.push(rhs);
                            DispExpr::Or(items)
                        }
                        other => DispExpr::Or(vec![other, rhs]),
                    },
                })
            })
            .parse(pair.into_inner())
    }

    pub(super) fn lower_selector(&self, pair: Pair<'_, Rule>) -> Selector {
        let span = span(&pair);
        let mut filters = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::status_filter => {
                    if let Some(id) = p.into_inner().next() {
                        filters.push(Filter::Status(self.lower_ident(id)));
                    }
                }
                Rule::severity_filter | Rule::step_filter => {
                    let rule = p.as_rule();
                    let mut inner = parts(p).filter(|q| q.as_rule() != Rule::kw_severity);
                    let (Some(op), Some(value)) = (inner.next(), inner.next()) else {
                        continue;
                    };
                    let Some(op) = cmp_op(op.as_rule()) else {
                        continue;
                    };
                    if rule == Rule::severity_filter {
                        filters.push(Filter::Severity(op, self.lower_ident(value)));
                    } else {
                        filters.push(Filter::Step(op, self.lower_int(&value), span_of(&value)));
                    }
                }
                _ => {}
            }
        }
        Selector { filters, span }
    }

    /// Lowers an `expr` pair, or `None` after reporting why not.
    pub(super) fn lower_expr(&self, pair: Pair<'_, Rule>, nest: Nest) -> Option<Expr> {
        let nots = longest_not_run(&pair);
        if nest.depth + nots > MAX_EXPR_DEPTH {
            self.error(too_deep(span(&pair)));
            return None;
        }
        let inner = Nest {
            depth: nest.depth + nots + 1,
            quantifiers: nest.quantifiers,
        };
        PRATT
            .map_primary(|p| self.lower_operand(p, inner))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let span = span(&op).to(rhs.span);
                Some(Expr {
                    kind: ExprKind::Not(Box::new(rhs)),
                    span,
                })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let span = lhs.span.to(rhs.span);
                let kind = match op.as_rule() {
                    Rule::and_op => match lhs.kind {
                        ExprKind::And(mut items) => {
                            items.push(rhs);
                            ExprKind::And(items)
                        }
                        _ => ExprKind::And(vec![lhs, rhs]),
                    },
                    Rule::or_op => match lhs.kind {
                        ExprKind::Or(mut items) => {
                            items.push(rhs);
                            ExprKind::Or(items)
                        }
                        _ => ExprKind::Or(vec![lhs, rhs]),
                    },
                    rule => {
                        if is_comparison(&lhs) {
                            self.error(
                                Diagnostic::error(
                                    "DD006",
                                    span_of(&op),
                                    "comparisons cannot be chained",
                                )
                                .note(lhs.span, "this is already a comparison")
                                .help("join two comparisons with `and`, or add parentheses"),
                            );
                            return None;
                        }
                        match rule {
                            Rule::in_op => ExprKind::In(Box::new(lhs), Box::new(rhs)),
                            Rule::contains_op => {
                                ExprKind::Contains(SetTest::One, Box::new(lhs), Box::new(rhs))
                            }
                            Rule::contains_any => {
                                ExprKind::Contains(SetTest::Any, Box::new(lhs), Box::new(rhs))
                            }
                            Rule::contains_all => {
                                ExprKind::Contains(SetTest::All, Box::new(lhs), Box::new(rhs))
                            }
                            Rule::contains_none => {
                                ExprKind::Contains(SetTest::None, Box::new(lhs), Box::new(rhs))
                            }
                            other => ExprKind::Cmp(cmp_op(other)?, Box::new(lhs), Box::new(rhs)),
                        }
                    }
                };
                Some(Expr { kind, span })
            })
            .parse(pair.into_inner())
    }

    pub(super) fn lower_operand(&self, pair: Pair<'_, Rule>, nest: Nest) -> Option<Expr> {
        let span = span(&pair);
        let kind = match pair.as_rule() {
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::int_lit => ExprKind::Int(self.lower_int(&pair)?),
            Rule::decimal_lit => ExprKind::Decimal(self.lower_decimal(&pair)?),
            Rule::string => ExprKind::Str(self.lower_string(pair).value),
            Rule::path => ExprKind::Path(self.lower_path(pair)),
            Rule::paren => {
                let inner = pair.into_inner().next()?;
                // Parentheses keep their span so that diagnostics show them.
                let mut expr = self.lower_expr(inner, nest)?;
                expr.span = span;
                return Some(expr);
            }
            Rule::known_expr => ExprKind::Known(self.lower_path(parts(pair).next()?)),
            Rule::set_lit => {
                let mut items = Vec::new();
                for p in pair.into_inner() {
                    items.push(self.lower_operand(p, nest)?);
                }
                ExprKind::Set(items)
            }
            Rule::quantifier | Rule::count_expr => return self.lower_quantifier(pair, nest),
            // INVARIANT: the grammar allows no other operands.
            _ => return None,
        };
        Some(Expr { kind, span })
    }

    pub(super) fn lower_quantifier(&self, pair: Pair<'_, Rule>, nest: Nest) -> Option<Expr> {
        let span = span(&pair);
        let rule = pair.as_rule();
        if nest.quantifiers >= MAX_QUANTIFIER_DEPTH {
            self.error(
                Diagnostic::error(
                    "DD002",
                    span,
                    format!("quantifiers are nested more than {MAX_QUANTIFIER_DEPTH} deep"),
                )
                .help("name a part of the condition with a `predicate` and use its name"),
            );
            return None;
        }
        let inner_nest = Nest {
            depth: nest.depth + 1,
            quantifiers: nest.quantifiers + 1,
        };
        let mut quant = Quant::Any;
        let mut binder = None;
        let mut list = None;
        let mut body = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_all => quant = Quant::All,
                Rule::ident => binder = Some(self.lower_ident(p)),
                Rule::path => list = Some(self.lower_path(p)),
                Rule::expr => body = Some(self.lower_expr(p, inner_nest)?),
                _ => {}
            }
        }
        let (binder, list) = (binder?, list?);
        let kind = if rule == Rule::count_expr {
            ExprKind::Count(binder, list, body.map(Box::new))
        } else {
            ExprKind::Quant(quant, binder, list, Box::new(body?))
        };
        Some(Expr { kind, span })
    }
}

/// The `selector` inside `any …` or `no …`.
fn selector_of(pair: Pair<'_, Rule>) -> Option<Pair<'_, Rule>> {
    pair.into_inner().find(|p| p.as_rule() == Rule::selector)
}

fn is_comparison(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Cmp(..) | ExprKind::In(..) | ExprKind::Contains(..)
    )
}

fn cmp_op(rule: Rule) -> Option<CmpOp> {
    Some(match rule {
        Rule::eq_op => CmpOp::Eq,
        Rule::ne_op => CmpOp::Ne,
        Rule::lt_op => CmpOp::Lt,
        Rule::le_op => CmpOp::Le,
        Rule::gt_op => CmpOp::Gt,
        Rule::ge_op => CmpOp::Ge,
        _ => return None,
    })
}

/// The longest run of `not` in the direct operands of an expression; the
/// Pratt parser recurses once per `not`, so runs count towards the depth.
fn longest_not_run(pair: &Pair<'_, Rule>) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for p in pair.clone().into_inner() {
        if p.as_rule() == Rule::not_op {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::error(
        "DD002",
        span,
        format!("the condition is nested more than {MAX_EXPR_DEPTH} deep"),
    )
    .help("name a part of the condition with a `predicate` and use its name")
}
