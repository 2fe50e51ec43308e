//! The canonical formatter of `.rules` files.
//!
//! The style, chosen to read well for a compliance officer rather than a
//! programmer:
//!
//! - two-space indentation, a blank line between declarations, one blank
//!   line kept where the source has blank lines between fields, enum values,
//!   outcomes, disposition cases or comments;
//! - the header, flags and safeguards have one property per line, in a fixed
//!   order: `version`, `step`, `severity`, `title`, `source`, `citation`,
//!   `when`, `evidence`, `mitigated_by`;
//! - records and `facts` have one field per line, without commas; enum values
//!   and outcomes go on one line when none has a doc comment and the line
//!   fits, else one per line with a comma after each;
//! - a condition that does not fit in 100 columns is broken at its outermost
//!   `and`/`or`, one operand per line, each continuation line starting with
//!   its operator two columns in from the property; deeper chains break the
//!   same way inside their parentheses or quantifier, and a long set literal
//!   opens a block of its own; `evidence` and `mitigated_by` lists wrap;
//! - parentheses only where precedence needs them (`or` < `and` < `not` <
//!   comparisons), plus around an `and` chain inside an `or` chain and a `not`
//!   on the right of a comparison, which readers misread without them;
//! - strings re-escaped; decimals exactly as written (`0.50` stays, for
//!   the reader), whole numbers normalised; `flags()` as `flags`; doc
//!   comments as `/// text`.
//!
//! Every `//` and `/* */` comment is kept: see `print.rs` for where each goes.
//! Before any text is returned it is parsed again and must give the same
//! syntax tree (up to spans, the order of properties and the nesting of
//! `and`/`or` chains) and the same comments, so a formatting bug can refuse
//! to format a file but never change what it means.

mod layout;
mod lines;
mod print;

pub(crate) use print::{case_text, condition_text, disp_condition_text};

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use crate::diag::Diagnostics;
use crate::error::RulesError;
use crate::limits::MAX_SOURCE_BYTES;
use crate::printable::printable;
use crate::syntax::ast::{Decl, DispExpr, Expr, ExprKind, File, PropValue};
use crate::syntax::comments::{self, Comment};

/// Why a ruleset could not be formatted.
///
/// ```
/// use dd_rules::{FormatError, format_source};
///
/// match format_source("ruleset", "bad.rules") {
///     Err(FormatError::Syntax(e)) => assert!(e.diagnostics.has_errors()),
///     other => panic!("expected a syntax error, got {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The source has syntax errors (every one is in the diagnostics).
    #[error(transparent)]
    Syntax(RulesError),
    /// The formatted text would not have meant the same as the source, or
    /// would have lost a comment. This is a bug in dd-rules; the source
    /// should be left as it is.
    #[error(
        "cannot format `{}` without changing its meaning or losing a comment, so it is left as it is (this is a bug in dd-rules: please report it)",
        printable(.file)
    )]
    Unstable {
        /// The file name given.
        file: String,
    },
    /// The formatted text would be longer than a ruleset may be
    /// ([`MAX_SOURCE_BYTES`](crate::MAX_SOURCE_BYTES)), so it could not be
    /// read back: formatting can lengthen a file (indentation, line breaks,
    /// escapes), and a source near the limit may pass it. The source should
    /// be left as it is, or split.
    #[error(
        "cannot format `{}`: the formatted ruleset would be {len} bytes long, more than the limit of {} bytes, so it is left as it is",
        printable(.file),
        MAX_SOURCE_BYTES
    )]
    TooLarge {
        /// The file name given.
        file: String,
        /// The length of the formatted text, in bytes.
        len: usize,
    },
}

/// Formats a ruleset in the canonical style, keeping every comment and doc
/// comment. `file_name` is only used in diagnostics.
///
/// A ruleset that parses is formatted even when it does not check (an
/// unknown fact, a type error), and the result checks and evaluates exactly
/// as the source does. Formatting is idempotent: formatting the result again
/// changes nothing.
///
/// ```
/// let source = "flag S1.x { when: a or b and c title: \"T\" step: 1 } // done\n";
/// let formatted = dd_rules::format_source(source, "x.rules")?;
/// assert_eq!(
///     formatted,
///     "flag S1.x {\n  step: 1\n  title: \"T\"\n  when: a or (b and c)\n} // done\n"
/// );
/// assert_eq!(dd_rules::format_source(&formatted, "x.rules")?, formatted);
/// # Ok::<(), dd_rules::FormatError>(())
/// ```
///
/// # Errors
///
/// [`FormatError::Syntax`] with every syntax error when the source does not
/// parse; [`FormatError::TooLarge`] when the formatted text would be longer
/// than a ruleset may be; [`FormatError::Unstable`] if the formatter fails
/// its own check.
pub fn format_source(source: &str, file_name: &str) -> Result<String, FormatError> {
    let file = super::parse(source).map_err(|diags| {
        FormatError::Syntax(RulesError {
            diagnostics: Diagnostics::new(file_name.into(), source.into(), diags),
        })
    })?;
    let comments = comments::scan(source);
    let expected = Meaning::of(&file, &comments);
    // The parentheses added for readers deepen a condition; if that takes it
    // past the nesting limit, print only the ones precedence needs.
    let mut too_large = None;
    for clarity in [true, false] {
        let text = print::print(source, &file, &comments, clarity);
        // Too long to be read back: not a failure of the check below,
        // which would otherwise call it a bug.
        if text.len() > MAX_SOURCE_BYTES {
            too_large = Some(text.len());
            continue;
        }
        if meaning(&text).as_ref() == Some(&expected) {
            return Ok(text);
        }
    }
    Err(match too_large {
        Some(len) => FormatError::TooLarge {
            file: file_name.to_string(),
            len,
        },
        None => FormatError::Unstable {
            file: file_name.to_string(),
        },
    })
}

