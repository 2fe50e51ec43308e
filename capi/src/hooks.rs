//! Test hooks, compiled only with the `test-hooks` feature: ways to reach
//! paths that the public API never takes, so that the C tests can see them.

use std::ffi::c_char;
use std::ptr;

use crate::error::dd_error;
use crate::guard::{self, ErrorOut, c_str};
use crate::status::dd_status;

/// Panics inside the boundary with `message`, as a bug in dd-rules would; the
/// C tests check that the call returns `DD_ERR_PANIC` and the library stays
/// usable.
///
/// # Safety
///
/// `message` is `NULL` or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_test_panic(message: *const c_char) -> dd_status {
    // SAFETY: the caller's promise, passed on; NULL asks for no error object.
    unsafe { dd_test_panic_e(message, ptr::null_mut()) }
}

/// `dd_test_panic` with an error object, as the `_e` entry points have: the
/// C tests check that a panic comes back as an error object too.
///
/// # Safety
///
/// As for `dd_test_panic`; `error` is `NULL` or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dd_test_panic_e(
    message: *const c_char,
    error: *mut *mut dd_error,
) -> dd_status {
    // SAFETY: the caller promises `error` is NULL or writable.
    let error = unsafe { ErrorOut::new(error) };
    guard::status(error, || {
        // SAFETY: the caller's promise, passed on.
        let message = unsafe { c_str(message, "message") }?;
        #[allow(clippy::panic)]
        {
            panic!("{message}")
        }
    })
}
