//! `dd-rules summary`: exact counts over decision records and full reports
//! mixed, rejected lines with their numbers, breakdowns by a set fact and
//! by month, the cap on distinct values, the public summary (no id, no
//! fact value, small groups suppressed with their complement), hostile text
//! escaped in every format, and the golden Markdown and HTML.

mod common;
#[path = "../../tests/golden/mod.rs"]
mod golden;

use common::{TempDir, arg, dd, dd_with_stdin};
use serde_json::{Value, json};

const DIGEST: &str = "sha256:b05b1c300fb8d2765eb42f6d1c90bb40b71ba1c05ee7c6a6ec0bf4929c2210c7";

/// A decision record in the contract's key order.
fn decision(
    tx: &str,
    disposition: &str,
    raised: &[&str],
    mitigated: &[&str],
    unknown: &[&str],
    facts: Value,
    at: &str,
) -> String {
    let mut record = serde_json::Map::new();
    record.insert("transaction".into(), json!(tx));
    record.insert(
        "ruleset".into(),
        json!({"name": "us-state-2020", "version": "1.0.0", "digest": DIGEST}),
    );
    record.insert("scope".into(), json!("in"));
    record.insert("disposition".into(), json!(disposition));
    record.insert("raised".into(), json!(raised));
    record.insert("mitigated".into(), json!(mitigated));
    record.insert("unknown".into(), json!(unknown));
    record.insert("missing_facts".into(), json!(["end_user.sanctioned"]));
    record.insert("facts".into(), facts);
    record.insert("at".into(), json!(at));
    Value::Object(record).to_string()
}

/// The full report of an example transaction, on one line.
fn full_report(example: &str) -> (String, Value) {
    let json = dd(["eval", "--format", "json", example]).code(0).json();
    (json.to_string(), json)
}

fn summary_json(args: &[&str], input: &str) -> Value {
    let mut all = vec!["summary", "--format", "json"];
    all.extend_from_slice(args);
    let run = dd_with_stdin(all, Some(input));
    run.code(0);
    serde_json::from_str(&run.stdout).expect("the summary is JSON")
}

fn count(rows: &Value, key: &str, name: &str, field: &str) -> Value {
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r[key] == name)
        .unwrap_or_else(|| panic!("no row {name} in {rows}"))[field]
        .clone()
}

