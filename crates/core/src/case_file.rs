//! The case row, `case_file`: this module is its only writer. Intake opens a
//! case from a notification and applies the notification's later versions;
//! registration opens one by hand and closes it as registered; outreach
//! assigns it and moves it through the lifecycle. Each calls one of these
//! functions inside its own transaction, with the timeline entry and the
//! outbox row of the same write. Triggers keep `case_name_key`,
//! `attempt_fact` and the statistics' columns in step (001, 006, 008).
//! Reads nothing for those writes; the case view's evidence of an official
//! XML (and FHIR) version is read through intake's `received_xml`
//! (`received_fhir`) at the end of this file.

use chrono::{DateTime, NaiveDate, Utc};
use hotich_protocol::EventKind;
use rusqlite::{params, ToSql, Transaction};

use crate::error::Result;
use crate::model::CaseStatus;

/// Who or what a case is about, as its notification or the officer gave it.
pub(crate) struct Subject {
    pub(crate) name: String,
    /// `name` folded for search (`text::fold`).
    pub(crate) folded: String,
    pub(crate) event_date: NaiveDate,
    pub(crate) deadline: NaiveDate,
}

/// The notification a case is opened from or updated with.
pub(crate) struct FromNotification<'a> {
    pub(crate) notification_id: &'a str,
    /// The newest version held, and the version whose content the case shows.
    pub(crate) newest_version: u32,
    pub(crate) content_version: u32,
    pub(crate) facility_id: &'a str,
    pub(crate) facility_name: &'a str,
}

/// Opens a case for a notification; returns its id.
pub(crate) fn open_from_notification(
    tx: &Transaction<'_>,
    kind: EventKind,
    status: CaseStatus,
    subject: &Subject,
    notification: &FromNotification<'_>,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = now.to_rfc3339();
    let mut values = content_values(&status, subject, notification).to_vec();
    values.extend([
        (":id", &id as &dyn ToSql),
        (":kind", &kind),
        (":notification_id", &notification.notification_id),
        (":now", &now),
    ]);
    tx.prepare_cached(
        "INSERT INTO case_file (id, kind, notification_id, notification_version, content_version, status,
                                subject_name, name_folded, event_date, deadline, facility_id, facility_name,
                                opened_at, updated_at)
         VALUES (:id, :kind, :notification_id, :notification_version, :content_version, :status,
                 :subject_name, :name_folded, :event_date, :deadline, :facility_id, :facility_name,
                 :now, :now)",
    )?
    .execute(values.as_slice())?;
    Ok(id)
}

/// The columns a notification version sets, named alike for the INSERT
/// that opens a case and the UPDATE that applies a newer version.
fn content_values<'a>(
    status: &'a CaseStatus,
    subject: &'a Subject,
    notification: &'a FromNotification<'_>,
) -> [(&'static str, &'a dyn ToSql); 9] {
    [
        (":status", status),
        (":notification_version", &notification.newest_version),
        (":content_version", &notification.content_version),
        (":subject_name", &subject.name),
        (":name_folded", &subject.folded),
        (":event_date", &subject.event_date),
        (":deadline", &subject.deadline),
        (":facility_id", &notification.facility_id),
        (":facility_name", &notification.facility_name),
    ]
}

/// A newer notification version with content: the case takes its subject.
pub(crate) fn apply_new_content(
    tx: &Transaction<'_>,
    case_id: &str,
    status: CaseStatus,
    subject: &Subject,
    notification: &FromNotification<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = now.to_rfc3339();
    let mut values = content_values(&status, subject, notification).to_vec();
    values.extend([(":id", &case_id as &dyn ToSql), (":now", &now)]);
    tx.prepare_cached(
        "UPDATE case_file SET status = :status, notification_version = :notification_version,
                content_version = :content_version, subject_name = :subject_name,
                name_folded = :name_folded, event_date = :event_date, deadline = :deadline,
                facility_id = :facility_id, facility_name = :facility_name, updated_at = :now
         WHERE id = :id",
    )?
    .execute(values.as_slice())?;
    Ok(())
}

