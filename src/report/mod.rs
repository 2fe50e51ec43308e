//! Report: what an evaluation found.
//!
//! A [`Report`] holds only what is particular to one transaction (statuses,
//! rendered evidence values, missing paths) in a few flat buffers, and a
//! handle on the compiled ruleset ([`RuleSet`](crate::RuleSet)) for everything the ruleset already holds (ids,
//! titles, citations, evidence paths): building one costs a handful of
//! allocations, not one per string. Readers see it through borrowed views
//! ([`FlagReport`], [`Evidence`], …). It serialises with a fixed field
//! order, so the same input always gives the same bytes.

pub(crate) mod advice;
mod build;
pub(crate) mod decision;
pub(crate) mod disposition;
mod json;
pub(crate) mod record;
mod schema;
mod scope;

use std::fmt;

use std::ops::Range;

use crate::compile::Quote;
use crate::engine::Engine;
use crate::facts::Facts;
use crate::facts::render::QuotedValue;
use crate::model::{RulesetRef, SafeguardStatus, Severity, Status};
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

pub use advice::{Question, Questionnaire, Remediation, RemedyPlan};
pub(crate) use build::build;
pub use decision::DecisionOptions;
pub(crate) use schema::{decision_schema, report_schema};
pub use scope::ScopeReport;

/// A fact quoted as evidence, with its provenance when the facts gave one.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let report = rules.evaluate_json(r#"{"end_user": {"name": "Agency X",
///     "sanctioned": {"value": true, "source": "sanctions list", "as_of": "2026-01-02"}}}"#)?;
/// let flag = report.flag("S2.sanctioned").unwrap();
/// let evidence: Vec<_> = flag.evidence().collect();
/// assert_eq!(evidence[0].fact, "end_user.name");
/// assert_eq!(evidence[0].value.to_json(), r#""Agency X""#);
/// assert_eq!(evidence[0].source, None);
/// assert_eq!(evidence[1].fact, "end_user.sanctioned");
/// assert_eq!((evidence[1].source, evidence[1].as_of), (Some("sanctions list"), Some("2026-01-02")));
/// assert!(!evidence[1].omitted);
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Evidence<'a> {
    /// The fact path.
    pub fact: &'a str,
    /// The value (`null` when only its provenance is known), rendered as
    /// JSON when displayed or serialised.
    pub value: QuotedValue<'a>,
    /// Where the value comes from.
    pub source: Option<&'a str>,
    /// When the source said so.
    pub as_of: Option<&'a str>,
    /// Whether the report leaves the value and its provenance out, because
    /// quoting it would go over the report's quote budget (`SECURITY.md`):
    /// the report then serialises `{"fact": …, "omitted": true}`. The value
    /// can still be read here.
    pub omitted: bool,
}

impl Serialize for Evidence<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.omitted {
            let mut map = serializer.serialize_map(Some(2))?;
            map.serialize_entry("fact", self.fact)?;
            map.serialize_entry("omitted", &true)?;
            return map.end();
        }
        let fields = 2 + usize::from(self.source.is_some()) + usize::from(self.as_of.is_some());
        let mut map = serializer.serialize_map(Some(fields))?;
        map.serialize_entry("fact", self.fact)?;
        map.serialize_entry("value", &self.value)?;
        if let Some(source) = self.source {
            map.serialize_entry("source", source)?;
        }
        if let Some(as_of) = self.as_of {
            map.serialize_entry("as_of", as_of)?;
        }
        map.end()
    }
}

/// One safeguard that would mitigate a flag, and whether it is in place.
///
/// ```
/// use dd_rules::SafeguardStatus;
///
/// let rules = dd_rules::RuleSet::bundled()?;
/// let report = rules.evaluate_json(
///     r#"{"product": {"system_risk_identified": true}, "contract": {"cutoff_right": true}}"#,
/// )?;
/// let flag = report.flag("S1.system_risk").unwrap();
/// let cutoff = flag.mitigations().find(|m| m.id == "contract.cutoff_right").unwrap();
/// assert_eq!(cutoff.status, SafeguardStatus::InPlace);
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Mitigation<'a> {
    /// The safeguard's id.
    pub id: &'a str,
    /// Whether it is in place.
    pub status: SafeguardStatus,
}

