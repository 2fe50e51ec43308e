//! `dd-rules diff`: what a ruleset change changes. Without facts, the static
//! diff of the two rulesets; with facts, also the impact on them: each
//! transaction evaluated by both rulesets (the fast path, on all cores, a
//! chunk of lines at a time), the differences counted.
//!
//! Memory is flat whatever the input's length: a chunk of at most
//! [`CHUNK_LINES`] lines or [`CHUNK_BYTES`] bytes is held while the next is
//! read, each line at most the facts size limit (longer lines are skipped,
//! see `io::lines`), and the library's accumulator keeps at most
//! `--keep` changed transactions.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::{Impact, RuleSet};
use rayon::prelude::*;

use crate::Global;
use crate::io::{self, Failure, Line, Lines};

mod render;

/// The lines a chunk holds at most: enough to keep every core busy.
pub const CHUNK_LINES: usize = 4096;

/// The input a chunk holds at most (bytes of its lines), beyond its last line.
pub const CHUNK_BYTES: usize = 32 * 1024 * 1024;

/// Arguments of `diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The ruleset before the change.
    old: PathBuf,
    /// The ruleset after the change.
    new: PathBuf,
    /// Transactions to replay with both rulesets: NDJSON files (one
    /// transaction per line), `.json` files (one document each), or `-`
    /// for NDJSON on the standard input.
    facts: Vec<PathBuf>,
    /// How to print the diff.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 when some transaction's disposition changed (or it is
    /// rejected by one ruleset only); without facts, when the rulesets
    /// declare anything differently.
    #[arg(long)]
    fail_on_change: bool,
    /// Exit with 1 when some transaction got a stricter disposition, or one
    /// that cannot be ranked (see `--help`). Needs facts.
    #[arg(long, conflicts_with = "fail_on_looser")]
    fail_on_stricter: bool,
    /// Exit with 1 when some transaction got a less strict disposition, or
    /// one that cannot be ranked. Needs facts.
    #[arg(long)]
    fail_on_looser: bool,
    /// How many changed transactions to keep for the output, the first by
    /// input order (all are counted); the text form prints at most 50.
    #[arg(long, value_name = "N", default_value_t = dd_rules::IMPACT_KEPT)]
    keep: usize,
    /// The evaluation budget, in steps, of each evaluation (see `eval`).
    #[arg(long, value_name = "STEPS", default_value_t = dd_rules::DEFAULT_BUDGET)]
    budget: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// For a person: grouped by kind, one line per change.
    Text,
    /// One JSON object: `diff`, and `impact` with facts.
    Json,
}

/// Where each input's transactions start in the numbering the library
/// sees (one sequence over all inputs, so that the changed transactions
/// kept are the first in input order).
pub(crate) struct Inputs {
    /// Each input as shown, and the number of its first line minus one.
    starts: Vec<(String, u64)>,
}

impl Inputs {
    /// The input and its line for a number of the sequence.
    pub(crate) fn locate(&self, number: u64) -> (&str, u64) {
        let at = self.starts.partition_point(|(_, start)| *start < number);
        match at.checked_sub(1).and_then(|i| self.starts.get(i)) {
            Some((name, start)) => (name, number - start),
            None => ("", number),
        }
    }

    /// Whether there is more than one input, so that lines need their file.
    pub(crate) fn several(&self) -> bool {
        self.starts.len() > 1
    }
}

/// Compiles one side, or fails with its diagnostics.
fn load(path: &Path, global: Global) -> Result<RuleSet, Failure> {
    let source = io::read_input(path, io::Input::Rules)?;
    crate::eval::compile(&source, path, global)
}

/// Compares the rulesets, replays the facts, prints the result.
pub fn run(args: &Args, global: Global) -> Result<ExitCode, Failure> {
    if args.facts.is_empty() && (args.fail_on_looser || args.fail_on_stricter) {
        return Err(Failure::Usage(
            "error: `--fail-on-looser` and `--fail-on-stricter` compare the dispositions of transactions: give facts files after the two rulesets".to_string(),
        ));
    }
    if args.facts.iter().filter(|p| is_stdin(p)).count() > 1 {
        return Err(Failure::Usage(
            "error: the standard input (`-`) can be read only once".to_string(),
        ));
    }
    let old = load(&args.old, global)?.with_budget(args.budget);
    let new = load(&args.new, global)?.with_budget(args.budget);
    let diff = old.diff(&new);
    if args.facts.is_empty() {
        let text = match args.format {
            Format::Text => render::text(&diff, None),
            Format::Json => render::json(&diff, None),
        };
        io::out(&text)?;
        return Ok(ExitCode::from(u8::from(
            args.fail_on_change && !diff.is_empty(),
        )));
    }
    let (impact, inputs) = replay(&old, &new, &args.facts, args.keep)?;
    let text = match args.format {
        Format::Text => render::text(&diff, Some((&impact, &inputs))),
        Format::Json => render::json(&diff, Some((&impact, &inputs))),
    };
    io::out(&text)?;
    if !global.quiet {
        io::err(&format!(
            "{} transaction(s): {} changed, {} in disposition ({} stricter, {} looser, {} unranked); rejected by the old ruleset only {}, by the new only {}, by both {}\n",
            impact.transactions(),
            impact.changed(),
            impact.disposition_changed(),
            impact.stricter(),
            impact.looser(),
            impact.unranked(),
            impact.rejected_by_old_only(),
            impact.rejected_by_new_only(),
            impact.rejected_by_both(),
        ));
    }
    // A verdict that cannot be ranked (an old disposition the new ruleset
    // no longer has, or rejected by one ruleset only) fails both
    // directional gates: the gate cannot show that it went the allowed way.
    let unranked =
        impact.unranked() + impact.rejected_by_old_only() + impact.rejected_by_new_only();
    let fail = (args.fail_on_change && impact.disposition_changed() > 0)
        || (args.fail_on_looser && impact.looser() + unranked > 0)
        || (args.fail_on_stricter && impact.stricter() + unranked > 0);
    Ok(ExitCode::from(u8::from(fail)))
}

fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// Replays every input with both rulesets.
fn replay<'r>(
    old: &'r RuleSet,
    new: &'r RuleSet,
    paths: &[PathBuf],
    keep: usize,
) -> Result<(Impact<'r>, Inputs), Failure> {
    let mut total = Impact::new(old, new).with_limit(keep);
    let mut inputs = Inputs { starts: Vec::new() };
    let mut next = 0u64;
    for path in paths {
        let shown = if is_stdin(path) {
            "-".to_string()
        } else {
            io::shown(path).into_owned()
        };
        inputs.starts.push((shown, next));
        if path.extension().is_some_and(|e| e == "json") {
            // One document, perhaps over many lines.
            let json = io::read_input(path, io::Input::Facts);
            next += 1;
            match json {
                Ok(json) => total.add_json(next, &json),
                Err(e) => return Err(e.into()),
            };
            continue;
        }
        let reader: Box<dyn std::io::Read + Send> = if is_stdin(path) {
            Box::new(std::io::stdin())
        } else {
            Box::new(io::open_stream(path)?.0)
        };
        let reader = BufReader::with_capacity(256 * 1024, reader);
        next = stream(&mut total, reader, next, keep)?;
    }
    Ok((total, inputs))
}

/// One line of a chunk: its number in the sequence and its text, or `None`
/// for a line that cannot be read as text (rejected by both rulesets).
type Chunk = Vec<(u64, Option<String>)>;

/// Reads one chunk; `None` at the end. `next` is the number of the last
/// line read.
fn read_chunk<R: BufRead>(lines: &mut Lines<R>, next: &mut u64) -> Result<Option<Chunk>, Failure> {
    let mut chunk = Vec::new();
    let mut held = 0usize;
    while chunk.len() < CHUNK_LINES && held < CHUNK_BYTES {
        let line = lines
            .next_line()
            .map_err(|e| Failure::Error(format!("error: cannot read line {}: {e}", *next + 1)))?;
        let Some(line) = line else {
            return Ok((!chunk.is_empty()).then_some(chunk));
        };
        *next += 1;
        match line {
            Line::Text(bytes) => {
                held = held.saturating_add(bytes.len());
                match String::from_utf8(bytes) {
                    // Blank lines separate nothing and are not transactions.
                    Ok(text) if text.chars().all(char::is_whitespace) => {}
                    Ok(text) => chunk.push((*next, Some(text))),
                    Err(_) => chunk.push((*next, None)),
                }
            }
            Line::TooLong(_) => chunk.push((*next, None)),
        }
    }
    Ok(Some(chunk))
}

/// Replays one chunk on all cores.
fn replay_chunk<'r>(old: &'r RuleSet, new: &'r RuleSet, chunk: &Chunk, keep: usize) -> Impact<'r> {
    chunk
        .par_iter()
        .with_min_len(64)
        .fold(
            || Impact::new(old, new).with_limit(keep),
            |mut acc, (line, text)| {
                match text {
                    Some(text) => {
                        acc.add_json(*line, text);
                    }
                    None => acc.add_rejected(),
                }
                acc
            },
        )
        .reduce(
            || Impact::new(old, new).with_limit(keep),
            |mut a, b| {
                a.merge(b);
                a
            },
        )
}

/// Replays an NDJSON stream into `total`, a chunk at a time, reading the
/// next chunk while the last is evaluated. Returns the number of the last
/// line.
fn stream<'r, R: BufRead + Send>(
    total: &mut Impact<'r>,
    reader: R,
    mut next: u64,
    keep: usize,
) -> Result<u64, Failure> {
    let (old, new) = total.rulesets();
    let mut lines = Lines::new(reader, dd_rules::MAX_FACTS_BYTES);
    let mut chunk = read_chunk(&mut lines, &mut next)?;
    while let Some(current) = chunk {
        let (done, read) = rayon::join(
            || replay_chunk(old, new, &current, keep),
            || read_chunk(&mut lines, &mut next),
        );
        total.merge(done);
        chunk = read?;
    }
    Ok(next)
}
