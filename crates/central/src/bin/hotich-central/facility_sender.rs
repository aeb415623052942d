//! `hotich-central facility-sender add|list|revoke`: facilities allowed to
//! post over the authenticated channel (FHIR needs one). A token is printed
//! once; only its hash is stored.

use std::io::Write as _;

use chrono::Utc;
use clap::Subcommand;
use hotich_central::auth::{new_facility_token, token_hash};
use hotich_central::storage::NewFacilitySender;

use crate::commands::open;
use crate::error::CliError;
use crate::DbFile;

#[derive(Debug, Subcommand)]
pub(crate) enum FacilitySenderCommand {
    /// Cấp mã cho một cơ sở y tế; in mã ra một lần / issue a facility token; printed once.
    Add {
        #[command(flatten)]
        db: DbFile,
        /// Mã cơ sở khám chữa bệnh / the facility code (MACSKCB).
        #[arg(long, value_name = "MACSKCB")]
        facility: String,
        /// Được gửi FHIR (không có chữ ký riêng) / may post FHIR (which carries no signature).
        #[arg(long)]
        fhir: bool,
    },
    /// Các cơ sở gửi / every facility sender.
    List(DbFile),
    /// Thu hồi mã / revoke a sender's token.
    Revoke {
        #[command(flatten)]
        file: DbFile,
        /// Mã số cơ sở gửi (xem list) / the sender's id (see list).
        id: String,
    },
}

pub(crate) fn run(command: FacilitySenderCommand) -> Result<String, CliError> {
    match command {
        FacilitySenderCommand::Add { db, facility, fhir } => {
            let facility = facility.trim();
            if facility.is_empty() || facility.chars().count() > 16 {
                return Err(CliError::Usage {
                    vi: "mã cơ sở khám chữa bệnh (MACSKCB) trống hoặc quá dài".into(),
                    en: "the facility code (MACSKCB) is empty or too long".into(),
                });
            }
            let token = new_facility_token();
            let id = open(&db)?
                .add_facility_sender(
                    &NewFacilitySender {
                        facility_code: facility,
                        fhir,
                        token_sha256: &token_hash(&token),
                    },
                    Utc::now(),
                )
                .map_err(CliError::failed)?;
            // The token on stdout alone, for scripts; shown once, never stored.
            println!("{token}");
            Ok(format!(
                "cơ sở gửi / facility sender {id} ({facility}): lưu mã này ngay, máy chủ chỉ giữ giá trị băm / keep this token now, the server keeps only its hash"
            ))
        }
        FacilitySenderCommand::List(DbFile { db }) => {
            let senders = open(&db)?.facility_senders().map_err(CliError::failed)?;
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "id\tfacility\tfhir\tcreated_at\trevoked_at")
                .map_err(CliError::failed)?;
            for s in &senders {
                writeln!(
                    stdout,
                    "{}\t{}\t{}\t{}\t{}",
                    s.sender.id,
                    s.sender.facility_code,
                    s.sender.fhir,
                    s.created_at,
                    s.revoked_at.as_deref().unwrap_or("-")
                )
                .map_err(CliError::failed)?;
            }
            Ok(format!("{} cơ sở gửi / facility senders", senders.len()))
        }
        FacilitySenderCommand::Revoke {
            file: DbFile { db },
            id,
        } => {
            if open(&db)?
                .revoke_facility_sender(&id, Utc::now())
                .map_err(CliError::failed)?
            {
                Ok(format!("đã thu hồi / revoked {id}"))
            } else {
                Err(CliError::Usage {
                    vi: format!(
                        "không có cơ sở gửi {id:?} còn hiệu lực (xem facility-sender list)"
                    ),
                    en: format!("no active facility sender {id:?} (see facility-sender list)"),
                })
            }
        }
    }
}
