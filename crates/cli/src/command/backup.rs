//! `hotich backup` and `hotich restore`: the register backed up to a file
//! and restored from one (supervisors, --user), through
//! `hotich_core::backup`.

use std::path::PathBuf;

use anyhow::Result;
use chrono::Utc;
use clap::{Args, Subcommand};

use crate::context::Ctx;

/// Back the database up to FILE, a new file: a consistent copy made while
/// others keep working, checked before it is reported (supervisors, --user)
#[derive(Args, Debug)]
pub struct Backup {
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[arg(long)]
    json: bool,
}

impl Backup {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let actor = ctx.acting()?;
        let made = ctx.store.back_up(&actor, &self.out, Utc::now())?;
        ctx.out.emit(self.json, &made, |out, made| {
            Ok(writeln!(
                out,
                "Đã sao lưu vào {}: {} đăng ký, nhật ký {} mục, toàn vẹn.",
                made.path, made.registrations, made.audit_entries
            )?)
        })
    }
}

/// Restore the database from the backup FILE, after checking it (integrity,
/// audit chain); the replaced database is kept beside it (supervisors, --user)
#[derive(Args, Debug)]
pub struct Restore {
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

impl Restore {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let actor = ctx.acting()?;
        let restored = ctx.store.restore(&actor, &self.file, Utc::now())?;
        ctx.out.emit(self.json, &restored, |out, r| {
            Ok(writeln!(
                out,
                "Đã khôi phục từ {}: {} đăng ký, nhật ký {} mục. Cơ sở dữ liệu cũ được giữ ở {}.",
                self.file.display(),
                r.restored.registrations,
                r.restored.audit_entries,
                r.replaced_kept_at
            )?)
        })
    }
}

/// Scheduled backups: the folder they go to, how the last went, and one
/// now when it is due (`run`, for a PC where the desktop app does not run)
#[derive(Subcommand, Debug)]
pub enum Backups {
    /// Choose the folder scheduled backups go to (supervisors, --user)
    Folder {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The folder, the last good backup, and what the header warns of
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Make the scheduled backup if one is due (a day, or 50 registrations, since the last)
    Run {
        #[arg(long)]
        json: bool,
    },
}

impl Backups {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let now = Utc::now();
        let (status, json) = match self {
            Backups::Folder { dir, json } => {
                let actor = ctx.acting()?;
                (ctx.store.set_backup_folder(&actor, &dir, now)?, json)
            }
            Backups::Status { json } => (ctx.store.backup_status(now)?, json),
            Backups::Run { json } => {
                let made = ctx.store.run_scheduled_backup(now)?;
                return ctx.out.emit(json, &made, |out, made| {
                    match made {
                        Some(made) => writeln!(out, "Đã sao lưu theo lịch vào {}.", made.path)?,
                        None => {
                            writeln!(out, "Chưa đến lịch sao lưu (hoặc chưa có thư mục sao lưu).")?
                        }
                    }
                    Ok(())
                });
            }
        };
        ctx.out.emit(json, &status, |out, status| {
            writeln!(
                out,
                "Thư mục sao lưu: {}",
                status.folder.as_deref().unwrap_or("(chưa chọn)")
            )?;
            writeln!(
                out,
                "Lần sao lưu tốt gần nhất: {}",
                status.last_at.as_deref().unwrap_or("(chưa có)")
            )?;
            if let Some(warning) = status.warning {
                let text = hotich_core::labels::backup_warning(hotich_core::Lang::Vi, warning);
                writeln!(out, "Cảnh báo: {text}")?;
            }
            Ok(())
        })
    }
}
