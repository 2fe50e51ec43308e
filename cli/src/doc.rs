//! `dd-rules doc`: a ruleset's documentation, generated from the ruleset
//! alone, in Markdown or as one self-contained HTML file.
//!
//! The document is built once as blocks (`render.rs`) and rendered in
//! either format. It holds what someone who has never seen dd-rules needs to
//! write the facts of a transaction and read its report: the scope, how to
//! write a facts document (with an example built from the schema), every
//! fact with its question and the conditions that read it, every flag and
//! safeguard with its condition, and the disposition policy in words.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use dd_rules::{FactInfo, FactKind, RuleSet};

use crate::Global;
use crate::io::{self, Failure};

mod example;
mod predicates;
mod render;

use render::{Anchors, Block, Inline, Line, code, doc_line, link_code, text};

/// The output formats.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Markdown (CommonMark, with GitHub's tables).
    Markdown,
    /// One HTML file: inline CSS, no script, nothing fetched; printable.
    Html,
}

/// Arguments of `doc`.
#[derive(clap::Args)]
pub struct Args {
    /// The ruleset; the bundled one when omitted.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// The format of the document.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Write the document to this file (created, or replaced atomically)
    /// instead of the standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Prints, or writes, the documentation of a ruleset.
pub fn run(args: &Args, global: Global) -> Result<ExitCode, Failure> {
    let rules = crate::eval::load_rules(args.rules.as_deref(), global)?;
    let from = match &args.rules {
        Some(path) => format!("`{}`", io::shown(path)),
        None => "the bundled ruleset".to_string(),
    };
    let note = format!(
        "Generated from {from} by `dd-rules doc`; do not edit by hand. {}",
        regenerate_hint(args)
    );
    let blocks = document(&rules);
    let text = match args.format {
        Format::Markdown => format!("{}\n", render::markdown(&blocks, &note)),
        Format::Html => render::html(&blocks, &note),
    };
    match &args.output {
        Some(path) => {
            io::write_file(path, &text).map_err(|e| {
                Failure::Error(format!("error: cannot write `{}`: {e}", io::shown(path)))
            })?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            io::out(&text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The command that writes this document again.
fn regenerate_hint(args: &Args) -> String {
    let mut command = String::from("dd-rules doc");
    if let Some(rules) = &args.rules {
        command.push_str(&format!(" --rules {}", io::shown(rules)));
    }
    if let Format::Html = args.format {
        command.push_str(" --format html");
    }
    // Not the output file: the same ruleset gives the same bytes wherever
    // they go.
    format!("Regenerate with `{command} -o FILE`.")
}

/// The anchors of the things documents link to.
struct Names {
    predicates: BTreeMap<String, String>,
    flags: BTreeMap<String, String>,
    safeguards: BTreeMap<String, String>,
    facts: BTreeMap<String, String>,
    types: BTreeMap<String, String>,
}

/// The whole document.
pub fn document(rules: &RuleSet) -> Vec<Block> {
    let facts: Vec<FactInfo<'_>> = rules.facts().collect();
    let mut anchors = Anchors::default();
    for reserved in [
        "scope",
        "facts-document",
        "facts",
        "enums",
        "predicates",
        "flags",
        "safeguards",
        "policy",
    ] {
        anchors.make("", reserved);
    }
    let names = Names {
        predicates: predicates::anchors(rules, &mut anchors),
        flags: rules
            .flags()
            .map(|f| (f.id.to_string(), anchors.make("flag-", f.id)))
            .collect(),
        safeguards: rules
            .safeguards()
            .map(|s| (s.id.to_string(), anchors.make("safeguard-", s.id)))
            .collect(),
        facts: facts
            .iter()
            .map(|f| (f.path.clone(), anchors.make("fact-", &f.path)))
            .collect(),
        types: BTreeMap::new(),
    };
    let mut names = names;
    for f in &facts {
        if matches!(f.kind, FactKind::Enum | FactKind::Set) {
            let name = enum_name(f);
            if let std::collections::btree_map::Entry::Vacant(e) = names.types.entry(name) {
                let a = anchors.make("enum-", e.key());
                e.insert(a);
            }
        }
    }
    let mut out = Vec::new();
    header(rules, &mut out);
    scope(rules, &facts, &names, &mut out);
    facts_document(rules, &facts, &names, &mut out);
    fact_reference(&facts, &names, &mut out);
    predicates::section(rules, &names, &mut out);
    flags(rules, &facts, &names, &mut out);
    safeguards(rules, &facts, &names, &mut out);
    policy(rules, &mut out);
    out
}

fn heading(level: u8, line: Line, anchor: &str) -> Block {
    Block::Heading {
        level,
        text: line,
        anchor: anchor.to_string(),
    }
}

fn header(rules: &RuleSet, out: &mut Vec<Block>) {
    out.push(heading(1, vec![text(rules.title())], "top"));
    out.push(Block::Para(vec![
        text("Ruleset "),
        code(rules.name()),
        text(", version "),
        code(rules.version()),
        text(", digest "),
        code(&rules.reference().digest),
        text("."),
    ]));
    out.push(Block::Para(vec![
        Inline::Strong("Source:".into()),
        text(format!(" {}", rules.source_citation())),
    ]));
    if let Some(docs) = rules.docs() {
        out.push(Block::Docs(docs.to_string()));
    }
    out.push(Block::Para(vec![
        text("What the engine gives for a transaction is "),
        Inline::Strong(dd_rules::NOTICE.into()),
        text(
            ". It weighs only the facts it is given: a fact left out is unknown, never false, \
             and the flags it decides are reported as unknown.",
        ),
    ]));
    out.push(Block::Contents);
}

fn scope(rules: &RuleSet, facts: &[FactInfo<'_>], names: &Names, out: &mut Vec<Block>) {
    let Some(scope) = rules.scope() else {
        return;
    };
    out.push(heading(2, vec![text("Scope")], "scope"));
    out.push(Block::Para(vec![Inline::Strong(scope.title.into())]));
    if let Some(c) = scope.citation {
        out.push(Block::Para(vec![text(format!("Citation: {c}"))]));
    }
    out.push(Block::Para(vec![text(
        "A transaction is in scope when this condition holds:",
    )]));
    out.push(Block::Code(scope.condition.to_string()));
    out.extend(predicates::used_line(
        rules,
        scope.condition,
        &names.predicates,
    ));
    out.push(Block::Para(vec![
        text("Out of scope, the disposition is "),
        code(scope.otherwise),
        text(" and no flag counts. While the condition is unknown, the facts it reads come first among those to gather."),
    ]));
    let read: Vec<&FactInfo<'_>> = facts.iter().filter(|f| f.read_by_scope).collect();
    if !read.is_empty() {
        out.push(Block::Para(fact_links("Facts it reads: ", &read, names)));
    }
    if let Some(d) = scope.docs {
        out.push(Block::Docs(d.to_string()));
    }
}

/// "Facts it reads: `a`, `b`." with links.
fn fact_links(lead: &str, facts: &[&FactInfo<'_>], names: &Names) -> Line {
    let mut line = vec![text(lead)];
    for (i, f) in facts.iter().enumerate() {
        if i > 0 {
            line.push(text(", "));
        }
        line.push(link(&f.path, &names.facts));
    }
    line.push(text("."));
    line
}

fn link(id: &str, anchors: &BTreeMap<String, String>) -> Inline {
    match anchors.get(id) {
        Some(a) => link_code(id, a.as_str()),
        None => code(id),
    }
}

/// The enum a fact of an enum or set type names.
fn enum_name(f: &FactInfo<'_>) -> String {
    f.ty.strip_prefix("set<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(&f.ty)
        .to_string()
}

/// How a facts document writes a value of this kind.
fn json_form(f: &FactInfo<'_>) -> String {
    match f.kind {
        FactKind::Bool => "`true` or `false`".into(),
        FactKind::Int => "a whole number".into(),
        FactKind::Decimal => "a number, read exactly (`0.35` is never a float)".into(),
        FactKind::String => "a string".into(),
        FactKind::Enum => "one of the values below, as a string".into(),
        FactKind::Set => "an array of the values below, each at most once".into(),
        FactKind::Record => "an object of the fields below".into(),
        FactKind::List => "an array of objects, each with the fields below".into(),
        _ => "a value".into(),
    }
}

fn facts_document(rules: &RuleSet, facts: &[FactInfo<'_>], names: &Names, out: &mut Vec<Block>) {
    out.push(heading(
        2,
        vec![text("How to write a facts document")],
        "facts-document",
    ));
    out.push(Block::Para(vec![text(
        "The facts of one transaction are a JSON object. Its keys are the top-level facts below, \
         plus an optional ",
    ), code("\"id\""), text(" string that names the transaction in the report. A record is an object of its fields, a list is an array of such objects, an enum value is a string, a set is an array of strings.")]));
    let top: Vec<Line> = facts
        .iter()
        .filter(|f| !f.path.contains(['.', '[']))
        .map(|f| {
            let mut line = vec![link(&f.path, &names.facts), text(": "), code(&f.ty)];
            if f.kind == FactKind::List {
                line.push(text(" (an array of objects)"));
            } else if f.kind == FactKind::Record {
                line.push(text(" (an object)"));
            }
            if f.required {
                line.push(text(", required"));
            }
            line
        })
        .collect();
    out.push(Block::List {
        ordered: false,
        items: top,
    });
    out.push(Block::Para(vec![
        Inline::Strong("Unknown facts.".into()),
        text(" Leave a fact out, or write "),
        code("null"),
        text(
            ": either way it is unknown. Never write a guess: an unknown fact keeps the flags \
             that read it unknown, and the report lists it among the facts to gather. A fact \
             marked required is the screening every transaction in scope should have; left out, \
             it is unknown like any other.",
        ),
    ]));
    // A number read by a flag shows provenance best (a score and its
    // source); else any fact that may carry it.
    let leaf = facts
        .iter()
        .find(|f| {
            matches!(f.kind, FactKind::Int | FactKind::Decimal)
                && !f.read_by_flags.is_empty()
                && !f.path.contains('[')
        })
        .or_else(|| {
            facts
                .iter()
                .find(|f| !matches!(f.kind, FactKind::Record | FactKind::List))
        });
    out.push(Block::Para(vec![
        Inline::Strong("Provenance.".into()),
        text(" Any fact that is not a record or a list may be written as "),
        code("{\"value\": …, \"source\": \"…\", \"as_of\": \"…\"}"),
        text(" (only "),
        code("value"),
        text(
            " is required): the report quotes the source and date beside the value in its evidence.",
        ),
    ]));
    if let Some(f) = leaf {
        out.push(Block::Code(example::with_provenance(f)));
    }
    out.push(Block::Para(vec![
        Inline::Strong("Mistakes are refused.".into()),
        text(
            " An unknown key, a value of the wrong type, a value not among an enum's, a key given \
             twice: the document is refused with the JSON path, line and column. ",
        ),
        code("dd-rules schema"),
        text(" prints the same schema as JSON Schema, for validating documents before they reach the engine."),
    ]));
    out.push(Block::Para(vec![text(
        "A minimal document, with the required facts only (values for illustration):",
    )]));
    out.push(Block::Code(example::example(rules).text(true)));
    out.push(Block::Para(vec![
        text("Evaluate it with "),
        code(format!("dd-rules eval {}facts.json", rules_flag(rules))),
        text(
            ". The report says which flags are raised, clear or unknown, and lists the missing facts \
             whose answers matter, as questions (the question text of each fact below).",
        ),
    ]));
}

/// `--rules FILE ` for a ruleset that is not the bundled one.
fn rules_flag(rules: &RuleSet) -> String {
    let bundled = RuleSet::bundled().is_ok_and(|b| b.reference() == rules.reference());
    if bundled {
        String::new()
    } else {
        format!("--rules {}.rules ", rules.name())
    }
}

fn fact_reference(facts: &[FactInfo<'_>], names: &Names, out: &mut Vec<Block>) {
    out.push(heading(2, vec![text("Facts")], "facts"));
    out.push(Block::Para(vec![
        text(
            "Every fact the schema declares, by its path: a field of every element of a list is written \
             with ",
        ),
        code("[]"),
        text(" ("),
        code("parties[].role"),
        text("; a report names one element's field with its index, "),
        code("parties[0].role"),
        text("). Each gives its type, the question it answers, and the flags and safeguards whose conditions read it, directly or through predicates."),
    ]));
    for f in facts {
        let a = names.facts.get(&f.path).map_or("", String::as_str);
        let mut title = vec![code(&f.path)];
        if f.required {
            title.push(text(" (required)"));
        }
        let level = if f.path.contains(['.', '[']) { 4 } else { 3 };
        out.push(heading(level, title, a));
        let mut line = vec![Inline::Strong("Type:".into()), text(" ")];
        match names.types.get(&enum_name(f)) {
            Some(t) if matches!(f.kind, FactKind::Enum | FactKind::Set) => {
                if f.kind == FactKind::Set {
                    line.push(text("set of "));
                }
                line.push(link_code(enum_name(f), t.as_str()));
            }
            _ => line.push(code(&f.ty)),
        }
        line.push(text(" — "));
        line.extend(doc_line(&format!("{}.", json_form(f))));
        out.push(Block::Para(line));
        if !f.values.is_empty() {
            let mut values = vec![Inline::Strong("Values:".into()), text(" ")];
            for (i, v) in f.values.iter().enumerate() {
                if i > 0 {
                    values.push(text(", "));
                }
                values.push(code(v.name));
            }
            values.push(text("."));
            out.push(Block::Para(values));
        }
        match f.docs {
            Some(d) => out.push(Block::Docs(d.to_string())),
            None => {
                if let Some(d) = f
                    .type_docs
                    .filter(|_| matches!(f.kind, FactKind::Record | FactKind::List))
                {
                    out.push(Block::Docs(d.to_string()));
                }
            }
        }
        let mut readers: Vec<Inline> = Vec::new();
        if f.read_by_scope {
            readers.push(Inline::Link {
                text: "the scope".into(),
                anchor: "scope".into(),
                code: false,
            });
        }
        for id in &f.read_by_flags {
            readers.push(link(id, &names.flags));
        }
        for id in &f.read_by_safeguards {
            readers.push(link(id, &names.safeguards));
        }
        if !readers.is_empty() {
            let mut line = vec![Inline::Strong("Read by:".into()), text(" ")];
            for (i, r) in readers.into_iter().enumerate() {
                if i > 0 {
                    line.push(text(", "));
                }
                line.push(r);
            }
            line.push(text("."));
            out.push(Block::Para(line));
        }
    }
    enums(facts, names, out);
}

fn enums(facts: &[FactInfo<'_>], names: &Names, out: &mut Vec<Block>) {
    if names.types.is_empty() {
        return;
    }
    out.push(heading(3, vec![text("Enumerations")], "enums"));
    let mut done = std::collections::BTreeSet::new();
    for f in facts {
        if !matches!(f.kind, FactKind::Enum | FactKind::Set) {
            continue;
        }
        let name = enum_name(f);
        if !done.insert(name.clone()) {
            continue;
        }
        let a = names.types.get(&name).map_or("", String::as_str);
        out.push(heading(4, vec![code(&name)], a));
        if let Some(d) = f.type_docs {
            out.push(Block::Docs(d.to_string()));
        }
        out.push(Block::Table {
            head: vec!["Value".into(), "Meaning".into()],
            rows: f
                .values
                .iter()
                .map(|v| vec![vec![code(v.name)], doc_line(v.docs.unwrap_or(""))])
                .collect(),
        });
    }
}

/// "stated" or "derived" from a citation's ending, when it says.
fn provenance(citation: Option<&str>) -> Option<&'static str> {
    let c = citation?.trim_end();
    if c.ends_with("(stated)") {
        Some("stated")
    } else if c.ends_with("(derived)") {
        Some("derived")
    } else {
        None
    }
}

/// Groups of things by step, in step order.
fn by_step<T>(items: Vec<(u8, T)>) -> BTreeMap<u8, Vec<T>> {
    let mut out: BTreeMap<u8, Vec<T>> = BTreeMap::new();
    for (step, item) in items {
        out.entry(step).or_default().push(item);
    }
    out
}

fn citation_line(citation: Option<&str>) -> Option<Block> {
    let c = citation?;
    Some(Block::Para(vec![
        Inline::Strong("Citation:".into()),
        text(format!(" {c}")),
    ]))
}

fn reads_line<'a>(
    id: &str,
    facts: &[FactInfo<'a>],
    names: &Names,
    of: for<'b> fn(&'b FactInfo<'a>) -> &'b [&'a str],
) -> Option<Block> {
    let read: Vec<&FactInfo<'_>> = facts.iter().filter(|f| of(f).contains(&id)).collect();
    (!read.is_empty()).then(|| Block::Para(fact_links("Facts it reads: ", &read, names)))
}

fn flags(rules: &RuleSet, facts: &[FactInfo<'_>], names: &Names, out: &mut Vec<Block>) {
    out.push(heading(2, vec![text("Red flags")], "flags"));
    let all: Vec<_> = rules.flags().collect();
    if all.iter().any(|f| provenance(f.citation).is_some()) {
        out.push(Block::Para(vec![text(
            "\"Stated\" means the source names the flag itself; \"derived\" means it is the \
             ruleset's reading of what the source asks for, never a quotation.",
        )]));
    }
    out.push(Block::Para(vec![text(
        "A flag is raised when its condition holds, clear when it does not, and unknown when \
         missing facts keep it undecided. A raised flag is mitigated only when every safeguard \
         listed for it is in place.",
    )]));
    let safeguards: BTreeMap<&str, &str> = rules.safeguards().map(|s| (s.id, s.title)).collect();
    for (step, group) in by_step(all.into_iter().map(|f| (f.step, f)).collect()) {
        out.push(heading(
            3,
            vec![text(format!("Step {step}"))],
            &format!("flags-step-{step}"),
        ));
        for f in group {
            let a = names.flags.get(f.id).map_or("", String::as_str);
            out.push(heading(
                4,
                vec![code(f.id), text(format!(" — {}", f.title))],
                a,
            ));
            out.push(Block::Para(vec![
                Inline::Strong("Severity:".into()),
                text(format!(" {}. Step {}.", f.severity, f.step)),
            ]));
            out.extend(citation_line(f.citation));
            out.push(Block::Para(vec![text("Raised when:")]));
            out.push(Block::Code(f.condition.to_string()));
            out.extend(predicates::used_line(rules, f.condition, &names.predicates));
            if f.mitigated_by.is_empty() {
                out.push(Block::Para(vec![
                    Inline::Strong("Mitigated by:".into()),
                    text(" nothing; no safeguard mitigates this flag."),
                ]));
            } else {
                out.push(Block::Para(vec![Inline::Strong(
                    "Mitigated when all of these are in place:".into(),
                )]));
                out.push(Block::List {
                    ordered: false,
                    items: f
                        .mitigated_by
                        .iter()
                        .map(|s| {
                            let title = safeguards.get(s).copied().unwrap_or_default();
                            vec![link(s, &names.safeguards), text(format!(" — {title}"))]
                        })
                        .collect(),
                });
            }
            out.extend(reads_line(f.id, facts, names, |f| &f.read_by_flags));
            if let Some(d) = f.docs {
                out.push(Block::Docs(d.to_string()));
            }
        }
    }
}

fn safeguards(rules: &RuleSet, facts: &[FactInfo<'_>], names: &Names, out: &mut Vec<Block>) {
    let all: Vec<_> = rules.safeguards().collect();
    if all.is_empty() {
        return;
    }
    out.push(heading(2, vec![text("Safeguards")], "safeguards"));
    out.push(Block::Para(vec![text(
        "A safeguard is in place when its condition holds; one whose facts are missing is not in place.",
    )]));
    let flags: Vec<_> = rules.flags().collect();
    for (step, group) in by_step(all.into_iter().map(|s| (s.step, s)).collect()) {
        out.push(heading(
            3,
            vec![text(format!("Step {step}"))],
            &format!("safeguards-step-{step}"),
        ));
        for s in group {
            let a = names.safeguards.get(s.id).map_or("", String::as_str);
            out.push(heading(
                4,
                vec![code(s.id), text(format!(" — {}", s.title))],
                a,
            ));
            out.push(Block::Para(vec![
                Inline::Strong("Step:".into()),
                text(format!(" {}.", s.step)),
            ]));
            out.extend(citation_line(s.citation));
            out.push(Block::Para(vec![text("In place when:")]));
            out.push(Block::Code(s.condition.to_string()));
            out.extend(predicates::used_line(rules, s.condition, &names.predicates));
            let mitigates: Vec<Line> = flags
                .iter()
                .filter(|f| f.mitigated_by.contains(&s.id))
                .map(|f| vec![link(f.id, &names.flags), text(format!(" — {}", f.title))])
                .collect();
            if mitigates.is_empty() {
                out.push(Block::Para(vec![
                    Inline::Strong("Mitigates:".into()),
                    text(" no flag."),
                ]));
            } else {
                out.push(Block::Para(vec![Inline::Strong(
                    "Helps mitigate (with the other safeguards each lists):".into(),
                )]));
                out.push(Block::List {
                    ordered: false,
                    items: mitigates,
                });
            }
            out.extend(reads_line(s.id, facts, names, |f| &f.read_by_safeguards));
            if let Some(d) = s.docs {
                out.push(Block::Docs(d.to_string()));
            }
        }
    }
}

fn policy(rules: &RuleSet, out: &mut Vec<Block>) {
    let policy = rules.policy();
    out.push(heading(2, vec![text("Outcomes and disposition")], "policy"));
    if let Some(d) = policy.outcomes_docs {
        out.push(Block::Docs(d.to_string()));
    }
    out.push(Block::Para(vec![text("The outcomes, least strict first:")]));
    out.push(Block::List {
        ordered: true,
        items: policy
            .outcomes
            .iter()
            .map(|o| {
                let mut line = vec![code(o.name)];
                if let Some(d) = o.docs {
                    line.push(text(": "));
                    line.extend(doc_line(d));
                }
                line
            })
            .collect(),
    });
    if let Some(d) = policy.docs {
        out.push(Block::Docs(d.to_string()));
    }
    out.push(Block::Para(vec![text(
        "The disposition is the outcome of the first case that holds, in this order:",
    )]));
    for (n, case) in policy.cases.iter().enumerate() {
        match case.condition {
            Some(c) => {
                out.push(Block::Para(vec![
                    Inline::Strong(format!("{}.", n + 1)),
                    text(" When"),
                ]));
                out.push(Block::Code(c.to_string()));
                out.push(Block::Para(vec![text("→ "), code(case.outcome)]));
            }
            None => out.push(Block::Para(vec![
                Inline::Strong(format!("{}.", n + 1)),
                text(" Otherwise → "),
                code(case.outcome),
            ])),
        }
    }
    out.push(Block::Para(vec![
        text("In a case, "),
        code("flags(raised, unmitigated, severity >= high)"),
        text(" stands for the flags with that status, mitigation and severity (a filter left out allows any); "),
        code("any"),
        text(", "),
        code("no"),
        text(" and "),
        code("count … >= n"),
        text(" say how many of them there are."),
    ]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_loads_for_every_bundled_ruleset() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for name in ["us-state-2020", "eu-2021-821-art5"] {
            let path = root.join(format!("rulesets/{name}.rules"));
            let source = std::fs::read_to_string(&path).unwrap();
            let rules = RuleSet::compile(&source, name).unwrap();
            let text = example::example(&rules).text(true);
            let facts = rules.facts_from_json(&text);
            assert!(facts.is_ok(), "{name}: {text} does not load: {facts:?}");
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert!(value["end_user"]["sanctioned"].is_boolean(), "{text}");
            assert!(value["parties"][0]["listed"].is_boolean(), "{text}");
            let facts = rules
                .facts()
                .find(|f| f.path == "country.freedom_score")
                .unwrap();
            let with = example::with_provenance(&facts);
            assert!(rules.facts_from_json(&with).is_ok(), "{with}");
        }
    }
}
