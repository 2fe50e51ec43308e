//! `dd-rules test`: runs ruleset test cases and measures their coverage.
//!
//! A test file is a JSON document whose name ends in `.tests.json`:
//!
//! ```json
//! { "ruleset": "../us-state-2020.rules",
//!   "cases": [
//!     { "name": "face recognition for a national police force",
//!       "facts": { "country": { "civic_space": "closed" } },
//!       "expect": { "disposition": "do_not_proceed",
//!                   "flags": { "S3.civic_space_laws": "raised" },
//!                   "safeguards": { "contract.cutoff_right": "missing" },
//!                   "missing_facts": ["end_user.past_misuse_similar"] } } ] }
//! ```
//!
//! `ruleset` is a path relative to the test file. Each case gives its facts
//! inline (`facts`) or in a file (`facts_file`, relative to the test file).
//! Every part of `expect` is optional; `missing_facts` is compared as a set.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::{Report, RuleSet, SafeguardStatus, Status};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::Global;
use crate::io::{self, Failure};

/// Arguments of `test`.
#[derive(clap::Args)]
pub struct Args {
    /// Test files (`*.tests.json`), or directories to search for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Print, for every flag, whether the cases saw it raised, clear and
    /// unknown, and which outcomes they reached.
    #[arg(long)]
    coverage: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    ruleset: PathBuf,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    facts: Option<Box<RawValue>>,
    #[serde(default)]
    facts_file: Option<PathBuf>,
    #[serde(default)]
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    disposition: Option<String>,
    #[serde(default)]
    flags: BTreeMap<String, Status>,
    #[serde(default)]
    safeguards: BTreeMap<String, SafeguardStatus>,
    #[serde(default)]
    missing_facts: Option<BTreeSet<String>>,
}

/// What the cases of one ruleset exercised.
#[derive(Default)]
struct Coverage {
    cases: usize,
    /// Per flag id, in ruleset order: raised, clear, unknown seen.
    flags: Vec<(String, [bool; 3])>,
    outcomes: Vec<(String, bool)>,
}

impl Coverage {
    fn new(rules: &RuleSet) -> Coverage {
        Coverage {
            cases: 0,
            flags: rules
                .flags()
                .map(|f| (f.id.to_string(), [false; 3]))
                .collect(),
            outcomes: rules.outcomes().map(|o| (o.to_string(), false)).collect(),
        }
    }

    fn record(&mut self, report: &Report) {
        self.cases += 1;
        for (f, (id, seen)) in report.flags.iter().zip(self.flags.iter_mut()) {
            debug_assert_eq!(&f.id, id);
            let i = match f.status {
                Status::Raised => 0,
                Status::Clear => 1,
                Status::Unknown => 2,
            };
            if let Some(s) = seen.get_mut(i) {
                *s = true;
            }
        }
        for (name, reached) in &mut self.outcomes {
            if *name == report.disposition {
                *reached = true;
            }
        }
    }

    fn render(&self, ruleset: &Path) -> String {
        let mut out = format!(
            "\ncoverage of {} ({} cases)\n",
            ruleset.display(),
            self.cases
        );
        let width = self
            .flags
            .iter()
            .map(|(id, _)| id.len())
            .max()
            .unwrap_or(4)
            .max(4);
        out.push_str(&format!("  {:<width$}  raised  clear  unknown\n", "flag"));
        let mark = |b: bool| if b { "yes" } else { "NO" };
        let mut covered = 0;
        for (id, seen) in &self.flags {
            covered += seen.iter().filter(|s| **s).count();
            out.push_str(&format!(
                "  {id:<width$}  {:<6}  {:<5}  {}\n",
                mark(seen[0]),
                mark(seen[1]),
                mark(seen[2])
            ));
        }
        let total = self.flags.len() * 3;
        let percent = if total == 0 {
            100.0
        } else {
            covered as f64 * 100.0 / total as f64
        };
        out.push_str(&format!(
            "  flag statuses covered: {covered}/{total} ({percent:.1}%)\n"
        ));
        let reached: Vec<&str> = self
            .outcomes
            .iter()
            .filter(|(_, r)| *r)
            .map(|(n, _)| n.as_str())
            .collect();
        let never: Vec<&str> = self
            .outcomes
            .iter()
            .filter(|(_, r)| !*r)
            .map(|(n, _)| n.as_str())
            .collect();
        out.push_str(&format!(
            "  outcomes reached: {}/{}{}\n",
            reached.len(),
            self.outcomes.len(),
            if never.is_empty() {
                String::new()
            } else {
                format!(" (never: {})", never.join(", "))
            }
        ));
        out
    }
}

