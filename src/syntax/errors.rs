//! The one place where pest's errors become diagnostics in words.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::diag::Diagnostic;
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
        Rule::kw_scope => "`scope`",
        Rule::kw_required => "`required`",
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
        Rule::scope_decl => "the scope",
        Rule::otherwise_prop => "`otherwise`",
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
        Rule::scope_prop => "a scope property",
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

/// Tokens never worth naming: white space and comments, and the first
/// characters of strings, numbers and names, which their rules name better.
fn is_filler(token: &str) -> bool {
    matches!(
        token,
        " " | "\t"
            | "\r"
            | "\n"
            | "\r\n"
            | "\u{FEFF}"
            | "//"
            | "/*"
            | "///"
            | "/"
            | "\""
            | "-"
            | "_"
    )
}

/// Rules that contain others: naming them beside the tokens they expect
/// ("a flag" beside "`step`") says nothing new.
fn is_container(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::file
            | Rule::header
            | Rule::enum_decl
            | Rule::record_decl
            | Rule::facts_decl
            | Rule::predicate_decl
            | Rule::flag_decl
            | Rule::safeguard_decl
            | Rule::scope_decl
            | Rule::outcomes_decl
            | Rule::disposition_decl
            | Rule::field
            | Rule::set_type
            | Rule::list_type
            | Rule::expr
            | Rule::disp_expr
            | Rule::quantifier
            | Rule::count_expr
            | Rule::known_expr
            | Rule::selector
            | Rule::paren
            | Rule::version_prop
            | Rule::source_prop
            | Rule::title_prop
            | Rule::citation_prop
            | Rule::step_prop
            | Rule::severity_prop
            | Rule::when_prop
            | Rule::evidence_prop
            | Rule::mitigated_prop
            | Rule::otherwise_prop
    )
}

/// What may start an operand of a condition; listed together they read
/// better as one phrase.
const OPERAND_STARTS: [&str; 14] = [
    "`(`",
    "`{`",
    "`not`",
    "`true`",
    "`false`",
    "`any`",
    "`all`",
    "`count`",
    "`known`",
    "`any(…)` or `all(…)`",
    "a decimal number",
    "a name",
    "a string",
    "a whole number",
];

/// Translates a pest error into a DD001 diagnostic.
///
/// pest reports the rules it tried at the furthest position; with error
/// detail on, it also reports the literal tokens (`:`, `}`) and the rules
/// whose attempts failed there, which often point further and say more.
pub(super) fn translate(err: &Error<Rule>, source: &str) -> Diagnostic {
    let start = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    if let ErrorVariant::CustomError { message } = &err.variant {
        return Diagnostic::error("DD001", found_at(source, start).1, message.clone());
    }
    // Each word, and whether it names a containing rule.
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut pos = start;
    if let ErrorVariant::ParsingError { positives, .. } = &err.variant {
        for rule in positives {
            words.extend(rule_words(*rule).map(|w| (w.to_string(), is_container(*rule))));
        }
    }
    if let Some(attempts) = err.parse_attempts()
        && attempts.max_position >= pos
    {
        if attempts.max_position > pos {
            words.clear();
            pos = attempts.max_position;
        }
        for token in attempts.expected_tokens() {
            // Character ranges and built-in rules print as `a..z` and `BUILTIN_RULE`;
            // the rule that tried them is named instead.
            let token = token.to_string();
            if !is_filler(&token) && !token.contains("..") && token != "BUILTIN_RULE" {
                words.push((format!("`{token}`"), false));
            }
        }
        for stack in attempts.call_stacks() {
            if let Some(rule) = stack.deepest.get_rule() {
                words.extend(rule_words(*rule).map(|w| (w.to_string(), is_container(*rule))));
            }
        }
    }
    if words.iter().any(|(_, container)| !container) {
        words.retain(|(_, container)| !container);
    }
    let mut words: Vec<String> = words.into_iter().map(|(w, _)| w).collect();
    words.sort_unstable();
    words.dedup();
    let operand_starts = words
        .iter()
        .filter(|w| OPERAND_STARTS.contains(&w.as_str()))
        .count();
    if operand_starts >= 3 {
        words.retain(|w| {
            !OPERAND_STARTS.contains(&w.as_str()) && w != "a set" && w != "a condition"
        });
        words.push("a condition or value".to_string());
    }
    // "end of file" reads best last.
    if let Some(i) = words.iter().position(|w| w == "end of file") {
        let eof = words.remove(i);
        words.push(eof);
    }
    // A reserved word where a name was expected deserves its own message.
    let (first, first_span) = found_at(source, start);
    let reserved = [
        "`and`",
        "`or`",
        "`not`",
        "`in`",
        "`true`",
        "`false`",
        "`contains`",
        "`where`",
    ];
    if words.iter().any(|w| w == "a name") && reserved.contains(&first.as_str()) {
        return Diagnostic::error(
            "DD001",
            first_span,
            format!("{first} is a reserved word and cannot be a name"),
        )
        .label("reserved")
        .help("choose another name");
    }
    let (found, span) = found_at(source, pos);
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let message = if refs.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&refs))
    };
    Diagnostic::error("DD001", span, message).label("unexpected here")
}
