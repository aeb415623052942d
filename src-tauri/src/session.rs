//! The shell's one managed state: the store, the session of the officer at
//! the keyboard (the rules are `hotich_core::Session`'s) and the background
//! sync. Every command asks it for what it needs through one guard, so a
//! command cannot reach the store for an absent or locked officer by
//! forgetting a check.

use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use hotich_core::{Officer, Session, Store};
use hotich_sync::background::BackgroundSync;

use crate::error::{CommandError, CommandResult};

/// Names a fixed idle time in seconds, over the supervisor's setting (tests).
pub const IDLE_LOCK_ENV: &str = "HOTICH_IDLE_LOCK_SECONDS";

#[derive(Debug)]
pub struct ShellSession {
    session: Mutex<Session>,
    idle_override: Option<u32>,
}

impl ShellSession {
    /// `setting`: the supervisor's idle time, unless `$HOTICH_IDLE_LOCK_SECONDS` is set.
    pub fn new(setting: u32) -> ShellSession {
        let idle_override = std::env::var(IDLE_LOCK_ENV)
            .ok()
            .and_then(|value| value.trim().parse().ok())
            .filter(|seconds: &u32| *seconds > 0);
        ShellSession {
            session: Mutex::new(Session::new(
                idle_override.unwrap_or(setting),
                Instant::now(),
            )),
            idle_override,
        }
    }

    pub fn lock(&self) -> CommandResult<MutexGuard<'_, Session>> {
        self.session.lock().map_err(CommandError::internal)
    }

    /// The officer a command acts for: refused unless signed in and unlocked.
    pub fn acting(&self) -> CommandResult<Officer> {
        Ok(self.lock()?.require(Instant::now())?)
    }

    /// A supervisor changed the idle time: it applies now, unless fixed by the environment.
    pub fn idle_time_changed(&self, seconds: u32) -> CommandResult<()> {
        if self.idle_override.is_none() {
            self.lock()?.set_idle_lock_seconds(seconds);
        }
        Ok(())
    }
}

/// What the shell holds once the database is open.
#[derive(Debug)]
pub struct Shell {
    pub session: ShellSession,
    store: Mutex<Store>,
    pub background: BackgroundSync,
    /// Stops with the shell.
    _backups: hotich_core::BackupScheduler,
}

impl Shell {
    pub fn new(
        session: ShellSession,
        store: Store,
        background: BackgroundSync,
        backups: hotich_core::BackupScheduler,
    ) -> Shell {
        Shell {
            session,
            store: Mutex::new(store),
            background,
            _backups: backups,
        }
    }

    /// The store with no session check: the office's name and the session's
    /// own commands (sign-in, first supervisor).
    pub fn store(&self) -> CommandResult<MutexGuard<'_, Store>> {
        self.store.lock().map_err(CommandError::internal)
    }

    /// The officer acting (signed in and unlocked) and the store.
    pub fn acting(&self) -> CommandResult<(Officer, MutexGuard<'_, Store>)> {
        let officer = self.session.acting()?;
        Ok((officer, self.store()?))
    }

    /// The store, for a command that needs an officer present but not who.
    pub fn signed_in(&self) -> CommandResult<MutexGuard<'_, Store>> {
        self.session.acting()?;
        self.store()
    }
}
