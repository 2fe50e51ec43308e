//! The parser on arbitrary text: it returns an AST or syntax errors, and never
//! panics, overflows its stack or hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The library takes `&str`; the CLI refuses invalid UTF-8 before this point.
    if let Ok(source) = std::str::from_utf8(data) {
        dd_rules::__fuzz::parse(source);
    }
});
