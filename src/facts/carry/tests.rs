//! Carrying is exact: whenever the carrier carries facts, they equal the
//! facts that loading the same document for the other schema gives. Checked
//! on generated documents (values of every type, of the wrong type, `null`,
//! provenance with and without a value or a source, keys of either schema
//! and of neither) for pairs of schemas that differ in each way a schema
//! can, both ways.

use proptest::prelude::*;

use super::Carrier;
use crate::RuleSet;
use crate::facts::schema::{RecordId, Schema, Type};
use crate::facts::{Facts, FactsError, load_json, load_json_watching};

/// Every kind of type, records in records, lists in lists; one field a
/// line, so that an edit is a replacement of lines.
const BASE: &str = "enum Color { red, green, blue, black }
enum Size { small, large }
record Sub {
  f: bool
  k: int
}
record Item {
  ok: bool
  n: int
  c: Color
  tags: set<Color>
  sub: list<Sub>
  w: decimal
}
record Inner {
  z: bool
}
record Rec {
  x: int
  y: bool
  c: Color
  inner: Inner
}
facts {
  b1: bool
  b2: bool
  i1: int
  d1: decimal
  s1: string
  e1: Color
  set1: set<Color>
  rec: Rec
  items: list<Item>
}
";

/// Each edit of [`BASE`]: the replacements that make the other schema.
const EDITS: &[&[(&str, &str)]] = &[
    // Facts added: first at the root (every offset after it moves), in a
    // nested record, in a list element.
    &[("facts {\n", "facts {\n  extra: bool\n")],
    &[("  inner: Inner\n", "  inner: Inner\n  more: string\n")],
    &[("  w: decimal\n", "  w: decimal\n  added: int\n")],
    // Facts removed.
    &[("  b2: bool\n", "")],
    &[("  w: decimal\n", "")],
    &[("  rec: Rec\n", "")],
    // Types changed: the conversions carried, and others.
    &[
        ("  i1: int\n", "  i1: decimal\n"),
        ("  k: int\n", "  k: decimal\n"),
    ],
    &[("  e1: Color\n", "  e1: string\n")],
    &[("  b1: bool\n", "  b1: int\n")],
    &[("  rec: Rec\n", "  rec: bool\n")],
    &[("  items: list<Item>\n", "  items: Item\n")],
    &[("  s1: string\n", "  s1: list<Sub>\n")],
    &[("  set1: set<Color>\n", "  set1: set<Size>\n")],
    &[("  c: Color\n  tags", "  c: Size\n  tags")],
    // Enum values added, removed, reordered.
    &[("enum Color { red,", "enum Color { purple, red,")],
    &[("blue, black }", "blue }")],
    &[("{ red, green, blue, black }", "{ black, blue, green, red }")],
    // Fields reordered; a list of another record.
    &[("  x: int\n  y: bool\n", "  y: bool\n  x: int\n")],
    &[("  sub: list<Sub>\n", "  sub: list<Inner>\n")],
    // Several at once.
    &[
        ("facts {\n", "facts {\n  extra: bool\n"),
        ("  w: decimal\n", "  w: decimal\n  added: int\n"),
        ("  i1: int\n", "  i1: decimal\n"),
        ("enum Color { red,", "enum Color { purple, red,"),
        ("  b2: bool\n", ""),
    ],
];

fn ruleset(types: &str) -> RuleSet {
    let source = format!(
        "ruleset \"t\" {{ version: \"1\" title: \"t\" source: \"t\" }}\n{types}\
         outcomes {{ proceed }}\ndisposition {{\n  otherwise => proceed\n}}\n"
    );
    match RuleSet::compile(&source, "t.rules") {
        Ok(rules) => rules,
        Err(e) => panic!("{e}\n{source}"),
    }
}

/// The base ruleset and each edited one, compiled once.
fn rulesets() -> &'static [RuleSet] {
    static RULESETS: std::sync::OnceLock<Vec<RuleSet>> = std::sync::OnceLock::new();
    RULESETS.get_or_init(|| {
        let mut out = vec![ruleset(BASE)];
        for edit in EDITS {
            let mut types = BASE.to_string();
            for (from, to) in *edit {
                assert!(types.contains(from), "{from}");
                types = types.replacen(from, to, 1);
            }
            out.push(ruleset(&types));
        }
        out
    })
}

/// The pair `i`: the base and an edited schema, one way or the other.
fn pair(i: usize) -> (&'static RuleSet, &'static RuleSet) {
    let all = rulesets();
    let (base, edited) = (&all[0], &all[1 + i / 2]);
    if i.is_multiple_of(2) {
        (base, edited)
    } else {
        (edited, base)
    }
}

fn carrier(old: &RuleSet, new: &RuleSet) -> Carrier {
    let (old, new) = (&old.engine.inner, &new.engine.inner);
    Carrier::new(&old.schema, old.fingerprint, &new.schema, new.fingerprint)
}

