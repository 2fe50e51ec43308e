//! `dd-rules eval`: one transaction to a report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::{RuleSet, Style};

use crate::Global;
use crate::io::{self, Failure};

/// Arguments of `eval`.
#[derive(clap::Args)]
pub struct Args {
    /// The ruleset; the bundled one when omitted.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The transaction's facts, as a JSON document.
    facts: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// For a person: the disposition, raised flags, then what is unknown.
    Text,
    /// The report as JSON.
    Json,
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

/// Evaluates the facts and prints the report.
pub fn run(args: &Args, global: Global) -> Result<ExitCode, Failure> {
    let rules = load_rules(args.rules.as_deref(), global)?;
    let json = io::read_text(&args.facts)?;
    let report = rules.evaluate_json(&json).map_err(|e| {
        Failure(format!(
            "error: `{}` is rejected: {e}",
            args.facts.display()
        ))
    })?;
    let text = match args.format {
        Format::Json => report.to_json_pretty() + "\n",
        Format::Text => crate::text::render(&report),
    };
    io::out(&text);
    Ok(ExitCode::SUCCESS)
}
