//! One line of `summary`'s input read into what the tally needs: a decision
//! record (`eval --format decision`), a full report (`eval --format
//! ndjson`), or an error record that `eval` printed for a rejected line.
//!
//! The line is parsed once, borrowing its strings where they have no
//! escapes; fields the summary does not count (titles, citations,
//! safeguards, advice) are skipped unread.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A string of the line: borrowed from it when it has no escapes, owned
/// otherwise (serde's own `Cow` always copies inside a list).
pub struct Text<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// A record's `facts`: each path and its value's JSON text (a decision
/// record's facts asked for with `--record-fact`, a full report's quoted
/// facts).
pub struct FactsIn<'a>(pub Vec<(Text<'a>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for FactsIn<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FactsVisitor;
        impl<'de> Visitor<'de> for FactsVisitor {
            type Value = FactsIn<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of fact paths and values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<Text<'de>, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(FactsIn(out))
            }
        }
        deserializer.deserialize_map(FactsVisitor)
    }
}

/// The ruleset a record names.
#[derive(Deserialize)]
#[serde(rename = "ruleset")]
pub struct RulesetIn<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub version: Cow<'a, str>,
    #[serde(borrow)]
    pub digest: Cow<'a, str>,
}

/// One flag of a full report.
#[derive(Deserialize)]
#[serde(rename = "flag")]
pub struct FlagIn<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub status: Text<'a>,
    #[serde(default)]
    pub mitigated: bool,
}

/// The scope: a status string (decision record) or an object with a status
/// (full report).
pub struct ScopeIn<'a> {
    pub status: Cow<'a, str>,
}

impl<'de: 'a, 'a> Deserialize<'de> for ScopeIn<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScopeVisitor;
        impl<'de> Visitor<'de> for ScopeVisitor {
            type Value = ScopeIn<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scope status or a scope object")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(ScopeIn {
                    status: Cow::Borrowed(v),
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ScopeIn {
                    status: Cow::Owned(v.to_string()),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut status = None;
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "status" => status = Some(map.next_value::<Cow<'de, str>>()?),
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let status = status.ok_or_else(|| de::Error::missing_field("status"))?;
                Ok(ScopeIn { status })
            }
        }
        deserializer.deserialize_any(ScopeVisitor)
    }
}

/// A line as parsed: every field either form may have.
#[derive(Deserialize)]
#[serde(rename = "record")]
pub struct Entry<'a> {
    #[serde(borrow, default)]
    pub ruleset: Option<RulesetIn<'a>>,
    #[serde(borrow, default)]
    pub scope: Option<ScopeIn<'a>>,
    #[serde(borrow, default)]
    pub disposition: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub raised: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    pub mitigated: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    pub unknown: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    pub missing_facts: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    pub facts: Option<FactsIn<'a>>,
    #[serde(borrow, default)]
    pub at: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub flags: Option<Vec<FlagIn<'a>>>,
    #[serde(default)]
    pub line: Option<u64>,
    #[serde(borrow, default)]
    pub error: Option<&'a RawValue>,
}

/// What a line is.
pub enum Parsed<'a> {
    /// A decision record or a full report.
    Record(Box<Record<'a>>),
    /// An error record of `eval`: the line of eval's input and its message.
    Upstream { line: Option<u64>, message: String },
}

/// The form a record came in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A decision record.
    Decision,
    /// A full report.
    Report,
}

/// A record, in either form.
pub struct Record<'a> {
    pub form: Form,
    pub ruleset: RulesetIn<'a>,
    pub disposition: Cow<'a, str>,
    pub scope: Option<ScopeIn<'a>>,
    pub entry: Entry<'a>,
}

/// Parses one line, or says why it is not a record.
pub fn parse(text: &str) -> Result<Parsed<'_>, String> {
    let mut entry: Entry<'_> = serde_json::from_str(text).map_err(|e| {
        let what = if e.is_data() { "" } else { "not JSON: " };
        format!("{what}{e}")
    })?;
    if let (None, Some(error)) = (&entry.disposition, entry.error) {
        return Ok(Parsed::Upstream {
            line: entry.line,
            message: upstream_message(error),
        });
    }
    let disposition = entry
        .disposition
        .take()
        .ok_or("neither a decision record nor a report: no `disposition`")?;
    let ruleset = entry
        .ruleset
        .take()
        .ok_or("neither a decision record nor a report: no `ruleset`")?;
    let form = match (&entry.raised, &entry.flags) {
        (Some(_), None) => Form::Decision,
        (None, Some(_)) => Form::Report,
        (Some(_), Some(_)) => {
            return Err("both `raised` (a decision record) and `flags` (a report)".into());
        }
        (None, None) => {
            return Err("neither a decision record (no `raised`) nor a report (no `flags`)".into());
        }
    };
    let scope = entry.scope.take();
    Ok(Parsed::Record(Box::new(Record {
        form,
        ruleset,
        disposition,
        scope,
        entry,
    })))
}

/// The message of an error record (`{"line": …, "error": {"message": …}}`),
/// or its JSON text when it has another shape.
fn upstream_message(error: &RawValue) -> String {
    #[derive(Deserialize)]
    struct ErrorIn {
        message: String,
        #[serde(default)]
        path: Option<String>,
    }
    match serde_json::from_str::<ErrorIn>(error.get()) {
        Ok(ErrorIn {
            message,
            path: Some(path),
        }) if !path.is_empty() => format!("at `{path}`: {message}"),
        Ok(e) => e.message,
        Err(_) => error.get().to_string(),
    }
}

impl<'a> Record<'a> {
    /// The raw JSON value of the fact `path`, from the record's `facts`:
    /// those a decision record was asked to quote, those a full report
    /// quotes as evidence. `None` when absent or `null`.
    pub fn fact(&self, path: &str) -> Option<&'a RawValue> {
        let found = (self.entry.facts.as_ref())
            .and_then(|facts| facts.0.iter().find(|(p, _)| &**p == path))
            .map(|(_, v)| *v);
        found.filter(|v| v.get() != "null")
    }
}
