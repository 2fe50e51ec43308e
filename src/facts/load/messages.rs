//! Error messages and positions: serde_json's messages reworded, its
//! positions turned into characters, and text from the document quoted.

/// serde_json's message for an error in `text`, without its position, in
/// the words the other messages use: where serde_json's words are wrong
/// (surrogates) or quote the document at any length, ours.
pub(super) fn serde_message(e: &serde_json::Error, text: &str) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let end = byte_offset(text, e.line(), e.column());
    let surrogate = match message {
        // serde_json says this both for a trailing surrogate with no leading
        // one before it and for a leading one followed by another escape.
        "lone leading surrogate in hex escape" => {
            end.and_then(|end| lone_surrogate(text, end, true))
        }
        // A leading surrogate followed by no escape at all.
        "unexpected end of hex escape" => end.and_then(|end| lone_surrogate(text, end, false)),
        _ => None,
    };
    surrogate.unwrap_or_else(|| quote_unknown_field(&reword(message)))
}

/// The byte offset of serde_json's position (a line, and a column that
/// counts the bytes of that line read so far).
fn byte_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = match line {
        0 | 1 => 0,
        n => text.match_indices('\n').nth(n - 2)?.0 + 1,
    };
    Some(start + column).filter(|end| *end <= text.len())
}

/// The message for a `\u` escape of a UTF-16 surrogate with no partner, the
/// escapes read ending at byte `end`. With `after_escape`, the last escape
/// read is either a trailing surrogate with no leading one before it, or
/// the escape that should have been the trailing partner of the one before
/// it; otherwise the last escape is the leading surrogate itself.
fn lone_surrogate(text: &str, end: usize, after_escape: bool) -> Option<String> {
    // The last `\u` escape before `end`: the four digits that serde_json read.
    let escape_before = |end: usize| {
        let at = text.get(..end)?.rfind("\\u")?;
        let written = text.get(at..at + 6)?;
        let value = u16::from_str_radix(written.get(2..)?, 16).ok()?;
        Some((at, written, value))
    };
    let (at, written, value) = escape_before(end)?;
    let leading = match value {
        0xDC00..=0xDFFF if after_escape => {
            return Some(format!(
                "lone trailing surrogate `{written}`: a `\\u` escape from `\\udc00` to `\\udfff` must follow one from `\\ud800` to `\\udbff`"
            ));
        }
        _ if after_escape => escape_before(at)?.1,
        _ => written,
    };
    Some(format!(
        "lone leading surrogate `{leading}`: a `\\u` escape from `\\ud800` to `\\udbff` must be followed by one from `\\udc00` to `\\udfff`"
    ))
}

/// Rewords serde's "invalid type: X, expected Y" as "expected Y, found X",
/// in the words the other messages use.
pub(in crate::facts) fn reword(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_string();
    };
    let Some((found, expected)) = rest.rsplit_once(", expected ") else {
        return message.to_string();
    };
    let found = if let Some(s) = found.strip_prefix("string ") {
        format!("the string {}", quote(s))
    } else if let Some(n) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
    {
        format!("the number {}", n.trim_matches('`'))
    } else if let Some(b) = found.strip_prefix("boolean ") {
        b.to_string()
    } else {
        match found {
            "sequence" => "an array".to_string(),
            "map" => "an object".to_string(),
            "unit value" | "null" => "null".to_string(),
            other => other.to_string(),
        }
    };
    format!("expected {expected}, found {found}")
}

/// The 1-based line and column, in characters, of a position given as a
/// line and a 1-based column in bytes, as serde_json gives it. serde_json
/// says column 0 when the error comes just after a line break: that is the
/// end of the line before, where the offending value ends.
pub(super) fn char_position(text: &str, line: usize, byte_column: usize) -> (usize, usize) {
    let (line, byte_column) = match (line, byte_column) {
        (2.., 0) => {
            let before = text.split('\n').nth(line - 2).unwrap_or("");
            (line - 1, before.len() + 1)
        }
        (line, column) => (line, column.max(1)),
    };
    let Some(text_line) = text.split('\n').nth(line.saturating_sub(1)) else {
        return (line, byte_column);
    };
    // A column inside a multi-byte character counts from its start.
    let end = (0..byte_column.min(text_line.len() + 1))
        .rev()
        .find(|&i| text_line.is_char_boundary(i))
        .unwrap_or(0);
    let before = text_line.get(..end).unwrap_or("");
    (line, before.chars().count() + 1)
}

/// Text from the document made safe to print (see `crate::printable`).
pub(in crate::facts) fn printable(text: &str) -> String {
    crate::printable::printable(text).into_owned()
}

/// The most characters of a key or value of the document that a message
/// quotes: a key or a number may be megabytes long.
const QUOTED_CHARS: usize = 100;

/// Text from the document to quote in a message: made safe to print, and
/// cut to its first [`QUOTED_CHARS`] characters with its size said.
pub(in crate::facts) fn quote(text: &str) -> String {
    crate::printable::printable_prefix(text, QUOTED_CHARS).into_owned()
}

/// serde's "unknown field `KEY`, expected …" with the key quoted by [`quote`]:
/// the key comes from the document. Other messages are returned as they are.
pub(in crate::facts) fn quote_unknown_field(message: &str) -> String {
    message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.rsplit_once("`, expected "))
        .map_or_else(
            || message.to_string(),
            |(key, rest)| format!("unknown field `{}`, expected {rest}", quote(key)),
        )
}
