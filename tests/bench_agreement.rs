//! The benchmark ruleset written by hand in plain Rust (the baseline of
//! BENCHMARKS.md) and the engine agree on every generated transaction: every
//! flag and safeguard status, every mitigation and the disposition, on the
//! fast path and in the full report.

#[path = "../benches/common/mod.rs"]
mod common;

use common::hand::{Hand, OUTCOMES};
use common::tx::Tx;
use dd_rules::RuleSet;

#[test]
fn hand_written_baseline_agrees_with_the_engine() {
    let rules = RuleSet::compile(common::BENCH_RULES, common::BENCH_FILE).unwrap();
    assert!(rules.warnings().is_empty(), "{}", rules.warnings());
    assert_eq!(rules.flags().count(), common::hand::FLAGS);
    assert_eq!(rules.safeguards().count(), common::hand::SAFEGUARDS);
    assert_eq!(rules.outcomes().collect::<Vec<_>>(), OUTCOMES);
    let hand = Hand::new();
    let mut scratch = rules.new_scratch();
    let mut seen = [0usize; OUTCOMES.len()];
    for (i, doc) in common::bench_docs(42, 3_000).iter().enumerate() {
        let tx: Tx = serde_json::from_str(doc).unwrap();
        let expected = hand.evaluate(&tx);
        let facts = rules.facts_from_json(doc).unwrap();
        let outcome = rules.evaluate_into(&facts, &mut scratch).unwrap();
        assert_eq!(outcome.flags(), expected.flags, "flags of #{i}: {doc}");
        assert_eq!(
            outcome.mitigated(),
            expected.mitigated,
            "mitigated #{i}: {doc}"
        );
        assert_eq!(
            outcome.safeguards(),
            expected.safeguards,
            "safeguards #{i}: {doc}"
        );
        assert_eq!(
            outcome.disposition(),
            OUTCOMES[expected.disposition],
            "disposition of #{i}: {doc}"
        );
        if i % 10 == 0 {
            let report = rules.report(&facts, outcome).unwrap();
            let statuses: Vec<_> = report.flags().map(|f| f.status).collect();
            assert_eq!(statuses, expected.flags, "report of #{i}");
            assert_eq!(report.disposition(), OUTCOMES[expected.disposition]);
        }
        seen[expected.disposition] += 1;
    }
    // The generator must reach every outcome, or the agreement proves little.
    assert!(seen.iter().all(|&n| n > 0), "outcomes seen: {seen:?}");
}

#[test]
fn generated_transactions_are_deterministic_and_valid_for_the_bundled_ruleset() {
    let rules = RuleSet::bundled().unwrap();
    let docs = common::bundled_docs(7, 300);
    assert_eq!(
        docs,
        common::bundled_docs(7, 300),
        "same seed, same documents"
    );
    for doc in &docs {
        rules.evaluate_json(doc).unwrap();
    }
    assert_eq!(common::bench_docs(1, 50), common::bench_docs(1, 50));
}
