//! Printed civil-status papers rendered natively to PDF: the Giấy khai sinh
//! (birth certificate, original), the Trích lục khai sinh (birth extract,
//! copy) and the Trích lục khai tử (death extract). Each carries a
//! verification code and a QR code; each print is recorded in the store's
//! print log; a paper can be checked against the register later.
//!
//! The pure part (content -> layout -> PDF bytes, words, codes) needs no
//! store; `prepare`, the day's batch and `verify` read it through
//! `hotich-core`. What the CLI and the desktop do with a paper is one
//! function each in [`printing`] (save its PDF and log it, log a print made
//! through the window, the day's batch) and [`export`] (a period's figures
//! to CSV, XLSX or the PDF report, by the file's extension).

pub mod blank;
pub mod code;
pub mod content;
pub mod error;
pub mod export;
pub mod printing;
pub mod render;
pub mod report;
mod verify;
pub mod words;

use chrono::{DateTime, NaiveDate, Utc};
use hotich_core::{
    ContentField, DocumentKind, NewPrint, Officer, PrintLogEntry, Registration, Store,
};
use serde::{Deserialize, Serialize};

pub use code::{derive_code, normalize_code, QrPayload};
pub use content::{Extract, Issuer};
pub use error::{ExtractError, Result};
pub use export::{export_period, PeriodExport};
pub use printing::{
    blank_preview, check_blank_serial, log_window_print, print_day, print_on_blank, print_paper,
    record_spoiled_blank, save_paper_pdf, save_test_page, test_page_svg, BlankRequest,
    PaperRequest, Printed,
};
pub use verify::{verify, Difference, Verification, VerificationOutcome};

/// An extract ready to print: what it says, the hash of that, the code and
/// the QR payload derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub extract: Extract,
    pub content: Vec<ContentField>,
    pub content_sha256: String,
    pub code: String,
    pub qr_payload: String,
    /// Drawn across the top and bottom of the page: a demo store's papers
    /// say they have no legal value ([`DEMO_WATERMARK`]).
    pub watermark: Option<&'static str>,
}

/// The mark on every paper a demo store prints, on screen and on paper.
pub const DEMO_WATERMARK: &str = "DỮ LIỆU MẪU – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ";

/// The watermark of the papers `store` prints: the demo's, else none.
fn watermark_of(store: &Store) -> Result<Option<&'static str>> {
    Ok((store.installation()? == Some(hotich_core::Installation::Demo)).then_some(DEMO_WATERMARK))
}

impl Prepared {
    pub fn new(extract: Extract) -> Prepared {
        let content = extract.content();
        let content_sha256 =
            content::content_sha256(&extract.registration_id, extract.document, &content);
        let payload = QrPayload {
            code: derive_code(
                &extract.registration_id,
                extract.document,
                extract.issue_date,
                &content_sha256,
            ),
            registration_id: extract.registration_id.clone(),
            document: extract.document,
            issue_date: extract.issue_date,
            content_sha256: content_sha256.clone(),
        };
        Prepared {
            content,
            content_sha256,
            code: payload.code.clone(),
            qr_payload: payload.encode(),
            extract,
            watermark: None,
        }
    }

    /// The extract of a registration (pure: no store), issued today by `issuer`.
    pub fn of(
        registration: &Registration,
        document: DocumentKind,
        issuer: &Issuer,
        issue_date: NaiveDate,
    ) -> Result<Prepared> {
        Ok(Prepared::new(content::build(
            registration,
            document,
            issuer,
            issue_date,
        )?))
    }

    /// The page's marks (text, rules, QR modules) in mm.
    pub fn layout(&self) -> Result<Vec<render::Mark>> {
        let mut marks = render::layout(&self.extract, &self.code, &self.qr_payload)?;
        if let Some(text) = self.watermark {
            render::watermark(&mut marks, text)?;
        }
        Ok(marks)
    }

    /// The print-log row of this extract printed `copies` times.
    pub fn new_print(&self, copies: u32) -> NewPrint {
        NewPrint {
            registration_id: self.extract.registration_id.clone(),
            document: self.extract.document,
            issue_date: self.extract.issue_date,
            copies,
            code: self.code.clone(),
            content_sha256: self.content_sha256.clone(),
            content: self.content.clone(),
            blank_serial: None,
        }
    }

    /// The paper as the window previews and prints it (same layout as the PDF).
    pub fn preview(&self) -> Result<Preview> {
        Ok(Preview {
            registration_id: self.extract.registration_id.clone(),
            document: self.extract.document,
            title: self.title(),
            code: self.code.clone(),
            svg: render::svg(&self.layout()?),
        })
    }

    fn title(&self) -> String {
        format!(
            "{} số {} quyển {}",
            self.extract.title(),
            self.extract.number,
            self.extract.book
        )
    }
}

/// One paper for the print dialog: its title, verification code and page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Preview {
    pub registration_id: String,
    pub document: DocumentKind,
    pub title: String,
    pub code: String,
    /// An A4 page as SVG (see `render::svg`).
    pub svg: String,
}

/// The issuing People's Committee of this workstation.
pub fn issuer(store: &Store) -> Result<Issuer> {
    store
        .office()?
        .map(|office| Issuer::from(&office))
        .ok_or(ExtractError::NoOffice)
}

