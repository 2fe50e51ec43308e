//! `dd-rules eval`: transactions to reports, one JSON document or a stream
//! of NDJSON lines.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::{DecisionOptions, Facts, Report, RuleSet, ScopeStatus, Status, Style, printable};

use crate::Global;
use crate::io::{self, Failure};

/// Arguments of `eval`.
#[derive(clap::Args)]
pub struct Args {
    /// The ruleset; the bundled one when omitted.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// How to print reports; `ndjson` (one compact report per line) is the
    /// default for NDJSON input, `text` otherwise. `decision` prints one
    /// compact decision record per line instead of the full report. `html`
    /// (one printable, self-contained page with a sign-off block) and
    /// `markdown` (for a ticket) take one JSON document, not a stream.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// With `--format decision`, quote this fact in each record's `facts`
    /// (its value as JSON, `null` when unknown), such as `country.iso_code`;
    /// repeat it for more facts. The path must be one the ruleset declares,
    /// not through a list.
    #[arg(long, value_name = "PATH")]
    record_fact: Vec<String>,
    /// With `--format decision`, the time stamp each record carries as
    /// `at`, as given (such as `2026-03-01T10:00:00Z`); records have none
    /// when omitted, so that the same input always gives the same bytes.
    #[arg(long, value_name = "TEXT")]
    at: Option<String>,
    /// The date printed on an `html` or `markdown` report (YYYY-MM-DD); the
    /// report has no date when omitted, so that the same input always
    /// gives the same bytes.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::view::parse_date)]
    date: Option<String>,
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
    /// The evaluation budget, in steps, of each phase of one evaluation (the
    /// statuses, the full report, each explanation). A transaction that
    /// needs more (quantifiers nested over long lists) gets an error naming
    /// the flag, not a report.
    #[arg(long, value_name = "STEPS", default_value_t = dd_rules::DEFAULT_BUDGET)]
    budget: u64,
    /// Leave out the questionnaire (the missing facts that would change the
    /// decision, as questions) and the remediation plan (the safeguards that
    /// would lower the disposition). A single document gets them by default;
    /// an NDJSON stream never does, to keep its throughput.
    #[arg(long)]
    no_advice: bool,
    /// In the text form, everything: clear flags one a line, values whole,
    /// every question, safeguard ids beside their titles.
    #[arg(short, long)]
    verbose: bool,
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
    /// A decision record per line (NDJSON), about 1 KB: the transaction,
    /// the ruleset's name, version and digest, the scope, the disposition,
    /// the ids of the raised, mitigated and unknown flags and the missing
    /// facts (`dd-rules schema --decision` prints its JSON Schema).
    Decision,
    /// One self-contained HTML page to review, print and sign: the
    /// summary, the flags by step with their evidence and safeguards, the
    /// questions, the remediation plan, the explanations (collapsed) and a
    /// sign-off block. One JSON document only.
    Html,
    /// The same sections as `html`, as GitHub-flavoured Markdown for a
    /// ticket (the explanations with `--explain`). One JSON document only.
    Markdown,
}

impl Format {
    /// Whether this is a report for review (`html`, `markdown`), which
    /// takes one document.
    fn for_review(self) -> bool {
        matches!(self, Format::Html | Format::Markdown)
    }

    /// The name on the command line.
    fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Decision => "decision",
            Format::Html => "html",
            Format::Markdown => "markdown",
        }
    }
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
            printable(rules.name()),
            printable(&outcomes.join(", "))
        ))),
    }
}

/// The most bytes of explanations printed with one report (`--explain`):
/// 4 MiB. A report explains each raised or unknown flag, so the number of
/// explanations is bounded by the ruleset, and the library bounds each one
/// (2,000 nodes expanded, quotes of 512 bytes); this bounds their sum
/// whatever the ruleset, so that one report of an NDJSON stream stays
/// within a known size. Explanations past it are left out, each said so.
pub const EXPLANATION_BYTES: usize = 4 * 1024 * 1024;

