//! A period's figures and case list, exported for the periodic report: CSV
//! (UTF-8 with a byte-order mark, so Excel shows Vietnamese intact) or XLSX;
//! and the province's pilot figures as the registry counted them.
//!
//! Writes no table. Reads `case_file`, `case_event`, `registration` and
//! `officer`, and the period's statistics.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Days, NaiveDate, Utc};
use hotich_protocol::EventKind;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{invalid_with, CoreError, InputField, InputReason, Result};
use crate::model::CaseStatus;
use crate::officer::Officer;
use crate::sql::from_row;
use crate::stats::{PeriodStats, ProvincePilot, ReportLine};
use crate::store::Store;
use crate::time::{office_day_of, start_of_office_day_rfc3339};
use hotich_protocol::pilot::ProvincePilotReport;

/// One case received or registered in the period, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PeriodCaseRow {
    pub case_id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub event_date: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub deadline: NaiveDate,
    /// The office day the case was opened (notification received).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_on: NaiveDate,
    pub from_notification: bool,
    pub status: CaseStatus,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub registered_on: Option<NaiveDate>,
    /// "số 12, quyển 01/2026".
    pub register_entry: Option<String>,
    /// Registered after the deadline.
    pub late: Option<bool>,
    pub days_to_registration: Option<u32>,
    pub attempts: u32,
    pub assignee_name: Option<String>,
}

/// The file kinds an export writes, named by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    pub fn of_path(path: &Path) -> Result<ExportFormat> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(ExportFormat::Csv),
            Some("xlsx") => Ok(ExportFormat::Xlsx),
            _ => Err(invalid_with(
                InputField::ExportFile,
                InputReason::UnsupportedExportFile,
                [("path", path.display().to_string())],
            )),
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ExportSummary {
    pub path: String,
    pub format: ExportFormat,
    pub figure_lines: u32,
    pub cases: u32,
}

const CASE_HEADERS: [&str; 14] = [
    "Mã hồ sơ",
    "Loại",
    "Họ tên",
    "Ngày sự kiện",
    "Hạn đăng ký",
    "Ngày nhận",
    "Có thông báo",
    "Trạng thái",
    "Ngày đăng ký",
    "Số, quyển",
    "Đúng hạn",
    "Số ngày đến đăng ký",
    "Số lần liên hệ",
    "Cán bộ",
];

fn kind_label(kind: EventKind) -> &'static str {
    crate::labels::event_kind(crate::labels::Lang::Vi, kind)
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "có"
    } else {
        "không"
    }
}

fn case_cells(row: &PeriodCaseRow) -> [String; 14] {
    let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    [
        row.case_id.clone(),
        kind_label(row.kind).to_owned(),
        row.name.clone(),
        date(row.event_date),
        date(row.deadline),
        date(row.received_on),
        yes_no(row.from_notification).to_owned(),
        row.status.label_vi().to_owned(),
        row.registered_on.map(date).unwrap_or_default(),
        row.register_entry.clone().unwrap_or_default(),
        row.late
            .map(|late| yes_no(!late).to_owned())
            .unwrap_or_default(),
        row.days_to_registration
            .map(|d| d.to_string())
            .unwrap_or_default(),
        row.attempts.to_string(),
        row.assignee_name.clone().unwrap_or_default(),
    ]
}

/// Writes `records` as RFC 4180 as Excel reads it: comma-separated, a field
/// quoted only when it holds a comma, a quote or a line break, CRLF line
/// ends, records of different widths allowed.
pub(crate) fn write_records<R, F>(
    out: &mut impl Write,
    records: impl IntoIterator<Item = R>,
) -> Result<()>
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut csv = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    for record in records {
        let record = record
            .into_iter()
            .map(|field| neutralised(field.as_ref()).into_owned());
        csv.write_record(record).map_err(std::io::Error::from)?;
    }
    csv.flush()?;
    Ok(())
}

/// A cell a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-` or `@`, or with a tab or carriage return ahead of one) is written
/// with a leading `'`, which Excel and LibreOffice show as text (OWASP's
/// advice on CSV injection): a name or note typed that way stays inert.
/// Hotich's own figures and dates never start so.
fn neutralised(field: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match field.first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => {
            std::borrow::Cow::Owned([&b"'"[..], field].concat())
        }
        _ => std::borrow::Cow::Borrowed(field),
    }
}

/// The blank line between the file's tables (the csv crate would write an
/// empty record as `""`).
const BLANK_LINE: &[u8] = b"\r\n";

fn title(stats: &PeriodStats) -> String {
    format!(
        "Thống kê đăng ký khai sinh, khai tử từ {} đến {}",
        stats.from.format("%d/%m/%Y"),
        stats.to.format("%d/%m/%Y")
    )
}

