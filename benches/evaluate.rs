//! The benchmarks of BENCHMARKS.md, on the bundled ruleset and on the
//! benchmark ruleset (`benches/data/bench.rules`), with the benchmark ruleset
//! written by hand in plain Rust as the baseline:
//!
//! 1. `compile/*`: source text to a compiled ruleset;
//! 2. `eval/*`: one transaction whose facts are loaded, fast path
//!    (`evaluate_into`), full report (`evaluate_into` then `report`, as a
//!    service or a batch does with a reused `Scratch`), and full report
//!    written as JSON text (`to_json`: evidence values are rendered then);
//! 3. `write/*`: a built report written as a decision record
//!    (`write_decision`) and as its full JSON (`to_json`);
//! 4. `json/*`: one transaction from JSON text to a report or an outcome;
//! 5. `batch/*`: 100,000 transactions from JSON text to reports
//!    (`reports`), and to reports written as JSON lines (`lines`), through
//!    `evaluate_batch_with`, in chunks of `CHUNK` lines as `dd-rules eval` reads a stream, on
//!    one thread and on every core;
//! 6. `hand/*`: the hand-written benchmark ruleset, typed and from JSON.
//!
//! Transactions come from a seeded generator (`benches/common`), so every
//! run measures the same inputs. Run with `cargo bench`; see BENCHMARKS.md.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dd_rules::{BUNDLED_FILE, BUNDLED_SOURCE, Facts, RuleSet};

use common::hand::Hand;
use common::tx::Tx;

/// How many distinct transactions each per-transaction benchmark cycles through.
const POOL: usize = 1_000;
/// How many transactions one batch holds.
const BATCH: usize = 100_000;

/// Lines per batch call, as `dd-rules eval` chunks an NDJSON stream.
const CHUNK: usize = 1024;

/// The two rulesets, by name, with their generated documents.
fn rulesets() -> Vec<(&'static str, RuleSet, Vec<String>)> {
    vec![
        (
            "bundled",
            RuleSet::bundled().unwrap(),
            common::bundled_docs(1, POOL),
        ),
        (
            "bench",
            RuleSet::compile(common::BENCH_RULES, common::BENCH_FILE).unwrap(),
            common::bench_docs(1, POOL),
        ),
    ]
}

/// Runs `f` on the next item of `items` at each iteration, so that one
/// iteration is one transaction and the pool's variety is averaged over.
fn cycle<T, R>(items: &[T], mut f: impl FnMut(&T) -> R) -> impl FnMut() -> R {
    let mut i = 0;
    move || {
        i = if i + 1 == items.len() { 0 } else { i + 1 };
        f(&items[i])
    }
}

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    g.bench_function("bundled", |b| {
        b.iter(|| RuleSet::compile(black_box(BUNDLED_SOURCE), BUNDLED_FILE).unwrap())
    });
    g.bench_function("bench", |b| {
        b.iter(|| RuleSet::compile(black_box(common::BENCH_RULES), common::BENCH_FILE).unwrap())
    });
    g.finish();
}

fn eval(c: &mut Criterion) {
    let mut g = c.benchmark_group("eval");
    for (name, rules, docs) in rulesets() {
        let facts: Vec<Facts> = docs
            .iter()
            .map(|d| rules.facts_from_json(d).unwrap())
            .collect();
        let mut scratch = rules.new_scratch();
        g.bench_function(BenchmarkId::new("fast", name), |b| {
            b.iter(cycle(&facts, |f| {
                black_box(rules.evaluate_into(black_box(f), &mut scratch).unwrap());
            }))
        });
        g.bench_function(BenchmarkId::new("report", name), |b| {
            b.iter(cycle(&facts, |f| {
                let outcome = rules.evaluate_into(black_box(f), &mut scratch).unwrap();
                rules.report(f, outcome).unwrap()
            }))
        });
        g.bench_function(BenchmarkId::new("report_json", name), |b| {
            b.iter(cycle(&facts, |f| {
                let outcome = rules.evaluate_into(black_box(f), &mut scratch).unwrap();
                rules.report(f, outcome).unwrap().to_json()
            }))
        });
    }
    g.finish();
}

