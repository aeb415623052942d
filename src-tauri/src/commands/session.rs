//! Accounts and the session: first supervisor, sign-in, idle lock, sign-out.

use std::time::Instant;

use chrono::Utc;
use hotich_core::{Officer, Role, SessionState};
use tauri::State;

use crate::error::CommandResult;
use crate::session::Shell;

fn state(shell: &Shell) -> CommandResult<SessionState> {
    let store = shell.store()?;
    Ok(shell
        .session
        .lock()?
        .state(&store, Instant::now(), Utc::now())?)
}

#[tauri::command]
pub async fn session_state(shell: State<'_, Shell>) -> CommandResult<SessionState> {
    state(&shell)
}

/// The very first start: creates the first supervisor and signs them in.
#[tauri::command]
pub async fn create_first_supervisor(
    shell: State<'_, Shell>,
    username: String,
    full_name: String,
    password: String,
) -> CommandResult<SessionState> {
    let officer =
        shell
            .store()?
            .create_first_supervisor(&username, &full_name, &password, Utc::now())?;
    shell.session.lock()?.begin(officer, Instant::now());
    state(&shell)
}

#[tauri::command]
pub async fn sign_in(
    shell: State<'_, Shell>,
    username: String,
    password: String,
) -> CommandResult<SessionState> {
    let officer = shell.store()?.sign_in(&username, &password, Utc::now())?;
    shell.session.lock()?.begin(officer, Instant::now());
    state(&shell)
}

#[tauri::command]
pub async fn sign_out(shell: State<'_, Shell>) -> CommandResult<()> {
    let store = shell.store()?;
    shell.session.lock()?.sign_out(&store, Utc::now())?;
    Ok(())
}

#[tauri::command]
pub async fn lock_session(shell: State<'_, Shell>) -> CommandResult<()> {
    let store = shell.store()?;
    shell.session.lock()?.lock_by_hand(&store, Utc::now())?;
    Ok(())
}

/// Unlocks with the password of the officer whose session it is.
#[tauri::command]
pub async fn unlock_session(
    shell: State<'_, Shell>,
    password: String,
) -> CommandResult<SessionState> {
    // The officer is read again: a deactivation ends the session, a new role applies.
    let mut store = shell.store()?;
    let unlocked = shell
        .session
        .lock()?
        .unlock(&mut store, &password, Instant::now(), Utc::now());
    drop(store);
    unlocked?;
    state(&shell)
}

/// The officer is active in the window (typing, reading): postpones the lock.
#[tauri::command]
pub async fn touch_session(shell: State<'_, Shell>) -> CommandResult<()> {
    shell.session.acting().map(drop)
}

guarded_commands! {
    signed_in fn officers() -> Vec<Officer> = |store| store.officers();
    acting fn create_officer(username: String, full_name: String, role: Role, password: String)
        -> Officer = |(actor, mut store)| {
        store.create_officer(&actor, &username, &full_name, role, &password, Utc::now())
    };
}

#[tauri::command]
pub async fn set_idle_lock_seconds(shell: State<'_, Shell>, seconds: u32) -> CommandResult<()> {
    let (actor, store) = shell.acting()?;
    store.set_idle_lock_seconds(&actor, seconds)?;
    drop(store);
    shell.session.idle_time_changed(seconds)
}
