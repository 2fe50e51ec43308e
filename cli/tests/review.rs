//! The reports for review, `eval --format html` and `eval --format
//! markdown`: every example renders in both, two examples match their
//! golden files (`cli/tests/golden/`; `DD_BLESS=1` rewrites them, as for
//! the library's golden files), nothing from hostile rules or facts
//! reaches the page as markup, and the options that do not go together
//! are usage errors.

mod common;
#[path = "../../tests/golden/mod.rs"]
mod golden;

use common::{TempDir, arg, dd};

const POLICE: &str = "examples/transactions/face-recognition-national-police.json";
const PARTIAL: &str = "examples/transactions/partial-facts.json";
const MARKUP_RULES: &str = "tests/hostile/cli/markup.rules";
const MARKUP_FACTS: &str = "tests/hostile/cli/markup.json";

/// Every example transaction, sorted.
fn examples() -> Vec<String> {
    let dir = common::workspace().join("examples/transactions");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the examples")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".json"))
        .map(|n| format!("examples/transactions/{n}"))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    names
}

/// The disposition and the ids of the raised flags, from the JSON report.
fn raised(example: &str) -> (String, Vec<String>) {
    let json = dd(["eval", "--format", "json", example]).code(0).json();
    let disposition = json["disposition"].as_str().expect("a disposition");
    let words = disposition.replace('_', " ").to_uppercase();
    let ids = json["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .filter(|f| f["status"] == "raised")
        .map(|f| f["id"].as_str().expect("an id").to_string())
        .collect();
    (words, ids)
}

#[test]
fn every_example_renders_in_both_forms_with_its_disposition_and_raised_flags() {
    for example in examples() {
        let (disposition, ids) = raised(&example);
        for format in ["html", "markdown"] {
            let run = dd(["eval", "--format", format, &example]);
            run.code(0).stdout_has(&disposition);
            for id in &ids {
                // Markdown quotes ids in code spans, so they are as written.
                run.stdout_has(id);
            }
            run.stdout_has("recommendation for human review, not a legal clearance");
        }
    }
}

#[test]
fn the_html_page_is_self_contained() {
    for example in examples() {
        let html = dd(["eval", "--format", "html", &example])
            .code(0)
            .stdout
            .clone();
        assert!(html.starts_with("<!DOCTYPE html>"), "{example}");
        assert!(html.ends_with("</html>\n"), "{example}");
        for outside in [
            "<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http://",
            "https://",
        ] {
            assert!(!html.contains(outside), "{example} holds `{outside}`");
        }
        assert!(html.contains("@media print"), "{example}");
        assert!(html.contains("Reviewer sign-off"), "{example}");
    }
}

#[test]
fn the_html_page_holds_each_explanation_collapsed() {
    let run = dd(["eval", "--format", "html", PARTIAL]);
    let html = &run.code(0).stdout;
    assert!(
        html.contains(
            "<details class=\"why\">\n<summary>Why S1.named_capability is raised</summary>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<summary>Why S2.sanctioned is unknown</summary>"),
        "{html}"
    );
}

#[test]
fn markdown_adds_the_explanations_with_explain() {
    let plain = dd(["eval", "--format", "markdown", PARTIAL]);
    assert!(!plain.code(0).stdout.contains("## Explanations"));
    let explained = dd(["eval", "--format", "markdown", "--explain", PARTIAL]);
    explained
        .code(0)
        .stdout_has("## Explanations")
        .stdout_has("<details><summary>Why S2.sanctioned is unknown</summary>")
        .stdout_has("```text\nS2.sanctioned is unknown because:");
}

#[test]
fn golden_reports() {
    let mut failures = Vec::new();
    let dir = golden::crate_root().join("tests/golden");
    let cases = [
        (
            "face-recognition-national-police.html",
            vec!["--format", "html", "--date", "2026-03-01", POLICE],
        ),
        // The text report, default and `--verbose`, beside the reports for
        // review (`cli/tests/eval.rs` checks its layout on every example).
        (
            "face-recognition-national-police.txt",
            vec!["--color", "never", POLICE],
        ),
        (
            "partial-facts.verbose.txt",
            vec!["--color", "never", "--verbose", PARTIAL],
        ),
        (
            "partial-facts.md",
            vec![
                "--format",
                "markdown",
                "--date",
                "2026-03-01",
                "--explain",
                PARTIAL,
            ],
        ),
    ];
    for (name, args) in &cases {
        let run = dd(std::iter::once("eval").chain(args.iter().copied()));
        run.code(0);
        golden::expect_file(&dir.join(name), &run.stdout, &mut failures);
    }
    golden::finish("golden report", cases.len(), failures);
}

#[test]
fn the_same_input_gives_the_same_page() {
    let first = dd(["eval", "--format", "html", POLICE]);
    let second = dd(["eval", "--format", "html", POLICE]);
    assert_eq!(first.code(0).stdout, second.code(0).stdout);
    // Without `--date` the page has no date line.
    assert!(!first.stdout.contains("<dt>Date</dt>"));
    let dated = dd(["eval", "--format", "html", "--date", "2024-02-29", POLICE]);
    dated.code(0).stdout_has("<dt>Date</dt><dd>2024-02-29</dd>");
}

/// The tags the HTML renderer writes; any other in a page came from data.
const TAGS: &[&str] = &[
    "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "main", "header", "p", "h1",
    "h2", "h3", "h4", "span", "strong", "dl", "dt", "dd", "code", "section", "table", "thead",
    "tbody", "tr", "th", "td", "ul", "ol", "li", "div", "article", "details", "summary", "br",
    "footer",
];

/// Hidden characters that must never reach a report as they are.
const HIDDEN: &[char] = &[
    '\u{7}', '\u{1B}', '\u{202E}', '\u{200B}', '\u{200D}', '\u{2066}', '\n',
];

#[test]
fn hostile_rules_and_facts_never_become_html() {
    let run = dd([
        "eval",
        "--rules",
        MARKUP_RULES,
        "--format",
        "html",
        MARKUP_FACTS,
    ]);
    let html = &run.code(0).stdout;
    assert!(!html.contains("<script"), "{html}");
    // Every `<` opens one of the renderer's own tags.
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        assert!(
            TAGS.contains(&name.as_str()),
            "a `<{name}` from the data at byte {i}: {}",
            &html[i..(i + 80).min(html.len())]
        );
    }
    // No quote from the data can end an attribute: the renderer's
    // attributes hold only its own class names.
    for attr in html.split("class=\"").skip(1) {
        let value = attr.split('"').next().unwrap_or_default();
        assert!(
            value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " -_".contains(c)),
            "class=\"{value}\""
        );
    }
    for c in HIDDEN.iter().filter(|c| **c != '\n') {
        assert!(
            !html.contains(*c),
            "U+{:04X} reached the page",
            u32::from(*c)
        );
    }
    // What the data held is there, made visible and escaped.
    for shown in [
        "T&lt;script&gt;alert(1)&lt;/script&gt;\\u{A}| x |\\u{202E}\\u{200B}\\u{7}",
        "&lt;script&gt;alert(1)&lt;/script&gt; 1.0 &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; &#39;q&#39;",
        "\\u{202E}evil\\u{200B}",
        "source: &lt;script&gt;alert(&#39;src&#39;)&lt;/script&gt;|\\u{200D}, as of 2025 &lt;i&gt;x&lt;/i&gt;\\u{2066}",
        "&lt;script&gt;alert(&#39;party&#39;)&lt;/script&gt; | A (# role\\u{A}- item)",
        "Cut &lt;script&gt;alert(&#39;sg&#39;)&lt;/script&gt; off",
        "Clear &lt;/ul&gt;&lt;/section&gt;&lt;script&gt;alert(2)&lt;/script&gt;",
    ] {
        assert!(html.contains(shown), "`{shown}` not in {html}");
    }
}

