//! The fact schema: enums, records, and the slot layout that facts are stored in.
//!
//! Every fact path that does not pass through a list has a fixed slot in the
//! frame of its root: a record-typed field takes one slot (whether the record
//! is present) followed by the slots of its own fields. A list field takes one
//! slot that holds a frame per element, laid out by the element's record.

use indexmap::IndexMap;

use crate::span::Span;

/// The index of an enum in [`Schema::enums`].
pub(crate) type EnumId = usize;
/// The index of a record in [`Schema::records`].
pub(crate) type RecordId = usize;

/// The type of a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Type {
    Bool,
    Int,
    Decimal,
    String,
    Enum(EnumId),
    Set(EnumId),
    Record(RecordId),
    List(RecordId),
}

/// A declared enum; a value is the index of its variant.
#[derive(Clone, Debug)]
pub(crate) struct EnumDef {
    pub name: String,
    pub docs: Option<String>,
    pub variants: IndexMap<String, Option<String>>,
}

/// A declared record, or the root `facts` block.
#[derive(Clone, Debug)]
pub(crate) struct RecordDef {
    pub name: String,
    pub docs: Option<String>,
    pub fields: IndexMap<String, FieldDef>,
    /// How many slots a value of this record takes, its own fields and nested records included.
    pub size: usize,
}

/// A field of a record.
#[derive(Clone, Debug)]
pub(crate) struct FieldDef {
    pub ty: Type,
    /// The slot of the field relative to the first slot of its record.
    pub offset: usize,
    pub docs: Option<String>,
    pub span: Span,
    /// Declared `required`: the ruleset says the fact must be known for every
    /// transaction in scope. A declaration for those who fill in the facts
    /// (the JSON Schema's `x-dd-required`); loading and evaluation do not read
    /// it, and a required fact left out is unknown like any other.
    pub required: bool,
}

/// The whole schema.
#[derive(Clone, Debug, Default)]
pub(crate) struct Schema {
    pub enums: Vec<EnumDef>,
    pub records: Vec<RecordDef>,
    /// The record of the `facts` block.
    pub root: RecordId,
    /// Whether the ruleset declares a `facts` block at all.
    pub root_declared: bool,
    /// Fields left out because their type is wrong: the checker reports no
    /// use of them, since their declaration is already reported.
    pub poisoned: Vec<(RecordId, String)>,
    /// What the facts loader learns of the documents it reads, made the
    /// first time it loads one.
    pub loader: LoaderCache,
}

/// What the fast facts loader learns of the order of keys (see
/// `facts/load/fast/predict.rs`), made once the schema is complete, the
/// first time a document is loaded. A clone of the schema starts afresh.
#[derive(Default)]
pub(crate) struct LoaderCache(std::sync::OnceLock<super::load::Predictions>);

impl LoaderCache {
    /// The guesses for `schema`, whose cache this is.
    pub(super) fn get(&self, schema: &Schema) -> &super::load::Predictions {
        self.0.get_or_init(|| super::load::Predictions::new(schema))
    }
}

impl Clone for LoaderCache {
    fn clone(&self) -> LoaderCache {
        LoaderCache::default()
    }
}

impl std::fmt::Debug for LoaderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoaderCache")
    }
}

impl Schema {
    /// The enum with a name. A linear search: the checker keeps a map
    /// instead, so this is for tests.
    #[cfg(test)]
    pub fn enum_named(&self, name: &str) -> Option<EnumId> {
        self.enums.iter().position(|e| e.name == name)
    }

    /// The record of an id; the checker builds ids only for records that exist.
    pub fn record(&self, id: RecordId) -> Option<&RecordDef> {
        self.records.get(id)
    }

    /// How a type is written.
    pub fn type_name(&self, ty: Type) -> String {
        let enum_name = |e: EnumId| self.enums.get(e).map_or("?", |d| d.name.as_str());
        let record_name = |r: RecordId| self.records.get(r).map_or("?", |d| d.name.as_str());
        match ty {
            Type::Bool => "bool".into(),
            Type::Int => "int".into(),
            Type::Decimal => "decimal".into(),
            Type::String => "string".into(),
            Type::Enum(e) => enum_name(e).into(),
            Type::Set(e) => format!("set<{}>", enum_name(e)),
            Type::Record(r) => record_name(r).into(),
            Type::List(r) => format!("list<{}>", record_name(r)),
        }
    }

    /// Resolves field names from the start of a record to the slot and type
    /// they name, or `None` if a name is not a field or passes through a
    /// non-record. This is the one by-name lookup, used by the compiler once
    /// per path and by the reference interpreter at every read.
    pub fn resolve<'a>(
        &self,
        record: RecordId,
        fields: impl IntoIterator<Item = &'a str>,
    ) -> Option<(usize, Type)> {
        let mut record = record;
        let mut base = 0usize;
        let mut found: Option<(usize, Type)> = None;
        for name in fields {
            if let Some((_, ty)) = found {
                match ty {
                    Type::Record(r) => record = r,
                    _ => return None,
                }
            }
            let field = self.records.get(record)?.fields.get(name)?;
            let slot = match found {
                // A nested record's fields start after its presence slot.
                Some((parent_slot, _)) => parent_slot + 1 + field.offset,
                None => base + field.offset,
            };
            base = slot;
            found = Some((slot, field.ty));
        }
        found
    }

    /// A stable fingerprint of the layout, so that facts loaded for one schema
    /// are never evaluated against another.
    pub fn fingerprint(&self) -> u64 {
        // FNV-1a over a canonical description: fast, dependency-free, stable across runs.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |s: &str| {
            for b in s.bytes().chain(std::iter::once(0xff)) {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for e in &self.enums {
            feed(&e.name);
            for v in e.variants.keys() {
                feed(v);
            }
        }
        for r in &self.records {
            feed(&r.name);
            for (name, f) in &r.fields {
                feed(name);
                feed(&self.type_name(f.ty));
            }
        }
        hash
    }
}
