//! Printing extracts: a paper's preview, printing it (through the window's
//! print dialog) or saving its PDF, each recorded in the print log; the
//! Giấy khai sinh on the pre-printed blank (its serial logged, a spoiled
//! blank recorded, each printer calibrated with a test page); the day's
//! batch with a progress bar; the print log for supervisors. Each operation
//! is one `hotich_extract` call, the same the CLI makes.

use std::path::Path;

use chrono::{NaiveDate, Utc};
use hotich_core::{DocumentKind, PrintLogEntry, PrintLogLine, PrinterCalibration, SpoiledBlank};
use hotich_extract::{
    BatchProgress, BlankRequest, IssuedPages, IssuedPaper, PaperCheck, PaperRequest, PaperSource,
    Preview,
};
use tauri::{AppHandle, Emitter};

use super::{acting_off_thread, today};
use crate::error::CommandResult;
use crate::events::BATCH_PROGRESS;

guarded_commands! {
    /// "Kiểm tra giấy tờ": a printed paper checked from its QR (the text, or
    /// a scan, photo or PDF) with the trust the office holds; no register lookup.
    signed_in fn check_paper(source: PaperSource) -> PaperCheck =
        |store| hotich_extract::check_paper_at_office(&store, source.input());

    /// A supervisor withdraws one printed copy (reported lost, issued in
    /// error): the registry answers "withdrawn" for it once pushed.
    acting fn withdraw_copy(code: String, reason: String) -> hotich_core::WithdrawnCopy =
        |(actor, mut store)| store.withdraw_copy(&actor, &code, &reason, Utc::now());

    /// The paper as it would be issued today, marked as a preview (no QR,
    /// no code); records nothing.
    signed_in fn extract_preview(registration_id: String, document: DocumentKind) -> Preview =
        |store| hotich_extract::prepare(&store, &registration_id, document, today())?.preview();

    /// The window is about to print `copies` of the paper: the copies issued
    /// (each its serial and signed QR) with their pages; nothing recorded.
    acting fn issue_print(registration_id: String, document: DocumentKind, copies: u32)
        -> IssuedPages = |(actor, mut store)| {
        let request = PaperRequest::new(&registration_id, document, copies);
        hotich_extract::issue_for_window(&mut store, &actor, request, today(), Utc::now())
    };

    /// The officer says the issued papers came out: each copy checked, then
    /// logged (a reprint is marked).
    acting fn record_print(papers: Vec<IssuedPaper>) -> Vec<PrintLogEntry> =
        |(actor, mut store)| {
            hotich_extract::record_issued(&mut store, &actor, &papers, today(), Utc::now())
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

    /// Supervisors: who printed what, when, how many copies, reprints
    /// marked, blanks' serials and spoiled blanks.
    acting fn print_log() -> Vec<PrintLogLine> = |(actor, store)| store.print_log(&actor);

    /// The Giấy khai sinh's data only, placed for its blank and shifted by
    /// `printer`'s calibration; records nothing.
    signed_in fn blank_preview(registration_id: String, printer: Option<String>) -> Preview =
        |store| hotich_extract::blank_preview(&store, &registration_id, printer.as_deref(), today());

    /// The serial as it will be logged, refused if a line used it already:
    /// asked before the blank goes into the printer.
    signed_in fn check_blank_serial(serial: String) -> String =
        |store| hotich_extract::check_blank_serial(&store, &serial);

    /// The blank `serial` was printed: through the window's dialog and
    /// confirmed by the officer (`path` None), or saved as a PDF at `path`.
    /// Logged with its serial.
    acting fn record_blank_print(
        registration_id: String,
        serial: String,
        printer: Option<String>,
        path: Option<String>,
    ) -> PrintLogEntry = |(actor, mut store)| {
        let request = BlankRequest {
            registration_id: &registration_id,
            serial: &serial,
            printer: printer.as_deref(),
        };
        let (today, now, path) = (today(), Utc::now(), path.as_deref().map(Path::new));
        hotich_extract::print_on_blank(&mut store, &actor, request, today, now, path)
    };

    /// Records the blank `serial` as spoiled, its own line of the log.
    acting fn record_spoiled_blank(serial: String, reason: String) -> SpoiledBlank =
        |(actor, mut store)| {
            hotich_extract::record_spoiled_blank(&mut store, &actor, &serial, &reason, Utc::now())
        };

    /// Every calibrated printer, by name.
    signed_in fn printer_calibrations() -> Vec<PrinterCalibration> =
        |store| store.printer_calibrations();

    /// Saves `printer`'s offsets (mm; x to the right, y downwards).
    acting fn save_printer_calibration(printer: String, offset_x_mm: f64, offset_y_mm: f64)
        -> PrinterCalibration = |(actor, mut store)| {
        store.save_printer_calibration(&actor, &printer, offset_x_mm, offset_y_mm, Utc::now())
    };

    /// `printer`'s alignment test page (its saved offsets applied) as SVG.
    signed_in fn test_page_preview(printer: String) -> String =
        |store| hotich_extract::test_page_svg(&store, &printer);
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

/// The window is about to print the day's batch: one copy of each paper
/// issued, with the pages; nothing recorded (`record_print` does).
#[tauri::command]
pub async fn issue_batch(app: AppHandle, day: NaiveDate) -> CommandResult<IssuedPages> {
    acting_off_thread(app, move |_app, actor, store| {
        Ok(hotich_extract::issue_registered_for_window(
            store,
            &actor,
            day,
            today(),
            Utc::now(),
        )?)
    })
    .await
}

/// The day's batch saved to `path` as one PDF: one copy of each paper
/// issued and logged, in one transaction, once the file is written.
#[tauri::command]
pub async fn record_batch(
    app: AppHandle,
    day: NaiveDate,
    path: String,
) -> CommandResult<Vec<PrintLogEntry>> {
    acting_off_thread(app, move |_app, actor, store| {
        let now = Utc::now();
        Ok(hotich_extract::print_day(
            store,
            &actor,
            day,
            today(),
            now,
            Path::new(&path),
        )?)
    })
    .await
}
