//! The full report's JSON: its `Serialize` (here, with `FlagReport`'s in
//! `mod.rs` and `ScopeReport`'s in `scope.rs`), and the compact JSON
//! written by hand, [`Report::write_json`].
//!
//! The report's `Serialize` says what the JSON
//! holds; this writes the same bytes about six times faster, because most of
//! a report is the ruleset's own text (ids, titles, citations, the policy's
//! cases), which is escaped once per ruleset into a [`ReportText`] and then
//! copied, and because every value goes straight into the output (no
//! serializer state, no intermediate string). `tests/report_json.rs` checks
//! that both agree, byte for byte, on generated transactions, the examples
//! and hostile text.

use std::fmt::Write as _;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::{Listed, NOTICE, Report};
use crate::engine::{Engine, ReportText};
use crate::facts::render::JsonNames;
use crate::model::{SafeguardStatus, ScopeStatus, Status};
use crate::printable::push_json_str;

/// `s` as a JSON string.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_json_str(&mut out, s);
    out
}

/// `,"citation":…` when there is one.
fn push_citation(out: &mut String, citation: Option<&str>) {
    if let Some(citation) = citation {
        out.push_str(",\"citation\":");
        push_json_str(out, citation);
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = 9
            + usize::from(self.missing_facts_truncated)
            + usize::from(self.scope.is_some())
            + usize::from(self.questionnaire().is_some())
            + usize::from(self.remediation().is_some());
        let mut s = serializer.serialize_struct("Report", fields)?;
        s.serialize_field("ruleset", self.ruleset())?;
        s.serialize_field("transaction", &self.transaction())?;
        s.serialize_field("disposition", self.disposition())?;
        s.serialize_field("disposition_rule", self.disposition_rule())?;
        match self.scope() {
            Some(scope) => s.serialize_field("scope", &scope)?,
            None => s.skip_field("scope")?,
        }
        s.serialize_field("flags", &Listed(|| self.flags()))?;
        s.serialize_field("safeguards", &Listed(|| self.safeguards()))?;
        s.serialize_field("missing_facts", &Listed(|| self.missing_facts()))?;
        if self.missing_facts_truncated {
            s.serialize_field("missing_facts_truncated", &true)?;
        } else {
            s.skip_field("missing_facts_truncated")?;
        }
        s.serialize_field("facts", &QuotedFacts(self))?;
        if self
            .quoted_facts()
            .any(|e| !e.omitted && (e.source.is_some() || e.as_of.is_some()))
        {
            s.serialize_field("provenance", &Provenances(self))?;
        } else {
            s.skip_field("provenance")?;
        }
        if self.quoted_facts().any(|e| e.omitted) {
            let omitted = || self.quoted_facts().filter(|e| e.omitted).map(|e| e.fact);
            s.serialize_field("omitted_facts", &Listed(omitted))?;
        } else {
            s.skip_field("omitted_facts")?;
        }
        match self.questionnaire() {
            Some(q) => s.serialize_field("questionnaire", q)?,
            None => s.skip_field("questionnaire")?,
        }
        match self.remediation() {
            Some(r) => s.serialize_field("remediation", r)?,
            None => s.skip_field("remediation")?,
        }
        s.serialize_field("notice", NOTICE)?;
        s.end()
    }
}

/// The report's `facts`: the value of every fact it quotes and does not
/// leave out, by path.
struct QuotedFacts<'a>(&'a Report);

impl Serialize for QuotedFacts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for e in self.0.quoted_facts().filter(|e| !e.omitted) {
            map.serialize_entry(e.fact, &e.value)?;
        }
        map.end()
    }
}

/// The report's `provenance`: the source and date of every fact it quotes
/// with one, by path.
struct Provenances<'a>(&'a Report);

impl Serialize for Provenances<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Provenance<'p> {
            #[serde(skip_serializing_if = "Option::is_none")]
            source: Option<&'p str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            as_of: Option<&'p str>,
        }
        let mut map = serializer.serialize_map(None)?;
        let quoted = self.0.quoted_facts().filter(|e| !e.omitted);
        for e in quoted.filter(|e| e.source.is_some() || e.as_of.is_some()) {
            let p = Provenance {
                source: e.source,
                as_of: e.as_of,
            };
            map.serialize_entry(e.fact, &p)?;
        }
        map.end()
    }
}

