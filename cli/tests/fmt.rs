//! `dd-rules fmt`: the real binary on files and directories (exit codes,
//! `--check`, errors), and the formatter's promises over every ruleset of the
//! repository: idempotence, the same diagnostics, every comment kept, and
//! the same evaluation reports.
//!
//! Files a test writes go to its own directory under the system temporary
//! directory, removed when the test ends.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;

use common::{Run, TempDir, workspace};

/// A ruleset in no particular style, with comments.
const MESSY: &str =
    "// Top.\nenum   E{a,b} flag S1.x { when: a or b and c // why\n title:\"T\" step:1 }\n";

/// Runs `dd-rules` with `args`, bounded, from the workspace root.
fn dd(args: &[&dyn AsRef<OsStr>]) -> Run {
    common::dd(args.iter().map(|a| a.as_ref()))
}

fn formatted(source: &str) -> String {
    dd_rules::format_source(source, "x.rules").unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

// ---------------------------------------------------------------- the binary

#[test]
fn fmt_rewrites_a_file_in_place() {
    let dir = TempDir::new("fmt");
    let file = dir.write("a.rules", MESSY);
    let run = dd(&[&"fmt", &file]);
    run.code(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("1 of 1 file(s) reformatted"),
        "{}",
        run.stderr
    );
    assert_eq!(
        read(&file),
        "// Top.\nenum E { a, b }\n\nflag S1.x {\n  step: 1\n  title: \"T\"\n  when: a or (b and c) // why\n}\n"
    );
    // A second run changes nothing and says nothing.
    let run = dd(&[&"fmt", &file]);
    run.code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(read(&file), formatted(MESSY));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_stays_a_link() {
    let dir = TempDir::new("fmt");
    let target = dir.write("real/a.rules", MESSY);
    let link = dir.path().join("link.rules");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    dd(&[&"fmt", &link]).code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(read(&target), formatted(MESSY));
}

#[test]
fn fmt_check_lists_the_files_that_would_change_and_changes_nothing() {
    let dir = TempDir::new("fmt");
    let messy = dir.write("messy.rules", MESSY);
    let tidy = dir.write("tidy.rules", formatted(MESSY));
    let run = dd(&[&"fmt", &"--check", &messy, &tidy]);
    run.code(1);
    assert_eq!(run.stdout, format!("{}\n", messy.display()));
    assert!(
        run.stderr.contains("1 of 2 file(s) would be reformatted"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&messy), MESSY);
    // When all are formatted, `--check` passes quietly.
    dd(&[&"fmt", &"--check", &tidy]).code(0);
    let run = dd(&[&"fmt", &"-q", &messy]);
    run.code(0);
    assert!(
        run.stderr.is_empty(),
        "-q prints no summary: {}",
        run.stderr
    );
    dd(&[&"fmt", &"--check", &messy, &tidy]).code(0);
}

#[test]
fn fmt_searches_directories_for_rules_files() {
    let dir = TempDir::new("fmt");
    let a = dir.write("a.rules", MESSY);
    let b = dir.write("nested/deeper/b.rules", MESSY);
    let other = dir.write("nested/notes.txt", MESSY);
    let run = dd(&[&"fmt", &"--check", &dir.path()]);
    run.code(1);
    assert_eq!(run.stdout, format!("{}\n{}\n", a.display(), b.display()));
    dd(&[&"fmt", &dir.path()]).code(0);
    assert_eq!(read(&a), formatted(MESSY));
    assert_eq!(read(&b), formatted(MESSY));
    assert_eq!(read(&other), MESSY);
    dd(&[&"fmt", &"--check", &dir.path()]).code(0);
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_left_untouched() {
    let dir = TempDir::new("fmt");
    let bad = dir.write("bad.rules", "enum E { a b }\n");
    let good = dir.write("good.rules", MESSY);
    let run = dd(&[&"fmt", &bad, &good]);
    run.code(1);
    assert!(run.stderr.contains("error[DD001]"), "{}", run.stderr);
    assert!(run.stderr.contains("bad.rules:1:12"), "{}", run.stderr);
    assert!(run.stderr.contains("has syntax errors"), "{}", run.stderr);
    assert_eq!(read(&bad), "enum E { a b }\n");
    // The other file is formatted all the same.
    assert_eq!(read(&good), formatted(MESSY));
    let run = dd(&[&"fmt", &"--check", &bad]);
    run.code(1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let run = dd(&[&"fmt", &"no/such/file.rules"]);
    run.code(1);
    assert!(
        run.stderr.contains("cannot read `no/such/file.rules`"),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_utf8_is_an_error_naming_the_file() {
    let dir = TempDir::new("fmt");
    let bytes = b"enum E { a }\n// \xff\xfe\n";
    let file = dir.write("latin1.rules", bytes);
    let run = dd(&[&"fmt", &file]);
    run.code(1);
    assert!(run.stderr.contains("latin1.rules"), "{}", run.stderr);
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
}

#[test]
fn usage_errors_exit_with_2() {
    dd(&[&"fmt"]).code(2);
    dd(&[&"fmt", &"--chek", &"rulesets/"]).code(2);
    let run = dd(&[&"fmt", &"--help"]);
    run.code(0);
    assert!(run.stdout.contains("--check"), "{}", run.stdout);
    assert!(run.stdout.contains("Examples:"), "{}", run.stdout);
}

#[test]
fn a_directory_without_rulesets_is_an_error() {
    let dir = TempDir::new("fmt");
    dir.write("notes.txt", "nothing");
    let run = dd(&[&"fmt", &dir.path()]);
    run.code(1);
    assert!(run.stderr.contains("no `.rules` files"), "{}", run.stderr);
}

#[test]
fn the_bundled_rulesets_are_in_canonical_form() {
    let run = dd(&[&"fmt", &"--check", &"rulesets/"]);
    assert_eq!(
        run.code,
        Some(0),
        "run `dd-rules fmt rulesets/`; not formatted:\n{}{}",
        run.stdout,
        run.stderr
    );
}

// ---------------------------------------------------------------- meaning

/// Every `*.rules` file below `dir` (relative to the workspace).
fn rules_files(dir: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(workspace().join(dir)) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            let rel = path
                .strip_prefix(workspace())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            rules_files(&rel, out);
        } else if path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
}

/// `//` comments, `///` doc lines and `/* */` blocks outside strings,
/// counted without the library's help.
fn count_comments(source: &str) -> (usize, usize, usize) {
    let (mut line, mut doc, mut block) = (0, 0, 0);
    let mut chars = source.char_indices().peekable();
    let rest = |i: usize| source.get(i..).unwrap_or("");
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            while let Some((_, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' | '\n' => break,
                    _ => {}
                }
            }
        } else if rest(i).starts_with("/*") {
            block += 1;
            let end = rest(i + 2)
                .find("*/")
                .map_or(source.len(), |j| i + 2 + j + 2);
            while chars.peek().is_some_and(|&(j, _)| j < end) {
                chars.next();
            }
        } else if rest(i).starts_with("//") {
            if rest(i).starts_with("///") && !rest(i).starts_with("////") {
                doc += 1;
            } else {
                line += 1;
            }
            while chars.peek().is_some_and(|&(_, c)| c != '\n') {
                chars.next();
            }
        }
    }
    (line, doc, block)
}

/// The codes and messages of the diagnostics, sorted: formatting moves
/// properties, so the order of diagnostics may change, and spans do.
fn diagnostics(source: &str) -> Vec<String> {
    let mut out: Vec<String> = dd_rules::check_source(source, "x.rules")
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    out.sort();
    out
}

/// A report as JSON without the digest of the ruleset source.
fn report(rules: &dd_rules::RuleSet, facts: &str) -> Result<Value, String> {
    let report = rules.evaluate_json(facts).map_err(|e| e.to_string())?;
    let mut json: Value = serde_json::from_str(&report.to_json()).unwrap();
    if let Some(r) = json.get_mut("ruleset").and_then(Value::as_object_mut) {
        r.remove("digest");
    }
    Ok(json)
}

#[test]
fn formatting_keeps_the_meaning_and_comments_of_every_ruleset_in_the_repository() {
    let mut files = Vec::new();
    for dir in [
        "rulesets",
        "tests/corpus/check",
        "tests/corpus/eval",
        "examples",
    ] {
        rules_files(dir, &mut files);
    }
    let mut facts = Vec::new();
    for dir in ["examples/transactions", "tests/corpus/eval"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(workspace().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        facts.extend(paths.into_iter().map(|p| (p.clone(), read(&p))));
    }
    assert!(files.len() > 50, "found only {} rulesets", files.len());
    assert!(
        facts.len() > 10,
        "found only {} facts documents",
        facts.len()
    );
    let (mut formatted_count, mut compiled_count, mut reports) = (0, 0, 0);
    for path in &files {
        let name = path.display();
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        let once = match dd_rules::format_source(&source, "x.rules") {
            Ok(f) => f,
            Err(dd_rules::FormatError::Syntax(_)) => continue,
            Err(e) => panic!("{name}: {e}"),
        };
        formatted_count += 1;
        let twice = dd_rules::format_source(&once, "x.rules").unwrap();
        assert_eq!(twice, once, "{name}: formatting is not idempotent");
        assert_eq!(
            diagnostics(&once),
            diagnostics(&source),
            "{name}: diagnostics differ"
        );
        assert_eq!(
            count_comments(&once),
            count_comments(&source),
            "{name}: comments were lost or added"
        );
        let (Ok(before), Ok(after)) = (
            dd_rules::RuleSet::compile(&source, "x.rules"),
            dd_rules::RuleSet::compile(&once, "x.rules"),
        ) else {
            continue;
        };
        compiled_count += 1;
        for (fact_path, json) in &facts {
            let (a, b) = (report(&before, json), report(&after, json));
            assert_eq!(a, b, "{name} on {}: reports differ", fact_path.display());
            reports += usize::from(a.is_ok());
        }
    }
    assert!(
        formatted_count > 50,
        "formatted only {formatted_count} rulesets"
    );
    assert!(
        compiled_count >= 5,
        "compiled only {compiled_count} rulesets"
    );
    assert!(reports >= 20, "compared only {reports} reports");
}

#[test]
fn the_comment_counter_counts() {
    assert_eq!(
        count_comments("/// d\n// c\nx \"// no\" /* b\n // in */ //// four\n"),
        (2, 1, 1)
    );
}
