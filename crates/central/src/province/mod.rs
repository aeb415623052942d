//! The province's supervision page (issue 19, item 4), served by the
//! registry to provincial justice officers: every commune of their province
//! in one table ([`figures`]), a commune's overdue cases, the table as an
//! Excel file. Officers have accounts of their province (`hotich-central
//! officer add`); a signed-in officer holds a session cookie whose SHA-256
//! the storage keeps, so any registry process recognises it and a revoke
//! ends it. A workstation's token opens nothing here.
//!
//! Each operation is one function here; the handlers
//! (`handlers/province.rs`) only read the request and call them.

pub mod figures;
pub mod labels;
pub mod page;
pub mod xlsx;

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use hotich_protocol::reference;

use crate::auth::token_hash;
use crate::storage::{ProvinceOfficer, Storage, StorageError};
use figures::{Calendar, OverdueCase, ProvinceTable};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "hotich_province";
/// How long a session lasts: a working day.
pub const SESSION_LENGTH: TimeDelta = TimeDelta::hours(9);

/// A new session: the cookie's value (given once, only its hash kept).
#[derive(Debug)]
pub struct Session {
    pub token: String,
    pub officer: ProvinceOfficer,
    pub expires_at: DateTime<Utc>,
}

/// Checked when the login is unknown, so that answer takes as long as a
/// wrong password and reveals nothing.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hotich_common::password::hash("hotich-decoy-password").unwrap_or_default())
}

/// Wrong passwords in a row after which an officer's sign-in is refused for
/// [`LOCKOUT`], whatever password comes (guessing a password takes years at
/// this pace; the officer waits a quarter of an hour). The page says so to
/// everyone, and a locked login answers as a wrong password does: whether a
/// login exists stays unknown.
pub const LOCK_AFTER_FAILED_SIGN_INS: u32 = 5;
pub const LOCKOUT: TimeDelta = TimeDelta::minutes(15);

/// Signs an officer in: a new session, or None for a wrong login or
/// password, a revoked officer or one whose sign-in is locked (the same
/// Argon2id work is done in every case).
pub fn sign_in(
    storage: &dyn Storage,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>, StorageError> {
    let found = storage.officer_login(login.trim())?;
    let open = found
        .as_ref()
        .filter(|found| found.locked_until.is_none_or(|until| until <= now));
    let hash = open.map_or(decoy_hash(), |found| found.password_hash.as_str());
    let matches = hotich_common::password::matches(password, hash);
    let Some(found) = open else {
        return Ok(None);
    };
    if !matches {
        let locked = storage.note_failed_sign_in(
            &found.officer.id,
            LOCK_AFTER_FAILED_SIGN_INS,
            now + LOCKOUT,
        )?;
        if locked {
            // For the operator who watches for guessing; the officer's id,
            // never the login tried.
            tracing::warn!(
                officer = %found.officer.id,
                wrong_passwords = LOCK_AFTER_FAILED_SIGN_INS,
                minutes = LOCKOUT.num_minutes(),
                "provincial officer's sign-in locked"
            );
        }
        return Ok(None);
    }
    if found.failed_sign_ins > 0 {
        storage.clear_failed_sign_ins(&found.officer.id)?;
    }
    let token = crate::auth::new_token().replacen("hotich_ws_", "hotich_ps_", 1);
    let expires_at = now + SESSION_LENGTH;
    storage.open_session(&found.officer.id, &token_hash(&token), expires_at, now)?;
    Ok(Some(Session {
        token,
        officer: found.officer.clone(),
        expires_at,
    }))
}

/// The officer a session cookie belongs to, if it is still valid.
pub fn signed_in(
    storage: &dyn Storage,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<ProvinceOfficer>, StorageError> {
    storage.session_officer(&token_hash(token), now)
}

pub fn sign_out(storage: &dyn Storage, token: &str) -> Result<(), StorageError> {
    storage.close_session(&token_hash(token))
}

/// The province's communes (code, full name), in the reference order.
pub fn communes_of(province: &str) -> Vec<(&'static str, &'static str)> {
    reference::communes_in(province)
        .map(|c| (c.code, c.full_name))
        .collect()
}

/// The province's full name ("Thành phố Hà Nội").
pub fn province_name(province: &str) -> &'static str {
    reference::province(province).map_or("", |p| p.full_name)
}

/// The default period: the year so far.
pub fn default_period(now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    let today = hotich_common::time::office_day(now);
    let first = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap_or(today);
    (first, today)
}

/// Every commune of the officer's province with its figures.
pub fn province_table(
    storage: &dyn Storage,
    officer: &ProvinceOfficer,
    period: (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> Result<ProvinceTable, StorageError> {
    let communes = communes_of(&officer.province);
    let codes: Vec<&str> = communes.iter().map(|(code, _)| *code).collect();
    let rows = storage.supervision_rows(&codes)?;
    Ok(figures::province_table(
        &rows,
        &communes,
        period,
        now,
        &Calendar::default(),
    ))
}

/// A commune of the officer's province: its line today, and its overdue cases.
#[derive(Debug)]
pub struct CommuneOverdue {
    pub line: figures::CommuneFigures,
    pub cases: Vec<OverdueCase>,
}

/// `commune`'s overdue cases; None when it is not a commune of the
/// officer's province (another province's data is never read).
pub fn commune_overdue(
    storage: &dyn Storage,
    officer: &ProvinceOfficer,
    commune: &str,
    now: DateTime<Utc>,
) -> Result<Option<CommuneOverdue>, StorageError> {
    let Some(found) = reference::commune(commune).filter(|c| c.province_code == officer.province)
    else {
        return Ok(None);
    };
    let rows = storage.supervision_rows(&[found.code])?;
    let calendar = Calendar::default();
    let table = figures::province_table(
        &rows,
        &[(found.code, found.full_name)],
        default_period(now),
        now,
        &calendar,
    );
    let cases = figures::overdue_cases(&rows, found.code, now, &calendar);
    Ok(table
        .communes
        .into_iter()
        .next()
        .map(|line| CommuneOverdue { line, cases }))
}
