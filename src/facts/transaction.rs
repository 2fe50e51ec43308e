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

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;

/// What a product or service can do: the categories the guidance names, then
/// the finer kinds of the 2019 draft (plus interception and voice recognition).
///
/// ```
/// use dd_rules::transaction::Capability;
///
/// // Written as the ruleset declares the value; `ALL` in declaration order.
/// assert_eq!(serde_json::to_string(&Capability::Spyware)?, r#""spyware""#);
/// assert_eq!(serde_json::from_str::<Capability>(r#""spyware""#)?, Capability::Spyware);
/// assert!(Capability::ALL.contains(&Capability::Spyware));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Capability {
    /// Sensors of any kind that capture data about people.
    Sensor,
    /// Identification of people from fingerprints, face, iris, voice or other body traits.
    BiometricIdentification,
    /// Software or services that analyse data about people.
    DataAnalytics,
    /// Tools that monitor, collect or analyse internet traffic or online activity.
    InternetSurveillance,
    /// Non-cooperative location tracking.
    LocationTracking,
    /// Devices that record audio or video, including ones reachable remotely.
    RecordingDevice,
    /// Software that covertly takes control of, or extracts data from, a device.
    Spyware,
    /// Tools that break or weaken encryption.
    CryptoAnalysis,
    /// Intrusion and penetration-testing tools.
    PenetrationTesting,
    /// Deep packet inspection of network traffic.
    DeepPacketInspection,
    /// Chips or modules built to run computer-vision models.
    ComputerVisionChip,
    /// Cell-site simulators ("IMSI catchers").
    CellSiteSimulator,
    /// Automatic number-plate (licence-plate) recognition.
    LicencePlateReader,
    /// Cameras worn on the body.
    BodyWornCamera,
    /// Unmanned aircraft carrying sensors or recording equipment.
    Drone,
    /// Recognition of people from images or video of their face.
    FacialRecognition,
    /// Thermal or infrared imaging.
    ThermalImaging,
    /// Rapid DNA analysis outside a laboratory.
    RapidDna,
    /// Automated biometric identification systems.
    AutomatedBiometricSystem,
    /// Monitoring and analysis of social-media content, accounts and networks.
    SocialMediaAnalytics,
    /// Identification or tracking of people from the way they walk.
    GaitAnalysis,
    /// Surveillance of network protocols and signalling.
    NetworkProtocolSurveillance,
    /// Interception of the content or metadata of communications.
    Interception,
    /// Speaker identification or voice recognition.
    VoiceRecognition,
}

impl Capability {
    /// Every value, in declaration order.
    pub const ALL: &[Self] = &[
        Self::Sensor,
        Self::BiometricIdentification,
        Self::DataAnalytics,
        Self::InternetSurveillance,
        Self::LocationTracking,
        Self::RecordingDevice,
        Self::Spyware,
        Self::CryptoAnalysis,
        Self::PenetrationTesting,
        Self::DeepPacketInspection,
        Self::ComputerVisionChip,
        Self::CellSiteSimulator,
        Self::LicencePlateReader,
        Self::BodyWornCamera,
        Self::Drone,
        Self::FacialRecognition,
        Self::ThermalImaging,
        Self::RapidDna,
        Self::AutomatedBiometricSystem,
        Self::SocialMediaAnalytics,
        Self::GaitAnalysis,
        Self::NetworkProtocolSurveillance,
        Self::Interception,
        Self::VoiceRecognition,
    ];
}

/// Technical limits built into the item at step 5.
///
/// ```
/// use dd_rules::transaction::TechnicalLimit;
///
/// // Written as the ruleset declares the value; `ALL` in declaration order.
/// assert_eq!(serde_json::to_string(&TechnicalLimit::Geofencing)?, r#""geofencing""#);
/// assert_eq!(serde_json::from_str::<TechnicalLimit>(r#""geofencing""#)?, TechnicalLimit::Geofencing);
/// assert!(TechnicalLimit::ALL.contains(&TechnicalLimit::Geofencing));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TechnicalLimit {
    /// Licence keys that enable only the licensed features.
    LicenceKeys,
    /// Licences that expire unless renewed.
    TimeLimitedLicence,
    /// The item works only inside an agreed geographic area.
    Geofencing,
    /// A cap on the number of targets, identities or watch-list entries.
    TargetCaps,
}

