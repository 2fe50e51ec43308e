//! The resource model of one evaluation (`SECURITY.md`, "Resource model"):
//! the work budget stops what grows as a power of a list's length; missing
//! facts and explanations walk each predicate once, however predicates use
//! each other; what a report quotes is bounded by the quote budget. Each test
//! is a shape that used to run for hours, abort or take gigabytes. No test
//! measures time: a budget of steps makes the same decision on any machine.

use dd_rules::{
    ConditionKind, DEFAULT_BUDGET, EvalError, MAX_MISSING_FACTS, MAX_MISSING_PER_FLAG, RuleSet,
    Status, report_quote_budget,
};

const HEADER: &str = "ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\n";
const TAIL: &str =
    "outcomes { go, stop }\ndisposition { when any flags(raised) => stop  otherwise => go }\n";

fn compile(body: &str) -> RuleSet {
    let source = format!("{HEADER}{body}{TAIL}");
    RuleSet::compile(&source, "r.rules").unwrap_or_else(|e| panic!("{e}"))
}

/// `any` nested `depth` deep over the one list `ps`, true only if every
/// element bound is `ok`.
fn nested(depth: usize) -> RuleSet {
    let names: Vec<String> = (0..depth).map(|i| format!("v{i}")).collect();
    let mut cond = names
        .iter()
        .map(|n| format!("{n}.ok"))
        .collect::<Vec<_>>()
        .join(" and ");
    for n in names.iter().rev() {
        cond = format!("any({n} in ps where {cond})");
    }
    compile(&format!(
        "record P {{ ok: bool }}\nfacts {{ ps: list<P> }}\n\
         flag F.nested {{ step: 1 severity: high title: \"t\" when: {cond} }}\n"
    ))
}

fn parties(n: usize, ok: bool) -> String {
    let one = format!("{{\"ok\": {ok}}}");
    format!("{{\"ps\": [{}]}}", vec![one.as_str(); n].join(","))
}

fn over_budget(rules: &RuleSet, facts: &str) -> (u64, ConditionKind, String) {
    let facts = rules.facts_from_json(facts).unwrap();
    match rules.evaluate(&facts) {
        Err(EvalError::OverBudget { budget, kind, id }) => (budget, kind, id),
        Err(e) => panic!("another error: {e}"),
        Ok(_) => panic!("the evaluation finished within its budget"),
    }
}

/// Three levels over 1,000 parties took 44 s; four over 300 would take
/// hours. Both stop at the default budget, naming the flag.
#[test]
fn quantifiers_nested_over_a_long_list_stop_at_the_budget_naming_the_flag() {
    for (depth, n) in [(3, 1_000), (4, 300)] {
        let (budget, kind, id) = over_budget(&nested(depth), &parties(n, false));
        assert_eq!(
            (budget, kind, id.as_str()),
            (DEFAULT_BUDGET, ConditionKind::Flag, "F.nested")
        );
    }
    let rules = nested(8).with_budget(10_000);
    let (budget, _, id) = over_budget(&rules, &parties(10, false));
    assert_eq!((budget, id.as_str()), (10_000, "F.nested"));
    // The message says what and where.
    let facts = rules.facts_from_json(&parties(10, false)).unwrap();
    let message = rules.evaluate(&facts).unwrap_err().to_string();
    assert!(
        message.contains("over its budget of 10000 steps in the flag `F.nested`"),
        "{message}"
    );
    // Explanations have the same budget.
    let explained = rules.explain(&facts, "F.nested").unwrap_err();
    assert!(matches!(
        explained,
        EvalError::OverBudget { budget: 10_000, .. }
    ));
}

/// The same shapes on short lists are well within the budget, and the
/// result does not depend on it.
#[test]
fn short_lists_are_far_under_the_budget() {
    let rules = nested(4).with_budget(100_000);
    let facts = rules.facts_from_json(&parties(10, true)).unwrap();
    let report = rules.evaluate(&facts).unwrap();
    assert_eq!(report.flags().next().unwrap().status, Status::Raised);
}

