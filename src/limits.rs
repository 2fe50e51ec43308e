//! The limits that keep compile time, memory and stack depth bounded on any input.
//!
//! Each limit is documented in `docs/LANGUAGE.md` and `SECURITY.md` together
//! with the error a user sees when it is hit. With them, the work of parsing,
//! checking and compiling a ruleset, and of loading a facts document, grows
//! linearly with the size of the input (`limits::tests` holds that to
//! account on pathological inputs).

// ------------------------------------------------------------------ rules

/// The largest ruleset source, in bytes (DD004).
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;

/// The deepest nesting of brackets and braces in a ruleset (DD002).
pub const MAX_BRACKET_DEPTH: usize = 96;

/// The deepest nesting of a condition: parentheses, `not`, quantifiers (DD002).
pub const MAX_EXPR_DEPTH: usize = 64;

/// The most quantifiers (`any`, `all`, `count`) nested inside each other (DD002).
pub const MAX_QUANTIFIER_DEPTH: usize = 8;

/// The most values one enum may declare (DD035).
pub const MAX_ENUM_VARIANTS: usize = 128;

/// The deepest nesting of records and lists in a fact schema (DD031).
pub const MAX_SCHEMA_DEPTH: usize = 32;

/// The most named things a ruleset may declare (DD037): enums, enum values,
/// records, fields, predicates, flags, safeguards and outcomes together.
pub const MAX_DECLARATIONS: usize = 10_000;

/// The longest name, in bytes (DD038): an identifier, or each part of a
/// dotted path or id.
pub const MAX_IDENT_BYTES: usize = 64;

/// The longest dotted id of a flag or safeguard, in bytes (DD038).
pub const MAX_ID_BYTES: usize = 128;

/// The longest string literal, in bytes after escapes are read (DD039).
pub const MAX_STRING_BYTES: usize = 4096;

/// The most value slots of the fact schema (DD040), summed over every
/// record: a field counts one slot, and a field of record type also counts
/// the slots of that record, every time it is used. This bounds the memory
/// of one loaded list element and of the compiled layout, which would
/// otherwise grow exponentially with records that use a record twice.
pub const MAX_SCHEMA_SLOTS: usize = 16_384;

/// The most `flags(…)` selectors in the disposition policy (DD041). The
/// compiled program resolves each selector to its list of flags.
pub const MAX_SELECTORS: usize = 256;

/// The most facts a flag's report quotes when the flag lists no `evidence:`
/// of its own: the facts its condition reads, first read first (DD107 warns
/// when there are more). Without a cap, flags that share a long chain of
/// predicates would quote quadratically many facts.
pub const MAX_DEFAULT_EVIDENCE: usize = 64;

/// The most facts a flag's `evidence:` may list (DD042): every report
/// quotes each of them, so the list is bounded like the default evidence.
pub const MAX_EVIDENCE: usize = 64;

/// The most diagnostics that get a "did you mean" suggestion. Finding one
/// compares a name with every candidate, so later diagnostics go without,
/// which keeps a file full of errors from costing quadratic time.
pub const MAX_SUGGESTIONS: usize = 100;

/// The most diagnostics reported for one source; a last warning (DD108)
/// says how many more there were. Rendering a diagnostic reads the source to
/// find its line, so an unbounded number would cost quadratic time.
pub const MAX_DIAGNOSTICS: usize = 100;

// ------------------------------------------------------------------ reports

/// The most missing facts a flag's report lists: the first in text order
/// (`missing_truncated` says when there were more). The reference
/// interpreter keeps the same ones.
pub const MAX_MISSING_PER_FLAG: usize = 64;

/// The most facts a report's ranked `missing_facts` lists.
pub const MAX_MISSING_FACTS: usize = 256;

/// The most evaluations a report's advice (the questionnaire and the
/// remediation plan, [`RuleSet::advise`](crate::RuleSet::advise)) makes:
/// each asks "what if this fact had that value" or "what if these safeguards
/// were in place" by evaluating the transaction again. Past it the advice
/// says it is incomplete (`truncated`); the work of advising one transaction
/// is this many evaluations of it at most.
pub const MAX_ADVICE_EVALUATIONS: usize = 8_192;

/// The work a questionnaire may do, in bytes of facts document evaluated:
/// each candidate answer evaluates the whole transaction again, so a large
/// document gets fewer of them ([`advice_evaluations`]).
pub const ADVICE_WORK_BYTES: usize = 64 * 1024 * 1024;

