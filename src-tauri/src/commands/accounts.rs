//! The account life cycle: an officer changes their own password (the one
//! command a forced change allows); a supervisor resets a password,
//! deactivates or reactivates an account, changes a role. The rules, the
//! audit entries and the last-supervisor check are `hotich_core`'s.

use std::sync::MutexGuard;
use std::time::Instant;

use chrono::Utc;
use hotich_core::{CoreError, Officer, OfficerUpdate, PasswordReset, Role, SessionState, Store};

use crate::error::CommandResult;
use crate::session::{Shell, ShellSession};

/// The guards of the account commands: besides the officer and the store,
/// the session, which each change reaches at once.
trait AccountGuards {
    /// The signed-in officer, even one who must first change their password.
    fn changing_own_password(
        &self,
    ) -> CommandResult<(Officer, MutexGuard<'_, Store>, &ShellSession)>;
    /// The acting officer (the core checks they are a supervisor).
    fn changing_account(&self) -> CommandResult<(Officer, MutexGuard<'_, Store>, &ShellSession)>;
}

impl AccountGuards for Shell {
    fn changing_own_password(
        &self,
    ) -> CommandResult<(Officer, MutexGuard<'_, Store>, &ShellSession)> {
        let officer = self
            .session
            .lock()?
            .require_for_password_change(Instant::now())?;
        Ok((officer, self.store()?, &self.session))
    }

    fn changing_account(&self) -> CommandResult<(Officer, MutexGuard<'_, Store>, &ShellSession)> {
        let (actor, store) = self.acting()?;
        Ok((actor, store, &self.session))
    }
}

/// The changed account reaches the session: a supervisor's own new role
/// applies at once, deactivating one's own account signs out.
fn announced(
    session: &ShellSession,
    changed: Result<Officer, CoreError>,
) -> CommandResult<Officer> {
    let officer = changed?;
    session.lock()?.officer_changed(&officer);
    Ok(officer)
}

guarded_commands! {
    /// The signed-in officer's new password, after their current one; clears a
    /// forced change, so the session may work again.
    changing_own_password fn change_own_password(current: String, new: String) -> SessionState =
        |(officer, mut store, session)| {
            let changed = store.change_own_password(&officer.id, &current, &new, Utc::now())?;
            let mut session = session.lock()?;
            session.officer_changed(&changed);
            session.state(&store, Instant::now(), Utc::now())
        };

    /// A one-time password for the officer, shown once; they must change it.
    acting fn reset_password(officer_id: String) -> PasswordReset =
        |(actor, mut store)| store.reset_password(&actor, &officer_id, Utc::now());

    /// Deactivates or reactivates an account; a supervisor who deactivates
    /// their own account (another supervisor remaining) is signed out.
    changing_account fn set_officer_active(officer_id: String, active: bool) -> Officer =
        |(actor, mut store, session)| {
            announced(session, store.update_officer(&actor, &officer_id, OfficerUpdate::Active(active), Utc::now()))
        };

    /// Changes an officer's role; a supervisor's own new role applies at once.
    changing_account fn set_officer_role(officer_id: String, role: Role) -> Officer =
        |(actor, mut store, session)| {
            announced(session, store.update_officer(&actor, &officer_id, OfficerUpdate::Role(role), Utc::now()))
        };
}
