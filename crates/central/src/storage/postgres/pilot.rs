//! The pilot's facts in the PostgreSQL store: the SQL of
//! `../sqlite/pilot.rs` (whose doc tells what each row means). The only
//! writer of `pilot_notification` and `pilot_case` here.

use ::postgres::GenericClient;
use chrono::NaiveDate;
use hotich_protocol::pilot::PilotCase;

use super::super::pilot_rows::{self, CaseRow, HealthRows, NotificationRow};
use super::super::readings::{pilot_facts, PilotFact};
use super::super::{PilotNotice, PushedRecord, Result};
use super::{Db, Tx};

/// Keeps what the pilot counts of a notification version just appended to
/// `commune`'s stream: the first content's event, or a void.
pub(super) fn note_notification(
    tx: &mut Tx<'_, '_>,
    commune: &str,
    notification_id: &str,
    version: i32,
    notice: &PilotNotice,
    now: &str,
) -> Result<()> {
    match notice.event_date {
        None => {
            tx.execute(
                "INSERT INTO pilot_notification (notification_id, commune, voided)
                 VALUES ($1, $2, TRUE)
                 ON CONFLICT (notification_id) DO UPDATE SET voided = TRUE",
                &[&notification_id, &commune],
            )?;
        }
        Some(event_date) => {
            tx.execute(
                "INSERT INTO pilot_notification AS p (notification_id, commune, kind, event_date,
                                                      received_at, identification_complete,
                                                      issued_at, subject_name, subject_version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (notification_id) DO UPDATE SET
                     kind = coalesce(p.kind, excluded.kind),
                     event_date = coalesce(p.event_date, excluded.event_date),
                     received_at = coalesce(p.received_at, excluded.received_at),
                     identification_complete = coalesce(p.identification_complete,
                                                        excluded.identification_complete),
                     issued_at = coalesce(p.issued_at, excluded.issued_at),
                     subject_name = CASE WHEN excluded.subject_version >= coalesce(p.subject_version, 0)
                                         THEN excluded.subject_name ELSE p.subject_name END,
                     subject_version = greatest(p.subject_version, excluded.subject_version)",
                &[
                    &notification_id,
                    &commune,
                    &notice.kind.as_str(),
                    &event_date.to_string(),
                    &now,
                    &notice.identification_complete,
                    &notice.issued_at.map(|at| at.to_rfc3339()),
                    &notice.subject_name,
                    &version,
                ],
            )?;
        }
    }
    Ok(())
}

/// Keeps what the pilot counts of a row just pushed by a workstation of
/// `commune`: a case's attempts, assignment, closure or registration.
pub(super) fn note_pushed(tx: &mut Tx<'_, '_>, commune: &str, record: &PushedRecord) -> Result<()> {
    let Some((case_id, facts)) = pilot_facts(record) else {
        return Ok(());
    };
    for fact in facts {
        note_fact(tx, commune, case_id, fact)?;
    }
    Ok(())
}

fn note_fact(tx: &mut Tx<'_, '_>, commune: &str, case_id: &str, fact: PilotFact) -> Result<()> {
    match fact {
        PilotFact::Attempt {
            notification_id,
            at,
        } => {
            tx.execute(
                "INSERT INTO pilot_case AS c (case_id, commune, notification_id, first_contact_at,
                                              last_contact_at)
                 VALUES ($1, $2, $3, $4, $4)
                 ON CONFLICT (case_id) DO UPDATE SET
                     notification_id = coalesce(c.notification_id, excluded.notification_id),
                     first_contact_at = CASE
                         WHEN c.first_contact_at IS NULL
                              OR excluded.first_contact_at < c.first_contact_at
                         THEN excluded.first_contact_at ELSE c.first_contact_at END,
                     last_contact_at = greatest(c.last_contact_at, excluded.last_contact_at)",
                &[&case_id, &commune, &notification_id, &at],
            )?;
        }
        PilotFact::Assignment { assignee } => {
            tx.execute(
                "INSERT INTO pilot_case (case_id, commune, assignee) VALUES ($1, $2, $3)
                 ON CONFLICT (case_id) DO UPDATE SET assignee = excluded.assignee",
                &[&case_id, &commune, &assignee],
            )?;
        }
        PilotFact::Status {
            notification_id,
            closed_as,
            at,
        } => {
            // Pushes of several workstations may arrive out of order: the
            // newest change of status stands.
            tx.execute(
                "INSERT INTO pilot_case AS c (case_id, commune, notification_id, closed_as, status_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (case_id) DO UPDATE SET
                     notification_id = coalesce(c.notification_id, excluded.notification_id),
                     closed_as = CASE WHEN c.status_at IS NULL OR excluded.status_at >= c.status_at
                                      THEN excluded.closed_as ELSE c.closed_as END,
                     status_at = greatest(c.status_at, excluded.status_at)",
                &[&case_id, &commune, &notification_id, &closed_as, &at],
            )?;
        }
        PilotFact::Registration {
            notification_id,
            registration_id,
            kind,
            event_date,
            deadline,
            registered_on,
        } => {
            tx.execute(
                "INSERT INTO pilot_case AS c (case_id, commune, notification_id, registration_id,
                                              kind, event_date, deadline, registered_on)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (case_id) DO UPDATE SET
                     notification_id = coalesce(c.notification_id, excluded.notification_id),
                     registration_id = excluded.registration_id, kind = excluded.kind,
                     event_date = excluded.event_date, deadline = excluded.deadline,
                     registered_on = excluded.registered_on",
                &[
                    &case_id,
                    &commune,
                    &notification_id,
                    &registration_id,
                    &kind.as_str(),
                    &event_date.to_string(),
                    &deadline.to_string(),
                    &registered_on.to_string(),
                ],
            )?;
        }
    }
    Ok(())
}

/// The pilot's cases of the events in [from, to] of `communes`
/// ([`pilot_rows::join`]), each table read once by commune.
pub(super) fn cases(
    client: &mut Db<'_, impl GenericClient>,
    communes: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PilotCase>> {
    let shared = client
        .query(
            "SELECT registration_id FROM shared_death WHERE commune = ANY($1)",
            &[&communes],
        )?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let causes = client
        .query(
            "SELECT registration_id, received_at FROM death_cause WHERE commune = ANY($1)",
            &[&communes],
        )?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_>>()?;
    let case_rows = client
        .query(
            "SELECT notification_id, first_contact_at, registration_id, kind, event_date,
                    deadline, registered_on
             FROM pilot_case WHERE commune = ANY($1)",
            &[&communes],
        )?
        .iter()
        .map(|r| {
            Ok(pg_row!(r => CaseRow {
                notification_id, first_contact_at, registration_id, kind, event_date, deadline,
                registered_on
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    let notification_rows = client
        .query(
            "SELECT notification_id, kind, event_date, received_at, identification_complete
             FROM pilot_notification
             WHERE event_date >= $1 AND event_date <= $2 AND NOT voided
               AND commune = ANY($3)",
            &[&from.to_string(), &to.to_string(), &communes],
        )?
        .iter()
        .map(|r| {
            Ok(pg_row!(r => NotificationRow {
                notification_id, kind, event_date, received_at, identification_complete
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    let health = HealthRows { shared, causes };
    Ok(pilot_rows::join(
        &health,
        case_rows,
        notification_rows,
        from,
        to,
    ))
}
