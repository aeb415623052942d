//! Officers: local accounts with argon2id password hashes, sign-in with a
//! lock-out after repeated wrong passwords, and roles.
//!
//! The only writer of `officer`.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{invalid, invalid_with, CoreError, InputField, InputReason, Result};
use crate::sql::from_row;
use crate::store::{parse_time, Store};
use crate::text::clean;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Công chức tư pháp - hộ tịch: works cases.
    Registrar,
    /// Lãnh đạo: also creates accounts, assigns cases, edits templates.
    Supervisor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Registrar => "registrar",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "registrar" => Some(Role::Registrar),
            "supervisor" => Some(Role::Supervisor),
            _ => None,
        }
    }
}

crate::sql::sql_text!(Role);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Officer {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
}

impl Officer {
    pub fn is_supervisor(&self) -> bool {
        self.role == Role::Supervisor
    }

    /// Refuses unless this officer is a supervisor.
    pub fn require_supervisor(&self, action: crate::error::ForbiddenAction) -> Result<()> {
        if self.is_supervisor() {
            Ok(())
        } else {
            Err(CoreError::Forbidden(action))
        }
    }
}

/// Wrong passwords allowed before sign-in is locked.
pub const FREE_FAILURES: i64 = 5;
/// The first lock-out; it doubles with each further failure.
const FIRST_LOCK_SECONDS: i64 = 30;
const LONGEST_LOCK_SECONDS: i64 = 15 * 60;
pub const MIN_PASSWORD_CHARS: usize = 8;

/// How long sign-in stays locked after `failures` wrong passwords in a row.
pub fn lock_out_after(failures: i64) -> Option<Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = u32::try_from(failures - FREE_FAILURES)
        .unwrap_or(u32::MAX)
        .min(10);
    let seconds = (FIRST_LOCK_SECONDS << doublings).min(LONGEST_LOCK_SECONDS);
    Some(Duration::seconds(seconds))
}

/// An argon2id PHC string (salt and parameters included).
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| CoreError::Corrupt {
            what: "password hashing".into(),
            reason: e.to_string(),
        })
}

pub fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checked against when the username is unknown, so a wrong username takes
/// as long as a wrong password and does not reveal which accounts exist.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password").unwrap_or_default())
}

fn check_new_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(invalid_with(
            InputField::Password,
            InputReason::PasswordTooShort,
            [("min", MIN_PASSWORD_CHARS.to_string())],
        ));
    }
    Ok(())
}

fn check_username(username: &str) -> Result<String> {
    let username = username.trim().to_lowercase();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if username.is_empty() || username.len() > 50 || !username.chars().all(allowed) {
        return Err(invalid(
            InputField::Username,
            InputReason::UsernameCharacters,
        ));
    }
    Ok(username)
}

const OFFICER_COLUMNS: &str = "id, username, full_name, role, active";

fn officer_row(row: &Row<'_>) -> rusqlite::Result<Officer> {
    Ok(from_row!(row => Officer { id, username, full_name, role, active }))
}

