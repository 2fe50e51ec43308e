//! Lowering: pest pairs to the AST, one `lower_<rule>` function per rule.
//!
//! Precedence is applied here with pest's Pratt parser, from loosest to
//! tightest: `or`, `and`, `not`, then the comparisons, `in` and `contains`.
//! Chains of `and` or `or` become one n-ary node, so a long chain is wide,
//! not deep. Nesting depth is counted on the way down and an error stops the
//! descent, so later stages never recurse deeper than the limit.

mod expr;

use std::cell::RefCell;

use pest::iterators::{Pair, Pairs};

use super::Rule;
use super::ast::*;
use crate::decimal::Decimal;
use crate::diag::Diagnostic;
use crate::span::Span;
use expr::Nest;

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
            | Rule::kw_scope
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
            Rule::scope_decl => Decl::Scope(self.lower_scope_decl(pair)),
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
        let mut required = None;
        let mut name = None;
        let mut ty = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                Rule::kw_required => required = Some(self::span(&p)),
                Rule::ident => name = Some(self.lower_ident(p)),
                _ => ty = Some(self.lower_type(p)),
            }
        }
        let name = name.unwrap_or_else(|| missing_ident(span));
        let ty = ty.unwrap_or_else(|| TypeExpr::Named(missing_ident(span)));
        let start = required.map_or(name.span.start, |kw| kw.start);
        let span = Span::new(start, ty.end());
        FieldDecl {
            docs,
            required: required.is_some(),
            name,
            ty,
            span,
        }
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

    fn lower_scope_decl(&self, pair: Pair<'_, Rule>) -> ScopeDecl {
        let span = span(&pair);
        let mut docs = None;
        let mut keyword = span;
        let mut props = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::docs => docs = Some(self.lower_docs(p)),
                Rule::kw_scope => keyword = span_of(&p),
                _ => props.extend(self.lower_prop(p)),
            }
        }
        ScopeDecl {
            docs,
            keyword,
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
            Rule::otherwise_prop => PropValue::Otherwise(self.lower_ident(inner.next()?)),
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
