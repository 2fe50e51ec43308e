//! What the command line writes: it stops at the first write that fails (a
//! closed pipe quietly with 0, a full disk with a message and 1), and
//! nothing from the facts or the rules reaches a terminal unescaped.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{CLOSED, TIMED_OUT, TempDir, arg, bounded, dd, repeat};

const SPOOF_RULES: &str = "tests/hostile/cli/spoofing.rules";
const SPOOF_FACTS: &str = "tests/hostile/cli/spoofing.json";

#[test]
fn an_endless_stream_into_a_closed_pipe_ends_quietly_with_0() {
    // `yes '{"id":"x"}' | dd-rules eval --ndjson - | head -1`
    let mut child = bounded(["eval", "--ndjson", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        repeat(&mut stdin, &b"{\"id\":\"x\"}\n".repeat(1000), u64::MAX);
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("one line");
    assert!(first.contains("\"transaction\":\"x\""), "{first}");
    // `head -1` exits: the pipe closes.
    let out = child.wait_with_output().expect("the binary ends");
    writer
        .join()
        .expect("the writer stops when the binary is gone");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(TIMED_OUT), "it ran on: {stderr}");
    assert_eq!(out.status.code(), Some(CLOSED), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Runs `args` with stdout on `/dev/full`, where every write fails with
/// "no space left on device".
fn to_dev_full(args: &[&str], stdin: Option<&'static [u8]>) -> common::Run {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists");
    let mut command = bounded(args);
    command.stdout(full);
    let Some(line) = stdin else {
        return common::run(command);
    };
    let mut child = command
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || repeat(&mut input, &line.repeat(1000), u64::MAX));
    let out = child.wait_with_output().expect("the binary ends");
    writer
        .join()
        .expect("the writer stops when the binary is gone");
    common::Run::of(out)
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_ends_the_run_with_a_message_and_1() {
    let message = "error: cannot write to the standard output: No space left on device";
    to_dev_full(&["eval", "examples/transactions/partial-facts.json"], None)
        .code(1)
        .stderr_has(message);
    to_dev_full(&["schema"], None).code(1).stderr_has(message);
    // An endless stream stops at the first write that fails.
    to_dev_full(&["eval", "--ndjson", "-"], Some(b"{\"id\":\"x\"}\n"))
        .code(1)
        .stderr_has(message);
}

#[test]
fn a_forged_first_line_is_shown_escaped() {
    // The transaction id `T\n\e[8mPROCEED` would print a line of its own,
    // after concealing the rest of the first one.
    let run = dd(["eval", "--rules", SPOOF_RULES, SPOOF_FACTS]);
    run.code(0).printable();
    let first = run.stdout.lines().next().unwrap_or_default();
    assert_eq!(first, r"ESCALATE  transaction T\u{A}\u{1B}[8mPROCEED");
}

#[test]
fn the_text_report_and_explanations_escape_facts_and_rules() {
    let run = dd(["eval", "--explain", "--rules", SPOOF_RULES, SPOOF_FACTS]);
    run.code(0)
        .printable()
        .stdout_has("  Ruleset: spoof\\u{1B}[2J 1\\u{7}\n    sha256:")
        .stdout_has("    [high] S3.spoof: Title \\u{202E}evil\\u{200B}\n")
        .stdout_has("  S3.spoof · step 3 · not mitigated\n    Title \\u{202E}evil\\u{200B}\n")
        .stdout_has(r"country.name = Esta\u{202E}via\u{7}\u{9B}")
        .stdout_has(r"(source: src\u{1B}[2J\u{D}, as of 2025\u{9B}\u{200B})")
        .stdout_has(r"      - Cut\u{9B}off")
        .stdout_has(r"[high] S3.unknown · step 3: Unknown \u{1B}[31m")
        .stdout_has("S3.spoof is raised because:");
}

#[test]
fn explain_escapes_titles_citations_and_docs() {
    let run = dd(["explain", "--rules", SPOOF_RULES, "S3.spoof"]);
    run.code(0)
        .printable()
        .stdout_has(r"flag S3.spoof: Title \u{202E}evil\u{200B}")
        .stdout_has(r"citation: Cite \u{1B}]8;;http://x\u{7}")
        .stdout_has(r"Docs with a raw override: \u{202E}reversed");
    dd(["explain", "--rules", SPOOF_RULES, "contract.cutoff"])
        .code(0)
        .printable()
        .stdout_has(r"safeguard contract.cutoff: Cut\u{9B}off");
    dd(["explain", "--rules", SPOOF_RULES, "no\u{1b}[2Jsuch"])
        .code(1)
        .printable()
        .stderr_has(r"the ruleset `spoof\u{1B}[2J` has no flag or safeguard `no\u{1B}[2Jsuch`");
}

#[test]
fn ndjson_text_error_records_are_escaped() {
    let dir = TempDir::new("ndjson-text");
    let stream = dir.write(
        "s.ndjson",
        "{\"id\": \"a\u{202e}b\", \"\\u001b[2Jkey\": 1}\n{\"id\": \"T\\n\\u001b[8mPROCEED\"}\n",
    );
    let run = dd([
        "eval",
        "--format",
        "text",
        "--rules",
        SPOOF_RULES,
        &arg(&stream),
    ]);
    run.code(1)
        .printable()
        .stdout_has(r"line 1: rejected: ")
        .stdout_has(r"\u{1B}[2Jkey")
        .stdout_has(r"ESCALATE  transaction T\u{A}\u{1B}[8mPROCEED");
}

#[test]
fn test_failures_are_escaped() {
    let dir = TempDir::new("test-failures");
    std::fs::copy(
        common::workspace().join(SPOOF_RULES),
        dir.join("spoofing.rules"),
    )
    .expect("copy the ruleset");
    let file = dir.write(
        "spoof.tests.json",
        r#"{"ruleset": "spoofing.rules", "cases": [
            {"name": "case \u001b[2J\r", "description": "about \u202e this",
             "facts": {"id": "T\n\u001b[8mPROCEED"},
             "expect": {"disposition": "proceed\u001b[8m", "flags": {"S3.spoof\u200b": "raised"}}}]}"#,
    );
    dd(["test", "--coverage", &arg(&file)])
        .code(1)
        .printable()
        .stdout_has(r"FAIL  case \u{1B}[2J\u{D}")
        .stdout_has(r"(about \u{202E} this)")
        .stdout_has(r"expected proceed\u{1B}[8m")
        .stdout_has(r"S3.spoof\u{200B}");
}
