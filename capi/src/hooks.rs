//! Test hooks, compiled only with the `test-hooks` feature: ways to reach
//! paths that the public API never takes, so that the C tests can see them.

use std::ffi::c_char;

use crate::guard::{self, c_str};
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
    guard::status(|| {
        // SAFETY: the caller's promise, passed on.
        let message = unsafe { c_str(message, "message") }?;
        #[allow(clippy::panic)]
        {
            panic!("{message}")
        }
    })
}
