//! `dd-rules fmt`: rewrite rulesets in the canonical style, or with
//! `--check` list the ones that are not.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dd_rules::{FormatError, Style};

use crate::Global;
use crate::io::{self, Failure};

/// Formats every file named (directories are searched for `*.rules`).
///
/// A file with syntax errors, or one that cannot be read, is reported and
/// left as it is; `-q` leaves out the summary. Exit code 1 when any file has
/// errors, or with `check` when any file would change; 0 otherwise.
pub fn run(paths: &[PathBuf], check: bool, global: Global) -> Result<ExitCode, Failure> {
    let files = io::expand(paths, ".rules");
    if files.is_empty() {
        return Err(Failure(
            "error: no `.rules` files found in the paths given".into(),
        ));
    }
    let mut failed = false;
    let mut changed = 0;
    for path in &files {
        match format_file(path, check, global) {
            Ok(false) => {}
            Ok(true) => {
                changed += 1;
                if check {
                    io::out(&format!("{}\n", path.display()));
                }
            }
            Err(Failure(message)) => {
                io::err(&format!("{message}\n"));
                failed = true;
            }
        }
    }
    if changed > 0 && !global.quiet {
        let total = files.len();
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
    let name = path.display().to_string();
    let source = io::read_text(path)?;
    let formatted = match dd_rules::format_source(&source, &name) {
        Ok(f) => f,
        Err(FormatError::Syntax(e)) => {
            return Err(Failure(format!(
                "{}error: `{name}` has syntax errors, so it was not formatted",
                e.diagnostics.render(if global.color {
                    Style::Color
                } else {
                    Style::Plain
                })
            )));
        }
        Err(e) => return Err(Failure(format!("error: {e}"))),
    };
    if formatted == source {
        return Ok(false);
    }
    if !check {
        write_replacing(path, &formatted)
            .map_err(|e| Failure(format!("error: cannot write `{name}`: {e}")))?;
    }
    Ok(true)
}

/// Replaces a file's contents without ever leaving it half written: the text
/// goes to a new file beside it, which is then renamed over it. A symbolic
/// link stays a link: the file it points to is the one replaced.
fn write_replacing(path: &Path, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let path = real.as_path();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{file_name}.dd-rules-fmt.tmp"));
    let result = std::fs::write(&temp, text)
        .and_then(|()| {
            let permissions = std::fs::metadata(path)?.permissions();
            std::fs::set_permissions(&temp, permissions)
        })
        .and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
