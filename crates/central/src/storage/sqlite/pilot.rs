//! The pilot's facts in the SQLite store (`schema/008_pilot.sql`): a
//! relayed notification's event as it is appended, a pushed attempt or
//! registration as it is stored, each in the same transaction; and the
//! rows of a set of communes for `hotich_protocol::pilot`. The only writer
//! of `pilot_notification` and `pilot_case`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use hotich_common::time::office_day_of;
use hotich_protocol::pilot::{NotifiedFacts, PilotCase, RegisteredFacts};
use hotich_protocol::EventKind;
use rusqlite::{params, Connection};
use serde::Deserialize;

use super::super::{PilotNotice, PushedRecord, Result};
use super::health_loop::corrupt;

/// Keeps what the pilot counts of a notification version just appended to
/// `commune`'s stream: the first content's event, or a void.
pub(super) fn note_notification(
    tx: &rusqlite::Transaction<'_>,
    commune: &str,
    notification_id: &str,
    notice: &PilotNotice,
    now: &str,
) -> Result<()> {
    match notice.event_date {
        None => {
            tx.prepare_cached(
                "INSERT INTO pilot_notification (notification_id, commune, voided) VALUES (?1, ?2, 1)
                 ON CONFLICT (notification_id) DO UPDATE SET voided = 1",
            )?
            .execute(params![notification_id, commune])?;
        }
        Some(event_date) => {
            tx.prepare_cached(
                "INSERT INTO pilot_notification (notification_id, commune, kind, event_date, received_at,
                                                 identification_complete)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (notification_id) DO UPDATE SET
                     kind = coalesce(kind, excluded.kind),
                     event_date = coalesce(event_date, excluded.event_date),
                     received_at = coalesce(received_at, excluded.received_at),
                     identification_complete = coalesce(identification_complete,
                                                        excluded.identification_complete)",
            )?
            .execute(params![
                notification_id,
                commune,
                notice.kind.as_str(),
                event_date.to_string(),
                now,
                notice.identification_complete
            ])?;
        }
    }
    Ok(())
}

/// An attempt's pushed row, as far as the pilot reads it (`case_attempt`,
/// written by the workstation's outreach).
#[derive(Deserialize)]
struct PushedAttempt {
    at: String,
    notification_id: Option<String>,
}

/// A registration's pushed row, as far as the pilot reads it.
#[derive(Deserialize)]
struct PushedRegistration {
    registration_id: String,
    #[serde(rename = "type")]
    kind: EventKind,
    /// Rows pushed before the pilot's figures lack these three.
    event_date: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    notification_id: Option<String>,
    form: RegistrationDate,
}

#[derive(Deserialize)]
struct RegistrationDate {
    registration_date: Option<NaiveDate>,
}

/// Keeps what the pilot counts of a row just pushed by a workstation of
/// `commune`: a case's first attempt, or its registration. A row without the
/// fields the pilot reads (an earlier version's) is stored all the same by
/// the push; it is only not counted.
pub(super) fn note_pushed(
    tx: &rusqlite::Transaction<'_>,
    commune: &str,
    record: &PushedRecord,
) -> Result<()> {
    let Some(case_id) = record.case_id.as_deref() else {
        return Ok(());
    };
    match record.kind.as_str() {
        "case_attempt" => {
            let Ok(attempt) = serde_json::from_str::<PushedAttempt>(&record.body) else {
                return Ok(());
            };
            tx.prepare_cached(
                "INSERT INTO pilot_case (case_id, commune, notification_id, first_contact_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (case_id) DO UPDATE SET
                     notification_id = coalesce(notification_id, excluded.notification_id),
                     first_contact_at = CASE
                         WHEN first_contact_at IS NULL OR excluded.first_contact_at < first_contact_at
                         THEN excluded.first_contact_at ELSE first_contact_at END",
            )?
            .execute(params![case_id, commune, attempt.notification_id, attempt.at])?;
        }
        "registration" => {
            let Ok(registration) = serde_json::from_str::<PushedRegistration>(&record.body) else {
                return Ok(());
            };
            let (Some(event_date), Some(deadline), Some(registered_on)) = (
                registration.event_date,
                registration.deadline,
                registration.form.registration_date,
            ) else {
                return Ok(());
            };
            tx.prepare_cached(
                "INSERT INTO pilot_case (case_id, commune, notification_id, registration_id, kind,
                                         event_date, deadline, registered_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (case_id) DO UPDATE SET
                     notification_id = coalesce(notification_id, excluded.notification_id),
                     registration_id = excluded.registration_id, kind = excluded.kind,
                     event_date = excluded.event_date, deadline = excluded.deadline,
                     registered_on = excluded.registered_on",
            )?
            .execute(params![
                case_id,
                commune,
                registration.notification_id,
                registration.registration_id,
                registration.kind.as_str(),
                event_date.to_string(),
                deadline.to_string(),
                registered_on.to_string()
            ])?;
        }
        _ => {}
    }
    Ok(())
}

