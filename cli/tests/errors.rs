//! The error paths of the command line through the real binary: missing,
//! unreadable and malformed files, nesting past the limits, and usage errors
//! (exit code 2).

mod common;

use common::{
    BUNDLED, PARTIAL, SMALL_RULES, THREE_MISTAKES, TempDir, arg, assert_three_rendered, dd,
    location_of,
};

// ---------------------------------------------------------------- error paths

/// Asserts that `check` and `eval --rules` both refuse the rules file
/// `rules` with exit code 1, nothing on stdout, and `message` and `named`
/// (where the file is named) on stderr.
#[track_caller]
fn rules_refused(rules: &str, message: &str, named: &str) {
    for args in [
        vec!["check", rules],
        vec!["eval", "--rules", rules, PARTIAL],
    ] {
        dd(&args)
            .code(1)
            .stdout_empty()
            .stderr_has(message)
            .stderr_has(named);
    }
}

/// Asserts that `eval` refuses the facts file `facts` with exit code 1,
/// nothing on stdout, and `message` and the file's name on stderr.
#[track_caller]
fn facts_refused(facts: &str, message: &str) {
    dd(["eval", facts])
        .code(1)
        .stdout_empty()
        .stderr_has(message)
        .stderr_has(&format!("`{facts}`"));
}

#[test]
fn missing_rules_file_is_an_error() {
    let dir = TempDir::new("missing-rules");
    let rules = dir.path().join("nope.rules");
    rules_refused(&arg(&rules), "cannot read", &format!("`{}`", arg(&rules)));
}

#[test]
fn missing_facts_file_is_an_error() {
    let dir = TempDir::new("missing-facts");
    let facts = dir.path().join("nope.json");
    facts_refused(&arg(&facts), "cannot read");
}

#[test]
fn a_directory_given_as_a_file_is_an_error() {
    let dir = TempDir::new("directory");
    let d = arg(dir.path());
    for args in [
        vec!["eval".to_string(), d.clone()],
        vec!["eval".into(), "--rules".into(), d.clone(), PARTIAL.into()],
    ] {
        let run = dd(&args);
        run.code(1)
            .stdout_empty()
            .stderr_has("cannot read")
            .stderr_has(&format!("`{d}`"));
    }
    // `check` searches a directory for rulesets; an empty one has none to check.
    dd(["check", d.as_str()])
        .code(1)
        .stdout_empty()
        .stderr_has("no `.rules` files found");
}

#[test]
fn facts_file_that_is_not_utf8_is_an_error() {
    let dir = TempDir::new("facts-utf8");
    let facts = dir.write("bad.json", [0xff, 0xfe]);
    facts_refused(&arg(&facts), "not valid UTF-8");
}

#[test]
fn rules_file_that_is_not_utf8_is_an_error() {
    let dir = TempDir::new("rules-utf8");
    let rules = dir.write("bad.rules", [0xff, 0xfe]);
    rules_refused(
        &arg(&rules),
        "not valid UTF-8",
        &format!("`{}`", arg(&rules)),
    );
}

#[test]
fn empty_rules_file_is_an_error() {
    let dir = TempDir::new("empty-rules");
    let rules = dir.write("empty.rules", "");
    rules_refused(
        &arg(&rules),
        "error[DD013]: the ruleset is empty",
        &format!("{}:1:1", arg(&rules)),
    );
}

#[test]
fn empty_facts_file_is_an_error() {
    let dir = TempDir::new("empty-facts");
    let facts = dir.write("empty.json", "");
    let run = dd(["eval", &arg(&facts)]);
    run.code(1)
        .stdout_empty()
        .stderr_has(&format!("`{}` is rejected", arg(&facts)))
        .stderr_has("EOF while parsing a value");
}

#[test]
fn malformed_json_is_an_error() {
    let dir = TempDir::new("malformed");
    let cases = [
        (
            "unclosed.json",
            "{\"country\": {\n",
            "EOF while parsing an object",
        ),
        (
            "comma.json",
            r#"{"country": {"name": "x",}}"#,
            "trailing comma",
        ),
        ("trailing.json", "{} {}", "trailing characters"),
        ("array.json", "[]", "expected an object of facts"),
        ("null.json", "null", "expected an object of facts"),
    ];
    for (name, text, problem) in cases {
        let facts = dir.write(name, text);
        let run = dd(["eval", &arg(&facts)]);
        run.code(1)
            .stdout_empty()
            .stderr_has(&format!("`{}` is rejected", arg(&facts)))
            .stderr_has(problem)
            .stderr_has("(line ");
    }
}

