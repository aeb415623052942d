//! A FHIR vital record as Hotich notifications: the one mapping the
//! workstation's intake and the central registry's router both use (no
//! storage here). See `docs/health-formats.md`, "FHIR intake".
//!
//! - Ids start with the facility code, as every notification's must:
//!   a death record is `{facility}-{record_id}` (VRDR `record_id` =
//!   `{event_year}{jurisdiction_id}{cert_no:0>6}`, the same for the
//!   submission, updates and void); a birth report's child is
//!   `{facility}-{Bundle.identifier.value}-{vn-birth-certificate-number}`
//!   (twins: two ids).
//! - Actions: submission → issue, update → correct, void → void (one per
//!   record of the void's block). A birth report is an issue.
//! - Versions: each notification comes out as version 1; the receiver
//!   numbers them by what it already holds for the id.
//! - `commune_code` is the residence (the decedent's `home` address, the
//!   mother's), as for the JWS notifications; a void carries no document,
//!   so its `commune_code` is empty and the receiver takes it from the
//!   versions it holds.

use chrono::{DateTime, NaiveDate, Utc};
use hotich_protocol::payload::SCHEMA_VERSION;
use hotich_protocol::{EventKind, Notification};

use super::bundle::{missing, safe, wrong};
use super::{BirthRecord, DeathMessage, FhirError, FhirRecord};

/// The `void_reason` of a VRDR void, which states none.
pub const FHIR_VOID_REASON: &str = "Cơ sở y tế gửi thông điệp hủy hồ sơ tử vong (FHIR VRDR void)";

/// One notification a FHIR record gives, with what only FHIR carries.
#[derive(Debug, Clone, PartialEq)]
pub struct FhirNotification {
    /// Version 1; a void's `commune_code` empty (see the module doc).
    pub notification: Notification,
    /// FHIR path → value for what the model does not hold, sorted by path.
    pub extras: Vec<(String, String)>,
    /// The VRDR `MessageHeader.id`, when the record came as a message.
    pub message_id: Option<String>,
    /// The Bundle's `timestamp`, when it has one: when the facility sent
    /// this content, which orders the versions of one record however they
    /// arrive.
    pub sent_at: Option<DateTime<Utc>>,
}

/// The notifications of one FHIR record sent by `sender_facility` (the
/// facility of the JWS key that signed it, or the one the central registry
/// attests): refused when the record speaks for another facility.
pub fn fhir_notifications(
    record: &FhirRecord,
    sender_facility: &str,
) -> Result<Vec<FhirNotification>, FhirError> {
    match record {
        FhirRecord::Death(message) => death(message, sender_facility),
        FhirRecord::Birth { children } => children
            .iter()
            .map(|child| birth(child, sender_facility))
            .collect(),
    }
}

fn same_facility(named: &str, sender: &str) -> Result<(), FhirError> {
    if named == sender {
        Ok(())
    } else {
        Err(FhirError::WrongFacility {
            facility: safe(named),
        })
    }
}

/// Noon in Vietnam (UTC+7, 05:00 UTC) of a day: the time of a record that
/// gives a day only, as the official XML intake takes it.
fn noon_in_vietnam(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(5, 0, 0).unwrap_or_default().and_utc()
}

fn death(message: &DeathMessage, sender: &str) -> Result<Vec<FhirNotification>, FhirError> {
    same_facility(&message.facility, sender)?;
    let issued_at = match (&message.notice, message.version_hint) {
        (_, Some(at)) => at,
        (Some(notice), None) => noon_in_vietnam(notice.notice_issue_date),
        (None, None) => return Err(missing("Bundle.timestamp")),
    };
    let first: u64 = message
        .cert_no
        .parse()
        .map_err(|_| wrong("Parameters.parameter(cert_no)", "1 to 12 digits"))?;
    // A void may void a block of consecutive certificate numbers.
    let count = match message.notice {
        Some(_) => 1,
        None => u64::from(message.block_count),
    };
    Ok((first..first + count)
        .map(|cert_no| {
            let record_id = if cert_no == first {
                message.record_id.clone()
            } else {
                format!("{}{}{cert_no:0>6}", message.event_year, message.facility)
            };
            let notice = message.notice.clone();
            FhirNotification {
                notification: Notification {
                    schema: SCHEMA_VERSION,
                    notification_id: format!("{}-{record_id}", message.facility),
                    version: 1,
                    action: message.action.action(),
                    kind: EventKind::Death,
                    facility_id: message.facility.clone(),
                    issued_at,
                    commune_code: notice
                        .as_ref()
                        .map(|n| n.permanent_commune_code.clone())
                        .unwrap_or_default(),
                    void_reason: notice.is_none().then(|| FHIR_VOID_REASON.to_owned()),
                    birth: None,
                    death: notice,
                },
                extras: message.extras.clone(),
                message_id: message.message_id.clone(),
                sent_at: message.version_hint,
            }
        })
        .collect())
}