/// The result for one red flag: a view into a [`Report`].
///
/// ```
/// use dd_rules::{Severity, Status};
///
/// let rules = dd_rules::RuleSet::bundled()?;
/// let report = rules.evaluate_json(r#"{"end_user": {"sanctioned": true}}"#)?;
/// let flag = report.flag("S2.sanctioned").unwrap();
/// assert_eq!((flag.step, flag.severity, flag.status), (2, Severity::Critical, Status::Raised));
/// assert!(!flag.mitigated);
/// assert_eq!(flag.missing().len(), 0);
/// let unknown = report.flag("S2.abuse_history").unwrap();
/// assert_eq!(unknown.status, Status::Unknown);
/// assert!(unknown.missing().len() > 0);
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct FlagReport<'a> {
    /// The stable id, such as `S2.past_misuse_similar`.
    pub id: &'a str,
    /// The step of the guidance, 1 to 4.
    pub step: u8,
    /// How serious it is.
    pub severity: Severity,
    /// A one-line title.
    pub title: &'a str,
    /// Where the flag comes from.
    pub citation: Option<&'a str>,
    /// Raised, clear or unknown.
    pub status: Status,
    /// Whether every safeguard that mitigates it is in place.
    pub mitigated: bool,
    /// Whether [`missing`](Self::missing) lists only the first of the
    /// missing facts, in text order: at most
    /// [`MAX_MISSING_PER_FLAG`](crate::MAX_MISSING_PER_FLAG), and fewer when
    /// the report's quote budget runs out.
    pub missing_truncated: bool,
    report: &'a Report,
    index: usize,
}

impl<'a> FlagReport<'a> {
    fn row(&self) -> Option<&'a FlagRow> {
        self.report.flags.get(self.index)
    }

    /// The facts quoted, in the order the flag lists them: those known, and
    /// those unknown whose provenance says something (e.g. why).
    pub fn evidence(&self) -> impl Iterator<Item = Evidence<'a>> + 'a {
        let code = self.report.rules.program().flags.get(self.index);
        self.report.quote(code.map_or(&[][..], |c| &c.evidence[..]))
    }

    /// For an unknown flag, the absent facts that kept it undecided, sorted.
    pub fn missing(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        self.report
            .paths_in(self.row().map_or(0..0, |r| r.missing.clone()))
    }

    /// The safeguards that would mitigate it, each with its status.
    pub fn mitigations(&self) -> impl ExactSizeIterator<Item = Mitigation<'a>> + 'a {
        let report = self.report;
        let code = report.rules.program().flags.get(self.index);
        code.map_or(&[][..], |c| &c.mitigated_by[..])
            .iter()
            .map(move |&s| Mitigation {
                id: report.rules.safeguard_id(s as usize).unwrap_or_default(),
                status: report
                    .safeguards
                    .get(s as usize)
                    .copied()
                    .unwrap_or(SafeguardStatus::Unknown),
            })
    }
}

/// `FlagReport`'s fields in their one order, the order reports write them,
/// each with how it is written: `value` as it is, `optional` left out when
/// `None`, `flag` left out when false, `list` from the method of that name,
/// `paths` from the method of that name but written as the quoted facts'
/// paths (the report writes their values once, in `facts`).
/// `Debug`, `PartialEq` and `Serialize` all follow this list, so that a new
/// field is added in one place (and in the struct).
macro_rules! flag_report_fields {
    ($then:ident!($($arg:tt)*)) => {
        $then!($($arg)*;
            id value, step value, severity value, title value, citation optional,
            status value, mitigated value, evidence paths, missing list,
            missing_truncated flag, mitigations list)
    };
}

