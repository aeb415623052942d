//! Intake of signed notifications: verify, keep the signed bytes, open or
//! update the case, quarantine what fails. Idempotent on (id, version).
//! Each file's format is told by its first character: Hotich's JWS envelopes
//! (JSON) here, the health sector's official signed XML in [`xml`], HL7
//! FHIR vital records (bare, or in a JWS envelope with `cty` `fhir+json`) in
//! [`fhir`].
//!
//! The only writer of `notification`, `notification_xml`, `notification_fhir`
//! and `quarantine`;
//! opens and updates cases from notifications through [`crate::case_file`]
//! (the `case_event` entry of a changed notification is a trigger's,
//! 002_outreach.sql). Reads `case_file`, `facility_key` through the store's
//! trust list, and the X.509 trust tables through [`crate::x509_trust`].

mod fhir;
mod xml;

pub use fhir::ReceivedFhir;
pub use xml::ReceivedXml;
pub(crate) use xml::{recheck_revocation, xml_signature};

use crate::sync::PulledDocument;

use std::path::Path;

use chrono::{DateTime, Utc};
use hotich_common::hex::sha256_hex;
use hotich_protocol::jws::{b64, unb64};
use hotich_protocol::verify::MAX_ENVELOPE_BYTES;
use hotich_protocol::{
    verify_notification, Action, Notification, Rejection, RejectionReason, VerifiedNotification,
};
use rayon::prelude::*;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::value::RawValue;

use crate::case_file::{self, FromNotification, Subject};
use crate::error::{refused_file, CoreError, FileRefusal, Result};
use crate::legal::registration_deadline;
use crate::model::{CaseStatus, ImportProgress, ImportSummary};
use crate::sql::from_row;
use crate::store::Store;
use crate::text::{clean, fold};
use hotich_calendar::OfficeCalendar;

/// Envelopes verified and applied per transaction: a crash loses at most one
/// uncommitted chunk, which a re-run applies.
const CHUNK: usize = 2_000;

enum Outcome {
    Imported,
    Unchanged,
    Updated,
    Voided,
    Quarantined,
}

impl Outcome {
    /// Whether a new notification version was stored (its original is kept beside it).
    fn stores_a_version(&self) -> bool {
        matches!(self, Outcome::Imported | Outcome::Updated | Outcome::Voided)
    }
}

impl ImportSummary {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Imported => self.imported += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Voided => self.voided += 1,
            Outcome::Quarantined => self.quarantined += 1,
        }
    }
}

/// Splits a notifications file into its envelopes: a JSON array of
/// envelopes, or one envelope object. An array holding anything but objects
/// is no notifications file: refused whole, before anything is stored (a
/// JSON array of 3 million numbers once made 3 million quarantine rows).
pub(crate) fn split_envelopes<'a>(bytes: &'a [u8], source: &str) -> Result<Vec<&'a RawValue>> {
    let not_envelopes = |position: usize| {
        refused_file(
            source,
            FileRefusal::NotEnvelopeArray,
            [("position", position.to_string())],
        )
    };
    // The first element tells most such files at once, without parsing the rest.
    if let Some(first) = first_array_element(bytes) {
        if first != b'{' && first != b']' {
            return Err(not_envelopes(1));
        }
    }
    let envelopes = hotich_protocol::jws::split_envelopes(bytes).map_err(|detail| {
        refused_file(source, FileRefusal::UnreadableJson, [("detail", detail)])
    })?;
    match envelopes
        .iter()
        .position(|raw| !raw.get().trim_start().starts_with('{'))
    {
        Some(position) => Err(not_envelopes(position + 1)),
        None => Ok(envelopes),
    }
}

/// The first byte after the `[` of a JSON array, if `bytes` is one.
fn first_array_element(bytes: &[u8]) -> Option<u8> {
    let mut rest = bytes.iter().copied().skip_while(u8::is_ascii_whitespace);
    if rest.next()? != b'[' {
        return None;
    }
    rest.find(|b| !b.is_ascii_whitespace())
}

/// What a file holds, by its first character (after a byte-order mark and
/// white space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileFormat {
    /// Hotich's JWS envelopes: a JSON array of them, or one.
    Json,
    /// One official signed XML file (`HSDLGBT`, `HSDLGCS`, `GIAMDINHHS`).
    Xml,
    /// One FHIR record: a JWS envelope declaring `cty` `fhir+json`, or a
    /// bare FHIR resource (refused: its sender is not authenticated).
    Fhir,
}

