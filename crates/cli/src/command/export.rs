//! `hotich export`: a period's figures to CSV or XLSX, or its printable
//! report to PDF, by the file's extension (`hotich_extract::export_period`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use hotich_extract::PeriodExport;

use crate::context::Ctx;

/// Write a period's figures, monthly trend and case list to FILE.csv
/// (UTF-8 with BOM, for Excel) or FILE.xlsx, or the printable report to
/// FILE.pdf (supervisors, --user)
#[derive(Args, Debug)]
pub struct Export {
    #[arg(long, value_name = "DATE")]
    from: NaiveDate,
    #[arg(long, value_name = "DATE")]
    to: NaiveDate,
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

impl Export {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let actor = ctx.acting()?;
        let written = hotich_extract::export_period(
            &ctx.store,
            &actor,
            self.from,
            self.to,
            ctx.today,
            &self.out,
            chrono::Utc::now(),
        )?;
        match written {
            PeriodExport::Report { pages, .. } => writeln!(
                ctx.out,
                "Đã lưu báo cáo {} ({pages} trang).",
                self.out.display()
            )?,
            PeriodExport::Table(summary) => writeln!(
                ctx.out,
                "Đã xuất {} chỉ tiêu và {} hồ sơ vào {}.",
                summary.figure_lines, summary.cases, summary.path
            )?,
        }
        Ok(())
    }
}
