//! The period's statistics as a printable PDF report: the issuing committee,
//! the period, the report's lines (births and deaths side by side) and the
//! month-by-month table, on A4 pages with the papers' margins and font; and
//! the province's pilot figures the same way.

use chrono::NaiveDate;
use hotich_core::labels::{self, Lang};
use hotich_core::{PeriodReport, ProvincePilot, ReportLine};
use hotich_protocol::pilot::ProvincePilotReport;
use hotich_protocol::EventKind;

use crate::content::{name_upper, nfc, Issuer};
use crate::error::Result;
use crate::render::{
    self, text_width, wrap, Face, Mark, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP,
    PAGE_HEIGHT, PAGE_WIDTH,
};

const SIZE: f32 = 11.0;
const LINE: f32 = 5.6;
/// The label column's width; the two number columns share the rest.
const LABEL_WIDTH: f32 = 100.0;

/// Lays text out page by page, top to bottom.
struct Pages {
    pages: Vec<Vec<Mark>>,
    y: f32,
}

impl Pages {
    fn new() -> Pages {
        Pages {
            pages: vec![Vec::new()],
            y: PAGE_HEIGHT - MARGIN_TOP,
        }
    }

    /// Room for `height` mm more, on a new page if this one is full.
    fn room(&mut self, height: f32) {
        if self.y - height < MARGIN_BOTTOM {
            self.pages.push(Vec::new());
            self.y = PAGE_HEIGHT - MARGIN_TOP;
        }
    }

    fn text(&mut self, x: f32, face: Face, text: &str) -> Result<()> {
        let text = nfc(text);
        let width = text_width(face, SIZE, &text)?;
        self.push(Mark::Text {
            x,
            y: self.y,
            face,
            size: SIZE,
            text,
            width,
        });
        Ok(())
    }

    fn centred(&mut self, face: Face, text: &str) -> Result<()> {
        let width = text_width(face, SIZE, &nfc(text))?;
        let x = MARGIN_LEFT + (PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - width) / 2.0;
        self.text(x, face, text)?;
        self.y -= LINE;
        Ok(())
    }

    fn right_aligned(&mut self, right: f32, face: Face, text: &str) -> Result<()> {
        let width = text_width(face, SIZE, &nfc(text))?;
        self.text(right - width, face, text)
    }

    fn rule(&mut self) {
        let y = self.y + LINE - 1.4;
        self.push(Mark::Rule {
            x1: MARGIN_LEFT,
            x2: PAGE_WIDTH - MARGIN_RIGHT,
            y,
        });
    }