macro_rules! debug_flag_fields {
    ($this:ident, $d:ident; $($name:ident $kind:ident),*) => {
        $(debug_flag_fields!(@ $this, $d, $name $kind);)*
    };
    (@ $this:ident, $d:ident, $name:ident list) => {
        $d.field(stringify!($name), &Listed(|| $this.$name()));
    };
    (@ $this:ident, $d:ident, $name:ident paths) => {
        debug_flag_fields!(@ $this, $d, $name list);
    };
    (@ $this:ident, $d:ident, $name:ident $kind:ident) => {
        $d.field(stringify!($name), &$this.$name);
    };
}

macro_rules! eq_flag_fields {
    ($a:ident, $b:ident; $($name:ident $kind:ident),*) => {
        true $(&& eq_flag_fields!(@ $a, $b, $name $kind))*
    };
    (@ $a:ident, $b:ident, $name:ident list) => {
        $a.$name().eq($b.$name())
    };
    (@ $a:ident, $b:ident, $name:ident paths) => {
        eq_flag_fields!(@ $a, $b, $name list)
    };
    (@ $a:ident, $b:ident, $name:ident $kind:ident) => {
        $a.$name == $b.$name
    };
}

macro_rules! serialize_flag_fields {
    ($this:ident, $s:ident; $($name:ident $kind:ident),*) => {
        $(serialize_flag_fields!(@ $this, $s, $name $kind);)*
    };
    (@ $this:ident, $s:ident, $name:ident list) => {
        $s.serialize_field(stringify!($name), &Listed(|| $this.$name()))?;
    };
    (@ $this:ident, $s:ident, $name:ident paths) => {
        $s.serialize_field(stringify!($name), &Listed(|| $this.$name().map(|e| e.fact)))?;
    };
    (@ $this:ident, $s:ident, $name:ident optional) => {
        if let Some(value) = $this.$name {
            $s.serialize_field(stringify!($name), value)?;
        } else {
            $s.skip_field(stringify!($name))?;
        }
    };
    (@ $this:ident, $s:ident, $name:ident flag) => {
        if $this.$name {
            $s.serialize_field(stringify!($name), &true)?;
        } else {
            $s.skip_field(stringify!($name))?;
        }
    };
    (@ $this:ident, $s:ident, $name:ident value) => {
        $s.serialize_field(stringify!($name), &$this.$name)?;
    };
}

/// How many fields a flag's report writes.
macro_rules! count_flag_fields {
    ($this:ident; $($name:ident $kind:ident),*) => {
        0 $(+ count_flag_fields!(@ $this, $name $kind))*
    };
    (@ $this:ident, $name:ident optional) => {
        usize::from($this.$name.is_some())
    };
    (@ $this:ident, $name:ident flag) => {
        usize::from($this.$name)
    };
    (@ $this:ident, $name:ident $kind:ident) => {
        1
    };
}

impl fmt::Debug for FlagReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("FlagReport");
        flag_report_fields!(debug_flag_fields!(self, d));
        d.finish()
    }
}

impl PartialEq for FlagReport<'_> {
    fn eq(&self, other: &FlagReport<'_>) -> bool {
        flag_report_fields!(eq_flag_fields!(self, other))
    }
}

impl Serialize for FlagReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = flag_report_fields!(count_flag_fields!(self));
        let mut s = serializer.serialize_struct("FlagReport", fields)?;
        flag_report_fields!(serialize_flag_fields!(self, s));
        s.end()
    }
}

/// The result for one safeguard.
///
/// ```
/// use dd_rules::SafeguardStatus;
///
/// let rules = dd_rules::RuleSet::bundled()?;
/// let report = rules.evaluate_json(r#"{"contract": {"cutoff_right": false}}"#)?;
/// let cutoff = report.safeguard("contract.cutoff_right").unwrap();
/// assert_eq!((cutoff.step, cutoff.status), (6, SafeguardStatus::Missing));
/// assert!(cutoff.title.starts_with("Right to cut off"));
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SafeguardReport<'a> {
    /// The id.
    pub id: &'a str,
    /// The step of the guidance, 5 to 7.
    pub step: u8,
    /// A one-line title.
    pub title: &'a str,
    /// In place, missing or unknown.
    pub status: SafeguardStatus,
}

/// A piece of a report's text: a byte range of [`Report::text`](Report).
pub(crate) type Span = Range<usize>;

