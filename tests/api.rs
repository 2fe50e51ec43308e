//! The public Rust API as a service would use it.

use dd_rules::{Error, EvalError, RuleSet, Status, Transaction};

fn example(name: &str) -> String {
    let path = format!(
        "{}/examples/transactions/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn ruleset_is_send_sync_and_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RuleSet>();
    assert_send_sync::<dd_rules::Report>();

    let rules = RuleSet::bundled().unwrap();
    let doc = example("face-recognition-national-police");
    let alone = rules.evaluate_json(&doc).unwrap().to_json();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let rules = rules.clone();
            let doc = doc.clone();
            std::thread::spawn(move || {
                (0..20)
                    .map(|_| rules.evaluate_json(&doc).unwrap().to_json())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        for report in h.join().unwrap() {
            assert_eq!(
                report, alone,
                "a report differs when evaluated on another thread"
            );
        }
    }
}

#[test]
fn report_names_the_ruleset_and_its_digest() {
    let rules = RuleSet::bundled().unwrap();
    let report = rules
        .evaluate_json(&example("traffic-cameras-city"))
        .unwrap();
    assert_eq!(report.ruleset().name, "us-state-2020");
    assert!(report.ruleset().digest.starts_with("sha256:"));
    assert_eq!(report.ruleset().digest.len(), "sha256:".len() + 64);
    assert_eq!(report.transaction(), Some("example-b-traffic-cameras-city"));
    assert_eq!(
        report.flags().len(),
        rules.flags().count(),
        "every flag is reported"
    );
}

#[test]
fn missing_facts_make_flags_unknown_and_fill_the_questionnaire() {
    let rules = RuleSet::bundled().unwrap();
    let report = rules.evaluate_json(&example("partial-facts")).unwrap();
    let unknown: Vec<_> = report.flags_with(Status::Unknown).collect();
    assert!(!unknown.is_empty());
    for f in &unknown {
        assert!(
            f.missing().len() > 0,
            "the unknown flag {} names no missing fact",
            f.id
        );
        for m in f.missing() {
            assert!(
                report.missing_facts().any(|q| q == m),
                "{m} is missing from the questionnaire"
            );
        }
    }
    for f in report.flags().filter(|f| f.status != Status::Unknown) {
        assert!(
            f.missing().len() == 0,
            "the decided flag {} lists missing facts",
            f.id
        );
    }
}

#[test]
fn typed_transaction_evaluates_like_its_json() {
    let rules = RuleSet::bundled().unwrap();
    let tx = Transaction {
        id: Some("typed-1".into()),
        end_user: Some(dd_rules::transaction::EndUser {
            sanctioned: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    let typed = rules
        .evaluate(&rules.facts_from_transaction(&tx).unwrap())
        .unwrap();
    let json = rules
        .evaluate_json(r#"{"id": "typed-1", "end_user": {"sanctioned": true}}"#)
        .unwrap();
    assert_eq!(typed.to_json(), json.to_json());
    assert_eq!(typed.flag("S2.sanctioned").unwrap().status, Status::Raised);
}

#[test]
fn facts_of_another_schema_are_refused() {
    let other = RuleSet::compile(
        r#"ruleset "other" { version: "1" title: "t" source: "s" }
           facts { x: bool }
           flag A.x { step: 1 severity: low title: "x" when: x }
           outcomes { ok }
           disposition { otherwise => ok }"#,
        "other.rules",
    )
    .unwrap();
    let facts = other.facts_from_json(r#"{"x": true}"#).unwrap();
    let bundled = RuleSet::bundled().unwrap();
    let err = bundled.evaluate(&facts).unwrap_err();
    assert!(
        matches!(&err, EvalError::SchemaDiffers(e) if e.message.contains("no fact in common")),
        "{err}"
    );
    // The fast path takes facts of its own schema only, and says how to carry them.
    let mut scratch = bundled.new_scratch();
    let err = bundled.evaluate_into(&facts, &mut scratch).unwrap_err();
    assert_eq!(err, EvalError::SchemaMismatch);
    assert!(err.to_string().contains("RuleSet::adopt"), "{err}");
}

#[test]
fn errors_say_what_and_where() {
    let rules = RuleSet::bundled().unwrap();
    let err = rules
        .evaluate_json(r#"{"country": {"freedom_score": "high"}}"#)
        .unwrap_err();
    let Error::Facts(e) = &err else {
        panic!("expected a facts error, got {err}")
    };
    assert_eq!(e.path, "country.freedom_score");
    // The position is the last character of the bad value (`"high"`).
    assert_eq!((e.line, e.column), (1, 36));
    assert!(e.to_string().contains("expected a whole number"), "{e}");

    let err = RuleSet::compile("ruleset \"x\" {", "x.rules").unwrap_err();
    assert!(err.diagnostics.has_errors());
    assert_eq!(
        err.diagnostics.iter().next().unwrap().code.as_str(),
        "DD001"
    );
}

#[test]
fn introspection_lists_flags_and_safeguards() {
    let rules = RuleSet::bundled().unwrap();
    let sanctioned = rules.flags().find(|f| f.id == "S2.sanctioned").unwrap();
    assert!(
        sanctioned.mitigated_by.is_empty(),
        "a sanctions hit is never mitigated"
    );
    assert!(sanctioned.docs.is_some());
    assert!(rules.safeguards().all(|s| (5..=7).contains(&s.step)));
    let schema = serde_json::to_value(rules.json_schema()).unwrap();
    assert_eq!(rules.json_schema().to_string(), schema.to_string());
    assert_eq!(schema["type"], "object");
    assert!(schema["properties"]["country"].is_object());
    assert!(schema["$defs"]["Country"]["properties"]["freedom_score"].is_object());
}

#[test]
fn json_schema_marks_required_facts_with_an_annotation_only() {
    let rules = RuleSet::compile(
        r#"ruleset "x" { version: "1" title: "t" source: "s" }
           record P {
             /// On a list.
             required listed: bool
             name: string
           }
           facts { required parties: list<P>  score: int }
           flag F.a { step: 1 severity: high title: "a" when: any(p in parties where p.listed) or score < 3 }
           outcomes { ok }
           disposition { otherwise => ok }"#,
        "x.rules",
    )
    .unwrap();
    let schema = serde_json::to_value(rules.json_schema()).unwrap();
    let listed = &schema["$defs"]["P"]["properties"]["listed"];
    assert_eq!(listed["x-dd-required"], true);
    assert_eq!(listed["description"], "On a list.");
    assert_eq!(schema["properties"]["parties"]["x-dd-required"], true);
    for optional in [
        &schema["$defs"]["P"]["properties"]["name"],
        &schema["properties"]["score"],
        &schema["properties"]["id"],
    ] {
        assert!(optional.get("x-dd-required").is_none(), "{optional}");
    }
    // Absent means unknown, which a document may say: no object of the
    // schema lists its required fact in JSON Schema's `required`.
    assert!(schema.get("required").is_none());
    assert!(schema["$defs"]["P"].get("required").is_none());
    // The facts load and evaluate without them.
    let report = rules.evaluate_json("{}").unwrap();
    assert_eq!(report.disposition(), "ok");
}

#[test]
fn explanations_show_which_part_fired() {
    let rules = RuleSet::compile(
        r#"ruleset "x" { version: "1" title: "t" source: "s" }
           record P { listed: bool  name: string }
           facts { score: int  parties: list<P> }
           predicate low { score < 35 }
           flag F.a { step: 1 severity: high title: "a" when: low or any(p in parties where p.listed) }
           outcomes { ok }
           disposition { otherwise => ok }"#,
        "x.rules",
    )
    .unwrap();
    let facts = rules
        .facts_from_json(r#"{"score": 50, "parties": [{"listed": false}, {"name": "B"}]}"#)
        .unwrap();
    let e = rules.explain(&facts, "F.a").unwrap().unwrap();
    assert_eq!(e.value, dd_rules::Truth::Unknown);
    assert_eq!(e.missing, ["parties[1].listed"]);
    let [low, any] = e.children.as_slice() else {
        panic!("{e:#?}")
    };
    assert_eq!(low.value, dd_rules::Truth::False);
    assert!(
        low.children.is_empty(),
        "a predicate is explained once, apart"
    );
    let [body] = e.predicates.as_slice() else {
        panic!("{e:#?}")
    };
    assert_eq!(body.condition, "predicate low: score < 35");
    assert_eq!(body.facts[0].value.as_deref(), Some("50"));
    assert_eq!(any.children.len(), 2, "one node per party");
    assert_eq!(any.children[1].condition, "p = parties[1]: p.listed");
    assert_eq!(any.children[1].value, dd_rules::Truth::Unknown);
    assert!(rules.explain(&facts, "F.none").unwrap().is_none());
}

#[test]
fn explanations_stay_bounded_when_quantifiers_nest() {
    let rules = RuleSet::compile(
        r#"ruleset "n" { version: "1" title: "t" source: "s" }
           record P { ok: bool }
           facts { ps: list<P> }
           flag F.deep {
             step: 1 severity: high title: "deep"
             when: any(a in ps where any(b in ps where any(c in ps where any(d in ps where a.ok and b.ok and c.ok and not d.ok))))
           }
           outcomes { ok }
           disposition { otherwise => ok }"#,
        "n.rules",
    )
    .unwrap();
    let mut doc = vec![r#"{"ok": true}"#; 11];
    doc.push("{}");
    let facts = rules
        .facts_from_json(&format!(r#"{{"ps": [{}]}}"#, doc.join(",")))
        .unwrap();
    let e = rules.explain(&facts, "F.deep").unwrap().unwrap();
    assert_eq!(e.value, dd_rules::Truth::Unknown);
    fn count(e: &dd_rules::Explanation) -> usize {
        1 + e.children.iter().map(count).sum::<usize>()
    }
    // 12^4 combinations would give over 20,000 nodes; the tree is cut well before.
    let nodes = count(&e);
    assert!(nodes <= 10_000, "{nodes} nodes");
    assert!(
        nodes > 100,
        "the first parts are still explained: {nodes} nodes"
    );
}

#[test]
fn a_plain_comment_between_doc_lines_keeps_one_doc_comment() {
    let rules = RuleSet::compile(
        "ruleset \"x\" { version: \"1\" title: \"t\" source: \"s\" }\nfacts { a: bool }\n\
         /// first\n// a plain comment\n/// second\n\
         flag F.a { step: 1 severity: low title: \"a\" when: a }\noutcomes { ok }\ndisposition { otherwise => ok }\n",
        "x.rules",
    )
    .unwrap();
    assert_eq!(rules.flags().next().unwrap().docs, Some("first\nsecond"));
}

#[test]
fn the_scope_decides_out_of_scope_and_asks_its_facts_first_when_unknown() {
    use dd_rules::{ConditionKind, ScopeStatus};
    let rules = RuleSet::compile(
        r#"
        ruleset "s" { version: "1" title: "S" source: "S" }
        record P { listed: bool  gov: bool }
        facts { kind: int  sanctioned: bool  parties: list<P> }
        scope {
          title: "Government buyers"
          when: kind == 1 or any(p in parties where p.gov)
          otherwise: out_of_scope
        }
        flag S2.sanctioned { step: 2 severity: critical title: "Sanctioned" when: sanctioned }
        flag S4.listed { step: 4 severity: high title: "Listed" when: any(p in parties where p.listed) }
        outcomes { out_of_scope, proceed, ask, stop }
        disposition {
          when any flags(raised) => stop
          when any flags(unknown, severity >= high) => ask
          otherwise => proceed
        }
        "#,
        "s.rules",
    )
    .unwrap();
    assert_eq!(rules.scope().unwrap().otherwise, "out_of_scope");

    // Out: the scope's outcome, whatever the flags; they are still reported.
    let out = rules
        .evaluate_json(r#"{"kind": 2, "sanctioned": true, "parties": []}"#)
        .unwrap();
    let scope = out.scope().unwrap();
    assert_eq!(scope.status, ScopeStatus::Out);
    assert_eq!(
        scope.evidence().map(|e| e.fact).collect::<Vec<_>>(),
        ["kind", "parties"]
    );
    assert_eq!(out.disposition(), "out_of_scope");
    assert_eq!(out.disposition_rule(), "out of scope => out_of_scope");
    assert_eq!(out.flag("S2.sanctioned").unwrap().status, Status::Raised);
    assert_eq!(out.missing_facts().len(), 0);

    // Unknown: the policy decides, and the scope's facts come first, each once.
    let unknown = rules
        .evaluate_json(r#"{"parties": [{"listed": false}]}"#)
        .unwrap();
    let scope = unknown.scope().unwrap();
    assert_eq!(scope.status, ScopeStatus::Unknown);
    assert_eq!(
        scope.missing().collect::<Vec<_>>(),
        ["kind", "parties[0].gov"]
    );
    assert_eq!(unknown.disposition(), "ask");
    assert_eq!(
        unknown.missing_facts().collect::<Vec<_>>(),
        ["kind", "parties[0].gov", "sanctioned"]
    );

    // In: as without a scope; the fast path agrees.
    let facts = rules
        .facts_from_json(r#"{"kind": 1, "sanctioned": false, "parties": []}"#)
        .unwrap();
    let mut scratch = rules.new_scratch();
    let outcome = rules.evaluate_into(&facts, &mut scratch).unwrap();
    assert_eq!(outcome.scope(), Some(ScopeStatus::In));
    assert_eq!(outcome.disposition(), "proceed");
    let report = rules.report(&facts, outcome).unwrap();
    assert_eq!(report.scope().unwrap().status, ScopeStatus::In);
    let record = dd_rules::ReportRecord::from(&report);
    assert_eq!(record.scope.unwrap().status, ScopeStatus::In);

    // The scope runs under the budget, and says so when it goes over.
    let many = format!(
        r#"{{"parties": [{}]}}"#,
        vec![r#"{"gov": false}"#; 50].join(",")
    );
    match rules.with_budget(10).evaluate_json(&many) {
        Err(Error::Eval(EvalError::OverBudget { kind, id, .. })) => {
            assert_eq!((kind, id.as_str()), (ConditionKind::Scope, "scope"));
        }
        other => panic!("expected the scope to go over budget, got {other:?}"),
    }

    // A ruleset without a scope has none, on either path.
    let plain = RuleSet::compile(
        r#"ruleset "p" { version: "1" title: "P" source: "P" } facts { x: bool }
           flag A.x { step: 1 severity: low title: "X" when: x }
           outcomes { go } disposition { otherwise => go }"#,
        "p.rules",
    )
    .unwrap();
    let report = plain.evaluate_json("{}").unwrap();
    assert!(report.scope().is_none() && plain.scope().is_none());
    assert!(!report.to_json().contains("\"scope\""));
}
