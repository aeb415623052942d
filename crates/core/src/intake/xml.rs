//! Intake of the health sector's official signed XML (`HSDLGBT`, `HSDLGCS`,
//! `GIAMDINHHS`): `hotich_health::verify_and_read` checks the file against
//! the X.509 trust tables at receipt time; each record becomes a notification
//! version like a JWS one (the same `notification` row and case), with the
//! received bytes, the evidence and the extras in `notification_xml`.
//!
//! - Ids and the record → notification mapping: [`hotich_health::notification`]
//!   (shared with the central registry, which routes by the same residence).
//! - Versions: the file carries none. A file already held (same bytes) is
//!   unchanged; a different one for a held id is the next version when it is
//!   marked as a re-issue (`SO_BAOTU_BD` filled; `CAP_LAN_DAU` 0) or comes in
//!   an XML 130 set (re-sent whole when corrected), else a version conflict.
//! - The `notification` columns made for JWS hold stand-ins: `protected` is
//!   `xmldsig:ROOT`, `payload` the base64url JSON of the model read from the
//!   signed elements, `signature` the SHA-256 of the received file, the key
//!   columns the signer certificate (base64url DER, validity).

use chrono::{DateTime, Utc};
use hotich_common::hex::sha256_hex;
use hotich_health::trust::RevocationStatus;
use hotich_health::{
    facility_of, notifications_of, FacilityCertificates, HealthRecord, Receipt, RecordNotification,
    Rejection, TrustError, TrustStore, VerifiedDocument,
};
use hotich_protocol::jws::b64;
use hotich_protocol::verify::validate_fields;
use hotich_protocol::{Action, Notification, RejectionReason};
use rusqlite::{params, Connection, Transaction};
use serde_json::json;

use hotich_calendar::OfficeCalendar;

use super::{apply, quarantine_refused, Arrival, Incoming, Outcome, Refused};
use crate::error::Result;
use crate::model::ImportSummary;
use crate::x509_trust::RevocationRecheck;

/// The receipt a file is checked against: the office's trust at `at`. A file
/// taken from disk has no authenticated sender.
pub(crate) fn receipt<'a>(
    trust: &'a TrustStore,
    facilities: &'a FacilityCertificates,
    at: DateTime<Utc>,
) -> Receipt<'a> {
    Receipt {
        trust,
        facilities,
        sender_facility: None,
        at,
    }
}

/// Verifies one official file and takes in its records, in one transaction:
/// a refused file is one quarantine row with its reason's code.
pub(crate) fn import(
    conn: &mut Connection,
    calendar: &OfficeCalendar,
    bytes: &[u8],
    source: &str,
    receipt: &Receipt<'_>,
) -> Result<ImportSummary> {
    let tx = conn.transaction()?;
    let summary = import_in(&tx, calendar, bytes, source, receipt, None)?;
    tx.commit()?;
    Ok(summary)
}

/// [`import`] inside the caller's transaction. `only` names the one record
/// to take in: the central registry relays a file once per record it routed
/// (a `GIAMDINHHS` with twins twice), so a pulled event takes in its own
/// record and leaves its sibling to its own event (which may be another
/// commune's).
pub(crate) fn import_in(
    tx: &Transaction<'_>,
    calendar: &OfficeCalendar,
    bytes: &[u8],
    source: &str,
    receipt: &Receipt<'_>,
    only: Option<&str>,
) -> Result<ImportSummary> {
    let arrival = Arrival {
        raw: bytes,
        source,
        now: receipt.at,
        keep_bytes: hotich_health::limits::MAX_DOCUMENT_BYTES,
        calendar,
    };
    let verified = hotich_health::verify_and_read(bytes, receipt);
    let read = verified
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|verified| {
            let facility = facility_of(verified, receipt.facilities)?;
            let mut notifications = notifications_of(verified, &facility)?;
            if let Some(id) = only {
                notifications.retain(|r| r.notification.notification_id == id);
                if notifications.is_empty() {
                    return Err(hotich_health::ReadError::MissingElement {
                        element: "GIAYBAOTU/GIAYCHUNGSINH".to_owned(),
                    }
                    .into());
                }
            }
            Ok((verified, facility, notifications))
        });
    let mut summary = ImportSummary::default();
    match read {
        Err(rejection) => {
            let detail = rejection.to_string();
            let refused = Refused {
                code: rejection.code(),
                notification_id: only,
                version: None,
                detail: &detail,
            };
            summary.count(quarantine_refused(tx, &refused, &arrival)?);
        }
        Ok((verified, facility, notifications)) => {
            for record in notifications {
                let taken = Taken {
                    verified,
                    facility: &facility,
                    record,
                };
                summary.count(take_in(tx, taken, &arrival)?);
            }
        }
    }
    Ok(summary)
}

