//! Each printer's calibration for the pre-printed blanks (phôi): how far it
//! puts the page from where the blank's fields are, saved per printer name,
//! so every blank print on that printer is shifted back by that much.
//!
//! The only writer of `print_calibration`. Nothing here is personal data:
//! a calibration is office equipment, so it is neither audited nor synced.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{invalid_with, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::print_log::bounded_text;
use crate::sql::from_row;
use crate::store::Store;

/// How far an offset may go either way, in mm: beyond this the blank is in
/// the printer wrongly, not miscalibrated.
pub const MAX_OFFSET_MM: f64 = 10.0;
/// Printer names as the system lists them stay short.
pub const MAX_PRINTER_NAME: usize = 100;

/// Where a printer puts the page: every blank print on it is moved by these
/// offsets (mm; `x` to the right, `y` downwards on the sheet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PrinterCalibration {
    pub printer: String,
    pub offset_x_mm: f64,
    pub offset_y_mm: f64,
    /// Empty for a printer never calibrated (no offsets).
    pub updated_at: String,
}

impl PrinterCalibration {
    /// A printer never calibrated: no shift.
    pub fn uncalibrated(printer: &str) -> PrinterCalibration {
        PrinterCalibration {
            printer: printer.trim().to_owned(),
            offset_x_mm: 0.0,
            offset_y_mm: 0.0,
            updated_at: String::new(),
        }
    }
}

/// The printer's name as stored: trimmed, 1 to [`MAX_PRINTER_NAME`] characters.
pub fn printer_name(text: &str) -> Result<String> {
    bounded_text(
        InputField::PrinterName,
        text.trim().to_owned(),
        MAX_PRINTER_NAME,
    )
}

fn offset(field: InputField, value: f64) -> Result<f64> {
    if value.is_finite() && (-MAX_OFFSET_MM..=MAX_OFFSET_MM).contains(&value) {
        // Tenths of a millimetre: finer than a printer's own placement.
        return Ok((value * 10.0).round() / 10.0);
    }
    Err(invalid_with(
        field,
        InputReason::OutOfRange,
        [
            ("min", format!("{}", -MAX_OFFSET_MM)),
            ("max", format!("{MAX_OFFSET_MM}")),
            ("value", format!("{value}")),
        ],
    ))
}

const CALIBRATION_SELECT: &str =
    "SELECT printer, offset_x_mm, offset_y_mm, updated_at FROM print_calibration";

fn calibration_row(row: &Row<'_>) -> rusqlite::Result<PrinterCalibration> {
    Ok(from_row!(row => PrinterCalibration { printer, offset_x_mm, offset_y_mm, updated_at }))
}

impl Store {
    /// Saves `printer`'s offsets (replacing earlier ones). Any officer who
    /// prints may calibrate: it changes where ink lands, not what it says.
    pub fn save_printer_calibration(
        &mut self,
        actor: &Officer,
        printer: &str,
        offset_x_mm: f64,
        offset_y_mm: f64,
        now: DateTime<Utc>,
    ) -> Result<PrinterCalibration> {
        let printer = printer_name(printer)?;
        let x = offset(InputField::OffsetX, offset_x_mm)?;
        let y = offset(InputField::OffsetY, offset_y_mm)?;
        self.conn.execute(
            "INSERT INTO print_calibration (printer, offset_x_mm, offset_y_mm, updated_at, officer_id)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (printer) DO UPDATE SET offset_x_mm = excluded.offset_x_mm,
                 offset_y_mm = excluded.offset_y_mm, updated_at = excluded.updated_at,
                 officer_id = excluded.officer_id",
            params![printer, x, y, now.to_rfc3339(), actor.id],
        )?;
        self.printer_calibration(&printer)
    }

    /// `printer`'s offsets, or none (zero) when it was never calibrated.
    pub fn printer_calibration(&self, printer: &str) -> Result<PrinterCalibration> {
        let printer = printer_name(printer)?;
        let found = self
            .conn
            .query_row(
                &format!("{CALIBRATION_SELECT} WHERE printer = ?1"),
                [&printer],
                calibration_row,
            )
            .optional()?;
        Ok(found.unwrap_or_else(|| PrinterCalibration::uncalibrated(&printer)))
    }

    /// Every calibrated printer, by name.
    pub fn printer_calibrations(&self) -> Result<Vec<PrinterCalibration>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{CALIBRATION_SELECT} ORDER BY printer"))?;
        let rows = stmt.query_map([], calibration_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_outside_ten_millimetres_or_not_numbers_are_refused() {
        assert_eq!(offset(InputField::OffsetX, -10.0).unwrap(), -10.0);
        assert_eq!(offset(InputField::OffsetY, 1.26).unwrap(), 1.3);
        for bad in [10.05, -11.0, f64::NAN, f64::INFINITY] {
            let error = offset(InputField::OffsetX, bad).unwrap_err();
            assert_eq!(error.code(), crate::ErrorCode::InvalidInput);
        }
        assert!(printer_name("  ").is_err());
        assert_eq!(printer_name(" HP LaserJet ").unwrap(), "HP LaserJet");
    }
}