const MONTH_HEADERS: [&str; 5] = ["Tháng", "Loại", "Nhận", "Đã đăng ký", "Đúng hạn"];
const FIGURE_HEADERS: [&str; 3] = ["Chỉ tiêu", "Khai sinh", "Khai tử"];

/// The figures as CSV records: the heading's lines, the column headers, then
/// each report line.
fn figure_records(
    heading: &[String],
    lines: Vec<ReportLine>,
) -> impl Iterator<Item = Vec<String>> + '_ {
    heading
        .iter()
        .map(|text| vec![text.clone()])
        .chain(std::iter::once(FIGURE_HEADERS.map(str::to_owned).to_vec()))
        .chain(
            lines
                .into_iter()
                .map(|line| vec![line.label, line.birth, line.death]),
        )
}

fn write_csv(path: &Path, stats: &PeriodStats, cases: &[PeriodCaseRow]) -> Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    write_csv_to(&mut file, stats, cases)?;
    file.into_inner()
        .map_err(|e| CoreError::Io(e.into_error()))?
        .sync_all()?;
    Ok(())
}

fn write_csv_to(out: &mut impl Write, stats: &PeriodStats, cases: &[PeriodCaseRow]) -> Result<()> {
    // The byte-order mark tells Excel the file is UTF-8.
    out.write_all("\u{feff}".as_bytes())?;
    write_records(out, figure_records(&[title(stats)], stats.report_lines()))?;
    out.write_all(BLANK_LINE)?;
    let months = stats.monthly.iter().map(|month| {
        vec![
            month.month.clone(),
            kind_label(month.kind).to_owned(),
            month.received.to_string(),
            month.registered.to_string(),
            month.registered_on_time.to_string(),
        ]
    });
    write_records(
        out,
        std::iter::once(MONTH_HEADERS.map(str::to_owned).to_vec()).chain(months),
    )?;
    out.write_all(BLANK_LINE)?;
    let rows = cases.iter().map(|row| case_cells(row).to_vec());
    write_records(
        out,
        std::iter::once(CASE_HEADERS.map(str::to_owned).to_vec()).chain(rows),
    )?;
    out.flush()?;
    Ok(())
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> CoreError {
    CoreError::Io(std::io::Error::other(e.to_string()))
}

/// One bold header cell per column on `row`.
fn write_headers(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    headers: &[&str],
    bold: &rust_xlsxwriter::Format,
) -> Result<()> {
    for (col, header) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(row, col as u16, *header, bold)
            .map_err(xlsx_error)?;
    }
    Ok(())
}

/// A sheet of report lines under the heading's lines (bold), a blank row,
/// then the column headers.
fn write_figures_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    name: &str,
    heading: &[String],
    lines: &[ReportLine],
    bold: &rust_xlsxwriter::Format,
) -> Result<()> {
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(xlsx_error)?;
    for (row, text) in heading.iter().enumerate() {
        sheet
            .write_string_with_format(row as u32, 0, text, bold)
            .map_err(xlsx_error)?;
    }
    let top = heading.len() as u32 + 1;
    write_headers(sheet, top, &FIGURE_HEADERS, bold)?;
    for (index, line) in lines.iter().enumerate() {
        let row = top + 1 + index as u32;
        sheet
            .write_string(row, 0, &line.label)
            .map_err(xlsx_error)?;
        for (col, value) in [(1, &line.birth), (2, &line.death)] {
            // Counts as numbers, so the sheet can add them up.
            match value.parse::<f64>() {
                Ok(number) => sheet.write_number(row, col, number),
                Err(_) => sheet.write_string(row, col, value),
            }
            .map_err(xlsx_error)?;
        }
    }
    sheet.set_column_width(0, 58).map_err(xlsx_error)?;
    Ok(())
}

