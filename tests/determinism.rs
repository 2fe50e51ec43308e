//! Determinism: the report for a transaction is the same, byte for byte,
//! whether it is evaluated alone, in a batch (in any order, among other
//! transactions), with reused buffers, on one thread or on eight.

use std::collections::BTreeMap;
use std::sync::Arc;

use dd_rules::RuleSet;

/// Transactions: the examples, the evaluation corpus of the bundled ruleset,
/// and variants of each with every second or third key knocked out, so that
/// unknown facts and missing-fact lists are exercised too.
fn transactions() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = Vec::new();
    for dir in ["examples/transactions", "tests/corpus/eval"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            // Documents with a ruleset of their own beside them are not for the bundled one.
            .filter(|p| !p.with_extension("rules").exists())
            .collect();
        paths.sort();
        for p in paths {
            docs.push(std::fs::read_to_string(p).unwrap());
        }
    }
    let mut variants = Vec::new();
    for doc in &docs {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(doc)
        else {
            continue;
        };
        for k in [2, 3] {
            let kept: serde_json::Map<_, _> = map
                .iter()
                .enumerate()
                .filter(|(i, _)| i % k != 0)
                .map(|(_, (key, v))| (key.clone(), v.clone()))
                .collect();
            variants.push(serde_json::Value::Object(kept).to_string());
        }
    }
    docs.extend(variants);
    assert!(docs.len() >= 40, "only {} transactions", docs.len());
    docs
}

/// The report of one document, as bytes: the compact and the pretty JSON,
/// or the error.
fn render(result: Result<dd_rules::Report, dd_rules::Error>) -> String {
    match result {
        Ok(report) => format!("{}\n{}", report.to_json(), report.to_json_pretty()),
        Err(e) => format!("error: {e}"),
    }
}

/// Each document evaluated alone, with fresh buffers, on this thread.
fn alone(rules: &RuleSet, docs: &[String]) -> Vec<String> {
    docs.iter()
        .map(|d| render(rules.evaluate_json(d)))
        .collect()
}

#[test]
fn reports_are_the_same_alone_in_a_batch_and_on_eight_threads() {
    let rules = RuleSet::bundled().unwrap();
    let docs = transactions();
    let expected = alone(&rules, &docs);
    assert!(
        expected.iter().filter(|r| !r.starts_with("error")).count() >= docs.len() / 2,
        "most transactions should evaluate"
    );

    // Evaluating again gives the same bytes (no state kept between calls).
    assert_eq!(
        alone(&rules, &docs),
        expected,
        "a second evaluation differs"
    );

    // In a batch, in order.
    let batch: Vec<String> = rules
        .evaluate_batch(&docs)
        .into_iter()
        .map(render)
        .collect();
    assert_eq!(batch, expected, "a report differs in a batch");

    // In a batch in reverse order, and with each document three times.
    let reversed: Vec<String> = docs.iter().rev().cloned().collect();
    let mut batch: Vec<String> = rules
        .evaluate_batch(&reversed)
        .into_iter()
        .map(render)
        .collect();
    batch.reverse();
    assert_eq!(batch, expected, "a report differs in a reversed batch");
    let tripled: Vec<String> = docs
        .iter()
        .flat_map(|d| [d.clone(), d.clone(), d.clone()])
        .collect();
    let batch: Vec<String> = rules
        .evaluate_batch(&tripled)
        .into_iter()
        .map(render)
        .collect();
    for (i, report) in batch.iter().enumerate() {
        assert_eq!(
            report,
            &expected[i / 3],
            "copy {} of document {} differs",
            i % 3,
            i / 3
        );
    }

    // With one scratch reused across documents, in an order that mixes them.
    let mut scratch = rules.new_scratch();
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_key(|i| (i * 7919) % docs.len());
    for &i in &order {
        let result = rules
            .facts_from_json(&docs[i])
            .map_err(dd_rules::Error::from)
            .and_then(|facts| {
                let outcome = rules.evaluate_into(&facts, &mut scratch)?;
                Ok(rules.report(&facts, outcome)?)
            });
        assert_eq!(
            render(result),
            expected[i],
            "document {i} differs with reused buffers"
        );
    }

    // On one thread, then on eight, each thread with every document in its own order.
    let shared = Arc::new((rules, docs));
    for threads in [1usize, 8] {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let (rules, docs) = &*shared;
                    let n = docs.len();
                    let mut out = BTreeMap::new();
                    for k in 0..n {
                        let i = (k * (2 * t + 1) + t) % n;
                        out.insert(i, render(rules.evaluate_json(&docs[i])));
                    }
                    out
                })
            })
            .collect();
        for (t, h) in handles.into_iter().enumerate() {
            let out = h.join().unwrap();
            for (i, report) in out {
                assert_eq!(
                    report, expected[i],
                    "document {i} differs on thread {t} of {threads}"
                );
            }
        }
    }
}

#[test]
fn a_ruleset_compiled_twice_gives_the_same_reports() {
    let docs = transactions();
    let once = RuleSet::compile(dd_rules::BUNDLED_SOURCE, dd_rules::BUNDLED_FILE).unwrap();
    let twice = RuleSet::compile(dd_rules::BUNDLED_SOURCE, dd_rules::BUNDLED_FILE).unwrap();
    assert_eq!(alone(&once, &docs), alone(&twice, &docs));
    // The diagnostics of a source with mistakes are the same every time too.
    let broken = dd_rules::BUNDLED_SOURCE.replace("when:", "when: no_such_fact or");
    let first = dd_rules::check_source(&broken, "x.rules");
    for _ in 0..3 {
        let again = dd_rules::check_source(&broken, "x.rules");
        assert_eq!(
            again.render(dd_rules::Style::Plain),
            first.render(dd_rules::Style::Plain)
        );
        assert_eq!(again.to_json(), first.to_json());
    }
}

/// With the `parallel` feature, a batch runs on rayon's pool: the reports
/// must still be in input order and identical to those evaluated alone.
#[cfg(feature = "parallel")]
#[test]
fn a_parallel_batch_gives_the_same_reports() {
    let rules = RuleSet::bundled().unwrap();
    let docs = transactions();
    let expected = alone(&rules, &docs);
    let many: Vec<String> = (0..4).flat_map(|_| docs.iter().cloned()).collect();
    let batch: Vec<String> = rules
        .evaluate_batch(&many)
        .into_iter()
        .map(render)
        .collect();
    for (i, report) in batch.iter().enumerate() {
        assert_eq!(
            report,
            &expected[i % docs.len()],
            "document {} differs in a parallel batch",
            i % docs.len()
        );
    }
}
