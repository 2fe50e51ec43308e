//! # dd-rules
//!
//! Human-rights due diligence for sales of products and services with
//! surveillance capabilities, as rules: policy authors write red flags,
//! safeguards and a disposition policy in `.rules` files; this crate parses,
//! type-checks and compiles them, and evaluates transactions into a report
//! that says, for every flag, whether it is raised, clear or unknown (and
//! which missing facts keep it unknown), with the evidence it used, the
//! safeguards in place or missing, and a recommended disposition.
//!
//! A report is a recommendation for human review, never a legal clearance.
//!
//! ```
//! use dd_rules::{RuleSet, Status};
//!
//! let rules = RuleSet::compile(r#"
//!     ruleset "example" { version: "1" title: "Example" source: "Internal policy" }
//!     enum Civic { open, narrowed, obstructed, repressed, closed }
//!     record Country { civic_space: Civic  freedom_score: int }
//!     facts { country: Country }
//!     safeguard contract.cutoff { step: 6 title: "Right to cut off support" when: false }
//!     flag S3.closed_civic_space {
//!         step: 3  severity: high  title: "Civic space is repressed or closed"
//!         when: country.civic_space >= repressed or country.freedom_score < 35
//!         mitigated_by: contract.cutoff
//!     }
//!     outcomes { proceed, escalate }
//!     disposition {
//!         when any flags(raised, unmitigated) or any flags(unknown) => escalate
//!         otherwise => proceed
//!     }
//! "#, "example.rules")?;
//!
//! let report = rules.evaluate_json(r#"{"id": "T-1", "country": {"civic_space": "open"}}"#)?;
//! let flag = report.flag("S3.closed_civic_space").unwrap();
//! assert_eq!(flag.status, Status::Unknown);
//! assert!(flag.missing().eq(["country.freedom_score"]));
//! assert_eq!(report.disposition(), "escalate");
//!
//! let report = rules.evaluate_json(r#"{"country": {"civic_space": "closed"}}"#)?;
//! assert_eq!(report.flag("S3.closed_civic_space").unwrap().status, Status::Raised);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pipeline is `syntax` (text to AST) → `check` (AST to typed rules, or
//! every error) → `compile` (typed rules to slot-resolved nodes) → `eval`
//! (facts to report); see `ARCHITECTURE.md`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

// Each module imports only the modules of the layers below it: the order is
// `LAYERS` in `tests/layers.rs`, which checks it (and ARCHITECTURE.md).
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
#[path = "fuzzing.rs"]
pub mod __fuzz;
mod batch;
pub(crate) mod budget;
pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod decimal;
pub(crate) mod diag;
mod diff;
pub(crate) mod engine;
mod error;
pub(crate) mod eval;
mod explain;
pub(crate) mod facts;
mod info;
pub(crate) mod limits;
pub(crate) mod model;
mod names;
mod printable;
pub(crate) mod report;
mod ruleset;
pub(crate) mod span;
pub(crate) mod suggest;
pub(crate) mod syntax;
pub mod testing;
pub(crate) mod tri;

/// The parts of [`Transaction`], the typed facts of the bundled ruleset:
/// its records and enums, in the order the ruleset declares them.
/// `Transaction` itself is at the crate root.
///
/// ```
/// use dd_rules::transaction::{Capability, EndUser, Product};
/// use dd_rules::{RuleSet, Status, Transaction};
///
/// let tx = Transaction {
///     id: Some("T-7".into()),
///     product: Some(Product {
///         capabilities: Some(vec![Capability::Spyware]),
///         ..Product::default()
///     }),
///     end_user: Some(EndUser { sanctioned: Some(true), ..EndUser::default() }),
///     ..Transaction::default()
/// };
/// let rules = RuleSet::bundled()?;
/// let report = rules.evaluate(&rules.facts_from_transaction(&tx)?)?;
/// assert_eq!(report.flag("S2.sanctioned").unwrap().status, Status::Raised);
/// # Ok::<(), dd_rules::Error>(())
/// ```
pub mod transaction {
    pub use crate::facts::transaction::{
        AfterSale, Capability, Chain, CivicSpace, Contract, Country, Deployment, DeploymentScope,
        EndUser, EndUserKind, Party, PartyRole, Payment, PrivacyMeasure, Product, Shipment,
        TechnicalLimit,
    };
}

pub use budget::{ConditionKind, DEFAULT_BUDGET};
pub use decimal::{Decimal, DecimalError};
pub use diag::{Code, Diagnostic, DiagnosticLevel, Diagnostics, Style};
pub use diff::{
    CaseChange, ChangeKind, ChangedTransaction, FactChange, FieldChange, FlagImpact, FlagState,
    FlagTransition, IMPACT_KEPT, Impact, ItemChange, OutcomesDiff, RulesetDiff, Transition,
    Verdict,
};
pub use error::{Error, EvalError, RulesError};
pub use eval::outcome::{Outcome, Scratch};
pub use explain::{Explanation, FactValue, Truth};
pub use facts::render::QuotedValue;
pub use facts::transaction::Transaction;
pub use facts::{Facts, FactsBuilder, FactsError, Sourced};
pub use info::{
    CaseInfo, FactInfo, FactKind, FlagInfo, JsonSchema, OutcomeInfo, PolicyInfo, PredicateInfo,
    SafeguardInfo, ScopeInfo, ValueInfo,
};
pub use limits::{
    ADVICE_WORK_BYTES, MAX_ADVICE_EVALUATIONS, MAX_FACTS_BYTES, MAX_MISSING_FACTS,
    MAX_MISSING_PER_FLAG, MAX_REMEDY_PLANS, MAX_SOURCE_BYTES, REPORT_QUOTE_BYTES,
    advice_evaluations, report_quote_budget,
};
pub use model::{RulesetRef, SafeguardStatus, ScopeStatus, Severity, Status};
pub use names::ParseNameError;
pub use printable::{is_hidden, printable, printable_prefix};
pub use report::disposition::Disposition;
pub use report::record::{
    EvidenceRecord, FlagRecord, MitigationRecord, ProvenanceRecord, ReportRecord, RulesetRecord,
    SafeguardRecord, ScopeRecord,
};
pub use report::{
    DecisionOptions, Evidence, FlagReport, Mitigation, NOTICE, Question, Questionnaire,
    Remediation, RemedyPlan, Report, SafeguardReport, ScopeReport,
};
pub use ruleset::{BUNDLED_FILE, BUNDLED_SOURCE, RuleSet, check_source};
pub use span::Span;
pub use suggest::closest_name;
pub use syntax::format::{FormatError, format_source};
