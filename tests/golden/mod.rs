//! The one golden-file runner of the integration tests: `tests/corpus.rs`,
//! `tests/hostile.rs` and `tests/rulesets.rs` compare what the engine gives
//! with files kept in the repository through [`expect_file`], and collect
//! every difference before failing ([`finish`]), so that one run shows them all.
//!
//! Blessing: with `DD_BLESS=1` in the environment, [`expect_file`] writes
//! what the engine gave into each expected file that differs (or is missing)
//! instead of comparing, e.g. `DD_BLESS=1 cargo test --test corpus`. Read
//! the diff before committing it, and run the tests once more without
//! `DD_BLESS` (a test may read expected files while they are being written).

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// The environment variable that turns comparing into writing.
pub const BLESS: &str = "DD_BLESS";

/// The crate root, where the corpus paths are relative to.
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The text of a file, or a panic that names it.
pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Whether to write the expected files instead of comparing with them.
pub fn blessing() -> bool {
    std::env::var(BLESS).is_ok_and(|v| v == "1")
}

/// The path of `path` relative to the crate root, with forward slashes.
pub fn relative(path: &Path) -> String {
    let rel = path.strip_prefix(crate_root()).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Where the lines of `expected` and `actual` first differ, with a few lines
/// of each from there: enough to see what changed without a diff crate.
pub fn line_diff(expected: &str, actual: &str) -> String {
    const SHOWN: usize = 12;
    let exp: Vec<&str> = expected.lines().collect();
    let act: Vec<&str> = actual.lines().collect();
    let first = exp
        .iter()
        .zip(&act)
        .position(|(e, a)| e != a)
        .unwrap_or(exp.len().min(act.len()));
    // The common tail, so that the shown region is only what changed.
    let tail = exp
        .iter()
        .rev()
        .zip(act.iter().rev())
        .take_while(|(e, a)| e == a)
        .count()
        .min(exp.len() - first)
        .min(act.len() - first);
    let mut out = format!(
        "  first difference at line {} (expected {} lines, got {})\n",
        first + 1,
        exp.len(),
        act.len()
    );
    if first > 0 {
        out.push_str(&format!("   {}\n", exp[first - 1]));
    }
    let region = |lines: &[&str], sign: char, out: &mut String| {
        let changed = &lines[first..lines.len() - tail];
        for line in changed.iter().take(SHOWN) {
            out.push_str(&format!("  {sign}{line}\n"));
        }
        if changed.len() > SHOWN {
            out.push_str(&format!("  {sign}… {} more lines\n", changed.len() - SHOWN));
        }
    };
    region(&exp, '-', &mut out);
    region(&act, '+', &mut out);
    if expected.lines().eq(actual.lines()) && expected != actual {
        out.push_str("  (the texts differ only in line endings or a final newline)\n");
    }
    out
}

/// Compares `actual` with the expected file, or writes it when blessing.
/// Problems are collected in `failures` so that one run shows all of them.
pub fn expect_file(expected_path: &Path, actual: &str, failures: &mut Vec<String>) {
    let name = relative(expected_path);
    if blessing() {
        let current = fs::read_to_string(expected_path).ok();
        if current.as_deref() != Some(actual) {
            fs::write(expected_path, actual).unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
        }
        return;
    }
    match fs::read_to_string(expected_path) {
        Err(e) => failures.push(format!(
            "{name}: cannot read the expected file ({e}); run the test with {BLESS}=1 to create it"
        )),
        Ok(expected) => {
            // A checkout may have turned line ends into CRLF.
            let expected = expected.replace("\r\n", "\n");
            if expected != actual {
                failures.push(format!("{name}: differs\n{}", line_diff(&expected, actual)));
            }
        }
    }
}

/// Fails once with every problem found in the `count` cases of `what`.
pub fn finish(what: &str, count: usize, failures: Vec<String>) {
    if !failures.is_empty() {
        panic!(
            "{} problem(s) in the {count} {what} cases (if the new output is right, accept it with {BLESS}=1 and review the diff):\n\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

/// Runs `f`, turning a panic into a failure of the case rather than of the
/// whole run, so that one crash does not hide the results of other cases.
pub fn guarded<T>(path: &Path, failures: &mut Vec<String>, f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            failures.push(format!(
                "{}: the engine panicked: {message}\n",
                relative(path)
            ));
            None
        }
    }
}

/// Expected files whose input is gone: stale after a case was renamed or removed.
pub fn orphans(dir: &str, expected_ext: &str, input_ext: &str, failures: &mut Vec<String>) {
    let dir = crate_root().join(dir);
    let mut stale: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == expected_ext))
        .filter(|p| !p.with_extension(input_ext).exists())
        .map(|p| relative(&p))
        .collect();
    stale.sort();
    for name in stale {
        failures.push(format!(
            "{name}: no `.{input_ext}` file beside it; delete it\n"
        ));
    }
}

/// Every file below `dir`, recursively, that `keep` accepts, in sorted order
/// (depth first, entries of a directory sorted).
pub fn files_below(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for path in entries {
        if path.is_dir() {
            out.extend(files_below(&path, keep));
        } else if keep(&path) {
            out.push(path);
        }
    }
    out
}
