//! The `dd_ruleset` handle and the calls that compile, inspect and evaluate
//! with it.

use std::ffi::{CString, c_char};
use std::ptr;

use dd_rules::{FactsError, RuleSet, RulesError};

use crate::error::{Failure, c_string, dd_error};
use crate::guard::{self, ErrorOut, MAX_FACTS_LEN, MAX_SOURCE_LEN, c_str, out_param, text};
use crate::status::dd_status;
use crate::strings::give;

/// A compiled ruleset: opaque, immutable, and safe to share between threads
/// that evaluate at the same time (no locking needed).
///
/// Create one with `dd_ruleset_compile` or `dd_ruleset_bundled`, free it with
/// `dd_ruleset_free` once no thread uses it any more.
#[allow(non_camel_case_types)]
pub struct dd_ruleset {
    rules: RuleSet,
    name: CString,
    version: CString,
}

impl dd_ruleset {
    /// Moves a compiled ruleset to the heap, for C to hold.
    fn into_raw(rules: RuleSet) -> *mut dd_ruleset {
        let handle = dd_ruleset {
            name: c_string(rules.name().to_owned()),
            version: c_string(rules.version().to_owned()),
            rules,
        };
        Box::into_raw(Box::new(handle))
    }
}

/// Borrows the ruleset behind a handle.
///
/// # Safety
///
/// `rules` is `NULL` or a live handle from `dd_ruleset_compile` or
/// `dd_ruleset_bundled`.
unsafe fn borrow<'a>(rules: *const dd_ruleset) -> Result<&'a dd_ruleset, Failure> {
    // SAFETY: the caller promises a live handle or NULL, which `as_ref` maps
    // to `None`.
    unsafe { rules.as_ref() }
        .ok_or_else(|| Failure::invalid_argument("rules", "`rules` is NULL".into()))
}

/// The one body of the `_e` calls that hand out a ruleset: `*out` checked
/// and set to `NULL` first (inside the panic boundary of [`guard::status`]),
/// then the ruleset `body` makes handed to the caller.
///
/// # Safety
///
/// `out` is `NULL` or writable; `error` is `NULL` or writable.
unsafe fn ruleset_e(
    out: *mut *mut dd_ruleset,
    error: *mut *mut dd_error,
    body: impl FnOnce() -> Result<RuleSet, Failure>,
) -> dd_status {
    // SAFETY: the caller promises `error` is NULL or writable.
    let error = unsafe { ErrorOut::new(error) };
    guard::status(error, || {
        // SAFETY: the caller's promise, passed on.
        let out = unsafe { out_param(out, "out") }?;
        let rules = body()?;
        // SAFETY: `out_param` checked `out`.
        unsafe { out.write(dd_ruleset::into_raw(rules)) };
        Ok(())
    })
}

/// The one body of the `_e` calls that hand out a string: `*out` (named
/// `name`) checked and set to `NULL` first, then the text `body` makes handed
/// to the caller.
///
/// # Safety
///
/// `out` is `NULL` or writable; `error` is `NULL` or writable.
unsafe fn string_e(
    out: *mut *mut c_char,
    name: &str,
    error: *mut *mut dd_error,
    body: impl FnOnce() -> Result<String, Failure>,
) -> dd_status {
    // SAFETY: the caller promises `error` is NULL or writable.
    let error = unsafe { ErrorOut::new(error) };
    guard::status(error, || {
        // SAFETY: the caller's promise, passed on.
        let out = unsafe { out_param(out, name) }?;
        let text = body()?;
        // SAFETY: `out_param` checked `out`.
        unsafe { give(out, text) };
        Ok(())
    })
}

