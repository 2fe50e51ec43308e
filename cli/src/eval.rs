//! `dd-rules eval`: transactions to reports, one JSON document or a stream
//! of NDJSON lines.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::{Facts, Report, RuleSet, Style};

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
pub(crate) enum Format {
    /// For a person: the disposition, raised flags, then what is unknown.
    Text,
    /// Each report as indented JSON.
    Json,
    /// Each report as JSON on one line.
    Ndjson,
}

/// Compiles the ruleset named with `--rules` (a file, or a pipe such as
/// `<(…)`), or takes the bundled one.
pub fn load_rules(rules: Option<&Path>, global: Global) -> Result<RuleSet, Failure> {
    match rules {
        Some(path) => {
            let source = io::read_input(path, io::Input::Rules)?;
            compile(&source, path, global)
        }
        None => RuleSet::bundled().map_err(|e| rendered(&e.diagnostics, global)),
    }
}

/// Compiles a ruleset read from `path`, or fails with its diagnostics.
pub fn compile(source: &str, path: &Path, global: Global) -> Result<RuleSet, Failure> {
    RuleSet::compile(source, &io::shown(path)).map_err(|e| rendered(&e.diagnostics, global))
}

fn rendered(diagnostics: &dd_rules::Diagnostics, global: Global) -> Failure {
    let style = if global.color {
        Style::Color
    } else {
        Style::Plain
    };
    Failure::Error(diagnostics.render(style).trim_end().to_string())
}

/// The index of `--fail-on`'s outcome among the ruleset's, least strict first.
fn fail_threshold(rules: &RuleSet, fail_on: Option<&str>) -> Result<Option<usize>, Failure> {
    let Some(name) = fail_on else { return Ok(None) };
    let outcomes: Vec<&str> = rules.outcomes().collect();
    match outcomes.iter().position(|o| *o == name) {
        Some(i) => Ok(Some(i)),
        None => Err(Failure::Error(format!(
            "error: `{}` is not an outcome of the ruleset `{}`; its outcomes are, least strict first: {}",
            dd_rules::printable_prefix(name, 100),
            dd_rules::printable(rules.name()),
            dd_rules::printable(&outcomes.join(", "))
        ))),
    }
}

/// Renders a report, with the explanations of its raised and unknown flags
/// when asked: after the text, or as an `explanations` field at the end of
/// the JSON object (so the report's own fields keep their order).
pub(crate) fn render(
    rules: &RuleSet,
    facts: Option<&Facts>,
    report: &Report,
    format: Format,
) -> String {
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
    let reached = |report: &Report| threshold.is_some_and(|t| report.disposition_index() >= t);
    if !ndjson {
        let json = match path {
            Some(p) => io::read_input(p, io::Input::Facts)?,
            None => io::read_stdin(io::Input::Facts)?,
        };
        let shown = path.map_or("the standard input".to_string(), |p| {
            format!("`{}`", io::shown(p))
        });
        let rejected = |e: dd_rules::Error| {
            Failure::Error(format!(
                "error: {shown} is rejected: {}",
                dd_rules::printable(&e.to_string())
            ))
        };
        let facts = rules
            .facts_from_json(&json)
            .map_err(|e| rejected(e.into()))?;
        let report = rules.evaluate(&facts).map_err(|e| rejected(e.into()))?;
        let explain = args.explain.then_some(&facts);
        io::out(&render(
            &rules,
            explain,
            &report,
            args.format.unwrap_or(Format::Text),
        ))?;
        return Ok(ExitCode::from(u8::from(reached(&report))));
    }
    let (reader, size): (Box<dyn std::io::Read>, Option<u64>) = match path {
        Some(p) => {
            let (file, size) = io::open_stream(p)?;
            (Box::new(file), size)
        }
        None => (Box::new(std::io::stdin()), None),
    };
    // A progress bar on stderr for long runs, only when a person watches it.
    let progress = if global.quiet || !io::stderr_is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
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
    let reader: Box<dyn BufRead> = Box::new(BufReader::with_capacity(
        64 * 1024,
        progress.wrap_read(reader),
    ));
    let format = args.format.unwrap_or(Format::Ndjson);
    let stats = crate::stream::run(&rules, reader, format, args.explain, &reached);
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
