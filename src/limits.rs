//! The limits that keep compile time, memory and stack depth bounded on any input.
//!
//! Each limit is documented in `docs/LANGUAGE.md` and `SECURITY.md` together
//! with the error a user sees when it is hit.

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

/// The largest facts document, in bytes.
pub const MAX_FACTS_BYTES: usize = 16 * 1024 * 1024;

/// The deepest nesting of records and lists in a fact schema (DD031).
pub const MAX_SCHEMA_DEPTH: usize = 32;
