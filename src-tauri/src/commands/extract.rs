//! Printing extracts: a paper's preview, printing it (through the window's
//! print dialog) or saving its PDF, each recorded in the print log; the
//! day's batch with a progress bar; the print log for supervisors.

use std::path::Path;
use std::sync::Mutex;

use chrono::{NaiveDate, Utc};
use hotich_core::{DocumentKind, Officer, PrintLogEntry, Store};
use hotich_extract::{BatchProgress, Prepared, Preview};
use tauri::{AppHandle, Emitter, Manager, State};

use super::{lock, today};
use crate::error::{CommandError, CommandResult};
use crate::session::ShellSession;

/// The event the UI listens to for the batch's progress bar.
pub const BATCH_PROGRESS: &str = "batch-progress";

fn write_pdf(path: &str, pdf: &[u8]) -> CommandResult<()> {
    std::fs::write(Path::new(path), pdf).map_err(|e| {
        CommandError::new(
            "write_failed",
            format!("không ghi được tệp PDF {path}: {e}"),
        )
    })
}

/// Writes one print of `prepared` in the print log.
fn log_print(
    store: &mut Store,
    actor: &Officer,
    prepared: &Prepared,
    copies: u32,
) -> CommandResult<PrintLogEntry> {
    hotich_extract::record(store, actor, &[(prepared, copies)], Utc::now())?
        .pop()
        .ok_or_else(|| CommandError::internal("the print log returned no line"))
}

/// The paper as it would be issued today; records nothing.
#[tauri::command]
pub async fn extract_preview(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    registration_id: String,
    document: DocumentKind,
) -> CommandResult<Preview> {
    session.acting()?;
    let prepared = hotich_extract::prepare(&*lock(&store)?, &registration_id, document, today())?;
    Ok(prepared.preview()?)
}

/// The window is about to print `copies` of the paper: log it (a reprint is marked).
#[tauri::command]
pub async fn record_print(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    registration_id: String,
    document: DocumentKind,
    copies: u32,
) -> CommandResult<PrintLogEntry> {
    let actor = session.acting()?;
    let mut store = lock(&store)?;
    let prepared = hotich_extract::prepare(&store, &registration_id, document, today())?;
    log_print(&mut store, &actor, &prepared, copies)
}

/// Saves the paper's PDF at `path` and logs the print; nothing is logged if
/// the file cannot be written.
#[tauri::command]
pub async fn save_extract_pdf(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    registration_id: String,
    document: DocumentKind,
    copies: u32,
    path: String,
) -> CommandResult<PrintLogEntry> {
    let actor = session.acting()?;
    let mut store = lock(&store)?;
    let prepared = hotich_extract::prepare(&store, &registration_id, document, today())?;
    write_pdf(&path, &hotich_extract::render(&prepared, copies)?)?;
    log_print(&mut store, &actor, &prepared, copies)
}

/// Every paper of the registrations made on `day`, emitting `batch-progress`.
#[tauri::command]
pub async fn batch_preview(app: AppHandle, day: NaiveDate) -> CommandResult<Vec<Preview>> {
    app.state::<ShellSession>().acting()?;
    tauri::async_runtime::spawn_blocking(move || {
        let store = app.state::<Mutex<Store>>();
        let store = lock(&store)?;
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
    let actor = app.state::<ShellSession>().acting()?;
    tauri::async_runtime::spawn_blocking(move || {
        let store = app.state::<Mutex<Store>>();
        let mut store = lock(&store)?;
        // The PDF is made only when it is saved; the window prints its own pages.
        let documents = match &path {
            Some(path) => {
                let batch =
                    hotich_extract::render_registered_on(&store, day, today(), &mut |_| {})?;
                write_pdf(path, &batch.pdf)?;
                batch.documents
            }
            None => hotich_extract::prepare_registered_on(&store, day, today())?,
        };
        Ok(hotich_extract::record_batch(
            &mut store,
            &actor,
            &documents,
            Utc::now(),
        )?)
    })
    .await
    .map_err(CommandError::internal)?
}

/// Supervisors: who printed what, when, how many copies, reprints marked.
#[tauri::command]
pub async fn print_log(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
) -> CommandResult<Vec<PrintLogEntry>> {
    let actor = session.acting()?;
    Ok(lock(&store)?.print_log(&actor)?)
}