/// The smallest budget under which `rules` evaluates `facts`, found by
/// bisection (the work of an evaluation does not depend on its budget).
fn steps_taken(rules: &RuleSet, facts: &str) -> u64 {
    let facts = rules.facts_from_json(facts).unwrap();
    let (mut low, mut high) = (0u64, DEFAULT_BUDGET);
    while low + 1 < high {
        let mid = low + (high - low) / 2;
        if rules.with_budget(mid).evaluate(&facts).is_ok() {
            high = mid;
        } else {
            low = mid;
        }
    }
    high
}

/// The bundled rulesets on every bundled example take a few thousand steps:
/// at least ten thousand times under the default budget.
#[test]
fn the_bundled_rulesets_on_realistic_facts_are_nowhere_near_the_budget() {
    let examples = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/transactions"
    ))
    .unwrap()
    .map(|e| e.unwrap().path())
    .filter(|p| p.extension().is_some_and(|x| x == "json"));
    let bundled = RuleSet::bundled().unwrap();
    let mut most = 0;
    for path in examples {
        let facts = std::fs::read_to_string(&path).unwrap();
        let steps = steps_taken(&bundled, &facts);
        most = most.max(steps);
        // A full report fits in ten times that; every explanation (whose
        // interpreter pays for each condition too) in a thousandth of the
        // default budget.
        let doc = bundled.facts_from_json(&facts).unwrap();
        let report = bundled.with_budget(10 * steps).evaluate(&doc).unwrap();
        let rules = bundled.with_budget(DEFAULT_BUDGET / 1_000);
        for flag in report.flags() {
            rules.explain(&doc, flag.id).unwrap().unwrap();
        }
    }
    assert!(most > 0 && most * 10_000 <= DEFAULT_BUDGET, "{most} steps");
}

/// Each of `n` predicates uses the one before twice: 2^n paths through the
/// graph. With 28, the missing-facts walk aborted and `--explain` ran for
/// minutes; now each predicate is walked once.
fn chain(n: usize) -> RuleSet {
    let mut body = String::from("facts { x: bool  y: bool }\npredicate p0 { x }\n");
    for i in 1..n {
        body.push_str(&format!(
            "predicate p{i} {{ (p{0} and y) or (not p{0} and x) }}\n",
            i - 1
        ));
    }
    body.push_str(&format!(
        "flag A.chain {{ step: 1 severity: high title: \"t\" when: p{} }}\n",
        n - 1
    ));
    compile(&body)
}

#[test]
fn a_predicate_graph_with_exponentially_many_paths_costs_linear_work() {
    for n in [30, 3_000] {
        // A small budget: linear work fits, exponential would not. (An
        // explanation's interpreter pays for every condition, 16 steps each.)
        let rules = chain(n).with_budget(100 * n as u64);
        let facts = rules.facts_from_json("{}").unwrap();
        let report = rules.evaluate(&facts).unwrap();
        let rules = rules.with_budget(1_000 * n as u64);
        let flag = report.flags().next().unwrap();
        assert_eq!(flag.status, Status::Unknown);
        assert_eq!(flag.missing().collect::<Vec<_>>(), ["x", "y"]);
        let explanation = rules.explain(&facts, "A.chain").unwrap().unwrap();
        // Each predicate explained once, up to the explanation's size limit.
        let listed = explanation.predicates.len();
        assert_eq!(explanation.truncated, listed < n);
        assert!(listed == n || (100..n).contains(&listed), "{listed}");
        assert_eq!(
            explanation.predicates[0].condition,
            format!(
                "predicate p{}: (p{} and y) or (not p{} and x)",
                n - 1,
                n - 2,
                n - 2
            )
        );
    }
}

