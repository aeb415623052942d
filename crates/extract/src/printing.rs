//! Printing a paper or the day's batch, as the CLI and the desktop both do
//! it: each operation is one function here, so the order of its steps (lay
//! out, render, save, log) is decided once. The Giấy khai sinh also prints
//! on the Ministry's pre-printed blank ([`crate::blank`]): with the blank's
//! serial logged, a spoiled blank recorded, each printer calibrated.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use hotich_core::{DocumentKind, Officer, PrintLogEntry, PrinterCalibration, SpoiledBlank, Store};
use serde::Serialize;

use crate::blank::{self, Offset};
use crate::error::{ExtractError, Result};
use crate::{issue, prepare, record, record_batch, render, IssuedPages, Preview};

/// One paper to print: a registration's document, in `copies` copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaperRequest<'a> {
    pub registration_id: &'a str,
    pub document: DocumentKind,
    pub copies: u32,
}

impl<'a> PaperRequest<'a> {
    pub fn new(registration_id: &'a str, document: DocumentKind, copies: u32) -> Self {
        PaperRequest {
            registration_id,
            document,
            copies,
        }
    }
}

/// A printed extract: the PDF, each copy's code and its print-log line (as
/// JSON: the line with the codes).
#[derive(Debug, Clone, Serialize)]
pub struct Printed {
    #[serde(skip)]
    pub pdf: Vec<u8>,
    pub codes: Vec<String>,
    #[serde(flatten)]
    pub entry: PrintLogEntry,
}

/// Writes `pdf` at `path`, or says where and why it could not.
fn write_pdf(path: &Path, pdf: &[u8]) -> Result<()> {
    std::fs::write(path, pdf).map_err(|error| ExtractError::WriteFailed {
        path: path.display().to_string(),
        detail: error.to_string(),
    })
}

/// Issues the paper's copies (each its serial and signed QR), renders them,
/// hands the PDF to `save`, then logs the print with exactly those copies:
/// nothing is logged when rendering or saving fails.
fn print_with(
    store: &mut Store,
    actor: &Officer,
    request: PaperRequest<'_>,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
    save: impl FnOnce(&[u8]) -> Result<()>,
) -> Result<Printed> {
    let mut prepared = prepare(store, request.registration_id, request.document, issue_date)?;
    issue(store, actor, &mut prepared, request.copies, now)?;
    let pdf = render(&prepared)?;
    save(&pdf)?;
    let entry = record(store, actor, &[&prepared], now)?
        .pop()
        .ok_or_else(|| ExtractError::IncompleteRecord(request.registration_id.to_owned()))?;
    Ok(Printed {
        pdf,
        codes: prepared.copies.into_iter().map(|copy| copy.code).collect(),
        entry,
    })
}

/// Renders and logs one print (the PDF is returned, not saved). Nothing is
/// logged when rendering fails.
pub fn print_paper(
    store: &mut Store,
    actor: &Officer,
    request: PaperRequest<'_>,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Printed> {
    print_with(store, actor, request, issue_date, now, |_| Ok(()))
}

/// Saves the paper's PDF at `path`, then logs the print: a paper that could
/// not be saved was not printed, so nothing is logged when the file cannot
/// be written.
pub fn save_paper_pdf(
    store: &mut Store,
    actor: &Officer,
    request: PaperRequest<'_>,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
    path: &Path,
) -> Result<Printed> {
    print_with(store, actor, request, issue_date, now, |pdf| {
        write_pdf(path, pdf)
    })
}

/// The window is about to print the paper through its own dialog: its
/// copies issued (signed, nothing recorded) with their pages. Once the
/// officer says they came out, [`crate::record_issued`] logs them.
pub fn issue_for_window(
    store: &mut Store,
    actor: &Officer,
    request: PaperRequest<'_>,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<IssuedPages> {
    let mut prepared = prepare(store, request.registration_id, request.document, issue_date)?;
    issue(store, actor, &mut prepared, request.copies, now)?;
    IssuedPages::of(std::slice::from_ref(&prepared))
}