impl Store {
    /// False on the very first start: the app asks for the first supervisor.
    pub fn has_officers(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM officer)", [], |row| {
                row.get(0)
            })?)
    }

    /// The first account, a supervisor; refused once any account exists.
    pub fn create_first_supervisor(
        &mut self,
        username: &str,
        full_name: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        if self.has_officers()? {
            return Err(CoreError::AlreadySetUp);
        }
        self.insert_officer(None, username, full_name, Role::Supervisor, password, now)
    }

    /// A new account, created by a supervisor.
    pub fn create_officer(
        &mut self,
        actor: &Officer,
        username: &str,
        full_name: &str,
        role: Role,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        actor.require_supervisor(crate::error::ForbiddenAction::AddOfficer)?;
        self.insert_officer(Some(actor), username, full_name, role, password, now)
    }

    fn insert_officer(
        &mut self,
        actor: Option<&Officer>,
        username: &str,
        full_name: &str,
        role: Role,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        let username = check_username(username)?;
        let full_name = clean(full_name);
        if full_name.is_empty() {
            return Err(invalid(InputField::OfficerName, InputReason::Empty));
        }
        check_new_password(password)?;
        if self.officer_by_username(&username)?.is_some() {
            return Err(invalid_with(
                InputField::Username,
                InputReason::UsernameTaken,
                [("username", username.clone())],
            ));
        }
        let officer = Officer {
            id: uuid::Uuid::now_v7().to_string(),
            username,
            full_name,
            role,
            active: true,
        };
        self.conn.execute(
            "INSERT INTO officer (id, username, full_name, role, password_hash, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                officer.id,
                officer.username,
                officer.full_name,
                role.as_str(),
                hash_password(password)?,
                now.to_rfc3339(),
                actor.map(|a| a.id.as_str())
            ],
        )?;
        Ok(officer)
    }

    pub fn officers(&self) -> Result<Vec<Officer>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {OFFICER_COLUMNS} FROM officer ORDER BY full_name, username"
        ))?;
        let rows = stmt.query_map([], officer_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn officer(&self, id: &str) -> Result<Officer> {
        self.conn
            .query_row(
                &format!("SELECT {OFFICER_COLUMNS} FROM officer WHERE id = ?1"),
                [id],
                officer_row,
            )
            .optional()?
            .ok_or_else(|| CoreError::OfficerNotFound(id.to_owned()))
    }

    pub fn officer_by_username(&self, username: &str) -> Result<Option<Officer>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {OFFICER_COLUMNS} FROM officer WHERE username = ?1"),
                [username.trim().to_lowercase()],
                officer_row,
            )
            .optional()?)
    }

    /// Signs in. After `FREE_FAILURES` wrong passwords in a row the account
    /// is locked for 30 s, doubling with each further failure up to 15 min.
    pub fn sign_in(
        &mut self,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        let Some(officer) = self.officer_by_username(username)? else {
            password_matches(password, decoy_hash());
            return Err(CoreError::WrongPassword);
        };
        self.check_password(&officer, password, now)?;
        Ok(officer)
    }

    /// Unlocks an idle-locked session: the same check as signing in.
    pub fn unlock(
        &mut self,
        officer_id: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        let officer = self.officer(officer_id)?;
        self.check_password(&officer, password, now)?;
        Ok(officer)
    }

    fn check_password(
        &mut self,
        officer: &Officer,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (hash, failures, locked_until): (String, i64, Option<String>) = self.conn.query_row(
            "SELECT password_hash, failed_sign_ins, locked_until FROM officer WHERE id = ?1",
            [&officer.id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        if let Some(until) = locked_until.as_deref().map(parse_time).transpose()? {
            if until > now {
                return Err(CoreError::SignInLocked {
                    seconds: (until - now).num_seconds().max(1),
                });
            }
        }
        if !officer.active {
            password_matches(password, decoy_hash());
            return Err(CoreError::WrongPassword);
        }
        if password_matches(password, &hash) {
            self.conn.execute(
                "UPDATE officer SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?1",
                [&officer.id],
            )?;
            return Ok(());
        }
        let failures = failures + 1;
        let locked_until = lock_out_after(failures).map(|lock| (now + lock).to_rfc3339());
        self.conn.execute(
            "UPDATE officer SET failed_sign_ins = ?2, locked_until = ?3 WHERE id = ?1",
            params![officer.id, failures, locked_until],
        )?;
        Err(CoreError::WrongPassword)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify_only_the_password() {
        let first = hash_password("mật khẩu đúng").unwrap();
        let second = hash_password("mật khẩu đúng").unwrap();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(!first.contains("mật khẩu"));
        assert!(password_matches("mật khẩu đúng", &first));
        assert!(password_matches("mật khẩu đúng", &second));
        assert!(!password_matches("mật khẩu sai", &first));
        assert!(!password_matches("mật khẩu đúng", "not a hash"));
    }

    #[test]
    fn lock_out_starts_after_five_failures_and_doubles_up_to_fifteen_minutes() {
        for failures in 0..FREE_FAILURES {
            assert_eq!(lock_out_after(failures), None);
        }
        assert_eq!(lock_out_after(5), Some(Duration::seconds(30)));
        assert_eq!(lock_out_after(6), Some(Duration::seconds(60)));
        assert_eq!(lock_out_after(8), Some(Duration::seconds(240)));
        assert_eq!(lock_out_after(10), Some(Duration::seconds(900)));
        assert_eq!(lock_out_after(1_000), Some(Duration::seconds(900)));
    }

    #[test]
    fn usernames_are_plain_and_lower_case() {
        assert_eq!(check_username(" Hang.NT ").unwrap(), "hang.nt");
        assert!(check_username("hằng").is_err());
        assert!(check_username("a b").is_err());
        assert!(check_username("").is_err());
        assert!(check_new_password("1234567").is_err());
        assert!(check_new_password("12345678").is_ok());
    }
}