/// The cells of a Markdown table row: split at each `|` not escaped with a
/// backslash.
fn cells(row: &str) -> usize {
    let mut count = 0usize;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count.saturating_sub(1)
}

#[test]
fn hostile_rules_and_facts_never_become_markdown() {
    let run = dd([
        "eval",
        "--rules",
        MARKUP_RULES,
        "--format",
        "markdown",
        "--explain",
        MARKUP_FACTS,
    ]);
    let md = &run.code(0).stdout;
    for c in HIDDEN.iter().filter(|c| **c != '\n') {
        assert!(!md.contains(*c), "U+{:04X} reached the text", u32::from(*c));
    }
    let mut fenced = false;
    let mut columns: Option<usize> = None;
    for line in md.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Each row of a table has as many cells as its header.
        if line.starts_with('|') {
            let n = cells(line);
            match columns {
                None => columns = Some(n),
                Some(expected) => assert_eq!(n, expected, "a broken row: {line}"),
            }
        } else {
            columns = None;
        }
        // Outside code, every `<` is escaped or one of the renderer's own
        // tags, and no heading comes from the data.
        let outside_code: String = line.split('`').step_by(2).collect();
        for (i, _) in outside_code.match_indices('<') {
            let before = &outside_code[..i];
            let rest = &outside_code[i..];
            assert!(
                before.ends_with('\\')
                    || ["<br>", "<details>", "</details>", "<summary>", "</summary>"]
                        .iter()
                        .any(|t| rest.starts_with(t)),
                "an unescaped `<` in: {line}"
            );
        }
        if line.starts_with('#') {
            assert!(
                !line.contains("Heading <") && !line.contains("role"),
                "a heading from the data: {line}"
            );
        }
    }
    assert!(!fenced, "an unclosed fence");
    // The data is there, escaped.
    for shown in [
        r"T\<script\>alert(1)\</script\>\\u{A}\| x \|\\u{202E}\\u{200B}\\u{7}",
        r"\# Heading \<script\>alert(1)\</script\> \| cell",
        r"\*x\* \_y\_ \[l\](u)",
        r"\<script\>alert('party')\</script\> \| A (\# role\\u{A}- item)",
    ] {
        assert!(md.contains(shown), "`{shown}` not in {md}");
    }
}

#[test]
fn a_stream_is_refused_for_review_with_a_usage_error() {
    let dir = TempDir::new("review-stream");
    let stream = dir.write("tx.ndjson", "{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
    for format in ["html", "markdown"] {
        dd(["eval", "--format", format, &arg(&stream)])
            .code(2)
            .stdout_empty()
            .stderr_has(&format!(
                "`--format {format}` takes one JSON document, not an NDJSON stream"
            ));
    }
}

#[test]
fn date_is_checked_and_only_for_the_reports_for_review() {
    dd(["eval", "--format", "html", "--date", "2026-02-30", POLICE])
        .code(2)
        .stdout_empty()
        .stderr_has("not a date of the form YYYY-MM-DD");
    dd(["eval", "--format", "json", "--date", "2026-02-03", POLICE])
        .code(2)
        .stdout_empty()
        .stderr_has("`--date` is printed on `--format html` and `--format markdown` reports only");
    dd(["eval", "--date", "2026-02-03", POLICE]).code(2);
}
