//! The province's supervision page in the SQLite store
//! (`schema/009_province_supervision.sql`): provincial officers and their
//! sessions, the records refused at the door, and the rows a province's
//! page reads. The only writer of `province_officer`, `officer_session` and
//! `refused_notice`.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::super::readings::{corrupt, officer_login_of};
use super::super::supervision::*;
use super::super::Result;

pub(super) fn add_officer(
    conn: &Connection,
    new: &NewOfficer<'_>,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let id = uuid::Uuid::now_v7().to_string();
    let inserted = conn.execute(
        "INSERT INTO province_officer (id, province, login, label, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (login) DO NOTHING",
        params![
            id,
            new.province,
            new.login,
            new.label,
            new.password_hash,
            now.to_rfc3339()
        ],
    )?;
    Ok((inserted == 1).then_some(id))
}

pub(super) fn officers(conn: &Connection) -> Result<Vec<OfficerRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, province, login, label, created_at, revoked_at FROM province_officer
         ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(from_row!(r => OfficerRecord { id, province, login, label, created_at, revoked_at }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn revoke_officer(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<bool> {
    let tx = conn.unchecked_transaction()?;
    let revoked = tx.execute(
        "UPDATE province_officer SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now.to_rfc3339()],
    )?;
    tx.execute("DELETE FROM officer_session WHERE officer_id = ?1", [id])?;
    tx.commit()?;
    Ok(revoked == 1)
}

pub(super) fn officer_login(conn: &Connection, login: &str) -> Result<Option<OfficerLogin>> {
    let found = conn
        .prepare_cached(
            "SELECT id, province, label, password_hash, failed_sign_ins, locked_until
             FROM province_officer WHERE login = ?1 AND revoked_at IS NULL",
        )?
        .query_row([login], |r| {
            Ok((
                from_row!(r => ProvinceOfficer { id, province, label }),
                r.get::<_, String>("password_hash")?,
                r.get::<_, i64>("failed_sign_ins")?,
                r.get::<_, Option<String>>("locked_until")?,
            ))
        })
        .optional()?;
    found
        .map(|(officer, password_hash, failed, locked_until)| {
            officer_login_of(officer, password_hash, failed, locked_until)
        })
        .transpose()
}

/// `lock_after` wrong passwords in a row lock the sign-in and start the
/// count again; one statement, so processes counting at once miss none.
/// True when this one locked it (the count back at 0).
pub(super) fn note_failed_sign_in(
    conn: &Connection,
    officer_id: &str,
    lock_after: u32,
    locked_until: DateTime<Utc>,
) -> Result<bool> {
    let count: Option<u32> = conn
        .query_row(
            "UPDATE province_officer SET
                 locked_until = CASE WHEN failed_sign_ins + 1 >= ?2 THEN ?3 ELSE locked_until END,
                 failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= ?2 THEN 0 ELSE failed_sign_ins + 1 END
             WHERE id = ?1
             RETURNING failed_sign_ins",
            params![officer_id, lock_after, locked_until.to_rfc3339()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(count == Some(0))
}

pub(super) fn clear_failed_sign_ins(conn: &Connection, officer_id: &str) -> Result<()> {
    conn.execute(
        "UPDATE province_officer SET failed_sign_ins = 0 WHERE id = ?1",
        [officer_id],
    )?;
    Ok(())
}

pub(super) fn open_session(
    conn: &Connection,
    officer_id: &str,
    token_sha256: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    // Expired sessions go as new ones come.
    tx.execute(
        "DELETE FROM officer_session WHERE expires_at <= ?1",
        [now.to_rfc3339()],
    )?;
    tx.execute(
        "INSERT INTO officer_session (token_sha256, officer_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            token_sha256,
            officer_id,
            now.to_rfc3339(),
            expires_at.to_rfc3339()
        ],
    )?;
    tx.commit()?;
    Ok(())
}

pub(super) fn session_officer(
    conn: &Connection,
    token_sha256: &str,
    now: DateTime<Utc>,
) -> Result<Option<ProvinceOfficer>> {
    Ok(conn
        .prepare_cached(
            "SELECT o.id, o.province, o.label FROM officer_session s
             JOIN province_officer o ON o.id = s.officer_id
             WHERE s.token_sha256 = ?1 AND s.expires_at > ?2 AND o.revoked_at IS NULL",
        )?
        .query_row(params![token_sha256, now.to_rfc3339()], |r| {
            Ok(from_row!(r => ProvinceOfficer { id, province, label }))
        })
        .optional()?)
}

pub(super) fn close_session(conn: &Connection, token_sha256: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM officer_session WHERE token_sha256 = ?1",
        [token_sha256],
    )?;
    Ok(())
}

pub(super) fn note_refused(
    conn: &Connection,
    commune: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO refused_notice (commune, reason, received_at) VALUES (?1, ?2, ?3)",
        params![commune, reason, now.to_rfc3339()],
    )?;
    Ok(())
}

pub(super) fn supervision_rows(conn: &Connection, communes: &[&str]) -> Result<SupervisionRows> {
    let communes = serde_json::to_string(communes).map_err(|e| corrupt("communes", e))?;
    let notices = conn
        .prepare_cached(
            "SELECT notification_id, commune, kind, event_date, received_at, issued_at, subject_name
             FROM pilot_notification
             WHERE voided = 0 AND commune IN (SELECT value FROM json_each(?1))",
        )?
        // By position: a province reads a hundred thousand rows, and a
        // column looked up by name is a search of the columns each time.
        .query_map([&communes], |r| {
            Ok(SupervisedNotice {
                notification_id: r.get(0)?,
                commune: r.get(1)?,
                kind: r.get(2)?,
                event_date: r.get(3)?,
                received_at: r.get(4)?,
                issued_at: r.get(5)?,
                subject_name: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let cases = conn
        .prepare_cached(
            "SELECT commune, notification_id, first_contact_at, last_contact_at, assignee, kind,
                    event_date, deadline, registered_on, closed_as
             FROM pilot_case WHERE commune IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([&communes], |r| {
            Ok(from_row!(r => SupervisedCase {
                commune, notification_id, first_contact_at, last_contact_at, assignee, kind,
                event_date, deadline, registered_on, closed_as
            }))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let last_sync = conn
        .prepare_cached(
            "SELECT commune, max(last_used_at) FROM workstation
             WHERE commune IN (SELECT value FROM json_each(?1)) GROUP BY commune",
        )?
        .query_map([&communes], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let refused = conn
        .prepare_cached(
            "SELECT commune, received_at FROM refused_notice
             WHERE commune IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([&communes], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(SupervisionRows {
        notices,
        cases,
        last_sync,
        refused,
    })
}
