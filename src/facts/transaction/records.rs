//! The records of the bundled schema and [`Transaction`], its `facts` block.

use serde::{Deserialize, Serialize};

use super::enums::{
    Capability, CivicSpace, DeploymentScope, EndUserKind, PartyRole, PrivacyMeasure, TechnicalLimit,
};
use crate::decimal::Decimal;

/// The product or service being sold (step 1), and how it was tailored (step 5).
///
/// ```
/// use dd_rules::transaction::{Capability, Product};
///
/// // Unknown facts are `None` and left out of the document.
/// let part = Product { capabilities: Some(vec![Capability::Spyware]), covert_capability: Some(true), ..Product::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"capabilities": ["spyware"], "covert_capability": true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// The product's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the item does and how it will be delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Every capability the item has as delivered, intended or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<Capability>>,
    /// Capabilities the buyer has asked for that the item does not have as delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities_requested: Option<Vec<Capability>>,
    /// A critical component of another item with surveillance capabilities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub critical_component: Option<bool>,
    /// Can identify, track or record people covertly or without consent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covert_capability: Option<bool>,
    /// Marketed for covert use (undetectable, leaves no trace, works without the target's knowledge).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marketed_for_covert_use: Option<bool>,
    /// Can classify or target people by protected attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classifies_protected_attributes: Option<bool>,
    /// Works at population scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population_scale: Option<bool>,
    /// Combined or integrated with other items into greater surveillance capability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrated_with_other_items: Option<bool>,
    /// Can be used to build a system identified as reasonably likely to be used for abuses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_risk_identified: Option<bool>,
    /// The buyer asked for customisation that adds surveillance capability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customisation_adds_capability: Option<bool>,
    /// The buyer asked for customisation that removes or weakens safeguards.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customisation_removes_safeguards: Option<bool>,
    /// Step 5: capabilities removed or disabled for this buyer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features_disabled: Option<Vec<Capability>>,
    /// Step 5: every feature not needed for the stated end-use is removed or disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unneeded_features_removed: Option<bool>,
    /// Step 5: technical limits built in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technical_limits: Option<Vec<TechnicalLimit>>,
    /// Step 5: tamper-evident audit logs of use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_logging: Option<bool>,
    /// Step 5: privacy-by-design measures built in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_measures: Option<Vec<PrivacyMeasure>>,
}

/// The end-user: the body that will actually use the item (step 2).
///
/// ```
/// use dd_rules::transaction::{EndUser, EndUserKind};
///
/// // Unknown facts are `None` and left out of the document.
/// let part = EndUser { kind: Some(EndUserKind::NationalPolice), sanctioned: Some(false), ..EndUser::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"kind": "national_police", "sanctioned": false}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndUser {
    /// The end-user's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The kind of body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<EndUserKind>,
    /// A government body, or acting for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_government: Option<bool>,
    /// The end-use as the buyer stated it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated_end_use: Option<String>,
    /// The stated end-use is specific and has not shifted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_use_specific: Option<bool>,
    /// The stated end-use fits the capabilities and quantities ordered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_use_fits_capabilities: Option<bool>,
    /// Has used similar products or services to commit abuses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub past_misuse_similar: Option<bool>,
    /// The end-user itself (the agency, its units or officials) has a history of human-rights abuses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abuse_history: Option<bool>,
    /// The government exports to countries with a history of abuses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exports_to_abusers: Option<bool>,
    /// Credible reports of targeting journalists, defenders, opposition, lawyers or minorities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets_protected_groups: Option<bool>,
    /// The end-user or its officials are under human-rights sanctions or listings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanctioned: Option<bool>,
    /// Subject to independent oversight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub independent_oversight: Option<bool>,
    /// Shares the system, its access or its data with other agencies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shares_with_other_agencies: Option<bool>,
}

