//! How a failed call reports why: a `Failure`, handed to the caller in
//! two forms.
//!
//! - The thread-local last error. A status-returning entry point clears the
//!   last error of the calling thread when it starts and records the failure
//!   when it fails, so the pointers `dd_last_error` and `dd_last_error_json`
//!   return stay valid until the next status-returning call on the same
//!   thread. Other threads never see or disturb it.
//! - The error object, [`dd_error`]: the `_e` variant of each fallible call
//!   also hands the failure to the caller through a trailing `dd_error **`,
//!   owned by the caller and readable from any thread. It is for callers
//!   whose code moves between OS threads between two calls (Go goroutines,
//!   Java virtual threads, async runtimes), for whom "this thread's last
//!   error" may be another call's.
//!
//! Both forms hold the same texts; the status-returning calls record the
//! thread-local one whichever form the caller asked for, so that
//! `dd_last_error()` always describes the last call on the thread.

use std::cell::RefCell;
use std::ffi::{CString, c_char};
use std::ptr;

use dd_rules::{Error, EvalError, FactsError, RulesError};
use serde::Serialize;

use crate::guard;
use crate::status::dd_status;

/// Why a call failed: its status, a message for people and the same as JSON.
pub(crate) struct Failure {
    pub(crate) status: dd_status,
    message: String,
    json: String,
}

/// The JSON of a rejected argument; fields in this order.
#[derive(Serialize)]
struct ArgumentJson<'a> {
    argument: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<usize>,
    message: &'a str,
}

/// The JSON of an evaluation that went over its budget; fields in this order.
#[derive(Serialize)]
struct BudgetJson<'a> {
    budget: u64,
    kind: &'a str,
    id: &'a str,
    message: &'a str,
}

/// The JSON of an internal error.
#[derive(Serialize)]
struct MessageJson<'a> {
    message: &'a str,
}

/// Serialises one of the structs above. They hold only strings and
/// integers, which always serialise; should that ever fail, the JSON is still
/// an object with the message.
fn to_json(value: &impl Serialize, message: &str) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| format!("{{\"message\":{}}}", serde_json::Value::from(message)))
}

impl Failure {
    /// A `NULL` pointer, an impossible length or a NUL byte in a text.
    pub(crate) fn invalid_argument(argument: &str, message: String) -> Failure {
        let json = to_json(
            &ArgumentJson {
                argument,
                offset: None,
                message: &message,
            },
            &message,
        );
        Failure {
            status: dd_status::DD_ERR_INVALID_ARGUMENT,
            message,
            json,
        }
    }

    /// A text that is not UTF-8; `offset` is the first byte that is not.
    pub(crate) fn invalid_utf8(argument: &str, offset: usize) -> Failure {
        let message =
            format!("`{argument}` is not valid UTF-8: the first bad byte is at offset {offset}");
        let json = to_json(
            &ArgumentJson {
                argument,
                offset: Some(offset),
                message: &message,
            },
            &message,
        );
        Failure {
            status: dd_status::DD_ERR_INVALID_UTF8,
            message,
            json,
        }
    }

    /// A ruleset that does not compile: its rendered diagnostics, and the
    /// same diagnostics as the JSON array `dd-rules check --format json` prints.
    pub(crate) fn rules(error: &RulesError) -> Failure {
        Failure {
            status: dd_status::DD_ERR_RULES,
            message: error
                .diagnostics
                .render(dd_rules::Style::Plain)
                .trim_end()
                .to_owned(),
            json: error.diagnostics.to_json(),
        }
    }

    /// A facts document that was rejected, with where.
    pub(crate) fn facts(error: &FactsError) -> Failure {
        Failure {
            status: dd_status::DD_ERR_FACTS,
            json: to_json(error, &error.message),
            message: error.to_string(),
        }
    }

    /// Any error of `RuleSet::evaluate_json`.
    pub(crate) fn evaluate(error: &Error) -> Failure {
        match error {
            Error::Rules(e) => Failure::rules(e),
            Error::Facts(e) => Failure::facts(e),
            Error::Eval(EvalError::OverBudget { budget, kind, id }) => {
                let message = error.to_string();
                let json = to_json(
                    &BudgetJson {
                        budget: *budget,
                        kind: kind.as_str(),
                        id,
                        message: &message,
                    },
                    &message,
                );
                Failure {
                    status: dd_status::DD_ERR_BUDGET,
                    message,
                    json,
                }
            }
            // Facts that cannot be evaluated (and any kind of error the
            // library adds later) are a problem with the facts handed over:
            // report them in the facts shape, with no position.
            other => {
                let message = other.to_string();
                let json = FactsError::new("", 0, 0, message.clone());
                Failure {
                    status: dd_status::DD_ERR_FACTS,
                    json: to_json(&json, &message),
                    message,
                }
            }
        }
    }

    /// A panic caught at the boundary, with its message when it has one.
    pub(crate) fn panic(payload: &(dyn std::any::Any + Send)) -> Failure {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("no message");
        Failure::internal(format!(
            "internal error in dd-rules (a bug; please report it): {what}"
        ))
    }