/// A flag that reads a hundred absent facts lists the first 64, in text
/// order, and says it cut the list; the report's questionnaire stops at 256.
#[test]
fn missing_facts_are_capped_per_flag_and_per_report() {
    let facts: Vec<String> = (0..100).map(|i| format!("f{i:03}: bool")).collect();
    let mut body = format!("facts {{ {} }}\n", facts.join("  "));
    for flag in 0..5 {
        let reads: Vec<String> = (0..100)
            .map(|i| format!("f{:03}", (i + 20 * flag) % 100))
            .collect();
        body.push_str(&format!(
            "flag A.f{flag} {{ step: 1 severity: high title: \"t\" when: {} }}\n",
            reads.join(" and ")
        ));
    }
    let rules = compile(&body);
    let report = rules
        .evaluate(&rules.facts_from_json("{}").unwrap())
        .unwrap();
    for flag in report.flags() {
        assert!(flag.missing_truncated);
        let missing: Vec<&str> = flag.missing().collect();
        assert_eq!(missing.len(), MAX_MISSING_PER_FLAG);
        let mut sorted = missing.clone();
        sorted.sort_unstable();
        assert_eq!(missing, sorted, "the first ones, in text order");
    }
    assert!(report.missing_facts().len() <= MAX_MISSING_FACTS);
    let json = report.to_json();
    assert!(json.contains("\"missing_truncated\":true"));
}

