//! Why a received file is refused, as typed reasons. Messages name elements
//! and limits only, never a value from the file (personal data).

use serde::Serialize;

/// The file could not be read as one of the official shapes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReadError {
    #[error("the file is larger than {limit_bytes} bytes")]
    TooLarge { limit_bytes: usize },
    #[error("malformed XML: {detail}")]
    Malformed { detail: String },
    #[error("the file declares a DTD, which is refused (no entities)")]
    DtdRefused,
    #[error("elements nested deeper than {limit}")]
    TooDeep { limit: usize },
    #[error("unknown root element <{root}>")]
    UnknownRoot { root: String },
    #[error("the file holds {count} <{element}> records where one is expected")]
    RecordCount { element: String, count: usize },
    #[error("missing required element <{element}>")]
    MissingElement { element: String },
    #[error("element <{element}> appears more than once")]
    DuplicateElement { element: String },
    #[error("<{element}> is {actual_chars} characters long, the limit is {max_chars}")]
    TooLong {
        element: String,
        max_chars: usize,
        actual_chars: usize,
    },
    #[error("<{element}> is not of the form {expected}")]
    WrongForm {
        element: String,
        expected: &'static str,
    },
    #[error("<{element}> is not a date of the form {expected}")]
    BadDate {
        element: String,
        expected: &'static str,
    },
    #[error("<{element}> is not valid base64")]
    BadBase64 { element: String },
    #[error("the XML 130 set holds no birth-certificate table (XML9)")]
    NoBirthTable,
}

/// The XMLDSig signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SignatureError {
    #[error("the file is not signed")]
    Unsigned,
    #[error("the signature's structure does not match the profile: {detail}")]
    BadStructure { detail: String },
    #[error("possible signature wrapping: {detail}")]
    Wrapping { detail: String },
    #[error("algorithm too weak or not allowed: {algorithm}")]
    WeakAlgorithm { algorithm: String },
    #[error("the signer's key is too weak: {detail}")]
    WeakKey { detail: String },
    #[error("no usable signer certificate in KeyInfo")]
    NoCertificate,
    #[error("the digest of reference {reference:?} does not match")]
    DigestMismatch { reference: String },
    #[error("the signature value does not verify")]
    Invalid,
}

/// The signer's certificate is not trusted at receipt time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum TrustError {
    #[error("the certificate could not be read")]
    Unreadable,
    #[error("the certificate has expired")]
    Expired,
    #[error("the certificate is not yet valid")]
    NotYetValid,
    #[error("the certificate is revoked (CRL of {crl_issuer})")]
    Revoked { crl_issuer: String },
    #[error("no path to a trusted root: {detail}")]
    Untrusted { detail: String },
    #[error("the certificate's key usage does not allow signing")]
    KeyUsage,
    #[error("the chain uses a weak algorithm or key: {detail}")]
    WeakAlgorithm { detail: String },
    #[error("the certificate is not registered for facility {facility}")]
    WrongFacility { facility: String },
}

/// A FHIR R4 vital-records message or document that is refused. Messages
/// name FHIR paths, profiles and limits, never a value about a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FhirError {
    #[error("the message is larger than {limit_bytes} bytes")]
    TooLarge { limit_bytes: usize },
    #[error("JSON nested deeper than {limit}")]
    TooDeep { limit: usize },
    #[error("a Bundle holds more than {limit} entries")]
    TooManyEntries { limit: usize },
    #[error("malformed JSON: {detail}")]
    Malformed { detail: String },
    #[error("not a FHIR Bundle (resourceType {resource_type})")]
    NotABundle { resource_type: String },
    #[error("{path} is {found}, expected {expected}")]
    WrongBundleType {
        path: String,
        expected: &'static str,
        found: String,
    },
    #[error("unknown message event {event}")]
    UnknownEvent { event: String },
    #[error("unknown profile {profile} on {resource_type}")]
    UnknownProfile {
        profile: String,
        resource_type: String,
    },
    #[error("missing required element {path}")]
    MissingElement { path: String },
    #[error("{path} is not {expected}")]
    WrongForm {
        path: String,
        expected: &'static str,
    },
    #[error("{path} matches more than one resource where one is expected")]
    Ambiguous { path: String },
    /// The record speaks for another facility than the authenticated sender
    /// (the JWS key's facility, or the one the registry attests).
    #[error("the record names facility {facility}, not its authenticated sender")]
    WrongFacility { facility: String },
}

