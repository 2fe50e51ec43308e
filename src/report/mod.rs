//! Report: what an evaluation found, and the diagnostics of a ruleset.
//!
//! The report is plain data with a fixed field order, so the same input
//! always serialises to the same bytes.

pub(crate) mod diagnostic;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// How serious a red flag is.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// Which ruleset produced a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RulesetRef {
    /// The name in the header.
    pub name: String,
    /// The version in the header.
    pub version: String,
    /// `sha256:` and the hex digest of the ruleset source.
    pub digest: String,
}

/// A fact quoted as evidence, with its provenance when the facts gave one.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    /// The fact path.
    pub fact: String,
    /// The value, as JSON.
    pub value: Box<RawValue>,
    /// Where the value comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When the source said so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Evidence) -> bool {
        self.fact == other.fact
            && self.value.get() == other.value.get()
            && self.source == other.source
            && self.as_of == other.as_of
    }
}

/// One safeguard that would mitigate a flag, and whether it is in place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mitigation {
    /// The safeguard's id.
    pub id: String,
    /// Whether it is in place.
    pub status: SafeguardStatus,
}

/// The result for one red flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlagReport {
    /// The stable id, such as `S2.past_misuse_similar`.
    pub id: String,
    /// The step of the guidance, 1 to 4.
    pub step: u8,
    /// How serious it is.
    pub severity: Severity,
    /// A one-line title.
    pub title: String,
    /// Where the flag comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// Raised, clear or unknown.
    pub status: Status,
    /// Whether every safeguard that mitigates it is in place.
    pub mitigated: bool,
    /// The facts quoted, in the order the flag lists them.
    pub evidence: Vec<Evidence>,
    /// For an unknown flag, the absent facts that kept it undecided.
    pub missing: Vec<String>,
    /// The safeguards that would mitigate it.
    pub mitigations: Vec<Mitigation>,
}

/// The result for one safeguard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SafeguardReport {
    /// The id.
    pub id: String,
    /// The step of the guidance, 5 to 7.
    pub step: u8,
    /// A one-line title.
    pub title: String,
    /// In place, missing or unknown.
    pub status: SafeguardStatus,
}

/// What the ruleset recommends for one transaction. A recommendation for
/// human review, never a legal clearance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The ruleset that produced it.
    pub ruleset: RulesetRef,
    /// The transaction id, the `"id"` of the facts document, if any.
    pub transaction: Option<String>,
    /// The recommended disposition: an outcome the ruleset declares.
    pub disposition: String,
    /// The case of the disposition policy that decided it, as written.
    pub disposition_rule: String,
    /// Every flag of the ruleset, in declaration order.
    pub flags: Vec<FlagReport>,
    /// Every safeguard of the ruleset, in declaration order.
    pub safeguards: Vec<SafeguardReport>,
    /// The facts that would decide the unknown flags, most decisive first:
    /// the questionnaire for the next round of due diligence.
    pub missing_facts: Vec<String>,
    /// A reminder of what this report is.
    pub notice: &'static str,
}

/// The notice every report carries.
pub const NOTICE: &str = "a recommendation for human review, not a legal clearance";

impl Report {
    /// The report as compact JSON; identical input gives identical bytes.
    pub fn to_json(&self) -> String {
        // INVARIANT: every field serialises infallibly (strings, numbers and raw JSON we wrote).
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The flags with a given status.
    pub fn flags_with(&self, status: Status) -> impl Iterator<Item = &FlagReport> {
        self.flags.iter().filter(move |f| f.status == status)
    }

    /// The flag with an id.
    pub fn flag(&self, id: &str) -> Option<&FlagReport> {
        self.flags.iter().find(|f| f.id == id)
    }
}
