//! Decision records: a report in a few hundred bytes of JSON, one line, for
//! ledgers of many transactions (`dd-rules eval --format decision`).
//!
//! A record is written straight into a `String` by hand, field by field in
//! the fixed order of the decision-record contract, with no intermediate
//! value: what a record holds (ids, names, paths) is known to the report,
//! so writing one costs a pass over the flags and a copy of their ids.

use crate::engine::DecisionText;
use crate::facts::Facts;
use crate::facts::render::QuotedValue;
use crate::facts::schema::Type;
use crate::model::Status;
use crate::printable::push_json_str;
use crate::report::Report;

/// The [`DecisionText`] of the ruleset of `report`.
fn decision_text(report: &Report) -> DecisionText {
    let r = report.ruleset();
    let mut ruleset = String::from(",\"ruleset\":{\"name\":");
    push_json_str(&mut ruleset, &r.name);
    ruleset.push_str(",\"version\":");
    push_json_str(&mut ruleset, &r.version);
    ruleset.push_str(",\"digest\":");
    push_json_str(&mut ruleset, &r.digest);
    ruleset.push('}');
    let flag_ids = report
        .rules
        .checked()
        .flags
        .iter()
        .map(|f| {
            let mut id = String::with_capacity(f.id.len() + 2);
            push_json_str(&mut id, &f.id);
            id
        })
        .collect();
    DecisionText { ruleset, flag_ids }
}

/// What a decision record carries besides the decision itself: facts quoted
/// by path (`--record-fact`) and a time stamp (`--at`). Made once, checked
/// against the ruleset's schema, with
/// [`RuleSet::decision_options`](crate::RuleSet::decision_options); the
/// default carries neither.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let options = rules.decision_options(["end_user.kind"], Some("2026-03-01"))?;
/// let report = rules.evaluate_json(r#"{"end_user": {"kind": "national_police"}}"#)?;
/// let mut line = String::new();
/// report.write_decision(&mut line, &options);
/// assert!(line.ends_with(r#""facts":{"end_user.kind":"national_police"},"at":"2026-03-01"}"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecisionOptions {
    /// The facts to quote, each with its slot and type in the schema of
    /// `fingerprint`; `None` when no fact is asked for (the record then has
    /// no `facts` key).
    pub(crate) facts: Option<Vec<RecordFact>>,
    /// The schema the slots are of.
    pub(crate) fingerprint: u64,
    /// The time stamp, as given.
    pub(crate) at: Option<String>,
}

/// One fact a record quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RecordFact {
    pub(crate) path: String,
    /// The path as a JSON string, escaped once.
    pub(crate) key: String,
    pub(crate) slot: usize,
    pub(crate) ty: Type,
}

impl DecisionOptions {
    /// The paths of the facts the records quote, in the order given.
    pub fn facts(&self) -> impl ExactSizeIterator<Item = &str> {
        self.facts
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|f| f.path.as_str())
    }

    /// The time stamp the records carry, as given.
    pub fn at(&self) -> Option<&str> {
        self.at.as_deref()
    }
}

