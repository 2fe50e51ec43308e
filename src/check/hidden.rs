//! DD109: strings that hold a character a reader cannot see or a terminal
//! acts on: a control character (`\u{1B}`, the start of a terminal escape
//! sequence; `\u{D}`, which sends the cursor back over what was printed;
//! `\u{7}`; `\u{0}`; a line break), a direction-changing character or an
//! invisible one, everything [`is_hidden`] says yes to. Such a string reaches
//! reports and terminals, where `"admin\u{200B}"` looks like `"admin"`.
//!
//! They are found in each string literal's text, one warning per string at
//! the first such character: written as an escape (`\u{…}`, `\n`, `\t`), or
//! as it is for the invisible characters. A direction-changing character
//! written as it is already has its own warning wherever it stands (DD106),
//! and a raw control character is an error (DD001).

use crate::diag::Diagnostic;
use crate::printable::is_bidi_control;
use crate::printable::is_hidden;
use crate::span::Span;

/// The DD109 warnings of the string literals at `strings` in `source`.
pub(super) fn strings(source: &str, strings: &[Span], diags: &mut Vec<Diagnostic>) {
    for &literal in strings {
        let Some((span, c)) = first_hidden(source, literal) else {
            continue;
        };
        let code = u32::from(c);
        let kind = if c.is_control() {
            "control"
        } else if is_bidi_control(c) || matches!(c, '\u{200E}' | '\u{200F}') {
            "direction-changing"
        } else {
            "invisible"
        };
        diags.push(
            Diagnostic::warning(
                "DD109",
                span,
                format!("this string holds the {kind} character U+{code:04X}"),
            )
            .label("here")
            .help(format!(
                "a reader cannot see it and a terminal may act on it; reports and diagnostics show it as `\\u{{{code:X}}}`: remove it unless it is meant"
            )),
        );
    }
}

/// The first character of the string literal at `literal` (quotes included)
/// that [`is_hidden`] says yes to, with the span of how it is written;
/// `None` when there is none, or when the span holds no string literal.
fn first_hidden(source: &str, literal: Span) -> Option<(Span, char)> {
    let text = source.get(literal.start..literal.end)?;
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let base = literal.start + 1;
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        let (c, len) = if c == '\\' {
            match chars.next() {
                Some((_, 'n')) => ('\n', 2),
                Some((_, 't')) => ('\t', 2),
                Some((j, 'u')) => {
                    // `\u{…}`: the parser has read it, so it is well formed.
                    let (hex, _) = inner.get(j + 1..)?.strip_prefix('{')?.split_once('}')?;
                    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                    for _ in 0..hex.len() + 2 {
                        chars.next();
                    }
                    (c, hex.len() + 4)
                }
                // `\\` and `\"`.
                _ => continue,
            }
        } else if is_bidi_control(c) {
            continue;
        } else {
            (c, c.len_utf8())
        };
        if is_hidden(c) {
            return Some((Span::new(base + i, base + i + len), c));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code, message and text under the caret of each DD109 in a
    /// ruleset header named `name` (as written, quotes excluded).
    #[track_caller]
    fn check(name: &str, expected: Option<(&str, &str)>) {
        let source = format!("ruleset \"{name}\" {{}}");
        let literal = Span::new(8, 8 + name.len() + 2);
        let mut diags = Vec::new();
        strings(&source, &[literal], &mut diags);
        let found: Vec<(&str, &str)> = diags
            .iter()
            .map(|d| (d.message.as_str(), &source[d.span.start..d.span.end]))
            .collect();
        assert_eq!(found, expected.into_iter().collect::<Vec<_>>(), "{source}");
    }

    #[test]
    fn finds_the_first_hidden_character_of_a_string() {
        check("plain é ✓", None);
        check(
            "a\\u{1B}[8m\\u{7}",
            Some(("this string holds the control character U+001B", "\\u{1B}")),
        );
        check(
            "x\\u{d}",
            Some(("this string holds the control character U+000D", "\\u{d}")),
        );
        check(
            "\\u{0}",
            Some(("this string holds the control character U+0000", "\\u{0}")),
        );
        check(
            "\\u{9B}31m",
            Some(("this string holds the control character U+009B", "\\u{9B}")),
        );
        check(
            "line\\nbreak",
            Some(("this string holds the control character U+000A", "\\n")),
        );
        check(
            "tab\\there",
            Some(("this string holds the control character U+0009", "\\t")),
        );
        check(
            "admin\\u{200B}",
            Some((
                "this string holds the invisible character U+200B",
                "\\u{200B}",
            )),
        );
        check(
            "admin\u{200B}",
            Some((
                "this string holds the invisible character U+200B",
                "\u{200B}",
            )),
        );
        check(
            "\\u{202E}gnp.exe",
            Some((
                "this string holds the direction-changing character U+202E",
                "\\u{202E}",
            )),
        );
        check(
            "\\u{200F}",
            Some((
                "this string holds the direction-changing character U+200F",
                "\\u{200F}",
            )),
        );
        // Escaped quotes and backslashes are not escapes of hidden characters.
        check("\\\\u{1B} \\\"", None);
        // A raw direction-changing character is DD106's; the escape after it is DD109's.
        check("\u{202E}x", None);
        check(
            "\u{202E}x\\u{2066}",
            Some((
                "this string holds the direction-changing character U+2066",
                "\\u{2066}",
            )),
        );
    }
}
