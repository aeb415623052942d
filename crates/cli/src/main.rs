//! `hotich`: the command line over the Hotich core.
//!
//! Contract for scripts: `--json` prints machine-readable JSON on stdout;
//! errors go to stderr with a non-zero exit status and the reason.
//!
//! This file only parses and dispatches: each subcommand is a module of
//! [`command`] with its arguments and a `run(self, ctx)`; what they share
//! (the store, the acting officer, today, stdout) is [`context::Ctx`].

mod args;
mod command;
mod context;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::command::*;
use crate::context::Ctx;

#[derive(Parser, Debug)]
#[command(
    name = "hotich",
    version,
    about = "Hotich - sổ hộ tịch cấp xã: hàng đợi thông báo y tế, tra cứu, cách ly"
)]
struct Cli {
    /// SQLite database file [default: $HOTICH_DB, else the desktop app's database]
    #[arg(long, global = true, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Count deadlines from this day instead of today (yyyy-mm-dd)
    #[arg(long, global = true, value_name = "DATE")]
    today: Option<NaiveDate>,
    /// The officer acting (password in $HOTICH_PASSWORD) [default: $HOTICH_USER]
    #[arg(long, global = true, value_name = "USERNAME")]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

// Every subcommand; a variant's help is the doc comment of its arguments.
#[derive(Subcommand, Debug)]
enum Command {
    /// The facility trust list (which key belongs to which health facility)
    #[command(subcommand)]
    Trust(trust::Trust),
    Import(import::Import),
    Cases(cases::Cases),
    /// Officer accounts
    #[command(subcommand)]
    Officer(officer::Officer),
    Assign(cases::Assign),
    /// Family outreach on a case
    #[command(subcommand)]
    Outreach(outreach::Outreach),
    Status(case::Status),
    Template(template::Template),
    Case(case::Case),
    Quarantine(import::Quarantine),
    OpenCase(case::OpenCase),
    Draft(registration::Draft),
    Register(registration::Register),
    Amend(registration::Amend),
    Registrations(registration::Registrations),
    Registration(registration::Registration),
    /// The audit log of registrations and amendments
    #[command(subcommand)]
    Audit(audit::Audit),
    Sync(sync::Sync),
    Stats(stats::Stats),
    Dashboard(stats::Dashboard),
    Export(export::Export),
    Extract(extract::Extract),
    VerifyExtract(extract::VerifyExtract),
    PrintLog(print_log::PrintLog),
    Office(office::Office),
}

impl Command {
    fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self {
            Command::Trust(command) => command.run(ctx),
            Command::Import(command) => command.run(ctx),
            Command::Cases(command) => command.run(ctx),
            Command::Officer(command) => command.run(ctx),
            Command::Assign(command) => command.run(ctx),
            Command::Outreach(command) => command.run(ctx),
            Command::Status(command) => command.run(ctx),
            Command::Template(command) => command.run(ctx),
            Command::Case(command) => command.run(ctx),
            Command::Quarantine(command) => command.run(ctx),
            Command::OpenCase(command) => command.run(ctx),
            Command::Draft(command) => command.run(ctx),
            Command::Register(command) => command.run(ctx),
            Command::Amend(command) => command.run(ctx),
            Command::Registrations(command) => command.run(ctx),
            Command::Registration(command) => command.run(ctx),
            Command::Audit(command) => command.run(ctx),
            Command::Sync(command) => command.run(ctx),
            Command::Stats(command) => command.run(ctx),
            Command::Dashboard(command) => command.run(ctx),
            Command::Export(command) => command.run(ctx),
            Command::Extract(command) => command.run(ctx),
            Command::VerifyExtract(command) => command.run(ctx),
            Command::PrintLog(command) => command.run(ctx),
            Command::Office(command) => command.run(ctx),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let run = Ctx::open(cli.db, cli.today, cli.user).and_then(|mut ctx| cli.command.run(&mut ctx));
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("lỗi: {error:#}");
            ExitCode::FAILURE
        }
    }
}
