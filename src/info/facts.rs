//! The fact reference: every fact path the schema declares, with what it
//! is and which conditions read it.

use std::collections::{BTreeSet, HashMap};

use crate::check::Checked;
use crate::check::ir::{Cond, PathRead};
use crate::facts::schema::{RecordId, Schema, Type};

/// The most fact paths [`RuleSet::facts`](crate::RuleSet::facts) lists: a
/// record used in many places, nested, is listed at each, which a hostile
/// schema could multiply without end.
pub(crate) const MAX_FACT_PATHS: usize = 100_000;

/// What kind of value a fact holds, as a facts document writes it.
///
/// ```
/// use dd_rules::FactKind;
///
/// let rules = dd_rules::RuleSet::bundled()?;
/// let kind = |path: &str| rules.facts().find(|f| f.path == path).unwrap().kind;
/// assert_eq!(kind("end_user.sanctioned"), FactKind::Bool);
/// assert_eq!(kind("end_user.kind"), FactKind::Enum);
/// assert_eq!(kind("product.capabilities"), FactKind::Set);
/// assert_eq!(kind("parties"), FactKind::List);
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FactKind {
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Int,
    /// An exact decimal number, such as `0.35`.
    Decimal,
    /// A string.
    String,
    /// One of the values of an enum, as a string.
    Enum,
    /// A set of values of an enum, as an array of strings.
    Set,
    /// A record, as an object of its fields.
    Record,
    /// A list of records, as an array of objects.
    List,
}

/// A value an enum fact, or the elements of a set fact, may take.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let kind = rules.facts().find(|f| f.path == "end_user.kind").unwrap();
/// let police = kind.values.iter().find(|v| v.name == "local_police").unwrap();
/// assert!(police.docs.is_some());
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValueInfo<'a> {
    /// The value as a facts document writes it.
    pub name: &'a str,
    /// Its doc comment.
    pub docs: Option<&'a str>,
}

/// A fact path the schema declares, from
/// [`RuleSet::facts`](crate::RuleSet::facts): what it holds, the question
/// it answers and which conditions read it.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let sanctioned = rules.facts().find(|f| f.path == "end_user.sanctioned").unwrap();
/// assert_eq!(sanctioned.ty, "bool");
/// assert!(sanctioned.required);
/// assert!(sanctioned.docs.is_some());
/// assert!(sanctioned.read_by_flags.contains(&"S2.sanctioned"));
///
/// // A field of every element of a list is written with `[]`.
/// let listed = rules.facts().find(|f| f.path == "parties[].listed").unwrap();
/// assert!(listed.read_by_flags.contains(&"S4.listed_party"));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FactInfo<'a> {
    /// The path: field names joined by dots, `[]` after a list for a field
    /// of each of its elements (`parties[].role`). A facts document or a
    /// report names one element's field with its index (`parties[0].role`).
    pub path: String,
    /// The type as the ruleset writes it: `bool`, `int`, `decimal`,
    /// `string`, an enum's or record's name, `set<Enum>` or
    /// `list<Record>` (as questionnaires say it).
    pub ty: String,
    /// What kind of value it holds.
    pub kind: FactKind,
    /// The field's doc comment: the question the fact answers.
    pub docs: Option<&'a str>,
    /// The doc comment of the enum or record its type names.
    pub type_docs: Option<&'a str>,
    /// For an enum or a set, the values it may take, in declaration order.
    pub values: Vec<ValueInfo<'a>>,
    /// Whether the ruleset declares it `required` (see
    /// [`JsonSchema`](crate::JsonSchema)): left out, it is still unknown.
    pub required: bool,
    /// The ids of the flags whose conditions read it, directly or through
    /// predicates, in declaration order.
    pub read_by_flags: Vec<&'a str>,
    /// The ids of the safeguards whose conditions read it, likewise.
    pub read_by_safeguards: Vec<&'a str>,
    /// Whether the scope's condition reads it.
    pub read_by_scope: bool,
}

/// Who reads a path: flags and safeguards by index, and the scope.
#[derive(Default)]
struct Readers {
    flags: BTreeSet<usize>,
    safeguards: BTreeSet<usize>,
    scope: bool,
}

