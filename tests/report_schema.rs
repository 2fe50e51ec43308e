//! `RuleSet::report_json_schema` against the reports the engine writes.
//!
//! * The schema of each bundled ruleset, and of every ruleset of the eval
//!   corpus, is a valid draft 2020-12 schema.
//! * Every report validates, advised (`RuleSet::advise`: `questionnaire`
//!   and `remediation`) and not: of every example in
//!   `examples/transactions/` under both bundled rulesets, of every case in
//!   `rulesets/tests/**/*.tests.json`, of every document of the eval corpus
//!   (`tests/corpus/eval/`) with its ruleset, and of reports that omit
//!   evidence and cut their lists of missing facts.
//! * Reports that drifted do not validate: an unknown field (at the top, in
//!   a flag, in the scope, in a question), a wrong status, a flag id or
//!   disposition the ruleset does not declare, a field left out, a flag
//!   left out, a report of the other ruleset.

use std::path::{Path, PathBuf};

use dd_rules::testing::TestFile;
use dd_rules::{Report, RuleSet};
use serde_json::{Value, json};

mod golden;

use golden::{crate_root, files_below, read, relative};

const STATE: &str = "rulesets/us-state-2020.rules";
const EU: &str = "rulesets/eu-2021-821-art5.rules";

fn compile(path: &Path) -> RuleSet {
    RuleSet::compile(&read(path), &relative(path))
        .unwrap_or_else(|e| panic!("{} does not compile: {e}", relative(path)))
}

/// A ruleset with its report schema, compiled into a validator.
struct Checker {
    rules: RuleSet,
    schema: Value,
    validator: jsonschema::Validator,
}

