//! Printing extracts: a paper's preview, printing it (through the window's
//! print dialog) or saving its PDF, each recorded in the print log; the
//! day's batch with a progress bar; the print log for supervisors. Each
//! operation is one `hotich_extract` call, the same the CLI makes.

use std::path::Path;

use chrono::{NaiveDate, Utc};
use hotich_core::{DocumentKind, PrintLogEntry};
use hotich_extract::{BatchProgress, PaperRequest, Preview};
use tauri::{AppHandle, Emitter, Manager, State};

use super::today;
use crate::error::{CommandError, CommandResult};
use crate::events::BATCH_PROGRESS;
use crate::session::Shell;

/// The paper as it would be issued today; records nothing.
#[tauri::command]
pub async fn extract_preview(
    shell: State<'_, Shell>,
    registration_id: String,
    document: DocumentKind,
) -> CommandResult<Preview> {
    let store = shell.signed_in()?;
    let prepared = hotich_extract::prepare(&store, &registration_id, document, today())?;
    Ok(prepared.preview()?)
}

/// The window is about to print `copies` of the paper: log it (a reprint is marked).
#[tauri::command]
pub async fn record_print(
    shell: State<'_, Shell>,
    registration_id: String,
    document: DocumentKind,
    copies: u32,
) -> CommandResult<PrintLogEntry> {
    let (actor, mut store) = shell.acting()?;
    let request = PaperRequest::new(&registration_id, document, copies);
    Ok(hotich_extract::log_window_print(
        &mut store,
        &actor,
        request,
        today(),
        Utc::now(),
    )?)
}

/// Saves the paper's PDF at `path` and logs the print; nothing is logged if
/// the file cannot be written.
#[tauri::command]
pub async fn save_extract_pdf(
    shell: State<'_, Shell>,
    registration_id: String,
    document: DocumentKind,
    copies: u32,
    path: String,
) -> CommandResult<PrintLogEntry> {
    let (actor, mut store) = shell.acting()?;
    let request = PaperRequest::new(&registration_id, document, copies);
    let printed = hotich_extract::save_paper_pdf(
        &mut store,
        &actor,
        request,
        today(),
        Utc::now(),
        Path::new(&path),
    )?;
    Ok(printed.entry)
}

/// Every paper of the registrations made on `day`, emitting `batch-progress`.
#[tauri::command]
pub async fn batch_preview(app: AppHandle, day: NaiveDate) -> CommandResult<Vec<Preview>> {
    app.state::<Shell>().session.acting()?;
    tauri::async_runtime::spawn_blocking(move || {
        let shell = app.state::<Shell>();
        let store = shell.store()?;
        let mut progress = |step: &BatchProgress| {
            // A closed window just misses the progress; the batch goes on.
            let _ = app.emit(BATCH_PROGRESS, step);
        };
        Ok(hotich_extract::preview_registered_on(
            &store,
            day,
            today(),
            &mut progress,
        )?)
    })
    .await
    .map_err(CommandError::internal)?
}

/// The day's batch is printed (or saved to `path` as one PDF): one copy of
/// each paper logged, in one transaction.
#[tauri::command]
pub async fn record_batch(
    app: AppHandle,
    day: NaiveDate,
    path: Option<String>,
) -> CommandResult<Vec<PrintLogEntry>> {
    let actor = app.state::<Shell>().session.acting()?;
    tauri::async_runtime::spawn_blocking(move || {
        let shell = app.state::<Shell>();
        let mut store = shell.store()?;
        let path = path.as_deref().map(Path::new);
        Ok(hotich_extract::print_day(
            &mut store,
            &actor,
            day,
            today(),
            Utc::now(),
            path,
        )?)
    })
    .await
    .map_err(CommandError::internal)?
}

/// Supervisors: who printed what, when, how many copies, reprints marked.
#[tauri::command]
pub async fn print_log(shell: State<'_, Shell>) -> CommandResult<Vec<PrintLogEntry>> {
    let (actor, store) = shell.acting()?;
    Ok(store.print_log(&actor)?)
}
