//! Ruleset test files: their format, how a report is compared with what a
//! case expects, and what the cases of a ruleset cover.
//!
//! A test file is a JSON document (by convention named `*.tests.json`):
//!
//! ```json
//! { "ruleset": "../us-state-2020.rules",
//!   "cases": [
//!     { "name": "face recognition for a national police force",
//!       "facts": { "country": { "civic_space": "closed" } },
//!       "expect": { "disposition": "do_not_proceed",
//!                   "scope": "in",
//!                   "flags": { "S3.civic_space_laws": "raised" },
//!                   "safeguards": { "contract.cutoff_right": "missing" },
//!                   "missing_facts": ["end_user.past_misuse_similar"] } } ] }
//! ```
//!
//! `ruleset` is a path relative to the test file. Each case gives its facts
//! inline (`facts`) or in a file (`facts_file`, relative to the test file).
//! Every part of `expect` is optional; `missing_facts` is compared as a set,
//! and `scope` (`in`, `out` or `unknown`) is whether the transaction is in
//! the scope the ruleset declares.
//! The library reads no files: the caller resolves the paths.
//!
//! ```
//! use dd_rules::RuleSet;
//! use dd_rules::testing::{Coverage, TestFile};
//!
//! let file = TestFile::parse(r#"{"ruleset": "x.rules", "cases": [
//!     {"name": "sanctioned", "facts": {"end_user": {"sanctioned": true}},
//!      "expect": {"flags": {"S2.sanctioned": "raised"}}}]}"#)?;
//! let rules = RuleSet::bundled()?;
//! let mut coverage = Coverage::new(&rules);
//! for case in &file.cases {
//!     let report = rules.evaluate_json(case.facts.as_deref().unwrap())?;
//!     assert!(case.expect.differences(&report).is_empty());
//!     coverage.record(&report);
//! }
//! assert_eq!(coverage.cases(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::{SafeguardStatus, ScopeStatus, Status};
use crate::printable::{printable, printable_prefix};
use crate::report::Report;
use crate::ruleset::RuleSet;

/// A test file that is not valid JSON or not of the documented form.
///
/// ```
/// use dd_rules::testing::TestFile;
///
/// let err = TestFile::parse(r#"{"ruleset": "x.rules"}"#).unwrap_err();
/// assert!(err.to_string().contains("missing field `cases`"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TestFileError(String);

/// A parsed test file.
///
/// ```
/// use std::path::Path;
/// use dd_rules::testing::TestFile;
///
/// let file = TestFile::parse(r#"{"ruleset": "../x.rules", "cases": [
///     {"name": "a", "facts": {}},
///     {"name": "b", "facts_file": "b.json"}]}"#)?;
/// assert_eq!(file.ruleset, Path::new("../x.rules"));
/// assert_eq!(file.cases.len(), 2);
/// # Ok::<(), dd_rules::testing::TestFileError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TestFile {
    /// The ruleset, relative to the test file.
    pub ruleset: PathBuf,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// One case: a transaction and what to expect of its report.
///
/// ```
/// use std::path::Path;
/// use dd_rules::testing::TestFile;
///
/// let file = TestFile::parse(r#"{"ruleset": "x.rules", "cases": [
///     {"name": "inline", "description": "facts in the file", "facts": {"id": "t"}},
///     {"name": "beside", "facts_file": "t.json"}]}"#)?;
/// let (inline, beside) = (&file.cases[0], &file.cases[1]);
/// assert_eq!(inline.name, "inline");
/// assert_eq!(inline.facts.as_deref(), Some(r#"{"id": "t"}"#));
/// assert_eq!(beside.facts_file.as_deref(), Some(Path::new("t.json")));
/// # Ok::<(), dd_rules::testing::TestFileError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Case {
    /// What the case is about, shown when it fails.
    pub name: String,
    /// A longer description, shown when it fails.
    pub description: Option<String>,
    /// The facts document, as JSON text, when given inline.
    pub facts: Option<String>,
    /// The facts document's file, relative to the test file, when not inline.
    pub facts_file: Option<PathBuf>,
    /// What the report must say.
    pub expect: Expect,
}

