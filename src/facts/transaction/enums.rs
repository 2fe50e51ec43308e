//! The enums of the bundled schema, each with its values in declaration
//! order in `ALL`.

use serde::{Deserialize, Serialize};

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
    /// Police whose level (national, regional or local) is not known or not stated.
    Police,
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
    /// A regional or intergovernmental security body of several states.
    RegionalSecurityBody,
    /// A ministry of the interior, home affairs or public security.
    InteriorMinistry,
    /// A ministry of defence.
    DefenceMinistry,
    /// A civilian ministry or central-government department (not interior or defence).
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
        Self::Police,
        Self::Intelligence,
        Self::Military,
        Self::InternalSecurity,
        Self::Prisons,
        Self::BorderControl,
        Self::RegionalSecurityBody,
        Self::InteriorMinistry,
        Self::DefenceMinistry,
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
