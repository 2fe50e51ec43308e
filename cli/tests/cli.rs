//! Integration tests of the `dd-rules` command line: exit codes, what is
//! printed on stdout and stderr, and that no input makes it panic.
//!
//! Exit codes, as the CLI documents them: 0 ok, 1 errors or rejected input,
//! 2 usage error.
//!
//! Every test runs the real binary from the workspace root, so relative paths
//! such as `rulesets/us-state-2020.rules` work as they do for a user. Files a
//! test writes go to its own directory under the system temporary directory,
//! removed when the test ends, so tests are independent and run in parallel.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

// ---------------------------------------------------------------- helpers

const BIN: &str = env!("CARGO_BIN_EXE_dd-rules");

/// The bundled ruleset, relative to the workspace root.
const BUNDLED: &str = "rulesets/us-state-2020.rules";

/// The example with facts left out on purpose.
const PARTIAL: &str = "examples/transactions/partial-facts.json";

/// The workspace root (the parent of the CLI crate).
fn workspace() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    /// The exit code; `None` when a signal killed it (e.g. a stack overflow).
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// The raw stdout, for byte-for-byte comparisons.
    stdout_bytes: Vec<u8>,
}

impl Run {
    /// Asserts the exit code and that the binary did not panic or crash.
    #[track_caller]
    fn expect_code(&self, code: i32) -> &Run {
        self.no_panic();
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts that there is no panic message and that the process exited
    /// normally (a stack overflow or abort has no exit code).
    #[track_caller]
    fn no_panic(&self) -> &Run {
        assert!(
            !self.stderr.contains("panicked"),
            "the binary panicked:\n{}",
            self.stderr
        );
        assert!(
            self.code.is_some(),
            "the binary was killed by a signal (stack overflow or abort?)\n--- stderr:\n{}",
            self.stderr
        );
        assert_ne!(
            self.code,
            Some(101),
            "exit code 101 is a Rust panic\n--- stderr:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    fn stderr_has(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr does not contain {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    fn stdout_has(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle),
            "stdout does not contain {needle:?}:\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    fn stdout_empty(&self) -> &Run {
        assert!(
            self.stdout.is_empty(),
            "expected nothing on stdout, found:\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    fn stderr_not_empty(&self) -> &Run {
        assert!(
            !self.stderr.trim().is_empty(),
            "expected a message on stderr, found nothing (stdout:\n{})",
            self.stdout
        );
        self
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON: {e}\n--- stdout:\n{}\n--- stderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `dd-rules` with `args` from the workspace root.
fn dd<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(BIN)
        .args(args)
        .current_dir(workspace())
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("the dd-rules binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        stdout_bytes: out.stdout,
    }
}

/// A directory of its own for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "dd-rules-cli-test-{}-{test}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the test's temporary directory");
        TempDir(dir)
    }

    /// Writes `contents` to `name` in the directory and returns its path.
    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write a test file");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A path as the CLI prints it.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// The `-->` line that follows the `error[CODE]: …` header of a rendered diagnostic.
#[track_caller]
fn location_of(stderr: &str, header_prefix: &str) -> String {
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        if line.starts_with(header_prefix) {
            let next = lines.next().unwrap_or_default();
            assert!(
                next.trim_start().starts_with("--> "),
                "no `-->` line after {header_prefix:?}:\n{stderr}"
            );
            return next.trim_start().trim_start_matches("--> ").to_string();
        }
    }
    panic!("no diagnostic starting with {header_prefix:?} in:\n{stderr}");
}

/// Every example transaction, sorted.
fn examples() -> Vec<PathBuf> {
    let dir = workspace().join("examples/transactions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/transactions exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension() == Some(OsStr::new("json")))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no examples in {}", dir.display());
    files
}

/// A small valid ruleset, the one of the library's documentation, with evidence.
const SMALL_RULES: &str = r#"ruleset "example" { version: "1" title: "Example" source: "Internal policy" }
enum Civic { open, narrowed, obstructed, repressed, closed }
record Country { civic_space: Civic  freedom_score: int }
facts { country: Country }
safeguard contract.cutoff { step: 6 title: "Right to cut off support" when: false }
flag S3.closed_civic_space {
    step: 3  severity: high  title: "Civic space is repressed or closed"
    when: country.civic_space >= repressed or country.freedom_score < 35
    evidence: country.civic_space, country.freedom_score
    mitigated_by: contract.cutoff
}
outcomes { proceed, escalate }
disposition {
    when any flags(raised, unmitigated) or any flags(unknown) => escalate
    otherwise => proceed
}
"#;

/// A ruleset with three independent mistakes, on lines 9, 15 and 19.
///
/// - Line 9, `  when: country.freedom_scor < 35`: `  when: ` is 8 characters
///   and `country.` 8 more, so the unknown field is at column 17 (DD021).
/// - Line 15, `  when: country.civic_space == closd`: `  when: ` (8),
///   `country.civic_space` (19) and ` == ` (4) make 31 characters before
///   `closd`, at column 32 (DD022).
/// - Line 19, `  severity: hgh`: `  severity: ` is 12 characters, so column 13
///   (DD029).
const THREE_MISTAKES: &str = r#"ruleset "three" { version: "1" title: "Three mistakes" source: "Test" }
enum Civic { open, narrowed, obstructed, repressed, closed }
record Country { civic_space: Civic  freedom_score: int }
facts { country: Country }
flag S3.unknown_field {
  step: 3
  severity: high
  title: "Unknown field"
  when: country.freedom_scor < 35
}
flag S3.unknown_value {
  step: 3
  severity: high
  title: "Unknown value"
  when: country.civic_space == closd
}
flag S3.unknown_severity {
  step: 3
  severity: hgh
  title: "Unknown severity"
  when: country.freedom_score < 10
}
outcomes { proceed, escalate }
disposition {
  when any flags(raised) => escalate
  otherwise => proceed
}
"#;

/// The three diagnostics of [`THREE_MISTAKES`]: code, line, column.
const THREE_EXPECTED: [(&str, u64, u64); 3] =
    [("DD021", 9, 17), ("DD022", 15, 32), ("DD029", 19, 13)];

/// Asserts the human rendering of [`THREE_MISTAKES`] names each error with
/// its code and exact `file:line:col`.
#[track_caller]
fn assert_three_rendered(stderr: &str, file: &str) {
    for (code, line, col) in THREE_EXPECTED {
        let at = location_of(stderr, &format!("error[{code}]"));
        assert_eq!(at, format!("{file}:{line}:{col}"), "location of {code}");
    }
    assert!(stderr.contains("no field `freedom_scor`"), "{stderr}");
    assert!(stderr.contains("no value `closd`"), "{stderr}");
    assert!(stderr.contains("unknown severity `hgh`"), "{stderr}");
    assert_eq!(
        stderr.matches("error[DD").count(),
        3,
        "exactly three errors:\n{stderr}"
    );
}

// ---------------------------------------------------------------- check

#[test]
fn check_bundled_ruleset_is_ok() {
    let run = dd(["check", BUNDLED]);
    run.expect_code(0)
        .stdout_empty()
        .stderr_has(&format!("{BUNDLED}: ok: 0 error(s)"));
    assert!(!run.stderr.contains("error["), "{}", run.stderr);
}

#[test]
fn check_bundled_ruleset_json_is_empty_array() {
    let run = dd(["check", "--format", "json", BUNDLED]);
    run.expect_code(0);
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
        args.push(shown(&file));
        let run = dd(&args);
        run.expect_code(1).stdout_empty();
        assert_three_rendered(&run.stderr, &shown(&file));
        run.stderr_has(&format!(
            "{}: failed: 3 error(s), 0 warning(s)",
            shown(&file)
        ));
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
    let run = dd(["check", "--format", "json", &shown(&file)]);
    run.expect_code(1);
    let json = run.json();
    let items = json.as_array().expect("a JSON array");
    assert_eq!(items.len(), 3, "{json:#}");
    for (item, (code, line, col)) in items.iter().zip(THREE_EXPECTED) {
        assert_eq!(item["code"], code, "{item:#}");
        assert_eq!(item["line"], line, "{item:#}");
        assert_eq!(item["column"], col, "{item:#}");
        assert_eq!(item["severity"], "error", "{item:#}");
        assert_eq!(item["file"], shown(&file).as_str(), "{item:#}");
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
    let run = dd(["check", &shown(&file)]);
    run.expect_code(1);
    assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
    let at = location_of(&run.stderr, "error[DD021]");
    assert_eq!(at, format!("{}:8:48", shown(&file)), "{}", run.stderr);
    let json = dd(["check", "--format", "json", &shown(&file)]).json();
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

    let run = dd(["check", &shown(&good), &shown(&bad)]);
    run.expect_code(1)
        .stderr_has(&format!("{}: ok: 0 error(s)", shown(&good)))
        .stderr_has(&format!("{}: failed: 3 error(s)", shown(&bad)));
    assert_three_rendered(&run.stderr, &shown(&bad));

    // Order does not matter: the good file after the bad one is still checked.
    let run = dd(["check", &shown(&bad), BUNDLED]);
    run.expect_code(1)
        .stderr_has(&format!("{}: failed: 3 error(s)", shown(&bad)))
        .stderr_has(&format!("{BUNDLED}: ok: 0 error(s)"));

    // Two good files pass.
    dd(["check", &shown(&good), BUNDLED]).expect_code(0);

    // JSON: one array with the bad file's diagnostics, each naming its file.
    let run = dd(["check", "--format", "json", &shown(&good), &shown(&bad)]);
    run.expect_code(1);
    let json = run.json();
    let items = json.as_array().expect("a JSON array");
    assert_eq!(items.len(), 3, "{json:#}");
    assert!(
        items.iter().all(|d| d["file"] == shown(&bad).as_str()),
        "{json:#}"
    );
}

#[test]
fn check_unreadable_file_among_others_is_reported_and_the_rest_checked() {
    let dir = TempDir::new("unreadable");
    let missing = dir.path().join("missing.rules");
    let run = dd(["check", &shown(&missing), BUNDLED]);
    run.expect_code(1)
        .stderr_has("cannot read")
        .stderr_has(&shown(&missing))
        .stderr_has(&format!("{BUNDLED}: ok"));

    // With JSON, stdout stays a valid array; the read error goes to stderr.
    let run = dd(["check", "--format", "json", &shown(&missing)]);
    run.expect_code(1).stderr_has(&shown(&missing));
    assert!(run.json().is_array());
}

/// Runs `dd-rules` with a stdout whose reader has gone away, like
/// `dd-rules … | head -c0`.
///
/// The read end is closed right after the spawn; callers make the binary do
/// some work first (checking the bundled ruleset a few times takes a while in
/// a debug build) so that it writes after the close.
fn dd_with_closed_stdout(args: &[String]) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(workspace())
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the dd-rules binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the binary finishes");
    Run {
        code: out.status.code(),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        stdout_bytes: Vec::new(),
    }
}

/// The exit code of a run whose stdout was closed: 0, as ripgrep's.
const CLOSED: i32 = 0;

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
        shown(&file),
    ];
    let run = dd_with_closed_stdout(&args);
    run.expect_code(CLOSED);
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
        run.expect_code(CLOSED);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
    }
}

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
        for e in evidence {
            assert!(e["fact"].is_string(), "{context}: {id}: evidence {e}");
            assert!(e.get("value").is_some(), "{context}: {id}: evidence {e}");
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
        let context = shown(&file);
        let json = dd(["eval", "--format", "json", &context]);
        json.expect_code(0);
        let report = json.json();
        let disposition = report["disposition"].as_str().expect("a disposition");
        let id = report["transaction"].as_str().unwrap_or("(no id)");

        let run = dd(["eval", &context]);
        run.expect_code(0);
        assert!(
            run.stdout.starts_with("Transaction "),
            "{context}: text does not start with `Transaction `:\n{}",
            run.stdout
        );
        let first = run.stdout.lines().next().unwrap_or_default();
        let shouted = disposition.replace('_', " ").to_uppercase();
        assert_eq!(first, format!("Transaction {id}: {shouted}"), "{context}");
        run.stdout_has("Raised flags (")
            .stdout_has("flag(s) clear.");

        // `--format text` is the default.
        let explicit = dd(["eval", "--format", "text", &context]);
        explicit.expect_code(0);
        assert_eq!(explicit.stdout, run.stdout, "{context}");
    }
}

