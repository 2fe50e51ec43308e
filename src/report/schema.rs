//! The JSON Schema (draft 2020-12) of the report a ruleset writes: what
//! `Report`'s `Serialize` (in `mod.rs`, `scope.rs` and the serde derives of
//! `advice.rs`) puts in a report, field by field, with the names this
//! ruleset declares (outcomes, flag and safeguard ids, disposition cases,
//! evidence facts) as enums.
//!
//! It lives beside the serialiser it describes, so that a change to one is
//! seen next to the other; `tests/report_schema.rs` validates the report of
//! every example and test case against it, advised and not, and checks that
//! reports with a field or value that drifted do not validate. Every object
//! has `additionalProperties: false`, and a field the serialiser leaves out
//! (`skip_field`, `skip_serializing_if`) is not `required`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::check::{FLAG_STEPS, SAFEGUARD_STEPS};
use crate::engine::Engine;
use crate::limits::{MAX_MISSING_FACTS, MAX_MISSING_PER_FLAG};
use crate::model::{SafeguardStatus, ScopeStatus, Severity, Status};
use crate::report::NOTICE;

/// The JSON Schema of the reports of `rules`.
pub(crate) fn report_schema(rules: &Engine) -> Value {
    let checked = rules.checked();
    let reference = rules.reference();
    let outcomes = names(checked.outcomes.iter().map(|o| o.name.as_str()));
    let flag_ids = names(checked.flags.iter().map(|f| f.id.as_str()));
    let safeguard_ids = names(checked.safeguards.iter().map(|s| s.id.as_str()));
    let scope = rules.scope_decl();

    // The rule a report quotes: a disposition case as written, or, out of
    // scope, the scope's `out of scope => …`.
    let rules_quoted = names(
        checked
            .cases
            .iter()
            .map(|c| c.text.as_str())
            .chain(scope.map(|s| s.rule.as_str())),
    );

    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    let mut field = |name: &str, schema: Value, always: bool| {
        properties.insert(name.into(), schema);
        if always {
            required.push(Value::from(name));
        }
    };
    field(
        "ruleset",
        object(
            json!({
                "name": {"const": reference.name},
                "version": {"const": reference.version},
                "digest": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}
            }),
            &["name", "version", "digest"],
        ),
        true,
    );
    field(
        "transaction",
        json!({"type": ["string", "null"], "description": "The `id` of the facts document, or null."}),
        true,
    );
    field("disposition", json!({"$ref": "#/$defs/outcome"}), true);
    field("disposition_rule", rules_quoted, true);
    if scope.is_some() {
        field("scope", json!({"$ref": "#/$defs/scope"}), true);
    }
    field(
        "flags",
        exactly(json!({"$ref": "#/$defs/flag"}), checked.flags.len()),
        true,
    );
    field(
        "safeguards",
        exactly(
            json!({"$ref": "#/$defs/safeguard"}),
            checked.safeguards.len(),
        ),
        true,
    );
    field("missing_facts", paths(MAX_MISSING_FACTS), true);
    field("missing_facts_truncated", json!({"const": true}), false);
    field(
        "facts",
        json!({
            "description": "The value of every fact the evidence quotes, each once, by path (null when only its provenance is known).",
            "type": "object",
            "propertyNames": {"$ref": "#/$defs/fact"}
        }),
        true,
    );
    field(
        "provenance",
        json!({
            "description": "Where the quoted facts that have a source or a date come from, by path.",
            "type": "object",
            "propertyNames": {"$ref": "#/$defs/fact"},
            "additionalProperties": object(
                json!({"source": {"type": "string"}, "as_of": {"type": "string"}}),
                &[],
            ),
            "minProperties": 1
        }),
        false,
    );
    field(
        "omitted_facts",
        json!({
            "description": "The quoted facts whose values the report leaves out, over its quote budget.",
            "type": "array",
            "items": {"$ref": "#/$defs/fact"},
            "minItems": 1
        }),
        false,
    );
    field(
        "questionnaire",
        json!({"$ref": "#/$defs/questionnaire"}),
        false,
    );
    field("remediation", json!({"$ref": "#/$defs/remediation"}), false);
    field("notice", json!({"const": NOTICE}), true);

    let mut defs = serde_json::Map::new();
    defs.insert("outcome".into(), outcomes);
    defs.insert("flag_id".into(), flag_ids);
    defs.insert("safeguard_id".into(), safeguard_ids);
    defs.insert("fact".into(), fact(rules));
    defs.insert("flag".into(), flag());
    defs.insert("safeguard".into(), safeguard());
    if scope.is_some() {
        defs.insert("scope".into(), scope_report());
    }
    defs.insert("questionnaire".into(), questionnaire());
    defs.insert("remediation".into(), remediation());

    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Report of {} {}", reference.name, reference.version),
        "description": format!(
            "The report of an evaluation by the ruleset `{}` ({}), as `dd-rules eval --format json` writes it",
            reference.name, checked.header.title
        ),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if let Some(scope) = scope
        && let Some(o) = schema.as_object_mut()
    {
        // Out of scope the scope decides: its outcome and its rule, and
        // nothing is asked.
        o.insert(
            "if".into(),
            json!({
                "properties": {"scope": {"properties": {"status": {"const": ScopeStatus::Out.as_str()}}}},
                "required": ["scope"]
            }),
        );
        o.insert(
            "then".into(),
            json!({
                "properties": {
                    "disposition": {"const": rules.outcome_name(scope.otherwise).unwrap_or_default()},
                    "disposition_rule": {"const": scope.rule},
                    "missing_facts": {"maxItems": 0}
                }
            }),
        );
    }
    if let Some(o) = schema.as_object_mut() {
        o.insert("$defs".into(), Value::Object(defs));
    }
    schema
}

