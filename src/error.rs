//! The errors of the public API: one enum whose variants wrap each stage's error.

use crate::budget::ConditionKind;
use crate::diag::{Diagnostic, Diagnostics};
use crate::facts::FactsError;
use crate::limits::MAX_SOURCE_BYTES;
use crate::span::Span;

/// Any error of dd-rules. `#[non_exhaustive]`: a later version may add a
/// kind of error, so a `match` on it needs a `_` arm.
///
/// ```
/// use dd_rules::{Error, RuleSet};
///
/// let rules = RuleSet::bundled()?;
/// match rules.evaluate_json(r#"{"end_user": {"sanctioned": "yes"}}"#) {
///     Err(Error::Facts(e)) => assert_eq!(e.path, "end_user.sanctioned"),
///     other => panic!("expected a facts error, got {other:?}"),
/// }
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The ruleset does not parse or check.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// The facts document is malformed or does not fit the schema.
    #[error(transparent)]
    Facts(#[from] FactsError),
    /// The facts cannot be evaluated by this ruleset.
    #[error(transparent)]
    Eval(#[from] EvalError),
}

/// A ruleset that does not parse or check, with every diagnostic found.
///
/// Only the library builds one ([`RulesError::too_large`] for callers that
/// refuse a source by its length); `#[non_exhaustive]` so that it may carry
/// more later.
///
/// ```
/// let err = dd_rules::RuleSet::compile("ruleset", "bad.rules").unwrap_err();
/// assert!(err.diagnostics.has_errors());
/// assert!(err.to_string().starts_with("error[DD001]"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{diagnostics}")]
#[non_exhaustive]
pub struct RulesError {
    /// Every error and warning, in source order.
    pub diagnostics: Diagnostics,
}

impl RulesError {
    /// The error for a ruleset source of `len` bytes, more than
    /// [`MAX_SOURCE_BYTES`] (a byte-order mark aside): the DD004 that
    /// compiling it gives, for a caller that refuses a source by its length
    /// before reading it (the C ABI does, so that a wrong length is never
    /// read). Its diagnostics have no source text.
    ///
    /// ```
    /// let e = dd_rules::RulesError::too_large(5_000_000, "big.rules");
    /// let d = e.diagnostics.iter().next().unwrap();
    /// assert_eq!(d.code.to_string(), "DD004");
    /// assert_eq!(d.message, "the ruleset is 5000000 bytes long, more than the limit of 4194304 bytes");
    /// ```
    pub fn too_large(len: usize, file_name: &str) -> RulesError {
        RulesError {
            diagnostics: Diagnostics::new(file_name.into(), "".into(), vec![too_large(len)]),
        }
    }
}

/// Facts that cannot be evaluated by a ruleset. `#[non_exhaustive]`.
///
/// ```
/// use dd_rules::{EvalError, RuleSet};
///
/// let small = RuleSet::compile(r#"
///     ruleset "s" { version: "1" title: "S" source: "S" }
///     record T { n: int }
///     facts { t: T }
///     flag A.big { step: 1 severity: low title: "Big" when: t.n > 3 }
///     outcomes { proceed }
///     disposition { otherwise => proceed }
/// "#, "s.rules")?;
/// let facts = small.facts_from_json(r#"{"t": {"n": 4}}"#).unwrap();
/// let bundled = RuleSet::bundled()?;
/// // No fact in common: the bundled ruleset cannot carry these facts over.
/// assert!(matches!(bundled.evaluate(&facts).unwrap_err(), EvalError::SchemaDiffers(_)));
/// // And the fast path takes facts of its own schema only.
/// let mut scratch = bundled.new_scratch();
/// let error = bundled.evaluate_into(&facts, &mut scratch).unwrap_err();
/// assert_eq!(error, EvalError::SchemaMismatch);
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The facts were loaded for a ruleset with another schema, and given to
    /// the fast path ([`RuleSet::evaluate_into`](crate::RuleSet::evaluate_into),
    /// [`RuleSet::report`](crate::RuleSet::report)), which takes facts of its
    /// own schema only.
    #[error(
        "the facts were loaded for another fact schema; load them with this ruleset, \
         or carry them over with RuleSet::adopt"
    )]
    SchemaMismatch,
    /// The facts were loaded for a ruleset whose schema disagrees with this
    /// one's at a path both declare ([`RuleSet::adopt`](crate::RuleSet::adopt)):
    /// the error names the path and both types.
    #[error("the facts were loaded for another fact schema, which disagrees with this one: {0}")]
    SchemaDiffers(crate::facts::FactsError),
    /// Evaluating the facts took more steps than the budget allows
    /// ([`RuleSet::with_budget`](crate::RuleSet::with_budget)): quantifiers
    /// nested over long lists, most likely. Nothing of the evaluation is
    /// reported.
    #[error(
        "evaluation went over its budget of {budget} steps in the {kind} `{id}` \
         (quantifiers over long lists, nested in each other?); nothing is reported"
    )]
    OverBudget {
        /// The budget, in steps.
        budget: u64,
        /// What was being evaluated.
        kind: ConditionKind,
        /// Its id (a flag or safeguard) or name (a predicate).
        id: String,
    },
}

/// DD004: a source of `len` bytes, more than [`MAX_SOURCE_BYTES`].
pub(crate) fn too_large(len: usize) -> Diagnostic {
    Diagnostic::error(
        "DD004",
        Span::new(0, 0),
        format!(
            "the ruleset is {len} bytes long, more than the limit of {} bytes",
            MAX_SOURCE_BYTES
        ),
    )
    .help("split the ruleset or shorten it")
}
