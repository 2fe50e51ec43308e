//! Builds the fact schema from the `enum`, `record` and `facts` declarations.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::diag::Diagnostic;
use crate::facts::schema::{EnumDef, FieldDef, RecordDef, RecordId, Schema, Type};
use crate::limits::{MAX_ENUM_VARIANTS, MAX_SCHEMA_DEPTH, MAX_SCHEMA_SLOTS};
use crate::span::Span;
use crate::suggest::{did_you_mean, suggesting};
use crate::syntax::ast::{self, Decl, TypeExpr};

const BUILTIN_TYPES: [&str; 4] = ["bool", "int", "decimal", "string"];

/// Type names: enums and records share one namespace with the built-in types.
#[derive(Default)]
struct TypeNames {
    spans: IndexMap<String, Span>,
}

impl TypeNames {
    /// Declares a type name, unless it is built in or declared already (DD010).
    fn declare(&mut self, name: &ast::Ident, diags: &mut Vec<Diagnostic>) -> bool {
        if BUILTIN_TYPES.contains(&name.name.as_str()) {
            diags.push(Diagnostic::error(
                "DD010",
                name.span,
                format!(
                    "`{}` is a built-in type and cannot be declared again",
                    name.name
                ),
            ));
            return false;
        }
        if let Some(first) = self.spans.get(&name.name) {
            diags.push(
                Diagnostic::error(
                    "DD010",
                    name.span,
                    format!("the type `{}` is declared twice", name.name),
                )
                .label("declared again here")
                .note(*first, "first declared here"),
            );
            return false;
        }
        self.spans.insert(name.name.clone(), name.span);
        true
    }
}

/// An enum's definition: each value once (DD012), at least one, and no more
/// than [`MAX_ENUM_VARIANTS`] (DD035).
fn enum_def(e: &ast::EnumDecl, diags: &mut Vec<Diagnostic>) -> EnumDef {
    let mut variants: IndexMap<String, Option<String>> = IndexMap::new();
    let mut spans: IndexMap<&str, Span> = IndexMap::new();
    for (docs, v) in &e.variants {
        if let Some(first) = spans.get(v.name.as_str()) {
            diags.push(
                Diagnostic::error(
                    "DD012",
                    v.span,
                    format!(
                        "the enum `{}` lists the value `{}` twice",
                        e.name.name, v.name
                    ),
                )
                .note(*first, "first listed here"),
            );
            continue;
        }
        spans.insert(&v.name, v.span);
        variants.insert(v.name.clone(), docs.clone());
    }
    if variants.is_empty() {
        diags.push(Diagnostic::error(
            "DD012",
            e.name.span,
            format!("the enum `{}` has no values", e.name.name),
        ));
    }
    if variants.len() > MAX_ENUM_VARIANTS {
        diags.push(Diagnostic::error(
            "DD035",
            e.name.span,
            format!(
                "the enum `{}` has {} values, more than the limit of {MAX_ENUM_VARIANTS}",
                e.name.name,
                variants.len()
            ),
        ));
    }
    EnumDef {
        name: e.name.name.clone(),
        docs: e.docs.clone(),
        variants,
    }
}

/// The fields of each record (the root's last), to resolve once every type is named.
type RecordFields<'f> = Vec<(&'f Vec<ast::FieldDecl>, RecordId)>;

/// Declares the enums and records, and the root record of the `facts` block;
/// the fields are resolved later.
fn declare_types<'f>(
    file: &'f ast::File,
    schema: &mut Schema,
    diags: &mut Vec<Diagnostic>,
) -> RecordFields<'f> {
    let mut names = TypeNames::default();
    let mut record_decls: RecordFields<'f> = Vec::new();
    let mut facts_decl: Option<&ast::FactsDecl> = None;
    let mut extra_facts: Vec<&Vec<ast::FieldDecl>> = Vec::new();
    for decl in &file.decls {
        match decl {
            Decl::Enum(e) => {
                if !names.declare(&e.name, diags) {
                    continue;
                }
                let def = enum_def(e, diags);
                schema.enums.push(def);
            }
            Decl::Record(r) => {
                if !names.declare(&r.name, diags) {
                    continue;
                }
                record_decls.push((&r.fields, schema.records.len()));
                schema.records.push(RecordDef {
                    name: r.name.name.clone(),
                    docs: r.docs.clone(),
                    fields: IndexMap::new(),
                    size: 0,
                });
            }
            Decl::Facts(f) => {
                if let Some(first) = facts_decl {
                    // The fields still count, so that their uses are not reported too.
                    extra_facts.push(&f.fields);
                    diags.push(
                        Diagnostic::error(
                            "DD013",
                            Span::new(f.span.start, f.span.start + 5),
                            "the fact schema is declared twice",
                        )
                        .note(
                            Span::new(first.span.start, first.span.start + 5),
                            "first declared here",
                        )
                        .help("put every root fact in one `facts` block"),
                    );
                    continue;
                }
                facts_decl = Some(f);
            }
            _ => {}
        }
    }
    // The root record of the `facts` block comes last.
    schema.root = schema.records.len();
    schema.records.push(RecordDef {
        name: "facts".into(),
        docs: facts_decl.and_then(|f| f.docs.clone()),
        fields: IndexMap::new(),
        size: 0,
    });
    schema.root_declared = facts_decl.is_some();
    record_decls.extend(extra_facts.into_iter().map(|f| (f, schema.root)));
    match facts_decl {
        Some(f) => record_decls.push((&f.fields, schema.root)),
        None => diags.push(
            Diagnostic::error(
                "DD013",
                Span::new(0, 0),
                "the ruleset declares no fact schema",
            )
            .help("add a `facts { … }` block that lists the root facts"),
        ),
    }
    record_decls
}

