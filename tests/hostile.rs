//! Hostile input: rules and facts that try to crash, hang or mislead the
//! engine, each with the exact result expected (see `tests/hostile/README.md`).
//!
//! * `tests/hostile/rules/*.rules`: every diagnostic of `check_source`, one
//!   line each: level, code, `line:col`, the source text under the caret and
//!   the message; `<stem>.expected` beside it.
//! * `tests/hostile/facts/*.json`: evaluated against
//!   `tests/hostile/facts/schema.rules`; `<stem>.expected` holds the error
//!   (`line:col`, JSON path, message) or the status of every flag.
//!
//! `DD_BLESS=1 cargo test --test hostile` rewrites the expected files; read
//! the diff before committing. Inputs too large to keep in the repository
//! are built by the tests below the runner.

use std::fs;
use std::path::{Path, PathBuf};

use dd_rules::{Diagnostic, DiagnosticLevel, RuleSet, Status};

mod golden;

use golden::{expect_file, finish};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

fn inputs(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .filter(|p| p.file_stem().is_some_and(|s| s != "schema"))
        .collect();
    files.sort();
    assert!(files.len() > 5, "too few cases in tests/hostile/{dir}");
    files
}

/// The 1-based line and column (in characters) of a byte offset, computed
/// here independently of the library: a line ends at `\n` (so `\r\n` too).
fn line_col(source: &str, at: usize) -> (usize, usize) {
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// Control characters and line breaks shown as escapes, so that one
/// diagnostic is one line of the expected file.
fn visible(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '\n' => "\\n".chars().collect::<Vec<_>>(),
            '\r' => "\\r".chars().collect(),
            '\t' => "\\t".chars().collect(),
            c if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{200B}') => {
                format!("\\u{{{:X}}}", u32::from(c)).chars().collect()
            }
            c => vec![c],
        })
        .collect()
}

/// The text under a span, shortened when long.
fn under(source: &str, d: &Diagnostic) -> String {
    let text = source
        .get(d.span.start..d.span.end)
        .unwrap_or("<not a char boundary>");
    let text = visible(text);
    if text.chars().count() > 60 {
        let head: String = text.chars().take(30).collect();
        let tail: String = text.chars().skip(text.chars().count() - 20).collect();
        format!("{head}…{tail}")
    } else {
        text
    }
}

fn describe_rules(source: &str) -> String {
    let diagnostics = dd_rules::check_source(source, "hostile.rules");
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    let mut out = String::new();
    for d in diagnostics.errors().chain(diagnostics.warnings()) {
        let (line, col) = line_col(source, d.span.start.min(source.len()));
        let level = match d.level {
            DiagnosticLevel::Error => "error",
            _ => "warning",
        };
        out.push_str(&format!(
            "{level} {} {line}:{col} `{}` {}\n",
            d.code,
            under(source, d),
            visible(&d.message)
        ));
    }
    // The rendering must work on every input, whatever its bytes, and show
    // no character that a terminal acts on or a reader cannot see.
    let rendered = diagnostics.render(dd_rules::Style::Plain);
    assert!(diagnostics.is_empty() || !rendered.is_empty());
    if let Some(c) = rendered
        .chars()
        .find(|&c| dd_rules::is_hidden(c) && c != '\n')
    {
        panic!(
            "the rendering shows U+{:04X} as it is:\n{}",
            u32::from(c),
            visible(&rendered)
        );
    }
    if out.is_empty() {
        out.push_str("no diagnostics\n");
    }
    out
}

/// The budget hostile rulesets are evaluated with: enough for any shape
/// that costs linear work, far too little for one that costs `n^k`.
const HOSTILE_BUDGET: u64 = 1_000_000;

