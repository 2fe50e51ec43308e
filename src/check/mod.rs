//! Check: AST and schema to checked rules, or every error found.
//!
//! A [`Checked`] ruleset can only be built here, after every name is resolved,
//! every expression is well typed, predicates form no cycle and the
//! disposition policy is complete. Architecture Invariant: a ruleset that
//! passes the checker never meets a type error when evaluated.

mod confusables;
mod decls;
pub(crate) mod expr;
mod hidden;
pub(crate) mod ir;
mod limits;
mod lookalike;
mod schema;

use crate::diag::{Diagnostic, DiagnosticLevel};
use crate::facts::schema::Schema;
use crate::model::Severity;
use crate::span::Span;
use crate::syntax::ast::{self, CmpOp};
use ir::{Cond, FactRef, PredId};

/// The ruleset header.
#[derive(Clone, Debug, Default)]
pub(crate) struct HeaderInfo {
    pub name: String,
    pub version: String,
    pub title: String,
    pub source: String,
    pub docs: Option<String>,
}

/// A named, reusable condition.
#[derive(Clone, Debug)]
pub(crate) struct Predicate {
    pub name: String,
    pub body: Cond,
    pub span: Span,
    /// The predicates its body uses directly.
    pub uses: Vec<PredId>,
}

/// A safeguard of steps 5-7.
#[derive(Clone, Debug)]
pub(crate) struct Safeguard {
    pub id: String,
    pub step: u8,
    pub title: String,
    pub citation: Option<String>,
    pub docs: Option<String>,
    pub when: Cond,
    pub span: Span,
}

/// A red flag of steps 1-4.
#[derive(Clone, Debug)]
pub(crate) struct Flag {
    pub id: String,
    pub step: u8,
    pub severity: Severity,
    pub title: String,
    pub citation: Option<String>,
    pub docs: Option<String>,
    pub when: Cond,
    /// The facts quoted in the report, root paths only.
    pub evidence: Vec<FactRef>,
    /// Indexes into [`Checked::safeguards`]; the flag is mitigated when all are in place.
    pub mitigated_by: Vec<usize>,
}

/// The scope: which transactions the ruleset covers. Its condition is
/// evaluated first; out of scope, the disposition is `otherwise`.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub title: String,
    pub citation: Option<String>,
    pub docs: Option<String>,
    /// True for a transaction in scope.
    pub when: Cond,
    /// The facts quoted in the report, root paths only.
    pub evidence: Vec<FactRef>,
    /// An index into [`Checked::outcomes`]: the outcome out of scope.
    pub otherwise: usize,
    /// What reports quote as the rule that decided a transaction out of
    /// scope: `out of scope => <outcome>`.
    pub rule: String,
}

/// A declared outcome of the disposition, least strict first.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    pub name: String,
}

/// One case of the disposition policy.
#[derive(Clone, Debug)]
pub(crate) struct Case {
    /// `None` for `otherwise`.
    pub cond: Option<DispCond>,
    /// An index into [`Checked::outcomes`].
    pub outcome: usize,
    /// The case as written, quoted in reports.
    pub text: String,
}

/// A condition over the flags' results; always true or false.
#[derive(Clone, Debug)]
pub(crate) enum DispCond {
    Any(Selector),
    No(Selector),
    Count(Selector, CmpOp, i64),
    Not(Box<DispCond>),
    And(Vec<DispCond>),
    Or(Vec<DispCond>),
}

/// Which flags a disposition condition counts.
#[derive(Clone, Debug, Default)]
pub(crate) struct Selector {
    /// Allowed statuses (raised, clear, unknown); all when none is named.
    pub statuses: [bool; 3],
    /// `Some(true)` for `mitigated`, `Some(false)` for `unmitigated`.
    pub mitigated: Option<bool>,
    pub severity: Vec<(CmpOp, Severity)>,
    pub step: Vec<(CmpOp, i64)>,
}

/// The steps of the guidance a flag may name (DD028 otherwise).
pub(crate) const FLAG_STEPS: std::ops::RangeInclusive<u8> = 1..=4;

/// The steps of the guidance a safeguard may name (DD028 otherwise).
pub(crate) const SAFEGUARD_STEPS: std::ops::RangeInclusive<u8> = 5..=7;

/// A ruleset that passed the checker.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    pub header: HeaderInfo,
    pub schema: Schema,
    pub predicates: Vec<Predicate>,
    /// Predicates in dependency order: each after those it uses.
    pub predicate_order: Vec<PredId>,
    pub safeguards: Vec<Safeguard>,
    pub flags: Vec<Flag>,
    /// The scope, when the ruleset declares one.
    pub scope: Option<Scope>,
    pub outcomes: Vec<Outcome>,
    pub cases: Vec<Case>,
    /// Warnings found on the way; errors would have stopped the checker.
    pub warnings: Vec<Diagnostic>,
}

/// Checks a parsed file. On failure, the diagnostics hold every error and warning found.
pub(crate) fn check(file: &ast::File, source: &str) -> Result<Checked, Vec<Diagnostic>> {
    if file.decls.is_empty() {
        return Err(vec![
            Diagnostic::error("DD013", Span::new(0, 0), "the ruleset is empty").help(
                "a ruleset needs a header, a `facts` schema, flags, `outcomes` and a `disposition`",
            ),
        ]);
    }
    // A file over a size limit is not checked further (see `limits`).
    let over = limits::check(file);
    if !over.is_empty() {
        return Err(over);
    }
    let mut diags = Vec::new();
    let schema = schema::build(file, &mut diags);
    let checked = decls::check_decls(file, schema, &mut diags);
    lookalike::names(file, source, &mut diags);
    lookalike::bidi(source, &mut diags);
    hidden::strings(source, &file.strings, &mut diags);
    let errors = diags.iter().any(|d| d.level == DiagnosticLevel::Error);
    if errors {
        // What is "unused" cannot be told reliably while some uses failed to check.
        diags.retain(|d| !matches!(d.code.0, "DD100" | "DD101" | "DD102"));
    }
    let has_errors = diags
        .iter()
        .any(|d| d.level == crate::diag::DiagnosticLevel::Error);
    match checked {
        Some(mut c) if !has_errors => {
            c.warnings = diags;
            Ok(c)
        }
        _ => Err(diags),
    }
}
