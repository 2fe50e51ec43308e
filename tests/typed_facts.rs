//! Typed input: the same transaction through the builder, a
//! `serde_json::Value`, a `Serialize` struct (`Transaction` and one of our
//! own) and JSON text gives byte-identical reports, and the same mistake the
//! same error, naming the path.

use dd_rules::{Decimal, FactsError, RuleSet, Sourced, Transaction};
use serde::Serialize;
use serde_json::{Value, json};

fn examples() -> Vec<(String, String)> {
    let dir = format!("{}/examples/transactions", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 5, "the examples are missing");
    out
}

/// Whether a JSON object is a fact with provenance.
fn is_wrapper(map: &serde_json::Map<String, Value>) -> bool {
    map.contains_key("value")
        && map
            .keys()
            .all(|k| matches!(k.as_str(), "value" | "source" | "as_of"))
}

/// Sets every fact of `value` (a document's part at `path`) on the
/// builder, one leaf at a time: records field by field, list elements by
/// index, provenance wrappers and sets whole.
fn set_all<'r>(
    mut builder: dd_rules::FactsBuilder<'r>,
    path: &str,
    value: &Value,
) -> dd_rules::FactsBuilder<'r> {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    match value {
        Value::Object(map) if !is_wrapper(map) && !map.is_empty() => {
            for (k, v) in map {
                if path.is_empty() && k == "id" {
                    builder = builder.id(v.as_str().unwrap());
                    continue;
                }
                builder = set_all(builder, &join(k), v);
            }
            builder
        }
        Value::Array(items) if items.first().is_some_and(Value::is_object) => {
            for (i, item) in items.iter().enumerate() {
                builder = set_all(builder, &format!("{path}[{i}]"), item);
            }
            builder
        }
        other => builder.set(path, other),
    }
}

#[track_caller]
fn same_report(rules: &RuleSet, a: &dd_rules::Facts, b: &dd_rules::Facts, what: &str) {
    assert_eq!(a, b, "{what}: the facts differ");
    let a = rules.evaluate(a).unwrap().to_json();
    let b = rules.evaluate(b).unwrap().to_json();
    assert_eq!(a, b, "{what}: the reports differ");
}

#[test]
fn every_example_gives_the_same_report_from_text_value_builder_and_transaction() {
    let rules = RuleSet::bundled().unwrap();
    for (name, text) in examples() {
        let from_text = rules.facts_from_json(&text).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let from_value = rules.facts_from_serialize(&value).unwrap();
        same_report(
            &rules,
            &from_text,
            &from_value,
            &format!("{name} as a Value"),
        );

        let from_builder = set_all(rules.facts_builder(), "", &value).build().unwrap();
        same_report(&rules, &from_text, &from_builder, &format!("{name} built"));

        // `Transaction` holds no provenance: compare with the document without it.
        let plain = strip_provenance(value);
        let tx: Transaction = serde_json::from_value(plain.clone()).unwrap();
        let from_tx = rules.facts_from_transaction(&tx).unwrap();
        let from_plain = rules.facts_from_json(&plain.to_string()).unwrap();
        same_report(
            &rules,
            &from_plain,
            &from_tx,
            &format!("{name} as a Transaction"),
        );
        let from_ser = rules.facts_from_serialize(&tx).unwrap();
        same_report(
            &rules,
            &from_plain,
            &from_ser,
            &format!("{name} serialised"),
        );
    }
}

fn strip_provenance(v: Value) -> Value {
    match v {
        Value::Object(map) if is_wrapper(&map) => {
            strip_provenance(map.get("value").cloned().unwrap_or(Value::Null))
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, strip_provenance(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_provenance).collect()),
        other => other,
    }
}

/// A caller's own types: Rust enums, provenance, decimals, sets, lists.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Civic {
    Repressed,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Role {
    Distributor,
    Integrator,
}

#[derive(Serialize)]
struct Country {
    freedom_score: Sourced<i64>,
    vdem_liberal_democracy: Sourced<Decimal>,
    civic_space: Civic,
    rule_of_law: Option<bool>,
}

#[derive(Serialize)]
struct Party {
    name: String,
    role: Role,
    listed: bool,
}

#[derive(Serialize)]
struct Product {
    capabilities: Vec<&'static str>,
}