/// A newer notification version without new content (a void, or content
/// older than the case's): only the status and the newest version move.
pub(crate) fn apply_new_version(
    tx: &Transaction<'_>,
    case_id: &str,
    status: CaseStatus,
    newest_version: u32,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE case_file SET status = ?2, notification_version = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![case_id, status, newest_version, now.to_rfc3339()])?;
    Ok(())
}

/// Opens a case no notification announced, assigned to the officer opening
/// it; returns its id.
pub(crate) fn open_by_hand(
    tx: &Transaction<'_>,
    kind: EventKind,
    subject: &Subject,
    assignee: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    tx.execute(
        "INSERT INTO case_file (id, kind, status, subject_name, name_folded, event_date, deadline,
                                opened_at, updated_at, assignee)
         VALUES (?1, ?2, 'new', ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
        params![
            id,
            kind,
            subject.name,
            subject.folded,
            subject.event_date,
            subject.deadline,
            now.to_rfc3339(),
            assignee
        ],
    )?;
    Ok(id)
}

/// Every case's deadline worked out again with `calendar` (the office
/// calendar changed: a holiday schedule imported); returns how many moved.
/// `updated_at` stays: no officer changed the case.
pub(crate) fn move_deadlines(
    tx: &Transaction<'_>,
    calendar: &hotich_calendar::OfficeCalendar,
) -> Result<u64> {
    let cases: Vec<(i64, EventKind, NaiveDate, NaiveDate)> = tx
        .prepare("SELECT seq, kind, event_date, deadline FROM case_file")?
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE case_file SET deadline = ?2 WHERE seq = ?1")?;
    let mut moved = 0;
    for (seq, kind, event_date, deadline) in cases {
        let now_due = crate::legal::registration_deadline(calendar, kind, event_date);
        if now_due != deadline {
            update.execute(params![seq, now_due])?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// The case is registered: outreach ends.
pub(crate) fn close_as_registered(
    tx: &Transaction<'_>,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET status = 'registered', next_follow_up = NULL, updated_at = ?2 WHERE id = ?1",
        params![case_id, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Gives the case to `assignee` (None: nobody).
pub(crate) fn assign(
    tx: &Transaction<'_>,
    case_id: &str,
    assignee: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET assignee = ?2, updated_at = ?3 WHERE id = ?1",
        params![case_id, assignee, now.to_rfc3339()],
    )?;
    Ok(())
}

/// An unassigned case becomes the officer's who starts working it (the
/// attempt's own write sets `updated_at`).
pub(crate) fn take(tx: &Transaction<'_>, case_id: &str, officer_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET assignee = ?2 WHERE id = ?1",
        params![case_id, officer_id],
    )?;
    Ok(())
}

/// After an outreach attempt: the status it led to, the next follow-up and
/// the appointment, and when the family was last tried.
pub(crate) fn record_attempt(
    tx: &Transaction<'_>,
    case_id: &str,
    to: CaseStatus,
    next_follow_up: Option<NaiveDate>,
    appointment: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET status = ?2, next_follow_up = ?3, appointment_date = ?4, last_attempt_at = ?5,
                updated_at = ?5
         WHERE id = ?1",
        params![
            case_id,
            to,
            next_follow_up,
            appointment,
            now.to_rfc3339()
        ],
    )?;
    Ok(())
}

/// A decision that is not an attempt: the appointment is kept only while
/// the case stays at `appointment`.
pub(crate) fn decide(
    tx: &Transaction<'_>,
    case_id: &str,
    to: CaseStatus,
    next_follow_up: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET status = ?2, next_follow_up = ?3,
                appointment_date = CASE WHEN ?2 = 'appointment' THEN appointment_date END,
                updated_at = ?4
         WHERE id = ?1",
        params![case_id, to, next_follow_up, now.to_rfc3339()],
    )?;
    Ok(())
}

/// What the case view shows of a version that came as the health sector's
/// official signed XML: who signed it, the certificate chain up to the
/// trusted root, the revocation answer and where it came from, the receipt
/// time, and the official elements the model does not hold. Read from what
/// intake kept with the version ([`crate::ReceivedXml`]); the words are the
/// UI's, these are codes and data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OfficialEvidence {
    pub version: u32,
    /// The root element (`HSDLGBT`, `HSDLGCS`, `GIAMDINHHS`): the UI names it.
    pub format: String,
    /// MACSKCB the signer's certificate is registered for.
    pub facility_code: String,
    /// RFC 3339: when the office received the file (certificates and CRLs
    /// were judged at this instant).
    pub received_at: String,
    /// The signer's own `SigningTime`, local time as written: shown, never relied on.
    pub signing_time: Option<String>,
    /// Signer first, trust anchor last.
    pub chain: Vec<CertificateLink>,
    pub revocation: RevocationShown,
    /// Official element name and value, in the document's order.
    pub extras: Vec<(String, String)>,
}

