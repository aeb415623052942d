//! Intake of the health sector's official signed XML (`HSDLGBT`, `HSDLGCS`,
//! `GIAMDINHHS`): `hotich_health::verify_and_read` checks the file against
//! the X.509 trust tables at receipt time; each record becomes a notification
//! version like a JWS one (the same `notification` row and case), with the
//! received bytes, the evidence and the extras in `notification_xml`.
//!
//! - Ids: the facility code (MACSKCB), then `MA_GBT` (death notice),
//!   `MA_GCS` (birth certificate; its facility segment names the facility,
//!   whose registered certificates must include the signer's) or
//!   `XML9-MA_LK-n` (table 9, the n-th child of the delivery).
//! - Versions: the file carries none. A file already held (same bytes) is
//!   unchanged; a different one for a held id is the next version when it is
//!   marked as a re-issue (`SO_BAOTU_BD` filled; `CAP_LAN_DAU` 0) or comes in
//!   an XML 130 set (re-sent whole when corrected), else a version conflict.
//! - The `notification` columns made for JWS hold stand-ins: `protected` is
//!   `xmldsig:ROOT`, `payload` the base64url JSON of the model read from the
//!   signed elements, `signature` the SHA-256 of the received file, the key
//!   columns the signer certificate (base64url DER, validity).

use chrono::{DateTime, Duration, Utc};
use hotich_common::hex::sha256_hex;
use hotich_common::time::start_of_office_day;
use hotich_health::trust::RevocationStatus;
use hotich_health::{
    FacilityCertificates, FacilityCheck, HealthRecord, ReadError, Receipt, RecordShape, Rejection,
    TrustError, TrustStore, VerifiedDocument,
};
use hotich_protocol::jws::b64;
use hotich_protocol::verify::validate_fields;
use hotich_protocol::{Action, EventKind, Notification, RejectionReason};
use rusqlite::{params, Connection, Transaction};
use serde_json::json;

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
    bytes: &[u8],
    source: &str,
    receipt: &Receipt<'_>,
) -> Result<ImportSummary> {
    let arrival = Arrival {
        raw: bytes,
        source,
        now: receipt.at,
        keep_bytes: hotich_health::limits::MAX_DOCUMENT_BYTES,
    };
    let verified = hotich_health::verify_and_read(bytes, receipt);
    let read = verified
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|verified| {
            let facility = facility_of(verified, receipt.facilities)?;
            let notifications = notifications_of(verified, &facility)?;
            Ok((verified, facility, notifications))
        });
    let tx = conn.transaction()?;
    let mut summary = ImportSummary::default();
    match read {
        Err(rejection) => {
            let detail = rejection.to_string();
            let refused = Refused {
                code: rejection.code(),
                notification_id: None,
                version: None,
                detail: &detail,
            };
            summary.count(quarantine_refused(&tx, &refused, &arrival)?);
        }
        Ok((verified, facility, notifications)) => {
            for record in notifications {
                let taken = Taken {
                    verified,
                    facility: &facility,
                    record,
                };
                summary.count(take_in(&tx, taken, &arrival)?);
            }
        }
    }
    tx.commit()?;
    Ok(summary)
}

/// The facility the file speaks for, its signer registered for it. A
/// `GIAYCHUNGSINH` names none: its `MA_GCS` (`XXXXX.GCS.ZZZZZ.YY`) does.
fn facility_of(
    verified: &VerifiedDocument,
    facilities: &FacilityCertificates,
) -> std::result::Result<String, Rejection> {
    if let FacilityCheck::Registered { facility } = &verified.facility {
        return Ok(facility.clone());
    }
    let code = verified
        .document
        .records
        .first()
        .and_then(|r| r.birth.as_ref())
        .map(|b| b.episode_key.as_str())
        .unwrap_or_default();
    let parts: Vec<&str> = code.split('.').collect();
    let facility = match parts.as_slice() {
        [_, "GCS", facility, _] if !facility.is_empty() => (*facility).to_owned(),
        _ => {
            return Err(ReadError::WrongForm {
                element: "MA_GCS".to_owned(),
                expected: "XXXXX.GCS.ZZZZZ.YY",
            }
            .into())
        }
    };
    facilities.check(&facility, &verified.certificate)?;
    Ok(facility)
}

/// One record as a notification, before its version is known.
struct RecordNotification<'a> {
    notification: Notification,
    record: &'a HealthRecord,
    /// A different file for a held id is a new version (see the module doc).
    may_supersede: bool,
}

/// The records as notifications, version 1, action `issue`.
fn notifications_of<'a>(
    verified: &'a VerifiedDocument,
    facility: &str,
) -> std::result::Result<Vec<RecordNotification<'a>>, Rejection> {
    let mut children_of_delivery: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for record in &verified.document.records {
        let (kind, id, commune, issued_on, may_supersede) = match (&record.death, &record.birth) {
            (Some(d), _) => (
                EventKind::Death,
                format!("{facility}-{}", d.notice_code),
                d.permanent_commune_code.clone(),
                d.notice_issue_date,
                d.original_notice_number
                    .as_deref()
                    .is_some_and(|n| !n.trim().is_empty()),
            ),
            (None, Some(b)) => {
                let (id, may_supersede) = match record.shape {
                    RecordShape::Xml9Birth => {
                        children_of_delivery.push(&b.episode_key);
                        let n = children_of_delivery
                            .iter()
                            .filter(|k| **k == b.episode_key)
                            .count();
                        (format!("{facility}-XML9-{}-{n}", b.episode_key), true)
                    }
                    _ => (
                        format!("{facility}-{}", b.episode_key),
                        record
                            .extras
                            .iter()
                            .any(|(name, value)| name == "CAP_LAN_DAU" && value.trim() == "0"),
                    ),
                };
                (
                    EventKind::Birth,
                    id,
                    b.residence_commune_code.clone(),
                    b.certificate_issue_date,
                    may_supersede,
                )
            }
            (None, None) => {
                return Err(ReadError::MissingElement {
                    element: "GIAYBAOTU/GIAYCHUNGSINH".to_owned(),
                }
                .into())
            }
        };
        out.push(RecordNotification {
            notification: Notification {
                schema: hotich_protocol::payload::SCHEMA_VERSION,
                notification_id: id,
                version: 1,
                action: Action::Issue,
                kind,
                facility_id: facility.to_owned(),
                // The issue date at noon office time: the file gives a day only.
                issued_at: start_of_office_day(issued_on) + Duration::hours(12),
                commune_code: commune,
                birth: record.birth.clone(),
                death: record.death.clone(),
                void_reason: None,
            },
            record,
            may_supersede,
        });
    }
    Ok(out)
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
