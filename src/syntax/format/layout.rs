//! Conditions laid out on lines: precedence-driven parentheses, breaking at
//! top-level `and`/`or` when a condition does not fit, and the comments that
//! sit between the operands of a broken chain.
//!
//! A condition is first turned into a [`Node`] tree that knows its one-line
//! text and where parentheses go; [`Printer::layout`] then prints the one-line
//! text when it fits, and otherwise breaks the outermost chain, one operand
//! per line, and descends into operands that still do not fit.

use super::print::{Printer, WIDTH};
use crate::decimal::Decimal;
use crate::printable::is_hidden;
use crate::span::Span;
use crate::syntax::ast::{DispExpr, Expr, ExprKind, Filter, Quant, Selector, SetTest};

/// A condition ready to be printed.
pub(super) struct Node {
    shape: Shape,
    /// The condition on one line.
    flat: String,
    /// `flat.chars().count()`.
    width: usize,
    /// Where it is in the source; empty for disposition conditions, whose
    /// comments are not placed between operands.
    span: Span,
    /// Comments must be placed inside, so it cannot be printed on one line.
    forced: bool,
}

enum Shape {
    /// Never broken.
    Atom,
    /// `a and b and c` or `a or b or c`, already flattened.
    Chain {
        and: bool,
        ops: Vec<Node>,
        /// Comments between operands are printed between the lines.
        place: bool,
    },
    Not(Box<Node>),
    Paren(Box<Node>),
    /// `any(p in parties where` body `)`, and `count(…)` with a body.
    Scope {
        head: String,
        body: Box<Node>,
    },
    /// Comparisons, `in` and `contains`.
    Binary {
        lhs: Box<Node>,
        op: &'static str,
        rhs: Box<Node>,
    },
    /// A set literal's items, printed inside braces.
    Set(Vec<String>),
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

impl Node {
    /// The condition on one line.
    pub(super) fn flat(&self) -> &str {
        &self.flat
    }

    fn new(shape: Shape, flat: String, span: Span, forced: bool) -> Node {
        Node {
            width: chars(&flat),
            shape,
            flat,
            span,
            forced,
        }
    }

    fn atom(flat: String, span: Span) -> Node {
        Node::new(Shape::Atom, flat, span, false)
    }

    fn paren(inner: Node) -> Node {
        let flat = format!("({})", inner.flat);
        let (span, forced) = (inner.span, inner.forced);
        Node::new(Shape::Paren(Box::new(inner)), flat, span, forced)
    }

    fn not(inner: Node, span: Span) -> Node {
        let flat = format!("not {}", inner.flat);
        let forced = inner.forced;
        Node::new(Shape::Not(Box::new(inner)), flat, span, forced)
    }

    fn chain(and: bool, ops: Vec<Node>, place: bool, gaps: bool, span: Span) -> Node {
        let sep = if and { " and " } else { " or " };
        let flat = ops
            .iter()
            .map(|o| o.flat.as_str())
            .collect::<Vec<_>>()
            .join(sep);
        let forced = gaps || ops.iter().any(|o| o.forced);
        Node::new(Shape::Chain { and, ops, place }, flat, span, forced)
    }

    fn scope(head: String, body: Node, span: Span) -> Node {
        let flat = format!("{head}{})", body.flat);
        let forced = body.forced;
        Node::new(
            Shape::Scope {
                head,
                body: Box::new(body),
            },
            flat,
            span,
            forced,
        )
    }

    fn binary(lhs: Node, op: &'static str, rhs: Node, span: Span) -> Node {
        let flat = format!("{} {op} {}", lhs.flat, rhs.flat);
        Node::new(
            Shape::Binary {
                lhs: Box::new(lhs),
                op,
                rhs: Box::new(rhs),
            },
            flat,
            span,
            false,
        )
    }

