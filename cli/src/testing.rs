//! `dd-rules test`: runs ruleset test cases and measures their coverage.
//!
//! The format of `*.tests.json` files, the comparison of a report with a
//! case and coverage are the library's (`dd_rules::testing`); this module
//! finds and reads the files, resolves their paths and prints the results.
//!
//! What a test file names (its ruleset, a case's `facts_file`) is resolved
//! against the test file's directory and must stay inside the tree given on
//! the command line (`io::Tree`): a test file cannot make `dd-rules test`
//! read, or quote in an error, a file from elsewhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::testing::{Coverage, TestFile};
use dd_rules::{RuleSet, printable};

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
    /// The directory tree that the files a test file names must stay in;
    /// by default the directory given, or a test file's own directory when
    /// a file is given.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// The evaluation budget of each case, in steps, as for `eval`: a case
    /// that needs more fails with an error naming the flag.
    #[arg(long, value_name = "STEPS", default_value_t = dd_rules::DEFAULT_BUDGET)]
    budget: u64,
}

/// Prints what the cases of one ruleset covered.
fn render_coverage(coverage: &Coverage, ruleset: &Path) -> String {
    let mut out = format!(
        "\ncoverage of {} ({} cases)\n",
        io::shown(ruleset),
        coverage.cases()
    );
    let width = coverage
        .flags()
        .iter()
        .map(|(id, _)| printable(id).chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    out.push_str(&format!("  {:<width$}  raised  clear  unknown\n", "flag"));
    let mark = |b: bool| if b { "yes" } else { "NO" };
    for (id, [raised, clear, unknown]) in coverage.flags() {
        let id = printable(id);
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
    if let Some([inside, outside, unknown]) = coverage.scope() {
        out.push_str(&format!(
            "  scope seen: in {}, out {}, unknown {}\n",
            mark(inside),
            mark(outside),
            mark(unknown)
        ));
    }
    let outcomes = coverage.outcomes();
    let never: Vec<std::borrow::Cow<'_, str>> = outcomes
        .iter()
        .filter(|(_, r)| !*r)
        .map(|(n, _)| printable(n))
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
    let mut walker = io::Walker::new(".tests.json");
    let mut files = Vec::new();
    for path in &args.paths {
        let tree = args.root.clone().unwrap_or_else(|| io::tree_of(path));
        files.extend(walker.expand(path).into_iter().map(|f| (f, tree.clone())));
    }
    if files.is_empty() {
        return Err(Failure::Error(
            "error: no `.tests.json` files found in the paths given".into(),
        ));
    }
    // Keyed by the canonical path, so that two test files naming one ruleset
    // differently share its coverage; shown by the path as first written.
    let mut rulesets: BTreeMap<PathBuf, (PathBuf, RuleSet, Coverage)> = BTreeMap::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut broken_files = 0usize;
    for (file, tree) in files {
        let result = file
            .map_err(Failure::from)
            .and_then(|file| run_file(&file, &tree, args, &mut rulesets, global));
        match result {
            Ok((p, f)) => {
                passed += p;
                failed += f;
            }
            Err(Failure::Error(m)) => {
                io::err(&format!("{m}\n"));
                broken_files += 1;
            }
            Err(closed) => return Err(closed),
        }
    }
    if args.coverage {
        for (shown, _, coverage) in rulesets.values() {
            io::out(&render_coverage(coverage, shown))?;
        }
    }
    let summary = if broken_files > 0 {
        format!(
            "\n{passed} passed, {failed} failed, {broken_files} test file(s) could not be run\n"
        )
    } else {
        format!("\n{passed} passed, {failed} failed\n")
    };
    io::out(&summary)?;
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

/// Runs the cases of one file, whose references must stay inside `tree`
/// (given with `--root` when `args` has one); returns (passed, failed).
fn run_file(
    file: &Path,
    tree: &Path,
    args: &Args,
    rulesets: &mut BTreeMap<PathBuf, (PathBuf, RuleSet, Coverage)>,
    global: Global,
) -> Result<(usize, usize), Failure> {
    let text = io::read_file(file, io::Input::Tests)?;
    let tests = TestFile::parse(&text).map_err(|e| {
        Failure::Error(format!(
            "error: `{}` is not a valid test file: {}",
            io::shown(file),
            printable(&e.to_string())
        ))
    })?;
    let tree = io::Tree::new(tree)?;
    if args.root.is_some() && !tree.contains(file) {
        return Err(Failure::Error(format!(
            "error: `{}` is outside `{}`, the tree given with `--root`",
            io::shown(file),
            io::shown(tree.given())
        )));
    }
    let key = tree.resolve(file, "ruleset", &tests.ruleset)?;
    if !rulesets.contains_key(&key) {
        let shown = tidy(&file.parent().unwrap_or(Path::new("")).join(&tests.ruleset));
        let source = io::read_file(&key, io::Input::Rules)?;
        let rules = crate::eval::compile(&source, &shown, global)
            .map_err(|failure| match failure {
                Failure::Error(m) => Failure::Error(format!(
                    "{m}\nerror: the ruleset of `{}` does not compile",
                    io::shown(file)
                )),
                closed => closed,
            })?
            .with_budget(args.budget);
        let coverage = Coverage::new(&rules);
        rulesets.insert(key.clone(), (shown, rules, coverage));
    }
    let Some((_, rules, coverage)) = rulesets.get_mut(&key) else {
        return Ok((0, 0));
    };
    if !global.quiet {
        io::out(&format!("{}\n", io::shown(file)))?;
    }
    let (mut passed, mut failed) = (0, 0);
    for case in &tests.cases {
        let facts = match (&case.facts, &case.facts_file) {
            (Some(text), _) => Ok(text.clone()),
            (None, Some(path)) => tree
                .resolve(file, "facts file", path)
                .and_then(|real| io::read_file(&real, io::Input::Facts))
                .map_err(|e| e.message),
            (None, None) => Err("the case gives no facts".to_string()),
        };
        let outcome = facts.and_then(|f| {
            let unevaluated = |e| format!("the facts cannot be evaluated: {e}");
            let mut report = rules.evaluate_json(&f).map_err(|e| match e {
                dd_rules::Error::Eval(e) => unevaluated(e),
                e => format!("the facts are rejected: {e}"),
            })?;
            // Only the cases that expect questions or plans pay for them.
            if case.expect.needs_advice() {
                rules.advise(&mut report).map_err(unevaluated)?;
            }
            Ok(report)
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
                io::out(&format!("  ok    {}\n", printable(&case.name)))?;
            }
        } else {
            failed += 1;
            let mut text = format!("  FAIL  {}\n", printable(&case.name));
            if let Some(d) = &case.description {
                text.push_str(&format!("        ({})\n", printable(d)));
            }
            for d in diffs {
                text.push_str(&format!("        {}\n", printable(&d)));
            }
            io::out(&text)?;
        }
    }
    Ok((passed, failed))
}
