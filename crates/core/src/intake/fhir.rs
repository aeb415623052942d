//! Intake of HL7 FHIR R4 vital records (VRDR death-record messages, BFDR
//! birth reports). FHIR carries no signature of its own, so a record is
//! believed only when its sender is authenticated (`docs/health-formats.md`,
//! "How FHIR messages are authenticated"):
//!
//! - inside Hotich's JWS envelope whose protected header says `cty`
//!   `fhir+json`, signed by a facility key of the trust list: how a FHIR
//!   file is taken in from disk ([`import_file`]);
//! - over the facility channel the central registry authenticated, with the
//!   sender facility it attests ([`import_from_registry`], for the sync pull).
//!
//! A bare FHIR file from disk is quarantined `fhir_unauthenticated`.
//! `hotich_health::fhir::fhir_notifications` maps the record (ids, actions,
//! commune); here each notification gets its version (the next after those
//! held for its id; the same bytes or `MessageHeader.id` again is
//! unchanged) and goes through the same `apply` as a JWS notification. The
//! `notification` columns made for JWS hold stand-ins: `protected` is
//! `fhir:jws` or `fhir:registry`, `payload` the base64url JSON of the mapped
//! notification, `signature` the SHA-256 of the received bytes (the envelope,
//! or the FHIR file the registry relayed); `notification_fhir` keeps those
//! bytes, how they were authenticated and the extras.

use chrono::{DateTime, Utc};
use hotich_calendar::OfficeCalendar;
use hotich_common::hex::sha256_hex;
use hotich_health::fhir::{fhir_notifications, read_fhir, FhirNotification};
use hotich_health::FhirError;
use hotich_protocol::jws::{b64, verifying_key_from_b64};
use hotich_protocol::verify::{
    validate_fields, verify_fhir_envelope, VerifiedFhirEnvelope, MAX_FHIR_ENVELOPE_BYTES,
};
use hotich_protocol::{Action, Notification, RejectionReason, TrustedKeys};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::xml::XmlSignature;
use super::{apply, quarantine_refused, Arrival, Incoming, Outcome, Refused};
use crate::error::{CoreError, Result};
use crate::model::ImportSummary;

/// The reason a bare FHIR file (no envelope, no authenticated channel) is refused.
pub(crate) const UNAUTHENTICATED: &str = "fhir_unauthenticated";

/// Who vouches for a FHIR record's sender.
enum Sender<'a> {
    /// A trust-list key signed the envelope the record came in.
    Jws(&'a VerifiedFhirEnvelope),
    /// The central registry authenticated the facility's channel.
    Registry {
        facility: &'a str,
        name: &'a str,
        address: &'a str,
    },
}

impl Sender<'_> {
    fn facility(&self) -> &str {
        match self {
            Sender::Jws(verified) => &verified.signer.facility_id,
            Sender::Registry { facility, .. } => facility,
        }
    }

    /// `jws:KEYID` or `registry:MACSKCB`, as `notification_fhir` keeps it.
    fn authenticated_by(&self) -> String {
        match self {
            Sender::Jws(verified) => format!("jws:{}", verified.key_id),
            Sender::Registry { facility, .. } => format!("registry:{facility}"),
        }
    }
}

fn arrival<'a>(
    raw: &'a [u8],
    source: &'a str,
    now: DateTime<Utc>,
    calendar: &'a OfficeCalendar,
) -> Arrival<'a> {
    Arrival {
        raw,
        source,
        now,
        keep_bytes: MAX_FHIR_ENVELOPE_BYTES,
        calendar,
    }
}

fn refuse(
    tx: &Transaction<'_>,
    code: &str,
    detail: &str,
    notification: Option<&Notification>,
    arrival: &Arrival,
) -> Result<Outcome> {
    let refused = Refused {
        code,
        notification_id: notification.map(|n| n.notification_id.as_str()),
        version: notification.map(|n| n.version),
        detail,
    };
    quarantine_refused(tx, &refused, arrival)
}

