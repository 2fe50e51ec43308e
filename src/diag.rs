//! Diagnostics: what is wrong with a ruleset, where, and how to fix it.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::limits::MAX_DIAGNOSTICS;
use crate::printable::{is_hidden, printable};
use crate::span::Span;

/// How bad a diagnostic is.
///
/// ```
/// use dd_rules::DiagnosticLevel;
///
/// let diagnostics = dd_rules::check_source("ruleset", "bad.rules");
/// assert!(diagnostics.iter().all(|d| d.level == DiagnosticLevel::Error));
/// assert!(DiagnosticLevel::Warning < DiagnosticLevel::Error);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DiagnosticLevel {
    /// The ruleset is accepted, but probably not as meant.
    Warning,
    /// The ruleset is rejected.
    Error,
}

/// A stable diagnostic code, such as `DD021`. Once published, a code never changes meaning.
///
/// Only the library makes codes; read one with [`Code::as_str`] or `Display`.
///
/// ```
/// let err = dd_rules::RuleSet::compile("ruleset", "bad.rules").unwrap_err();
/// let code = err.diagnostics.iter().next().unwrap().code;
/// assert_eq!(code.as_str(), "DD001");
/// assert_eq!(code.to_string(), "DD001");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Code(pub(crate) &'static str);

impl Code {
    /// The code as text, such as `"DD021"`.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// One problem found in a ruleset.
///
/// Only the library builds one; the fields are public to read.
/// `#[non_exhaustive]`, so that a diagnostic may carry more later (a
/// suggested edit, say).
///
/// ```
/// use dd_rules::{DiagnosticLevel, check_source};
///
/// let source = "ruleset";
/// let diagnostics = check_source(source, "bad.rules");
/// let d = diagnostics.iter().next().unwrap();
/// assert_eq!(d.code.as_str(), "DD001");
/// assert_eq!(d.level, DiagnosticLevel::Error);
/// assert_eq!(d.span.line_col(source), (1, 8));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Error or warning.
    #[serde(rename = "severity")]
    pub level: DiagnosticLevel,
    /// A lowercase one-line message, user input in backticks, no final period.
    pub message: String,
    /// Where the problem is.
    pub span: Span,
    /// What to say under the caret, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Other places that explain the problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<(Span, String)>,
    /// How to fix it, if there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a message at a span.
    pub(crate) fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: Code(code),
            level: DiagnosticLevel::Error,
            message: message.into(),
            span,
            label: None,
            notes: Vec::new(),
            help: None,
        }
    }

    /// A warning with a message at a span.
    pub(crate) fn warning(
        code: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            level: DiagnosticLevel::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// Adds the text under the caret.
    pub(crate) fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary place.
    pub(crate) fn note(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.notes.push((span, text.into()));
        self
    }

    /// Adds help.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds help only when there is some.
    pub(crate) fn maybe_help(self, help: Option<String>) -> Diagnostic {
        match help {
            Some(h) => self.help(h),
            None => self,
        }
    }
}

/// The diagnostics of one source file, with the text they point into.
///
/// Rendered the rustc way with [`render`](Diagnostics::render), or as JSON
/// for tools with [`to_json`](Diagnostics::to_json) (or any serde
/// serialiser: it serialises as that same array).
///
/// ```
/// use dd_rules::{Style, check_source};
///
/// let diagnostics = check_source("ruleset", "bad.rules");
/// assert!(diagnostics.has_errors());
/// assert_eq!(diagnostics.file(), "bad.rules");
/// assert!(diagnostics.render(Style::Plain).starts_with("error[DD001]"));
/// let json = diagnostics.to_json();
/// assert!(json.starts_with('[') && json.contains(r#""code":"DD001""#), "{json}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics {
    file: Arc<str>,
    source: Arc<str>,
    items: Vec<Diagnostic>,
}

/// How to draw rendered diagnostics.
///
/// ```
/// let diagnostics = dd_rules::check_source("ruleset", "bad.rules");
/// let plain = diagnostics.render(dd_rules::Style::Plain);
/// assert!(!plain.contains('\u{1b}'));
/// assert!(plain.contains("--> bad.rules:1:8"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Style {
    /// ANSI colours, as a terminal shows them.
    Color,
    /// Plain text with ASCII drawing: for logs, files and screen readers.
    Plain,
}

/// The same array as [`Diagnostics::to_json`].
impl Serialize for Diagnostics {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json_value().serialize(serializer)
    }
}

impl Diagnostics {
    pub(crate) fn new(file: Arc<str>, source: Arc<str>, mut items: Vec<Diagnostic>) -> Diagnostics {
        // Sources are reported in reading order, errors before warnings at one place.
        items.sort_by(|a, b| {
            (a.span.start, std::cmp::Reverse(a.level), a.code).cmp(&(
                b.span.start,
                std::cmp::Reverse(b.level),
                b.code,
            ))
        });
        items.dedup();
        Diagnostics {
            file,
            source,
            items,
        }
    }

