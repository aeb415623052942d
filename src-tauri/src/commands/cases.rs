//! The office, the queue, one case, the quarantine, and importing files of
//! notifications and trust lists.

use std::path::Path;

use chrono::Utc;
use hotich_core::{
    CaseDetail, CaseFilter, CasePage, ImportProgress, ImportSummary, Office, QuarantineEntry,
    TrustImportSummary,
};
use tauri::{AppHandle, Emitter, Manager, State};

use super::{acting_off_thread, today, Startup};
use crate::error::CommandResult;
use crate::events::IMPORT_PROGRESS;
use crate::session::Shell;

/// Once the start has finished (at once, but for the one start that
/// encrypts an earlier version's database): `Err` when the database could
/// not be opened, which the UI shows and stops.
#[tauri::command]
pub async fn startup(app: AppHandle) -> CommandResult<()> {
    tauri::async_runtime::spawn_blocking(move || app.state::<Startup>().wait())
        .await
        .map_err(crate::error::CommandError::internal)?
}

guarded_commands! {
    /// Before sign-in too: the sign-in screen names the office.
    store fn office() -> Option<Office> = |store| store.office();
    signed_in fn list_cases(filter: CaseFilter) -> CasePage =
        |store| store.cases(&filter, today());
    signed_in fn quarantine() -> Vec<QuarantineEntry> = |store| store.quarantine();
}

/// One case for the case screen: opening it is audited once, showing it
/// again after the officer's own change is not (`Session::shows_case`).
#[tauri::command]
pub async fn case_detail(shell: State<'_, Shell>, id: String) -> CommandResult<CaseDetail> {
    let (actor, store) = shell.acting()?;
    let opens = shell.session.lock()?.shows_case(&id);
    Ok(if opens {
        store.open_case(&actor, &id, today(), Utc::now())?
    } else {
        store.case_detail(&id, today())?
    })
}

/// Imports a notifications file off the UI thread, emitting `import-progress`.
#[tauri::command]
pub async fn import_notifications(app: AppHandle, path: String) -> CommandResult<ImportSummary> {
    acting_off_thread(app, move |app, _actor, store| {
        let mut progress = |p: ImportProgress| {
            // A closed window just misses the progress; the import goes on.
            let _ = app.emit(IMPORT_PROGRESS, p);
        };
        Ok(store.import_file(Path::new(&path), Utc::now(), &mut progress)?)
    })
    .await
}

#[tauri::command]
pub async fn import_trust_list(app: AppHandle, path: String) -> CommandResult<TrustImportSummary> {
    acting_off_thread(app, move |_app, _actor, store| {
        let bytes = std::fs::read(&path).map_err(hotich_core::CoreError::from)?;
        Ok(store.import_trust_list(&bytes, Utc::now())?)
    })
    .await
}

/// Files dropped on the queue window, imported as the file dialog's are
/// (`crate::dropped`), off the UI thread with `import-progress`.
#[tauri::command]
pub async fn import_dropped(
    app: AppHandle,
    paths: Vec<String>,
) -> CommandResult<crate::dropped::DroppedImport> {
    acting_off_thread(app, move |app, _actor, store| {
        let mut progress = |p: ImportProgress| {
            let _ = app.emit(IMPORT_PROGRESS, p);
        };
        crate::dropped::import_paths(store, &paths, Utc::now(), &mut progress)
    })
    .await
}
