//! Transactions of the benchmark ruleset as plain Rust structs, the way a
//! service would declare them, and a generator of realistic ones with some
//! facts unknown. `None` is an unknown fact.

use dd_rules::Decimal;
use serde::{Deserialize, Serialize};

use super::rng::{Rng, drop_nulls};

/// The kind of buyer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Police,
    Intelligence,
    Military,
    Ministry,
    City,
    Company,
    Ngo,
}

/// Civic space, from open to closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Civic {
    Open,
    Narrowed,
    Obstructed,
    Repressed,
    Closed,
}

/// A capability of the product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cap {
    Camera,
    Face,
    Voice,
    Location,
    Intercept,
    Spyware,
    Analytics,
    Storage,
}

/// The role of a party.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Distributor,
    Reseller,
    Integrator,
    Broker,
    Logistics,
    EndUser,
}

/// The buyer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buyer {
    pub name: Option<String>,
    pub kind: Option<Kind>,
    pub government: Option<bool>,
    pub sanctioned: Option<bool>,
    pub past_misuse: Option<bool>,
    pub oversight: Option<bool>,
}

/// The buyer's country.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub code: Option<String>,
    pub freedom: Option<i64>,
    pub democracy: Option<Decimal>,
    pub civic: Option<Civic>,
    pub rule_of_law: Option<bool>,
    pub shutdowns: Option<bool>,
}

/// A party to the transaction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub country: Option<String>,
    pub listed: Option<bool>,
    pub gov_links: Option<bool>,
    pub discloses: Option<bool>,
    pub share: Option<Decimal>,
}

/// The product.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub caps: Option<Vec<Cap>>,
    pub disabled: Option<Vec<Cap>>,
    pub covert: Option<bool>,
    pub units: Option<i64>,
}

/// The contract.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub hr_clauses: Option<bool>,
    pub cutoff: Option<bool>,
    pub audit: Option<bool>,
    pub no_reexport: Option<bool>,
    pub value: Option<Decimal>,
}

/// One transaction: the `facts` of the benchmark ruleset, and an id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tx {
    pub id: Option<String>,
    pub buyer: Option<Buyer>,
    pub country: Option<Country>,
    pub product: Option<Product>,
    pub parties: Option<Vec<Party>>,
    pub contract: Option<Contract>,
    pub public_spaces: Option<bool>,
}

const KINDS: [Kind; 7] = [
    Kind::Police,
    Kind::Intelligence,
    Kind::Military,
    Kind::Ministry,
    Kind::City,
    Kind::Company,
    Kind::Ngo,
];
const CIVIC: [Civic; 5] = [
    Civic::Open,
    Civic::Narrowed,
    Civic::Obstructed,
    Civic::Repressed,
    Civic::Closed,
];
const CAPS: [Cap; 8] = [
    Cap::Camera,
    Cap::Face,
    Cap::Voice,
    Cap::Location,
    Cap::Intercept,
    Cap::Spyware,
    Cap::Analytics,
    Cap::Storage,
];
const ROLES: [Role; 6] = [
    Role::Distributor,
    Role::Reseller,
    Role::Integrator,
    Role::Broker,
    Role::Logistics,
    Role::EndUser,
];
const COUNTRIES: [&str; 8] = ["XA", "XB", "XC", "XD", "XE", "XF", "XG", "XH"];

/// A decimal with two places, `cents / 100`.
fn cents(cents: u64) -> Decimal {
    Decimal::parse(&format!("{}.{:02}", cents / 100, cents % 100)).unwrap()
}

/// A set of capabilities, each present with probability `percent` in 100,
/// the intrusive ones (interception, spyware) a quarter as often.
fn caps(rng: &mut Rng, percent: u64) -> Vec<Cap> {
    CAPS.iter()
        .copied()
        .filter(|c| {
            let p = match c {
                Cap::Intercept | Cap::Spyware => percent / 4,
                _ => percent,
            };
            rng.chance(p)
        })
        .collect()
}

/// One transaction. About one fact in ten is unknown, and now and then a
/// whole record or the list of parties.
pub fn generate(rng: &mut Rng, index: usize) -> Tx {
    const U: u64 = 10;
    let home = rng.pick(&COUNTRIES);
    let buyer = Buyer {
        name: rng.maybe(U, |r| format!("Buyer {}", r.below(10_000))),
        kind: rng.maybe(U, |r| r.pick(&KINDS)),
        government: rng.flag(60, U),
        sanctioned: rng.flag(3, U),
        past_misuse: rng.flag(5, U),
        oversight: rng.flag(60, U),
    };
    let country = Country {
        code: rng.maybe(U, |_| home.to_string()),
        freedom: rng.maybe(U, |r| r.below(101) as i64),
        democracy: rng.maybe(U, |r| cents(r.below(101))),
        civic: rng.maybe(U, |r| r.pick(&CIVIC)),
        rule_of_law: rng.flag(60, U),
        shutdowns: rng.flag(20, U),
    };
    let product = Product {
        caps: rng.maybe(U, |r| caps(r, 30)),
        disabled: rng.maybe(U, |r| caps(r, 40)),
        covert: rng.flag(10, U),
        units: rng.maybe(U, |r| r.below(2_000) as i64),
    };
    let parties = (0..1 + rng.below(6))
        .map(|i| Party {
            name: rng.maybe(U, |_| format!("Party {i}")),
            role: rng.maybe(U, |r| r.pick(&ROLES)),
            country: rng.maybe(U, |r| {
                if r.chance(50) {
                    home.to_string()
                } else {
                    r.pick(&COUNTRIES).to_string()
                }
            }),
            listed: rng.flag(2, U),
            gov_links: rng.flag(25, U),
            discloses: rng.flag(80, U),
            share: rng.maybe(U, |r| cents(r.below(101))),
        })
        .collect();
    let contract = Contract {
        hr_clauses: rng.flag(60, U),
        cutoff: rng.flag(60, U),
        audit: rng.flag(60, U),
        no_reexport: rng.flag(70, U),
        value: rng.maybe(U, |r| cents(r.below(200_000_000))),
    };
    Tx {
        id: Some(format!("T-{index}")),
        buyer: rng.maybe(3, |_| buyer),
        country: rng.maybe(3, |_| country),
        product: rng.maybe(3, |_| product),
        parties: rng.maybe(5, |_| parties),
        contract: rng.maybe(3, |_| contract),
        public_spaces: rng.flag(40, U),
    }
}

impl Tx {
    /// The transaction as a facts document: unknown facts mostly left out,
    /// sometimes written as `null`.
    pub fn to_json(&self, rng: &mut Rng) -> String {
        let mut value = serde_json::to_value(self).unwrap();
        drop_nulls(&mut value, rng);
        value.to_string()
    }
}
