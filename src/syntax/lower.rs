//! Lowering: pest pairs to the AST, one `lower_<rule>` function per rule.
//!
//! Precedence is applied here with pest's Pratt parser, from loosest to
//! tightest: `or`, `and`, `not`, then the comparisons, `in` and `contains`.
//! Chains of `and` or `or` become one n-ary node, so a long chain is wide,
//! not deep. Nesting depth is counted on the way down and an error stops the
//! descent, so later stages never recurse deeper than the limit.

use std::cell::RefCell;
use std::sync::LazyLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::Rule;
use super::ast::*;
use crate::decimal::Decimal;
use crate::diag::Diagnostic;
use crate::limits::{MAX_EXPR_DEPTH, MAX_QUANTIFIER_DEPTH};
use crate::span::Span;

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
struct Nest {
    depth: usize,
    quantifiers: usize,
}

/// Collects errors while lowering; `&self` everywhere so the Pratt closures can share it.
#[derive(Default)]
struct Lowerer {
    errors: RefCell<Vec<Diagnostic>>,
    strings: RefCell<Vec<Span>>,
}

/// Lowers a parsed file, or returns every error met on the way.
pub(super) fn lower_file(mut pairs: Pairs<'_, Rule>) -> Result<File, Vec<Diagnostic>> {
    let lw = Lowerer::default();
    let mut file = File::default();
    if let Some(file_pair) = pairs.next() {
        for pair in file_pair.into_inner() {
            if let Some(decl) = lw.lower_decl(pair) {
                file.decls.push(decl);
            }
        }
    }
    let errors = lw.errors.into_inner();
    file.strings = lw.strings.into_inner();
    if errors.is_empty() {
        Ok(file)
    } else {
        Err(errors)
    }
}

/// The span of a pair without the white space pest may have consumed after it.
fn span(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.start() + s.as_str().trim_end().len())
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_ruleset
            | Rule::kw_version
            | Rule::kw_title
            | Rule::kw_source
            | Rule::kw_enum
            | Rule::kw_record
            | Rule::kw_facts
            | Rule::kw_set
            | Rule::kw_list
            | Rule::kw_predicate
            | Rule::kw_flag
            | Rule::kw_safeguard
            | Rule::kw_step
            | Rule::kw_severity
            | Rule::kw_citation
            | Rule::kw_when
            | Rule::kw_evidence
            | Rule::kw_mitigated_by
            | Rule::kw_outcomes
            | Rule::kw_disposition
            | Rule::kw_otherwise
            | Rule::kw_flags
            | Rule::kw_of
            | Rule::kw_in
            | Rule::kw_where
            | Rule::kw_known
    )
}

/// The inner pairs of a rule without its keywords.
fn parts<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

impl Lowerer {
    fn error(&self, d: Diagnostic) {
        self.errors.borrow_mut().push(d);
    }

    fn lower_decl(&self, pair: Pair<'_, Rule>) -> Option<Decl> {
        Some(match pair.as_rule() {
            Rule::header => Decl::Header(self.lower_header(pair)),
            Rule::enum_decl => Decl::Enum(self.lower_enum_decl(pair)),
            Rule::record_decl => Decl::Record(self.lower_record_decl(pair)),
            Rule::facts_decl => Decl::Facts(self.lower_facts_decl(pair)),
            Rule::predicate_decl => Decl::Predicate(self.lower_predicate_decl(pair)?),
            Rule::flag_decl => Decl::Flag(self.lower_flag_decl(pair)),
            Rule::safeguard_decl => Decl::Safeguard(self.lower_safeguard_decl(pair)),
            Rule::outcomes_decl => Decl::Outcomes(self.lower_outcomes_decl(pair)),
            Rule::disposition_decl => Decl::Disposition(self.lower_disposition_decl(pair)),
            // INVARIANT: `file` holds declarations and EOI only.
            _ => return None,
        })
    }

    fn lower_docs(&self, pair: Pair<'_, Rule>) -> String {
        let lines: Vec<&str> = pair
            .into_inner()
            .map(|line| {
                let text = line.as_str().trim_start_matches("///");
                let text = text.strip_prefix(' ').unwrap_or(text);
                text.trim_end()
            })
            .collect();
        lines.join("\n")
    }