impl Report {
    /// The decision record of this report, with no facts and no time stamp:
    /// one line of compact JSON (no line break), as
    /// [`write_decision`](Self::write_decision) writes it.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let report = rules.evaluate_json(r#"{"id": "T-1", "end_user": {"sanctioned": true}}"#)?;
    /// let record: serde_json::Value = serde_json::from_str(&report.to_decision_json())?;
    /// assert_eq!(record["transaction"], "T-1");
    /// assert_eq!(record["disposition"], "do_not_proceed");
    /// assert!(record["raised"].as_array().unwrap().contains(&"S2.sanctioned".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_decision_json(&self) -> String {
        let mut out = String::with_capacity(512);
        self.write_decision(&mut out, &DecisionOptions::default());
        out
    }

    /// Appends the decision record of this report to `out`: one line of
    /// compact JSON, without the line break, whose keys come in this order:
    /// `transaction` (the facts' `id`, or `null`), `ruleset` (`name`,
    /// `version`, `digest`), `scope` (`in`, `out` or `unknown`; absent when
    /// the ruleset declares no scope), `disposition`, `raised` (the ids of
    /// the raised flags, in declaration order), `mitigated` (those of them
    /// that are mitigated), `unknown` (the ids of the unknown flags),
    /// `missing_facts` (as [`missing_facts`](Self::missing_facts) lists
    /// them), `missing_facts_truncated` (only when true), `facts` (only
    /// when `options` name facts: each path with its value as JSON, `null`
    /// when unknown) and `at` (only when `options` carry a time stamp).
    /// [`RuleSet::decision_json_schema`](crate::RuleSet::decision_json_schema)
    /// is its JSON Schema. The same report and options always give the same
    /// bytes.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let report = rules.evaluate_json(r#"{"id": "T-1"}"#)?;
    /// let mut out = String::new();
    /// report.write_decision(&mut out, &Default::default());
    /// assert!(out.starts_with(r#"{"transaction":"T-1","ruleset":{"name":"us-state-2020","#));
    /// assert!(out.contains(r#""scope":"unknown","disposition":"#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_decision(&self, out: &mut String, options: &DecisionOptions) {
        out.push_str("{\"transaction\":");
        match self.transaction() {
            Some(id) => push_json_str(out, id),
            None => out.push_str("null"),
        }
        let text = self
            .rules
            .inner
            .decision_text
            .get_or_init(|| decision_text(self));
        out.push_str(&text.ruleset);
        if let Some(scope) = self.scope_status() {
            out.push_str(",\"scope\":\"");
            out.push_str(scope.as_str());
            out.push('"');
        }
        out.push_str(",\"disposition\":");
        push_json_str(out, self.disposition());
        self.push_flag_ids(out, text, "raised", |s, _| s == Status::Raised);
        self.push_flag_ids(out, text, "mitigated", |s, m| s == Status::Raised && m);
        self.push_flag_ids(out, text, "unknown", |s, _| s == Status::Unknown);
        out.push_str(",\"missing_facts\":[");
        for (i, path) in self.missing_facts().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_str(out, path);
        }
        out.push(']');
        if self.missing_facts_truncated {
            out.push_str(",\"missing_facts_truncated\":true");
        }
        if let Some(facts) = &options.facts {
            out.push_str(",\"facts\":{");
            for (i, fact) in facts.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&fact.key);
                out.push(':');
                self.push_fact(out, fact, options.fingerprint);
            }
            out.push('}');
        }
        if let Some(at) = &options.at {
            out.push_str(",\"at\":");
            push_json_str(out, at);
        }
        out.push('}');
    }

    /// `,"<key>":[…]`: the ids of the flags whose status and mitigation
    /// `keep` keeps, in declaration order.
    fn push_flag_ids(
        &self,
        out: &mut String,
        text: &DecisionText,
        key: &str,
        keep: impl Fn(Status, bool) -> bool,
    ) {
        out.push_str(",\"");
        out.push_str(key);
        out.push_str("\":[");
        let mut first = true;
        for (i, row) in self.flags.iter().enumerate() {
            if !keep(row.status, row.mitigated) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(text.flag_ids.get(i).map_or("\"\"", String::as_str));
        }
        out.push(']');
    }

    /// The value of a fact the record quotes, as JSON; `null` when unknown.
    fn push_fact(&self, out: &mut String, fact: &RecordFact, fingerprint: u64) {
        let facts: &Facts = &self.facts;
        let schema = self.rules.schema();
        // Options made for another schema: the path is looked up again in
        // this one (and is unknown here if it does not declare it).
        let found = if facts.fingerprint == fingerprint {
            Some((fact.slot, fact.ty))
        } else {
            resolve(schema, &fact.path)
        };
        let Some((slot, ty)) = found else {
            out.push_str("null");
            return;
        };
        let value = QuotedValue::new(schema, ty, &facts.root, slot);
        if value.is_null() {
            out.push_str("null");
        } else {
            // INVARIANT: a quoted value serialises infallibly.
            out.push_str(&serde_json::to_string(&value).unwrap_or_else(|_| "null".into()));
        }
    }
}

