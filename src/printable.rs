//! Text made safe to show a person: the one place that decides which
//! characters may reach a terminal, a log or a rendered diagnostic as they are.
//!
//! Facts documents and ruleset strings are written by other people. A
//! control character in them can be a terminal escape sequence (move the
//! cursor, conceal text, rewrite a line already printed), a carriage return
//! that overwrites what came before, or a bidirectional control or
//! zero-width character that makes two different texts look the same.
//! Every human-readable output (text reports, diagnostics, explanations,
//! test failures, error messages) passes such text through [`printable`].

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a character must not be shown as it is: control characters
/// (C0, DEL and C1; a line break too, since one value must stay on one
/// line), the bidirectional controls, zero-width characters and the
/// byte-order mark.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
        || is_bidi_control(c)
}

/// The characters that change the direction of the text after them: the
/// embeddings, overrides and isolates of the Unicode bidirectional algorithm.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that [`is_hidden`] written as a `\u{…}`
/// escape (upper-case hex), so that what a person sees is what the data
/// holds. Borrows when there is nothing to escape.
///
/// ```
/// assert_eq!(dd_rules::printable("T-1\n\u{1b}[8mPROCEED"), "T-1\\u{A}\\u{1B}[8mPROCEED");
/// assert_eq!(dd_rules::printable("plain"), "plain");
/// ```
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            // INVARIANT: writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`printable`], cut to at most `max_chars` characters of `text` with the
/// size of what was left out said in words, for text that may be of any
/// length (a key or value from a facts document) quoted in a message.
///
/// ```
/// let long = "x".repeat(1000);
/// assert_eq!(
///     dd_rules::printable_prefix(&long, 4),
///     "xxxx… (1000 bytes in all)"
/// );
/// ```
pub fn printable_prefix(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => printable(text),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({} bytes in all)",
            printable(text.get(..cut).unwrap_or_default()),
            text.len()
        )),
    }
}

/// Whether `bytes` hold a byte a JSON string escapes: `"`, `\\` or one
/// below U+0020. Eight bytes at a time: in a word `w`, `(w - 0x01…) & !w &
/// 0x80…` is non-zero exactly when one of its bytes is zero, so the test is
/// whether `w ^ '"'…`, `w ^ '\\'…` or `w & 0xe0…` (zero for a byte below
/// 0x20) has a zero byte.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    fn has_zero(w: u64) -> bool {
        w.wrapping_sub(ONES) & !w & HIGH != 0
    }
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        if has_zero(w ^ (ONES * u64::from(b'"')))
            || has_zero(w ^ (ONES * u64::from(b'\\')))
            || has_zero(w & (ONES * 0xe0))
        {
            return true;
        }
    }
    (chunks.remainder().iter()).any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"`,
/// `\` and the control characters below U+0020 (the short forms `\b`, `\f`,
/// `\n`, `\r`, `\t`, the others as `\u00xx`); everything else as it is.
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Ids, names and paths rarely hold anything to escape: one pass that
    // only looks, eight bytes at a time, then a copy.
    if !needs_escape(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // INVARIANT: `i` is the index of an ASCII byte, so a character
        // boundary.
        out.push_str(s.get(start..i).unwrap_or_default());
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(
                HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
            ));
            out.push(char::from(
                HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0'),
            ));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every position of a word and of the tail, among
    /// bytes that need no escape (ASCII and not): the word test agrees
    /// with the byte test, and the escaped string with serde_json's.
    #[test]
    fn json_strings_are_escaped_as_serde_json_escapes_them() {
        for len in [1usize, 7, 8, 9, 16, 23] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let slow = bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
                    assert_eq!(needs_escape(&bytes), slow, "byte {b:#x} at {at} of {len}");
                }
            }
        }
        for s in [
            "",
            "plain",
            "a\"q\\b",
            "\u{0}\u{1f}\u{7f}é€😀\n\r\t\u{8}\u{c}",
            "0123456789\"abcdef",
        ] {
            let mut out = String::new();
            push_json_str(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn escapes_controls_bidi_and_invisible_characters() {
        assert_eq!(printable("a\rb\u{7}c\u{0}"), "a\\u{D}b\\u{7}c\\u{0}");
        assert_eq!(printable("\u{202E}gnp.exe"), "\\u{202E}gnp.exe");
        assert_eq!(printable("admin\u{200B}"), "admin\\u{200B}");
        assert_eq!(printable("\u{9B}31m"), "\\u{9B}31m");
        assert!(matches!(printable("Zürich"), Cow::Borrowed("Zürich")));
    }

    #[test]
    fn prefixes_count_characters_not_bytes() {
        assert_eq!(printable_prefix("ééé", 2), "éé… (6 bytes in all)");
        assert_eq!(printable_prefix("ééé", 3), "ééé");
        assert_eq!(
            printable_prefix("a\u{1b}bc", 2),
            "a\\u{1B}… (4 bytes in all)"
        );
    }
}
