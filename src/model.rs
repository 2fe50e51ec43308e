//! The vocabulary of results that every stage from the checker up speaks:
//! how serious a flag is, whether it is raised, whether a safeguard is in
//! place, and which ruleset a report comes from. A leaf: it imports nothing
//! of the crate.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a red flag is.
///
/// ```
/// use dd_rules::Severity;
///
/// assert!(Severity::High < Severity::Critical);
/// assert_eq!(Severity::from_name("medium"), Some(Severity::Medium));
/// assert_eq!(Severity::ALL.map(Severity::as_str), ["low", "medium", "high", "critical"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// Worth noting; rarely decisive alone.
    Low,
    /// Calls for safeguards.
    Medium,
    /// Calls for escalation unless mitigated.
    High,
    /// Calls for not proceeding unless mitigated; some are never mitigated.
    Critical,
}

impl Severity {
    /// Every severity, least serious first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The name used in rules and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The severity with a name.
    pub fn from_name(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a red flag is raised.
///
/// `#[non_exhaustive]`: a later version may tell more states apart, so a
/// `match` on it needs a `_` arm.
///
/// ```
/// use dd_rules::{RuleSet, Status};
///
/// let rules = RuleSet::bundled()?;
/// let report = rules.evaluate_json(r#"{"end_user": {"sanctioned": true}}"#)?;
/// assert_eq!(report.flag("S2.sanctioned").unwrap().status, Status::Raised);
/// assert_eq!(Status::Unknown.as_str(), "unknown");
/// assert_eq!(Status::Clear.to_string(), "clear");
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Status {
    /// The condition holds.
    Raised,
    /// The condition does not hold.
    Clear,
    /// Facts are missing that would decide the condition.
    Unknown,
}

impl Status {
    /// The name used in rules and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Raised => "raised",
            Status::Clear => "clear",
            Status::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a safeguard is in place.
///
/// `#[non_exhaustive]`: a later version may tell more states apart, so a
/// `match` on it needs a `_` arm.
///
/// ```
/// use dd_rules::{RuleSet, SafeguardStatus};
///
/// let rules = RuleSet::bundled()?;
/// let report = rules.evaluate_json("{}")?;
/// let cutoff = report.safeguard("contract.cutoff_right").unwrap();
/// assert_eq!(cutoff.status, SafeguardStatus::Unknown);
/// assert_eq!(SafeguardStatus::InPlace.as_str(), "in_place");
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SafeguardStatus {
    /// Its condition holds.
    InPlace,
    /// Its condition does not hold.
    Missing,
    /// Facts are missing that would decide it.
    Unknown,
}

impl SafeguardStatus {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            SafeguardStatus::InPlace => "in_place",
            SafeguardStatus::Missing => "missing",
            SafeguardStatus::Unknown => "unknown",
        }
    }
}

/// Whether a transaction is in the scope the ruleset declares (`scope { … }`):
/// its condition is true (`In`), false (`Out`), or undecided for want of
/// facts (`Unknown`). Out of scope, the disposition is the scope's
/// `otherwise` outcome; in scope or unknown, the disposition policy decides.
///
/// `#[non_exhaustive]`: a later version may tell more states apart, so a
/// `match` on it needs a `_` arm.
///
/// ```
/// use dd_rules::{RuleSet, ScopeStatus};
///
/// let rules = RuleSet::bundled()?;
/// let report = rules.evaluate_json(r#"{"product": {"capabilities": [], "critical_component": false}}"#)?;
/// assert_eq!(report.scope().unwrap().status, ScopeStatus::Out);
/// assert_eq!(report.disposition(), "out_of_scope");
/// assert_eq!(ScopeStatus::Out.as_str(), "out");
/// assert_eq!("unknown".parse::<ScopeStatus>()?, ScopeStatus::Unknown);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ScopeStatus {
    /// The scope's condition holds: the disposition policy decides.
    In,
    /// The scope's condition does not hold: the scope's `otherwise` outcome.
    Out,
    /// Facts are missing that would decide the scope: the disposition
    /// policy decides, and the scope's facts are asked for first.
    Unknown,
}

impl ScopeStatus {
    /// The name used in reports: `in`, `out` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeStatus::In => "in",
            ScopeStatus::Out => "out",
            ScopeStatus::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ScopeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which ruleset produced a report.
///
/// Only the library builds one ([`RuleSet::reference`](crate::RuleSet::reference),
/// [`Report::ruleset`](crate::Report::ruleset));
/// `#[non_exhaustive]`, so that it may name more of the ruleset later.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let r = rules.reference();
/// assert_eq!(r.name, "us-state-2020");
/// assert!(r.digest.starts_with("sha256:"));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RulesetRef {
    /// The name in the header.
    pub name: String,
    /// The version in the header.
    pub version: String,
    /// `sha256:` and the hex digest of the ruleset source.
    pub digest: String,
}