/// The end-user's country: indices and laws (steps 2 and 3).
///
/// ```
/// use dd_rules::transaction::{CivicSpace, Country};
///
/// // Unknown facts are `None` and left out of the document.
/// let part = Country { civic_space: Some(CivicSpace::Closed), freedom_score: Some(12), ..Country::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"civic_space": "closed", "freedom_score": 12}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    /// The country's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iso_code: Option<String>,
    /// Freedom House, Freedom in the World, 0-100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freedom_score: Option<i64>,
    /// Freedom House, Freedom on the Net, 0-100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internet_freedom_score: Option<i64>,
    /// V-Dem liberal democracy index, 0-1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vdem_liberal_democracy: Option<Decimal>,
    /// CIVICUS Monitor rating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub civic_space: Option<CivicSpace>,
    /// The country's government has a history of human-rights abuses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abuse_history: Option<bool>,
    /// Laws unduly restrict civic space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub civic_space_laws: Option<bool>,
    /// Laws target particular groups in violation of international law.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub laws_targeting_groups: Option<bool>,
    /// The law gives adequate protection for human rights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_protection_adequate: Option<bool>,
    /// Rule of law holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_of_law: Option<bool>,
    /// Surveillance law requires judicial authorisation, limits and oversight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surveillance_law_oversight: Option<bool>,
    /// Laws compel companies to give data, keys or real-time access.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compelled_access_laws: Option<bool>,
    /// Laws criminalise speech.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech_criminalised: Option<bool>,
    /// Powers to shut down networks or block content and services.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shutdown_or_blocking_powers: Option<bool>,
    /// Encryption is banned or restricted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_restricted: Option<bool>,
}

/// A party to the transaction other than the seller (step 4).
///
/// ```
/// use dd_rules::transaction::{Party, PartyRole};
///
/// // Unknown facts are `None` and left out of the document.
/// let part = Party { role: Some(PartyRole::Broker), listed: Some(true), ..Party::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"role": "broker", "listed": true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// The party's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The part it plays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<PartyRole>,
    /// ISO 3166-1 alpha-2 code of the country where it is established.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Close links to a government.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub government_links: Option<bool>,
    /// On a restricted or sanctions list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listed: Option<bool>,
    /// The list(s) a listed party is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing: Option<String>,
    /// Names the end-user and the end-use when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discloses_end_user: Option<bool>,
    /// What it says about end-user, end-use, delivery and payment is consistent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_information: Option<bool>,
    /// Transshipment, shell companies or payment patterns with no business reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unusual_routing: Option<bool>,
}

/// How much of the chain of parties between the seller and the end-user is known (step 4).
///
/// ```
/// use dd_rules::transaction::Chain;
///
/// // Unknown facts are `None` and left out of the document.
/// let part = Chain { complete: Some(false), unidentified_listed: Some(false), ..Chain::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"complete": false, "unidentified_listed": false}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// `parties` lists every party between the seller and the end-user; with
    /// `parties` left out, true means there is none (a direct sale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    /// When the chain is not complete: a party not yet identified is on a restricted or sanctions list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unidentified_listed: Option<bool>,
    /// When the chain is not complete: a party not yet identified has close links to a government.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unidentified_government_links: Option<bool>,
    /// When the chain is not complete: a party not yet identified shows unusual routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unidentified_unusual_routing: Option<bool>,
}

/// The route the goods take to the end-user (step 4).
///
/// ```
/// use dd_rules::transaction::Shipment;
///
/// // Unknown facts are `None` and left out of the document.
/// let part = Shipment { transit_country_of_concern: Some(true), ..Shipment::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"transit_country_of_concern": true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shipment {
    /// The goods pass through, or are transshipped in, a third country of concern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_country_of_concern: Option<bool>,
    /// The route or the delivery point has no business reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unexplained_route: Option<bool>,
}

/// The payment path (step 4).
///
/// ```
/// use dd_rules::transaction::Payment;
///
/// // Unknown facts are `None` and left out of the document.
/// let part = Payment { third_party_payer: Some(true), ..Payment::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"third_party_payer": true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// Paid by a party with no apparent part in the transaction, with no business reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_party_payer: Option<bool>,
    /// A payment pattern with no business reason (cash, crypto, structured transfers, offshore or shell accounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unexplained_pattern: Option<bool>,
    /// A bank or payment institution in the payment path is on a restricted or sanctions list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listed_institution: Option<bool>,
}