/// Parses, checks and compiles a ruleset.
///
/// - `source`: the ruleset's text, `len` bytes of UTF-8. It need not end with
///   a NUL, and must not contain one: `len` does not count a terminating NUL
///   (for a C string, pass `strlen(source)`).
/// - `file_name`: a NUL-terminated UTF-8 string of at most 4096 bytes, used
///   only to name the file in diagnostics (such as `"my.rules"`). No more
///   than 4097 bytes are read looking for its NUL.
/// - `out`: receives the new ruleset on success, `NULL` on failure.
///
/// Returns `DD_OK`; `DD_ERR_RULES` if the ruleset has errors (then
/// `dd_last_error()` renders every diagnostic and `dd_last_error_json()` is
/// their JSON array), among them DD004 when `len` is over the limit of
/// 4 MiB (plus three bytes for a byte-order mark), decided from `len` before
/// any byte of `source` is read; `DD_ERR_INVALID_ARGUMENT` for a `NULL`
/// pointer, a NUL byte in `source`, `len > PTRDIFF_MAX` or a `file_name`
/// over 4096 bytes; `DD_ERR_INVALID_UTF8`; `DD_ERR_PANIC`.
///
/// Ownership: `source` and `file_name` are only read during the call; the
/// library keeps its own copy. The caller owns `*out` and frees it with
/// `dd_ruleset_free`. A compiled ruleset may still have warnings:
/// `dd_ruleset_warnings_json`.
///
/// # Safety
///
/// `source` is `NULL` or points to `len` readable bytes; `file_name` is
/// `NULL` or a NUL-terminated string; `out` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_compile(
    source: *const c_char,
    len: usize,
    file_name: *const c_char,
    out: *mut *mut dd_ruleset,
) -> dd_status {
    // SAFETY: the caller's promises, passed on; NULL asks for no error object.
    unsafe { dd_ruleset_compile_e(source, len, file_name, out, ptr::null_mut()) }
}

/// `dd_ruleset_compile` with an error object, for callers that may move
/// between OS threads between two calls (see `dd_error`).
///
/// - `error`: `NULL` (then this is `dd_ruleset_compile`), or where to put the
///   error object: `*error` is set to `NULL` on success and to a new
///   `dd_error` on failure, which holds the returned status and the texts
///   `dd_last_error()` and `dd_last_error_json()` give on this thread. Free
///   it with `dd_error_free`, on any thread.
///
/// Everything else (arguments, statuses, ownership) as for
/// `dd_ruleset_compile`.
///
/// # Safety
///
/// As for `dd_ruleset_compile`; `error` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_compile_e(
    source: *const c_char,
    len: usize,
    file_name: *const c_char,
    out: *mut *mut dd_ruleset,
    error: *mut *mut dd_error,
) -> dd_status {
    let body = || {
        // SAFETY: the caller's promises, passed on.
        let file_name = unsafe { c_str(file_name, "file_name") }?;
        // SAFETY: the caller's promises, passed on.
        let source = unsafe { text(source, len, "source", MAX_SOURCE_LEN) }?
            .ok_or_else(|| Failure::rules(&RulesError::too_large(len, file_name)))?;
        RuleSet::compile(source, file_name).map_err(|e| Failure::rules(&e))
    };
    // SAFETY: the caller's promises, passed on.
    unsafe { ruleset_e(out, error, body) }
}

/// The bundled ruleset: the 2020 U.S. State Department guidance
/// (`rulesets/us-state-2020.rules`), the default of the `dd-rules` command
/// line. It is compiled once per process; later calls are cheap.
///
/// - `out`: receives the ruleset on success, `NULL` on failure.
///
/// Returns `DD_OK`, `DD_ERR_INVALID_ARGUMENT` if `out` is `NULL`,
/// `DD_ERR_RULES` (never, unless the build is broken) or `DD_ERR_PANIC`.
///
/// Ownership: the caller owns `*out` and frees it with `dd_ruleset_free`.
///
/// # Safety
///
/// `out` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_bundled(out: *mut *mut dd_ruleset) -> dd_status {
    // SAFETY: the caller's promises, passed on; NULL asks for no error object.
    unsafe { dd_ruleset_bundled_e(out, ptr::null_mut()) }
}