fn birth(child: &BirthRecord, sender: &str) -> Result<FhirNotification, FhirError> {
    let facility = child.facility_code.as_deref().unwrap_or(sender);
    same_facility(facility, sender)?;
    let certificate = &child.certificate;
    Ok(FhirNotification {
        notification: Notification {
            schema: SCHEMA_VERSION,
            notification_id: format!(
                "{facility}-{}-{}",
                certificate.episode_key, certificate.certificate_number
            ),
            version: 1,
            action: hotich_protocol::Action::Issue,
            kind: EventKind::Birth,
            facility_id: facility.to_owned(),
            issued_at: child
                .issued_at
                .unwrap_or_else(|| noon_in_vietnam(certificate.certificate_issue_date)),
            commune_code: certificate.residence_commune_code.clone(),
            birth: Some(certificate.clone()),
            death: None,
            void_reason: None,
        },
        extras: child.extras.clone(),
        message_id: None,
        sent_at: child.issued_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::{read_fhir, MessageAction};
    use crate::testkit::fhir::{death_message, twin_birth_report, DeathRecordKey};
    use hotich_protocol::Action;

    fn read(value: &serde_json::Value) -> FhirRecord {
        read_fhir(value.to_string().as_bytes()).expect("a valid fixture")
    }

    #[test]
    fn a_death_record_keeps_its_id_across_submission_update_and_void() {
        let key = DeathRecordKey::new("79024", "123", "2026");
        let actions: Vec<(String, Action, String)> = [
            MessageAction::Submission,
            MessageAction::Update,
            MessageAction::Void,
        ]
        .into_iter()
        .map(|action| {
            let record = read(&death_message(action, &key, "Trần Văn Tư", 0));
            let mut out = fhir_notifications(&record, "79024").unwrap();
            assert_eq!(out.len(), 1);
            let n = out.remove(0).notification;
            (n.notification_id, n.action, n.commune_code)
        })
        .collect();
        let id = format!("79024-{}", key.record_id());
        assert_eq!(
            actions,
            [
                (id.clone(), Action::Issue, "27655".to_owned()),
                (id.clone(), Action::Correct, "27655".to_owned()),
                (id, Action::Void, String::new()),
            ]
        );
    }

    #[test]
    fn a_void_of_a_block_voids_each_record_of_it() {
        let key = DeathRecordKey::new("79024", "123", "2026");
        let mut message = death_message(MessageAction::Void, &key, "", 0);
        let block = message
            .pointer_mut("/entry/1/resource/parameter/3/valueUnsignedInt")
            .expect("the fixture's block_count");
        *block = serde_json::json!(3);
        let ids: Vec<String> = fhir_notifications(&read(&message), "79024")
            .unwrap()
            .into_iter()
            .map(|n| n.notification.notification_id)
            .collect();
        assert_eq!(
            ids,
            [
                "79024-202679024000123",
                "79024-202679024000124",
                "79024-202679024000125"
            ]
        );
    }

    #[test]
    fn twins_are_two_notifications_of_the_mothers_commune() {
        let out = fhir_notifications(&read(&twin_birth_report("79025")), "79025").unwrap();
        let ids: Vec<(&str, &str)> = out
            .iter()
            .map(|n| {
                (
                    n.notification.notification_id.as_str(),
                    n.notification.commune_code.as_str(),
                )
            })
            .collect();
        assert_eq!(
            ids,
            [
                ("79025-202679025000981-000981", "27163"),
                ("79025-202679025000981-000982", "27163"),
            ]
        );
    }

    #[test]
    fn a_record_for_another_facility_than_the_sender_is_refused() {
        let key = DeathRecordKey::new("79024", "123", "2026");
        let death = read(&death_message(MessageAction::Submission, &key, "A", 0));
        assert_eq!(
            fhir_notifications(&death, "79025").unwrap_err().code(),
            "fhir_wrong_facility"
        );
        let birth = read(&twin_birth_report("79025"));
        assert_eq!(
            fhir_notifications(&birth, "79024").unwrap_err().code(),
            "fhir_wrong_facility"
        );
    }
}
