//! Realistic transactions for the bundled ruleset, as the library's typed
//! [`Transaction`]: about one fact in ten unknown, now and then a whole
//! record. Facts the schema gains later stay unknown here.
// Every record is filled with `..Default::default()`, so that a fact the
// bundled schema gains later is simply left unknown here.
#![allow(clippy::needless_update)]

use dd_rules::Decimal;
use dd_rules::Transaction;
use dd_rules::transaction::{
    AfterSale, Capability, CivicSpace, Contract, Country, Deployment, DeploymentScope, EndUser,
    EndUserKind, Party, PartyRole, PrivacyMeasure, Product, TechnicalLimit,
};

use super::rng::{Rng, drop_nulls};

/// Each value of `all`, present with probability `percent` in 100.
fn some_of<T: Copy>(rng: &mut Rng, all: &[T], percent: u64) -> Vec<T> {
    all.iter()
        .copied()
        .filter(|_| rng.chance(percent))
        .collect()
}

const NAMES: [&str; 6] = [
    "Northwind Systems",
    "Kestrel Analytics",
    "Harbourline Freight",
    "Veridian Security Ltd",
    "Orbis Integration",
    "Talus Trading",
];
const CODES: [&str; 6] = ["XA", "XB", "XC", "XD", "XE", "XF"];

/// One transaction for the bundled ruleset.
pub fn generate(rng: &mut Rng, index: usize) -> Transaction {
    const U: u64 = 10;
    let product = Product {
        name: rng.maybe(U, |r| format!("Product {}", r.below(1000))),
        description: rng.maybe(U, |_| {
            "A system with the capabilities listed, delivered with installation and training."
                .to_string()
        }),
        capabilities: rng.maybe(U, |r| some_of(r, Capability::ALL, 12)),
        critical_component: rng.flag(15, U),
        covert_capability: rng.flag(10, U),
        classifies_protected_attributes: rng.flag(5, U),
        population_scale: rng.flag(15, U),
        integrated_with_other_items: rng.flag(40, U),
        system_risk_identified: rng.flag(15, U),
        customisation_adds_capability: rng.flag(10, U),
        customisation_removes_safeguards: rng.flag(5, U),
        features_disabled: rng.maybe(U, |r| some_of(r, Capability::ALL, 5)),
        unneeded_features_removed: rng.flag(60, U),
        technical_limits: rng.maybe(U, |r| some_of(r, TechnicalLimit::ALL, 40)),
        audit_logging: rng.flag(70, U),
        privacy_measures: rng.maybe(U, |r| some_of(r, PrivacyMeasure::ALL, 60)),
        ..Product::default()
    };
    let end_user = EndUser {
        name: rng.maybe(U, |r| r.pick(&NAMES).to_string()),
        kind: rng.maybe(U, |r| r.pick(EndUserKind::ALL)),
        is_government: rng.flag(60, U),
        stated_end_use: rng.maybe(U, |_| "Traffic management and public safety.".to_string()),
        end_use_specific: rng.flag(70, U),
        end_use_fits_capabilities: rng.flag(80, U),
        past_misuse_similar: rng.flag(5, U),
        abuse_history: rng.flag(15, U),
        exports_to_abusers: rng.flag(10, U),
        targets_protected_groups: rng.flag(5, U),
        sanctioned: rng.flag(2, U),
        independent_oversight: rng.flag(60, U),
        shares_with_other_agencies: rng.flag(30, U),
        ..EndUser::default()
    };
    let home = rng.pick(&CODES);
    let country = Country {
        name: rng.maybe(U, |_| format!("Republic of {home}")),
        iso_code: rng.maybe(U, |_| home.to_string()),
        freedom_score: rng.maybe(U, |r| r.below(101) as i64),
        internet_freedom_score: rng.maybe(U, |r| r.below(101) as i64),
        vdem_liberal_democracy: rng.maybe(U, |r| {
            Decimal::parse(&format!("0.{:02}", r.below(100))).unwrap()
        }),
        civic_space: rng.maybe(U, |r| r.pick(CivicSpace::ALL)),
        civic_space_laws: rng.flag(30, U),
        laws_targeting_groups: rng.flag(15, U),
        legal_protection_adequate: rng.flag(60, U),
        rule_of_law: rng.flag(60, U),
        surveillance_law_oversight: rng.flag(50, U),
        compelled_access_laws: rng.flag(30, U),
        speech_criminalised: rng.flag(20, U),
        shutdown_or_blocking_powers: rng.flag(20, U),
        encryption_restricted: rng.flag(15, U),
        ..Country::default()
    };
    let parties = (0..1 + rng.below(5))
        .map(|_| Party {
            name: rng.maybe(U, |r| r.pick(&NAMES).to_string()),
            role: rng.maybe(U, |r| r.pick(PartyRole::ALL)),
            country_code: rng.maybe(U, |r| r.pick(&CODES).to_string()),
            government_links: rng.flag(20, U),
            listed: rng.flag(2, U),
            discloses_end_user: rng.flag(85, U),
            consistent_information: rng.flag(90, U),
            unusual_routing: rng.flag(5, U),
            ..Party::default()
        })
        .collect();
    let deployment = Deployment {
        scope: rng.maybe(U, |r| r.pick(DeploymentScope::ALL)),
        locations: rng.maybe(U, |_| "Two sites in the capital.".to_string()),
        public_spaces: rng.flag(40, U),
        covert_use_intended: rng.flag(5, U),
        third_party_access: rng.flag(10, U),
        ..Deployment::default()
    };
    let contract = Contract {
        hr_clauses: rng.flag(60, U),
        permitted_uses_defined: rng.flag(60, U),
        data_governance: rng.flag(50, U),
        cutoff_right: rng.flag(50, U),
        end_use_undertaking: rng.flag(70, U),
        no_reexport_clause: rng.flag(70, U),
        audit_rights: rng.flag(50, U),
        staged_delivery: rng.flag(30, U),
        operator_training: rng.flag(50, U),
        internal_signoff: rng.flag(60, U),
        ..Contract::default()
    };
    let after_sale = AfterSale {
        grievance_channel_open: rng.flag(40, U),
        acts_on_reports: rng.flag(40, U),
        ongoing_monitoring: rng.flag(50, U),
        rescreening_on_change: rng.flag(40, U),
        ..AfterSale::default()
    };
    Transaction {
        id: Some(format!("B-{index}")),
        product: rng.maybe(3, |_| product),
        end_user: rng.maybe(3, |_| end_user),
        country: rng.maybe(3, |_| country),
        parties: rng.maybe(5, |_| parties),
        deployment: rng.maybe(3, |_| deployment),
        contract: rng.maybe(3, |_| contract),
        after_sale: rng.maybe(3, |_| after_sale),
        ..Transaction::default()
    }
}

/// The transaction as a facts document; unknown facts are left out, or
/// sometimes written as `null`.
pub fn to_json(tx: &Transaction, rng: &mut Rng) -> String {
    let mut value = serde_json::to_value(tx).unwrap();
    // The typed mirror already leaves unknown facts out; put a few nulls back.
    if let Some(map) = value.as_object_mut() {
        for key in ["deployment", "after_sale"] {
            if !map.contains_key(key) && rng.chance(50) {
                map.insert(key.to_string(), serde_json::Value::Null);
            }
        }
    }
    drop_nulls(&mut value, rng);
    value.to_string()
}
