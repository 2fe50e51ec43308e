//! `dd-rules eval`: transactions to reports, one JSON document or a stream
//! of NDJSON lines.

use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::{BATCH_CHUNK, Facts, Report, RuleSet, Style};

use crate::Global;
use crate::io::{self, Failure};

/// Arguments of `eval`.
#[derive(clap::Args)]
pub struct Args {
    /// The ruleset; the bundled one when omitted.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// How to print reports; `ndjson` (one compact report per line) is the
    /// default for NDJSON input, `text` otherwise.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Read the input as NDJSON, one transaction per line (the default for
    /// `.ndjson` and `.jsonl` files).
    #[arg(long)]
    ndjson: bool,
    /// For each raised or unknown flag, print its condition tree with the
    /// truth value of every part and the facts it read.
    #[arg(long)]
    explain: bool,
    /// Exit with 1 when any report reaches this disposition or a stricter one.
    #[arg(long, value_name = "OUTCOME")]
    fail_on: Option<String>,
    /// The facts: a JSON document, or NDJSON; `-` reads the standard input.
    facts: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// For a person: the disposition, raised flags, then what is unknown.
    Text,
    /// Each report as indented JSON.
    Json,
    /// Each report as JSON on one line.
    Ndjson,
}

/// Compiles the named ruleset, or takes the bundled one.
pub fn load_rules(rules: Option<&Path>, global: Global) -> Result<RuleSet, Failure> {
    let compiled = match rules {
        Some(path) => {
            let source = io::read_text(path)?;
            RuleSet::compile(&source, &path.display().to_string())
        }
        None => RuleSet::bundled(),
    };
    compiled.map_err(|e| {
        let style = if global.color {
            Style::Color
        } else {
            Style::Plain
        };
        Failure(e.diagnostics.render(style).trim_end().to_string())
    })
}

/// The index of `--fail-on`'s outcome among the ruleset's, least strict first.
fn fail_threshold(rules: &RuleSet, fail_on: Option<&str>) -> Result<Option<usize>, Failure> {
    let Some(name) = fail_on else { return Ok(None) };
    let outcomes: Vec<&str> = rules.outcomes().collect();
    match outcomes.iter().position(|o| *o == name) {
        Some(i) => Ok(Some(i)),
        None => Err(Failure(format!(
            "error: `{name}` is not an outcome of the ruleset `{}`; its outcomes are, least strict first: {}",
            rules.name(),
            outcomes.join(", ")
        ))),
    }
}

/// Renders a report, with the explanations of its raised and unknown flags
/// when asked: after the text, or as an `explanations` field at the end of
/// the JSON object (so the report's own fields keep their order).
fn render(rules: &RuleSet, facts: Option<&Facts>, report: &Report, format: Format) -> String {
    let explanations: Vec<(&str, dd_rules::Status, dd_rules::Explanation)> = match facts {
        None => Vec::new(),
        Some(facts) => report
            .flags()
            .filter(|f| f.status != dd_rules::Status::Clear)
            .filter_map(|f| Some((f.id, f.status, rules.explain(facts, f.id).ok().flatten()?)))
            .collect(),
    };
    let with = |json: String, pretty: bool| -> String {
        if facts.is_none() {
            return json;
        }
        let list: Vec<serde_json::Value> = explanations
            .iter()
            .map(|(id, _, e)| serde_json::json!({"flag": id, "tree": e}))
            .collect();
        let extra = if pretty {
            serde_json::to_string_pretty(&list).unwrap_or_default()
        } else {
            serde_json::to_string(&list).unwrap_or_default()
        };
        match json.strip_suffix('}') {
            Some(body) => format!("{body},\"explanations\":{extra}}}"),
            None => json,
        }
    };
    match format {
        Format::Text => {
            let mut text = crate::text::render(report);
            for (id, status, e) in &explanations {
                text.push_str(&crate::text::render_explanation(id, *status, e));
            }
            text
        }
        Format::Json => with(report.to_json_pretty(), true) + "\n",
        Format::Ndjson => with(report.to_json(), false) + "\n",
    }
}

/// Evaluates the facts and prints the reports.
pub fn run(args: &Args, global: Global) -> Result<ExitCode, Failure> {
    let rules = load_rules(args.rules.as_deref(), global)?;
    let threshold = fail_threshold(&rules, args.fail_on.as_deref())?;
    let path = Some(args.facts.as_path()).filter(|p| *p != Path::new("-"));
    let ndjson = args.ndjson
        || path
            .and_then(|p| p.extension())
            .is_some_and(|e| e == "ndjson" || e == "jsonl");
    let strictness = |report: &Report| Some(report.disposition_index());
    let reached =
        |report: &Report| matches!((threshold, strictness(report)), (Some(t), Some(s)) if s >= t);
    if !ndjson {
        let json = match path {
            Some(p) => io::read_text(p)?,
            None => {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| Failure(format!("error: cannot read the standard input: {e}")))?;
                text
            }
        };
        let shown = path.map_or("the standard input".to_string(), |p| {
            format!("`{}`", p.display())
        });
        let rejected = |e: String| Failure(format!("error: {shown} is rejected: {e}"));
        let facts = rules
            .facts_from_json(&json)
            .map_err(|e| rejected(e.to_string()))?;
        let report = rules
            .evaluate(&facts)
            .map_err(|e| rejected(e.to_string()))?;
        let explain = args.explain.then_some(&facts);
        io::out(&render(
            &rules,
            explain,
            &report,
            args.format.unwrap_or(Format::Text),
        ));
        return Ok(ExitCode::from(u8::from(reached(&report))));
    }
    // A progress bar on stderr for long runs, only when a person watches it.
    let progress = if global.quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        let size = path
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| m.len());
        let bar = match size {
            Some(len) => indicatif::ProgressBar::new(len),
            None => indicatif::ProgressBar::new_spinner(),
        };
        let style = indicatif::ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} {wide_bar} {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar
    };
    let reader: Box<dyn BufRead> = match path {
        Some(p) => Box::new(BufReader::new(
            progress.wrap_read(
                std::fs::File::open(p)
                    .map_err(|e| Failure(format!("error: cannot read `{}`: {e}", p.display())))?,
            ),
        )),
        None => Box::new(BufReader::new(progress.wrap_read(std::io::stdin()))),
    };
    let format = args.format.unwrap_or(Format::Ndjson);
    let stats = stream(&rules, reader, format, args.explain, &reached);
    progress.finish_and_clear();
    let stats = stats?;
    if !global.quiet {
        io::err(&format!(
            "{} line(s): {} report(s), {} rejected, {} at or past `--fail-on`\n",
            stats.lines, stats.reports, stats.rejected, stats.reached
        ));
    }
    Ok(ExitCode::from(u8::from(
        stats.rejected > 0 || stats.reached > 0,
    )))
}

