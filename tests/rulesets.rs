//! The bundled rulesets, checked as a compliance officer would want them
//! checked:
//!
//! * the State ruleset declares exactly the red-flag ids of the 2020
//!   guidance's catalogue (`docs/rulesets/guidance-2020-ids.txt`), each with a
//!   citation that says "stated" or "derived", a doc comment that explains
//!   its severity, and no safeguard for a sanctions or listing hit;
//! * every ruleset in `rulesets/` checks with no error and no warning;
//! * the test cases in `rulesets/tests/**/*.tests.json` pass and, together,
//!   see every flag raised, clear and unknown and reach every outcome (the
//!   same computation as `dd-rules test --coverage`, over the library API,
//!   since integration tests of this package cannot run the CLI binary);
//! * the EU ruleset's schema is the State schema plus its extension, and the
//!   (step, severity) classes its disposition selects hold the flags its
//!   comments name;
//! * the flag tables in `docs/rulesets/` are what the rulesets generate.
//!   `DD_BLESS=1 cargo test --test rulesets` rewrites them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use dd_rules::testing::{Coverage, TestFile};
use dd_rules::{RuleSet, Severity};
use serde_json::Value;

mod golden;

use golden::{expect_file, files_below, finish, read};

const STATE: &str = "rulesets/us-state-2020.rules";
const EU: &str = "rulesets/eu-2021-821-art5.rules";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compile(rel: &str) -> RuleSet {
    let source = read(&root().join(rel));
    RuleSet::compile(&source, rel).unwrap_or_else(|e| {
        panic!(
            "{rel} does not compile:\n{}",
            e.diagnostics.render(dd_rules::Style::Plain)
        )
    })
}

/// Every `.rules` file under `rulesets/`.
fn ruleset_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(root().join("rulesets")).expect("rulesets/ exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every `*.tests.json` file under a directory, recursively, sorted.
fn test_files(dir: &Path) -> Vec<PathBuf> {
    files_below(dir, &|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(".tests.json"))
    })
}

// ---------------------------------------------------------------- (a) the catalogue ids

/// The ids of `docs/rulesets/guidance-2020-ids.txt`, in order, each with
/// the domain brief's confidence tag (`seed`, `src` or `derived`).
fn guidance_catalogue() -> Vec<(String, String)> {
    read(&root().join("docs/rulesets/guidance-2020-ids.txt"))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut words = l.split_whitespace();
            let id = words.next().unwrap_or_default().to_string();
            let tag = words.next().unwrap_or_default().to_string();
            assert!(
                ["seed", "src", "derived"].contains(&tag.as_str()) && words.next().is_none(),
                "guidance-2020-ids.txt: `{l}` is not `<id> seed|src|derived`"
            );
            (id, tag)
        })
        .collect()
}

fn guidance_ids() -> Vec<String> {
    guidance_catalogue().into_iter().map(|(id, _)| id).collect()
}

#[test]
fn state_ruleset_declares_exactly_the_catalogue_ids() {
    let ids = guidance_ids();
    assert_eq!(ids.len(), 30, "the catalogue of GUIDANCE.md §3 has 30 ids");
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an id is listed twice");
    let rules = compile(STATE);
    let declared: Vec<String> = rules.flags().map(|f| f.id.to_string()).collect();
    let want: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let have: BTreeSet<&str> = declared.iter().map(String::as_str).collect();
    let absent: Vec<&&str> = want.difference(&have).collect();
    let extra: Vec<&&str> = have.difference(&want).collect();
    assert!(
        absent.is_empty() && extra.is_empty(),
        "catalogue ids not declared: {absent:?}; declared flags not in the catalogue: {extra:?}"
    );
    assert_eq!(declared, ids, "the flags are declared in catalogue order");
    // The step is the one the id names.
    for f in rules.flags() {
        let step = f.id.as_bytes().get(1).map(|b| b - b'0');
        assert_eq!(step, Some(f.step), "{}: step {}", f.id, f.step);
    }
}

/// "stated" or "derived", from a citation that ends in `(stated)` or `(derived)`.
fn provenance(citation: Option<&str>) -> Option<&'static str> {
    let c = citation?.trim_end();
    if c.ends_with("(stated)") {
        Some("stated")
    } else if c.ends_with("(derived)") {
        Some("derived")
    } else {
        None
    }
}