/// Resolves the fields of every record: each once (DD011), `id` not a root
/// fact, each type known. A field whose type is unknown is left out and
/// marked poisoned, so that its uses are not reported again.
fn resolve_fields(
    schema: &mut Schema,
    record_decls: RecordFields<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    // Every type by name, so that resolving a field's type is one look-up.
    let mut types: HashMap<String, Type> = HashMap::new();
    for (i, e) in schema.enums.iter().enumerate() {
        types.insert(e.name.clone(), Type::Enum(i));
    }
    for (i, r) in schema.records.iter().enumerate() {
        if i != schema.root {
            types.insert(r.name.clone(), Type::Record(i));
        }
    }
    let mut poisoned = Vec::new();
    for (fields, rid) in record_decls {
        let mut resolved: IndexMap<String, FieldDef> = schema
            .records
            .get_mut(rid)
            .map(|r| std::mem::take(&mut r.fields))
            .unwrap_or_default();
        for field in fields {
            if let Some(first) = resolved.get(&field.name.name) {
                diags.push(
                    Diagnostic::error(
                        "DD011",
                        field.name.span,
                        format!("the field `{}` is declared twice", field.name.name),
                    )
                    .label("declared again here")
                    .note(first.span, "first declared here"),
                );
                continue;
            }
            if field.name.name.is_empty() {
                continue;
            }
            if rid == schema.root && field.name.name == crate::facts::ID_KEY {
                diags.push(
                    Diagnostic::error(
                        "DD011",
                        field.name.span,
                        "the root fact `id` is reserved for the transaction id",
                    )
                    .help("name the fact differently, e.g. `reference`"),
                );
                continue;
            }
            let Some(ty) = resolve_type(schema, &types, &field.ty, diags) else {
                // Uses of the field are not reported again.
                poisoned.push((rid, field.name.name.clone()));
                continue;
            };
            resolved.insert(
                field.name.name.clone(),
                FieldDef {
                    ty,
                    offset: 0,
                    docs: field.docs.clone(),
                    span: field.name.span,
                    required: field.required,
                },
            );
        }
        if let Some(r) = schema.records.get_mut(rid) {
            r.fields = resolved;
        }
    }
    // Sorted, so that the checker finds a poisoned field by binary search.
    poisoned.sort_unstable();
    schema.poisoned = poisoned;
}

/// Builds the schema, reporting every problem in `diags`. Fields whose type
/// cannot be resolved are left out, so that later stages still run.
pub(super) fn build(file: &ast::File, diags: &mut Vec<Diagnostic>) -> Schema {
    let mut schema = Schema::default();
    let record_decls = declare_types(file, &mut schema, diags);
    resolve_fields(&mut schema, record_decls, diags);
    lay_out(&mut schema, diags);
    check_slots(file, &schema, diags);
    schema
}

