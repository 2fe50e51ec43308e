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

/// The longest name, in bytes (DD038): an identifier, or the dotted id of a
/// flag or safeguard.
pub const MAX_IDENT_BYTES: usize = 128;

/// The longest string literal, in bytes after escapes are read (DD039).
pub const MAX_STRING_BYTES: usize = 4096;

/// The most value slots of the fact schema (DD040), summed over every
/// record: a field counts one slot, and a field of record type also counts
/// the slots of that record, every time it is used. This bounds the memory
/// of one loaded list element and of the compiled layout, which would
/// otherwise grow exponentially with records that use a record twice.
pub const MAX_SCHEMA_SLOTS: usize = 65_536;

/// The most `flags(…)` selectors in the disposition policy (DD041). The
/// compiled program resolves each selector to its list of flags.
pub const MAX_SELECTORS: usize = 256;

/// The most diagnostics that get a "did you mean" suggestion. Finding one
/// compares a name with every candidate, so later diagnostics go without,
/// which keeps a file full of errors from costing quadratic time.
pub const MAX_SUGGESTIONS: usize = 100;

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
