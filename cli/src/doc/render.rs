//! The document of `dd-rules doc` as blocks of text, and its two renderings:
//! Markdown and one self-contained HTML file.
//!
//! Every text from the ruleset is escaped for the format (Markdown's
//! significant characters, HTML's `&<>"'`) and shows hidden characters as
//! `\u{…}` escapes (`dd_rules::printable`), so that a ruleset cannot inject
//! markup or hide text in its documentation.

use std::collections::HashMap;
use std::fmt::Write;

use dd_rules::printable;

/// A piece of running text.
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Code: an id, a path, a value.
    Code(String),
    /// Strong text.
    Strong(String),
    /// A link to an anchor of the document; its text is code when `code`.
    Link {
        text: String,
        anchor: String,
        code: bool,
    },
}

/// A line of running text.
pub type Line = Vec<Inline>;

/// A block of the document.
pub enum Block {
    /// A heading, level 1 to 4, with its anchor.
    Heading {
        level: u8,
        text: Line,
        anchor: String,
    },
    /// A paragraph.
    Para(Line),
    /// A doc comment from the ruleset: paragraphs and lists, `code` in
    /// backticks.
    Docs(String),
    /// Preformatted text (a condition, a JSON example).
    Code(String),
    /// A bulleted list, or a numbered one when `ordered`.
    List { ordered: bool, items: Vec<Line> },
    /// A table: its head and rows of cells.
    Table {
        head: Vec<String>,
        rows: Vec<Vec<Line>>,
    },
    /// The table of contents: the headings of levels 2 and 3.
    Contents,
}

/// Text for `Inline::Text`.
pub fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// Text for `Inline::Code`.
pub fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

/// A link to `anchor`, its text as code.
pub fn link_code(s: impl Into<String>, anchor: impl Into<String>) -> Inline {
    Inline::Link {
        text: s.into(),
        anchor: anchor.into(),
        code: true,
    }
}

/// An anchor for `id` under `prefix`: letters, digits, `.`, `_` and `-`
/// kept, anything else as `-`, so that it is a valid HTML id and fragment.
pub fn anchor(prefix: &str, id: &str) -> String {
    let mut out = String::from(prefix);
    // `parties[].role` as `parties.role`: no path has both forms.
    for c in id.replace("[]", "").chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else {
            out.push('-');
        }
    }
    out
}

/// Plain text of a line (for the table of contents and HTML's title).
fn plain(line: &Line) -> String {
    line.iter()
        .map(|i| match i {
            Inline::Text(s) | Inline::Code(s) | Inline::Strong(s) => s.as_str(),
            Inline::Link { text, .. } => text.as_str(),
        })
        .collect()
}

/// A doc comment as paragraphs, each a list of items when its lines start
/// with list markers (`- `, `* `, `1. `): `(ordered, items)`, or a plain
/// paragraph as one item with `None`.
fn doc_paragraphs(docs: &str) -> Vec<(Option<bool>, Vec<String>)> {
    let mut out = Vec::new();
    for para in docs.split("\n\n") {
        let mut items: Vec<String> = Vec::new();
        let mut lead = String::new();
        let mut ordered = None;
        for line in para.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            let marker = list_marker(trimmed);
            match marker {
                Some((is_ordered, rest)) => {
                    ordered.get_or_insert(is_ordered);
                    items.push(rest.to_string());
                }
                None => {
                    let into = items.last_mut().unwrap_or(&mut lead);
                    if !into.is_empty() {
                        into.push(' ');
                    }
                    into.push_str(trimmed);
                }
            }
        }
        if !lead.is_empty() {
            out.push((None, vec![lead]));
        }
        if let Some(o) = ordered {
            out.push((Some(o), items));
        }
    }
    out
}

/// `- x`, `* x` or `12. x`: whether ordered, and the rest.
fn list_marker(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        return line.get(digits..)?.strip_prefix(". ").map(|r| (true, r));
    }
    None
}

