//! Justice → Health in the PostgreSQL store: the SQL of
//! `../sqlite/health_loop.rs` (whose doc tells what each step means), with
//! the shared deaths and each commune's causes numbered through
//! `stream_counter`. The only writer of `commune_health_station`,
//! `shared_death` and `death_cause` here.

use ::postgres::GenericClient;
use chrono::{DateTime, Utc};
use hotich_protocol::health_loop::{CauseOfDeath, SharedDeath};

use super::super::readings::{registered_death, same_json, shared_death};
use super::super::{CauseOutcome, HealthStation, PushedRecord, Result, StoredCause};
use super::notifications::next_seq;
use super::{to_i64, to_u64, Db, Tx};

/// Shares a death the moment its registration row is pushed.
pub(super) fn share_registered_death(
    tx: &mut Tx<'_, '_>,
    commune: &str,
    pushed_event_id: &str,
    record: &PushedRecord,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(registration_id) = registered_death(record)? else {
        return Ok(());
    };
    let held = tx.query_opt(
        "SELECT 1 FROM shared_death WHERE registration_id = $1",
        &[&registration_id],
    )?;
    if held.is_none() {
        // Another push of the same registration id meanwhile makes this
        // insert fail on its key: the push's transaction runs again and
        // finds it held.
        let seq = next_seq(tx, "shared_death")?;
        tx.execute(
            "INSERT INTO shared_death (seq, registration_id, commune, pushed_event_id, shared_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &seq,
                &registration_id,
                &commune,
                &pushed_event_id,
                &now.to_rfc3339(),
            ],
        )?;
    }
    Ok(())
}

pub(super) fn set_station(
    client: &mut Db<'_, impl GenericClient>,
    commune: &str,
    facility_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    client.execute(
        "INSERT INTO commune_health_station (commune, facility_id, set_at) VALUES ($1, $2, $3)
         ON CONFLICT (commune) DO UPDATE SET facility_id = excluded.facility_id,
                                             set_at = excluded.set_at",
        &[&commune, &facility_id, &now.to_rfc3339()],
    )?;
    Ok(())
}

pub(super) fn stations(client: &mut Db<'_, impl GenericClient>) -> Result<Vec<HealthStation>> {
    client
        .query(
            "SELECT commune, facility_id, set_at FROM commune_health_station ORDER BY commune",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(HealthStation {
                commune: r.try_get(0)?,
                facility_id: r.try_get(1)?,
                set_at: r.try_get(2)?,
            })
        })
        .collect()
}

pub(super) fn deaths_for(
    client: &mut Db<'_, impl GenericClient>,
    facility_id: &str,
    after: u64,
    limit: u32,
) -> Result<(Vec<SharedDeath>, bool)> {
    let rows = client.query(
        "SELECT d.seq, d.commune, e.body, e.created_at
         FROM shared_death d
         JOIN commune_health_station s ON s.commune = d.commune
         JOIN pushed_event e ON e.id = d.pushed_event_id
         WHERE s.facility_id = $1 AND d.seq > $2
         ORDER BY d.seq LIMIT $3",
        &[&facility_id, &to_i64(after), &(i64::from(limit) + 1)],
    )?;
    let has_more = rows.len() > limit as usize;
    let deaths = rows
        .iter()
        .take(limit as usize)
        .map(|r| {
            let body: String = r.try_get(2)?;
            let created_at: String = r.try_get(3)?;
            shared_death(to_u64(r.try_get(0)?), r.try_get(1)?, &body, &created_at)
        })
        .collect::<Result<_>>()?;
    Ok((deaths, has_more))
}

pub(super) fn record_cause(
    tx: &mut Tx<'_, '_>,
    cause: &CauseOfDeath,
    envelope: &str,
    now: DateTime<Utc>,
) -> Result<CauseOutcome> {
    let shared = tx.query_opt(
        "SELECT d.commune, s.facility_id FROM shared_death d
         LEFT JOIN commune_health_station s ON s.commune = d.commune
         WHERE d.registration_id = $1",
        &[&cause.registration_id],
    )?;
    let Some(shared) = shared else {
        return Ok(CauseOutcome::UnknownRegistration);
    };
    let (commune, station): (String, Option<String>) = (shared.try_get(0)?, shared.try_get(1)?);
    if station.as_deref() != Some(cause.facility_id.as_str()) {
        return Ok(CauseOutcome::NotResponsible);
    }
    let held = tx.query_opt(
        "SELECT envelope FROM death_cause WHERE registration_id = $1",
        &[&cause.registration_id],
    )?;
    if let Some(held) = held {
        let held: String = held.try_get(0)?;
        return Ok(if same_json(&held, envelope) {
            CauseOutcome::Replayed
        } else {
            CauseOutcome::Conflict
        });
    }
    let seq = next_seq(tx, &format!("cause/{commune}"))?;
    tx.execute(
        "INSERT INTO death_cause (registration_id, commune, seq, facility_id, envelope, received_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &cause.registration_id,
            &commune,
            &seq,
            &cause.facility_id,
            &envelope,
            &now.to_rfc3339(),
        ],
    )?;
    Ok(CauseOutcome::Stored {
        commune,
        seq: to_u64(seq),
    })
}

pub(super) fn causes_after(
    client: &mut Db<'_, impl GenericClient>,
    commune: &str,
    after: u64,
    limit: u32,
) -> Result<(Vec<StoredCause>, bool)> {
    let rows = client.query(
        "SELECT seq, registration_id, envelope, received_at FROM death_cause
         WHERE commune = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        &[&commune, &to_i64(after), &(i64::from(limit) + 1)],
    )?;
    let has_more = rows.len() > limit as usize;
    let causes = rows
        .iter()
        .take(limit as usize)
        .map(|r| {
            Ok(StoredCause {
                seq: to_u64(r.try_get(0)?),
                registration_id: r.try_get(1)?,
                envelope: r.try_get(2)?,
                received_at: r.try_get(3)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok((causes, has_more))
}