/// Reports a schema whose records have more value slots in all than
/// [`MAX_SCHEMA_SLOTS`] (DD040): records that each use another record several
/// times multiply, so a short schema can ask for an exponential layout.
fn check_slots(file: &ast::File, schema: &Schema, diags: &mut Vec<Diagnostic>) {
    let total = schema
        .records
        .iter()
        .fold(0usize, |sum, r| sum.saturating_add(r.size));
    if total <= MAX_SCHEMA_SLOTS {
        return;
    }
    // Point at the largest record: the one to make smaller.
    let Some((largest, size)) = schema
        .records
        .iter()
        .enumerate()
        .max_by_key(|(_, r)| r.size)
        .map(|(i, r)| (i, r.size))
    else {
        return;
    };
    let name = schema.records.get(largest).map_or("", |r| r.name.as_str());
    let span = file
        .decls
        .iter()
        .find_map(|d| match d {
            Decl::Record(r) if largest != schema.root && r.name.name == name => Some(r.name.span),
            Decl::Facts(f) if largest == schema.root => {
                Some(Span::new(f.span.start, f.span.start + 5))
            }
            _ => None,
        })
        .unwrap_or_default();
    let shown = |n: usize| {
        if n == usize::MAX {
            "too many".to_string()
        } else {
            n.to_string()
        }
    };
    diags.push(
        Diagnostic::error(
            "DD040",
            span,
            format!(
                "the fact schema has {} value slots, more than the limit of {MAX_SCHEMA_SLOTS}",
                shown(total)
            ),
        )
        .label(format!("`{name}` alone has {}", shown(size)))
        .help(
            "a field of record type holds every field of that record, each time it is used; \
             use fewer nested records, or a `list<…>` of them",
        ),
    );
}

fn resolve_type(
    schema: &Schema,
    types: &HashMap<String, Type>,
    ty: &TypeExpr,
    diags: &mut Vec<Diagnostic>,
) -> Option<Type> {
    let enum_named = |name: &str| match types.get(name) {
        Some(Type::Enum(e)) => Some(*e),
        _ => None,
    };
    let record_named = |name: &str| match types.get(name) {
        Some(Type::Record(r)) => Some(*r),
        _ => None,
    };
    // Candidates for "did you mean", only while suggestions are still made.
    let suggest = suggesting(diags);
    let enum_names = || {
        let names = schema.enums.iter().map(|e| e.name.as_str());
        if suggest { names.collect() } else { Vec::new() }
    };
    let record_names = || {
        let names = schema.records.iter().map(|r| r.name.as_str());
        if suggest { names.collect() } else { Vec::new() }
    };
    let all_names = || {
        let mut names: Vec<&str> = BUILTIN_TYPES.to_vec();
        names.extend(enum_names());
        names.extend(record_names());
        names
    };
    let unknown = |name: &ast::Ident, candidates: Vec<&str>| {
        Diagnostic::error("DD020", name.span, format!("unknown type `{}`", name.name))
            .maybe_help(did_you_mean(&name.name, candidates))
    };
    match ty {
        TypeExpr::Named(name) => Some(match name.name.as_str() {
            "bool" => Type::Bool,
            "int" => Type::Int,
            "decimal" => Type::Decimal,
            "string" => Type::String,
            other => {
                if let Some(e) = enum_named(other) {
                    Type::Enum(e)
                } else if let Some(r) = record_named(other) {
                    Type::Record(r)
                } else {
                    diags.push(unknown(name, all_names()));
                    return None;
                }
            }
        }),
        TypeExpr::Set(name, _) => match enum_named(&name.name) {
            Some(e) => Some(Type::Set(e)),
            None => {
                let d = if record_named(&name.name).is_some()
                    || BUILTIN_TYPES.contains(&name.name.as_str())
                {
                    Diagnostic::error(
                        "DD020",
                        name.span,
                        format!(
                            "a set holds enum values, and `{}` is not an enum",
                            name.name
                        ),
                    )
                    .help("declare an `enum` for the values, or use `list<…>` for records")
                } else {
                    unknown(name, enum_names())
                };
                diags.push(d);
                None
            }
        },
        TypeExpr::List(name, _) => match record_named(&name.name) {
            Some(r) => Some(Type::List(r)),
            None => {
                let d = if enum_named(&name.name).is_some()
                    || BUILTIN_TYPES.contains(&name.name.as_str())
                {
                    Diagnostic::error(
                        "DD020",
                        name.span,
                        format!("a list holds records, and `{}` is not a record", name.name),
                    )
                    .help("use `set<…>` for enum values, or declare a `record`")
                } else {
                    unknown(name, record_names())
                };
                diags.push(d);
                None
            }
        },
    }
}

