//! What `eval` and `test` print beyond a plain report: the evaluation
//! budget (`--budget`), what a report leaves out for its size limit, and
//! explanations (predicates listed once, at most 4 MiB per report).

mod common;

use common::{TempDir, arg, dd};
use serde_json::Value;

const NESTED: &str = "tests/hostile/cli/nested.rules";
const QUOTES: &str = "tests/hostile/cli/quotes.rules";
const EXPLAIN: &str = "tests/hostile/cli/explain.rules";

/// A facts document of `n` parties, each holding `party`.
fn parties(n: usize, party: &str) -> String {
    let list = vec![party; n].join(",");
    format!("{{\"parties\": [{list}]}}")
}

/// What `--budget 1000` says of the nested quantifiers on 300 parties.
const OVER: &str = "evaluation went over its budget of 1000 steps in the flag `S4.quartic`";

// ---------------------------------------------------------------- budget

#[test]
fn eval_over_its_budget_is_an_error_naming_the_flag() {
    let dir = TempDir::new("budget-one");
    let few = dir.write("few.json", parties(3, "{}"));
    let many = dir.write("many.json", parties(300, "{}"));
    // Three parties fit in the budget: what refuses 300 is the budget.
    dd(["eval", "--rules", NESTED, "--budget", "1000", &arg(&few)])
        .code(0)
        .stdout_has("S4.quartic");
    for format in ["text", "json"] {
        dd([
            "eval",
            "--rules",
            NESTED,
            "--budget",
            "1000",
            "--format",
            format,
            &arg(&many),
        ])
        .code(1)
        .stderr_has(&format!(
            "error: `{}` cannot be evaluated: {OVER}",
            arg(&many)
        ))
        .stderr_has("`--budget` sets the budget");
    }
    // `--explain` goes through the same budget.
    dd([
        "eval",
        "--explain",
        "--rules",
        NESTED,
        "--budget",
        "1000",
        &arg(&many),
    ])
    .code(1)
    .stderr_has(OVER);
    dd(["eval", "--budget", "many", &arg(&few)])
        .code(2)
        .stderr_has("--budget");
}

#[test]
fn ndjson_over_its_budget_is_an_error_record_and_the_run_goes_on() {
    let dir = TempDir::new("budget-stream");
    let stream = dir.write(
        "s.ndjson",
        [parties(3, "{}"), parties(300, "{}"), parties(3, "{}")].join("\n"),
    );
    let run = dd(["eval", "--rules", NESTED, "--budget", "1000", &arg(&stream)]);
    run.code(1).stderr_has("3 line(s): 2 report(s), 1 rejected");
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert_eq!(lines[0]["disposition"], "escalate");
    assert_eq!(lines[1]["line"], 2);
    let message = lines[1]["error"]["message"].as_str().expect("a message");
    assert!(message.starts_with(OVER), "{message}");
    assert_eq!(lines[2]["disposition"], "escalate");
    // The same with explanations, and in text. An explanation's
    // interpreter pays 16 steps per condition and element, and explains
    // each part of the condition: the three-party lines need more than
    // 1,000 steps to be explained, far fewer than 100,000.
    let run = dd([
        "eval",
        "--explain",
        "--format",
        "text",
        "--rules",
        NESTED,
        "--budget",
        "100000",
        &arg(&stream),
    ]);
    run.code(1)
        .printable()
        .stdout_has(
            "line 2: rejected: evaluation went over its budget of 100000 steps in the flag `S4.quartic`",
        )
        .stderr_has("3 line(s): 2 report(s), 1 rejected");
    assert_eq!(
        run.stdout.matches("S4.quartic is unknown because:").count(),
        2
    );
}

#[test]
fn a_test_case_over_its_budget_fails_naming_the_flag() {
    let dir = TempDir::new("budget-test");
    std::fs::copy(common::workspace().join(NESTED), dir.join("nested.rules"))
        .expect("copy the ruleset");
    let file = dir.write(
        "nested.tests.json",
        format!(
            r#"{{"ruleset": "nested.rules", "cases": [
                {{"name": "few", "facts": {}, "expect": {{"disposition": "escalate"}}}},
                {{"name": "many", "facts": {}, "expect": {{"disposition": "escalate"}}}}]}}"#,
            parties(3, "{}"),
            parties(300, "{}")
        ),
    );
    dd(["test", "--budget", "1000", &arg(&file)])
        .code(1)
        .stdout_has("ok    few")
        .stdout_has("FAIL  many")
        .stdout_has(&format!("the facts cannot be evaluated: {OVER}"))
        .stdout_has("1 passed, 1 failed");
}

// ---------------------------------------------------------------- what a report leaves out

