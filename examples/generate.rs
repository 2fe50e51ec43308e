//! Writes generated transactions for the bundled ruleset as NDJSON, one
//! document per line, from the seeded generator the benchmarks use: input
//! for measuring `dd-rules eval` on long streams without a file on disk.
//!
//! ```sh
//! cargo build --release --example generate -p dd-rules && cargo build --release -p dd-rules-cli
//! target/release/examples/generate 1000000 \
//!     | /usr/bin/time -v target/release/dd-rules eval --ndjson - > /dev/null
//! ```

#[path = "../benches/common/mod.rs"]
mod common;

use std::io::{BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(Ok(n)) = std::env::args().nth(1).map(|a| a.parse::<usize>()) else {
        eprintln!("usage: generate <number of transactions> [seed]");
        return ExitCode::from(2);
    };
    let seed = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = common::rng::Rng::new(seed);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for i in 0..n {
        let tx = common::bundled::generate(&mut rng, i);
        let line = common::bundled::to_json(&tx, &mut rng);
        // A closed pipe (the reader stopped) ends the run quietly.
        if writeln!(out, "{line}").is_err() {
            return ExitCode::SUCCESS;
        }
    }
    // As above: a reader that stopped early is not an error of ours.
    let _ = out.flush();
    ExitCode::SUCCESS
}
