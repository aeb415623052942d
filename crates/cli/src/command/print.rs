//! `hotich print`: a registration's paper to PDF, the Giấy khai sinh on the
//! Ministry's pre-printed blank (`--blank SERIAL`, shifted by the printer's
//! calibration), a spoiled blank, a printer's calibration and its alignment
//! test page. Each is one `hotich_extract` call, the desktop's too.

use std::path::PathBuf;

use anyhow::Result;
use chrono::Utc;
use clap::{Args, Subcommand};
use hotich_core::labels::{invalid_input, Lang};
use hotich_core::{DocumentKind, InputField, InputReason, PrinterCalibration};
use hotich_extract::{BlankRequest, PaperRequest, Printed};
use serde::Serialize;

use crate::args::parse_document;
use crate::context::Ctx;

/// Print a registration's paper to PDF (on a pre-printed blank with --blank), record a spoiled blank, calibrate a printer
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Print {
    #[command(subcommand)]
    action: Option<PrintAction>,
    #[command(flatten)]
    paper: PaperArgs,
}

#[derive(Args, Debug)]
struct PaperArgs {
    /// The case (or the registration) id
    #[arg(required = true)]
    registration: Option<String>,
    /// birth-certificate, birth-extract or death-extract
    #[arg(long, value_parser = parse_document, default_value = "birth-certificate")]
    document: DocumentKind,
    /// The serial number of the pre-printed blank (phôi) the Giấy khai sinh is printed on
    #[arg(long, value_name = "SERIAL")]
    blank: Option<String>,
    /// The printer whose calibration shifts the blank print
    #[arg(long, value_name = "NAME", requires = "blank")]
    printer: Option<String>,
    #[arg(long, value_name = "FILE.pdf", required = true)]
    out: Option<PathBuf>,
    /// Copies printed (pages in the PDF); a blank is one sheet
    #[arg(long, default_value_t = 1, conflicts_with = "blank")]
    copies: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum PrintAction {
    /// Record a pre-printed blank as spoiled (its own line of the print log)
    Spoiled {
        #[arg(long, value_name = "SERIAL")]
        serial: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Save a printer's offsets for blank prints (mm, -10 to 10; x to the right, y downwards)
    Calibrate {
        #[arg(long, value_name = "NAME")]
        printer: String,
        #[arg(long, value_name = "MM", allow_negative_numbers = true)]
        x: f64,
        #[arg(long, value_name = "MM", allow_negative_numbers = true)]
        y: f64,
        #[arg(long)]
        json: bool,
    },
    /// Save the alignment test page of a printer (its saved offsets applied) as PDF
    TestPage {
        #[arg(long, value_name = "NAME")]
        printer: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

impl Print {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self.action {
            Some(action) => action.run(ctx),
            None => self.paper.run(ctx),
        }
    }
}

/// `value` as JSON when `json`, else the one line `line` words it.
fn say<T: Serialize>(
    ctx: &mut Ctx,
    json: bool,
    value: &T,
    line: impl Fn(&T) -> String,
) -> Result<()> {
    ctx.out.emit(json, value, |out, value| {
        Ok(writeln!(out, "{}", line(value))?)
    })
}

impl PaperArgs {
    fn run(self, ctx: &mut Ctx) -> Result<()> {
        let (Some(id), Some(out)) = (&self.registration, &self.out) else {
            anyhow::bail!("cần mã hồ sơ và --out");
        };
        let officer = ctx.acting()?;
        let registration = match ctx.store.registration_of_case(id)? {
            Some(registration) => registration,
            None => ctx.store.registration(id)?,
        };
        let (today, now) = (ctx.today, Utc::now());
        let printed: Printed = match &self.blank {
            Some(serial) => {
                if self.document != DocumentKind::BirthCertificate {
                    let params = [("document".to_owned(), self.document.as_str().to_owned())];
                    anyhow::bail!(invalid_input(
                        Lang::Vi,
                        InputField::Document,
                        InputReason::BlankOnlyBirthCertificate,
                        &params.into_iter().collect(),
                    ));
                }
                let request = BlankRequest {
                    registration_id: &registration.id,
                    serial,
                    printer: self.printer.as_deref(),
                };
                let store = &mut ctx.store;
                let entry = hotich_extract::print_on_blank(
                    store,
                    &officer,
                    request,
                    today,
                    now,
                    Some(out),
                )?;
                // The Ministry's blank carries no QR and no copy code.
                Printed {
                    pdf: Vec::new(),
                    codes: Vec::new(),
                    entry,
                }
            }
            None => {
                let request = PaperRequest::new(&registration.id, self.document, self.copies);
                let store = &mut ctx.store;
                hotich_extract::save_paper_pdf(store, &officer, request, today, now, out)?
            }
        };
        say(ctx, self.json, &printed, |printed| {
            let e = &printed.entry;
            let mut said = format!(
                "Đã in {} số {}, quyển {}",
                e.document.label_vi(),
                e.number,
                e.book
            );
            if let Some(serial) = &e.blank_serial {
                said.push_str(&format!(" trên phôi số {serial}"));
            }
            let reprint = if e.reprint { ", in lại" } else { "" };
            said.push_str(&format!(
                " ({} bản{reprint}) vào {}.",
                e.copies,
                out.display()
            ));
            if !printed.codes.is_empty() {
                said.push_str(&format!(" Mã xác minh: {}", printed.codes.join(", ")));
            }
            said
        })
    }
}

impl PrintAction {
    fn run(self, ctx: &mut Ctx) -> Result<()> {
        let officer = ctx.acting()?;
        let now = Utc::now();
        match self {
            PrintAction::Spoiled {
                serial,
                reason,
                json,
            } => {
                let store = &mut ctx.store;
                let spoiled =
                    hotich_extract::record_spoiled_blank(store, &officer, &serial, &reason, now)?;
                say(ctx, json, &spoiled, |s| {
                    format!("Đã ghi phôi số {} bị hỏng: {}", s.blank_serial, s.reason)
                })
            }
            PrintAction::Calibrate {
                printer,
                x,
                y,
                json,
            } => {
                let saved = ctx
                    .store
                    .save_printer_calibration(&officer, &printer, x, y, now)?;
                say(ctx, json, &saved, |c| {
                    format!("Máy in {}: {}", c.printer, offsets(c))
                })
            }
            PrintAction::TestPage { printer, out, json } => {
                let used = hotich_extract::save_test_page(&ctx.store, &printer, &out)?;
                say(ctx, json, &used, |c| {
                    let (name, offsets, to) = (&c.printer, offsets(c), out.display());
                    format!("Đã lưu trang thử căn lề của máy in {name} ({offsets}) vào {to}")
                })
            }
        }
    }
}

/// "lệch ngang +1.5 mm, dọc -2.0 mm".
fn offsets(calibration: &PrinterCalibration) -> String {
    format!(
        "lệch ngang {:+.1} mm, dọc {:+.1} mm",
        calibration.offset_x_mm, calibration.offset_y_mm
    )
}