#[derive(Serialize)]
struct Deal {
    id: &'static str,
    product: Product,
    country: Country,
    parties: Vec<Party>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment: Option<()>,
}

const DEAL_JSON: &str = r#"{
    "id": "T-42",
    "product": {"capabilities": ["facial_recognition", "data_analytics"]},
    "country": {
        "freedom_score": {"value": 23, "source": "Freedom House 2025", "as_of": "2025-02-26"},
        "vdem_liberal_democracy": {"value": 0.35, "source": "V-Dem"},
        "civic_space": "repressed",
        "rule_of_law": null
    },
    "parties": [
        {"name": "Acme Distribution", "role": "distributor", "listed": false},
        {"name": "Kestria Systems", "role": "integrator", "listed": true}
    ]
}"#;

#[test]
fn a_struct_of_our_own_gives_the_report_of_its_json() {
    let rules = RuleSet::bundled().unwrap();
    let deal = Deal {
        id: "T-42",
        product: Product {
            capabilities: vec!["facial_recognition", "data_analytics"],
        },
        country: Country {
            freedom_score: Sourced::new(23)
                .source("Freedom House 2025")
                .as_of("2025-02-26"),
            vdem_liberal_democracy: Sourced::new(Decimal::parse("0.35").unwrap()).source("V-Dem"),
            civic_space: Civic::Repressed,
            rule_of_law: None,
        },
        parties: vec![
            Party {
                name: "Acme Distribution".into(),
                role: Role::Distributor,
                listed: false,
            },
            Party {
                name: "Kestria Systems".into(),
                role: Role::Integrator,
                listed: true,
            },
        ],
        deployment: None,
    };
    let from_text = rules.facts_from_json(DEAL_JSON).unwrap();
    let from_struct = rules.facts_from_serialize(&deal).unwrap();
    same_report(&rules, &from_text, &from_struct, "our struct");
    let report = rules.evaluate(&from_struct).unwrap().to_json();
    // Provenance, lists and decimals reach the report.
    assert!(report.contains("Freedom House 2025"), "{report}");
    assert!(report.contains("\"T-42\""), "{report}");

    let from_builder = rules
        .facts_builder()
        .id("T-42")
        .set(
            "product.capabilities",
            ["facial_recognition", "data_analytics"],
        )
        .set(
            "country.freedom_score",
            Sourced::new(23)
                .source("Freedom House 2025")
                .as_of("2025-02-26"),
        )
        .set(
            "country.vdem_liberal_democracy",
            Sourced::new(Decimal::parse("0.35").unwrap()).source("V-Dem"),
        )
        .set("country.civic_space", "repressed")
        .set("country.rule_of_law", None::<bool>)
        .set(
            "parties[0]",
            json!({"name": "Acme Distribution", "role": "distributor", "listed": false}),
        )
        .set("parties[1].name", "Kestria Systems")
        .set("parties[1].role", Role::Integrator)
        .set("parties[1].listed", true)
        .build()
        .unwrap();
    same_report(&rules, &from_text, &from_builder, "built");

    let from_value = rules
        .facts_from_serialize(&serde_json::from_str::<Value>(DEAL_JSON).unwrap())
        .unwrap();
    same_report(&rules, &from_text, &from_value, "a Value");
}

#[test]
fn a_decimal_given_as_a_float_reads_as_its_shortest_text() {
    let rules = RuleSet::bundled().unwrap();
    for (float, text) in [
        (0.04, "0.04"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1.0, "1.0"),
    ] {
        let built = rules
            .facts_builder()
            .set("country.vdem_liberal_democracy", float)
            .build()
            .unwrap();
        let loaded = rules
            .facts_from_json(&format!(
                r#"{{"country": {{"vdem_liberal_democracy": {text}}}}}"#
            ))
            .unwrap();
        assert_eq!(built, loaded, "{float}");
    }
}

/// The error that loading `doc` as JSON text gives, without its position.
#[track_caller]
fn text_error(rules: &RuleSet, doc: &Value) -> (String, String) {
    let e = rules.facts_from_json(&doc.to_string()).unwrap_err();
    (e.path, e.message)
}

#[track_caller]
fn typed_error(e: FactsError) -> (String, String) {
    assert_eq!((e.line, e.column), (0, 0), "typed input has no position");
    (e.path, e.message)
}

