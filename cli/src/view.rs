//! What the reports for review (`--format html`, `--format markdown`) share:
//! the order flags are shown in, values summarised for a person, the
//! explanations to show, and the safeguards' titles.
//!
//! Every text returned here has been through `dd_rules::printable` (and text
//! from the facts cut to [`SHOWN_CHARS`]) but not escaped for any markup:
//! each renderer escapes it for its own.

use std::borrow::Cow;

use dd_rules::{
    Evidence, Explanation, Facts, FlagReport, Report, RuleSet, SafeguardStatus, ScopeStatus,
    Status, printable,
};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The most characters of one text from the facts that a report for review
/// shows (as the text report does; the JSON report has it whole).
pub const SHOWN_CHARS: usize = 1_000;

/// The most elements of a list value that are shown one by one.
pub const LIST_SHOWN: usize = 10;

/// The most fields of a record value that are shown.
pub const FIELDS_SHOWN: usize = 12;

/// What is shown for a fact left out of the report for its size limit.
pub const OMITTED: &str = "(omitted: report size limit)";

/// Text from the facts, made printable and cut to [`SHOWN_CHARS`].
pub fn fact_text(text: &str) -> Cow<'_, str> {
    dd_rules::printable_prefix(text, SHOWN_CHARS)
}

/// A disposition as a person reads it: `do_not_proceed` → `DO NOT PROCEED`.
pub fn disposition_words(name: &str) -> String {
    printable(&name.replace('_', " ").to_uppercase()).into_owned()
}

/// The words for a safeguard's status.
pub fn safeguard_words(status: SafeguardStatus) -> &'static str {
    match status {
        SafeguardStatus::InPlace => "in place",
        SafeguardStatus::Missing => "missing",
        SafeguardStatus::Unknown => "unknown",
        // A status a later library adds: its name in reports.
        other => other.as_str(),
    }
}

/// The flags with `status`, grouped by step (ascending), each group ordered
/// from the most severe to the least, in the ruleset's order within a
/// severity.
pub fn by_step<'r>(report: &'r Report, status: Status) -> Vec<(u8, Vec<FlagReport<'r>>)> {
    let mut flags: Vec<FlagReport<'r>> = report.flags_with(status).collect();
    // A stable sort keeps the ruleset's order within a step and severity.
    flags.sort_by(|a, b| a.step.cmp(&b.step).then(b.severity.cmp(&a.severity)));
    let mut groups: Vec<(u8, Vec<FlagReport<'r>>)> = Vec::new();
    for flag in flags {
        match groups.last_mut() {
            Some((step, group)) if *step == flag.step => group.push(flag),
            _ => groups.push((flag.step, vec![flag])),
        }
    }
    groups
}

/// The flags that decided the disposition ([`Report::deciding_flags`]),
/// most serious first, then by step, then as declared.
pub fn deciding(report: &Report) -> Vec<FlagReport<'_>> {
    by_severity(report.deciding_flags())
}

/// Flags ordered as a person reads them: the most serious first, then by
/// step, then as declared (the sort is stable).
pub fn by_severity<'r>(flags: impl Iterator<Item = FlagReport<'r>>) -> Vec<FlagReport<'r>> {
    let mut flags: Vec<FlagReport<'r>> = flags.collect();
    flags.sort_by_key(|f| (std::cmp::Reverse(f.severity), f.step));
    flags
}

/// A quoted value as a report for review shows it.
#[derive(Debug, PartialEq)]
pub enum Shown {
    /// A single value in words: a string without its quotes, a number,
    /// `true`/`false`, or `(unknown)` for a value known only by its
    /// provenance.
    Scalar(String),
    /// A list: how many elements, the first [`LIST_SHOWN`] summarised in a
    /// line each.
    List { count: usize, items: Vec<String> },
    /// A record: its first [`FIELDS_SHOWN`] fields, each summarised, and
    /// how many there are in all.
    Record {
        count: usize,
        fields: Vec<(String, String)>,
    },
    /// Left out of the report for its size limit.
    Omitted,
}

/// How the value of a piece of evidence is shown.
pub fn evidence_value(e: &Evidence<'_>) -> Shown {
    if e.omitted {
        return Shown::Omitted;
    }
    // The value is bounded by the library's quote budget, so it can be
    // rendered whole.
    shown(&e.value.to_json())
}

