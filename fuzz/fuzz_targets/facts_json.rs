//! Fact loading on arbitrary text against the bundled schema: a document is
//! loaded or refused with an error that names where, never a panic; whatever
//! loads evaluates, and its report serialises.
#![no_main]

use dd_rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    // INVARIANT: the bundled ruleset compiles (a unit test says so).
    let Ok(rules) = RuleSet::bundled() else {
        return;
    };
    match rules.facts_from_json(json) {
        Ok(facts) => {
            let report = rules
                .evaluate(&facts)
                .expect("facts loaded for this ruleset evaluate");
            let _ = report.to_json();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