/// Writing a report that is already built: as a decision record (into a
/// reused string, as `dd-rules eval --format decision` does), and as its full
/// JSON. Filter with `cargo bench --bench evaluate -- write/`.
fn write(c: &mut Criterion) {
    let mut g = c.benchmark_group("write");
    for (name, rules, docs) in rulesets() {
        let reports: Vec<dd_rules::Report> = docs
            .iter()
            .map(|d| rules.evaluate_json(d).unwrap())
            .collect();
        let options = dd_rules::DecisionOptions::default();
        let mut line = String::with_capacity(4096);
        g.bench_function(BenchmarkId::new("decision", name), |b| {
            b.iter(cycle(&reports, |r| {
                line.clear();
                black_box(r).write_decision(&mut line, &options);
                black_box(line.len())
            }))
        });
        g.bench_function(BenchmarkId::new("report_json", name), |b| {
            b.iter(cycle(&reports, |r| black_box(r).to_json()))
        });
    }
    g.finish();
}

fn json(c: &mut Criterion) {
    let mut g = c.benchmark_group("json");
    for (name, rules, docs) in rulesets() {
        let mut scratch = rules.new_scratch();
        g.bench_function(BenchmarkId::new("report", name), |b| {
            b.iter(cycle(&docs, |d| {
                let facts = rules.facts_from_json(black_box(d)).unwrap();
                let outcome = rules.evaluate_into(&facts, &mut scratch).unwrap();
                rules.report(&facts, outcome).unwrap()
            }))
        });
        g.bench_function(BenchmarkId::new("fast", name), |b| {
            b.iter(cycle(&docs, |d| {
                let facts = rules.facts_from_json(black_box(d)).unwrap();
                rules
                    .evaluate_into(&facts, &mut scratch)
                    .unwrap()
                    .disposition_index()
            }))
        });
        g.bench_function(BenchmarkId::new("load", name), |b| {
            b.iter(cycle(&docs, |d| {
                rules.facts_from_json(black_box(d)).unwrap()
            }))
        });
    }
    g.finish();
}

fn hand(c: &mut Criterion) {
    let mut g = c.benchmark_group("hand");
    let hand = Hand::new();
    let docs = common::bench_docs(1, POOL);
    let typed: Vec<Tx> = docs
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    // The whole outcome (every status, not only the disposition) goes to
    // `black_box`, as the engine's does, so that the compiler cannot skip
    // the statuses the disposition does not need.
    g.bench_function("typed", |b| {
        b.iter(cycle(&typed, |t| black_box(hand.evaluate(black_box(t)))))
    });
    g.bench_function("json", |b| {
        b.iter(cycle(&docs, |d| {
            let tx: Tx = serde_json::from_str(black_box(d)).unwrap();
            black_box(hand.evaluate(&tx))
        }))
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(BATCH as u64));
    let rules = RuleSet::bundled().unwrap();
    // 10,000 distinct documents, each used ten times.
    let distinct = common::bundled_docs(2, BATCH / 10);
    let docs: Vec<&str> = distinct
        .iter()
        .cycle()
        .take(BATCH)
        .map(String::as_str)
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut threads = vec![1];
    if cores > 1 {
        threads.push(cores);
    }
    for n in threads {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap();
        // As a stream is evaluated: a chunk at a time, each report handed
        // to a callback on the thread that built it (as `dd-rules eval`
        // does), which keeps its disposition and drops it there.
        g.bench_function(BenchmarkId::new("reports", format!("{n}-threads")), |b| {
            b.iter(|| {
                pool.install(|| {
                    for chunk in docs.chunks(CHUNK) {
                        black_box(rules.evaluate_batch_with(black_box(chunk), |_, r| {
                            r.map(|r| r.disposition_index()).ok()
                        }));
                    }
                })
            })
        });
        // The same, each report then written as a line of JSON, which is
        // what `dd-rules eval` does with an NDJSON stream.
        g.bench_function(BenchmarkId::new("lines", format!("{n}-threads")), |b| {
            b.iter(|| {
                pool.install(|| {
                    for chunk in docs.chunks(CHUNK) {
                        black_box(rules.evaluate_batch_with(black_box(chunk), |_, r| {
                            r.map(|r| r.to_json()).ok()
                        }));
                    }
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, compile, eval, write, json, hand, batch);
criterion_main!(benches);