    /// An internal error: a broken invariant, reported as `DD_ERR_PANIC`.
    pub(crate) fn internal(message: String) -> Failure {
        let json = to_json(&MessageJson { message: &message }, &message);
        Failure {
            status: dd_status::DD_ERR_PANIC,
            message,
            json,
        }
    }
}

/// Why a call failed, as an object the caller owns: the failure's status,
/// a message for people and the same as JSON. They are the texts that
/// `dd_last_error()` and `dd_last_error_json()` give for the same failure.
///
/// The `_e` variant of each fallible call (`dd_ruleset_compile_e`,
/// `dd_ruleset_evaluate_json_e`, ...) takes a trailing `dd_error **error`:
///
/// - `error == NULL`: no error object; the call is exactly its variant
///   without `_e`, and `dd_last_error()` still describes a failure.
/// - Otherwise `*error` is set to `NULL` when the call starts, and to a new
///   error object if it fails. What `*error` held before is overwritten,
///   not freed. On success it stays `NULL`, so `*error != NULL` exactly when
///   the call failed. The thread's last error is set as well.
///
/// Use the `_e` calls when the code that makes a call and the code that
/// reads its error may run on different OS threads. A Go goroutine or a
/// Java virtual thread can move to another OS thread between two calls;
/// there, `dd_last_error()` describes another call's failure, or none. The
/// error object does not depend on the thread. Read it and free it on any
/// thread.
///
/// Threads: an error object is immutable; any number of threads may read
/// the same one at once.
///
/// Ownership: the caller owns it. Free it with `dd_error_free` exactly
/// once, after every thread has finished reading it; the strings from
/// `dd_error_message` and `dd_error_json` die with it.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug)]
pub struct dd_error {
    status: dd_status,
    message: CString,
    json: CString,
}

impl From<Failure> for dd_error {
    fn from(failure: Failure) -> dd_error {
        dd_error {
            status: failure.status,
            message: c_string(failure.message),
            json: c_string(failure.json),
        }
    }
}

impl dd_error {
    /// The status of the failed call.
    pub(crate) fn status(&self) -> dd_status {
        self.status
    }
}

thread_local! {
    /// This thread's last error: its strings are owned here and handed out
    /// borrowed.
    static LAST_ERROR: RefCell<Option<dd_error>> = const { RefCell::new(None) };
}

/// Text for C: a NUL inside is replaced, so the conversion cannot fail and
/// C never sees a string cut short.
pub(crate) fn c_string(text: String) -> CString {
    match CString::new(text) {
        Ok(s) => s,
        Err(e) => {
            let text = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
            CString::new(text).unwrap_or_default()
        }
    }
}

/// Forgets this thread's last error.
pub(crate) fn clear() {
    // `try_with` fails only while the thread is being torn down, when there
    // is nothing left to clear.
    let _ = LAST_ERROR.try_with(|e| e.replace(None));
}

/// Records a failure as this thread's last error.
pub(crate) fn record(error: dd_error) {
    let _ = LAST_ERROR.try_with(|e| e.replace(Some(error)));
}

/// A pointer into this thread's last error, or `NULL` when there is none.
fn last(pick: fn(&dd_error) -> &CString) -> *const c_char {
    std::panic::catch_unwind(|| {
        LAST_ERROR
            .try_with(|e| match &*e.borrow() {
                // The pointer stays valid after the borrow ends: the CString's
                // heap buffer is only freed by the next `clear` or `record`.
                Some(error) => pick(error).as_ptr(),
                None => ptr::null(),
            })
            .unwrap_or(ptr::null())
    })
    .unwrap_or(ptr::null())
}

/// The message of the last failed call on this thread, for people: for
/// `DD_ERR_RULES`, every diagnostic rendered the way the `dd-rules` command
/// line prints them (plain text, no colour); for `DD_ERR_FACTS`, what is wrong
/// and where (JSON path, line and column).
///
/// Returns `NULL` when the last status-returning call on this thread
/// succeeded, or when there has been none.
///
/// Ownership: the string belongs to the library. Do not free it. It stays
/// valid until the next call on this thread to a function that returns a
/// `dd_status`; copy it to keep it longer.
///
/// Threads: the last error belongs to the OS thread, not to the caller's
/// task. Where a task can move to another OS thread between two calls (a Go
/// goroutine, a Java virtual thread), this may be another call's error: use
/// the `_e` calls and their `dd_error` instead.
#[unsafe(no_mangle)]
pub extern "C" fn dd_last_error() -> *const c_char {
    last(|e| &e.message)
}

