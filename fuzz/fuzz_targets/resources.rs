//! Structured, for resources: the fuzzer's bytes drive a generator of
//! well-typed rules in their costly shapes (long chains of predicates that
//! use earlier ones twice, quantifiers nested deep over one list, long
//! lists) and of facts for them. Evaluating, reporting, writing the report
//! and explaining every flag must each finish or stop at the work budget
//! with an error naming a condition of the ruleset, and a report stays
//! within its size bound. `run.sh` runs this target under a tighter memory
//! limit than the others; libFuzzer's `-timeout` catches a hang.
#![no_main]

use dd_rules::__fuzz::{Gen, Resources};
use libfuzzer_sys::fuzz_target;

/// Small enough that one case runs in milliseconds; large enough that most
/// cases finish.
const BUDGET: u64 = 200_000;

fuzz_target!(|data: &[u8]| {
    let mut generator = Gen::stress_from_bytes(data);
    let rules = generator.ruleset();
    let checked = match Resources::new(&rules, BUDGET) {
        Ok(r) => r,
        Err(problem) => panic!("{problem}\n--- rules\n{rules}"),
    };
    for _ in 0..3 {
        let facts = generator.facts();
        if let Err(problem) = checked.check(&facts) {
            panic!("{problem}\n--- rules\n{rules}\n--- facts\n{facts}");
        }
    }
});