fn file_format(bytes: &[u8], source: &str) -> Result<FileFormat> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => Ok(FileFormat::Xml),
        Some(b'{')
            if hotich_health::fhir::looks_like_fhir(bytes)
                || hotich_protocol::verify::is_fhir_envelope(bytes) =>
        {
            Ok(FileFormat::Fhir)
        }
        Some(b'[' | b'{') => Ok(FileFormat::Json),
        _ => Err(refused_file(source, FileRefusal::NotNotifications, [])),
    }
}

impl Store {
    /// Imports a notifications file from disk.
    pub fn import_file(
        &mut self,
        path: &Path,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportSummary> {
        let bytes = std::fs::read(path)?;
        self.import_bytes(&bytes, &path.display().to_string(), now, progress)
    }

    /// Imports the notifications in `bytes`, whatever their format (see
    /// [`FileFormat`]); `source` names where they came from in the
    /// quarantine. Reports progress after each committed chunk.
    pub fn import_bytes(
        &mut self,
        bytes: &[u8],
        source: &str,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportSummary> {
        match file_format(bytes, source)? {
            FileFormat::Json => self.import_envelopes(bytes, source, now, progress),
            FileFormat::Xml => {
                progress(ImportProgress { done: 0, total: 1 });
                let (trust, facilities) = self.x509_receipt_material()?;
                let receipt = xml::receipt(&trust, &facilities, now);
                let summary = xml::import(&mut self.conn, &self.calendar, bytes, source, &receipt)?;
                progress(ImportProgress { done: 1, total: 1 });
                Ok(summary)
            }
            FileFormat::Fhir => {
                progress(ImportProgress { done: 0, total: 1 });
                // A bare FHIR file is refused whatever the trust list holds.
                let keys = if hotich_health::fhir::looks_like_fhir(bytes) {
                    hotich_protocol::TrustedKeys::default()
                } else {
                    self.trusted_keys()?
                };
                let summary =
                    fhir::import_file(&mut self.conn, &self.calendar, bytes, source, &keys, now)?;
                progress(ImportProgress { done: 1, total: 1 });
                Ok(summary)
            }
        }
    }

    /// Imports a file of Hotich's JWS envelopes, verified in chunks on every
    /// core while the previous chunk is written.
    fn import_envelopes(
        &mut self,
        bytes: &[u8],
        source: &str,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportSummary> {
        let envelopes = split_envelopes(bytes, source)?;
        let keys = self.trusted_keys()?;
        let total = envelopes.len() as u64;
        let mut summary = ImportSummary::default();
        progress(ImportProgress { done: 0, total });
        let chunks: Vec<&[&RawValue]> = envelopes.chunks(CHUNK).collect();
        let verify = |chunk: &[&RawValue]| verify_all(chunk, &keys, now);
        let mut verified = chunks.first().map(|chunk| verify(chunk));
        for (index, chunk) in chunks.iter().enumerate() {
            let current = verified.take().unwrap_or_default();
            // Verify the next chunk on the other cores while this one is written.
            let (next, applied) = rayon::join(
                || chunks.get(index + 1).map(|next| verify(next)),
                || apply_chunk(&mut self.conn, &self.calendar, chunk, current, source, now),
            );
            summary.add(&applied?);
            verified = next;
            progress(ImportProgress {
                done: summary.total(),
                total,
            });
        }
        Ok(summary)
    }
}

/// Applies one verified chunk in one transaction.
fn apply_chunk(
    conn: &mut rusqlite::Connection,
    calendar: &OfficeCalendar,
    chunk: &[&RawValue],
    verified: Vec<Result<VerifiedNotification, Rejection>>,
    source: &str,
    now: DateTime<Utc>,
) -> Result<ImportSummary> {
    let tx = conn.transaction()?;
    let summary = apply_verified(&tx, calendar, chunk, verified, source, now)?;
    tx.commit()?;
    Ok(summary)
}

/// Verifies envelopes as file import does (same keys, same checks).
pub(crate) fn verify_all(
    envelopes: &[&RawValue],
    keys: &hotich_protocol::TrustedKeys,
    now: DateTime<Utc>,
) -> Vec<Result<VerifiedNotification, Rejection>> {
    envelopes
        .par_iter()
        .map(|raw| {
            verify_notification(raw.get().as_bytes(), keys, now)
                .map_err(|rejection| name_demo_signature(rejection, raw.get().as_bytes()))
        })
        .collect()
}

/// On the failure path only (the normal path costs nothing): a notification
/// an unknown key or a bad signature refused is named as the demo's when a
/// demo facility's publicly derivable key signed it.
fn name_demo_signature(rejection: Rejection, raw: &[u8]) -> Rejection {
    if !matches!(
        rejection.reason,
        RejectionReason::UnknownFacilityKey | RejectionReason::BadSignature
    ) {
        return rejection;
    }
    let signed_by_demo = serde_json::from_slice::<hotich_protocol::SignedEnvelope>(raw)
        .ok()
        .and_then(|envelope| envelope.open(hotich_protocol::jws::TYP_NOTIFICATION).ok())
        .is_some_and(|opened| {
            hotich_protocol::trust::demo_facility_signer(&opened.header.kid)
                .is_some_and(|demo| opened.verify(&demo.verifying_key()).is_ok())
        });
    if signed_by_demo {
        Rejection {
            reason: RejectionReason::DemoFacilityKey,
            ..rejection
        }
    } else {
        rejection
    }
}

/// Stores verified envelopes and quarantines the others inside `tx`: the one
/// path for file import and sync pull, so both open, update, void and
/// quarantine alike.
pub(crate) fn apply_verified(
    tx: &Transaction<'_>,
    calendar: &OfficeCalendar,
    chunk: &[&RawValue],
    verified: Vec<Result<VerifiedNotification, Rejection>>,
    source: &str,
    now: DateTime<Utc>,
) -> Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    for (raw, result) in chunk.iter().zip(verified) {
        let arrival = Arrival {
            raw: raw.get().as_bytes(),
            source,
            now,
            keep_bytes: MAX_ENVELOPE_BYTES,
            calendar,
        };
        let outcome = match result {
            Ok(verified) => apply(tx, &Incoming::of_jws(&verified), &arrival)?,
            Err(rejection) => quarantine(tx, &rejection, &arrival)?,
        };
        summary.count(outcome);
    }
    Ok(summary)
}

/// One envelope or file as it arrived: its bytes, where from and when, and
/// how much of it a quarantine row keeps.
struct Arrival<'a> {
    raw: &'a [u8],
    source: &'a str,
    now: DateTime<Utc>,
    keep_bytes: usize,
    /// The office calendar a new case's deadline is counted with.
    calendar: &'a OfficeCalendar,
}

fn quarantine(tx: &Transaction<'_>, rejection: &Rejection, arrival: &Arrival) -> Result<Outcome> {
    let refused = Refused {
        code: rejection.reason.code(),
        notification_id: rejection.notification_id.as_deref(),
        version: rejection.version,
        detail: &rejection.detail,
    };
    quarantine_refused(tx, &refused, arrival)
}

/// A document the registry relayed, taken in from its bytes inside the
/// sync's transaction. Official XML is verified again against this office's
/// trust at `now`, and only the event's own record is taken in. FHIR, which
/// carries no signature, is taken in for the sender the registry
/// authenticated ([`fhir::import_from_registry`]); relayed without one, it
/// is quarantined (`fhir_unauthenticated`), never dropped.
pub(crate) fn import_relayed(
    tx: &Transaction<'_>,
    document: &PulledDocument<'_>,
    trust: &hotich_health::TrustStore,
    facilities: &hotich_health::FacilityCertificates,
    calendar: &OfficeCalendar,
    source: &str,
    now: DateTime<Utc>,
) -> Result<ImportSummary> {
    if document.format.is_xml() {
        let receipt = hotich_health::Receipt {
            trust,
            facilities,
            sender_facility: document.sender_facility,
            at: now,
        };
        return xml::import_in(
            tx,
            calendar,
            document.bytes,
            source,
            &receipt,
            Some(document.notification_id),
        );
    }
    if let Some(sender) = document.sender_facility {
        return fhir::import_from_registry(tx, calendar, document.bytes, source, sender, now);
    }
    let arrival = Arrival {
        raw: document.bytes,
        source,
        now,
        keep_bytes: hotich_health::limits::MAX_DOCUMENT_BYTES,
        calendar,
    };
    let refused = Refused {
        code: fhir::UNAUTHENTICATED,
        notification_id: Some(document.notification_id),
        version: None,
        detail: "FHIR relayed without the sender the registry authenticated",
    };
    let mut summary = ImportSummary::default();
    summary.count(quarantine_refused(tx, &refused, &arrival)?);
    Ok(summary)
}

/// A version that came as official XML or FHIR, its received bytes checked
/// again for the case view; None for a JWS notification.
pub(crate) fn received_signature(
    conn: &rusqlite::Connection,
    notification_id: &str,
    version: u32,
) -> Result<Option<xml::XmlSignature>> {
    match xml_signature(conn, notification_id, version)? {
        Some(xml) => Ok(Some(xml)),
        None => fhir::fhir_signature(conn, notification_id, version),
    }
}

/// Why something is quarantined: the reason's code (a protocol
/// `RejectionReason` or an official-XML refusal), and what is known of it.
struct Refused<'a> {
    code: &'a str,
    notification_id: Option<&'a str>,
    version: Option<u32>,
    detail: &'a str,
}