/// `dd_ruleset_bundled` with an error object, for callers that may move
/// between OS threads between two calls (see `dd_error`).
///
/// - `error`: `NULL` (then this is `dd_ruleset_bundled`), or where to put the
///   error object: `*error` is set to `NULL` on success and to a new
///   `dd_error` on failure, which holds the returned status and the texts
///   `dd_last_error()` and `dd_last_error_json()` give on this thread. Free
///   it with `dd_error_free`, on any thread.
///
/// Everything else (arguments, statuses, ownership) as for
/// `dd_ruleset_bundled`.
///
/// # Safety
///
/// As for `dd_ruleset_bundled`; `error` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_bundled_e(
    out: *mut *mut dd_ruleset,
    error: *mut *mut dd_error,
) -> dd_status {
    let body = || RuleSet::bundled().map_err(|e| Failure::rules(&e));
    // SAFETY: the caller's promises, passed on.
    unsafe { ruleset_e(out, error, body) }
}

/// Evaluates one transaction: loads a JSON facts document against the
/// ruleset's schema and writes the full report as JSON.
///
/// - `rules`: a ruleset. Any number of threads may evaluate with the same
///   ruleset at once.
/// - `facts_json`: the facts document, `len` bytes of UTF-8; not necessarily
///   NUL-terminated, and `len` does not count a terminating NUL. An object of
///   root facts plus an optional `"id"`; an absent or `null` fact is unknown.
/// - `report_json`: receives the report on success, `NULL` on failure. It is
///   compact JSON, byte for byte what the Rust API's `Report::to_json` gives
///   after `RuleSet::advise`, and `dd-rules eval --format ndjson` on one
///   document: `ruleset`, `transaction`, `disposition`, `disposition_rule`,
///   `scope` (when the ruleset declares one), `flags`, `safeguards`,
///   `missing_facts`, `questionnaire`, `remediation` (when the disposition
///   can be lowered), `notice`.
///
/// Returns `DD_OK`; `DD_ERR_FACTS` if the document is rejected (then
/// `dd_last_error_json()` is `{"path", "line", "column", "message"}`), also
/// when `len` is over the limit of 16 MiB, decided from `len` before any
/// byte of `facts_json` is read; `DD_ERR_BUDGET` if the evaluation went over
/// the ruleset's work budget (`dd_ruleset_with_budget`; by default
/// 100,000,000 steps, far beyond what realistic facts need), naming the
/// condition being evaluated; `DD_ERR_INVALID_ARGUMENT` for a `NULL`
/// pointer, a NUL byte in `facts_json` or `len > PTRDIFF_MAX`;
/// `DD_ERR_INVALID_UTF8`; `DD_ERR_PANIC`.
///
/// Ownership: `facts_json` is only read during the call. The caller owns
/// `*report_json` and frees it with `dd_string_free`.
///
/// # Safety
///
/// `rules` is `NULL` or a live ruleset; `facts_json` is `NULL` or points to
/// `len` readable bytes; `report_json` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_evaluate_json(
    rules: *const dd_ruleset,
    facts_json: *const c_char,
    len: usize,
    report_json: *mut *mut c_char,
) -> dd_status {
    // SAFETY: the caller's promises, passed on; NULL asks for no error object.
    unsafe { dd_ruleset_evaluate_json_e(rules, facts_json, len, report_json, ptr::null_mut()) }
}

/// `dd_ruleset_evaluate_json` with an error object, for callers that may move
/// between OS threads between two calls (see `dd_error`).
///
/// - `error`: `NULL` (then this is `dd_ruleset_evaluate_json`), or where to
///   put the error object: `*error` is set to `NULL` on success and to a new
///   `dd_error` on failure, which holds the returned status and the texts
///   `dd_last_error()` and `dd_last_error_json()` give on this thread. Free
///   it with `dd_error_free`, on any thread.
///
/// Everything else (arguments, statuses, ownership) as for
/// `dd_ruleset_evaluate_json`.
///
/// # Safety
///
/// As for `dd_ruleset_evaluate_json`; `error` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_evaluate_json_e(
    rules: *const dd_ruleset,
    facts_json: *const c_char,
    len: usize,
    report_json: *mut *mut c_char,
    error: *mut *mut dd_error,
) -> dd_status {
    let body = || {
        // SAFETY: the caller's promises, passed on.
        let rules = unsafe { borrow(rules) }?;
        // SAFETY: the caller's promises, passed on.
        let facts = unsafe { text(facts_json, len, "facts_json", MAX_FACTS_LEN) }?
            .ok_or_else(|| Failure::facts(&FactsError::too_large(len)))?;
        let mut report = rules
            .rules
            .evaluate_json(facts)
            .map_err(|e| Failure::evaluate(&e))?;
        rules
            .rules
            .advise(&mut report)
            .map_err(|e| Failure::evaluate(&dd_rules::Error::from(e)))?;
        let json = report.to_json();
        // `Report::to_json` gives an empty string if serialising ever fails,
        // which must not reach C as a successful report.
        if json.is_empty() {
            return Err(Failure::internal(
                "the report could not be written as JSON".into(),
            ));
        }
        Ok(json)
    };
    // SAFETY: the caller's promises, passed on.
    unsafe { string_e(report_json, "report_json", error, body) }
}