#[test]
fn eval_every_example_as_json() {
    let mut digests = Vec::new();
    for file in examples() {
        let context = shown(&file);
        let run = dd(["eval", "--format", "json", &context]);
        run.expect_code(0);
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
    bundled.expect_code(0);
    explicit.expect_code(0);
    assert_eq!(bundled.stdout, explicit.stdout);
}

#[test]
fn eval_json_is_byte_identical_across_runs() {
    for file in examples() {
        let args = ["eval", "--format", "json", &shown(&file)];
        let first = dd(args);
        let second = dd(args);
        first.expect_code(0);
        second.expect_code(0);
        assert!(!first.stdout_bytes.is_empty());
        assert!(
            first.stdout_bytes == second.stdout_bytes,
            "{}: two runs differ",
            shown(&file)
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
    run.expect_code(0);
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

    let text = dd(["eval", PARTIAL]);
    text.expect_code(0)
        .stdout_has(&format!("Unknown flags ({}):", unknown.len()))
        .stdout_has("Facts to gather, most decisive first:")
        .stdout_has(&format!("  1. {}", missing_facts[0]));
}

// ---------------------------------------------------------------- eval: custom rules

#[test]
fn eval_with_a_custom_ruleset() {
    let dir = TempDir::new("custom");
    let rules = dir.write("small.rules", SMALL_RULES);
    dd(["check", &shown(&rules)]).expect_code(0);

    // Raised: civic space closed; the only safeguard is never in place.
    let facts = dir.write(
        "closed.json",
        r#"{"id": "T-1", "country": {"civic_space": "closed", "freedom_score": 80}}"#,
    );
    let run = dd([
        "eval",
        "--format",
        "json",
        "--rules",
        &shown(&rules),
        &shown(&facts),
    ]);
    run.expect_code(0);
    let report = run.json();
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
        serde_json::json!([
            {"fact": "country.civic_space", "value": "closed"},
            {"fact": "country.freedom_score", "value": 80}
        ])
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
    let run = dd(["eval", "--rules", &shown(&rules), &shown(&facts)]);
    run.expect_code(0)
        .stdout_has("Transaction T-1: ESCALATE\n")
        .stdout_has("[high] S3.closed_civic_space (step 3, not mitigated)")
        .stdout_has("safeguard contract.cutoff: missing");

    // Unknown: the freedom score is missing and civic space does not decide it.
    let facts = dir.write("open.json", r#"{"country": {"civic_space": "open"}}"#);
    let run = dd([
        "eval",
        "--format",
        "json",
        "--rules",
        &shown(&rules),
        &shown(&facts),
    ]);
    run.expect_code(0);
    let report = run.json();
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
    let text = dd(["eval", "--rules", &shown(&rules), &shown(&facts)]);
    text.expect_code(0)
        .stdout_has("Transaction (no id): ESCALATE\n")
        .stdout_has("missing: country.freedom_score");

    // Clear: both facts known and good.
    let facts = dir.write(
        "free.json",
        r#"{"country": {"civic_space": "open", "freedom_score": {"value": 90, "source": "FH", "as_of": "2025"}}}"#,
    );
    let run = dd([
        "eval",
        "--format",
        "json",
        "--rules",
        &shown(&rules),
        &shown(&facts),
    ]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["flags"][0]["status"], "clear");
    assert_eq!(report["disposition"], "proceed");
}

// ---------------------------------------------------------------- error paths

#[test]
fn missing_rules_file_is_an_error() {
    let dir = TempDir::new("missing-rules");
    let rules = dir.path().join("nope.rules");
    for args in [
        vec!["check".to_string(), shown(&rules)],
        vec![
            "eval".into(),
            "--rules".into(),
            shown(&rules),
            PARTIAL.into(),
        ],
    ] {
        let run = dd(&args);
        run.expect_code(1)
            .stdout_empty()
            .stderr_has("cannot read")
            .stderr_has(&format!("`{}`", shown(&rules)));
    }
}

#[test]
fn missing_facts_file_is_an_error() {
    let dir = TempDir::new("missing-facts");
    let facts = dir.path().join("nope.json");
    let run = dd(["eval", &shown(&facts)]);
    run.expect_code(1)
        .stdout_empty()
        .stderr_has("cannot read")
        .stderr_has(&format!("`{}`", shown(&facts)));
}

#[test]
fn a_directory_given_as_a_file_is_an_error() {
    let dir = TempDir::new("directory");
    let d = shown(dir.path());
    for args in [
        vec!["eval".to_string(), d.clone()],
        vec!["eval".into(), "--rules".into(), d.clone(), PARTIAL.into()],
    ] {
        let run = dd(&args);
        run.expect_code(1)
            .stdout_empty()
            .stderr_has("cannot read")
            .stderr_has(&format!("`{d}`"));
    }
    // `check` searches a directory for rulesets; an empty one has none to check.
    dd(["check", d.as_str()])
        .expect_code(1)
        .stdout_empty()
        .stderr_has("no `.rules` files found");
}

#[test]
fn facts_file_that_is_not_utf8_is_an_error() {
    let dir = TempDir::new("facts-utf8");
    let facts = dir.write("bad.json", [0xff, 0xfe]);
    let run = dd(["eval", &shown(&facts)]);
    run.expect_code(1)
        .stdout_empty()
        .stderr_has("not valid UTF-8")
        .stderr_has(&format!("`{}`", shown(&facts)));
}

#[test]
fn rules_file_that_is_not_utf8_is_an_error() {
    let dir = TempDir::new("rules-utf8");
    let rules = dir.write("bad.rules", [0xff, 0xfe]);
    for args in [
        vec!["check".to_string(), shown(&rules)],
        vec![
            "eval".into(),
            "--rules".into(),
            shown(&rules),
            PARTIAL.into(),
        ],
    ] {
        let run = dd(&args);
        run.expect_code(1)
            .stdout_empty()
            .stderr_has("not valid UTF-8")
            .stderr_has(&format!("`{}`", shown(&rules)));
    }
}

#[test]
fn empty_rules_file_is_an_error() {
    let dir = TempDir::new("empty-rules");
    let rules = dir.write("empty.rules", "");
    let run = dd(["check", &shown(&rules)]);
    run.expect_code(1)
        .stdout_empty()
        .stderr_has("error[DD013]: the ruleset is empty")
        .stderr_has(&format!("{}:1:1", shown(&rules)));

    let run = dd(["eval", "--rules", &shown(&rules), PARTIAL]);
    run.expect_code(1)
        .stdout_empty()
        .stderr_has("error[DD013]: the ruleset is empty")
        .stderr_has(&format!("{}:1:1", shown(&rules)));
}

#[test]
fn empty_facts_file_is_an_error() {
    let dir = TempDir::new("empty-facts");
    let facts = dir.write("empty.json", "");
    let run = dd(["eval", &shown(&facts)]);
    run.expect_code(1)
        .stdout_empty()
        .stderr_has(&format!("`{}` is rejected", shown(&facts)))
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
        let run = dd(["eval", &shown(&facts)]);
        run.expect_code(1)
            .stdout_empty()
            .stderr_has(&format!("`{}` is rejected", shown(&facts)))
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
        let run = dd(["eval", &shown(&facts)]);
        run.expect_code(1);
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
    let run = dd(["eval", &shown(&facts)]);
    run.expect_code(1)
        .stdout_empty()
        .stderr_has(&format!("`{}` is rejected", shown(&facts)))
        .stderr_has("`country.freedom_score`")
        .stderr_has("\"high\"")
        .stderr_has("a whole number")
        .stderr_has("(line 1, column 36)");
}

#[test]
fn unknown_fact_field_is_an_error() {
    let dir = TempDir::new("unknown-field");
    let facts = dir.write("field.json", r#"{"country": {"freedom_scor": 30}}"#);
    let run = dd(["eval", &shown(&facts)]);
    run.expect_code(1)
        .stdout_empty()
        .stderr_has(&format!("`{}` is rejected", shown(&facts)))
        .stderr_has("unknown field `freedom_scor`")
        .stderr_has("`freedom_score`");

    let facts = dir.write("root.json", r#"{"countri": {}}"#);
    let run = dd(["eval", &shown(&facts)]);
    run.expect_code(1)
        .stderr_has(&format!("`{}` is rejected", shown(&facts)))
        .stderr_has("unknown field `countri`");
}

#[test]
fn unknown_enum_value_in_facts_is_an_error() {
    let dir = TempDir::new("unknown-enum");
    let facts = dir.write("enum.json", r#"{"country": {"civic_space": "closd"}}"#);
    let run = dd(["eval", &shown(&facts)]);
    run.expect_code(1)
        .stdout_empty()
        .stderr_has(&format!("`{}` is rejected", shown(&facts)))
        .stderr_has("`country.civic_space`")
        .stderr_has("`closd` is not a value of `CivicSpace`")
        .stderr_has("`closed`");

    // In a set, the element's path is named.
    let facts = dir.write(
        "set.json",
        r#"{"product": {"capabilities": ["sensor", "telepathy"]}}"#,
    );
    let run = dd(["eval", &shown(&facts)]);
    run.expect_code(1)
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
    let run = dd(["check", &shown(&rules)]);
    run.expect_code(1).stderr_has("error[DD002]");
    let at = location_of(&run.stderr, "error[DD002]");
    assert!(at.starts_with(&format!("{}:8:", shown(&rules))), "{at}");

    let run = dd(["check", "--format", "json", &shown(&rules)]);
    run.expect_code(1);
    let json = run.json();
    assert!(
        json.as_array()
            .is_some_and(|a| a.iter().any(|d| d["code"] == "DD002")),
        "{json:#}"
    );

    let facts = dir.write("facts.json", "{}");
    let run = dd(["eval", "--rules", &shown(&rules), &shown(&facts)]);
    run.expect_code(1).stdout_empty().stderr_has("error[DD002]");

    // `not` nests too.
    let cond = "country.civic_space >= repressed or country.freedom_score < 35";
    let nots = SMALL_RULES.replace(cond, &format!("{}{cond}", "not ".repeat(5000)));
    let rules = dir.write("nots.rules", nots);
    dd(["check", &shown(&rules)])
        .expect_code(1)
        .stderr_has("error[DD002]");

    // And so does the disposition.
    let disp = "any flags(raised, unmitigated) or any flags(unknown)";
    let deep = SMALL_RULES.replace(
        disp,
        &format!("{}{disp}{}", "(".repeat(5000), ")".repeat(5000)),
    );
    let rules = dir.write("disp.rules", deep);
    dd(["check", &shown(&rules)])
        .expect_code(1)
        .stderr_has("error[DD002]");

    // A shallow nesting is fine.
    let rules = dir.write("shallow.rules", deeply_parenthesised_rules(10));
    dd(["check", &shown(&rules)]).expect_code(0);
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
        let run = dd(["eval", &shown(&facts)]);
        run.expect_code(1)
            .stdout_empty()
            .stderr_has(&format!("`{}` is rejected", shown(&facts)))
            .stderr_has("arrays and objects are nested more than 64 deep");
    }
}

#[test]
fn eval_with_a_rules_file_that_has_errors() {
    let dir = TempDir::new("eval-bad-rules");
    let rules = dir.write("three.rules", THREE_MISTAKES);
    let facts = dir.write("facts.json", "{}");
    let run = dd(["eval", "--rules", &shown(&rules), &shown(&facts)]);
    run.expect_code(1).stdout_empty();
    assert_three_rendered(&run.stderr, &shown(&rules));

    let run = dd([
        "eval",
        "--format",
        "json",
        "--rules",
        &shown(&rules),
        PARTIAL,
    ]);
    run.expect_code(1).stdout_empty().stderr_has("error[DD021]");
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
    run.expect_code(0)
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
            .expect_code(0)
            .stdout_has(&format!("Usage: dd-rules {sub}"))
            .stdout_has("--format");
    }
    dd(["help"]).expect_code(0).stdout_has("Usage: dd-rules");

    let run = dd(["--version"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout.trim_end(),
        format!("dd-rules {}", env!("CARGO_PKG_VERSION"))
    );
}
