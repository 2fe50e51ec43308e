//! One test per construct and per place a comment can be: each formats a
//! source, compares with the expected text, and checks that formatting the
//! result again changes nothing.

use super::layout::decimal;
use super::*;
use crate::decimal::Decimal;

/// Formats `source` and asserts the result, and that it is a fixed point.
#[track_caller]
fn check(source: &str, expected: &str) {
    let formatted = match format_source(source, "test.rules") {
        Ok(f) => f,
        Err(e) => panic!("cannot format:\n{source}\n{e}"),
    };
    assert_eq!(
        formatted, expected,
        "\n--- formatted:\n{formatted}\n--- expected:\n{expected}"
    );
    let again = format_source(&formatted, "test.rules").unwrap();
    assert_eq!(again, formatted, "formatting is not idempotent");
}

/// Formats a condition as the `when:` of a flag and returns the lines after
/// `when: ` (the first one without it), unindented by two.
#[track_caller]
fn when(cond: &str) -> String {
    let source = format!("flag F.x {{ when: {cond} }}");
    let formatted = format_source(&source, "test.rules").unwrap();
    assert_eq!(format_source(&formatted, "t").unwrap(), formatted);
    let body = formatted
        .strip_prefix("flag F.x {\n  when: ")
        .and_then(|f| f.strip_suffix("\n}\n"))
        .unwrap_or_else(|| panic!("unexpected shape:\n{formatted}"));
    body.lines()
        .map(|l| l.strip_prefix("  ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------- declarations

#[test]
fn header_properties_go_in_the_canonical_order() {
    check(
        r#"ruleset "r" { source: "s" title: "t" version: "1" }"#,
        "ruleset \"r\" {\n  version: \"1\"\n  title: \"t\"\n  source: \"s\"\n}\n",
    );
}

#[test]
fn flag_properties_go_in_the_canonical_order_one_per_line() {
    check(
        "flag S1.x { mitigated_by: g.a, g.b evidence: a when: a citation: \"c\" title: \"t\" severity: high step: 1 }",
        "flag S1.x {\n  step: 1\n  severity: high\n  title: \"t\"\n  citation: \"c\"\n  when: a\n  evidence: a\n  mitigated_by: g.a, g.b\n}\n",
    );
}

#[test]
fn safeguard_properties_go_in_the_canonical_order() {
    check(
        "safeguard g.a { when: x title: \"t\" step: 6 }",
        "safeguard g.a {\n  step: 6\n  title: \"t\"\n  when: x\n}\n",
    );
}

#[test]
fn scope_properties_go_in_the_canonical_order_with_its_comments() {
    check(
        "/// What we cover.\nscope { otherwise: out // the outcome\n evidence: a.b, c when: a.b and c title: \"t\" citation: \"c\" }",
        "/// What we cover.\nscope {\n  title: \"t\"\n  citation: \"c\"\n  when: a.b and c\n  evidence: a.b, c\n  otherwise: out // the outcome\n}\n",
    );
    // `scope` is a keyword only where a declaration starts: a field, a fact
    // path and a flag id may be called so.
    check(
        "record D { scope: int } flag scope.x { when: deployment.scope > 1 }",
        "record D {\n  scope: int\n}\n\nflag scope.x {\n  when: deployment.scope > 1\n}\n",
    );
}

#[test]
fn duplicate_properties_keep_their_relative_order() {
    check(
        "flag F.x { title: \"b\" step: 1 title: \"a\" }",
        "flag F.x {\n  step: 1\n  title: \"b\"\n  title: \"a\"\n}\n",
    );
}

#[test]
fn short_enums_stay_on_one_line() {
    check("enum E{a,b,c,}", "enum E { a, b, c }\n");
    check("enum E {}", "enum E {}\n");
}

#[test]
fn long_or_documented_enums_have_one_value_per_line() {
    let values: Vec<String> = (0..12).map(|i| format!("value_number_{i}")).collect();
    let source = format!("enum E {{ {} }}", values.join(", "));
    let expected = format!(
        "enum E {{\n{}}}\n",
        values
            .iter()
            .map(|v| format!("  {v},\n"))
            .collect::<String>()
    );
    check(&source, &expected);
    check(
        "enum E { a, /// The b.\n b }",
        "enum E {\n  a,\n  /// The b.\n  b,\n}\n",
    );
}

#[test]
fn records_and_facts_have_one_field_per_line_without_commas() {
    check(
        "record R { a: int, b: set<E>, c: list<R> }",
        "record R {\n  a: int\n  b: set<E>\n  c: list<R>\n}\n",
    );
    check("facts { r: R }", "facts {\n  r: R\n}\n");
    check("record R {}", "record R {}\n");
    check("facts { }", "facts {}\n");
}

#[test]
fn required_fields_keep_their_modifier() {
    check(
        "record R { required a: int, b: bool,required  c: list<R> }",
        "record R {\n  required a: int\n  b: bool\n  required c: list<R>\n}\n",
    );
    check(
        "facts {\n  /// Doc.\n  required r: R\n}",
        "facts {\n  /// Doc.\n  required r: R\n}\n",
    );
    // A field named `required` stays one, with the modifier or without.
    check(
        "record R { required required: bool required : set<E> }",
        "record R {\n  required required: bool\n  required: set<E>\n}\n",
    );
}

#[test]
fn comments_around_a_required_field_are_kept() {
    check(
        "record R {\n  a: int // after a\n  required /* inside */ b: bool // after b\n}",
        "record R {\n  a: int // after a\n  /* inside */\n  required b: bool // after b\n}\n",
    );
}

#[test]
fn outcomes_are_like_enums() {
    check(
        "outcomes {proceed,escalate}",
        "outcomes { proceed, escalate }\n",
    );
    check(
        "outcomes { /// Go.\n proceed, escalate }",
        "outcomes {\n  /// Go.\n  proceed,\n  escalate,\n}\n",
    );
}

#[test]
fn predicate_bodies_go_on_their_own_line() {
    check("predicate p { a or b }", "predicate p {\n  a or b\n}\n");
}

#[test]
fn disposition_cases_one_per_line() {
    check(
        "disposition { when any flags() or no flags(raised , severity>=high) => a when count flags(step == 2) >= 3 => b otherwise => c }",
        "disposition {\n  when any flags or no flags(raised, severity >= high) => a\n  when count flags(step == 2) >= 3 => b\n  otherwise => c\n}\n",
    );
}

#[test]
fn long_disposition_cases_break_before_or() {
    check(
        "disposition { when any flags(raised, severity >= critical) or any flags(raised, unmitigated, severity >= high) or count flags(raised, unmitigated) >= 3 => escalate }",
        "disposition {\n  when any flags(raised, severity >= critical)\n    or any flags(raised, unmitigated, severity >= high)\n    or count flags(raised, unmitigated) >= 3 => escalate\n}\n",
    );
}

#[test]
fn a_blank_line_goes_between_declarations() {
    check(
        "enum A { a } enum B { b }\n\n\n\nenum C { c }",
        "enum A { a }\n\nenum B { b }\n\nenum C { c }\n",
    );
}

#[test]
fn blank_lines_between_fields_and_cases_are_kept_but_not_doubled() {
    check(
        "record R {\n  a: int\n\n\n  b: int\n  c: int\n}",
        "record R {\n  a: int\n\n  b: int\n  c: int\n}\n",
    );
    check(
        "disposition {\n\n  when any flags => a\n\n  otherwise => b\n\n}",
        "disposition {\n  when any flags => a\n\n  otherwise => b\n}\n",
    );
}

#[test]
fn doc_comments_are_kept_line_for_line() {
    check(
        "///The rules.\n///\n///   Indented.\nruleset \"r\" {}",
        "/// The rules.\n///\n///   Indented.\nruleset \"r\" {}\n",
    );
    check(
        "record R { /// A.\n /// More.\n a: int }",
        "record R {\n  /// A.\n  /// More.\n  a: int\n}\n",
    );
}

#[test]
fn an_empty_file_stays_empty() {
    check("", "");
    check(" \n\u{FEFF}\n", "");
}

#[test]
fn crlf_line_ends_become_lf() {
    check(
        "enum E {\r\n  /// A.\r\n  a, // x\r\n  b\r\n}\r\n",
        "enum E {\n  /// A.\n  a, // x\n  b,\n}\n",
    );
}

// ---------------------------------------------------------------- values

#[test]
fn strings_are_re_escaped() {
    check(
        r#"ruleset "a\"b\\c\n\t\u{1}\u{e9}é" {}"#,
        "ruleset \"a\\\"b\\\\c\\n\\t\\u{1}éé\" {}\n",
    );
}

#[test]
fn control_invisible_and_direction_changing_characters_stay_escapes() {
    // These were written back as the characters themselves: a clean file
    // then got DD106, and `admin\u{200B}` looked like `admin`.
    check(
        r#"ruleset "\u{202E}gnp.exe admin\u{200B} \u{1b}[8m\u{D}\u{7}\u{0}\u{9b}\u{2066}\u{FEFF}\u{200d}" {}"#,
        "ruleset \"\\u{202E}gnp.exe admin\\u{200B} \\u{1B}[8m\\u{D}\\u{7}\\u{0}\\u{9B}\\u{2066}\\u{FEFF}\\u{200D}\" {}\n",
    );
    // Written as they are in the source, they become escapes: the same
    // string, which now shows what it holds.
    check(
        "flag F.x { title: \"admin\u{200B} \u{202E}x\" }",
        "flag F.x {\n  title: \"admin\\u{200B} \\u{202E}x\"\n}\n",
    );
    // Other characters outside ASCII are kept as they are.
    check(
        r#"ruleset "Zürich \u{e9} ✓ 東京 👍🏽" {}"#,
        "ruleset \"Zürich é ✓ 東京 👍🏽\" {}\n",
    );
}

#[test]
fn formatting_keeps_the_diagnostics_of_strings() {
    // Every escape of a hidden character stays one, so the checker says
    // the same of the formatted file: DD109 where it did, and no DD106
    // where there was none.
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/hostile/rules/control-escapes-in-strings.rules"
    ))
    .unwrap();
    let formatted = format_source(&source, "x.rules").unwrap();
    let codes = |s: &str| {
        crate::check_source(s, "x.rules")
            .iter()
            .map(|d| d.code.0)
            .collect::<Vec<_>>()
    };
    assert!(codes(&source).contains(&"DD109"), "{:?}", codes(&source));
    assert_eq!(codes(&formatted), codes(&source), "{formatted}");
}

#[test]
fn decimals_are_printed_exactly_as_written() {
    assert_eq!(when("x < 1.50"), "x < 1.50");
    assert_eq!(when("x < 2.000"), "x < 2.000");
    assert_eq!(when("x < -0.0"), "x < -0.0");
    assert_eq!(when("x < ( 0.50 )"), "x < 0.50");
    check(
        "predicate p { x < (/* c */ 0.50) }",
        "predicate p {\n  /* c */\n  x < 0.5\n}\n",
    );
    assert_eq!(when("x in {0.10, 2.0}"), "x in {0.10, 2.0}");
    assert_eq!(when("x < 0.000000000000000001"), "x < 0.000000000000000001");
    assert_eq!(
        when("x < 12345678901234567890.5"),
        "x < 12345678901234567890.5"
    );
    assert_eq!(when("x < -0"), "x < 0");
    // Without the source, the value is printed normalised, with a point.
    let d = |s: &str| decimal(&Decimal::parse(s).unwrap(), None);
    assert_eq!(d("2.000"), "2.0");
    assert_eq!(d("-0.0"), "0.0");
    assert_eq!(d("0.0500"), "0.05");
}

#[test]
fn literals_sets_and_quantifiers() {
    assert_eq!(
        when("x in {a,b, \"c\", 1, 2.5} and known( y.z ) and s contains none of {}"),
        "x in {a, b, \"c\", 1, 2.5} and known(y.z) and s contains none of {}"
    );
    assert_eq!(
        when(
            "all(p in ps where p.x) or count(p in ps) > count(q in qs where q.y) or s contains all of {a}"
        ),
        "all(p in ps where p.x) or count(p in ps) > count(q in qs where q.y) or s contains all of {a}"
    );
    assert_eq!(when("true == false"), "true == false");
}

// ---------------------------------------------------------------- parentheses

#[test]
fn redundant_parentheses_go() {
    assert_eq!(when("((a))"), "a");
    assert_eq!(when("(a and b) and c"), "a and b and c");
    assert_eq!(when("a and (b and c)"), "a and b and c");
    assert_eq!(when("a or (b or (c or d))"), "a or b or c or d");
    assert_eq!(when("not (a)"), "not a");
    assert_eq!(when("not (not a)"), "not not a");
    assert_eq!(when("not (a == b)"), "not a == b");
    assert_eq!(when("(a == b) and (c in {d})"), "a == b and c in {d}");
    assert_eq!(when("(any(p in ps where (p.x)))"), "any(p in ps where p.x)");
}

#[test]
fn needed_parentheses_stay() {
    assert_eq!(when("a and (b or c)"), "a and (b or c)");
    assert_eq!(when("(a or b) and c"), "(a or b) and c");
    assert_eq!(when("not (a and b)"), "not (a and b)");
    assert_eq!(when("not (a or b)"), "not (a or b)");
    assert_eq!(when("(not a) == b"), "(not a) == b");
    assert_eq!(when("(a or b) == c"), "(a or b) == c");
    assert_eq!(when("a == (b == c)"), "a == (b == c)");
    assert_eq!(when("a == (b in {c})"), "a == (b in {c})");
}

#[test]
fn and_inside_or_and_not_after_a_comparison_get_parentheses_for_the_reader() {
    assert_eq!(when("a or b and c"), "a or (b and c)");
    assert_eq!(when("a and b or c and d"), "(a and b) or (c and d)");
    assert_eq!(when("a == not b"), "a == (not b)");
    assert_eq!(when("a == not b and c"), "a == (not b) and c");
}

// ---------------------------------------------------------------- line breaking

#[test]
fn long_conditions_break_at_the_outermost_operator() {
    assert_eq!(
        when(
            "country.shutdown_or_blocking_powers or country.encryption_restricted or country.internet_freedom_score < 40"
        ),
        "country.shutdown_or_blocking_powers\n  or country.encryption_restricted\n  or country.internet_freedom_score < 40"
    );
    assert_eq!(
        when(
            "deployment.third_party_access or (country.compelled_access_laws and any(p in parties where p.role == operator))"
        ),
        "deployment.third_party_access\n  or (country.compelled_access_laws and any(p in parties where p.role == operator))"
    );
}

#[test]
fn a_long_quantifier_breaks_inside_its_body() {
    assert_eq!(
        when(
            "any(p in parties where p.role in {distributor, reseller, integrator, broker} and (not p.discloses_end_user or not p.consistent_information))"
        ),
        "any(p in parties where p.role in {distributor, reseller, integrator, broker}\n        and (not p.discloses_end_user or not p.consistent_information))"
    );
}

#[test]
fn a_nested_chain_breaks_inside_its_parentheses_deeper_than_its_parent() {
    let long = "aaaaaaaaaaaaaaaaaaaa";
    let cond = format!("({long}_1 or {long}_2 or {long}_3) and ({long}_4 or {long}_5 or {long}_6)");
    assert_eq!(
        when(&cond),
        format!("({long}_1 or {long}_2 or {long}_3)\n  and ({long}_4 or {long}_5 or {long}_6)")
    );
    let cond =
        format!("({long}_1 and {long}_2 and {long}_3 and {long}_4 and {long}_5) or {long}_6");
    assert_eq!(
        when(&cond),
        format!(
            "({long}_1\n       and {long}_2\n       and {long}_3\n       and {long}_4\n       and {long}_5)\n  or {long}_6"
        )
    );
    let source = format!(
        "predicate p {{ ({long}_1 and {long}_2 and {long}_3 and {long}_4 and {long}_5) or c }}"
    );
    check(
        &source,
        &format!(
            "predicate p {{\n  ({long}_1\n      and {long}_2\n      and {long}_3\n      and {long}_4\n      and {long}_5)\n    or c\n}}\n"
        ),
    );
}

#[test]
fn a_long_set_opens_a_block() {
    let values: Vec<String> = (0..10).map(|i| format!("capability_{i}")).collect();
    let cond = format!(
        "product.capabilities contains any of {{{}}}",
        values.join(", ")
    );
    assert_eq!(
        when(&cond),
        format!(
            "product.capabilities contains any of {{\n  {},\n  {}\n}}",
            values[..6].join(", "),
            values[6..].join(", ")
        )
    );
}

#[test]
fn long_evidence_lists_wrap() {
    let paths: Vec<String> = (0..8).map(|i| format!("country.indicator_{i}")).collect();
    let source = format!("flag F.x {{ evidence: {} }}", paths.join(","));
    check(
        &source,
        &format!(
            "flag F.x {{\n  evidence: {},\n    {}\n}}\n",
            paths[..4].join(", "),
            paths[4..].join(", ")
        ),
    );
}

// ---------------------------------------------------------------- comments

#[test]
fn comments_before_a_declaration_stay_before_it_and_before_its_docs() {
    check(
        "// File.\n\n// About E.\n/// E.\n// Between.\nenum E { a }",
        "// File.\n\n// About E.\n// Between.\n/// E.\nenum E { a }\n",
    );
}

#[test]
fn trailing_comments_stay_at_the_end_of_their_line() {
    check(
        "flag F.x { // opens\n step: 1 // one\n title: \"t\" /* t */\n} // closes",
        "flag F.x { // opens\n  step: 1 // one\n  title: \"t\" /* t */\n} // closes\n",
    );
    check(
        "record R { a: int, // after the comma\n b: int }",
        "record R {\n  a: int // after the comma\n  b: int\n}\n",
    );
}

#[test]
fn comments_move_with_reordered_properties() {
    check(
        "flag F.x {\n  // About the condition.\n  when: a // why\n  // About the step.\n  step: 1\n}",
        "flag F.x {\n  // About the step.\n  step: 1\n  // About the condition.\n  when: a // why\n}\n",
    );
}

#[test]
fn comments_before_a_closing_brace_stay_there() {
    check(
        "enum E { a,\n  // More to come.\n}",
        "enum E {\n  a,\n  // More to come.\n}\n",
    );
    check(
        "facts {\n  // Nothing yet.\n}",
        "facts {\n  // Nothing yet.\n}\n",
    );
    check("enum E { // none\n}", "enum E { // none\n}\n");
}

#[test]
fn comments_at_the_end_of_the_file_stay_there() {
    check("enum E { a }\n// The end.\n", "enum E { a }\n// The end.\n");
    check(
        "enum E { a }\n\n/* The end. */",
        "enum E { a }\n\n/* The end. */\n",
    );
    check("// Only a comment.", "// Only a comment.\n");
}

#[test]
fn a_comment_inside_a_declaration_head_moves_before_it() {
    check(
        "/// Doc.\nflag /* head */ F.x /* more */ { step: 1 }",
        "/* head */\n/* more */\n/// Doc.\nflag F.x {\n  step: 1\n}\n",
    );
}

#[test]
fn comments_between_operands_of_a_broken_condition_stay_there() {
    check(
        "flag F.x {\n  when: a // first\n    // about b\n    or b\n    or c /* third */\n}",
        "flag F.x {\n  when: a // first\n    // about b\n    or b\n    or c /* third */\n}\n",
    );
    check(
        "predicate p { any(q in qs where q.a // a\n and q.b) }",
        "predicate p {\n  any(q in qs where q.a // a\n    and q.b)\n}\n",
    );
    check(
        "predicate p { a and (b // b\n or c) }",
        "predicate p {\n  a\n    and (b // b\n         or c)\n}\n",
    );
}

#[test]
fn other_comments_inside_a_condition_move_before_its_property() {
    check(
        "flag F.x { step: 1 when: a == /* one */ 1 or b // b\n }",
        "flag F.x {\n  step: 1\n  /* one */\n  when: a == 1 or b // b\n}\n",
    );
    check(
        "disposition { when any flags /* a */ or no flags => x }",
        "disposition {\n  /* a */\n  when any flags or no flags => x\n}\n",
    );
}

#[test]
fn block_comments_over_several_lines_are_kept_verbatim() {
    check(
        "/* One,\n     two. */\nenum E { a, /* x\n y */\n b /* z\n */ }",
        "/* One,\n     two. */\nenum E {\n  a, /* x\n y */\n  b,\n  /* z\n */\n}\n",
    );
}

#[test]
fn four_slashes_are_a_comment_not_a_doc() {
    check(
        "//// Not a doc.\nenum E { a }",
        "//// Not a doc.\nenum E { a }\n",
    );
}

#[test]
fn every_comment_of_the_bundled_ruleset_is_kept() {
    let source = crate::BUNDLED_SOURCE;
    let formatted = format_source(source, "bundled").unwrap();
    let count = |s: &str| comments::scan(s).len();
    assert_eq!(count(&formatted), count(source));
    let docs = |s: &str| {
        s.lines()
            .filter(|l| l.trim_start().starts_with("///"))
            .count()
    };
    assert_eq!(docs(&formatted), docs(source));
    assert_eq!(format_source(&formatted, "bundled").unwrap(), formatted);
}

// ---------------------------------------------------------------- errors

#[test]
fn a_syntax_error_gives_the_syntax_diagnostics() {
    let err = format_source("enum E { a b }", "bad.rules").unwrap_err();
    let FormatError::Syntax(e) = err else {
        panic!("expected a syntax error, got {err:?}");
    };
    let codes: Vec<&str> = e.diagnostics.iter().map(|d| d.code.0).collect();
    assert_eq!(codes, ["DD001"]);
    assert_eq!(e.diagnostics.file(), "bad.rules");
}

#[test]
fn a_file_that_would_format_past_the_size_limit_is_refused_as_such() {
    // A string of tabs just under the limit: each tab is written `\t`, so
    // the formatted file would be twice as long. It used to fail the
    // formatter's own check (the text did not parse back) and be called a
    // bug in dd-rules.
    let tabs = crate::limits::MAX_SOURCE_BYTES - 100;
    let source = format!("ruleset \"{}\" {{}}\n", "\t".repeat(tabs));
    let err = format_source(&source, "big.rules").unwrap_err();
    let expected_len = 2 * tabs + "ruleset \"\" {}\n".len();
    assert_eq!(
        err,
        FormatError::TooLarge {
            file: "big.rules".into(),
            len: expected_len
        }
    );
    assert_eq!(
        err.to_string(),
        format!(
            "cannot format `big.rules`: the formatted ruleset would be {expected_len} bytes long, more than the limit of 4194304 bytes, so it is left as it is"
        )
    );
    // Just within the limit, it is formatted.
    let tabs = crate::limits::MAX_SOURCE_BYTES / 2 - 20;
    let source = format!("ruleset \"{}\" {{}}\n", "\t".repeat(tabs));
    let formatted = format_source(&source, "big.rules").unwrap();
    assert_eq!(formatted.len(), 2 * tabs + "ruleset \"\" {}\n".len());
}

#[test]
fn error_messages_show_file_names_escaped() {
    let err = FormatError::Unstable {
        file: "a\u{1b}[8m.rules".into(),
    };
    assert!(
        err.to_string()
            .starts_with("cannot format `a\\u{1B}[8m.rules` without")
    );
}

#[test]
fn a_file_that_does_not_check_is_still_formatted() {
    check(
        "flag F.x { when: no_such_fact > \"one\" severity: extreme }",
        "flag F.x {\n  severity: extreme\n  when: no_such_fact > \"one\"\n}\n",
    );
}

#[test]
fn the_meaning_check_ignores_spans_only() {
    assert_eq!(
        without_spans("Ident { name: \"a\", span: Span { start: 1, end: 2 } }"),
        "Ident { name: \"a\", span: Span }"
    );
    let a = meaning("flag F.x { when: a and (b and c) step: 1 }");
    let b = meaning("flag F.x {\n  step: 1\n  when: a and b and c\n}\n");
    assert!(a.is_some() && a == b);
    assert!(meaning("flag F.x { when: a or b }") != meaning("flag F.x { when: a and b }"));
    assert!(meaning("// x\nenum E { a }") != meaning("enum E { a }"));
    assert!(meaning("record R { required a: int }") != meaning("record R { a: int }"));
}

#[test]
fn parentheses_for_the_reader_give_way_to_the_nesting_limit() {
    // `x0 or y0 and (x1 or y1 and (…))`: one pair of parentheses per level
    // in the source, two with the parentheses added for readers, which
    // would pass the nesting limit; the formatter then adds none.
    let levels = 40;
    let mut cond = String::from("z");
    for i in (0..levels).rev() {
        cond = format!("x{i} or y{i} and ({cond})");
    }
    let source = format!("predicate p {{ {cond} }}");
    let formatted = format_source(&source, "deep.rules").unwrap();
    assert!(
        formatted.contains("x0\n    or y0\n      and (x1"),
        "{formatted}"
    );
    assert_eq!(format_source(&formatted, "deep.rules").unwrap(), formatted);
    // Shallower, the parentheses are added.
    let formatted = format_source("predicate p { x or y and (a or b and c) }", "t").unwrap();
    assert_eq!(
        formatted,
        "predicate p {\n  x or (y and (a or (b and c)))\n}\n"
    );
}
