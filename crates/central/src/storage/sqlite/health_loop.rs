//! Justice → Health in the SQLite store (`schema/007_health_loop.sql`): a
//! registered death shared as its `registration` row is pushed, in the
//! push's transaction; the stations' pull, read from the pushed row; the
//! causes they return, numbered per commune. The only writer of
//! `commune_health_station`, `shared_death` and `death_cause`.

use chrono::{DateTime, Utc};
use hotich_common::sqlite::{to_i64, to_u64};
use hotich_protocol::health_loop::{CauseOfDeath, SharedDeath};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::super::readings::{registered_death, same_json, shared_death};
use super::super::{CauseOutcome, HealthStation, PushedRecord, Result, StoredCause};

/// Shares a death the moment its registration row is pushed
/// ([`registered_death`]; a row of another kind, or a birth, is left alone).
pub(super) fn share_registered_death(
    tx: &rusqlite::Transaction<'_>,
    commune: &str,
    pushed_event_id: &str,
    record: &PushedRecord,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(registration_id) = registered_death(record)? {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO shared_death (registration_id, commune, pushed_event_id, shared_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![registration_id, commune, pushed_event_id, now.to_rfc3339()])?;
    }
    Ok(())
}

pub(super) fn set_station(
    conn: &Connection,
    commune: &str,
    facility_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO commune_health_station (commune, facility_id, set_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (commune) DO UPDATE SET facility_id = excluded.facility_id, set_at = excluded.set_at",
        params![commune, facility_id, now.to_rfc3339()],
    )?;
    Ok(())
}

pub(super) fn stations(conn: &Connection) -> Result<Vec<HealthStation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT commune, facility_id, set_at FROM commune_health_station ORDER BY commune",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(HealthStation {
            commune: r.get(0)?,
            facility_id: r.get(1)?,
            set_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn deaths_for(
    conn: &Connection,
    facility_id: &str,
    after: u64,
    limit: u32,
) -> Result<(Vec<SharedDeath>, bool)> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.seq, d.commune, e.body, e.created_at
         FROM shared_death d
         JOIN commune_health_station s ON s.commune = d.commune
         JOIN pushed_event e ON e.id = d.pushed_event_id
         WHERE s.facility_id = ?1 AND d.seq > ?2
         ORDER BY d.seq LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(
            params![facility_id, to_i64(after), i64::from(limit) + 1],
            |r| {
                Ok((
                    to_u64(r.get(0)?),
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let has_more = rows.len() > limit as usize;
    let deaths = rows
        .into_iter()
        .take(limit as usize)
        .map(|(seq, commune, body, created_at)| shared_death(seq, commune, &body, &created_at))
        .collect::<Result<_>>()?;
    Ok((deaths, has_more))
}

pub(super) fn record_cause(
    conn: &Connection,
    cause: &CauseOfDeath,
    envelope: &str,
    now: DateTime<Utc>,
) -> Result<CauseOutcome> {
    // IMMEDIATE: the commune's next number is read under the write lock.
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let shared: Option<(String, Option<String>)> = tx
        .prepare_cached(
            "SELECT d.commune, s.facility_id FROM shared_death d
             LEFT JOIN commune_health_station s ON s.commune = d.commune
             WHERE d.registration_id = ?1",
        )?
        .query_row([&cause.registration_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((commune, station)) = shared else {
        return Ok(CauseOutcome::UnknownRegistration);
    };
    if station.as_deref() != Some(cause.facility_id.as_str()) {
        return Ok(CauseOutcome::NotResponsible);
    }
    let held: Option<String> = tx
        .prepare_cached("SELECT envelope FROM death_cause WHERE registration_id = ?1")?
        .query_row([&cause.registration_id], |r| r.get(0))
        .optional()?;
    if let Some(held) = held {
        return Ok(if same_json(&held, envelope) {
            CauseOutcome::Replayed
        } else {
            CauseOutcome::Conflict
        });
    }
    let seq: i64 = tx
        .prepare_cached("SELECT coalesce(max(seq), 0) + 1 FROM death_cause WHERE commune = ?1")?
        .query_row([&commune], |r| r.get(0))?;
    tx.prepare_cached(
        "INSERT INTO death_cause (registration_id, commune, seq, facility_id, envelope, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        cause.registration_id,
        commune,
        seq,
        cause.facility_id,
        envelope,
        now.to_rfc3339()
    ])?;
    tx.commit()?;
    Ok(CauseOutcome::Stored {
        commune,
        seq: to_u64(seq),
    })
}

pub(super) fn causes_after(
    conn: &Connection,
    commune: &str,
    after: u64,
    limit: u32,
) -> Result<(Vec<StoredCause>, bool)> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, registration_id, envelope, received_at FROM death_cause
         WHERE commune = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let mut causes = stmt
        .query_map(params![commune, to_i64(after), i64::from(limit) + 1], |r| {
            Ok(StoredCause {
                seq: to_u64(r.get(0)?),
                registration_id: r.get(1)?,
                envelope: r.get(2)?,
                received_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let has_more = causes.len() > limit as usize;
    causes.truncate(limit as usize);
    Ok((causes, has_more))
}
