//! `hotich backup` and `hotich restore`: the register backed up to a file
//! and restored from one (supervisors, --user), through
//! `hotich_core::backup`.

use std::path::PathBuf;

use anyhow::Result;
use chrono::Utc;
use clap::Args;

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
