//! `hotich trust`: the pinned registry root key and the signed trust list.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use chrono::Utc;
use clap::Subcommand;

use crate::context::Ctx;

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
}

impl Trust {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self {
            Trust::Import { file } => {
                let raw = std::fs::read(&file)
                    .with_context(|| format!("không đọc được {}", file.display()))?;
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
