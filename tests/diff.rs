//! `RuleSet::diff` and `Impact` on pairs of rulesets made by editing the
//! bundled one: the static diff names exactly the edit, and the impact
//! equals evaluating both rulesets separately and comparing, transaction by
//! transaction (property test).

#[path = "../benches/common/mod.rs"]
mod common;

use std::collections::BTreeMap;

use dd_rules::{
    BUNDLED_SOURCE, ChangeKind, FlagState, Impact, RuleSet, RulesetDiff, Status, Verdict,
};
use proptest::prelude::*;

/// The byte range of a flag's or safeguard's declaration, from the first
/// line of its doc comment to its closing brace and line break.
fn block(source: &str, head: &str) -> std::ops::Range<usize> {
    let at = source.find(head).unwrap();
    let start = source[..at].rfind("\n\n").unwrap() + 2;
    let end = at + source[at..].find("\n}\n").unwrap() + 3;
    start..end
}

/// The bundled source with one replacement inside the declaration that
/// starts with `head`.
fn edit_in(head: &str, from: &str, to: &str) -> String {
    let mut source = BUNDLED_SOURCE.to_string();
    let range = block(&source, head);
    let edited = source[range.clone()].replacen(from, to, 1);
    assert_ne!(edited, source[range.clone()], "`{from}` is not in `{head}`");
    source.replace_range(range, &edited);
    source
}

fn compile(source: &str) -> RuleSet {
    RuleSet::compile(source, "edited.rules").unwrap()
}

/// The threshold of one flag moved.
fn threshold_moved() -> String {
    edit_in(
        "flag S3.shutdowns_censorship {",
        "internet_freedom_score < 40",
        "internet_freedom_score < 50",
    )
}

/// A flag removed, doc comment and all.
fn flag_removed() -> String {
    let mut source = BUNDLED_SOURCE.to_string();
    let range = block(&source, "flag S1.bulk_scale {");
    source.replace_range(range, "");
    source
}

/// A flag's severity raised.
fn severity_raised() -> String {
    edit_in(
        "flag S1.bulk_scale {",
        "severity: high",
        "severity: critical",
    )
}

/// A safeguard added, and added to a flag's `mitigated_by`.
fn safeguard_added() -> String {
    let source = edit_in(
        "flag S1.combination {",
        "product.technical_limits\n}",
        "product.technical_limits, contract.data_minimisation\n}",
    );
    let at = source.find("safeguard contract.staged_delivery {").unwrap();
    let mut source = source;
    source.insert_str(
        at,
        "/// Only the data the stated use needs is collected.\n\
         safeguard contract.data_minimisation {\n  step: 6\n  title: \"Data minimisation\"\n  when: contract.data_governance\n}\n\n",
    );
    source
}

/// An enum value added (documents with it are rejected by the old ruleset)
/// and a flag made to read it, so that the schemas differ.
fn enum_value_added() -> String {
    BUNDLED_SOURCE.replace("  local_police,\n", "  local_police,\n  militia,\n")
}

/// A fact added to a record (documents that give it are rejected by the
/// old ruleset), and a threshold moved so that decisions change too.
fn fact_added() -> String {
    threshold_moved().replace(
        "  shares_with_other_agencies: bool\n}",
        "  shares_with_other_agencies: bool\n  sanctions_screened: bool\n}",
    )
}

/// A fact's type changed, from `int` to `decimal`, and a threshold on it
/// made a decimal.
fn fact_retyped() -> String {
    let source = BUNDLED_SOURCE.replacen("  freedom_score: int\n", "  freedom_score: decimal\n", 1);
    assert_ne!(source, BUNDLED_SOURCE);
    let edited = source.replacen(
        "country.freedom_score < 35)",
        "country.freedom_score < 35.5)",
        1,
    );
    assert_ne!(edited, source);
    edited
}

/// A fact no condition reads removed (documents that give it are rejected
/// by the new ruleset).
fn fact_removed() -> String {
    let source = BUNDLED_SOURCE.replacen("  iso_code: string\n", "", 1);
    assert_ne!(source, BUNDLED_SOURCE);
    source
}

