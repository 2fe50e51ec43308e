//! One `--by` breakdown: records counted by the value of a fact, each row
//! split by disposition.

use std::borrow::Cow;

use super::counter::{Counter, OTHER};

/// The key of an absent value.
pub const UNKNOWN: &str = "(unknown)";

/// The key of an empty set.
pub const NONE: &str = "(none)";

/// The key of a value that `--by PATH:month` cannot read as a date.
pub const NOT_A_DATE: &str = "(not a date)";

/// A breakdown row: how many records, and how many of each disposition
/// (indexed as `Tally::dispositions` numbers them).
#[derive(Default, Clone)]
pub struct Row {
    pub count: u64,
    pub by_disposition: Vec<u64>,
}

impl Row {
    /// Counts `n` records of disposition number `d`.
    fn add(&mut self, d: usize, n: u64) {
        if self.by_disposition.len() <= d {
            self.by_disposition.resize(d + 1, 0);
        }
        if let Some(slot) = self.by_disposition.get_mut(d) {
            *slot += n;
        }
    }
}

/// What one `--by` counts.
pub struct By {
    /// The fact path.
    pub path: String,
    /// Grouped by month (`PATH:month`).
    pub month: bool,
    /// In a public summary, the values that may be shown as they are (an
    /// enum's values, `true` and `false`); `None` shows every value.
    pub allowed: Option<Vec<String>>,
    pub rows: Counter<Row>,
}

impl By {
    /// The same breakdown, counting nothing yet, with at most `cap` rows.
    pub fn fresh(&self, cap: usize) -> By {
        By {
            path: self.path.clone(),
            month: self.month,
            allowed: self.allowed.clone(),
            rows: Counter::new(cap),
        }
    }

    /// Adds the rows of `later`, the breakdown of the input that follows,
    /// whose disposition number `i` is `map[i]` here.
    pub fn merge(&mut self, later: By, map: &[usize]) {
        self.rows.merge(later.rows, |row, theirs| {
            row.count += theirs.count;
            for (i, n) in theirs.by_disposition.into_iter().enumerate() {
                if n > 0 {
                    // INVARIANT: `map` numbers every disposition of `later`.
                    row.add(map.get(i).copied().unwrap_or(i), n);
                }
            }
        });
    }

    /// Counts one record under each key its value (raw JSON text) gives.
    pub fn count(&mut self, value: Option<&str>, disposition: usize) {
        match value.map(|raw| (raw, plain_string(raw))) {
            None => self.count_key(UNKNOWN, disposition),
            // The common cases, a string or a set of strings without
            // escapes, without serde.
            Some((_, Some(text))) => self.count_text(text, disposition),
            Some((raw, None)) => match plain_strings(raw) {
                Some(items) if items.is_empty() => self.count_key(NONE, disposition),
                Some(items) => {
                    let mut keys: Vec<Cow<'_, str>> =
                        items.into_iter().map(|t| self.text_key(t)).collect();
                    keys.sort();
                    keys.dedup();
                    for key in keys {
                        self.count_key(&key, disposition);
                    }
                }
                None => {
                    for key in self.keys(raw) {
                        self.count_key(&key, disposition);
                    }
                }
            },
        }
    }

    /// Counts one record under the key of the string `text`.
    pub fn count_text(&mut self, text: &str, disposition: usize) {
        let key = self.text_key(text);
        self.count_key(&key, disposition);
    }

    fn count_key(&mut self, key: &str, disposition: usize) {
        let row = self.rows.entry(key);
        row.count += 1;
        row.add(disposition, 1);
    }

    /// The keys a value counts under: one for a scalar, one per distinct
    /// element for a list.
    fn keys(&self, raw: &str) -> Vec<String> {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(raw) else {
            return vec![OTHER.to_string()];
        };
        let mut keys = match &value {
            serde_json::Value::Array(items) if items.is_empty() => vec![NONE.to_string()],
            serde_json::Value::Array(items) => items.iter().map(|v| self.key(v)).collect(),
            other => vec![self.key(other)],
        };
        keys.sort();
        keys.dedup();
        keys
    }

