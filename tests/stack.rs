//! Every entry point of the library runs on a thread with a small stack, on
//! the deepest input the limits allow: nesting is bounded by the checker's
//! and the loader's limits, and nothing recurses along a chain of
//! predicates, however long. `SECURITY.md` states the figure.

use dd_rules::{RuleSet, format_source};

/// The stack every entry point must fit in (`SECURITY.md`): 256 KiB in a
/// release build, the figure users get; an unoptimised build's frames are
/// about four times larger, so a debug run checks 1 MiB. `.ci/run` runs
/// this file in release too. `DD_STACK_KB` overrides it, to find the edge.
fn stack() -> usize {
    let default_kb = if cfg!(debug_assertions) { 1024 } else { 256 };
    std::env::var("DD_STACK_KB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(default_kb)
        * 1024
}

const HEADER: &str = "ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\n";

fn tail(when: &str) -> String {
    format!(
        "flag A.a {{ step: 1 severity: high title: \"t\" when: {when} }}\n\
         outcomes {{ go }}\ndisposition {{ otherwise => go }}\n"
    )
}

/// A condition nested `depth` deep, `and` and `or` in turn, over `leaf`.
fn alternating(depth: usize, leaf: &str) -> String {
    let mut s = leaf.to_string();
    for i in 0..depth {
        s = format!("(y {} {s})", if i % 2 == 0 { "or" } else { "and" });
    }
    s
}

/// Rulesets at the nesting limits, and facts at the depth limit.
fn cases() -> Vec<(&'static str, String, String)> {
    let bools = "facts { x: bool y: bool }\n";
    let mut cases = Vec::new();
    cases.push((
        "condition at the depth limit",
        format!("{HEADER}{bools}{}", tail(&alternating(64, "x"))),
        "{}".to_string(),
    ));
    cases.push((
        "a chain of `not`",
        format!(
            "{HEADER}{bools}{}",
            tail(&format!("{}x", "not ".repeat(64)))
        ),
        "{}".to_string(),
    ));
    let mut q = "e7.a".to_string();
    for i in (0..8).rev() {
        let list = if i == 0 {
            "ps".to_string()
        } else {
            format!("e{}.ps", i - 1)
        };
        q = format!("any(e{i} in {list} where ({q} or e{i}.a))");
    }
    let mut doc = "{\"a\": null}".to_string();
    for _ in 0..30 {
        doc = format!("{{\"ps\": [{doc}]}}");
    }
    cases.push((
        "quantifiers at the nesting limit, facts at the depth limit",
        format!(
            "{HEADER}record P {{ a: bool ps: list<P> }}\nfacts {{ ps: list<P> }}\n{}",
            tail(&q)
        ),
        doc,
    ));
    let mut chain = format!("{HEADER}{bools}predicate p0 {{ x }}\n");
    for i in 1..3000 {
        chain.push_str(&format!(
            "predicate p{i} {{ p{} and (p{} or y) }}\n",
            i - 1,
            i - 1
        ));
    }
    cases.push((
        "a chain of 3,000 predicates, each using the one before twice",
        chain + &tail("p2999"),
        "{}".to_string(),
    ));
    let mut deep = format!(
        "{HEADER}{bools}predicate q0 {{ {} }}\n",
        alternating(64, "x")
    );
    for i in 1..20 {
        deep.push_str(&format!(
            "predicate q{i} {{ {} }}\n",
            alternating(64, &format!("q{}", i - 1))
        ));
    }
    cases.push((
        "predicates at the depth limit, using each other",
        deep + &tail("q19"),
        "{}".to_string(),
    ));
    let mut records = String::from("record R0 { a: bool }\n");
    for i in 1..32 {
        records.push_str(&format!("record R{i} {{ r: R{} }}\n", i - 1));
    }
    let path = "r.".repeat(31);
    let mut doc = "{\"a\": true}".to_string();
    for _ in 0..31 {
        doc = format!("{{\"r\": {doc}}}");
    }
    cases.push((
        "records at the nesting limit",
        format!(
            "{HEADER}{records}facts {{ top: R31 y: bool }}\n{}",
            tail(&alternating(60, &format!("top.{path}a")))
        ),
        format!("{{\"top\": {doc}}}"),
    ));
    cases
}

/// The deepest brackets the scanner lets through reach the parser, which
/// reads them before lowering refuses the nesting: an error, never a crash,
/// and never the parser's own "stack limit reached".
#[test]
fn the_deepest_brackets_are_an_error_in_a_small_stack() {
    let source = format!(
        "{HEADER}facts {{ x: bool y: bool }}\n{}",
        tail(&alternating(94, "x"))
    );
    let run = move || {
        let diags = dd_rules::check_source(&source, "deep.rules");
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["DD002"], "{}", diags.render(dd_rules::Style::Plain));
        assert!(RuleSet::compile(&source, "deep.rules").is_err());
        assert!(format_source(&source, "deep.rules").is_err());
    };
    std::thread::Builder::new()
        .stack_size(stack())
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn every_entry_point_fits_in_a_small_stack() {
    for (what, source, doc) in cases() {
        let run = move || {
            let diags = dd_rules::check_source(&source, "deep.rules");
            assert!(
                !diags.has_errors(),
                "{what}: {}",
                diags.render(dd_rules::Style::Plain)
            );
            format_source(&source, "deep.rules").unwrap();
            let rules = RuleSet::compile(&source, "deep.rules").unwrap();
            let facts = rules.facts_from_json(&doc).unwrap();
            let mut report = rules.evaluate(&facts).unwrap();
            rules.advise(&mut report).unwrap();
            let _ = report.to_json();
            let _ = report.to_json_pretty();
            let explanation = rules.explain(&facts, "A.a").unwrap().unwrap();
            let _ = serde_json::to_string(&explanation).unwrap();
        };
        let thread = std::thread::Builder::new()
            .stack_size(stack())
            .spawn(run)
            .unwrap();
        thread.join().unwrap();
    }
}
