//! The size limits the checker enforces on a parsed file, before any other
//! check: how many things it declares (DD037), how long a name (DD038) or a
//! string (DD039) may be, and how many `flags(…)` selectors the disposition
//! may use (DD041). The limits themselves live in [`crate::limits`].
//!
//! A file over a limit is not checked further: the later checks compare
//! names with each other and build tables per declaration, and the limits
//! are what keeps their work proportional to the size of the file.

use crate::diag::Diagnostic;
use crate::limits::{
    MAX_DECLARATIONS, MAX_ID_BYTES, MAX_IDENT_BYTES, MAX_SELECTORS, MAX_STRING_BYTES,
};
use crate::span::Span;
use crate::syntax::ast::{self, Decl, DispExpr, Expr, ExprKind, Filter, PropValue, TypeExpr};

/// The first characters of a long text, for a message.
fn shorten(text: &str) -> String {
    const SHOWN: usize = 24;
    match text.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or("")),
        None => text.to_string(),
    }
}

/// Collects the limit errors of one file.
#[derive(Default)]
struct Limits {
    errors: Vec<Diagnostic>,
    declarations: usize,
    selectors: usize,
}

impl Limits {
    /// Counts one declared thing.
    fn declare(&mut self, span: Span) {
        self.declarations += 1;
        if self.declarations == MAX_DECLARATIONS + 1 {
            self.errors.push(
                Diagnostic::error(
                    "DD037",
                    span,
                    format!("the ruleset declares more than {MAX_DECLARATIONS} things"),
                )
                .label("one too many")
                .help(
                    "enums, enum values, records, fields, predicates, flags, safeguards and \
                     outcomes count together; split the ruleset",
                ),
            );
        }
    }

    /// Checks the length of a name: an identifier, or a dotted id as a whole.
    fn name(&mut self, name: &str, span: Span, limit: usize) {
        if name.len() > limit {
            self.errors.push(
                Diagnostic::error(
                    "DD038",
                    span,
                    format!(
                        "the name `{}` is {} bytes long, more than the limit of {limit}",
                        shorten(name),
                        name.len()
                    ),
                )
                .help("choose a shorter name"),
            );
        }
    }

    fn ident(&mut self, ident: &ast::Ident) {
        self.name(&ident.name, ident.span, MAX_IDENT_BYTES);
    }

    fn path(&mut self, path: &ast::Path) {
        for seg in &path.segments {
            self.ident(seg);
        }
    }

    /// A flag's or safeguard's id counts as one name.
    fn id(&mut self, id: &ast::Path) {
        self.path(id);
        if id.segments.iter().all(|s| s.name.len() <= MAX_IDENT_BYTES) {
            self.name(&id.dotted(), id.span, MAX_ID_BYTES);
        }
    }

    fn string(&mut self, value: &str, span: Span) {
        if value.len() > MAX_STRING_BYTES {
            self.errors.push(
                Diagnostic::error(
                    "DD039",
                    span,
                    format!(
                        "this string is {} bytes long, more than the limit of {MAX_STRING_BYTES}",
                        value.len()
                    ),
                )
                .help("shorten it; a title or citation can point to a longer text elsewhere"),
            );
        }
    }

    fn ty(&mut self, ty: &TypeExpr) {
        match ty {
            TypeExpr::Named(i) | TypeExpr::Set(i, _) | TypeExpr::List(i, _) => self.ident(i),
        }
    }

    fn fields(&mut self, fields: &[ast::FieldDecl]) {
        for f in fields {
            self.declare(f.name.span);
            self.ident(&f.name);
            self.ty(&f.ty);
        }
    }

    fn props(&mut self, props: &[ast::Prop]) {
        for p in props {
            match &p.value {
                PropValue::Version(s)
                | PropValue::Title(s)
                | PropValue::Source(s)
                | PropValue::Citation(s) => self.string(&s.value, s.span),
                PropValue::Step(..) => {}
                PropValue::Severity(i) | PropValue::Otherwise(i) => self.ident(i),
                PropValue::When(e) => self.expr(e),
                PropValue::Evidence(paths) => paths.iter().for_each(|p| self.path(p)),
                PropValue::MitigatedBy(ids) => ids.iter().for_each(|p| self.id(p)),
            }
        }
    }

