//! Eval: facts to results, by the compiled program; and the reference interpreter.

pub(crate) mod batch;
pub(crate) mod budget;
pub(crate) mod interp;
pub(crate) mod machine;
mod missing;
pub(crate) mod outcome;
pub(crate) mod report;
pub(crate) mod scalar;
pub(crate) mod tri;

#[cfg(test)]
mod proptests;
