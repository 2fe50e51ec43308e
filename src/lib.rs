#![forbid(unsafe_code)]
pub(crate) mod decimal;
pub(crate) mod limits;
pub(crate) mod span;
pub(crate) mod syntax;
pub(crate) mod report { pub(crate) mod diagnostic; }
