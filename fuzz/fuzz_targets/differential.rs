//! Structured: the fuzzer's bytes drive a generator of well-typed rules and of
//! facts for them; the compiled evaluator must agree with the reference
//! interpreter on every flag, missing fact and safeguard.
#![no_main]

use dd_rules::__fuzz::{Differential, Gen};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut generator = Gen::from_bytes(data);
    let rules = generator.ruleset();
    let compiled = match Differential::new(&rules) {
        Ok(d) => d,
        Err(problem) => panic!("{problem}\n--- rules\n{rules}"),
    };
    for _ in 0..4 {
        let facts = generator.facts();
        if let Err(problem) = compiled.check(&facts) {
            panic!("{problem}\n--- rules\n{rules}\n--- facts\n{facts}");
        }
    }
});