/// One certificate of the validated path, its subject taken apart.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CertificateLink {
    /// The whole subject (`CN=…, O=…`).
    pub subject: String,
    /// `CN`, else the whole subject.
    pub common_name: String,
    /// `O`, when the subject has one.
    pub organisation: Option<String>,
    /// The tax code (MST) Vietnamese CAs write as `UID=MST:…`.
    pub tax_code: Option<String>,
    pub issuer: String,
    pub serial: String,
    /// RFC 3339 when the certificate's time reads, else as stored.
    pub not_before: String,
    pub not_after: String,
}

/// The signer's revocation status as the office knows it now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RevocationShown {
    /// A current CRL of the issuer does not list the signer.
    Checked {
        crl_issuer: String,
        /// RFC 3339 when it reads, else as stored.
        crl_this_update: String,
        /// RFC 3339: the later check a newly imported CRL made; None when
        /// checked on receipt.
        rechecked_at: Option<String>,
    },
    /// "Chữ ký hợp lệ, chưa kiểm tra thu hồi": no current CRL of the issuer yet.
    NotChecked,
    /// A CRL imported later lists the signer.
    Revoked { rechecked_at: Option<String> },
}

/// The parts of the stored evidence JSON (`intake/xml.rs` `keep_file`) the
/// view needs; anything else in it is ignored.
#[derive(serde::Deserialize)]
struct StoredEvidence {
    #[serde(default)]
    received_at: String,
    #[serde(default)]
    signature: Option<StoredSignature>,
    #[serde(default)]
    certificate: Option<StoredCertificate>,
    #[serde(default)]
    revocation_recheck: Option<StoredRecheck>,
}

#[derive(serde::Deserialize)]
struct StoredSignature {
    #[serde(default)]
    claims: Option<StoredClaims>,
}

#[derive(serde::Deserialize)]
struct StoredClaims {
    signing_time: Option<String>,
}

#[derive(serde::Deserialize)]
struct StoredCertificate {
    #[serde(default)]
    chain: Vec<StoredLink>,
    revocation: Option<serde_json::Value>,
}

#[derive(serde::Deserialize)]
struct StoredLink {
    subject: String,
    issuer: String,
    #[serde(default)]
    serial: String,
    not_before: String,
    not_after: String,
}

#[derive(serde::Deserialize)]
struct StoredRecheck {
    at: Option<String>,
    revocation: Option<serde_json::Value>,
}

/// `Nov  1 00:00:00 2026 GMT` (OpenSSL's text) → RFC 3339; anything else unchanged.
fn certificate_time(text: &str) -> String {
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    chrono::NaiveDateTime::parse_from_str(&squeezed, "%b %d %H:%M:%S %Y GMT")
        .map(|t| t.and_utc().to_rfc3339())
        .unwrap_or_else(|_| text.to_owned())
}