    fn set(items: Vec<String>, span: Span) -> Node {
        let flat = format!("{{{}}}", items.join(", "));
        Node::new(Shape::Set(items), flat, span, false)
    }
}

/// A string literal with its escapes: `"`, `\`, line feed and tab by name,
/// every other character that [`is_hidden`] says yes to (control,
/// direction-changing and invisible characters) as `\u{…}`, so that what the
/// file shows is what the string holds: `"admin\u{200B}"` is never written
/// back as a string that looks like `"admin"`.
pub(super) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:X}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A decimal literal, exactly: as written when the source holds it (its
/// trailing zeros may say something to the reader, as in `0.50`), else
/// normalised, and always with a point so that it reads back as a decimal
/// and not as a whole number.
pub(super) fn decimal(d: &Decimal, written: Option<&str>) -> String {
    // A parenthesised literal's span covers its parentheses.
    let written =
        written.map(|w| w.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace()));
    if let Some(w) =
        written.filter(|w| is_decimal_literal(w) && Decimal::parse(w).as_ref() == Ok(d))
    {
        return w.to_string();
    }
    let mut text = d.to_string();
    if !text.contains('.') {
        text.push_str(".0");
    }
    text
}

/// `-?digits.digits`, the grammar's `decimal_lit`.
fn is_decimal_literal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.split_once('.').is_some_and(|(int, frac)| {
        !int.is_empty()
            && !frac.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
    })
}

fn contains(test: SetTest) -> &'static str {
    match test {
        SetTest::One => "contains",
        SetTest::Any => "contains any of",
        SetTest::All => "contains all of",
        SetTest::None => "contains none of",
    }
}

fn is_chain(kind: &ExprKind) -> bool {
    matches!(kind, ExprKind::And(_) | ExprKind::Or(_))
}

fn is_comparison(kind: &ExprKind) -> bool {
    matches!(
        kind,
        ExprKind::Cmp(..) | ExprKind::In(..) | ExprKind::Contains(..)
    )
}

/// The operands of a chain, with nested chains of the same operator spliced
/// in: `a and (b and c)` is `a and b and c`.
fn expr_operands<'e>(items: &'e [Expr], and: bool, out: &mut Vec<&'e Expr>) {
    for item in items {
        match &item.kind {
            ExprKind::And(inner) if and => expr_operands(inner, and, out),
            ExprKind::Or(inner) if !and => expr_operands(inner, and, out),
            _ => out.push(item),
        }
    }
}

fn disp_operands<'e>(items: &'e [DispExpr], and: bool, out: &mut Vec<&'e DispExpr>) {
    for item in items {
        match item {
            DispExpr::And(inner) if and => disp_operands(inner, and, out),
            DispExpr::Or(inner) if !and => disp_operands(inner, and, out),
            _ => out.push(item),
        }
    }
}

