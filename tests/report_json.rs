//! The full report's JSON: the hand-written writer (`Report::write_json`,
//! `to_json`) gives the bytes the report's `Serialize` gives, and a report
//! that quotes each fact once still carries every flag's evidence as the
//! reports before it quoted it, flag by flag.

#[path = "../benches/common/mod.rs"]
mod common;

use std::fmt::Write as _;

use dd_rules::{EvidenceRecord, Report, ReportRecord, RuleSet};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The writer and serde agree on `report`, and the record read back from
/// the JSON writes the same bytes.
#[track_caller]
fn assert_same_bytes(report: &Report, what: &str) {
    let json = report.to_json();
    assert_eq!(json, serde_json::to_string(report).unwrap(), "{what}");
    let mut out = String::from("kept");
    report.write_json(&mut out);
    assert_eq!(out.strip_prefix("kept"), Some(json.as_str()), "{what}");
    if report.questionnaire().is_none() {
        let record: ReportRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&record).unwrap(), json, "{what}");
        assert_eq!(ReportRecord::from(report), record, "{what}");
    }
}

#[test]
fn the_writer_gives_the_bytes_serde_gives_on_generated_transactions() {
    let rules = RuleSet::bundled().unwrap();
    for (i, doc) in common::bundled_docs(7, 2_000).iter().enumerate() {
        let mut report = rules.evaluate_json(doc).unwrap();
        assert_same_bytes(&report, &format!("#{i}"));
        if i % 10 == 0 {
            rules.advise(&mut report).unwrap();
            assert_same_bytes(&report, &format!("#{i}, advised"));
        }
    }
    let bench = RuleSet::compile(common::BENCH_RULES, common::BENCH_FILE).unwrap();
    for (i, doc) in common::bench_docs(7, 500).iter().enumerate() {
        assert_same_bytes(&bench.evaluate_json(doc).unwrap(), &format!("bench #{i}"));
    }
}

/// Text that JSON escapes, and text it does not, everywhere a report
/// quotes text: ids, titles, citations, outcome names, cases, the scope,
/// fact values, provenance and the transaction id.
#[test]
fn the_writer_escapes_as_serde_does() {
    // As the rules write it, and as a JSON document writes it.
    let rules_odd = r#"q\"b\\s \u{1}\u{1f}\n\t é \u{202e} 😀"#;
    let odd = r#"q\"b\\s \u0001\u001f\n\t é \u202e 😀"#;
    let source = format!(
        r#"ruleset "odd" {{ version: "{rules_odd}" title: "{rules_odd}" source: "s" }}
record Party {{ name: string  listed: bool }}
enum Kind {{ police, army }}
facts {{
  name: string
  kind: Kind
  caps: set<Kind>
  amount: decimal
  count: int
  parties: list<Party>
  in_scope: bool
}}
scope {{
  title: "{rules_odd}"
  citation: "{rules_odd}"
  when: in_scope
  evidence: name, kind
  otherwise: out
}}
safeguard S.one {{ step: 5 title: "{rules_odd}" when: count > 2 }}
flag A.one {{
  step: 1 severity: high title: "{rules_odd}" citation: "{rules_odd}"
  when: any(p in parties where p.listed)
  evidence: parties, name, amount, caps
  mitigated_by: S.one
}}
flag A.two {{
  step: 2 severity: low title: "t"
  when: kind == army or amount > 1.5
  evidence: kind, amount, count
}}
outcomes {{ out, go, stop }}
disposition {{
  when any flags(raised, unmitigated) => stop
  otherwise => go
}}
"#
    );
    let rules = match RuleSet::compile(&source, "odd.rules") {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let docs = [
        format!(
            r#"{{"id": "{odd}", "name": "{odd}", "kind": "army", "caps": ["army", "police"],
                "amount": 12.50, "count": 3, "in_scope": true,
                "parties": [{{"name": "{odd}", "listed": true}}, {{"listed": false}}]}}"#
        ),
        format!(
            r#"{{"name": {{"value": "{odd}", "source": "{odd}", "as_of": "{odd}"}},
                "kind": {{"value": null, "source": "{odd}"}}, "in_scope": false}}"#
        ),
        "{}".to_string(),
    ];
    for doc in &docs {
        let mut report = rules.evaluate_json(doc).unwrap();
        assert_same_bytes(&report, doc);
        rules.advise(&mut report).unwrap();
        assert_same_bytes(&report, doc);
    }
}

