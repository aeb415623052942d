//! Printing extracts: a paper's preview, printing it (through the window's
//! print dialog) or saving its PDF, each recorded in the print log; the
//! day's batch with a progress bar; the print log for supervisors. Each
//! operation is one `hotich_extract` call, the same the CLI makes.

use std::path::Path;

use chrono::{NaiveDate, Utc};
use hotich_core::{DocumentKind, PrintLogEntry};
use hotich_extract::{BatchProgress, PaperRequest, Preview};
use tauri::{AppHandle, Emitter};

use super::{acting_off_thread, today};
use crate::error::CommandResult;
use crate::events::BATCH_PROGRESS;

guarded_commands! {
    /// The paper as it would be issued today; records nothing.
    signed_in fn extract_preview(registration_id: String, document: DocumentKind) -> Preview =
        |store| hotich_extract::prepare(&store, &registration_id, document, today())?.preview();

    /// The window is about to print `copies` of the paper: log it (a reprint is marked).
    acting fn record_print(registration_id: String, document: DocumentKind, copies: u32)
        -> PrintLogEntry = |(actor, mut store)| {
        let request = PaperRequest::new(&registration_id, document, copies);
        hotich_extract::log_window_print(&mut store, &actor, request, today(), Utc::now())
    };

    /// Saves the paper's PDF at `path` and logs the print; nothing is logged
    /// if the file cannot be written.
    acting fn save_extract_pdf(
        registration_id: String,
        document: DocumentKind,
        copies: u32,
        path: String,
    ) -> PrintLogEntry = |(actor, mut store)| {
        let request = PaperRequest::new(&registration_id, document, copies);
        let (today, now, path) = (today(), Utc::now(), Path::new(&path));
        hotich_extract::save_paper_pdf(&mut store, &actor, request, today, now, path)
            .map(|printed| printed.entry)
    };

    /// Supervisors: who printed what, when, how many copies, reprints marked.
    acting fn print_log() -> Vec<PrintLogEntry> = |(actor, store)| store.print_log(&actor);
}

/// Every paper of the registrations made on `day`, emitting `batch-progress`.
#[tauri::command]
pub async fn batch_preview(app: AppHandle, day: NaiveDate) -> CommandResult<Vec<Preview>> {
    acting_off_thread(app, move |app, _actor, store| {
        let mut progress = |step: &BatchProgress| {
            // A closed window just misses the progress; the batch goes on.
            let _ = app.emit(BATCH_PROGRESS, step);
        };
        Ok(hotich_extract::preview_registered_on(
            store,
            day,
            today(),
            &mut progress,
        )?)
    })
    .await
}

/// The day's batch is printed (or saved to `path` as one PDF): one copy of
/// each paper logged, in one transaction.
#[tauri::command]
pub async fn record_batch(
    app: AppHandle,
    day: NaiveDate,
    path: Option<String>,
) -> CommandResult<Vec<PrintLogEntry>> {
    acting_off_thread(app, move |_app, actor, store| {
        let path = path.as_deref().map(Path::new);
        let now = Utc::now();
        Ok(hotich_extract::print_day(
            store,
            &actor,
            day,
            today(),
            now,
            path,
        )?)
    })
    .await
}
