//! The `dd-rules` command line: check rulesets, evaluate transactions, run
//! ruleset tests.
//!
//! Exit codes: 0 when all is well, 1 when a ruleset has errors, an input is
//! rejected or a test fails, 2 for a usage error. When the reader of the
//! standard output goes away (`| head`), the run ends at once, quietly,
//! with 0, as ripgrep's does.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod diff;
mod doc;
mod eval;
mod fmt;
mod html;
mod info;
mod io;
mod markdown;
mod stream;
mod summary;
mod testing;
mod text;
mod view;

use io::{ColorChoice, Failure};

/// Human-rights due-diligence rules for surveillance-capable sales.
///
/// A report is a recommendation for human review, never a legal clearance.
#[derive(Parser)]
#[command(
    name = "dd-rules",
    version,
    after_help = "Exit codes:\n  0    all is well\n  1    a ruleset has errors, an input is rejected, a test fails, or output cannot be written\n  2    usage error\n\nA closed standard output (as with `| head`) ends the run at once, quietly, with 0."
)]
struct Cli {
    /// When to use colour (`NO_COLOR` turns `auto` off).
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print only errors and results, no summaries.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// What every subcommand may need to know about the invocation.
#[derive(Clone, Copy)]
pub struct Global {
    /// Colour on stderr.
    pub color: bool,
    /// Colour on stdout (the text report).
    pub color_out: bool,
    /// No summaries.
    pub quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Check rulesets and print every diagnostic.
    #[command(
        after_help = "Examples:\n  dd-rules check rulesets/\n  dd-rules check --format json my.rules\n  dd-rules check --deny-warnings rulesets/us-state-2020.rules"
    )]
    Check(check::Args),
    /// Evaluate a JSON transaction and print the report.
    #[command(
        after_help = "Examples:\n  dd-rules eval examples/transactions/partial-facts.json\n  dd-rules eval --format json --rules my.rules tx.json\n  dd-rules eval --format html --date 2026-03-01 tx.json > report.html\n  dd-rules eval --format markdown tx.json > ticket.md\n  dd-rules eval --format decision --record-fact country.iso_code ledger.ndjson > decisions.ndjson"
    )]
    Eval(eval::Args),
    /// Print the fact schema of a ruleset as JSON Schema, to validate facts before evaluation,
    /// or with `--report` the schema of its JSON reports, with `--decision` that of its decision records.
    #[command(
        after_help = "Examples:\n  dd-rules schema > facts.schema.json\n  dd-rules schema --rules my.rules\n  dd-rules schema --report > report.schema.json\n  dd-rules schema --decision > decision.schema.json"
    )]
    Schema(info::SchemaArgs),
    /// Print a flag's or safeguard's definition, doc comment, citation, severity and mitigations.
    #[command(
        after_help = "Examples:\n  dd-rules explain S2.past_misuse_similar\n  dd-rules explain contract.cutoff_right"
    )]
    Explain(info::ExplainArgs),
    /// Write a ruleset's documentation: scope, how to write a facts document, every fact with
    /// its question and the flags that read it, every flag and safeguard, the disposition policy.
    #[command(
        after_help = "Examples:\n  dd-rules doc > us-state-2020.md\n  dd-rules doc --format html -o us-state-2020.html\n  dd-rules doc --rules rulesets/eu-2021-821-art5.rules -o docs/rulesets/eu-2021-821-art5.md"
    )]
    Doc(doc::Args),
    /// Run the test cases of rulesets (`*.tests.json` files).
    #[command(
        after_help = "What a test file names (its ruleset, facts files) must stay inside the directory given, the file's own directory when a file is given, or `--root`.\n\nExamples:\n  dd-rules test my-rules/\n  dd-rules test --root . rulesets/\n  dd-rules test --root rulesets --coverage rulesets/tests/us-state-2020/sanctions-and-listings.tests.json"
    )]
    Test(testing::Args),
    /// Summarise decision records or full reports (NDJSON from `eval`): counts by disposition,
    /// scope, flag, missing fact and any fact you name; with `--public`, the step-8
    /// transparency summary (aggregates only, small groups suppressed).
    #[command(
        after_help = "Examples:\n  dd-rules eval --format decision ledger.ndjson | dd-rules summary\n  dd-rules summary --by end_user.kind --by product.capabilities decisions.ndjson\n  dd-rules summary --public --period 2026 --format html -o step8-2026.html decisions.ndjson"
    )]
    Summary(summary::Args),
    /// Show what a ruleset change changes: what the two rulesets declare differently, and with
    /// facts, which transactions get another disposition or flag state.
    #[command(
        after_help = "Strictness: a disposition is stricter when it comes later in the NEW ruleset's outcomes (least strict first) than the old disposition, looked up there by name. A transaction whose old disposition is no outcome of the new ruleset (removed or renamed), or that one ruleset rejects and the other does not, cannot be ranked: it fails both `--fail-on-looser` and `--fail-on-stricter`.\n\nExamples:\n  dd-rules diff old.rules new.rules\n  dd-rules diff --format json old.rules new.rules ledger.ndjson > impact.json\n  dd-rules diff --fail-on-looser old.rules new.rules ledger.ndjson"
    )]
    Diff(diff::Args),
    /// Rewrite rulesets in the canonical style, keeping every comment.
    #[command(
        after_help = "A file with syntax errors is reported and left as it is.\n\nExamples:\n  dd-rules fmt rulesets/\n  dd-rules fmt --check rulesets/ my.rules"
    )]
    Fmt {
        /// The `.rules` files, or directories to search for them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Change nothing: list the files that are not formatted, and exit with 1 if any.
        #[arg(long)]
        check: bool,
    },
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
    let global = Global {
        color: cli.color.stderr(),
        color_out: cli.color.stdout(),
        quiet: cli.quiet,
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args, global),
        Command::Eval(args) => eval::run(&args, global),
        Command::Test(args) => testing::run(&args, global),
        Command::Schema(args) => info::schema(&args, global),
        Command::Explain(args) => info::explain(&args, global),
        Command::Doc(args) => doc::run(&args, global),
        Command::Summary(args) => summary::run(&args, global),
        Command::Diff(args) => diff::run(&args, global),
        Command::Fmt { paths, check } => fmt::run(&paths, check, global),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Error(message)) => {
            io::err(&format!("{message}\n"));
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            io::err(&format!("{message}\n"));
            ExitCode::from(2)
        }
        Err(Failure::Closed) => ExitCode::from(io::CLOSED_EXIT_CODE),
    }
}
