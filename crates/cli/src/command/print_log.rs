//! `hotich print-log`: every print of a paper (with each copy's code) and
//! every spoiled blank, newest first; `print-log withdraw` withdraws one
//! printed copy (supervisors).

use anyhow::Result;
use chrono::Utc;
use clap::{Args, Subcommand};
use hotich_core::{PrintLogEntry, PrintLogLine};

use crate::context::Ctx;

/// Every print of a paper and every spoiled blank, newest first; withdraw a printed copy (supervisors)
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PrintLog {
    #[command(subcommand)]
    action: Option<PrintLogAction>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum PrintLogAction {
    /// Withdraw one printed copy by its code (reported lost, issued in error): the registry then answers "withdrawn" for it
    Withdraw {
        /// The copy's code, as printed under its QR
        code: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

fn copies(entry: &PrintLogEntry) -> String {
    let codes: Vec<String> = entry
        .copy_codes
        .iter()
        .map(|copy| match copy.withdrawn_at {
            Some(_) => format!("{} (đã thu hồi)", copy.code),
            None => copy.code.clone(),
        })
        .collect();
    if codes.is_empty() {
        String::new()
    } else {
        format!("  mã {}", codes.join(", "))
    }
}

impl PrintLog {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let officer = ctx.acting()?;
        if let Some(PrintLogAction::Withdraw { code, reason, json }) = self.action {
            let withdrawn = ctx
                .store
                .withdraw_copy(&officer, &code, &reason, Utc::now())?;
            return ctx.out.emit(json, &withdrawn, |out, w| {
                writeln!(
                    out,
                    "Đã thu hồi bản {} lúc {}: {}",
                    w.code, w.withdrawn_at, w.reason
                )?;
                Ok(())
            });
        }
        let log = ctx.store.print_log(&officer)?;
        ctx.out
            .emit_rows(self.json, &log, Some("dòng"), |line| match line {
                PrintLogLine::Printed(e) => format!(
                    "{}  {:<20}  {:<18}  số {:>5} quyển {}  {:<28}  {} bản{}{}{}",
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
                        .unwrap_or_default(),
                    copies(e)
                ),
                PrintLogLine::Spoiled(s) => format!(
                    "{}  {:<20}  phôi số {} hỏng: {}",
                    s.recorded_at, s.officer_username, s.blank_serial, s.reason
                ),
            })
    }
}
