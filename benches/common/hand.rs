//! The benchmark ruleset (`benches/data/bench.rules`) written by hand in
//! plain Rust: structs, `if`s and `Option<bool>` for three-valued logic
//! (`None` is unknown), as a service without a rules engine would write it.
//! It gives the same statuses and disposition as the engine; this is the
//! baseline every ratio in BENCHMARKS.md is taken against.

use dd_rules::{Decimal, SafeguardStatus, Severity, Status};

use super::tx::{Cap, Civic, Kind, Party, Role, Tx};

/// A truth value that may be unknown.
type T = Option<bool>;

fn and(a: T, b: T) -> T {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or(a: T, b: T) -> T {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn not(a: T) -> T {
    a.map(|x| !x)
}

/// `any(p in parties where f(p))`: true as soon as one is, unknown if one is.
fn any(parties: Option<&Vec<Party>>, f: impl Fn(&Party) -> T) -> T {
    let parties = parties?;
    let mut out = Some(false);
    for p in parties {
        match f(p) {
            Some(true) => return Some(true),
            None => out = None,
            Some(false) => {}
        }
    }
    out
}

/// `all(p in parties where f(p))`.
fn all(parties: Option<&Vec<Party>>, f: impl Fn(&Party) -> T) -> T {
    not(any(parties, |p| not(f(p))))
}

/// `count(p in parties where f(p)) >= n`: decided when the parties that are
/// known to match reach `n`, or cannot reach it even with every unknown one.
fn count_at_least(parties: Option<&Vec<Party>>, n: usize, f: impl Fn(&Party) -> T) -> T {
    let parties = parties?;
    let (mut sure, mut maybe) = (0, 0);
    for p in parties {
        match f(p) {
            Some(true) => sure += 1,
            None => maybe += 1,
            Some(false) => {}
        }
    }
    if sure >= n {
        Some(true)
    } else if sure + maybe < n {
        Some(false)
    } else {
        None
    }
}

/// The statuses and disposition of one transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandOutcome {
    /// In the order of the flags in the ruleset.
    pub flags: [Status; FLAGS],
    pub mitigated: [bool; FLAGS],
    /// In the order of the safeguards in the ruleset.
    pub safeguards: [SafeguardStatus; SAFEGUARDS],
    /// The index of the outcome in `OUTCOMES`.
    pub disposition: usize,
}

/// How many flags and safeguards the ruleset has.
pub const FLAGS: usize = 21;
pub const SAFEGUARDS: usize = 5;

/// The outcomes, least strict first.
pub const OUTCOMES: [&str; 5] = [
    "proceed",
    "proceed_with_safeguards",
    "gather_facts",
    "escalate",
    "refuse",
];

const HR: usize = 0;
const CUTOFF: usize = 1;
const REEXPORT: usize = 2;
const LIMITS: usize = 3;
const SMALL: usize = 4;

/// The severity of each flag and the safeguards that mitigate it.
const FLAG_INFO: [(Severity, &[usize]); FLAGS] = [
    (Severity::Critical, &[]),
    (Severity::Critical, &[HR, CUTOFF]),
    (Severity::High, &[HR, CUTOFF]),
    (Severity::High, &[CUTOFF]),
    (Severity::Medium, &[HR]),
    (Severity::High, &[HR, CUTOFF]),
    (Severity::Medium, &[LIMITS]),
    (Severity::Critical, &[LIMITS, CUTOFF]),
    (Severity::High, &[HR]),
    (Severity::Low, &[]),
    (Severity::High, &[HR, SMALL]),
    (Severity::High, &[CUTOFF]),
    (Severity::Critical, &[]),
    (Severity::High, &[REEXPORT]),
    (Severity::Medium, &[REEXPORT]),
    (Severity::Medium, &[REEXPORT, HR]),
    (Severity::Low, &[]),
    (Severity::Medium, &[CUTOFF]),
    (Severity::Medium, &[HR]),
    (Severity::Medium, &[REEXPORT]),
    (Severity::Medium, &[]),
];

/// The hand-written rules, with their decimal thresholds parsed once.
pub struct Hand {
    d_0_2: Decimal,
    d_0_35: Decimal,
    d_0_5: Decimal,
    d_1m: Decimal,
}

impl Default for Hand {
    fn default() -> Hand {
        Hand::new()
    }
}

impl Hand {
    /// The rules.
    pub fn new() -> Hand {
        let d = |s: &str| Decimal::parse(s).unwrap();
        Hand {
            d_0_2: d("0.2"),
            d_0_35: d("0.35"),
            d_0_5: d("0.5"),
            d_1m: d("1000000.00"),
        }
    }

    /// Evaluates one transaction.
    pub fn evaluate(&self, tx: &Tx) -> HandOutcome {
        let buyer = tx.buyer.as_ref();
        let country = tx.country.as_ref();
        let product = tx.product.as_ref();
        let contract = tx.contract.as_ref();
        let parties = tx.parties.as_ref();
        let kind = buyer.and_then(|b| b.kind);
        let caps = product.and_then(|p| p.caps.as_ref());
        let civic = country.and_then(|c| c.civic);
        let code = country.and_then(|c| c.code.as_deref());

        // Predicates.
        let security =
            kind.map(|k| matches!(k, Kind::Police | Kind::Intelligence | Kind::Military));
        let identifies = caps.map(|c| c.iter().any(|x| matches!(x, Cap::Face | Cap::Voice)));
        let poor_record = or(
            or(
                country.and_then(|c| c.freedom).map(|f| f < 35),
                civic.map(|c| c >= Civic::Repressed),
            ),
            country.and_then(|c| c.democracy).map(|d| d < self.d_0_2),
        );

        // Safeguards.
        let safeguards: [T; SAFEGUARDS] = [
            contract.and_then(|c| c.hr_clauses),
            and(
                contract.and_then(|c| c.cutoff),
                contract.and_then(|c| c.audit),
            ),
            contract.and_then(|c| c.no_reexport),
            product
                .and_then(|p| p.disabled.as_ref())
                .map(|d| d.contains(&Cap::Spyware) && d.contains(&Cap::Intercept)),
            product.and_then(|p| p.units).map(|u| u <= 50),
        ];

        // Flags.
        let flags: [T; FLAGS] = [
            buyer.and_then(|b| b.sanctioned),
            buyer.and_then(|b| b.past_misuse),
            and(security, poor_record),
            country.and_then(|c| c.freedom).map(|f| f < 20),
            and(
                country.and_then(|c| c.democracy).map(|d| d <= self.d_0_35),
                not(country.and_then(|c| c.rule_of_law)),
            ),
            civic.map(|c| matches!(c, Civic::Repressed | Civic::Closed)),
            and(
                civic.map(|c| c >= Civic::Obstructed),
                country.and_then(|c| c.shutdowns),
            ),
            caps.map(|c| c.iter().any(|x| matches!(x, Cap::Spyware | Cap::Intercept))),
            caps.map(|c| {
                c.contains(&Cap::Camera) && c.contains(&Cap::Face) && c.contains(&Cap::Analytics)
            }),
            caps.map(|c| !c.contains(&Cap::Storage)),
            and(identifies, tx.public_spaces),
            or(
                product.and_then(|p| p.covert),
                caps.map(|c| c.contains(&Cap::Spyware)),
            ),
            any(parties, |p| p.listed),
            any(parties, |p| {
                and(
                    p.role
                        .map(|r| matches!(r, Role::Distributor | Role::Reseller | Role::Broker)),
                    not(p.discloses),
                )
            }),
            all(parties, |p| match (p.country.as_deref(), code) {
                (Some(a), Some(b)) => Some(a != b),
                _ => None,
            }),
            count_at_least(parties, 2, |p| p.gov_links),
            parties.map(|p| p.len() > 4),
            or(
                product.and_then(|p| p.units).map(|u| u > 1000),
                contract.and_then(|c| c.value).map(|v| v >= self.d_1m),
            ),
            and(
                not(buyer.and_then(|b| b.oversight)),
                or(buyer.and_then(|b| b.government), security),
            ),
            any(parties, |p| {
                and(
                    p.share.map(|s| s > self.d_0_5),
                    p.role.map(|r| r != Role::EndUser),
                )
            }),
            Some(kind.is_none()),
        ];

        let mut out = HandOutcome {
            flags: [Status::Unknown; FLAGS],
            mitigated: [false; FLAGS],
            safeguards: [SafeguardStatus::Unknown; SAFEGUARDS],
            disposition: 0,
        };
        for (s, t) in out.safeguards.iter_mut().zip(safeguards) {
            *s = match t {
                Some(true) => SafeguardStatus::InPlace,
                Some(false) => SafeguardStatus::Missing,
                None => SafeguardStatus::Unknown,
            };
        }
        for i in 0..FLAGS {
            out.flags[i] = match flags[i] {
                Some(true) => Status::Raised,
                Some(false) => Status::Clear,
                None => Status::Unknown,
            };
            let by = FLAG_INFO[i].1;
            out.mitigated[i] = !by.is_empty() && by.iter().all(|&s| safeguards[s] == Some(true));
        }

        // The disposition: the first case that holds.
        let mut raised_critical = false;
        let mut raised_unmitigated_critical = false;
        let mut raised_unmitigated_high = 0;
        let mut unknown_high = false;
        let mut raised_unmitigated = false;
        for ((status, mitigated), (severity, _)) in
            out.flags.iter().zip(out.mitigated).zip(FLAG_INFO)
        {
            match status {
                Status::Raised => {
                    let unmitigated = !mitigated;
                    raised_critical |= severity >= Severity::Critical;
                    raised_unmitigated |= unmitigated;
                    if unmitigated && severity >= Severity::Critical {
                        raised_unmitigated_critical = true;
                    }
                    if unmitigated && severity >= Severity::High {
                        raised_unmitigated_high += 1;
                    }
                }
                Status::Unknown => unknown_high |= severity >= Severity::High,
                Status::Clear => {}
                // `Status` is non-exhaustive; the fast path gives these three.
                other => unreachable!("a status the baseline does not know: {other}"),
            }
        }
        out.disposition = if raised_unmitigated_critical {
            4
        } else if raised_critical || raised_unmitigated_high >= 2 {
            3
        } else if unknown_high {
            2
        } else if raised_unmitigated {
            1
        } else {
            0
        };
        out
    }
}
