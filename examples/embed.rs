//! A Rust service's view of dd-rules: load the bundled ruleset once, then
//! evaluate a stream of transactions from several worker threads and print
//! the recommended dispositions.
//!
//! ```sh
//! cargo run --example embed            # the examples in examples/transactions/
//! cargo run --example embed -- a.json b.json
//! ```
//!
//! A `RuleSet` is immutable and `Send + Sync`: compile it once at start-up and
//! share it by reference (or clone it: clones share one compiled program).
//! Each report is a recommendation for human review, never a legal clearance.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use dd_rules::{Report, RuleSet, Status};

/// How many worker threads evaluate the stream.
const WORKERS: usize = 4;

/// One transaction as it arrives: where it came from and its JSON text.
struct Incoming {
    source: String,
    json: String,
}

/// What a worker made of one transaction.
enum Outcome {
    Report(Box<Report>),
    Rejected(String),
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Start-up: compile the bundled ruleset once. A ruleset that does not
    // compile (impossible for the bundled one, which is tested) is fatal.
    let rules = RuleSet::bundled()?;
    println!(
        "ruleset {} {} ({})",
        rules.name(),
        rules.version(),
        rules.reference().digest
    );

    let stream = incoming()?;
    println!(
        "evaluating {} transactions on {WORKERS} threads\n",
        stream.len()
    );

    // The workers take the next transaction from a shared cursor and put the
    // outcome in its slot, so the output keeps the order of arrival.
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> =
        Mutex::new((0..stream.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = stream.get(i) else { break };
                    // The shared `rules` needs no lock: evaluation only reads it.
                    let outcome = match rules.evaluate_json(&item.json) {
                        Ok(report) => Outcome::Report(Box::new(report)),
                        Err(e) => Outcome::Rejected(e.to_string()),
                    };
                    if let Ok(mut slots) = results.lock()
                        && let Some(slot) = slots.get_mut(i)
                    {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });

    let results = results.into_inner().map_err(|_| "a worker panicked")?;
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for (item, outcome) in stream.iter().zip(results) {
        match outcome {
            Some(Outcome::Report(report)) => {
                print_report(&item.source, &report);
                *tally.entry(report.disposition().to_string()).or_default() += 1;
            }
            Some(Outcome::Rejected(why)) => {
                // A service logs the rejected document and carries on.
                println!("{}: REJECTED: {why}\n", item.source);
                *tally.entry("(rejected)".into()).or_default() += 1;
            }
            None => println!("{}: not evaluated\n", item.source),
        }
    }

    println!("dispositions:");
    // Least strict first, in the ruleset's own order of outcomes.
    for outcome in rules.outcomes().chain(["(rejected)"]) {
        if let Some(n) = tally.get(outcome) {
            println!("  {outcome:<24} {n}");
        }
    }
    println!("\nEach disposition is {}.", dd_rules::NOTICE);
    Ok(())
}

/// One line for the disposition, then what a reviewer looks at first.
fn print_report(source: &str, report: &Report) {
    let id = report.transaction().unwrap_or("(no id)");
    println!("{id} ({source}): {}", report.disposition());
    println!("  decided by: {}", report.disposition_rule());
    let raised: Vec<_> = report.flags_with(Status::Raised).collect();
    let unmitigated: Vec<_> = raised.iter().filter(|f| !f.mitigated).collect();
    println!(
        "  raised: {} ({} mitigated); unknown: {}",
        raised.len(),
        raised.len() - unmitigated.len(),
        report.flags_with(Status::Unknown).count()
    );
    // The most severe flags not mitigated are what the reviewer reads first.
    if let Some(worst) = unmitigated.iter().map(|f| f.severity).max() {
        let ids: Vec<&str> = unmitigated
            .iter()
            .filter(|f| f.severity == worst)
            .map(|f| f.id)
            .collect();
        println!("  not mitigated, {worst}: {}", ids.join(", "));
    }
    if let Some(first) = report.missing_facts().next() {
        println!(
            "  facts to gather: {} (first: {first})",
            report.missing_facts().len()
        );
    }
    println!();
}

/// The transactions to evaluate: the files named on the command line, or
/// every example in `examples/transactions/`, followed by one malformed
/// document to show how a rejected input is reported.
fn incoming() -> Result<Vec<Incoming>, Box<dyn std::error::Error>> {
    let mut files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let defaults = files.is_empty();
    if defaults {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/transactions");
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
        files.sort();
    }
    let mut stream = Vec::new();
    for path in files {
        let json = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let source = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        stream.push(Incoming { source, json });
    }
    if defaults {
        stream.push(Incoming {
            source: "malformed input".into(),
            json: r#"{"id": "T-bad", "country": {"freedom_score": "low"}}"#.into(),
        });
    }
    Ok(stream)
}
