//! The fast path allocates nothing: once a ruleset is compiled, the facts
//! loaded and the scratch buffers used once, `RuleSet::evaluate_into` makes
//! no heap allocation at all. A full report takes a fixed handful, however
//! many flags and facts it quotes. Checked with a counting global allocator,
//! so these are deterministic counts, not timings.

#[path = "../benches/common/mod.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use dd_rules::{Facts, RuleSet};

/// The system allocator, counting the allocations made by each thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: a thread being torn down has no counter, and needs none.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is passed straight to the system allocator; counting
// touches only a const-initialised thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations this thread makes while running `f`.
fn allocations(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// Evaluates every facts document on the fast path and checks that, after a
/// first evaluation sizes the buffers, no evaluation allocates.
fn no_allocation(rules: &RuleSet, docs: &[String]) {
    let facts: Vec<Facts> = docs
        .iter()
        .map(|d| rules.facts_from_json(d).unwrap())
        .collect();
    let mut scratch = rules.new_scratch();
    rules.evaluate_into(&facts[0], &mut scratch).unwrap();
    let mut dispositions = 0;
    let n = allocations(|| {
        for _ in 0..3 {
            for f in &facts {
                let outcome = rules.evaluate_into(f, &mut scratch).unwrap();
                dispositions += outcome.disposition_index();
                std::hint::black_box(outcome.flags());
            }
        }
    });
    assert_eq!(n, 0, "{n} allocations in {} evaluations", 3 * facts.len());
    std::hint::black_box(dispositions);
    // The counter does count: the full report allocates.
    assert!(allocations(|| drop(rules.evaluate(&facts[0]).unwrap())) > 0);
}

#[test]
fn fast_path_never_allocates_on_the_bundled_ruleset() {
    let rules = RuleSet::bundled().unwrap();
    let mut docs = common::bundled_docs(11, 200);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/transactions");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            docs.push(std::fs::read_to_string(path).unwrap());
        }
    }
    // Out of scope (the disposition is the scope's) and scope unknown too.
    docs.push(r#"{"product": {"capabilities": [], "critical_component": false}}"#.into());
    docs.push(r#"{"end_user": {"kind": "national_police"}}"#.into());
    no_allocation(&rules, &docs);
}

#[test]
fn fast_path_never_allocates_on_the_benchmark_ruleset() {
    // Quantifiers, counts, sets, decimals, string comparisons across frames.
    let rules = RuleSet::compile(common::BENCH_RULES, common::BENCH_FILE).unwrap();
    no_allocation(&rules, &common::bench_docs(12, 500));
}

#[test]
fn a_scratch_made_for_another_ruleset_allocates_once_then_never() {
    let bundled = RuleSet::bundled().unwrap();
    let bench = RuleSet::compile(common::BENCH_RULES, common::BENCH_FILE).unwrap();
    let facts = bench
        .facts_from_json(&common::bench_docs(13, 1)[0])
        .unwrap();
    let mut scratch = bundled.new_scratch();
    bench.evaluate_into(&facts, &mut scratch).unwrap();
    let n = allocations(|| {
        bench.evaluate_into(&facts, &mut scratch).unwrap();
    });
    assert_eq!(n, 0);
}

/// The most allocations building one full report may take, whatever the
/// ruleset's size: the report's few flat buffers, the missing-facts walk's
/// (its paths, the predicates' memo, a stack) and their growth, and on a
/// thread's first report the copy of the predicate cache its machine reads,
/// never one per flag, per evidence entry or per string (ARCHITECTURE.md,
/// `src/report/`).
const REPORT_ALLOCATIONS: u64 = 17;

/// Builds the full report of every document from its outcome and checks
/// that none takes more than [`REPORT_ALLOCATIONS`].
fn few_report_allocations(rules: &RuleSet, docs: &[String]) {
    let mut scratch = rules.new_scratch();
    let mut most = 0;
    let mut quoted = 0;
    for doc in docs {
        let facts = rules.facts_from_json(doc).unwrap();
        let outcome = rules.evaluate_into(&facts, &mut scratch).unwrap();
        let mut report = None;
        let n = allocations(|| report = Some(rules.report(&facts, outcome).unwrap()));
        let report = report.unwrap();
        quoted += report
            .flags()
            .map(|f| f.evidence().count() + f.missing().len())
            .sum::<usize>();
        most = most.max(n);
    }
    assert!(
        most <= REPORT_ALLOCATIONS,
        "a report took {most} allocations (at most {REPORT_ALLOCATIONS})"
    );
    // The reports do quote facts and name missing ones: the count is not of empty reports.
    assert!(
        quoted > 10 * docs.len(),
        "{quoted} entries in {} reports",
        docs.len()
    );
}

#[test]
fn a_full_report_takes_a_handful_of_allocations_on_the_bundled_ruleset() {
    let rules = RuleSet::bundled().unwrap();
    few_report_allocations(&rules, &common::bundled_docs(14, 300));
}

#[test]
fn a_full_report_takes_a_handful_of_allocations_on_the_benchmark_ruleset() {
    let rules = RuleSet::compile(common::BENCH_RULES, common::BENCH_FILE).unwrap();
    few_report_allocations(&rules, &common::bench_docs(15, 300));
}