/// The last failure on this thread as JSON, for programs:
///
/// - `DD_ERR_RULES`: the array of diagnostics, as `dd-rules check --format
///   json` prints them: each an object with `file`, `code` (such as
///   `"DD021"`), `severity` (`"error"` or `"warning"`), `message`, `span`
///   (`{"start", "end"}` byte offsets), 1-based `line` and `column`, and
///   optional `label`, `notes` and `help`.
/// - `DD_ERR_FACTS`: an object `{"path", "line", "column", "message"}`:
///   the JSON path of the offending value (such as `parties[1].role`, empty
///   for the document itself) and its 1-based line and column (0 when
///   unknown).
/// - `DD_ERR_BUDGET`: an object `{"budget", "kind", "id", "message"}`: the
///   budget in steps, the kind of condition being evaluated (`"flag"`,
///   `"safeguard"` or `"predicate"`) and its id.
/// - `DD_ERR_INVALID_ARGUMENT`, `DD_ERR_INVALID_UTF8`: an object with
///   `argument` (the parameter's name), `message`, and for UTF-8 errors the
///   byte `offset` of the first bad byte.
/// - `DD_ERR_PANIC`: an object with `message`.
///
/// Returns `NULL` when the last status-returning call on this thread
/// succeeded, or when there has been none.
///
/// Ownership, lifetime and threads: as for `dd_last_error`.
#[unsafe(no_mangle)]
pub extern "C" fn dd_last_error_json() -> *const c_char {
    last(|e| &e.json)
}

/// The status of the failed call that gave `error`: never `DD_OK` for an
/// error object. For `NULL` it is `DD_OK`, so that after any `_e` call
/// `dd_error_status(error)` is the call's status.
///
/// Any thread may call it. Does not touch the last error.
///
/// # Safety
///
/// `error` is `NULL` or an error object not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_error_status(error: *const dd_error) -> dd_status {
    guard::value(dd_status::DD_ERR_PANIC, || {
        // SAFETY: the caller promises a live error object or NULL.
        unsafe { error.as_ref() }.map_or(dd_status::DD_OK, |e| e.status)
    })
}

/// The failure for people, as `dd_last_error()` gives it on the thread that
/// made the call: for `DD_ERR_RULES`, every diagnostic rendered the way the
/// `dd-rules` command line prints them; for `DD_ERR_FACTS`, what is wrong
/// and where.
///
/// Returns `NULL` if `error` is `NULL`. Any thread may call it. Does not
/// touch the last error.
///
/// Ownership: the string belongs to the error object. Do not free it; it is
/// valid until `dd_error_free(error)`.
///
/// # Safety
///
/// `error` is `NULL` or an error object not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_error_message(error: *const dd_error) -> *const c_char {
    guard::value(ptr::null(), || {
        // SAFETY: the caller promises a live error object or NULL.
        unsafe { error.as_ref() }.map_or(ptr::null(), |e| e.message.as_ptr())
    })
}

/// The failure as JSON, for programs, as `dd_last_error_json()` gives it on
/// the thread that made the call (see there for its shape for each status):
/// the array of diagnostics for `DD_ERR_RULES`, `{"path", "line", "column",
/// "message"}` for `DD_ERR_FACTS`, `{"budget", "kind", "id", "message"}` for
/// `DD_ERR_BUDGET`, `{"argument", "message"}` (and `"offset"` for UTF-8)
/// for an argument, `{"message"}` for `DD_ERR_PANIC`.
///
/// Returns `NULL` if `error` is `NULL`. Any thread may call it. Does not
/// touch the last error.
///
/// Ownership: as for `dd_error_message`.
///
/// # Safety
///
/// `error` is `NULL` or an error object not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_error_json(error: *const dd_error) -> *const c_char {
    guard::value(ptr::null(), || {
        // SAFETY: the caller promises a live error object or NULL.
        unsafe { error.as_ref() }.map_or(ptr::null(), |e| e.json.as_ptr())
    })
}

/// Frees an error object. Freeing `NULL` does nothing, so it may be called
/// after every `_e` call, failed or not.
///
/// Call it once per error object, on any thread, after every thread has
/// finished reading it; its strings die with it. Never call it on
/// `dd_last_error()` or on a string.
///
/// # Safety
///
/// `error` is `NULL` or an error object not yet freed, and no other thread
/// reads it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_error_free(error: *mut dd_error) {
    guard::value((), || {
        if !error.is_null() {
            // SAFETY: the caller promises `error` came from `Box::into_raw`
            // in `guard::status` and is freed only once.
            drop(unsafe { Box::from_raw(error) });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_with_nul_are_kept_whole() {
        assert_eq!(c_string("a\0b".into()).to_str().unwrap(), "a\u{FFFD}b");
        assert_eq!(c_string("plain".into()).to_str().unwrap(), "plain");
    }

    #[test]
    fn facts_errors_keep_their_fields_in_order() {
        let error = FactsError::new("parties[1].role", 3, 7, "unknown value `x`");
        let failure = Failure::facts(&error);
        assert_eq!(failure.status, dd_status::DD_ERR_FACTS);
        assert_eq!(
            failure.json,
            r#"{"path":"parties[1].role","line":3,"column":7,"message":"unknown value `x`"}"#
        );
        assert_eq!(failure.message, error.to_string());
    }

    #[test]
    fn utf8_errors_name_the_offset() {
        let failure = Failure::invalid_utf8("source", 12);
        assert_eq!(failure.status, dd_status::DD_ERR_INVALID_UTF8);
        assert_eq!(
            failure.json,
            r#"{"argument":"source","offset":12,"message":"`source` is not valid UTF-8: the first bad byte is at offset 12"}"#
        );
    }
}
