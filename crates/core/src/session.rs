//! Who is at the keyboard of a shared office PC: the officer signed in, and
//! whether the session has locked itself after an idle time. The desktop
//! shell keeps one `Session` and asks it before every command. A session
//! ends after `MAX_SESSION_HOURS` whatever the activity, and one whose
//! officer must change their password allows nothing else.
//!
//! Writes no table of its own: the idle time is a setting (through
//! `Store::set_setting`); reads `officer` (unlocking reads it again).
//! Sign-out and locks (by hand or idle) are audited (`crate::audit`).

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::AuditAction;
use crate::error::{invalid_with, CoreError, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::store::Store;

/// The idle time before the session locks, unless a supervisor sets another.
pub const DEFAULT_IDLE_LOCK_SECONDS: u32 = 5 * 60;
/// Bounds a supervisor may choose between: long enough to read a case,
/// short enough that a PC left alone does not stay open for long.
pub const IDLE_LOCK_SECONDS_RANGE: std::ops::RangeInclusive<u32> = 60..=60 * 60;

const SETTING_IDLE_LOCK_SECONDS: &str = "idle_lock_seconds";

/// The longest a session lasts, however busy: a working day and then some,
/// so a PC left signed in overnight asks for the password in the morning.
pub const MAX_SESSION_HOURS: u32 = 12;
const MAX_SESSION: Duration = Duration::from_secs(MAX_SESSION_HOURS as u64 * 60 * 60);

/// What the UI needs to know about the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SessionState {
    /// No account exists yet: the first start asks for the first supervisor.
    pub needs_first_supervisor: bool,
    pub officer: Option<Officer>,
    pub locked: bool,
    pub idle_lock_seconds: u32,
}

#[derive(Debug)]
pub struct Session {
    officer: Option<Officer>,
    locked: bool,
    last_activity: Instant,
    idle_limit: Duration,
    /// When the officer signed in; the session ends `MAX_SESSION` later.
    started: Instant,
    /// An idle lock not yet in the audit trail (the idle check has no store).
    idle_lock_unrecorded: bool,
    /// The case on screen: showing it again (after the officer's own change)
    /// is no new opening to audit.
    case_on_screen: Option<String>,
}

impl Session {
    pub fn new(idle_lock_seconds: u32, now: Instant) -> Session {
        Session {
            officer: None,
            locked: false,
            last_activity: now,
            idle_limit: Duration::from_secs(idle_lock_seconds.into()),
            started: now,
            idle_lock_unrecorded: false,
            case_on_screen: None,
        }
    }

    /// The window shows the case `case_id`: true when that opens it (another
    /// case was on screen, or none), which [`Store::open_case`] audits; false
    /// when it is shown again.
    pub fn shows_case(&mut self, case_id: &str) -> bool {
        if self.case_on_screen.as_deref() == Some(case_id) {
            return false;
        }
        self.case_on_screen = Some(case_id.to_owned());
        true
    }

    pub fn idle_lock_seconds(&self) -> u32 {
        u32::try_from(self.idle_limit.as_secs()).unwrap_or(u32::MAX)
    }

    pub fn set_idle_lock_seconds(&mut self, seconds: u32) {
        self.idle_limit = Duration::from_secs(seconds.into());
    }

    /// Starts the session of an officer whose password was checked.
    pub fn begin(&mut self, officer: Officer, now: Instant) {
        self.case_on_screen = None;
        self.officer = Some(officer);
        self.locked = false;
        self.last_activity = now;
        self.started = now;
    }

    pub fn end(&mut self) {
        self.officer = None;
        self.locked = false;
        self.idle_lock_unrecorded = false;
        self.case_on_screen = None;
    }

    pub fn lock(&mut self) {
        self.locked = self.officer.is_some();
    }

    /// The officer signs out: audited, then the session ends.
    pub fn sign_out(&mut self, store: &Store, at: DateTime<Utc>) -> Result<()> {
        if let Some(officer) = &self.officer {
            store.record_act(AuditAction::SignOut, &officer.id, &officer.id, "", at)?;
        }
        self.end();
        Ok(())
    }

    /// The officer locks the session by hand (or leaves the window): audited.
    pub fn lock_by_hand(&mut self, store: &Store, at: DateTime<Utc>) -> Result<()> {
        if let Some(officer) = self.officer.as_ref().filter(|_| !self.locked) {
            store.record_act(
                AuditAction::SessionLock,
                &officer.id,
                &officer.id,
                "by_hand",
                at,
            )?;
        }
        self.lock();
        Ok(())
    }

    /// The officer whose password must unlock the session.
    pub fn locked_officer(&self) -> Result<&Officer> {
        self.officer.as_ref().ok_or(CoreError::NotSignedIn)
    }

