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
}
