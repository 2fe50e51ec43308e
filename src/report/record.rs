//! [`ReportRecord`]: a report as owned data that serialises to the same
//! JSON as the [`Report`] and deserialises from it, byte for byte, for
//! callers that store reports and read them back.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::model::{SafeguardStatus, ScopeStatus, Severity, Status};
use crate::report::{NOTICE, Report};

/// A report as owned data: what [`Report::to_json`] writes, read back.
/// Serialising a record read from a report's JSON gives the same bytes.
/// Evidence values are kept as the exact JSON text the report quoted.
///
/// ```
/// use dd_rules::{ReportRecord, RuleSet, Status};
///
/// let rules = RuleSet::bundled()?;
/// let report = rules.evaluate_json(r#"{"id": "T-7", "end_user": {"sanctioned": true}}"#)?;
/// let json = report.to_json();
/// let record: ReportRecord = serde_json::from_str(&json)?;
/// assert_eq!(serde_json::to_string(&record)?, json);
/// assert_eq!(record.disposition, "do_not_proceed");
/// let flag = record.flags.iter().find(|f| f.id == "S2.sanctioned").unwrap();
/// assert_eq!(flag.status, Status::Raised);
/// assert_eq!(ReportRecord::from(&report), record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReportRecord {
    /// The ruleset that produced the report.
    pub ruleset: RulesetRecord,
    /// The transaction id, if the facts gave one.
    pub transaction: Option<String>,
    /// The recommended disposition's name.
    pub disposition: String,
    /// The case of the disposition policy that decided, as written.
    pub disposition_rule: String,
    /// Whether the transaction is in the ruleset's scope; absent when the
    /// ruleset declares no scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<ScopeRecord>,
    /// Every flag, in declaration order.
    pub flags: Vec<FlagRecord>,
    /// Every safeguard, in declaration order.
    pub safeguards: Vec<SafeguardRecord>,
    /// The facts that would decide the unknown flags, most decisive first.
    pub missing_facts: Vec<String>,
    /// Whether `missing_facts` lists only the first.
    #[serde(default, skip_serializing_if = "is_false")]
    pub missing_facts_truncated: bool,
    /// The value of every fact the evidence quotes, each once, by path, as
    /// the exact JSON text the report quoted (`null` when only its
    /// provenance is known); written back as JSON, not as strings.
    /// In the report's order: the JSON object of the report, as pairs.
    #[serde(serialize_with = "raw_map_out", deserialize_with = "raw_map_in")]
    pub facts: Vec<(String, String)>,
    /// Where the quoted facts with a source or a date come from, by path,
    /// in the report's order.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "map_out",
        deserialize_with = "map_in"
    )]
    pub provenance: Vec<(String, ProvenanceRecord)>,
    /// The quoted facts whose values the report leaves out, over its quote
    /// budget.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub omitted_facts: Vec<String>,
    /// The notice every report carries.
    pub notice: String,
}

impl ReportRecord {
    /// A quoted fact as evidence: its value and provenance as the report
    /// quotes them, or `omitted` when the report leaves it out; `None` for
    /// a path the report does not quote.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let report = rules.evaluate_json(
    ///     r#"{"end_user": {"sanctioned": {"value": true, "source": "OFAC list"}}}"#,
    /// )?;
    /// let record = dd_rules::ReportRecord::from(&report);
    /// let flag = record.flags.iter().find(|f| f.id == "S2.sanctioned").unwrap();
    /// assert_eq!(flag.evidence, ["end_user.sanctioned"]);
    /// let quoted = record.evidence("end_user.sanctioned").unwrap();
    /// assert_eq!(quoted.value.as_deref(), Some("true"));
    /// assert_eq!(quoted.source.as_deref(), Some("OFAC list"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evidence(&self, fact: &str) -> Option<EvidenceRecord> {
        let omitted = self.omitted_facts.iter().any(|f| f == fact);
        let value = self.facts.iter().find(|(f, _)| f == fact).map(|(_, v)| v);
        if value.is_none() && !omitted {
            return None;
        }
        let provenance = (self.provenance.iter())
            .find(|(f, _)| f == fact)
            .map(|(_, p)| p);
        Some(EvidenceRecord {
            fact: fact.to_string(),
            value: value.cloned(),
            source: provenance.and_then(|p| p.source.clone()),
            as_of: provenance.and_then(|p| p.as_of.clone()),
            omitted,
        })
    }
}