/// One record of a verified file on its way in.
struct Taken<'a> {
    verified: &'a VerifiedDocument,
    facility: &'a str,
    record: RecordNotification<'a>,
}

fn take_in(tx: &Transaction<'_>, taken: Taken<'_>, arrival: &Arrival) -> Result<Outcome> {
    let Taken {
        verified,
        facility,
        record,
    } = taken;
    let mut n = record.notification;
    let file_sha256 = sha256_hex(arrival.raw);
    let held: Vec<(u32, String)> = tx
        .prepare_cached(
            "SELECT version, signature FROM notification WHERE notification_id = ?1 ORDER BY version",
        )?
        .query_map([&n.notification_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if held.iter().any(|(_, sha)| *sha == file_sha256) {
        return Ok(Outcome::Unchanged);
    }
    let refuse = |reason: RejectionReason, n: &Notification, detail: String| {
        let refused = Refused {
            code: reason.code(),
            notification_id: Some(&n.notification_id),
            version: Some(n.version),
            detail: &detail,
        };
        quarantine_refused(tx, &refused, arrival)
    };
    if let Some((newest, _)) = held.last() {
        n.version = newest + 1;
        if !record.may_supersede {
            let detail = format!(
                "{} was received before with other content, and this file is not marked as a re-issue",
                n.notification_id
            );
            return refuse(RejectionReason::VersionConflict, &n, detail);
        }
    }
    if n.version > 1 || record.may_supersede {
        n.action = Action::Correct;
    }
    if let Err(invalid) = validate_fields(&n, arrival.now) {
        return refuse(RejectionReason::FieldInvalid, &n, invalid.to_string());
    }
    let payload = b64(
        &serde_json::to_vec(&n).map_err(|e| crate::error::CoreError::Corrupt {
            what: "notification".into(),
            reason: e.to_string(),
        })?,
    );
    let certificate = &verified.certificate;
    let signer_link = certificate.chain.first();
    let protected = format!("xmldsig:{}", verified.document.format.root());
    let facility_address = n
        .death
        .as_ref()
        .map(|d| d.facility_address.clone())
        .unwrap_or_default();
    let key_id = format!("x509:{}", certificate.signer_sha256);
    let incoming = Incoming {
        notification: &n,
        key_id: &key_id,
        facility_name: common_name(&certificate.signer_subject),
        facility_address: &facility_address,
        public_key: verified
            .signature
            .certificates_der
            .first()
            .map(|der| b64(der))
            .unwrap_or_default(),
        key_valid_from: signer_link
            .map(|l| l.not_before.clone())
            .unwrap_or_default(),
        key_valid_until: signer_link.map(|l| l.not_after.clone()).unwrap_or_default(),
        protected: &protected,
        payload: &payload,
        signature: &file_sha256,
    };
    let outcome = apply(tx, &incoming, arrival)?;
    if matches!(
        outcome,
        Outcome::Imported | Outcome::Updated | Outcome::Voided
    ) {
        keep_file(tx, verified, facility, &n, record.record, arrival)?;
    }
    Ok(outcome)
}

/// `CN=Bệnh viện A, O=…` → `Bệnh viện A`; the whole subject without a CN.
fn common_name(subject: &str) -> &str {
    subject
        .split(", ")
        .find_map(|part| part.strip_prefix("CN="))
        .unwrap_or(subject)
}

fn revocation_flag(status: &RevocationStatus) -> &'static str {
    match status {
        RevocationStatus::NotChecked { .. } => "not_checked",
        _ => "checked",
    }
}

/// The received file, the evidence and the extras, beside the notification row.
fn keep_file(
    tx: &Transaction<'_>,
    verified: &VerifiedDocument,
    facility: &str,
    n: &Notification,
    record: &HealthRecord,
    arrival: &Arrival,
) -> Result<()> {
    let evidence = json!({
        "received_at": arrival.now.to_rfc3339(),
        "signature": verified.signature,
        "certificate": verified.certificate,
        "facility": verified.facility,
        "notes": verified.document.notes,
        "record_id": record.element_id,
    });
    let extras = serde_json::to_string(&record.extras).unwrap_or_else(|_| "[]".to_owned());
    tx.prepare_cached(
        "INSERT INTO notification_xml (notification_id, version, format, facility_code, revocation, evidence, extras, original)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        n.notification_id,
        n.version,
        verified.document.format.root(),
        facility,
        revocation_flag(&verified.certificate.revocation),
        evidence.to_string(),
        extras,
        arrival.raw
    ])?;
    Ok(())
}