/// Compares a report with what a case expects; each difference is one line.
fn compare(expect: &Expect, report: &Report) -> Vec<String> {
    let mut diffs = Vec::new();
    if let Some(d) = &expect.disposition
        && *d != report.disposition
    {
        diffs.push(format!(
            "disposition: expected {d}, got {} (decided by: {})",
            report.disposition, report.disposition_rule
        ));
    }
    for (id, want) in &expect.flags {
        match report.flag(id) {
            None => diffs.push(format!("flag {id}: no such flag in the ruleset")),
            Some(f) if f.status != *want => {
                let mut line = format!("flag {id}: expected {want}, got {}", f.status);
                if !f.missing.is_empty() {
                    line.push_str(&format!(" (missing: {})", f.missing.join(", ")));
                }
                diffs.push(line);
            }
            Some(_) => {}
        }
    }
    for (id, want) in &expect.safeguards {
        match report.safeguards.iter().find(|s| &s.id == id) {
            None => diffs.push(format!("safeguard {id}: no such safeguard in the ruleset")),
            Some(s) if s.status != *want => diffs.push(format!(
                "safeguard {id}: expected {}, got {}",
                want.as_str(),
                s.status.as_str()
            )),
            Some(_) => {}
        }
    }
    if let Some(want) = &expect.missing_facts {
        let got: BTreeSet<String> = report.missing_facts.iter().cloned().collect();
        let absent: Vec<&String> = want.difference(&got).collect();
        let extra: Vec<&String> = got.difference(want).collect();
        if !absent.is_empty() {
            diffs.push(format!(
                "missing facts: expected but not reported: {}",
                join(&absent)
            ));
        }
        if !extra.is_empty() {
            diffs.push(format!(
                "missing facts: reported but not expected: {}",
                join(&extra)
            ));
        }
    }
    diffs
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs every case of every test file.
pub fn run(args: &Args, global: Global) -> Result<ExitCode, Failure> {
    let files = io::expand(&args.paths, ".tests.json");
    if files.is_empty() {
        return Err(Failure(
            "error: no `.tests.json` files found in the paths given".into(),
        ));
    }
    // Keyed by the canonical path, so that two test files naming one ruleset
    // differently share its coverage; shown by the path as first written.
    let mut rulesets: BTreeMap<PathBuf, (PathBuf, RuleSet, Coverage)> = BTreeMap::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut broken_files = 0usize;
    for file in files {
        match run_file(&file, &mut rulesets, global) {
            Ok((p, f)) => {
                passed += p;
                failed += f;
            }
            Err(Failure(m)) => {
                io::err(&format!("{m}\n"));
                broken_files += 1;
            }
        }
    }
    if args.coverage {
        for (shown, _, coverage) in rulesets.values() {
            io::out(&coverage.render(shown));
        }
    }
    let summary = if broken_files > 0 {
        format!(
            "\n{passed} passed, {failed} failed, {broken_files} test file(s) could not be run\n"
        )
    } else {
        format!("\n{passed} passed, {failed} failed\n")
    };
    io::out(&summary);
    Ok(ExitCode::from(u8::from(failed > 0 || broken_files > 0)))
}

/// A path without `dir/..` pairs, for showing: `a/tests/../x.rules` is `a/x.rules`.
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir
                if matches!(
                    out.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Runs the cases of one file; returns (passed, failed).
fn run_file(
    file: &Path,
    rulesets: &mut BTreeMap<PathBuf, (PathBuf, RuleSet, Coverage)>,
    global: Global,
) -> Result<(usize, usize), Failure> {
    let text = io::read_text(file)?;
    let tests: TestFile = serde_json::from_str(&text).map_err(|e| {
        Failure(format!(
            "error: `{}` is not a valid test file: {e}",
            file.display()
        ))
    })?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let ruleset_path = dir.join(&tests.ruleset);
    let key = ruleset_path
        .canonicalize()
        .unwrap_or_else(|_| ruleset_path.clone());
    if !rulesets.contains_key(&key) {
        let rules =
            crate::eval::load_rules(Some(&ruleset_path), global).map_err(|Failure(m)| {
                Failure(format!(
                    "{m}\nerror: the ruleset of `{}` does not compile",
                    file.display()
                ))
            })?;
        let coverage = Coverage::new(&rules);
        rulesets.insert(key.clone(), (tidy(&ruleset_path), rules, coverage));
    }
    let Some((_, rules, coverage)) = rulesets.get_mut(&key) else {
        return Ok((0, 0));
    };
    if !global.quiet {
        io::out(&format!("{}\n", file.display()));
    }
    let (mut passed, mut failed) = (0, 0);
    for case in &tests.cases {
        let facts = match (&case.facts, &case.facts_file) {
            (Some(raw), None) => Ok(raw.get().to_string()),
            (None, Some(path)) => io::read_text(&dir.join(path)).map_err(|Failure(m)| m),
            _ => Err("give exactly one of `facts` and `facts_file`".to_string()),
        };
        let outcome = facts.and_then(|f| {
            rules
                .evaluate_json(&f)
                .map_err(|e| format!("the facts are rejected: {e}"))
        });
        let diffs = match &outcome {
            Ok(report) => {
                coverage.record(report);
                compare(&case.expect, report)
            }
            Err(e) => vec![e.clone()],
        };
        if diffs.is_empty() {
            passed += 1;
            if !global.quiet {
                io::out(&format!("  ok    {}\n", case.name));
            }
        } else {
            failed += 1;
            let mut text = format!("  FAIL  {}\n", case.name);
            if let Some(d) = &case.description {
                text.push_str(&format!("        ({d})\n"));
            }
            for d in diffs {
                text.push_str(&format!("        {d}\n"));
            }
            io::out(&text);
        }
    }
    Ok((passed, failed))
}