/// The fields of a JSON object, in the order they are written (a
/// `serde_json::Map` may sort them, depending on the features another
/// crate of the build turns on), each value as its JSON text.
struct Fields(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry::<String, Box<RawValue>>()? {
                    fields.push(field);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// The fields of the JSON object `json`, or `None` when it is not one.
fn fields(json: &str) -> Option<Vec<(String, Box<RawValue>)>> {
    if !json.starts_with('{') {
        return None;
    }
    serde_json::from_str::<Fields>(json).ok().map(|f| f.0)
}

/// The elements of the JSON array `json`, or `None` when it is not one.
fn elements(json: &str) -> Option<Vec<Box<RawValue>>> {
    if !json.starts_with('[') {
        return None;
    }
    serde_json::from_str(json).ok()
}

/// How a value, given as its JSON text, is shown.
pub fn shown(json: &str) -> Shown {
    if let Some(items) = elements(json) {
        return Shown::List {
            count: items.len(),
            items: items
                .iter()
                .take(LIST_SHOWN)
                .map(|v| element(v.get()))
                .collect(),
        };
    }
    if let Some(fields) = fields(json) {
        return Shown::Record {
            count: fields.len(),
            fields: fields
                .iter()
                .take(FIELDS_SHOWN)
                .map(|(k, v)| (fact_text(k).into_owned(), short(v.get())))
                .collect(),
        };
    }
    Shown::Scalar(short(json))
}

/// A string value's text, or `None` when `json` is not a string.
fn text_of(json: &str) -> Option<String> {
    if !json.starts_with('"') {
        return None;
    }
    serde_json::from_str::<String>(json).ok()
}

/// A value (its JSON text) in one short line: a scalar in words (a string
/// without its quotes, numbers exactly as written), a list or record by its
/// size.
pub fn short(json: &str) -> String {
    if let Some(text) = text_of(json) {
        return fact_text(&text).into_owned();
    }
    if let Some(items) = elements(json) {
        return count(items.len(), "item");
    }
    if let Some(fields) = fields(json) {
        return count(fields.len(), "field");
    }
    if json == "null" {
        return "(unknown)".to_string();
    }
    fact_text(json).into_owned()
}

/// `n item(s)` in words: `1 item`, `3 items`.
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// One element of a list (its JSON text) in a line. A record is named by
/// its key fields: its first text field, then the next two in brackets (a
/// party: `Acme (integrator, XA)`); a record without text fields by its
/// first fields.
pub fn element(json: &str) -> String {
    let Some(fields) = fields(json) else {
        return short(json);
    };
    let texts: Vec<String> = fields
        .iter()
        .filter_map(|(_, v)| text_of(v.get()))
        .take(3)
        .map(|s| fact_text(&s).into_owned())
        .collect();
    match texts.split_first() {
        Some((head, [])) => head.clone(),
        Some((head, rest)) => format!("{head} ({})", rest.join(", ")),
        None => fields
            .iter()
            .take(3)
            .map(|(k, v)| format!("{} = {}", fact_text(k), short(v.get())))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Whether some question's answer could change the disposition.
pub fn asked(report: &Report) -> bool {
    report
        .questionnaire()
        .is_some_and(|q| q.questions.iter().any(|q| q.changes_disposition))
}

/// The title of a safeguard, from the report (the id when the report does
/// not know it).
pub fn safeguard_title<'r>(report: &'r Report, id: &'r str) -> &'r str {
    report.safeguard(id).map_or(id, |s| s.title)
}

/// The citation of a safeguard, from the ruleset.
pub fn safeguard_citation<'r>(rules: &'r RuleSet, id: &str) -> Option<&'r str> {
    rules
        .safeguards()
        .find(|s| s.id == id)
        .and_then(|s| s.citation)
}

/// The explanation of one part of a report: which (`scope` or a flag id),
/// its status, and its tree, or why it is not shown.
pub enum Explained {
    /// The tree.
    Tree(Explanation),
    /// The explanation went over the evaluation budget (its message).
    Failed(String),
}

/// Explains, one at a time, the scope when it is out or unknown and each
/// raised or unknown flag, as `--explain` does; `each` is given the flag's
/// id (`None` for the scope), its status and the explanation, and returns
/// whether to go on.
pub fn explain_each(
    rules: &RuleSet,
    facts: &Facts,
    report: &Report,
    mut each: impl FnMut(Option<&str>, &str, Explained) -> bool,
) {
    let scope = report
        .scope()
        .filter(|s| s.status != ScopeStatus::In)
        .map(|s| (s.status.as_str(), None));
    let flags = report
        .flags()
        .filter(|f| f.status != Status::Clear)
        .map(|f| (f.status.as_str(), Some(f.id)));
    for (status, id) in scope.into_iter().chain(flags) {
        let tree = match id {
            Some(id) => rules.explain(facts, id),
            None => rules.explain_scope(facts),
        };
        let explained = match tree {
            Ok(Some(tree)) => Explained::Tree(tree),
            Ok(None) => continue,
            Err(e) => Explained::Failed(printable(&e.to_string()).into_owned()),
        };
        if !each(id, status, explained) {
            return;
        }
    }
}

/// The mark of a truth value in an explanation.
pub fn truth_words(value: dd_rules::Truth) -> &'static str {
    match value {
        dd_rules::Truth::True => "true",
        dd_rules::Truth::False => "false",
        dd_rules::Truth::Unknown => "unknown",
        // A truth value a later library adds (the enum is non-exhaustive).
        _ => "?",
    }
}

/// A `YYYY-MM-DD` date, checked for its shape and for a month and day that
/// exist (`--date`); the date is printed as given.
pub fn parse_date(text: &str) -> Result<String, String> {
    let bad = || format!("`{}` is not a date of the form YYYY-MM-DD", printable(text));
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(bad());
    }
    let (year, month, day): (u32, u32, u32) = match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => (y, m, d),
        _ => return Err(bad()),
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if day == 0 || day > days {
        return Err(bad());
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_party_list_is_counted_and_named_by_its_key_fields() {
        let parties = r#"[{"name":"Acme","role":"integrator","country_code":"XA","listed":false},
            {"listed":true,"score":3.50}]"#;
        assert_eq!(
            shown(parties),
            Shown::List {
                count: 2,
                items: vec![
                    "Acme (integrator, XA)".to_string(),
                    "listed = true, score = 3.50".to_string()
                ]
            }
        );
    }

    #[test]
    fn long_lists_show_their_first_elements_and_their_count() {
        let many = format!("[{}]", vec!["1"; 25].join(","));
        let Shown::List { count, items } = shown(&many) else {
            panic!("a list")
        };
        assert_eq!((count, items.len()), (25, LIST_SHOWN));
    }

    #[test]
    fn hidden_characters_are_made_visible() {
        assert_eq!(short(r#""a\u202Eb\n""#), "a\\u{202E}b\\u{A}");
    }

    #[test]
    fn dates_are_checked() {
        assert!(parse_date("2026-02-28").is_ok());
        assert!(parse_date("2024-02-29").is_ok());
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026-01-00",
            "today",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