impl TechnicalLimit {
    /// Every value, in declaration order.
    pub const ALL: &[Self] = &[
        Self::LicenceKeys,
        Self::TimeLimitedLicence,
        Self::Geofencing,
        Self::TargetCaps,
    ];
}

/// Privacy-by-design measures built into the item at step 5.
///
/// ```
/// use dd_rules::transaction::PrivacyMeasure;
///
/// // Written as the ruleset declares the value; `ALL` in declaration order.
/// assert_eq!(serde_json::to_string(&PrivacyMeasure::DataMinimisation)?, r#""data_minimisation""#);
/// assert_eq!(serde_json::from_str::<PrivacyMeasure>(r#""data_minimisation""#)?, PrivacyMeasure::DataMinimisation);
/// assert!(PrivacyMeasure::ALL.contains(&PrivacyMeasure::DataMinimisation));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PrivacyMeasure {
    /// Only the data needed for the stated use is collected.
    DataMinimisation,
    /// Data is deleted after a fixed retention period.
    RetentionLimits,
    /// Access is restricted to named, authenticated roles.
    AccessControl,
    /// Data is encrypted at rest and in transit.
    Encryption,
    /// Identities are pseudonymised until a lawful, logged need to re-identify.
    Pseudonymisation,
}

impl PrivacyMeasure {
    /// Every value, in declaration order.
    pub const ALL: &[Self] = &[
        Self::DataMinimisation,
        Self::RetentionLimits,
        Self::AccessControl,
        Self::Encryption,
        Self::Pseudonymisation,
    ];
}

/// The kind of body that will use the item.
///
/// ```
/// use dd_rules::transaction::EndUserKind;
///
/// // Written as the ruleset declares the value; `ALL` in declaration order.
/// assert_eq!(serde_json::to_string(&EndUserKind::NationalPolice)?, r#""national_police""#);
/// assert_eq!(serde_json::from_str::<EndUserKind>(r#""national_police""#)?, EndUserKind::NationalPolice);
/// assert!(EndUserKind::ALL.contains(&EndUserKind::NationalPolice));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EndUserKind {
    /// National police.
    NationalPolice,
    /// Regional, provincial or municipal police.
    LocalPolice,
    /// Intelligence or security services.
    Intelligence,
    /// Armed forces.
    Military,
    /// Internal security forces, gendarmerie, riot police or paramilitary units.
    InternalSecurity,
    /// Prisons, detention or correctional services.
    Prisons,
    /// Border, immigration or customs agencies.
    BorderControl,
    /// A civilian ministry or central-government department.
    Ministry,
    /// A city, municipal or local government (other than its police).
    CityGovernment,
    /// A regulator or inspectorate.
    Regulator,
    /// A civilian public-service agency (transport, health, tax, statistics).
    PublicServiceAgency,
    /// A company owned or controlled by the state.
    StateOwnedEnterprise,
    /// A private company with no state ownership.
    PrivateCompany,
}

impl EndUserKind {
    /// Every value, in declaration order.
    pub const ALL: &[Self] = &[
        Self::NationalPolice,
        Self::LocalPolice,
        Self::Intelligence,
        Self::Military,
        Self::InternalSecurity,
        Self::Prisons,
        Self::BorderControl,
        Self::Ministry,
        Self::CityGovernment,
        Self::Regulator,
        Self::PublicServiceAgency,
        Self::StateOwnedEnterprise,
        Self::PrivateCompany,
    ];
}

/// CIVICUS Monitor civic-space rating, from most to least open.
///
/// ```
/// use dd_rules::transaction::CivicSpace;
///
/// // Written as the ruleset declares the value; `ALL` in declaration order.
/// assert_eq!(serde_json::to_string(&CivicSpace::Repressed)?, r#""repressed""#);
/// assert_eq!(serde_json::from_str::<CivicSpace>(r#""repressed""#)?, CivicSpace::Repressed);
/// assert!(CivicSpace::ALL.contains(&CivicSpace::Repressed));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CivicSpace {
    /// Open.
    Open,
    /// Narrowed.
    Narrowed,
    /// Obstructed.
    Obstructed,
    /// Repressed.
    Repressed,
    /// Closed.
    Closed,
}

impl CivicSpace {
    /// Every value, in declaration order.
    pub const ALL: &[Self] = &[
        Self::Open,
        Self::Narrowed,
        Self::Obstructed,
        Self::Repressed,
        Self::Closed,
    ];
}