/// What a report holds for one flag besides what the ruleset says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FlagRow {
    pub status: Status,
    pub mitigated: bool,
    /// Its missing paths: a range of [`Report::paths`](Report).
    pub missing: Range<usize>,
    /// Whether they are only the first.
    pub missing_truncated: bool,
}

/// What the ruleset recommends for one transaction. A recommendation for
/// human review, never a legal clearance.
///
/// Read it through its methods; it serialises (with serde, or
/// [`to_json`](Report::to_json)) to the same JSON whatever the platform.
///
/// ```
/// use dd_rules::{RuleSet, Status};
///
/// let rules = RuleSet::bundled()?;
/// let report = rules.evaluate_json(r#"{"id": "T-7", "end_user": {"sanctioned": true}}"#)?;
/// assert_eq!(report.transaction(), Some("T-7"));
/// assert_eq!(report.disposition(), "do_not_proceed");
/// let flag = report.flag("S2.sanctioned").unwrap();
/// assert_eq!(flag.status, Status::Raised);
/// assert_eq!(flag.evidence().next().unwrap().value.to_json(), "true");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Report {
    /// The ruleset that produced it: ids, titles and paths are read from it.
    pub(crate) rules: Engine,
    /// The facts evaluated (shared, not copied): evidence is quoted from them.
    pub(crate) facts: Facts,
    /// The index of the disposition case that decided.
    pub(crate) case: usize,
    /// The index of the outcome it yields.
    pub(crate) outcome: usize,
    /// One row per flag, in declaration order.
    pub(crate) flags: Vec<FlagRow>,
    /// The scope's row, when the ruleset declares a scope.
    pub(crate) scope: Option<scope::ScopeRow>,
    /// The status of every safeguard, in declaration order.
    pub(crate) safeguards: Vec<SafeguardStatus>,
    /// The scope's missing paths, every flag's, one flag after the other,
    /// then the report's missing facts ([`Report::missing_facts`](Report)).
    pub(crate) paths: Vec<Span>,
    pub(crate) missing_facts: Range<usize>,
    /// Whether `missing_facts` lists only the first.
    pub(crate) missing_facts_truncated: bool,
    /// The text of the missing paths.
    pub(crate) text: String,
    /// The evidence entries left out (over the quote budget), as a bit set
    /// over the scope's and all the flags' entries; empty when none is.
    pub(crate) omitted: Vec<u64>,
    /// The questionnaire and remediation plan, when asked for
    /// ([`RuleSet::advise`](crate::RuleSet::advise)).
    pub(crate) advice: Option<Box<advice::Advice>>,
}

/// The notice every report carries.
pub const NOTICE: &str = "a recommendation for human review, not a legal clearance";

impl Report {
    fn text(&self, span: Span) -> &str {
        self.text.get(span).unwrap_or_default()
    }

    fn spans(&self, range: Range<usize>) -> &[Span] {
        self.paths.get(range).unwrap_or_default()
    }

    /// The paths of a range of [`paths`](Report).
    fn paths_in(&self, range: Range<usize>) -> impl ExactSizeIterator<Item = &str> {
        self.spans(range).iter().map(move |s| self.text(s.clone()))
    }

