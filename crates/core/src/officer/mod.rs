//! Officers: local accounts with argon2id password hashes, sign-in with a
//! lock-out after repeated wrong passwords, roles, and the account life
//! cycle: a password a supervisor set must be changed at the next sign-in;
//! supervisors reset passwords, deactivate, reactivate and change roles.
//!
//! The only writer of `officer`; each account action appends its entry to
//! the audit log (`crate::audit`) in the same transaction (or
//! savepoint, inside a caller's transaction: `store::write_scope`).

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditAction};
use crate::error::{
    invalid, invalid_with, CoreError, ForbiddenAction, InputField, InputReason, Result,
};
use crate::problem::{FieldProblem, ProblemRule};
use crate::sql::from_row;
use crate::store::{parse_time, Store};
use crate::text::{clean, fold};

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
    /// A supervisor set the password (a new account, a reset): the officer
    /// must choose their own before doing anything else.
    pub must_change_password: bool,
}

impl Officer {
    pub fn is_supervisor(&self) -> bool {
        self.role == Role::Supervisor
    }

    /// Refuses unless this officer is a supervisor.
    pub fn require_supervisor(&self, action: ForbiddenAction) -> Result<()> {
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
/// Long enough that a passphrase of a few words fits and guessing is slow.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The bundled list of common passwords, lower case, one a line (see
/// `assets/passwords/README.md` for its source and licence).
const COMMON_PASSWORDS: &str = include_str!("../../../../assets/passwords/common-passwords.txt");

/// A one-time password: groups of letters and digits that cannot be misread
/// for each other (no i, l, o, 0, 1), about 79 bits of chance.
const ONE_TIME_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const ONE_TIME_GROUPS: usize = 4;
const ONE_TIME_GROUP_CHARS: usize = 4;

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

/// An argon2id PHC string (salt and parameters included):
/// [`hotich_common::password::hash`].
pub fn hash_password(password: &str) -> Result<String> {
    hotich_common::password::hash(password).map_err(|e| CoreError::Corrupt {
        what: "password hashing".into(),
        reason: e.to_string(),
    })
}

pub fn password_matches(password: &str, phc: &str) -> bool {
    hotich_common::password::matches(password, phc)
}

/// Checked against when the username is unknown or the account locked, so
/// those answers take as long as a wrong password and reveal nothing.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password").unwrap_or_default())
}

fn common_passwords() -> &'static HashSet<&'static str> {
    static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();
    COMMON.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    })
}

/// Whether `password` is on the bundled list of common passwords, in any case.
pub fn is_common_password(password: &str) -> bool {
    common_passwords().contains(password.trim().to_lowercase().as_str())
}

/// Folded and without spaces or punctuation, so "Nguyen Van An" and
/// "nguyễnvănan" compare equal.
fn squeezed(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The part of the password rule a new password breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PasswordFault {
    TooShort,
    IsName,
    Common,
}

impl PasswordFault {
    /// The fault as one problem of an account form, under `password`.
    fn problem(self) -> FieldProblem {
        let (rule, params) = match self {
            PasswordFault::TooShort => (
                ProblemRule::PasswordTooShort,
                BTreeMap::from([("min".to_owned(), MIN_PASSWORD_CHARS.to_string())]),
            ),
            PasswordFault::IsName => (ProblemRule::PasswordIsName, BTreeMap::new()),
            PasswordFault::Common => (ProblemRule::PasswordCommon, BTreeMap::new()),
        };
        FieldProblem::new(FIELD_PASSWORD, rule, params)
    }
}

/// The password rule: at least `MIN_PASSWORD_CHARS` characters (a passphrase
/// of several words qualifies), not a common password, and not the account's
/// username or full name. The first part broken, if any.
fn password_fault(password: &str, username: &str, full_name: &str) -> Option<PasswordFault> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Some(PasswordFault::TooShort);
    }
    let password_squeezed = squeezed(password);
    if [username, full_name]
        .iter()
        .any(|name| !name.trim().is_empty() && squeezed(name) == password_squeezed)
    {
        return Some(PasswordFault::IsName);
    }
    is_common_password(password).then_some(PasswordFault::Common)
}

