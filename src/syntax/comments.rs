//! Comments with their places in the source, for the formatter.
//!
//! The grammar skips `//` and `/* */` comments as white space, so they never
//! reach the AST; the formatter finds them again here, with byte spans and
//! what surrounds them, and decides where to print each one. Doc comments
//! (`///`) are part of the AST and are not collected.

use crate::span::Span;

/// One `//` or `/* */` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Comment {
    /// Where it is, from the first `/` to the end of its text (without the
    /// white space that may end a line comment).
    pub span: Span,
    /// The comment as it will be printed: a line comment without trailing
    /// white space, a block comment with `\r\n` line ends made `\n`.
    pub text: String,
    /// The end of the last code (not white space, not a comment) before it.
    pub prev_code_end: Option<usize>,
    /// No code precedes it on its line: it starts a line of its own.
    pub own_line: bool,
    /// Nothing but white space and other such comments follows it on its line.
    pub ends_line: bool,
}

impl Comment {
    /// It follows code on the same line and ends that line, so it is printed
    /// at the end of the line of what precedes it.
    pub fn trails(&self) -> bool {
        !self.own_line && self.ends_line
    }
}

const BOM: &str = "\u{FEFF}";

/// White space as the grammar knows it, except line breaks.
fn inline_space_len(rest: &str) -> Option<usize> {
    if rest.starts_with([' ', '\t']) {
        Some(1)
    } else if rest.starts_with(BOM) {
        Some(BOM.len())
    } else {
        None
    }
}

/// The length of the string literal at the start of `rest` (which begins
/// with `"`), up to and with its closing quote, or to the end of the line if
/// it is never closed.
fn string_len(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The length of a line's text from `rest` to (not including) its line break.
fn line_len(rest: &str) -> usize {
    rest.find(['\n', '\r']).unwrap_or(rest.len())
}

/// Whether `rest` starts a `///` doc line (and not a `////` comment), as the
/// grammar tells them apart.
fn is_doc_line(rest: &str) -> bool {
    rest.starts_with("///") && !rest.starts_with("////")
}

/// Every comment of a source, in order.
pub(crate) fn scan(source: &str) -> Vec<Comment> {
    let mut out: Vec<Comment> = Vec::new();
    let mut last_code_end: Option<usize> = None;
    let mut i = 0;
    while let Some(rest) = source.get(i..) {
        let Some(c) = rest.chars().next() else {
            break;
        };
        if rest.starts_with("//") && !is_doc_line(rest) {
            let len = line_len(rest);
            let text = rest.get(..len).unwrap_or("").trim_end();
            out.push(comment(
                source,
                i,
                text.len(),
                text.to_string(),
                last_code_end,
            ));
            i += len;
        } else if rest.starts_with("/*") {
            let len = rest
                .get(2..)
                .and_then(|r| r.find("*/"))
                .map_or(rest.len(), |j| j + 4);
            let text = rest.get(..len).unwrap_or("").replace("\r\n", "\n");
            out.push(comment(source, i, len, text, last_code_end));
            i += len;
        } else if rest.starts_with("///") {
            // A doc line belongs to the AST; for placing comments it is code.
            i += line_len(rest);
            last_code_end = Some(i);
        } else if c == '"' {
            i += string_len(rest);
            last_code_end = Some(i);
        } else if c.is_whitespace() || c == '\u{FEFF}' {
            i += c.len_utf8();
        } else {
            i += c.len_utf8();
            last_code_end = Some(i);
        }
    }
    // Whether each comment ends its line depends on what follows it, which
    // may be another comment: decide from the last one back.
    let mut next_start: Option<(usize, bool)> = None;
    for comment in out.iter_mut().rev() {
        let mut j = comment.span.end;
        while let Some(len) = source.get(j..).and_then(inline_space_len) {
            j += len;
        }
        let rest = source.get(j..).unwrap_or("");
        comment.ends_line = rest.is_empty()
            || rest.starts_with(['\n', '\r'])
            || next_start.is_some_and(|(start, ends)| start == j && ends);
        next_start = Some((comment.span.start, comment.ends_line));
    }
    out
}

fn comment(
    source: &str,
    start: usize,
    len: usize,
    text: String,
    prev_code_end: Option<usize>,
) -> Comment {
    let own_line = prev_code_end.is_none_or(|p| {
        source
            .get(p..start)
            .is_none_or(|gap| gap.contains(['\n', '\r']))
    });
    Comment {
        span: Span::new(start, start + len),
        text,
        prev_code_end,
        own_line,
        ends_line: false,
    }
}

/// The position of the first code at or after `pos`: white space, comments
/// and doc lines are skipped.
pub(crate) fn skip_trivia(source: &str, mut pos: usize) -> usize {
    while let Some(rest) = source.get(pos..) {
        let Some(c) = rest.chars().next() else {
            break;
        };
        if rest.starts_with("//") {
            pos += line_len(rest);
        } else if rest.starts_with("/*") {
            pos += rest
                .get(2..)
                .and_then(|r| r.find("*/"))
                .map_or(rest.len(), |j| j + 4);
        } else if c.is_whitespace() || c == '\u{FEFF}' {
            pos += c.len_utf8();
        } else {
            break;
        }
    }
    pos
}

/// Whether a blank line (a line of nothing but white space) lies between
/// `from` and `to`: the text there holds two line breaks with only white
/// space between them.
pub(crate) fn blank_line_between(source: &str, from: usize, to: usize) -> bool {
    let Some(gap) = source.get(from..to.max(from)) else {
        return false;
    };
    let gap = gap.replace("\r\n", "\n").replace('\r', "\n");
    let segments: Vec<&str> = gap.split('\n').collect();
    segments.len() > 2
        && segments
            .iter()
            .skip(1)
            .take(segments.len() - 2)
            .any(|s| s.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<String> {
        scan(source).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn finds_line_and_block_comments_but_not_docs_or_strings() {
        let src = "/// doc\n// line  \nflag a { title: \"// no /* no\" /* yes */ }\n//// four\n";
        assert_eq!(texts(src), ["// line", "/* yes */", "//// four"]);
    }

    #[test]
    fn knows_what_surrounds_a_comment() {
        let src = "a, // t\n/* own */ b /* mid */ c /* end */\n";
        let cs = scan(src);
        assert_eq!(cs.len(), 4);
        assert!(cs[0].trails());
        assert!(cs[1].own_line && !cs[1].ends_line);
        assert!(!cs[2].own_line && !cs[2].ends_line);
        assert!(cs[3].trails());
        assert_eq!(cs[0].prev_code_end, Some(2));
    }

    #[test]
    fn a_comment_followed_by_a_trailing_comment_ends_the_line_too() {
        let cs = scan("a /* x */ // y\nb");
        assert!(cs[0].trails() && cs[1].trails());
    }

    #[test]
    fn skips_trivia_and_finds_blank_lines() {
        let src = "  // c\n/// d\n/* e */ flag";
        assert_eq!(skip_trivia(src, 0), src.len() - 4);
        assert!(blank_line_between("a\n\n  b", 0, 6));
        assert!(blank_line_between("a\r\n \r\nb", 0, 7));
        assert!(!blank_line_between("a\n  b", 0, 5));
        assert!(!blank_line_between("a  b", 0, 4));
    }
}