/// What a case expects of a report; every part is optional.
///
/// ```
/// use dd_rules::RuleSet;
/// use dd_rules::testing::TestFile;
///
/// let file = TestFile::parse(r#"{"ruleset": "x.rules", "cases": [{"name": "a", "facts": {},
///     "expect": {"flags": {"S2.sanctioned": "raised"}}}]}"#)?;
/// let rules = RuleSet::bundled()?;
/// let report = rules.evaluate_json("{}")?;
/// let differences = file.cases[0].expect.differences(&report);
/// assert_eq!(
///     differences,
///     ["flag S2.sanctioned: expected raised, got unknown (missing: end_user.sanctioned)"]
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Expect {
    /// The disposition.
    #[serde(default)]
    pub disposition: Option<String>,
    /// Whether the transaction is in the ruleset's scope.
    #[serde(default)]
    pub scope: Option<ScopeStatus>,
    /// The status of chosen flags.
    #[serde(default)]
    pub flags: BTreeMap<String, Status>,
    /// The status of chosen safeguards.
    #[serde(default)]
    pub safeguards: BTreeMap<String, SafeguardStatus>,
    /// The missing facts of the report, as a set.
    #[serde(default)]
    pub missing_facts: Option<BTreeSet<String>>,
    /// The first questions of the questionnaire, in order, by fact path
    /// (`[]`: no question at all). Needs an advised report
    /// ([`RuleSet::advise`](crate::RuleSet::advise)).
    #[serde(default)]
    pub questions: Option<Vec<String>>,
    /// The remediation plans, in order (`[]`: none). Needs an advised report.
    #[serde(default)]
    pub remediation: Option<Vec<crate::RemedyPlan>>,
    /// The raised flags no safeguard mitigates that the remediation plan
    /// names as the reason it cannot go lower. Needs an advised report.
    #[serde(default)]
    pub blocked_by: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    ruleset: PathBuf,
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    facts: Option<Box<RawValue>>,
    #[serde(default)]
    facts_file: Option<PathBuf>,
    #[serde(default)]
    expect: Expect,
}

impl TestFile {
    /// Parses a test file. Each case must give exactly one of `facts` and
    /// `facts_file`. Inline facts keep their exact text (decimals included).
    pub fn parse(text: &str) -> Result<TestFile, TestFileError> {
        // serde_json's messages quote the file's keys (an unknown field);
        // what a test file holds is shown escaped, as any text from a file.
        let raw: RawFile = serde_json::from_str(text)
            .map_err(|e| TestFileError(printable(&e.to_string()).into_owned()))?;
        let mut cases = Vec::with_capacity(raw.cases.len());
        for c in raw.cases {
            if c.facts.is_some() == c.facts_file.is_some() {
                return Err(TestFileError(format!(
                    "the case `{}` must give exactly one of `facts` and `facts_file`",
                    printable_prefix(&c.name, 100)
                )));
            }
            cases.push(Case {
                name: c.name,
                description: c.description,
                facts: c.facts.map(|f| f.get().to_string()),
                facts_file: c.facts_file,
                expect: c.expect,
            });
        }
        Ok(TestFile {
            ruleset: raw.ruleset,
            cases,
        })
    }
}

impl Expect {
    /// Whether the expectations need an advised report: its questionnaire
    /// or remediation plan.
    pub fn needs_advice(&self) -> bool {
        self.questions.is_some() || self.remediation.is_some() || self.blocked_by.is_some()
    }

    /// How a report differs from what is expected: one line per difference,
    /// none when the case passes. Text from the test file or the report
    /// (ids, outcomes, fact paths) has its control, invisible and
    /// direction-changing characters escaped, so that a line is what it says.
    pub fn differences(&self, report: &Report) -> Vec<String> {
        self.raw_differences(report)
            .into_iter()
            .map(|line| match printable(&line) {
                Cow::Borrowed(_) => line,
                Cow::Owned(escaped) => escaped,
            })
            .collect()
    }

