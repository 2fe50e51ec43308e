//! Warnings about text that reads differently from what it means: names
//! that look alike but are different (DD104, Unicode confusables), names
//! that differ only in case (DD105), and invisible characters that reverse
//! the direction of text (DD106, "Trojan Source").
//!
//! Names are compared within the groups where mixing them up changes what a
//! rule means: the names a condition may use bare (root facts and
//! predicates) together with flag and safeguard ids; the type names; the
//! fields of each record; the values of each enum; the outcomes. Each check
//! is one pass with a hash map, linear in the number of names.

use std::collections::HashMap;

use super::confusables::skeleton;
use crate::diag::Diagnostic;
use crate::printable::is_bidi_control;
use crate::span::Span;
use crate::syntax::ast::{self, Decl};

/// One group of names that must be told apart.
type Group<'a> = Vec<(&'a str, Span)>;

/// The first character of `name` that is not ASCII, for the help text.
fn first_non_ascii(a: &str, b: &str) -> Option<char> {
    a.chars().chain(b.chars()).find(|c| !c.is_ascii())
}

/// Warns about names of one group that differ only in case or look alike.
/// `kind` is what the names are ("field"), `owner` what they belong to.
fn compare(group: &Group<'_>, kind: &str, owner: Option<&str>, diags: &mut Vec<Diagnostic>) {
    let of = owner.map_or(String::new(), |o| format!(" of `{o}`"));
    let mut by_case: HashMap<String, (&str, Span)> = HashMap::new();
    let mut by_look: HashMap<String, (&str, Span)> = HashMap::new();
    // Two names look alike only if one has a character outside ASCII: a
    // group of plain ASCII names, nearly every group, needs no skeletons.
    let all_ascii = group.iter().all(|(name, _)| name.is_ascii());
    for &(name, span) in group {
        if name.is_empty() {
            continue;
        }
        let lower = name.to_lowercase();
        match by_case.get(&lower) {
            // The same name twice is an error reported elsewhere.
            Some((first, _)) if *first == name => continue,
            Some((first, first_span)) => {
                diags.push(
                    Diagnostic::warning(
                        "DD105",
                        span,
                        format!("the {kind} `{name}`{of} differs from `{first}` only in case"),
                    )
                    .note(*first_span, format!("`{first}` is declared here"))
                    .help("names are case-sensitive: use one spelling, or names that differ by more than case"),
                );
                continue;
            }
            None => {
                by_case.insert(lower, (name, span));
            }
        }
        if all_ascii {
            continue;
        }
        let look = skeleton(name);
        match by_look.get(&look) {
            Some(&(first, first_span)) if !(first.is_ascii() && name.is_ascii()) => {
                // The warning goes on the name with the unusual characters.
                let (odd, odd_span, plain, plain_span) = if name.is_ascii() {
                    (first, first_span, name, span)
                } else {
                    (name, span, first, first_span)
                };
                let culprit = first_non_ascii(odd, plain).map_or(String::new(), |c| {
                    format!("; it is spelt with `{c}` (U+{:04X})", u32::from(c))
                });
                diags.push(
                    Diagnostic::warning(
                        "DD104",
                        odd_span,
                        format!("the {kind} `{odd}`{of} looks like `{plain}` but is a different name"),
                    )
                    .note(plain_span, format!("`{plain}` is declared here"))
                    .help(format!(
                        "use one spelling for the two{culprit}; names that look alike are easy to mix up"
                    )),
                );
            }
            Some(_) => {}
            None => {
                by_look.insert(look, (name, span));
            }
        }
    }
}

/// The names of some fields with their spans.
fn field_group(fields: &[ast::FieldDecl]) -> Group<'_> {
    fields
        .iter()
        .map(|f| (f.name.name.as_str(), f.name.span))
        .collect()
}

/// The DD104 and DD105 warnings of a file.
pub(super) fn names(file: &ast::File, source: &str, diags: &mut Vec<Diagnostic>) {
    // The span of a flag's or safeguard's id covers exactly its dotted text.
    let text = |span: Span| source.get(span.start..span.end).unwrap_or("");
    let mut ids: Group<'_> = Vec::new();
    let mut types: Group<'_> = Vec::new();
    let mut outcomes: Group<'_> = Vec::new();
    // Record and enum names with their members, each compared on its own.
    let mut members: Vec<(&str, &str, Group<'_>)> = Vec::new();
    let mut root_fields: Group<'_> = Vec::new();
    for decl in &file.decls {
        match decl {
            Decl::Header(_) | Decl::Disposition(_) | Decl::Scope(_) => {}
            Decl::Enum(e) => {
                types.push((&e.name.name, e.name.span));
                let values = e
                    .variants
                    .iter()
                    .map(|(_, v)| (v.name.as_str(), v.span))
                    .collect();
                members.push(("value", &e.name.name, values));
            }
            Decl::Record(r) => {
                types.push((&r.name.name, r.name.span));
                members.push(("field", &r.name.name, field_group(&r.fields)));
            }
            Decl::Facts(f) => root_fields.extend(field_group(&f.fields)),
            Decl::Predicate(p) => ids.push((&p.name.name, p.name.span)),
            Decl::Flag(f) => ids.push((text(f.id.span), f.id.span)),
            Decl::Safeguard(s) => ids.push((text(s.id.span), s.id.span)),
            Decl::Outcomes(o) => {
                outcomes.extend(o.outcomes.iter().map(|(_, n)| (n.name.as_str(), n.span)));
            }
        }
    }
    // Root facts first: a later predicate or id is the one that looks like it.
    root_fields.extend(ids);
    compare(&root_fields, "name", None, diags);
    compare(&types, "type", None, diags);
    for (kind, owner, group) in &members {
        compare(group, kind, Some(owner), diags);
    }
    compare(&outcomes, "outcome", None, diags);
}

/// The DD106 warnings of a source: one per bidirectional control character.
/// They can only stand in comments and strings (anywhere else the parser
/// refuses them), where they can make the code on screen differ from the
/// code that runs.
///
/// Every one of them is encoded in UTF-8 as three bytes starting with 0xE2,
/// a byte that only ever starts a character; so only the characters starting
/// there are decoded, rather than every character of the source.
pub(super) fn bidi(source: &str, diags: &mut Vec<Diagnostic>) {
    let candidates = source
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == 0xE2)
        .filter_map(|(at, _)| Some((at, source.get(at..)?.chars().next()?)));
    for (at, c) in candidates.filter(|(_, c)| is_bidi_control(*c)) {
        diags.push(
            Diagnostic::warning(
                "DD106",
                Span::new(at, at + c.len_utf8()),
                format!(
                    "the invisible character U+{:04X} changes the direction of the text around it",
                    u32::from(c)
                ),
            )
            .label("here")
            .help(format!(
                "what is shown may differ from what is read: remove it, or write `\\u{{{:X}}}` in a string",
                u32::from(c)
            )),
        );
    }
}
