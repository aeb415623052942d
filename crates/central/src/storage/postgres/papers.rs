//! Printed papers in the PostgreSQL store: what pushed rows say of each
//! printed copy (`paper_copy`, `registration_amended`) and the workstations'
//! paper-signing keys (`paper_key`); the only writer of those tables. The
//! public status of a serial is what `GET /v1/papers/{serial}` answers.

use ::postgres::GenericClient;
use chrono::{DateTime, Utc};

use super::super::readings::{paper_fact, PaperFact};
use super::super::*;
use super::{list, Db, Tx};

/// Keeps what a pushed row says about printed papers ([`paper_fact`]), in
/// the row's own transaction.
pub(super) fn index_paper_status(
    tx: &mut Tx<'_, '_>,
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
                tx.execute(
                    "INSERT INTO paper_copy (serial, commune, registration_id, printed_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT (serial) DO NOTHING",
                    &[&serial, &commune, &registration_id, &record.created_at],
                )?;
            }
        }
        Some(PaperFact::Amended { registration_id }) => {
            tx.execute(
                "INSERT INTO registration_amended (commune, registration_id, amended_at)
                 VALUES ($1, $2, $3)
                 ON CONFLICT (commune, registration_id) DO UPDATE
                 SET amended_at = greatest(registration_amended.amended_at, excluded.amended_at)",
                &[&commune, &registration_id, &record.created_at],
            )?;
        }
        Some(PaperFact::Withdrawn { serial }) => {
            tx.execute(
                "UPDATE paper_copy SET withdrawn_at = coalesce(withdrawn_at, $3)
                 WHERE serial = $1 AND commune = $2",
                &[&serial, &commune, &record.created_at],
            )?;
        }
    }
    Ok(())
}

pub(super) fn paper_status(
    client: &mut Db<'_, impl GenericClient>,
    serial: &str,
) -> Result<Option<PaperRecord>> {
    client
        .query_opt(
            "SELECT p.printed_at, p.withdrawn_at,
                    (SELECT a.amended_at FROM registration_amended a
                     WHERE a.commune = p.commune AND a.registration_id = p.registration_id
                       AND a.amended_at > p.printed_at) AS amended_at
             FROM paper_copy p WHERE p.serial = $1",
            &[&serial],
        )?
        .map(|r| Ok(pg_row!(r => PaperRecord { printed_at, withdrawn_at, amended_at })))
        .transpose()
}

pub(super) fn submit_paper_key(
    client: &mut Db<'_, impl GenericClient>,
    workstation: &Workstation,
    key_id: &str,
    public_key: &str,
    now: DateTime<Utc>,
) -> Result<KeySubmission> {
    let inserted = client.execute(
        "INSERT INTO paper_key (key_id, commune, workstation_id, public_key, submitted_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_id) DO NOTHING",
        &[
            &key_id,
            &workstation.commune,
            &workstation.id,
            &public_key,
            &now.to_rfc3339(),
        ],
    )?;
    if inserted == 1 {
        return Ok(KeySubmission::Stored);
    }
    let r = client.query_one(
        "SELECT commune, public_key FROM paper_key WHERE key_id = $1",
        &[&key_id],
    )?;
    let (commune, held): (String, String) = (r.try_get(0)?, r.try_get(1)?);
    Ok(if commune == workstation.commune && held == public_key {
        KeySubmission::Same
    } else {
        KeySubmission::Conflict
    })
}

pub(super) fn paper_keys(client: &mut Db<'_, impl GenericClient>) -> Result<Vec<PaperKeyRecord>> {
    list(
        client,
        "SELECT key_id, commune, workstation_id, public_key, submitted_at, certificate,
                certified_at, revoked_at
         FROM paper_key ORDER BY submitted_at, key_id",
        |r| {
            Ok(pg_row!(r => PaperKeyRecord {
                key_id, commune, workstation_id, public_key, submitted_at, certificate,
                certified_at, revoked_at,
            }))
        },
    )
}

pub(super) fn certify_paper_key(
    client: &mut Db<'_, impl GenericClient>,
    key_id: &str,
    certificate: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = client.execute(
        "UPDATE paper_key SET certificate = $2, certified_at = $3
         WHERE key_id = $1 AND revoked_at IS NULL",
        &[&key_id, &certificate, &now.to_rfc3339()],
    )?;
    Ok(changed == 1)
}

pub(super) fn revoke_paper_key(
    client: &mut Db<'_, impl GenericClient>,
    key_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = client.execute(
        "UPDATE paper_key SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL",
        &[&key_id, &now.to_rfc3339()],
    )?;
    Ok(changed == 1)
}