/// How many evaluations a questionnaire makes at most for a document of
/// `document_len` bytes: [`MAX_ADVICE_EVALUATIONS`], fewer for a document
/// so large that they would evaluate more than [`ADVICE_WORK_BYTES`], but
/// never fewer than 16.
pub fn advice_evaluations(document_len: usize) -> usize {
    (ADVICE_WORK_BYTES / document_len.max(1)).clamp(16, MAX_ADVICE_EVALUATIONS)
}

/// The most safeguard sets a remediation plan lists.
pub const MAX_REMEDY_PLANS: usize = 16;

/// What a report may quote from the facts, in bytes of compact JSON: the
/// evidence entries (path, value and provenance) and the missing paths of
/// all its flags, in flag order. Past it, evidence is left out
/// (`"omitted": true`) and missing lists are cut (`missing_truncated`).
/// This much, plus twice the length of the facts document
/// ([`report_quote_budget`]).
pub const REPORT_QUOTE_BYTES: usize = 1024 * 1024;

/// The quote budget of a report on a facts document of `document_len`
/// bytes: [`REPORT_QUOTE_BYTES`] plus twice the document, so that a
/// report can quote a document's largest list in full at least twice
/// however large the document, and its size stays within a fixed multiple
/// of the document's plus the ruleset's.
pub fn report_quote_budget(document_len: usize) -> usize {
    REPORT_QUOTE_BYTES.saturating_add(document_len.saturating_mul(2))
}

// ------------------------------------------------------------------ facts

/// The largest facts document, in bytes.
pub const MAX_FACTS_BYTES: usize = 16 * 1024 * 1024;

/// The deepest nesting of arrays and objects in a facts document.
pub const MAX_FACTS_DEPTH: usize = 64;

/// The most value slots one facts document may fill (each list element
/// fills as many as its record has, present or not): about 48 bytes each,
/// so that a small document cannot ask for a large amount of memory.
pub const MAX_FACT_SLOTS: usize = 1 << 21;

