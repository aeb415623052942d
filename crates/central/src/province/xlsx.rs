//! The province's table as an Excel workbook: the communes' lines and the
//! totals (counts as numbers, so the sheet adds them up), then the months.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::figures::{CommuneFigures, ProvinceTable};
use super::labels::{labels, Lang};
use super::page;

fn write_line(
    sheet: &mut Worksheet,
    row: u32,
    lang: Lang,
    line: &CommuneFigures,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    let written = page::line(lang, line);
    let mut text = |col: u16, value: &str| -> Result<(), XlsxError> {
        match format {
            Some(format) => sheet.write_string_with_format(row, col, value, format),
            None => sheet.write_string(row, col, value),
        }
        .map(|_| ())
    };
    text(0, &written.name)?;
    text(5, &written.on_time)?;
    text(6, &written.mean_days)?;
    text(7, &written.health_in_time)?;
    text(8, &written.last_sync)?;
    for (col, count) in [
        (1, line.received),
        (2, line.open),
        (3, line.overdue),
        (4, line.no_contact),
        (9, line.refused),
    ] {
        sheet.write_number(row, col, f64::from(count))?;
    }
    Ok(())
}

/// The workbook's bytes.
pub fn workbook(
    lang: Lang,
    province: &str,
    table: &ProvinceTable,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<u8>, XlsxError> {
    let t = labels(lang);
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(t.province_total)?;
    let heading = format!(
        "{} · {} · {} {} - {}",
        t.title,
        province,
        t.period,
        page::day(lang, from),
        page::day(lang, to)
    );
    sheet.write_string_with_format(0, 0, &heading, &bold)?;
    for (col, (_, label)) in page::columns(lang).into_iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, label, &bold)?;
    }
    for (index, line) in table.communes.iter().enumerate() {
        write_line(sheet, 3 + index as u32, lang, line, None)?;
    }
    let totals = CommuneFigures {
        name: t.province_total.to_owned(),
        ..table.totals.clone()
    };
    write_line(
        sheet,
        3 + table.communes.len() as u32,
        lang,
        &totals,
        Some(&bold),
    )?;
    sheet.set_column_width(0, 32)?;

    let months = book.add_worksheet();
    months.set_name(t.trend)?;
    for (col, label) in [t.trend, t.trend_received, t.trend_registered]
        .iter()
        .enumerate()
    {
        months.write_string_with_format(0, col as u16, *label, &bold)?;
    }
    for (index, month) in table.trend.iter().enumerate() {
        let row = 1 + index as u32;
        months.write_string(row, 0, &month.month)?;
        months.write_number(row, 1, f64::from(month.received))?;
        months.write_number(row, 2, f64::from(month.registered))?;
    }
    book.save_to_buffer()
}