/// The value of `key=` in a subject written `K=v, K=v` (`name_text`).
fn subject_part<'a>(subject: &'a str, key: &str) -> Option<&'a str> {
    subject.split(", ").find_map(|part| {
        part.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix('='))
            .map(str::trim)
            .filter(|value| !value.is_empty())
    })
}

impl From<StoredLink> for CertificateLink {
    fn from(link: StoredLink) -> Self {
        let part = |key| subject_part(&link.subject, key).map(str::to_owned);
        let tax_code = subject_part(&link.subject, "UID")
            .and_then(|uid| uid.strip_prefix("MST:"))
            .map(str::to_owned);
        CertificateLink {
            common_name: part("CN").unwrap_or_else(|| link.subject.clone()),
            organisation: part("O"),
            tax_code,
            not_before: certificate_time(&link.not_before),
            not_after: certificate_time(&link.not_after),
            subject: link.subject,
            issuer: link.issuer,
            serial: link.serial,
        }
    }
}

/// A stored revocation status (`hotich_health::trust::RevocationStatus` as
/// JSON, or the re-check's `{"status": "revoked"}`) as shown.
fn revocation_shown(
    flag: &str,
    status: Option<&serde_json::Value>,
    rechecked_at: Option<String>,
) -> RevocationShown {
    let text = |value: &serde_json::Value, key: &str| {
        value
            .get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let status_name = status.map(|s| text(s, "status")).unwrap_or_default();
    if flag == "revoked" || status_name == "revoked" {
        return RevocationShown::Revoked { rechecked_at };
    }
    match (status_name.as_str(), status.and_then(|s| s.get("source"))) {
        ("good", Some(source)) => RevocationShown::Checked {
            crl_issuer: text(source, "issuer"),
            crl_this_update: certificate_time(&text(source, "this_update")),
            rechecked_at,
        },
        _ => RevocationShown::NotChecked,
    }
}

impl OfficialEvidence {
    fn of(received: crate::ReceivedXml) -> Self {
        let stored: Option<StoredEvidence> = serde_json::from_str(&received.evidence).ok();
        let (received_at, signing_time, chain, status, recheck) = match stored {
            Some(e) => {
                let (chain, status) = e
                    .certificate
                    .map(|c| (c.chain, c.revocation))
                    .unwrap_or_default();
                let signing_time = e
                    .signature
                    .and_then(|s| s.claims)
                    .and_then(|c| c.signing_time);
                (
                    e.received_at,
                    signing_time,
                    chain,
                    status,
                    e.revocation_recheck,
                )
            }
            None => Default::default(),
        };
        // A later CRL's answer replaces the one given on receipt.
        let revocation = match recheck {
            Some(StoredRecheck { at, revocation }) => {
                revocation_shown(&received.revocation, revocation.as_ref(), at)
            }
            None => revocation_shown(&received.revocation, status.as_ref(), None),
        };
        OfficialEvidence {
            version: received.version,
            format: received.format,
            facility_code: received.facility_code,
            received_at,
            signing_time,
            chain: chain.into_iter().map(CertificateLink::from).collect(),
            revocation,
            extras: received.extras,
        }
    }
}

impl crate::store::Store {
    /// The official-file evidence of every version of a notification that
    /// came as signed XML, oldest first; empty for one that did not.
    pub fn official_evidence(&self, notification_id: &str) -> Result<Vec<OfficialEvidence>> {
        Ok(self
            .received_xml(notification_id)?
            .into_iter()
            .map(OfficialEvidence::of)
            .collect())
    }
}

/// How a FHIR version (no XMLDSig of its own) was authenticated, and the
/// resources' fields the model does not hold: for the case view.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FhirEvidence {
    pub version: u32,
    pub authentication: FhirAuthentication,
    /// The VRDR `MessageHeader.id`; none for a birth report.
    pub message_id: Option<String>,
    /// FHIR path and value, sorted by path.
    pub extras: Vec<(String, String)>,
}