    /// Walks a condition with an explicit stack (its depth is bounded by the
    /// parser, but the walk need not rely on it).
    fn expr(&mut self, root: &Expr) {
        let mut todo: Vec<&Expr> = vec![root];
        while let Some(e) = todo.pop() {
            match &e.kind {
                ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Decimal(_) => {}
                ExprKind::Str(s) => self.string(s, e.span),
                ExprKind::Path(p) | ExprKind::Known(p) => self.path(p),
                ExprKind::Set(items) | ExprKind::And(items) | ExprKind::Or(items) => {
                    todo.extend(items.iter());
                }
                ExprKind::Not(inner) => todo.push(inner),
                ExprKind::Cmp(_, a, b) | ExprKind::In(a, b) | ExprKind::Contains(_, a, b) => {
                    todo.push(a);
                    todo.push(b);
                }
                ExprKind::Quant(_, binder, list, body) => {
                    self.ident(binder);
                    self.path(list);
                    todo.push(body);
                }
                ExprKind::Count(binder, list, body) => {
                    self.ident(binder);
                    self.path(list);
                    todo.extend(body.as_deref());
                }
            }
        }
    }

    fn selector(&mut self, s: &ast::Selector) {
        self.selectors += 1;
        if self.selectors == MAX_SELECTORS + 1 {
            self.errors.push(
                Diagnostic::error(
                    "DD041",
                    s.span,
                    format!("the disposition selects flags more than {MAX_SELECTORS} times"),
                )
                .label("one too many")
                .help("combine the conditions, e.g. with one `flags(…)` and several filters"),
            );
        }
        for f in &s.filters {
            match f {
                Filter::Status(i) | Filter::Severity(_, i) => self.ident(i),
                Filter::Step(..) => {}
            }
        }
    }

    fn disp(&mut self, root: &DispExpr) {
        let mut todo: Vec<&DispExpr> = vec![root];
        while let Some(d) = todo.pop() {
            match d {
                DispExpr::Any(s) | DispExpr::No(s) | DispExpr::Count(s, ..) => self.selector(s),
                DispExpr::Not(inner) => todo.push(inner),
                DispExpr::And(items) | DispExpr::Or(items) => todo.extend(items.iter().rev()),
            }
        }
    }
}

/// Every limit error in a file: none when it is within the limits.
pub(super) fn check(file: &ast::File) -> Vec<Diagnostic> {
    let mut l = Limits::default();
    for decl in &file.decls {
        match decl {
            Decl::Header(h) => {
                l.string(&h.name.value, h.name.span);
                l.props(&h.props);
            }
            Decl::Enum(e) => {
                l.declare(e.name.span);
                l.ident(&e.name);
                for (_, v) in &e.variants {
                    l.declare(v.span);
                    l.ident(v);
                }
            }
            Decl::Record(r) => {
                l.declare(r.name.span);
                l.ident(&r.name);
                l.fields(&r.fields);
            }
            Decl::Facts(f) => l.fields(&f.fields),
            Decl::Predicate(p) => {
                l.declare(p.name.span);
                l.ident(&p.name);
                l.expr(&p.body);
            }
            Decl::Flag(f) => {
                l.declare(f.id.span);
                l.id(&f.id);
                l.props(&f.props);
            }
            Decl::Safeguard(s) => {
                l.declare(s.id.span);
                l.id(&s.id);
                l.props(&s.props);
            }
            Decl::Scope(s) => l.props(&s.props),
            Decl::Outcomes(o) => {
                for (_, name) in &o.outcomes {
                    l.declare(name.span);
                    l.ident(name);
                }
            }
            Decl::Disposition(d) => {
                for case in &d.cases {
                    if let Some(c) = &case.cond {
                        l.disp(c);
                    }
                    l.ident(&case.outcome);
                }
            }
        }
    }
    l.errors
}
