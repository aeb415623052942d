//! HL7 FHIR R4 vital records read into Hotich's model: VRDR death-record
//! messages (submission, update, void; Vital Records FHIR Messaging IG),
//! BFDR birth-report documents, and the cause-of-death coding message a
//! health station returns for a registered death (Justice → Health). Resources are found by profile, code and
//! reference, never by position in a Bundle; every refusal is a typed
//! [`FhirError`] naming a FHIR path or profile, never a value.
//!
//! FHIR messages carry no XML signature: this module only reads. Which
//! senders are believed is the intake's rule in `docs/health-formats.md`
//! ("How FHIR messages are authenticated").

mod birth;
mod bundle;
mod cause;
mod death;
pub mod json;
pub mod notification;
pub mod systems;

use chrono::{DateTime, Utc};
use hotich_protocol::health_loop::{verify_cause_with, CauseOfDeath, CauseRefusal, VerifiedCause};
use hotich_protocol::{Action, BirthCertificate, DeathNotice, TrustedKeys};
use serde::Serialize;
use serde_json::Value;

pub use crate::error::FhirError;
pub use notification::{fhir_notifications, FhirNotification, FHIR_VOID_REASON};

/// What a VRDR message does to the record it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageAction {
    /// `http://nchs.cdc.gov/vrdr_submission`
    Submission,
    /// `http://nchs.cdc.gov/vrdr_submission_update`
    Update,
    /// `http://nchs.cdc.gov/vrdr_submission_void`
    Void,
}

impl MessageAction {
    /// The protocol's action: issue, correct, void.
    pub fn action(self) -> Action {
        match self {
            MessageAction::Submission => Action::Issue,
            MessageAction::Update => Action::Correct,
            MessageAction::Void => Action::Void,
        }
    }
}

/// One VRDR death-record message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeathMessage {
    pub action: MessageAction,
    /// `{event year}{jurisdiction_id}{cert_no, 6 digits at least}`, the same
    /// for the submission, updates and void of one record (e.g. `202679024000123`).
    pub record_id: String,
    /// `jurisdiction_id`: the sending facility's code (MACSKCB).
    pub facility: String,
    /// `cert_no` and `event_year`, the parts of `record_id` a void's block counts from.
    pub cert_no: String,
    pub event_year: String,
    /// The message Bundle's `timestamp`: orders versions of one record.
    pub version_hint: Option<DateTime<Utc>>,
    /// The `MessageHeader.id`, to recognise an identical re-send.
    pub message_id: Option<String>,
    /// Records voided from `cert_no` on (`block_count`, 1 unless a void says more).
    pub block_count: u32,
    /// The notice (submission and update); `None` for a void.
    pub notice: Option<DeathNotice>,
    /// FHIR path → value for what the model does not hold, sorted by path.
    pub extras: Vec<(String, String)>,
}

/// One child of a BFDR birth report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BirthRecord {
    pub certificate: BirthCertificate,
    /// The document Bundle's `timestamp`, when it has one.
    pub issued_at: Option<DateTime<Utc>>,
    /// The birth Location's `vn-facility-code` (MACSKCB), which the intake
    /// checks against the authenticated sender.
    pub facility_code: Option<String>,
    /// FHIR path → value for what the model does not hold, sorted by path.
    pub extras: Vec<(String, String)>,
}

/// A received FHIR file, by kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FhirRecord {
    Death(Box<DeathMessage>),
    /// One record per child, in set order (twins: two).
    Birth {
        children: Vec<BirthRecord>,
    },
}

/// Reads any FHIR file Hotich takes in: a `message` Bundle is a VRDR
/// death-record message, a `document` Bundle a BFDR birth report.
pub fn read_fhir(bytes: &[u8]) -> Result<FhirRecord, FhirError> {
    let value = json::parse(bytes)?;
    // A death certificate document sent bare (not in a message) goes to the
    // death reader, which names the message it misses.
    let death_document = value
        .pointer("/meta/profile")
        .and_then(Value::as_array)
        .is_some_and(|p| p.iter().any(|p| p.as_str() == Some(systems::VRDR_DOCUMENT)));
    match value.get("type").and_then(Value::as_str) {
        Some("document") if !death_document => {
            birth::read(&value).map(|children| FhirRecord::Birth { children })
        }
        _ => death::read(&value).map(|m| FhirRecord::Death(Box::new(m))),
    }
}

/// Reads a VRDR death-record message.
pub fn read_death_message(bytes: &[u8]) -> Result<DeathMessage, FhirError> {
    death::read(&json::parse(bytes)?)
}

/// Reads a BFDR birth report: one certificate per child.
pub fn read_birth_report(bytes: &[u8]) -> Result<Vec<BirthRecord>, FhirError> {
    birth::read(&json::parse(bytes)?)
}

/// Reads a VRDR cause-of-death coding message into the cause a station
/// returns (see `cause.rs` for the mapping).
pub fn read_cause_coding(bytes: &[u8]) -> Result<CauseOfDeath, FhirError> {
    cause::read(&json::parse(bytes)?)
}

/// Verifies a cause envelope against the trust list as
/// [`hotich_protocol::health_loop::verify_cause`] does, its payload either
/// Hotich's JSON or, with `cty` `fhir+json`, a VRDR cause-of-death coding
/// message signed with the station's facility key. The registry's door and
/// the workstation's pull both call this one.
pub fn verify_cause(raw: &[u8], keys: &TrustedKeys) -> Result<VerifiedCause, CauseRefusal> {
    verify_cause_with(
        raw,
        keys,
        Some(&|payload: &[u8]| read_cause_coding(payload).map_err(|e| (e.code(), e.to_string()))),
    )
}

/// Whether bytes look like FHIR JSON (a `resourceType` near the start), for
/// format detection before reading.
pub fn looks_like_fhir(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    head.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
        && head.contains("\"resourceType\"")
}