/// What formatting must keep: the syntax tree without spans (properties in
/// the canonical order, chains flattened) and the comments.
#[derive(PartialEq, Eq)]
struct Meaning {
    tree: String,
    comments: Vec<String>,
}

impl Meaning {
    fn of(file: &File, comments: &[Comment]) -> Meaning {
        let mut file = file.clone();
        normalize(&mut file);
        let mut comments: Vec<String> = comments.iter().map(|c| c.text.clone()).collect();
        // Comments move with the properties they belong to, which are
        // reordered, so their order may change; none may be lost.
        comments.sort();
        Meaning {
            tree: without_spans(&format!("{:?}", file.decls)),
            comments,
        }
    }
}

/// The meaning of a formatted text, or `None` if it does not parse.
fn meaning(text: &str) -> Option<Meaning> {
    let file = super::parse(text).ok()?;
    Some(Meaning::of(&file, &comments::scan(text)))
}

/// Puts the tree in the form the formatter prints: properties in the
/// canonical order, `a and (b and c)` as `a and b and c`.
fn normalize(file: &mut File) {
    for decl in &mut file.decls {
        let props = match decl {
            Decl::Header(h) => &mut h.props,
            Decl::Flag(f) => &mut f.props,
            Decl::Safeguard(s) => &mut s.props,
            Decl::Scope(s) => &mut s.props,
            Decl::Predicate(p) => {
                flatten(&mut p.body);
                continue;
            }
            Decl::Disposition(d) => {
                for case in &mut d.cases {
                    if let Some(cond) = &mut case.cond {
                        flatten_disp(cond);
                    }
                }
                continue;
            }
            Decl::Enum(_) | Decl::Record(_) | Decl::Facts(_) | Decl::Outcomes(_) => continue,
        };
        props.sort_by_key(print::prop_rank);
        for prop in props.iter_mut() {
            if let PropValue::When(e) = &mut prop.value {
                flatten(e);
            }
        }
    }
}

fn flatten(e: &mut Expr) {
    let and = matches!(e.kind, ExprKind::And(_));
    match &mut e.kind {
        ExprKind::And(items) | ExprKind::Or(items) => {
            let mut out = Vec::with_capacity(items.len());
            for mut item in std::mem::take(items) {
                flatten(&mut item);
                match item.kind {
                    ExprKind::And(inner) if and => out.extend(inner),
                    ExprKind::Or(inner) if !and => out.extend(inner),
                    _ => out.push(item),
                }
            }
            *items = out;
        }
        ExprKind::Not(x) => flatten(x),
        ExprKind::Cmp(_, l, r) | ExprKind::In(l, r) | ExprKind::Contains(_, l, r) => {
            flatten(l);
            flatten(r);
        }
        ExprKind::Quant(_, _, _, body) | ExprKind::Count(_, _, Some(body)) => flatten(body),
        ExprKind::Set(items) => items.iter_mut().for_each(flatten),
        ExprKind::Count(_, _, None)
        | ExprKind::Known(_)
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Decimal(_)
        | ExprKind::Str(_)
        | ExprKind::Path(_) => {}
    }
}

fn flatten_disp(e: &mut DispExpr) {
    let and = matches!(e, DispExpr::And(_));
    match e {
        DispExpr::And(items) | DispExpr::Or(items) => {
            let mut out = Vec::with_capacity(items.len());
            for mut item in std::mem::take(items) {
                flatten_disp(&mut item);
                match item {
                    DispExpr::And(inner) if and => out.extend(inner),
                    DispExpr::Or(inner) if !and => out.extend(inner),
                    other => out.push(other),
                }
            }
            *items = out;
        }
        DispExpr::Not(x) => flatten_disp(x),
        DispExpr::Any(_) | DispExpr::No(_) | DispExpr::Count(..) => {}
    }
}

/// A `Debug` rendering with every `Span { start: …, end: … }` made `Span`.
fn without_spans(debug: &str) -> String {
    const OPEN: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(rest.get(..i).unwrap_or(""));
        out.push_str("Span");
        let after = rest.get(i..).unwrap_or("");
        rest = after
            .find(" }")
            .and_then(|j| after.get(j + 2..))
            .unwrap_or("");
    }
    out.push_str(rest);
    out
}