/// 2,000 flags each quoting a list of 100,000 parties (a 2.2 MB document)
/// asked for 4 GB of report and aborted. Now a report quotes each fact
/// once, however many flags cite it; and the values it quotes are bounded
/// by its quote budget: past it, a fact's value is left out
/// (`omitted_facts`). Its size is bounded by the budget plus what the
/// ruleset itself names.
#[test]
fn evidence_past_the_quote_budget_is_omitted_and_the_report_stays_bounded() {
    let mut body = String::from("record P { name: string }\nfacts { ps: list<P>  x: bool }\n");
    for i in 0..2_000 {
        body.push_str(&format!(
            "flag A.f{i} {{ step: 1 severity: high title: \"t\" when: x  evidence: ps, x }}\n"
        ));
    }
    let source = format!("{HEADER}{body}{TAIL}");
    let rules = compile(&body);
    let doc = format!(
        "{{\"x\": true, \"ps\": [{}]}}",
        vec!["{\"name\": \"Ab\"}"; 100_000].join(",")
    );
    let report = rules.evaluate_json(&doc).unwrap();
    let json = report.to_json();
    assert_eq!(json.matches(r#"{"name":"Ab"}"#).count(), 100_000);
    let bound = report_quote_budget(doc.len()) + 64 * source.len();
    assert!(json.len() <= bound, "{} bytes, over {bound}", json.len());

    // Values that quote longer than they are written (a decimal with an
    // exponent, with all its digits), in 64 lists, each cited by a flag.
    let mut body = String::from("record D { d: decimal }\nfacts {\n  x: bool\n");
    for i in 0..64 {
        body.push_str(&format!("  ds{i}: list<D>\n"));
    }
    body.push_str("}\n");
    for i in 0..64 {
        body.push_str(&format!(
            "flag A.f{i} {{ step: 1 severity: high title: \"t\" when: x  evidence: ds{i}, x }}\n"
        ));
    }
    let source = format!("{HEADER}{body}{TAIL}");
    let rules = compile(&body);
    let list = vec![r#"{"d": 1e27}"#; 5_000].join(",");
    let lists: Vec<String> = (0..64).map(|i| format!("\"ds{i}\": [{list}]")).collect();
    let doc = format!("{{\"x\": true, {}}}", lists.join(","));
    let report = rules.evaluate_json(&doc).unwrap();
    let evidence: Vec<_> = report
        .flags()
        .flat_map(|f| f.evidence().collect::<Vec<_>>())
        .filter(|e| e.fact != "x")
        .collect();
    let omitted = evidence.iter().filter(|e| e.omitted).count();
    assert!(
        omitted > 0 && omitted < evidence.len(),
        "{omitted} of {}",
        evidence.len()
    );
    // Quoted first come first: once a list is omitted, no later list is quoted.
    let first_omitted = evidence.iter().position(|e| e.omitted).unwrap();
    assert!(evidence[first_omitted..].iter().all(|e| e.omitted));
    let json = report.to_json();
    let bound = report_quote_budget(doc.len()) + 64 * source.len();
    assert!(json.len() <= bound, "{} bytes, over {bound}", json.len());
    assert!(json.contains(&format!("\"omitted_facts\":[\"ds{first_omitted}\"")));
}

/// The largest list of parties a facts document may hold (the loader's
/// limit on list fields: 230,000 parties), against the bundled ruleset:
/// 4,140,000 steps when measured, within a twentieth of the default budget,
/// so no document the loader accepts comes near it on the bundled rules.
#[test]
fn the_largest_document_of_parties_is_within_the_default_budget() {
    let bundled = RuleSet::bundled().unwrap();
    let mut n = 250_000;
    let facts = loop {
        let doc = format!("{{\"parties\": [{}]}}", vec!["{}"; n].join(","));
        match bundled.facts_from_json(&doc) {
            Ok(facts) => break facts,
            Err(_) => n -= 10_000,
        }
    };
    assert!(n >= 100_000, "only {n} parties load");
    let steps = DEFAULT_BUDGET / 20;
    let report = bundled.with_budget(steps).evaluate(&facts);
    assert!(report.is_ok(), "{n} parties: {:?}", report.err());
}

/// Explanations run the reference interpreter under the same budget: each
/// condition and each list element it visits is paid for, `count(x in
/// list)` without `where` included (the `resources` fuzz target found one
/// nested in two quantifiers that visited 200,000 elements unpaid and ran
/// for 10 s).
#[test]
fn explanations_pay_for_every_element_they_visit() {
    let rules = compile(
        "record P { ok: bool }\nfacts { ps: list<P> }\n\
         flag F.count { step: 1 severity: high title: \"t\" \
         when: any(a in ps where any(b in ps where count(c in ps) < 3)) }\n",
    );
    let facts = rules.facts_from_json(&parties(100, false)).unwrap();
    // 10,000 pairs each visiting 100 elements: a million, over the budget.
    let explained = rules.with_budget(1_000_000).explain(&facts, "F.count");
    assert!(
        matches!(explained, Err(EvalError::OverBudget { ref id, .. }) if id == "F.count"),
        "{explained:?}"
    );
    // The compiled evaluator counts such a list in one step.
    assert!(rules.with_budget(1_000_000).evaluate(&facts).is_ok());
}

/// Advice evaluates the transaction again for each candidate answer, so the
/// questionnaire's evaluations shrink as the document grows
/// (`advice_evaluations`): a document of a megabyte gets a handful, and the
/// questionnaire says it stopped early.
#[test]
fn advice_on_a_large_document_stops_early_and_says_so() {
    assert_eq!(
        dd_rules::advice_evaluations(1_000),
        dd_rules::MAX_ADVICE_EVALUATIONS
    );
    assert_eq!(dd_rules::advice_evaluations(usize::MAX), 16);
    let bundled = RuleSet::bundled().unwrap();
    let name = "x".repeat(1 << 20);
    let doc = format!(r#"{{"parties": [{{"name": "{name}"}}, {{}}, {{}}]}}"#);
    assert_eq!(dd_rules::advice_evaluations(doc.len()), 63);
    let mut report = bundled.evaluate_json(&doc).unwrap();
    bundled.advise(&mut report).unwrap();
    let questionnaire = report.questionnaire().unwrap();
    assert!(questionnaire.truncated);
    assert!(!questionnaire.questions.is_empty());
    // A small document is examined whole.
    let mut small = bundled
        .evaluate_json(r#"{"parties": [{}, {}, {}]}"#)
        .unwrap();
    bundled.advise(&mut small).unwrap();
    assert!(!small.questionnaire().unwrap().truncated);
}