/// The slot and type of a dotted path from the root, if the schema
/// declares it (a path through a list is not one slot, so it is not one).
pub(crate) fn resolve(schema: &crate::facts::schema::Schema, path: &str) -> Option<(usize, Type)> {
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return None;
    }
    schema.resolve(schema.root, path.split('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleSet;

    #[track_caller]
    fn check(s: &str) {
        let mut out = String::new();
        push_json_str(&mut out, s);
        assert_eq!(out, serde_json::to_string(s).unwrap(), "escaping {s:?}");
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
    }

    #[test]
    fn escapes_as_serde_json_does() {
        check("");
        check("plain");
        check("\"quoted\" \\ back\\slash");
        check("\n\r\t\u{8}\u{c}\u{0}\u{1}\u{1f}\u{7f}");
        check("é, 北京, 😀, \u{2028}\u{2029}, \u{feff}, \u{202e}");
        check("a\u{0}b\"c\\d\ne");
        let all: String = (0u32..0x300).filter_map(char::from_u32).collect();
        check(&all);
    }

    #[test]
    fn hostile_strings_round_trip_in_a_record() {
        let rules = RuleSet::bundled().unwrap();
        let hostile = "T-\"1\"\\\n\u{0}\u{1b}[31m é 北 😀 \u{2028}";
        let doc = serde_json::json!({"id": hostile, "end_user": {"name": hostile}});
        let report = rules.evaluate_json(&doc.to_string()).unwrap();
        let options = rules
            .decision_options(["end_user.name", "end_user"], Some(hostile))
            .unwrap();
        let mut line = String::new();
        report.write_decision(&mut line, &options);
        assert!(!line.contains('\n'));
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(record["transaction"], hostile);
        assert_eq!(record["at"], hostile);
        assert_eq!(record["facts"]["end_user.name"], hostile);
        assert_eq!(record["facts"]["end_user"]["name"], hostile);
    }

    #[test]
    fn absent_facts_are_null_and_paths_are_quoted_once() {
        let rules = RuleSet::bundled().unwrap();
        let options = rules
            .decision_options(["country.iso_code", "country.iso_code", "end_user"], None)
            .unwrap();
        assert_eq!(
            options.facts().collect::<Vec<_>>(),
            ["country.iso_code", "end_user"]
        );
        let report = rules.evaluate_json("{}").unwrap();
        let mut line = String::new();
        report.write_decision(&mut line, &options);
        assert!(
            line.ends_with(r#""facts":{"country.iso_code":null,"end_user":null}}"#),
            "{line}"
        );
    }

    #[test]
    fn undeclared_paths_are_refused() {
        let rules = RuleSet::bundled().unwrap();
        for path in [
            "",
            "nope",
            "end_user.",
            ".end_user",
            "parties[0].role",
            "parties.role",
            "id",
        ] {
            let e = rules.decision_options([path], None).unwrap_err();
            assert_eq!(e.path, path);
            assert!(
                e.message.contains("is not a fact of the ruleset"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn keys_come_in_the_contract_order() {
        let rules = RuleSet::bundled().unwrap();
        let report = rules.evaluate_json(r#"{"id": "T-1"}"#).unwrap();
        let options = rules
            .decision_options(["end_user.kind"], Some("now"))
            .unwrap();
        let mut line = String::new();
        report.write_decision(&mut line, &options);
        let keys = [
            "\"transaction\"",
            "\"ruleset\"",
            "\"scope\"",
            "\"disposition\"",
            "\"raised\"",
            "\"mitigated\"",
            "\"unknown\"",
            "\"missing_facts\"",
            "\"facts\"",
            "\"at\"",
        ];
        let at: Vec<usize> = keys
            .iter()
            .map(|k| line.find(&format!("{k}:")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{line}");
    }
}