    fn raw_differences(&self, report: &Report) -> Vec<String> {
        let mut diffs = Vec::new();
        if let Some(d) = &self.disposition
            && d != report.disposition()
        {
            diffs.push(format!(
                "disposition: expected {d}, got {} (decided by: {})",
                report.disposition(),
                report.disposition_rule()
            ));
        }
        if let Some(want) = self.scope {
            match report.scope() {
                None => diffs.push("scope: the ruleset declares no scope".to_string()),
                Some(s) if s.status != want => {
                    diffs.push(unexpected("scope", want, s.status, s.missing()));
                }
                Some(_) => {}
            }
        }
        for (id, want) in &self.flags {
            match report.flag(id) {
                None => diffs.push(format!("flag {id}: no such flag in the ruleset")),
                Some(f) if f.status != *want => {
                    diffs.push(unexpected(
                        &format!("flag {id}"),
                        want,
                        f.status,
                        f.missing(),
                    ));
                }
                Some(_) => {}
            }
        }
        for (id, want) in &self.safeguards {
            match report.safeguard(id) {
                None => diffs.push(format!("safeguard {id}: no such safeguard in the ruleset")),
                Some(s) if s.status != *want => diffs.push(format!(
                    "safeguard {id}: expected {}, got {}",
                    want.as_str(),
                    s.status.as_str()
                )),
                Some(_) => {}
            }
        }
        if let Some(want) = &self.missing_facts {
            let got: BTreeSet<String> = report.missing_facts().map(str::to_string).collect();
            let join = |items: Vec<&String>| {
                items
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let absent: Vec<&String> = want.difference(&got).collect();
            let extra: Vec<&String> = got.difference(want).collect();
            if !absent.is_empty() {
                diffs.push(format!(
                    "missing facts: expected but not reported: {}",
                    join(absent)
                ));
            }
            if !extra.is_empty() {
                diffs.push(format!(
                    "missing facts: reported but not expected: {}",
                    join(extra)
                ));
            }
        }
        self.advice_differences(report, &mut diffs);
        diffs
    }

    /// The differences in the questionnaire and the remediation plan.
    fn advice_differences(&self, report: &Report, diffs: &mut Vec<String>) {
        if !self.needs_advice() {
            return;
        }
        let Some(questionnaire) = report.questionnaire() else {
            diffs.push("questions and remediation: the report was not advised".to_string());
            return;
        };
        if let Some(want) = &self.questions {
            let got: Vec<&str> = questionnaire
                .questions
                .iter()
                .take(want.len().max(1))
                .map(|q| q.fact.as_str())
                .collect();
            let matches = if want.is_empty() {
                got.is_empty()
            } else {
                got.iter().eq(want.iter())
            };
            if !matches {
                diffs.push(format!(
                    "questions: expected {}, got {}",
                    listed(want.iter().map(String::as_str)),
                    listed(got.into_iter())
                ));
            }
        }
        let plans = report.remediation().map_or(&[][..], |r| &r.plans[..]);
        if let Some(want) = &self.remediation
            && want.as_slice() != plans
        {
            let shown = |plans: &[crate::RemedyPlan]| {
                listed(
                    plans
                        .iter()
                        .map(|p| format!("{} => {}", p.safeguards.join(" + "), p.outcome))
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str),
                )
            };
            diffs.push(format!(
                "remediation: expected {}, got {}",
                shown(want),
                shown(plans)
            ));
        }
        if let Some(want) = &self.blocked_by {
            let got = report.remediation().map_or(&[][..], |r| &r.blocked_by[..]);
            if want.as_slice() != got {
                diffs.push(format!(
                    "blocked by: expected {}, got {}",
                    listed(want.iter().map(String::as_str)),
                    listed(got.iter().map(String::as_str))
                ));
            }
        }
    }
}

/// Items as `[a, b]`.
fn listed<'a>(items: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// `what: expected W, got G (missing: …)`: a status other than expected,
/// with the facts that kept it unknown, if any.
fn unexpected<'a>(
    what: &str,
    want: impl std::fmt::Display,
    got: impl std::fmt::Display,
    missing: impl Iterator<Item = &'a str>,
) -> String {
    let mut line = format!("{what}: expected {want}, got {got}");
    let missing: Vec<&str> = missing.collect();
    if !missing.is_empty() {
        line.push_str(&format!(" (missing: {})", missing.join(", ")));
    }
    line
}

/// What the cases of one ruleset exercised: for each flag, whether some case
/// saw it raised, clear and unknown; and which outcomes some case reached.
///
/// ```
/// use dd_rules::RuleSet;
/// use dd_rules::testing::Coverage;
///
/// let rules = RuleSet::bundled()?;
/// let mut coverage = Coverage::new(&rules);
/// coverage.record(&rules.evaluate_json(r#"{"end_user": {"sanctioned": true}}"#)?);
/// assert_eq!(coverage.cases(), 1);
/// let (seen, of) = coverage.covered();
/// assert_eq!(of, 3 * rules.flags().count());
/// assert!(seen > 0 && seen < of);
/// assert!(coverage.gaps().contains(&"flag S2.sanctioned never clear".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Coverage {
    cases: usize,
    flags: Vec<(String, [bool; 3])>,
    /// Whether some case was in, out of and unknown to the scope; `None`
    /// when the ruleset declares no scope.
    scope: Option<[bool; 3]>,
    outcomes: Vec<(String, bool)>,
}