impl FhirError {
    /// A stable snake_case code, one per reason, as a quarantine row keeps it.
    pub fn code(&self) -> &'static str {
        match self {
            FhirError::TooLarge { .. } => "fhir_too_large",
            FhirError::TooDeep { .. } => "fhir_too_deep",
            FhirError::TooManyEntries { .. } => "fhir_too_many_entries",
            FhirError::Malformed { .. } => "fhir_malformed",
            FhirError::NotABundle { .. } => "fhir_not_a_bundle",
            FhirError::WrongBundleType { .. } => "fhir_wrong_bundle_type",
            FhirError::UnknownEvent { .. } => "fhir_unknown_event",
            FhirError::UnknownProfile { .. } => "fhir_unknown_profile",
            FhirError::MissingElement { .. } => "fhir_missing_element",
            FhirError::WrongForm { .. } => "fhir_wrong_form",
            FhirError::Ambiguous { .. } => "fhir_ambiguous",
            FhirError::WrongFacility { .. } => "fhir_wrong_facility",
        }
    }
}

/// Any reason a received official XML file is refused; `code()` is the
/// stable name a quarantine row keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "stage", content = "reason", rename_all = "snake_case")]
pub enum Rejection {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error(transparent)]
    Trust(#[from] TrustError),
}

impl Rejection {
    /// A stable snake_case code, one per reason.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Read(e) => match e {
                ReadError::TooLarge { .. } => "xml_too_large",
                ReadError::Malformed { .. } => "xml_malformed",
                ReadError::DtdRefused => "xml_dtd_refused",
                ReadError::TooDeep { .. } => "xml_too_deep",
                ReadError::UnknownRoot { .. } => "xml_unknown_root",
                ReadError::RecordCount { .. } => "xml_record_count",
                ReadError::MissingElement { .. } => "xml_missing_element",
                ReadError::DuplicateElement { .. } => "xml_duplicate_element",
                ReadError::TooLong { .. } => "xml_value_too_long",
                ReadError::WrongForm { .. } => "xml_value_wrong_form",
                ReadError::BadDate { .. } => "xml_bad_date",
                ReadError::BadBase64 { .. } => "xml_bad_base64",
                ReadError::NoBirthTable => "xml_no_birth_table",
            },
            Rejection::Signature(e) => match e {
                SignatureError::Unsigned => "signature_missing",
                SignatureError::BadStructure { .. } => "signature_bad_structure",
                SignatureError::Wrapping { .. } => "signature_wrapping",
                SignatureError::WeakAlgorithm { .. } | SignatureError::WeakKey { .. } => {
                    "signature_weak_algorithm"
                }
                SignatureError::NoCertificate => "signature_no_certificate",
                SignatureError::DigestMismatch { .. } => "signature_digest_mismatch",
                SignatureError::Invalid => "signature_invalid",
            },
            Rejection::Trust(e) => match e {
                TrustError::Unreadable => "certificate_unreadable",
                TrustError::Expired => "certificate_expired",
                TrustError::NotYetValid => "certificate_not_yet_valid",
                TrustError::Revoked { .. } => "certificate_revoked",
                TrustError::Untrusted { .. } => "certificate_untrusted",
                TrustError::KeyUsage => "certificate_key_usage",
                TrustError::WeakAlgorithm { .. } => "certificate_weak_algorithm",
                TrustError::WrongFacility { .. } => "certificate_wrong_facility",
            },
        }
    }
}
