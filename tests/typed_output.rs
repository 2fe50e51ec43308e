//! Typed output: every public enum reads back the name it writes, the
//! disposition compares by strictness, and a report's JSON reads into a
//! `ReportRecord` that writes the same bytes.

use std::str::FromStr;

use dd_rules::{
    ConditionKind, DiagnosticLevel, ReportRecord, RuleSet, SafeguardStatus, Severity, Status,
    Style, Truth,
};

fn files(dir: &str, ext: &str) -> Vec<(String, String)> {
    let dir = format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_report_of_every_ruleset_reads_back_into_the_same_bytes() {
    let rulesets = files("rulesets", "rules");
    let examples = files("examples/transactions", "json");
    assert!(rulesets.len() >= 2 && examples.len() >= 5);
    let mut checked = 0;
    for (rules_name, source) in &rulesets {
        let rules = RuleSet::compile(source, rules_name).unwrap();
        for (name, text) in &examples {
            let report = rules
                .evaluate_json(text)
                .unwrap_or_else(|e| panic!("{rules_name} on {name}: {e}"));
            let json = report.to_json();
            let record: ReportRecord = serde_json::from_str(&json).unwrap();
            assert_eq!(
                serde_json::to_string(&record).unwrap(),
                json,
                "{rules_name} on {name}"
            );
            // The record made from the report is the one read from its JSON.
            assert_eq!(
                ReportRecord::from(&report),
                record,
                "{rules_name} on {name}"
            );
            assert_eq!(record.disposition, report.disposition());
            assert_eq!(record.flags.len(), report.flags().len());
            checked += 1;
        }
    }
    assert_eq!(checked, rulesets.len() * examples.len());
}

#[test]
fn evidence_with_provenance_and_no_value_keeps_its_null() {
    let rules = RuleSet::bundled().unwrap();
    let report = rules
        .evaluate_json(r#"{"country": {"civic_space": {"value": null, "source": "not rated"}}}"#)
        .unwrap();
    let json = report.to_json();
    assert!(
        json.contains(r#""country.civic_space":null"#)
            && json.contains(r#""provenance":{"country.civic_space":{"source":"not rated"}}"#),
        "{json}"
    );
    let record: ReportRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&record).unwrap(), json);
}

/// Every value's name reads back as the value, and is what serde writes.
#[track_caller]
fn round_trips<T>(all: &[T], serde: bool)
where
    T: FromStr<Err = dd_rules::ParseNameError>
        + std::fmt::Display
        + std::fmt::Debug
        + PartialEq
        + serde::Serialize,
{
    for value in all {
        let name = value.to_string();
        assert_eq!(&name.parse::<T>().unwrap(), value, "{name}");
        if serde {
            assert_eq!(serde_json::to_string(value).unwrap(), format!("\"{name}\""));
        }
    }
}

#[test]
fn every_public_enum_reads_back_its_name() {
    round_trips(&Severity::ALL, true);
    round_trips(&[Status::Raised, Status::Clear, Status::Unknown], true);
    round_trips(
        &[
            SafeguardStatus::InPlace,
            SafeguardStatus::Missing,
            SafeguardStatus::Unknown,
        ],
        true,
    );
    round_trips(&[Truth::True, Truth::False, Truth::Unknown], true);
    round_trips(&[DiagnosticLevel::Warning, DiagnosticLevel::Error], true);
    for style in [Style::Color, Style::Plain] {
        assert_eq!(style.to_string().parse::<Style>().unwrap(), style);
    }
    assert_eq!(Style::Plain.to_string(), "plain");
    for kind in [
        ConditionKind::Flag,
        ConditionKind::Safeguard,
        ConditionKind::Predicate,
    ] {
        assert_eq!(kind.to_string().parse::<ConditionKind>().unwrap(), kind);
    }
    // Names are exact: no other case, no spaces.
    for bad in ["High", " high", "high ", "", "in place"] {
        assert!(bad.parse::<Severity>().is_err(), "{bad:?}");
        assert!(bad.parse::<SafeguardStatus>().is_err(), "{bad:?}");
    }
    let e = "inplace".parse::<SafeguardStatus>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "`inplace` is not a safeguard status; expected one of `in_place`, `missing`, `unknown`"
    );
    assert_eq!(e.what(), "safeguard status");
    assert_eq!(e.name(), "inplace");
    assert_eq!(e.expected(), ["in_place", "missing", "unknown"]);
    // A control character in the name is shown escaped.
    let e = "\u{1b}[8m".parse::<Status>().unwrap_err();
    assert!(
        e.to_string().starts_with("`\\u{1B}[8m` is not a status"),
        "{e}"
    );
}

#[test]
fn the_disposition_compares_by_strictness() {
    let rules = RuleSet::bundled().unwrap();
    let all: Vec<_> = rules.dispositions().collect();
    assert_eq!(all.len(), rules.outcomes().count());
    for (rank, d) in all.iter().enumerate() {
        assert_eq!(d.rank(), rank);
        assert_eq!(rules.disposition(d.name()), Some(*d));
    }
    assert!(all.windows(2).all(|w| w[0] < w[1]));
    for (_, text) in files("examples/transactions", "json") {
        let report = rules.evaluate_json(&text).unwrap();
        let d = report.disposition_value();
        assert_eq!(d.name(), report.disposition());
        assert_eq!(d, report.disposition());
        assert_eq!(d.rank(), report.disposition_index());
        assert_eq!(Some(d), rules.disposition(report.disposition()));
        let facts = rules.facts_from_json(&text).unwrap();
        let mut scratch = rules.new_scratch();
        let outcome = rules.evaluate_into(&facts, &mut scratch).unwrap();
        assert_eq!(outcome.disposition_value(), d);
    }
    assert_eq!(rules.disposition("nope"), None);
}
