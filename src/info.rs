//! What a compiled ruleset declares, for tools: flags, safeguards and the
//! fact schema as JSON Schema.

use serde_json::{Map, Value, json};

use crate::facts::schema::{Schema, Type};
use crate::model::Severity;

pub(crate) mod facts;

pub use facts::{FactInfo, FactKind, ValueInfo};

/// A flag as declared, for documentation and `dd-rules explain`.
///
/// ```
/// use dd_rules::Severity;
///
/// let rules = dd_rules::RuleSet::bundled()?;
/// let flag = rules.flags().find(|f| f.id == "S2.sanctioned").unwrap();
/// assert_eq!((flag.step, flag.severity), (2, Severity::Critical));
/// assert!(flag.mitigated_by.is_empty());
/// let risk = rules.flags().find(|f| f.id == "S1.system_risk").unwrap();
/// assert!(risk.mitigated_by.contains(&"contract.cutoff_right"));
/// assert_eq!(flag.condition, "end_user.sanctioned");
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlagInfo<'a> {
    /// The stable id.
    pub id: &'a str,
    /// The step of the guidance, 1 to 4.
    pub step: u8,
    /// How serious it is.
    pub severity: Severity,
    /// A one-line title.
    pub title: &'a str,
    /// Where it comes from.
    pub citation: Option<&'a str>,
    /// Its doc comment.
    pub docs: Option<&'a str>,
    /// The ids of the safeguards that mitigate it, all of which must be in place.
    pub mitigated_by: Vec<&'a str>,
    /// Its `when` condition, laid out as `dd-rules fmt` prints it (broken
    /// at 100 columns at its outermost `and`/`or`, continuation lines
    /// indented by two, no comments), on lines of its own.
    pub condition: &'a str,
}

/// A safeguard as declared.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let cutoff = rules.safeguards().find(|s| s.id == "contract.cutoff_right").unwrap();
/// assert_eq!(cutoff.step, 6);
/// assert!(cutoff.title.starts_with("Right to cut off"));
/// assert!(cutoff.citation.is_some());
/// assert!(cutoff.condition.starts_with("contract.cutoff_right"));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SafeguardInfo<'a> {
    /// The id.
    pub id: &'a str,
    /// The step of the guidance, 5 to 7.
    pub step: u8,
    /// A one-line title.
    pub title: &'a str,
    /// Where it comes from.
    pub citation: Option<&'a str>,
    /// Its doc comment.
    pub docs: Option<&'a str>,
    /// Its `when` condition, laid out as [`FlagInfo::condition`] is.
    pub condition: &'a str,
}

/// The scope as declared: which transactions the ruleset covers, from
/// [`RuleSet::scope`](crate::RuleSet::scope).
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let scope = rules.scope().unwrap();
/// assert_eq!(scope.otherwise, "out_of_scope");
/// assert!(scope.citation.unwrap().ends_with("(stated)"));
/// assert!(scope.condition.starts_with("(in_scope_capability or product.critical_component)\n  and"));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScopeInfo<'a> {
    /// What the ruleset covers, in a line.
    pub title: &'a str,
    /// Where it comes from.
    pub citation: Option<&'a str>,
    /// Its doc comment.
    pub docs: Option<&'a str>,
    /// The outcome of a transaction out of scope.
    pub otherwise: &'a str,
    /// Its `when` condition (true in scope), laid out as
    /// [`FlagInfo::condition`] is.
    pub condition: &'a str,
}

