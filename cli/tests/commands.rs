//! `schema`, `explain`, `test`, NDJSON streaming and `--fail-on`, through the real binary.

mod common;

use common::{Run, TempDir, bounded, dd_with_stdin, examples, workspace};

/// Runs `dd-rules` with `args`, with `stdin` as its input.
#[track_caller]
fn run(args: &[&str], stdin: Option<&str>) -> Run {
    let out = dd_with_stdin(args, stdin);
    out.no_panic();
    out
}

#[test]
fn schema_validates_every_example_and_rejects_bad_facts() {
    let out = run(&["schema"], None);
    assert_eq!(out.code, Some(0));
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for path in examples() {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "{} does not validate: {errors:?}",
            path.display()
        );
    }
    // Required facts are annotated, never required by the validator: a
    // document that leaves them out (they are unknown) is valid.
    assert_eq!(
        schema["$defs"]["EndUser"]["properties"]["sanctioned"]["x-dd-required"],
        true
    );
    for without_required in [r#"{}"#, r#"{"end_user": {}, "parties": [{"name": "A"}]}"#] {
        let doc: serde_json::Value = serde_json::from_str(without_required).unwrap();
        assert!(
            validator.is_valid(&doc),
            "the schema refuses {without_required}"
        );
    }
    for bad in [
        r#"{"country": {"freedom_score": "high"}}"#,
        r#"{"country": {"civic_space": "closedish"}}"#,
        r#"{"countryy": {}}"#,
        r#"{"country": {"freedom_score": {"value": 3, "sauce": "x"}}}"#,
    ] {
        let doc: serde_json::Value = serde_json::from_str(bad).unwrap();
        assert!(!validator.is_valid(&doc), "the schema accepts {bad}");
    }
}

/// `schema --report`: the JSON Schema of the reports `eval` writes, advised
/// (one document) and not (`--no-advice`, NDJSON), for the bundled ruleset
/// and one named with `--rules`. The library's `tests/report_schema.rs`
/// covers every example and test case; this checks the command's output.
#[test]
fn schema_report_validates_the_reports_eval_writes() {
    let eu = workspace().join("rulesets/eu-2021-821-art5.rules");
    let eu = eu.display().to_string();
    for rules in [None, Some(eu.as_str())] {
        let with_rules = |args: &[&str]| -> Vec<String> {
            let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            if let Some(r) = rules {
                all.splice(1..1, ["--rules".to_string(), r.to_string()]);
            }
            all
        };
        let args = with_rules(&["schema", "--report"]);
        let out = dd_with_stdin(&args, None);
        out.no_panic().code(0);
        let schema = out.json();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let validator = jsonschema::validator_for(&schema).unwrap();
        let mut lines = String::new();
        for path in examples() {
            let path = path.display().to_string();
            lines.push_str(&std::fs::read_to_string(&path).unwrap().replace('\n', " "));
            lines.push('\n');
            for extra in [&[][..], &["--no-advice"][..]] {
                let mut args = vec!["eval", "--format", "json"];
                args.extend_from_slice(extra);
                args.push(&path);
                let out = dd_with_stdin(with_rules(&args), None);
                out.no_panic().code(0);
                let report = out.json();
                assert_eq!(report["questionnaire"].is_object(), extra.is_empty());
                let errors: Vec<String> = validator
                    .iter_errors(&report)
                    .map(|e| e.to_string())
                    .collect();
                assert!(errors.is_empty(), "{path} {extra:?}: {errors:?}");
            }
        }
        let out = dd_with_stdin(with_rules(&["eval", "--ndjson", "-"]), Some(&lines));
        out.no_panic().code(0);
        let mut count = 0;
        for line in out.stdout.lines() {
            let report: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(validator.is_valid(&report), "{line}");
            count += 1;
        }
        assert_eq!(count, examples().len());
        // A report with a field the schema does not know is refused.
        let mut report: serde_json::Value =
            serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
        report["verdict"] = "ok".into();
        assert!(!validator.is_valid(&report));
    }
    // Without `--report`, the facts schema as before.
    let facts = run(&["schema"], None).json();
    assert!(facts["title"].as_str().unwrap().starts_with("Facts for "));
    assert!(facts["properties"]["end_user"].is_object());
    assert!(facts["properties"].get("disposition").is_none());
}

