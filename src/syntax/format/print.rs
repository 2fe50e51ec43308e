//! Declarations printed in the canonical style, with every comment placed.
//!
//! Each block (the file, or the inside of a declaration's braces) first hands
//! out the comments between its children by position: a comment that ends
//! the line of a child stays at the end of that child's last line, a comment
//! after `{` on its line stays there, any other comment goes on its own line
//! before the next child, and what is left before `}` stays before `}`. A
//! comment inside a child is the child's business: a condition places those
//! between the operands of a broken chain, and every other comment moves to
//! its own line just before the child. Then the children are printed, in the
//! canonical order.

use super::layout::quote;
use super::lines::Buf;
use crate::syntax::ast::{
    Decl, DispCase, DispExpr, Docs, Expr, FieldDecl, File, Ident, Prop, PropValue, TypeExpr,
};
use crate::syntax::comments::{Comment, blank_line_between, skip_trivia};

/// The width lines are broken at, where they can be.
pub(super) const WIDTH: usize = 100;

/// How deep each level of braces indents.
const INDENT: usize = 2;

/// Prints a file. `clarity` adds the parentheses that precedence does not
/// need but a reader does (`a or (b and c)`).
pub(super) fn print(src: &str, file: &File, comments: &[Comment], clarity: bool) -> String {
    let mut p = Printer {
        src,
        comments,
        claimed: vec![false; comments.len()],
        clarity,
        buf: Buf::default(),
    };
    let children: Vec<Child<'_>> = file.decls.iter().map(Child::Decl).collect();
    p.block(0, &children, None, src.len(), Blanks::Always, false);
    // INVARIANT: every comment lies in the file, so the file block placed
    // them all; this keeps any that escaped all the same.
    for k in p.take(0, usize::MAX) {
        if let Some(c) = comments.get(k) {
            p.buf.comment_line(0, &c.text);
        }
    }
    p.buf.render()
}

/// A disposition case on one line, `when <condition> => <outcome>`, with
/// single spaces and the parentheses precedence needs: the form reports quote
/// a case in, so that formatting a ruleset never changes its reports.
pub(crate) fn case_text(case: &DispCase) -> String {
    let p = Printer {
        clarity: false,
        ..Printer::bare("")
    };
    match &case.cond {
        Some(c) => format!("when {} => {}", p.disp_node(c).flat(), case.outcome.name),
        None => format!("otherwise => {}", case.outcome.name),
    }
}

/// A flag's, safeguard's or the scope's condition on lines of its own, as
/// the formatter lays it out (broken at 100 columns at its outermost
/// `and`/`or`, continuation lines indented by two), without its comments:
/// the form generated documentation quotes it in.
pub(crate) fn condition_text(src: &str, e: &Expr) -> String {
    let mut p = Printer::bare(src);
    let node = p.expr_node(e, false);
    p.buf.line(0, "");
    p.layout(&node, INDENT, INDENT, 0);
    p.buf.render().trim_end().to_string()
}

/// A disposition case's condition laid out as [`condition_text`] lays out
/// a flag's.
pub(crate) fn disp_condition_text(e: &DispExpr) -> String {
    let mut p = Printer::bare("");
    let node = p.disp_node(e);
    p.buf.line(0, "");
    p.layout(&node, INDENT, INDENT, 0);
    p.buf.render().trim_end().to_string()
}

/// The formatter's state: the source, its comments and which are printed.
pub(super) struct Printer<'a> {
    pub src: &'a str,
    pub comments: &'a [Comment],
    claimed: Vec<bool>,
    pub clarity: bool,
    pub buf: Buf,
}

