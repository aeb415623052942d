//! The commands the UI calls: each delegates to `hotich_core::Store`.
//!
//! All are `async` so Tauri runs them off the main thread: a query waiting
//! for the store while an import holds it never freezes the window. Every
//! command but the few that show the office and sign in asks the session
//! first: nothing is read or written for a locked or absent officer.

pub mod extract;
pub mod outreach;
pub mod registration;
pub mod session;
pub mod stats;
pub mod sync;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{Local, NaiveDate, Utc};
use hotich_core::{
    CaseDetail, CaseFilter, CasePage, ImportProgress, ImportSummary, Office, QuarantineEntry,
    Store, TrustImportSummary,
};
use tauri::{AppHandle, Emitter, Manager, State};

use crate::error::{CommandError, CommandResult};
use crate::session::ShellSession;

/// The event the UI listens to for an import's progress bar.
pub const IMPORT_PROGRESS: &str = "import-progress";

/// Why the store could not be opened at start, if it could not.
#[derive(Debug, Default)]
pub struct Startup(pub Option<CommandError>);

pub(crate) fn today() -> NaiveDate {
    Local::now().date_naive()
}

pub(crate) fn lock(store: &Mutex<Store>) -> CommandResult<MutexGuard<'_, Store>> {
    store.lock().map_err(CommandError::internal)
}

/// `Err` when the database could not be opened: the UI shows it and stops.
#[tauri::command]
pub fn startup(startup: State<'_, Startup>) -> CommandResult<()> {
    startup.0.clone().map_or(Ok(()), Err)
}

#[tauri::command]
pub async fn office(store: State<'_, Mutex<Store>>) -> CommandResult<Option<Office>> {
    Ok(lock(&store)?.office()?)
}

#[tauri::command]
pub async fn list_cases(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    filter: CaseFilter,
) -> CommandResult<CasePage> {
    session.acting()?;
    Ok(lock(&store)?.cases(&filter, today())?)
}

#[tauri::command]
pub async fn case_detail(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    id: String,
) -> CommandResult<CaseDetail> {
    session.acting()?;
    Ok(lock(&store)?.case_detail(&id, today())?)
}

#[tauri::command]
pub async fn quarantine(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
) -> CommandResult<Vec<QuarantineEntry>> {
    session.acting()?;
    Ok(lock(&store)?.quarantine()?)
}

/// Imports a notifications file off the UI thread, emitting `import-progress`.
#[tauri::command]
pub async fn import_notifications(app: AppHandle, path: String) -> CommandResult<ImportSummary> {
    app.state::<ShellSession>().acting()?;
    tauri::async_runtime::spawn_blocking(move || {
        let store = app.state::<Mutex<Store>>();
        let mut store = lock(&store)?;
        let mut progress = |p: ImportProgress| {
            // A closed window just misses the progress; the import goes on.
            let _ = app.emit(IMPORT_PROGRESS, p);
        };
        Ok(store.import_file(Path::new(&path), Utc::now(), &mut progress)?)
    })
    .await
    .map_err(CommandError::internal)?
}

#[tauri::command]
pub async fn import_trust_list(app: AppHandle, path: String) -> CommandResult<TrustImportSummary> {
    app.state::<ShellSession>().acting()?;
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = std::fs::read(&path).map_err(hotich_core::CoreError::from)?;
        let store = app.state::<Mutex<Store>>();
        let summary = lock(&store)?.import_trust_list(&bytes, Utc::now())?;
        Ok(summary)
    })
    .await
    .map_err(CommandError::internal)?
}