/// Where a quoted fact of a [`ReportRecord`] comes from.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let report = rules.evaluate_json(
///     r#"{"end_user": {"sanctioned": {"value": true, "as_of": "2026-01-02"}}}"#,
/// )?;
/// let record = dd_rules::ReportRecord::from(&report);
/// let (fact, p) = &record.provenance[0];
/// assert_eq!(fact, "end_user.sanctioned");
/// assert_eq!((p.source.as_deref(), p.as_of.as_deref()), (None, Some("2026-01-02")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProvenanceRecord {
    /// Where the value comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When the source said so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// The ruleset of a [`ReportRecord`].
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let record = dd_rules::ReportRecord::from(&rules.evaluate_json("{}")?);
/// assert_eq!(record.ruleset.name, "us-state-2020");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RulesetRecord {
    /// The name in the header.
    pub name: String,
    /// The version in the header.
    pub version: String,
    /// `sha256:` and the hex digest of the ruleset source.
    pub digest: String,
}

/// The scope of a [`ReportRecord`].
///
/// ```
/// use dd_rules::ScopeStatus;
///
/// let rules = dd_rules::RuleSet::bundled()?;
/// let record = dd_rules::ReportRecord::from(&rules.evaluate_json("{}")?);
/// let scope = record.scope.unwrap();
/// assert_eq!(scope.status, ScopeStatus::Unknown);
/// assert!(!scope.missing.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScopeRecord {
    /// In, out or unknown.
    pub status: ScopeStatus,
    /// What the ruleset covers.
    pub title: String,
    /// Where the scope comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// The facts quoted, by path: their values are in
    /// [`ReportRecord::facts`] ([`ReportRecord::evidence`]).
    pub evidence: Vec<String>,
    /// For an unknown scope, the absent facts that kept it undecided.
    pub missing: Vec<String>,
    /// Whether `missing` lists only the first.
    #[serde(default, skip_serializing_if = "is_false")]
    pub missing_truncated: bool,
}

/// One flag of a [`ReportRecord`].
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let record = dd_rules::ReportRecord::from(&rules.evaluate_json("{}")?);
/// let unknown = record.flags.iter().find(|f| f.status == dd_rules::Status::Unknown).unwrap();
/// assert!(!unknown.missing.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlagRecord {
    /// The stable id.
    pub id: String,
    /// The step of the guidance.
    pub step: u8,
    /// How serious it is.
    pub severity: Severity,
    /// A one-line title.
    pub title: String,
    /// Where the flag comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// Raised, clear or unknown.
    pub status: Status,
    /// Whether every safeguard that mitigates it is in place.
    pub mitigated: bool,
    /// The facts quoted, by path: their values are in
    /// [`ReportRecord::facts`] ([`ReportRecord::evidence`]).
    pub evidence: Vec<String>,
    /// For an unknown flag, the absent facts that kept it undecided.
    pub missing: Vec<String>,
    /// Whether `missing` lists only the first.
    #[serde(default, skip_serializing_if = "is_false")]
    pub missing_truncated: bool,
    /// The safeguards that would mitigate it, each with its status.
    pub mitigations: Vec<MitigationRecord>,
}

/// A quoted fact as a flag's evidence quotes it, put together from a
/// [`ReportRecord`]'s `facts`, `provenance` and `omitted_facts` by
/// [`ReportRecord::evidence`]: the value as the exact JSON text the report
/// quoted (`None` when it was left out, `omitted`). It serialises as the
/// report's evidence entries did before they were quoted once per report.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let report = rules.evaluate_json(r#"{"end_user": {"name": "Agency X", "sanctioned": true}}"#)?;
/// let record = dd_rules::ReportRecord::from(&report);
/// let quoted = record.evidence("end_user.name").unwrap();
/// assert_eq!(serde_json::to_string(&quoted)?, r#"{"fact":"end_user.name","value":"Agency X"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EvidenceRecord {
    /// The fact path.
    pub fact: String,
    /// The value as the exact JSON text the report quoted (`null` when
    /// only its provenance is known); it is written back as JSON, not as a
    /// string.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "raw_out",
        deserialize_with = "raw_in"
    )]
    pub value: Option<String>,
    /// Where the value comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When the source said so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Whether the report left the value out (its quote budget ran out).
    #[serde(default, skip_serializing_if = "is_false")]
    pub omitted: bool,
}

/// A safeguard that would mitigate a flag, in a [`FlagRecord`].
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let record = dd_rules::ReportRecord::from(&rules.evaluate_json("{}")?);
/// assert!(record.flags.iter().flat_map(|f| &f.mitigations).all(|m| !m.id.is_empty()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MitigationRecord {
    /// The safeguard's id.
    pub id: String,
    /// Whether it is in place.
    pub status: SafeguardStatus,
}

