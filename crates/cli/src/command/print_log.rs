//! `hotich print-log`: every print of a paper and every spoiled blank,
//! newest first (supervisors).

use anyhow::Result;
use clap::Args;
use hotich_core::PrintLogLine;

use crate::context::Ctx;

/// Every print of a paper and every spoiled blank, newest first (supervisors)
#[derive(Args, Debug)]
pub struct PrintLog {
    #[arg(long)]
    json: bool,
}

impl PrintLog {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let officer = ctx.acting()?;
        let log = ctx.store.print_log(&officer)?;
        ctx.out
            .emit_rows(self.json, &log, Some("dòng"), |line| match line {
                PrintLogLine::Printed(e) => format!(
                    "{}  {:<20}  {:<18}  số {:>5} quyển {}  {:<28}  {} bản{}{}",
                    e.printed_at,
                    e.officer_username,
                    e.document.as_str(),
                    e.number,
                    e.book,
                    e.subject_name,
                    e.copies,
                    if e.reprint { "  (in lại)" } else { "" },
                    e.blank_serial
                        .as_ref()
                        .map(|serial| format!("  phôi số {serial}"))
                        .unwrap_or_default()
                ),
                PrintLogLine::Spoiled(s) => format!(
                    "{}  {:<20}  phôi số {} hỏng: {}",
                    s.recorded_at, s.officer_username, s.blank_serial, s.reason
                ),
            })
    }
}
