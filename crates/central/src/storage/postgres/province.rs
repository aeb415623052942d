//! The province's supervision page in the PostgreSQL store: the SQL of
//! `../sqlite/province.rs` (whose doc tells what each table holds). The only
//! writer of `province_officer`, `officer_session` and `refused_notice` here.

use ::postgres::GenericClient;
use chrono::{DateTime, Utc};

use super::super::readings::officer_login_of;
use super::super::supervision::*;
use super::super::Result;
use super::{Db, Tx};

pub(super) fn add_officer(
    client: &mut Db<'_, impl GenericClient>,
    new: &NewOfficer<'_>,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let id = uuid::Uuid::now_v7().to_string();
    let inserted = client.execute(
        "INSERT INTO province_officer (id, province, login, label, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (login) DO NOTHING",
        &[
            &id,
            &new.province,
            &new.login,
            &new.label,
            &new.password_hash,
            &now.to_rfc3339(),
        ],
    )?;
    Ok((inserted == 1).then_some(id))
}

pub(super) fn officers(client: &mut Db<'_, impl GenericClient>) -> Result<Vec<OfficerRecord>> {
    client
        .query(
            "SELECT id, province, login, label, created_at, revoked_at FROM province_officer
             ORDER BY created_at, id",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(pg_row!(r => OfficerRecord { id, province, login, label, created_at, revoked_at }))
        })
        .collect()
}

pub(super) fn revoke_officer(tx: &mut Tx<'_, '_>, id: &str, now: DateTime<Utc>) -> Result<bool> {
    let revoked = tx.execute(
        "UPDATE province_officer SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        &[&id, &now.to_rfc3339()],
    )?;
    tx.execute("DELETE FROM officer_session WHERE officer_id = $1", &[&id])?;
    Ok(revoked == 1)
}

pub(super) fn officer_login(
    client: &mut Db<'_, impl GenericClient>,
    login: &str,
) -> Result<Option<OfficerLogin>> {
    client
        .query_opt(
            "SELECT id, province, label, password_hash, failed_sign_ins, locked_until
             FROM province_officer WHERE login = $1 AND revoked_at IS NULL",
            &[&login],
        )?
        .map(|r| {
            officer_login_of(
                pg_row!(r => ProvinceOfficer { id, province, label }),
                r.try_get("password_hash")?,
                i64::from(r.try_get::<_, i32>("failed_sign_ins")?),
                r.try_get("locked_until")?,
            )
        })
        .transpose()
}

pub(super) fn note_failed_sign_in(
    client: &mut Db<'_, impl GenericClient>,
    officer_id: &str,
    lock_after: u32,
    locked_until: DateTime<Utc>,
) -> Result<bool> {
    let lock_after = i32::try_from(lock_after).unwrap_or(i32::MAX);
    let count = client.query_opt(
        "UPDATE province_officer SET
             locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3 ELSE locked_until END,
             failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= $2 THEN 0 ELSE failed_sign_ins + 1 END
         WHERE id = $1
         RETURNING failed_sign_ins",
        &[&officer_id, &lock_after, &locked_until.to_rfc3339()],
    )?;
    Ok(count.is_some_and(|row| row.get::<_, i32>(0) == 0))
}

pub(super) fn clear_failed_sign_ins(
    client: &mut Db<'_, impl GenericClient>,
    officer_id: &str,
) -> Result<()> {
    client.execute(
        "UPDATE province_officer SET failed_sign_ins = 0 WHERE id = $1",
        &[&officer_id],
    )?;
    Ok(())
}

pub(super) fn open_session(
    tx: &mut Tx<'_, '_>,
    officer_id: &str,
    token_sha256: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "DELETE FROM officer_session WHERE expires_at <= $1",
        &[&now.to_rfc3339()],
    )?;
    tx.execute(
        "INSERT INTO officer_session (token_sha256, officer_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
        &[
            &token_sha256,
            &officer_id,
            &now.to_rfc3339(),
            &expires_at.to_rfc3339(),
        ],
    )?;
    Ok(())
}

pub(super) fn session_officer(
    client: &mut Db<'_, impl GenericClient>,
    token_sha256: &str,
    now: DateTime<Utc>,
) -> Result<Option<ProvinceOfficer>> {
    client
        .query_opt(
            "SELECT o.id, o.province, o.label FROM officer_session s
             JOIN province_officer o ON o.id = s.officer_id
             WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND o.revoked_at IS NULL",
            &[&token_sha256, &now.to_rfc3339()],
        )?
        .map(|r| Ok(pg_row!(r => ProvinceOfficer { id, province, label })))
        .transpose()
}

pub(super) fn close_session(
    client: &mut Db<'_, impl GenericClient>,
    token_sha256: &str,
) -> Result<()> {
    client.execute(
        "DELETE FROM officer_session WHERE token_sha256 = $1",
        &[&token_sha256],
    )?;
    Ok(())
}

pub(super) fn note_refused(
    client: &mut Db<'_, impl GenericClient>,
    commune: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    client.execute(
        "INSERT INTO refused_notice (commune, reason, received_at) VALUES ($1, $2, $3)",
        &[&commune, &reason, &now.to_rfc3339()],
    )?;
    Ok(())
}

pub(super) fn supervision_rows(
    client: &mut Db<'_, impl GenericClient>,
    communes: &[&str],
) -> Result<SupervisionRows> {
    let notices = client
        .query(
            "SELECT notification_id, commune, kind, event_date, received_at, issued_at, subject_name
             FROM pilot_notification WHERE NOT voided AND commune = ANY($1)",
            &[&communes],
        )?
        .iter()
        // By position: a province reads a hundred thousand rows, and a
        // column looked up by name is a search of the columns each time.
        .map(|r| {
            Ok(SupervisedNotice {
                notification_id: r.try_get(0)?,
                commune: r.try_get(1)?,
                kind: r.try_get(2)?,
                event_date: r.try_get(3)?,
                received_at: r.try_get(4)?,
                issued_at: r.try_get(5)?,
                subject_name: r.try_get(6)?,
            })
        })
        .collect::<Result<_>>()?;
    let cases = client
        .query(
            "SELECT commune, notification_id, first_contact_at, last_contact_at, assignee, kind,
                    event_date, deadline, registered_on, closed_as
             FROM pilot_case WHERE commune = ANY($1)",
            &[&communes],
        )?
        .iter()
        .map(|r| {
            Ok(pg_row!(r => SupervisedCase {
                commune, notification_id, first_contact_at, last_contact_at, assignee, kind,
                event_date, deadline, registered_on, closed_as
            }))
        })
        .collect::<Result<_>>()?;
    let last_sync = client
        .query(
            "SELECT commune, max(last_used_at) FROM workstation WHERE commune = ANY($1)
             GROUP BY commune",
            &[&communes],
        )?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_>>()?;
    let refused = client
        .query(
            "SELECT commune, received_at FROM refused_notice WHERE commune = ANY($1)",
            &[&communes],
        )?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_>>()?;
    Ok(SupervisionRows {
        notices,
        cases,
        last_sync,
        refused,
    })
}
