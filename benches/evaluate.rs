//! Compile and evaluation time of the bundled ruleset on the example transactions.
//! Run with `cargo bench`; figures are reported in BENCHMARKS.md as ratios from one run.

use criterion::{Criterion, criterion_group, criterion_main};
use dd_rules::{BUNDLED_FILE, BUNDLED_SOURCE, RuleSet};

fn examples() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/transactions");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn bench(c: &mut Criterion) {
    c.bench_function("compile bundled ruleset", |b| {
        b.iter(|| RuleSet::compile(std::hint::black_box(BUNDLED_SOURCE), BUNDLED_FILE).unwrap())
    });
    let rules = RuleSet::bundled().unwrap();
    let docs = examples();
    let facts: Vec<_> = docs
        .iter()
        .map(|d| rules.facts_from_json(d).unwrap())
        .collect();
    c.bench_function("full report, facts loaded (5 transactions)", |b| {
        b.iter(|| {
            for f in &facts {
                std::hint::black_box(rules.evaluate(f).unwrap());
            }
        })
    });
    c.bench_function("JSON text to report (5 transactions)", |b| {
        b.iter(|| {
            for d in &docs {
                std::hint::black_box(rules.evaluate_json(d).unwrap());
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
