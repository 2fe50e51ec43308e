//! A pre-pass over the raw text that rejects nesting deeper than the limit
//! before the recursive-descent parser sees it, so that thousands of
//! parentheses give an error instead of a stack overflow.

use crate::limits::MAX_BRACKET_DEPTH;
use crate::report::diagnostic::Diagnostic;
use crate::span::Span;

/// Fails at the first bracket that opens deeper than [`MAX_BRACKET_DEPTH`].
/// Strings and comments are skipped, as the parser skips them.
pub(super) fn check_nesting(source: &str) -> Result<(), Vec<Diagnostic>> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                // Skip to the closing quote, honouring escapes; an unterminated
                // string is the parser's to report.
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' | b'\n' => break,
                        _ => i += 1,
                    }
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len()
                    && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/'))
                {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'{' | b'[' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
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
            b')' | b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}