/// Reports over their quote budget leave values out, by fact, and the
/// writer and serde agree on them too.
#[test]
fn the_writer_agrees_on_reports_that_leave_values_out() {
    let mut source = String::from(
        "ruleset \"big\" { version: \"1\" title: \"t\" source: \"s\" }\nrecord P { d: decimal }\nfacts {\n  x: bool\n",
    );
    for i in 0..8 {
        writeln!(source, "  ps{i}: list<P>").unwrap();
    }
    source.push_str("}\n");
    for i in 0..8 {
        writeln!(
            source,
            "flag A.f{i} {{ step: 1 severity: high title: \"t\" when: x evidence: ps{i}, x }}"
        )
        .unwrap();
    }
    source.push_str(
        "outcomes { go, stop }\ndisposition { when any flags(raised) => stop  otherwise => go }\n",
    );
    let rules = RuleSet::compile(&source, "big.rules").unwrap();
    // Each fact is quoted once, so only values that quote longer than
    // they are written (a decimal with an exponent, with all its digits)
    // can go over the budget, of 1 MiB and twice the document.
    let list = vec![r#"{"d":1e27}"#; 20_000].join(",");
    let lists: Vec<String> = (0..8).map(|i| format!("\"ps{i}\": [{list}]")).collect();
    let doc = format!("{{\"x\": true, {}}}", lists.join(","));
    let report = rules.evaluate_json(&doc).unwrap();
    let json = report.to_json();
    assert!(json.contains(r#""omitted_facts":["#), "nothing left out");
    assert!(
        json.contains(r#""facts":{"ps0":[{"d":1000"#),
        "the first list is quoted"
    );
    assert_same_bytes(&report, "over the budget");
    // A record read back keeps what was left out, by fact.
    let record: ReportRecord = serde_json::from_str(&json).unwrap();
    let last = record.evidence("ps7").unwrap();
    assert!(last.omitted && last.value.is_none(), "{last:?}");
    assert_eq!(record.flags[7].evidence, ["ps7", "x"]);
}

/// The evidence of a flag as reports wrote it before quoting each fact
/// once: each entry with its value and provenance.
#[derive(Serialize)]
struct OldFlag<'a> {
    id: &'a str,
    step: u8,
    severity: dd_rules::Severity,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    citation: Option<&'a str>,
    status: dd_rules::Status,
    mitigated: bool,
    evidence: Vec<EvidenceRecord>,
    missing: &'a [String],
    #[serde(skip_serializing_if = "is_false")]
    missing_truncated: bool,
    mitigations: &'a [dd_rules::MitigationRecord],
}

#[derive(Serialize)]
struct OldScope<'a> {
    status: dd_rules::ScopeStatus,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    citation: Option<&'a str>,
    evidence: Vec<EvidenceRecord>,
    missing: &'a [String],
    #[serde(skip_serializing_if = "is_false")]
    missing_truncated: bool,
}

#[derive(Serialize)]
struct OldReport<'a> {
    ruleset: &'a dd_rules::RulesetRecord,
    transaction: Option<&'a str>,
    disposition: &'a str,
    disposition_rule: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<OldScope<'a>>,
    flags: Vec<OldFlag<'a>>,
    safeguards: &'a [dd_rules::SafeguardRecord],
    missing_facts: &'a [String],
    #[serde(skip_serializing_if = "is_false")]
    missing_facts_truncated: bool,
    notice: &'a str,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The report as it was written before quoting each fact once, rebuilt
/// from the JSON of today: each flag's evidence paths looked up in `facts`,
/// `provenance` and `omitted_facts`.
fn old_form(json: &str) -> String {
    let r: ReportRecord = serde_json::from_str(json).unwrap();
    let quote = |paths: &[String]| -> Vec<EvidenceRecord> {
        (paths.iter())
            .map(|p| {
                r.evidence(p)
                    .unwrap_or_else(|| panic!("{p} is cited but not quoted"))
            })
            .collect()
    };
    let old = OldReport {
        ruleset: &r.ruleset,
        transaction: r.transaction.as_deref(),
        disposition: &r.disposition,
        disposition_rule: &r.disposition_rule,
        scope: r.scope.as_ref().map(|s| OldScope {
            status: s.status,
            title: &s.title,
            citation: s.citation.as_deref(),
            evidence: quote(&s.evidence),
            missing: &s.missing,
            missing_truncated: s.missing_truncated,
        }),
        flags: (r.flags.iter())
            .map(|f| OldFlag {
                id: &f.id,
                step: f.step,
                severity: f.severity,
                title: &f.title,
                citation: f.citation.as_deref(),
                status: f.status,
                mitigated: f.mitigated,
                evidence: quote(&f.evidence),
                missing: &f.missing,
                missing_truncated: f.missing_truncated,
                mitigations: &f.mitigations,
            })
            .collect(),
        safeguards: &r.safeguards,
        missing_facts: &r.missing_facts,
        missing_facts_truncated: r.missing_facts_truncated,
        notice: &r.notice,
    };
    serde_json::to_string(&old).unwrap()
}

/// Every report of `tests/golden/reports-before-quoting-once.json` (the
/// examples, the bundled ruleset's test cases, a document with provenance)
/// rebuilt in the form reports had before each fact was quoted once is the
/// report then written, byte for byte (compared by SHA-256): nothing a
/// report carried is lost, every flag still has its evidence, in its order.
#[test]
fn a_report_still_carries_every_flags_evidence() {
    let root = env!("CARGO_MANIFEST_DIR");
    let golden = std::fs::read_to_string(format!(
        "{root}/tests/golden/reports-before-quoting-once.json"
    ))
    .unwrap();
    let golden: serde_json::Value = serde_json::from_str(&golden).unwrap();
    let rules = RuleSet::bundled().unwrap();
    let mut checked = 0;
    for case in golden["cases"].as_array().unwrap() {
        let facts = if let Some(example) = case["example"].as_str() {
            std::fs::read_to_string(format!("{root}/examples/transactions/{example}")).unwrap()
        } else if let Some(tests) = case["tests"].as_str() {
            let path = format!("{root}/rulesets/tests/us-state-2020/{tests}");
            let file: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let cases = file["cases"].as_array().unwrap();
            let found = cases.iter().find(|c| c["name"] == case["case"]).unwrap();
            found["facts"].to_string()
        } else {
            case["facts"].to_string()
        };
        let report = rules.evaluate_json(&facts).unwrap();
        let old = old_form(&report.to_json());
        let digest: String = Sha256::digest(old.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, case["sha256"].as_str().unwrap(), "{case}: {old}");
        // The evidence views say the same as the JSON.
        let record = ReportRecord::from(&report);
        for (flag, view) in record.flags.iter().zip(report.flags()) {
            let quoted: Vec<String> = view.evidence().map(|e| e.fact.to_string()).collect();
            assert_eq!(flag.evidence, quoted);
        }
        checked += 1;
    }
    assert!(checked > 100, "{checked} reports");
}

/// The ruleset's text is most of a report: quoting each fact once makes
/// a report of the examples smaller than it was.
#[test]
fn each_fact_is_quoted_once() {
    let rules = RuleSet::bundled().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let doc = std::fs::read_to_string(format!(
        "{root}/examples/transactions/reseller-undisclosed-end-user.json"
    ))
    .unwrap();
    let json = rules.evaluate_json(&doc).unwrap().to_json();
    assert_eq!(json.matches(r#""parties":[{"#).count(), 1, "{json}");
    let cited = json.matches(r#","parties""#).count() + json.matches(r#"["parties""#).count();
    assert!(cited > 2, "parties is cited by several flags: {json}");
}
