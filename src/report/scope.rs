//! The scope in a report: whether the transaction is in the scope the
//! ruleset declares, the facts quoted for it and those missing.

use std::fmt;
use std::ops::Range;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::{Evidence, Listed, Report};
use crate::model::ScopeStatus;

/// What a report holds for the scope besides what the ruleset says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScopeRow {
    pub status: ScopeStatus,
    /// Its missing paths: a range of [`Report::paths`](Report).
    pub missing: Range<usize>,
    /// Whether they are only the first.
    pub missing_truncated: bool,
}

/// Whether the transaction is in the ruleset's scope, and why: a view into
/// a [`Report`], from [`Report::scope`] (`None` when the ruleset declares
/// no scope).
///
/// Out of scope, the disposition is the scope's `otherwise` outcome and the
/// report asks no questions (its `missing_facts` is empty); the flags are
/// still evaluated and reported, for information. Unknown, the disposition
/// policy decides and the facts that would decide the scope come first in
/// `missing_facts`.
///
/// ```
/// use dd_rules::{RuleSet, ScopeStatus};
///
/// let rules = RuleSet::bundled()?;
/// let report = rules.evaluate_json(r#"{"product": {"capabilities": []}}"#)?;
/// let scope = report.scope().unwrap();
/// assert_eq!(scope.status, ScopeStatus::Unknown);
/// assert!(scope.title.starts_with("Products or services with surveillance capabilities"));
/// assert!(scope.missing().any(|path| path == "product.critical_component"));
/// assert_eq!(report.missing_facts().next(), scope.missing().next());
///
/// let report = rules.evaluate_json(
///     r#"{"product": {"capabilities": [], "critical_component": false}}"#,
/// )?;
/// let scope = report.scope().unwrap();
/// assert_eq!(scope.status, ScopeStatus::Out);
/// assert_eq!(scope.evidence().next().unwrap().fact, "product.capabilities");
/// assert_eq!(report.disposition(), "out_of_scope");
/// assert_eq!(report.disposition_rule(), "out of scope => out_of_scope");
/// assert_eq!(report.missing_facts().len(), 0);
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct ScopeReport<'a> {
    /// In, out or unknown.
    pub status: ScopeStatus,
    /// The scope's title: what the ruleset covers.
    pub title: &'a str,
    /// Where the scope comes from.
    pub citation: Option<&'a str>,
    /// Whether [`missing`](Self::missing) lists only the first of the
    /// missing facts, as for a flag.
    pub missing_truncated: bool,
    report: &'a Report,
}

impl<'a> ScopeReport<'a> {
    /// The facts quoted, in the order the scope lists them: those known, and
    /// those unknown whose provenance says something.
    pub fn evidence(&self) -> impl Iterator<Item = Evidence<'a>> + 'a {
        let code = self.report.rules.program().scope.as_ref();
        self.report.quote(code.map_or(&[][..], |c| &c.evidence[..]))
    }

    /// For an unknown scope, the absent facts that kept it undecided, sorted.
    pub fn missing(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let range = self
            .report
            .scope
            .as_ref()
            .map_or(0..0, |r| r.missing.clone());
        self.report.paths_in(range)
    }
}

impl fmt::Debug for ScopeReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopeReport")
            .field("status", &self.status)
            .field("title", &self.title)
            .field("citation", &self.citation)
            .field("evidence", &Listed(|| self.evidence()))
            .field("missing", &Listed(|| self.missing()))
            .field("missing_truncated", &self.missing_truncated)
            .finish()
    }
}

impl PartialEq for ScopeReport<'_> {
    fn eq(&self, other: &ScopeReport<'_>) -> bool {
        self.status == other.status
            && self.title == other.title
            && self.citation == other.citation
            && self.evidence().eq(other.evidence())
            && self.missing().eq(other.missing())
            && self.missing_truncated == other.missing_truncated
    }
}

impl Serialize for ScopeReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = 4 + usize::from(self.citation.is_some()) + usize::from(self.missing_truncated);
        let mut s = serializer.serialize_struct("ScopeReport", fields)?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("title", self.title)?;
        match self.citation {
            Some(citation) => s.serialize_field("citation", citation)?,
            None => s.skip_field("citation")?,
        }
        s.serialize_field("evidence", &Listed(|| self.evidence().map(|e| e.fact)))?;
        s.serialize_field("missing", &Listed(|| self.missing()))?;
        if self.missing_truncated {
            s.serialize_field("missing_truncated", &true)?;
        } else {
            s.skip_field("missing_truncated")?;
        }
        s.end()
    }
}

impl Report {
    /// Whether the transaction is in the ruleset's scope, with the facts
    /// that decided it or would: `None` when the ruleset declares no scope.
    /// See [`ScopeReport`].
    pub fn scope(&self) -> Option<ScopeReport<'_>> {
        let row = self.scope.as_ref()?;
        let decl = self.rules.scope_decl()?;
        Some(ScopeReport {
            status: row.status,
            title: &decl.title,
            citation: decl.citation.as_deref(),
            missing_truncated: row.missing_truncated,
            report: self,
        })
    }

    /// The scope's status alone.
    pub(crate) fn scope_status(&self) -> Option<ScopeStatus> {
        self.scope.as_ref().map(|r| r.status)
    }
}
