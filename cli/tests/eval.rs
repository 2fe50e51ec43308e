//! `dd-rules eval` through the real binary: every example transaction as
//! text and JSON, reports of the shape documented, byte-identical runs, facts
//! left out, and custom rulesets.

mod common;

use std::path::Path;

use common::{BUNDLED, PARTIAL, SMALL_RULES, TempDir, arg, dd, examples};
use serde_json::Value;

// ---------------------------------------------------------------- eval: examples

/// Asserts that an eval report has the documented JSON shape.
#[track_caller]
fn assert_report_shape(report: &Value, context: &str) {
    let obj = report
        .as_object()
        .unwrap_or_else(|| panic!("{context}: the report is not an object"));
    for key in [
        "ruleset",
        "transaction",
        "disposition",
        "flags",
        "missing_facts",
    ] {
        assert!(obj.contains_key(key), "{context}: no `{key}` in the report");
    }
    let rs = &report["ruleset"];
    assert!(
        rs["name"].as_str().is_some_and(|s| !s.is_empty()),
        "{context}: {rs}"
    );
    assert!(
        rs["version"].as_str().is_some_and(|s| !s.is_empty()),
        "{context}: {rs}"
    );
    let digest = rs["digest"].as_str().unwrap_or_default();
    let hex = digest
        .strip_prefix("sha256:")
        .unwrap_or_else(|| panic!("{context}: digest {digest:?} does not start with `sha256:`"));
    assert!(
        hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{context}: digest {digest:?} is not 64 hex digits"
    );
    assert!(
        report["transaction"].is_string() || report["transaction"].is_null(),
        "{context}: transaction {}",
        report["transaction"]
    );
    assert!(
        report["disposition"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{context}: disposition {}",
        report["disposition"]
    );
    let flags = report["flags"]
        .as_array()
        .unwrap_or_else(|| panic!("{context}: flags is not an array"));
    assert!(!flags.is_empty(), "{context}: no flags");
    for flag in flags {
        let id = flag["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{context}: flag without id: {flag}"));
        assert!(
            flag["step"].is_u64(),
            "{context}: {id}: step {}",
            flag["step"]
        );
        assert!(
            matches!(
                flag["severity"].as_str(),
                Some("low" | "medium" | "high" | "critical")
            ),
            "{context}: {id}: severity {}",
            flag["severity"]
        );
        assert!(
            flag["title"].as_str().is_some_and(|s| !s.is_empty()),
            "{context}: {id}: title {}",
            flag["title"]
        );
        let status = flag["status"].as_str().unwrap_or_default();
        assert!(
            matches!(status, "raised" | "clear" | "unknown"),
            "{context}: {id}: status {status:?}"
        );
        let evidence = flag["evidence"]
            .as_array()
            .unwrap_or_else(|| panic!("{context}: {id}: evidence is not an array"));
        // Each fact a flag cites is quoted once, in the report's `facts`.
        for e in evidence {
            let fact = e
                .as_str()
                .unwrap_or_else(|| panic!("{context}: {id}: evidence {e}"));
            assert!(
                report["facts"].get(fact).is_some(),
                "{context}: {id}: {fact} is not in the report's facts"
            );
        }
        let missing = flag["missing"]
            .as_array()
            .unwrap_or_else(|| panic!("{context}: {id}: missing is not an array"));
        assert!(
            missing.iter().all(Value::is_string),
            "{context}: {id}: {missing:?}"
        );
        if status == "unknown" {
            assert!(
                !missing.is_empty(),
                "{context}: {id} is unknown but names no missing fact"
            );
        } else {
            assert!(
                missing.is_empty(),
                "{context}: {id} is {status} but lists missing facts"
            );
        }
        let mitigations = flag["mitigations"]
            .as_array()
            .unwrap_or_else(|| panic!("{context}: {id}: mitigations is not an array"));
        for m in mitigations {
            assert!(m["id"].is_string(), "{context}: {id}: mitigation {m}");
            assert!(
                matches!(
                    m["status"].as_str(),
                    Some("in_place" | "missing" | "unknown")
                ),
                "{context}: {id}: mitigation {m}"
            );
        }
    }
    let missing_facts = report["missing_facts"]
        .as_array()
        .unwrap_or_else(|| panic!("{context}: missing_facts is not an array"));
    assert!(
        missing_facts.iter().all(Value::is_string),
        "{context}: {missing_facts:?}"
    );
}

