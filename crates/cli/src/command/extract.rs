//! Papers: `hotich extract` saves one to PDF and logs the print
//! (`hotich_extract::save_paper_pdf`); `hotich verify-extract` checks one
//! against the register.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use chrono::Utc;
use clap::Args;
use hotich_core::DocumentKind;
use hotich_extract::PaperRequest;

use crate::args::parse_document;
use crate::context::Ctx;

/// Print a registration's paper to PDF and record the print (who, when, copies)
#[derive(Args, Debug)]
pub struct Extract {
    /// The case (or the registration) id
    case: String,
    /// birth-certificate, birth-extract or death-extract
    #[arg(long, value_parser = parse_document)]
    kind: DocumentKind,
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
    /// Copies printed (pages in the PDF)
    #[arg(long, default_value_t = 1)]
    copies: u32,
    #[arg(long)]
    json: bool,
}

impl Extract {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let officer = ctx.acting()?;
        let registration = match ctx.store.registration_of_case(&self.case)? {
            Some(registration) => registration,
            None => ctx.store.registration(&self.case)?,
        };
        let request = PaperRequest::new(&registration.id, self.kind, self.copies);
        let printed = hotich_extract::save_paper_pdf(
            &mut ctx.store,
            &officer,
            request,
            ctx.today,
            Utc::now(),
            &self.out,
        )?;
        ctx.out.emit(self.json, &printed, |out, printed| {
            let entry = &printed.entry;
            writeln!(
                out,
                "Đã in {} số {}, quyển {} ({} bản{}) vào {}. Mã xác minh: {}",
                self.kind.label_vi(),
                entry.number,
                entry.book,
                entry.copies,
                if entry.reprint { ", in lại" } else { "" },
                self.out.display(),
                printed.codes.join(", ")
            )?;
            Ok(())
        })
    }
}

/// Check a paper against the register by its verification code (or the QR text); exit 1 unless it matches
#[derive(Args, Debug)]
pub struct VerifyExtract {
    code: String,
    #[arg(long)]
    json: bool,
}

impl VerifyExtract {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let verdict = hotich_extract::verify(&ctx.store, &self.code)?;
        ctx.out.emit(self.json, &verdict, |out, verdict| {
            writeln!(out, "{}", verdict.message)?;
            for difference in &verdict.differences {
                let (name, printed, record) =
                    (&difference.name, &difference.printed, &difference.record);
                writeln!(
                    out,
                    "  {name}: trên giấy \"{printed}\", trong sổ \"{record}\""
                )?;
            }
            Ok(())
        })?;
        if !verdict.matches() {
            ctx.out.flush()?;
            return Err(anyhow::anyhow!("{}", verdict.message));
        }
        Ok(())
    }
}