/// A FHIR file from disk: a JWS envelope with `cty` `fhir+json` is verified
/// with the trust list and its record taken in; a bare FHIR resource is
/// quarantined `fhir_unauthenticated`, nothing else stored.
pub(crate) fn import_file(
    conn: &mut Connection,
    calendar: &OfficeCalendar,
    bytes: &[u8],
    source: &str,
    keys: &TrustedKeys,
    now: DateTime<Utc>,
) -> Result<ImportSummary> {
    let tx = conn.transaction()?;
    let arrival = arrival(bytes, source, now, calendar);
    let mut summary = ImportSummary::default();
    if hotich_health::fhir::looks_like_fhir(bytes) {
        let detail = "a FHIR file from disk must come inside a JWS envelope signed by the facility";
        summary.count(refuse(&tx, UNAUTHENTICATED, detail, None, &arrival)?);
    } else {
        match verify_fhir_envelope(bytes, keys) {
            Ok(verified) => summary.add(&take_record(
                &tx,
                &verified.payload,
                &Sender::Jws(&verified),
                &arrival,
            )?),
            Err(rejection) => summary.count(refuse(
                &tx,
                rejection.reason.code(),
                &rejection.detail,
                None,
                &arrival,
            )?),
        }
    }
    tx.commit()?;
    Ok(summary)
}

/// A FHIR file the central registry relayed from `sender_facility`, whose
/// channel it authenticated: taken in inside the caller's transaction (the
/// sync pull's). A record speaking for another facility is refused
/// (`fhir_wrong_facility`).
pub(crate) fn import_from_registry(
    tx: &Transaction<'_>,
    calendar: &OfficeCalendar,
    bytes: &[u8],
    source: &str,
    sender_facility: &str,
    now: DateTime<Utc>,
) -> Result<ImportSummary> {
    // The facility's name and address as the trust list gives them, for the case view.
    let (name, address): (String, String) = tx
        .prepare_cached(
            "SELECT name, address FROM facility_key WHERE facility_id = ?1 ORDER BY key_id LIMIT 1",
        )?
        .query_row([sender_facility], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .unwrap_or_else(|| (sender_facility.to_owned(), String::new()));
    let sender = Sender::Registry {
        facility: sender_facility,
        name: &name,
        address: &address,
    };
    take_record(tx, bytes, &sender, &arrival(bytes, source, now, calendar))
}

/// Reads the FHIR bytes, maps them for the authenticated sender and takes
/// in each notification; a refusal is one quarantine row with its code.
fn take_record(
    tx: &Transaction<'_>,
    fhir: &[u8],
    sender: &Sender<'_>,
    arrival: &Arrival,
) -> Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    let notifications = read_fhir(fhir).and_then(|r| fhir_notifications(&r, sender.facility()));
    match notifications {
        Err(refused) => summary.count(refuse_fhir(tx, &refused, arrival)?),
        Ok(notifications) => {
            for notification in notifications {
                summary.count(take_in(tx, notification, sender, arrival)?);
            }
        }
    }
    Ok(summary)
}

fn refuse_fhir(tx: &Transaction<'_>, refused: &FhirError, arrival: &Arrival) -> Result<Outcome> {
    refuse(tx, refused.code(), &refused.to_string(), None, arrival)
}

/// Quarantine code of a FHIR message older (by its `Bundle.timestamp`) than
/// a version already held of its record.
const OUT_OF_ORDER: &str = "fhir_out_of_order";

/// Quarantine code of a FHIR void of a record this office never received.
const VOID_OF_UNKNOWN_RECORD: &str = "fhir_void_unknown_record";

/// What is held for an id: its versions' file hashes, the FHIR message ids,
/// the newest version's commune, and the latest `Bundle.timestamp` of the
/// FHIR versions that carried one.
struct Held {
    sha256: Vec<String>,
    message_ids: Vec<String>,
    newest: Option<(u32, String)>,
    latest_sent: Option<DateTime<Utc>>,
}

