//! The pilot's figures for the commune (issue 18, item 4): one
//! [`PilotCase`] per case whose event happened in the period, read from the
//! office's own tables, then counted by `hotich_protocol::pilot` as the
//! registry counts a province. Writes no table; reads `case_file`, the first
//! version of its `notification` (its identification, as intake stored it) and that
//! notification's `notification_arrival`, `registration`, `outbox` (whether
//! the registration reached the registry, which shares a death with the
//! health station) and `death_cause`.

use chrono::NaiveDate;
use hotich_protocol::pilot::{
    identification_complete, NotifiedFacts, PilotCase, PilotFigures, RegisteredFacts,
};
use hotich_protocol::EventKind;
use rusqlite::params;

use crate::error::Result;
use crate::intake::decode_payload;
use crate::time::office_day_of;

/// The pilot's figures for the events of [from, to], as the office knows them now.
pub(super) fn figures(
    conn: &rusqlite::Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PilotFigures> {
    let cases = cases(conn, from, to)?;
    Ok(PilotFigures::compute(from, to, &cases))
}

/// One row per case of an event in [from, to]; a notification the facility
/// voided is no event (its case is left out).
fn cases(conn: &rusqlite::Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<PilotCase>> {
    // The first version that carried content is what health first sent; its
    // arrival is the registry's receipt (or the office's, for a file
    // imported at the desk).
    let mut stmt = conn.prepare(
        "SELECT c.kind, c.event_date, c.notification_id IS NOT NULL,
                CASE WHEN n.identification_complete IS NULL THEN n.payload END, n.identification_complete,
                coalesce(a.registry_received_at, n.received_at), c.first_attempt_at,
                c.registered_on, c.deadline,
                EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.id AND o.kind = 'registration'
                                                 AND o.state = 'sent'),
                d.received_at
         FROM case_file c
         LEFT JOIN notification n ON n.seq = (
             SELECT min(f.seq) FROM notification f
             WHERE f.notification_id = c.notification_id AND f.action <> 'void')
         LEFT JOIN notification_arrival a ON a.notification_id = c.notification_id
         LEFT JOIN registration r ON r.case_id = c.id
         LEFT JOIN death_cause d ON d.registration_id = r.id
         WHERE c.event_date >= ?1 AND c.event_date <= ?2 AND c.status <> 'voided'",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    let mut cases = Vec::new();
    while let Some(row) = rows.next()? {
        let kind: EventKind = row.get(0)?;
        let notified: bool = row.get(2)?;
        let payload: Option<String> = row.get(3)?;
        let complete: Option<bool> = row.get(4)?;
        let arrived: Option<String> = row.get(5)?;
        let notified = match (notified, arrived) {
            (true, Some(arrived)) => {
                // Stored by intake; a version stored before it was, decoded now.
                let complete = match (complete, payload) {
                    (Some(complete), _) => complete,
                    (None, Some(payload)) => identification_complete(&decode_payload(&payload)?),
                    (None, None) => false,
                };
                office_day_of(&arrived).map(|arrived_on| NotifiedFacts {
                    arrived_on,
                    identification_complete: complete,
                })
            }
            _ => None,
        };
        let day = |index: usize| -> rusqlite::Result<Option<NaiveDate>> {
            Ok(row
                .get::<_, Option<String>>(index)?
                .as_deref()
                .and_then(office_day_of))
        };
        let first_contact_on = day(6)?;
        let cause_returned_on = day(10)?;
        let registered_on: Option<NaiveDate> = row.get(7)?;
        let registration = registered_on.map(|registered_on| -> rusqlite::Result<_> {
            Ok(RegisteredFacts {
                registered_on,
                deadline: row.get(8)?,
                shared_with_health: kind == EventKind::Death && row.get::<_, bool>(9)?,
                cause_returned_on,
            })
        });
        cases.push(PilotCase {
            kind,
            event_date: row.get(1)?,
            notified,
            first_contact_on,
            registration: registration.transpose()?,
        });
    }
    Ok(cases)
}