/// A one-paragraph doc comment (an outcome's, an enum value's) as a line:
/// its lines joined, `code` in backticks.
pub fn doc_line(s: &str) -> Line {
    let joined: Vec<&str> = s.lines().map(str::trim).collect();
    doc_inlines(&joined.join(" "))
}

/// Doc text as inlines: `code` in backticks, the rest plain.
fn doc_inlines(s: &str) -> Line {
    let mut out = Vec::new();
    let mut parts = s.split('`');
    let mut is_code = false;
    let mut pending: Option<&str> = parts.next();
    while let Some(part) = pending {
        let next = parts.next();
        // An unmatched backtick is text.
        if is_code && next.is_none() && !s.ends_with('`') {
            out.push(text(format!("`{part}")));
        } else if is_code {
            out.push(code(part));
        } else if !part.is_empty() {
            out.push(text(part));
        }
        is_code = !is_code;
        pending = next;
    }
    out
}

// ------------------------------------------------------------------ Markdown

/// Markdown's significant characters escaped, hidden characters shown.
fn md_escape(s: &str) -> String {
    let s = printable(s);
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '#' | '{' | '}'
        ) || (i == 0 && matches!(c, '-' | '+' | '=' | '!'))
        {
            out.push('\\');
        }
        out.push(c);
    }
    // `1. ` at the start would begin a list.
    if let Some(dot) = out.find(". ")
        && out
            .get(..dot)
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
    {
        out.insert(dot, '\\');
    }
    out
}