fn write_xlsx(path: &Path, stats: &PeriodStats, cases: &[PeriodCaseRow]) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();

    write_figures_sheet(
        &mut book,
        "Số liệu",
        &[title(stats)],
        &stats.report_lines(),
        &bold,
    )?;

    let sheet = book.add_worksheet();
    sheet.set_name("Theo tháng").map_err(xlsx_error)?;
    write_headers(sheet, 0, &MONTH_HEADERS, &bold)?;
    for (index, month) in stats.monthly.iter().enumerate() {
        let row = 1 + index as u32;
        sheet
            .write_string(row, 0, &month.month)
            .map_err(xlsx_error)?;
        sheet
            .write_string(row, 1, kind_label(month.kind))
            .map_err(xlsx_error)?;
        for (col, value) in [
            (2, month.received),
            (3, month.registered),
            (4, month.registered_on_time),
        ] {
            sheet
                .write_number(row, col, value as f64)
                .map_err(xlsx_error)?;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name("Hồ sơ").map_err(xlsx_error)?;
    write_headers(sheet, 0, &CASE_HEADERS, &bold)?;
    for (index, row) in cases.iter().enumerate() {
        for (col, cell) in case_cells(row).iter().enumerate() {
            sheet
                .write_string(1 + index as u32, col as u16, cell)
                .map_err(xlsx_error)?;
        }
    }
    book.save(path).map_err(xlsx_error)
}

impl Store {
    /// The cases received or registered in [from, to], by type then by
    /// the day they arrived.
    pub fn period_cases(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<PeriodCaseRow>> {
        let (since, until) = (
            start_of_office_day_rfc3339(from),
            start_of_office_day_rfc3339(to + Days::new(1)),
        );
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id AS case_id, c.kind, c.subject_name AS name, c.event_date, c.deadline,
                    c.opened_at, c.notification_id IS NOT NULL AS from_notification, c.status,
                    c.registered_on, r.number, r.book,
                    (SELECT count(*) FROM case_event e WHERE e.case_id = c.id AND e.kind = 'attempt')
                        AS attempts,
                    o.full_name AS assignee_name
             FROM case_file c
             LEFT JOIN registration r ON r.case_id = c.id
             LEFT JOIN officer o ON o.id = c.assignee
             WHERE c.seq IN (SELECT seq FROM case_file WHERE opened_at >= ?1 AND opened_at < ?2
                             UNION
                             SELECT seq FROM case_file WHERE registered_on >= ?3 AND registered_on <= ?4)
             ORDER BY c.kind, c.opened_at, c.seq",
        )?;
        let rows = stmt.query_map(
            params![since, until, from.to_string(), to.to_string()],
            |row| {
                let event_date: NaiveDate = row.get("event_date")?;
                let deadline: NaiveDate = row.get("deadline")?;
                let registered_on: Option<NaiveDate> = row.get("registered_on")?;
                let number: Option<u32> = row.get("number")?;
                let book: Option<String> = row.get("book")?;
                let opened_at = row.as_ref().column_index("opened_at")?;
                Ok(from_row!(row => PeriodCaseRow {
                    case_id, kind, name, from_notification, status, attempts, assignee_name;
                    event_date,
                    deadline,
                    received_on: office_day_of(&row.get::<_, String>(opened_at)?).ok_or_else(|| {
                        rusqlite::Error::InvalidColumnType(
                            opened_at,
                            "opened_at".into(),
                            rusqlite::types::Type::Text,
                        )
                    })?,
                    registered_on,
                    register_entry: number
                        .zip(book)
                        .map(|(number, book)| format!("số {number}, quyển {book}")),
                    // On time up to and on the deadline day (Law on Civil
                    // Status 2014, Art. 15(1), 33(1); see stats::period_stats).
                    late: registered_on.map(|on| on > deadline),
                    days_to_registration: registered_on
                        .map(|on| u32::try_from((on - event_date).num_days()).unwrap_or(0)),
                }))
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Writes a period's figures, monthly trend and case list to `path`
    /// (.csv or .xlsx). Supervisors only: the list names people.
    /// Audits an export of the period `from`..=`to` in `format` (the file's
    /// extension) holding `rows` case lines; the PDF report records its own.
    pub fn record_export(
        &self,
        actor: &Officer,
        from: NaiveDate,
        to: NaiveDate,
        format: &str,
        rows: usize,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.record_act(
            crate::audit::AuditAction::Export,
            &format!("{from}..{to}"),
            &actor.id,
            &format!("{format} rows={rows}"),
            now,
        )
    }

    pub fn export_period(
        &self,
        actor: &Officer,
        from: NaiveDate,
        to: NaiveDate,
        path: &Path,
        now: DateTime<Utc>,
    ) -> Result<ExportSummary> {
        actor.require_supervisor(crate::error::ForbiddenAction::ExportStats)?;
        let format = ExportFormat::of_path(path)?;
        let stats = self.period_stats(from, to)?;
        let cases = self.period_cases(from, to)?;
        match format {
            ExportFormat::Csv => write_csv(path, &stats, &cases)?,
            ExportFormat::Xlsx => write_xlsx(path, &stats, &cases)?,
        }
        self.record_export(actor, from, to, format.extension(), cases.len(), now)?;
        Ok(ExportSummary {
            path: path.display().to_string(),
            format,
            figure_lines: u32::try_from(stats.report_lines().len()).unwrap_or(u32::MAX),
            cases: u32::try_from(cases.len()).unwrap_or(u32::MAX),
        })
    }

    /// Supervisors: the province's pilot figures as the registry counted
    /// them (`hotich_sync::reports`) written to `path` as CSV or XLSX by its
    /// extension, their lines worked out here from the figures; audited as
    /// an export.
    pub fn export_province_pilot(
        &self,
        actor: &Officer,
        report: &ProvincePilotReport,
        path: &Path,
        now: DateTime<Utc>,
    ) -> Result<ExportSummary> {
        actor.require_supervisor(crate::error::ForbiddenAction::ExportStats)?;
        let format = ExportFormat::of_path(path)?;
        let pilot = ProvincePilot::of(report.clone());
        let heading = pilot.heading();
        let count = pilot.lines.len();
        match format {
            ExportFormat::Csv => {
                let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
                file.write_all("\u{feff}".as_bytes())?;
                write_records(&mut file, figure_records(&heading, pilot.lines))?;
                file.into_inner()
                    .map_err(|e| CoreError::Io(e.into_error()))?
                    .sync_all()?;
            }
            ExportFormat::Xlsx => {
                let mut book = rust_xlsxwriter::Workbook::new();
                let bold = rust_xlsxwriter::Format::new().set_bold();
                write_figures_sheet(&mut book, "Thí điểm", &heading, &pilot.lines, &bold)?;
                book.save(path).map_err(xlsx_error)?;
            }
        }
        let what = format!("{} tỉnh {}", format.extension(), report.province_code);
        self.record_export(
            actor,
            report.figures.from,
            report.figures.to,
            &what,
            count,
            now,
        )?;
        Ok(ExportSummary {
            path: path.display().to_string(),
            format,
            figure_lines: u32::try_from(count).unwrap_or(u32::MAX),
            cases: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_text(records: &[&[&str]]) -> String {
        let mut out = Vec::new();
        write_records(&mut out, records.iter().map(|r| r.iter())).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_text(&[&["Nguyễn Văn An"]]), "Nguyễn Văn An\r\n");
        assert_eq!(
            csv_text(&[&["số 12, quyển 01/2026"]]),
            "\"số 12, quyển 01/2026\"\r\n"
        );
        assert_eq!(csv_text(&[&["nói \"không\""]]), "\"nói \"\"không\"\"\"\r\n");
        assert_eq!(csv_text(&[&["dòng 1\ndòng 2"]]), "\"dòng 1\ndòng 2\"\r\n");
        assert_eq!(csv_text(&[&["a", "", "b"], &["", "d"]]), "a,,b\r\n,d\r\n");
    }

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_written_as_text() {
        assert_eq!(
            csv_text(&[&[
                "=HYPERLINK(\"http://x.invalid\")",
                "+84912",
                "-1",
                "@SUM(A1)"
            ]]),
            "\"'=HYPERLINK(\"\"http://x.invalid\"\")\",'+84912,'-1,'@SUM(A1)\r\n"
        );
        assert_eq!(csv_text(&[&["\t=1+2"]]), "'\t=1+2\r\n");
        // Only the first character counts: an inner sign or a date stays as it is.
        assert_eq!(
            csv_text(&[&["Lê Thị Hoa-Mai", "2026-11-30", "12"]]),
            "Lê Thị Hoa-Mai,2026-11-30,12\r\n"
        );
    }

    #[test]
    fn the_csv_file_has_a_bom_and_blank_lines_between_its_tables() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let stats = PeriodStats {
            from: day,
            to: day,
            birth: crate::stats::KindStats::empty(EventKind::Birth),
            death: crate::stats::KindStats::empty(EventKind::Death),
            monthly: Vec::new(),
            facilities: Vec::new(),
            pilot: hotich_protocol::pilot::PilotFigures::empty(day, day),
        };
        let mut out = Vec::new();
        write_csv_to(&mut out, &stats, &[]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with('\u{feff}'), "{text}");
        assert!(text
            .lines()
            .next()
            .unwrap_or_default()
            .contains("30/11/2026"));
        assert!(
            text.contains("\r\n\r\nTháng,Loại,Nhận,Đã đăng ký,Đúng hạn\r\n\r\nMã hồ sơ,Loại,"),
            "{text}"
        );
        assert!(text.ends_with("Cán bộ\r\n"), "{text}");
        assert_eq!(text.lines().filter(|line| line.is_empty()).count(), 2);
        assert!(!text.contains("\"\""));
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(
            ExportFormat::of_path(Path::new("bao-cao.CSV")).unwrap(),
            ExportFormat::Csv
        );
        assert_eq!(
            ExportFormat::of_path(Path::new("/tmp/bao-cao.xlsx")).unwrap(),
            ExportFormat::Xlsx
        );
        assert!(ExportFormat::of_path(Path::new("bao-cao.pdf")).is_err());
        assert!(ExportFormat::of_path(Path::new("bao-cao")).is_err());
    }
}
