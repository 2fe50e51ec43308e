//! The README's ledger workflow, end to end: evaluate a ledger into
//! decision records, summarise them (for the team and as the public step-8
//! summary), and see the impact of a rule change with `diff`.

mod common;

use common::{TempDir, arg, dd, examples, workspace};
use serde_json::Value;

/// A ledger of the example transactions, each three times under its own id.
fn ledger(dir: &TempDir) -> (std::path::PathBuf, usize) {
    let mut lines = Vec::new();
    for file in examples() {
        let text = std::fs::read_to_string(&file).expect("read an example");
        let doc: Value = serde_json::from_str(&text).expect("an example is JSON");
        for copy in 0..3 {
            let mut doc = doc.clone();
            let id = format!("{}-{copy}", doc["id"].as_str().unwrap_or("tx"));
            doc["id"] = Value::String(id);
            lines.push(doc.to_string());
        }
    }
    let n = lines.len();
    (dir.write("ledger.ndjson", lines.join("\n") + "\n"), n)
}

#[test]
fn the_readme_ledger_workflow_runs_end_to_end() {
    let dir = TempDir::new("workflow");
    let (ledger, n) = ledger(&dir);

    // 2. Decision records, one a transaction, with the fact to break down by.
    let run = dd([
        "eval",
        "-q",
        "--format",
        "decision",
        "--record-fact",
        "end_user.kind",
        "--at",
        "2026-06-30",
        &arg(&ledger),
    ]);
    run.code(0);
    let records: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record is JSON"))
        .collect();
    assert_eq!(records.len(), n);
    assert!(records.iter().all(|r| r["at"] == "2026-06-30"));
    let decisions = dir.write("decisions.ndjson", &run.stdout);

    // 3. The summary counts them all, by disposition and by end-user kind.
    let summary = dd([
        "summary",
        "--format",
        "json",
        "--by",
        "end_user.kind",
        &arg(&decisions),
    ]);
    let summary = summary.code(0).json();
    let text = summary.to_string();
    for r in &records {
        let d = r["disposition"].as_str().expect("a disposition");
        assert!(text.contains(d), "{d} not in the summary");
    }
    assert!(text.contains("national_police"), "{text}");
    assert!(text.contains(&format!("{n}")), "{text}");

    // ... and the public step-8 page names no transaction.
    let page = dir.path().join("step8.html");
    dd([
        "summary",
        "--public",
        "--period",
        "2026",
        "--by",
        "end_user.kind",
        "--format",
        "html",
        "-o",
        &arg(&page),
        &arg(&decisions),
    ])
    .code(0);
    let html = std::fs::read_to_string(&page).expect("the page is written");
    assert!(html.contains("<svg"), "the page has its charts");
    for r in &records {
        let id = r["transaction"].as_str().expect("an id");
        assert!(!html.contains(id), "{id} on the public page");
    }

    // 4. A proposed change: a lower bar for a poor record. The diff names
    // the predicate, and the impact is what evaluating both gives.
    let bundled = workspace().join("rulesets/us-state-2020.rules");
    let source = std::fs::read_to_string(&bundled).expect("the bundled ruleset");
    let proposed_source =
        source.replace("country.freedom_score < 35", "country.freedom_score < 40");
    assert_ne!(source, proposed_source, "the edit applies");
    let proposed = dir.write("proposed.rules", proposed_source);
    let diff = dd([
        "diff",
        "--format",
        "json",
        &arg(&bundled),
        &arg(&proposed),
        &arg(&ledger),
    ]);
    let diff = diff.code(0).json();
    let changed = diff.to_string();
    assert!(changed.contains("poor_record"), "{changed}");
    // A bar raised only makes flags easier to raise: nothing becomes looser.
    dd([
        "diff",
        "--fail-on-looser",
        &arg(&bundled),
        &arg(&proposed),
        &arg(&ledger),
    ])
    .code(0);
}
