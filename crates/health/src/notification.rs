//! The records of a verified official file as protocol [`Notification`]s:
//! the one mapping the workstation's intake and the central registry's door
//! share, so both give a record the same id and route it by the same
//! residence. Pure: no store; versions are the caller's (it knows what it
//! holds).
//!
//! - Ids: the facility code (MACSKCB), then `MA_GBT` (death notice),
//!   `MA_GCS` (birth certificate; its facility segment names the facility,
//!   whose registered certificates must include the signer's) or
//!   `XML9-MA_LK-n` (table 9, the n-th child of the delivery).
//! - A record may supersede a held one with other content when it is marked
//!   as a re-issue (`SO_BAOTU_BD` filled; `CAP_LAN_DAU` 0) or comes in an
//!   XML 130 set (re-sent whole when corrected).

use chrono::Duration;
use hotich_common::time::start_of_office_day;
use hotich_protocol::{Action, EventKind, Notification};

use crate::{
    FacilityCertificates, FacilityCheck, HealthRecord, ReadError, RecordShape, Rejection,
    VerifiedDocument,
};

/// One record as a notification, before its version is known (version 1,
/// action `issue`).
#[derive(Debug, Clone)]
pub struct RecordNotification<'a> {
    pub notification: Notification,
    pub record: &'a HealthRecord,
    /// A different file for a held id is a new version (see the module doc).
    pub may_supersede: bool,
}

/// The facility the file speaks for, its signer registered for it. A
/// `GIAYCHUNGSINH` names none: its `MA_GCS` (`XXXXX.GCS.ZZZZZ.YY`) does.
pub fn facility_of(
    verified: &VerifiedDocument,
    facilities: &FacilityCertificates,
) -> Result<String, Rejection> {
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

/// The records as notifications, version 1, action `issue`, in document order.
pub fn notifications_of<'a>(
    verified: &'a VerifiedDocument,
    facility: &str,
) -> Result<Vec<RecordNotification<'a>>, Rejection> {
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