#[test]
fn eval_every_example_as_text() {
    for file in examples() {
        let context = arg(&file);
        let json = dd(["eval", "--format", "json", &context]);
        json.code(0);
        let report = json.json();
        let disposition = report["disposition"].as_str().expect("a disposition");
        let id = report["transaction"].as_str().unwrap_or("(no id)");

        let run = dd(["eval", &context]);
        run.code(0);
        let first = run.stdout.lines().next().unwrap_or_default();
        let shouted = disposition.replace('_', " ").to_uppercase();
        assert_eq!(first, format!("{shouted}  transaction {id}"), "{context}");
        run.stdout_has("\nRaised flags: ")
            .stdout_has("\nClear flags: ");
        // Fits 80 columns, and never dumps a list or record as JSON.
        for line in run.stdout.lines() {
            assert!(
                line.chars().count() <= 80,
                "{context}: over 80 columns: {line:?}"
            );
            assert!(
                !line.contains("[{") && !line.contains("{\"") && !line.contains("\":"),
                "{context}: a JSON dump: {line:?}"
            );
        }
        // The flags that decided are named in the header, before the
        // raised flags, each with its title.
        let (header, body) = run
            .stdout
            .split_once("\nRaised flags: ")
            .expect("a raised flags section");
        let raised: Vec<&Value> = report["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .filter(|f| f["status"] == "raised")
            .collect();
        if report["disposition"] != "proceed" && report["disposition"] != "out_of_scope" {
            assert!(header.contains("Decided by "), "{context}: {header}");
        }
        // Raised flags, most serious first: the severity groups in order,
        // each flag under its severity's heading.
        let order = ["Critical", "High", "Medium", "Low"];
        let headings: Vec<&str> = body.lines().filter(|l| order.contains(l)).collect();
        let mut sorted = headings.clone();
        sorted.sort_by_key(|h| order.iter().position(|o| o == h));
        assert_eq!(headings, sorted, "{context}");
        for f in &raised {
            let sev = f["severity"].as_str().expect("a severity");
            let heading = format!("\n{}{}\n", sev[..1].to_uppercase(), &sev[1..]);
            let at_heading = body.find(&heading).expect("the flag's severity heading");
            let id = f["id"].as_str().expect("an id");
            let at_flag = body
                .find(&format!("\n  {id} · step "))
                .unwrap_or_else(|| panic!("{context}: {id} not listed"));
            assert!(at_heading < at_flag, "{context}: {id} before its heading");
        }

        // `--format text` is the default.
        let explicit = dd(["eval", "--format", "text", &context]);
        explicit.code(0);
        assert_eq!(explicit.stdout, run.stdout, "{context}");
    }
}

#[test]
fn eval_every_example_as_json() {
    let mut digests = Vec::new();
    for file in examples() {
        let context = arg(&file);
        let run = dd(["eval", "--format", "json", &context]);
        run.code(0);
        let report = run.json();
        assert_report_shape(&report, &context);
        assert_eq!(report["ruleset"]["name"], "us-state-2020", "{context}");

        // The transaction id is the document's `id`.
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("read the example"))
                .expect("the example is JSON");
        assert_eq!(report["transaction"], doc["id"], "{context}");
        digests.push(report["ruleset"]["digest"].clone());
    }
    digests.dedup();
    assert_eq!(
        digests.len(),
        1,
        "one bundled ruleset, one digest: {digests:?}"
    );
}

#[test]
fn eval_bundled_equals_rules_file_on_disk() {
    // The bundled ruleset is `rulesets/us-state-2020.rules`: passing the file
    // explicitly gives the same report, digest included.
    let bundled = dd(["eval", "--format", "json", PARTIAL]);
    let explicit = dd(["eval", "--format", "json", "--rules", BUNDLED, PARTIAL]);
    bundled.code(0);
    explicit.code(0);
    assert_eq!(bundled.stdout, explicit.stdout);
}

#[test]
fn eval_json_is_byte_identical_across_runs() {
    for file in examples() {
        let args = ["eval", "--format", "json", &arg(&file)];
        let first = dd(args);
        let second = dd(args);
        first.code(0);
        second.code(0);
        assert!(!first.stdout_bytes.is_empty());
        assert!(
            first.stdout_bytes == second.stdout_bytes,
            "{}: two runs differ",
            arg(&file)
        );
    }
    let args = ["eval", PARTIAL];
    assert!(
        dd(args).stdout_bytes == dd(args).stdout_bytes,
        "text output differs"
    );
}