/// A second handle to the same compiled ruleset, whose evaluations stop
/// with `DD_ERR_BUDGET` once they have taken `steps` steps of work (one step
/// is about one condition or one list element visited; the default is
/// 100,000,000). The budget bounds the time one evaluation can take
/// whatever the facts, such as quantifiers nested over a long list.
///
/// - `rules`: a ruleset; it is not changed and stays valid.
/// - `steps`: the budget, at least 1.
/// - `out`: receives the new handle on success, `NULL` on failure.
///
/// Returns `DD_OK`, `DD_ERR_INVALID_ARGUMENT` for a `NULL` pointer or a
/// budget of 0, or `DD_ERR_PANIC`.
///
/// Ownership: the caller owns `*out` and frees it with `dd_ruleset_free`,
/// independently of `rules` (they share the compiled ruleset, not its
/// lifetime).
///
/// # Safety
///
/// `rules` is `NULL` or a live ruleset; `out` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_with_budget(
    rules: *const dd_ruleset,
    steps: u64,
    out: *mut *mut dd_ruleset,
) -> dd_status {
    // SAFETY: the caller's promises, passed on; NULL asks for no error object.
    unsafe { dd_ruleset_with_budget_e(rules, steps, out, ptr::null_mut()) }
}

/// `dd_ruleset_with_budget` with an error object, for callers that may move
/// between OS threads between two calls (see `dd_error`).
///
/// - `error`: `NULL` (then this is `dd_ruleset_with_budget`), or where to put
///   the error object: `*error` is set to `NULL` on success and to a new
///   `dd_error` on failure, which holds the returned status and the texts
///   `dd_last_error()` and `dd_last_error_json()` give on this thread. Free
///   it with `dd_error_free`, on any thread.
///
/// Everything else (arguments, statuses, ownership) as for
/// `dd_ruleset_with_budget`.
///
/// # Safety
///
/// As for `dd_ruleset_with_budget`; `error` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_with_budget_e(
    rules: *const dd_ruleset,
    steps: u64,
    out: *mut *mut dd_ruleset,
    error: *mut *mut dd_error,
) -> dd_status {
    let body = || {
        // SAFETY: the caller's promises, passed on.
        let rules = unsafe { borrow(rules) }?;
        if steps == 0 {
            return Err(Failure::invalid_argument(
                "steps",
                "`steps` is 0: a budget is at least one step".into(),
            ));
        }
        Ok(rules.rules.with_budget(steps))
    };
    // SAFETY: the caller's promises, passed on.
    unsafe { ruleset_e(out, error, body) }
}

