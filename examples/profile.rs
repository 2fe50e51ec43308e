//! Runs one phase of the benchmarks over the benchmarks' pool of 1,000
//! generated transactions, `reps` times, for an instruction count under
//! valgrind (`benches/instructions.sh` runs it and does the arithmetic).
//! Instruction counts do not depend on what else runs on the machine, so
//! they complement the criterion timings of BENCHMARKS.md.
//!
//! ```sh
//! cargo build --release --example profile
//! target/release/examples/profile <bundled|bench> <compile|load|typed|roundtrip|fast|report|advise|write|json|hand> <reps>
//! ```

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::process::ExitCode;

use common::hand::Hand;
use common::tx::Tx;
use dd_rules::{Facts, RuleSet};

/// The size of the pool, as in `benches/evaluate.rs`.
const POOL: usize = 1_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(ruleset), Some(phase), Some(Ok(reps))) = (
        args.first(),
        args.get(1),
        args.get(2).map(|r| r.parse::<usize>()),
    ) else {
        eprintln!(
            "usage: profile <bundled|bench> <compile|load|typed|roundtrip|fast|report|advise|write|json|hand> <reps>"
        );
        return ExitCode::from(2);
    };
    let (rules, docs) = match ruleset.as_str() {
        "bundled" => (RuleSet::bundled(), common::bundled_docs(1, POOL)),
        "bench" => (
            RuleSet::compile(common::BENCH_RULES, common::BENCH_FILE),
            common::bench_docs(1, POOL),
        ),
        other => {
            eprintln!("unknown ruleset {other:?}: bundled or bench");
            return ExitCode::from(2);
        }
    };
    let rules = match rules {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let facts: Vec<Facts> = match docs.iter().map(|d| rules.facts_from_json(d)).collect() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut scratch = rules.new_scratch();
    let mut sink = 0usize;
    match phase.as_str() {
        // Source text to a compiled ruleset, once per repetition.
        "compile" => {
            let source = match ruleset.as_str() {
                "bundled" => dd_rules::BUNDLED_SOURCE,
                _ => common::BENCH_RULES,
            };
            repeat(reps, &docs[..1], |_| {
                sink += RuleSet::compile(source, "profile.rules").map_or(0, |r| r.flags().count());
            })
        }
        // JSON text to loaded facts.
        "load" => repeat(reps, &docs, |d| {
            sink += rules
                .facts_from_json(d)
                .map_or(0, |f| f.transaction_id().map_or(1, str::len));
        }),
        // A typed `Transaction` to loaded facts (bundled ruleset only).
        "typed" => {
            let txs = bundled_transactions(&docs);
            repeat(reps, &txs, |t| {
                sink += rules
                    .facts_from_transaction(t)
                    .map_or(0, |f| f.transaction_id().map_or(1, str::len));
            })
        }
        // A typed `Transaction` written as JSON text and loaded (bundled ruleset only).
        "roundtrip" => {
            let txs = bundled_transactions(&docs);
            repeat(reps, &txs, |t| {
                let text = serde_json::to_string(t).unwrap_or_default();
                sink += rules
                    .facts_from_json(&text)
                    .map_or(0, |f| f.transaction_id().map_or(1, str::len));
            })
        }
        // Loaded facts to the fast path's outcome.
        "fast" => repeat(reps, &facts, |f| {
            if let Ok(o) = rules.evaluate_into(f, &mut scratch) {
                sink += o.disposition_index();
                black_box(o.flags());
            }
        }),
        // Loaded facts to the full report.
        "report" => repeat(reps, &facts, |f| {
            if let Ok(o) = rules.evaluate_into(f, &mut scratch)
                && let Ok(r) = rules.report(f, o)
            {
                sink += r.disposition_index();
            }
        }),
        // Loaded facts to the full report with its advice (the
        // questionnaire and the remediation plan).
        "advise" => repeat(reps, &facts, |f| {
            if let Ok(o) = rules.evaluate_into(f, &mut scratch)
                && let Ok(mut r) = rules.report(f, o)
                && rules.advise(&mut r).is_ok()
            {
                sink += r.questionnaire().map_or(0, |q| q.questions.len());
            }
        }),
        // Loaded facts to the full report written as JSON, into a reused
        // buffer.
        "write" => {
            let mut out = String::new();
            repeat(reps, &facts, |f| {
                if let Ok(o) = rules.evaluate_into(f, &mut scratch)
                    && let Ok(r) = rules.report(f, o)
                {
                    out.clear();
                    r.write_json(&mut out);
                    sink += out.len();
                }
            })
        }
        // JSON text to the full report.
        "json" => repeat(reps, &docs, |d| {
            if let Ok(f) = rules.facts_from_json(d)
                && let Ok(o) = rules.evaluate_into(&f, &mut scratch)
                && let Ok(r) = rules.report(&f, o)
            {
                sink += r.disposition_index();
            }
        }),
        // The hand-written benchmark ruleset over typed structs.
        "hand" => {
            let hand = Hand::new();
            let typed: Vec<Tx> = common::bench_docs(1, POOL)
                .iter()
                .filter_map(|d| serde_json::from_str(d).ok())
                .collect();
            repeat(reps, &typed, |t| {
                black_box(hand.evaluate(black_box(t)));
            })
        }
        other => {
            eprintln!(
                "unknown phase {other:?}: compile, load, typed, roundtrip, fast, report, advise, json or hand"
            );
            return ExitCode::from(2);
        }
    }
    println!("{sink}");
    ExitCode::SUCCESS
}

/// The pool's documents as typed transactions (the bundled ruleset's).
fn bundled_transactions(docs: &[String]) -> Vec<dd_rules::Transaction> {
    docs.iter()
        .filter_map(|d| serde_json::from_str(d).ok())
        .collect()
}

/// Runs `f` on every item, `reps` times over.
fn repeat<T>(reps: usize, items: &[T], mut f: impl FnMut(&T)) {
    for _ in 0..reps {
        for item in items {
            f(black_box(item));
        }
    }
}