fn held(tx: &Transaction<'_>, notification_id: &str) -> Result<Held> {
    let mut held = Held {
        sha256: Vec::new(),
        message_ids: Vec::new(),
        newest: None,
        latest_sent: None,
    };
    let rows = tx
        .prepare_cached(
            "SELECT n.version, n.signature, n.commune_code, f.message_id, f.sent_at
             FROM notification n LEFT JOIN notification_fhir f USING (notification_id, version)
             WHERE n.notification_id = ?1 ORDER BY n.version",
        )?
        .query_map([notification_id], |row| {
            Ok((
                row.get::<_, u32>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (version, sha256, commune, message_id, sent_at) in rows {
        held.sha256.push(sha256);
        held.message_ids.extend(message_id);
        held.newest = Some((version, commune));
        if let Some(sent_at) = sent_at {
            let sent_at = DateTime::parse_from_rfc3339(&sent_at)
                .map_err(|e| CoreError::Corrupt {
                    what: "notification_fhir.sent_at".into(),
                    reason: e.to_string(),
                })?
                .with_timezone(&Utc);
            held.latest_sent = held.latest_sent.max(Some(sent_at));
        }
    }
    Ok(held)
}

fn take_in(
    tx: &Transaction<'_>,
    taken: FhirNotification,
    sender: &Sender<'_>,
    arrival: &Arrival,
) -> Result<Outcome> {
    let FhirNotification {
        notification: mut n,
        extras,
        message_id,
        sent_at,
    } = taken;
    let file_sha256 = sha256_hex(arrival.raw);
    let held = held(tx, &n.notification_id)?;
    let resent = message_id
        .as_ref()
        .is_some_and(|id| held.message_ids.contains(id));
    if resent || held.sha256.contains(&file_sha256) {
        return Ok(Outcome::Unchanged);
    }
    // Versions are numbered as they arrive; a message the facility sent
    // before one already held (a retry, a slow relay) must not put older
    // content over newer. Judged only between `Bundle.timestamp`s (a day's
    // noon, the stand-in for a record without one, orders nothing). It is
    // kept in quarantine for the officer.
    if let (Some(latest), Some(sent)) = (held.latest_sent, sent_at) {
        if latest > sent {
            let detail = format!(
                "{}: a message sent at {} arrived after one sent at {}",
                n.notification_id,
                sent.to_rfc3339(),
                latest.to_rfc3339()
            );
            return refuse(tx, OUT_OF_ORDER, &detail, Some(&n), arrival);
        }
    }
    match (&held.newest, n.action) {
        (Some((newest, commune)), action) => {
            n.version = newest + 1;
            // A second submission of a held record, or a birth report sent
            // again with other content, corrects it.
            if action == Action::Issue {
                n.action = Action::Correct;
            }
            if n.commune_code.is_empty() {
                n.commune_code = commune.clone();
            }
        }
        (None, Action::Void) => {
            let detail = "a FHIR void of a record never received";
            return refuse(tx, VOID_OF_UNKNOWN_RECORD, detail, Some(&n), arrival);
        }
        (None, _) => {}
    }
    if let Sender::Jws(verified) = sender {
        let key = &verified.signer;
        if n.issued_at < key.valid_from || n.issued_at > key.valid_until {
            let detail = format!(
                "key {} valid {} to {}, message of {}",
                verified.key_id,
                key.valid_from.date_naive(),
                key.valid_until.date_naive(),
                n.issued_at.date_naive()
            );
            let code = RejectionReason::ExpiredFacilityKey.code();
            return refuse(tx, code, &detail, Some(&n), arrival);
        }
    }
    if let Err(invalid) = validate_fields(&n, arrival.now) {
        let code = RejectionReason::FieldInvalid.code();
        return refuse(tx, code, &invalid.to_string(), Some(&n), arrival);
    }
    let payload = b64(&serde_json::to_vec(&n).map_err(|e| CoreError::Corrupt {
        what: "notification".into(),
        reason: e.to_string(),
    })?);
    let authenticated_by = sender.authenticated_by();
    let (key_id, facility_name, facility_address, key) = match sender {
        Sender::Jws(verified) => (
            verified.key_id.as_str(),
            verified.signer.facility_name.as_str(),
            verified.signer.facility_address.as_str(),
            Some(&verified.signer),
        ),
        Sender::Registry { name, address, .. } => {
            (authenticated_by.as_str(), *name, *address, None)
        }
    };
    let incoming = Incoming {
        notification: &n,
        protected: if key.is_some() {
            "fhir:jws"
        } else {
            "fhir:registry"
        },
        payload: &payload,
        signature: &file_sha256,
        key_id,
        facility_name,
        facility_address,
        public_key: key.map(|k| b64(k.key.as_bytes())).unwrap_or_default(),
        key_valid_from: key.map(|k| k.valid_from.to_rfc3339()).unwrap_or_default(),
        key_valid_until: key.map(|k| k.valid_until.to_rfc3339()).unwrap_or_default(),
    };
    let outcome = apply(tx, &incoming, arrival)?;
    if outcome.stores_a_version() {
        let extras = serde_json::to_string(&extras).unwrap_or_else(|_| "[]".to_owned());
        tx.prepare_cached(
            "INSERT INTO notification_fhir (notification_id, version, authenticated_by, message_id, extras, original, sent_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            n.notification_id,
            n.version,
            authenticated_by,
            message_id,
            extras,
            arrival.raw,
            sent_at.map(|at| at.to_rfc3339())
        ])?;
    }
    Ok(outcome)
}

/// What was kept of one FHIR notification version: for the case view.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReceivedFhir {
    pub notification_id: String,
    pub version: u32,
    /// `jws:KEYID` (a facility key of the trust list signed the envelope) or
    /// `registry:MACSKCB` (the central registry attested the sender).
    pub authenticated_by: String,
    /// The VRDR `MessageHeader.id`; none for a birth report.
    pub message_id: Option<String>,
    /// FHIR path → value for what the model does not hold, sorted by path.
    pub extras: Vec<(String, String)>,
    /// SHA-256 of the received bytes (the envelope, or the relayed FHIR file).
    pub file_sha256: String,
}

impl crate::store::Store {
    /// Every FHIR version kept for a notification, oldest first.
    pub fn received_fhir(&self, notification_id: &str) -> Result<Vec<ReceivedFhir>> {
        let kept = self
            .conn
            .prepare_cached(
                "SELECT f.notification_id, f.version, f.authenticated_by, f.message_id, f.extras,
                        n.signature AS file_sha256
                 FROM notification_fhir f JOIN notification n USING (notification_id, version)
                 WHERE f.notification_id = ?1 ORDER BY f.version",
            )?
            .query_map([notification_id], received_fhir_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(kept)
    }

    /// Takes in a FHIR file the central registry relayed from
    /// `sender_facility` (see [`import_from_registry`]), in one transaction.
    pub fn import_fhir_from_registry(
        &mut self,
        bytes: &[u8],
        source: &str,
        sender_facility: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        let tx = self.conn.transaction()?;
        let summary =
            import_from_registry(&tx, &self.calendar, bytes, source, sender_facility, now)?;
        tx.commit()?;
        Ok(summary)
    }
}

fn received_fhir_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ReceivedFhir> {
    let extras = row.get_ref("extras")?.as_str()?;
    Ok(crate::sql::from_row!(row => ReceivedFhir {
        notification_id, version, authenticated_by, message_id, file_sha256;
        extras: serde_json::from_str(extras).unwrap_or_default(),
    }))
}

/// A FHIR version checked again for the case view: the stored bytes still
/// match their hash, the envelope (when there is one) still verifies with
/// the key that verified it on arrival, and the record still reads. None
/// for a version that did not come as FHIR.
pub(crate) fn fhir_signature(
    conn: &Connection,
    notification_id: &str,
    version: u32,
) -> Result<Option<XmlSignature>> {
    let stored: Option<(Vec<u8>, String, String, String)> = conn
        .prepare_cached(
            "SELECT f.original, n.signature, n.protected, n.public_key FROM notification_fhir f
             JOIN notification n USING (notification_id, version)
             WHERE f.notification_id = ?1 AND f.version = ?2",
        )?
        .query_row(params![notification_id, version], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    let Some((original, file_sha256, protected, public_key)) = stored else {
        return Ok(None);
    };
    let intact = sha256_hex(&original) == file_sha256;
    let (algorithm, fhir) = if protected == "fhir:jws" {
        let envelope = serde_json::from_slice::<hotich_protocol::SignedEnvelope>(&original)
            .ok()
            .and_then(|e| e.open(hotich_protocol::jws::TYP_NOTIFICATION).ok());
        let verified = match (&envelope, verifying_key_from_b64(&public_key)) {
            (Some(opened), Ok(key)) => opened.verify(&key).is_ok(),
            _ => false,
        };
        let payload = envelope.filter(|_| verified).map(|o| o.payload);
        (hotich_protocol::jws::ALG_EDDSA.to_owned(), payload)
    } else {
        ("registry".to_owned(), Some(original))
    };
    let reads = fhir.is_some_and(|bytes| read_fhir(&bytes).is_ok());
    Ok(Some(XmlSignature {
        algorithm,
        holds: intact && reads,
    }))
}
