//! The abstract syntax tree: what the source says, with a span on every node.
//!
//! The AST knows nothing about facts or types: a bare name such as `police`
//! may be an enum value or a predicate, and only the checker decides.

use crate::decimal::Decimal;
use crate::span::Span;

/// A name with the place it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ident {
    pub name: String,
    pub span: Span,
}

/// A doc comment: the text of its `///` lines, joined by newlines.
pub(crate) type Docs = Option<String>;

/// A dotted name: a fact path, or a flag or safeguard id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    /// The path as written, segments joined by dots.
    pub fn dotted(&self) -> String {
        let mut out = String::new();
        for (i, seg) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&seg.name);
        }
        out
    }
}

/// A string literal after escapes are resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StrLit {
    pub value: String,
    pub span: Span,
}

/// A whole file.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct File {
    pub decls: Vec<Decl>,
    /// The span of every string literal, quotes included, in the order
    /// lowered: the checker reads their text for characters a reader cannot
    /// see (DD109), wherever in the tree the string is.
    pub strings: Vec<Span>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Decl {
    Header(Header),
    Enum(EnumDecl),
    Record(RecordDecl),
    Facts(FactsDecl),
    Predicate(PredicateDecl),
    Flag(FlagDecl),
    Safeguard(SafeguardDecl),
    Scope(ScopeDecl),
    Outcomes(OutcomesDecl),
    Disposition(DispositionDecl),
}

/// `ruleset "name" { … }`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Header {
    pub docs: Docs,
    pub name: StrLit,
    pub props: Vec<Prop>,
    pub span: Span,
}

/// `enum Name { a, b }`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EnumDecl {
    pub docs: Docs,
    pub name: Ident,
    pub variants: Vec<(Docs, Ident)>,
    pub span: Span,
}

/// `record Name { … }`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RecordDecl {
    pub docs: Docs,
    pub name: Ident,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

/// `facts { … }`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FactsDecl {
    pub docs: Docs,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

/// `name: type` or `required name: type`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FieldDecl {
    pub docs: Docs,
    /// Written `required`: the fact must be known for every transaction in scope.
    pub required: bool,
    pub name: Ident,
    pub ty: TypeExpr,
    /// From `required` (or the name, without it) to the end of the type; the doc comment is
    /// not in it.
    pub span: Span,
}

/// A written type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TypeExpr {
    Named(Ident),
    Set(Ident, Span),
    List(Ident, Span),
}

impl TypeExpr {
    /// Where the written type ends.
    pub fn end(&self) -> usize {
        match self {
            TypeExpr::Named(id) => id.span.end,
            TypeExpr::Set(_, span) | TypeExpr::List(_, span) => span.end,
        }
    }
}

/// `predicate name { condition }`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PredicateDecl {
    pub docs: Docs,
    pub name: Ident,
    pub body: Expr,
    pub span: Span,
}

/// `flag id { … }`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FlagDecl {
    pub docs: Docs,
    pub id: Path,
    pub props: Vec<Prop>,
    pub span: Span,
}

/// `safeguard id { … }`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SafeguardDecl {
    pub docs: Docs,
    pub id: Path,
    pub props: Vec<Prop>,
    pub span: Span,
}

/// `scope { … }`: which transactions the ruleset covers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ScopeDecl {
    pub docs: Docs,
    /// The span of the keyword `scope`, where diagnostics about the whole
    /// declaration point.
    pub keyword: Span,
    pub props: Vec<Prop>,
    pub span: Span,
}

/// One `key: value` property of a header, flag, safeguard or the scope.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Prop {
    /// The span of the key.
    pub key_span: Span,
    pub value: PropValue,
}

/// The value of a property; the variant names the key.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PropValue {
    Version(StrLit),
    Title(StrLit),
    Source(StrLit),
    Citation(StrLit),
    /// The step as written (checked for range later) and its span.
    Step(Option<i64>, Span),
    Severity(Ident),
    When(Expr),
    Evidence(Vec<Path>),
    MitigatedBy(Vec<Path>),
    /// The scope's outcome for a transaction out of scope.
    Otherwise(Ident),
}

impl PropValue {
    /// The property's key as written.
    pub fn key(&self) -> &'static str {
        match self {
            PropValue::Version(_) => "version",
            PropValue::Title(_) => "title",
            PropValue::Source(_) => "source",
            PropValue::Citation(_) => "citation",
            PropValue::Step(..) => "step",
            PropValue::Severity(_) => "severity",
            PropValue::When(_) => "when",
            PropValue::Evidence(_) => "evidence",
            PropValue::MitigatedBy(_) => "mitigated_by",
            PropValue::Otherwise(_) => "otherwise",
        }
    }
}

/// `outcomes { a, b }`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct OutcomesDecl {
    pub docs: Docs,
    pub outcomes: Vec<(Docs, Ident)>,
    pub span: Span,
}

/// `disposition { … }`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DispositionDecl {
    pub docs: Docs,
    pub cases: Vec<DispCase>,
    pub span: Span,
}

/// One case; `cond` is `None` for `otherwise`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DispCase {
    pub cond: Option<DispExpr>,
    pub outcome: Ident,
    pub span: Span,
}

/// A condition over the flags' results.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DispExpr {
    Any(Selector),
    No(Selector),
    Count(Selector, CmpOp, Option<i64>, Span),
    Not(Box<DispExpr>),
    And(Vec<DispExpr>),
    Or(Vec<DispExpr>),
}

/// `flags(filter, …)`
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Selector {
    pub filters: Vec<Filter>,
    pub span: Span,
}

/// One filter of a selector.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Filter {
    Status(Ident),
    Severity(CmpOp, Ident),
    Step(CmpOp, Option<i64>, Span),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Applies the operator to an ordering.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }
}

/// The set tests of `contains`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetTest {
    /// `s contains x`
    One,
    /// `s contains any of t`
    Any,
    /// `s contains all of t`
    All,
    /// `s contains none of t`
    None,
}

/// `any(…)` or `all(…)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quant {
    Any,
    All,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ExprKind {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Str(String),
    /// A dotted name: a fact path, a bound variable's field, an enum value or a predicate.
    Path(Path),
    Set(Vec<Expr>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Box<Expr>),
    Contains(SetTest, Box<Expr>, Box<Expr>),
    Quant(Quant, Ident, Path, Box<Expr>),
    Count(Ident, Path, Option<Box<Expr>>),
    Known(Path),
}