/// The day's batch (every paper of the registrations registered on `day`,
/// one copy each, issued) saved as one PDF at `path`, then logged in one
/// transaction once the file is written. (The window prints a batch with
/// [`crate::issue_registered_for_window`] and [`crate::record_issued`].)
pub fn print_day(
    store: &mut Store,
    actor: &Officer,
    day: NaiveDate,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
    path: &Path,
) -> Result<Vec<PrintLogEntry>> {
    let batch = crate::render_registered_on(store, actor, day, issue_date, now, &mut |_| {})?;
    write_pdf(path, &batch.pdf)?;
    record_batch(store, actor, &batch.documents, now)
}

/// A Giấy khai sinh to print on the pre-printed blank `serial`, on
/// `printer` (whose calibration shifts it; None: no shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlankRequest<'a> {
    pub registration_id: &'a str,
    pub serial: &'a str,
    pub printer: Option<&'a str>,
}

/// The offsets of `printer` (none when unnamed or never calibrated).
pub fn printer_offset(store: &Store, printer: Option<&str>) -> Result<Offset> {
    Ok(match printer {
        Some(printer) => Offset::from(&store.printer_calibration(printer)?),
        None => Offset::default(),
    })
}

/// The blank print of a registration's Giấy khai sinh as the window
/// previews and prints it; records nothing.
pub fn blank_preview(
    store: &Store,
    registration_id: &str,
    printer: Option<&str>,
    issue_date: NaiveDate,
) -> Result<Preview> {
    let prepared = prepare(
        store,
        registration_id,
        DocumentKind::BirthCertificate,
        issue_date,
    )?;
    blank::preview(&prepared, printer_offset(store, printer)?)
}

/// The serial as it will be logged, if no line has used it yet: checked
/// before a blank goes into the printer (the log checks again).
pub fn check_blank_serial(store: &Store, serial: &str) -> Result<String> {
    Ok(store.check_blank_serial(serial)?)
}

/// The Giấy khai sinh on the blank `request.serial`: saved as a PDF at
/// `path` (data only, shifted by the printer's offsets), or, with no path,
/// printed by the window through its dialog and confirmed by the officer;
/// then logged with the blank's serial. A serial already used is refused
/// before anything is rendered or saved; nothing is logged when saving fails.
pub fn print_on_blank(
    store: &mut Store,
    actor: &Officer,
    request: BlankRequest<'_>,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
    path: Option<&Path>,
) -> Result<PrintLogEntry> {
    let serial = check_blank_serial(store, request.serial)?;
    let prepared = prepare(
        store,
        request.registration_id,
        DocumentKind::BirthCertificate,
        issue_date,
    )?;
    if let Some(path) = path {
        let offset = printer_offset(store, request.printer)?;
        write_pdf(path, &blank::pdf(&prepared, offset)?)?;
    }
    // The blank is the Ministry's form: no QR, no copy serial.
    let mut print = prepared.new_print();
    print.copies = 1;
    print.blank_serial = Some(serial);
    store
        .record_prints(actor, &[print], now)?
        .pop()
        .ok_or_else(|| ExtractError::IncompleteRecord(request.registration_id.to_owned()))
}

/// Records the blank `serial` as spoiled, for `reason` (its own log line).
pub fn record_spoiled_blank(
    store: &mut Store,
    actor: &Officer,
    serial: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<SpoiledBlank> {
    Ok(store.record_spoiled_blank(actor, serial, reason, now)?)
}

/// The alignment test page of `printer` with its saved offsets, as SVG.
pub fn test_page_svg(store: &Store, printer: &str) -> Result<String> {
    let calibration = store.printer_calibration(printer)?;
    let marks = blank::test_page(&calibration.printer, Offset::from(&calibration))?;
    Ok(crate::render::svg(&marks))
}

/// Saves the alignment test page of `printer` (with its saved offsets) as
/// a PDF at `path`. Nothing is logged: it is plain paper.
pub fn save_test_page(store: &Store, printer: &str, path: &Path) -> Result<PrinterCalibration> {
    let calibration = store.printer_calibration(printer)?;
    let pdf = blank::test_page_pdf(&calibration.printer, Offset::from(&calibration))?;
    write_pdf(path, &pdf)?;
    Ok(calibration)
}
