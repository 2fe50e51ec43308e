//! A pre-pass over the raw text, before the recursive-descent parser sees it:
//! brackets nested deeper than the limit are rejected (so thousands of
//! parentheses give an error, not a stack overflow), and unterminated strings
//! and unbalanced brackets are reported where they start, which says more
//! than the place where the parser finally gives up. Control characters
//! (other than tab and line breaks) are refused everywhere, comments too:
//! invisible in an editor, they could also carry terminal escape sequences
//! into diagnostics, reports and printed doc comments.

use crate::diag::Diagnostic;
use crate::limits::MAX_BRACKET_DEPTH;
use crate::span::Span;

fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// Checks bracket nesting and strings. Strings and comments are skipped, as
/// the parser skips them.
pub(super) fn check_nesting(source: &str) -> Result<(), Vec<Diagnostic>> {
    let bytes = source.as_bytes();
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let start = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        Some(b'\\') => {
                            if bytes.get(i + 1).is_some_and(|&c| is_control(c)) {
                                return Err(control(source, i + 1));
                            }
                            i += 2;
                        }
                        Some(b'"') => break,
                        Some(&c) if is_control(c) => return Err(control(source, i)),
                        Some(b'\n' | b'\r') | None => {
                            return Err(vec![
                                Diagnostic::error("DD001", Span::new(start, i), "this string is never closed")
                                    .label("the string starts here")
                                    .help("end the string with `\"` on the same line; strings cannot span lines"),
                            ]);
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            // A line comment ends where the grammar's NEWLINE does: at `\n`
            // or at a lone `\r`, so that no code hides from this scan.
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while let Some(&c) = bytes.get(i).filter(|&&c| c != b'\n' && c != b'\r') {
                    if is_control(c) {
                        return Err(control(source, i));
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len()
                    && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/'))
                {
                    if bytes.get(i).is_some_and(|&c| is_control(c)) {
                        return Err(control(source, i));
                    }
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'{' | b'[' => {
                open.push((b, i));
                if open.len() > MAX_BRACKET_DEPTH {
                    return Err(vec![
                        Diagnostic::error(
                            "DD002",
                            Span::new(i, i + 1),
                            format!("brackets are nested more than {MAX_BRACKET_DEPTH} deep"),
                        )
                        .label("too deep")
                        .help("name a part of the condition with a `predicate` and use its name"),
                    ]);
                }
            }
            b')' | b'}' | b']' => match open.pop() {
                Some((o, _)) if closer(o) == b => {}
                Some((o, at)) => {
                    let (o, b, c) = (char::from(o), char::from(b), char::from(closer(o)));
                    return Err(vec![
                        Diagnostic::error(
                            "DD001",
                            Span::new(i, i + 1),
                            format!("expected `{c}`, found `{b}`"),
                        )
                        .label(format!("this does not close the `{o}`"))
                        .note(Span::new(at, at + 1), format!("this `{o}` is still open")),
                    ]);
                }
                None => {
                    let b = char::from(b);
                    return Err(vec![
                        Diagnostic::error(
                            "DD001",
                            Span::new(i, i + 1),
                            format!("unexpected `{b}`"),
                        )
                        .label("nothing is open here to close"),
                    ]);
                }
            },
            c if is_control(c) => return Err(control(source, i)),
            _ => {}
        }
        i += 1;
    }
    if let Some((o, at)) = open.pop() {
        let o = char::from(o);
        return Err(vec![
            Diagnostic::error(
                "DD001",
                Span::new(at, at + 1),
                format!("this `{o}` is never closed"),
            )
            .label("opened here")
            .help(format!(
                "add the matching `{}`",
                char::from(closer(o as u8))
            )),
        ]);
    }
    Ok(())
}

/// A control character other than tab and the line breaks: invisible, or
/// worse (an escape sequence) when the line is shown in a terminal.
fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
}

/// The error for a control character outside a comment.
fn control(source: &str, at: usize) -> Vec<Diagnostic> {
    let code = source.as_bytes().get(at).copied().unwrap_or(0);
    vec![
        Diagnostic::error(
            "DD001",
            Span::new(at, at + 1),
            format!("unexpected control character U+{code:04X}"),
        )
        .label("invisible here")
        .help(format!(
            "remove it; in a string, write it as `\\u{{{code:X}}}`"
        )),
    ]
}