#[test]
fn every_citation_says_stated_or_derived() {
    for rel in [STATE, EU] {
        let rules = compile(rel);
        for f in rules.flags() {
            assert!(
                provenance(f.citation).is_some(),
                "{rel}: flag {}: the citation {:?} does not end in (stated) or (derived)",
                f.id,
                f.citation
            );
        }
        for s in rules.safeguards() {
            assert!(
                provenance(s.citation).is_some(),
                "{rel}: safeguard {}: the citation {:?} does not end in (stated) or (derived)",
                s.id,
                s.citation
            );
        }
    }
}

#[test]
fn state_citations_follow_the_catalogue_tags() {
    let rules = compile(STATE);
    let tags: BTreeMap<String, String> = guidance_catalogue().into_iter().collect();
    for f in rules.flags() {
        let tag = tags.get(f.id).map(String::as_str).unwrap_or_default();
        let want = if tag == "derived" {
            "derived"
        } else {
            "stated"
        };
        assert_eq!(
            provenance(f.citation),
            Some(want),
            "{}: the catalogue tags it `{tag}`, so its citation says ({want})",
            f.id
        );
    }
}

#[test]
fn state_severities_are_explained_and_listings_never_mitigated() {
    let rules = compile(STATE);
    for f in rules.flags() {
        let docs = f.docs.unwrap_or_default();
        assert!(
            docs.contains("Severity"),
            "{}: the doc comment does not explain the severity",
            f.id
        );
        assert!(
            !f.title.is_empty() && f.citation.is_some(),
            "{}: title and citation",
            f.id
        );
    }
    for id in ["S2.sanctioned", "S4.listed_party"] {
        let f = rules
            .flags()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("{id} is declared"));
        assert!(
            f.mitigated_by.is_empty(),
            "{id}: a sanctions or listing hit is never mitigated"
        );
        assert_eq!(f.severity, Severity::Critical, "{id}");
    }
    // Every other flag names the safeguards of steps 5-7 that address it.
    for f in rules.flags() {
        if !["S2.sanctioned", "S4.listed_party"].contains(&f.id) {
            assert!(!f.mitigated_by.is_empty(), "{}: no safeguard", f.id);
        }
    }
    assert!(rules.safeguards().all(|s| (5..=7).contains(&s.step)));
    for step in 5..=7 {
        assert!(
            rules.safeguards().any(|s| s.step == step),
            "no safeguard of step {step}"
        );
    }
}

// ---------------------------------------------------------------- (b) no diagnostics

#[test]
fn every_ruleset_checks_without_errors_or_warnings() {
    let files = ruleset_files();
    assert!(files.len() >= 2, "rulesets/ holds both rulesets: {files:?}");
    for path in files {
        let name = path.display().to_string();
        let diags = dd_rules::check_source(&read(&path), &name);
        assert_eq!(
            diags.iter().count(),
            0,
            "{name}:\n{}",
            diags.render(dd_rules::Style::Plain)
        );
    }
    // The bundled ruleset is the State ruleset, byte for byte.
    assert_eq!(dd_rules::BUNDLED_SOURCE, read(&root().join(STATE)));
}

// ---------------------------------------------------------------- (c) cases and coverage

