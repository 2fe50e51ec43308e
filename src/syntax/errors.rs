//! The one place where pest's errors become diagnostics in words.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::report::diagnostic::Diagnostic;
use crate::span::Span;

/// What a grammar rule is called in a message, or `None` for rules that are
/// never worth naming (white space, comments). The match is exhaustive on
/// purpose: a new grammar rule must be given words here.
pub(crate) fn rule_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::WHITESPACE | Rule::COMMENT | Rule::doc_line => return None,
        Rule::EOI => "end of file",
        Rule::file => "a declaration",
        Rule::docs => "a doc comment",
        Rule::kw_ruleset => "`ruleset`",
        Rule::kw_version => "`version`",
        Rule::kw_title => "`title`",
        Rule::kw_source => "`source`",
        Rule::kw_enum => "`enum`",
        Rule::kw_record => "`record`",
        Rule::kw_facts => "`facts`",
        Rule::kw_set => "`set`",
        Rule::kw_list => "`list`",
        Rule::kw_predicate => "`predicate`",
        Rule::kw_flag => "`flag`",
        Rule::kw_safeguard => "`safeguard`",
        Rule::kw_step => "`step`",
        Rule::kw_severity => "`severity`",
        Rule::kw_citation => "`citation`",
        Rule::kw_when => "`when`",
        Rule::kw_evidence => "`evidence`",
        Rule::kw_mitigated_by => "`mitigated_by`",
        Rule::kw_outcomes => "`outcomes`",
        Rule::kw_disposition => "`disposition`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_flags => "`flags`",
        Rule::kw_any => "`any`",
        Rule::kw_all => "`all`",
        Rule::kw_none => "`none`",
        Rule::kw_no => "`no`",
        Rule::kw_of => "`of`",
        Rule::kw_count => "`count`",
        Rule::kw_known => "`known`",
        Rule::kw_in => "`in`",
        Rule::kw_where => "`where`",
        Rule::kw_contains => "`contains`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::kw_true => "`true`",
        Rule::kw_false => "`false`",
        Rule::ident => "a name",
        Rule::decl_id => "an id",
        Rule::path => "a fact path",
        Rule::int_lit => "a whole number",
        Rule::decimal_lit => "a decimal number",
        Rule::string | Rule::string_inner => "a string",
        Rule::header => "a ruleset header",
        Rule::version_prop => "`version`",
        Rule::source_prop => "`source`",
        Rule::enum_decl => "an enum",
        Rule::variant => "an enum value",
        Rule::record_decl => "a record",
        Rule::facts_decl => "the fact schema",
        Rule::field => "a field",
        Rule::set_type => "`set<…>`",
        Rule::list_type => "`list<…>`",
        Rule::named_type => "a type",
        Rule::predicate_decl => "a predicate",
        Rule::flag_decl => "a flag",
        Rule::safeguard_decl => "a safeguard",
        Rule::step_prop => "`step`",
        Rule::severity_prop => "`severity`",
        Rule::title_prop => "`title`",
        Rule::citation_prop => "`citation`",
        Rule::when_prop => "`when`",
        Rule::evidence_prop => "`evidence`",
        Rule::mitigated_prop => "`mitigated_by`",
        Rule::outcomes_decl => "the outcomes",
        Rule::outcome => "an outcome",
        Rule::disposition_decl => "the disposition",
        Rule::when_case => "`when`",
        Rule::otherwise_case => "`otherwise`",
        Rule::disp_expr => "a condition on flags",
        Rule::disp_any => "`any`",
        Rule::disp_no => "`no`",
        Rule::disp_count => "`count`",
        Rule::selector => "`flags`",
        Rule::severity_filter => "`severity`",
        Rule::step_filter => "`step`",
        Rule::status_filter => "a flag status",
        Rule::expr => "a condition",
        Rule::not_op => "`not`",
        Rule::and_op => "`and`",
        Rule::or_op => "`or`",
        Rule::eq_op => "`==`",
        Rule::ne_op => "`!=`",
        Rule::le_op => "`<=`",
        Rule::ge_op => "`>=`",
        Rule::lt_op => "`<`",
        Rule::gt_op => "`>`",
        Rule::in_op => "`in`",
        Rule::contains_any => "`contains any of`",
        Rule::contains_all => "`contains all of`",
        Rule::contains_none => "`contains none of`",
        Rule::contains_op => "`contains`",
        Rule::paren => "`(`",
        Rule::quantifier => "`any(…)` or `all(…)`",
        Rule::count_expr => "`count(…)`",
        Rule::known_expr => "`known(…)`",
        Rule::set_lit => "a set",
        Rule::decl => "a declaration",
        Rule::ident_char => "a letter, digit or `_`",
        Rule::reserved => "a reserved word",
        Rule::header_item => "`version`, `title` or `source`",
        Rule::type_expr => "a type",
        Rule::flag_prop => "a flag property",
        Rule::safeguard_prop => "a safeguard property",
        Rule::disp_case => "`when` or `otherwise`",
        Rule::disp_primary => "`any`, `no` or `count`",
        Rule::filter => "a filter",
        Rule::logic_op => "`and` or `or`",
        Rule::infix_op => "an operator",
        Rule::cmp_op => "a comparison",
        Rule::operand => "a value",
        Rule::set_item => "a set element",
    })
}

/// Joins words as "`a`, `b` or `c`".
pub(crate) fn join_or(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// What stands at `pos`: a word, a symbol, or the end of the file.
fn found_at(source: &str, pos: usize) -> (String, Span) {
    let rest = source.get(pos..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return ("end of file".to_string(), Span::new(pos, pos));
    };
    let len = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    let token = rest.get(..len).unwrap_or("");
    let shown = match token {
        "\n" | "\r" => "end of line".to_string(),
        t if t.chars().all(char::is_control) => {
            format!("control character U+{:04X}", u32::from(first))
        }
        t => format!("`{t}`"),
    };
    (shown, Span::new(pos, pos + len))
}

/// Translates a pest error into a DD001 diagnostic.
pub(super) fn translate(err: &Error<Rule>, source: &str) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let (found, span) = found_at(source, pos);
    match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut words: Vec<&str> = positives.iter().filter_map(|r| rule_words(*r)).collect();
            words.sort_unstable();
            words.dedup();
            // "end of file" reads best last.
            if let Some(i) = words.iter().position(|w| *w == "end of file") {
                let eof = words.remove(i);
                words.push(eof);
            }
            let message = if words.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {}, found {found}", join_or(&words))
            };
            Diagnostic::error("DD001", span, message).label("unexpected here")
        }
        ErrorVariant::CustomError { message } => Diagnostic::error("DD001", span, message.clone()),
    }
}
