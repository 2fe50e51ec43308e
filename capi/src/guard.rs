//! The boundary: `catch_unwind` around every call, and the checks that turn
//! raw C arguments into Rust values or a [`Failure`].

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use crate::error::{self, Failure};
use crate::status::dd_status;

/// Runs the body of a status-returning entry point: clears the last error,
/// catches any panic, and records the failure if there is one.
pub(crate) fn status(body: impl FnOnce() -> Result<(), Failure>) -> dd_status {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        error::clear();
        let result = match catch_unwind(AssertUnwindSafe(body)) {
            Ok(result) => result,
            Err(payload) => Err(Failure::panic(&*payload)),
        };
        match result {
            Ok(()) => dd_status::DD_OK,
            Err(failure) => error::record(failure),
        }
    }));
    match outcome {
        Ok(status) => status,
        Err(payload) => {
            // Recording the error itself panicked. Dropping this payload
            // could panic again and unwind into C, so it is leaked instead.
            std::mem::forget(payload);
            dd_status::DD_ERR_PANIC
        }
    }
}

/// Runs an entry point that returns a value and has no status; a panic gives
/// `fallback`.
pub(crate) fn value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            std::mem::forget(payload);
            fallback
        }
    }
}

/// Checks an out-parameter and sets it to `NULL`, so that it is `NULL` on
/// every failure.
///
/// # Safety
///
/// `out` is `NULL` or valid for a write of one pointer.
pub(crate) unsafe fn out_param<T>(out: *mut *mut T, name: &str) -> Result<*mut *mut T, Failure> {
    if out.is_null() {
        return Err(Failure::invalid_argument(name, format!("`{name}` is NULL")));
    }
    // SAFETY: the caller promises `out` is valid for a write, and it is not NULL.
    unsafe { out.write(ptr::null_mut()) };
    Ok(out)
}

/// Borrows a text given as a pointer and a byte length: not `NULL`, at most
/// `PTRDIFF_MAX` bytes, no NUL byte, valid UTF-8. It need not end with a NUL.
///
/// A NUL byte is never valid in a ruleset or in JSON, and the likeliest way to
/// get one is a `len` that counts the C string's terminator, so it is named as
/// such rather than left to the parser.
///
/// # Safety
///
/// `text` is `NULL` or points to `len` readable bytes that stay unchanged for
/// `'a`.
pub(crate) unsafe fn text<'a>(
    text: *const c_char,
    len: usize,
    name: &str,
) -> Result<&'a str, Failure> {
    if text.is_null() {
        return Err(Failure::invalid_argument(name, format!("`{name}` is NULL")));
    }
    if isize::try_from(len).is_err() {
        return Err(Failure::invalid_argument(
            name,
            format!("the length of `{name}` is {len} bytes, more than any buffer can hold"),
        ));
    }
    // SAFETY: `text` is not NULL, the caller promises `len` readable bytes
    // that do not change while borrowed, and `len` fits in an `isize`.
    let bytes = unsafe { std::slice::from_raw_parts(text.cast::<u8>(), len) };
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(Failure::invalid_argument(
            name,
            format!(
                "`{name}` has a NUL byte at offset {at} of {len}; give the length of the text without its terminating NUL"
            ),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| Failure::invalid_utf8(name, e.valid_up_to()))
}

/// Borrows a NUL-terminated C string: not `NULL`, valid UTF-8.
///
/// # Safety
///
/// `text` is `NULL` or points to a NUL-terminated string that stays
/// unchanged for `'a`.
pub(crate) unsafe fn c_str<'a>(text: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if text.is_null() {
        return Err(Failure::invalid_argument(name, format!("`{name}` is NULL")));
    }
    // SAFETY: `text` is not NULL and the caller promises a NUL-terminated
    // string that does not change while borrowed.
    let c = unsafe { CStr::from_ptr(text) };
    c.to_str()
        .map_err(|e| Failure::invalid_utf8(name, e.valid_up_to()))
}