impl Checker {
    fn new(rules: RuleSet) -> Checker {
        let schema = serde_json::to_value(rules.report_json_schema()).unwrap();
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!(
                "the report schema of {} is not a valid schema: {e}",
                rules.name()
            );
        }
        let validator = jsonschema::validator_for(&schema).unwrap();
        Checker {
            rules,
            schema,
            validator,
        }
    }

    fn of(path: &str) -> Checker {
        Checker::new(compile(&crate_root().join(path)))
    }

    /// The errors of a report's JSON against the schema.
    fn errors(&self, report: &Value) -> Vec<String> {
        self.validator
            .iter_errors(report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Evaluates `facts`, checks its report and the advised report against
    /// the schema, and returns the advised report's JSON. Failures go to
    /// `failures`, named by `context`.
    fn check(&self, facts: &str, context: &str, failures: &mut Vec<String>) -> Option<Value> {
        let mut report = match self.rules.evaluate_json(facts) {
            Ok(report) => report,
            Err(e) => {
                failures.push(format!("{context}: the facts are rejected: {e}"));
                return None;
            }
        };
        self.expect_valid(&report, &format!("{context} (not advised)"), failures);
        if let Err(e) = self.rules.advise(&mut report) {
            failures.push(format!("{context}: no advice: {e}"));
            return None;
        }
        assert!(report.questionnaire().is_some(), "{context}: not advised");
        self.expect_valid(&report, &format!("{context} (advised)"), failures)
    }

    fn expect_valid(
        &self,
        report: &Report,
        context: &str,
        failures: &mut Vec<String>,
    ) -> Option<Value> {
        let json: Value = serde_json::from_str(&report.to_json()).unwrap();
        let errors = self.errors(&json);
        if errors.is_empty() {
            Some(json)
        } else {
            failures.push(format!("{context}: {errors:#?}"));
            None
        }
    }
}

#[track_caller]
fn none_failed(what: &str, count: usize, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} report(s) of {count} {what}, each advised and not, do not validate:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn examples() -> Vec<PathBuf> {
    let files = files_below(&crate_root().join("examples/transactions"), &|p| {
        p.extension().is_some_and(|e| e == "json")
    });
    assert!(
        files.len() >= 5,
        "examples/transactions/ has too few examples"
    );
    files
}

#[test]
fn every_example_validates_under_both_bundled_rulesets() {
    let mut failures = Vec::new();
    let mut count = 0;
    for checker in [Checker::of(STATE), Checker::of(EU)] {
        for path in examples() {
            let context = format!("{} on {}", checker.rules.name(), relative(&path));
            checker.check(&read(&path), &context, &mut failures);
            count += 1;
        }
    }
    none_failed("examples", count, failures);
}

#[test]
fn every_test_case_of_the_bundled_rulesets_validates() {
    let files = files_below(&crate_root().join("rulesets/tests"), &|p| {
        p.to_string_lossy().ends_with(".tests.json")
    });
    let (state, eu) = (Checker::of(STATE), Checker::of(EU));
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        let tests =
            TestFile::parse(&read(file)).unwrap_or_else(|e| panic!("{}: {e}", relative(file)));
        let dir = file.parent().unwrap();
        let ruleset = dir.join(&tests.ruleset).canonicalize().unwrap();
        let checker = if ruleset == crate_root().join(STATE).canonicalize().unwrap() {
            &state
        } else if ruleset == crate_root().join(EU).canonicalize().unwrap() {
            &eu
        } else {
            panic!(
                "{}: an unexpected ruleset {}",
                relative(file),
                ruleset.display()
            );
        };
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
    none_failed("test cases", count, failures);
}

/// The eval corpus has rulesets of its own, some without a scope, a
/// citation or a safeguard: their schemas hold their reports too.
#[test]
fn every_report_of_the_eval_corpus_validates_with_its_ruleset() {
    let bundled = Checker::new(RuleSet::bundled().unwrap());
    let mut failures = Vec::new();
    let mut count = 0;
    for path in files_below(&crate_root().join("tests/corpus/eval"), &|p| {
        p.extension().is_some_and(|e| e == "json")
    }) {
        // The expected output says whether the document is rejected.
        if read(&path.with_extension("out")).starts_with("error: ") {
            continue;
        }
        let rules_path = path.with_extension("rules");
        let own;
        let checker = if rules_path.exists() {
            own = Checker::new(compile(&rules_path));
            &own
        } else {
            &bundled
        };
        checker.check(&read(&path), &relative(&path), &mut failures);
        count += 1;
    }
    assert!(count >= 15, "only {count} corpus documents evaluated");
    none_failed("corpus documents", count, failures);
}

#[test]
fn the_schema_of_a_ruleset_without_a_scope_has_none() {
    let checker = Checker::of("tests/corpus/eval/three-valued-logic.rules");
    assert!(checker.rules.scope().is_none());
    assert!(checker.schema["properties"].get("scope").is_none());
    assert!(checker.schema["$defs"].get("scope").is_none());
    // So a report of it with a scope does not validate.
    let mut report = serde_json::to_value(checker.rules.evaluate_json("{}").unwrap()).unwrap();
    assert!(checker.errors(&report).is_empty());
    report["scope"] = json!({"status": "in", "title": "x", "evidence": [], "missing": []});
    assert!(!checker.errors(&report).is_empty());
}

/// Reports over the quote budget and with more missing facts than a report
/// lists: the fields only such reports write (`omitted`,
/// `missing_truncated`, `missing_facts_truncated`) are in the schema.
#[test]
fn reports_that_omit_evidence_and_cut_lists_validate() {
    let checker = Checker::new(RuleSet::bundled().unwrap());
    let mut failures = Vec::new();

    // Values that quote longer than they are written: decimals with an
    // exponent, quoted with all their digits.
    let mut source = String::from(
        "ruleset \"big\" { version: \"1\" title: \"t\" source: \"s\" }\nrecord D { d: decimal }\nfacts {\n  x: bool\n",
    );
    for i in 0..4 {
        source.push_str(&format!("  ds{i}: list<D>\n"));
    }
    source.push_str("}\n");
    for i in 0..4 {
        source.push_str(&format!(
            "flag A.f{i} {{ step: 1 severity: high title: \"t\" when: x evidence: ds{i}, x }}\n"
        ));
    }
    source.push_str(
        "outcomes { go, stop }\ndisposition { when any flags(raised) => stop  otherwise => go }\n",
    );
    let big = Checker::new(RuleSet::compile(&source, "big.rules").unwrap());
    let list = vec![r#"{"d": 1e27}"#; 40_000].join(",");
    let lists: Vec<String> = (0..4).map(|i| format!("\"ds{i}\": [{list}]")).collect();
    let over_budget = format!("{{\"x\": true, {}}}", lists.join(","));
    let report = big.check(&over_budget, "over the quote budget", &mut failures);
    assert!(
        report.is_some_and(|r| r["omitted_facts"].is_array()),
        "no evidence was omitted: {failures:?}"
    );

    let parties = vec![json!({"name": "p"}); 400];
    let many = json!({"product": {"capabilities": ["facial_recognition"]}, "parties": parties});
    let report = checker
        .check(&many.to_string(), "many unknown parties", &mut failures)
        .unwrap_or_else(|| panic!("{failures:?}"));
    assert_eq!(report["missing_facts_truncated"], true, "{report}");
    let flags = report["flags"].as_array().unwrap();
    assert!(
        flags.iter().any(|f| f["missing_truncated"] == true),
        "no flag's missing facts were cut"
    );
    none_failed("reports", 2, failures);
}

/// A report of the bundled ruleset that lists a little of everything:
/// raised, clear and unknown flags, evidence with provenance, the scope, a
/// questionnaire and a remediation plan.
fn advised_report(checker: &Checker) -> Value {
    let facts = read(&crate_root().join("examples/transactions/partial-facts.json"));
    let mut failures = Vec::new();
    let report = checker
        .check(&facts, "partial facts", &mut failures)
        .unwrap_or_else(|| panic!("{failures:?}"));
    assert!(
        report["questionnaire"]["questions"][0].is_object(),
        "{report}"
    );
    assert!(report["remediation"].is_object(), "{report}");
    report
}

#[test]
fn reports_that_drifted_do_not_validate() {
    let checker = Checker::new(RuleSet::bundled().unwrap());
    let report = advised_report(&checker);
    assert!(checker.errors(&report).is_empty());
    let quoting = report["flags"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["evidence"].as_array().is_some_and(|e| !e.is_empty()))
        .expect("a flag quotes evidence");

    type Mutation = fn(&mut Value, usize);
    let mutations: &[(&str, Mutation)] = &[
        ("an unknown field", |r, _| r["verdict"] = json!("ok")),
        ("an unknown field in a flag", |r, _| {
            r["flags"][0]["score"] = json!(3)
        }),
        ("an unknown field in the scope", |r, _| {
            r["scope"]["confidence"] = json!(1)
        }),
        ("an unknown field in a question", |r, _| {
            r["questionnaire"]["questions"][0]["hint"] = json!("x")
        }),
        ("evidence that is not a path", |r, i| {
            r["flags"][i]["evidence"][0] = json!({"fact": "x"})
        }),
        ("an unknown field in provenance", |r, _| {
            r["provenance"] = json!({"end_user.name": {"source": "x", "note": "y"}})
        }),
        ("a wrong flag status", |r, _| {
            r["flags"][0]["status"] = json!("pending")
        }),
        ("a wrong safeguard status", |r, _| {
            r["safeguards"][0]["status"] = json!("in-place")
        }),
        ("a wrong mitigation status", |r, _| {
            let flag = r["flags"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|f| f["mitigations"].as_array().is_some_and(|m| !m.is_empty()))
                .unwrap();
            flag["mitigations"][0]["status"] = json!("done");
        }),
        ("a wrong scope status", |r, _| {
            r["scope"]["status"] = json!("maybe")
        }),
        ("a wrong severity", |r, _| {
            r["flags"][0]["severity"] = json!("severe")
        }),
        ("a flag id not in the ruleset", |r, _| {
            r["flags"][0]["id"] = json!("S9.invented")
        }),
        ("a safeguard id not in the ruleset", |r, _| {
            r["safeguards"][0]["id"] = json!("contract.invented")
        }),
        ("a disposition that is not an outcome", |r, _| {
            r["disposition"] = json!("approve")
        }),
        ("a disposition rule that is no case", |r, _| {
            r["disposition_rule"] = json!("otherwise => proceed_with_a_smile")
        }),
        ("an outcome in the remediation plan that is none", |r, _| {
            r["remediation"]["best"] = json!("approve")
        }),
        ("a question about a flag not in the ruleset", |r, _| {
            r["questionnaire"]["questions"][0]["flags"] = json!(["S9.invented"])
        }),
        ("an evidence fact no flag quotes", |r, i| {
            r["flags"][i]["evidence"][0] = json!("end_user.shoe_size")
        }),
        ("a quoted fact no flag quotes", |r, _| {
            r["facts"]["end_user.shoe_size"] = json!(44)
        }),
        ("the quoted facts left out", |r, _| {
            r.as_object_mut().unwrap().remove("facts");
        }),
        ("an empty list of facts left out", |r, _| {
            r["omitted_facts"] = json!([])
        }),
        ("a flag step out of range", |r, _| {
            r["flags"][0]["step"] = json!(9)
        }),
        ("a transaction id that is a number", |r, _| {
            r["transaction"] = json!(7)
        }),
        ("missing_facts_truncated written as false", |r, _| {
            r["missing_facts_truncated"] = json!(false)
        }),
        ("an empty list the serialiser leaves out", |r, _| {
            r["questionnaire"]["questions"][0]["leads_to"] = json!([])
        }),
        ("the notice left out", |r, _| {
            r.as_object_mut().unwrap().remove("notice");
        }),
        ("another notice", |r, _| r["notice"] = json!("approved")),
        ("the scope left out", |r, _| {
            r.as_object_mut().unwrap().remove("scope");
        }),
        ("a flag's status left out", |r, _| {
            r["flags"][0].as_object_mut().unwrap().remove("status");
        }),
        ("a flag left out", |r, _| {
            r["flags"].as_array_mut().unwrap().pop();
        }),
        ("another ruleset's name", |r, _| {
            r["ruleset"]["name"] = json!("eu-2021-821-art5")
        }),
        ("a digest that is not one", |r, _| {
            r["ruleset"]["digest"] = json!("sha256:xyz")
        }),
        ("out of scope with the policy's disposition", |r, _| {
            r["scope"]["status"] = json!("out")
        }),
    ];
    let mut accepted = Vec::new();
    for (what, mutate) in mutations {
        let mut drifted = report.clone();
        mutate(&mut drifted, quoting);
        assert_ne!(drifted, report, "{what}: the mutation changed nothing");
        if checker.errors(&drifted).is_empty() {
            accepted.push(*what);
        }
    }
    assert!(
        accepted.is_empty(),
        "the schema accepts reports with {accepted:?}"
    );
}

#[test]
fn a_report_of_one_ruleset_does_not_validate_against_the_other() {
    let (state, eu) = (Checker::of(STATE), Checker::of(EU));
    let facts = read(&crate_root().join("examples/transactions/partial-facts.json"));
    let mut failures = Vec::new();
    let of_state = state.check(&facts, "state", &mut failures).unwrap();
    let of_eu = eu.check(&facts, "eu", &mut failures).unwrap();
    assert!(!eu.errors(&of_state).is_empty());
    assert!(!state.errors(&of_eu).is_empty());
}

#[test]
fn the_schema_lists_what_the_ruleset_declares() {
    let rules = RuleSet::bundled().unwrap();
    let schema = serde_json::to_value(rules.report_json_schema()).unwrap();
    let ids: Vec<&str> = rules.flags().map(|f| f.id).collect();
    assert_eq!(schema["$defs"]["flag_id"]["enum"], json!(ids));
    let ids: Vec<&str> = rules.safeguards().map(|s| s.id).collect();
    assert_eq!(schema["$defs"]["safeguard_id"]["enum"], json!(ids));
    let outcomes: Vec<&str> = rules.outcomes().collect();
    assert_eq!(schema["$defs"]["outcome"]["enum"], json!(outcomes));
    assert_eq!(schema["properties"]["notice"]["const"], dd_rules::NOTICE);
    assert_eq!(
        schema["properties"]["flags"]["minItems"],
        rules.flags().count()
    );
    // Display and Serialize give the same document.
    let shown: Value = serde_json::from_str(&rules.report_json_schema().to_string()).unwrap();
    assert_eq!(shown, schema);
}
