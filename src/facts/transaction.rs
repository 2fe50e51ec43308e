//! A typed Rust mirror of the fact schema of the bundled ruleset
//! `rulesets/us-state-2020.rules`.
//!
//! [`Transaction`] is the `facts` block: a facts document deserialises into it
//! and serialises back to one. Every field is optional because every fact may
//! be absent (unknown); absent fields are left out when serialising. Enum
//! values are written in `snake_case`, exactly as the ruleset declares them,
//! and each enum lists its values in declaration order in `ALL`.
//!
//! This mirror holds plain values only: a provenance wrapper such as
//! `{"value": 12, "source": "…", "as_of": "…"}` is not accepted here.

mod enums;
mod records;
#[cfg(test)]
mod tests;

pub use enums::{
    Capability, CivicSpace, DeploymentScope, EndUserKind, PartyRole, PrivacyMeasure, TechnicalLimit,
};
pub use records::{
    AfterSale, Chain, Contract, Country, Deployment, EndUser, Party, Payment, Product, Shipment,
    Transaction,
};