/// A small deterministic generator of documents for a schema.
struct Docs {
    state: u64,
}

impl Docs {
    fn below(&mut self, n: usize) -> usize {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        (self.state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }

    fn pick(&mut self, items: &[&str]) -> String {
        items[self.below(items.len())].to_string()
    }

    fn doc(&mut self, schema: &Schema) -> String {
        let mut out = self.record(schema, schema.root, 0);
        if self.below(3) == 0 {
            let id = self.pick(&["\"id\": \"T-1\", ", "\"id\": null, "]);
            out.insert_str(1, &id);
        }
        out
    }

    fn record(&mut self, schema: &Schema, record: RecordId, depth: usize) -> String {
        let mut parts = Vec::new();
        for (name, field) in &schema.record(record).unwrap().fields {
            if self.below(4) != 0 {
                parts.push(format!(
                    "\"{name}\": {}",
                    self.value(schema, field.ty, depth)
                ));
            }
        }
        if self.below(30) == 0 {
            parts.push("\"stray\": null".into());
        }
        // Some documents give the keys out of the schema's order.
        if self.below(5) == 0 {
            parts.reverse();
        }
        format!("{{{}}}", parts.join(", "))
    }

    fn value(&mut self, schema: &Schema, ty: Type, depth: usize) -> String {
        match self.below(48) {
            0 | 1 => "null".into(),
            2 => self.pick(&[
                "true",
                "1",
                "1.5",
                "\"red\"",
                "[\"red\"]",
                "{}",
                "[{}]",
                "[]",
            ]),
            3 if !matches!(ty, Type::Record(_) | Type::List(_)) => {
                let value = self.typed(schema, ty, depth);
                match self.below(5) {
                    0 => format!("{{\"value\": {value}, \"source\": \"s\", \"as_of\": \"t\"}}"),
                    1 => "{\"value\": null, \"source\": \"s\"}".into(),
                    2 => "{\"value\": null, \"source\": null}".into(),
                    3 => format!("{{\"value\": {value}, \"source\": null}}"),
                    _ => format!("{{\"value\": {value}}}"),
                }
            }
            _ => self.typed(schema, ty, depth),
        }
    }

    fn typed(&mut self, schema: &Schema, ty: Type, depth: usize) -> String {
        match ty {
            Type::Bool => self.pick(&["true", "false"]),
            Type::Int if self.below(10) == 0 => self.pick(&["9223372036854775808", "1.0", "1e2"]),
            Type::Int => self.pick(&["0", "-0", "7", "-3", "35", "9223372036854775807"]),
            Type::Decimal => self.pick(&["0.5", "2", "-1.25", "1e2", "-0.0", "35", "7"]),
            Type::String => self.pick(&["\"red\"", "\"r\\u0065d\"", "\"x\"", "\"black\"", "\"\""]),
            Type::Enum(e) => self.name(schema, e),
            Type::Set(e) => {
                let n = self.below(4);
                let names: Vec<String> = (0..n).map(|_| self.name(schema, e)).collect();
                format!("[{}]", names.join(", "))
            }
            Type::Record(_) | Type::List(_) if depth > 3 => "null".into(),
            Type::Record(r) => self.record(schema, r, depth + 1),
            Type::List(r) => {
                let n = self.below(4);
                let items: Vec<String> =
                    (0..n).map(|_| self.record(schema, r, depth + 1)).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    /// A value of enum `e`, now and then one of no enum here or of another.
    fn name(&mut self, schema: &Schema, e: usize) -> String {
        if self.below(20) == 0 {
            return self.pick(&["\"purple\"", "\"small\"", "\"Red\""]);
        }
        let values = &schema.enums[e].variants;
        let i = self.below(values.len());
        format!("\"{}\"", values.get_index(i).unwrap().0)
    }
}

/// How the documents of one check went: carried, and not.
#[derive(Debug, Default)]
struct Tally {
    carried: usize,
    refused: usize,
}

/// Checks `docs` documents of pair `i` from `seed`: loading while watching
/// loads the same, and carried facts equal the facts loaded for the new
/// schema.
fn check(i: usize, seed: u64, docs: usize) -> Result<Tally, TestCaseError> {
    let (old, new) = pair(i);
    let carrier = carrier(old, new);
    let (o, n) = (&old.engine.inner, &new.engine.inner);
    let mut docs_gen = Docs { state: seed | 1 };
    let mut tally = Tally::default();
    for _ in 0..docs {
        let schema = if docs_gen.below(2) == 0 {
            &o.schema
        } else {
            &n.schema
        };
        let doc = docs_gen.doc(schema);
        let (loaded, watched) = load_json_watching(&o.schema, o.fingerprint, &doc, carrier.watch());
        prop_assert_eq!(
            &loaded,
            &load_json(&o.schema, o.fingerprint, &doc),
            "{}",
            doc
        );
        let expected: Result<Facts, FactsError> = load_json(&n.schema, n.fingerprint, &doc);
        let Ok(facts) = loaded else { continue };
        let len = facts.len;
        match (watched, carrier.carry(facts)) {
            (false, Some(carried)) => {
                tally.carried += 1;
                prop_assert_eq!(Ok(&carried), expected.as_ref(), "pair {}: {}", i, doc);
                prop_assert_eq!(carried.len, len);
                prop_assert!(std::sync::Arc::ptr_eq(&carried.schema, &n.schema));
            }
            _ => tally.refused += 1,
        }
    }
    Ok(tally)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn carried_facts_are_the_facts_loaded_for_the_other_schema(
        i in 0..EDITS.len() * 2,
        seed in any::<u64>(),
    ) {
        check(i, seed, 64)?;
    }
}

#[test]
fn every_pair_carries_some_documents() {
    // And some are refused, which the pairs whose schemas only add facts
    // never do (documents that give the added facts fail to load first).
    let mut refused = 0;
    for i in 0..EDITS.len() * 2 {
        let tally = check(i, 42 + i as u64, 400).unwrap();
        assert!(tally.carried >= 10, "pair {i}: {tally:?}");
        refused += tally.refused;
    }
    assert!(refused > 1000, "{refused}");
}

#[test]
fn watched_keys_are_those_of_fields_the_other_schema_lacks() {
    // `b2` is removed: a document that names it, even as `null`, is not
    // carried, and the other schema's loader refuses it.
    let (old, new) = pair(6);
    let carrier = carrier(old, new);
    let o = &old.engine.inner;
    for doc in [r#"{"b2": null}"#, r#"{"b2": true}"#] {
        let (loaded, watched) = load_json_watching(&o.schema, o.fingerprint, doc, carrier.watch());
        assert!(loaded.is_ok() && watched, "{doc}");
        assert!(new.facts_from_json(doc).is_err());
    }
    let (loaded, watched) =
        load_json_watching(&o.schema, o.fingerprint, r#"{"b1": true}"#, carrier.watch());
    assert!(loaded.is_ok() && !watched);
}

#[test]
fn list_elements_over_the_slot_limit_in_the_other_layout_are_not_carried() {
    // `Item` grows from 6 slots to 7: elements that fit the limit at 6
    // slots each do not at 7.
    let (old, new) = pair(4);
    let elements = crate::limits::MAX_FACT_SLOTS / 7 + 1;
    assert!(elements * 6 <= crate::limits::MAX_FACT_SLOTS);
    let doc = format!("{{\"items\": [{}{{}}]}}", "{},".repeat(elements - 1));
    let facts = old.facts_from_json(&doc).unwrap();
    assert!(carrier(old, new).carry(facts).is_none());
    let e = new.facts_from_json(&doc).unwrap_err();
    assert!(e.message.contains("list elements"), "{e}");
}

#[test]
fn conversions_give_the_values_the_other_loader_reads() {
    // int to decimal, enum to string, string to enum: each carried and equal.
    for (i, doc) in [
        (
            12,
            r#"{"i1": -0, "items": [{"sub": [{"k": 9223372036854775807}]}]}"#,
        ),
        (
            14,
            r#"{"e1": {"value": "blue", "source": "s", "as_of": "t"}}"#,
        ),
        (15, r#"{"e1": "r\u0065d"}"#),
    ] {
        let (old, new) = pair(i);
        let facts = old.facts_from_json(doc).unwrap();
        let carried = carrier(old, new).carry(facts).unwrap();
        assert_eq!(carried, new.facts_from_json(doc).unwrap(), "{doc}");
    }
}

#[test]
fn lists_nested_as_deep_as_the_loader_allows_are_carried_on_a_small_stack() {
    let types = "record Node {\n  n: int\n  kids: list<Node>\n}\nfacts {\n  root: Node\n}\n";
    let old = ruleset(types);
    let new = ruleset(&types.replace("  n: int\n", "  n: int\n  tag: string\n"));
    // The deepest document the loader accepts: one more level is refused.
    let nested = |levels: usize| {
        let mut doc = "{\"n\": 1}".to_string();
        for _ in 0..levels {
            doc = format!("{{\"n\": 1, \"kids\": [{doc}, {{}}]}}");
        }
        format!("{{\"root\": {doc}}}")
    };
    let levels = (1..100)
        .take_while(|l| old.facts_from_json(&nested(*l)).is_ok())
        .last()
        .unwrap();
    assert!(levels >= 30, "{levels}");
    let doc = nested(levels);
    let carried = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let facts = old.facts_from_json(&doc).unwrap();
            let carried = carrier(&old, &new).carry(facts).unwrap();
            assert_eq!(carried, new.facts_from_json(&doc).unwrap());
        })
        .unwrap()
        .join();
    assert!(carried.is_ok());
}
