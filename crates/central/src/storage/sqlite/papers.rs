//! Printed papers in the SQLite store (`schema/005_paper_status.sql`,
//! `006_paper_keys.sql`): what pushed rows say of each printed copy
//! (`paper_copy`, `registration_amended`) and the workstations'
//! paper-signing keys (`paper_key`); the only writer of those tables. The
//! public status of a serial is what `GET /v1/papers/{serial}` answers.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::super::readings::{paper_fact, PaperFact};
use super::super::*;

/// Keeps what a pushed row says about printed papers ([`paper_fact`],
/// `schema/005_paper_status.sql`), in the row's own transaction.
pub(super) fn index_paper_status(
    tx: &rusqlite::Transaction<'_>,
    commune: &str,
    record: &PushedRecord,
) -> Result<()> {
    match paper_fact(record)? {
        None => {}
        Some(PaperFact::Printed {
            registration_id,
            serials,
        }) => {
            for serial in serials {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO paper_copy (serial, commune, registration_id, printed_at)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![serial, commune, registration_id, record.created_at])?;
            }
        }
        Some(PaperFact::Amended { registration_id }) => {
            tx.prepare_cached(
                "INSERT INTO registration_amended (commune, registration_id, amended_at)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (commune, registration_id)
                 DO UPDATE SET amended_at = max(amended_at, excluded.amended_at)",
            )?
            .execute(params![commune, registration_id, record.created_at])?;
        }
        Some(PaperFact::Withdrawn { serial }) => {
            tx.prepare_cached(
                "UPDATE paper_copy SET withdrawn_at = coalesce(withdrawn_at, ?3)
                 WHERE serial = ?1 AND commune = ?2",
            )?
            .execute(params![serial, commune, record.created_at])?;
        }
    }
    Ok(())
}

pub(super) fn paper_status(conn: &Connection, serial: &str) -> Result<Option<PaperRecord>> {
    let found = conn
        .prepare_cached(
            "SELECT p.printed_at, p.withdrawn_at,
                    (SELECT a.amended_at FROM registration_amended a
                     WHERE a.commune = p.commune AND a.registration_id = p.registration_id
                       AND a.amended_at > p.printed_at) AS amended_at
             FROM paper_copy p WHERE p.serial = ?1",
        )?
        .query_row([serial], |row| {
            Ok(PaperRecord {
                printed_at: row.get(0)?,
                withdrawn_at: row.get(1)?,
                amended_at: row.get(2)?,
            })
        })
        .optional()?;
    Ok(found)
}

pub(super) fn submit_paper_key(
    conn: &Connection,
    workstation: &Workstation,
    key_id: &str,
    public_key: &str,
    now: DateTime<Utc>,
) -> Result<KeySubmission> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO paper_key (key_id, commune, workstation_id, public_key, submitted_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key_id) DO NOTHING",
        )?
        .execute(params![
            key_id,
            workstation.commune,
            workstation.id,
            public_key,
            now.to_rfc3339()
        ])?;
    if inserted == 1 {
        return Ok(KeySubmission::Stored);
    }
    let (commune, held): (String, String) = conn
        .prepare_cached("SELECT commune, public_key FROM paper_key WHERE key_id = ?1")?
        .query_row([key_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(if commune == workstation.commune && held == public_key {
        KeySubmission::Same
    } else {
        KeySubmission::Conflict
    })
}

pub(super) fn paper_keys(conn: &Connection) -> Result<Vec<PaperKeyRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key_id, commune, workstation_id, public_key, submitted_at, certificate,
                certified_at, revoked_at
         FROM paper_key ORDER BY submitted_at, key_id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(from_row!(row => PaperKeyRecord {
            key_id, commune, workstation_id, public_key, submitted_at, certificate,
            certified_at, revoked_at,
        }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn certify_paper_key(
    conn: &Connection,
    key_id: &str,
    certificate: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE paper_key SET certificate = ?2, certified_at = ?3
             WHERE key_id = ?1 AND revoked_at IS NULL",
        )?
        .execute(params![key_id, certificate, now.to_rfc3339()])?;
    Ok(changed == 1)
}

pub(super) fn revoke_paper_key(
    conn: &Connection,
    key_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE paper_key SET revoked_at = ?2 WHERE key_id = ?1 AND revoked_at IS NULL",
        )?
        .execute(params![key_id, now.to_rfc3339()])?;
    Ok(changed == 1)
}