#[test]
fn the_text_report_says_what_the_report_leaves_out() {
    // Four lists of 40,000 parties whose shares quote 28 digits for the 4
    // bytes of `1e27`: the fourth list goes over the report's quote budget
    // (1 MiB and twice the document); five flags miss a fact of each party,
    // 64 of them listed each, 256 in the report.
    let dir = TempDir::new("left-out");
    let list = vec![r#"{"share": 1e27}"#; 40_000].join(",");
    let lists: Vec<String> = ["parties", "owners", "agents", "banks"]
        .iter()
        .map(|name| format!("\"{name}\": [{list}]"))
        .collect();
    let facts = dir.write("long.json", format!("{{{}}}", lists.join(",")));
    // Without the questionnaire, which would replace the list of facts to
    // gather (and examine 1,500 missing facts).
    let run = dd(["eval", "--no-advice", "--rules", QUOTES, &arg(&facts)]);
    run.code(0).printable();
    let text = &run.stdout;
    // The text report wraps at 80 columns: read it as one line of words.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(" banks = (omitted: report size limit) "),
        "{text}"
    );
    assert!(
        words.contains(" parties = 40000 elements"),
        "the first quotes are shown, summarised: {text}"
    );
    assert_eq!(
        words
            .matches(", and more (only the first 64 are listed)")
            .count(),
        5,
        "{text}"
    );
    assert!(text.contains("  256. parties["), "{text}");
    assert!(text.contains("\n  and more: only the first 256 are listed\n"));

    // The JSON report says the same with its own fields.
    let run = dd(["eval", "--format", "json", "--rules", QUOTES, &arg(&facts)]);
    let report: Value = serde_json::from_str(&run.code(0).stdout).expect("JSON");
    let flags = report["flags"].as_array().expect("flags");
    assert_eq!(flags[3]["evidence"], serde_json::json!(["banks"]));
    assert_eq!(report["omitted_facts"], serde_json::json!(["banks"]));
    assert!(report["facts"]["parties"].is_array());
    assert!(report["facts"].get("banks").is_none());
    assert_eq!(flags[4]["missing_truncated"], true);
    assert_eq!(flags[4]["missing"].as_array().map(Vec::len), Some(64));
    assert_eq!(report["missing_facts_truncated"], true);
}

#[test]
fn a_report_that_leaves_nothing_out_says_nothing_of_it() {
    let dir = TempDir::new("nothing-left-out");
    let facts = dir.write(
        "short.json",
        parties(3, "{\"name\": \"x\", \"share\": 1e27}"),
    );
    let run = dd(["eval", "--rules", QUOTES, &arg(&facts)]);
    run.code(0);
    for absent in ["omitted", "and more"] {
        run.nowhere(absent);
    }
    let run = dd(["eval", "--format", "json", "--rules", QUOTES, &arg(&facts)]);
    for absent in ["omitted", "missing_truncated", "missing_facts_truncated"] {
        run.code(0).nowhere(absent);
    }
}

// ---------------------------------------------------------------- explanations

/// Every node of an explanation tree (not its root's predicate list).
fn nodes(tree: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![tree];
    while let Some(node) = stack.pop() {
        out.push(node);
        stack.extend(node["children"].as_array().into_iter().flatten());
    }
    out
}

#[test]
fn explanations_list_each_predicate_once_after_the_tree() {
    let partial = "examples/transactions/partial-facts.json";
    let run = dd(["eval", "--explain", partial]);
    run.code(0).printable();
    let text = &run.stdout;
    let header = "\nS1.covert_or_nonconsensual is unknown because:\n";
    let start = text.find(header).expect("the flag is explained");
    let after = start + header.len();
    let end = text[after..]
        .find(" because:\n")
        .map_or(text.len(), |i| after + i);
    let explanation = &text[start..end];
    // The predicate's node shows its value; its body is explained once,
    // after the tree.
    assert!(
        explanation.contains("\n    [false]   covert_by_design\n"),
        "{explanation}"
    );
    let (tree, predicates) = explanation
        .split_once("\n  where:\n")
        .expect("a where part");
    assert!(!tree.contains("predicate "), "{tree}");
    assert_eq!(
        predicates
            .matches("    [false]   predicate covert_by_design: ")
            .count(),
        1,
        "{predicates}"
    );

    let run = dd(["eval", "--explain", "--format", "json", partial]);
    let report: Value = serde_json::from_str(&run.code(0).stdout).expect("JSON");
    let explained = report["explanations"].as_array().expect("explanations");
    let covert = explained
        .iter()
        .find(|e| e["flag"] == "S1.covert_or_nonconsensual")
        .expect("the flag is explained");
    let predicates = covert["tree"]["predicates"]
        .as_array()
        .expect("the root lists its predicates");
    let names: Vec<&str> = predicates
        .iter()
        .filter_map(|p| p["condition"].as_str())
        .filter_map(|c| c.strip_prefix("predicate "))
        .filter_map(|c| c.split(':').next())
        .collect();
    assert!(names.contains(&"covert_by_design"), "{names:?}");
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "each predicate once: {names:?}");
    for node in nodes(&covert["tree"]) {
        if node["condition"] == "covert_by_design" {
            assert_eq!(node["children"], serde_json::json!([]));
        }
        if !std::ptr::eq(node, &covert["tree"]) {
            assert!(node.get("predicates").is_none(), "{node}");
        }
    }
}

