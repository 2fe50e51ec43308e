//! `dd-rules schema` and `dd-rules explain`: what a ruleset declares.

use std::path::PathBuf;
use std::process::ExitCode;

use dd_rules::printable;

use crate::Global;
use crate::io::{self, Failure};

/// Arguments of `schema`.
#[derive(clap::Args)]
pub struct SchemaArgs {
    /// The ruleset; the bundled one when omitted.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Print the JSON Schema of the ruleset's reports (`eval --format json`,
    /// advised or not) instead of its facts.
    #[arg(long)]
    report: bool,
}

/// Arguments of `explain`.
#[derive(clap::Args)]
pub struct ExplainArgs {
    /// The ruleset; the bundled one when omitted.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// The id of a flag or safeguard, such as `S2.past_misuse_similar`, or `scope`.
    id: String,
}

/// Prints the fact schema, or with `--report` the report's, as JSON Schema.
pub fn schema(args: &SchemaArgs, global: Global) -> Result<ExitCode, Failure> {
    let rules = crate::eval::load_rules(args.rules.as_deref(), global)?;
    let schema = if args.report {
        rules.report_json_schema()
    } else {
        rules.json_schema()
    };
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|e| Failure::Error(format!("error: cannot write the schema: {e}")))?;
    io::out(&format!("{text}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// Prints a flag's or safeguard's definition. Every text from the ruleset
/// is escaped (`dd_rules::printable`): it goes to a terminal.
pub fn explain(args: &ExplainArgs, global: Global) -> Result<ExitCode, Failure> {
    let rules = crate::eval::load_rules(args.rules.as_deref(), global)?;
    let mut out = String::new();
    if let Some(f) = rules.flags().find(|f| f.id == args.id) {
        out.push_str(&format!(
            "flag {}: {}\n",
            printable(f.id),
            printable(f.title)
        ));
        out.push_str(&format!("  step {}, severity {}\n", f.step, f.severity));
        if let Some(c) = f.citation {
            out.push_str(&format!("  citation: {}\n", printable(c)));
        }
        if f.mitigated_by.is_empty() {
            out.push_str("  mitigated by: nothing; no safeguard clears this flag\n");
        } else {
            out.push_str(&format!(
                "  mitigated by (all of): {}\n",
                printable(&f.mitigated_by.join(", "))
            ));
        }
        if let Some(d) = f.docs {
            out.push('\n');
            for line in d.lines() {
                out.push_str(&format!("  {}\n", printable(line)));
            }
        }
    } else if let Some(s) = rules.safeguards().find(|s| s.id == args.id) {
        out.push_str(&format!(
            "safeguard {}: {}\n",
            printable(s.id),
            printable(s.title)
        ));
        out.push_str(&format!("  step {}\n", s.step));
        if let Some(c) = s.citation {
            out.push_str(&format!("  citation: {}\n", printable(c)));
        }
        let flags: Vec<String> = rules
            .flags()
            .filter(|f| f.mitigated_by.contains(&s.id))
            .map(|f| printable(f.id).into_owned())
            .collect();
        out.push_str(&format!(
            "  mitigates: {}\n",
            if flags.is_empty() {
                "no flag".into()
            } else {
                flags.join(", ")
            }
        ));
        if let Some(d) = s.docs {
            out.push('\n');
            for line in d.lines() {
                out.push_str(&format!("  {}\n", printable(line)));
            }
        }
    } else if let Some(scope) = rules.scope().filter(|_| args.id == "scope") {
        // `scope` names the scope unless a flag or safeguard has that id.
        out.push_str(&format!("scope: {}\n", printable(scope.title)));
        if let Some(c) = scope.citation {
            out.push_str(&format!("  citation: {}\n", printable(c)));
        }
        out.push_str(&format!("  out of scope: {}\n", printable(scope.otherwise)));
        if let Some(d) = scope.docs {
            out.push('\n');
            for line in d.lines() {
                out.push_str(&format!("  {}\n", printable(line)));
            }
        }
    } else {
        let ids: Vec<String> = rules
            .flags()
            .map(|f| f.id.to_string())
            .chain(rules.safeguards().map(|s| s.id.to_string()))
            .collect();
        let close: Vec<&String> = ids
            .iter()
            .filter(|i| i.to_lowercase().contains(&args.id.to_lowercase()))
            .take(5)
            .collect();
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!(
                "; similar ids: {}",
                printable(
                    &close
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            )
        };
        return Err(Failure::Error(format!(
            "error: the ruleset `{}` has no flag or safeguard `{}`{hint}",
            printable(rules.name()),
            dd_rules::printable_prefix(&args.id, 100)
        )));
    }
    io::out(&out)?;
    Ok(ExitCode::SUCCESS)
}