/// The disposition policy as declared, from
/// [`RuleSet::policy`](crate::RuleSet::policy): the outcomes, least strict
/// first, and the cases, the first that holds deciding.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let policy = rules.policy();
/// assert_eq!(policy.outcomes[0].name, "out_of_scope");
/// assert!(policy.outcomes[1].docs.is_some());
/// let first = &policy.cases[0];
/// assert_eq!(first.outcome, "do_not_proceed");
/// assert_eq!(first.condition, Some("any flags(raised, unmitigated, severity >= critical)"));
/// assert_eq!(first.text, "when any flags(raised, unmitigated, severity >= critical) => do_not_proceed");
/// let last = policy.cases.last().unwrap();
/// assert_eq!((last.condition, last.outcome), (None, "proceed"));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyInfo<'a> {
    /// The doc comment of the `disposition` block.
    pub docs: Option<&'a str>,
    /// The doc comment of the `outcomes` block.
    pub outcomes_docs: Option<&'a str>,
    /// Every outcome, least strict first.
    pub outcomes: Vec<OutcomeInfo<'a>>,
    /// Every case, in order: the first whose condition holds decides.
    pub cases: Vec<CaseInfo<'a>>,
}

/// A predicate, a named condition, from
/// [`RuleSet::predicates`](crate::RuleSet::predicates).
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// assert!(rules.predicates().any(|p| p.name == "security_sector"));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PredicateInfo<'a> {
    /// Its name, as conditions use it.
    pub name: &'a str,
    /// Its doc comment.
    pub docs: Option<&'a str>,
    /// Its condition, laid out as `dd-rules fmt` prints it, without comments.
    pub condition: &'a str,
}

/// An outcome of the disposition, from [`PolicyInfo::outcomes`].
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// assert!(rules.policy().outcomes.iter().any(|o| o.name == "escalate"));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutcomeInfo<'a> {
    /// Its name, as reports write it.
    pub name: &'a str,
    /// Its doc comment.
    pub docs: Option<&'a str>,
}

/// A case of the disposition policy, from [`PolicyInfo::cases`].
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let report = rules.evaluate_json("{}")?;
/// // A report names the case that decided it as `text` does.
/// let case = rules.policy().cases.into_iter().find(|c| c.text == report.disposition_rule());
/// assert_eq!(case.unwrap().outcome, report.disposition());
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CaseInfo<'a> {
    /// The condition over the flags, laid out as [`FlagInfo::condition`]
    /// is; `None` for `otherwise`.
    pub condition: Option<&'a str>,
    /// The outcome when the condition holds.
    pub outcome: &'a str,
    /// The whole case on one line, as reports quote the case that decided
    /// them (`when … => outcome`, `otherwise => outcome`).
    pub text: &'a str,
}

/// A JSON Schema (draft 2020-12) from a ruleset: of its facts documents,
/// from [`RuleSet::json_schema`](crate::RuleSet::json_schema), or of its
/// reports, from
/// [`RuleSet::report_json_schema`](crate::RuleSet::report_json_schema).
///
/// Its own type, not a JSON library's, so that the public API does not tie
/// itself to one: `Display` writes it as compact JSON, and it serialises
/// (serde) as the schema document, so `serde_json::to_string_pretty` or any
/// other serialiser gives the form wanted.
///
/// In the facts schema, a field the ruleset declares `required` (a fact
/// that must be known for every transaction in scope) has
/// `"x-dd-required": true` on its property. It is an annotation, which
/// validators ignore, and deliberately not in the JSON Schema `required`
/// array: a facts document may leave any fact out, and a fact left out is
/// unknown, so a document without a required fact is still valid. Tools
/// that build questionnaires or check completeness read the annotation.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let schema = rules.json_schema().to_string();
/// assert!(schema.starts_with('{'));
/// assert!(schema.contains(r#""$schema":"https://json-schema.org/draft/2020-12/schema""#));
///
/// let schema = serde_json::to_value(rules.json_schema()).unwrap();
/// let end_user = &schema["$defs"]["EndUser"];
/// assert_eq!(end_user["properties"]["sanctioned"]["x-dd-required"], true);
/// assert!(end_user["properties"]["stated_end_use"].get("x-dd-required").is_none());
/// assert!(end_user.get("required").is_none());
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonSchema(pub(crate) Value);