/// The safeguard statuses, in the order of [`ReportText`]'s variants.
const SAFEGUARD_STATUSES: [SafeguardStatus; 3] = [
    SafeguardStatus::InPlace,
    SafeguardStatus::Missing,
    SafeguardStatus::Unknown,
];

/// The index of a safeguard status in [`SAFEGUARD_STATUSES`].
fn safeguard_index(status: SafeguardStatus) -> usize {
    match status {
        SafeguardStatus::InPlace => 0,
        SafeguardStatus::Missing => 1,
        SafeguardStatus::Unknown => 2,
    }
}

/// `text` followed by each safeguard status and `}`, with a comma before.
fn with_statuses(text: &str) -> [String; 3] {
    SAFEGUARD_STATUSES.map(|s| format!(",{text}\"{}\"}}", s.as_str()))
}

/// The flag statuses and mitigations, in the order of [`ReportText`]'s
/// flag heads.
const FLAG_STATES: [(Status, bool); 6] = [
    (Status::Raised, false),
    (Status::Raised, true),
    (Status::Clear, false),
    (Status::Clear, true),
    (Status::Unknown, false),
    (Status::Unknown, true),
];

/// The index of a flag's status and mitigation in [`FLAG_STATES`].
fn flag_state(status: Status, mitigated: bool) -> usize {
    let status = match status {
        Status::Raised => 0,
        Status::Clear => 2,
        Status::Unknown => 4,
    };
    status + usize::from(mitigated)
}

/// `list` without its first byte (the comma of its first item).
fn first(item: &str) -> &str {
    item.get(1..).unwrap_or_default()
}

/// The [`ReportText`] of a ruleset.
fn report_text(rules: &Engine) -> ReportText {
    let checked = rules.checked();
    let program = rules.program();
    let r = rules.reference();
    let mut head = String::from("{\"ruleset\":{\"name\":");
    push_json_str(&mut head, &r.name);
    head.push_str(",\"version\":");
    push_json_str(&mut head, &r.version);
    head.push_str(",\"digest\":");
    push_json_str(&mut head, &r.digest);
    head.push_str("},\"transaction\":");
    let scope = rules.scope_decl().map(|s| {
        let mut after = String::from(",\"title\":");
        push_json_str(&mut after, &s.title);
        push_citation(&mut after, s.citation.as_deref());
        after.push_str(",\"evidence\":[");
        (quoted(&s.rule), after)
    });
    let flags = (checked.flags.iter())
        .map(|f| {
            let mut head = String::from("{\"id\":");
            push_json_str(&mut head, &f.id);
            let _ = write!(head, ",\"step\":{},\"severity\":", f.step);
            push_json_str(&mut head, f.severity.as_str());
            head.push_str(",\"title\":");
            push_json_str(&mut head, &f.title);
            push_citation(&mut head, f.citation.as_deref());
            FLAG_STATES.map(|(status, mitigated)| {
                format!(
                    "{head},\"status\":\"{}\",\"mitigated\":{mitigated},\"evidence\":[",
                    status.as_str()
                )
            })
        })
        .collect();
    let mitigations = (program.flags.iter())
        .map(|code| {
            (code.mitigated_by.iter())
                .map(|&s| {
                    let id = rules.safeguard_id(s as usize).unwrap_or_default();
                    with_statuses(&format!("{{\"id\":{},\"status\":", quoted(id)))
                })
                .collect()
        })
        .collect();
    let safeguards = (checked.safeguards.iter())
        .map(|s| {
            let mut text = String::from("{\"id\":");
            push_json_str(&mut text, &s.id);
            let _ = write!(text, ",\"step\":{},\"title\":", s.step);
            push_json_str(&mut text, &s.title);
            text.push_str(",\"status\":");
            with_statuses(&text)
        })
        .collect();
    let mut text = ReportText {
        len: 0,
        head,
        outcomes: checked.outcomes.iter().map(|o| quoted(&o.name)).collect(),
        cases: checked.cases.iter().map(|c| quoted(&c.text)).collect(),
        scope,
        flags,
        mitigations,
        safeguards,
        names: JsonNames::new(rules.schema()),
        quotes: (program.quotes.iter())
            .map(|q| format!(",{}", quoted(&q.path)))
            .collect(),
        tail: format!(",\"notice\":{}}}", quoted(NOTICE)),
    };
    fn longest<const N: usize>(v: &[String; N]) -> usize {
        v.iter().map(String::len).max().unwrap_or(0)
    }
    let mitigations: usize = (text.mitigations.iter().flatten()).map(longest).sum();
    let quotes: usize = text.quotes.iter().map(String::len).sum();
    text.len = text.head.len()
        + text
            .scope
            .as_ref()
            .map_or(0, |(rule, after)| rule.len() + after.len())
        + text.flags.iter().map(longest).sum::<usize>()
        + mitigations
        + text.safeguards.iter().map(longest).sum::<usize>()
        + 2 * quotes
        + text.tail.len();
    text
}

