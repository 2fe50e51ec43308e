//! Eval: facts to results, by the compiled program; and the reference interpreter.

pub(crate) mod interp;
pub(crate) mod machine;
pub(crate) mod missing;
pub(crate) mod outcome;
pub(crate) mod scalar;

#[cfg(test)]
pub(crate) mod proptests;