    /// The file name the diagnostics refer to.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The source text the spans point into.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every diagnostic, in source order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// How many diagnostics there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.level == DiagnosticLevel::Error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error)
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Warning)
    }

    /// Renders every diagnostic the way rustc does: `error[DD021]: …`, the
    /// `--> file:line:col` line, the source line and carets, then help.
    ///
    /// No character that [`is_hidden`](crate::is_hidden) says yes to reaches
    /// the text but line breaks (and, with [`Style::Color`], the colours'
    /// own escapes): in the source lines each is shown as one visible
    /// character (a control picture such as `␛`, or `�`), so that columns
    /// and carets stay where they are; in messages, labels, help and the
    /// file name, as a `\u{…}` escape.
    pub fn render(&self, style: Style) -> String {
        let renderer = match style {
            Style::Color => Renderer::styled(),
            Style::Plain => Renderer::plain(),
        };
        let shown = Shown::of(&self.source);
        let mut out = String::new();
        for d in &self.items {
            let texts = Texts::of(&self.file, d);
            out.push_str(&renderer.render(&self.report(d, &shown, &texts)));
            out.push_str("\n\n");
        }
        out
    }

    fn report<'a>(
        &self,
        d: &Diagnostic,
        shown: &'a Shown<'_>,
        texts: &'a Texts<'_>,
    ) -> Vec<Group<'a>> {
        let level = match d.level {
            DiagnosticLevel::Error => Level::ERROR,
            DiagnosticLevel::Warning => Level::WARNING,
        };
        let len = self.source.len();
        let clamp = |s: Span| {
            let start = s.start.min(len);
            shown.offset(start)..shown.offset(s.end.min(len).max(start))
        };
        let mut primary = AnnotationKind::Primary.span(clamp(d.span));
        if let Some(label) = &texts.label {
            primary = primary.label(label.as_ref());
        }
        let mut snippet = Snippet::source(shown.text.as_ref())
            .path(texts.file.as_ref())
            .annotation(primary);
        for ((span, _), text) in d.notes.iter().zip(&texts.notes) {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(clamp(*span))
                    .label(text.as_ref()),
            );
        }
        let mut group = level
            .primary_title(texts.message.as_ref())
            .id(d.code.0)
            .element(snippet);
        if let Some(help) = &texts.help {
            group = group.element(Level::HELP.message(help.as_ref()));
        }
        vec![group]
    }

    /// The diagnostics as JSON text for tools: an array, each with its
    /// file, code, severity, message, byte span, 1-based line and column,
    /// label, notes and help.
    pub fn to_json(&self) -> String {
        self.json_value().to_string()
    }

    fn json_value(&self) -> serde_json::Value {
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|d| {
                let (line, column) = d.span.line_col(&self.source);
                let mut v = serde_json::json!({
                    "file": &*self.file,
                    "code": d.code.0,
                    "severity": d.level,
                    "message": d.message,
                    "span": {"start": d.span.start, "end": d.span.end},
                    "line": line,
                    "column": column,
                });
                if let Some(obj) = v.as_object_mut() {
                    if let Some(label) = &d.label {
                        obj.insert("label".into(), label.clone().into());
                    }
                    if !d.notes.is_empty() {
                        let notes: Vec<serde_json::Value> = d
                            .notes
                            .iter()
                            .map(|(s, t)| {
                                let (line, column) = s.line_col(&self.source);
                                serde_json::json!({"span": {"start": s.start, "end": s.end},
                                    "line": line, "column": column, "message": t})
                            })
                            .collect();
                        obj.insert("notes".into(), notes.into());
                    }
                    if let Some(help) = &d.help {
                        obj.insert("help".into(), help.clone().into());
                    }
                }
                v
            })
            .collect();
        serde_json::Value::Array(items)
    }
}

/// The source as a rendering shows it: each character that
/// [`is_hidden`](crate::is_hidden) says yes to, but line breaks and tabs,
/// replaced by one visible character of three bytes, and where the source's
/// offsets moved to.
struct Shown<'a> {
    text: Cow<'a, str>,
    /// For each replaced character, its offset in the source and how many
    /// bytes the text has gained once it is replaced.
    shifts: Vec<(usize, usize)>,
}