/// A code span holding `s`, fenced by more backticks than it holds in a row.
fn md_code(s: &str) -> String {
    let s = printable(s).replace('|', "\\|");
    let longest = longest_backticks(&s);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || s.starts_with(' ') || s.ends_with(' ') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

fn longest_backticks(s: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

fn md_line(line: &Line) -> String {
    let mut out = String::new();
    for i in line {
        match i {
            Inline::Text(s) => out.push_str(&md_escape(s)),
            Inline::Code(s) => out.push_str(&md_code(s)),
            Inline::Strong(s) => {
                let _ = write!(out, "**{}**", md_escape(s));
            }
            Inline::Link { text, anchor, code } => {
                let t = if *code {
                    md_code(text)
                } else {
                    md_escape(text)
                };
                let _ = write!(out, "[{t}](#{anchor})");
            }
        }
    }
    out
}

/// The document as Markdown. Headings carry their anchors as `<a id>`, so
/// that links work on any renderer that keeps them.
pub fn markdown(blocks: &[Block], note: &str) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading {
                level,
                text,
                anchor,
            } => {
                if *level > 1 {
                    let _ = writeln!(out, "<a id=\"{anchor}\"></a>\n");
                }
                let _ = writeln!(
                    out,
                    "{} {}\n",
                    "#".repeat(usize::from(*level)),
                    md_line(text)
                );
                if *level == 1 {
                    let _ = writeln!(out, "<!-- {note} -->\n");
                }
            }
            Block::Para(line) => {
                let _ = writeln!(out, "{}\n", md_line(line));
            }
            Block::Docs(docs) => {
                for (kind, items) in doc_paragraphs(docs) {
                    for (n, item) in items.iter().enumerate() {
                        let line = md_line(&doc_inlines(item));
                        match kind {
                            None => {
                                let _ = writeln!(out, "{line}");
                            }
                            Some(true) => {
                                let _ = writeln!(out, "{}. {line}", n + 1);
                            }
                            Some(false) => {
                                let _ = writeln!(out, "- {line}");
                            }
                        }
                    }
                    out.push('\n');
                }
            }
            Block::Code(code) => {
                let fence = "`".repeat(longest_backticks(code).max(2) + 1);
                let _ = writeln!(out, "{fence}");
                for line in code.lines() {
                    let _ = writeln!(out, "{}", printable(line));
                }
                let _ = writeln!(out, "{fence}\n");
            }
            Block::List { ordered, items } => {
                for (n, item) in items.iter().enumerate() {
                    if *ordered {
                        let _ = writeln!(out, "{}. {}", n + 1, md_line(item));
                    } else {
                        let _ = writeln!(out, "- {}", md_line(item));
                    }
                }
                out.push('\n');
            }
            Block::Table { head, rows } => {
                let head: Vec<String> = head.iter().map(|h| md_escape(h)).collect();
                let _ = writeln!(out, "| {} |", head.join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(md_line).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
                out.push('\n');
            }
            Block::Contents => {
                for (level, line, anchor) in contents(blocks) {
                    let indent = if level == 3 { "  " } else { "" };
                    let _ = writeln!(out, "{indent}- [{}](#{anchor})", md_line(line));
                }
                out.push('\n');
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The headings of levels 2 and 3: level, text and anchor.
fn contents(blocks: &[Block]) -> Vec<(u8, &Line, &str)> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading {
                level,
                text,
                anchor,
            } if (2..=3).contains(level) => Some((*level, text, anchor.as_str())),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------- HTML

/// `&<>"'` escaped, hidden characters shown.
fn html_escape(s: &str) -> String {
    let s = printable(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_line(line: &Line) -> String {
    let mut out = String::new();
    for i in line {
        match i {
            Inline::Text(s) => out.push_str(&html_escape(s)),
            Inline::Code(s) => {
                let _ = write!(out, "<code>{}</code>", html_escape(s));
            }
            Inline::Strong(s) => {
                let _ = write!(out, "<strong>{}</strong>", html_escape(s));
            }
            Inline::Link { text, anchor, code } => {
                let t = html_escape(text);
                let t = if *code {
                    format!("<code>{t}</code>")
                } else {
                    t
                };
                let _ = write!(out, "<a href=\"#{}\">{t}</a>", html_escape(anchor));
            }
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
line-height:1.5;color:#1b1b1b;background:#fff;margin:0}\
main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 4rem}\
h1{font-size:1.8rem;border-bottom:2px solid #333;padding-bottom:.3rem}\
h2{font-size:1.45rem;border-bottom:1px solid #bbb;margin-top:2.5rem}\
h3{font-size:1.2rem;margin-top:2rem}h4{font-size:1.02rem;margin:1.6rem 0 .4rem}\
code{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;font-size:.9em;\
background:#f2f2f2;padding:0 .2em;border-radius:3px}\
pre{background:#f6f6f6;border:1px solid #ddd;border-radius:4px;padding:.6rem .8rem;\
overflow-x:auto;white-space:pre-wrap;word-break:break-word}pre code{background:none;padding:0}\
table{border-collapse:collapse;margin:.6rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;\
text-align:left;vertical-align:top}th{background:#f2f2f2}\
nav.toc{background:#fafafa;border:1px solid #ddd;border-radius:4px;padding:.4rem 1rem}\
nav.toc ul ul{margin:0}a{color:#0645ad}.note{color:#555;font-size:.9em}\
@media print{body{font-size:10.5pt}main{max-width:none;padding:0}a{color:inherit;text-decoration:none}\
h2,h3,h4{break-after:avoid}pre,table,li{break-inside:avoid}nav.toc{break-after:page}}";

/// The document as one HTML file: inline CSS, no script, nothing fetched.
pub fn html(blocks: &[Block], note: &str) -> String {
    let title = blocks
        .iter()
        .find_map(|b| match b {
            Block::Heading { level: 1, text, .. } => Some(plain(text)),
            _ => None,
        })
        .unwrap_or_default();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<!-- {} -->\n<main>\n",
        html_escape(&title),
        html_escape(note)
    );
    for block in blocks {
        match block {
            Block::Heading {
                level,
                text,
                anchor,
            } => {
                let _ = writeln!(
                    out,
                    "<h{level} id=\"{}\">{}</h{level}>",
                    html_escape(anchor),
                    html_line(text)
                );
            }
            Block::Para(line) => {
                let _ = writeln!(out, "<p>{}</p>", html_line(line));
            }
            Block::Docs(docs) => {
                for (kind, items) in doc_paragraphs(docs) {
                    let lines: Vec<String> =
                        items.iter().map(|i| html_line(&doc_inlines(i))).collect();
                    match kind {
                        None => {
                            let _ = writeln!(out, "<p>{}</p>", lines.join(" "));
                        }
                        Some(ordered) => {
                            let tag = if ordered { "ol" } else { "ul" };
                            let _ = writeln!(out, "<{tag}>");
                            for l in lines {
                                let _ = writeln!(out, "<li>{l}</li>");
                            }
                            let _ = writeln!(out, "</{tag}>");
                        }
                    }
                }
            }
            Block::Code(code) => {
                let lines: Vec<String> = code.lines().map(html_escape).collect();
                let _ = writeln!(out, "<pre><code>{}</code></pre>", lines.join("\n"));
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                let _ = writeln!(out, "<{tag}>");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", html_line(item));
                }
                let _ = writeln!(out, "</{tag}>");
            }
            Block::Table { head, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for h in head {
                    let _ = write!(out, "<th>{}</th>", html_escape(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let _ = write!(out, "<td>{}</td>", html_line(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Contents => {
                out.push_str("<nav class=\"toc\">\n<strong>Contents</strong>\n<ul>\n");
                let mut open = false;
                for (level, line, anchor) in contents(blocks) {
                    let item = format!(
                        "<li><a href=\"#{}\">{}</a>",
                        html_escape(anchor),
                        html_line(line)
                    );
                    match (level, open) {
                        (3, false) => {
                            out.push_str("\n<ul>\n");
                            open = true;
                        }
                        (3, true) => out.push_str("</li>\n"),
                        (_, true) => {
                            out.push_str("</li>\n</ul>\n</li>\n");
                            open = false;
                        }
                        (_, false) => {
                            if !out.ends_with("<ul>\n") {
                                out.push_str("</li>\n");
                            }
                        }
                    }
                    out.push_str(&item);
                }
                if open {
                    out.push_str("</li>\n</ul>\n");
                }
                out.push_str("</li>\n</ul>\n</nav>\n");
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Unique anchors: a second use of the same anchor gets `-2`, and so on.
#[derive(Default)]
pub struct Anchors {
    used: HashMap<String, usize>,
}

impl Anchors {
    /// A unique anchor for `prefix` and `id`.
    pub fn make(&mut self, prefix: &str, id: &str) -> String {
        let base = anchor(prefix, id);
        let n = self.used.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { base } else { format!("{base}-{n}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_is_escaped() {
        assert_eq!(
            md_escape("a_b *c* <x> [l](u) | & #"),
            r"a\_b \*c\* \<x\> \[l\](u) \| \& \#"
        );
        assert_eq!(md_escape("1. first"), r"1\. first");
        assert_eq!(md_escape("- item"), r"\- item");
        assert_eq!(md_code("a`b"), "`` a`b ``");
        assert_eq!(md_escape("a\u{202e}b"), r"a\\u\{202E\}b");
    }

    #[test]
    fn html_text_is_escaped() {
        assert_eq!(
            html_escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn doc_comments_keep_their_lists_and_code() {
        let paras = doc_paragraphs("Intro line\ncontinued.\n\n1. one\n   more\n2. two");
        assert_eq!(paras.len(), 2);
        assert_eq!(paras[0], (None, vec!["Intro line continued.".to_string()]));
        assert_eq!(
            paras[1],
            (Some(true), vec!["one more".to_string(), "two".to_string()])
        );
        let line = doc_inlines("see `a.b` and `c");
        assert_eq!(md_line(&line), r"see `a.b` and \`c");
    }
}
