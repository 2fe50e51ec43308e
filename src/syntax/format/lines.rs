//! Output lines under construction: text, indentation, and the comments
//! that end a line.

/// One output line.
struct Line {
    indent: usize,
    text: String,
    /// Comments printed at the end of the line.
    trailing: Vec<String>,
    /// The line is a comment of its own.
    comment: bool,
}

/// Output lines under construction.
#[derive(Default)]
pub(super) struct Buf {
    lines: Vec<Line>,
}

impl Buf {
    /// Starts a new line.
    pub fn line(&mut self, indent: usize, text: &str) {
        self.lines.push(Line {
            indent,
            text: text.to_string(),
            trailing: Vec::new(),
            comment: false,
        });
    }

    /// A comment on a line of its own.
    pub fn comment_line(&mut self, indent: usize, text: &str) {
        self.line(indent, text);
        if let Some(line) = self.lines.last_mut() {
            line.comment = true;
        }
    }

    /// Appends to the current line.
    pub fn push(&mut self, text: &str) {
        match self.lines.last_mut() {
            Some(line) => line.text.push_str(text),
            None => self.line(0, text),
        }
    }

    /// A comment at the end of the current line. After a comment line, or
    /// after a line comment, it must go on a line of its own instead.
    pub fn trail(&mut self, text: &str) {
        match self.lines.last_mut() {
            Some(line)
                if !line.comment && !line.trailing.last().is_some_and(|t| t.starts_with("//")) =>
            {
                line.trailing.push(text.to_string());
            }
            Some(line) => {
                let indent = line.indent;
                self.comment_line(indent, text);
            }
            None => self.comment_line(0, text),
        }
    }

    /// A blank line, unless at the start or after another.
    pub fn blank(&mut self) {
        if self
            .lines
            .last()
            .is_some_and(|l| !(l.text.is_empty() && l.trailing.is_empty()))
        {
            self.line(0, "");
        }
    }

    /// The column after the current line's text.
    pub fn col(&self) -> usize {
        self.lines
            .last()
            .map_or(0, |l| l.indent + l.text.chars().count())
    }

    /// The indentation of the current line.
    pub fn indent(&self) -> usize {
        self.lines.last().map_or(0, |l| l.indent)
    }

    pub fn append(&mut self, other: Buf) {
        self.lines.extend(other.lines);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            let mut parts: Vec<&str> = Vec::with_capacity(1 + line.trailing.len());
            if !line.text.is_empty() {
                parts.push(line.text.trim_end());
            }
            parts.extend(line.trailing.iter().map(String::as_str));
            if !parts.is_empty() {
                out.push_str(&" ".repeat(line.indent));
                out.push_str(&parts.join(" "));
            }
            out.push('\n');
        }
        out
    }
}