/// The part a party plays in the transaction (step 4).
///
/// ```
/// use dd_rules::transaction::PartyRole;
///
/// // Written as the ruleset declares the value; `ALL` in declaration order.
/// assert_eq!(serde_json::to_string(&PartyRole::Broker)?, r#""broker""#);
/// assert_eq!(serde_json::from_str::<PartyRole>(r#""broker""#)?, PartyRole::Broker);
/// assert!(PartyRole::ALL.contains(&PartyRole::Broker));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PartyRole {
    /// Buys to resell in a market, often holding stock.
    Distributor,
    /// Resells to a customer it may not name.
    Reseller,
    /// Combines the item with other systems and installs it.
    Integrator,
    /// Runs or hosts the system for the end-user.
    Operator,
    /// Arranges the sale for a fee or commission.
    Broker,
    /// Finances or pays for the transaction.
    Financier,
    /// Ships, forwards or stores the goods.
    Logistics,
    /// The party declared as the end-user itself.
    DeclaredEndUser,
}

impl PartyRole {
    /// Every value, in declaration order.
    pub const ALL: &[Self] = &[
        Self::Distributor,
        Self::Reseller,
        Self::Integrator,
        Self::Operator,
        Self::Broker,
        Self::Financier,
        Self::Logistics,
        Self::DeclaredEndUser,
    ];
}

/// How widely the item will be deployed.
///
/// ```
/// use dd_rules::transaction::DeploymentScope;
///
/// // Written as the ruleset declares the value; `ALL` in declaration order.
/// assert_eq!(serde_json::to_string(&DeploymentScope::MultiSite)?, r#""multi_site""#);
/// assert_eq!(serde_json::from_str::<DeploymentScope>(r#""multi_site""#)?, DeploymentScope::MultiSite);
/// assert!(DeploymentScope::ALL.contains(&DeploymentScope::MultiSite));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeploymentScope {
    /// One building, facility or laboratory.
    SingleSite,
    /// Several named sites.
    MultiSite,
    /// One city or metropolitan area.
    City,
    /// A province, state or region.
    Regional,
    /// The whole country.
    National,
    /// Several countries.
    Multinational,
}

