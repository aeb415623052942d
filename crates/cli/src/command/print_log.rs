//! `hotich print-log`: every print of a paper, newest first (supervisors).

use anyhow::Result;
use clap::Args;

use crate::context::Ctx;

/// Every print of a paper, newest first (supervisors)
#[derive(Args, Debug)]
pub struct PrintLog {
    #[arg(long)]
    json: bool,
}

impl PrintLog {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let officer = ctx.acting()?;
        let log = ctx.store.print_log(&officer)?;
        ctx.out.emit_rows(self.json, &log, Some("lần in"), |e| {
            format!(
                "{}  {:<20}  {:<18}  số {:>5} quyển {}  {:<28}  {} bản{}",
                e.printed_at,
                e.officer_username,
                e.document.as_str(),
                e.number,
                e.book,
                e.subject_name,
                e.copies,
                if e.reprint { "  (in lại)" } else { "" }
            )
        })
    }
}
