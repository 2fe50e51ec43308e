//! Golden-corpus tests: ruleset diagnostics and evaluation reports compared
//! with expected files kept beside their inputs.
//!
//! * `tests/corpus/check/*.rules`: the rendered diagnostics of each file
//!   (`dd_rules::check_source`, plain style) must equal the `.stderr` file of
//!   the same stem.
//! * `tests/corpus/eval/*.json`: each facts document is evaluated with the
//!   ruleset `<stem>.rules` beside it, or the bundled ruleset when there is
//!   none; the `.out` file of the same stem holds the pretty JSON report, or
//!   `error: …` when the document is rejected.
//!
//! Run with `DD_BLESS=1 cargo test --test corpus` to (re)write the expected
//! files, then read the changes before committing them. (`every_code_has_a_case`
//! reads the `.stderr` files while they are being written: after adding a
//! case, run the tests once more without `DD_BLESS`.)

use std::fs;
use std::path::{Path, PathBuf};

use dd_rules::{RuleSet, Style};

mod golden;

use golden::{crate_root, expect_file, files_below, finish, guarded, orphans, read, relative};

/// The files of a corpus directory with an extension, in sorted order.
fn cases(dir: &str, ext: &str) -> Vec<PathBuf> {
    let dir = crate_root().join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "the corpus directory {} has no `.{ext}` case",
        dir.display()
    );
    files
}

#[test]
fn check_corpus() {
    let files = cases("tests/corpus/check", "rules");
    let mut failures = Vec::new();
    for path in &files {
        let source = read(path);
        let Some(rendered) = guarded(path, &mut failures, || {
            dd_rules::check_source(&source, &relative(path)).render(Style::Plain)
        }) else {
            continue;
        };
        expect_file(&path.with_extension("stderr"), &rendered, &mut failures);
    }
    orphans("tests/corpus/check", "stderr", "rules", &mut failures);
    finish("check", files.len(), failures);
}

#[test]
fn eval_corpus() {
    let files = cases("tests/corpus/eval", "json");
    let mut failures = Vec::new();
    for path in &files {
        let rules_path = path.with_extension("rules");
        let ruleset = if rules_path.exists() {
            RuleSet::compile(&read(&rules_path), &relative(&rules_path))
        } else {
            RuleSet::bundled()
        };
        let ruleset = match ruleset {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!(
                    "{}: the ruleset does not compile:\n{e}\n",
                    relative(path)
                ));
                continue;
            }
        };
        // The eval rulesets are meant to be clean: a warning there is a slip.
        if rules_path.exists() && !ruleset.warnings().is_empty() {
            failures.push(format!(
                "{}: the ruleset has warnings:\n{}\n",
                relative(&rules_path),
                ruleset.warnings()
            ));
        }
        let facts = read(path);
        let Some(actual) = guarded(path, &mut failures, || {
            match ruleset.evaluate_json(&facts) {
                Ok(report) => format!("{}\n", report.to_json_pretty()),
                Err(e) => format!("error: {e}\n"),
            }
        }) else {
            continue;
        };
        expect_file(&path.with_extension("out"), &actual, &mut failures);
    }
    orphans("tests/corpus/eval", "out", "json", &mut failures);
    finish("eval", files.len(), failures);
}

/// Every `"DDnnn"` string literal in the `.rs` files under `dir`, recursively.
fn codes_in_sources(dir: &Path, codes: &mut Vec<(String, String)>) {
    for path in files_below(dir, &|p| p.extension().is_some_and(|x| x == "rs")) {
        let text = read(&path);
        let bytes = text.as_bytes();
        for (i, window) in bytes.windows(7).enumerate() {
            let is_code = window.starts_with(b"\"DD")
                && window[3..6].iter().all(u8::is_ascii_digit)
                && window[6] == b'"';
            if is_code {
                let code = text[i + 1..i + 6].to_string();
                if !codes.iter().any(|(c, _)| *c == code) {
                    codes.push((code, relative(&path)));
                }
            }
        }
    }
}

#[test]
fn every_code_has_a_case() {
    // DD004 (a source over 4 MiB) is exempt: its case would be a 4 MiB file
    // in the repository. It must be tested outside the corpus.
    const EXEMPT: [&str; 1] = ["DD004"];
    let mut codes = Vec::new();
    codes_in_sources(&crate_root().join("src"), &mut codes);
    assert!(
        codes.len() > 10,
        "found only {} diagnostic codes in src/: is the scan broken?",
        codes.len()
    );
    let stderr: Vec<String> = cases("tests/corpus/check", "stderr")
        .iter()
        .map(|p| read(p))
        .collect();
    let mut missing: Vec<String> = codes
        .iter()
        .filter(|(code, _)| !EXEMPT.contains(&code.as_str()))
        .filter(|(code, _)| !stderr.iter().any(|s| s.contains(&format!("[{code}]"))))
        .map(|(code, file)| format!("{code} (used in {file})"))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "these diagnostic codes have no case in tests/corpus/check (add `<code>-<slug>.rules` and bless):\n  {}",
        missing.join("\n  ")
    );
}
