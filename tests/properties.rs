//! Property tests through the public API: no input makes the front end
//! panic, and whatever compiles evaluates any facts document without panicking.

use proptest::prelude::*;

/// Tokens of the language, so that random sequences get deep into the grammar.
const TOKENS: &[&str] = &[
    "ruleset",
    "\"r\"",
    "{",
    "}",
    "(",
    ")",
    "version:",
    "title:",
    "source:",
    "\"1\"",
    "enum",
    "E",
    "record",
    "R",
    "facts",
    "a",
    "b",
    ":",
    ",",
    "bool",
    "int",
    "decimal",
    "string",
    "set<E>",
    "list<R>",
    "predicate",
    "p",
    "flag",
    "F.x",
    "safeguard",
    "G.y",
    "step:",
    "severity:",
    "high",
    "when:",
    "evidence:",
    "mitigated_by:",
    "outcomes",
    "disposition",
    "when",
    "otherwise",
    "=>",
    "any",
    "all",
    "none",
    "no",
    "count",
    "known",
    "flags",
    "raised",
    "unknown",
    "and",
    "or",
    "not",
    "in",
    "contains",
    "of",
    "where",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "1",
    "-2",
    "0.5",
    "true",
    "false",
    "x.y",
    "///",
    "//",
    "/*",
    "*/",
    "\n",
    "\"\\u{41}\"",
    "\"\\q\"",
    "99999999999999999999",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.join(" "))
}

/// A valid ruleset with one condition spliced in.
fn with_condition(cond: &str) -> String {
    format!(
        r#"ruleset "p" {{ version: "1" title: "t" source: "s" }}
enum E {{ a, b }}
record R {{ n: int  e: E }}
facts {{ x: int  y: bool  e: E  s: set<E>  rs: list<R> }}
flag F.f {{ step: 1 severity: high title: "f" when: {cond} }}
outcomes {{ ok, stop }}
disposition {{ when any flags(raised) => stop otherwise => ok }}
"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gets_diagnostics_not_a_panic(source in "\\PC{0,200}") {
        let _ = dd_rules::check_source(&source, "random.rules");
    }

    #[test]
    fn token_soup_gets_diagnostics_not_a_panic(source in token_soup()) {
        let diags = dd_rules::check_source(&source, "soup.rules");
        // Rendering must cope with any span the checker produced.
        let _ = diags.render(dd_rules::Style::Plain);
        let _ = diags.to_json();
    }

    #[test]
    fn spliced_conditions_check_or_fail_cleanly(cond in token_soup(), facts in "\\PC{0,120}") {
        let source = with_condition(&cond);
        if let Ok(rules) = dd_rules::RuleSet::compile(&source, "spliced.rules") {
            // Whatever compiles evaluates any document, or rejects it with an error.
            let _ = rules.evaluate_json(&facts);
            let report = rules.evaluate_json(r#"{"x": 1, "rs": [{"n": 2}]}"#).unwrap();
            prop_assert_eq!(report.flags().len(), 1);
        }
    }
}