#[test]
fn eval_partial_facts_reports_unknown_flags_and_facts_to_gather() {
    let run = dd(["eval", "--format", "json", PARTIAL]);
    run.code(0);
    let report = run.json();
    assert_report_shape(&report, PARTIAL);
    let flags = report["flags"].as_array().expect("flags");
    let unknown: Vec<&Value> = flags.iter().filter(|f| f["status"] == "unknown").collect();
    assert!(!unknown.is_empty(), "no unknown flag in {PARTIAL}");
    let missing_facts: Vec<&str> = report["missing_facts"]
        .as_array()
        .expect("missing_facts")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!missing_facts.is_empty(), "missing_facts is empty");
    // Every fact an unknown flag misses is on the list to gather, once.
    for f in &unknown {
        for m in f["missing"].as_array().expect("missing") {
            let m = m.as_str().expect("a fact path");
            assert!(
                missing_facts.contains(&m),
                "{m} (from {}) not in missing_facts",
                f["id"]
            );
        }
    }
    let mut sorted = missing_facts.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        missing_facts.len(),
        "duplicates in missing_facts"
    );

    let text = dd(["eval", "--no-advice", PARTIAL]);
    text.code(0)
        .stdout_has(&format!(
            "Unknown flags: {} (facts are missing)",
            unknown.len()
        ))
        .stdout_has("Facts to gather, most decisive first:")
        .stdout_has(&format!("  1. {}", missing_facts[0]));

    // Advised (the default for one document), the questionnaire takes the
    // list's place: questions in words, each with what it decides.
    let json = dd(["eval", "--format", "json", PARTIAL]);
    let report: serde_json::Value = serde_json::from_str(&json.code(0).stdout).unwrap();
    let first = &report["questionnaire"]["questions"][0];
    assert_eq!(first["changes_disposition"], true, "{first}");
    let text = dd(["eval", PARTIAL]);
    text.code(0)
        .stdout_has("Questions to answer next, most decisive first:")
        .stdout_has("  1. Yes or no? ")
        .stdout_has(&format!("[{}]", first["fact"].as_str().unwrap()))
        .stdout_has("could change the disposition to ");
    assert!(!text.stdout.contains("Facts to gather"));
}