/// Quarantines something other than a notification that failed its check
/// (a cause of death a health station returned, `health_loop.rs`): the
/// quarantine's one writer is intake.
pub(crate) fn quarantine_unverified(
    tx: &Transaction<'_>,
    source: &str,
    code: &str,
    detail: &str,
    raw: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO quarantine (received_at, source, reason, detail, raw_sha256, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (raw_sha256) DO NOTHING",
    )?
    .execute(params![
        now.to_rfc3339(),
        source,
        code,
        detail,
        sha256_hex(raw),
        &raw[..raw.len().min(MAX_ENVELOPE_BYTES)]
    ])?;
    Ok(())
}

fn quarantine_refused(
    tx: &Transaction<'_>,
    refused: &Refused<'_>,
    arrival: &Arrival,
) -> Result<Outcome> {
    let Arrival {
        raw,
        source,
        now,
        keep_bytes,
        ..
    } = *arrival;
    // An oversized envelope is kept in part: enough to show what it was.
    let kept = &raw[..raw.len().min(keep_bytes)];
    tx.prepare_cached("INSERT INTO quarantine (received_at, source, notification_id, version, reason, detail, raw_sha256, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (raw_sha256) DO NOTHING")?.execute(params![
            now.to_rfc3339(),
            source,
            refused.notification_id,
            refused.version,
            refused.code,
            refused.detail,
            sha256_hex(raw),
            kept
        ])?;
    Ok(Outcome::Quarantined)
}

