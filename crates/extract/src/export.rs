//! A period's statistics written to a file, its format named by the file's
//! extension: the figures and case list as CSV or XLSX (`hotich_core::export`)
//! or the printable report as PDF ([`crate::report`]). `hotich export` and the
//! desktop's export both call [`export_period`], so neither front end
//! chooses the format itself.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use hotich_core::{ExportSummary, Officer, Store};
use hotich_protocol::pilot::ProvincePilotReport;
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PeriodExport {
    /// The figures and the case list (`.csv` or `.xlsx`).
    Table(ExportSummary),
    /// The printable report (`.pdf`), in `pages` A4 pages.
    Report { path: String, pages: u32 },
}

/// True when `path` names a PDF (any case of `.pdf`).
fn is_pdf(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("pdf"))
}

/// Supervisors: the period `from`..=`to` written to `path`, as CSV, XLSX or
/// the PDF report (issued on `today`) by the file's extension; any other
/// extension is refused before anything is written.
pub fn export_period(
    store: &Store,
    actor: &Officer,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<PeriodExport> {
    if is_pdf(path) {
        let pages = crate::report::save(store, actor, from, to, today, path)?;
        store.record_export(actor, from, to, "pdf", pages, now)?;
        return Ok(PeriodExport::Report {
            path: path.display().to_string(),
            pages: u32::try_from(pages).unwrap_or(u32::MAX),
        });
    }
    Ok(PeriodExport::Table(
        store.export_period(actor, from, to, path, now)?,
    ))
}

/// Supervisors: the province's pilot figures (as `hotich_sync::reports`
/// fetched them) written to `path` as CSV, XLSX or a PDF report by the
/// file's extension, as [`export_period`] chooses.
pub fn export_province_pilot(
    store: &Store,
    actor: &Officer,
    report: &ProvincePilotReport,
    today: NaiveDate,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<PeriodExport> {
    if is_pdf(path) {
        let pages = crate::report::save_province_pilot(store, actor, report, today, path)?;
        let (from, to) = (report.figures.from, report.figures.to);
        let what = format!("pdf tỉnh {}", report.province_code);
        store.record_export(actor, from, to, &what, pages, now)?;
        return Ok(PeriodExport::Report {
            path: path.display().to_string(),
            pages: u32::try_from(pages).unwrap_or(u32::MAX),
        });
    }
    Ok(PeriodExport::Table(
        store.export_province_pilot(actor, report, path, now)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdf_report_is_chosen_by_the_extension_in_any_case() {
        assert!(is_pdf(Path::new("/tmp/bao-cao.pdf")));
        assert!(is_pdf(Path::new("BAO-CAO.PDF")));
        assert!(!is_pdf(Path::new("thong-ke.csv")));
        assert!(!is_pdf(Path::new("thong-ke.xlsx")));
        assert!(!is_pdf(Path::new("pdf")));
    }
}