#[test]
fn the_same_mistake_gives_the_same_error_from_text_value_and_builder() {
    let rules = RuleSet::bundled().unwrap();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "end_user.kidn",
            json!("police"),
            "unknown field `kidn` in `EndUser`; did you mean `kind`?",
        ),
        (
            "end_user.kind",
            json!("nationl_police"),
            "`nationl_police` is not a value of `EndUserKind`; did you mean `national_police`?",
        ),
        (
            "end_user.sanctioned",
            json!("yes"),
            "expected `true`, `false` or null, found the string \"yes\"",
        ),
        (
            "country.freedom_score",
            json!(1.5),
            "expected a whole number, found `1.5`",
        ),
        (
            "country.freedom_score",
            json!(u64::MAX),
            "the number 18446744073709551615 does not fit in 64 bits",
        ),
        (
            "country.freedom_score",
            json!("high"),
            "expected a whole number or null, found the string \"high\"",
        ),
        ("country.vdem_liberal_democracy", json!(1e30), ""),
        (
            "country.civic_space",
            json!({"value": "closed", "sauce": "x"}),
            "unknown key `sauce` in a fact with provenance; the keys are `value`, `source` and `as_of`",
        ),
        (
            "country.civic_space",
            json!({"source": "x"}),
            "a fact with provenance needs a `value`",
        ),
        (
            "product.capabilities",
            json!(["facial_recognition", "telepathy"]),
            "",
        ),
        ("parties", json!([{"role": "distributer"}]), ""),
        ("parties", json!([null]), "a list element cannot be null"),
        ("country", json!([1]), ""),
    ];
    for (path, value, message) in cases {
        // The document with `value` at `path` (no list index in these paths).
        let mut doc = json!({});
        let mut at = &mut doc;
        for name in path.split('.') {
            at = at.as_object_mut().unwrap().entry(name).or_insert(json!({}));
        }
        *at = value.clone();
        let expected = text_error(&rules, &doc);
        if !message.is_empty() {
            assert_eq!(expected.1, message, "{path}: the JSON loader's message");
        }
        assert!(
            expected.0.starts_with(path),
            "{path}: the JSON path {}",
            expected.0
        );
        let from_value = typed_error(rules.facts_from_serialize(&doc).unwrap_err());
        assert_eq!(from_value, expected, "{path} = {value} as a Value");
        let from_builder =
            typed_error(rules.facts_builder().set(path, &value).build().unwrap_err());
        assert_eq!(from_builder, expected, "{path} = {value} built");
    }
}

#[test]
fn a_struct_with_a_mistake_names_its_path() {
    #[derive(Serialize)]
    struct Party {
        role: &'static str,
    }
    #[derive(Serialize)]
    struct Deal {
        parties: Vec<Party>,
    }
    let rules = RuleSet::bundled().unwrap();
    let deal = Deal {
        parties: vec![
            Party {
                role: "distributor",
            },
            Party { role: "brokr" },
        ],
    };
    let e = rules.facts_from_serialize(&deal).unwrap_err();
    assert_eq!(e.path, "parties[1].role");
    assert_eq!(
        e.message,
        "`brokr` is not a value of `PartyRole`; did you mean `broker`?"
    );
    // Not a document at all.
    let e = rules.facts_from_serialize(&[1, 2]).unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.message.as_str()),
        ("", "expected an object of facts, found an array")
    );
    let e = rules.facts_from_serialize(&json!({"id": 7})).unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.message.as_str()),
        ("id", "expected a string, found the number 7")
    );
}