/// A verified notification version as it is stored: a JWS envelope's parts
/// and the trust-list key that verified it, or the stand-ins of an official
/// XML file (see [`xml`]).
struct Incoming<'a> {
    notification: &'a Notification,
    key_id: &'a str,
    facility_name: &'a str,
    facility_address: &'a str,
    public_key: String,
    key_valid_from: String,
    key_valid_until: String,
    protected: &'a str,
    payload: &'a str,
    signature: &'a str,
}

impl<'a> Incoming<'a> {
    fn of_jws(verified: &'a VerifiedNotification) -> Self {
        let signer = &verified.signer;
        Incoming {
            notification: &verified.notification,
            key_id: &verified.key_id,
            facility_name: &signer.facility_name,
            facility_address: &signer.facility_address,
            public_key: b64(signer.key.as_bytes()),
            key_valid_from: signer.valid_from.to_rfc3339(),
            key_valid_until: signer.valid_until.to_rfc3339(),
            protected: &verified.envelope.protected,
            payload: &verified.envelope.payload,
            signature: &verified.envelope.signature,
        }
    }
}

struct CaseState {
    id: String,
    kind: String,
    status: CaseStatus,
    newest_version: u32,
    content_version: u32,
}

/// A rejection of this version of `n`, saying why.
fn rejection_of(n: &Notification, reason: RejectionReason, detail: String) -> Rejection {
    Rejection {
        notification_id: Some(n.notification_id.clone()),
        version: Some(n.version),
        ..Rejection::new(reason, detail)
    }
}