#[test]
fn explain_prints_flags_and_safeguards() {
    let out = run(&["explain", "S2.sanctioned"], None);
    assert_eq!(out.code, Some(0));
    let s = out.stdout.clone();
    assert!(s.starts_with("flag S2.sanctioned: "), "{s}");
    assert!(s.contains("severity critical"), "{s}");
    assert!(s.contains("no safeguard clears this flag"), "{s}");

    let out = run(&["explain", "contract.cutoff_right"], None);
    assert_eq!(out.code, Some(0));
    let s = out.stdout.clone();
    assert!(s.starts_with("safeguard contract.cutoff_right: "), "{s}");
    assert!(s.contains("mitigates: "), "{s}");

    let out = run(&["explain", "sanction"], None);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.clone().contains("did you mean `S2.sanctioned`?"));

    // A typo gets the closest id, by edit distance, and the condition is printed.
    let out = run(&["explain", "S2.sanctiond"], None);
    assert_eq!(out.code, Some(1));
    let e = out.stderr.clone();
    assert!(
        e.contains("no flag or safeguard `S2.sanctiond`; did you mean `S2.sanctioned`?"),
        "{e}"
    );
    let out = run(&["explain", "zzz"], None);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .clone()
            .contains("`dd-rules doc` lists every flag and safeguard")
    );
    let out = run(&["explain", "S2.sanctioned"], None);
    assert!(
        out.stdout
            .clone()
            .contains("  when:\n    end_user.sanctioned\n")
    );
}

/// Five transactions with two broken lines among them, and a blank line.
fn stream_input() -> (String, Vec<usize>) {
    let docs: Vec<String> = examples()
        .iter()
        .map(|p| {
            serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(p).unwrap())
                .unwrap()
                .to_string()
        })
        .collect();
    let mut lines = docs.clone();
    lines.insert(2, r#"{"country": {"freedom_score": "high"}}"#.into());
    lines.insert(4, "{not json".into());
    lines.insert(5, String::new());
    (lines.join("\n") + "\n", vec![3, 5])
}

#[test]
fn ndjson_streams_a_report_or_an_error_record_per_line_in_order() {
    let (input, broken) = stream_input();
    let path_dir = TempDir::new("path");
    let path = path_dir.write("stream.ndjson", &input);
    for args in [
        vec!["eval", path.to_str().unwrap()],
        vec!["eval", "--ndjson", "-"],
    ] {
        let out = run(&args, Some(&input));
        assert_eq!(out.code, Some(1), "broken lines make the exit code 1");
        let records: Vec<serde_json::Value> = out
            .stdout
            .clone()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(records.len(), 7, "five reports and two error records");
        let errors: Vec<u64> = records
            .iter()
            .filter_map(|r| r.get("line"))
            .map(|l| l.as_u64().unwrap())
            .collect();
        assert_eq!(errors, broken.iter().map(|b| *b as u64).collect::<Vec<_>>());
        assert_eq!(records[2]["error"]["path"], "country.freedom_score");
        let ids: Vec<&str> = records
            .iter()
            .filter_map(|r| r["transaction"].as_str())
            .collect();
        assert_eq!(ids.len(), 5);
        assert!(out.stderr.clone().contains("2 rejected"));
    }
}

#[test]
fn fail_on_sets_the_exit_code_by_strictness() {
    let police = "examples/transactions/face-recognition-national-police.json";
    let city = "examples/transactions/traffic-cameras-city.json";
    assert_eq!(
        run(&["eval", "--fail-on", "escalate", police], None).code,
        Some(1)
    );
    assert_eq!(
        run(&["eval", "--fail-on", "escalate", city], None).code,
        Some(0)
    );
    assert_eq!(
        run(&["eval", "--fail-on", "proceed", city], None).code,
        Some(1)
    );
    let out = run(&["eval", "--fail-on", "panic", city], None);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.clone().contains("`panic` is not an outcome"),
        "{}",
        out.stderr.clone()
    );
}

#[test]
fn the_repository_test_files_pass_as_the_help_says() {
    // Its test files name the rulesets two directories up and the examples
    // three: they run with `--root .`, and without it the examples they
    // name are refused as outside the tree.
    let out = run(&["test", "-q", "--root", ".", "rulesets/"], None);
    assert_eq!(out.code, Some(0), "{}", out.stdout.clone());
    let out = run(&["test", "-q", "rulesets/"], None);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.clone().contains("is outside `rulesets/`, the directory tree given on the command line; not read (`--root` sets a wider tree)"),
        "{}",
        out.stdout.clone()
    );
    let file = "rulesets/tests/us-state-2020/sanctions-and-listings.tests.json";
    let out = run(&["test", "--root", "rulesets", "--coverage", file], None);
    assert_eq!(out.code, Some(0), "{}", out.stdout.clone());
    assert!(out.stdout.clone().contains("coverage of "));
}

