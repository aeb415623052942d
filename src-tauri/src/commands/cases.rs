//! The office, the queue, one case, the quarantine, and importing files of
//! notifications and trust lists.

use std::path::Path;

use chrono::Utc;
use hotich_core::{
    CaseDetail, CaseFilter, CasePage, ImportProgress, ImportSummary, Office, QuarantineEntry,
    TrustImportSummary,
};
use tauri::{AppHandle, Emitter, Manager, State};

use super::{today, Startup};
use crate::error::{CommandError, CommandResult};
use crate::events::IMPORT_PROGRESS;
use crate::session::Shell;

/// `Err` when the database could not be opened: the UI shows it and stops.
#[tauri::command]
pub fn startup(startup: State<'_, Startup>) -> CommandResult<()> {
    startup.0.clone().map_or(Ok(()), Err)
}

#[tauri::command]
pub async fn office(shell: State<'_, Shell>) -> CommandResult<Option<Office>> {
    Ok(shell.store()?.office()?)
}

#[tauri::command]
pub async fn list_cases(shell: State<'_, Shell>, filter: CaseFilter) -> CommandResult<CasePage> {
    Ok(shell.signed_in()?.cases(&filter, today())?)
}

#[tauri::command]
pub async fn case_detail(shell: State<'_, Shell>, id: String) -> CommandResult<CaseDetail> {
    Ok(shell.signed_in()?.case_detail(&id, today())?)
}

#[tauri::command]
pub async fn quarantine(shell: State<'_, Shell>) -> CommandResult<Vec<QuarantineEntry>> {
    Ok(shell.signed_in()?.quarantine()?)
}

/// Imports a notifications file off the UI thread, emitting `import-progress`.
#[tauri::command]
pub async fn import_notifications(app: AppHandle, path: String) -> CommandResult<ImportSummary> {
    app.state::<Shell>().session.acting()?;
    tauri::async_runtime::spawn_blocking(move || {
        let shell = app.state::<Shell>();
        let mut progress = |p: ImportProgress| {
            // A closed window just misses the progress; the import goes on.
            let _ = app.emit(IMPORT_PROGRESS, p);
        };
        let summary = shell
            .store()?
            .import_file(Path::new(&path), Utc::now(), &mut progress)?;
        Ok(summary)
    })
    .await
    .map_err(CommandError::internal)?
}

#[tauri::command]
pub async fn import_trust_list(app: AppHandle, path: String) -> CommandResult<TrustImportSummary> {
    app.state::<Shell>().session.acting()?;
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = std::fs::read(&path).map_err(hotich_core::CoreError::from)?;
        Ok(app
            .state::<Shell>()
            .store()?
            .import_trust_list(&bytes, Utc::now())?)
    })
    .await
    .map_err(CommandError::internal)?
}
