//! `dd-rules check`: every diagnostic of every ruleset named.

use std::path::PathBuf;
use std::process::ExitCode;

use dd_rules::Style;

use crate::Global;
use crate::io::{self, Failure};

/// Arguments of `check`.
#[derive(clap::Args)]
pub struct Args {
    /// The `.rules` files, or directories to search for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Rendered like rustc, in colour on a terminal.
    Human,
    /// Rendered like rustc, without colour or box drawing: for logs and screen readers.
    Plain,
    /// One JSON array of diagnostics for the whole run.
    Json,
}

/// Checks every file; exit 1 if any has errors (or warnings, when denied).
pub fn run(args: &Args, global: Global) -> Result<ExitCode, Failure> {
    let mut failed = false;
    let mut json = Vec::new();
    let style = match args.format {
        Format::Human if global.color => Style::Color,
        _ => Style::Plain,
    };
    let files = io::expand(&args.paths, ".rules");
    if files.is_empty() {
        return Err(Failure(
            "error: no `.rules` files found in the paths given".into(),
        ));
    }
    for path in files {
        let source = match io::read_text(&path) {
            Ok(s) => s,
            Err(Failure(m)) => {
                io::err(&format!("{m}\n"));
                failed = true;
                continue;
            }
        };
        let diags = dd_rules::check_source(&source, &path.display().to_string());
        let (errors, warnings) = (diags.errors().count(), diags.warnings().count());
        failed |= errors > 0 || (args.deny_warnings && warnings > 0);
        match args.format {
            Format::Json => {
                if let serde_json::Value::Array(items) = diags.to_json() {
                    json.extend(items);
                }
            }
            Format::Human | Format::Plain => {
                io::err(&diags.render(style));
                if !global.quiet {
                    let verdict = if errors > 0 || (args.deny_warnings && warnings > 0) {
                        "failed"
                    } else {
                        "ok"
                    };
                    io::err(&format!(
                        "{}: {verdict}: {errors} error(s), {warnings} warning(s)\n",
                        path.display()
                    ));
                }
            }
        }
    }
    if let Format::Json = args.format {
        io::out(&format!("{}\n", serde_json::Value::Array(json)));
    }
    Ok(ExitCode::from(u8::from(failed)))
}