/// Checks again, at `now`, every XML notification taken in with "valid
/// signature, revocation not checked": a current CRL of the signer's issuer
/// clears the flag; a CRL listing the signer flags it `revoked` (the case
/// stays, for the officer to review: the notification was valid as
/// received); without one it stays unchecked. The re-check is added to the
/// stored evidence.
pub(crate) fn recheck_revocation(
    tx: &Transaction<'_>,
    trust: &TrustStore,
    facilities: &FacilityCertificates,
    now: DateTime<Utc>,
) -> Result<RevocationRecheck> {
    let pending: Vec<(String, u32, Vec<u8>)> = tx
        .prepare_cached(
            "SELECT notification_id, version, original FROM notification_xml WHERE revocation = 'not_checked'",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let receipt = receipt(trust, facilities, now);
    let mut summary = RevocationRecheck::default();
    for (notification_id, version, original) in pending {
        let (flag, status) = match hotich_health::verify_and_read(&original, &receipt) {
            Ok(verified) => match verified.certificate.revocation {
                RevocationStatus::NotChecked { .. } => {
                    summary.still_unchecked += 1;
                    continue;
                }
                status => {
                    summary.cleared += 1;
                    ("checked", json!(status))
                }
            },
            Err(Rejection::Trust(revoked @ TrustError::Revoked { .. })) => {
                summary.revoked += 1;
                (
                    "revoked",
                    json!({ "status": "revoked", "detail": revoked.to_string() }),
                )
            }
            // No longer verifiable for another reason (an anchor removed since):
            // left as it is; the supervisor's change is not a revocation.
            Err(_) => {
                summary.still_unchecked += 1;
                continue;
            }
        };
        let recheck = json!({ "at": now.to_rfc3339(), "revocation": status });
        tx.prepare_cached(
            "UPDATE notification_xml SET revocation = ?3,
                    evidence = json_set(evidence, '$.revocation_recheck', json(?4))
             WHERE notification_id = ?1 AND version = ?2",
        )?
        .execute(params![notification_id, version, flag, recheck.to_string()])?;
    }
    Ok(summary)
}

/// What was kept of one XML notification version: for the case view.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReceivedXml {
    pub notification_id: String,
    pub version: u32,
    /// The root element: `HSDLGBT`, `HSDLGCS` or `GIAMDINHHS`.
    pub format: String,
    /// MACSKCB the signer was checked against.
    pub facility_code: String,
    /// `checked`, `not_checked` ("chữ ký hợp lệ, chưa kiểm tra thu hồi") or
    /// `revoked` (found revoked by a CRL imported later).
    pub revocation: String,
    /// JSON: `received_at`, `signature` (profile, references, the signer's
    /// claims), `certificate` (subject, chain, revocation and its source),
    /// `facility`, `notes`, and `revocation_recheck` once a CRL came.
    pub evidence: String,
    /// Official elements the model does not hold, in document order.
    pub extras: Vec<(String, String)>,
    /// SHA-256 of the received file.
    pub file_sha256: String,
}

impl crate::store::Store {
    /// Every XML version kept for a notification, oldest first.
    pub fn received_xml(&self, notification_id: &str) -> Result<Vec<ReceivedXml>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT x.notification_id, x.version, x.format, x.facility_code, x.revocation, x.evidence,
                    x.extras, n.signature AS file_sha256
             FROM notification_xml x
             JOIN notification n USING (notification_id, version)
             WHERE x.notification_id = ?1 ORDER BY x.version",
        )?;
        let rows = stmt.query_map([notification_id], |row| {
            let extras: String = row.get("extras")?;
            Ok(crate::sql::from_row!(row => ReceivedXml {
                notification_id, version, format, facility_code, revocation, evidence, file_sha256;
                extras: serde_json::from_str(&extras).unwrap_or_default(),
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// An XML version's signature checked again for the case view.
pub(crate) struct XmlSignature {
    /// The signature method's URI as the file names it.
    pub(crate) algorithm: String,
    /// The stored file still matches its hash and verifies against today's
    /// trust tables at its receipt time.
    pub(crate) holds: bool,
}

/// None for a version that did not come as official XML.
pub(crate) fn xml_signature(
    conn: &Connection,
    notification_id: &str,
    version: u32,
) -> Result<Option<XmlSignature>> {
    use rusqlite::OptionalExtension;
    let stored: Option<(Vec<u8>, String, String)> = conn
        .prepare_cached(
            "SELECT x.original, n.signature, n.received_at FROM notification_xml x
             JOIN notification n USING (notification_id, version)
             WHERE x.notification_id = ?1 AND x.version = ?2",
        )?
        .query_row(params![notification_id, version], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((original, file_sha256, received_at)) = stored else {
        return Ok(None);
    };
    let (trust, facilities) = crate::x509_trust::receipt_material(conn)?;
    let at = DateTime::parse_from_rfc3339(&received_at)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now());
    let verified = hotich_health::verify_and_read(&original, &receipt(&trust, &facilities, at));
    Ok(Some(XmlSignature {
        algorithm: verified
            .as_ref()
            .map(|v| v.signature.signature_method.clone())
            .unwrap_or_default(),
        holds: sha256_hex(&original) == file_sha256 && verified.is_ok(),
    }))
}
