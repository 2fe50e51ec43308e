//! Builds the full [`Report`] from the compiled evaluator's results.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::value::RawValue;

use super::machine::Machine;
use super::tri::Tri;
use crate::check::Checked;
use crate::compile::Program;
use crate::facts::Facts;
use crate::facts::render::value_json;
use crate::report::{
    Evidence, FlagReport, Mitigation, NOTICE, Report, RulesetRef, SafeguardReport, SafeguardStatus,
    Severity, Status,
};

/// The statuses of one evaluation, before any string is built.
pub(crate) struct Results {
    pub flags: Vec<Tri>,
    pub safeguards: Vec<Tri>,
    pub mitigated: Vec<bool>,
    pub case: usize,
}

/// The results of a machine whose predicates are evaluated.
fn results_of(m: &mut Machine<'_, '_>, program: &Program) -> Results {
    let safeguards: Vec<Tri> = program.safeguards.iter().map(|&n| m.eval(n)).collect();
    let flags: Vec<Tri> = program.flags.iter().map(|f| m.eval(f.cond)).collect();
    let mitigated: Vec<bool> = program
        .flags
        .iter()
        .map(|f| {
            !f.mitigated_by.is_empty()
                && f.mitigated_by
                    .iter()
                    .all(|&s| safeguards.get(s as usize) == Some(&Tri::True))
        })
        .collect();
    let case = Machine::disposition(program, &flags, &mitigated);
    Results {
        flags,
        safeguards,
        mitigated,
        case,
    }
}

fn status(t: Tri) -> Status {
    match t {
        Tri::True => Status::Raised,
        Tri::False => Status::Clear,
        Tri::Unknown => Status::Unknown,
    }
}

fn safeguard_status(t: Tri) -> SafeguardStatus {
    match t {
        Tri::True => SafeguardStatus::InPlace,
        Tri::False => SafeguardStatus::Missing,
        Tri::Unknown => SafeguardStatus::Unknown,
    }
}

/// How much a missing fact weighs: by the most severe unknown flag it
/// would help decide, then by how many such flags there are.
fn weight(severity: Severity) -> u64 {
    match severity {
        Severity::Low => 1,
        Severity::Medium => 1_000,
        Severity::High => 1_000_000,
        Severity::Critical => 1_000_000_000,
    }
}

/// Builds the full report: evidence, missing facts and mitigations included.
pub(crate) fn build(
    checked: &Checked,
    program: &Program,
    facts: &Facts,
    ruleset: RulesetRef,
) -> Report {
    let mut cache = vec![Tri::Unknown; program.predicate_nodes.len()];
    let mut machine = Machine::new(program, &facts.root, &mut cache);
    let results = results_of(&mut machine, program);
    let schema = &checked.schema;
    let mut weights: BTreeMap<String, u64> = BTreeMap::new();
    let mut flags = Vec::with_capacity(checked.flags.len());
    for (i, (flag, code)) in checked.flags.iter().zip(program.flags.iter()).enumerate() {
        let value = results.flags.get(i).copied().unwrap_or(Tri::Unknown);
        let mut missing = BTreeSet::new();
        if value == Tri::Unknown {
            machine.missing(code.cond, &mut missing);
            for m in &missing {
                *weights.entry(m.clone()).or_default() += weight(flag.severity);
            }
        }
        let evidence = code
            .evidence
            .iter()
            .filter_map(|(path, slot, ty)| {
                let slot = *slot as usize;
                let s = facts.root.slots.get(slot)?;
                // An absent fact is quoted only when its provenance says something
                // (e.g. why it is not known yet).
                if matches!(s.value, crate::facts::Value::Absent) && s.provenance.is_none() {
                    return None;
                }
                let mut text = String::new();
                value_json(schema, *ty, &facts.root, slot, &mut text);
                let provenance = s.provenance.as_deref();
                Some(Evidence {
                    fact: path.clone(),
                    value: RawValue::from_string(text).ok()?,
                    source: provenance.and_then(|p| p.source.clone()),
                    as_of: provenance.and_then(|p| p.as_of.clone()),
                })
            })
            .collect();
        let mitigations = code
            .mitigated_by
            .iter()
            .filter_map(|&s| {
                let id = checked.safeguards.get(s as usize)?.id.clone();
                let t = results
                    .safeguards
                    .get(s as usize)
                    .copied()
                    .unwrap_or(Tri::Unknown);
                Some(Mitigation {
                    id,
                    status: safeguard_status(t),
                })
            })
            .collect();
        flags.push(FlagReport {
            id: flag.id.clone(),
            step: flag.step,
            severity: flag.severity,
            title: flag.title.clone(),
            citation: flag.citation.clone(),
            status: status(value),
            mitigated: results.mitigated.get(i).copied().unwrap_or(false),
            evidence,
            missing: missing.into_iter().collect(),
            mitigations,
        });
    }
    let safeguards = checked
        .safeguards
        .iter()
        .zip(&results.safeguards)
        .map(|(s, t)| SafeguardReport {
            id: s.id.clone(),
            step: s.step,
            title: s.title.clone(),
            status: safeguard_status(*t),
        })
        .collect();
    let mut missing_facts: Vec<(String, u64)> = weights.into_iter().collect();
    missing_facts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let case = checked.cases.get(results.case);
    let disposition = case
        .and_then(|c| checked.outcomes.get(c.outcome))
        .map(|o| o.name.clone())
        .unwrap_or_default();
    Report {
        ruleset,
        transaction: facts.id.clone(),
        disposition,
        disposition_rule: case.map(|c| c.text.clone()).unwrap_or_default(),
        flags,
        safeguards,
        missing_facts: missing_facts.into_iter().map(|(m, _)| m).collect(),
        notice: NOTICE,
    }
}