#[test]
fn test_command_reports_failures_with_expected_and_actual() {
    // A test file names its ruleset relative to itself, inside its tree.
    let ruleset = "us-state-2020.rules";
    let bundled = std::fs::read_to_string(workspace().join("rulesets").join(ruleset)).unwrap();
    let good_dir = TempDir::new("good");
    let good = good_dir.write(
        "good.tests.json",
        format!(
            r#"{{"ruleset": {ruleset:?}, "cases": [
                {{"name": "sanctioned end-user", "facts": {{"end_user": {{"sanctioned": true}}}},
                  "expect": {{"disposition": "do_not_proceed", "flags": {{"S2.sanctioned": "raised"}}}}}}]}}"#
        ),
    );
    std::fs::write(good.with_file_name(ruleset), &bundled).unwrap();
    let out = run(&["test", good.to_str().unwrap()], None);
    assert_eq!(out.code, Some(0), "{}", out.stdout.clone());
    assert!(out.stdout.clone().contains("1 passed, 0 failed"));

    let bad_dir = TempDir::new("bad");
    let bad = bad_dir.write(
        "bad.tests.json",
        format!(
            r#"{{"ruleset": {ruleset:?}, "cases": [
                {{"name": "wrong on purpose", "facts": {{"end_user": {{"sanctioned": true}}}},
                  "expect": {{"disposition": "proceed", "flags": {{"S2.sanctioned": "clear"}}}}}}]}}"#
        ),
    );
    std::fs::write(bad.with_file_name(ruleset), &bundled).unwrap();
    let out = run(&["test", "--coverage", bad.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1));
    let s = out.stdout.clone();
    assert!(s.contains("FAIL  wrong on purpose"), "{s}");
    assert!(
        s.contains("disposition: expected proceed, got do_not_proceed"),
        "{s}"
    );
    assert!(
        s.contains("flag S2.sanctioned: expected clear, got raised"),
        "{s}"
    );
    assert!(s.contains("flag statuses covered:"), "{s}");
    assert!(s.contains("0 passed, 1 failed"), "{s}");

    let broken_dir = TempDir::new("broken");
    let broken = broken_dir.write(
        "broken.tests.json",
        r#"{"ruleset": "x.rules", "casez": []}"#,
    );
    let out = run(&["test", broken.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.clone().contains("is not a valid test file"),
        "{}",
        out.stderr.clone()
    );
}

