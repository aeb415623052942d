//! The account life cycle: an officer changes their own password (the one
//! command a forced change allows); a supervisor resets a password,
//! deactivates or reactivates an account, changes a role. The rules, the
//! audit entries and the last-supervisor check are `hotich_core`'s.

use std::time::Instant;

use chrono::Utc;
use hotich_core::{Officer, PasswordReset, Role, SessionState};
use tauri::State;

use crate::error::CommandResult;
use crate::session::Shell;

/// The signed-in officer's new password, after their current one; clears a
/// forced change, so the session may work again.
#[tauri::command]
pub async fn change_own_password(
    shell: State<'_, Shell>,
    current: String,
    new: String,
) -> CommandResult<SessionState> {
    let officer = shell
        .session
        .lock()?
        .require_for_password_change(Instant::now())?;
    let mut store = shell.store()?;
    let changed = store.change_own_password(&officer.id, &current, &new, Utc::now())?;
    let mut session = shell.session.lock()?;
    session.officer_changed(&changed);
    Ok(session.state(&store, Instant::now())?)
}

/// A one-time password for the officer, shown once; they must change it.
#[tauri::command]
pub async fn reset_password(
    shell: State<'_, Shell>,
    officer_id: String,
) -> CommandResult<PasswordReset> {
    let (actor, mut store) = shell.acting()?;
    Ok(store.reset_password(&actor, &officer_id, Utc::now())?)
}

/// Deactivates or reactivates an account; a supervisor who deactivates
/// their own account (another supervisor remaining) is signed out.
#[tauri::command]
pub async fn set_officer_active(
    shell: State<'_, Shell>,
    officer_id: String,
    active: bool,
) -> CommandResult<Officer> {
    let (actor, mut store) = shell.acting()?;
    let officer = store.set_officer_active(&actor, &officer_id, active, Utc::now())?;
    shell.session.lock()?.officer_changed(&officer);
    Ok(officer)
}

/// Changes an officer's role; a supervisor's own new role applies at once.
#[tauri::command]
pub async fn set_officer_role(
    shell: State<'_, Shell>,
    officer_id: String,
    role: Role,
) -> CommandResult<Officer> {
    let (actor, mut store) = shell.acting()?;
    let officer = store.set_officer_role(&actor, &officer_id, role, Utc::now())?;
    shell.session.lock()?.officer_changed(&officer);
    Ok(officer)
}
