//! Syntax: source text to AST, or every syntax error in words.
//!
//! The grammar in `grammar/dd_rules.pest` is the only definition of the
//! syntax. Before pest runs, [`scan`] rejects inputs that would recurse too
//! deeply or are too large, so no input can overflow the stack; pest errors
//! are translated to words in [`errors`]; [`lower`] turns pest pairs into the
//! AST. This module knows nothing about facts or types.

pub(crate) mod ast;
mod comments;
mod errors;
pub(crate) mod format;
mod lower;
mod scan;

use pest::Parser as _;

use crate::diag::Diagnostic;
use crate::limits;

/// The pest parser generated from the grammar.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/dd_rules.pest"]
pub(crate) struct RulesParser;

/// Parses a whole file into its AST, or returns every syntax error found.
pub(crate) fn parse(source: &str) -> Result<ast::File, Vec<Diagnostic>> {
    if source.len() > limits::MAX_SOURCE_BYTES {
        return Err(vec![crate::error::too_large(source.len())]);
    }
    scan::check_nesting(source)?;
    let pairs = parse_pairs(source).map_err(|e| vec![errors::translate(&e, source)])?;
    lower::lower_file(pairs)
}

/// Runs pest. Tracking the tokens expected at each position (pest's "error
/// detail") makes parsing several times slower, and it only matters for the
/// message of a source that does not parse; so a source is parsed without it
/// first and, only when that fails, again with it.
///
/// The setting is a process-wide flag that pest reads when a parse starts.
/// The lock keeps a parse that wants the detail from being started while
/// another thread has just switched it off, so that the message for a given
/// source never depends on what other threads are doing.
fn parse_pairs(source: &str) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    static DETAIL: std::sync::RwLock<()> = std::sync::RwLock::new(());
    {
        let _shared = DETAIL
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pest::set_error_detail(false);
        if let Ok(pairs) = RulesParser::parse(Rule::file, source) {
            return Ok(pairs);
        }
    }
    let _exclusive = DETAIL
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Ask pest to track the literal tokens it expected, for messages in words.
    pest::set_error_detail(true);
    let result = RulesParser::parse(Rule::file, source);
    pest::set_error_detail(false);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_over_the_size_limit_is_refused_before_parsing() {
        let source = " ".repeat(limits::MAX_SOURCE_BYTES + 1);
        let errors = parse(&source).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code.0, "DD004");
        assert!(
            errors[0].message.contains("more than the limit"),
            "{}",
            errors[0].message
        );
        // At the limit exactly, the text is parsed (and found empty).
        assert!(parse(&" ".repeat(limits::MAX_SOURCE_BYTES)).is_ok());
    }

    /// The fields of the only record of `source`, each as (required, name, source text).
    #[track_caller]
    fn fields(source: &str) -> Vec<(bool, String, String)> {
        let file = parse(source).unwrap_or_else(|e| panic!("{source}: {e:?}"));
        let [ast::Decl::Record(r)] = file.decls.as_slice() else {
            panic!("one record expected: {source}")
        };
        r.fields
            .iter()
            .map(|f| {
                let text = &source[f.span.start..f.span.end];
                (f.required, f.name.name.clone(), text.to_string())
            })
            .collect()
    }

    #[test]
    fn required_is_a_modifier_before_a_field_name_only() {
        let field = |required: bool, name: &str, text: &str| (required, name.into(), text.into());
        assert_eq!(
            fields("record R { required a: bool  b: int }"),
            [
                field(true, "a", "required a: bool"),
                field(false, "b", "b: int")
            ]
        );
        // A field named `required`, with or without the modifier, and with
        // white space or a comment before its colon.
        assert_eq!(
            fields("record R { required: bool }"),
            [field(false, "required", "required: bool")]
        );
        assert_eq!(
            fields("record R { required required: bool, required /* c */ : int }"),
            [
                field(true, "required", "required required: bool"),
                field(false, "required", "required /* c */ : int")
            ]
        );
        // A doc comment comes before the modifier and is not in the field's span.
        assert_eq!(
            fields("record R {\n  /// Doc.\n  required  s: set<E>,\n  required_x: list<R>\n}"),
            [
                field(true, "s", "required  s: set<E>"),
                field(false, "required_x", "required_x: list<R>")
            ]
        );
        let file = parse("facts { required p: list<P> }").unwrap();
        let [ast::Decl::Facts(f)] = file.decls.as_slice() else {
            panic!("{file:?}")
        };
        assert!(f.fields.iter().all(|f| f.required));
    }

    #[test]
    fn required_goes_before_the_name_and_once() {
        for source in [
            "record R { a required: bool }",
            "record R { required required required: bool }",
            "record R { required }",
            "facts { a: required bool }",
        ] {
            let errors = parse(source).unwrap_err();
            assert_eq!(errors[0].code.0, "DD001", "{source}");
        }
        // A lone `required` is taken as the modifier, waiting for its field.
        let errors = parse("record R { required }").unwrap_err();
        assert_eq!(errors[0].message, "expected a name, found `}`");
        let errors = parse("record R { a required: bool }").unwrap_err();
        assert_eq!(errors[0].message, "expected `:`, found `required`");
    }
}