    /// Unlocks with the password of the session's officer, read again from
    /// the store: a deactivated officer's session ends, a new role applies.
    pub fn unlock(
        &mut self,
        store: &mut Store,
        password: &str,
        now: Instant,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.check_expiry(now)?;
        self.record_idle_lock(store, at)?;
        let officer_id = self.locked_officer()?.id.clone();
        match store.unlock(&officer_id, password, at) {
            Ok(officer) => {
                self.officer = Some(officer);
                self.locked = false;
                self.idle_lock_unrecorded = false;
                self.last_activity = now;
                Ok(())
            }
            Err(error) => {
                if matches!(
                    error,
                    CoreError::AccountDeactivated | CoreError::OfficerNotFound(_)
                ) {
                    self.end();
                }
                Err(error)
            }
        }
    }

    /// The session's officer changed (their own new password, or a
    /// supervisor changed their own account): the session follows, and
    /// ends if the account was deactivated. Another officer's change does
    /// not touch it.
    pub fn officer_changed(&mut self, officer: &Officer) {
        if self.officer.as_ref().map(|o| o.id.as_str()) != Some(officer.id.as_str()) {
            return;
        }
        if officer.active {
            self.officer = Some(officer.clone());
        } else {
            self.end();
        }
    }

    /// Locks the session when it has been idle too long.
    fn check_idle(&mut self, now: Instant) {
        if self.officer.is_some()
            && !self.locked
            && now.duration_since(self.last_activity) >= self.idle_limit
        {
            self.locked = true;
            self.idle_lock_unrecorded = true;
        }
    }

    /// Puts an idle lock the session noticed into the audit trail, once.
    fn record_idle_lock(&mut self, store: &Store, at: DateTime<Utc>) -> Result<()> {
        if let Some(officer) = self.officer.as_ref().filter(|_| self.idle_lock_unrecorded) {
            store.record_act(
                AuditAction::SessionLock,
                &officer.id,
                &officer.id,
                "idle",
                at,
            )?;
            self.idle_lock_unrecorded = false;
        }
        Ok(())
    }

    /// Ends a session older than `MAX_SESSION`, saying so once.
    fn check_expiry(&mut self, now: Instant) -> Result<()> {
        if self.officer.is_some() && now.duration_since(self.started) >= MAX_SESSION {
            self.end();
            return Err(CoreError::SessionExpired {
                hours: MAX_SESSION_HOURS,
            });
        }
        Ok(())
    }

    /// The officer on whose behalf a command runs; refused when nobody is
    /// signed in, the session is locked or too old, or the officer must
    /// change their password first. Counts as activity.
    pub fn require(&mut self, now: Instant) -> Result<Officer> {
        let officer = self.require_for_password_change(now)?;
        if officer.must_change_password {
            return Err(CoreError::PasswordChangeRequired);
        }
        Ok(officer)
    }

    /// The officer, for the one command a forced password change allows:
    /// changing it. Otherwise the same checks as [`Session::require`].
    pub fn require_for_password_change(&mut self, now: Instant) -> Result<Officer> {
        self.check_expiry(now)?;
        self.check_idle(now);
        let officer = self.officer.clone().ok_or(CoreError::NotSignedIn)?;
        if self.locked {
            return Err(CoreError::SessionLocked);
        }
        self.last_activity = now;
        Ok(officer)
    }

    pub fn state(
        &mut self,
        store: &Store,
        now: Instant,
        at: DateTime<Utc>,
    ) -> Result<SessionState> {
        // An expired session shows as signed out; the error is for commands.
        let _expired = self.check_expiry(now);
        self.check_idle(now);
        self.record_idle_lock(store, at)?;
        Ok(SessionState {
            needs_first_supervisor: !store.has_officers()?,
            officer: self.officer.clone(),
            locked: self.locked,
            idle_lock_seconds: self.idle_lock_seconds(),
        })
    }
}

impl Store {
    /// The idle time before a session locks, as a supervisor set it.
    pub fn idle_lock_seconds(&self) -> Result<u32> {
        Ok(self
            .setting(SETTING_IDLE_LOCK_SECONDS)?
            .and_then(|value| value.parse().ok())
            .filter(|seconds| IDLE_LOCK_SECONDS_RANGE.contains(seconds))
            .unwrap_or(DEFAULT_IDLE_LOCK_SECONDS))
    }

