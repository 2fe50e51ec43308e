//! `dd-rules summary`: decision records or full reports (NDJSON, as `eval`
//! prints them) counted into one summary, in memory that does not grow
//! with the number of lines, as text, JSON, Markdown or one HTML page with
//! charts; with `--public`, the transparency summary of step 8 of the
//! guidance (aggregated figures only, small groups suppressed).
//!
//! - `count`: the input read in blocks of whole lines, counted a piece at
//!   a time on rayon's pool, the pieces' tallies merged in input order;
//! - `decision`: a decision record read straight from its bytes, without
//!   allocating (the fast path; anything it is not sure of goes to `input`);
//! - `input`: one line to a record (either form) or an error record;
//! - `tally`: the counters, each capped in keys and key length, and how
//!   the tallies of consecutive pieces merge (`counter`: one counter;
//!   `by`: one `--by` breakdown);
//! - `figures`: what is shown, ordered and ranked, from the tally;
//! - `suppress`: small-group suppression for `--public`;
//! - `render`: text, Markdown and JSON; `page` and `svg`: the HTML page.

use std::path::PathBuf;
use std::process::ExitCode;

use dd_rules::{FactKind, RuleSet};

use crate::Global;
use crate::io::{self, Failure};

mod by;
mod count;
mod counter;
mod decision;
mod figures;
mod input;
mod page;
mod render;
mod suppress;
mod svg;
mod tally;

use by::By;
use counter::Counter;
use tally::{MAX_KEYS, Tally};

/// The longest line read, in bytes (32 MiB): a full report is at most
/// about the library's quote budget (1 MiB) and twice its facts document
/// (16 MiB) plus the ruleset's text; a decision record is under 1 KB.
/// A longer line is skipped a block at a time and counted as rejected.
pub const MAX_LINE_BYTES: usize = 32 * 1024 * 1024;

/// The default of `--min-group`.
pub const DEFAULT_MIN_GROUP: u64 = 5;

/// Arguments of `summary`.
#[derive(clap::Args)]
pub struct Args {
    /// How to print the summary. `html` is one self-contained page (inline
    /// CSS, charts as SVG, no script, nothing fetched), printable.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Break the records down by the value of this fact (repeatable): from
    /// a decision record's `facts` (`eval --record-fact PATH`), or from
    /// the evidence a full report quotes. A set counts under each element;
    /// `PATH:month` groups a date (`YYYY-MM-DD…`) by month.
    #[arg(long, value_name = "PATH[:month]")]
    by: Vec<String>,
    /// The step-8 transparency summary: aggregated figures only; no
    /// transaction ids, no rejected lines' messages, only the ruleset's
    /// dispositions, flags and fact paths, breakdowns only by bool, enum
    /// or set facts or by month; every count below `--min-group` suppressed,
    /// and a second count where a total would give it away.
    #[arg(long)]
    public: bool,
    /// With `--public`: the smallest count shown; smaller ones read "fewer
    /// than N". At least 2.
    #[arg(long, value_name = "N")]
    min_group: Option<u64>,
    /// The period the summary covers, as it should be printed (e.g.
    /// `2026`); by default the earliest and latest `at` of the records
    /// (`eval --at`), as dates in a public summary.
    #[arg(long, value_name = "TEXT")]
    period: Option<String>,
    /// The ruleset the records were made with, for its order of
    /// dispositions, its flags' titles and its fact schema (which
    /// `--public` checks `--by` against); the bundled one when omitted.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Write the summary to this file (created, or replaced atomically)
    /// instead of the standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The NDJSON files, one decision record or full report a line; `-`
    /// or none reads the standard input.
    inputs: Vec<PathBuf>,
}

/// The output formats.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a person, 80 columns.
    Text,
    /// One JSON object (keys documented in README.md).
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML page with charts.
    Html,
}

