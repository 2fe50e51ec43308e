//! Byte ranges into a source text; lines and columns are computed only when rendering.

use serde::Serialize;

/// A byte range `start..end` into the source of a ruleset.
///
/// Built with [`Span::new`]; the fields are public to read. The struct is
/// `#[non_exhaustive]` so that a span may one day carry more (a file id, say)
/// without a major version.
///
/// ```
/// use dd_rules::Span;
///
/// let source = "ruleset \"x\" {\n  version: 1\n}";
/// let span = Span::new(16, 23);
/// assert_eq!(&source[span.start..span.end], "version");
/// assert_eq!(span.line_col(source), (2, 3));
/// assert_eq!(span.to(Span::new(0, 7)), Span::new(0, 23));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The 1-based line and column (in characters) of `self.start` in `source`.
    pub fn line_col(self, source: &str) -> (usize, usize) {
        let start = self.start.min(source.len());
        let before = source.get(..start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, col)
    }
}
