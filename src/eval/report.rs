//! Builds the full [`Report`] from the fast path's [`Outcome`]: the statuses
//! are taken as computed; evidence, missing facts and mitigations are added.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::value::RawValue;

use super::machine::Machine;
use super::outcome::Outcome;
use crate::check::Checked;
use crate::compile::Program;
use crate::facts::Facts;
use crate::facts::render::value_json;
use crate::report::{
    Evidence, FlagReport, Mitigation, NOTICE, Report, RulesetRef, SafeguardReport, SafeguardStatus,
    Severity, Status,
};

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

/// Builds the full report from the fast path's outcome for the same facts:
/// evidence, missing facts and mitigations are added to the statuses it holds.
pub(crate) fn build(
    checked: &Checked,
    program: &Program,
    facts: &Facts,
    outcome: &Outcome,
    ruleset: RulesetRef,
) -> Report {
    let mut machine = Machine::new(program, &facts.root, &outcome.cache);
    let schema = &checked.schema;
    let mut weights: BTreeMap<String, u64> = BTreeMap::new();
    // Flags quote the same facts again and again (the country's name, the
    // parties): each is rendered once per report and copied after that.
    let mut rendered: Vec<(u32, Box<RawValue>)> = Vec::new();
    let mut flags = Vec::with_capacity(checked.flags.len());
    for (i, (flag, code)) in checked.flags.iter().zip(program.flags.iter()).enumerate() {
        let status = outcome.flags.get(i).copied().unwrap_or(Status::Unknown);
        let mut missing = BTreeSet::new();
        if status == Status::Unknown {
            machine.missing(code.cond, &mut missing);
            for m in &missing {
                match weights.get_mut(m) {
                    Some(w) => *w += weight(flag.severity),
                    None => {
                        weights.insert(m.clone(), weight(flag.severity));
                    }
                }
            }
        }
        let mut evidence = Vec::with_capacity(code.evidence.len());
        for (path, slot, ty) in code.evidence.iter() {
            let Some(s) = facts.root.slots.get(*slot as usize) else {
                continue;
            };
            let provenance = facts.root.provenance(*slot as usize);
            // An absent fact is quoted only when its provenance says something
            // (e.g. why it is not known yet).
            if matches!(s.value, crate::facts::Value::Absent) && provenance.is_none() {
                continue;
            }
            let value = match rendered.iter().find(|(r, _)| r == slot) {
                Some((_, v)) => v.clone(),
                None => {
                    let mut text = String::new();
                    value_json(schema, *ty, &facts.root, *slot as usize, &mut text);
                    let Ok(v) = RawValue::from_string(text) else {
                        continue;
                    };
                    rendered.push((*slot, v.clone()));
                    v
                }
            };
            evidence.push(Evidence {
                fact: path.clone(),
                value,
                source: provenance.and_then(|p| p.source.clone()),
                as_of: provenance.and_then(|p| p.as_of.clone()),
            });
        }
        let mitigations = code
            .mitigated_by
            .iter()
            .filter_map(|&s| {
                Some(Mitigation {
                    id: checked.safeguards.get(s as usize)?.id.clone(),
                    status: outcome
                        .safeguards
                        .get(s as usize)
                        .copied()
                        .unwrap_or(SafeguardStatus::Unknown),
                })
            })
            .collect();
        flags.push(FlagReport {
            id: flag.id.clone(),
            step: flag.step,
            severity: flag.severity,
            title: flag.title.clone(),
            citation: flag.citation.clone(),
            status,
            mitigated: outcome.mitigated.get(i).copied().unwrap_or(false),
            evidence,
            missing: missing.into_iter().collect(),
            mitigations,
        });
    }
    let safeguards = checked
        .safeguards
        .iter()
        .zip(&outcome.safeguards)
        .map(|(s, &status)| SafeguardReport {
            id: s.id.clone(),
            step: s.step,
            title: s.title.clone(),
            status,
        })
        .collect();
    let mut missing_facts: Vec<(String, u64)> = weights.into_iter().collect();
    missing_facts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let case = checked.cases.get(outcome.case);
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
