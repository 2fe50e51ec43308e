//! Fact loading on arbitrary text against the bundled schema: a document is
//! loaded or refused with an error that names where, never a panic; whatever
//! loads evaluates, and its report serialises; an error is short and shows
//! no control character. The same document as a `serde_json::Value`, through
//! typed input (`facts_from_serialize`), is held to the same.
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
    let typed = serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .map(|value| rules.facts_from_serialize(&value));
    for loaded in std::iter::once(rules.facts_from_json(json)).chain(typed) {
        check(&rules, loaded);
    }
});

/// A document loaded evaluates and its report serialises; a refusal is a
/// short error with nothing hidden.
fn check(rules: &RuleSet, loaded: Result<dd_rules::Facts, dd_rules::FactsError>) {
    match loaded {
        Ok(facts) => {
            let report = rules
                .evaluate(&facts)
                .expect("facts loaded for this ruleset evaluate");
            let _ = report.to_json();
        }
        Err(e) => {
            // An error shows no character a terminal acts on, and quotes
            // only the start of a long key or value: its size is bounded by
            // the schema (names, enum values, nesting), not by the document.
            let shown = e.to_string();
            assert!(
                !shown.chars().any(dd_rules::is_hidden),
                "an error shows a hidden character: {shown:?}"
            );
            assert!(shown.len() < 64 * 1024, "an error of {} bytes", shown.len());
        }
    }
}