#[test]
fn json_explanations_are_the_report_with_one_field_more() {
    // The report's own bytes are those printed without `--explain`, and
    // the list is printed as serde_json prints it.
    let partial = "examples/transactions/partial-facts.json";
    for (format, pretty) in [("json", true), ("ndjson", false)] {
        let plain = dd(["eval", "--format", format, partial]);
        let explained = dd(["eval", "--explain", "--format", format, partial]);
        let parsed: Value = serde_json::from_str(&explained.code(0).stdout).expect("JSON");
        let list = &parsed["explanations"];
        let list = if pretty {
            serde_json::to_string_pretty(list)
        } else {
            serde_json::to_string(list)
        }
        .expect("the list prints");
        let body = plain
            .code(0)
            .stdout
            .trim_end()
            .strip_suffix('}')
            .expect("an object");
        assert_eq!(
            explained.stdout,
            format!("{body},\"explanations\":{list}}}\n"),
            "{format}"
        );
    }
}

#[test]
fn the_explanations_of_one_report_are_bounded() {
    // Four flags, each explained in about 2 MB: one fits in 4 MiB.
    let dir = TempDir::new("explain-bound");
    let facts = dir.write(
        "long-names.json",
        format!(
            "{{\"parties\": [{}]}}",
            (0..50)
                .map(|i| format!("{{\"name\": \"n{i}{}\"}}", "x".repeat(600)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    );
    let limit = 4 * 1024 * 1024;
    let run = dd(["eval", "--explain", "--rules", EXPLAIN, &arg(&facts)]);
    run.code(0)
        .stdout_has("\nS4.one is raised because:\n")
        .nowhere("S4.two is raised because");
    for id in ["S4.two", "S4.three", "S4.four"] {
        run.stdout_has(&format!(
            "\n{id}: explanation left out: the explanations of one report are limited to {limit} bytes\n"
        ));
    }
    assert!(run.stdout.len() < limit + 100_000, "{}", run.stdout.len());

    let run = dd([
        "eval",
        "--explain",
        "--format",
        "ndjson",
        "--rules",
        EXPLAIN,
        &arg(&facts),
    ]);
    let report: Value = serde_json::from_str(&run.code(0).stdout).expect("JSON");
    let explained = report["explanations"].as_array().expect("explanations");
    assert_eq!(explained[0]["flag"], "S4.one");
    assert!(explained[0]["tree"].is_object());
    assert_eq!(
        explained[1..],
        [
            serde_json::json!({"flag": "S4.two", "omitted": true}),
            serde_json::json!({"flag": "S4.three", "omitted": true}),
            serde_json::json!({"flag": "S4.four", "omitted": true}),
        ]
    );
    assert!(run.stdout.len() < limit + 100_000, "{}", run.stdout.len());
}

#[test]
fn an_explanation_at_its_size_limit_says_so() {
    // 400 predicates, each using the one before: more than the 2,000 nodes
    // an explanation expands.
    let dir = TempDir::new("explain-truncated");
    let mut rules = String::from(
        "ruleset \"c\" { version: \"1\" title: \"t\" source: \"s\" }\n\
         facts { x: bool  y: bool }\npredicate p0 { x }\n",
    );
    for i in 1..400 {
        rules.push_str(&format!(
            "predicate p{i} {{ (p{0} and y) or (not p{0} and x) }}\n",
            i - 1
        ));
    }
    rules.push_str(
        "flag A.chain { step: 1 severity: high title: \"t\" when: p399 }\n\
         outcomes { go, stop }\n\
         disposition { when any flags(raised) => stop  otherwise => go }\n",
    );
    let rules = dir.write("chain.rules", rules);
    let facts = dir.write("x.json", "{\"x\": true}");
    dd(["eval", "--explain", "--rules", &arg(&rules), &arg(&facts)])
        .code(0)
        .stdout_has("(the explanation reached its size limit: later parts are not expanded)");
    let run = dd([
        "eval",
        "--explain",
        "--format",
        "json",
        "--rules",
        &arg(&rules),
        &arg(&facts),
    ]);
    let report: Value = serde_json::from_str(&run.code(0).stdout).expect("JSON");
    assert_eq!(report["explanations"][0]["tree"]["truncated"], true);
}