/// Runs every case of every test file; the coverage per ruleset file.
fn run_cases() -> BTreeMap<String, (RuleSet, Coverage)> {
    let files = test_files(&root().join("rulesets/tests"));
    assert!(!files.is_empty(), "no test files under rulesets/tests");
    let mut coverage: BTreeMap<String, (RuleSet, Coverage)> = BTreeMap::new();
    let mut failures = Vec::new();
    for file in &files {
        let shown = file
            .strip_prefix(root())
            .unwrap_or(file)
            .display()
            .to_string();
        let tests = TestFile::parse(&read(file))
            .unwrap_or_else(|e| panic!("{shown} is not a valid test file: {e}"));
        let dir = file.parent().expect("a test file has a directory");
        let ruleset = dir
            .join(&tests.ruleset)
            .canonicalize()
            .unwrap_or_else(|e| panic!("{shown}: ruleset {}: {e}", tests.ruleset.display()));
        let key = ruleset
            .strip_prefix(root().canonicalize().expect("the root exists"))
            .unwrap_or(&ruleset)
            .to_string_lossy()
            .replace('\\', "/");
        let (rules, cov) = coverage.entry(key.clone()).or_insert_with(|| {
            let rules = compile(&key);
            let cov = Coverage::new(&rules);
            (rules, cov)
        });
        for case in &tests.cases {
            let context = format!("{shown}: {}", case.name);
            // Each case asserts a disposition and the flags of its scenario.
            assert!(
                case.expect.disposition.is_some() && !case.expect.flags.is_empty(),
                "{context}: a case expects a disposition and flag statuses"
            );
            let facts = match (&case.facts, &case.facts_file) {
                (Some(text), _) => text.clone(),
                (None, Some(path)) => read(&dir.join(path)),
                (None, None) => panic!("{context}: the case gives no facts"),
            };
            let mut report = rules
                .evaluate_json(&facts)
                .unwrap_or_else(|e| panic!("{context}: the facts are rejected: {e}"));
            if case.expect.needs_advice() {
                rules
                    .advise(&mut report)
                    .unwrap_or_else(|e| panic!("{context}: no advice: {e}"));
            }
            cov.record(&report);
            for d in case.expect.differences(&report) {
                failures.push(format!("{context}: {d}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} difference(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    coverage
}

#[test]
fn ruleset_cases_pass_and_cover_every_flag_status_and_outcome() {
    let coverage = run_cases();
    let keys: Vec<&String> = coverage.keys().collect();
    assert_eq!(keys, [EU, STATE], "test cases for both rulesets");
    let minimum = BTreeMap::from([(STATE, 40), (EU, 15)]);
    let mut gaps = Vec::new();
    for (rel, (_, cov)) in &coverage {
        let want = minimum.get(rel.as_str()).copied().unwrap_or(1);
        assert!(
            cov.cases() >= want,
            "{rel}: {} cases, fewer than {want}",
            cov.cases()
        );
        gaps.extend(cov.gaps().into_iter().map(|g| format!("{rel}: {g}")));
    }
    assert!(gaps.is_empty(), "coverage gaps:\n{}", gaps.join("\n"));
}

// ---------------------------------------------------------------- the EU ruleset's structure

#[test]
fn eu_schema_is_the_state_schema_plus_its_extension() {
    let state = serde_json::to_value(compile(STATE).json_schema()).unwrap();
    let eu = serde_json::to_value(compile(EU).json_schema()).unwrap();
    let defs = |s: &Value| s["$defs"].as_object().cloned().unwrap_or_default();
    let (state_defs, eu_defs) = (defs(&state), defs(&eu));
    for (name, def) in &state_defs {
        assert_eq!(
            eu_defs.get(name),
            Some(def),
            "the EU copy of `{name}` differs from the State schema's"
        );
    }
    let extra: BTreeSet<&String> = eu_defs
        .keys()
        .filter(|k| !state_defs.contains_key(*k))
        .collect();
    assert_eq!(
        extra,
        BTreeSet::from([&"ExportControl".to_string(), &"Notification".to_string()])
    );
    let props = |s: &Value| s["properties"].as_object().cloned().unwrap_or_default();
    let (state_props, eu_props) = (props(&state), props(&eu));
    for (name, p) in &state_props {
        assert_eq!(eu_props.get(name), Some(p), "root fact `{name}`");
    }
    let extra: Vec<&String> = eu_props
        .keys()
        .filter(|k| !state_props.contains_key(*k))
        .collect();
    assert_eq!(extra, ["export_control"]);
}

/// The fields a ruleset declares `required`, as `Record.field` (`facts.field`
/// for root facts), read from its JSON Schema's `x-dd-required`.
fn required_fields(rules: &RuleSet) -> BTreeSet<String> {
    let schema = serde_json::to_value(rules.json_schema()).unwrap();
    let mut records = vec![("facts".to_string(), &schema)];
    if let Some(defs) = schema["$defs"].as_object() {
        records.extend(defs.iter().map(|(name, def)| (name.clone(), def)));
    }
    let mut out = BTreeSet::new();
    for (record, def) in records {
        assert!(
            def.get("required").is_none(),
            "`{record}` lists required keys"
        );
        for (field, p) in def["properties"].as_object().into_iter().flatten() {
            if p.get("x-dd-required") == Some(&Value::Bool(true)) {
                out.insert(format!("{record}.{field}"));
            }
        }
    }
    out
}

#[test]
fn both_rulesets_require_the_screening_facts_only() {
    // Sanctions and restricted-list screening (steps 2 and 4) and who the
    // end-user is; with the root facts that hold them, so that each path is
    // required for every transaction.
    let screening: BTreeSet<String> = [
        "facts.end_user",
        "facts.parties",
        "EndUser.name",
        "EndUser.kind",
        "EndUser.sanctioned",
        "Party.listed",
    ]
    .map(String::from)
    .into();
    assert_eq!(required_fields(&compile(STATE)), screening);
    assert_eq!(required_fields(&compile(EU)), screening);
}

#[test]
fn eu_disposition_classes_hold_the_flags_they_stand_for() {
    // The disposition selects flags by step and severity; each class it reads
    // must hold exactly the flags its comments name.
    let rules = compile(EU);
    let class = |step: u8, severity: Severity| -> BTreeSet<String> {
        rules
            .flags()
            .filter(|f| f.step == step && f.severity == severity)
            .map(|f| f.id.to_string())
            .collect()
    };
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(class(1, Severity::Low), set(&["Art2.export"]));
    assert_eq!(
        rules
            .flags()
            .filter(|f| f.step == 1)
            .map(|f| f.id.to_string())
            .collect::<BTreeSet<_>>(),
        set(&["Art2.export", "Art2.cyber_surveillance_item"])
    );
    assert_eq!(
        class(4, Severity::Critical),
        set(&[
            "Art3.annex_i_listed",
            "Art5.informed_by_authority",
            "Art5.authority_decided_authorisation",
            "Art5.national_grounds_for_suspicion",
        ])
    );
    assert_eq!(
        class(4, Severity::High),
        set(&["Art5.aware_from_due_diligence"])
    );
    assert_eq!(
        class(4, Severity::Low),
        set(&["Art5.authority_decided_no_authorisation"])
    );
    assert!(class(4, Severity::Medium).is_empty());
    assert_eq!(
        class(2, Severity::Critical),
        set(&["DD2.prior_misuse", "DD2.targets_protected_groups"])
    );
    let outcomes: Vec<&str> = rules.outcomes().collect();
    assert_eq!(
        outcomes,
        [
            "out_of_scope",
            "proceed_with_due_diligence",
            "notify_authority",
            "authorisation_required"
        ]
    );
}

// ---------------------------------------------------------------- (d) the generated tables

/// A Markdown table cell: no line breaks, pipes escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The flag and safeguard tables of a ruleset, as Markdown.
fn flag_table(rules: &RuleSet, rel: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", rules.title()));
    out.push_str(&format!(
        "<!-- Generated from `{rel}` by `tests/rulesets.rs`; do not edit by hand.\n     \
         After changing the ruleset, run `DD_BLESS=1 cargo test --test rulesets`. -->\n\n"
    ));
    out.push_str(&format!(
        "Ruleset `{}` version {}. Source: {}.\n\n",
        rules.name(),
        rules.version(),
        rules.source_citation()
    ));
    out.push_str(
        "\"Stated\" means the source names the flag itself; \"derived\" means it is the \
         ruleset's reading of what the source asks for, never a quotation. A raised flag is \
         mitigated only when every safeguard listed for it is in place.\n\n",
    );
    out.push_str("## Flags\n\n");
    out.push_str("| Id | Step | Severity | Title | Stated or derived | Mitigating safeguards |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for f in rules.flags() {
        let mitigations = if f.mitigated_by.is_empty() {
            "none: never mitigated".to_string()
        } else {
            f.mitigated_by
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            f.id,
            f.step,
            f.severity,
            cell(f.title),
            provenance(f.citation).unwrap_or("?"),
            mitigations
        ));
    }
    let safeguards: Vec<_> = rules.safeguards().collect();
    if !safeguards.is_empty() {
        out.push_str("\n## Safeguards\n\n");
        out.push_str("| Id | Step | Title | Stated or derived | Mitigates |\n");
        out.push_str("|---|---|---|---|---|\n");
        for s in &safeguards {
            let flags: Vec<String> = rules
                .flags()
                .filter(|f| f.mitigated_by.contains(&s.id))
                .map(|f| format!("`{}`", f.id))
                .collect();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                s.id,
                s.step,
                cell(s.title),
                provenance(s.citation).unwrap_or("?"),
                flags.join(", ")
            ));
        }
    }
    out.push_str("\n## Outcomes, least strict first\n\n");
    for o in rules.outcomes() {
        out.push_str(&format!("- `{o}`\n"));
    }
    out
}

#[test]
fn generated_flag_tables_are_current() {
    let tables = [
        (STATE, "docs/rulesets/us-state-2020.md"),
        (EU, "docs/rulesets/eu-2021-821-art5.md"),
    ];
    let mut failures = Vec::new();
    for (rel, doc) in tables {
        let want = flag_table(&compile(rel), rel);
        expect_file(&root().join(doc), &want, &mut failures);
    }
    finish("generated flag table", tables.len(), failures);
}
