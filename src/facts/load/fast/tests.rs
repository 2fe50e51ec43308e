//! The fast path against the serde loader: whatever the fast path loads,
//! the serde loader loads the same (id and provenance included), and the
//! loader as a whole gives what the serde loader gives, errors included, on
//! generated documents, on those documents mutated, and on hand-made ones
//! at the edges of JSON and of the limits.

use proptest::prelude::*;

use super::load;
use crate::RuleSet;
use crate::facts::load::{Ctx, load_json, load_with_serde};

/// A ruleset over the generator's schema: every type of fact, records in
/// records, lists in lists.
fn generated_rules() -> RuleSet {
    let source = crate::__fuzz::Gen::from_seed(1).ruleset();
    RuleSet::compile(&source, "generated.rules").unwrap()
}

/// Records that nest without end through lists.
const NESTING: &str = "ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\n\
    enum E { a, b }\n\
    record Inner { n: int }\n\
    record Item { r: Inner  s: set<E>  items: list<Item> }\n\
    facts { items: list<Item> }\n\
    outcomes { go }\n\
    disposition { otherwise => go }\n";

/// Checks `text` both ways; whether the fast path loaded it.
#[track_caller]
fn agrees(rules: &RuleSet, text: &str) -> bool {
    let schema = &rules.engine.inner.schema;
    let fingerprint = rules.engine.inner.fingerprint;
    let serde = load_with_serde(&Ctx::new(schema), schema, fingerprint, text);
    let fast = load(schema, text);
    if let Some((root, id)) = &fast {
        let Ok(facts) = &serde else {
            panic!("the fast path loads what the serde loader refuses ({serde:?}):\n{text}");
        };
        // Debug, not `==`: decimals are compared by their digits too.
        assert_eq!(
            format!("{root:?}"),
            format!("{:?}", facts.root),
            "different facts:\n{text}"
        );
        assert_eq!(id.as_deref(), facts.transaction_id(), "{text}");
    }
    // The loader as a whole, as callers see it (it drops a byte-order mark
    // before either path reads the text).
    let unmarked = text.strip_prefix('\u{feff}').unwrap_or(text);
    let serde = load_with_serde(&Ctx::new(schema), schema, fingerprint, unmarked);
    match (load_json(schema, fingerprint, text), serde) {
        (Ok(a), Ok(b)) => {
            assert_eq!(format!("{:?}", a.root), format!("{:?}", b.root), "{text}");
            assert_eq!((a.id, a.len), (b.id, b.len), "{text}");
        }
        (a, b) => assert_eq!(a.err(), b.err(), "{text}"),
    }
    fast.is_some()
}

/// A small generator for mutations, from a seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// What a mutation inserts: JSON's punctuation and literals, escapes good
/// and bad, control and multi-byte characters, keys and values of the
/// schema, provenance.
const TOKENS: [&str; 40] = [
    "\"",
    "\\",
    ",",
    ":",
    "{",
    "}",
    "[",
    "]",
    " ",
    "\n",
    "\t",
    "\r",
    "\u{1}",
    "\u{7f}",
    "0",
    "-",
    ".",
    "e",
    "E+",
    "1",
    "null",
    "true",
    "false",
    "\"x\"",
    "\\u",
    "\\ud800",
    "\\udc00",
    "\\u00e9",
    "\\n",
    "\\q",
    "é",
    "\u{feff}",
    "\"id\": \"t\", ",
    "\"b1\": true, ",
    "{\"value\": 1}",
    "\"source\": \"s\"",
    "\"as_of\": null",
    "\"items\": [{}], ",
    "01",
    "9223372036854775808",
];

