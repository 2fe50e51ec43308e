//! Structured: the fuzzer's bytes drive a generator of well-typed rules and of
//! facts for them; the compiled evaluator must agree with the reference
//! interpreter on every flag, missing fact and safeguard.
#![no_main]

use dd_rules::__fuzz::{Gen, differential};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut generator = Gen::from_bytes(data);
    let rules = generator.ruleset();
    for _ in 0..3 {
        let facts = generator.facts();
        if let Err(problem) = differential(&rules, &facts) {
            panic!("{problem}\n--- rules\n{rules}\n--- facts\n{facts}");
        }
    }
});