/// The password rule ([`password_fault`]) for the one-field change of one's
/// own password: refused as `invalid_input` with the reason.
pub fn check_new_password(password: &str, username: &str, full_name: &str) -> Result<()> {
    match password_fault(password, username, full_name) {
        None => Ok(()),
        Some(PasswordFault::TooShort) => Err(invalid_with(
            InputField::Password,
            InputReason::PasswordTooShort,
            [("min", MIN_PASSWORD_CHARS.to_string())],
        )),
        Some(PasswordFault::IsName) => {
            Err(invalid(InputField::Password, InputReason::PasswordIsName))
        }
        Some(PasswordFault::Common) => {
            Err(invalid(InputField::Password, InputReason::PasswordCommon))
        }
    }
}

/// One character of the alphabet, each as likely as the others: a random
/// byte past the last whole multiple of the alphabet's length is drawn again.
fn one_time_char() -> char {
    let len = ONE_TIME_ALPHABET.len();
    let limit = 256 - 256 % len;
    loop {
        let byte = (OsRng.next_u32() & 0xff) as usize;
        if byte < limit {
            return char::from(ONE_TIME_ALPHABET[byte % len]);
        }
    }
}

/// A fresh one-time password, "abcd-efgh-jkmn-pqrs".
fn one_time_password() -> String {
    (0..ONE_TIME_GROUPS)
        .map(|_| {
            (0..ONE_TIME_GROUP_CHARS)
                .map(|_| one_time_char())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The account form's field paths, as its problems name them.
const FIELD_USERNAME: &str = "username";
const FIELD_FULL_NAME: &str = "full_name";
const FIELD_PASSWORD: &str = "password";

/// The username as stored (trimmed, lower case), or the rule it breaks.
fn check_username(username: &str) -> std::result::Result<String, ProblemRule> {
    let username = username.trim().to_lowercase();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if username.is_empty() {
        return Err(ProblemRule::Required);
    }
    if username.len() > 50 || !username.chars().all(allowed) {
        return Err(ProblemRule::UsernameCharacters);
    }
    Ok(username)
}

/// What a supervisor changes on another officer's account
/// ([`Store::update_officer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficerUpdate {
    /// False deactivates, true reactivates.
    Active(bool),
    Role(Role),
}

/// A reset's answer: the one-time password, shown once to the supervisor
/// and never stored (only its hash is). `Debug` leaves it out, so a log
/// line cannot carry it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PasswordReset {
    pub officer: Officer,
    pub one_time_password: String,
}

impl std::fmt::Debug for PasswordReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordReset")
            .field("officer", &self.officer)
            .finish_non_exhaustive()
    }
}

/// An account as its form gives it, before any check.
struct NewAccount<'a> {
    username: &'a str,
    full_name: &'a str,
    role: Role,
    password: &'a str,
}

const OFFICER_COLUMNS: &str = "id, username, full_name, role, active, must_change_password";

