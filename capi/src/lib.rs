//! # dd-rules-capi
//!
//! The C ABI of [`dd_rules`]: compile a ruleset, evaluate JSON facts into a
//! JSON report, read errors as text or JSON. It is the only place in the
//! project with `unsafe` code, and it calls only the public API of the
//! library: the C ABI can do nothing the Rust API cannot.
//!
//! The header is `capi/include/dd_rules.h`, generated from this crate by
//! `cbindgen` (see `cbindgen.toml`) and checked for drift by `.ci/run`.
//!
//! The rules every entry point keeps:
//!
//! - A status-returning call clears this thread's last error on entry and
//!   sets it on failure ([`error`]). On failure every out-parameter is `NULL`
//!   and nothing is allocated but the error. Each such call has an `_e`
//!   variant with a trailing `dd_error **error` that also hands the failure
//!   to the caller as a [`dd_error`] object, readable on any thread; the call
//!   without `_e` is the `_e` call with `error == NULL`.
//! - Every pointer is checked for `NULL`, every text for UTF-8, and the body
//!   runs inside `catch_unwind` (`guard.rs`): a panic becomes
//!   `DD_ERR_PANIC`, never an abort or an unwind into C.
//! - Each thing Rust allocates has one free function; freeing `NULL` is a
//!   no-op.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod error;
mod guard;
#[cfg(feature = "test-hooks")]
pub mod hooks;
pub mod ruleset;
pub mod status;
pub mod strings;

pub use error::{
    dd_error, dd_error_free, dd_error_json, dd_error_message, dd_error_status, dd_last_error,
    dd_last_error_json,
};
pub use ruleset::{
    dd_ruleset, dd_ruleset_bundled, dd_ruleset_bundled_e, dd_ruleset_check, dd_ruleset_check_e,
    dd_ruleset_compile, dd_ruleset_compile_e, dd_ruleset_evaluate_json, dd_ruleset_evaluate_json_e,
    dd_ruleset_free, dd_ruleset_json_schema, dd_ruleset_json_schema_e, dd_ruleset_name,
    dd_ruleset_version, dd_ruleset_warnings_json, dd_ruleset_warnings_json_e,
    dd_ruleset_with_budget, dd_ruleset_with_budget_e,
};
pub use status::dd_status;
pub use strings::{dd_string_free, dd_version};