/// The paths each condition reads, through the predicates it uses.
fn readers(checked: &Checked) -> HashMap<String, Readers> {
    let mut out: HashMap<String, Readers> = HashMap::new();
    // Each predicate's paths, its own and those of the predicates it uses:
    // in dependency order, so that those it uses are known first.
    let mut by_predicate: Vec<BTreeSet<String>> = vec![BTreeSet::new(); checked.predicates.len()];
    let direct = |cond: &Cond, by_predicate: &[BTreeSet<String>]| {
        let mut paths = BTreeSet::new();
        cond.visit_paths(|read| match read {
            PathRead::Fact(path) => {
                paths.insert(path);
            }
            PathRead::Pred(p) => {
                if let Some(used) = by_predicate.get(p) {
                    paths.extend(used.iter().cloned());
                }
            }
        });
        paths
    };
    for &p in &checked.predicate_order {
        if let Some(pred) = checked.predicates.get(p) {
            let paths = direct(&pred.body, &by_predicate);
            if let Some(slot) = by_predicate.get_mut(p) {
                *slot = paths;
            }
        }
    }
    for (i, f) in checked.flags.iter().enumerate() {
        for path in direct(&f.when, &by_predicate) {
            out.entry(path).or_default().flags.insert(i);
        }
    }
    for (i, s) in checked.safeguards.iter().enumerate() {
        for path in direct(&s.when, &by_predicate) {
            out.entry(path).or_default().safeguards.insert(i);
        }
    }
    if let Some(scope) = &checked.scope {
        for path in direct(&scope.when, &by_predicate) {
            out.entry(path).or_default().scope = true;
        }
    }
    out
}

/// Every fact path of the schema, depth first in declaration order, at
/// most [`MAX_FACT_PATHS`]; a list of a record already being listed is not
/// entered again.
pub(crate) fn facts(checked: &Checked) -> Vec<FactInfo<'_>> {
    let schema = &checked.schema;
    let mut readers = readers(checked);
    let mut out = Vec::new();
    // Records to list: the record, the prefix of its fields' paths, the
    // records around it (entered through lists) and the next field.
    let mut todo: Vec<(RecordId, String, Vec<RecordId>, usize)> =
        vec![(schema.root, String::new(), vec![schema.root], 0)];
    while let Some((record, prefix, around, next)) = todo.pop() {
        let Some(def) = schema.record(record) else {
            continue;
        };
        let Some((name, field)) = def.fields.get_index(next) else {
            continue;
        };
        if out.len() >= MAX_FACT_PATHS {
            break;
        }
        let path = format!("{prefix}{name}");
        todo.push((record, prefix, around.clone(), next + 1));
        match field.ty {
            Type::Record(r) => todo.push((r, format!("{path}."), around, 0)),
            Type::List(r) if !around.contains(&r) => {
                let mut inner = around;
                inner.push(r);
                todo.push((r, format!("{path}[]."), inner, 0));
            }
            _ => {}
        }
        let who = readers.remove(&path).unwrap_or_default();
        out.push(fact_info(checked, schema, path, field, who));
    }
    out
}

fn fact_info<'a>(
    checked: &'a Checked,
    schema: &'a Schema,
    path: String,
    field: &'a crate::facts::schema::FieldDef,
    who: Readers,
) -> FactInfo<'a> {
    let (kind, enum_id, record_id) = match field.ty {
        Type::Bool => (FactKind::Bool, None, None),
        Type::Int => (FactKind::Int, None, None),
        Type::Decimal => (FactKind::Decimal, None, None),
        Type::String => (FactKind::String, None, None),
        Type::Enum(e) => (FactKind::Enum, Some(e), None),
        Type::Set(e) => (FactKind::Set, Some(e), None),
        Type::Record(r) => (FactKind::Record, None, Some(r)),
        Type::List(r) => (FactKind::List, None, Some(r)),
    };
    let enum_def = enum_id.and_then(|e| schema.enums.get(e));
    let type_docs = match (enum_def, record_id.and_then(|r| schema.record(r))) {
        (Some(e), _) => e.docs.as_deref(),
        (None, Some(r)) => r.docs.as_deref(),
        (None, None) => None,
    };
    FactInfo {
        path,
        ty: schema.type_name(field.ty),
        kind,
        docs: field.docs.as_deref(),
        type_docs,
        values: enum_def.map_or_else(Vec::new, |e| {
            e.variants
                .iter()
                .map(|(name, docs)| ValueInfo {
                    name,
                    docs: docs.as_deref(),
                })
                .collect()
        }),
        required: field.required,
        read_by_flags: who
            .flags
            .iter()
            .filter_map(|&i| checked.flags.get(i).map(|f| f.id.as_str()))
            .collect(),
        read_by_safeguards: who
            .safeguards
            .iter()
            .filter_map(|&i| checked.safeguards.get(i).map(|s| s.id.as_str()))
            .collect(),
        read_by_scope: who.scope,
    }
}