/// One explanation: `flag` or `scope`, the flag's id (or `scope`), and the
/// rendered text, `None` when it is left out.
type Explained = (&'static str, String, Option<String>);

/// The explanations of a report's scope (out or unknown) and of its raised
/// and unknown flags, each rendered
/// in `format` (text, compact JSON or pretty JSON), at most
/// [`EXPLANATION_BYTES`] of them; `None` for a flag whose explanation is
/// left out for that limit. Computed and rendered one at a time, so that no
/// more than one explanation tree is held at once.
fn explanations(
    rules: &RuleSet,
    facts: &Facts,
    report: &Report,
    format: Format,
) -> Result<Vec<Explained>, dd_rules::EvalError> {
    let mut out = Vec::new();
    let mut used = 0usize;
    // The scope first when it is out or unknown (in scope, the flags say
    // the rest), then each raised or unknown flag.
    let scope = report
        .scope()
        .filter(|s| s.status != ScopeStatus::In)
        .map(|s| ("scope", s.status.as_str(), None));
    let flags = report
        .flags()
        .filter(|f| f.status != Status::Clear)
        .map(|f| (f.id, f.status.as_str(), Some(f.id)));
    for (name, status, id) in scope.into_iter().chain(flags) {
        let tree = match id {
            Some(id) => rules.explain(facts, id)?,
            None => rules.explain_scope(facts)?,
        };
        let Some(tree) = tree else {
            continue;
        };
        let key = if id.is_some() { "flag" } else { "scope" };
        let text = match format {
            // The reports for review render their explanations themselves
            // (`render` does not come here for them).
            Format::Text | Format::Html | Format::Markdown => {
                crate::text::render_explanation(name, status, &tree)
            }
            Format::Json | Format::Ndjson | Format::Decision => {
                let item = serde_json::json!({key: name, "tree": tree});
                drop(tree);
                if format == Format::Json {
                    serde_json::to_string_pretty(&item).unwrap_or_default()
                } else {
                    serde_json::to_string(&item).unwrap_or_default()
                }
            }
        };
        let kept = used
            .checked_add(text.len())
            .filter(|&total| total <= EXPLANATION_BYTES);
        if let Some(total) = kept {
            used = total;
        }
        out.push((key, name.to_string(), kept.map(|_| text)));
    }
    Ok(out)
}

/// What is printed in place of an explanation left out; `key` is `flag` or
/// `scope`.
fn left_out(key: &str, id: &str, format: Format) -> String {
    match format {
        Format::Text | Format::Html | Format::Markdown => format!(
            "\n{}: explanation left out: the explanations of one report are limited to {EXPLANATION_BYTES} bytes\n",
            printable(id)
        ),
        Format::Json => {
            serde_json::to_string_pretty(&serde_json::json!({key: id, "omitted": true}))
                .unwrap_or_default()
        }
        Format::Ndjson | Format::Decision => {
            serde_json::to_string(&serde_json::json!({key: id, "omitted": true}))
                .unwrap_or_default()
        }
    }
}

/// Renders a report, with the explanations of its raised and unknown flags
/// when `facts` are given (`--explain`): after the text, or as an
/// `explanations` field at the end of the JSON object (so the report's own
/// fields keep their order). Fails when an explanation goes over the
/// evaluation budget. A report for review (`html`, `markdown`) is rendered
/// without a date here (see [`run`]), and says in place of an explanation
/// that goes over the budget that it has none. A decision record has no
/// explanations (`run` refuses `--explain` with it).
pub(crate) fn render(
    rules: &RuleSet,
    facts: Option<&Facts>,
    report: &Report,
    format: Format,
    text: crate::text::TextOptions,
    decision: &DecisionOptions,
) -> Result<String, dd_rules::EvalError> {
    if format == Format::Decision {
        let mut line = String::with_capacity(1024);
        report.write_decision(&mut line, decision);
        line.push('\n');
        return Ok(line);
    }
    if format.for_review() {
        return Ok(for_review(rules, facts, report, format, None));
    }
    let explained = match facts {
        None => None,
        Some(facts) => Some(explanations(rules, facts, report, format)?),
    };
    let items = explained
        .into_iter()
        .flatten()
        .map(|(key, id, text)| text.unwrap_or_else(|| left_out(key, &id, format)));
    Ok(match format {
        Format::Text => {
            let mut text = crate::text::render(rules, report, text);
            items.for_each(|item| text.push_str(&item));
            text
        }
        Format::Html | Format::Markdown => for_review(rules, facts, report, format, None),
        // Written above.
        Format::Decision => String::new(),
        Format::Json | Format::Ndjson if facts.is_none() => {
            let json = if format == Format::Json {
                report.to_json_pretty()
            } else {
                report.to_json()
            };
            json + "\n"
        }
        Format::Json => {
            // As `to_string_pretty` would print the list: each item on
            // lines of its own, indented by two more spaces.
            let items: Vec<String> = items
                .map(|item| format!("  {}", item.replace('\n', "\n  ")))
                .collect();
            let list = if items.is_empty() {
                "[]".to_string()
            } else {
                format!("[\n{}\n]", items.join(",\n"))
            };
            with_field(report.to_json_pretty(), &list) + "\n"
        }
        Format::Ndjson => {
            let list = format!("[{}]", items.collect::<Vec<_>>().join(","));
            with_field(report.to_json(), &list) + "\n"
        }
    })
}

/// A report for review: `html` (always with its explanations, collapsed,
/// when `facts` are given) or `markdown` (with them when `facts` are given,
/// `--explain`); `date` printed on it.
fn for_review(
    rules: &RuleSet,
    facts: Option<&Facts>,
    report: &Report,
    format: Format,
    date: Option<&str>,
) -> String {
    match format {
        Format::Markdown => crate::markdown::render(rules, facts, report, date),
        _ => crate::html::render(rules, facts, report, date),
    }
}

/// The JSON object `json` with an `explanations` field added at its end.
fn with_field(json: String, list: &str) -> String {
    match json.strip_suffix('}') {
        Some(body) => format!("{body},\"explanations\":{list}}}"),
        None => json,
    }
}

/// How the text form is printed: `--verbose`, and colour when the
/// standard output is a terminal (or `--color always`).
fn text_options(args: &Args, global: Global) -> crate::text::TextOptions {
    crate::text::TextOptions {
        verbose: args.verbose,
        color: global.color_out,
    }
}

/// The options of decision records (`--record-fact`, `--at`), checked once
/// before any input is read: both are for `--format decision` only, and
/// every path must be one the ruleset declares.
fn decision_options(
    rules: &RuleSet,
    args: &Args,
    format: Format,
) -> Result<DecisionOptions, Failure> {
    if format != Format::Decision {
        let given = if !args.record_fact.is_empty() {
            Some("--record-fact")
        } else if args.at.is_some() {
            Some("--at")
        } else {
            None
        };
        if let Some(flag) = given {
            return Err(Failure::Usage(format!(
                "error: `{flag}` is for decision records only (`--format decision`), not `--format {}`",
                format.name()
            )));
        }
        return Ok(DecisionOptions::default());
    }
    if args.explain {
        return Err(Failure::Usage(
            "error: a decision record has no explanations: `--explain` takes `--format text`, `json` or `ndjson`".to_string(),
        ));
    }
    rules
        .decision_options(&args.record_fact, args.at.as_deref())
        .map_err(|e| Failure::Usage(format!("error: `--record-fact`: {}", printable(&e.message))))
}

/// Evaluates the facts and prints the reports.
pub fn run(args: &Args, global: Global) -> Result<ExitCode, Failure> {
    let rules = load_rules(args.rules.as_deref(), global)?.with_budget(args.budget);
    let threshold = fail_threshold(&rules, args.fail_on.as_deref())?;
    let path = Some(args.facts.as_path()).filter(|p| *p != Path::new("-"));
    let ndjson = args.ndjson
        || path
            .and_then(|p| p.extension())
            .is_some_and(|e| e == "ndjson" || e == "jsonl");
    let reached = |report: &Report| threshold.is_some_and(|t| report.disposition_index() >= t);
    let format = args
        .format
        .unwrap_or(if ndjson { Format::Ndjson } else { Format::Text });
    if ndjson && format.for_review() {
        return Err(Failure::Usage(format!(
            "error: `--format {}` takes one JSON document, not an NDJSON stream; evaluate one transaction at a time, or use `--format ndjson`",
            format.name()
        )));
    }
    let decision = decision_options(&rules, args, format)?;
    if args.date.is_some() && !format.for_review() {
        return Err(Failure::Usage(format!(
            "error: `--date` is printed on `--format html` and `--format markdown` reports only, not `--format {}`",
            format.name()
        )));
    }
    if !ndjson {
        let json = match path {
            Some(p) => io::read_input(p, io::Input::Facts)?,
            None => io::read_stdin(io::Input::Facts)?,
        };
        let shown = path.map_or("the standard input".to_string(), |p| {
            format!("`{}`", io::shown(p))
        });
        let facts = rules.facts_from_json(&json).map_err(|e| {
            Failure::Error(format!(
                "error: {shown} is rejected: {}",
                printable(&e.to_string())
            ))
        })?;
        let unevaluated = |e: dd_rules::EvalError| {
            Failure::Error(format!(
                "error: {shown} cannot be evaluated: {}{}",
                printable(&e.to_string()),
                match e {
                    dd_rules::EvalError::OverBudget { .. } => "; `--budget` sets the budget",
                    _ => "",
                }
            ))
        };
        let mut report = rules.evaluate(&facts).map_err(unevaluated)?;
        if !args.no_advice && format != Format::Decision {
            rules.advise(&mut report).map_err(unevaluated)?;
        }
        // The HTML page always holds the explanations, collapsed.
        let explain = (args.explain || format == Format::Html).then_some(&facts);
        let text = if format.for_review() {
            for_review(&rules, explain, &report, format, args.date.as_deref())
        } else {
            render(
                &rules,
                explain,
                &report,
                format,
                text_options(args, global),
                &decision,
            )
            .map_err(unevaluated)?
        };
        io::out(&text)?;
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
    let how = crate::stream::Printing {
        format,
        text: text_options(args, global),
        explain: args.explain,
        reached: &reached,
        decision: &decision,
    };
    let stats = crate::stream::run(&rules, reader, how);
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