    pub fn set_idle_lock_seconds(&self, actor: &Officer, seconds: u32) -> Result<()> {
        actor.require_supervisor(crate::error::ForbiddenAction::SetIdleLock)?;
        if !IDLE_LOCK_SECONDS_RANGE.contains(&seconds) {
            return Err(invalid_with(
                InputField::IdleLock,
                InputReason::SecondsOutOfRange,
                [
                    ("min", IDLE_LOCK_SECONDS_RANGE.start().to_string()),
                    ("max", IDLE_LOCK_SECONDS_RANGE.end().to_string()),
                ],
            ));
        }
        self.set_setting(SETTING_IDLE_LOCK_SECONDS, &seconds.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::officer::Role;

    /// The code with which the session refuses a command at `now`, if it does.
    fn refusal(session: &mut Session, now: Instant) -> Option<ErrorCode> {
        session.require(now).err().map(|error| error.code())
    }

    fn officer() -> Officer {
        Officer {
            id: "o1".into(),
            username: "lan".into(),
            full_name: "Nguyễn Thị Lan".into(),
            role: Role::Registrar,
            active: true,
            must_change_password: false,
        }
    }

    #[test]
    fn refuses_commands_before_sign_in() {
        let start = Instant::now();
        let mut session = Session::new(60, start);
        assert_eq!(refusal(&mut session, start), Some(ErrorCode::NotSignedIn));
        session.lock();
        assert_eq!(refusal(&mut session, start), Some(ErrorCode::NotSignedIn));
    }

    #[test]
    fn locks_after_the_idle_time_and_activity_postpones_it() {
        let start = Instant::now();
        let mut session = Session::new(60, start);
        session.begin(officer(), start);
        let later = |s: u64| start + Duration::from_secs(s);
        assert_eq!(session.require(later(59)).unwrap().username, "lan");
        // Activity at 59 s: still open at 118 s, locked at 119 s.
        assert!(session.require(later(118)).is_ok());
        assert_eq!(refusal(&mut session, later(178)), Some(ErrorCode::Locked));
        // Locked stays locked, however soon the next command comes.
        assert_eq!(refusal(&mut session, later(179)), Some(ErrorCode::Locked));
        session.locked = false;
        session.last_activity = later(200);
        assert!(session.require(later(201)).is_ok());
    }

    #[test]
    fn a_locked_session_keeps_its_officer_and_sign_out_forgets_it() {
        let start = Instant::now();
        let mut session = Session::new(60, start);
        session.begin(officer(), start);
        session.lock();
        assert_eq!(session.locked_officer().unwrap().id, "o1");
        assert_eq!(refusal(&mut session, start), Some(ErrorCode::Locked));
        session.end();
        assert_eq!(refusal(&mut session, start), Some(ErrorCode::NotSignedIn));
        assert!(session.locked_officer().is_err());
    }

    #[test]
    fn ends_twelve_hours_after_sign_in_however_busy() {
        let start = Instant::now();
        let mut session = Session::new(60, start);
        session.begin(officer(), start);
        let mut at = start;
        // A command every 30 s keeps it open until the 12th hour.
        while at < start + MAX_SESSION - Duration::from_secs(30) {
            at += Duration::from_secs(30);
            assert!(session.require(at).is_ok());
        }
        let expired = session.require(start + MAX_SESSION);
        assert!(
            matches!(expired, Err(CoreError::SessionExpired { hours: 12 })),
            "{expired:?}"
        );
        assert_eq!(
            refusal(&mut session, start + MAX_SESSION),
            Some(ErrorCode::NotSignedIn)
        );
        assert!(session.locked_officer().is_err());
        // Signing in again starts a new 12 hours.
        session.begin(officer(), start + MAX_SESSION);
        assert!(session.require(start + MAX_SESSION).is_ok());
    }

    #[test]
    fn a_forced_password_change_allows_only_the_change() {
        let start = Instant::now();
        let mut session = Session::new(60, start);
        let mut must_change = officer();
        must_change.must_change_password = true;
        session.begin(must_change.clone(), start);
        assert_eq!(
            refusal(&mut session, start),
            Some(ErrorCode::PasswordChangeRequired)
        );
        assert_eq!(session.require_for_password_change(start).unwrap().id, "o1");
        // Another officer's change leaves the session as it is.
        let mut other = officer();
        other.id = "o2".into();
        session.officer_changed(&other);
        assert!(session.require(start).is_err());
        must_change.must_change_password = false;
        session.officer_changed(&must_change);
        assert!(session.require(start).is_ok());
        // Deactivated meanwhile: the session ends.
        must_change.active = false;
        session.officer_changed(&must_change);
        assert_eq!(refusal(&mut session, start), Some(ErrorCode::NotSignedIn));
    }

    #[test]
    fn a_case_shown_again_is_no_new_opening_but_another_case_or_a_new_session_is() {
        let start = Instant::now();
        let mut session = Session::new(60, start);
        session.begin(officer(), start);
        assert!(session.shows_case("c1"));
        assert!(
            !session.shows_case("c1"),
            "reloaded after the officer's own change"
        );
        assert!(session.shows_case("c2"));
        assert!(
            session.shows_case("c1"),
            "back to the first case: opened again"
        );
        session.end();
        session.begin(officer(), start);
        assert!(session.shows_case("c1"), "a new session opens it again");
    }
}
