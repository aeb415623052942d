//! `hotich import` (files of signed notifications, each file's format told
//! by the core) and `hotich quarantine`
//! (those that failed verification).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use chrono::Utc;
use clap::Args;
use hotich_core::ImportSummary;

use crate::context::Ctx;

/// Import files of signed notifications: Hotich JSON envelopes, or the signed XML of a death notice (HSDLGBT), birth certificate (HSDLGCS) or XML 130 set (GIAMDINHHS)
#[derive(Args, Debug)]
pub struct Import {
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print {"imported","unchanged","updated","voided","quarantined"}
    #[arg(long)]
    json: bool,
}

impl Import {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let mut total = ImportSummary::default();
        for file in &self.files {
            let summary = ctx
                .store
                .import_file(file, Utc::now(), &mut |_| {})
                .with_context(|| format!("nhập {}", file.display()))?;
            total.add(&summary);
        }
        ctx.out.emit(self.json, &total, |out, total| {
            writeln!(
                out,
                "Mới nhập: {}  Đã có: {}  Cập nhật: {}  Đã hủy: {}  Không hợp lệ: {}",
                total.imported, total.unchanged, total.updated, total.voided, total.quarantined
            )?;
            Ok(())
        })
    }
}

/// Notifications that failed verification, with the reason
#[derive(Args, Debug)]
pub struct Quarantine {
    #[arg(long)]
    json: bool,
}

impl Quarantine {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let entries = ctx.store.quarantine()?;
        ctx.out.emit_rows(
            self.json,
            &entries,
            Some("thông báo không hợp lệ"),
            |e| {
                format!(
                    "{}  {}  {} v{}  {} ({})",
                    e.id,
                    e.received_at,
                    e.notification_id.as_deref().unwrap_or("?"),
                    e.version.map_or("?".into(), |v| v.to_string()),
                    e.reason_text,
                    e.detail
                )
            },
        )
    }
}