/// `text` with one to three mutations: a character deleted, a token
/// inserted or put in place of a character, or a piece copied elsewhere.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(chars.len() + 1);
        let token: Vec<char> = TOKENS[rng.below(TOKENS.len())].chars().collect();
        match rng.below(4) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 if at < chars.len() => {
                chars.splice(at..at + 1, token);
            }
            2 => {
                let from = rng.below(chars.len() + 1);
                let to = (from + rng.below(16)).min(chars.len());
                let piece: Vec<char> = chars[from..to].to_vec();
                chars.splice(at..at, piece);
            }
            _ => {
                chars.splice(at..at, token);
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_fast_path_agrees_with_serde_on_generated_and_mutated_documents(
        seed in any::<u64>(),
    ) {
        let rules = generated_rules();
        let mut generator = crate::__fuzz::Gen::from_seed(seed);
        let mut rng = Rng(seed | 1);
        for _ in 0..8 {
            let doc = generator.facts();
            // Generated documents are ordinary ones: the fast path loads them.
            prop_assert!(agrees(&rules, &doc), "not loaded by the fast path:\n{}", doc);
            for _ in 0..16 {
                agrees(&rules, &mutate(&doc, &mut rng));
            }
        }
    }
}

#[test]
fn the_bundled_examples_load_on_the_fast_path_and_agree_when_mutated() {
    let rules = RuleSet::bundled().unwrap();
    let examples = [
        include_str!("../../../../examples/transactions/analytics-strong-safeguards.json"),
        include_str!("../../../../examples/transactions/face-recognition-national-police.json"),
        include_str!("../../../../examples/transactions/partial-facts.json"),
        include_str!("../../../../examples/transactions/reseller-undisclosed-end-user.json"),
        include_str!("../../../../examples/transactions/traffic-cameras-city.json"),
    ];
    let mut rng = Rng(7);
    for doc in examples {
        assert!(agrees(&rules, doc), "{doc}");
        for _ in 0..300 {
            agrees(&rules, &mutate(doc, &mut rng));
        }
    }
}

#[test]
fn ordinary_documents_load_on_the_fast_path() {
    let rules = generated_rules();
    for doc in [
        "{}",
        " \t\r\n{ \"b1\" : true , \"rec\" : { \"x\" : -0 , \"inner\" : { } } }\r\n ",
        r#"{"id": "a\"b\\c\/d\b\f\n\r\t\u00e9\u00E9\ud83d\ude00\u0000", "s1": "x\"y"}"#,
        r#"{"id": null, "b2": null, "rec": null, "items": null, "set1": null}"#,
        r#"{"items": [], "set1": [], "others": [{}, {"sub": [{"f": false}]}]}"#,
        r#"{"d1": -12.5e-3, "i1": -9223372036854775808, "e1": "red", "set2": ["red", "red"]}"#,
        r#"{"s1": {"value": "a", "source": "s", "as_of": "2025"}, "i2": {"as_of": "x", "value": null}}"#,
        r#"{"d1": {"value": 1.50}, "set1": {"value": ["blue"]}, "b1": {"value": false, "source": "é"}}"#,
        // Keys in any order, "id" anywhere.
        r#"{"set2": [], "b1": true, "id": "x", "b2": false}"#,
    ] {
        assert!(agrees(&rules, doc), "{doc}");
    }
}