impl Report {
    /// Appends the report as compact JSON to `out`: the same bytes as
    /// [`to_json`](Self::to_json), into a buffer the caller may reuse from
    /// one report to the next (as `dd-rules eval` does on a ledger).
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let report = rules.evaluate_json(r#"{"id": "T-1", "end_user": {"sanctioned": true}}"#)?;
    /// let mut out = String::new();
    /// report.write_json(&mut out);
    /// assert_eq!(out, report.to_json());
    /// assert!(out.contains(r#""facts":{"end_user.sanctioned":true}"#));
    /// # Ok::<(), dd_rules::Error>(())
    /// ```
    pub fn write_json(&self, out: &mut String) {
        let text = (self.rules.inner.report_text).get_or_init(|| report_text(&self.rules));
        // The ruleset's text and room for what the transaction adds, so
        // that the buffer grows once at most.
        out.reserve(text.len + 2 * self.text.len() + 4096);
        // Which of the ruleset's quoted facts the report quotes, found once
        // for all the flags that cite them.
        let quotes = &self.rules.program().quotes;
        let mut quoted = vec![0u64; crate::compile::words(quotes.len())];
        for (q, quote) in quotes.iter().enumerate() {
            if self.quotes(quote)
                && let Some(w) = quoted.get_mut(q / 64)
            {
                *w |= 1 << (q % 64);
            }
        }
        let text = Text {
            text,
            quoted: &quoted,
        };
        out.push_str(&text.head);
        match self.transaction() {
            Some(id) => push_json_str(out, id),
            None => out.push_str("null"),
        }
        out.push_str(",\"disposition\":");
        out.push_str(text.outcomes.get(self.outcome).map_or("\"\"", |s| s));
        out.push_str(",\"disposition_rule\":");
        let out_of_scope = self.scope_status() == Some(ScopeStatus::Out);
        let rule = match &text.scope {
            Some((rule, _)) if out_of_scope => Some(rule),
            _ => text.cases.get(self.case),
        };
        out.push_str(rule.map_or("\"\"", |s| s));
        if let (Some(row), Some((_, after))) = (&self.scope, &text.scope) {
            out.push_str(",\"scope\":{\"status\":\"");
            out.push_str(row.status.as_str());
            out.push('"');
            out.push_str(after);
            let code = self.rules.program().scope.as_ref();
            self.push_evidence(out, &text, code.map_or(&[][..], |c| &c.evidence));
            self.push_missing(out, row.missing.clone(), row.missing_truncated, "missing");
            out.push('}');
        }
        out.push_str(",\"flags\":[");
        let program = self.rules.program();
        let flags = (self.flags.iter().zip(program.flags.iter()))
            .zip(text.flags.iter().zip(&text.mitigations));
        for (i, ((row, code), (head, mitigations))) in flags.enumerate() {
            if i > 0 {
                out.push(',');
            }
            let head = head.get(flag_state(row.status, row.mitigated));
            out.push_str(head.map_or("", String::as_str));
            self.push_evidence(out, &text, &code.evidence);
            if row.missing.is_empty() && !row.missing_truncated {
                out.push_str(",\"missing\":[],\"mitigations\":[");
            } else {
                self.push_missing(out, row.missing.clone(), row.missing_truncated, "missing");
                out.push_str(",\"mitigations\":[");
            }
            for (k, (&s, statuses)) in code.mitigated_by.iter().zip(mitigations).enumerate() {
                let status = self.safeguards.get(s as usize).copied();
                let index = safeguard_index(status.unwrap_or(SafeguardStatus::Unknown));
                let item = statuses.get(index).map_or("", String::as_str);
                out.push_str(if k == 0 { first(item) } else { item });
            }
            out.push_str("]}");
        }
        out.push_str("],\"safeguards\":[");
        for (i, (&status, statuses)) in self.safeguards.iter().zip(&text.safeguards).enumerate() {
            let item = statuses
                .get(safeguard_index(status))
                .map_or("", String::as_str);
            out.push_str(if i == 0 { first(item) } else { item });
        }
        out.push(']');
        let (range, truncated) = (self.missing_facts.clone(), self.missing_facts_truncated);
        self.push_missing(out, range, truncated, "missing_facts");
        self.push_quoted_facts(out, text.text);
        if let Some(q) = self.questionnaire() {
            out.push_str(",\"questionnaire\":");
            // INVARIANT: the advice serialises infallibly (strings, numbers
            // and lists of them).
            out.push_str(&serde_json::to_string(q).unwrap_or_default());
        }
        if let Some(r) = self.remediation() {
            out.push_str(",\"remediation\":");
            out.push_str(&serde_json::to_string(r).unwrap_or_default());
        }
        out.push_str(&text.tail);
    }

    /// The paths of the facts `entries` quote, those the report quotes,
    /// and `]`.
    fn push_evidence(&self, out: &mut String, text: &Text<'_>, entries: &[u32]) {
        let mut none = true;
        for &q in entries {
            let q = q as usize;
            if text
                .quoted
                .get(q / 64)
                .is_none_or(|w| w & (1 << (q % 64)) == 0)
            {
                continue;
            }
            let item = text.quotes.get(q).map_or("", String::as_str);
            out.push_str(if none { first(item) } else { item });
            none = false;
        }
        out.push(']');
    }

    /// `,"<key>":[…]` for the missing paths of `range`, and
    /// `,"<key>_truncated":true` when they are only the first.
    fn push_missing(
        &self,
        out: &mut String,
        range: std::ops::Range<usize>,
        truncated: bool,
        key: &str,
    ) {
        out.push_str(",\"");
        out.push_str(key);
        out.push_str("\":[");
        for (i, span) in self.spans(range).iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_str(out, self.text(span.clone()));
        }
        out.push(']');
        if truncated {
            out.push_str(",\"");
            out.push_str(key);
            out.push_str("_truncated\":true");
        }
    }