impl<'a> Shown<'a> {
    fn of(source: &'a str) -> Shown<'a> {
        let replaced = |c: char| is_hidden(c) && !matches!(c, '\n' | '\r' | '\t');
        if !source.chars().any(replaced) {
            return Shown {
                text: Cow::Borrowed(source),
                shifts: Vec::new(),
            };
        }
        let mut text = String::with_capacity(source.len() + 16);
        let mut shifts = Vec::new();
        let mut gained = 0;
        for (at, c) in source.char_indices() {
            if !replaced(c) {
                text.push(c);
                continue;
            }
            // The control pictures (U+2400…) for C0 controls and DEL, as
            // rustc shows them; the replacement character for the rest.
            let shown = match u32::from(c) {
                code @ 0..=0x1F => char::from_u32(0x2400 + code).unwrap_or('\u{FFFD}'),
                0x7F => '\u{2421}',
                _ => '\u{FFFD}',
            };
            text.push(shown);
            gained += shown.len_utf8().saturating_sub(c.len_utf8());
            shifts.push((at, gained));
        }
        Shown {
            text: Cow::Owned(text),
            shifts,
        }
    }

    /// Where a char boundary of the source is in the shown text.
    fn offset(&self, at: usize) -> usize {
        let before = self.shifts.partition_point(|&(start, _)| start < at);
        let gained = before
            .checked_sub(1)
            .and_then(|i| self.shifts.get(i))
            .map_or(0, |&(_, gained)| gained);
        at + gained
    }
}

/// A diagnostic's texts as a rendering shows them: made printable.
struct Texts<'a> {
    file: Cow<'a, str>,
    message: Cow<'a, str>,
    label: Option<Cow<'a, str>>,
    notes: Vec<Cow<'a, str>>,
    help: Option<Cow<'a, str>>,
}

impl<'a> Texts<'a> {
    fn of(file: &'a str, d: &'a Diagnostic) -> Texts<'a> {
        Texts {
            file: printable(file),
            message: printable(&d.message),
            label: d.label.as_deref().map(printable),
            notes: d.notes.iter().map(|(_, text)| printable(text)).collect(),
            help: d.help.as_deref().map(printable),
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render(Style::Plain).trim_end())
    }
}

/// Keeps the first [`MAX_DIAGNOSTICS`] diagnostics, errors before warnings
/// when some must go, and adds DD108 to say how many were left out.
pub(crate) fn cap_diagnostics(diags: &mut Vec<Diagnostic>) {
    if diags.len() <= MAX_DIAGNOSTICS {
        return;
    }
    let (mut kept, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = diags
        .drain(..)
        .partition(|d| d.level == DiagnosticLevel::Error);
    kept.extend(warnings);
    let dropped = kept.split_off(MAX_DIAGNOSTICS);
    let errors = dropped
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .count();
    let count = |n: usize, what: &str| match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    };
    let left_out = match (errors, dropped.len() - errors) {
        (0, w) => count(w, "warning"),
        (e, 0) => count(e, "error"),
        (e, w) => format!("{} and {}", count(e, "error"), count(w, "warning")),
    };
    let span = dropped.first().map(|d| d.span).unwrap_or_default();
    *diags = kept;
    diags.push(
        Diagnostic::warning(
            "DD108",
            span,
            format!(
                "only the first {MAX_DIAGNOSTICS} diagnostics are reported; not shown: {left_out}"
            ),
        )
        .label("the first not shown")
        .help("fix the problems above and check again"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderings_show_no_hidden_character_and_keep_carets_in_place() {
        // An escape, a C1 control, a zero-width space and a right-to-left
        // override before the word the diagnostic points at.
        let source = "a \u{1b}[8m \u{9b} x\u{200b} \u{202e} target\nnext \u{7f}line\n";
        let at = source.find("target").unwrap();
        let d = Diagnostic::error("DD001", Span::new(at, at + 6), "bad `\u{1b}[2K` text")
            .label("under\u{d}here")
            .note(
                Span::new(source.len() - 5, source.len() - 1),
                "no\u{200b}te",
            )
            .help("help\u{7}");
        let diagnostics = Diagnostics::new("x\u{1b}.rules".into(), source.into(), vec![d]);
        let rendered = diagnostics.render(Style::Plain);
        assert!(
            !rendered.chars().any(|c| is_hidden(c) && c != '\n'),
            "{rendered:?}"
        );
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(
            lines[0], "error[DD001]: bad `\\u{1B}[2K` text",
            "{rendered}"
        );
        assert_eq!(lines[1], " --> x\\u{1B}.rules:1:15", "{rendered}");
        let shown = lines.iter().find(|l| l.contains("target")).unwrap();
        assert_eq!(*shown, "1 | a ␛[8m � x� � target", "{rendered}");
        let carets = lines.iter().find(|l| l.contains('^')).unwrap();
        let column = |line: &str, what: &str| line[..line.find(what).unwrap()].chars().count();
        assert_eq!(
            column(carets, "^^^^^^"),
            column(shown, "target"),
            "{rendered}"
        );
        assert!(carets.ends_with("^^^^^^ under\\u{D}here"), "{rendered}");
        assert!(rendered.contains("next ␡line"), "{rendered}");
        assert!(rendered.contains("no\\u{200B}te"), "{rendered}");
        assert!(rendered.contains("help: help\\u{7}"), "{rendered}");
        // The note's caret is under `line`, past the replaced DEL.
        let note = lines.iter().find(|l| l.contains("no\\u{200B}te")).unwrap();
        let next = lines.iter().find(|l| l.contains("next")).unwrap();
        assert_eq!(column(note, "----"), column(next, "line"), "{rendered}");
    }
}
