//! What the facility door trusts besides the signed trust list, in the
//! PostgreSQL store: X.509 anchors, intermediates, CRLs and facility
//! certificates (`x509_entry`), and the senders allowed to post FHIR
//! (`facility_sender`); the only writer of those tables.

use ::postgres::GenericClient;
use chrono::{DateTime, Utc};

use super::super::*;
use super::{list, Db};

pub(super) fn add_x509(
    client: &mut Db<'_, impl GenericClient>,
    new: &NewX509<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    client.execute(
        "INSERT INTO x509_entry (kind, facility_code, subject, sha256, not_after, der, added_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (kind, facility_code, sha256) DO NOTHING",
        &[
            &new.kind.code(),
            &new.facility_code,
            &new.subject,
            &new.sha256,
            &new.not_after,
            &new.der,
            &now.to_rfc3339(),
        ],
    )?;
    Ok(client
        .query_one(
            "SELECT id FROM x509_entry WHERE kind = $1 AND facility_code = $2 AND sha256 = $3",
            &[&new.kind.code(), &new.facility_code, &new.sha256],
        )?
        .try_get(0)?)
}

pub(super) fn x509_entries(client: &mut Db<'_, impl GenericClient>) -> Result<Vec<X509Record>> {
    list(
        client,
        "SELECT id, kind, facility_code, subject, sha256, not_after, added_at
         FROM x509_entry ORDER BY id",
        |r| {
            Ok(pg_row!(r => X509Record {
                id, kind, facility_code, subject, sha256, not_after, added_at
            }))
        },
    )
}

pub(super) fn remove_x509(client: &mut Db<'_, impl GenericClient>, id: i64) -> Result<bool> {
    Ok(client.execute("DELETE FROM x509_entry WHERE id = $1", &[&id])? == 1)
}

pub(super) fn x509_material(client: &mut Db<'_, impl GenericClient>) -> Result<X509Material> {
    let rows = client.query(
        "SELECT kind, facility_code, sha256, der FROM x509_entry ORDER BY id",
        &[],
    )?;
    let mut material = X509Material::default();
    for r in &rows {
        let kind: String = r.try_get(0)?;
        material.add(&kind, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
    }
    Ok(material)
}

pub(super) fn add_facility_sender(
    client: &mut Db<'_, impl GenericClient>,
    new: &NewFacilitySender<'_>,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    client.execute(
        "INSERT INTO facility_sender (id, facility_code, fhir, token_sha256, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &id,
            &new.facility_code,
            &new.fhir,
            &new.token_sha256,
            &now.to_rfc3339(),
        ],
    )?;
    Ok(id)
}

pub(super) fn facility_senders(
    client: &mut Db<'_, impl GenericClient>,
) -> Result<Vec<FacilitySenderRecord>> {
    list(
        client,
        "SELECT id, facility_code, fhir, created_at, revoked_at FROM facility_sender
         ORDER BY created_at, id",
        |r| {
            Ok(FacilitySenderRecord {
                sender: pg_row!(r => FacilitySender { id, facility_code, fhir }),
                created_at: r.try_get("created_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        },
    )
}

pub(super) fn revoke_facility_sender(
    client: &mut Db<'_, impl GenericClient>,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(client.execute(
        "UPDATE facility_sender SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        &[&id, &now.to_rfc3339()],
    )? == 1)
}

pub(super) fn check_facility_sender(
    client: &mut Db<'_, impl GenericClient>,
    token_sha256: &str,
) -> Result<SenderCheck> {
    let found = client
        .query_opt(
            "SELECT id, facility_code, fhir, revoked_at FROM facility_sender
             WHERE token_sha256 = $1",
            &[&token_sha256],
        )?
        .map(|r| -> Result<_> {
            let revoked_at: Option<String> = r.try_get("revoked_at")?;
            Ok((
                pg_row!(r => FacilitySender { id, facility_code, fhir }),
                revoked_at,
            ))
        })
        .transpose()?;
    Ok(match found {
        None => SenderCheck::Unknown,
        Some((_, Some(_))) => SenderCheck::Revoked,
        Some((sender, None)) => SenderCheck::Valid(sender),
    })
}