/// Where a facts document nests arrays and objects deeper than
/// [`MAX_FACTS_DEPTH`]: the 1-based line and column of the bracket that goes
/// too deep. Strings are skipped; the text need not be valid JSON.
pub(crate) fn facts_too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let (mut line, mut line_start) = (1usize, 0usize);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FACTS_DEPTH {
                    // Columns count bytes from 1, as serde_json's do.
                    return Some((line, i - line_start + 1));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    //! The work of checking and compiling stays proportional to the size of
    //! the source on pathological but valid rulesets. These tests count what
    //! was built (compiled nodes, quoted facts), never time.

    use crate::{check, compile, syntax};

    const HEADER: &str = "ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\n\
        record Item { ok: bool  n: int  items: list<Item> }\n\
        facts { a: bool  b: int  items: list<Item> }\n\
        outcomes { go, stop }\n\
        disposition { when any flags(raised) => stop  otherwise => go }\n";

    /// `n` predicates, each using the one before twice; `n / 4` flags using
    /// the last; each flag also nests 8 quantifiers, each body reading every
    /// variable bound so far.
    fn pathological(n: usize) -> String {
        let mut s = String::from(HEADER);
        s.push_str("predicate p0 { a and b > 0 }\n");
        for i in 1..n {
            s.push_str(&format!(
                "predicate p{i} {{ p{} or (p{} and b < {i}) }}\n",
                i - 1,
                i - 1
            ));
        }
        let mut nested = String::from("x7.ok");
        for level in (0..8).rev() {
            let list = if level == 0 {
                "items".to_string()
            } else {
                format!("x{}.items", level - 1)
            };
            let reads: Vec<String> = (0..level).map(|l| format!("x{l}.n > {level}")).collect();
            let extra = if reads.is_empty() {
                String::new()
            } else {
                format!(" and ({})", reads.join(" or "))
            };
            nested = format!("any(x{level} in {list} where {nested}{extra})");
        }
        for f in 0..n / 4 {
            s.push_str(&format!(
                "flag F.f{f} {{ step: 1 severity: low title: \"t\" when: p{} and {nested} }}\n",
                n - 1
            ));
        }
        s
    }

    /// What compiling a source builds: compiled nodes and quoted facts.
    fn work(source: &str) -> (usize, usize) {
        let file = syntax::parse(source).unwrap();
        let checked = check::check(&file, source).unwrap();
        assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
        let evidence = checked.flags.iter().map(|f| f.evidence.len()).sum();
        let program = compile::compile(&checked);
        (program.nodes.len(), evidence)
    }

    #[test]
    fn compile_work_is_linear_in_the_source() {
        let mut per_byte = Vec::new();
        for n in [250, 500, 1000, 2000] {
            let source = pathological(n);
            let (nodes, evidence) = work(&source);
            // Every predicate is compiled once, however often it is used,
            // and each flag quotes the three facts it reads.
            assert_eq!(evidence, 3 * (n / 4), "n = {n}");
            per_byte.push((n, source.len(), nodes as f64 / source.len() as f64));
        }
        let (_, _, first) = per_byte[0];
        for &(n, bytes, ratio) in &per_byte {
            assert!(
                ratio <= first * 1.05,
                "n = {n}: {ratio:.4} compiled nodes per source byte, against {first:.4} for the smallest ({bytes} bytes)"
            );
        }
    }

    #[test]
    fn a_chain_of_predicates_ending_in_a_cycle_is_reported_once() {
        // The cycle walk visits each predicate once: the 2,000 behind the
        // cycle lead to the one cycle, reported once.
        let mut s = String::from(HEADER);
        s.push_str("predicate p0 { p1 }\npredicate p1 { p0 }\n");
        for i in 2..2000 {
            s.push_str(&format!("predicate p{i} {{ p{} }}\n", i - 1));
        }
        s.push_str("flag F.x { step: 1 severity: low title: \"t\" when: p1999 }\n");
        let file = syntax::parse(&s).unwrap();
        let errors = check::check(&file, &s).unwrap_err();
        let codes: Vec<&str> = errors.iter().map(|d| d.code.0).collect();
        assert_eq!(codes, ["DD027"]);
    }

    #[test]
    fn only_the_first_diagnostics_look_for_a_suggestion() {
        let mut s = String::from(HEADER);
        for i in 0..1000 {
            s.push_str(&format!(
                "flag F.f{i} {{ step: 1 severity: low title: \"t\" when: aa }}\n"
            ));
        }
        let file = syntax::parse(&s).unwrap();
        let errors = check::check(&file, &s).unwrap_err();
        assert_eq!(errors.len(), 1000);
        let suggested = errors.iter().filter(|d| d.help.is_some()).count();
        assert_eq!(suggested, super::MAX_SUGGESTIONS);
    }

    #[test]
    fn a_flag_that_reads_many_facts_through_shared_predicates_quotes_at_most_the_cap() {
        // 100 predicates each read a fact of their own and use the one before:
        // the last reads all 100. 200 flags use it: each quotes 64, not 100.
        let mut s =
            String::from("ruleset \"r\" { version: \"1\" title: \"t\" source: \"s\" }\nfacts {\n");
        for i in 0..100 {
            s.push_str(&format!("  f{i}: bool\n"));
        }
        s.push_str("}\noutcomes { go }\ndisposition { otherwise => go }\npredicate p0 { f0 }\n");
        for i in 1..100 {
            s.push_str(&format!("predicate p{i} {{ p{} or f{i} }}\n", i - 1));
        }
        for i in 0..200 {
            s.push_str(&format!(
                "flag F.f{i} {{ step: 1 severity: low title: \"t\" when: p99 }}\n"
            ));
        }
        let file = syntax::parse(&s).unwrap();
        let checked = check::check(&file, &s).unwrap();
        assert!(
            checked
                .flags
                .iter()
                .all(|f| f.evidence.len() == super::MAX_DEFAULT_EVIDENCE)
        );
        // In the order a depth-first reading meets them: f0 first.
        assert_eq!(checked.flags[0].evidence[0].fields, ["f0"]);
        assert_eq!(checked.warnings.len(), 200);
        assert!(checked.warnings.iter().all(|w| w.code.0 == "DD107"));
    }

    #[test]
    fn the_depth_of_a_facts_document_is_found_outside_strings() {
        use super::facts_too_deep;
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(facts_too_deep(&deep), Some((1, 65)));
        assert_eq!(facts_too_deep(&deep[1..deep.len() - 1]), None);
        // Brackets in strings do not count, escaped quotes do not end them.
        let quoted = format!("{{\"a\": \"{}\\\"{}\"}}", "[".repeat(100), "{".repeat(100));
        assert_eq!(facts_too_deep(&quoted), None);
        let lines = format!("{{\n\"a\":\n{}", "[".repeat(64));
        assert_eq!(facts_too_deep(&lines), Some((3, 64)));
    }
}
