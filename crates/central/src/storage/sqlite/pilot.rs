//! The pilot's facts in the SQLite store (`schema/008_pilot.sql`): a
//! relayed notification's event as it is appended, a pushed attempt or
//! registration as it is stored, each in the same transaction; and the
//! rows of a set of communes for `hotich_protocol::pilot`. The only writer
//! of `pilot_notification` and `pilot_case`.

use chrono::NaiveDate;
use hotich_protocol::pilot::PilotCase;
use rusqlite::{params, Connection};

use super::super::pilot_rows::{self, CaseRow, HealthRows, NotificationRow};
use super::super::readings::{corrupt, pilot_facts, PilotFact};
use super::super::{PilotNotice, PushedRecord, Result};

/// Keeps what the pilot counts of a notification version just appended to
/// `commune`'s stream: the first content's event, or a void.
pub(super) fn note_notification(
    tx: &rusqlite::Transaction<'_>,
    commune: &str,
    notification_id: &str,
    version: u32,
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
            // The first content's facts stand; the newest version names.
            tx.prepare_cached(
                "INSERT INTO pilot_notification (notification_id, commune, kind, event_date, received_at,
                                                 identification_complete, issued_at, subject_name,
                                                 subject_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (notification_id) DO UPDATE SET
                     kind = coalesce(kind, excluded.kind),
                     event_date = coalesce(event_date, excluded.event_date),
                     received_at = coalesce(received_at, excluded.received_at),
                     identification_complete = coalesce(identification_complete,
                                                        excluded.identification_complete),
                     issued_at = coalesce(issued_at, excluded.issued_at),
                     subject_name = CASE WHEN excluded.subject_version >= coalesce(subject_version, 0)
                                         THEN excluded.subject_name ELSE subject_name END,
                     subject_version = max(coalesce(subject_version, 0), excluded.subject_version)",
            )?
            .execute(params![
                notification_id,
                commune,
                notice.kind.as_str(),
                event_date.to_string(),
                now,
                notice.identification_complete,
                notice.issued_at.map(|at| at.to_rfc3339()),
                notice.subject_name,
                version
            ])?;
        }
    }
    Ok(())
}

/// Keeps what the pilot counts of a row just pushed by a workstation of
/// `commune` ([`pilot_facts`]): a case's attempts, assignment, closure or
/// registration.
pub(super) fn note_pushed(
    tx: &rusqlite::Transaction<'_>,
    commune: &str,
    record: &PushedRecord,
) -> Result<()> {
    let Some((case_id, facts)) = pilot_facts(record) else {
        return Ok(());
    };
    for fact in facts {
        note_fact(tx, commune, case_id, fact)?;
    }
    Ok(())
}

fn note_fact(
    tx: &rusqlite::Transaction<'_>,
    commune: &str,
    case_id: &str,
    fact: PilotFact,
) -> Result<()> {
    match fact {
        PilotFact::Attempt {
            notification_id,
            at,
        } => {
            tx.prepare_cached(
                "INSERT INTO pilot_case (case_id, commune, notification_id, first_contact_at,
                                         last_contact_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT (case_id) DO UPDATE SET
                     notification_id = coalesce(notification_id, excluded.notification_id),
                     first_contact_at = CASE
                         WHEN first_contact_at IS NULL OR excluded.first_contact_at < first_contact_at
                         THEN excluded.first_contact_at ELSE first_contact_at END,
                     last_contact_at = CASE
                         WHEN last_contact_at IS NULL OR excluded.last_contact_at > last_contact_at
                         THEN excluded.last_contact_at ELSE last_contact_at END",
            )?
            .execute(params![case_id, commune, notification_id, at])?;
        }
        PilotFact::Assignment { assignee } => {
            tx.prepare_cached(
                "INSERT INTO pilot_case (case_id, commune, assignee) VALUES (?1, ?2, ?3)
                 ON CONFLICT (case_id) DO UPDATE SET assignee = excluded.assignee",
            )?
            .execute(params![case_id, commune, assignee])?;
        }
        PilotFact::Status {
            notification_id,
            closed_as,
            at,
        } => {
            // Pushes of several workstations may arrive out of order: the
            // newest change of status stands.
            tx.prepare_cached(
                "INSERT INTO pilot_case (case_id, commune, notification_id, closed_as, status_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (case_id) DO UPDATE SET
                     notification_id = coalesce(notification_id, excluded.notification_id),
                     closed_as = CASE WHEN status_at IS NULL OR excluded.status_at >= status_at
                                      THEN excluded.closed_as ELSE closed_as END,
                     status_at = max(coalesce(status_at, ''), excluded.status_at)",
            )?
            .execute(params![case_id, commune, notification_id, closed_as, at])?;
        }
        PilotFact::Registration {
            notification_id,
            registration_id,
            kind,
            event_date,
            deadline,
            registered_on,
        } => {
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
                notification_id,
                registration_id,
                kind.as_str(),
                event_date.to_string(),
                deadline.to_string(),
                registered_on.to_string()
            ])?;
        }
    }
    Ok(())
}

/// The pilot's cases of the events in [from, to] of `communes`
/// ([`pilot_rows::join`]), each table read once by commune.
pub(super) fn cases(
    conn: &Connection,
    communes: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PilotCase>> {
    let communes = serde_json::to_string(communes).map_err(|e| corrupt("communes", e))?;
    let shared = conn
        .prepare_cached(
            "SELECT registration_id FROM shared_death
             WHERE commune IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([&communes], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let causes = conn
        .prepare_cached(
            "SELECT registration_id, received_at FROM death_cause
             WHERE commune IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([&communes], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let case_rows = conn
        .prepare_cached(
            "SELECT notification_id, first_contact_at, registration_id, kind, event_date, deadline,
                    registered_on
             FROM pilot_case INDEXED BY pilot_case_by_commune
             WHERE commune IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([&communes], |r| {
            Ok(from_row!(r => CaseRow {
                notification_id, first_contact_at, registration_id, kind, event_date, deadline,
                registered_on
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let notification_rows = conn
        .prepare_cached(
            "SELECT notification_id, kind, event_date, received_at, identification_complete
             FROM pilot_notification INDEXED BY pilot_notification_by_event
             WHERE event_date >= ?1 AND event_date <= ?2 AND voided = 0
               AND commune IN (SELECT value FROM json_each(?3))",
        )?
        .query_map(params![from.to_string(), to.to_string(), communes], |r| {
            Ok(from_row!(r => NotificationRow {
                notification_id, kind, event_date, received_at, identification_complete
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let health = HealthRows { shared, causes };
    Ok(pilot_rows::join(
        &health,
        case_rows,
        notification_rows,
        from,
        to,
    ))
}
