//! Facts documents built from the schema, for the examples of `dd-rules
//! doc`: keys in the schema's order, which a JSON map would sort.

use dd_rules::{FactInfo, FactKind, RuleSet};
use serde_json::{Value, json};

/// A JSON value whose objects keep the order their keys were put in.
pub enum Json {
    Obj(Vec<(String, Json)>),
    Arr(Vec<Json>),
    Leaf(Value),
}

impl Json {
    fn empty() -> Json {
        Json::Obj(Vec::new())
    }

    /// The value at `key` of an object, made by `make` when absent.
    fn entry(&mut self, key: &str, make: impl FnOnce() -> Json) -> Option<&mut Json> {
        let Json::Obj(fields) = self else {
            return None;
        };
        let at = match fields.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                fields.push((key.to_string(), make()));
                fields.len() - 1
            }
        };
        fields.get_mut(at).map(|(_, v)| v)
    }

    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Puts `value` at a fact path (`a.b`, `list[].c`), making the objects
    /// and one-element arrays on the way; a value already there stays.
    pub fn put(&mut self, path: &str, value: Json) {
        let mut parts = path.split('.').peekable();
        let mut here = self;
        let mut value = Some(value);
        while let Some(part) = parts.next() {
            let (key, list) = match part.strip_suffix("[]") {
                Some(k) => (k, true),
                None => (part, false),
            };
            if parts.peek().is_none() {
                here.entry(key, || value.take().unwrap_or(Json::Leaf(Value::Null)));
                return;
            }
            let make = || {
                if list {
                    Json::Arr(vec![Json::empty()])
                } else {
                    Json::empty()
                }
            };
            let Some(slot) = here.entry(key, make) else {
                return;
            };
            here = match slot {
                Json::Arr(items) => match items.first_mut() {
                    Some(first) => first,
                    None => return,
                },
                other => other,
            };
        }
    }

    /// Whether a path (`a.b`, `list[].c`) is there.
    pub fn has(&self, path: &str) -> bool {
        let mut here = self;
        for part in path.split('.') {
            let key = part.strip_suffix("[]").unwrap_or(part);
            let Some(v) = here.get(key) else {
                return false;
            };
            here = match v {
                Json::Arr(items) => match items.first() {
                    Some(first) => first,
                    None => return true,
                },
                v => v,
            };
        }
        true
    }

    /// JSON text, on one line or indented by two.
    pub fn text(&self, pretty: bool) -> String {
        let mut out = String::new();
        self.write(&mut out, pretty, 0);
        out
    }

    fn write(&self, out: &mut String, pretty: bool, depth: usize) {
        let (open, close, items): (char, char, Vec<(Option<&str>, &Json)>) = match self {
            Json::Leaf(v) => {
                out.push_str(&v.to_string());
                return;
            }
            Json::Obj(fields) => (
                '{',
                '}',
                fields.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
            ),
            Json::Arr(items) => ('[', ']', items.iter().map(|v| (None, v)).collect()),
        };
        out.push(open);
        if items.is_empty() {
            out.push(close);
            return;
        }
        for (i, (key, value)) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
                if !pretty {
                    out.push(' ');
                }
            }
            if pretty {
                out.push('\n');
                out.push_str(&"  ".repeat(depth + 1));
            }
            if let Some(k) = key {
                out.push_str(&Value::from(*k).to_string());
                out.push_str(": ");
            }
            value.write(out, pretty, depth + 1);
        }
        if pretty {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
        out.push(close);
    }
}

/// A value of this fact's type, for examples.
pub fn sample(f: &FactInfo<'_>) -> Json {
    let first = f.values.first().map(|v| v.name);
    Json::Leaf(match f.kind {
        FactKind::Bool => json!(false),
        FactKind::Int => json!(0),
        FactKind::Decimal => json!(0.5),
        FactKind::String => json!("…"),
        FactKind::Enum => json!(first.unwrap_or_default()),
        FactKind::Set => json!(first.into_iter().collect::<Vec<_>>()),
        FactKind::List => return Json::Arr(vec![Json::empty()]),
        _ => return Json::empty(),
    })
}

/// A facts document that gives one fact, with provenance.
pub fn with_provenance(f: &FactInfo<'_>) -> String {
    let mut doc = Json::empty();
    let sample = match sample(f) {
        Json::Leaf(v) => v,
        _ => Value::Null,
    };
    doc.put(
        &f.path,
        Json::Obj(vec![
            ("value".into(), Json::Leaf(sample)),
            ("source".into(), Json::Leaf(json!("where it was found"))),
            ("as_of".into(), Json::Leaf(json!("2025-01-31"))),
        ]),
    );
    doc.text(false)
}

/// A minimal facts document: the id and every required fact (a record or
/// list as an object or one element), values for illustration. A required
/// field of a list's elements, or of a record, is given where its list or
/// record is.
pub fn example(rules: &RuleSet) -> Json {
    let mut doc = Json::empty();
    doc.put("id", Json::Leaf(json!("T-0001")));
    for f in rules.facts() {
        let parent_given = match f.path.rfind('.') {
            None => true,
            Some(i) => doc.has(f.path.get(..i).unwrap_or_default()),
        };
        if f.required && parent_given {
            doc.put(&f.path, sample(&f));
        }
    }
    doc
}