/// Checks a ruleset without compiling it and writes every diagnostic, errors
/// and warnings, as a JSON array: what `dd-rules check --format json` prints
/// for one file, in the shape `dd_last_error_json()` documents for
/// `DD_ERR_RULES`. For editors and linters.
///
/// Arguments as for `dd_ruleset_compile`; `diagnostics_json` receives the
/// array (`[]` for a clean ruleset) on success, `NULL` on failure.
///
/// Returns `DD_OK` whenever the check ran, whatever it found: the ruleset has
/// errors if and only if an element has `"severity": "error"` (a `len` over
/// the limit gives DD004 without reading `source`, as `dd_ruleset_compile`
/// does). Otherwise `DD_ERR_INVALID_ARGUMENT`, `DD_ERR_INVALID_UTF8` or
/// `DD_ERR_PANIC`.
///
/// Ownership: the caller owns `*diagnostics_json` and frees it with
/// `dd_string_free`.
///
/// # Safety
///
/// As for `dd_ruleset_compile`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_check(
    source: *const c_char,
    len: usize,
    file_name: *const c_char,
    diagnostics_json: *mut *mut c_char,
) -> dd_status {
    // SAFETY: the caller's promises, passed on; NULL asks for no error object.
    unsafe { dd_ruleset_check_e(source, len, file_name, diagnostics_json, ptr::null_mut()) }
}

/// `dd_ruleset_check` with an error object, for callers that may move between
/// OS threads between two calls (see `dd_error`).
///
/// - `error`: `NULL` (then this is `dd_ruleset_check`), or where to put the
///   error object: `*error` is set to `NULL` on success and to a new
///   `dd_error` on failure, which holds the returned status and the texts
///   `dd_last_error()` and `dd_last_error_json()` give on this thread. Free
///   it with `dd_error_free`, on any thread.
///
/// Everything else (arguments, statuses, ownership) as for
/// `dd_ruleset_check`.
///
/// # Safety
///
/// As for `dd_ruleset_check`; `error` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_check_e(
    source: *const c_char,
    len: usize,
    file_name: *const c_char,
    diagnostics_json: *mut *mut c_char,
    error: *mut *mut dd_error,
) -> dd_status {
    let body = || {
        // SAFETY: the caller's promises, passed on.
        let file_name = unsafe { c_str(file_name, "file_name") }?;
        // SAFETY: the caller's promises, passed on.
        let diagnostics = match unsafe { text(source, len, "source", MAX_SOURCE_LEN) }? {
            Some(source) => dd_rules::check_source(source, file_name),
            // Over the limit: the DD004 the check would find, without reading.
            None => RulesError::too_large(len, file_name).diagnostics,
        };
        Ok(diagnostics.to_json())
    };
    // SAFETY: the caller's promises, passed on.
    unsafe { string_e(diagnostics_json, "diagnostics_json", error, body) }
}

/// The warnings the checker found in a compiled ruleset (unused predicates,
/// safeguards, outcomes…), as a JSON array in the shape of
/// `dd_ruleset_check`; `[]` when there are none.
///
/// Returns `DD_OK`, `DD_ERR_INVALID_ARGUMENT` for a `NULL` pointer, or
/// `DD_ERR_PANIC`. `*warnings_json` is `NULL` on failure.
///
/// Ownership: the caller owns `*warnings_json` and frees it with
/// `dd_string_free`.
///
/// # Safety
///
/// `rules` is `NULL` or a live ruleset; `warnings_json` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_warnings_json(
    rules: *const dd_ruleset,
    warnings_json: *mut *mut c_char,
) -> dd_status {
    // SAFETY: the caller's promises, passed on; NULL asks for no error object.
    unsafe { dd_ruleset_warnings_json_e(rules, warnings_json, ptr::null_mut()) }
}

/// `dd_ruleset_warnings_json` with an error object, for callers that may move
/// between OS threads between two calls (see `dd_error`).
///
/// - `error`: `NULL` (then this is `dd_ruleset_warnings_json`), or where to
///   put the error object: `*error` is set to `NULL` on success and to a new
///   `dd_error` on failure, which holds the returned status and the texts
///   `dd_last_error()` and `dd_last_error_json()` give on this thread. Free
///   it with `dd_error_free`, on any thread.
///
/// Everything else (arguments, statuses, ownership) as for
/// `dd_ruleset_warnings_json`.
///
/// # Safety
///
/// As for `dd_ruleset_warnings_json`; `error` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_warnings_json_e(
    rules: *const dd_ruleset,
    warnings_json: *mut *mut c_char,
    error: *mut *mut dd_error,
) -> dd_status {
    let body = || {
        // SAFETY: the caller's promises, passed on.
        let rules = unsafe { borrow(rules) }?;
        Ok(rules.rules.warnings().to_json())
    };
    // SAFETY: the caller's promises, passed on.
    unsafe { string_e(warnings_json, "warnings_json", error, body) }
}