/// A string that is one of `names`; nothing when there are none (an empty
/// `enum` is allowed, but `false` says it plainly).
fn names<'a>(names: impl Iterator<Item = &'a str>) -> Value {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        Value::Bool(false)
    } else {
        json!({"type": "string", "enum": names})
    }
}

/// An object with exactly these `properties`, of which `required` must be
/// present and no other may be.
fn object(properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// An array of exactly `n` items: a report lists every flag (or
/// safeguard) of the ruleset, in declaration order.
fn exactly(items: Value, n: usize) -> Value {
    json!({"type": "array", "items": items, "minItems": n, "maxItems": n})
}

/// A list of fact paths (`parties[1].listed`), at most `max`.
fn paths(max: usize) -> Value {
    json!({"type": "array", "items": {"type": "string"}, "maxItems": max})
}

/// A non-empty list of `items`: the serialiser leaves an empty one out.
fn nonempty(items: Value) -> Value {
    json!({"type": "array", "items": items, "minItems": 1})
}

/// A fact the scope or a flag quotes as evidence: its path.
fn fact(rules: &Engine) -> Value {
    let program = rules.program();
    let facts: BTreeSet<&str> = program.quotes.iter().map(|q| q.path.as_str()).collect();
    names(facts.into_iter())
}

/// The evidence of a flag or of the scope: the facts it quotes, by path,
/// each of them in the report's `facts` (or, left out, `omitted_facts`).
fn evidence() -> Value {
    json!({"type": "array", "items": {"$ref": "#/$defs/fact"}})
}

/// One flag (`FlagReport`'s `Serialize`, the fields of `flag_report_fields!`).
fn flag() -> Value {
    object(
        json!({
            "id": {"$ref": "#/$defs/flag_id"},
            "step": steps(&FLAG_STEPS),
            "severity": {"enum": Severity::NAMES},
            "title": {"type": "string"},
            "citation": {"type": "string"},
            "status": {"enum": Status::NAMES},
            "mitigated": {"type": "boolean"},
            "evidence": evidence(),
            "missing": paths(MAX_MISSING_PER_FLAG),
            "missing_truncated": {"const": true},
            "mitigations": {"type": "array", "items": object(
                json!({
                    "id": {"$ref": "#/$defs/safeguard_id"},
                    "status": {"enum": SafeguardStatus::NAMES}
                }),
                &["id", "status"],
            )}
        }),
        &[
            "id",
            "step",
            "severity",
            "title",
            "status",
            "mitigated",
            "evidence",
            "missing",
            "mitigations",
        ],
    )
}

/// One safeguard (`SafeguardReport`).
fn safeguard() -> Value {
    object(
        json!({
            "id": {"$ref": "#/$defs/safeguard_id"},
            "step": steps(&SAFEGUARD_STEPS),
            "title": {"type": "string"},
            "status": {"enum": SafeguardStatus::NAMES}
        }),
        &["id", "step", "title", "status"],
    )
}

/// The scope (`ScopeReport`'s `Serialize`).
fn scope_report() -> Value {
    object(
        json!({
            "status": {"enum": ScopeStatus::NAMES},
            "title": {"type": "string"},
            "citation": {"type": "string"},
            "evidence": evidence(),
            "missing": paths(MAX_MISSING_PER_FLAG),
            "missing_truncated": {"const": true}
        }),
        &["status", "title", "evidence", "missing"],
    )
}

/// The questionnaire (`Questionnaire` and `Question`, serde derives).
fn questionnaire() -> Value {
    let question = object(
        json!({
            "fact": {"type": "string"},
            "question": {"type": "string"},
            "type": {"type": "string"},
            "values": nonempty(json!({"type": "string"})),
            "required": {"type": "boolean"},
            "decides_scope": {"type": "boolean"},
            "changes_disposition": {"type": "boolean"},
            "leads_to": nonempty(json!({"$ref": "#/$defs/outcome"})),
            "flags": nonempty(json!({"$ref": "#/$defs/flag_id"})),
            "safeguards": nonempty(json!({"$ref": "#/$defs/safeguard_id"}))
        }),
        &[
            "fact",
            "type",
            "required",
            "decides_scope",
            "changes_disposition",
        ],
    );
    object(
        json!({
            "questions": {"type": "array", "items": question},
            "truncated": {"const": true}
        }),
        &["questions"],
    )
}

/// The remediation plan (`Remediation` and `RemedyPlan`, serde derives).
fn remediation() -> Value {
    let plan = object(
        json!({
            "safeguards": {"type": "array", "items": {"$ref": "#/$defs/safeguard_id"}},
            "outcome": {"$ref": "#/$defs/outcome"}
        }),
        &["safeguards", "outcome"],
    );
    object(
        json!({
            "from": {"$ref": "#/$defs/outcome"},
            "best": {"$ref": "#/$defs/outcome"},
            "plans": {"type": "array", "items": plan},
            "blocked_by": nonempty(json!({"$ref": "#/$defs/flag_id"})),
            "truncated": {"const": true}
        }),
        &["from", "best", "plans"],
    )
}

/// A step of the guidance in `range`.
fn steps(range: &std::ops::RangeInclusive<u8>) -> Value {
    json!({"type": "integer", "minimum": range.start(), "maximum": range.end()})
}

/// The JSON Schema of the decision records of `rules`
/// (`decision.rs`, `Report::write_decision`): the same names as enums and
/// constants as the report's schema; `quotable` are the fact paths a record
/// may quote under `facts`.
pub(crate) fn decision_schema(rules: &Engine, quotable: &[String]) -> Value {
    let checked = rules.checked();
    let reference = rules.reference();
    let flags = checked.flags.len();
    let ids = || {
        json!({
            "type": "array",
            "items": {"$ref": "#/$defs/flag_id"},
            "uniqueItems": true,
            "maxItems": flags
        })
    };
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    let mut field = |name: &str, schema: Value, always: bool| {
        properties.insert(name.into(), schema);
        if always {
            required.push(Value::from(name));
        }
    };
    field(
        "transaction",
        json!({"type": ["string", "null"], "description": "The `id` of the facts document, or null."}),
        true,
    );
    field(
        "ruleset",
        object(
            json!({
                "name": {"const": reference.name},
                "version": {"const": reference.version},
                "digest": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}
            }),
            &["name", "version", "digest"],
        ),
        true,
    );
    if rules.scope_decl().is_some() {
        field("scope", json!({"enum": ScopeStatus::NAMES}), true);
    }
    field(
        "disposition",
        names(checked.outcomes.iter().map(|o| o.name.as_str())),
        true,
    );
    field("raised", ids(), true);
    field("mitigated", ids(), true);
    field("unknown", ids(), true);
    field("missing_facts", paths(MAX_MISSING_FACTS), true);
    field("missing_facts_truncated", json!({"const": true}), false);
    field(
        "facts",
        json!({
            "type": "object",
            "description": "The facts asked for (`--record-fact`), each path with its value, null when unknown.",
            "propertyNames": names(quotable.iter().map(String::as_str)),
        }),
        false,
    );
    field(
        "at",
        json!({"type": "string", "description": "The time stamp given with `--at`, as given."}),
        false,
    );
    let flag_ids = names(checked.flags.iter().map(|f| f.id.as_str()));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Decision record of {} {}", reference.name, reference.version),
        "description": format!(
            "The decision record of an evaluation by the ruleset `{}` ({}), as `dd-rules eval --format decision` writes it, one a line",
            reference.name, checked.header.title
        ),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
        "$defs": {"flag_id": flag_ids},
    })
}