impl Coverage {
    /// Nothing covered yet, for the flags and outcomes of `rules`.
    pub fn new(rules: &RuleSet) -> Coverage {
        Coverage {
            cases: 0,
            flags: rules
                .flags()
                .map(|f| (f.id.to_string(), [false; 3]))
                .collect(),
            scope: rules.scope().map(|_| [false; 3]),
            outcomes: rules.outcomes().map(|o| (o.to_string(), false)).collect(),
        }
    }

    /// Records what one report of this ruleset shows.
    pub fn record(&mut self, report: &Report) {
        self.cases += 1;
        for f in report.flags() {
            let i = match f.status {
                Status::Raised => 0,
                Status::Clear => 1,
                Status::Unknown => 2,
            };
            if let Some(seen) = self
                .flags
                .iter_mut()
                .find(|(id, _)| *id == f.id)
                .and_then(|(_, s)| s.get_mut(i))
            {
                *seen = true;
            }
        }
        if let (Some(seen), Some(scope)) = (&mut self.scope, report.scope()) {
            let i = match scope.status {
                ScopeStatus::In => 0,
                ScopeStatus::Out => 1,
                ScopeStatus::Unknown => 2,
            };
            if let Some(s) = seen.get_mut(i) {
                *s = true;
            }
        }
        if let Some((_, reached)) = self
            .outcomes
            .iter_mut()
            .find(|(o, _)| o == report.disposition())
        {
            *reached = true;
        }
    }

    /// How many reports were recorded.
    pub fn cases(&self) -> usize {
        self.cases
    }

    /// Each flag, in ruleset order, with whether it was seen raised, clear and unknown.
    pub fn flags(&self) -> &[(String, [bool; 3])] {
        &self.flags
    }

    /// Whether some case was in scope, out of scope and with the scope
    /// unknown; `None` when the ruleset declares no scope.
    pub fn scope(&self) -> Option<[bool; 3]> {
        self.scope
    }

    /// Each outcome, least strict first, with whether some case reached it.
    pub fn outcomes(&self) -> &[(String, bool)] {
        &self.outcomes
    }

    /// Flag statuses seen, out of three per flag.
    pub fn covered(&self) -> (usize, usize) {
        let seen = self
            .flags
            .iter()
            .map(|(_, s)| s.iter().filter(|b| **b).count())
            .sum();
        (seen, self.flags.len() * 3)
    }

    /// What no case covered, one line each: `scope never out`, `flag X
    /// never raised`, `outcome Y never reached`.
    pub fn gaps(&self) -> Vec<String> {
        let mut gaps = Vec::new();
        for (word, seen) in ["in", "out", "unknown"]
            .iter()
            .zip(self.scope.iter().flatten())
        {
            if !seen {
                gaps.push(format!("scope never {word}"));
            }
        }
        for (id, seen) in &self.flags {
            for (word, s) in ["raised", "clear", "unknown"].iter().zip(seen) {
                if !s {
                    gaps.push(format!("flag {id} never {word}"));
                }
            }
        }
        for (outcome, reached) in &self.outcomes {
            if !reached {
                gaps.push(format!("outcome {outcome} never reached"));
            }
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_and_errors_show_no_control_character() {
        let file = TestFile::parse(
            r#"{"ruleset": "x.rules", "cases": [{"name": "c", "facts": {},
                "expect": {"disposition": "proceed\u001b[8m\r", "flags": {"S2.x\u200b": "raised"},
                           "missing_facts": ["a\u0007"]}}]}"#,
        )
        .unwrap();
        let rules = RuleSet::bundled().unwrap();
        let report = rules.evaluate_json("{}").unwrap();
        let diffs = file.cases[0].expect.differences(&report);
        assert!(
            diffs.iter().all(|d| !d.chars().any(crate::is_hidden)),
            "{diffs:?}"
        );
        assert!(
            diffs[0].starts_with("disposition: expected proceed\\u{1B}[8m\\u{D}, got "),
            "{diffs:?}"
        );
        assert!(
            diffs.contains(&"flag S2.x\\u{200B}: no such flag in the ruleset".to_string()),
            "{diffs:?}"
        );
        let e = TestFile::parse(r#"{"ruleset": "x", "cases": [{"name": "\u001b]0;x\u0007"}]}"#)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the case `\\u{1B}]0;x\\u{7}` must give exactly one of `facts` and `facts_file`"
        );
        let e = TestFile::parse(r#"{"ruleset": "x", "cases": [], "\u001b[2J": 1}"#).unwrap_err();
        assert!(
            e.to_string().starts_with("unknown field `\\u{1B}[2J`"),
            "{e}"
        );
    }
}
