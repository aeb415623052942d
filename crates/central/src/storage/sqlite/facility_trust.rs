//! What the facility door trusts besides the signed trust list, in the
//! SQLite store (`schema/003_official_documents.sql`): X.509 anchors,
//! intermediates, CRLs and facility certificates (`x509_entry`), and the
//! senders allowed to post FHIR (`facility_sender`); the only writer of
//! those tables.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::super::*;
use super::list;

pub(super) fn add_x509(conn: &Connection, new: &NewX509<'_>, now: DateTime<Utc>) -> Result<i64> {
    conn.execute(
        "INSERT INTO x509_entry (kind, facility_code, subject, sha256, not_after, der, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (kind, facility_code, sha256) DO NOTHING",
        params![
            new.kind.code(),
            new.facility_code,
            new.subject,
            new.sha256,
            new.not_after,
            new.der,
            now.to_rfc3339()
        ],
    )?;
    Ok(conn.query_row(
        "SELECT id FROM x509_entry WHERE kind = ?1 AND facility_code = ?2 AND sha256 = ?3",
        params![new.kind.code(), new.facility_code, new.sha256],
        |r| r.get(0),
    )?)
}

pub(super) fn x509_entries(conn: &Connection) -> Result<Vec<X509Record>> {
    list(
        conn,
        "SELECT id, kind, facility_code, subject, sha256, not_after, added_at
         FROM x509_entry ORDER BY id",
        |r| {
            Ok(from_row!(r => X509Record {
                id, kind, facility_code, subject, sha256, not_after, added_at
            }))
        },
    )
}

pub(super) fn remove_x509(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM x509_entry WHERE id = ?1", [id])? == 1)
}

pub(super) fn x509_material(conn: &Connection) -> Result<X509Material> {
    let mut stmt =
        conn.prepare_cached("SELECT kind, facility_code, sha256, der FROM x509_entry ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut material = X509Material::default();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        material.add(&kind, r.get(1)?, r.get(2)?, r.get(3)?);
    }
    Ok(material)
}

pub(super) fn add_facility_sender(
    conn: &Connection,
    new: &NewFacilitySender<'_>,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO facility_sender (id, facility_code, fhir, token_sha256, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id,
            new.facility_code,
            new.fhir,
            new.token_sha256,
            now.to_rfc3339()
        ],
    )?;
    Ok(id)
}

pub(super) fn facility_senders(conn: &Connection) -> Result<Vec<FacilitySenderRecord>> {
    list(
        conn,
        "SELECT id, facility_code, fhir, created_at, revoked_at FROM facility_sender
         ORDER BY created_at, id",
        |r| {
            Ok(FacilitySenderRecord {
                sender: from_row!(r => FacilitySender { id, facility_code, fhir }),
                created_at: r.get("created_at")?,
                revoked_at: r.get("revoked_at")?,
            })
        },
    )
}

pub(super) fn revoke_facility_sender(
    conn: &Connection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE facility_sender SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now.to_rfc3339()],
    )? == 1)
}

pub(super) fn check_facility_sender(conn: &Connection, token_sha256: &str) -> Result<SenderCheck> {
    let found: Option<(FacilitySender, Option<String>)> = conn
        .prepare_cached(
            "SELECT id, facility_code, fhir, revoked_at FROM facility_sender WHERE token_sha256 = ?1",
        )?
        .query_row([token_sha256], |r| {
            Ok((
                FacilitySender {
                    id: r.get(0)?,
                    facility_code: r.get(1)?,
                    fhir: r.get(2)?,
                },
                r.get(3)?,
            ))
        })
        .optional()?;
    Ok(match found {
        None => SenderCheck::Unknown,
        Some((_, Some(_))) => SenderCheck::Revoked,
        Some((sender, None)) => SenderCheck::Valid(sender),
    })
}
