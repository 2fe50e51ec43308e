//! What the benchmarks, the agreement test and the streaming example share:
//! a seeded generator of realistic transactions for the benchmark ruleset
//! (`benches/data/bench.rules`) and for the bundled one, and the benchmark
//! ruleset written by hand in plain Rust, the baseline of every ratio.
//!
//! Included with `#[path]` by `benches/evaluate.rs`, `tests/bench_agreement.rs`,
//! `tests/zero_alloc.rs` and `examples/stream.rs`; each uses a part of it.
#![allow(dead_code)]

pub mod bundled;
pub mod hand;
pub mod rng;
pub mod tx;

/// The benchmark ruleset's source.
pub const BENCH_RULES: &str = include_str!("../data/bench.rules");

/// The file name of the benchmark ruleset, for diagnostics.
pub const BENCH_FILE: &str = "benches/data/bench.rules";

/// `n` generated transactions for the benchmark ruleset, as JSON documents.
pub fn bench_docs(seed: u64, n: usize) -> Vec<String> {
    let mut rng = rng::Rng::new(seed);
    (0..n)
        .map(|i| tx::generate(&mut rng, i).to_json(&mut rng))
        .collect()
}

/// `n` generated transactions for the bundled ruleset, as JSON documents.
pub fn bundled_docs(seed: u64, n: usize) -> Vec<String> {
    let mut rng = rng::Rng::new(seed);
    (0..n)
        .map(|i| bundled::to_json(&bundled::generate(&mut rng, i), &mut rng))
        .collect()
}
