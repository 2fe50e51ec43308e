//! `dd-rules test`: runs ruleset test cases and measures their coverage.
//!
//! The format of `*.tests.json` files, the comparison of a report with a
//! case and coverage are the library's (`dd_rules::testing`); this module
//! finds and reads the files, resolves their paths and prints the results.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::RuleSet;
use dd_rules::testing::{Coverage, TestFile};

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

/// Prints what the cases of one ruleset covered.
fn render_coverage(coverage: &Coverage, ruleset: &Path) -> String {
    let mut out = format!(
        "\ncoverage of {} ({} cases)\n",
        ruleset.display(),
        coverage.cases()
    );
    let width = coverage
        .flags()
        .iter()
        .map(|(id, _)| id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    out.push_str(&format!("  {:<width$}  raised  clear  unknown\n", "flag"));
    let mark = |b: bool| if b { "yes" } else { "NO" };
    for (id, [raised, clear, unknown]) in coverage.flags() {
        out.push_str(&format!(
            "  {id:<width$}  {:<6}  {:<5}  {}\n",
            mark(*raised),
            mark(*clear),
            mark(*unknown)
        ));
    }
    let (covered, total) = coverage.covered();
    let percent = if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    };
    out.push_str(&format!(
        "  flag statuses covered: {covered}/{total} ({percent:.1}%)\n"
    ));
    let outcomes = coverage.outcomes();
    let never: Vec<&str> = outcomes
        .iter()
        .filter(|(_, r)| !*r)
        .map(|(n, _)| n.as_str())
        .collect();
    out.push_str(&format!(
        "  outcomes reached: {}/{}{}\n",
        outcomes.len() - never.len(),
        outcomes.len(),
        if never.is_empty() {
            String::new()
        } else {
            format!(" (never: {})", never.join(", "))
        }
    ));
    out
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
            io::out(&render_coverage(coverage, shown));
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
    let tests = TestFile::parse(&text).map_err(|e| {
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
            (Some(text), _) => Ok(text.clone()),
            (None, Some(path)) => io::read_text(&dir.join(path)).map_err(|Failure(m)| m),
            (None, None) => Err("the case gives no facts".to_string()),
        };
        let outcome = facts.and_then(|f| {
            rules
                .evaluate_json(&f)
                .map_err(|e| format!("the facts are rejected: {e}"))
        });
        let diffs = match &outcome {
            Ok(report) => {
                coverage.record(report);
                case.expect.differences(report)
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
