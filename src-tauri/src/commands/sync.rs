//! Sync with the central registry: the status bar's overview, "Sync now",
//! the settings (address and token), and the background thread's events.

use std::time::Duration;

use hotich_core::store_key::StoreFile;
use hotich_sync::background::{BackgroundEvent, BackgroundSync, Schedule};
use hotich_sync::SyncOverview;
use tauri::{AppHandle, Emitter, State};

use crate::error::CommandResult;
use crate::events::{SYNC_ACTIVITY, SYNC_FINISHED};
use crate::session::Shell;

/// Seconds between background runs, over the defaults (tests).
pub const SYNC_INTERVAL_ENV: &str = "HOTICH_SYNC_INTERVAL_SECONDS";

/// Starts the background sync on its own connection to `db`.
pub fn start_background(app: &AppHandle, db: StoreFile) -> std::io::Result<BackgroundSync> {
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
pub async fn sync_overview(shell: State<'_, Shell>) -> CommandResult<SyncOverview> {
    let store = shell.signed_in()?;
    Ok(shell.background.overview(&store)?)
}

#[tauri::command]
pub async fn sync_now(shell: State<'_, Shell>) -> CommandResult<()> {
    shell.session.acting()?;
    shell.background.sync_now();
    Ok(())
}

/// Supervisors: the registry's address, and its token when typed (kept in
/// the OS keyring); a run follows at once. The same call as `hotich sync
/// login`: the same role and address checks.
#[tauri::command]
pub async fn save_sync_settings(
    shell: State<'_, Shell>,
    server: String,
    token: Option<String>,
) -> CommandResult<()> {
    let (actor, store) = shell.acting()?;
    hotich_sync::configure(&store, &actor, &server, token.as_deref())?;
    drop(store);
    shell.background.sync_now();
    Ok(())
}

guarded_commands! {
    /// Where one case's writes stand with the registry (the case panel).
    signed_in fn case_sync_state(case_id: String) -> hotich_core::CaseSyncState =
        |store| store.case_sync_state(&case_id);
}

/// Whether a printed copy still stands, asked of the registry this office
/// syncs with (public, no token); None when it cannot be asked (no registry
/// set, offline): the window says the status was not checked. The store is
/// released before the request.
#[tauri::command]
pub async fn paper_status(
    shell: State<'_, Shell>,
    code: String,
) -> CommandResult<Option<hotich_protocol::paper::PaperStatusAnswer>> {
    let source = hotich_sync::StatusSource::of_store(&*shell.signed_in()?)?;
    Ok(match source {
        Some(source) => source.fetch(&code).await,
        None => None,
    })
}

/// Supervisors: the pilot's figures of the office's province, asked of the
/// registry (`hotich_sync::reports`); the store is released before the request.
#[tauri::command]
pub async fn province_pilot_report(
    shell: State<'_, Shell>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> CommandResult<hotich_core::ProvincePilot> {
    let source = {
        let (actor, store) = shell.acting()?;
        hotich_sync::reports::ReportSource::of_store(&store, &actor, None)?
    };
    Ok(source.province_pilot(from, to).await?)
}

/// A refused row, once its cause is put right, is sent again on the next run.
#[tauri::command]
pub async fn retry_refused_item(shell: State<'_, Shell>, id: String) -> CommandResult<bool> {
    let retried = shell.signed_in()?.outbox_retry_dead(&id)?;
    shell.background.sync_now();
    Ok(retried)
}
