//! `dd-rules diff` through the real binary: the static diff as text and
//! JSON, the impact on NDJSON and JSON facts, the exit codes of the
//! `--fail-on` gates, a rejected line, and a ruleset with errors.

mod common;

use common::{BUNDLED, TempDir, arg, dd, dd_with_stdin, workspace};

/// The bundled source with `from` replaced by `to` (once).
fn edited(from: &str, to: &str) -> String {
    let source = std::fs::read_to_string(workspace().join(BUNDLED)).unwrap();
    assert!(
        source.contains(from),
        "`{from}` is not in the bundled ruleset"
    );
    source.replacen(from, to, 1)
}

/// The sanctions flag switched off: sanctioned end-users become less
/// strictly treated.
fn looser() -> String {
    edited("when: end_user.sanctioned\n", "when: false\n")
}

/// Transactions: a sanctioned end-user (do_not_proceed under the bundled
/// ruleset), one without a sanctions hit, a blank line, and one that is not
/// JSON.
const LEDGER: &str = concat!(
    r#"{"id": "T-1", "end_user": {"sanctioned": true}}"#,
    "\n",
    r#"{"id": "T-2", "end_user": {"sanctioned": false}}"#,
    "\n\n",
    "not json\n",
);

#[test]
fn the_static_diff_names_the_change_in_text() {
    let dir = TempDir::new("diff-static-text");
    let new = dir.write("new.rules", looser());
    let run = dd(["diff", BUNDLED, &arg(&new)]);
    run.code(0).printable();
    run.stdout_has("flags\n  ~ S2.sanctioned\n      condition: end_user.sanctioned → false\n");
    assert!(
        run.stdout.lines().all(|l| l.chars().count() <= 80),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("impact"));
    // The same ruleset twice: nothing to say, and no change to fail on.
    let same = dd(["diff", "--fail-on-change", BUNDLED, BUNDLED]);
    same.code(0).stdout_has("the rulesets are the same");
}

