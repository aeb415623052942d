//! Who is at the keyboard of a shared office PC: the officer signed in, and
//! whether the session has locked itself after an idle time. The desktop
//! shell keeps one `Session` and asks it before every command.
//!
//! Writes no table of its own: the idle time is a setting (through
//! `Store::set_setting`); reads `officer`.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{invalid_with, CoreError, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::store::Store;

/// The idle time before the session locks, unless a supervisor sets another.
pub const DEFAULT_IDLE_LOCK_SECONDS: u32 = 5 * 60;
/// Bounds a supervisor may choose between: long enough to read a case,
/// short enough that a PC left alone does not stay open for long.
pub const IDLE_LOCK_SECONDS_RANGE: std::ops::RangeInclusive<u32> = 60..=60 * 60;

const SETTING_IDLE_LOCK_SECONDS: &str = "idle_lock_seconds";

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
}

impl Session {
    pub fn new(idle_lock_seconds: u32, now: Instant) -> Session {
        Session {
            officer: None,
            locked: false,
            last_activity: now,
            idle_limit: Duration::from_secs(idle_lock_seconds.into()),
        }
    }

    pub fn idle_lock_seconds(&self) -> u32 {
        u32::try_from(self.idle_limit.as_secs()).unwrap_or(u32::MAX)
    }

    pub fn set_idle_lock_seconds(&mut self, seconds: u32) {
        self.idle_limit = Duration::from_secs(seconds.into());
    }

    /// Starts the session of an officer whose password was checked.
    pub fn begin(&mut self, officer: Officer, now: Instant) {
        self.officer = Some(officer);
        self.locked = false;
        self.last_activity = now;
    }

    pub fn end(&mut self) {
        self.officer = None;
        self.locked = false;
    }

    pub fn lock(&mut self) {
        self.locked = self.officer.is_some();
    }

    /// The officer whose password must unlock the session.
    pub fn locked_officer(&self) -> Result<&Officer> {
        self.officer.as_ref().ok_or(CoreError::NotSignedIn)
    }

    /// Unlocks after the password of the session's officer was checked.
    pub fn unlock(&mut self, now: Instant) {
        self.locked = false;
        self.last_activity = now;
    }

    /// Locks the session when it has been idle too long.
    fn check_idle(&mut self, now: Instant) {
        if self.officer.is_some() && now.duration_since(self.last_activity) >= self.idle_limit {
            self.locked = true;
        }
    }

    /// The officer on whose behalf a command runs; refused when nobody is
    /// signed in or the session is locked. Counts as activity.
    pub fn require(&mut self, now: Instant) -> Result<Officer> {
        self.check_idle(now);
        let officer = self.officer.clone().ok_or(CoreError::NotSignedIn)?;
        if self.locked {
            return Err(CoreError::SessionLocked);
        }
        self.last_activity = now;
        Ok(officer)
    }

    pub fn state(&mut self, store: &Store, now: Instant) -> Result<SessionState> {
        self.check_idle(now);
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
    use crate::officer::Role;

    fn officer() -> Officer {
        Officer {
            id: "o1".into(),
            username: "lan".into(),
            full_name: "Nguyễn Thị Lan".into(),
            role: Role::Registrar,
            active: true,
        }
    }

    #[test]
    fn refuses_commands_before_sign_in() {
        let start = Instant::now();
        let mut session = Session::new(60, start);
        assert!(matches!(
            session.require(start),
            Err(CoreError::NotSignedIn)
        ));
        session.lock();
        assert!(matches!(
            session.require(start),
            Err(CoreError::NotSignedIn)
        ));
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
        assert!(matches!(
            session.require(later(178)),
            Err(CoreError::SessionLocked)
        ));
        // Locked stays locked, however soon the next command comes.
        assert!(matches!(
            session.require(later(179)),
            Err(CoreError::SessionLocked)
        ));
        session.unlock(later(200));
        assert!(session.require(later(201)).is_ok());
    }

    #[test]
    fn a_locked_session_keeps_its_officer_and_sign_out_forgets_it() {
        let start = Instant::now();
        let mut session = Session::new(60, start);
        session.begin(officer(), start);
        session.lock();
        assert_eq!(session.locked_officer().unwrap().id, "o1");
        assert!(matches!(
            session.require(start),
            Err(CoreError::SessionLocked)
        ));
        session.end();
        assert!(matches!(
            session.require(start),
            Err(CoreError::NotSignedIn)
        ));
        assert!(session.locked_officer().is_err());
    }
}
