//! `hotich-central paper-key list|certify|revoke`: the commune offices'
//! paper-signing keys workstations submitted. The operator certifies a key
//! with the registry root's private key, given as a file for this command
//! only (never stored; on an offline machine in a real deployment, then
//! the database copied back, or here with the key on a removable disk), or
//! `--demo-root` for the demo and tests.

use std::io::Write as _;
use std::path::PathBuf;

use base64::Engine as _;
use chrono::Utc;
use clap::{Args, Subcommand};
use hotich_central::paper_keys::{certify, DEFAULT_VALIDITY_DAYS};
use hotich_protocol::jws::Signer;
use hotich_protocol::trust::{demo_root_signer, RootKey};

use crate::commands::open;
use crate::error::CliError;
use crate::DbFile;

#[derive(Debug, Subcommand)]
pub(crate) enum PaperKeyCommand {
    /// Các khóa ký giấy tờ các xã đã gửi / the paper-signing keys communes submitted.
    List(DbFile),
    /// Chứng nhận khóa bằng khóa gốc / certify a key with the registry root.
    Certify {
        #[command(flatten)]
        file: DbFile,
        /// Mã khóa (xem list) / the key id (see list).
        key_id: String,
        #[command(flatten)]
        root: RootSecret,
        /// Hiệu lực (ngày) / validity in days.
        #[arg(long, default_value_t = DEFAULT_VALIDITY_DAYS)]
        days: i64,
    },
    /// Thu hồi khóa: giấy do khóa ký bị từ chối / revoke a key: papers it signed are refused.
    Revoke {
        #[command(flatten)]
        file: DbFile,
        key_id: String,
    },
}

/// The root's private key, for one certification.
#[derive(Debug, Args)]
pub(crate) struct RootSecret {
    /// Tệp chứa khóa bí mật gốc (base64url 32 byte) / a file holding the root's private key (base64url of its 32-byte seed).
    #[arg(long, value_name = "FILE", required_unless_present = "demo_root")]
    root_seed_file: Option<PathBuf>,
    /// Khóa gốc mẫu công khai (chỉ để thử) / the public demo root (tests and demos only).
    #[arg(long, conflicts_with = "root_seed_file")]
    demo_root: bool,
}

impl RootSecret {
    /// The signer, named as the pinned root (checked by `certify`).
    fn signer(&self, pinned: Option<RootKey>) -> Result<Signer, CliError> {
        let Some(file) = &self.root_seed_file else {
            return Ok(demo_root_signer());
        };
        let text = std::fs::read_to_string(file).map_err(CliError::failed)?;
        let seed: [u8; 32] = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| CliError::Usage {
                vi: "tệp khóa gốc phải chứa base64url của 32 byte".into(),
                en: "the root key file must hold the base64url of 32 bytes".into(),
            })?;
        let key_id = pinned.map_or_else(String::new, |root| root.key_id().to_owned());
        Ok(Signer::from_seed(seed, key_id))
    }
}

pub(crate) fn run(command: PaperKeyCommand) -> Result<String, CliError> {
    match command {
        PaperKeyCommand::List(DbFile { db }) => {
            let keys = open(&db)?.paper_keys().map_err(CliError::failed)?;
            let mut stdout = std::io::stdout().lock();
            writeln!(
                stdout,
                "key_id\tcommune\tsubmitted_at\tcertified_at\trevoked_at"
            )
            .map_err(CliError::failed)?;
            for key in &keys {
                let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
                writeln!(
                    stdout,
                    "{}\t{}\t{}\t{}\t{}",
                    key.key_id,
                    key.commune,
                    key.submitted_at,
                    or_dash(&key.certified_at),
                    or_dash(&key.revoked_at)
                )
                .map_err(CliError::failed)?;
            }
            Ok(format!("{} khóa / keys", keys.len()))
        }
        PaperKeyCommand::Certify {
            file,
            key_id,
            root,
            days,
        } => {
            if !(1..=3_653).contains(&days) {
                return Err(CliError::Usage {
                    vi: "--days từ 1 đến 3653".into(),
                    en: "--days from 1 to 3653".into(),
                });
            }
            let storage = open(&file.db)?;
            let pinned = hotich_central::paper_keys::pinned_root(storage.as_ref())
                .map_err(CliError::failed)?;
            let signer = root.signer(pinned)?;
            let key =
                certify(storage.as_ref(), &key_id, &signer, days, Utc::now()).map_err(|e| {
                    CliError::Failed {
                        vi: format!("không chứng nhận được khóa {key_id}: {e}"),
                        en: format!("could not certify key {key_id}: {e}"),
                    }
                })?;
            Ok(format!(
                "đã chứng nhận khóa / certified key {} (xã / commune {}) cho {days} ngày / for {days} days",
                key.key_id, key.commune
            ))
        }
        PaperKeyCommand::Revoke { file, key_id } => {
            let revoked = open(&file.db)?
                .revoke_paper_key(&key_id, Utc::now())
                .map_err(CliError::failed)?;
            if revoked {
                Ok(format!("đã thu hồi khóa / revoked key {key_id}"))
            } else {
                Err(CliError::Failed {
                    vi: format!("không có khóa {key_id} chưa thu hồi"),
                    en: format!("no unrevoked key {key_id}"),
                })
            }
        }
    }
}
