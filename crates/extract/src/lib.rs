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
pub mod scan;
mod verify;
pub mod words;

use chrono::{DateTime, NaiveDate, Utc};
pub use hotich_core::paper::IssuedCopy;
use hotich_core::{
    ContentField, DocumentKind, NewPrint, Officer, PrintLogEntry, Registration, Store,
};
use serde::{Deserialize, Serialize};

pub use code::{derive_code, normalize_code, QrPayload};
pub use content::{Extract, Issuer};
pub use error::{ExtractError, Result};
pub use export::{export_period, export_province_pilot, PeriodExport};
pub use hotich_protocol::paper::{verify_paper, PaperTrust, VerifiedPaper};
pub use printing::{
    blank_preview, check_blank_serial, issue_for_window, print_day, print_on_blank, print_paper,
    record_spoiled_blank, save_paper_pdf, save_test_page, test_page_svg, BlankRequest,
    PaperRequest, Printed,
};
pub use scan::{
    check_paper, check_paper_at_office, read_paper_trust, PaperCheck, PaperInput, PaperRefusal,
    PaperSource,
};
pub use verify::{verify, Difference, Verification, VerificationOutcome};

/// An extract ready to print: what it says, the hash of that and, once
/// issued, its copies (each with its serial and signed QR). Without copies
/// it is a preview: "BẢN XEM TRƯỚC" and no QR, never a paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub extract: Extract,
    pub content: Vec<ContentField>,
    pub content_sha256: String,
    /// Drawn across the top and bottom of the page: a demo store's papers
    /// say they have no legal value ([`DEMO_WATERMARK`]).
    pub watermark: Option<&'static str>,
    /// The issued copies, one page each; empty for a preview.
    pub copies: Vec<IssuedCopy>,
}

/// The mark on every paper a demo store prints, on screen and on paper.
pub const DEMO_WATERMARK: &str = "DỮ LIỆU MẪU – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ";
/// The mark of a preview, which is not a paper.
pub const PREVIEW_MARK: &str = "BẢN XEM TRƯỚC";

/// The watermark of the papers `store` prints: the demo's, else none.
fn watermark_of(store: &Store) -> Result<Option<&'static str>> {
    Ok((store.installation()? == Some(hotich_core::Installation::Demo)).then_some(DEMO_WATERMARK))
}