impl<'a> Printer<'a> {
    /// A printer of conditions alone: no comments to place, and the
    /// parentheses a reader needs.
    fn bare(src: &'a str) -> Printer<'a> {
        Printer {
            src,
            comments: &[],
            claimed: Vec::new(),
            clarity: true,
            buf: Buf::default(),
        }
    }
}

/// Something a block holds, printed on lines of its own.
enum Child<'f> {
    Decl(&'f Decl),
    Prop(&'f Prop),
    Field(&'f FieldDecl),
    /// An enum value or an outcome.
    Name(&'f Docs, &'f Ident),
    Case(&'f DispCase),
    /// The body of a predicate.
    Body(&'f Expr),
}

/// Whether blank lines go between the children of a block.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blanks {
    /// Always one (declarations).
    Always,
    /// One where the source has at least one (fields, values, cases).
    Keep,
    /// Never (properties, which are reordered).
    Never,
}

/// The comments of a block, handed out to its parts.
struct Slots {
    /// At the end of the line that opens the block.
    opener: Vec<usize>,
    /// On lines of their own before each child.
    leading: Vec<Vec<usize>>,
    /// At the end of each child's last line.
    trailing: Vec<Vec<usize>>,
    /// On lines of their own before the closing brace.
    dangling: Vec<usize>,
}

/// The canonical order of properties.
pub(super) fn prop_rank(p: &Prop) -> usize {
    match p.value {
        PropValue::Version(_) => 0,
        PropValue::Step(..) => 1,
        PropValue::Severity(_) => 2,
        PropValue::Title(_) => 3,
        PropValue::Source(_) => 4,
        PropValue::Citation(_) => 5,
        PropValue::When(_) => 6,
        PropValue::Evidence(_) => 7,
        PropValue::MitigatedBy(_) => 8,
        PropValue::Otherwise(_) => 9,
    }
}

fn prop_end(p: &Prop) -> usize {
    match &p.value {
        PropValue::Version(s)
        | PropValue::Title(s)
        | PropValue::Source(s)
        | PropValue::Citation(s) => s.span.end,
        PropValue::Step(_, span) => span.end,
        PropValue::Severity(id) | PropValue::Otherwise(id) => id.span.end,
        PropValue::When(e) => e.span.end,
        PropValue::Evidence(paths) | PropValue::MitigatedBy(paths) => {
            paths.last().map_or(p.key_span.end, |p| p.span.end)
        }
    }
}

fn type_text(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Named(id) => id.name.clone(),
        TypeExpr::Set(id, _) => format!("set<{}>", id.name),
        TypeExpr::List(id, _) => format!("list<{}>", id.name),
    }
}

impl Printer<'_> {
    /// The unprinted comments that start in `lo..hi`, now marked printed.
    pub(super) fn take(&mut self, lo: usize, hi: usize) -> Vec<usize> {
        let first = self.comments.partition_point(|c| c.span.start < lo);
        let mut out = Vec::new();
        for (k, c) in self.comments.iter().enumerate().skip(first) {
            if c.span.start >= hi {
                break;
            }
            if let Some(claimed) = self.claimed.get_mut(k)
                && !*claimed
            {
                *claimed = true;
                out.push(k);
            }
        }
        out
    }

    /// Whether an unprinted comment starts in `lo..hi`.
    pub(super) fn has_comments(&self, lo: usize, hi: usize) -> bool {
        let first = self.comments.partition_point(|c| c.span.start < lo);
        self.comments
            .iter()
            .enumerate()
            .skip(first)
            .take_while(|(_, c)| c.span.start < hi)
            .any(|(k, _)| !self.claimed.get(k).copied().unwrap_or(true))
    }

    fn comment(&self, k: usize) -> Option<&Comment> {
        self.comments.get(k)
    }

    /// Where a child starts (after its doc comment) and ends in the source.
    fn extent(&self, child: &Child<'_>) -> (usize, usize) {
        match child {
            Child::Decl(d) => {
                let span = decl_span(d);
                (skip_trivia(self.src, span.start), span.end)
            }
            Child::Prop(p) => (p.key_span.start, prop_end(p)),
            Child::Field(f) => (f.span.start, f.span.end),
            Child::Name(_, id) => (id.span.start, id.span.end),
            Child::Case(c) => (c.span.start, c.span.end),
            Child::Body(e) => (e.span.start, e.span.end),
        }
    }

    /// Hands out the comments between the children of a block; see the
    /// module documentation. `open_end` is just after `{`, `close` is `}`.
    fn assign(
        &mut self,
        open_end: Option<usize>,
        extents: &[(usize, usize)],
        close: usize,
    ) -> Slots {
        let n = extents.len();
        let mut slots = Slots {
            opener: Vec::new(),
            leading: vec![Vec::new(); n],
            trailing: vec![Vec::new(); n],
            dangling: Vec::new(),
        };
        let lo = open_end.unwrap_or(0);
        let first = self.comments.partition_point(|c| c.span.start < lo);
        for k in first..self.comments.len() {
            let Some(c) = self.comments.get(k) else {
                break;
            };
            let start = c.span.start;
            if start >= close {
                break;
            }
            if self.claimed.get(k).copied().unwrap_or(true) {
                continue;
            }
            // The first child that ends after the comment; if the comment is
            // inside it, it is left to the child.
            let i = extents.partition_point(|&(_, end)| end <= start);
            if extents.get(i).is_some_and(|&(anchor, _)| anchor <= start) {
                continue;
            }
            let slot = if open_end.is_some() && c.trails() && c.prev_code_end == open_end {
                &mut slots.opener
            } else if let Some(prev) = i.checked_sub(1).filter(|_| c.trails()).filter(|&p| {
                extents
                    .get(p)
                    .is_some_and(|&(_, end)| self.right_after(end, c.prev_code_end, ','))
            }) {
                match slots.trailing.get_mut(prev) {
                    Some(s) => s,
                    None => continue,
                }
            } else if let Some(s) = slots.leading.get_mut(i) {
                s
            } else {
                &mut slots.dangling
            };
            slot.push(k);
            if let Some(claimed) = self.claimed.get_mut(k) {
                *claimed = true;
            }
        }
        slots
    }

    /// Whether the code just before a comment ends at `end`, or only white
    /// space and `extra` characters come between.
    fn right_after(&self, end: usize, prev_code_end: Option<usize>, extra: char) -> bool {
        prev_code_end.is_some_and(|p| {
            p >= end
                && self
                    .src
                    .get(end..p)
                    .is_some_and(|gap| gap.chars().all(|c| c.is_whitespace() || c == extra))
        })
    }

    /// Prints comments on lines of their own, keeping one blank line where
    /// the source has blank lines between them.
    fn comment_lines(&mut self, indent: usize, ks: &[usize]) {
        let mut prev_end = None;
        for &k in ks {
            let Some(c) = self.comment(k) else {
                continue;
            };
            let (start, end, text) = (c.span.start, c.span.end, c.text.clone());
            if prev_end.is_some_and(|p| blank_line_between(self.src, p, start)) {
                self.buf.blank();
            }
            self.buf.comment_line(indent, &text);
            prev_end = Some(end);
        }
    }

    /// Prints the children of a block with their comments. `reorder` sorts
    /// properties into the canonical order.
    fn block(
        &mut self,
        indent: usize,
        children: &[Child<'_>],
        open_end: Option<usize>,
        close: usize,
        blanks: Blanks,
        reorder: bool,
    ) {
        let extents: Vec<(usize, usize)> = children.iter().map(|c| self.extent(c)).collect();
        let slots = self.assign(open_end, &extents, close);
        for k in &slots.opener {
            if let Some(c) = self.comment(*k) {
                let text = c.text.clone();
                self.buf.trail(&text);
            }
        }
        let mut order: Vec<usize> = (0..children.len()).collect();
        if reorder {
            order.sort_by_key(|&i| match children.get(i) {
                Some(Child::Prop(p)) => prop_rank(p),
                _ => 0,
            });
        }
        for (pos, &i) in order.iter().enumerate() {
            let (Some(child), Some(&(anchor, end))) = (children.get(i), extents.get(i)) else {
                continue;
            };
            let leading = slots.leading.get(i).map_or(&[][..], Vec::as_slice);
            let trailing = slots.trailing.get(i).map_or(&[][..], Vec::as_slice);
            let blank = match blanks {
                Blanks::Always => pos > 0,
                Blanks::Never => false,
                Blanks::Keep => {
                    let first = leading
                        .first()
                        .and_then(|&k| self.comment(k))
                        .map_or(anchor, |c| c.span.start);
                    pos > 0
                        && i.checked_sub(1).and_then(|p| extents.get(p)).is_some_and(
                            |&(_, prev_end)| blank_line_between(self.src, prev_end, first),
                        )
                }
            };
            if blank {
                self.buf.blank();
            }
            self.comment_lines(indent, leading);
            if let Some(last) = leading.last().and_then(|&k| self.comment(k))
                && blank_line_between(self.src, last.span.end, anchor)
            {
                self.buf.blank();
            }
            // The child goes to a buffer of its own, so that the comments it
            // could not place inside can be printed before it.
            let outer = std::mem::take(&mut self.buf);
            self.child(child, indent);
            let inner = std::mem::replace(&mut self.buf, outer);
            let hoisted = self.take(anchor, end);
            self.comment_lines(indent, &hoisted);
            self.buf.append(inner);
            for &k in trailing {
                if let Some(c) = self.comment(k) {
                    let text = c.text.clone();
                    self.buf.trail(&text);
                }
            }
        }
        if let Some(first) = slots.dangling.first().and_then(|&k| self.comment(k)) {
            let prev_end = extents
                .last()
                .map_or(open_end.unwrap_or(0), |&(_, end)| end);
            if !extents.is_empty() && blank_line_between(self.src, prev_end, first.span.start) {
                self.buf.blank();
            }
            self.comment_lines(indent, &slots.dangling);
        }
    }

    fn child(&mut self, child: &Child<'_>, indent: usize) {
        match child {
            Child::Decl(d) => self.decl(d),
            Child::Prop(p) => self.prop(p, indent),
            Child::Field(f) => {
                self.docs(&f.docs, indent);
                let required = if f.required { "required " } else { "" };
                self.buf.line(
                    indent,
                    &format!("{required}{}: {}", f.name.name, type_text(&f.ty)),
                );
            }
            Child::Name(docs, id) => {
                self.docs(docs, indent);
                self.buf.line(indent, &format!("{},", id.name));
            }
            Child::Case(c) => self.case(c, indent),
            Child::Body(e) => {
                self.buf.line(indent, "");
                let node = self.expr_node(e, true);
                self.layout(&node, indent + INDENT, indent + INDENT, 0);
            }
        }
    }

    fn docs(&mut self, docs: &Docs, indent: usize) {
        if let Some(docs) = docs {
            for line in docs.split('\n') {
                if line.is_empty() {
                    self.buf.line(indent, "///");
                } else {
                    self.buf.line(indent, &format!("/// {line}"));
                }
            }
        }
    }

    /// Where the `{` after a declaration's head is, and where its `}` is.
    fn braces(&self, head_end: usize, span_end: usize) -> (usize, usize) {
        let open = skip_trivia(self.src, head_end);
        (open + 1, span_end.saturating_sub(1))
    }

    /// A declaration whose children go one per line between braces, or
    /// `head {}` when it has neither children nor comments inside.
    fn braced(
        &mut self,
        head: &str,
        head_end: usize,
        span_end: usize,
        children: &[Child<'_>],
        blanks: Blanks,
        reorder: bool,
    ) {
        let (open_end, close) = self.braces(head_end, span_end);
        if children.is_empty() && !self.has_comments(open_end, close) {
            self.buf.line(0, &format!("{head} {{}}"));
            return;
        }
        self.buf.line(0, &format!("{head} {{"));
        self.block(INDENT, children, Some(open_end), close, blanks, reorder);
        self.buf.line(0, "}");
    }

    fn decl(&mut self, decl: &Decl) {
        let anchor = skip_trivia(self.src, decl_span(decl).start);
        match decl {
            Decl::Header(h) => {
                self.docs(&h.docs, 0);
                let props: Vec<Child<'_>> = h.props.iter().map(Child::Prop).collect();
                let head = format!("ruleset {}", quote(&h.name.value));
                self.braced(
                    &head,
                    h.name.span.end,
                    h.span.end,
                    &props,
                    Blanks::Never,
                    true,
                );
            }
            Decl::Enum(e) => {
                self.docs(&e.docs, 0);
                let head = format!("enum {}", e.name.name);
                self.names(&head, e.name.span.end, e.span.end, &e.variants);
            }
            Decl::Record(r) => {
                self.docs(&r.docs, 0);
                let fields: Vec<Child<'_>> = r.fields.iter().map(Child::Field).collect();
                let head = format!("record {}", r.name.name);
                self.braced(
                    &head,
                    r.name.span.end,
                    r.span.end,
                    &fields,
                    Blanks::Keep,
                    false,
                );
            }
            Decl::Facts(f) => {
                self.docs(&f.docs, 0);
                let fields: Vec<Child<'_>> = f.fields.iter().map(Child::Field).collect();
                let head_end = anchor + "facts".len();
                self.braced("facts", head_end, f.span.end, &fields, Blanks::Keep, false);
            }
            Decl::Predicate(p) => {
                self.docs(&p.docs, 0);
                let head = format!("predicate {}", p.name.name);
                let body = [Child::Body(&p.body)];
                self.braced(
                    &head,
                    p.name.span.end,
                    p.span.end,
                    &body,
                    Blanks::Keep,
                    false,
                );
            }
            Decl::Flag(f) => {
                self.docs(&f.docs, 0);
                let props: Vec<Child<'_>> = f.props.iter().map(Child::Prop).collect();
                let head = format!("flag {}", f.id.dotted());
                self.braced(
                    &head,
                    f.id.span.end,
                    f.span.end,
                    &props,
                    Blanks::Never,
                    true,
                );
            }
            Decl::Safeguard(s) => {
                self.docs(&s.docs, 0);
                let props: Vec<Child<'_>> = s.props.iter().map(Child::Prop).collect();
                let head = format!("safeguard {}", s.id.dotted());
                self.braced(
                    &head,
                    s.id.span.end,
                    s.span.end,
                    &props,
                    Blanks::Never,
                    true,
                );
            }
            Decl::Scope(s) => {
                self.docs(&s.docs, 0);
                let props: Vec<Child<'_>> = s.props.iter().map(Child::Prop).collect();
                let head_end = s.keyword.end;
                self.braced("scope", head_end, s.span.end, &props, Blanks::Never, true);
            }
            Decl::Outcomes(o) => {
                self.docs(&o.docs, 0);
                self.names(
                    "outcomes",
                    anchor + "outcomes".len(),
                    o.span.end,
                    &o.outcomes,
                );
            }
            Decl::Disposition(d) => {
                self.docs(&d.docs, 0);
                let cases: Vec<Child<'_>> = d.cases.iter().map(Child::Case).collect();
                let head_end = anchor + "disposition".len();
                self.braced(
                    "disposition",
                    head_end,
                    d.span.end,
                    &cases,
                    Blanks::Keep,
                    false,
                );
            }
        }
    }

    /// Enum values and outcomes: on one line when none has a doc comment,
    /// no comment is inside and the line fits; else one per line.
    fn names(&mut self, head: &str, head_end: usize, span_end: usize, names: &[(Docs, Ident)]) {
        let (open_end, close) = self.braces(head_end, span_end);
        if names.iter().all(|(docs, _)| docs.is_none()) && !self.has_comments(open_end, close) {
            let list: Vec<&str> = names.iter().map(|(_, id)| id.name.as_str()).collect();
            let line = if list.is_empty() {
                format!("{head} {{}}")
            } else {
                format!("{head} {{ {} }}", list.join(", "))
            };
            if line.chars().count() <= WIDTH {
                self.buf.line(0, &line);
                return;
            }
        }
        let children: Vec<Child<'_>> = names.iter().map(|(d, id)| Child::Name(d, id)).collect();
        self.braced(head, head_end, span_end, &children, Blanks::Keep, false);
    }

    fn prop(&mut self, p: &Prop, indent: usize) {
        let key = p.value.key();
        match &p.value {
            PropValue::Version(s)
            | PropValue::Title(s)
            | PropValue::Source(s)
            | PropValue::Citation(s) => {
                self.buf
                    .line(indent, &format!("{key}: {}", quote(&s.value)));
            }
            PropValue::Step(n, span) => {
                let n = self.int(*n, *span);
                self.buf.line(indent, &format!("{key}: {n}"));
            }
            PropValue::Severity(id) | PropValue::Otherwise(id) => {
                self.buf.line(indent, &format!("{key}: {}", id.name));
            }
            PropValue::When(e) => {
                self.buf.line(indent, "when: ");
                let node = self.expr_node(e, true);
                self.layout(&node, indent + INDENT, indent + INDENT, 0);
            }
            PropValue::Evidence(paths) | PropValue::MitigatedBy(paths) => {
                self.buf.line(indent, &format!("{key}: "));
                let last = paths.len().saturating_sub(1);
                for (i, path) in paths.iter().enumerate() {
                    let text = path.dotted();
                    if i > 0 {
                        let comma = usize::from(i < last);
                        if self.buf.col() + 2 + text.chars().count() + comma > WIDTH {
                            self.buf.push(",");
                            self.buf.line(indent + INDENT, "");
                        } else {
                            self.buf.push(", ");
                        }
                    }
                    self.buf.push(&text);
                }
            }
        }
    }

    fn case(&mut self, case: &DispCase, indent: usize) {
        let tail = format!(" => {}", case.outcome.name);
        match &case.cond {
            None => self.buf.line(indent, &format!("otherwise{tail}")),
            Some(cond) => {
                self.buf.line(indent, "when ");
                let node = self.disp_node(cond);
                self.layout(
                    &node,
                    indent + INDENT,
                    indent + INDENT,
                    tail.chars().count(),
                );
                self.buf.push(&tail);
            }
        }
    }
}

fn decl_span(d: &Decl) -> crate::span::Span {
    match d {
        Decl::Header(x) => x.span,
        Decl::Enum(x) => x.span,
        Decl::Record(x) => x.span,
        Decl::Facts(x) => x.span,
        Decl::Predicate(x) => x.span,
        Decl::Flag(x) => x.span,
        Decl::Safeguard(x) => x.span,
        Decl::Scope(x) => x.span,
        Decl::Outcomes(x) => x.span,
        Decl::Disposition(x) => x.span,
    }
}