#[test]
fn the_static_diff_as_json() {
    let dir = TempDir::new("diff-static-json");
    let new = dir.write("new.rules", looser());
    let run = dd(["diff", "--format", "json", BUNDLED, &arg(&new)]);
    run.code(0);
    let json = run.json();
    assert!(json.get("impact").is_none());
    let flags = json["diff"]["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0]["id"], "S2.sanctioned");
    assert_eq!(flags[0]["fields"][0]["new"], "false");
    assert!(
        json["diff"]["old"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
}

#[test]
fn without_facts_fail_on_change_fails_on_any_declared_change() {
    let dir = TempDir::new("diff-static-fail");
    let new = dir.write("new.rules", looser());
    dd(["diff", "--fail-on-change", BUNDLED, &arg(&new)]).code(1);
    // The directional gates compare transactions: without any, a usage error.
    dd(["diff", "--fail-on-looser", BUNDLED, &arg(&new)])
        .code(2)
        .stderr_has("give facts files");
    dd([
        "diff",
        "--fail-on-looser",
        "--fail-on-stricter",
        BUNDLED,
        &arg(&new),
    ])
    .code(2);
}

#[test]
fn the_impact_in_text() {
    let dir = TempDir::new("diff-impact-text");
    let new = dir.write("new.rules", looser());
    let ledger = dir.write("ledger.ndjson", LEDGER);
    let run = dd(["diff", BUNDLED, &arg(&new), &arg(&ledger)]);
    run.code(0).printable();
    run.stdout_has("impact on 3 transaction(s): 1 changed, 1 in disposition\n  stricter 0, looser 1, unranked 0\n")
        .stdout_has("  rejected by the old ruleset only 0, by the new only 0, by both 1\n")
        .stdout_has("dispositions, old (rows) by new (columns)")
        .stdout_has("  S2.sanctioned")
        .stdout_has("raised → clear 1")
        .stdout_has("changed transactions (1 of 1)\n  line 1 (T-1): do_not_proceed → ");
    assert!(
        run.stdout.lines().all(|l| l.chars().count() <= 80),
        "{}",
        run.stdout
    );
    run.stderr_has("3 transaction(s): 1 changed");
}

#[test]
fn the_impact_as_json_from_several_inputs() {
    let dir = TempDir::new("diff-impact-json");
    let new = dir.write("new.rules", looser());
    let ledger = dir.write("ledger.ndjson", LEDGER);
    let one = dir.write(
        "one.json",
        "{\n  \"id\": \"J\",\n  \"end_user\": {\"sanctioned\": true}\n}\n",
    );
    let run = dd_with_stdin(
        [
            "diff",
            "--format",
            "json",
            BUNDLED,
            &arg(&new),
            &arg(&ledger),
            &arg(&one),
            "-",
        ],
        Some(LEDGER),
    );
    run.code(0);
    let json = run.json();
    let impact = &json["impact"];
    assert_eq!(impact["transactions"], 7);
    assert_eq!(impact["changed"], 3);
    assert_eq!(impact["looser"], 3);
    assert_eq!(impact["rejected_by_both"], 2);
    let changed = impact["changed_transactions"].as_array().unwrap();
    let places: Vec<(String, u64)> = changed
        .iter()
        .map(|t| {
            let file = t["file"].as_str().unwrap();
            let name = file.rsplit('/').next().unwrap().to_string();
            (name, t["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        places,
        [
            ("ledger.ndjson".to_string(), 1),
            ("one.json".to_string(), 1),
            ("-".to_string(), 1)
        ]
    );
    assert_eq!(changed[0]["old"]["disposition"], "do_not_proceed");
    assert_eq!(changed[0]["flags"][0]["id"], "S2.sanctioned");
    assert_eq!(changed[0]["flags"][0]["old"], "raised");
    assert_eq!(changed[0]["flags"][0]["new"], "clear");
    let cell = impact["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["old"] == "do_not_proceed" && c["new"] != "do_not_proceed")
        .unwrap();
    assert_eq!(cell["count"], 3);
}

#[test]
fn the_gates_exit_codes() {
    let dir = TempDir::new("diff-gates");
    let new = dir.write("new.rules", looser());
    let ledger = dir.write("ledger.ndjson", LEDGER);
    let (old, new, ledger) = (BUNDLED.to_string(), arg(&new), arg(&ledger));
    let gate = |flag: &str, a: &str, b: &str| dd(["diff", "-q", flag, a, b, &ledger]);
    // Old to new is looser; new to old is stricter.
    gate("--fail-on-change", &old, &new).code(1);
    gate("--fail-on-looser", &old, &new).code(1);
    gate("--fail-on-stricter", &old, &new).code(0);
    gate("--fail-on-looser", &new, &old).code(0);
    gate("--fail-on-stricter", &new, &old).code(1);
    // A change that moves no disposition passes every gate.
    let flags_only = dir.write(
        "flags-only.rules",
        edited(
            "when: end_user.sanctioned\n",
            "when: end_user.sanctioned == true\n",
        ),
    );
    for flag in ["--fail-on-change", "--fail-on-looser", "--fail-on-stricter"] {
        gate(flag, &old, &arg(&flags_only)).code(0);
    }
}

#[test]
fn a_line_rejected_by_one_ruleset_is_a_change() {
    let dir = TempDir::new("diff-rejected");
    let new = dir.write(
        "new.rules",
        edited("  local_police,\n", "  local_police,\n  militia,\n"),
    );
    let ledger = dir.write(
        "ledger.ndjson",
        "{\"id\": \"M\", \"end_user\": {\"kind\": \"militia\"}}\n{}\n",
    );
    let run = dd(["diff", BUNDLED, &arg(&new), &arg(&ledger)]);
    run.code(0)
        .stdout_has("~ end_user.kind")
        .stdout_has("values added: militia")
        .stdout_has("rejected by the old ruleset only 1,")
        .stdout_has("line 1 (M): rejected → ")
        .stdout_has("rejected by the old ruleset: at `end_user.kind`: `militia`");
    assert!(
        run.stdout.lines().all(|l| l.chars().count() <= 80),
        "{}",
        run.stdout
    );
    // Rejected by one ruleset only cannot be ranked: both gates fail.
    dd([
        "diff",
        "--fail-on-looser",
        BUNDLED,
        &arg(&new),
        &arg(&ledger),
    ])
    .code(1);
    dd([
        "diff",
        "--fail-on-stricter",
        BUNDLED,
        &arg(&new),
        &arg(&ledger),
    ])
    .code(1);
    dd([
        "diff",
        "--fail-on-change",
        BUNDLED,
        &arg(&new),
        &arg(&ledger),
    ])
    .code(1);
}

#[test]
fn a_ruleset_with_errors_exits_1_with_its_diagnostics() {
    let dir = TempDir::new("diff-errors");
    let broken = dir.write(
        "broken.rules",
        edited("when: end_user.sanctioned\n", "when: end_user.sanctiond\n"),
    );
    let run = dd(["diff", BUNDLED, &arg(&broken)]);
    run.code(1)
        .stdout_empty()
        .stderr_has("error[")
        .stderr_has("broken.rules")
        .stderr_has("sanctiond");
    dd(["diff", BUNDLED, "no-such.rules"])
        .code(1)
        .stderr_has("no-such.rules");
    dd(["diff", BUNDLED]).code(2);
}
