//! `dd-rules summary` on one thread and on several gives the same bytes, in
//! every format, over a ledger of several read blocks (4 MiB each) with
//! rejected lines, error records, full reports, escaped strings and more
//! distinct values than a counter holds mixed in; and the counts and the
//! first rejected lines' numbers are the ones the ledger was made with.

mod common;

use common::{TempDir, arg, bounded, dd, run};
use serde_json::{Value, json};

const DIGEST: &str = "sha256:b05b1c300fb8d2765eb42f6d1c90bb40b71ba1c05ee7c6a6ec0bf4929c2210c7";

/// The lines of the ledger.
const LINES: usize = 18_000;

/// What the ledger holds, as made.
struct Ledger {
    text: String,
    records: u64,
    /// The numbers of the rejected lines (here or by eval), in order.
    rejected: Vec<u64>,
}

/// A decision record of line `i`, every so often with an escaped string
/// (which the fast reader leaves to serde).
fn record(i: usize) -> String {
    let flags = [
        "S1.named_capability",
        "S1.bulk_scale",
        "S2.no_oversight",
        "S2.sanctioned",
        "S3.targets_groups",
        "S3.compelled_access",
        "S4.onward_transfer",
    ];
    let pick = |k: usize, n: usize| -> Vec<&str> {
        (0..n)
            .map(|j| flags[(i * k + j * 3) % flags.len()])
            .collect()
    };
    let disposition = [
        "proceed",
        "escalate",
        "do_not_proceed",
        "gather_facts",
        "escalate",
    ][i % 5];
    let kind = ["national_police", "prisons", "regulator", "intelligence"][i % 4];
    let caps = &["drone", "facial_recognition", "spyware"][..i % 4];
    let name = if i.is_multiple_of(101) {
        format!("Agency \\\"{i}\\\"")
    } else {
        format!("Agency {i}")
    };
    let scope = ["in", "out", "unknown"][i % 3];
    let mut line = json!({
        "transaction": format!("T-{i}"),
        "ruleset": {"name": "us-state-2020", "version": "1.0.0", "digest": DIGEST},
        "scope": scope,
        "disposition": disposition,
        "raised": pick(7, i % 6),
        "mitigated": pick(5, i % 2),
        "unknown": pick(3, i % 4),
        "missing_facts": [format!("parties[{}].listed", i % 3)],
        "facts": {"end_user.kind": kind, "product.capabilities": caps, "end_user.name": "NAME"},
        "at": format!("2026-{:02}-{:02}T10:00:00Z", i % 12 + 1, i % 28 + 1),
    })
    .to_string();
    // The escape is written into the JSON text as it is.
    line = line.replace("\"NAME\"", &format!("\"{name}\""));
    line
}

/// The ledger: decision records, and from line 6,000 on (past the first
/// block) a rejected line every 997 lines, of each kind in turn; a full
/// report and a blank line now and then.
fn ledger(report: &str) -> Ledger {
    let mut text = String::new();
    let mut records = 0;
    let mut rejected = Vec::new();
    for i in 0..LINES {
        let number = i as u64 + 1;
        if i >= 6_000 && i % 997 == 0 {
            let bad = [
                "not json".to_string(),
                r#"{"line": 12, "error": {"message": "bad facts"}}"#.to_string(),
                r#"{"transaction": "T-no-disposition"}"#.to_string(),
                record(i)[..100].to_string(),
            ];
            text.push_str(&bad[rejected.len() % bad.len()]);
            rejected.push(number);
        } else if i % 1_000 == 500 {
            text.push_str(report);
            records += 1;
        } else if i % 2_000 == 1 {
            text.push_str("  ");
        } else {
            text.push_str(&record(i));
            records += 1;
        }
        text.push('\n');
    }
    Ledger {
        text,
        records,
        rejected,
    }
}

/// `summary ARGS FILE` on `threads` threads: its standard output.
fn summary(threads: &str, args: &[&str], file: &str) -> String {
    let mut command = bounded(["summary"].iter().chain(args).chain([&file]));
    command.env("RAYON_NUM_THREADS", threads);
    let out = run(command);
    out.code(0);
    out.stdout.clone()
}

#[test]
fn one_thread_and_several_give_the_same_summary_in_every_format() {
    let report = dd([
        "eval",
        "--format",
        "json",
        "examples/transactions/face-recognition-national-police.json",
    ])
    .code(0)
    .json()
    .to_string();
    let dir = TempDir::new("summary-threads");
    let ledger = ledger(&report);
    assert!(
        ledger.text.len() > 2 * 4 * 1024 * 1024,
        "several blocks: {}",
        ledger.text.len()
    );
    let file = arg(&dir.write("ledger.ndjson", &ledger.text));
    let by = [
        "--by",
        "end_user.kind",
        "--by",
        "product.capabilities",
        "--by",
        "at:month",
    ];
    let runs: Vec<Vec<&str>> = vec![
        vec!["--format", "text"],
        vec!["--format", "markdown"],
        [&["--format", "html"][..], &by].concat(),
        [&["--format", "json", "--by", "end_user.name"][..], &by].concat(),
        [&["--format", "json", "--public"][..], &by].concat(),
    ];
    let mut json = String::new();
    for (i, args) in runs.iter().enumerate() {
        let one = summary("1", args, &file);
        // Three threads on the richest run: another split of the work.
        let threads: &[&str] = if i == 3 { &["2", "3"] } else { &["2"] };
        for n in threads {
            let several = summary(n, args, &file);
            assert!(
                one == several,
                "`summary {}` differs on {n} threads",
                args.join(" ")
            );
            if i == 3 {
                json = several;
            }
        }
    }

    let s: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(s["lines"], LINES as u64);
    assert_eq!(s["records"], ledger.records);
    assert_eq!(s["rejected"], ledger.rejected.len() as u64);
    let first: Vec<u64> = s["first_rejections"]
        .as_array()
        .expect("rejections")
        .iter()
        .map(|e| e["line"].as_u64().expect("a line number"))
        .collect();
    assert_eq!(first, ledger.rejected[..10]);
    // More names than a counter holds: the first 10,000 in the ledger are
    // kept, whichever thread counted them.
    let names = &s["breakdowns"][0];
    assert_eq!(names["capped"], true);
    let rows = names["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 10_001);
    assert!(rows.iter().any(|r| r["value"] == "Agency 2"));
    assert!(rows.iter().any(|r| r["value"] == "Agency \"101\""));
    assert!(!rows.iter().any(|r| r["value"] == "Agency 17999"));
}