#[test]
fn explain_flag_shows_the_condition_tree() {
    let police = "examples/transactions/face-recognition-national-police.json";
    let out = run(&["eval", "--explain", police], None);
    assert_eq!(out.code, Some(0));
    let s = out.stdout.clone();
    assert!(s.contains("is raised because:"), "{s}");
    assert!(s.contains("[true]"), "{s}");

    let partial = "examples/transactions/partial-facts.json";
    let out = run(&["eval", "--explain", "--format", "json", partial], None);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let explained = report["explanations"].as_array().unwrap();
    let not_clear = report["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] != "clear")
        .count();
    assert_eq!(
        explained.len(),
        not_clear,
        "one tree per raised or unknown flag"
    );
    let unknown = explained
        .iter()
        .find(|e| e["tree"]["value"] == "unknown")
        .expect("an unknown flag");
    assert!(!unknown["tree"]["missing"].as_array().unwrap().is_empty());
    // Without --explain the report has no such field.
    let plain = run(&["eval", "--format", "json", partial], None);
    let plain: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    assert!(plain.get("explanations").is_none());
}

#[test]
fn error_paths_of_test_schema_and_explain() {
    let missing = "does/not/exist.rules";
    let not_utf8_dir = TempDir::new("not_utf8");
    let not_utf8 = not_utf8_dir.write("latin1.rules", "");
    std::fs::write(&not_utf8, [b'r', 0xe9, 0xff]).unwrap();
    let not_utf8 = not_utf8.to_str().unwrap();
    for args in [
        vec!["schema", "--rules", missing],
        vec!["explain", "--rules", missing, "S2.sanctioned"],
        vec!["schema", "--rules", not_utf8],
        vec!["explain", "--rules", not_utf8, "S2.sanctioned"],
        vec!["test", "does/not/exist.tests.json"],
    ] {
        let out = run(&args, None);
        assert_eq!(out.code, Some(1), "{args:?}");
        let err = out.stderr.clone();
        assert!(
            err.contains("cannot read") || err.contains("not valid UTF-8"),
            "{args:?}: {err}"
        );
    }
    let bad_test_dir = TempDir::new("bad_test");
    let bad_test = bad_test_dir.write("bad-utf8.tests.json", "");
    std::fs::write(&bad_test, [b'{', 0xff]).unwrap();
    let out = run(&["test", bad_test.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.clone().contains("not valid UTF-8"));
    for args in [
        vec!["schema", "--bogus"],
        vec!["explain"],
        vec!["test"],
        vec!["test", "--coverage=maybe", "x"],
        vec!["eval", "--fail-on"],
        vec!["--color", "sometimes", "check", "x.rules"],
    ] {
        assert_eq!(run(&args, None).code, Some(2), "{args:?}");
    }
}

#[test]
fn invalid_utf8_files_of_the_hostile_corpus_are_refused_with_their_offset() {
    let dir = "tests/hostile/cli";
    for (args, offset) in [
        (vec!["check", "invalid-utf8-latin1.rules"], 38),
        (vec!["check", "invalid-utf8-after-bom.rules"], 38),
        (vec!["eval", "invalid-utf8-in-string.json"], 24),
        (vec!["eval", "utf16-with-bom.json"], 0),
    ] {
        let mut args: Vec<String> = args.into_iter().map(String::from).collect();
        let file = format!("{dir}/{}", args.pop().unwrap());
        args.push(file.clone());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&refs, None);
        assert_eq!(out.code, Some(1), "{args:?}");
        let err = out.stderr.clone();
        assert!(
            err.contains(&format!(
                "`{file}` is not valid UTF-8 (first bad byte at offset {offset})"
            )),
            "{args:?}: {err}"
        );
    }
    // In a stream, only the line that is not UTF-8 is rejected.
    let stream = b"{\"id\": \"a\"}\n{\"id\": \"\xff\"}\n{\"id\": \"c\"}\n".to_vec();
    let path_dir = TempDir::new("path");
    let path = path_dir.write("mixed.ndjson", "");
    std::fs::write(&path, &stream).unwrap();
    let out = run(&["eval", path.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1));
    let lines: Vec<serde_json::Value> = out
        .stdout
        .clone()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["line"], 2);
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8")
    );
    assert_eq!(lines[2]["transaction"], "c");
}

#[test]
fn ndjson_over_many_chunks_keeps_input_order() {
    // Five chunks of 1,024 lines and part of a sixth, read while the one
    // before is evaluated: reports, error records (a wrong type, a line that
    // is not UTF-8) and blank lines come out in input order.
    let dir = TempDir::new("many-chunks");
    let mut input = Vec::new();
    for line in 1..=5_500usize {
        match line {
            l if l % 997 == 0 => input.extend_from_slice(b"{\"id\": 1}"),
            l if l % 1_499 == 0 => input.extend_from_slice(b"{\"id\": \"\xff\"}"),
            l if l % 500 == 0 => {}
            l => input.extend_from_slice(format!("{{\"id\": \"t{l}\"}}").as_bytes()),
        }
        input.push(b'\n');
    }
    let path = dir.write("many.ndjson", &input);
    for args in [
        vec!["eval", "--format", "decision", path.to_str().unwrap()],
        vec!["eval", "--ndjson", "--format", "decision", "-"],
    ] {
        // Bounded, as every run; the file on stdin for `-`.
        let out = bounded(&args)
            .stdin(std::fs::File::open(&path).unwrap())
            .output()
            .unwrap();
        let out = Run::of(out);
        out.code(1)
            .stderr_has("5500 line(s): 5481 report(s), 8 rejected");
        let mut expected =
            (1..=5_500usize).filter(|l| l % 500 != 0 || l % 997 == 0 || l % 1_499 == 0);
        for record in out.stdout.lines() {
            let record: serde_json::Value = serde_json::from_str(record).unwrap();
            let line = expected.next().unwrap();
            if line % 997 == 0 || line % 1_499 == 0 {
                assert_eq!(record["line"], line, "{record}");
            } else {
                assert_eq!(record["transaction"], format!("t{line}"), "{record}");
            }
        }
        assert_eq!(expected.next(), None);
    }
}
