//! `dd-rules fmt`: rewrite rulesets in the canonical style, or with
//! `--check` list the ones that are not.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::{FormatError, Style};

use crate::Global;
use crate::io::{self, Failure};

/// Formats every file named (directories are searched for `*.rules`).
///
/// A file with syntax errors, one that cannot be read, and a read-only one
/// are reported and left as they are; `-q` leaves out the summary. Exit
/// code 1 when any file has errors, or with `check` when any file would
/// change; 0 otherwise.
pub fn run(paths: &[PathBuf], check: bool, global: Global) -> Result<ExitCode, Failure> {
    let mut walker = io::Walker::new(".rules");
    let files: Vec<_> = paths.iter().flat_map(|p| walker.expand(p)).collect();
    if files.is_empty() {
        return Err(Failure::Error(
            "error: no `.rules` files found in the paths given".into(),
        ));
    }
    let mut failed = false;
    let mut changed = 0;
    let total = files.len();
    for file in files {
        let outcome = file
            .map_err(Failure::from)
            .and_then(|path| Ok((format_file(&path, check, global)?, path)));
        match outcome {
            Ok((false, _)) => {}
            Ok((true, path)) => {
                changed += 1;
                if check {
                    io::out(&format!("{}\n", io::shown(&path)))?;
                }
            }
            Err(Failure::Error(message)) => {
                io::err(&format!("{message}\n"));
                failed = true;
            }
            Err(closed) => return Err(closed),
        }
    }
    if changed > 0 && !global.quiet {
        let summary = if check {
            format!(
                "{changed} of {total} file(s) would be reformatted; run `dd-rules fmt` on them\n"
            )
        } else {
            format!("{changed} of {total} file(s) reformatted\n")
        };
        io::err(&summary);
    }
    Ok(ExitCode::from(u8::from(failed || (check && changed > 0))))
}

/// Formats one file; whether it changed (or, with `check`, would change).
fn format_file(path: &Path, check: bool, global: Global) -> Result<bool, Failure> {
    let name = io::shown(path).into_owned();
    let source = io::read_file(path, io::Input::Rules)?;
    let formatted = match dd_rules::format_source(&source, &name) {
        Ok(f) => f,
        Err(FormatError::Syntax(e)) => {
            return Err(Failure::Error(format!(
                "{}error: `{name}` has syntax errors, so it was not formatted",
                e.diagnostics.render(if global.color {
                    Style::Color
                } else {
                    Style::Plain
                })
            )));
        }
        Err(e) => return Err(Failure::Error(format!("error: {e}"))),
    };
    if formatted == source {
        return Ok(false);
    }
    if !check {
        let cannot =
            |e: std::io::Error| Failure::Error(format!("error: cannot write `{name}`: {e}"));
        if io::is_read_only(path).map_err(cannot)? {
            return Err(Failure::Error(format!(
                "error: `{name}` is read-only; not formatted"
            )));
        }
        io::replace(path, &formatted).map_err(cannot)?;
    }
    Ok(true)
}