    fn push(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    /// The issuing committee, top left, and room below it.
    fn office(&mut self, issuer: &Issuer) -> Result<()> {
        self.text(MARGIN_LEFT, Face::Bold, "ỦY BAN NHÂN DÂN")?;
        self.y -= LINE;
        self.text(MARGIN_LEFT, Face::Bold, &name_upper(&issuer.commune_name))?;
        self.y -= LINE * 2.0;
        Ok(())
    }

    /// The table of report lines under its header row.
    fn lines(&mut self, lines: &[ReportLine]) -> Result<()> {
        self.row(
            Face::Bold,
            "Chỉ tiêu",
            labels::event_kind(Lang::Vi, EventKind::Birth),
            labels::event_kind(Lang::Vi, EventKind::Death),
        )?;
        for line in lines {
            self.row(Face::Regular, &line.label, &line.birth, &line.death)?;
        }
        Ok(())
    }

    /// "Xã Bằng Thành, ngày 01 tháng 12 năm 2026", right-aligned.
    fn place_and_day(&mut self, issuer: &Issuer, issued_on: NaiveDate) -> Result<()> {
        self.y -= LINE;
        self.room(LINE * 2.0);
        let place = format!(
            "{}, ngày {} tháng {} năm {}",
            issuer.commune_name,
            issued_on.format("%d"),
            issued_on.format("%m"),
            issued_on.format("%Y")
        );
        self.right_aligned(PAGE_WIDTH - MARGIN_RIGHT, Face::Italic, &place)
    }

    /// A row of the table: the label wrapped in its column, two numbers.
    fn row(&mut self, face: Face, label: &str, birth: &str, death: &str) -> Result<()> {
        let lines = wrap(face, SIZE, &nfc(label), LABEL_WIDTH, LABEL_WIDTH)?;
        self.room(LINE * lines.len() as f32);
        let right = PAGE_WIDTH - MARGIN_RIGHT;
        let middle = MARGIN_LEFT + LABEL_WIDTH + (right - MARGIN_LEFT - LABEL_WIDTH) / 2.0;
        self.right_aligned(middle, face, birth)?;
        self.right_aligned(right, face, death)?;
        for line in lines {
            self.text(MARGIN_LEFT, face, &line)?;
            self.y -= LINE;
        }
        self.rule();
        Ok(())
    }
}

fn day(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// The report's pages (marks in mm), `issued_on` printed at the end.
pub fn layout(
    issuer: &Issuer,
    report: &PeriodReport,
    issued_on: NaiveDate,
) -> Result<Vec<Vec<Mark>>> {
    let mut pages = Pages::new();
    pages.office(issuer)?;
    pages.centred(Face::Bold, "BÁO CÁO THỐNG KÊ ĐĂNG KÝ KHAI SINH, KHAI TỬ")?;
    pages.centred(
        Face::Italic,
        &format!(
            "Từ ngày {} đến ngày {}",
            day(report.stats.from),
            day(report.stats.to)
        ),
    )?;
    pages.y -= LINE;
    pages.lines(&report.lines)?;
    let (births, deaths) = (
        labels::event_kind(Lang::Vi, EventKind::Birth),
        labels::event_kind(Lang::Vi, EventKind::Death),
    );

    pages.y -= LINE;
    pages.room(LINE * 3.0);
    pages.text(
        MARGIN_LEFT,
        Face::Bold,
        "Theo tháng (nhận được / đã đăng ký / đúng hạn)",
    )?;
    pages.y -= LINE * 1.5;
    pages.row(Face::Bold, "Tháng", births, deaths)?;
    let mut months: Vec<&str> = report
        .stats
        .monthly
        .iter()
        .map(|m| m.month.as_str())
        .collect();
    months.dedup();
    for month in months {
        let of = |kind: EventKind| {
            report
                .stats
                .monthly
                .iter()
                .find(|m| m.month == month && m.kind == kind)
                .map_or_else(
                    || "0 / 0 / 0".to_owned(),
                    |m| {
                        format!(
                            "{} / {} / {}",
                            m.received, m.registered, m.registered_on_time
                        )
                    },
                )
        };
        // "2026-06" -> "06/2026".
        let label = match (month.get(5..7), month.get(..4)) {
            (Some(m), Some(y)) => format!("{m}/{y}"),
            _ => month.to_owned(),
        };
        pages.row(
            Face::Regular,
            &label,
            &of(EventKind::Birth),
            &of(EventKind::Death),
        )?;
    }

    pages.place_and_day(issuer, issued_on)?;
    if let Some(head) = &report.audit_head {
        // The chain's head on paper: a cut or rebuilt chain no longer ends here.
        pages.y -= LINE * 2.0;
        pages.room(LINE);
        let anchored = format!(
            "Nhật ký kiểm tra: mục {}, mã {}",
            head.seq,
            head.hash.get(..16).unwrap_or(&head.hash)
        );
        pages.text(MARGIN_LEFT, Face::Italic, &anchored)?;
    }
    Ok(pages.pages)
}

/// The report as PDF bytes, and how many pages it has.
pub fn pdf(
    issuer: &Issuer,
    report: &PeriodReport,
    issued_on: NaiveDate,
) -> Result<(Vec<u8>, usize)> {
    let pages = layout(issuer, report, issued_on)?;
    let title = format!(
        "Báo cáo thống kê hộ tịch {} - {}",
        day(report.stats.from),
        day(report.stats.to)
    );
    Ok((render::pdf(&title, &pages, 1)?, pages.len()))
}

/// The province's pilot figures as the registry counted them, printed by
/// this office: its heading, the figures' source and how current they are,
/// the lines; `issued_on` at the end.
pub fn province_pilot_layout(
    issuer: &Issuer,
    pilot: &ProvincePilot,
    issued_on: NaiveDate,
) -> Result<Vec<Vec<Mark>>> {
    let mut pages = Pages::new();
    pages.office(issuer)?;
    pages.centred(Face::Bold, "SỐ LIỆU THÍ ĐIỂM LIÊN THÔNG TƯ PHÁP - Y TẾ")?;
    pages.centred(Face::Bold, &pilot.report.province_name)?;
    pages.centred(
        Face::Italic,
        &format!(
            "Sự kiện từ ngày {} đến ngày {}",
            day(pilot.report.figures.from),
            day(pilot.report.figures.to)
        ),
    )?;
    for note in pilot.heading().iter().skip(1) {
        pages.centred(Face::Italic, note)?;
    }
    pages.y -= LINE;
    pages.lines(&pilot.lines)?;
    pages.place_and_day(issuer, issued_on)?;
    Ok(pages.pages)
}

/// Supervisors: the province's pilot figures (their lines worked out again
/// from the figures) written to `path` as PDF; the number of pages.
pub fn save_province_pilot(
    store: &hotich_core::Store,
    actor: &hotich_core::Officer,
    report: &ProvincePilotReport,
    issued_on: NaiveDate,
    path: &std::path::Path,
) -> Result<usize> {
    actor.require_supervisor(hotich_core::ForbiddenAction::ExportStats)?;
    let pilot = ProvincePilot::of(report.clone());
    let pages = province_pilot_layout(&crate::issuer(store)?, &pilot, issued_on)?;
    let title = format!(
        "Số liệu thí điểm liên thông - {}",
        pilot.report.province_name
    );
    let bytes = render::pdf(&title, &pages, 1)?;
    std::fs::write(path, bytes).map_err(hotich_core::CoreError::from)?;
    Ok(pages.len())
}

/// Supervisors: the period's report written to `path` as PDF; the number of
/// pages.
pub fn save(
    store: &hotich_core::Store,
    actor: &hotich_core::Officer,
    from: NaiveDate,
    to: NaiveDate,
    issued_on: NaiveDate,
    path: &std::path::Path,
) -> Result<usize> {
    let report = store.period_report(actor, from, to)?;
    let (bytes, pages) = pdf(&crate::issuer(store)?, &report, issued_on)?;
    std::fs::write(path, bytes).map_err(hotich_core::CoreError::from)?;
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotich_core::{KindStats, PeriodStats, ReportLine};

    #[test]
    fn every_line_is_laid_out_and_a_long_report_continues_on_a_new_page() {
        let issuer = Issuer {
            commune_name: "Xã Bằng Thành".into(),
            province_name: "Tỉnh Thái Nguyên".into(),
        };
        let mut report = PeriodReport {
            stats: PeriodStats {
                from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
                birth: KindStats::empty(EventKind::Birth),
                death: KindStats::empty(EventKind::Death),
                monthly: Vec::new(),
                facilities: Vec::new(),
                pilot: hotich_protocol::pilot::PilotFigures::empty(
                    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
                ),
            },
            lines: vec![ReportLine {
                label: "Đăng ký đúng hạn".into(),
                birth: "12".into(),
                death: "7".into(),
            }],
            audit_head: Some(hotich_core::AuditHead {
                seq: 42,
                hash: "ab".repeat(32),
            }),
        };
        let issued = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let texts = |pages: &[Vec<Mark>]| -> Vec<String> {
            pages
                .iter()
                .flatten()
                .filter_map(|m| match m {
                    Mark::Text { text, .. } => Some(text.clone()),
                    _ => None,
                })
                .collect()
        };
        let one = layout(&issuer, &report, issued).unwrap();
        assert_eq!(one.len(), 1);
        let words = texts(&one);
        for expected in [
            "XÃ BẰNG THÀNH",
            "Từ ngày 01/01/2026 đến ngày 30/06/2026",
            "Đăng ký đúng hạn",
            "12",
            "7",
            "Xã Bằng Thành, ngày 01 tháng 07 năm 2026",
            "Nhật ký kiểm tra: mục 42, mã abababababababab",
        ] {
            assert!(words.iter().any(|w| w == expected), "{expected}: {words:?}");
        }
        report.lines = (0..80)
            .map(|i| ReportLine {
                label: format!("Chỉ tiêu {i}"),
                birth: i.to_string(),
                death: "0".into(),
            })
            .collect();
        let many = layout(&issuer, &report, issued).unwrap();
        assert!(many.len() >= 2, "80 lines need more than one page");
        let words = texts(&many);
        assert!(words.iter().any(|w| w == "Chỉ tiêu 79"));
        for page in &many {
            for mark in page {
                if let Mark::Text { y, .. } = mark {
                    assert!(*y >= MARGIN_BOTTOM && *y <= PAGE_HEIGHT - MARGIN_TOP);
                }
            }
        }
        let (bytes, pages) = pdf(&issuer, &report, issued).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        assert_eq!(pages, many.len());
    }
}
