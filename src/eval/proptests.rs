//! Property tests: the compiled evaluator agrees with the reference
//! interpreter on random well-typed rules and random facts (unknowns
//! included), and a checked ruleset never meets a type error when evaluated.

use proptest::prelude::*;

use super::interp::Interpreter;
use crate::RuleSet;
use crate::model::{SafeguardStatus, ScopeStatus, Status};

/// The generator of well-typed rules and facts, shared with the fuzz targets.
pub(crate) type Gen = crate::__fuzz::Gen<'static>;

pub(crate) fn status_of(t: crate::tri::Tri) -> Status {
    match t {
        crate::tri::Tri::True => Status::Raised,
        crate::tri::Tri::False => Status::Clear,
        crate::tri::Tri::Unknown => Status::Unknown,
    }
}

pub(crate) fn scope_of(t: crate::tri::Tri) -> ScopeStatus {
    match t {
        crate::tri::Tri::True => ScopeStatus::In,
        crate::tri::Tri::False => ScopeStatus::Out,
        crate::tri::Tri::Unknown => ScopeStatus::Unknown,
    }
}

/// Checks that the report (compiled evaluator) and the interpreter agree on
/// every flag and safeguard, missing facts included, with no type error.
fn agree(
    rules: &RuleSet,
    facts_json: &str,
    scratch: &mut crate::Scratch,
) -> Result<(), TestCaseError> {
    let facts = rules
        .facts_from_json(facts_json)
        .map_err(|e| TestCaseError::fail(format!("facts rejected: {e}")))?;
    let report = rules
        .evaluate(&facts)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let interp = Interpreter::new(rules.checked(), &facts, crate::DEFAULT_BUDGET);
    for (flag, traced) in report.flags().zip(interp.flags()) {
        prop_assert_eq!(flag.status, status_of(traced.value), "flag {}", flag.id);
        let expected: Vec<String> = traced.missing.into_iter().collect();
        prop_assert_eq!(
            flag.missing().collect::<Vec<_>>(),
            expected.iter().map(String::as_str).collect::<Vec<_>>(),
            "missing facts of flag {}",
            flag.id
        );
    }
    for (s, traced) in report.safeguards().zip(interp.safeguards()) {
        let expected = match traced.value {
            crate::tri::Tri::True => SafeguardStatus::InPlace,
            crate::tri::Tri::False => SafeguardStatus::Missing,
            crate::tri::Tri::Unknown => SafeguardStatus::Unknown,
        };
        prop_assert_eq!(s.status, expected, "safeguard {}", s.id);
    }
    match (report.scope(), interp.scope()) {
        (None, None) => {}
        (Some(scope), Some(traced)) => {
            prop_assert_eq!(scope.status, scope_of(traced.value), "scope");
            let expected: Vec<String> = traced.missing.into_iter().collect();
            prop_assert_eq!(
                scope.missing().collect::<Vec<_>>(),
                expected.iter().map(String::as_str).collect::<Vec<_>>(),
                "missing facts of the scope"
            );
            // Unknown, its facts come first in the questionnaire; out, no
            // questions at all.
            let first: Vec<&str> = report.missing_facts().take(expected.len()).collect();
            if scope.status == ScopeStatus::Out {
                prop_assert_eq!(report.missing_facts().len(), 0, "questions out of scope");
            } else {
                prop_assert_eq!(
                    first,
                    expected.iter().map(String::as_str).collect::<Vec<_>>()
                );
            }
        }
        (a, b) => prop_assert!(false, "the report's scope {a:?}, the interpreter's {b:?}"),
    }
    prop_assert_eq!(
        interp.type_errors.get(),
        0,
        "the interpreter met a type error"
    );
    fast_path_agrees(rules, &facts, &report, scratch)
}

/// Checks the fast path against the interpreter's statuses, a plain reading
/// of the disposition policy, and the full report.
fn fast_path_agrees(
    rules: &RuleSet,
    facts: &crate::Facts,
    report: &crate::Report,
    scratch: &mut crate::Scratch,
) -> Result<(), TestCaseError> {
    let checked = rules.checked();
    let interp = Interpreter::new(checked, facts, crate::DEFAULT_BUDGET);
    let flags: Vec<Status> = interp.flags().iter().map(|t| status_of(t.value)).collect();
    let in_place: Vec<bool> = interp
        .safeguards()
        .iter()
        .map(|t| t.value == crate::tri::Tri::True)
        .collect();
    let mitigated: Vec<bool> = checked
        .flags
        .iter()
        .map(|f| !f.mitigated_by.is_empty() && f.mitigated_by.iter().all(|&s| in_place[s]))
        .collect();
    let scope = interp.scope().map(|t| scope_of(t.value));
    // Out of scope, the scope decides; else the first case that holds.
    let (outcome, rule) = match (scope, &checked.scope) {
        (Some(ScopeStatus::Out), Some(decl)) => (decl.otherwise, decl.rule.clone()),
        _ => {
            let case = checked
                .cases
                .iter()
                .position(|c| {
                    c.cond
                        .as_ref()
                        .is_none_or(|d| disp_holds(checked, d, &flags, &mitigated))
                })
                .unwrap();
            (
                checked.cases[case].outcome,
                checked.cases[case].text.clone(),
            )
        }
    };
    let expected = &checked.outcomes[outcome].name;

    let outcome = rules
        .evaluate_into(facts, scratch)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(outcome.scope(), scope, "fast-path scope");
    prop_assert_eq!(outcome.flags(), &flags[..], "fast-path flag statuses");
    prop_assert_eq!(outcome.mitigated(), &mitigated[..], "fast-path mitigations");
    let safeguards: Vec<SafeguardStatus> = report.safeguards().map(|s| s.status).collect();
    prop_assert_eq!(outcome.safeguards(), &safeguards[..]);
    prop_assert_eq!(
        outcome.disposition(),
        expected.as_str(),
        "fast-path disposition"
    );
    prop_assert_eq!(report.disposition(), expected, "report disposition");
    prop_assert_eq!(report.disposition_rule(), &rule);
    let rebuilt = rules
        .report(facts, outcome)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        rebuilt.to_json(),
        report.to_json(),
        "report from the outcome"
    );
    Ok(())
}