#[test]
fn counts_are_exact_over_both_forms_mixed() {
    let (report, full) = full_report("examples/transactions/face-recognition-national-police.json");
    let raised: Vec<&str> = full["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "raised")
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    let disposition = full["disposition"].as_str().unwrap().to_string();
    let input = [
        decision(
            "T-1",
            "escalate",
            &["S2.sanctioned", "S1.bulk_scale"],
            &["S1.bulk_scale"],
            &["S3.targets_groups"],
            json!({}),
            "2026-01-05",
        ),
        decision(
            "T-2",
            "proceed",
            &[],
            &[],
            &["S3.targets_groups"],
            json!({}),
            "2026-02-05",
        ),
        report.clone(),
        String::new(),
        decision(
            "T-3",
            "escalate",
            &["S2.sanctioned"],
            &[],
            &[],
            json!({}),
            "2026-02-07",
        ),
    ]
    .join("\n");
    let s = summary_json(&[], &input);
    assert_eq!(s["records"], 4);
    assert_eq!(s["decision_records"], 3);
    assert_eq!(s["full_reports"], 1);
    assert_eq!(s["lines"], 5);
    assert_eq!(s["rejected"], 0);
    let escalate = 2 + u64::from(disposition == "escalate");
    assert_eq!(
        count(&s["dispositions"], "name", "escalate", "records"),
        escalate
    );
    assert_eq!(
        count(&s["dispositions"], "name", "proceed", "records"),
        1 + u64::from(disposition == "proceed")
    );
    let sanctioned = 2 + u64::from(raised.contains(&"S2.sanctioned"));
    assert_eq!(
        count(&s["flags"], "id", "S2.sanctioned", "raised"),
        sanctioned
    );
    assert_eq!(count(&s["flags"], "id", "S2.sanctioned", "mitigated"), 0);
    assert!(
        count(&s["flags"], "id", "S1.bulk_scale", "mitigated")
            .as_u64()
            .unwrap()
            >= 1
    );
    // Every flag the report raised is counted once from it.
    for id in &raised {
        let extra = match *id {
            "S2.sanctioned" => 2,
            "S1.bulk_scale" => 1,
            _ => 0,
        };
        assert_eq!(count(&s["flags"], "id", id, "raised"), 1 + extra, "{id}");
    }
    // Flags ranked by raised count.
    let ranked: Vec<u64> = s["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["raised"].as_u64().unwrap())
        .collect();
    assert!(ranked.windows(2).all(|w| w[0] >= w[1]), "{ranked:?}");
    assert_eq!(
        count(&s["scopes"], "name", "in", "records"),
        3 + u64::from(full["scope"]["status"] == "in")
    );
    assert!(
        count(&s["missing_facts"], "path", "end_user.sanctioned", "count")
            .as_u64()
            .unwrap()
            >= 3
    );
    assert_eq!(s["rulesets"].as_array().unwrap().len(), 1);
    assert_eq!(s["rulesets"][0]["records"], 4);
    assert_eq!(
        s["period"],
        json!({"from": "2026-01-05", "to": "2026-02-07"})
    );
}

#[test]
fn rejected_lines_are_counted_with_their_numbers() {
    let good = decision("T-1", "proceed", &[], &[], &[], json!({}), "2026-01-01");
    let input = format!(
        "{good}\nnot json\n{{\"line\": 7, \"error\": {{\"message\": \"bad facts\"}}}}\n{{\"transaction\": \"T-9\"}}\n{good}\n"
    );
    let s = summary_json(&[], &input);
    assert_eq!(s["records"], 2);
    assert_eq!(s["rejected"], 3);
    assert_eq!(s["rejected_here"], 2);
    assert_eq!(s["rejected_upstream"], 1);
    let first: Vec<(u64, String)> = s["first_rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(first.iter().map(|e| e.0).collect::<Vec<_>>(), [2, 3, 4]);
    assert!(first[0].1.contains("not JSON"), "{first:?}");
    assert!(
        first[1].1.contains("line 7") && first[1].1.contains("bad facts"),
        "{first:?}"
    );
    assert!(first[2].1.contains("disposition"), "{first:?}");
    let text = dd_with_stdin(["summary"], Some(&input));
    text.code(0)
        .stdout_has("line 2: not JSON")
        .stdout_has("Rejected  3 lines");
}

#[test]
fn breakdowns_count_each_element_of_a_set_and_group_dates_by_month() {
    let caps = |c: &[&str]| json!({"product.capabilities": c, "deployment.start": "2026-03-04"});
    let input = [
        decision(
            "T-1",
            "escalate",
            &[],
            &[],
            &[],
            caps(&["facial_recognition", "drone"]),
            "2026-01-05T09:00:00Z",
        ),
        decision(
            "T-2",
            "proceed",
            &[],
            &[],
            &[],
            caps(&["drone"]),
            "2026-01-20T09:00:00Z",
        ),
        decision(
            "T-3",
            "proceed",
            &[],
            &[],
            &[],
            caps(&[]),
            "2026-02-01T00:00:00Z",
        ),
        decision("T-4", "proceed", &[], &[], &[], json!({}), "not a date"),
    ]
    .join("\n");
    let s = summary_json(
        &[
            "--by",
            "product.capabilities",
            "--by",
            "at:month",
            "--by",
            "deployment.start:month",
        ],
        &input,
    );
    let rows = &s["breakdowns"][0]["rows"];
    assert_eq!(count(rows, "value", "drone", "records"), 2);
    assert_eq!(count(rows, "value", "facial_recognition", "records"), 1);
    assert_eq!(count(rows, "value", "(none)", "records"), 1);
    assert_eq!(count(rows, "value", "(unknown)", "records"), 1);
    // Dispositions within a row, in the ruleset's order (least strict first).
    let names: Vec<&str> = s["dispositions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    let drone = count(rows, "value", "drone", "dispositions");
    let at = |name: &str| drone[names.iter().position(|n| *n == name).unwrap()].clone();
    assert_eq!((at("proceed"), at("escalate")), (json!(1), json!(1)));
    // The records' own `at` by month, and a fact's date by month.
    let at_month = &s["breakdowns"][1]["rows"];
    assert_eq!(count(at_month, "value", "2026-01", "records"), 2);
    assert_eq!(count(at_month, "value", "2026-02", "records"), 1);
    assert_eq!(count(at_month, "value", "(not a date)", "records"), 1);
    let months = &s["breakdowns"][2]["rows"];
    assert_eq!(count(months, "value", "2026-03", "records"), 3);
    assert_eq!(count(months, "value", "(unknown)", "records"), 1);
    assert_eq!(s["breakdowns"][2]["month"], true);
}

#[test]
fn distinct_values_past_the_cap_are_counted_under_other() {
    let dir = TempDir::new("summary-cap");
    let mut input = String::new();
    for i in 0..10_002 {
        input.push_str(&decision(
            &format!("T-{i}"),
            "proceed",
            &[],
            &[],
            &[],
            json!({"end_user.name": format!("name {i}")}),
            "2026-01-01",
        ));
        input.push('\n');
    }
    let path = dir.write("many.ndjson", &input);
    let run = dd([
        "summary",
        "--format",
        "json",
        "--by",
        "end_user.name",
        &arg(&path),
    ]);
    run.code(0)
        .stderr_has("more than 10000 distinct values of `end_user.name`");
    let s = run.json();
    let b = &s["breakdowns"][0];
    assert_eq!(b["capped"], true);
    assert_eq!(b["rows"].as_array().unwrap().len(), 10_001);
    assert_eq!(count(&b["rows"], "value", "(other)", "records"), 2);
}

/// Records with distinctive ids and string facts, none of which a public
/// summary may print.
fn secret_input() -> (String, Vec<String>) {
    let mut lines = Vec::new();
    let mut secrets = Vec::new();
    for i in 0..12 {
        let tx = format!("TXSECRET{i:03}");
        let name = format!("Agency Zqx{i}");
        let end_use = format!("watch Quuxville{i}");
        let kind = if i < 11 { "national_police" } else { "prisons" };
        let disposition = if i < 10 { "escalate" } else { "proceed" };
        let facts = json!({"end_user.kind": kind, "end_user.name": name, "end_user.stated_end_use": end_use, "product.capabilities": ["drone"]});
        lines.push(decision(
            &tx,
            disposition,
            &["S2.sanctioned"],
            &[],
            &["S3.targets_groups"],
            facts,
            "2026-03-01T10:00:00Z",
        ));
        secrets.extend([tx, name, end_use]);
    }
    // A full report too: its id and quoted strings stay out.
    let (report, full) = full_report("examples/transactions/face-recognition-national-police.json");
    lines.push(report);
    secrets.push(full["transaction"].as_str().unwrap().to_string());
    let mut quoted = 0;
    for value in full["facts"].as_object().unwrap().values() {
        if let Some(s) = value.as_str()
            && s.len() > 3
            && !s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            secrets.push(s.to_string());
            quoted += 1;
        }
    }
    assert!(quoted > 0, "the full report quotes no free text");
    (lines.join("\n") + "\n", secrets)
}

#[test]
fn a_public_summary_holds_no_id_no_fact_value_and_suppresses_small_groups() {
    let (input, secrets) = secret_input();
    assert!(secrets.len() > 30);
    for format in ["text", "json", "markdown", "html"] {
        let run = dd_with_stdin(
            [
                "summary",
                "--public",
                "--format",
                format,
                "--by",
                "end_user.kind",
                "--by",
                "product.capabilities",
            ],
            Some(&input),
        );
        run.code(0)
            .stdout_has(DIGEST)
            .stdout_has("not a legal clearance");
        for secret in &secrets {
            assert!(
                !run.stdout.contains(secret.as_str()),
                "{format}: `{secret}` is in the public summary"
            );
        }
    }
    let s = summary_json(&["--public", "--by", "end_user.kind"], &input);
    assert_eq!(s["min_group"], 5);
    assert_eq!(s["records"], 13);
    assert!(s.get("first_rejections").is_none() && s.get("lines").is_none());
    // 2 proceed (and 1 from the report, whatever its disposition) against
    // 10 escalate: the small count is suppressed, and a second one with it
    // so that the total does not give it away.
    let cells: Vec<Value> = s["dispositions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["records"].clone())
        .collect();
    let hidden = cells.iter().filter(|c| c.is_null()).count();
    assert!(hidden >= 2, "{cells:?}");
    let rows = &s["breakdowns"][0]["rows"];
    // One prison record: suppressed, and the only other row with it, since
    // the records' total is shown.
    assert_eq!(count(rows, "value", "prisons", "records"), Value::Null);
    assert_eq!(
        count(rows, "value", "national_police", "records"),
        Value::Null
    );
    // Within a row, a lone small cell takes a second one with it.
    for row in rows.as_array().unwrap() {
        if row["records"].is_null() {
            continue;
        }
        let hidden = row["dispositions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c.is_null())
            .count();
        assert_ne!(hidden, 1, "{row}");
    }
    // A string fact cannot be broken down publicly; a threshold below 2 is refused.
    dd_with_stdin(
        ["summary", "--public", "--by", "end_user.name"],
        Some(&input),
    )
    .code(2)
    .stderr_has("bool, enum or set fact");
    dd_with_stdin(["summary", "--public", "--min-group", "1"], Some(&input)).code(2);
    dd_with_stdin(["summary", "--min-group", "3"], Some(&input)).code(2);
    // The period as given.
    dd_with_stdin(["summary", "--public", "--period", "2026"], Some(&input))
        .code(0)
        .stdout_has("Period    2026");
}

#[test]
fn hostile_text_is_escaped_in_every_format_and_the_page_is_self_contained() {
    let evil = "<script>alert('x')</script>\"\u{202e}evil";
    let input = [
        decision(
            "T-1",
            evil,
            &[evil],
            &[],
            &[],
            json!({"end_user.name": evil}),
            evil,
        ),
        decision(
            "T-2",
            "proceed",
            &[],
            &[],
            &[],
            json!({"end_user.name": "a & b"}),
            "2026-01-01",
        ),
    ]
    .join("\n");
    let html = dd_with_stdin(
        ["summary", "--format", "html", "--by", "end_user.name"],
        Some(&input),
    );
    html.code(0)
        .nowhere("<script")
        .nowhere("http")
        .nowhere("\u{202e}")
        .nowhere("'x'");
    html.stdout_has("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;")
        .stdout_has("a &amp; b");
    // Well-formed enough: every element opened is closed.
    for tag in [
        "html", "body", "main", "table", "svg", "tr", "td", "th", "h2", "dl", "p",
    ] {
        let open = html.stdout.matches(&format!("<{tag}>")).count()
            + html.stdout.matches(&format!("<{tag} ")).count();
        let close = html.stdout.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}>");
    }
    // Text for a terminal prints markup as it is, but nothing hidden.
    for format in ["text", "markdown", "json"] {
        let run = dd_with_stdin(
            ["summary", "--format", format, "--by", "end_user.name"],
            Some(&input),
        );
        run.code(0).nowhere("\u{202e}");
        run.printable();
        if format == "markdown" {
            run.nowhere("<script>");
        }
    }
}

#[test]
fn the_markdown_and_html_summaries_match_their_golden_files() {
    let mut lines = Vec::new();
    for i in 0..40 {
        let disposition = ["proceed", "escalate", "do_not_proceed", "gather_facts"][i % 4];
        let kind = ["national_police", "prisons", "regulator"][i % 3];
        let raised: &[&str] = match i % 5 {
            0 => &["S2.sanctioned"],
            1 | 2 => &["S1.bulk_scale", "S2.no_oversight"],
            _ => &[],
        };
        let mitigated: &[&str] = if i % 5 == 2 {
            &["S2.no_oversight"]
        } else {
            &[]
        };
        let caps = &["drone", "facial_recognition"][..(i % 2 + 1)];
        let facts = json!({"end_user.kind": kind, "product.capabilities": caps});
        lines.push(decision(
            &format!("G-{i}"),
            disposition,
            raised,
            mitigated,
            &["S3.targets_groups"],
            facts,
            &format!("2026-{:02}-10", i % 12 + 1),
        ));
    }
    let input = lines.join("\n");
    let mut failures = Vec::new();
    let dir = golden::crate_root().join("tests/golden");
    for (format, file, public) in [
        ("markdown", "summary.md", false),
        ("html", "summary-public.html", true),
    ] {
        let mut args = vec![
            "summary",
            "--format",
            format,
            "--by",
            "end_user.kind",
            "--by",
            "product.capabilities",
        ];
        if public {
            args.push("--public");
        } else {
            args.extend(["--by", "at:month"]);
        }
        let run = dd_with_stdin(args, Some(&input));
        run.code(0);
        golden::expect_file(&dir.join(file), &run.stdout, &mut failures);
    }
    golden::finish("summary golden", 2, failures);
}