/// Computes every record's size and every field's offset. A record that
/// contains itself (not through a list) has no finite layout (DD031).
fn lay_out(schema: &mut Schema, diags: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Todo,
        Active,
        Done,
    }
    let mut state = vec![State::Todo; schema.records.len()];
    // An explicit stack keeps this iterative: (record, next field to look at, depth).
    for start in 0..schema.records.len() {
        if state.get(start) != Some(&State::Todo) {
            continue;
        }
        let mut stack: Vec<(RecordId, usize)> = vec![(start, 0)];
        if let Some(s) = state.get_mut(start) {
            *s = State::Active;
        }
        while let Some(&(rid, at)) = stack.last() {
            let depth = stack.len();
            let field = schema
                .records
                .get(rid)
                .and_then(|r| r.fields.get_index(at))
                .map(|(_, f)| (f.ty, f.span));
            // Dropping a field keeps `at` where it is; otherwise move on.
            let drop_field = |schema: &mut Schema| {
                if let Some(r) = schema.records.get_mut(rid) {
                    r.fields.shift_remove_index(at);
                }
            };
            let mut advance = true;
            match field {
                Some((Type::Record(child), span)) => {
                    match state.get(child).copied() {
                        Some(State::Todo) => {
                            if depth >= MAX_SCHEMA_DEPTH {
                                diags.push(Diagnostic::error(
                                    "DD031",
                                    span,
                                    format!("records are nested more than {MAX_SCHEMA_DEPTH} deep"),
                                ));
                                // The next field moves into this place: look at it next.
                                drop_field(schema);
                                continue;
                            }
                            if let Some(s) = state.get_mut(child) {
                                *s = State::Active;
                            }
                            if let Some(top) = stack.last_mut() {
                                top.1 += 1;
                            }
                            stack.push((child, 0));
                            continue;
                        }
                        Some(State::Active) => {
                            // The records on the stack from `child` up to here form the cycle.
                            let name =
                                |r: RecordId| schema.records.get(r).map_or("", |r| r.name.as_str());
                            let from = stack.iter().position(|(r, _)| *r == child).unwrap_or(0);
                            let cycle: Vec<String> = stack
                                .iter()
                                .skip(from)
                                .map(|(r, _)| format!("`{}`", name(*r)))
                                .collect();
                            let message = if cycle.len() <= 1 {
                                format!("the record `{}` contains itself", name(child))
                            } else {
                                format!(
                                    "the records {} contain each other: {} → `{}`",
                                    cycle.join(", "),
                                    cycle.join(" → "),
                                    name(child)
                                )
                            };
                            diags.push(Diagnostic::error("DD031", span, message).help(
                                "a record can hold others of its kind only through `list<…>`",
                            ));
                            // Drop the field so the layout stays finite.
                            drop_field(schema);
                            advance = false;
                        }
                        _ => {}
                    }
                }
                Some(_) => {}
                None => {
                    // Every child is laid out: assign offsets and the size.
                    let sizes: Vec<usize> = schema
                        .records
                        .get(rid)
                        .map(|r| {
                            r.fields
                                .values()
                                .map(|f| match f.ty {
                                    Type::Record(c) => schema
                                        .records
                                        .get(c)
                                        .map_or(0, |c| c.size)
                                        .saturating_add(1),
                                    _ => 1,
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    if let Some(r) = schema.records.get_mut(rid) {
                        let mut offset = 0;
                        for (f, size) in r.fields.values_mut().zip(sizes) {
                            f.offset = offset;
                            // Saturating: an oversized layout is reported (DD040), never wraps.
                            offset = offset.saturating_add(size);
                        }
                        r.size = offset;
                    }
                    if let Some(s) = state.get_mut(rid) {
                        *s = State::Done;
                    }
                    stack.pop();
                    continue;
                }
            }
            if advance && let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The fields declared `required` in the schema of `schema` (enums, records
    /// and a `facts` block), as `Record.field`, in declaration order.
    #[track_caller]
    fn required(schema: &str) -> Vec<String> {
        let file = crate::syntax::parse(schema).expect("the schema parses");
        let mut diags = Vec::new();
        let schema = super::build(&file, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        schema
            .records
            .iter()
            .flat_map(|r| {
                r.fields
                    .iter()
                    .filter(|(_, f)| f.required)
                    .map(|(name, _)| format!("{}.{name}", r.name))
            })
            .collect()
    }

    #[test]
    fn required_is_kept_on_fields_of_every_type() {
        assert_eq!(
            required(
                "enum E { a, b }
                 record P { required listed: bool  name: string  required: int }
                 record U { required kind: E  required tags: set<E>  required n: decimal }
                 facts { required u: U  required ps: list<P>  required id_: string  other: P }"
            ),
            [
                "P.listed",
                "U.kind",
                "U.tags",
                "U.n",
                "facts.u",
                "facts.ps",
                "facts.id_"
            ]
        );
        assert!(required("record R { required: bool } facts { r: R }").is_empty());
    }
}