fn day(text: Option<String>) -> Option<NaiveDate> {
    text.as_deref().and_then(office_day_of)
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.as_deref().and_then(|t| t.parse().ok())
}

/// One workstation case as `pilot_case` keeps it.
struct CaseFacts {
    first_contact: Option<NaiveDate>,
    registration_id: Option<String>,
    kind: Option<EventKind>,
    event_date: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    registered_on: Option<NaiveDate>,
}

/// The pilot's rows of the events in [from, to] of `communes`: each
/// notification relayed (not voided) with its cases, then the cases
/// registered without a notification. When two workstations of a commune
/// hold a case for the same notification, the first contact and a
/// registration of either count.
///
/// Each table is read once, by commune in index order, and joined here: a
/// province's year is some 75,000 events, and looking each one's case,
/// shared death and cause up by key would read (and decrypt) a page per
/// lookup once the tables outgrow the page cache.
pub(super) fn cases(
    conn: &Connection,
    communes: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PilotCase>> {
    let communes = serde_json::to_string(communes).map_err(|e| corrupt("communes", e))?;
    let shared: HashSet<String> = conn
        .prepare_cached(
            "SELECT registration_id FROM shared_death
             WHERE commune IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([&communes], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let causes: HashMap<String, Option<NaiveDate>> = conn
        .prepare_cached(
            "SELECT registration_id, received_at FROM death_cause
             WHERE commune IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([&communes], |r| Ok((r.get(0)?, day(r.get(1)?))))?
        .collect::<rusqlite::Result<_>>()?;
    let registered = |kind: EventKind, case: &CaseFacts| -> Option<RegisteredFacts> {
        let id = case.registration_id.as_deref()?;
        Some(RegisteredFacts {
            registered_on: case.registered_on?,
            deadline: case.deadline?,
            shared_with_health: kind == EventKind::Death && shared.contains(id),
            cause_returned_on: causes.get(id).copied().flatten(),
        })
    };

    // Every case of the communes: by notification, and those opened by hand.
    let mut by_notification: HashMap<String, Vec<CaseFacts>> = HashMap::new();
    let mut cases = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT notification_id, first_contact_at, registration_id, kind, event_date, deadline,
                    registered_on
             FROM pilot_case INDEXED BY pilot_case_by_commune
             WHERE commune IN (SELECT value FROM json_each(?1))",
        )?;
        let mut rows = stmt.query([&communes])?;
        while let Some(row) = rows.next()? {
            let notification_id: Option<String> = row.get(0)?;
            let kind: Option<String> = row.get(3)?;
            let case = CaseFacts {
                first_contact: day(row.get(1)?),
                registration_id: row.get(2)?,
                kind: kind.and_then(|k| k.parse().ok()),
                event_date: date(row.get(4)?),
                deadline: date(row.get(5)?),
                registered_on: date(row.get(6)?),
            };
            match (notification_id, case.kind, case.event_date) {
                (Some(id), _, _) => by_notification.entry(id).or_default().push(case),
                (None, Some(kind), Some(event_date)) if (from..=to).contains(&event_date) => {
                    cases.push(PilotCase {
                        kind,
                        event_date,
                        notified: None,
                        first_contact_on: case.first_contact,
                        registration: registered(kind, &case),
                    });
                }
                _ => {}
            }
        }
    }

    let mut stmt = conn.prepare_cached(
        "SELECT notification_id, kind, event_date, received_at, identification_complete
         FROM pilot_notification INDEXED BY pilot_notification_by_event
         WHERE event_date >= ?1 AND event_date <= ?2 AND voided = 0
           AND commune IN (SELECT value FROM json_each(?3))",
    )?;
    let mut rows = stmt.query(params![from.to_string(), to.to_string(), communes])?;
    while let Some(row) = rows.next()? {
        let notification_id: String = row.get(0)?;
        let kind: String = row.get(1)?;
        let (Ok(kind), Some(event_date)) = (kind.parse::<EventKind>(), date(row.get(2)?)) else {
            continue;
        };
        let notified = day(row.get(3)?).map(|arrived_on| -> rusqlite::Result<_> {
            Ok(NotifiedFacts {
                arrived_on,
                identification_complete: row.get::<_, Option<bool>>(4)?.unwrap_or(false),
            })
        });
        let held = by_notification
            .get(&notification_id)
            .map_or(&[][..], Vec::as_slice);
        cases.push(PilotCase {
            kind,
            event_date,
            notified: notified.transpose()?,
            first_contact_on: held.iter().filter_map(|c| c.first_contact).min(),
            registration: held.iter().find_map(|c| registered(kind, c)),
        });
    }
    Ok(cases)
}
