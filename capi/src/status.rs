//! The status every fallible entry point returns.

/// The result of a call. The values are part of the ABI: they are never
/// renumbered, and new ones are only ever added at the end.
///
/// On any value other than `DD_OK`, `dd_last_error()` and
/// `dd_last_error_json()` describe the failure (an `_e` call's `dd_error`
/// holds the same status and texts), and every other out-parameter of the
/// call is `NULL`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum dd_status {
    /// The call succeeded and its out-parameters are set.
    DD_OK = 0,
    /// A pointer was `NULL`, a length larger than `PTRDIFF_MAX`, a text
    /// contained a NUL byte, or a NUL-terminated name was longer than 4096
    /// bytes. (A text longer than the library's limit is an error of its
    /// kind, `DD_ERR_RULES` or `DD_ERR_FACTS`, decided from its length alone.)
    DD_ERR_INVALID_ARGUMENT = 1,
    /// A text was not valid UTF-8.
    DD_ERR_INVALID_UTF8 = 2,
    /// The ruleset does not parse or check. `dd_last_error_json()` is the
    /// JSON array of every diagnostic.
    DD_ERR_RULES = 3,
    /// The facts document is malformed or does not fit the ruleset's schema.
    /// `dd_last_error_json()` is an object with `path`, `line`, `column` and
    /// `message`.
    DD_ERR_FACTS = 4,
    /// An internal error (a bug in dd-rules) was caught at the boundary. The
    /// call had no effect; the library remains usable.
    DD_ERR_PANIC = 5,
    /// The evaluation went over its work budget (see
    /// `dd_ruleset_with_budget`): quantifiers over long lists, nested in
    /// each other. Nothing is reported. `dd_last_error_json()` is an object
    /// with `budget` (steps), `kind` (`"flag"`, `"safeguard"` or
    /// `"predicate"`), `id` (the condition being evaluated) and `message`.
    DD_ERR_BUDGET = 6,
}
