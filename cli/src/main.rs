//! The `dd-rules` command line: check rulesets and evaluate transactions.
//!
//! Exit codes: 0 when all is well, 1 when a ruleset has errors or an input
//! is rejected, 2 for a usage error.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use dd_rules::{Report, RuleSet, Style};

mod text;

/// Human-rights due-diligence rules for surveillance-capable sales.
///
/// A report is a recommendation for human review, never a legal clearance.
#[derive(Parser)]
#[command(
    name = "dd-rules",
    version,
    after_help = "Exit codes: 0 ok, 1 errors or rejected input, 2 usage error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check rulesets and print every diagnostic.
    #[command(
        after_help = "Examples:\n  dd-rules check rulesets/us-state-2020.rules\n  dd-rules check --format json my.rules"
    )]
    Check {
        /// The `.rules` files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
    },
    /// Evaluate a JSON transaction and print the report.
    #[command(
        after_help = "Examples:\n  dd-rules eval examples/transactions/partial-facts.json\n  dd-rules eval --format json --rules my.rules tx.json"
    )]
    Eval {
        /// The ruleset; the bundled one when omitted.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
        format: EvalFormat,
        /// The transaction's facts, as a JSON document.
        facts: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    /// Rendered like rustc, in colour on a terminal.
    Human,
    /// Rendered like rustc, without colour.
    Plain,
    /// One JSON array of diagnostics per run.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum EvalFormat {
    /// For a person: the disposition, raised flags, then what is unknown.
    Text,
    /// The report as JSON.
    Json,
}

/// A failure that ends the command with exit code 1 and a message.
struct Failure(String);

/// Writes to stdout. A closed pipe (as with `| head`) is not an error worth
/// reporting, and must never be a panic.
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Writes to stderr, ignoring a closed stream for the same reason.
fn err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn read_text(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure(format!("error: cannot read `{}`: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        Failure(format!(
            "error: `{}` is not valid UTF-8 (first bad byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check { files, format } => check(&files, format),
        Command::Eval {
            rules,
            format,
            facts,
        } => eval(rules.as_deref(), format, &facts),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            err(&format!("{message}\n"));
            ExitCode::from(1)
        }
    }
}

fn check(files: &[PathBuf], format: CheckFormat) -> Result<ExitCode, Failure> {
    let mut failed = false;
    let mut json = Vec::new();
    let style = match format {
        CheckFormat::Human if std::io::stderr().is_terminal() => Style::Color,
        _ => Style::Plain,
    };
    for path in files {
        let source = match read_text(path) {
            Ok(s) => s,
            Err(Failure(m)) => {
                err(&format!("{m}\n"));
                failed = true;
                continue;
            }
        };
        let diags = dd_rules::check_source(&source, &path.display().to_string());
        failed |= diags.has_errors();
        match format {
            CheckFormat::Json => {
                if let serde_json::Value::Array(items) = diags.to_json() {
                    json.extend(items);
                }
            }
            _ => {
                err(&diags.render(style));
                let (errors, warnings) = (diags.errors().count(), diags.warnings().count());
                let verdict = if errors > 0 { "failed" } else { "ok" };
                err(&format!(
                    "{}: {verdict}: {errors} error(s), {warnings} warning(s)\n",
                    path.display()
                ));
            }
        }
    }
    if let CheckFormat::Json = format {
        out(&format!("{}\n", serde_json::Value::Array(json)));
    }
    Ok(ExitCode::from(u8::from(failed)))
}

fn load_rules(rules: Option<&Path>) -> Result<RuleSet, Failure> {
    let compiled = match rules {
        Some(path) => {
            let source = read_text(path)?;
            RuleSet::compile(&source, &path.display().to_string())
        }
        None => RuleSet::bundled(),
    };
    compiled.map_err(|e| {
        let style = if std::io::stderr().is_terminal() {
            Style::Color
        } else {
            Style::Plain
        };
        Failure(e.diagnostics.render(style).trim_end().to_string())
    })
}

fn eval(rules: Option<&Path>, format: EvalFormat, facts: &Path) -> Result<ExitCode, Failure> {
    let rules = load_rules(rules)?;
    let json = read_text(facts)?;
    let report: Report = rules
        .evaluate_json(&json)
        .map_err(|e| Failure(format!("error: `{}` is rejected: {e}", facts.display())))?;
    let text = match format {
        EvalFormat::Json => report.to_json_pretty() + "\n",
        EvalFormat::Text => text::render(&report),
    };
    out(&text);
    Ok(ExitCode::SUCCESS)
}