/// The ruleset's fact schema as a JSON Schema (draft 2020-12), so that
/// integrators can validate facts documents before they reach the engine.
///
/// Returns `DD_OK`, `DD_ERR_INVALID_ARGUMENT` for a `NULL` pointer, or
/// `DD_ERR_PANIC`. `*schema_json` is `NULL` on failure.
///
/// Ownership: the caller owns `*schema_json` and frees it with
/// `dd_string_free`.
///
/// # Safety
///
/// `rules` is `NULL` or a live ruleset; `schema_json` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_json_schema(
    rules: *const dd_ruleset,
    schema_json: *mut *mut c_char,
) -> dd_status {
    // SAFETY: the caller's promises, passed on; NULL asks for no error object.
    unsafe { dd_ruleset_json_schema_e(rules, schema_json, ptr::null_mut()) }
}

/// `dd_ruleset_json_schema` with an error object, for callers that may move
/// between OS threads between two calls (see `dd_error`).
///
/// - `error`: `NULL` (then this is `dd_ruleset_json_schema`), or where to put
///   the error object: `*error` is set to `NULL` on success and to a new
///   `dd_error` on failure, which holds the returned status and the texts
///   `dd_last_error()` and `dd_last_error_json()` give on this thread. Free
///   it with `dd_error_free`, on any thread.
///
/// Everything else (arguments, statuses, ownership) as for
/// `dd_ruleset_json_schema`.
///
/// # Safety
///
/// As for `dd_ruleset_json_schema`; `error` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_json_schema_e(
    rules: *const dd_ruleset,
    schema_json: *mut *mut c_char,
    error: *mut *mut dd_error,
) -> dd_status {
    let body = || {
        // SAFETY: the caller's promises, passed on.
        let rules = unsafe { borrow(rules) }?;
        Ok(rules.rules.json_schema().to_string())
    };
    // SAFETY: the caller's promises, passed on.
    unsafe { string_e(schema_json, "schema_json", error, body) }
}

/// The ruleset's name, from its header (`ruleset "us-state-2020" { … }`).
///
/// Returns `NULL` if `rules` is `NULL`. Does not touch the last error.
///
/// Ownership: the string belongs to the ruleset. Do not free it; it is valid
/// until `dd_ruleset_free(rules)`.
///
/// # Safety
///
/// `rules` is `NULL` or a live ruleset.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_name(rules: *const dd_ruleset) -> *const c_char {
    guard::value(ptr::null(), || {
        // SAFETY: the caller promises a live handle or NULL.
        unsafe { rules.as_ref() }.map_or(ptr::null(), |r| r.name.as_ptr())
    })
}

/// The ruleset's version, from its header (`version: "0.1.0"`).
///
/// Returns `NULL` if `rules` is `NULL`. Does not touch the last error.
///
/// Ownership: as for `dd_ruleset_name`.
///
/// # Safety
///
/// `rules` is `NULL` or a live ruleset.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_version(rules: *const dd_ruleset) -> *const c_char {
    guard::value(ptr::null(), || {
        // SAFETY: the caller promises a live handle or NULL.
        unsafe { rules.as_ref() }.map_or(ptr::null(), |r| r.version.as_ptr())
    })
}

/// Frees a ruleset. Freeing `NULL` does nothing.
///
/// Call it once per ruleset, after every thread has finished with it; the
/// strings from `dd_ruleset_name` and `dd_ruleset_version` die with it.
/// Reports already returned are independent of it and stay valid.
///
/// # Safety
///
/// `rules` is `NULL` or a ruleset not yet freed, and no other thread uses it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_ruleset_free(rules: *mut dd_ruleset) {
    guard::value((), || {
        if !rules.is_null() {
            // SAFETY: the caller promises `rules` came from `Box::into_raw` in
            // `dd_ruleset::into_raw` and is freed only once.
            drop(unsafe { Box::from_raw(rules) });
        }
    });
}