impl Prepared {
    pub fn new(extract: Extract) -> Prepared {
        let content = extract.content();
        let content_sha256 =
            content::content_sha256(&extract.registration_id, extract.document, &content);
        Prepared {
            content,
            content_sha256,
            extract,
            watermark: None,
            copies: Vec::new(),
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

    /// Whether this is a preview (no copy issued).
    pub fn is_preview(&self) -> bool {
        self.copies.is_empty()
    }

    /// The first copy's code (what a one-copy print reads out); None for a preview.
    pub fn code(&self) -> Option<&str> {
        self.copies.first().map(|copy| copy.code.as_str())
    }

    /// The marks of each page (text, rules, QR modules) in mm: one per
    /// copy, or the preview's one.
    pub fn pages(&self) -> Result<Vec<Vec<render::Mark>>> {
        if self.copies.is_empty() {
            return Ok(vec![self.page(None)?]);
        }
        self.copies
            .iter()
            .map(|copy| self.page(Some(copy)))
            .collect()
    }

    fn page(&self, copy: Option<&IssuedCopy>) -> Result<Vec<render::Mark>> {
        let qr = copy.map(|copy| (copy.code.as_str(), copy.credential.as_str()));
        let mut marks = render::layout(&self.extract, qr)?;
        let marks_text = match (copy.is_none(), self.watermark) {
            (true, Some(demo)) => Some(format!("{PREVIEW_MARK} · {demo}")),
            (true, None) => Some(PREVIEW_MARK.to_owned()),
            (false, demo) => demo.map(str::to_owned),
        };
        if let Some(text) = marks_text {
            render::watermark(&mut marks, &text)?;
        }
        Ok(marks)
    }

    /// The print-log row of this extract's issued copies.
    pub fn new_print(&self) -> NewPrint {
        NewPrint {
            registration_id: self.extract.registration_id.clone(),
            document: self.extract.document,
            issue_date: self.extract.issue_date,
            copies: u32::try_from(self.copies.len()).unwrap_or(u32::MAX),
            code: self.code().unwrap_or_default().to_owned(),
            content_sha256: self.content_sha256.clone(),
            content: self.content.clone(),
            blank_serial: None,
            issued: self.copies.clone(),
        }
    }

    /// The pages as the window previews and prints them (same layout as the
    /// PDF): the preview's one, or one per issued copy with its code.
    pub fn previews(&self) -> Result<Vec<Preview>> {
        let pages = self.pages()?;
        let codes = self.copies.iter().map(|copy| copy.code.clone());
        Ok(pages
            .iter()
            .zip(codes.map(Some).chain(std::iter::repeat(None)))
            .map(|(marks, code)| Preview {
                registration_id: self.extract.registration_id.clone(),
                document: self.extract.document,
                title: self.title(),
                code,
                svg: render::svg(marks),
            })
            .collect())
    }

    /// The first page as the window shows it.
    pub fn preview(&self) -> Result<Preview> {
        self.previews()?
            .into_iter()
            .next()
            .ok_or_else(|| ExtractError::IncompleteRecord(self.extract.registration_id.clone()))
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
    /// The copy's code; None on a preview, which is not a paper.
    pub code: Option<String>,
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

/// The PDF of one extract: a page per issued copy (the preview's one page
/// when none is).
pub fn render(prepared: &Prepared) -> Result<Vec<u8>> {
    render::pdf(&prepared.title(), &prepared.pages()?, 1)
}

/// Issues `copies` copies of `prepared` (its registration as the register
/// holds it): each its own serial, signed with the office's key. Nothing is
/// recorded.
pub fn issue(
    store: &mut Store,
    actor: &Officer,
    prepared: &mut Prepared,
    copies: u32,
    now: DateTime<Utc>,
) -> Result<()> {
    let registration = store.registration(&prepared.extract.registration_id)?;
    let signer = store.paper_signer(actor, now)?;
    let extract = &prepared.extract;
    prepared.copies = signer.issue(&registration, extract.document, extract.issue_date, copies)?;
    Ok(())
}

/// Records issued papers in the print log, in one transaction.
pub fn record(
    store: &mut Store,
    actor: &Officer,
    prints: &[&Prepared],
    now: DateTime<Utc>,
) -> Result<Vec<PrintLogEntry>> {
    let rows: Vec<NewPrint> = prints.iter().map(|prepared| prepared.new_print()).collect();
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

/// A paper issued for the window to print: its copies (serial and signed
/// QR each). The window sends it back once the officer says the papers came
/// out, and only then is it recorded ([`record_issued`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct IssuedPaper {
    pub registration_id: String,
    pub document: DocumentKind,
    pub copies: Vec<IssuedCopy>,
}

/// Papers issued for the window: what to record, and the pages to print
/// (one per copy, each with its own QR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct IssuedPages {
    pub papers: Vec<IssuedPaper>,
    pub pages: Vec<Preview>,
}

impl IssuedPages {
    fn of(documents: &[Prepared]) -> Result<IssuedPages> {
        let mut pages = Vec::new();
        for prepared in documents {
            pages.extend(prepared.previews()?);
        }
        Ok(IssuedPages {
            papers: documents
                .iter()
                .map(|prepared| IssuedPaper {
                    registration_id: prepared.extract.registration_id.clone(),
                    document: prepared.extract.document,
                    copies: prepared.copies.clone(),
                })
                .collect(),
            pages,
        })
    }
}

/// Every paper of the registrations registered on `day` (births:
/// certificate and extract; deaths: extract), in register order, as
/// previews, with progress reported after each.
fn each_registered_on(
    store: &Store,
    day: NaiveDate,
    issue_date: NaiveDate,
    progress: &mut dyn FnMut(&BatchProgress),
) -> Result<Vec<Prepared>> {
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
    for (done, (registration, document)) in wanted.iter().enumerate() {
        let mut prepared = Prepared::of(registration, *document, &issuer, issue_date)?;
        prepared.watermark = watermark;
        prepared.pages()?;
        progress(&BatchProgress {
            done: u32::try_from(done + 1).unwrap_or(u32::MAX),
            total,
            registration_id: registration.id.clone(),
            document: *document,
        });
        documents.push(prepared);
    }
    Ok(documents)
}

/// The papers of `day`, one copy of each issued (signed; nothing recorded).
fn issue_registered_on(
    store: &mut Store,
    actor: &Officer,
    day: NaiveDate,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(&BatchProgress),
) -> Result<Vec<Prepared>> {
    let mut documents = each_registered_on(store, day, issue_date, progress)?;
    for prepared in &mut documents {
        issue(store, actor, prepared, 1, now)?;
    }
    Ok(documents)
}

/// Issues and renders every paper of the registrations registered on `day`
/// into one PDF, reporting progress after each. Records nothing:
/// `record_batch` does once the papers are printed.
pub fn render_registered_on(
    store: &mut Store,
    actor: &Officer,
    day: NaiveDate,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(&BatchProgress),
) -> Result<Batch> {
    let documents = issue_registered_on(store, actor, day, issue_date, now, progress)?;
    let mut pages = Vec::with_capacity(documents.len());
    for prepared in &documents {
        pages.extend(prepared.pages()?);
    }
    let pdf = render::pdf(&format!("Giấy tờ hộ tịch đăng ký ngày {day}"), &pages, 1)?;
    Ok(Batch { pdf, documents })
}

/// The same papers as previews (no QR, nothing issued), for the window to show.
pub fn preview_registered_on(
    store: &Store,
    day: NaiveDate,
    issue_date: NaiveDate,
    progress: &mut dyn FnMut(&BatchProgress),
) -> Result<Vec<Preview>> {
    let mut previews = Vec::new();
    for prepared in each_registered_on(store, day, issue_date, progress)? {
        previews.extend(prepared.previews()?);
    }
    Ok(previews)
}

/// The same papers issued for the window to print, one copy each; recorded
/// by [`record_issued`] once they came out.
pub fn issue_registered_for_window(
    store: &mut Store,
    actor: &Officer,
    day: NaiveDate,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<IssuedPages> {
    let documents = issue_registered_on(store, actor, day, issue_date, now, &mut |_| {})?;
    IssuedPages::of(&documents)
}

/// Records a printed batch (each paper with its issued copy), in one transaction.
pub fn record_batch(
    store: &mut Store,
    actor: &Officer,
    documents: &[Prepared],
    now: DateTime<Utc>,
) -> Result<Vec<PrintLogEntry>> {
    let prints: Vec<&Prepared> = documents.iter().collect();
    record(store, actor, &prints, now)
}

/// Records papers the window printed, in one transaction, once each copy is
/// checked: signed by this office's key for the paper as the register holds
/// it, issued on `issue_date`. What is recorded is exactly what was printed.
pub fn record_issued(
    store: &mut Store,
    actor: &Officer,
    papers: &[IssuedPaper],
    issue_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<PrintLogEntry>> {
    let signer = store.paper_signer(actor, now)?;
    let mut documents = Vec::with_capacity(papers.len());
    for paper in papers {
        let registration = store.registration(&paper.registration_id)?;
        for copy in &paper.copies {
            signer.check(&registration, paper.document, issue_date, copy)?;
        }
        let mut prepared = prepare(store, &paper.registration_id, paper.document, issue_date)?;
        prepared.copies = paper.copies.clone();
        documents.push(prepared);
    }
    record_batch(store, actor, &documents, now)
}