fn officer_row(row: &Row<'_>) -> rusqlite::Result<Officer> {
    Ok(from_row!(row => Officer { id, username, full_name, role, active, must_change_password }))
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
        let account = NewAccount {
            username,
            full_name,
            role: Role::Supervisor,
            password,
        };
        self.insert_officer(None, account, now)
    }

    /// A new account, created by a supervisor with a first password the
    /// officer must change at their first sign-in.
    pub fn create_officer(
        &mut self,
        actor: &Officer,
        username: &str,
        full_name: &str,
        role: Role,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        actor.require_supervisor(ForbiddenAction::AddOfficer)?;
        let account = NewAccount {
            username,
            full_name,
            role,
            password,
        };
        self.insert_officer(Some(actor), account, now)
    }

    fn insert_officer(
        &mut self,
        actor: Option<&Officer>,
        account: NewAccount<'_>,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        let NewAccount {
            username,
            full_name,
            role,
            password,
        } = account;
        // Every problem of the form at once, each under its field.
        let mut problems = Vec::new();
        let username = match check_username(username) {
            Ok(username) => {
                if self.officer_by_username(&username)?.is_some() {
                    problems.push(FieldProblem::new(
                        FIELD_USERNAME,
                        ProblemRule::UsernameTaken,
                        BTreeMap::from([("username".to_owned(), username.clone())]),
                    ));
                }
                username
            }
            Err(rule) => {
                problems.push(FieldProblem::new(FIELD_USERNAME, rule, BTreeMap::new()));
                username.trim().to_lowercase()
            }
        };
        let full_name = clean(full_name);
        if full_name.is_empty() {
            problems.push(FieldProblem::new(
                FIELD_FULL_NAME,
                ProblemRule::Required,
                BTreeMap::new(),
            ));
        }
        if password.is_empty() {
            problems.push(FieldProblem::new(
                FIELD_PASSWORD,
                ProblemRule::Required,
                BTreeMap::new(),
            ));
        } else if let Some(fault) = password_fault(password, &username, &full_name) {
            problems.push(fault.problem());
        }
        if !problems.is_empty() {
            return Err(CoreError::InvalidForm(problems));
        }
        let officer = Officer {
            id: uuid::Uuid::now_v7().to_string(),
            username,
            full_name,
            role,
            active: true,
            // Only the first supervisor chose their own password.
            must_change_password: actor.is_some(),
        };
        // A savepoint inside the office set-up's transaction, else its own.
        let tx = crate::store::write_scope(&mut self.conn)?;
        tx.execute(
            "INSERT INTO officer (id, username, full_name, role, password_hash, created_at, created_by,
                                  must_change_password)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                officer.id,
                officer.username,
                officer.full_name,
                role,
                hash_password(password)?,
                now.to_rfc3339(),
                actor.map(|a| a.id.as_str()),
                officer.must_change_password,
            ],
        )?;
        let actor_id = actor.map_or(officer.id.as_str(), |a| a.id.as_str());
        audit::append(
            &tx,
            &self.key,
            AuditAction::OfficerCreate,
            &officer.id,
            actor_id,
            now,
        )?;
        tx.commit()?;
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
    /// is locked for 30 s, doubling with each further failure up to 15 min;
    /// while locked, even the right password gets the wrong-password answer,
    /// so a guesser cannot tell a locked account, or that it exists. The
    /// right password of a deactivated account says so: only its owner
    /// learns it, and they need to know why they cannot work.
    /// The officer returned may still have to change their password
    /// (`must_change_password`): the session refuses all else until then.
    pub fn sign_in(
        &mut self,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        let Some(officer) = self.officer_by_username(username)? else {
            password_matches(password, decoy_hash());
            // The name typed is not kept: it may be a password typed in the wrong box.
            self.record_act(AuditAction::SignInFailed, "", "", "unknown_username", now)?;
            return Err(CoreError::WrongPassword);
        };
        match self.check_password(&officer, password, Authenticating::SignIn, now) {
            Ok(()) => Ok(officer),
            Err(CoreError::SignInLocked { .. }) => Err(CoreError::WrongPassword),
            Err(other) => Err(other),
        }
    }

    /// Unlocks an idle-locked session: the officer is read again, so a
    /// deactivation or a new role made meanwhile applies. The session's
    /// own officer is known, so a lock-out says how long it lasts.
    pub fn unlock(
        &mut self,
        officer_id: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        self.officer_with_password(officer_id, password, now)
    }

    /// The officer, read again, once `password` is theirs (lock-out and all).
    fn officer_with_password(
        &mut self,
        officer_id: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        let officer = self.officer(officer_id)?;
        self.check_password(&officer, password, Authenticating::SignIn, now)?;
        Ok(officer)
    }

    /// The officer's own new password, after their current one: clears a
    /// forced change. Audited as theirs.
    pub fn change_own_password(
        &mut self,
        officer_id: &str,
        current: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        let officer = self.officer(officer_id)?;
        self.check_password(&officer, current, Authenticating::PasswordChange, now)?;
        check_new_password(new, &officer.username, &officer.full_name)?;
        if new == current {
            return Err(invalid(
                InputField::Password,
                InputReason::PasswordUnchanged,
            ));
        }
        let tx = crate::store::write_scope(&mut self.conn)?;
        tx.execute(
            "UPDATE officer SET password_hash = ?2, must_change_password = 0, password_changed_at = ?3
             WHERE id = ?1",
            params![officer.id, hash_password(new)?, now.to_rfc3339()],
        )?;
        audit::append(
            &tx,
            &self.key,
            AuditAction::PasswordChange,
            &officer.id,
            &officer.id,
            now,
        )?;
        tx.commit()?;
        self.officer(officer_id)
    }

    /// A supervisor resets an officer's password to a one-time one, which the
    /// officer must change at their next sign-in; a lock-out ends with it.
    pub fn reset_password(
        &mut self,
        actor: &Officer,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<PasswordReset> {
        let one_time_password = one_time_password();
        let officer = self.change_account(actor, officer_id, now, |_| {
            Ok(Some(AccountChange {
                update: "UPDATE officer SET password_hash = ?2, must_change_password = 1,
                                            failed_sign_ins = 0, locked_until = NULL
                         WHERE id = ?1",
                value: hash_password(&one_time_password)?,
                loses_supervisor: false,
                action: AuditAction::PasswordReset,
            }))
        })?;
        Ok(PasswordReset {
            officer,
            one_time_password,
        })
    }

    /// A supervisor's change to another officer's account: deactivating
    /// (`Active(false)`: they cannot sign in or unlock, and their open cases
    /// show in the queue as needing a new assignee), reactivating, or a new
    /// role. The last active supervisor stays one. Audited; a change to what
    /// the account already is does nothing.
    pub fn update_officer(
        &mut self,
        actor: &Officer,
        officer_id: &str,
        update: OfficerUpdate,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        match update {
            OfficerUpdate::Active(active) => {
                self.change_account(actor, officer_id, now, |officer| {
                    Ok((officer.active != active).then(|| AccountChange {
                        update: "UPDATE officer SET active = ?2 WHERE id = ?1",
                        value: active,
                        loses_supervisor: !active && officer.is_supervisor(),
                        action: if active {
                            AuditAction::OfficerReactivate
                        } else {
                            AuditAction::OfficerDeactivate
                        },
                    }))
                })
            }
            OfficerUpdate::Role(role) => self.change_account(actor, officer_id, now, |officer| {
                Ok((officer.role != role).then(|| AccountChange {
                    update: "UPDATE officer SET role = ?2 WHERE id = ?1",
                    value: role,
                    loses_supervisor: officer.is_supervisor() && officer.active,
                    action: AuditAction::RoleChange,
                }))
            }),
        }
    }

    /// A supervisor's change to another account, as `change` says it from
    /// the account as it is (`None`: nothing to change): one update,
    /// refused where it would leave no active supervisor, and its audit
    /// entry, in one write scope.
    fn change_account<V: rusqlite::ToSql>(
        &mut self,
        actor: &Officer,
        officer_id: &str,
        now: DateTime<Utc>,
        change: impl FnOnce(&Officer) -> Result<Option<AccountChange<V>>>,
    ) -> Result<Officer> {
        actor.require_supervisor(ForbiddenAction::ManageOfficers)?;
        let officer = self.officer(officer_id)?;
        let Some(change) = change(&officer)? else {
            return Ok(officer);
        };
        let tx = crate::store::write_scope(&mut self.conn)?;
        if change.loses_supervisor {
            refuse_losing_last_supervisor(&tx)?;
        }
        tx.execute(change.update, params![officer.id, change.value])?;
        audit::append(&tx, &self.key, change.action, &officer.id, &actor.id, now)?;
        tx.commit()?;
        self.officer(officer_id)
    }

    /// Checks the password (and the lock-out) of `officer`, counting a
    /// failure. `SignInLocked` while locked (the password is not tried);
    /// `AccountDeactivated` for the right password of a deactivated account.
    /// Checks `password` against the officer's, lock-out and all. Every
    /// refusal is audited (`sign_in_failed`, with why), and a sign-in that
    /// succeeds too, each in the transaction that counts the failures.
    fn check_password(
        &mut self,
        officer: &Officer,
        password: &str,
        purpose: Authenticating,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let refused = |store: &Store, why: &str| {
            store.record_act(
                AuditAction::SignInFailed,
                &officer.id,
                &officer.id,
                why,
                now,
            )
        };
        let (hash, failures, locked_until): (String, i64, Option<String>) = self.conn.query_row(
            "SELECT password_hash, failed_sign_ins, locked_until FROM officer WHERE id = ?1",
            [&officer.id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        if let Some(until) = locked_until.as_deref().map(parse_time).transpose()? {
            if until > now {
                password_matches(password, decoy_hash());
                refused(self, "locked")?;
                return Err(CoreError::SignInLocked {
                    seconds: (until - now).num_seconds().max(1),
                });
            }
        }
        let key = self.key.clone();
        let refused_in = |tx: &rusqlite::Connection, why: &str| {
            let failed = AuditAction::SignInFailed;
            audit::append_with_content(tx, &key, failed, &officer.id, &officer.id, why, now)
        };
        let tx = crate::store::write_scope(&mut self.conn)?;
        let verdict = if password_matches(password, &hash) {
            tx.execute(
                "UPDATE officer SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?1",
                [&officer.id],
            )?;
            if !officer.active {
                refused_in(&tx, "deactivated")?;
                Err(CoreError::AccountDeactivated)
            } else {
                if purpose == Authenticating::SignIn {
                    audit::append(
                        &tx,
                        &key,
                        AuditAction::SignIn,
                        &officer.id,
                        &officer.id,
                        now,
                    )?;
                }
                Ok(())
            }
        } else {
            let failures = failures + 1;
            let locked_until = lock_out_after(failures).map(|lock| (now + lock).to_rfc3339());
            tx.execute(
                "UPDATE officer SET failed_sign_ins = ?2, locked_until = ?3 WHERE id = ?1",
                params![officer.id, failures, locked_until],
            )?;
            refused_in(&tx, "wrong_password")?;
            Err(CoreError::WrongPassword)
        };
        tx.commit()?;
        verdict
    }
}

/// Why a password is checked: a sign-in (or unlock) is audited as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Authenticating {
    SignIn,
    PasswordChange,
}

/// One update of an officer row (`?1` its id, `?2` the value) by a supervisor.
struct AccountChange<V> {
    update: &'static str,
    value: V,
    /// The account is an active supervisor's, and stops being one.
    loses_supervisor: bool,
    action: AuditAction,
}

/// Refuses when the officer about to lose the supervisor role (or be
/// deactivated) is the only active supervisor: nobody could manage
/// accounts any more. Read inside the writing transaction.
fn refuse_losing_last_supervisor(tx: &rusqlite::Connection) -> Result<()> {
    let active_supervisors: i64 = tx.query_row(
        "SELECT count(*) FROM officer WHERE role = 'supervisor' AND active = 1",
        [],
        |row| row.get(0),
    )?;
    if active_supervisors <= 1 {
        return Err(CoreError::LastSupervisor);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