    /// The key of one value.
    fn key(&self, value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(s) => self.text_key(s).into_owned(),
            serde_json::Value::Null => UNKNOWN.to_string(),
            other => self.text_key(&other.to_string()).into_owned(),
        }
    }

    /// The key of a value's text.
    fn text_key<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.month {
            return Cow::Owned(month(text).unwrap_or_else(|| NOT_A_DATE.to_string()));
        }
        match &self.allowed {
            Some(allowed) if !allowed.iter().any(|a| a == text) => Cow::Borrowed(OTHER),
            _ => Cow::Borrowed(text),
        }
    }
}

/// The text of a JSON string without escapes (`"…"`), else `None`.
fn plain_string(raw: &str) -> Option<&str> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['\\', '"'])).then_some(inner)
}

/// The elements of a JSON array (valid JSON text) whose every element is a
/// string without escapes, else `None`. Such a string holds no `"`, so a
/// `,` inside one leaves a piece that is no quoted string: `None` too.
fn plain_strings(raw: &str) -> Option<Vec<&str>> {
    let ws: &[char] = &[' ', '\t', '\n', '\r'];
    let inner = raw.strip_prefix('[')?.strip_suffix(']')?.trim_matches(ws);
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner
        .split(',')
        .map(|item| plain_string(item.trim_matches(ws)))
        .collect()
}

/// `YYYY-MM` of a text that starts with a date (`YYYY-MM-DD…`).
pub fn month(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10);
    let month = text.get(5..7)?.parse::<u8>().ok()?;
    (shape && (1..=12).contains(&month)).then(|| text.get(..7).unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_from_dates_only() {
        assert_eq!(month("2026-03-01T10:00:00Z").as_deref(), Some("2026-03"));
        assert_eq!(month("2026-13-01"), None);
        assert_eq!(month("2026-03"), None);
        assert_eq!(month("Agency X"), None);
    }

    /// The rows of a breakdown, as text.
    fn rows(b: &By) -> Vec<(String, u64, Vec<u64>)> {
        let rows = b.rows.rows();
        rows.into_iter()
            .map(|(k, r)| (k.to_string(), r.count, r.by_disposition.clone()))
            .collect()
    }

    #[test]
    fn values_read_without_serde_count_as_with_it() {
        let values = [
            r#""b""#,
            r#""2026-03-04""#,
            r#"["b","a","b"]"#,
            r#"[ "a" , "2026-01-02" ]"#,
            "[]",
            r#""a\"b""#,
            r#"["x\u0041","a,b"]"#,
            r#"["a",1,null]"#,
            "true",
            "7.50",
        ];
        let allowed = Some(vec!["a".to_string(), "true".to_string()]);
        for (month, allowed) in [(false, None), (true, None), (false, allowed)] {
            let by = By {
                path: "p".into(),
                month,
                allowed,
                rows: Counter::new(100),
            };
            let (mut fast, mut slow) = (by.fresh(100), by.fresh(100));
            for (d, raw) in values.iter().enumerate() {
                fast.count(Some(raw), d);
                for key in slow.keys(raw) {
                    slow.count_key(&key, d);
                }
            }
            assert_eq!(rows(&fast), rows(&slow), "month {month}");
        }
    }

    #[test]
    fn plain_strings_are_read_without_serde_others_with_it() {
        assert_eq!(plain_string(r#""abc""#), Some("abc"));
        assert_eq!(plain_string(r#""a\"b""#), None);
        assert_eq!(plain_string(r#"["a"]"#), None);
        assert_eq!(plain_string("\""), None);
        assert_eq!(
            plain_strings(r#"[ "a" ,"b","a"]"#),
            Some(vec!["a", "b", "a"])
        );
        assert_eq!(plain_strings("[ ]"), Some(vec![]));
        assert_eq!(plain_strings(r#"["a,b"]"#), None);
        assert_eq!(plain_strings(r#"["a", 1]"#), None);
        assert_eq!(plain_strings(r#"["a\"b"]"#), None);
        assert_eq!(plain_strings(r#"[["a"]]"#), None);
    }
}
