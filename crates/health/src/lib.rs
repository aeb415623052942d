//! The health sector's official signed XML, as facilities in Vietnam send it:
//! death notices (`HSDLGBT`/`GIAYBAOTU`), birth certificates
//! (`HSDLGCS`/`GIAYCHUNGSINH`) and the XML 130 set (`GIAMDINHHS`, table 9).
//!
//! - [`document`]: readers by root element, by element name, into the
//!   protocol's [`hotich_protocol::DeathNotice`] / [`hotich_protocol::BirthCertificate`]
//!   plus ordered extras;
//! - [`signature`]: the structure of both XMLDSig profiles (wrapping defence);
//!   libxmlsec1 verifies digests and signature value;
//! - [`trust`]: the signer certificate's path, validity, key usage, key size,
//!   SHA-2 and revocation (CRLs) at receipt time, and the facility check;
//! - [`verify_and_read`]: all of it, in that order, on the received bytes;
//! - [`fhir`]: HL7 FHIR R4 vital records (VRDR death-record messages, BFDR
//!   birth reports) read into the same model.
//!
//! The element → model field mapping is `docs/health-formats.md`.

pub mod document;
pub mod error;
pub mod fhir;
mod fields;
pub mod limits;
pub mod notification;
pub mod records;
pub mod signature;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod trust;
pub mod trust_files;
mod xmlsec_verify;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use document::{read_unverified, HealthDocument, ReadNote, XmlFormat};
pub use error::{FhirError, ReadError, Rejection, SignatureError, TrustError};
pub use fhir::{read_fhir, DeathMessage, FhirRecord, MessageAction};
pub use notification::{facility_of, notifications_of, RecordNotification};
pub use records::{HealthRecord, RecordShape};
pub use signature::{SignatureEvidence, SignatureProfile};
pub use trust::{CertificateEvidence, FacilityCertificates, RevocationStatus, TrustStore};

/// Whether the signer was checked against the facility it signs for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FacilityCheck {
    /// The signer certificate is registered for this facility code.
    Registered { facility: String },
    /// Neither the file nor the sender names a facility (a `GIAYCHUNGSINH`
    /// received without a known sender).
    NoFacilityNamed,
}

/// A file that passed every check, with what was checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedDocument {
    pub document: HealthDocument,
    pub signature: SignatureEvidence,
    pub certificate: CertificateEvidence,
    pub facility: FacilityCheck,
    /// The received bytes, unchanged, for archiving and re-verification.
    #[serde(skip)]
    pub original: Vec<u8>,
}

/// What a receipt is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Receipt<'a> {
    pub trust: &'a TrustStore,
    pub facilities: &'a FacilityCertificates,
    /// The facility the channel authenticated (the sender), if known: used
    /// when the file names none, and must agree when it does.
    pub sender_facility: Option<&'a str>,
    /// Receipt time: certificates and CRLs are judged at this instant.
    pub at: DateTime<Utc>,
}

/// Reads and verifies one official file: structure and signature profile,
/// libxmlsec1 verification, the signer's certificate path and revocation,
/// the facility's registered certificates, then the records, read from the
/// signed elements only.
pub fn verify_and_read(bytes: &[u8], receipt: &Receipt<'_>) -> Result<VerifiedDocument, Rejection> {
    let text = limits::text_of(bytes)?;
    let parsed = limits::parse(text)?;
    let format = document::detect(&parsed)?;
    let signature = signature::check_structure(&parsed, format)?;
    let signer = signature
        .certificates_der
        .first()
        .ok_or(SignatureError::NoCertificate)?;
    xmlsec_verify::verify(bytes, format, &signature, signer)?;
    let certificate =
        receipt
            .trust
            .validate(signer, &signature.certificates_der[1..], receipt.at)?;
    // The records come from the signed elements: the one record the structure
    // check pinned (two-reference profile) or the whole signed file (XML 130).
    let health_document = document::read_parsed(&parsed)?;
    let facility = match (
        health_document.facility_code.as_deref(),
        receipt.sender_facility,
    ) {
        (Some(named), Some(sender)) if named != sender => {
            return Err(TrustError::WrongFacility {
                facility: named.chars().take(16).collect(),
            }
            .into())
        }
        (Some(facility), _) | (None, Some(facility)) => {
            receipt.facilities.check(facility, &certificate)?;
            FacilityCheck::Registered {
                facility: facility.to_owned(),
            }
        }
        (None, None) => FacilityCheck::NoFacilityNamed,
    };
    Ok(VerifiedDocument {
        document: health_document,
        signature,
        certificate,
        facility,
        original: bytes.to_vec(),
    })
}