/// Asserts that the diff has changes in the named sections only.
#[track_caller]
fn only(diff: &RulesetDiff, sections: &[&str]) {
    let present = [
        ("header", !diff.header.is_empty()),
        ("flags", !diff.flags.is_empty()),
        ("safeguards", !diff.safeguards.is_empty()),
        ("scope", diff.scope.is_some()),
        ("predicates", !diff.predicates.is_empty()),
        (
            "outcomes",
            !diff.outcomes.added.is_empty()
                || !diff.outcomes.removed.is_empty()
                || diff.outcomes.reordered,
        ),
        ("cases", !diff.cases.is_empty()),
        ("facts", !diff.facts.is_empty()),
    ];
    for (name, has) in present {
        assert_eq!(has, sections.contains(&name), "section {name}: {diff:#?}");
    }
}

#[test]
fn the_same_ruleset_has_no_diff() {
    let rules = RuleSet::bundled().unwrap();
    let diff = rules.diff(&rules);
    assert!(diff.is_empty());
    assert_eq!(diff.old, diff.new);
}

#[test]
fn a_moved_threshold_is_one_condition_change() {
    let old = RuleSet::bundled().unwrap();
    let diff = old.diff(&compile(&threshold_moved()));
    only(&diff, &["flags"]);
    assert_eq!(diff.flags.len(), 1);
    let flag = &diff.flags[0];
    assert_eq!(
        (flag.id.as_str(), flag.change),
        ("S3.shutdowns_censorship", ChangeKind::Changed)
    );
    assert_eq!(flag.fields.len(), 1);
    let field = &flag.fields[0];
    assert_eq!(field.field, "condition");
    assert!(field.old.as_deref().unwrap().contains("< 40"));
    assert!(field.new.as_deref().unwrap().contains("< 50"));
    assert_ne!(diff.old.digest, diff.new.digest);
}

#[test]
fn a_removed_flag_is_named() {
    let old = RuleSet::bundled().unwrap();
    let diff = old.diff(&compile(&flag_removed()));
    only(&diff, &["flags"]);
    assert_eq!(diff.flags.len(), 1);
    assert_eq!(
        (diff.flags[0].id.as_str(), diff.flags[0].change),
        ("S1.bulk_scale", ChangeKind::Removed)
    );
    assert!(diff.flags[0].fields.is_empty());
    // The other way round it is added.
    let back = compile(&flag_removed()).diff(&old);
    assert_eq!(back.flags[0].change, ChangeKind::Added);
}

#[test]
fn a_raised_severity_is_one_field() {
    let old = RuleSet::bundled().unwrap();
    let diff = old.diff(&compile(&severity_raised()));
    only(&diff, &["flags"]);
    let flag = diff.flag("S1.bulk_scale").unwrap();
    assert_eq!(diff.flags.len(), 1);
    assert_eq!(flag.fields.len(), 1);
    let field = flag.field("severity").unwrap();
    assert_eq!(
        (field.old.as_deref(), field.new.as_deref()),
        (Some("high"), Some("critical"))
    );
}

#[test]
fn an_added_safeguard_and_its_mitigation_are_named() {
    let old = RuleSet::bundled().unwrap();
    let diff = old.diff(&compile(&safeguard_added()));
    only(&diff, &["flags", "safeguards"]);
    assert_eq!(diff.safeguards.len(), 1);
    assert_eq!(
        (diff.safeguards[0].id.as_str(), diff.safeguards[0].change),
        ("contract.data_minimisation", ChangeKind::Added)
    );
    assert_eq!(diff.flags.len(), 1);
    let flag = diff.flag("S1.combination").unwrap();
    assert_eq!(flag.fields.len(), 1);
    let field = flag.field("mitigated_by").unwrap();
    assert_eq!(
        field.new.as_deref(),
        Some(
            "contract.permitted_uses_defined, product.technical_limits, contract.data_minimisation"
        )
    );
}