    /// `,"facts":{…}`, then `,"provenance":{…}` and `,"omitted_facts":[…]`
    /// when they are not empty: each quoted fact once.
    fn push_quoted_facts(&self, out: &mut String, text: &ReportText) {
        out.push_str(",\"facts\":{");
        let mut none = true;
        let mut provenance = false;
        let mut omitted = false;
        for (q, e) in self.quoted_facts_indexed() {
            if e.omitted {
                omitted = true;
                continue;
            }
            provenance |= e.source.is_some() || e.as_of.is_some();
            let item = text.quotes.get(q).map_or("", String::as_str);
            out.push_str(if none { first(item) } else { item });
            none = false;
            out.push(':');
            e.value.write_json(out, Some(&text.names));
        }
        out.push('}');
        if provenance {
            out.push_str(",\"provenance\":{");
            let mut none = true;
            for (q, e) in self.quoted_facts_indexed() {
                if e.omitted || (e.source.is_none() && e.as_of.is_none()) {
                    continue;
                }
                let item = text.quotes.get(q).map_or("", String::as_str);
                out.push_str(if none { first(item) } else { item });
                none = false;
                out.push_str(":{");
                if let Some(source) = e.source {
                    out.push_str("\"source\":");
                    push_json_str(out, source);
                }
                if let Some(as_of) = e.as_of {
                    if e.source.is_some() {
                        out.push(',');
                    }
                    out.push_str("\"as_of\":");
                    push_json_str(out, as_of);
                }
                out.push('}');
            }
            out.push('}');
        }
        if omitted {
            out.push_str(",\"omitted_facts\":[");
            let mut none = true;
            for (q, _) in self.quoted_facts_indexed().filter(|(_, e)| e.omitted) {
                let item = text.quotes.get(q).map_or("", String::as_str);
                out.push_str(if none { first(item) } else { item });
                none = false;
            }
            out.push(']');
        }
    }
}

/// The ruleset's text, and which of its quoted facts a report quotes, as a
/// bit set.
struct Text<'a> {
    text: &'a ReportText,
    quoted: &'a [u64],
}

impl std::ops::Deref for Text<'_> {
    type Target = ReportText;
    fn deref(&self) -> &ReportText {
        self.text
    }
}