#[test]
fn the_builder_refuses_what_a_document_cannot_say() {
    let rules = RuleSet::bundled().unwrap();
    let error = |b: dd_rules::FactsBuilder<'_>| {
        let e = b.build().unwrap_err();
        (e.path, e.message)
    };
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    let b = || rules.facts_builder();
    assert_eq!(
        error(
            b().set("end_user.kind", "national_police")
                .set("end_user.kind", "national_police")
        ),
        s("end_user.kind", "the field `kind` is given twice")
    );
    assert_eq!(
        error(
            b().set("end_user", json!({}))
                .set("end_user.kind", "national_police")
        ),
        s("end_user", "the field `end_user` is given twice")
    );
    assert_eq!(
        error(
            b().set("end_user.kind", "national_police")
                .set("end_user", json!({}))
        ),
        s("end_user", "the field `end_user` is given twice")
    );
    assert_eq!(
        error(b().set("parties[1].role", "broker")),
        s(
            "parties[1]",
            "the list `parties` has 0 elements: the next one is `parties[0]`"
        )
    );
    assert_eq!(
        error(
            b().set("parties[0]", json!({}))
                .set("parties[0].role", "broker")
        ),
        s("parties[0].role", "the field `role` is given twice")
    );
    assert_eq!(
        error(b().set("parties.role", "broker")),
        s(
            "parties",
            "`parties` is a list: name an element, as in `parties[0]`"
        )
    );
    assert_eq!(
        error(b().set("end_user.kind.x", "police")),
        s(
            "end_user.kind",
            "`kind` is a `EndUserKind`, not a record: it has no fields"
        )
    );
    assert_eq!(
        error(b().set("end_user[0]", 1)),
        s(
            "end_user",
            "`end_user` is not a list but a `EndUser`: it has no elements"
        )
    );
    assert_eq!(
        error(b().set("parties[x].role", 1)),
        s(
            "",
            "`parties[x].role` is not a fact path: an index is written `[0]`, after a field name"
        )
    );
    assert_eq!(
        error(b().set("end_user..kind", 1)),
        s(
            "",
            "`end_user..kind` is not a fact path: it has an empty field name"
        )
    );
    assert_eq!(
        error(b().id("a").id("b")),
        s("id", "the key `id` is given twice")
    );
    assert_eq!(
        error(b().set("id", 3)),
        s("id", "expected a string, found the number 3")
    );
    // The first mistake is kept; later calls do nothing.
    assert_eq!(
        error(b().set("nope", 1).set("end_user.kidn", 1)),
        s("nope", "unknown field `nope` in the facts")
    );
    // A path may come back to an element already added.
    let facts = b()
        .set("parties[0].role", "broker")
        .set("parties[1].role", "distributor")
        .set("parties[0].listed", true)
        .build()
        .unwrap();
    let json = rules
        .facts_from_json(
            r#"{"parties": [{"role": "broker", "listed": true}, {"role": "distributor"}]}"#,
        )
        .unwrap();
    assert_eq!(facts, json);
}

const NESTING: &str = "ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\n\
    record Item { n: int  items: list<Item> }\n\
    facts { items: list<Item> }\n\
    outcomes { go }\n\
    disposition { otherwise => go }\n";

#[test]
fn typed_input_has_the_depth_limit_of_documents() {
    let rules = RuleSet::compile(NESTING, "n.rules").unwrap();
    let too_deep = "arrays and objects are nested more than 64 deep";
    // 31 lists put the innermost element at depth 63, its `n` inside it.
    let path = |lists: usize| format!("{}n", "items[0].".repeat(lists));
    let doc = |lists: usize| {
        let mut v = json!({"n": 1});
        for _ in 1..lists {
            v = json!({"items": [v]});
        }
        json!({"items": [v]})
    };
    rules.facts_builder().set(&path(31), 1).build().unwrap();
    rules.facts_from_serialize(&doc(31)).unwrap();
    rules.facts_from_json(&doc(31).to_string()).unwrap();
    let e = rules.facts_builder().set(&path(32), 1).build().unwrap_err();
    assert_eq!(e.message, too_deep);
    let e = rules.facts_from_serialize(&doc(32)).unwrap_err();
    assert_eq!(e.message, too_deep);
    let e = rules.facts_from_json(&doc(32).to_string()).unwrap_err();
    assert_eq!(e.message, too_deep);
}

