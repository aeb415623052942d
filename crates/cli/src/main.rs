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
    about = "Hotich - sổ hộ tịch cấp xã: hàng đợi thông báo y tế, tra cứu, thông báo không hợp lệ"
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

/// Declares [`Command`], a variant a subcommand named as the arguments' type
/// it holds, and its dispatch to that type's `run`: the one list of subcommands.
/// The subcommands after `;` open the database their own way (`recover`), or
/// only when they need it (`verify-paper` without `--trust`): their `run`
/// takes the `--db` given instead of the opened store.
macro_rules! subcommands {
    (
        $($(#[$attr:meta])* $module:ident::$name:ident,)*
        ;
        $($(#[$own_attr:meta])* $own_module:ident::$own_name:ident,)*
    ) => {
        // A variant's help is the doc comment of its arguments.
        #[derive(Subcommand, Debug)]
        enum Command {
            $($(#[$attr])* $name($module::$name),)*
            $($(#[$own_attr])* $own_name($own_module::$own_name),)*
        }

        impl Command {
            fn run(self, cli: Globals) -> Result<()> {
                match self {
                    $(Command::$name(command) => {
                        command.run(&mut Ctx::open(cli.db, cli.today, cli.user)?)
                    })*
                    $(Command::$own_name(command) => command.run(cli.db),)*
                }
            }
        }
    };
}

/// The options every subcommand takes.
struct Globals {
    db: Option<PathBuf>,
    today: Option<NaiveDate>,
    user: Option<String>,
}

subcommands! {
    /// The facility trust list (which key belongs to which health facility)
    #[command(subcommand)]
    trust::Trust,
    import::Import,
    cases::Cases,
    /// Officer accounts
    #[command(subcommand)]
    officer::Officer,
    cases::Assign,
    /// Family outreach on a case
    #[command(subcommand)]
    outreach::Outreach,
    case::Status,
    template::Template,
    case::Case,
    import::Quarantine,
    case::OpenCase,
    registration::Draft,
    registration::Register,
    registration::Amend,
    /// Amendments waiting for a supervisor: list, approve, reject
    #[command(subcommand)]
    amendment::Amendment,
    registration::Registrations,
    registration::Registration,
    registration::HealthShare,
    /// The audit trail: check it, read it (supervisors)
    #[command(subcommand)]
    audit::Audit,
    sync::Sync,
    stats::Stats,
    stats::Dashboard,
    export::Export,
    extract::Extract,
    extract::VerifyExtract,
    print::Print,
    print_log::PrintLog,
    office::Office,
    backup::Backup,
    backup::Restore,
    /// Scheduled backups: folder, status, one now if due
    #[command(subcommand)]
    backup::Backups,
    /// The office calendar: days off, make-up working days, the official schedule (supervisors import it)
    #[command(subcommand)]
    calendar::Calendar,
    ;
    recover::Recover,
    verify_paper::VerifyPaper,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let globals = Globals {
        db: cli.db,
        today: cli.today,
        user: cli.user,
    };
    let run = cli.command.run(globals);
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("lỗi: {error:#}");
            ExitCode::FAILURE
        }
    }
}