impl Printer<'_> {
    /// The text of a whole number, or the source text when the lowering
    /// could not read it (which a file that parses never has).
    pub(super) fn int(&self, n: Option<i64>, span: Span) -> String {
        match n {
            Some(n) => n.to_string(),
            None => self.src.get(span.start..span.end).unwrap_or("").to_string(),
        }
    }

    /// A condition as a node. `place` says whether comments between the
    /// operands of its chains are printed there (else they move before the
    /// property that holds the condition).
    pub(super) fn expr_node(&self, e: &Expr, place: bool) -> Node {
        match &e.kind {
            ExprKind::And(items) | ExprKind::Or(items) => {
                let and = matches!(e.kind, ExprKind::And(_));
                let mut operands = Vec::new();
                expr_operands(items, and, &mut operands);
                let ops: Vec<Node> = operands
                    .iter()
                    .map(|op| {
                        let node = self.expr_node(op, place);
                        // `or` inside `and` needs parentheses; `and` inside
                        // `or` gets them too, for the reader's sake.
                        let wrap = match op.kind {
                            ExprKind::Or(_) => true,
                            ExprKind::And(_) => self.clarity,
                            _ => false,
                        };
                        if wrap { Node::paren(node) } else { node }
                    })
                    .collect();
                let gaps = place
                    && ops.windows(2).any(
                        |w| matches!(w, [a, b] if self.has_comments(a.span.end, b.span.start)),
                    );
                Node::chain(and, ops, place, gaps, e.span)
            }
            ExprKind::Not(inner) => {
                let node = self.expr_node(inner, place);
                let node = if is_chain(&inner.kind) {
                    Node::paren(node)
                } else {
                    node
                };
                Node::not(node, e.span)
            }
            ExprKind::Cmp(op, l, r) => self.binary(l, op.symbol(), r, e.span),
            ExprKind::In(l, r) => self.binary(l, "in", r, e.span),
            ExprKind::Contains(test, l, r) => self.binary(l, contains(*test), r, e.span),
            ExprKind::Quant(q, var, list, body) => {
                let q = match q {
                    Quant::Any => "any",
                    Quant::All => "all",
                };
                let head = format!("{q}({} in {} where ", var.name, list.dotted());
                Node::scope(head, self.expr_node(body, place), e.span)
            }
            ExprKind::Count(var, list, None) => {
                Node::atom(format!("count({} in {})", var.name, list.dotted()), e.span)
            }
            ExprKind::Count(var, list, Some(body)) => {
                let head = format!("count({} in {} where ", var.name, list.dotted());
                Node::scope(head, self.expr_node(body, place), e.span)
            }
            ExprKind::Known(path) => Node::atom(format!("known({})", path.dotted()), e.span),
            ExprKind::Set(items) => Node::set(
                items
                    .iter()
                    .map(|i| self.expr_node(i, false).flat)
                    .collect(),
                e.span,
            ),
            ExprKind::Bool(b) => Node::atom(b.to_string(), e.span),
            ExprKind::Int(n) => Node::atom(n.to_string(), e.span),
            ExprKind::Decimal(d) => {
                let written = self.src.get(e.span.start..e.span.end);
                Node::atom(decimal(d, written), e.span)
            }
            ExprKind::Str(s) => Node::atom(quote(s), e.span),
            ExprKind::Path(p) => Node::atom(p.dotted(), e.span),
        }
    }

    /// `l op r`; comments inside either side move out of the condition.
    fn binary(&self, l: &Expr, op: &'static str, r: &Expr, span: Span) -> Node {
        let lhs = self.expr_node(l, false);
        let lhs =
            if is_chain(&l.kind) || is_comparison(&l.kind) || matches!(l.kind, ExprKind::Not(_)) {
                Node::paren(lhs)
            } else {
                lhs
            };
        // `a == not b` parses as `a == (not b)`; the parentheses are for
        // the reader.
        let rhs = self.expr_node(r, false);
        let rhs = if is_chain(&r.kind)
            || is_comparison(&r.kind)
            || (self.clarity && matches!(r.kind, ExprKind::Not(_)))
        {
            Node::paren(rhs)
        } else {
            rhs
        };
        Node::binary(lhs, op, rhs, span)
    }

    /// A disposition condition as a node. Its comments are not placed
    /// between operands: the AST has no spans for its chains.
    pub(super) fn disp_node(&self, e: &DispExpr) -> Node {
        let none = Span::default();
        match e {
            DispExpr::And(items) | DispExpr::Or(items) => {
                let and = matches!(e, DispExpr::And(_));
                let mut operands = Vec::new();
                disp_operands(items, and, &mut operands);
                let ops = operands
                    .iter()
                    .map(|op| {
                        let node = self.disp_node(op);
                        let wrap = match op {
                            DispExpr::Or(_) => true,
                            DispExpr::And(_) => self.clarity,
                            _ => false,
                        };
                        if wrap { Node::paren(node) } else { node }
                    })
                    .collect();
                Node::chain(and, ops, false, false, none)
            }
            DispExpr::Not(inner) => {
                let node = self.disp_node(inner);
                let node = if matches!(**inner, DispExpr::And(_) | DispExpr::Or(_)) {
                    Node::paren(node)
                } else {
                    node
                };
                Node::not(node, none)
            }
            DispExpr::Any(sel) => Node::atom(format!("any {}", self.selector(sel)), none),
            DispExpr::No(sel) => Node::atom(format!("no {}", self.selector(sel)), none),
            DispExpr::Count(sel, op, n, span) => Node::atom(
                format!(
                    "count {} {} {}",
                    self.selector(sel),
                    op.symbol(),
                    self.int(*n, *span)
                ),
                none,
            ),
        }
    }

    fn selector(&self, sel: &Selector) -> String {
        if sel.filters.is_empty() {
            return "flags".to_string();
        }
        let filters: Vec<String> = sel
            .filters
            .iter()
            .map(|f| match f {
                Filter::Status(word) => word.name.clone(),
                Filter::Severity(op, level) => format!("severity {} {}", op.symbol(), level.name),
                Filter::Step(op, n, span) => {
                    format!("step {} {}", op.symbol(), self.int(*n, *span))
                }
            })
            .collect();
        format!("flags({})", filters.join(", "))
    }

    /// Prints `n` from the current column. `cont` is where the continuation
    /// lines of a chain at this level go, `min` the least column for any
    /// deeper continuation (so that nesting always shows as indentation), and
    /// `reserve` the width that must stay free after `n` on its last line.
    pub(super) fn layout(&mut self, n: &Node, cont: usize, min: usize, reserve: usize) {
        if !n.forced && self.buf.col() + n.width + reserve <= WIDTH {
            self.buf.push(&n.flat);
            return;
        }
        match &n.shape {
            Shape::Atom => self.buf.push(&n.flat),
            Shape::Chain { and, ops, place } => {
                let keyword = if *and { "and " } else { "or " };
                let last = ops.len().saturating_sub(1);
                let mut prev: Option<&Node> = None;
                for (j, op) in ops.iter().enumerate() {
                    if let Some(prev) = prev {
                        if *place {
                            self.gap_comments(prev.span.end, op.span.start, cont);
                        }
                        self.buf.line(cont, keyword);
                    }
                    let reserve = if j == last { reserve } else { 0 };
                    self.layout(op, cont + 2, cont + 2, reserve);
                    prev = Some(op);
                }
            }
            Shape::Not(inner) => {
                self.buf.push("not ");
                self.layout(inner, cont, min, reserve);
            }
            Shape::Paren(inner) => {
                let cont = (self.buf.col() + 1).max(min);
                self.buf.push("(");
                self.layout(inner, cont, cont, reserve + 1);
                self.buf.push(")");
            }
            Shape::Scope { head, body } => {
                let cont = (self.buf.col() + 2).max(min);
                self.buf.push(head);
                self.layout(body, cont, cont, reserve + 1);
                self.buf.push(")");
            }
            Shape::Binary { lhs, op, rhs } => {
                self.layout(lhs, min, min, 0);
                self.buf.push(" ");
                self.buf.push(op);
                self.buf.push(" ");
                self.layout(rhs, min, min, reserve);
            }
            Shape::Set(items) => {
                let indent = self.buf.indent();
                self.buf.push("{");
                self.buf.line(indent + 2, "");
                let last = items.len().saturating_sub(1);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        let comma = usize::from(i < last);
                        if self.buf.col() + 2 + chars(item) + comma > WIDTH {
                            self.buf.push(",");
                            self.buf.line(indent + 2, "");
                        } else {
                            self.buf.push(", ");
                        }
                    }
                    self.buf.push(item);
                }
                self.buf.line(indent, "}");
            }
        }
    }

    /// Prints the comments between two operands of a broken chain: a comment
    /// that ended the line of the first operand stays at the end of that
    /// line, the others go on lines of their own before the second operand.
    fn gap_comments(&mut self, prev_end: usize, next_start: usize, indent: usize) {
        for k in self.take(prev_end, next_start) {
            let Some(c) = self.comments.get(k) else {
                continue;
            };
            let right_after = c.prev_code_end.is_some_and(|p| {
                p >= prev_end
                    && self
                        .src
                        .get(prev_end..p)
                        .is_some_and(|gap| gap.chars().all(|ch| ch.is_whitespace() || ch == ')'))
            });
            if c.trails() && right_after {
                self.buf.trail(&c.text);
            } else {
                self.buf.comment_line(indent, &c.text);
            }
        }
    }
}
