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

/// Checks every file; exit 1 if any has errors (or warnings, when denied),
/// or cannot be read.
///
/// A file that cannot be read is reported where its diagnostics would be:
/// on stderr, or with `--format json` as an object of the array (`file`,
/// `severity` `error`, `message`, no code or position), and on stderr too.
pub fn run(args: &Args, global: Global) -> Result<ExitCode, Failure> {
    let mut failed = false;
    let mut json = Vec::new();
    let style = match args.format {
        Format::Human if global.color => Style::Color,
        _ => Style::Plain,
    };
    let mut walker = io::Walker::new(".rules");
    let files: Vec<_> = args.paths.iter().flat_map(|p| walker.expand(p)).collect();
    if files.is_empty() {
        return Err(Failure::Error(
            "error: no `.rules` files found in the paths given".into(),
        ));
    }
    for file in files {
        let read = file.and_then(|path| {
            let source = io::read_file(&path, io::Input::Rules)?;
            Ok((path, source))
        });
        let (path, source) = match read {
            Ok(read) => read,
            Err(e) => {
                io::err(&format!("error: {}\n", e.message));
                if let Format::Json = args.format {
                    json.push(unreadable(&e));
                }
                failed = true;
                continue;
            }
        };
        let name = match args.format {
            // Tools get the path as it is; a person gets it escaped.
            Format::Json => path.display().to_string(),
            Format::Human | Format::Plain => io::shown(&path).into_owned(),
        };
        let diags = dd_rules::check_source(&source, &name);
        let (errors, warnings) = (diags.errors().count(), diags.warnings().count());
        failed |= errors > 0 || (args.deny_warnings && warnings > 0);
        match args.format {
            Format::Json => {
                if let Ok(serde_json::Value::Array(items)) = serde_json::to_value(&diags) {
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
                        "{name}: {verdict}: {errors} error(s), {warnings} warning(s)\n"
                    ));
                }
            }
        }
    }
    if let Format::Json = args.format {
        io::out(&format!("{}\n", serde_json::Value::Array(json)))?;
    }
    Ok(ExitCode::from(u8::from(failed)))
}

/// The JSON object of a file that could not be read: shaped like a
/// diagnostic, without a code or a position.
fn unreadable(e: &io::ReadError) -> serde_json::Value {
    serde_json::json!({
        "code": null,
        "file": e.path.as_ref().map(|p| p.display().to_string()),
        "message": e.message,
        "severity": "error",
    })
}
