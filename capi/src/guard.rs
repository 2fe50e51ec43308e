//! The boundary: `catch_unwind` around every call, and the checks that turn
//! raw C arguments into Rust values or a [`Failure`].

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use crate::error::{self, Failure, dd_error};
use crate::status::dd_status;

/// Where an `_e` entry point puts its error object: nowhere, or in the
/// caller's `dd_error *`.
pub(crate) struct ErrorOut(*mut *mut dd_error);

impl ErrorOut {
    /// The `dd_error **error` argument of an `_e` entry point; `NULL` for
    /// none (the entry points without `_e`).
    ///
    /// # Safety
    ///
    /// `error` is `NULL` or valid for a write of one pointer until the entry
    /// point returns.
    pub(crate) unsafe fn new(error: *mut *mut dd_error) -> ErrorOut {
        ErrorOut(error)
    }

    /// Whether the caller asked for an error object.
    fn wanted(&self) -> bool {
        !self.0.is_null()
    }

    /// Writes `value` to the caller's pointer, if there is one.
    fn write(&self, value: *mut dd_error) {
        if self.wanted() {
            // SAFETY: `new`'s caller promised a pointer valid for a write, and
            // it is not NULL.
            unsafe { self.0.write(value) };
        }
    }
}

/// Runs the body of a status-returning entry point: resets `*error`, clears
/// the last error, catches any panic, and on failure records the failure as
/// this thread's last error and, unless `error` is `NULL`, hands
/// the caller a copy of it as a new [`dd_error`].
///
/// `*error` is set to `NULL` before anything else, so that a success leaves
/// it `NULL` whatever it held.
pub(crate) fn status(error: ErrorOut, body: impl FnOnce() -> Result<(), Failure>) -> dd_status {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        error.write(ptr::null_mut());
        error::clear();
        let result = match catch_unwind(AssertUnwindSafe(body)) {
            Ok(result) => result,
            Err(payload) => Err(Failure::panic(&*payload)),
        };
        match result {
            Ok(()) => dd_status::DD_OK,
            Err(failure) => {
                let failure = dd_error::from(failure);
                let status = failure.status();
                if error.wanted() {
                    // The caller owns the object from here and frees it with
                    // `dd_error_free`.
                    error.write(Box::into_raw(Box::new(failure.clone())));
                }
                error::record(failure);
                status
            }
        }
    }));
    match outcome {
        Ok(status) => status,
        Err(payload) => {
            // Recording the error itself panicked. Nothing there can panic
            // (it moves and copies strings, and a failed allocation aborts),
            // so this is belt and braces: `*error` may then be `NULL` even
            // though the call failed. Dropping this payload could panic
            // again and unwind into C, so it is leaked instead.
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

/// The longest ruleset source handed to the library: its limit, and room for
/// a byte-order mark, which the library does not count. A longer one is
/// refused by its length alone.
pub(crate) const MAX_SOURCE_LEN: usize = dd_rules::MAX_SOURCE_BYTES + '\u{feff}'.len_utf8();

/// The longest facts document handed to the library (its limit counts a
/// byte-order mark). A longer one is refused by its length alone.
pub(crate) const MAX_FACTS_LEN: usize = dd_rules::MAX_FACTS_BYTES;

/// The longest NUL-terminated name (a file name, which only names the
/// source in diagnostics), without its NUL: `PATH_MAX` on Linux. The search
/// for the NUL stops there, so that a string whose terminator is missing
/// is not read through the rest of memory.
pub(crate) const MAX_NAME_LEN: usize = 4096;

/// Borrows a text given as a pointer and a byte length: not `NULL`, no NUL
/// byte, valid UTF-8. It need not end with a NUL. `None` when it is longer
/// than `max` bytes: the caller then gives the error the library gives for a
/// text over its limit.
///
/// The length is checked before a byte is read: a wrong length (8 GiB over
/// a small buffer) must not send the NUL and UTF-8 scans through memory
/// that is not the text's. A length over `PTRDIFF_MAX` is an invalid
/// argument: no buffer is that long.
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
    max: usize,
) -> Result<Option<&'a str>, Failure> {
    if text.is_null() {
        return Err(Failure::invalid_argument(name, format!("`{name}` is NULL")));
    }
    if isize::try_from(len).is_err() {
        return Err(Failure::invalid_argument(
            name,
            format!("the length of `{name}` is {len} bytes, more than any buffer can hold"),
        ));
    }
    if len > max {
        return Ok(None);
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
    std::str::from_utf8(bytes)
        .map(Some)
        .map_err(|e| Failure::invalid_utf8(name, e.valid_up_to()))
}

/// Borrows a NUL-terminated C string: not `NULL`, at most [`MAX_NAME_LEN`]
/// bytes before its NUL, valid UTF-8. The search for the NUL reads no
/// further than that, whether or not the string has one.
///
/// # Safety
///
/// `text` is `NULL` or points to a NUL-terminated string that stays
/// unchanged for `'a`.
pub(crate) unsafe fn c_str<'a>(text: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if text.is_null() {
        return Err(Failure::invalid_argument(name, format!("`{name}` is NULL")));
    }
    let start = text.cast::<u8>();
    let mut len = 0;
    loop {
        // SAFETY: `text` is not NULL and the caller promises a NUL-terminated
        // string: every byte up to its NUL is readable, and the loop reads
        // one byte at a time and stops at the first NUL.
        if unsafe { start.add(len).read() } == 0 {
            break;
        }
        len += 1;
        if len > MAX_NAME_LEN {
            return Err(Failure::invalid_argument(
                name,
                format!(
                    "`{name}` is longer than {MAX_NAME_LEN} bytes, or lacks its terminating NUL"
                ),
            ));
        }
    }
    // SAFETY: the `len` bytes before the NUL were just read, and the caller
    // promises they do not change while borrowed; `len` fits in an `isize`.
    let bytes = unsafe { std::slice::from_raw_parts(start, len) };
    std::str::from_utf8(bytes).map_err(|e| Failure::invalid_utf8(name, e.valid_up_to()))
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;
    use crate::error::{
        dd_error_free, dd_error_json, dd_error_message, dd_error_status, dd_last_error,
        dd_last_error_json,
    };

    /// Runs a body as an entry point without an error object.
    fn run(body: impl FnOnce() -> Result<(), Failure>) -> dd_status {
        // SAFETY: NULL is allowed.
        status(unsafe { ErrorOut::new(ptr::null_mut()) }, body)
    }

    /// Runs a body as an `_e` entry point: its status, and its error object
    /// as (status, message, JSON), freed.
    fn run_e(
        body: impl FnOnce() -> Result<(), Failure>,
    ) -> (dd_status, Option<(dd_status, String, String)>) {
        // Not NULL, so that the test sees it reset.
        let mut error: *mut dd_error = ptr::NonNull::dangling().as_ptr();
        // SAFETY: `error` is a live, writable pointer.
        let got = status(unsafe { ErrorOut::new(&mut error) }, body);
        if error.is_null() {
            return (got, None);
        }
        // SAFETY: a live error object, read and then freed once.
        let read = |p| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
        // SAFETY: as above.
        let object = unsafe {
            (
                dd_error_status(error),
                read(dd_error_message(error)),
                read(dd_error_json(error)),
            )
        };
        // SAFETY: as above.
        unsafe { dd_error_free(error) };
        (got, Some(object))
    }

    /// This thread's last error, as Rust strings.
    fn last() -> Option<(String, String)> {
        let message = dd_last_error();
        let json = dd_last_error_json();
        if message.is_null() {
            assert!(json.is_null());
            return None;
        }
        // SAFETY: both are live NUL-terminated strings until the next call.
        let read = |p| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
        Some((read(message), read(json)))
    }

    #[test]
    fn success_clears_the_last_error() {
        run(|| Err(Failure::internal("boom".into())));
        assert!(last().is_some());
        assert_eq!(run(|| Ok(())), dd_status::DD_OK);
        assert_eq!(last(), None);
    }

    #[test]
    fn a_failure_is_recorded_in_both_forms() {
        let got = run(|| Err(Failure::invalid_argument("rules", "`rules` is NULL".into())));
        assert_eq!(got, dd_status::DD_ERR_INVALID_ARGUMENT);
        let (message, json) = last().unwrap();
        assert_eq!(message, "`rules` is NULL");
        assert_eq!(json, r#"{"argument":"rules","message":"`rules` is NULL"}"#);
    }

    #[test]
    fn panics_become_a_status() {
        assert_eq!(run(|| panic!("static text")), dd_status::DD_ERR_PANIC);
        assert!(last().unwrap().0.ends_with(": static text"));
        let n = 42;
        assert_eq!(run(|| panic!("formatted {n}")), dd_status::DD_ERR_PANIC);
        let (message, json) = last().unwrap();
        assert!(message.ends_with(": formatted 42"), "{message}");
        assert!(
            json.starts_with(r#"{"message":"internal error in dd-rules"#),
            "{json}"
        );
        assert_eq!(run(|| std::panic::panic_any(7_u8)), dd_status::DD_ERR_PANIC);
        assert!(last().unwrap().0.ends_with(": no message"));
        assert_eq!(value(1, || panic!("in a value")), 1);
    }

    #[test]
    fn an_error_object_is_the_last_error_and_outlives_it() {
        let failure = || Err(Failure::invalid_argument("rules", "`rules` is NULL".into()));
        let (got, object) = run_e(failure);
        assert_eq!(got, dd_status::DD_ERR_INVALID_ARGUMENT);
        let (object_status, message, json) = object.unwrap();
        assert_eq!(object_status, got);
        // The same texts as the last error, which is recorded as well.
        assert_eq!(last(), Some((message.clone(), json.clone())));
        assert_eq!(json, r#"{"argument":"rules","message":"`rules` is NULL"}"#);

        // A success resets `*error` to NULL and clears the last error.
        assert_eq!(run_e(|| Ok(())), (dd_status::DD_OK, None));
        assert_eq!(last(), None);

        // The object does not depend on the last error: it survives the
        // next call.
        let mut error: *mut dd_error = ptr::null_mut();
        // SAFETY: `error` is a live, writable pointer.
        status(unsafe { ErrorOut::new(&mut error) }, failure);
        assert_eq!(run(|| Ok(())), dd_status::DD_OK);
        // SAFETY: a live error object and its live strings, then freed once.
        unsafe {
            assert_eq!(
                CStr::from_ptr(dd_error_message(error)).to_str(),
                Ok("`rules` is NULL")
            );
            dd_error_free(error);
        }
    }

    #[test]
    fn a_panic_gives_an_error_object() {
        let (got, object) = run_e(|| panic!("in an _e call"));
        assert_eq!(got, dd_status::DD_ERR_PANIC);
        let (object_status, message, json) = object.unwrap();
        assert_eq!(object_status, dd_status::DD_ERR_PANIC);
        assert!(message.ends_with(": in an _e call"), "{message}");
        assert!(json.starts_with(r#"{"message":"internal error"#), "{json}");
    }

    #[test]
    fn error_object_accessors_take_null() {
        // SAFETY: NULL is allowed everywhere.
        unsafe {
            assert_eq!(dd_error_status(ptr::null()), dd_status::DD_OK);
            assert!(dd_error_message(ptr::null()).is_null());
            assert!(dd_error_json(ptr::null()).is_null());
            dd_error_free(ptr::null_mut());
        }
    }

    #[test]
    fn texts_are_checked() {
        let ok = b"{}";
        // SAFETY: every pointer and length below describes a live buffer.
        unsafe {
            assert_eq!(text(ok.as_ptr().cast(), 2, "t", 2).ok(), Some(Some("{}")));
            assert_eq!(text(ok.as_ptr().cast(), 0, "t", 2).ok(), Some(Some("")));
            // Longer than the limit: refused before a byte is read.
            assert_eq!(text(ok.as_ptr().cast(), 3, "t", 2).ok(), Some(None));
            assert_eq!(text(ok.as_ptr().cast(), 1 << 40, "t", 2).ok(), Some(None));
            let status_of = |r: Result<Option<&str>, Failure>| r.err().map(|f| f.status);
            let c_status = |r: Result<&str, Failure>| r.err().map(|f| f.status);
            assert_eq!(
                status_of(text(ptr::null(), 0, "t", 2)),
                Some(dd_status::DD_ERR_INVALID_ARGUMENT)
            );
            assert_eq!(
                status_of(text(ok.as_ptr().cast(), usize::MAX, "t", 2)),
                Some(dd_status::DD_ERR_INVALID_ARGUMENT)
            );
            assert_eq!(
                status_of(text(b"a\0b".as_ptr().cast(), 3, "t", 3)),
                Some(dd_status::DD_ERR_INVALID_ARGUMENT)
            );
            assert_eq!(
                status_of(text(b"a\xff".as_ptr().cast(), 2, "t", 2)),
                Some(dd_status::DD_ERR_INVALID_UTF8)
            );
            assert_eq!(c_str(c"file.rules".as_ptr(), "f").ok(), Some("file.rules"));
            assert_eq!(
                c_status(c_str(ptr::null(), "f")),
                Some(dd_status::DD_ERR_INVALID_ARGUMENT)
            );
            assert_eq!(
                c_status(c_str(c"\xc3(".as_ptr(), "f")),
                Some(dd_status::DD_ERR_INVALID_UTF8)
            );
            assert_eq!(c_str(c"".as_ptr(), "f").ok(), Some(""));
            // The longest name, and one byte more: the search for the NUL
            // stops one byte past the limit.
            let mut name = vec![b'n'; MAX_NAME_LEN + 1];
            name.push(0);
            assert_eq!(
                c_status(c_str(name.as_ptr().cast(), "f")),
                Some(dd_status::DD_ERR_INVALID_ARGUMENT)
            );
            name.remove(0);
            assert_eq!(
                c_str(name.as_ptr().cast(), "f").map(str::len).ok(),
                Some(MAX_NAME_LEN)
            );
        }
    }

    #[test]
    fn out_params_are_reset() {
        let mut slot: *mut u8 = ptr::NonNull::dangling().as_ptr();
        // SAFETY: `slot` is a live, writable pointer.
        let out = unsafe { out_param(&mut slot, "out") }.ok().unwrap();
        assert!(!out.is_null());
        assert!(slot.is_null());
        // SAFETY: NULL is allowed.
        assert!(unsafe { out_param::<u8>(ptr::null_mut(), "out") }.is_err());
    }
}