/// For a ruleset that compiles, what evaluating it gives on the facts of
/// `<stem>.json` beside it (or `{}`: every fact unknown) with a budget of
/// [`HOSTILE_BUDGET`]: the disposition and the status of every flag, or the
/// budget error; and each flag explained (or over budget) too.
fn describe_evaluation(source: &str, facts_path: &Path) -> String {
    let Ok(rules) = RuleSet::compile(source, "hostile.rules") else {
        return String::new();
    };
    let rules = rules.with_budget(HOSTILE_BUDGET);
    let json = fs::read_to_string(facts_path).unwrap_or_else(|_| "{}".into());
    let facts = match rules.facts_from_json(&json) {
        Ok(facts) => facts,
        Err(e) => return format!("facts: {e}\n"),
    };
    let mut out = match rules.evaluate(&facts) {
        Ok(mut report) => {
            let mut line = format!("evaluated: {}", report.disposition());
            for f in report.flags() {
                line.push_str(&format!(" {}={:?}", f.id, f.status));
                if f.missing_truncated {
                    line.push_str(&format!("(missing {}+)", f.missing().len()));
                }
            }
            // The advice evaluates again, once per candidate answer: under
            // the same budget, and bounded.
            line.push_str(&match rules.advise(&mut report) {
                Ok(()) => {
                    let q = report.questionnaire().map_or(0, |q| q.questions.len());
                    let cut = report.questionnaire().is_some_and(|q| q.truncated);
                    let plans = report.remediation().map_or(0, |r| r.plans.len());
                    format!(
                        "\nadvised: {q} questions{}, {plans} plans",
                        if cut { " (truncated)" } else { "" }
                    )
                }
                Err(e) => format!("\nadvised: {e}"),
            });
            line + "\n"
        }
        Err(e) => format!("evaluated: {e}\n"),
    };
    for flag in rules.flags() {
        let explained = match rules.explain(&facts, flag.id) {
            Ok(Some(e)) => format!(
                "{:?}, {} predicates{}",
                e.value,
                e.predicates.len(),
                if e.truncated { ", truncated" } else { "" }
            ),
            Ok(None) => "none".into(),
            Err(e) => e.to_string(),
        };
        out.push_str(&format!("explained {}: {explained}\n", flag.id));
    }
    out
}

fn describe_facts(rules: &RuleSet, json: &str) -> String {
    match rules.evaluate_json(json) {
        Ok(report) => {
            let mut out = String::from("ok\n");
            for f in report.flags() {
                let status = match f.status {
                    Status::Raised => "raised",
                    Status::Clear => "clear",
                    _ => "unknown",
                };
                out.push_str(&format!("{} {status}", f.id));
                let missing: Vec<&str> = f.missing().collect();
                if !missing.is_empty() {
                    out.push_str(&format!(" (missing {})", missing.join(", ")));
                }
                out.push('\n');
            }
            out
        }
        Err(dd_rules::Error::Facts(e)) => format!(
            "error {}:{} at `{}`: {}\n",
            e.line,
            e.column,
            e.path,
            visible(&e.message)
        ),
        Err(e) => format!("error: {e}\n"),
    }
}

#[test]
fn hostile_rules_give_the_expected_diagnostics() {
    let mut failures = Vec::new();
    let inputs = inputs("rules", "rules");
    let count = inputs.len();
    for path in inputs {
        let source = fs::read_to_string(&path).unwrap();
        let described =
            describe_rules(&source) + &describe_evaluation(&source, &path.with_extension("json"));
        expect_file(&path.with_extension("expected"), &described, &mut failures);
    }
    finish("hostile rules", count, failures);
}

fn facts_rules() -> RuleSet {
    let path = root().join("facts/schema.rules");
    let rules = RuleSet::compile(&fs::read_to_string(path).unwrap(), "schema.rules").unwrap();
    assert!(rules.warnings().is_empty(), "{}", rules.warnings());
    rules
}

#[test]
fn hostile_facts_give_the_expected_results() {
    let rules = facts_rules();
    let mut failures = Vec::new();
    let inputs = inputs("facts", "json");
    let count = inputs.len();
    for path in inputs {
        let json = fs::read_to_string(&path).unwrap();
        let described = describe_facts(&rules, &json);
        expect_file(&path.with_extension("expected"), &described, &mut failures);
    }
    finish("hostile facts", count, failures);
}

// ------------------------------------------------------------ line endings

/// The diagnostics of a source with its code, line, column and the text
/// under the caret. Spans count from after a byte-order mark, which an
/// editor does not show.
fn located(source: &str) -> Vec<(String, usize, usize, String)> {
    let diagnostics = dd_rules::check_source(source, "x.rules");
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    diagnostics
        .errors()
        .chain(diagnostics.warnings())
        .map(|d| {
            let (line, col) = line_col(source, d.span.start);
            (d.code.to_string(), line, col, under(source, d))
        })
        .collect()
}

/// A ruleset with one mistake (`severty`) on line 8, column 3.
const ONE_MISTAKE: &str = "ruleset \"r\" {\n  version: \"1\"\n  title: \"t\"\n  source: \"s\"\n}\nfacts { a: bool }\nflag F.x {\n  severty: high step: 1 title: \"t\" when: a\n}\noutcomes { go }\ndisposition { otherwise => go }\n";