/// One safeguard of a [`ReportRecord`].
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let record = dd_rules::ReportRecord::from(&rules.evaluate_json("{}")?);
/// assert_eq!(record.safeguards.len(), rules.safeguards().count());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SafeguardRecord {
    /// The id.
    pub id: String,
    /// The step of the guidance.
    pub step: u8,
    /// A one-line title.
    pub title: String,
    /// In place, missing or unknown.
    pub status: SafeguardStatus,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Writes the JSON text of a value as JSON.
fn raw_out<S: Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    let text = value.as_deref().unwrap_or("null");
    let raw = RawValue::from_string(text.to_string()).map_err(serde::ser::Error::custom)?;
    raw.serialize(s)
}

/// Writes pairs as a JSON object.
fn map_out<S: Serializer, V: Serialize>(pairs: &[(String, V)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(key, value)| (key, value)))
}

/// Reads a JSON object as pairs, in its order.
fn map_in<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
    d: D,
) -> Result<Vec<(String, V)>, D::Error> {
    struct Pairs<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Pairs<V> {
        type Value = Vec<(String, V)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut pairs = Vec::new();
            while let Some(pair) = map.next_entry()? {
                pairs.push(pair);
            }
            Ok(pairs)
        }
    }
    d.deserialize_map(Pairs(std::marker::PhantomData))
}

/// Writes pairs whose values are JSON texts as a JSON object.
fn raw_map_out<S: Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    let mut raw = Vec::with_capacity(pairs.len());
    for (key, text) in pairs {
        let value = RawValue::from_string(text.clone()).map_err(serde::ser::Error::custom)?;
        raw.push((key.clone(), value));
    }
    map_out(&raw, s)
}

/// Reads a JSON object as pairs of keys and values' JSON texts.
fn raw_map_in<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    let pairs: Vec<(String, Box<RawValue>)> = map_in(d)?;
    Ok(pairs
        .into_iter()
        .map(|(key, raw)| (key, raw.get().to_string()))
        .collect())
}

/// Reads a value as its JSON text, `null` included (an `Option` would read
/// `null` as absent, and the record would then leave it out).
fn raw_in<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Box::<RawValue>::deserialize(d).map(|raw| Some(raw.get().to_string()))
}

impl From<&Report> for ReportRecord {
    fn from(report: &Report) -> ReportRecord {
        let r = report.ruleset();
        ReportRecord {
            ruleset: RulesetRecord {
                name: r.name.clone(),
                version: r.version.clone(),
                digest: r.digest.clone(),
            },
            transaction: report.transaction().map(str::to_string),
            disposition: report.disposition().to_string(),
            disposition_rule: report.disposition_rule().to_string(),
            scope: report.scope().map(|s| ScopeRecord {
                status: s.status,
                title: s.title.to_string(),
                citation: s.citation.map(str::to_string),
                evidence: s.evidence().map(|e| e.fact.to_string()).collect(),
                missing: s.missing().map(str::to_string).collect(),
                missing_truncated: s.missing_truncated,
            }),
            flags: report
                .flags()
                .map(|f| FlagRecord {
                    id: f.id.to_string(),
                    step: f.step,
                    severity: f.severity,
                    title: f.title.to_string(),
                    citation: f.citation.map(str::to_string),
                    status: f.status,
                    mitigated: f.mitigated,
                    evidence: f.evidence().map(|e| e.fact.to_string()).collect(),
                    missing: f.missing().map(str::to_string).collect(),
                    missing_truncated: f.missing_truncated,
                    mitigations: f
                        .mitigations()
                        .map(|m| MitigationRecord {
                            id: m.id.to_string(),
                            status: m.status,
                        })
                        .collect(),
                })
                .collect(),
            safeguards: report
                .safeguards()
                .map(|s| SafeguardRecord {
                    id: s.id.to_string(),
                    step: s.step,
                    title: s.title.to_string(),
                    status: s.status,
                })
                .collect(),
            missing_facts: report.missing_facts().map(str::to_string).collect(),
            missing_facts_truncated: report.missing_facts_truncated(),
            facts: (report.quoted_facts().filter(|e| !e.omitted))
                .map(|e| (e.fact.to_string(), e.value.to_json()))
                .collect(),
            provenance: (report.quoted_facts().filter(|e| !e.omitted))
                .filter(|e| e.source.is_some() || e.as_of.is_some())
                .map(|e| {
                    let p = ProvenanceRecord {
                        source: e.source.map(str::to_string),
                        as_of: e.as_of.map(str::to_string),
                    };
                    (e.fact.to_string(), p)
                })
                .collect(),
            omitted_facts: (report.quoted_facts().filter(|e| e.omitted))
                .map(|e| e.fact.to_string())
                .collect(),
            notice: NOTICE.to_string(),
        }
    }
}