/// Counts the inputs and prints their summary.
pub fn run(args: &Args, global: Global) -> Result<ExitCode, Failure> {
    let rules = crate::eval::load_rules(args.rules.as_deref(), global)?;
    let public = match (args.public, args.min_group) {
        (false, Some(_)) => {
            return Err(Failure::Usage(
                "error: `--min-group` goes with `--public`".into(),
            ));
        }
        (true, Some(n)) if n < 2 => {
            return Err(Failure::Usage(format!(
                "error: `--min-group {n}` suppresses nothing; a public summary needs at least 2 (the default is {DEFAULT_MIN_GROUP})"
            )));
        }
        (true, n) => Some(n.unwrap_or(DEFAULT_MIN_GROUP)),
        (false, None) => None,
    };
    let by = args
        .by
        .iter()
        .map(|spec| breakdown(&rules, spec, public.is_some()))
        .collect::<Result<Vec<By>, Failure>>()?;
    let mut tally = Tally::new(by);
    let inputs: Vec<PathBuf> = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    for path in &inputs {
        // `count` reads large blocks itself: no buffered reader.
        if path.as_os_str() == "-" {
            count::count(&mut tally, std::io::stdin(), path)?;
        } else {
            let (file, _) = io::open_stream(path)?;
            count::count(&mut tally, file, path)?;
        }
    }
    let warnings = warnings(&tally, &rules, global);
    let figures = figures::figures(
        tally,
        &figures::Options {
            rules: &rules,
            public,
            period: args.period.as_deref(),
        },
    );
    if !global.quiet {
        for w in warnings {
            io::err(&format!("warning: {w}\n"));
        }
    }
    let text = match args.format {
        Format::Text => render::text(&figures),
        Format::Json => render::json(&figures),
        Format::Markdown => render::markdown(&figures),
        Format::Html => page::html(&figures),
    };
    match &args.output {
        Some(path) => io::write_file(path, &text).map_err(|e| {
            Failure::Error(format!("error: cannot write `{}`: {e}", io::shown(path)))
        })?,
        None => io::out(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// What the user should know about the input: rulesets mixed, records of
/// another ruleset than `--rules`, counters capped.
fn warnings(tally: &Tally, rules: &RuleSet, _global: Global) -> Vec<String> {
    let mut out = Vec::new();
    let rows = tally.rulesets.rows();
    let mut digests: Vec<&str> = rows
        .iter()
        .filter_map(|(k, _)| k.rsplit('\u{0}').next())
        .collect();
    digests.sort_unstable();
    digests.dedup();
    if digests.len() > 1 {
        out.push(format!(
            "the records come from {} different rulesets (digests); their counts are added together",
            digests.len()
        ));
    }
    if rows
        .iter()
        .any(|(k, _)| k.split('\u{0}').next() != Some(rules.name()))
    {
        out.push(format!(
            "some records were made with another ruleset than `{}`, whose order and titles the summary uses (`--rules`)",
            dd_rules::printable(rules.name())
        ));
    }
    let capped = |c: bool, what: &str| {
        c.then(|| {
            format!("more than {MAX_KEYS} distinct {what}; the rest are counted under `(other)`")
        })
    };
    out.extend(capped(tally.flags.capped(), "flag ids"));
    out.extend(capped(tally.missing.capped(), "missing facts"));
    for by in &tally.by {
        out.extend(capped(
            by.rows.capped(),
            &format!("values of `{}`", dd_rules::printable(&by.path)),
        ));
    }
    out
}

/// A `--by` as asked: `PATH` or `PATH:month`, checked against the schema
/// for a public summary.
fn breakdown(rules: &RuleSet, spec: &str, public: bool) -> Result<By, Failure> {
    let (path, month) = match spec.strip_suffix(":month") {
        Some(path) => (path, true),
        None => (spec, false),
    };
    if path.is_empty() {
        return Err(Failure::Usage(format!(
            "error: `--by {}` names no fact path",
            dd_rules::printable(spec)
        )));
    }
    let mut allowed = None;
    // `at:month`: the month of the records' own `at` (`eval --at`).
    let own_date = path == "at" && month && !rules.facts().any(|f| f.path == "at");
    if public && !own_date {
        let shown = dd_rules::printable(path);
        let Some(fact) = rules.facts().find(|f| f.path == path) else {
            let names: Vec<String> = rules.facts().map(|f| f.path).collect();
            let hint = dd_rules::closest_name(path, names.iter().map(String::as_str))
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(Failure::Usage(format!(
                "error: `{shown}` is not a fact of the ruleset `{}`{hint}",
                dd_rules::printable(rules.name())
            )));
        };
        match (fact.kind, month) {
            (FactKind::String, true) => {}
            (FactKind::Bool, false) => allowed = Some(vec!["true".into(), "false".into()]),
            (FactKind::Enum | FactKind::Set, false) => {
                allowed = Some(fact.values.iter().map(|v| v.name.to_string()).collect());
            }
            (_, true) => {
                return Err(Failure::Usage(format!(
                    "error: `{shown}` is a {} fact; `:month` groups a date written as a string",
                    dd_rules::printable(&fact.ty)
                )));
            }
            _ => {
                return Err(Failure::Usage(format!(
                    "error: `{shown}` is a {} fact: a public summary breaks down only by a bool, enum or set fact, or by the month of a date (`{shown}:month`), so that no name or free text is published",
                    dd_rules::printable(&fact.ty)
                )));
            }
        }
    }
    Ok(By {
        path: path.to_string(),
        month,
        allowed,
        rows: Counter::new(MAX_KEYS),
    })
}