impl std::fmt::Display for JsonSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl serde::Serialize for JsonSchema {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// The annotation on the property of a field declared `required`. Not the
/// JSON Schema `required` keyword: an absent fact is unknown, which a facts
/// document may always say.
const REQUIRED_ANNOTATION: &str = "x-dd-required";

/// The fact schema as a JSON Schema (draft 2020-12) for facts documents.
pub(crate) fn json_schema(schema: &Schema, title: &str) -> Value {
    let mut defs = Map::new();
    for e in &schema.enums {
        let mut def = json!({"type": "string", "enum": e.variants.keys().collect::<Vec<_>>()});
        describe(&mut def, e.docs.as_deref());
        defs.insert(e.name.clone(), def);
    }
    for (i, r) in schema.records.iter().enumerate() {
        if i != schema.root {
            let mut def = record(schema, i);
            describe(&mut def, r.docs.as_deref());
            defs.insert(r.name.clone(), def);
        }
    }
    let mut root = record(schema, schema.root);
    if let Some(props) = root.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert(
            crate::facts::ID_KEY.into(),
            json!({"type": ["string", "null"], "description": "The transaction id, quoted in the report."}),
        );
    }
    let mut out = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Facts for {title}"),
    });
    if let (Some(o), Some(r)) = (out.as_object_mut(), root.as_object()) {
        o.extend(r.clone());
        o.insert("$defs".into(), Value::Object(defs));
    }
    out
}

fn describe(v: &mut Value, docs: Option<&str>) {
    if let (Some(o), Some(d)) = (v.as_object_mut(), docs) {
        o.insert("description".into(), d.into());
    }
}

fn record(schema: &Schema, id: usize) -> Value {
    let mut props = Map::new();
    if let Some(r) = schema.record(id) {
        for (name, field) in &r.fields {
            let mut p = field_schema(schema, field.ty);
            describe(&mut p, field.docs.as_deref());
            if field.required
                && let Some(o) = p.as_object_mut()
            {
                o.insert(REQUIRED_ANNOTATION.into(), Value::Bool(true));
            }
            props.insert(name.clone(), p);
        }
    }
    json!({"type": "object", "properties": props, "additionalProperties": false})
}

fn reference(schema: &Schema, ty: Type) -> Value {
    let name = |i: usize, enums: bool| {
        if enums {
            schema.enums.get(i).map(|e| e.name.clone())
        } else {
            schema.records.get(i).map(|r| r.name.clone())
        }
        .unwrap_or_default()
    };
    match ty {
        Type::Bool => json!({"type": "boolean"}),
        Type::Int => json!({"type": "integer"}),
        Type::Decimal => json!({"type": "number"}),
        Type::String => json!({"type": "string"}),
        Type::Enum(e) => json!({"$ref": format!("#/$defs/{}", name(e, true))}),
        Type::Set(e) => {
            json!({"type": "array", "items": {"$ref": format!("#/$defs/{}", name(e, true))}})
        }
        Type::Record(r) => json!({"$ref": format!("#/$defs/{}", name(r, false))}),
        Type::List(r) => {
            json!({"type": "array", "items": {"$ref": format!("#/$defs/{}", name(r, false))}})
        }
    }
}

/// A field: its value or null, and for leaf facts also the provenance wrapper.
fn field_schema(schema: &Schema, ty: Type) -> Value {
    let value = reference(schema, ty);
    match ty {
        Type::Record(_) | Type::List(_) => json!({"anyOf": [value, {"type": "null"}]}),
        _ => json!({"anyOf": [
            value.clone(),
            {"type": "null"},
            {
                "type": "object",
                "properties": {
                    "value": {"anyOf": [value, {"type": "null"}]},
                    "source": {"type": "string"},
                    "as_of": {"type": "string"}
                },
                "required": ["value"],
                "additionalProperties": false
            }
        ]}),
    }
}
