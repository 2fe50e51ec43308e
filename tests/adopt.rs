//! Facts carried from one ruleset's schema to another's (`RuleSet::adopt`).

use dd_rules::{EvalError, RuleSet, Status};

/// A ruleset over `facts`, with the enum and record every test shares in
/// some order, and one flag per fact it reads.
fn ruleset(name: &str, role: &str, extra_fact: &str) -> RuleSet {
    let source = format!(
        r#"ruleset "{name}" {{ version: "1" title: "t" source: "s" }}
           enum Role {{ {role} }}
           record Party {{ role: Role  listed: bool }}
           record Place {{ code: string  score: decimal }}
           facts {{
             kinds: set<Role>
             lead: Role
             parties: list<Party>
             place: Place
             {extra_fact}
           }}
           flag A.listed {{ step: 1 severity: high title: "listed" when: any(p in parties where p.listed and p.role == broker) }}
           flag A.kinds {{ step: 1 severity: low title: "kinds" when: kinds contains any of {{ seller }} }}
           flag A.lead {{ step: 1 severity: low title: "lead" when: lead == buyer }}
           flag A.place {{ step: 1 severity: low title: "place" when: place.score > 2.5 and place.code == "XX" }}
           outcomes {{ ok }}
           disposition {{ otherwise => ok }}"#
    );
    RuleSet::compile(&source, &format!("{name}.rules")).unwrap()
}

const DOC: &str = r#"{
  "id": "t-1",
  "kinds": ["seller", "broker"],
  "lead": {"value": "buyer", "source": "registry", "as_of": "2026-01-01"},
  "parties": [{"role": "buyer", "listed": false}, {"role": "broker", "listed": true}],
  "place": {"code": "XX", "score": 3.75}
}"#;

#[test]
fn facts_carried_to_a_schema_with_its_enum_in_another_order_read_the_same() {
    let a = ruleset("a", "buyer, seller, broker", "only_a: bool");
    let b = ruleset("b", "broker, buyer, seller, agent", "only_b: int");
    let from_a = a.facts_from_json(DOC).unwrap();
    let carried = b.adopt(&from_a).unwrap();
    let direct = b.facts_from_json(DOC).unwrap();
    assert_eq!(carried, direct, "the carried facts are the facts b loads");
    // The same report, byte for byte: values, renumbered enums and sets,
    // list elements, decimals and provenance all came along.
    let report = b.evaluate(&carried).unwrap().to_json();
    assert_eq!(report, b.evaluate(&direct).unwrap().to_json());
    assert!(
        report.contains("registry"),
        "provenance is quoted: {report}"
    );
    // `evaluate` carries them itself.
    assert_eq!(b.evaluate(&from_a).unwrap().to_json(), report);
    let r = b.evaluate(&from_a).unwrap();
    for id in ["A.listed", "A.kinds", "A.lead", "A.place"] {
        assert_eq!(r.flag(id).unwrap().status, Status::Raised, "{id}");
    }
    // Explanations too.
    assert!(b.explain(&from_a, "A.lead").unwrap().is_some());
}

