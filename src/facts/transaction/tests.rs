use serde::Serialize;

use super::*;

const EXAMPLES: &[(&str, &str)] = &[
    (
        "face-recognition-national-police",
        include_str!("../../../examples/transactions/face-recognition-national-police.json"),
    ),
    (
        "traffic-cameras-city",
        include_str!("../../../examples/transactions/traffic-cameras-city.json"),
    ),
    (
        "reseller-undisclosed-end-user",
        include_str!("../../../examples/transactions/reseller-undisclosed-end-user.json"),
    ),
    (
        "analytics-strong-safeguards",
        include_str!("../../../examples/transactions/analytics-strong-safeguards.json"),
    ),
    (
        "partial-facts",
        include_str!("../../../examples/transactions/partial-facts.json"),
    ),
];

/// Replaces provenance wrappers (`{"value": …, "source": …, "as_of": …}`) by their value.
fn strip_provenance(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            let is_wrapper = map.contains_key("value")
                && map
                    .keys()
                    .all(|k| matches!(k.as_str(), "value" | "source" | "as_of"));
            if is_wrapper {
                let inner = map.remove("value").unwrap_or(serde_json::Value::Null);
                *v = inner;
                strip_provenance(v);
            } else {
                map.values_mut().for_each(strip_provenance);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_provenance),
        _ => {}
    }
}

/// The values of an enum of the bundled ruleset's schema, in order.
fn ruleset_enum(name: &str) -> Vec<String> {
    let rules = crate::RuleSet::bundled().unwrap();
    let schema = &rules.checked().schema;
    let e = schema
        .enum_named(name)
        .unwrap_or_else(|| panic!("enum {name} not in the ruleset"));
    schema.enums[e].variants.keys().cloned().collect()
}

/// A document with every fact of the schema present: every set holds
/// every value, every list one element.
fn full_document(
    schema: &crate::facts::schema::Schema,
    record: usize,
    depth: usize,
) -> serde_json::Value {
    use crate::facts::schema::Type;
    assert!(depth < 8, "the schema nests too deep for this test");
    let mut obj = serde_json::Map::new();
    for (name, field) in &schema.records[record].fields {
        let value = match field.ty {
            Type::Bool => serde_json::json!(true),
            Type::Int => serde_json::json!(7),
            Type::Decimal => serde_json::json!(0.5),
            Type::String => serde_json::json!("text"),
            Type::Enum(e) => serde_json::json!(schema.enums[e].variants.keys().next().unwrap()),
            Type::Set(e) => {
                serde_json::json!(schema.enums[e].variants.keys().collect::<Vec<_>>())
            }
            Type::Record(r) => full_document(schema, r, depth + 1),
            Type::List(r) => serde_json::json!([full_document(schema, r, depth + 1)]),
        };
        obj.insert(name.clone(), value);
    }
    serde_json::Value::Object(obj)
}

#[test]
fn transaction_mirrors_the_bundled_schema() {
    let rules = crate::RuleSet::bundled().unwrap();
    let schema = &rules.checked().schema;
    let mut doc = full_document(schema, schema.root, 0);
    doc["id"] = serde_json::json!("T-1");
    // Every schema field is a field of `Transaction` (it denies unknown fields)…
    let tx: Transaction =
        serde_json::from_value(doc.clone()).expect("a schema fact is missing from Transaction");
    // …and every `Transaction` field is a schema field: none is left unset.
    let debug = format!("{tx:?}");
    assert!(
        !debug.contains("None"),
        "a Transaction field is not in the schema: {debug}"
    );
    // Through facts, the typed form loads to exactly what the JSON loads to.
    let from_tx = rules.facts_from_transaction(&tx).unwrap();
    let from_json = rules.facts_from_json(&doc.to_string()).unwrap();
    assert_eq!(from_tx, from_json);
    assert!(
        from_tx
            .root
            .slots
            .iter()
            .all(|s| s.value != crate::facts::Value::Absent)
    );
}

fn names<T: Serialize>(all: &[T]) -> Vec<String> {
    all.iter()
        .map(|v| match serde_json::to_value(v) {
            Ok(serde_json::Value::String(s)) => s,
            other => panic!("enum value serialised as {other:?}"),
        })
        .collect()
}

#[test]
fn enums_match_the_ruleset() {
    assert_eq!(names(Capability::ALL), ruleset_enum("Capability"));
    assert_eq!(names(TechnicalLimit::ALL), ruleset_enum("TechnicalLimit"));
    assert_eq!(names(PrivacyMeasure::ALL), ruleset_enum("PrivacyMeasure"));
    assert_eq!(names(EndUserKind::ALL), ruleset_enum("EndUserKind"));
    assert_eq!(names(CivicSpace::ALL), ruleset_enum("CivicSpace"));
    assert_eq!(names(PartyRole::ALL), ruleset_enum("PartyRole"));
    assert_eq!(names(DeploymentScope::ALL), ruleset_enum("DeploymentScope"));
}

#[test]
fn examples_deserialise_and_round_trip() {
    for (name, text) in EXAMPLES {
        let mut value: serde_json::Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        strip_provenance(&mut value);
        let tx: Transaction =
            serde_json::from_value(value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(tx.id.is_some(), "{name}: no id");
        let back = serde_json::to_string(&tx).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again: Transaction =
            serde_json::from_str(&back).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(tx, again, "{name}");
    }
}

#[test]
fn absent_facts_are_left_out() {
    let tx = Transaction {
        id: Some("t1".into()),
        ..Transaction::default()
    };
    assert_eq!(
        serde_json::to_string(&tx).ok().as_deref(),
        Some(r#"{"id":"t1"}"#)
    );
    assert!(serde_json::from_str::<Transaction>(r#"{"nonsense": 1}"#).is_err());
    let c: Country =
        serde_json::from_str(r#"{"vdem_liberal_democracy": 0.35, "civic_space": null}"#)
            .unwrap_or_default();
    assert_eq!(
        c.vdem_liberal_democracy.map(|d| d.to_string()).as_deref(),
        Some("0.35")
    );
    assert_eq!(c.civic_space, None);
}