#[test]
fn columns_are_right_whatever_the_line_endings() {
    let lf = located(ONE_MISTAKE);
    assert_eq!(lf.len(), 1, "{lf:?}");
    assert_eq!((lf[0].1, lf[0].2), (8, 3), "{lf:?}");
    assert_eq!(lf[0].3, "severty");

    let crlf = ONE_MISTAKE.replace('\n', "\r\n");
    assert_eq!(located(&crlf), lf, "CRLF moves the diagnostic");

    // Every other line ending CRLF.
    let mixed: String = ONE_MISTAKE
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i % 2 == 0 {
                l.replace('\n', "\r\n")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_eq!(
        located(&mixed),
        lf,
        "mixed line endings move the diagnostic"
    );

    // The JSON form says the same line and column.
    let diagnostics = dd_rules::check_source(&crlf, "x.rules");
    let json: serde_json::Value = serde_json::from_str(&diagnostics.to_json()).unwrap();
    assert_eq!(json[0]["line"], 8, "{json}");
    assert_eq!(json[0]["column"], 3, "{json}");

    // The rendering points at line 8 and shows no carriage return.
    let rendered = diagnostics.render(dd_rules::Style::Plain);
    assert!(rendered.contains("x.rules:8:3"), "{rendered}");
    assert!(!rendered.contains('\r'), "{rendered:?}");
}

#[test]
fn a_byte_order_mark_and_tabs_do_not_move_columns() {
    let lf = located(ONE_MISTAKE);
    let bom = format!("\u{FEFF}{ONE_MISTAKE}");
    assert_eq!(located(&bom), lf);
    // On the first line too: the mark is not a column.
    let first_line = "\u{FEFF}rulset \"r\" {}".to_string();
    let found = located(&first_line);
    assert_eq!(
        (found[0].1, found[0].2, found[0].3.as_str()),
        (1, 1, "rulset")
    );
    let rendered = dd_rules::check_source(&first_line, "x.rules").render(dd_rules::Style::Plain);
    assert!(rendered.contains("x.rules:1:1"), "{rendered}");

    // A tab counts as one column, as in rustc's messages.
    let tabs = ONE_MISTAKE.replace("  severty", "\t\tseverty");
    let located_tabs = located(&tabs);
    assert_eq!((located_tabs[0].1, located_tabs[0].2), (8, 3));
    let rendered = dd_rules::check_source(&tabs, "x.rules").render(dd_rules::Style::Plain);
    assert!(rendered.contains("x.rules:8:3"), "{rendered}");
}

#[test]
fn facts_errors_name_the_right_line_and_column_whatever_the_line_endings() {
    let rules = facts_rules();
    let doc = "{\n  \"id\": \"t\",\n  \"score\": \"high\"\n}\n";
    let lf = rules.facts_from_json(doc).unwrap_err();
    // The last character of the offending value, as for every error.
    assert_eq!(
        (lf.line, lf.column, lf.path.as_str()),
        (3, 17, "score"),
        "{lf}"
    );
    let crlf = rules
        .facts_from_json(&doc.replace('\n', "\r\n"))
        .unwrap_err();
    assert_eq!((crlf.line, crlf.column), (lf.line, lf.column), "{crlf}");
    let bom = rules
        .facts_from_json(&format!("\u{FEFF}{doc}"))
        .unwrap_err();
    assert_eq!((bom.line, bom.column), (lf.line, lf.column), "{bom}");
    let bom_first_line = rules
        .facts_from_json("\u{FEFF}{\"score\": \"high\"}")
        .unwrap_err();
    assert_eq!(
        (bom_first_line.line, bom_first_line.column),
        (1, 16),
        "{bom_first_line}"
    );
}

// ------------------------------------------------------------ sizes

#[test]
fn very_long_lines_are_parsed_and_rendered() {
    // One line of 100 kB: a condition of 20,000 operands, then a mistake.
    let mut cond = String::from("a");
    for _ in 0..20_000 {
        cond.push_str(" or a");
    }
    let source = format!(
        "ruleset \"r\" {{ version: \"1\" title: \"t\" source: \"s\" }} facts {{ a: bool }} flag F.x {{ step: 1 severity: low title: \"t\" when: {cond} or b }} outcomes {{ go }} disposition {{ otherwise => go }}"
    );
    assert!(source.len() > 100_000);
    let found = located(&source);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "DD024");
    assert_eq!(found[0].1, 1);
    assert_eq!(found[0].3, "b");
    let rendered = dd_rules::check_source(&source, "x.rules").render(dd_rules::Style::Plain);
    assert!(
        rendered.len() < 2_000,
        "the long line is shown in full: {} bytes",
        rendered.len()
    );
}

