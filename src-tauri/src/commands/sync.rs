//! Sync with the central registry: the status bar's overview, "Sync now",
//! the settings (address and token), and the background thread's events.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use hotich_core::{Store, SyncOverview};
use hotich_sync::background::{BackgroundEvent, BackgroundSync, Schedule};
use tauri::{AppHandle, Emitter, State};

use super::lock;
use crate::error::CommandResult;
use crate::session::ShellSession;

/// Events the UI listens to: a run's progress, and a run's end.
pub const SYNC_ACTIVITY: &str = "sync-activity";
pub const SYNC_FINISHED: &str = "sync-finished";

/// Seconds between background runs, over the defaults (tests).
pub const SYNC_INTERVAL_ENV: &str = "HOTICH_SYNC_INTERVAL_SECONDS";

/// Starts the background sync on its own connection to `db`.
pub fn start_background(app: &AppHandle, db: PathBuf) -> std::io::Result<BackgroundSync> {
    let schedule = std::env::var(SYNC_INTERVAL_ENV)
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .filter(|seconds: &u64| *seconds > 0)
        .map_or_else(Schedule::default, |seconds| {
            Schedule::every(Duration::from_secs(seconds))
        });
    let app = app.clone();
    BackgroundSync::start(db, schedule, move |event| {
        // A closed window just misses the event; the sync goes on.
        let _ = match event {
            BackgroundEvent::Progress(activity) => app.emit(SYNC_ACTIVITY, activity),
            BackgroundEvent::Finished { changed, .. } => app.emit(SYNC_FINISHED, changed),
        };
    })
}

#[tauri::command]
pub async fn sync_overview(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    background: State<'_, BackgroundSync>,
) -> CommandResult<SyncOverview> {
    session.acting()?;
    Ok(background.overview(&*lock(&store)?)?)
}

#[tauri::command]
pub async fn sync_now(
    session: State<'_, ShellSession>,
    background: State<'_, BackgroundSync>,
) -> CommandResult<()> {
    session.acting()?;
    background.sync_now();
    Ok(())
}

/// Supervisors: the registry's address, and its token when typed (kept in
/// the OS keyring); a run follows at once.
#[tauri::command]
pub async fn save_sync_settings(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    background: State<'_, BackgroundSync>,
    server: String,
    token: Option<String>,
) -> CommandResult<()> {
    let actor = session.acting()?;
    hotich_sync::configure(&*lock(&store)?, &actor, &server, token.as_deref())?;
    background.sync_now();
    Ok(())
}

/// Where one case's writes stand with the registry (the case panel).
#[tauri::command]
pub async fn case_sync_state(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    case_id: String,
) -> CommandResult<hotich_core::CaseSyncState> {
    session.acting()?;
    Ok(lock(&store)?.case_sync_state(&case_id)?)
}

/// A refused row, once its cause is put right, is sent again on the next run.
#[tauri::command]
pub async fn retry_refused_item(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    background: State<'_, BackgroundSync>,
    id: String,
) -> CommandResult<bool> {
    session.acting()?;
    let retried = lock(&store)?.outbox_retry_dead(&id)?;
    background.sync_now();
    Ok(retried)
}