#[test]
fn a_fact_only_one_schema_declares_is_left_behind_or_unknown() {
    let a = ruleset("a", "buyer, seller, broker", "only_a: bool");
    let b = ruleset("b", "buyer, seller, broker", "only_b: int");
    let facts = a
        .facts_from_json(r#"{"only_a": true, "lead": "buyer"}"#)
        .unwrap();
    let carried = b.adopt(&facts).unwrap();
    // What b loads from the facts both declare: `only_a` is not b's.
    assert_eq!(carried, b.facts_from_json(r#"{"lead": "buyer"}"#).unwrap());
    // And back: b's `only_b` is unknown to a, and a's `only_a` was left behind.
    let back = a.adopt(&carried).unwrap();
    assert_eq!(back, a.facts_from_json(r#"{"lead": "buyer"}"#).unwrap());
}

#[test]
fn facts_of_its_own_schema_are_the_same_facts() {
    let a = ruleset("a", "buyer, seller, broker", "only_a: bool");
    let facts = a.facts_from_json(DOC).unwrap();
    let same = a.adopt(&facts).unwrap();
    assert_eq!(same, facts);
    // The fast path takes them as they are.
    let mut scratch = a.new_scratch();
    assert!(a.evaluate_into(&same, &mut scratch).is_ok());
}

#[test]
fn a_path_of_another_type_is_named_with_both_types() {
    let a = ruleset("a", "buyer, seller, broker", "extra: bool");
    let b = ruleset("b", "buyer, seller, broker", "extra: list<Party>");
    let facts = a.facts_from_json(r#"{"extra": true}"#).unwrap();
    let err = b.adopt(&facts).unwrap_err();
    assert_eq!(err.path, "extra");
    assert_eq!(
        err.message,
        "the facts hold a bool here, and this ruleset reads a list<Party>"
    );
    assert_eq!(
        err.to_string(),
        "at `extra`: the facts hold a bool here, and this ruleset reads a list<Party>"
    );
    match b.evaluate(&facts).unwrap_err() {
        EvalError::SchemaDiffers(e) => assert_eq!(e, err),
        other => panic!("expected SchemaDiffers, got {other}"),
    }
}

#[test]
fn an_enum_value_the_ruleset_lacks_is_named_with_its_path() {
    let a = ruleset("a", "buyer, seller, broker, agent", "x: bool");
    let b = ruleset("b", "buyer, seller, broker", "x: bool");
    let facts = a.facts_from_json(r#"{"lead": "buyer"}"#).unwrap();
    // Whatever the facts hold: the types disagree, not these values.
    let err = b.adopt(&facts).unwrap_err();
    assert_eq!(err.path, "kinds");
    assert_eq!(
        err.message,
        "the facts' enum Role has the value `agent`, which this ruleset's Role does not"
    );
    // The other way round, every value of b's Role is one of a's.
    assert!(a.adopt(&b.facts_from_json("{}").unwrap()).is_ok());
}

#[test]
fn a_path_inside_a_list_is_named_through_the_list() {
    let a = RuleSet::compile(
        r#"ruleset "a" { version: "1" title: "t" source: "s" }
           record Party { name: string  listed: bool }
           facts { parties: list<Party> }
           flag A.x { step: 1 severity: low title: "x" when: any(p in parties where p.listed) }
           outcomes { ok }
           disposition { otherwise => ok }"#,
        "a.rules",
    )
    .unwrap();
    let b = RuleSet::compile(
        r#"ruleset "b" { version: "1" title: "t" source: "s" }
           record Party { name: string  listed: int }
           facts { parties: list<Party> }
           flag A.x { step: 1 severity: low title: "x" when: any(p in parties where p.listed > 0) }
           outcomes { ok }
           disposition { otherwise => ok }"#,
        "b.rules",
    )
    .unwrap();
    let facts = a
        .facts_from_json(r#"{"parties": [{"listed": true}]}"#)
        .unwrap();
    let err = b.adopt(&facts).unwrap_err();
    assert_eq!(err.path, "parties[].listed");
    assert_eq!(
        err.message,
        "the facts hold a bool here, and this ruleset reads an int"
    );
}

#[test]
fn the_bundled_facts_carry_to_the_eu_ruleset_and_back() {
    let state = RuleSet::bundled().unwrap();
    let eu = RuleSet::compile(
        include_str!("../rulesets/eu-2021-821-art5.rules"),
        "eu-2021-821-art5.rules",
    )
    .unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/transactions");
    let mut carried = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let doc = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let Ok(facts) = state.facts_from_json(&doc) else {
            continue;
        };
        let in_eu = eu.adopt(&facts).unwrap();
        // Carrying is idempotent: the EU facts carried back and forth again
        // are the same EU facts.
        let again = eu.adopt(&state.adopt(&in_eu).unwrap()).unwrap();
        assert_eq!(again, in_eu);
        assert_eq!(
            eu.evaluate(&facts).unwrap().to_json(),
            eu.evaluate(&in_eu).unwrap().to_json()
        );
        carried += 1;
    }
    assert!(carried >= 5, "{carried} example transactions carried");
}