#[test]
fn a_facts_document_over_the_size_limit_is_refused_before_parsing() {
    let rules = facts_rules();
    // Not even JSON: the size is checked first.
    let doc = " ".repeat(16 * 1024 * 1024 + 1);
    let e = rules.facts_from_json(&doc).unwrap_err();
    assert_eq!(
        e.message,
        "the facts document is 16777217 bytes long, more than the limit of 16777216 bytes"
    );
}

#[test]
fn facts_nested_deeper_than_the_limit_are_refused_with_a_position() {
    let rules = facts_rules();
    for depth in [65, 129, 100_000] {
        let doc = format!(
            "{{\"checks\":{}{}}}",
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        );
        let e = rules.facts_from_json(&doc).unwrap_err();
        assert_eq!(
            e.message, "arrays and objects are nested more than 64 deep",
            "{e}"
        );
        assert_eq!((e.line, e.column), (1, 74), "{e}");
    }
    // Within the limit, the nesting itself is fine and the type is what is wrong.
    let doc = format!("{{\"checks\":{}{}}}", "[".repeat(63), "]".repeat(63));
    let e = rules.facts_from_json(&doc).unwrap_err();
    assert_eq!(e.path, "checks[0]");
    assert_eq!(e.message, "expected a string, found an array");
}

#[test]
fn many_empty_list_elements_cannot_ask_for_much_memory() {
    let rules = facts_rules();
    // `Wide` has 64 slots: the limit of 2,097,152 slots allows 32,768 of them,
    // though each `{}` is 3 bytes of the document.
    let doc = |n: usize| format!("{{\"wides\": [{}{{}}]}}", "{},".repeat(n - 1));
    assert!(rules.facts_from_json(&doc(32_768)).is_ok());
    let e = rules.facts_from_json(&doc(32_769)).unwrap_err();
    assert_eq!(e.path, "wides[32768]", "{e}");
    assert!(
        e.message
            .starts_with("the list elements hold more than 2097152 fields"),
        "{e}"
    );
}

#[test]
fn a_ruleset_over_the_size_limit_is_dd004() {
    let source = format!("// {}\n", "x".repeat(4 * 1024 * 1024));
    let found = located(&source);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].0.as_str(), found[0].1, found[0].2),
        ("DD004", 1, 1)
    );
}

#[test]
fn thousands_of_errors_are_reported_as_the_first_hundred() {
    // 20,000 bad escapes: each is an error, but only 100 are kept, so that
    // rendering (which reads the source for each) stays fast.
    let source = format!(
        "ruleset \"r\" {{ version: \"1\" title: \"{}\" source: \"s\" }}",
        "\\q".repeat(20_000)
    );
    let diagnostics = dd_rules::check_source(&source, "x.rules");
    assert_eq!(diagnostics.errors().count(), 100);
    let last = diagnostics.warnings().last().unwrap();
    assert_eq!(last.code.to_string(), "DD108");
    assert_eq!(
        last.message,
        "only the first 100 diagnostics are reported; not shown: 19900 errors"
    );
    assert!(diagnostics.render(dd_rules::Style::Plain).len() < 200_000);
}

// ------------------------------------------------------------ huge keys and values

/// Room left in a 16 MiB document for one key or value, with the few bytes
/// of JSON around it.
const HUGE: usize = 16 * 1024 * 1024 - 64;

/// What an error quotes of `text`: its first 100 characters and its size.
fn quoted_start(text: &str) -> String {
    format!(
        "{}… ({} bytes in all)",
        text.chars().take(100).collect::<String>(),
        text.len()
    )
}

