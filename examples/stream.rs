//! An NDJSON-like run through the streaming batch API: generated
//! transactions (one JSON document per line) are evaluated in chunks of
//! `CHUNK` lines (as `dd-rules eval` does) with `RuleSet::evaluate_batch_with`, each report
//! written as one line of JSON, in input order, to a sink.
//!
//! It prints the heap the compiled ruleset holds and, as the run goes on, the
//! live heap and its peak, measured by a counting allocator; run it under
//! `/usr/bin/time -v` for the peak resident memory. Neither grows with the
//! number of transactions: memory is bounded by one chunk.
//!
//! ```text
//! cargo run --release --example stream -- 1000000
//! /usr/bin/time -v target/release/examples/stream 1000000
//! ```

#[path = "../benches/common/mod.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use dd_rules::RuleSet;

/// Lines per batch call: enough to keep every core busy, few enough that
/// memory stays flat (the CLI's figure).
const CHUNK: usize = 1024;

/// The system allocator, keeping count of the live heap and its peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call goes straight to the system allocator; the counters are
// atomics, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Counts the bytes written, as a stand-in for standard output.
struct Sink(u64);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    let total: usize = std::env::args()
        .nth(1)
        .map_or(1_000_000, |n| n.parse().expect("a number of transactions"));

    // What a compiled ruleset holds: the live heap before and after compiling.
    let before = LIVE.load(Ordering::Relaxed);
    let rules = RuleSet::compile(dd_rules::BUNDLED_SOURCE, dd_rules::BUNDLED_FILE).unwrap();
    let bundled_size = LIVE.load(Ordering::Relaxed) - before;
    let before = LIVE.load(Ordering::Relaxed);
    let bench = RuleSet::compile(common::BENCH_RULES, common::BENCH_FILE).unwrap();
    let bench_size = LIVE.load(Ordering::Relaxed) - before;
    drop(bench);
    println!(
        "compiled ruleset heap: bundled {bundled_size} bytes ({:.2} MiB), bench {bench_size} bytes",
        mib(bundled_size)
    );

    let mut out = Sink(0);
    let mut rng = common::rng::Rng::new(2024);
    let mut chunk: Vec<String> = Vec::with_capacity(CHUNK);
    let mut done = 0;
    let mut dispositions = [0usize; 8];
    let start = std::time::Instant::now();
    let report_every = (total / 10).max(1);
    while done < total {
        // The next chunk of lines, as a reader of NDJSON would hand them over.
        chunk.clear();
        let n = CHUNK.min(total - done);
        chunk.extend((0..n).map(|i| {
            let tx = common::bundled::generate(&mut rng, done + i);
            common::bundled::to_json(&tx, &mut rng)
        }));
        let lines: Vec<(usize, String)> = rules.evaluate_batch_with(&chunk, |_, result| {
            let report = result.expect("generated transactions are valid");
            (report.disposition_index(), report.to_json())
        });
        for (strictness, line) in lines {
            dispositions[strictness] += 1;
            out.write_all(line.as_bytes()).unwrap();
            out.write_all(b"\n").unwrap();
        }
        let before = done;
        done += n;
        if done / report_every != before / report_every || done == total {
            println!(
                "{done:>9} transactions: live heap {:7.2} MiB, peak so far {:7.2} MiB, {:.0} transactions/s",
                mib(LIVE.load(Ordering::Relaxed)),
                mib(PEAK.load(Ordering::Relaxed)),
                done as f64 / start.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "{total} reports, {:.1} GiB of NDJSON, dispositions (least strict first) {:?}",
        out.0 as f64 / (1024.0 * 1024.0 * 1024.0),
        &dispositions[..rules.outcomes().count()]
    );
}
