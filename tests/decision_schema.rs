//! `RuleSet::decision_json_schema` against the decision records the engine
//! writes (`Report::write_decision`).
//!
//! * The schema of each bundled ruleset is a valid draft 2020-12 schema.
//! * Every record validates, with and without quoted facts and a time
//!   stamp: of every example in `examples/transactions/` under both bundled
//!   rulesets, and of every case in `rulesets/tests/**/*.tests.json`.
//! * Each record says what its report says: the disposition, the scope,
//!   the raised, mitigated and unknown flags, the missing facts.
//! * Records that drifted do not validate: an unknown key, a flag id the
//!   ruleset does not declare, a disposition it does not declare, a key
//!   left out, a record of the other ruleset, a fact path it does not declare.

use std::path::PathBuf;

use dd_rules::testing::TestFile;
use dd_rules::{DecisionOptions, Report, RuleSet, Status};
use serde_json::{Value, json};

mod golden;

use golden::{crate_root, files_below, read, relative};

const STATE: &str = "rulesets/us-state-2020.rules";
const EU: &str = "rulesets/eu-2021-821-art5.rules";

struct Checker {
    rules: RuleSet,
    validator: jsonschema::Validator,
    options: [DecisionOptions; 2],
}

impl Checker {
    fn of(path: &str) -> Checker {
        let path = crate_root().join(path);
        let rules = RuleSet::compile(&read(&path), &relative(&path)).unwrap();
        let schema = serde_json::to_value(rules.decision_json_schema()).unwrap();
        jsonschema::draft202012::meta::validate(&schema).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        // Every fact a record may quote, and a time stamp.
        let every: Vec<String> = rules
            .facts()
            .map(|f| f.path)
            .filter(|p| !p.contains('['))
            .collect();
        let options = [
            DecisionOptions::default(),
            rules
                .decision_options(&every, Some("2026-03-01T10:00:00Z"))
                .unwrap(),
        ];
        Checker {
            rules,
            validator,
            options,
        }
    }

    fn errors(&self, record: &Value) -> Vec<String> {
        self.validator
            .iter_errors(record)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    fn check(&self, facts: &str, context: &str, failures: &mut Vec<String>) {
        let report = self.rules.evaluate_json(facts).unwrap();
        for options in &self.options {
            let mut line = String::new();
            report.write_decision(&mut line, options);
            let record: Value = serde_json::from_str(&line).unwrap();
            let errors = self.errors(&record);
            if !errors.is_empty() {
                failures.push(format!("{context}: {errors:#?}"));
            }
            agrees(&record, &report, context);
        }
    }
}

/// Asserts that a record says what its report says.
#[track_caller]
fn agrees(record: &Value, report: &Report, context: &str) {
    let ids = |keep: &dyn Fn(Status, bool) -> bool| -> Value {
        report
            .flags()
            .filter(|f| keep(f.status, f.mitigated))
            .map(|f| f.id)
            .collect::<Vec<_>>()
            .into()
    };
    assert_eq!(
        record["transaction"],
        json!(report.transaction()),
        "{context}"
    );
    assert_eq!(record["disposition"], report.disposition(), "{context}");
    assert_eq!(
        record.get("scope"),
        report.scope().map(|s| json!(s.status.as_str())).as_ref(),
        "{context}"
    );
    assert_eq!(
        record["raised"],
        ids(&|s, _| s == Status::Raised),
        "{context}"
    );
    assert_eq!(
        record["mitigated"],
        ids(&|s, m| s == Status::Raised && m),
        "{context}"
    );
    assert_eq!(
        record["unknown"],
        ids(&|s, _| s == Status::Unknown),
        "{context}"
    );
    assert_eq!(
        record["missing_facts"],
        json!(report.missing_facts().collect::<Vec<_>>()),
        "{context}"
    );
    assert_eq!(
        record.get("missing_facts_truncated").is_some(),
        report.missing_facts_truncated(),
        "{context}"
    );
}

fn examples() -> Vec<PathBuf> {
    files_below(&crate_root().join("examples/transactions"), &|p| {
        p.extension().is_some_and(|e| e == "json")
    })
}

#[track_caller]
fn none_failed(count: usize, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} of {count} record(s) do not validate:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_example_gives_valid_records_under_both_bundled_rulesets() {
    let mut failures = Vec::new();
    let mut count = 0;
    for checker in [Checker::of(STATE), Checker::of(EU)] {
        for path in examples() {
            let context = format!("{} on {}", checker.rules.name(), relative(&path));
            checker.check(&read(&path), &context, &mut failures);
            count += 1;
        }
    }
    assert!(count >= 10);
    none_failed(count, failures);
}

#[test]
fn every_test_case_of_the_bundled_rulesets_gives_a_valid_record() {
    let files = files_below(&crate_root().join("rulesets/tests"), &|p| {
        p.to_string_lossy().ends_with(".tests.json")
    });
    let (state, eu) = (Checker::of(STATE), Checker::of(EU));
    let eu_path = crate_root().join(EU).canonicalize().unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        let tests = TestFile::parse(&read(file)).unwrap();
        let dir = file.parent().unwrap();
        let ruleset = dir.join(&tests.ruleset).canonicalize().unwrap();
        let checker = if ruleset == eu_path { &eu } else { &state };
        for case in &tests.cases {
            let facts = match (&case.facts, &case.facts_file) {
                (Some(text), _) => text.clone(),
                (None, Some(path)) => read(&dir.join(path)),
                (None, None) => panic!("{}: {} gives no facts", relative(file), case.name),
            };
            let context = format!("{}: {}", relative(file), case.name);
            checker.check(&facts, &context, &mut failures);
            count += 1;
        }
    }
    assert!(count >= 50, "only {count} test cases found");
    none_failed(count, failures);
}

#[test]
fn records_that_drifted_do_not_validate() {
    let state = Checker::of(STATE);
    let eu = Checker::of(EU);
    let report = state
        .rules
        .evaluate_json(
            r#"{"id": "T-1", "end_user": {"sanctioned": true, "kind": "national_police"}}"#,
        )
        .unwrap();
    let options = state
        .rules
        .decision_options(["end_user.kind"], Some("now"))
        .unwrap();
    let mut line = String::new();
    report.write_decision(&mut line, &options);
    let good: Value = serde_json::from_str(&line).unwrap();
    assert!(state.errors(&good).is_empty(), "{:?}", state.errors(&good));
    assert!(
        !eu.errors(&good).is_empty(),
        "a record of the other ruleset"
    );
    let drift: [&dyn Fn(&mut Value); 7] = [
        &|r| r["extra"] = json!(1),
        &|r| r["raised"] = json!(["S9.nothing"]),
        &|r| r["disposition"] = json!("maybe"),
        &|r| {
            r.as_object_mut().unwrap().remove("unknown");
        },
        &|r| r["scope"] = json!("inside"),
        &|r| r["facts"] = json!({"end_user.knd": null}),
        &|r| r["missing_facts_truncated"] = json!(false),
    ];
    for (i, change) in drift.iter().enumerate() {
        let mut record = good.clone();
        change(&mut record);
        assert!(
            !state.errors(&record).is_empty(),
            "drift {i} validates: {record}"
        );
    }
}