#[test]
fn eval_says_whether_the_transaction_is_in_scope_and_explains_why_not() {
    let dir = TempDir::new("scope");
    let printers = dir.write(
        "printers.json",
        r#"{"id": "P", "product": {"capabilities": [], "critical_component": false}}"#,
    );
    let run = dd(["eval", &arg(&printers)]);
    run.code(0)
        .stdout_has("OUT OF SCOPE  transaction P\n  Decided by the scope: the ruleset does not cover this transaction.\n")
        .stdout_has("  Scope: out (Products or services with surveillance")
        .stdout_has("    product.capabilities = none\n")
        .stdout_has("\nOut of scope, no flag counts toward the disposition: ")
        .nowhere("Unknown flags")
        .nowhere("Questions to answer")
        .nowhere("Facts to gather");
    // `--verbose` lists the flags all the same.
    dd(["eval", "--verbose", &arg(&printers)])
        .code(0)
        .stdout_has("\nUnknown flags: ")
        .stdout_has("\nClear flags: ");
    let json = dd(["eval", "--format", "json", &arg(&printers)]).json();
    assert_eq!(json["scope"]["status"], "out");
    assert_eq!(json["missing_facts"], serde_json::json!([]));
    // `--fail-on` reads the scope's outcome as any other: the least strict.
    dd(["eval", "--fail-on", "proceed", &arg(&printers)]).code(0);

    let unknown = dir.write("unknown.json", r#"{"product": {"capabilities": []}}"#);
    dd(["eval", "--explain", &arg(&unknown)])
        .code(0)
        .stdout_has("  Scope: unknown (")
        .stdout_has("    missing: product.critical_component")
        .stdout_has("scope is unknown because:\n");
    let explained = dd(["eval", "--format", "json", "--explain", &arg(&unknown)]).json();
    assert_eq!(explained["explanations"][0]["scope"], "scope");
    // The text report of the README's main command shows the scope.
    dd(["eval", BUNDLED_EXAMPLE])
        .code(0)
        .stdout_has("  Scope: in (");
}

/// The README's main example.
const BUNDLED_EXAMPLE: &str = "examples/transactions/face-recognition-national-police.json";

// ---------------------------------------------------------------- eval: custom rules

/// The JSON report of `facts` under `rules`, which must succeed with 0.
#[track_caller]
fn eval_json(rules: &Path, facts: &Path) -> Value {
    let run = dd([
        "eval",
        "--format",
        "json",
        "--rules",
        &arg(rules),
        &arg(facts),
    ]);
    run.code(0);
    run.json()
}

#[test]
fn eval_with_a_custom_ruleset() {
    let dir = TempDir::new("custom");
    let rules = dir.write("small.rules", SMALL_RULES);
    dd(["check", &arg(&rules)]).code(0);

    // Raised: civic space closed; the only safeguard is never in place.
    let facts = dir.write(
        "closed.json",
        r#"{"id": "T-1", "country": {"civic_space": "closed", "freedom_score": 80}}"#,
    );
    let report = eval_json(&rules, &facts);
    assert_report_shape(&report, "closed.json");
    assert_eq!(report["ruleset"]["name"], "example");
    assert_eq!(report["ruleset"]["version"], "1");
    assert_eq!(report["transaction"], "T-1");
    assert_eq!(report["disposition"], "escalate");
    let flags = report["flags"].as_array().expect("flags");
    assert_eq!(flags.len(), 1);
    let flag = &flags[0];
    assert_eq!(flag["id"], "S3.closed_civic_space");
    assert_eq!(flag["step"], 3);
    assert_eq!(flag["severity"], "high");
    assert_eq!(flag["status"], "raised");
    assert_eq!(flag["mitigated"], false);
    assert_eq!(
        flag["evidence"],
        serde_json::json!(["country.civic_space", "country.freedom_score"])
    );
    assert_eq!(
        report["facts"],
        serde_json::json!({"country.civic_space": "closed", "country.freedom_score": 80})
    );
    assert_eq!(
        flag["mitigations"],
        serde_json::json!([{"id": "contract.cutoff", "status": "missing"}])
    );
    assert_eq!(report["missing_facts"], serde_json::json!([]));

    // Its digest differs from the bundled ruleset's.
    let bundled = dd(["eval", "--format", "json", PARTIAL]).json();
    assert_ne!(report["ruleset"]["digest"], bundled["ruleset"]["digest"]);

    // Text form of the same.
    let run = dd(["eval", "--rules", &arg(&rules), &arg(&facts)]);
    run.code(0)
        .stdout_has("ESCALATE  transaction T-1\n")
        .stdout_has("\nHigh\n  S3.closed_civic_space · step 3 · not mitigated\n")
        .stdout_has("    country.civic_space = closed\n")
        .stdout_has("    Safeguards, all needed: 0 of 1 in place\n      - ");

    // Unknown: the freedom score is missing and civic space does not decide it.
    let facts = dir.write("open.json", r#"{"country": {"civic_space": "open"}}"#);
    let report = eval_json(&rules, &facts);
    assert_eq!(report["transaction"], Value::Null);
    assert_eq!(report["flags"][0]["status"], "unknown");
    assert_eq!(
        report["flags"][0]["missing"],
        serde_json::json!(["country.freedom_score"])
    );
    assert_eq!(
        report["missing_facts"],
        serde_json::json!(["country.freedom_score"])
    );
    assert_eq!(report["disposition"], "escalate");
    let text = dd(["eval", "--rules", &arg(&rules), &arg(&facts)]);
    text.code(0)
        .stdout_has("ESCALATE  transaction (no id)\n")
        .stdout_has("missing: country.freedom_score");

    // Clear: both facts known and good.
    let facts = dir.write(
        "free.json",
        r#"{"country": {"civic_space": "open", "freedom_score": {"value": 90, "source": "FH", "as_of": "2025"}}}"#,
    );
    let report = eval_json(&rules, &facts);
    assert_eq!(report["flags"][0]["status"], "clear");
    assert_eq!(report["disposition"], "proceed");
}

#[test]
fn the_readme_sample_is_the_main_jobs_real_output() {
    // The README shows the start of the main job's text output, up to a
    // line `…`: each line of it must be the real output's.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("read README.md");
    let (_, after) = readme
        .split_once("(a test checks that it is the real output):\n\n```text\n")
        .expect("README.md has the sample of the main job's output");
    let (sample, _) = after
        .split_once("\n…\n```")
        .expect("the sample ends with `…`");
    let run = dd(["eval", BUNDLED_EXAMPLE]);
    run.code(0);
    let real: Vec<&str> = run.stdout.lines().collect();
    let shown: Vec<&str> = sample.lines().collect();
    assert!(shown.len() >= 20, "the sample shows {} lines", shown.len());
    assert_eq!(
        shown,
        real[..shown.len().min(real.len())],
        "README.md's sample differs from `dd-rules eval {BUNDLED_EXAMPLE}`; paste the real output"
    );
}
