//! Accounts and the session: first supervisor, sign-in, idle lock, sign-out.

use std::sync::Mutex;
use std::time::Instant;

use chrono::Utc;
use hotich_core::{Officer, Role, SessionState, Store};
use tauri::State;

use super::lock;
use crate::error::CommandResult;
use crate::session::ShellSession;

fn state(session: &ShellSession, store: &Mutex<Store>) -> CommandResult<SessionState> {
    let store = lock(store)?;
    Ok(session.lock()?.state(&store, Instant::now())?)
}

#[tauri::command]
pub async fn session_state(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
) -> CommandResult<SessionState> {
    state(&session, &store)
}

/// The very first start: creates the first supervisor and signs them in.
#[tauri::command]
pub async fn create_first_supervisor(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    username: String,
    full_name: String,
    password: String,
) -> CommandResult<SessionState> {
    let officer =
        lock(&store)?.create_first_supervisor(&username, &full_name, &password, Utc::now())?;
    session.lock()?.begin(officer, Instant::now());
    state(&session, &store)
}

#[tauri::command]
pub async fn sign_in(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    username: String,
    password: String,
) -> CommandResult<SessionState> {
    let officer = lock(&store)?.sign_in(&username, &password, Utc::now())?;
    session.lock()?.begin(officer, Instant::now());
    state(&session, &store)
}

#[tauri::command]
pub async fn sign_out(session: State<'_, ShellSession>) -> CommandResult<()> {
    session.lock()?.end();
    Ok(())
}

#[tauri::command]
pub async fn lock_session(session: State<'_, ShellSession>) -> CommandResult<()> {
    session.lock()?.lock();
    Ok(())
}

/// Unlocks with the password of the officer whose session it is.
#[tauri::command]
pub async fn unlock_session(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    password: String,
) -> CommandResult<SessionState> {
    let officer_id = session.lock()?.locked_officer()?.id.clone();
    lock(&store)?.unlock(&officer_id, &password, Utc::now())?;
    session.lock()?.unlock(Instant::now());
    state(&session, &store)
}

/// The officer is active in the window (typing, reading): postpones the lock.
#[tauri::command]
pub async fn touch_session(session: State<'_, ShellSession>) -> CommandResult<()> {
    session.acting().map(drop)
}

#[tauri::command]
pub async fn officers(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
) -> CommandResult<Vec<Officer>> {
    session.acting()?;
    Ok(lock(&store)?.officers()?)
}

#[tauri::command]
pub async fn create_officer(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    username: String,
    full_name: String,
    role: Role,
    password: String,
) -> CommandResult<Officer> {
    let actor = session.acting()?;
    Ok(lock(&store)?.create_officer(&actor, &username, &full_name, role, &password, Utc::now())?)
}

#[tauri::command]
pub async fn set_idle_lock_seconds(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    seconds: u32,
) -> CommandResult<()> {
    let actor = session.acting()?;
    lock(&store)?.set_idle_lock_seconds(&actor, seconds)?;
    session.idle_time_changed(seconds)
}
