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

#[cfg(test)]
mod tests {
    use super::*;

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