#[test]
fn an_unknown_value_with_provenance_loads_for_every_type_from_text_and_typed() {
    // `{"value": null, "source": …}`: unknown, with where the answer was
    // sought. Whole and decimal numbers are read from their raw text by a
    // path of their own; they take it like a bool or a string does.
    let rules = RuleSet::bundled().unwrap();
    for (record, field) in [
        ("country", "freedom_score"),
        ("country", "vdem_liberal_democracy"),
        ("country", "civic_space_laws"),
        ("end_user", "name"),
        ("end_user", "kind"),
    ] {
        let doc = json!({ record: { field: {"value": null, "source": "registry", "as_of": "2026-01-01"} } });
        let text = rules.facts_from_json(&doc.to_string());
        let typed = rules.facts_from_serialize(&doc);
        let (Ok(text), Ok(typed)) = (text, typed) else {
            panic!("{record}.{field}: {doc}");
        };
        assert_eq!(text, typed, "{record}.{field}");
        // Unknown, as a bare null is.
        let bare = rules
            .facts_from_json(&json!({ record: { field: null } }).to_string())
            .unwrap();
        assert_eq!(
            rules.evaluate(&text).unwrap().disposition(),
            rules.evaluate(&bare).unwrap().disposition(),
            "{record}.{field}"
        );
    }
}

#[test]
fn typed_facts_are_held_to_the_size_limit_of_a_document() {
    // A string past the limit a JSON document has: refused, as its text would be.
    let rules = RuleSet::bundled().unwrap();
    let name = "x".repeat(dd_rules::MAX_FACTS_BYTES + 1);
    let doc = json!({ "end_user": { "name": name } });
    let expected = "the facts would be about";
    let e = rules.facts_from_serialize(&doc).unwrap_err();
    assert!(e.message.starts_with(expected), "{e}");
    assert!(
        e.message.ends_with("more than the limit of 16777216 bytes"),
        "{e}"
    );
    let e = rules
        .facts_builder()
        .set("end_user.name", &name)
        .build()
        .unwrap_err();
    assert!(e.message.starts_with(expected), "{e}");
    // Just under it, they load.
    let small = json!({ "end_user": { "name": "x".repeat(1000) } });
    assert!(rules.facts_from_serialize(&small).is_ok());
}

/// A map of fields given as pairs, in the order given, repeats included
/// (a `serde_json::Value` sorts its keys and keeps one of each).
struct Pairs<'a>(&'a [(&'a str, Value)]);

impl Serialize for Pairs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The loaders look for each key after the one before (fields usually come
/// in the schema's order): keys in any order still load the same facts, and
/// a field given again after the search has moved past it is still refused.
#[test]
fn fields_load_in_any_order_and_a_repeat_is_refused_wherever_it_comes() {
    let rules = RuleSet::bundled().unwrap();
    let fields = [
        ("name", json!("Ministry")),
        ("kind", json!("national_police")),
        ("is_government", json!(true)),
        ("stated_end_use", json!("traffic")),
        ("abuse_history", json!(false)),
        ("sanctioned", json!(false)),
    ];
    let text = |pairs: &[(&str, Value)]| {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
        format!("{{\"id\": \"T\", \"end_user\": {{{}}}}}", body.join(", "))
    };
    let typed = |pairs: &[(&str, Value)]| {
        let end_user = Pairs(pairs);
        let doc: Vec<(&str, Value)> = vec![("id", json!("T"))];
        // The document: the id, then the end-user's fields as a map.
        #[derive(Serialize)]
        struct Doc<'a> {
            #[serde(flatten)]
            id: Pairs<'a>,
            end_user: Pairs<'a>,
        }
        rules.facts_from_serialize(&Doc {
            id: Pairs(&doc),
            end_user,
        })
    };
    let in_order = rules.facts_from_json(&text(&fields)).unwrap();
    let mut reversed = fields.to_vec();
    reversed.reverse();
    let mut shuffled = fields.to_vec();
    shuffled.swap(0, 4);
    shuffled.swap(1, 3);
    for order in [&fields[..], &reversed, &shuffled] {
        assert_eq!(rules.facts_from_json(&text(order)).unwrap(), in_order);
        assert_eq!(typed(order).unwrap(), in_order);
    }
    // A repeat right after, and after the search has gone past it.
    for repeat_at in [1, 3, 6] {
        let mut pairs = fields.to_vec();
        pairs.insert(repeat_at, ("name", json!("Again")));
        for e in [
            rules.facts_from_json(&text(&pairs)).unwrap_err(),
            typed(&pairs).unwrap_err(),
        ] {
            assert_eq!(
                (e.path.as_str(), e.message.as_str()),
                ("end_user.name", "the field `name` is given twice"),
                "repeat at {repeat_at}"
            );
        }
    }
}