#[test]
fn a_huge_unknown_key_is_refused_quickly_and_quoted_in_part() {
    // The "did you mean" search used to build an edit-distance table of
    // (key length + 1) × (name length + 1) cells for every field: 2.4 GB for
    // this key, and the process aborted. A key that starts with a field's
    // name (`country…`) was a candidate as a prefix, too.
    let key = format!("country{}", "y".repeat(HUGE - 7));
    let doc = format!("{{\"{key}\": 1}}");
    assert!(doc.len() <= 16 * 1024 * 1024);
    for (rules, what) in [
        (RuleSet::bundled().unwrap(), "the facts"),
        (facts_rules(), "the facts"),
    ] {
        let e = rules.facts_from_json(&doc).unwrap_err();
        assert_eq!(e.path, quoted_start(&key), "{what}");
        assert_eq!(
            e.message,
            format!("unknown field `{}` in {what}", quoted_start(&key))
        );
        assert_eq!((e.line, e.column), (1, key.len() + 3));
        // The whole error, as printed, is short.
        assert!(e.to_string().len() < 400, "{} bytes", e.to_string().len());
    }
    // In a record, with control characters in the quoted part escaped.
    let key = format!("\u{1b}[8m{}", "n".repeat(HUGE - 20));
    let doc = format!(
        "{{\"country\": {{\"{}\": 1}}}}",
        key.replace('\u{1b}', "\\u001b")
    );
    let e = facts_rules().facts_from_json(&doc).unwrap_err();
    let shown = quoted_start(&key).replace('\u{1b}', "\\u{1B}");
    assert_eq!(e.path, format!("country.{shown}"));
    assert_eq!(e.message, format!("unknown field `{shown}` in `Country`"));
}

#[test]
fn a_huge_enum_value_is_refused_quickly_and_quoted_in_part() {
    let value = format!("high{}", "h".repeat(HUGE - 4));
    let rules = facts_rules();
    // A single value, and an element of a set.
    for (doc, path, expected) in [
        (
            format!("{{\"level\": \"{value}\"}}"),
            "level",
            "`Level`; expected one of `low`, `medium`, `high`",
        ),
        (
            format!("{{\"checks\": [\"{value}\"]}}"),
            "checks[0]",
            "`Check`; expected one of `sanctions`, `end_use`, `licence`",
        ),
    ] {
        let e = rules.facts_from_json(&doc).unwrap_err();
        assert_eq!(e.path, path);
        assert_eq!(
            e.message,
            format!("`{}` is not a value of {expected}", quoted_start(&value))
        );
    }
    // The bundled ruleset's largest enum.
    let doc = format!("{{\"end_user\": {{\"kind\": \"{value}\"}}}}");
    let e = RuleSet::bundled()
        .unwrap()
        .facts_from_json(&doc)
        .unwrap_err();
    assert_eq!(e.path, "end_user.kind");
    assert!(
        e.message.starts_with(&format!(
            "`{}` is not a value of `EndUserKind`; expected one of `",
            quoted_start(&value)
        )),
        "{}",
        e.message
    );
}

#[test]
fn huge_numbers_strings_and_provenance_keys_are_quoted_in_part() {
    let rules = facts_rules();
    let digits = "7".repeat(HUGE);
    let string = "s".repeat(HUGE);
    for (doc, path, message) in [
        (
            format!("{{\"score\": {digits}}}"),
            "score",
            format!(
                "the number {} does not fit in 64 bits",
                quoted_start(&digits)
            ),
        ),
        (
            format!("{{\"score\": {digits}.5}}"),
            "score",
            format!(
                "expected a whole number, found `{}`",
                quoted_start(&format!("{digits}.5"))
            ),
        ),
        (
            format!("{{\"ratio\": 0.{digits}}}"),
            "ratio",
            format!(
                "the number {} cannot be held exactly: more than 28 significant digits",
                quoted_start(&format!("0.{digits}"))
            ),
        ),
        (
            format!("{{\"ratio\": \"{string}\"}}"),
            "ratio",
            format!(
                "expected a decimal number or null, found the string {}",
                quoted_start(&format!("\"{string}\""))
            ),
        ),
        (
            format!("{{\"level\": 1, \"label\": true, \"checks\": \"{string}\"}}"),
            "level",
            "expected a value of `Level` as a string, or null, found the number 1".to_string(),
        ),
        (
            format!("{{\"checks\": \"{string}\"}}"),
            "checks",
            format!(
                "expected an array of `Check` values, or null, found the string {}",
                quoted_start(&format!("\"{string}\""))
            ),
        ),
        (
            format!("{{\"label\": {{\"value\": \"x\", \"{string}\": 1}}}}"),
            "label",
            format!(
                "unknown key `{}` in a fact with provenance; the keys are `value`, `source` and `as_of`",
                quoted_start(&string)
            ),
        ),
        (
            format!("{{\"score\": {{\"value\": 1, \"{string}\": 1}}}}"),
            "score",
            format!(
                "in a fact with provenance: unknown field `{}`, expected one of `value`, `source`, `as_of`",
                quoted_start(&string)
            ),
        ),
    ] {
        let e = rules.facts_from_json(&doc).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            (path, message.as_str())
        );
    }
}
