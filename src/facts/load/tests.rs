use crate::RuleSet;
use crate::limits::facts_too_deep;

/// Records that nest without end through lists, and a record inside.
const NESTING: &str = "ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\n\
    enum E { a, b }\n\
    record Inner { n: int }\n\
    record Item { r: Inner  s: set<E>  items: list<Item> }\n\
    facts { items: list<Item> }\n\
    outcomes { go }\n\
    disposition { otherwise => go }\n";

/// `inner` inside `lists` list elements, each within the one before.
fn nested(lists: usize, inner: &str) -> String {
    format!(
        "{{{}{inner}{}}}",
        "\"items\":[{".repeat(lists),
        "}]".repeat(lists)
    )
}

/// Loads `doc`, which the scan finds too deep, and checks the error.
fn refused_as_too_deep(rules: &RuleSet, doc: &str) {
    let (line, column) = facts_too_deep(doc).unwrap();
    let e = rules.facts_from_json(doc).unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.line, e.column, e.message.as_str()),
        (
            "",
            line,
            column,
            "arrays and objects are nested more than 64 deep"
        ),
        "{doc}"
    );
}

#[test]
fn a_document_loads_up_to_the_depth_limit_and_no_further() {
    let rules = RuleSet::compile(NESTING, "n.rules").unwrap();
    // 31 lists put the innermost object at depth 63; its record at 64.
    for inner in [
        "\"r\":{\"n\":1}",
        "\"s\":[\"a\"]",
        "\"s\":{\"value\":null}",
        "\"items\":null",
        "\"items\":[]",
    ] {
        let doc = nested(31, inner);
        assert_eq!(facts_too_deep(&doc), None, "{doc}");
        rules.facts_from_json(&doc).unwrap();
    }
    // One more array or object, whether the visitors read it or
    // serde_json reads it whole (a number with provenance).
    for inner in [
        "\"r\":{\"n\":{\"value\":1}}",
        "\"s\":{\"value\":[\"a\"]}",
        "\"items\":[[]]",
        "\"items\":[{}]",
    ] {
        refused_as_too_deep(&rules, &nested(31, inner));
    }
    // Far deeper than serde_json's own limit of 128.
    refused_as_too_deep(&rules, &nested(100, ""));
}

#[track_caller]
fn message(rules: &RuleSet, doc: &str) -> String {
    rules.facts_from_json(doc).unwrap_err().message
}

#[test]
fn lone_surrogates_are_named_for_what_they_are() {
    let rules = RuleSet::compile(
        "ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\n\
         facts { s: string }\noutcomes { go }\ndisposition { otherwise => go }\n",
        "s.rules",
    )
    .unwrap();
    let trailing = |e: &str| {
        format!(
            "lone trailing surrogate `{e}`: a `\\u` escape from `\\udc00` to `\\udfff` must follow one from `\\ud800` to `\\udbff`"
        )
    };
    let leading = |e: &str| {
        format!(
            "lone leading surrogate `{e}`: a `\\u` escape from `\\ud800` to `\\udbff` must be followed by one from `\\udc00` to `\\udfff`"
        )
    };
    // serde_json calls all of these a "lone leading surrogate" or an
    // "unexpected end of hex escape".
    assert_eq!(message(&rules, r#"{"s": "\udc00"}"#), trailing("\\udc00"));
    assert_eq!(
        message(&rules, r#"{"s": "a\ud800\uDFFF\udfff"}"#),
        trailing("\\udfff")
    );
    assert_eq!(
        message(&rules, "{\r\n\"s\":\r\n \"\\uDC01\"}"),
        trailing("\\uDC01")
    );
    assert_eq!(message(&rules, r#"{"s": "\ud800"}"#), leading("\\ud800"));
    assert_eq!(
        message(&rules, r#"{"s": "\uDBFF\ud800"}"#),
        leading("\\uDBFF")
    );
    assert_eq!(message(&rules, r#"{"s": "\ud800\n"}"#), leading("\\ud800"));
    assert_eq!(message(&rules, r#"{"s": "\ud800\\"}"#), leading("\\ud800"));
    assert_eq!(message(&rules, r#"{"s": "\\\ud800x"}"#), leading("\\ud800"));
    // In a key, too.
    assert_eq!(message(&rules, r#"{"\udc00": 1}"#), trailing("\\udc00"));
    // A pair is one character.
    rules.facts_from_json(r#"{"s": "\ud83d\ude00"}"#).unwrap();
}

#[test]
fn a_document_too_deep_anywhere_is_refused_for_that_first() {
    let rules = RuleSet::compile(NESTING, "n.rules").unwrap();
    let deep = format!("{}{}", "[".repeat(70), "]".repeat(70));
    for doc in [
        // After another error, which loading meets first.
        format!("{{\"nope\": 1, \"items\": {deep}}}"),
        format!("{{\"items\": 1,\n \"x\": {deep}}}"),
        // After the end of the document.
        format!("{{}}\n{deep}"),
        // Not even JSON after the depth is passed.
        format!("{{\"items\": {} !", "[".repeat(65)),
    ] {
        refused_as_too_deep(&rules, &doc);
    }
}