#[test]
fn the_fast_path_leaves_every_error_and_rare_form_to_serde() {
    let rules = generated_rules();
    for doc in [
        "",
        "null",
        "[]",
        "{",
        "{} x",
        "{}{}",
        r#"{"b1": true,}"#,
        r#"{,"b1": true}"#,
        r#"{"b1": true "b2": false}"#,
        r#"{"b1" true}"#,
        r#"{"b1": tru}"#,
        r#"{"b1": True}"#,
        r#"{"b1": truex}"#,
        r#"{"b1": 1}"#,
        r#"{"b1": true, "b1": false}"#,
        r#"{"id": "a", "id": "b"}"#,
        r#"{"id": 1}"#,
        r#"{"rec": {"x": 1, "x": 2}}"#,
        r#"{"nope": 1}"#,
        r#"{"\u0062\u0031": true}"#,
        r#"{"i1": 01}"#,
        r#"{"i1": 1.}"#,
        r#"{"i1": -}"#,
        r#"{"i1": +1}"#,
        r#"{"i1": 1.0}"#,
        r#"{"i1": 1e2}"#,
        r#"{"i1": 9223372036854775808}"#,
        r#"{"i1": "1"}"#,
        r#"{"d1": .5}"#,
        r#"{"d1": 1e}"#,
        r#"{"d1": 1.5e+}"#,
        r#"{"d1": 0.1234567890123456789}"#,
        r#"{"d1": NaN}"#,
        r#"{"s1": 1}"#,
        r#"{"s1": "a\qb"}"#,
        r#"{"s1": "\ud800"}"#,
        r#"{"s1": "\udc00"}"#,
        r#"{"s1": "\ud800\u0041"}"#,
        r#"{"s1": "\u00g0"}"#,
        "{\"s1\": \"a\u{1}b\"}",
        "{\"s1\": \"a\nb\"}",
        r#"{"e1": "purple"}"#,
        r#"{"set1": ["red",]}"#,
        r#"{"set1": [null]}"#,
        r#"{"set1": "red"}"#,
        r#"{"rec": []}"#,
        r#"{"rec": 1}"#,
        r#"{"items": {}}"#,
        r#"{"items": [null]}"#,
        r#"{"items": [{}, ]}"#,
        r#"{"s1": {}}"#,
        r#"{"s1": {"source": "s"}}"#,
        r#"{"s1": {"value": "a", "value": "b"}}"#,
        r#"{"s1": {"value": "a", "source": null}}"#,
        r#"{"s1": {"value": "a", "other": 1}}"#,
        r#"{"s1": {"value": {"value": "a"}}}"#,
        r#"{"i1": {"value": 1, "source": 2}}"#,
        r#"{"i1": {"\u0076alue": 1}}"#,
    ] {
        assert!(!agrees(&rules, doc), "the fast path loaded {doc}");
    }
}

#[test]
fn the_fast_path_keeps_the_depth_limit() {
    let rules = RuleSet::compile(NESTING, "n.rules").unwrap();
    let nested = |lists: usize, inner: &str| {
        format!(
            "{{{}{inner}{}}}",
            "\"items\":[{".repeat(lists),
            "}]".repeat(lists)
        )
    };
    // 31 lists put the innermost object at depth 63, its record at 64.
    for inner in ["\"r\":{\"n\":1}", "\"s\":[\"a\"]", "\"s\":{\"value\":null}"] {
        assert!(agrees(&rules, &nested(31, inner)), "{inner}");
    }
    for inner in [
        "\"r\":{\"n\":{\"value\":1}}",
        "\"s\":{\"value\":[\"a\"]}",
        "\"items\":[{}]",
    ] {
        assert!(!agrees(&rules, &nested(31, inner)), "{inner}");
    }
}

#[test]
fn keys_in_a_new_order_are_found_whatever_was_learnt() {
    let rules = generated_rules();
    let orders = [
        r#"{"b1": true, "b2": false, "i1": 1, "rec": {"x": 1, "y": true}}"#,
        r#"{"rec": {"y": false, "x": 2}, "i1": 3, "b2": true, "b1": false}"#,
        r#"{"i1": 4, "rec": {"x": 5}, "b1": true}"#,
    ];
    for _ in 0..3 {
        for doc in orders {
            assert!(agrees(&rules, doc), "{doc}");
        }
    }
}

#[test]
fn names_are_found_by_hash_and_nothing_else_is() {
    // Many names alike in length, first, middle and last byte, so that
    // slots collide and probes run on.
    let mut names: Vec<String> = Vec::new();
    for a in ["a", "b", "ab", "ba", "é", "x_y"] {
        for b in ["", "a", "b", "aa", "ab", "zz", "\u{0}"] {
            for c in ["", "a", "q", "é"] {
                let name = format!("{a}{b}{c}");
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    let table = super::predict::Names::new(names.iter());
    for (i, name) in names.iter().enumerate() {
        assert_eq!(table.find(name.as_bytes()), Some(i), "{name}");
    }
    for other in ["", "c", "aaaaaaaa", "abq\u{0}", "x_", "éé\u{0}", "zz"] {
        assert_eq!(table.find(other.as_bytes()), None, "{other}");
    }
    let empty = super::predict::Names::new(std::iter::empty());
    assert_eq!(empty.find(b"a"), None);
}
