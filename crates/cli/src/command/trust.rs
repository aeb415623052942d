//! `hotich trust`: the pinned registry root key and the signed trust list
//! (Hotich's own envelopes), and the X.509 trust of the health sector's
//! signed XML: `ca`, `facility-cert`, `crl` (one module each under `trust/`).

mod ca;
mod crl;
mod facility_cert;

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use hotich_core::{Officer, Store, X509Entry};
use serde::Serialize;

use crate::context::Ctx;

/// The bytes of a file the supervisor named.
fn read(file: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(file).with_context(|| format!("không đọc được {}", file.display()))
}

/// A file to add (PEM or DER), as the acting supervisor.
#[derive(Args, Debug)]
pub struct AddFile {
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

impl AddFile {
    /// Reads the file, has `add` store it (with the file's name for its
    /// errors), and prints what was added as JSON or as `line` words it.
    fn run<T: Serialize>(
        self,
        ctx: &mut Ctx,
        add: impl FnOnce(&mut Store, &Officer, &[u8], &str, DateTime<Utc>) -> hotich_core::Result<T>,
        line: impl Fn(&T) -> String,
    ) -> Result<()> {
        let actor = ctx.acting()?;
        let bytes = read(&self.file)?;
        let added = add(
            &mut ctx.store,
            &actor,
            &bytes,
            &self.file.display().to_string(),
            Utc::now(),
        )?;
        ctx.out.emit(self.json, &added, |out, added| {
            writeln!(out, "{}", line(added))?;
            Ok(())
        })
    }
}

/// `--json` for a list.
#[derive(Args, Debug)]
pub struct Listing {
    #[arg(long)]
    json: bool,
}

impl Listing {
    fn run<T: Serialize>(
        self,
        ctx: &mut Ctx,
        rows: &[T],
        line: impl Fn(&T) -> String,
    ) -> Result<()> {
        ctx.out.emit_rows(self.json, rows, Some("mục"), line)
    }
}

/// The number of the entry to remove, as `list` shows it.
#[derive(Args, Debug)]
pub struct Removal {
    id: i64,
}

impl Removal {
    fn run(self, ctx: &mut Ctx, kind: X509Entry) -> Result<()> {
        let actor = ctx.acting()?;
        ctx.store.remove_x509(&actor, kind, self.id, Utc::now())?;
        writeln!(ctx.out, "Đã gỡ mục số {}.", self.id)?;
        Ok(())
    }
}

#[derive(Subcommand, Debug)]
pub enum Trust {
    /// Import a signed trust list (verified against the pinned registry root key)
    Import { file: PathBuf },
    /// Pin the registry root key that signs trust lists
    PinRoot {
        #[arg(long, required_unless_present = "demo")]
        key_id: Option<String>,
        /// base64url of the Ed25519 public key
        #[arg(long, required_unless_present = "demo")]
        public_key: Option<String>,
        /// The publicly known demo root of the simulator (never for a real office)
        #[arg(long, conflicts_with_all = ["key_id", "public_key"])]
        demo: bool,
    },
    /// Write what a checker of this office's printed papers needs (the registry root and the commune certificates it signed) for `hotich verify-paper --trust`
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Replace the office's paper-signing key (supervisors): the next sync submits the new one for the registry to certify
    RotatePaperKey,
    /// Trust anchors and intermediate CAs (X.509) for the signed XML of health facilities
    #[command(subcommand)]
    Ca(ca::Ca),
    /// A health facility's signing certificates (X.509), by facility code (MACSKCB)
    #[command(subcommand)]
    FacilityCert(facility_cert::FacilityCert),
    /// Certificate revocation lists (CRL)
    #[command(subcommand)]
    Crl(crl::Crl),
}

impl Trust {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self {
            Trust::Ca(command) => return command.run(ctx),
            Trust::FacilityCert(command) => return command.run(ctx),
            Trust::Crl(command) => return command.run(ctx),
            Trust::Import { file } => {
                let raw = read(&file)?;
                let summary = ctx.store.import_trust_list(&raw, Utc::now())?;
                if summary.applied {
                    writeln!(
                        ctx.out,
                        "Đã nhập danh sách tin cậy số {} ({} cơ sở y tế).",
                        summary.sequence, summary.facilities
                    )?;
                } else {
                    writeln!(
                        ctx.out,
                        "Danh sách tin cậy số {} không mới hơn danh sách đang dùng; giữ nguyên.",
                        summary.sequence
                    )?;
                }
            }
            Trust::Export { out } => {
                let trust = ctx.store.paper_trust()?;
                let json = serde_json::to_vec_pretty(&trust)?;
                std::fs::write(&out, json)
                    .with_context(|| format!("không ghi được {}", out.display()))?;
                writeln!(
                    ctx.out,
                    "Đã ghi tệp tin cậy giấy tờ ({} chứng thư của xã) vào {}.",
                    trust.certificates.len(),
                    out.display()
                )?;
            }
            Trust::RotatePaperKey => {
                let actor = ctx.acting()?;
                let key_id = ctx.store.rotate_paper_key(&actor, Utc::now())?;
                writeln!(
                    ctx.out,
                    "Khóa ký giấy tờ mới: {key_id}; lần đồng bộ tới sẽ gửi để máy chủ chứng nhận."
                )?;
            }
            Trust::PinRoot {
                key_id,
                public_key,
                demo,
            } => match (key_id, public_key) {
                (Some(key_id), Some(public_key)) if !demo => {
                    ctx.store.pin_root_key(&key_id, &public_key)?;
                    writeln!(ctx.out, "Đã ghi khóa gốc {key_id}.")?;
                }
                _ => {
                    ctx.store.pin_demo_root_key()?;
                    writeln!(ctx.out, "Đã ghi khóa gốc mẫu (chỉ dùng để thử nghiệm).")?;
                }
            },
        }
        Ok(())
    }
}