    /// The evidence quoted by `entries` (indices into the ruleset's quoted
    /// facts): those known, and those unknown whose provenance says
    /// something.
    fn quote<'r>(&'r self, entries: &'r [u32]) -> impl Iterator<Item = Evidence<'r>> + 'r {
        let quotes = &self.rules.program().quotes;
        entries
            .iter()
            .filter_map(move |&q| self.quoted(q as usize, quotes.get(q as usize)?))
    }

    /// The quoted fact `q` of the ruleset, if the report quotes it: known,
    /// or unknown with a provenance that says something.
    fn quoted<'r>(&'r self, q: usize, quote: &'r Quote) -> Option<Evidence<'r>> {
        if !self.quotes(quote) {
            return None;
        }
        let root = &*self.facts.root;
        let slot = quote.slot as usize;
        let provenance = root.provenance(slot);
        let value = QuotedValue::new(self.rules.schema(), quote.ty, root, slot);
        Some(Evidence {
            fact: &quote.path,
            value,
            source: provenance.and_then(|p| p.source.as_deref()),
            as_of: provenance.and_then(|p| p.as_of.as_deref()),
            omitted: self.omitted(q),
        })
    }

    /// Every fact the report quotes, each once, in the order the scope and
    /// the flags first cite them: what its JSON holds in `facts`,
    /// `provenance` and `omitted_facts`.
    pub(crate) fn quoted_facts(&self) -> impl Iterator<Item = Evidence<'_>> {
        self.quoted_facts_indexed().map(|(_, e)| e)
    }

    /// [`quoted_facts`](Self::quoted_facts), each with its index among the
    /// ruleset's quoted facts.
    fn quoted_facts_indexed(&self) -> impl Iterator<Item = (usize, Evidence<'_>)> {
        (self.rules.program().quotes.iter())
            .enumerate()
            .filter_map(|(q, quote)| Some((q, self.quoted(q, quote)?)))
    }

    /// Whether the report quotes a fact its evidence names: when it is
    /// known, or unknown with a provenance that says something.
    fn quotes(&self, quote: &Quote) -> bool {
        let root = &*self.facts.root;
        let slot = quote.slot as usize;
        !matches!(root.value(slot), crate::facts::Value::Absent) || root.provenance(slot).is_some()
    }

    /// Whether quoted fact `q` (an index into the ruleset's quoted facts)
    /// is left out.
    fn omitted(&self, q: usize) -> bool {
        self.omitted
            .get(q / 64)
            .is_some_and(|w| w & (1 << (q % 64)) != 0)
    }

    fn flag_view(&self, index: usize, row: &FlagRow) -> FlagReport<'_> {
        let info = self.rules.flag_decl(index);
        FlagReport {
            id: info.map_or("", |f| f.id.as_str()),
            step: info.map_or(0, |f| f.step),
            severity: info.map_or(Severity::Low, |f| f.severity),
            title: info.map_or("", |f| f.title.as_str()),
            citation: info.and_then(|f| f.citation.as_deref()),
            status: row.status,
            mitigated: row.mitigated,
            missing_truncated: row.missing_truncated,
            report: self,
            index,
        }
    }

    /// The ruleset that produced it: name, version and source digest.
    pub fn ruleset(&self) -> &RulesetRef {
        self.rules.reference()
    }

    /// The transaction id, the `"id"` of the facts document, if any.
    pub fn transaction(&self) -> Option<&str> {
        self.facts.transaction_id()
    }

    /// The recommended disposition: an outcome the ruleset declares.
    pub fn disposition(&self) -> &str {
        self.rules.outcome_name(self.outcome).unwrap_or_default()
    }

    /// The index of the disposition in [`RuleSet::outcomes`](crate::RuleSet::outcomes), least strict
    /// first, so that dispositions can be compared by strictness.
    pub fn disposition_index(&self) -> usize {
        self.outcome
    }

    /// The case of the disposition policy that decided, as written; out of
    /// scope, `out of scope => <outcome>`, since the scope decided.
    pub fn disposition_rule(&self) -> &str {
        if self.scope_status() == Some(crate::model::ScopeStatus::Out) {
            return self.rules.scope_decl().map_or("", |s| s.rule.as_str());
        }
        self.rules.case_text(self.case).unwrap_or_default()
    }

    /// Every flag of the ruleset, in declaration order.
    pub fn flags(&self) -> impl ExactSizeIterator<Item = FlagReport<'_>> + DoubleEndedIterator {
        self.flags
            .iter()
            .enumerate()
            .map(|(i, row)| self.flag_view(i, row))
    }

    /// The flags with a given status.
    pub fn flags_with(&self, status: Status) -> impl Iterator<Item = FlagReport<'_>> {
        self.flags().filter(move |f| f.status == status)
    }

    /// The flag with an id.
    pub fn flag(&self, id: &str) -> Option<FlagReport<'_>> {
        let i = self.rules.flag_index(id)?;
        self.flags.get(i).map(|row| self.flag_view(i, row))
    }

    /// Every safeguard of the ruleset, in declaration order.
    pub fn safeguards(
        &self,
    ) -> impl ExactSizeIterator<Item = SafeguardReport<'_>> + DoubleEndedIterator {
        self.safeguards.iter().enumerate().map(|(i, &status)| {
            let info = self.rules.safeguard_decl(i);
            SafeguardReport {
                id: info.map_or("", |s| s.id.as_str()),
                step: info.map_or(0, |s| s.step),
                title: info.map_or("", |s| s.title.as_str()),
                status,
            }
        })
    }

    /// The safeguard with an id.
    pub fn safeguard(&self, id: &str) -> Option<SafeguardReport<'_>> {
        self.safeguards().find(|s| s.id == id)
    }

    /// The facts that would decide the unknown flags, most decisive first:
    /// the questionnaire for the next round of due diligence.
    pub fn missing_facts(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator {
        self.spans(self.missing_facts.clone())
            .iter()
            .map(|s| self.text(s.clone()))
    }

    /// Whether [`missing_facts`](Self::missing_facts) lists only the first
    /// [`MAX_MISSING_FACTS`](crate::MAX_MISSING_FACTS).
    pub fn missing_facts_truncated(&self) -> bool {
        self.missing_facts_truncated
    }

    /// The questionnaire: the missing facts whose answer alone would change
    /// a status, as questions, ranked. `None` unless the report was advised
    /// ([`RuleSet::advise`](crate::RuleSet::advise)).
    pub fn questionnaire(&self) -> Option<&Questionnaire> {
        self.advice.as_ref().map(|a| &a.questionnaire)
    }

    /// The remediation plan: the smallest sets of safeguards that would
    /// lower the disposition. `None` unless the report was advised, and
    /// when there is nothing to lower (out of scope, or the disposition is
    /// already the lowest the policy gives).
    pub fn remediation(&self) -> Option<&Remediation> {
        self.advice.as_ref().and_then(|a| a.remediation.as_ref())
    }

    /// A reminder of what this report is: [`NOTICE`].
    pub fn notice(&self) -> &'static str {
        NOTICE
    }

    /// The report as compact JSON; identical input gives identical bytes
    /// (the bytes its `Serialize` gives with serde_json, written faster:
    /// [`write_json`](Self::write_json)).
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(8 * 1024);
        self.write_json(&mut out);
        out
    }

    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("ruleset", self.ruleset())
            .field("transaction", &self.transaction())
            .field("disposition", &self.disposition())
            .field("disposition_rule", &self.disposition_rule())
            .field("scope", &self.scope())
            .field("flags", &Listed(|| self.flags()))
            .field("safeguards", &Listed(|| self.safeguards()))
            .field("missing_facts", &Listed(|| self.missing_facts()))
            .field("questionnaire", &self.questionnaire())
            .field("remediation", &self.remediation())
            .finish()
    }
}

/// Two reports are equal when they say the same things, whether or not they
/// come from the same compiled handle.
impl PartialEq for Report {
    fn eq(&self, other: &Report) -> bool {
        self.ruleset() == other.ruleset()
            && self.transaction() == other.transaction()
            && self.disposition() == other.disposition()
            && self.disposition_rule() == other.disposition_rule()
            && self.scope() == other.scope()
            && self.flags().eq(other.flags())
            && self.safeguards().eq(other.safeguards())
            && self.missing_facts().eq(other.missing_facts())
            && self.missing_facts_truncated == other.missing_facts_truncated
            && self.advice == other.advice
    }
}

/// A list made on demand from the report's rows, to serialise or print
/// without collecting it first.
struct Listed<F>(F);

impl<F, I> Serialize for Listed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = (self.0)();
        let len = match items.size_hint() {
            (low, Some(high)) if low == high => Some(low),
            _ => None,
        };
        let mut seq = serializer.serialize_seq(len)?;
        for item in items {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

impl<F, I> fmt::Debug for Listed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries((self.0)()).finish()
    }
}
