//! `hotich-central officer add|list|revoke`: provincial justice officers,
//! who sign in to the province's supervision page (`/province`) and see
//! their province only. A password is made here and printed once; only its
//! Argon2id hash is stored.

use std::io::Write as _;

use chrono::Utc;
use clap::Subcommand;
use hotich_central::storage::NewOfficer;
use hotich_protocol::reference;

use crate::commands::open;
use crate::error::CliError;
use crate::DbFile;

#[derive(Debug, Subcommand)]
pub(crate) enum OfficerCommand {
    /// Cấp tài khoản cho cán bộ Sở Tư pháp; in mật khẩu ra một lần /
    /// give a provincial officer an account; prints the password once.
    Add {
        #[command(flatten)]
        db: DbFile,
        /// Mã tỉnh/thành phố (2 chữ số) / the province's code (2 digits).
        #[arg(long, value_name = "CODE")]
        province: String,
        /// Tên đăng nhập / the login.
        #[arg(long)]
        login: String,
        /// Họ tên hiển thị / the name shown on the page.
        #[arg(long)]
        label: String,
    },
    /// Các tài khoản / every officer.
    List(DbFile),
    /// Thu hồi: đăng xuất ngay, không đăng nhập lại được / revoke: signed out at once, never again.
    Revoke {
        #[command(flatten)]
        file: DbFile,
        /// Mã số tài khoản (xem list) / the officer's id (see list).
        id: String,
    },
}

/// 128 random bits, base64url: 22 characters to copy once.
fn new_password() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hotich_protocol::jws::b64(&bytes)
}

fn check_login(login: &str) -> Result<(), CliError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if login.is_empty() || login.len() > 64 || !login.chars().all(allowed) {
        return Err(CliError::Usage {
            vi: "tên đăng nhập gồm 1-64 chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang"
                .into(),
            en: "a login is 1-64 ASCII letters, digits, dots, underscores or hyphens".into(),
        });
    }
    Ok(())
}

pub(crate) fn run(command: OfficerCommand) -> Result<String, CliError> {
    match command {
        OfficerCommand::Add {
            db,
            province,
            login,
            label,
        } => {
            let province = province.trim();
            let Some(found) = reference::province(province) else {
                return Err(CliError::Usage {
                    vi: format!("không có tỉnh, thành phố nào mã {province:?}"),
                    en: format!("unknown province code {province:?}"),
                });
            };
            let (login, label) = (login.trim(), label.trim());
            check_login(login)?;
            if label.is_empty() || label.chars().count() > 100 {
                return Err(CliError::Usage {
                    vi: "họ tên hiển thị trống hoặc dài quá 100 ký tự".into(),
                    en: "the name shown is empty or longer than 100 characters".into(),
                });
            }
            let password = new_password();
            let hash = hotich_common::password::hash(&password).map_err(CliError::failed)?;
            let new = NewOfficer {
                province: found.code,
                login,
                label,
                password_hash: &hash,
            };
            let Some(id) = open(&db)?
                .add_officer(&new, Utc::now())
                .map_err(CliError::failed)?
            else {
                return Err(CliError::Usage {
                    vi: format!("tên đăng nhập {login:?} đã có"),
                    en: format!("the login {login:?} is taken"),
                });
            };
            // The password on stdout alone, for scripts; shown once, never stored.
            println!("{password}");
            Ok(format!(
                "tài khoản / officer {id} ({login}, {}): trao mật khẩu này cho cán bộ, máy chủ chỉ giữ giá trị băm / give this password to the officer, the server keeps only its hash",
                found.full_name
            ))
        }
        OfficerCommand::List(DbFile { db }) => {
            let officers = open(&db)?.officers().map_err(CliError::failed)?;
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "id\tprovince\tlogin\tlabel\tcreated_at\trevoked_at")
                .map_err(CliError::failed)?;
            for o in &officers {
                writeln!(
                    stdout,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    o.id,
                    o.province,
                    o.login,
                    o.label,
                    o.created_at,
                    o.revoked_at.as_deref().unwrap_or("-")
                )
                .map_err(CliError::failed)?;
            }
            Ok(format!("{} tài khoản / officers", officers.len()))
        }
        OfficerCommand::Revoke {
            file: DbFile { db },
            id,
        } => {
            if open(&db)?
                .revoke_officer(&id, Utc::now())
                .map_err(CliError::failed)?
            {
                Ok(format!("đã thu hồi / revoked {id}"))
            } else {
                Err(CliError::Usage {
                    vi: format!("không có tài khoản {id:?} còn hiệu lực (xem officer list)"),
                    en: format!("no active officer {id:?} (see officer list)"),
                })
            }
        }
    }
}
