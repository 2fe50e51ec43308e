//! What several CLI test files share: the bundled ruleset and an example
//! with facts left out, a small valid ruleset and one with three mistakes,
//! and the assertions that read rendered diagnostics.

use std::ffi::OsStr;
use std::path::PathBuf;

use super::workspace;

/// The bundled ruleset, relative to the workspace root.
pub const BUNDLED: &str = "rulesets/us-state-2020.rules";

/// The example with facts left out on purpose.
pub const PARTIAL: &str = "examples/transactions/partial-facts.json";

/// The `-->` line that follows the `error[CODE]: …` header of a rendered diagnostic.
#[track_caller]
pub fn location_of(stderr: &str, header_prefix: &str) -> String {
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
pub fn examples() -> Vec<PathBuf> {
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
pub const SMALL_RULES: &str = r#"ruleset "example" { version: "1" title: "Example" source: "Internal policy" }
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
pub const THREE_MISTAKES: &str = r#"ruleset "three" { version: "1" title: "Three mistakes" source: "Test" }
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
pub const THREE_EXPECTED: [(&str, u64, u64); 3] =
    [("DD021", 9, 17), ("DD022", 15, 32), ("DD029", 19, 13)];

/// Asserts the human rendering of [`THREE_MISTAKES`] names each error with
/// its code and exact `file:line:col`.
#[track_caller]
pub fn assert_three_rendered(stderr: &str, file: &str) {
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
