//! Diagnostics: what is wrong with a ruleset, where, and how to fix it.

use std::fmt;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::span::Span;

/// How bad a diagnostic is.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Code(pub &'static str);

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// One problem found in a ruleset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics {
    file: Arc<str>,
    source: Arc<str>,
    items: Vec<Diagnostic>,
}

/// How to draw rendered diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Style {
    /// ANSI colours, as a terminal shows them.
    Color,
    /// Plain text with ASCII drawing: for logs, files and screen readers.
    Plain,
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
    pub fn render(&self, style: Style) -> String {
        let renderer = match style {
            Style::Color => Renderer::styled(),
            Style::Plain => Renderer::plain(),
        };
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&renderer.render(&self.report(d)));
            out.push_str("\n\n");
        }
        out
    }

    fn report<'a>(&'a self, d: &'a Diagnostic) -> Vec<Group<'a>> {
        let level = match d.level {
            DiagnosticLevel::Error => Level::ERROR,
            DiagnosticLevel::Warning => Level::WARNING,
        };
        let len = self.source.len();
        let clamp = |s: Span| s.start.min(len)..s.end.min(len).max(s.start.min(len));
        let mut primary = AnnotationKind::Primary.span(clamp(d.span));
        if let Some(label) = &d.label {
            primary = primary.label(label.as_str());
        }
        let mut snippet = Snippet::source(&*self.source)
            .path(&*self.file)
            .annotation(primary);
        for (span, text) in &d.notes {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(clamp(*span))
                    .label(text.as_str()),
            );
        }
        let mut group = level
            .primary_title(d.message.as_str())
            .id(d.code.0)
            .element(snippet);
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        vec![group]
    }

    /// The diagnostics as JSON for tools: each with its code, severity,
    /// message, byte span, 1-based line and column, label, notes and help.
    pub fn to_json(&self) -> serde_json::Value {
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

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render(Style::Plain).trim_end())
    }
}