/// The record printed in place of a report for a line that is rejected.
#[derive(serde::Serialize)]
struct ErrorRecord {
    /// The 1-based line of the input.
    line: usize,
    error: LineError,
}

/// Why a line is rejected: where in the line's JSON, and what.
#[derive(serde::Serialize, Default)]
struct LineError {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(path) = self.path.as_deref().filter(|p| !p.is_empty()) {
            write!(f, "at `{path}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(
                f,
                " (column {c}{})",
                if l > 1 {
                    format!(", line {l} of the record")
                } else {
                    String::new()
                }
            )?;
        }
        Ok(())
    }
}

/// What a stream run saw.
#[derive(Default)]
struct Stats {
    lines: usize,
    reports: usize,
    rejected: usize,
    reached: usize,
}

/// What became of one line.
enum LineResult {
    Report { text: String, reached: bool },
    Rejected(String),
}

impl From<dd_rules::Error> for LineError {
    fn from(e: dd_rules::Error) -> LineError {
        match e {
            dd_rules::Error::Facts(f) => LineError {
                path: Some(f.path),
                line: Some(f.line),
                column: Some(f.column),
                message: f.message,
            },
            other => LineError {
                message: other.to_string(),
                ..LineError::default()
            },
        }
    }
}

/// The error record printed in place of a rejected line's report.
fn rejected(line: usize, error: LineError, format: Format) -> String {
    let record = ErrorRecord { line, error };
    match format {
        Format::Text => format!("line {line}: rejected: {}\n\n", record.error),
        Format::Json => serde_json::to_string_pretty(&record).unwrap_or_default() + "\n",
        Format::Ndjson => serde_json::to_string(&record).unwrap_or_default() + "\n",
    }
}

/// Evaluates the lines a chunk at a time (on all cores), printing a report
/// or an error record for each non-blank line, in input order. Memory is
/// bounded by one chunk, whatever the length of the input.
fn stream(
    rules: &RuleSet,
    mut reader: Box<dyn BufRead>,
    format: Format,
    explain: bool,
    reached: &(dyn Fn(&Report) -> bool + Sync),
) -> Result<Stats, Failure> {
    let mut stats = Stats::default();
    let mut eof = false;
    while !eof {
        // Read one chunk: the line number and text of each non-blank line.
        let mut lines: Vec<(usize, Result<String, LineError>)> = Vec::with_capacity(BATCH_CHUNK);
        while lines.len() < BATCH_CHUNK {
            let mut buf = Vec::new();
            let n = reader.read_until(b'\n', &mut buf).map_err(|e| {
                Failure(format!("error: cannot read line {}: {e}", stats.lines + 1))
            })?;
            if n == 0 {
                eof = true;
                break;
            }
            stats.lines += 1;
            match String::from_utf8(buf) {
                // Blank lines separate nothing and are not transactions.
                Ok(text) if text.trim().is_empty() => {}
                Ok(text) => lines.push((stats.lines, Ok(text))),
                Err(e) => lines.push((
                    stats.lines,
                    Err(LineError {
                        message: format!(
                            "the line is not valid UTF-8 (first bad byte at offset {})",
                            e.utf8_error().valid_up_to()
                        ),
                        ..LineError::default()
                    }),
                )),
            }
        }
        let docs: Vec<&str> = lines
            .iter()
            .filter_map(|(_, l)| l.as_ref().ok().map(String::as_str))
            .collect();
        let line_of: Vec<usize> = lines
            .iter()
            .filter(|(_, l)| l.is_ok())
            .map(|(n, _)| *n)
            .collect();
        let mut results = rules
            .evaluate_batch_fast(&docs, |i, result| {
                let line = line_of.get(i).copied().unwrap_or(0);
                let report =
                    result.and_then(|(facts, outcome)| Ok((facts, rules.report(facts, outcome)?)));
                match report {
                    Ok((facts, report)) => LineResult::Report {
                        text: render(rules, explain.then_some(facts), &report, format),
                        reached: reached(&report),
                    },
                    Err(e) => LineResult::Rejected(rejected(line, e.into(), format)),
                }
            })
            .into_iter();
        for (line, text) in lines {
            let result = match text {
                Ok(_) => results.next(),
                Err(error) => Some(LineResult::Rejected(rejected(line, error, format))),
            };
            match result {
                Some(LineResult::Report { text, reached }) => {
                    stats.reports += 1;
                    stats.reached += usize::from(reached);
                    io::out(&text);
                }
                Some(LineResult::Rejected(text)) => {
                    stats.rejected += 1;
                    io::out(&text);
                }
                None => {}
            }
        }
    }
    Ok(stats)
}