/// The extract of `document` for a registration as the register holds it now.
pub fn prepare(
    store: &Store,
    registration_id: &str,
    document: DocumentKind,
    issue_date: NaiveDate,
) -> Result<Prepared> {
    let registration = store.registration(registration_id)?;
    let mut prepared = Prepared::of(&registration, document, &issuer(store)?, issue_date)?;
    prepared.watermark = watermark_of(store)?;
    Ok(prepared)
}

/// The PDF of one extract, `copies` identical pages.
pub fn render(prepared: &Prepared, copies: u32) -> Result<Vec<u8>> {
    render::pdf(&prepared.title(), &[prepared.layout()?], copies)
}

/// Records prints (extract, copies) in the print log, in one transaction.
pub fn record(
    store: &mut Store,
    actor: &Officer,
    prints: &[(&Prepared, u32)],
    now: DateTime<Utc>,
) -> Result<Vec<PrintLogEntry>> {
    let rows: Vec<NewPrint> = prints
        .iter()
        .map(|(prepared, copies)| prepared.new_print(*copies))
        .collect();
    Ok(store.record_prints(actor, &rows, now)?)
}

/// Renders and records one print. Nothing is recorded when rendering fails.
/// (The positional form of [`print_paper`], kept for its callers.)
pub fn print(
    store: &mut Store,
    actor: &Officer,
    registration_id: &str,
    document: DocumentKind,
    copies: u32,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Printed> {
    let request = PaperRequest::new(registration_id, document, copies);
    print_paper(store, actor, request, issue_date, now)
}

/// How far a batch is, after each document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct BatchProgress {
    pub done: u32,
    pub total: u32,
    pub registration_id: String,
    pub document: DocumentKind,
}

/// Every paper of a day's registrations in one PDF (one print job, the
/// fonts embedded once), in register order.
#[derive(Debug, Clone)]
pub struct Batch {
    pub pdf: Vec<u8>,
    pub documents: Vec<Prepared>,
}

/// Every paper of the registrations registered on `day` (births:
/// certificate and extract; deaths: extract), in register order, each
/// passed to `step` (its layout, its preview) with progress reported after.
fn each_registered_on<T>(
    store: &Store,
    day: NaiveDate,
    issue_date: NaiveDate,
    progress: &mut dyn FnMut(&BatchProgress),
    step: impl Fn(&Prepared) -> Result<T>,
) -> Result<(Vec<Prepared>, Vec<T>)> {
    let issuer = issuer(store)?;
    let watermark = watermark_of(store)?;
    let mut wanted = Vec::new();
    for id in store.registrations_on(day)? {
        let registration = store.registration(&id)?;
        for document in DocumentKind::for_event(registration.kind) {
            wanted.push((registration.clone(), *document));
        }
    }
    let total = u32::try_from(wanted.len()).unwrap_or(u32::MAX);
    let mut documents = Vec::with_capacity(wanted.len());
    let mut stepped = Vec::with_capacity(wanted.len());
    for (done, (registration, document)) in wanted.iter().enumerate() {
        let mut prepared = Prepared::of(registration, *document, &issuer, issue_date)?;
        prepared.watermark = watermark;
        stepped.push(step(&prepared)?);
        progress(&BatchProgress {
            done: u32::try_from(done + 1).unwrap_or(u32::MAX),
            total,
            registration_id: registration.id.clone(),
            document: *document,
        });
        documents.push(prepared);
    }
    Ok((documents, stepped))
}

/// Renders every paper of the registrations registered on `day` into one
/// PDF, reporting progress after each. Records nothing: `record_batch`
/// does once the papers are printed.
pub fn render_registered_on(
    store: &Store,
    day: NaiveDate,
    issue_date: NaiveDate,
    progress: &mut dyn FnMut(&BatchProgress),
) -> Result<Batch> {
    let (documents, pages) =
        each_registered_on(store, day, issue_date, progress, Prepared::layout)?;
    let pdf = render::pdf(&format!("Giấy tờ hộ tịch đăng ký ngày {day}"), &pages, 1)?;
    Ok(Batch { pdf, documents })
}

/// The same papers as the window previews and prints them (no PDF made).
pub fn preview_registered_on(
    store: &Store,
    day: NaiveDate,
    issue_date: NaiveDate,
    progress: &mut dyn FnMut(&BatchProgress),
) -> Result<Vec<Preview>> {
    Ok(each_registered_on(store, day, issue_date, progress, Prepared::preview)?.1)
}

/// The same papers, ready to record (nothing laid out or rendered).
pub fn prepare_registered_on(
    store: &Store,
    day: NaiveDate,
    issue_date: NaiveDate,
) -> Result<Vec<Prepared>> {
    Ok(each_registered_on(store, day, issue_date, &mut |_| {}, |_| Ok(()))?.0)
}

/// Records a printed batch, one copy of each paper, in one transaction.
pub fn record_batch(
    store: &mut Store,
    actor: &Officer,
    documents: &[Prepared],
    now: DateTime<Utc>,
) -> Result<Vec<PrintLogEntry>> {
    let prints: Vec<(&Prepared, u32)> = documents.iter().map(|p| (p, 1)).collect();
    record(store, actor, &prints, now)
}