#[test]
fn facts_error_positions_are_one_based() {
    // `FactsError` documents 1-based lines and columns, and the CLI prints
    // them as `(line L, column C)`. A document that ends early must not be
    // reported at column 0.
    let dir = TempDir::new("positions");
    for (name, text) in [("empty.json", ""), ("unclosed.json", "{\"country\": {\n")] {
        let facts = dir.write(name, text);
        let run = dd(["eval", &arg(&facts)]);
        run.code(1);
        assert!(
            !run.stderr.contains("column 0)"),
            "{name}: a 1-based column is never 0:\n{}",
            run.stderr
        );
    }
}

#[test]
fn wrongly_typed_fact_is_an_error() {
    let dir = TempDir::new("typed");
    let facts = dir.write("typed.json", r#"{"country": {"freedom_score": "high"}}"#);
    let run = dd(["eval", &arg(&facts)]);
    run.code(1)
        .stdout_empty()
        .stderr_has(&format!("`{}` is rejected", arg(&facts)))
        .stderr_has("`country.freedom_score`")
        .stderr_has("\"high\"")
        .stderr_has("a whole number")
        .stderr_has("(line 1, column 36)");
}

#[test]
fn unknown_fact_field_is_an_error() {
    let dir = TempDir::new("unknown-field");
    let facts = dir.write("field.json", r#"{"country": {"freedom_scor": 30}}"#);
    let run = dd(["eval", &arg(&facts)]);
    run.code(1)
        .stdout_empty()
        .stderr_has(&format!("`{}` is rejected", arg(&facts)))
        .stderr_has("unknown field `freedom_scor`")
        .stderr_has("`freedom_score`");

    let facts = dir.write("root.json", r#"{"countri": {}}"#);
    let run = dd(["eval", &arg(&facts)]);
    run.code(1)
        .stderr_has(&format!("`{}` is rejected", arg(&facts)))
        .stderr_has("unknown field `countri`");
}

#[test]
fn unknown_enum_value_in_facts_is_an_error() {
    let dir = TempDir::new("unknown-enum");
    let facts = dir.write("enum.json", r#"{"country": {"civic_space": "closd"}}"#);
    let run = dd(["eval", &arg(&facts)]);
    run.code(1)
        .stdout_empty()
        .stderr_has(&format!("`{}` is rejected", arg(&facts)))
        .stderr_has("`country.civic_space`")
        .stderr_has("`closd` is not a value of `CivicSpace`")
        .stderr_has("`closed`");

    // In a set, the element's path is named.
    let facts = dir.write(
        "set.json",
        r#"{"product": {"capabilities": ["sensor", "telepathy"]}}"#,
    );
    let run = dd(["eval", &arg(&facts)]);
    run.code(1)
        .stderr_has("`product.capabilities[1]`")
        .stderr_has("`telepathy` is not a value of `Capability`");
}

/// A copy of [`SMALL_RULES`] whose condition is wrapped in `depth` parentheses.
fn deeply_parenthesised_rules(depth: usize) -> String {
    let cond = "country.civic_space >= repressed or country.freedom_score < 35";
    SMALL_RULES.replace(
        cond,
        &format!("{}{cond}{}", "(".repeat(depth), ")".repeat(depth)),
    )
}

#[test]
fn condition_nested_in_5000_parentheses_is_dd002() {
    let dir = TempDir::new("parens");
    let rules = dir.write("deep.rules", deeply_parenthesised_rules(5000));
    let run = dd(["check", &arg(&rules)]);
    run.code(1).stderr_has("error[DD002]");
    let at = location_of(&run.stderr, "error[DD002]");
    assert!(at.starts_with(&format!("{}:8:", arg(&rules))), "{at}");

    let run = dd(["check", "--format", "json", &arg(&rules)]);
    run.code(1);
    let json = run.json();
    assert!(
        json.as_array()
            .is_some_and(|a| a.iter().any(|d| d["code"] == "DD002")),
        "{json:#}"
    );

    let facts = dir.write("facts.json", "{}");
    let run = dd(["eval", "--rules", &arg(&rules), &arg(&facts)]);
    run.code(1).stdout_empty().stderr_has("error[DD002]");

    // `not` nests too.
    let cond = "country.civic_space >= repressed or country.freedom_score < 35";
    let nots = SMALL_RULES.replace(cond, &format!("{}{cond}", "not ".repeat(5000)));
    let rules = dir.write("nots.rules", nots);
    dd(["check", &arg(&rules)])
        .code(1)
        .stderr_has("error[DD002]");

    // And so does the disposition.
    let disp = "any flags(raised, unmitigated) or any flags(unknown)";
    let deep = SMALL_RULES.replace(
        disp,
        &format!("{}{disp}{}", "(".repeat(5000), ")".repeat(5000)),
    );
    let rules = dir.write("disp.rules", deep);
    dd(["check", &arg(&rules)])
        .code(1)
        .stderr_has("error[DD002]");

    // A shallow nesting is fine.
    let rules = dir.write("shallow.rules", deeply_parenthesised_rules(10));
    dd(["check", &arg(&rules)]).code(0);
}

#[test]
fn facts_nested_10000_arrays_deep_are_rejected_without_crashing() {
    let dir = TempDir::new("deep-facts");
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_obj = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    let cases = [
        ("root.json", deep.clone()),
        ("id.json", format!(r#"{{"id": {deep}}}"#)),
        (
            "int.json",
            format!(r#"{{"country": {{"freedom_score": {deep}}}}}"#),
        ),
        (
            "decimal.json",
            format!(r#"{{"country": {{"vdem_liberal_democracy": {deep}}}}}"#),
        ),
        (
            "decimal-value.json",
            format!(r#"{{"country": {{"vdem_liberal_democracy": {{"value": {deep}}}}}}}"#),
        ),
        (
            "decimal-object.json",
            format!(r#"{{"country": {{"vdem_liberal_democracy": {deep_obj}}}}}"#),
        ),
        (
            "source.json",
            format!(r#"{{"country": {{"freedom_score": {{"value": 1, "source": {deep}}}}}}}"#),
        ),
        (
            "set.json",
            format!(r#"{{"product": {{"capabilities": {deep}}}}}"#),
        ),
        ("list.json", format!(r#"{{"parties": {deep}}}"#)),
        ("record.json", format!(r#"{{"country": {deep}}}"#)),
    ];
    // However deep, and wherever, the nesting is refused before it is read.
    for (name, text) in cases {
        let facts = dir.write(name, text);
        let run = dd(["eval", &arg(&facts)]);
        run.code(1)
            .stdout_empty()
            .stderr_has(&format!("`{}` is rejected", arg(&facts)))
            .stderr_has("arrays and objects are nested more than 64 deep");
    }
}

#[test]
fn eval_with_a_rules_file_that_has_errors() {
    let dir = TempDir::new("eval-bad-rules");
    let rules = dir.write("three.rules", THREE_MISTAKES);
    let facts = dir.write("facts.json", "{}");
    let run = dd(["eval", "--rules", &arg(&rules), &arg(&facts)]);
    run.code(1).stdout_empty();
    assert_three_rendered(&run.stderr, &arg(&rules));

    let run = dd(["eval", "--format", "json", "--rules", &arg(&rules), PARTIAL]);
    run.code(1).stdout_empty().stderr_has("error[DD021]");
}

// ---------------------------------------------------------------- usage

#[test]
fn usage_errors_exit_2() {
    let cases: [&[&str]; 9] = [
        &[],
        &["frobnicate"],
        &["--frobnicate"],
        &["check", "--frobnicate", BUNDLED],
        &["check", "--format", "yaml", BUNDLED],
        &["eval", "--format", "yaml", PARTIAL],
        &["check"],
        &["eval"],
        &["eval", "--rules"],
    ];
    for args in cases {
        let run = dd(args);
        assert_eq!(run.code, Some(2), "dd-rules {args:?}: {run:?}");
        run.no_panic().stdout_empty().stderr_not_empty();
        assert!(
            run.stderr.contains("Usage:") || run.stderr.contains("try '--help'"),
            "dd-rules {args:?}: no pointer to the usage:\n{}",
            run.stderr
        );
    }
    dd(["frobnicate"]).stderr_has("frobnicate");
    dd(["--frobnicate"]).stderr_has("--frobnicate");
    dd(["check", "--format", "yaml", BUNDLED])
        .stderr_has("yaml")
        .stderr_has("human, plain, json");
    dd(["eval", "--format", "yaml", PARTIAL])
        .stderr_has("yaml")
        .stderr_has("text, json");
    dd(["check"]).stderr_has("<PATHS>");
    dd(["eval"]).stderr_has("<FACTS>");
}

#[test]
fn help_and_version_exit_0() {
    let run = dd(["--help"]);
    run.code(0)
        .stdout_has("Usage: dd-rules")
        .stdout_has("check")
        .stdout_has("eval")
        .stdout_has("Exit codes:")
        .stdout_has("0    all is well")
        .stdout_has("2    usage error")
        .stdout_has(
            "A closed standard output (as with `| head`) ends the run at once, quietly, with 0.",
        );
    for sub in ["check", "eval"] {
        dd([sub, "--help"])
            .code(0)
            .stdout_has(&format!("Usage: dd-rules {sub}"))
            .stdout_has("--format");
    }
    dd(["help"]).code(0).stdout_has("Usage: dd-rules");

    let run = dd(["--version"]);
    run.code(0);
    assert_eq!(
        run.stdout.trim_end(),
        format!("dd-rules {}", env!("CARGO_PKG_VERSION"))
    );
}