#[test]
fn an_enum_value_added_is_a_schema_change() {
    let old = RuleSet::bundled().unwrap();
    let diff = old.diff(&compile(&enum_value_added()));
    only(&diff, &["facts"]);
    assert!(diff.facts.iter().all(|f| f.values_added == ["militia"]
        && f.values_removed.is_empty()
        && f.change == ChangeKind::Changed));
    assert!(diff.facts.iter().any(|f| f.path == "end_user.kind"));
}

#[test]
fn outcomes_and_cases_are_compared() {
    let old = RuleSet::bundled().unwrap();
    let source = BUNDLED_SOURCE.replace(
        "count flags(raised, unmitigated, severity >= medium) >= 3",
        "count flags(raised, unmitigated, severity >= medium) >= 2",
    );
    let diff = old.diff(&compile(&source));
    only(&diff, &["cases"]);
    let kinds: Vec<ChangeKind> = diff.cases.iter().map(|c| c.change).collect();
    assert_eq!(kinds, [ChangeKind::Removed, ChangeKind::Added]);
    assert_eq!(diff.cases[0].position, diff.cases[1].position);
    assert!(diff.cases[1].text.contains(">= 2"));
}

#[test]
fn the_diff_serialises_with_stable_keys() {
    let old = RuleSet::bundled().unwrap();
    let diff = old.diff(&compile(&severity_raised()));
    let json = serde_json::to_value(&diff).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "old",
        "new",
        "header",
        "flags",
        "safeguards",
        "scope",
        "predicates",
        "outcomes",
        "cases",
        "facts",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["flags"][0]["fields"][0]["field"], "severity");
    assert_eq!(json["flags"][0]["change"], "changed");
}

/// A flag's state in a full report.
fn state(report: &dd_rules::Report, id: &str) -> FlagState {
    match report.flag(id) {
        None => FlagState::Absent,
        Some(f) => match f.status {
            Status::Raised if f.mitigated => FlagState::Mitigated,
            Status::Raised => FlagState::Raised,
            Status::Clear => FlagState::Clear,
            _ => FlagState::Unknown,
        },
    }
}

/// What each ruleset made of a document, through the full report: the
/// disposition (or rejected) and every flag's state.
type Seen = (Option<String>, BTreeMap<String, FlagState>);

fn seen(rules: &RuleSet, ids: &[String], doc: &str) -> Seen {
    match rules.evaluate_json(doc) {
        Ok(report) => (
            Some(report.disposition().to_string()),
            ids.iter()
                .map(|id| (id.clone(), state(&report, id)))
                .collect(),
        ),
        Err(_) => (None, BTreeMap::new()),
    }
}