/// The disposition condition, read plainly: every flag is tested against
/// every filter of the selector.
pub(crate) fn disp_holds(
    checked: &crate::check::Checked,
    d: &crate::check::DispCond,
    flags: &[Status],
    mitigated: &[bool],
) -> bool {
    use crate::check::DispCond;
    let count = |s: &crate::check::Selector| -> i64 {
        let picked = checked.flags.iter().enumerate().filter(|(i, f)| {
            let status = match flags[*i] {
                Status::Raised => 0,
                Status::Clear => 1,
                Status::Unknown => 2,
            };
            s.statuses[status]
                && s.mitigated.is_none_or(|m| m == mitigated[*i])
                && s.severity
                    .iter()
                    .all(|(op, level)| op.holds(f.severity.cmp(level)))
                && s.step
                    .iter()
                    .all(|(op, n)| op.holds(i64::from(f.step).cmp(n)))
        });
        picked.count() as i64
    };
    match d {
        DispCond::Any(s) => count(s) > 0,
        DispCond::No(s) => count(s) == 0,
        DispCond::Count(s, op, n) => op.holds(count(s).cmp(n)),
        DispCond::Not(i) => !disp_holds(checked, i, flags, mitigated),
        DispCond::And(items) => items
            .iter()
            .all(|i| disp_holds(checked, i, flags, mitigated)),
        DispCond::Or(items) => items
            .iter()
            .any(|i| disp_holds(checked, i, flags, mitigated)),
    }
}

/// A realistic document with whole sections knocked out: example `pick`
/// (of the five bundled ones) without each top-level key whose `drop` is
/// set (cycled), the id kept.
pub(crate) fn knocked_out_example(drop: &[bool], pick: usize) -> String {
    let examples = [
        include_str!("../../examples/transactions/face-recognition-national-police.json"),
        include_str!("../../examples/transactions/traffic-cameras-city.json"),
        include_str!("../../examples/transactions/reseller-undisclosed-end-user.json"),
        include_str!("../../examples/transactions/analytics-strong-safeguards.json"),
        include_str!("../../examples/transactions/partial-facts.json"),
    ];
    let mut doc: serde_json::Value = serde_json::from_str(examples[pick % examples.len()]).unwrap();
    let keys: Vec<String> = doc.as_object().unwrap().keys().cloned().collect();
    for (key, d) in keys.iter().zip(drop.iter().cycle()) {
        if *d && key != "id" {
            doc.as_object_mut().unwrap().remove(key);
        }
    }
    doc.to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn compiled_agrees_with_interpreter(seed in any::<u64>(), fact_seeds in prop::collection::vec(any::<u64>(), 8)) {
        let source = Gen::from_seed(seed).ruleset();
        let rules = match RuleSet::compile(&source, "generated.rules") {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(format!("generated rules do not check:\n{e}\n{source}"))),
        };
        // Buffers made for another ruleset are re-sized on first use, then reused.
        let mut scratch = RuleSet::bundled().unwrap().new_scratch();
        for fs in fact_seeds {
            let facts = Gen::from_seed(fs).facts();
            agree(&rules, &facts, &mut scratch).map_err(|e| TestCaseError::fail(format!("{e}\nrules:\n{source}\nfacts: {facts}")))?;
        }
    }

    #[test]
    fn bundled_ruleset_agrees_with_interpreter(drop in prop::collection::vec(any::<bool>(), 8), pick in 0usize..5) {
        let doc = knocked_out_example(&drop, pick);
        let rules = RuleSet::bundled().unwrap();
        agree(&rules, &doc, &mut rules.new_scratch())?;
    }
}

#[test]
fn generator_covers_every_construct() {
    // The generator must reach every kind of condition, or the property above proves little.
    let mut all = String::new();
    for seed in 0..200 {
        all.push_str(&Gen::from_seed(seed).ruleset());
    }
    for construct in [
        "any(",
        "all(",
        "count(",
        "known(",
        "contains any of",
        "contains all of",
        "contains none of",
        " in {",
        "not (",
        " and ",
        " or ",
        "mitigated_by",
        "scope {",
    ] {
        assert!(
            all.contains(construct),
            "the generator never writes `{construct}`"
        );
    }
}

#[test]
fn a_report_is_never_built_from_the_outcome_of_other_facts() {
    let rules = RuleSet::bundled().unwrap();
    let sanctioned = rules
        .facts_from_json(r#"{"end_user": {"sanctioned": true}}"#)
        .unwrap();
    let empty = rules.facts_from_json("{}").unwrap();
    let mut scratch = rules.new_scratch();
    let outcome = rules.evaluate_into(&sanctioned, &mut scratch).unwrap();
    assert_eq!(outcome.disposition(), "do_not_proceed");
    let report = rules.report(&empty, outcome).unwrap();
    assert_eq!(report, rules.evaluate(&empty).unwrap());
    assert_ne!(report.disposition(), "do_not_proceed");
    // A clone of the facts is the same facts.
    let again = rules.report(&sanctioned.clone(), outcome).unwrap();
    assert_eq!(again.disposition(), "do_not_proceed");
}