    fn lower_ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: span(&pair),
        }
    }

    /// `path` and `decl_id` have the same shape.
    fn lower_path(&self, pair: Pair<'_, Rule>) -> Path {
        let span = span(&pair);
        Path {
            segments: pair.into_inner().map(|p| self.lower_ident(p)).collect(),
            span,
        }
    }

    fn lower_string(&self, pair: Pair<'_, Rule>) -> StrLit {
        let span = span(&pair);
        self.strings.borrow_mut().push(span);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            let escape_start = span.start + 1 + i;
            match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, '"')) => value.push('"'),
                Some((j, 'u')) => {
                    let rest = raw.get(j + 1..).unwrap_or("");
                    let decoded = rest
                        .strip_prefix('{')
                        .and_then(|r| r.split_once('}'))
                        .and_then(|(hex, _)| {
                            let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
                            Some((c, hex.len() + 2))
                        });
                    match decoded {
                        Some((c, len)) => {
                            value.push(c);
                            for _ in 0..len {
                                chars.next();
                            }
                        }
                        None => self.error(
                            Diagnostic::error(
                                "DD005",
                                Span::new(escape_start, escape_start + 2),
                                "invalid unicode escape in string",
                            )
                            .help("write `\\u{…}` with one to six hex digits of a unicode scalar value"),
                        ),
                    }
                }
                Some((j, other)) => self.error(
                    Diagnostic::error(
                        "DD005",
                        Span::new(escape_start, span.start + 1 + j + other.len_utf8()),
                        format!("unknown escape `\\{other}` in string"),
                    )
                    .help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}`"),
                ),
                None => {}
            }
        }
        StrLit { value, span }
    }

    fn lower_int(&self, pair: &Pair<'_, Rule>) -> Option<i64> {
        match pair.as_str().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.error(
                    Diagnostic::error(
                        "DD003",
                        span(pair),
                        format!("the number `{}` does not fit in 64 bits", pair.as_str()),
                    )
                    .help(format!(
                        "whole numbers range from {} to {}",
                        i64::MIN,
                        i64::MAX
                    )),
                );
                None
            }
        }
    }

    fn lower_decimal(&self, pair: &Pair<'_, Rule>) -> Option<Decimal> {
        match Decimal::parse(pair.as_str()) {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(Diagnostic::error(
                    "DD003",
                    span(pair),
                    format!("the number `{}` has {e}", pair.as_str()),
                ));
                None
            }
        }
    }

    fn lower_header(&self, pair: Pair<'_, Rule>) -> Header {
        let span = span(&pair);
        let mut docs = None;
        let mut name = None;
        let mut props = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                Rule::string => name = Some(self.lower_string(p)),
                _ => props.extend(self.lower_prop(p)),
            }
        }
        let name = name.unwrap_or(StrLit {
            value: String::new(),
            span,
        });
        Header {
            docs,
            name,
            props,
            span,
        }
    }

    fn lower_enum_decl(&self, pair: Pair<'_, Rule>) -> EnumDecl {
        let span = span(&pair);
        let mut docs = None;
        let mut name = None;
        let mut variants = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                Rule::ident => name = Some(self.lower_ident(p)),
                _ => variants.push(self.lower_documented_ident(p)),
            }
        }
        EnumDecl {
            docs,
            name: name.unwrap_or_else(|| missing_ident(span)),
            variants,
            span,
        }
    }

    /// `variant` and `outcome`: an optional doc comment and a name.
    fn lower_documented_ident(&self, pair: Pair<'_, Rule>) -> (Docs, Ident) {
        let span = span(&pair);
        let mut docs = None;
        let mut name = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                _ => name = Some(self.lower_ident(p)),
            }
        }
        (docs, name.unwrap_or_else(|| missing_ident(span)))
    }

    fn lower_record_decl(&self, pair: Pair<'_, Rule>) -> RecordDecl {
        let span = span(&pair);
        let mut docs = None;
        let mut name = None;
        let mut fields = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                Rule::ident => name = Some(self.lower_ident(p)),
                _ => fields.push(self.lower_field(p)),
            }
        }
        RecordDecl {
            docs,
            name: name.unwrap_or_else(|| missing_ident(span)),
            fields,
            span,
        }
    }

    fn lower_facts_decl(&self, pair: Pair<'_, Rule>) -> FactsDecl {
        let span = span(&pair);
        let mut docs = None;
        let mut fields = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                _ => fields.push(self.lower_field(p)),
            }
        }
        FactsDecl { docs, fields, span }
    }

    fn lower_field(&self, pair: Pair<'_, Rule>) -> FieldDecl {
        let span = span(&pair);
        let mut docs = None;
        let mut name = None;
        let mut ty = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                Rule::ident => name = Some(self.lower_ident(p)),
                _ => ty = Some(self.lower_type(p)),
            }
        }
        let name = name.unwrap_or_else(|| missing_ident(span));
        let ty = ty.unwrap_or_else(|| TypeExpr::Named(missing_ident(span)));
        FieldDecl { docs, name, ty }
    }

    fn lower_type(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = span(&pair);
        let rule = pair.as_rule();
        let inner = parts(pair)
            .next()
            .map_or_else(|| missing_ident(span), |p| self.lower_ident(p));
        match rule {
            Rule::set_type => TypeExpr::Set(inner, span),
            Rule::list_type => TypeExpr::List(inner, span),
            _ => TypeExpr::Named(inner),
        }
    }

    fn lower_predicate_decl(&self, pair: Pair<'_, Rule>) -> Option<PredicateDecl> {
        let span = span(&pair);
        let mut docs = None;
        let mut name = None;
        let mut body = None;
        for p in parts(pair) {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                Rule::ident => name = Some(self.lower_ident(p)),
                _ => {
                    body = self.lower_expr(
                        p,
                        Nest {
                            depth: 0,
                            quantifiers: 0,
                        },
                    )
                }
            }
        }
        Some(PredicateDecl {
            docs,
            name: name?,
            body: body?,
            span,
        })
    }

    /// The docs, id and properties shared by flags and safeguards.
    fn lower_rule_parts(&self, pair: Pair<'_, Rule>) -> (Docs, Path, Vec<Prop>) {
        let span = span(&pair);
        let mut docs = None;
        let mut id = None;
        let mut props = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                Rule::decl_id => id = Some(self.lower_path(p)),
                _ => props.extend(self.lower_prop(p)),
            }
        }
        let id = id.unwrap_or_else(|| Path {
            segments: vec![missing_ident(span)],
            span,
        });
        (docs, id, props)
    }

    fn lower_flag_decl(&self, pair: Pair<'_, Rule>) -> FlagDecl {
        let span = span(&pair);
        let (docs, id, props) = self.lower_rule_parts(pair);
        FlagDecl {
            docs,
            id,
            props,
            span,
        }
    }

    fn lower_safeguard_decl(&self, pair: Pair<'_, Rule>) -> SafeguardDecl {
        let span = span(&pair);
        let (docs, id, props) = self.lower_rule_parts(pair);
        SafeguardDecl {
            docs,
            id,
            props,
            span,
        }
    }

    fn lower_prop(&self, pair: Pair<'_, Rule>) -> Option<Prop> {
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let key_span = span(&inner.next()?);
        let value = match rule {
            Rule::version_prop => PropValue::Version(self.lower_string(inner.next()?)),
            Rule::title_prop => PropValue::Title(self.lower_string(inner.next()?)),
            Rule::source_prop => PropValue::Source(self.lower_string(inner.next()?)),
            Rule::citation_prop => PropValue::Citation(self.lower_string(inner.next()?)),
            Rule::step_prop => {
                let p = inner.next()?;
                PropValue::Step(self.lower_int(&p), span(&p))
            }
            Rule::severity_prop => PropValue::Severity(self.lower_ident(inner.next()?)),
            Rule::when_prop => PropValue::When(self.lower_expr(
                inner.next()?,
                Nest {
                    depth: 0,
                    quantifiers: 0,
                },
            )?),
            Rule::evidence_prop => PropValue::Evidence(inner.map(|p| self.lower_path(p)).collect()),
            Rule::mitigated_prop => {
                PropValue::MitigatedBy(inner.map(|p| self.lower_path(p)).collect())
            }
            // INVARIANT: the grammar allows no other property rules.
            _ => return None,
        };
        Some(Prop { key_span, value })
    }

    fn lower_outcomes_decl(&self, pair: Pair<'_, Rule>) -> OutcomesDecl {
        let span = span(&pair);
        let mut docs = None;
        let mut outcomes = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                _ => outcomes.push(self.lower_documented_ident(p)),
            }
        }
        OutcomesDecl {
            docs,
            outcomes,
            span,
        }
    }

    fn lower_disposition_decl(&self, pair: Pair<'_, Rule>) -> DispositionDecl {
        let span = span(&pair);
        let mut docs = None;
        let mut cases = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                Rule::when_case | Rule::otherwise_case => cases.extend(self.lower_case(p)),
                _ => {}
            }
        }
        DispositionDecl { docs, cases, span }
    }

    fn lower_case(&self, pair: Pair<'_, Rule>) -> Option<DispCase> {
        let span = span(&pair);
        let mut cond = None;
        let mut outcome = None;
        for p in parts(pair) {
            match p.as_rule() {
                Rule::disp_expr => cond = Some(self.lower_disp_expr(p, 0)?),
                Rule::ident => outcome = Some(self.lower_ident(p)),
                _ => {}
            }
        }
        Some(DispCase {
            cond,
            outcome: outcome?,
            span,
        })
    }

    fn lower_disp_expr(&self, pair: Pair<'_, Rule>, depth: usize) -> Option<DispExpr> {
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

    fn lower_selector(&self, pair: Pair<'_, Rule>) -> Selector {
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
    fn lower_expr(&self, pair: Pair<'_, Rule>, nest: Nest) -> Option<Expr> {
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

    fn lower_operand(&self, pair: Pair<'_, Rule>, nest: Nest) -> Option<Expr> {
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

    fn lower_quantifier(&self, pair: Pair<'_, Rule>, nest: Nest) -> Option<Expr> {
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

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    span(pair)
}

fn missing_ident(span: Span) -> Ident {
    Ident {
        name: String::new(),
        span,
    }
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