impl DeploymentScope {
    /// Every value, in declaration order.
    pub const ALL: &[Self] = &[
        Self::SingleSite,
        Self::MultiSite,
        Self::City,
        Self::Regional,
        Self::National,
        Self::Multinational,
    ];
}

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
    /// The end-user or its government has a history of human-rights abuses.
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

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLES: &[(&str, &str)] = &[
        (
            "face-recognition-national-police",
            include_str!("../../examples/transactions/face-recognition-national-police.json"),
        ),
        (
            "traffic-cameras-city",
            include_str!("../../examples/transactions/traffic-cameras-city.json"),
        ),
        (
            "reseller-undisclosed-end-user",
            include_str!("../../examples/transactions/reseller-undisclosed-end-user.json"),
        ),
        (
            "analytics-strong-safeguards",
            include_str!("../../examples/transactions/analytics-strong-safeguards.json"),
        ),
        (
            "partial-facts",
            include_str!("../../examples/transactions/partial-facts.json"),
        ),
    ];

    /// Replaces provenance wrappers (`{"value": …, "source": …, "as_of": …}`) by their value.
    fn strip_provenance(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                let is_wrapper = map.contains_key("value")
                    && map
                        .keys()
                        .all(|k| matches!(k.as_str(), "value" | "source" | "as_of"));
                if is_wrapper {
                    let inner = map.remove("value").unwrap_or(serde_json::Value::Null);
                    *v = inner;
                    strip_provenance(v);
                } else {
                    map.values_mut().for_each(strip_provenance);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip_provenance),
            _ => {}
        }
    }

    /// The values of an enum of the bundled ruleset's schema, in order.
    fn ruleset_enum(name: &str) -> Vec<String> {
        let rules = crate::RuleSet::bundled().unwrap();
        let schema = &rules.checked().schema;
        let e = schema
            .enum_named(name)
            .unwrap_or_else(|| panic!("enum {name} not in the ruleset"));
        schema.enums[e].variants.keys().cloned().collect()
    }

    /// A document with every fact of the schema present: every set holds
    /// every value, every list one element.
    fn full_document(
        schema: &crate::facts::schema::Schema,
        record: usize,
        depth: usize,
    ) -> serde_json::Value {
        use crate::facts::schema::Type;
        assert!(depth < 8, "the schema nests too deep for this test");
        let mut obj = serde_json::Map::new();
        for (name, field) in &schema.records[record].fields {
            let value = match field.ty {
                Type::Bool => serde_json::json!(true),
                Type::Int => serde_json::json!(7),
                Type::Decimal => serde_json::json!(0.5),
                Type::String => serde_json::json!("text"),
                Type::Enum(e) => serde_json::json!(schema.enums[e].variants.keys().next().unwrap()),
                Type::Set(e) => {
                    serde_json::json!(schema.enums[e].variants.keys().collect::<Vec<_>>())
                }
                Type::Record(r) => full_document(schema, r, depth + 1),
                Type::List(r) => serde_json::json!([full_document(schema, r, depth + 1)]),
            };
            obj.insert(name.clone(), value);
        }
        serde_json::Value::Object(obj)
    }

    #[test]
    fn transaction_mirrors_the_bundled_schema() {
        let rules = crate::RuleSet::bundled().unwrap();
        let schema = &rules.checked().schema;
        let mut doc = full_document(schema, schema.root, 0);
        doc["id"] = serde_json::json!("T-1");
        // Every schema field is a field of `Transaction` (it denies unknown fields)…
        let tx: Transaction =
            serde_json::from_value(doc.clone()).expect("a schema fact is missing from Transaction");
        // …and every `Transaction` field is a schema field: none is left unset.
        let debug = format!("{tx:?}");
        assert!(
            !debug.contains("None"),
            "a Transaction field is not in the schema: {debug}"
        );
        // Through facts, the typed form loads to exactly what the JSON loads to.
        let from_tx = rules.facts_from_transaction(&tx).unwrap();
        let from_json = rules.facts_from_json(&doc.to_string()).unwrap();
        assert_eq!(from_tx, from_json);
        assert!(
            from_tx
                .root
                .slots
                .iter()
                .all(|s| s.value != crate::facts::Value::Absent)
        );
    }

    fn names<T: Serialize>(all: &[T]) -> Vec<String> {
        all.iter()
            .map(|v| match serde_json::to_value(v) {
                Ok(serde_json::Value::String(s)) => s,
                other => panic!("enum value serialised as {other:?}"),
            })
            .collect()
    }

    #[test]
    fn enums_match_the_ruleset() {
        assert_eq!(names(Capability::ALL), ruleset_enum("Capability"));
        assert_eq!(names(TechnicalLimit::ALL), ruleset_enum("TechnicalLimit"));
        assert_eq!(names(PrivacyMeasure::ALL), ruleset_enum("PrivacyMeasure"));
        assert_eq!(names(EndUserKind::ALL), ruleset_enum("EndUserKind"));
        assert_eq!(names(CivicSpace::ALL), ruleset_enum("CivicSpace"));
        assert_eq!(names(PartyRole::ALL), ruleset_enum("PartyRole"));
        assert_eq!(names(DeploymentScope::ALL), ruleset_enum("DeploymentScope"));
    }

    #[test]
    fn examples_deserialise_and_round_trip() {
        for (name, text) in EXAMPLES {
            let mut value: serde_json::Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            strip_provenance(&mut value);
            let tx: Transaction =
                serde_json::from_value(value).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(tx.id.is_some(), "{name}: no id");
            let back = serde_json::to_string(&tx).unwrap_or_else(|e| panic!("{name}: {e}"));
            let again: Transaction =
                serde_json::from_str(&back).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(tx, again, "{name}");
        }
    }

    #[test]
    fn absent_facts_are_left_out() {
        let tx = Transaction {
            id: Some("t1".into()),
            ..Transaction::default()
        };
        assert_eq!(
            serde_json::to_string(&tx).ok().as_deref(),
            Some(r#"{"id":"t1"}"#)
        );
        assert!(serde_json::from_str::<Transaction>(r#"{"nonsense": 1}"#).is_err());
        let c: Country =
            serde_json::from_str(r#"{"vdem_liberal_democracy": 0.35, "civic_space": null}"#)
                .unwrap_or_default();
        assert_eq!(
            c.vdem_liberal_democracy.map(|d| d.to_string()).as_deref(),
            Some("0.35")
        );
        assert_eq!(c.civic_space, None);
    }
}