fn apply(tx: &Transaction<'_>, incoming: &Incoming<'_>, arrival: &Arrival) -> Result<Outcome> {
    let now = arrival.now;
    let n = incoming.notification;
    let case: Option<CaseState> = tx
        .prepare_cached(
            "SELECT id, kind, status, notification_version AS newest_version, content_version
             FROM case_file WHERE notification_id = ?1",
        )?
        .query_row([&n.notification_id], |row| {
            Ok(from_row!(row => CaseState { id, kind, status, newest_version, content_version }))
        })
        .optional()?;
    // A later version may not turn a birth into a death: the deadline and
    // everything built on the case depend on it.
    if let Some(case) = case.as_ref().filter(|c| c.kind != n.kind.as_str()) {
        let mismatch = rejection_of(
            n,
            RejectionReason::FieldInvalid,
            format!(
                "kind: {} v{} is {}, earlier versions are {}",
                n.notification_id,
                n.version,
                n.kind.as_str(),
                case.kind
            ),
        );
        return quarantine(tx, &mismatch, arrival);
    }
    // Most envelopes are new: try the insert first, look at what is stored only when it was there already.
    let inserted = tx.prepare_cached("INSERT INTO notification (notification_id, version, action, kind, facility_id, key_id,
                                   facility_name, facility_address, public_key, key_valid_from, key_valid_until,
                                   issued_at, commune_code, protected, payload, signature, received_at,
                                   identification_complete)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
         ON CONFLICT (notification_id, version) DO NOTHING")?.execute(params![
            n.notification_id,
            n.version,
            n.action.as_str(),
            n.kind.as_str(),
            n.facility_id,
            incoming.key_id,
            incoming.facility_name,
            incoming.facility_address,
            incoming.public_key,
            incoming.key_valid_from,
            incoming.key_valid_until,
            n.issued_at.to_rfc3339(),
            n.commune_code,
            incoming.protected,
            incoming.payload,
            incoming.signature,
            now.to_rfc3339(),
            hotich_protocol::pilot::identification_complete(n)
        ])?;
    if inserted == 0 {
        let (protected, payload, signature): (String, String, String) = tx
            .prepare_cached(
                "SELECT protected, payload, signature FROM notification WHERE notification_id = ?1 AND version = ?2",
            )?
            .query_row(params![n.notification_id, n.version], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?;
        if protected == incoming.protected
            && payload == incoming.payload
            && signature == incoming.signature
        {
            return Ok(Outcome::Unchanged);
        }
        let conflict = rejection_of(
            n,
            RejectionReason::VersionConflict,
            format!(
                "{} v{} was received before with other content",
                n.notification_id, n.version
            ),
        );
        return quarantine(tx, &conflict, arrival);
    }

    let is_void = n.action == Action::Void;
    let Some(case) = case else {
        // A void for a notification whose content never reached us: kept, and
        // applied when the content arrives.
        if is_void {
            return Ok(Outcome::Voided);
        }
        // The first content seen: versions delivered out of order may already
        // include a newer void.
        let (newest_version, newest_action): (u32, String) = tx
            .prepare_cached(
                "SELECT version, action FROM notification WHERE notification_id = ?1 ORDER BY version DESC LIMIT 1",
            )?
            .query_row([&n.notification_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        let status = if newest_action == "void" {
            CaseStatus::Voided
        } else {
            CaseStatus::New
        };
        let subject = subject_of(n, arrival.calendar)?;
        let content = from_notification(incoming, newest_version);
        case_file::open_from_notification(tx, n.kind, status, &subject, &content, now)?;
        return Ok(Outcome::Imported);
    };

    let is_newest = n.version > case.newest_version;
    let status = if is_newest {
        case.status.after_new_version(is_void)
    } else {
        case.status
    };
    let newest_version = case.newest_version.max(n.version);
    if !is_void && n.version > case.content_version {
        case_file::apply_new_content(
            tx,
            &case.id,
            status,
            &subject_of(n, arrival.calendar)?,
            &from_notification(incoming, newest_version),
            now,
        )?;
    } else if is_newest {
        case_file::apply_new_version(tx, &case.id, status, newest_version, now)?;
    }
    Ok(match (is_newest, is_void) {
        (true, true) => Outcome::Voided,
        (true, false) => Outcome::Updated,
        // Older than the newest version: kept for the record; its content is
        // shown only if it is newer than the content the case had.
        (false, _) => Outcome::Unchanged,
    })
}

/// The subject of a verified notification.
fn subject_of(n: &Notification, calendar: &OfficeCalendar) -> Result<Subject> {
    let corrupt = || CoreError::Corrupt {
        what: format!("notification {} v{}", n.notification_id, n.version),
        reason: "verified content has no event".into(),
    };
    let name = clean(&n.subject_name().ok_or_else(corrupt)?);
    let event_date = n.event_date().ok_or_else(corrupt)?;
    Ok(Subject {
        folded: fold(&name),
        name,
        event_date,
        deadline: registration_deadline(calendar, n.kind, event_date),
    })
}

/// The case's notification columns for `incoming`, with the newest version held.
fn from_notification<'a>(incoming: &Incoming<'a>, newest_version: u32) -> FromNotification<'a> {
    let n = incoming.notification;
    FromNotification {
        notification_id: &n.notification_id,
        newest_version,
        content_version: n.version,
        facility_id: &n.facility_id,
        facility_name: incoming.facility_name,
    }
}

/// Decodes a stored payload.
pub(crate) fn decode_payload(payload_b64: &str) -> Result<Notification> {
    let corrupt = |reason: String| CoreError::Corrupt {
        what: "stored notification".into(),
        reason,
    };
    let bytes = unb64(payload_b64).map_err(|e| corrupt(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))
}
