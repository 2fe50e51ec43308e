//! Strings handed to C: the static version, and owned strings with their
//! one free function.

use std::ffi::{CString, c_char};

use crate::error::c_string;
use crate::guard;

/// The version of dd-rules, such as `"0.1.0"`.
///
/// Ownership: a static string. Do not free it; it is valid for the life of
/// the process.
#[unsafe(no_mangle)]
pub extern "C" fn dd_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

/// Hands an owned string to C through an out-parameter; the caller frees it
/// with `dd_string_free`.
///
/// # Safety
///
/// `out` was checked by [`guard::out_param`].
pub(crate) unsafe fn give(out: *mut *mut c_char, text: String) {
    // JSON escapes every control character, so the texts handed out hold no
    // NUL byte; `c_string` would replace one rather than cut the text short.
    let raw = c_string(text).into_raw();
    // SAFETY: `out` is not NULL and valid for a write (checked by `out_param`).
    unsafe { out.write(raw) };
}

/// Frees a string that dd-rules returned through a `char **` out-parameter
/// (a report, diagnostics, a schema). Freeing `NULL` does nothing.
///
/// Ownership: takes back a string the library gave you. Call it once per
/// string, never on a string from elsewhere (not on `dd_last_error()`, not on
/// `dd_version()`, not on your own), and do not change the string's length
/// (by writing a NUL into it) before freeing it.
///
/// # Safety
///
/// `s` is `NULL` or a string returned by dd-rules and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_string_free(s: *mut c_char) {
    guard::value((), || {
        if !s.is_null() {
            // SAFETY: the caller promises `s` came from `CString::into_raw` in
            // `give` and has not been freed or shortened since.
            drop(unsafe { CString::from_raw(s) });
        }
    });
}