/// How and where the item will be used.
///
/// ```
/// use dd_rules::transaction::{Deployment, DeploymentScope};
///
/// // Unknown facts are `None` and left out of the document.
/// let part = Deployment { scope: Some(DeploymentScope::National), public_spaces: Some(true), ..Deployment::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"scope": "national", "public_spaces": true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// How widely the item will be deployed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<DeploymentScope>,
    /// Where the item will be installed or used, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locations: Option<String>,
    /// Operates in public spaces, where people cannot avoid it or consent to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_spaces: Option<bool>,
    /// The buyer intends covert use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covert_use_intended: Option<bool>,
    /// Others could reach the system or its data without the seller's authorisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_party_access: Option<bool>,
}

/// Contractual and procedural safeguards agreed before the sale (step 6).
///
/// ```
/// use dd_rules::transaction::Contract;
///
/// // Unknown facts are `None` and left out of the document.
/// let part = Contract { cutoff_right: Some(true), ..Contract::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"cutoff_right": true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Human-rights clauses specific to the risks found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hr_clauses: Option<bool>,
    /// Permitted and prohibited uses defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permitted_uses_defined: Option<bool>,
    /// Data-governance terms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_governance: Option<bool>,
    /// Right to cut off access, updates, training and support, or terminate, on evidence of misuse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cutoff_right: Option<bool>,
    /// End-use undertaking signed by the end-user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_use_undertaking: Option<bool>,
    /// Resale, re-export and transfer prohibited without consent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_reexport_clause: Option<bool>,
    /// Audit and monitoring rights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_rights: Option<bool>,
    /// Delivery in stages with review between them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staged_delivery: Option<bool>,
    /// Operators trained in rights-respecting use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator_training: Option<bool>,
    /// Internal escalation and sign-off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_signoff: Option<bool>,
}

/// Safeguards kept up after the sale, for as long as the item is in use (step 7).
///
/// ```
/// use dd_rules::transaction::AfterSale;
///
/// // Unknown facts are `None` and left out of the document.
/// let part = AfterSale { ongoing_monitoring: Some(true), ..AfterSale::default() };
/// assert_eq!(serde_json::to_value(&part)?, serde_json::json!({"ongoing_monitoring": true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterSale {
    /// A grievance channel open to affected people and whistle-blowers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grievance_channel_open: Option<bool>,
    /// Reports are investigated and acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acts_on_reports: Option<bool>,
    /// Use is monitored and safeguards kept live for the life of the product.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ongoing_monitoring: Option<bool>,
    /// Re-screening when facts change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescreening_on_change: Option<bool>,
}

/// The facts of one transaction: the `facts` block of the ruleset, plus the
/// transaction id (the top-level `"id"` of a facts document).
///
/// ```
/// use dd_rules::transaction::{Party, PartyRole};
/// use dd_rules::{RuleSet, Status, Transaction};
///
/// let tx = Transaction {
///     id: Some("T-9".into()),
///     parties: Some(vec![Party { role: Some(PartyRole::Broker), listed: Some(true), ..Party::default() }]),
///     ..Transaction::default()
/// };
/// let rules = RuleSet::bundled()?;
/// let report = rules.evaluate(&rules.facts_from_transaction(&tx)?)?;
/// assert_eq!(report.transaction(), Some("T-9"));
/// assert_eq!(report.flag("S4.listed_party").unwrap().status, Status::Raised);
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transaction {
    /// The transaction id; not a fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The product or service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<Product>,
    /// The end-user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_user: Option<EndUser>,
    /// The end-user's country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// Everyone in the chain who could get access, the end-user included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parties: Option<Vec<Party>>,
    /// Whether `parties` lists the whole chain up to the end-user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<Chain>,
    /// The route the goods take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment: Option<Shipment>,
    /// The payment path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
    /// How and where the item will be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Deployment>,
    /// Safeguards agreed before the sale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<Contract>,
    /// Safeguards kept up after the sale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_sale: Option<AfterSale>,
}
