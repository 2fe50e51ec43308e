//! `dd-rules check` through the real binary: exit codes, diagnostics with
//! their exact locations, several files, and a closed stdout.

mod common;

use common::{
    BUNDLED, CLOSED, PARTIAL, SMALL_RULES, THREE_EXPECTED, THREE_MISTAKES, TempDir, arg,
    assert_three_rendered, dd, dd_with_closed_stdout, location_of,
};

// ---------------------------------------------------------------- check

#[test]
fn check_bundled_ruleset_is_ok() {
    let run = dd(["check", BUNDLED]);
    run.code(0)
        .stdout_empty()
        .stderr_has(&format!("{BUNDLED}: ok: 0 error(s)"));
    assert!(!run.stderr.contains("error["), "{}", run.stderr);
}

#[test]
fn check_bundled_ruleset_json_is_empty_array() {
    let run = dd(["check", "--format", "json", BUNDLED]);
    run.code(0);
    assert_eq!(run.json(), serde_json::json!([]));
}

#[test]
fn check_reports_three_independent_errors_with_locations() {
    let dir = TempDir::new("three");
    let file = dir.write("three.rules", THREE_MISTAKES);
    for format in [None, Some("human"), Some("plain")] {
        let mut args = vec!["check".to_string()];
        if let Some(f) = format {
            args.extend(["--format".to_string(), f.to_string()]);
        }
        args.push(arg(&file));
        let run = dd(&args);
        run.code(1).stdout_empty();
        assert_three_rendered(&run.stderr, &arg(&file));
        run.stderr_has(&format!("{}: failed: 3 error(s), 0 warning(s)", arg(&file)));
        // Not a terminal: no colour codes.
        assert!(
            !run.stderr.contains('\u{1b}'),
            "ANSI codes on a pipe:\n{}",
            run.stderr
        );
    }
}

#[test]
fn check_json_lists_code_line_and_column_of_each_diagnostic() {
    let dir = TempDir::new("json");
    let file = dir.write("three.rules", THREE_MISTAKES);
    let run = dd(["check", "--format", "json", &arg(&file)]);
    run.code(1);
    let json = run.json();
    let items = json.as_array().expect("a JSON array");
    assert_eq!(items.len(), 3, "{json:#}");
    for (item, (code, line, col)) in items.iter().zip(THREE_EXPECTED) {
        assert_eq!(item["code"], code, "{item:#}");
        assert_eq!(item["line"], line, "{item:#}");
        assert_eq!(item["column"], col, "{item:#}");
        assert_eq!(item["severity"], "error", "{item:#}");
        assert_eq!(item["file"], arg(&file).as_str(), "{item:#}");
        assert!(
            item["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{item:#}"
        );
    }
    // The human rendering is not mixed into the JSON run.
    assert!(!run.stderr.contains("error["), "{}", run.stderr);
}

#[test]
fn check_columns_count_characters_not_bytes() {
    // Line 8 becomes `    when: country.name == "Zürich" and country.freedom_scor < 35`:
    // `    when: ` (10) + `country.name` (12) + ` == ` (4) + `"Zürich"` (8
    // characters, 9 bytes) + ` and ` (5) + `country.` (8) = 47 characters
    // before the unknown field, so it is at column 48 (49 if bytes were counted).
    let rules = SMALL_RULES
        .replace(
            "when: country.civic_space >= repressed or country.freedom_score < 35",
            "when: country.name == \"Zürich\" and country.freedom_scor < 35",
        )
        .replace(
            "record Country { civic_space: Civic  freedom_score: int }",
            "record Country { name: string  civic_space: Civic  freedom_score: int }",
        );
    let dir = TempDir::new("unicode");
    let file = dir.write("u.rules", rules);
    let run = dd(["check", &arg(&file)]);
    run.code(1);
    assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
    let at = location_of(&run.stderr, "error[DD021]");
    assert_eq!(at, format!("{}:8:48", arg(&file)), "{}", run.stderr);
    let json = dd(["check", "--format", "json", &arg(&file)]).json();
    let d = json
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "DD021"))
        .unwrap_or_else(|| panic!("no DD021 in {json:#}"));
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(8), Some(48))
    );
}

#[test]
fn check_several_files_reports_each_and_fails_if_any_fails() {
    let dir = TempDir::new("several");
    let bad = dir.write("bad.rules", THREE_MISTAKES);
    let good = dir.write("good.rules", SMALL_RULES);

    let run = dd(["check", &arg(&good), &arg(&bad)]);
    run.code(1)
        .stderr_has(&format!("{}: ok: 0 error(s)", arg(&good)))
        .stderr_has(&format!("{}: failed: 3 error(s)", arg(&bad)));
    assert_three_rendered(&run.stderr, &arg(&bad));

    // Order does not matter: the good file after the bad one is still checked.
    let run = dd(["check", &arg(&bad), BUNDLED]);
    run.code(1)
        .stderr_has(&format!("{}: failed: 3 error(s)", arg(&bad)))
        .stderr_has(&format!("{BUNDLED}: ok: 0 error(s)"));

    // Two good files pass.
    dd(["check", &arg(&good), BUNDLED]).code(0);

    // JSON: one array with the bad file's diagnostics, each naming its file.
    let run = dd(["check", "--format", "json", &arg(&good), &arg(&bad)]);
    run.code(1);
    let json = run.json();
    let items = json.as_array().expect("a JSON array");
    assert_eq!(items.len(), 3, "{json:#}");
    assert!(
        items.iter().all(|d| d["file"] == arg(&bad).as_str()),
        "{json:#}"
    );
}

#[test]
fn check_unreadable_file_among_others_is_reported_and_the_rest_checked() {
    let dir = TempDir::new("unreadable");
    let missing = dir.path().join("missing.rules");
    let run = dd(["check", &arg(&missing), BUNDLED]);
    run.code(1)
        .stderr_has("cannot read")
        .stderr_has(&arg(&missing))
        .stderr_has(&format!("{BUNDLED}: ok"));

    // With JSON, stdout stays a valid array; the read error goes to stderr.
    let run = dd(["check", "--format", "json", &arg(&missing)]);
    run.code(1).stderr_has(&arg(&missing));
    assert!(run.json().is_array());
}

#[test]
fn check_json_to_a_closed_stdout_ends_quietly_with_0() {
    // `check` must not panic on a closed pipe, nor say anything: it stops at
    // the write that fails, with 0 (had it ignored the failure, the file
    // with mistakes would make it exit with 1).
    let dir = TempDir::new("closed-stdout");
    let file = dir.write("three.rules", THREE_MISTAKES);
    let args: Vec<String> = vec![
        "check".into(),
        "--format".into(),
        "json".into(),
        BUNDLED.into(),
        arg(&file),
    ];
    let run = dd_with_closed_stdout(&args);
    run.code(CLOSED);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn eval_to_a_closed_stdout_ends_quietly_with_0() {
    // `--fail-on` the least strict outcome is always reached: exit 1, had
    // the run gone on past the write that failed.
    for format in ["text", "json"] {
        let args = [
            "eval",
            "--format",
            format,
            "--fail-on",
            "proceed",
            "--rules",
            BUNDLED,
            PARTIAL,
        ]
        .map(String::from);
        let run = dd_with_closed_stdout(&args);
        run.code(CLOSED);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
    }
}