/// Who vouched for a FHIR message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum FhirAuthentication {
    /// A JWS envelope signed by this facility key of the trust list.
    Envelope { key_id: String },
    /// The central registry's authenticated facility channel, for this MACSKCB.
    Registry { facility_code: String },
}

impl FhirAuthentication {
    /// `jws:KEYID` or `registry:MACSKCB`, as intake stores it.
    fn of(stored: &str) -> Self {
        match stored.split_once(':') {
            Some(("registry", facility)) => FhirAuthentication::Registry {
                facility_code: facility.to_owned(),
            },
            Some(("jws", key)) => FhirAuthentication::Envelope {
                key_id: key.to_owned(),
            },
            _ => FhirAuthentication::Envelope {
                key_id: stored.to_owned(),
            },
        }
    }
}

impl crate::store::Store {
    /// The FHIR evidence of every version of a notification that came as a
    /// FHIR message, oldest first; empty for one that did not.
    pub fn fhir_evidence(&self, notification_id: &str) -> Result<Vec<FhirEvidence>> {
        Ok(self
            .received_fhir(notification_id)?
            .into_iter()
            .map(|received| FhirEvidence {
                version: received.version,
                authentication: FhirAuthentication::of(&received.authenticated_by),
                message_id: received.message_id,
                extras: received.extras,
            })
            .collect())
    }
}

#[cfg(test)]
mod evidence_tests {
    use super::*;

    #[test]
    fn a_subject_is_taken_apart_and_openssl_times_read_as_rfc3339() {
        let link = CertificateLink::from(StoredLink {
            subject: "CN=Bệnh viện A, O=Sở Y tế, UID=MST:0301234567".into(),
            issuer: "CN=VNPT Certification Authority".into(),
            serial: "0A".into(),
            not_before: "Nov  1 00:00:00 2026 GMT".into(),
            not_after: "not a time".into(),
        });
        assert_eq!(link.common_name, "Bệnh viện A");
        assert_eq!(link.organisation.as_deref(), Some("Sở Y tế"));
        assert_eq!(link.tax_code.as_deref(), Some("0301234567"));
        assert_eq!(link.not_before, "2026-11-01T00:00:00+00:00");
        assert_eq!(link.not_after, "not a time");
    }

    #[test]
    fn a_fhir_message_names_the_envelope_key_or_the_registry_channel() {
        assert_eq!(
            FhirAuthentication::of("registry:79024"),
            FhirAuthentication::Registry {
                facility_code: "79024".into()
            }
        );
        assert_eq!(
            FhirAuthentication::of("jws:bv-cho-ray-2026"),
            FhirAuthentication::Envelope {
                key_id: "bv-cho-ray-2026".into()
            }
        );
    }

    #[test]
    fn a_recheck_answer_replaces_the_receipt_one() {
        let good = serde_json::json!({"status": "good", "source": {
            "kind": "crl", "issuer": "CN=Issuing CA", "this_update": "Nov 30 10:00:00 2026 GMT"}});
        assert_eq!(
            revocation_shown(
                "checked",
                Some(&good),
                Some("2026-11-30T11:00:00+00:00".into())
            ),
            RevocationShown::Checked {
                crl_issuer: "CN=Issuing CA".into(),
                crl_this_update: "2026-11-30T10:00:00+00:00".into(),
                rechecked_at: Some("2026-11-30T11:00:00+00:00".into()),
            }
        );
        let not_checked = serde_json::json!({"status": "not_checked", "reason": "no_crl"});
        assert_eq!(
            revocation_shown("not_checked", Some(&not_checked), None),
            RevocationShown::NotChecked
        );
        let revoked = serde_json::json!({"status": "revoked", "detail": "…"});
        assert_eq!(
            revocation_shown("revoked", Some(&revoked), None),
            RevocationShown::Revoked { rechecked_at: None }
        );
    }
}
