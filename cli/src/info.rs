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
    #[arg(long, conflicts_with = "decision")]
    report: bool,
    /// Print the JSON Schema of the ruleset's decision records
    /// (`eval --format decision`) instead of its facts.
    #[arg(long)]
    decision: bool,
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

/// Prints the fact schema, or with `--report` the report's (with
/// `--decision` the decision record's), as JSON Schema.
pub fn schema(args: &SchemaArgs, global: Global) -> Result<ExitCode, Failure> {
    let rules = crate::eval::load_rules(args.rules.as_deref(), global)?;
    let schema = if args.report {
        rules.report_json_schema()
    } else if args.decision {
        rules.decision_json_schema()
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
        condition(&mut out, f.condition);
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
        condition(&mut out, s.condition);
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
        condition(&mut out, scope.condition);
        out.push_str(&format!("  out of scope: {}\n", printable(scope.otherwise)));
        if let Some(d) = scope.docs {
            out.push('\n');
            for line in d.lines() {
                out.push_str(&format!("  {}\n", printable(line)));
            }
        }
    } else {
        return Err(Failure::Error(unknown_id(&rules, &args.id)));
    }
    io::out(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// A condition under `when:`, indented, each line escaped.
fn condition(out: &mut String, condition: &str) {
    out.push_str("  when:\n");
    for line in condition.lines() {
        out.push_str(&format!("    {}\n", printable(line)));
    }
}

/// The error for an id the ruleset does not declare, with the closest ids:
/// the one a typo most likely meant (`dd_rules::closest_name`), then
/// others that hold what was typed, at most five in all.
fn unknown_id(rules: &dd_rules::RuleSet, id: &str) -> String {
    let ids: Vec<&str> = rules
        .flags()
        .map(|f| f.id)
        .chain(rules.safeguards().map(|s| s.id))
        .chain(rules.scope().map(|_| "scope"))
        .collect();
    let mut close: Vec<&str> = dd_rules::closest_name(id, ids.iter().copied())
        .into_iter()
        .collect();
    let lower = id.to_lowercase();
    for candidate in &ids {
        if close.len() == 5 {
            break;
        }
        if !close.contains(candidate)
            && !lower.is_empty()
            && candidate.to_lowercase().contains(&lower)
        {
            close.push(candidate);
        }
    }
    let hint = match close.as_slice() {
        [] => "; `dd-rules doc` lists every flag and safeguard".to_string(),
        [one] => format!("; did you mean `{}`?", printable(one)),
        more => format!(
            "; did you mean one of: {}?",
            more.iter()
                .map(|c| format!("`{}`", printable(c)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "error: the ruleset `{}` has no flag or safeguard `{}`{hint}",
        printable(rules.name()),
        dd_rules::printable_prefix(id, 100)
    )
}
