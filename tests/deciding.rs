//! `Report::deciding_flags`: the flags the deciding case of the policy
//! counts, by the case's form (`any`, `no`, counts, `not`, `and`, `or`).

use dd_rules::{RuleSet, Status};

/// Four flags on four booleans; `policy` is the disposition's cases.
fn rules(policy: &str) -> RuleSet {
    let source = format!(
        r#"ruleset "d" {{ version: "1" title: "Deciding" source: "Test" }}
record Facts4 {{ a: bool  b: bool  c: bool  d: bool  s: bool }}
facts {{ f: Facts4 }}
safeguard contract.s {{ step: 6 title: "S" when: f.s }}
flag S1.a {{ step: 1 severity: critical title: "A" when: f.a mitigated_by: contract.s }}
flag S1.b {{ step: 1 severity: high title: "B" when: f.b }}
flag S2.c {{ step: 2 severity: medium title: "C" when: f.c }}
flag S2.d {{ step: 2 severity: low title: "D" when: f.d }}
outcomes {{ proceed, review, stop }}
disposition {{
{policy}
}}
"#
    );
    RuleSet::compile(&source, "deciding.rules").unwrap_or_else(|e| panic!("{e}"))
}

fn deciding(rules: &RuleSet, facts: &str) -> (String, Vec<String>) {
    let report = rules.evaluate_json(facts).expect("evaluates");
    let ids = report.deciding_flags().map(|f| f.id.to_string()).collect();
    (report.disposition().to_string(), ids)
}

#[test]
fn an_any_names_the_flags_it_picks() {
    let r = rules(
        "when any flags(raised, unmitigated, severity >= high) => stop\n\
         when any flags(raised) => review\n otherwise => proceed",
    );
    let all = r#"{"f": {"a": true, "b": true, "c": true, "d": false, "s": false}}"#;
    assert_eq!(
        deciding(&r, all),
        ("stop".into(), vec!["S1.a".into(), "S1.b".into()])
    );
    // Mitigated, `a` no longer counts for `stop`.
    let mitigated = r#"{"f": {"a": true, "b": false, "c": true, "d": false, "s": true}}"#;
    assert_eq!(
        deciding(&r, mitigated),
        ("review".into(), vec!["S1.a".into(), "S2.c".into()])
    );
    // `otherwise` is decided by the absence of flags.
    let none = r#"{"f": {"a": false, "b": false, "c": false, "d": false, "s": false}}"#;
    assert_eq!(deciding(&r, none), ("proceed".into(), vec![]));
}

#[test]
fn a_count_names_what_it_counts_and_a_no_names_nothing() {
    let r = rules(
        "when count flags(raised) >= 2 => stop\n\
         when no flags(unknown) => proceed\n otherwise => review",
    );
    let two = r#"{"f": {"a": false, "b": true, "c": false, "d": true, "s": false}}"#;
    assert_eq!(
        deciding(&r, two),
        ("stop".into(), vec!["S1.b".into(), "S2.d".into()])
    );
    let one = r#"{"f": {"a": false, "b": true, "c": false, "d": false, "s": false}}"#;
    assert_eq!(deciding(&r, one), ("proceed".into(), vec![]));
    // `not no flags(unknown)` is an `any`: the unknown flags decide.
    let r = rules("when not no flags(unknown) => review\n otherwise => proceed");
    let unknown = r#"{"f": {"a": false, "b": false}}"#;
    let (outcome, ids) = deciding(&r, unknown);
    assert_eq!(outcome, "review");
    assert_eq!(ids, vec!["S2.c", "S2.d"]);
    let report = r.evaluate_json(unknown).expect("evaluates");
    assert!(report.deciding_flags().all(|f| f.status == Status::Unknown));
}

#[test]
fn an_or_names_only_the_parts_that_hold() {
    let r = rules(
        "when any flags(raised, severity >= critical) or count flags(raised, severity <= medium) >= 2 => stop\n\
         otherwise => proceed",
    );
    // Only the count holds: the critical flag is clear, and named nowhere.
    let counted = r#"{"f": {"a": false, "b": true, "c": true, "d": true, "s": false}}"#;
    assert_eq!(
        deciding(&r, counted),
        ("stop".into(), vec!["S2.c".into(), "S2.d".into()])
    );
    // Both hold: both parts' flags.
    let both = r#"{"f": {"a": true, "b": false, "c": true, "d": true, "s": false}}"#;
    assert_eq!(
        deciding(&r, both),
        (
            "stop".into(),
            vec!["S1.a".into(), "S2.c".into(), "S2.d".into()]
        )
    );
}

#[test]
fn out_of_scope_no_flag_decides() {
    let report = RuleSet::bundled()
        .expect("bundled")
        .evaluate_json(r#"{"product": {"capabilities": [], "critical_component": false}}"#)
        .expect("evaluates");
    assert_eq!(report.disposition(), "out_of_scope");
    assert_eq!(report.deciding_flags().count(), 0);
}