/// Checks an impact against separate evaluations of each document.
fn check(old: &RuleSet, new: &RuleSet, docs: &[String]) -> Result<(), TestCaseError> {
    let impact = old.impact(new, docs);
    let ids: Vec<String> = impact.flag_ids().map(str::to_string).collect();
    let mut changed = Vec::new();
    let mut matrix: BTreeMap<(Option<String>, Option<String>), u64> = BTreeMap::new();
    let mut flag_changed: BTreeMap<String, u64> = BTreeMap::new();
    let mut looser = 0;
    let mut stricter = 0;
    let new_outcomes: Vec<&str> = new.outcomes().collect();
    for (i, doc) in docs.iter().enumerate() {
        let (d_old, f_old) = seen(old, &ids, doc);
        let (d_new, f_new) = seen(new, &ids, doc);
        *matrix.entry((d_old.clone(), d_new.clone())).or_default() += 1;
        let mut flags = Vec::new();
        if d_old.is_some() && d_new.is_some() {
            for id in &ids {
                if f_old[id] != f_new[id] {
                    flags.push((id.clone(), f_old[id], f_new[id]));
                    *flag_changed.entry(id.clone()).or_default() += 1;
                }
            }
            let rank = |d: &Option<String>| {
                new_outcomes
                    .iter()
                    .position(|o| Some(*o) == d.as_deref())
                    .unwrap()
            };
            match rank(&d_old).cmp(&rank(&d_new)) {
                std::cmp::Ordering::Less => stricter += 1,
                std::cmp::Ordering::Greater => looser += 1,
                std::cmp::Ordering::Equal => {}
            }
        }
        let rejected_both = d_old.is_none() && d_new.is_none();
        if !rejected_both && (d_old != d_new || !flags.is_empty()) {
            changed.push((i as u64 + 1, d_old, d_new, flags));
        }
    }
    prop_assert_eq!(impact.transactions(), docs.len() as u64);
    prop_assert_eq!(impact.changed(), changed.len() as u64);
    prop_assert_eq!(impact.looser(), looser);
    prop_assert_eq!(impact.stricter(), stricter);
    let kept: Vec<_> = impact
        .changed_transactions()
        .iter()
        .map(|t| {
            (
                t.line,
                t.old.disposition().map(str::to_string),
                t.new.disposition().map(str::to_string),
                t.flags
                    .iter()
                    .map(|f| (f.id.clone(), f.old, f.new))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    prop_assert_eq!(&kept, &changed);
    for ((o, n), count) in &matrix {
        prop_assert_eq!(impact.transition(o.as_deref(), n.as_deref()), *count);
    }
    let total: u64 = impact.transitions().iter().map(|t| t.count).sum();
    prop_assert_eq!(total, docs.len() as u64);
    let flags: BTreeMap<String, u64> = impact
        .flags()
        .into_iter()
        .map(|f| (f.id, f.changed))
        .collect();
    prop_assert_eq!(flags, flag_changed);
    // In chunks, merged, with a bound on what is kept: the same counts, the
    // first changed transactions.
    let mut merged = Impact::new(old, new).with_limit(3);
    for (c, chunk) in docs.chunks(7).enumerate() {
        let mut part = Impact::new(old, new).with_limit(3);
        for (i, doc) in chunk.iter().enumerate() {
            part.add_json((c * 7 + i) as u64 + 1, doc);
        }
        merged.merge(part);
    }
    prop_assert_eq!(merged.changed(), impact.changed());
    prop_assert_eq!(merged.transitions(), impact.transitions());
    prop_assert_eq!(merged.flags(), impact.flags());
    let first: Vec<u64> = changed.iter().take(3).map(|c| c.0).collect();
    let lines: Vec<u64> = merged
        .changed_transactions()
        .iter()
        .map(|t| t.line)
        .collect();
    prop_assert_eq!(lines, first);
    Ok(())
}

/// The edited rulesets, compiled once.
fn pairs() -> &'static [(RuleSet, RuleSet)] {
    static PAIRS: std::sync::OnceLock<Vec<(RuleSet, RuleSet)>> = std::sync::OnceLock::new();
    PAIRS.get_or_init(|| {
        let bundled = RuleSet::bundled().unwrap();
        let mut out = Vec::new();
        for source in [
            threshold_moved(),
            flag_removed(),
            severity_raised(),
            safeguard_added(),
            enum_value_added(),
            fact_added(),
            fact_retyped(),
            fact_removed(),
        ] {
            let edited = compile(&source);
            out.push((bundled.clone(), edited.clone()));
            out.push((edited, bundled.clone()));
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn impact_equals_evaluating_both_separately(
        seed in any::<u64>(),
        pair in 0usize..16,
        militia in proptest::collection::vec(any::<bool>(), 24),
        edits in proptest::collection::vec(0u8..8, 24),
    ) {
        let (old, new) = &pairs()[pair];
        // Generated transactions, some with an end-user kind only one of
        // the enum-edited rulesets knows, some with the facts that only
        // one of the schema-edited rulesets reads (an added fact, a
        // decimal for an int, no removed fact), and a line that is no JSON.
        let mut docs = common::bundled_docs(seed, 24);
        for ((doc, m), edit) in docs.iter_mut().zip(&militia).zip(&edits) {
            if *m && doc.contains("\"kind\":\"") {
                let at = doc.find("\"kind\":\"").unwrap() + 8;
                let end = at + doc[at..].find('"').unwrap();
                doc.replace_range(at..end, "militia");
            }
            edit_facts(doc, *edit);
        }
        docs.push("not json".to_string());
        check(old, new, &docs)?;
    }
}

/// One of the edits to a generated document that tell the schema-edited
/// rulesets apart (most leave it as it is).
fn edit_facts(doc: &mut String, edit: u8) {
    // The byte range of the plain value of `key` (none when it is absent
    // or wrapped with its provenance).
    let value = |doc: &str, key: &str| {
        let at = doc.find(&format!("\"{key}\":"))? + key.len() + 3;
        let end = at + doc[at..].find([',', '}'])?;
        (!doc[at..].starts_with('{')).then_some(at..end)
    };
    let screened = |v: &str| format!("\"end_user\":{{\"sanctions_screened\":{v},");
    match edit {
        0 => *doc = doc.replacen("\"end_user\":{", &screened("true"), 1),
        1 => *doc = doc.replacen("\"end_user\":{", &screened("null"), 1),
        2 => {
            if let Some(range) = value(doc, "freedom_score") {
                doc.replace_range(range, "35.2");
            }
        }
        3 => {
            if let Some(range) = value(doc, "iso_code") {
                let key = range.start - "\"iso_code\":".len();
                let end = if doc[range.end..].starts_with(',') {
                    range.end + 1
                } else {
                    range.end
                };
                doc.replace_range(key..end, "");
            }
        }
        _ => {}
    }
}

#[test]
fn a_rejected_document_is_a_change_with_its_reason() {
    let old = RuleSet::bundled().unwrap();
    let new = compile(&enum_value_added());
    let docs = [
        r#"{"id": "M", "end_user": {"kind": "militia"}}"#,
        "{}",
        "[]",
    ];
    let impact = old.impact(&new, docs);
    assert_eq!(impact.rejected_by_old_only(), 1);
    assert_eq!(impact.rejected_by_both(), 1);
    assert_eq!(impact.changed(), 1);
    let t = &impact.changed_transactions()[0];
    assert_eq!(t.id.as_deref(), Some("M"));
    assert!(matches!(&t.old, Verdict::Rejected(why) if why.contains("militia")));
    assert!(t.new.disposition().is_some());
    let json = serde_json::to_value(&impact).unwrap();
    assert_eq!(json["rejected_by_old_only"], 1);
    assert!(json["changed_transactions"][0]["old"]["rejected"].is_string());
}

#[test]
fn a_removed_outcome_is_unranked() {
    let old = RuleSet::bundled().unwrap();
    let source = BUNDLED_SOURCE
        .replace("=> gather_facts", "=> escalate")
        .replace(
            "  /// Facts that decide a high or critical flag are missing: find them (the\n  /// report's `missing_facts`) before deciding.\n  gather_facts,\n",
            "",
        );
    let new = compile(&source);
    let diff = old.diff(&new);
    assert_eq!(diff.outcomes.removed, ["gather_facts"]);
    let impact = old.impact(&new, ["{}"]);
    assert_eq!(
        old.evaluate_json("{}").unwrap().disposition(),
        "gather_facts"
    );
    assert_eq!(impact.unranked(), 1);
    assert_eq!(impact.disposition_changed(), 1);
    assert_eq!((impact.looser(), impact.stricter()), (0, 0));
}

#[test]
fn the_generated_transactions_exercise_every_edit() {
    // Otherwise the property test above would compare nothing but
    // unchanged transactions.
    let docs = common::bundled_docs(1, 500);
    // All but the enum value added, which generated documents never use.
    for (old, new) in pairs()[..8].iter().chain(&pairs()[10..]) {
        let impact = old.impact(new, &docs);
        assert!(
            impact.changed() > 0,
            "{}",
            serde_json::to_string(&old.diff(new)).unwrap()
        );
    }
}
