//! `hotich sync`: a run with the central registry, and `sync login`,
//! `logout`, `ca-cert` and `status`. Login is `hotich_sync::configure`, the desktop's
//! own settings call: the same supervisor and address checks.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use hotich_sync::{credentials, ServerUrl, SyncOptions, SyncProgress};

use crate::context::Ctx;

/// Sync with the central registry: pull the commune's notifications, push
/// outreach and registrations (token from $HOTICH_TOKEN or the OS keyring)
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Sync {
    #[command(subcommand)]
    command: Option<SyncCommand>,
    /// The registry's URL [default: the one stored by `sync login`]
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
    /// Events per page
    #[arg(long, value_name = "N", default_value_t = 500)]
    page_size: u32,
    /// Tries per request before the run stops (network errors, 5xx, 429)
    #[arg(long, value_name = "N", default_value_t = 8)]
    max_tries: u32,
    /// Base and ceiling of the backoff between tries, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 250)]
    retry_base_ms: u64,
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    retry_max_ms: u64,
}

#[derive(Subcommand, Debug)]
enum SyncCommand {
    /// Store the workstation's token (read from $HOTICH_TOKEN or stdin) in the
    /// OS keyring, and the server's URL in the database (supervisors, --user)
    Login {
        #[arg(long, value_name = "URL")]
        server: String,
    },
    /// Forget the token of a server
    Logout {
        #[arg(long, value_name = "URL")]
        server: Option<String>,
    },
    /// Trust an extra CA certificate (PEM, e.g. the province's) for the
    /// registry, beside the system's; --clear removes it (supervisors, --user)
    CaCert {
        #[arg(
            long,
            value_name = "FILE",
            required_unless_present = "clear",
            conflicts_with = "clear"
        )]
        file: Option<PathBuf>,
        #[arg(long)]
        clear: bool,
    },
    /// Last sync, rows waiting, rows refused with their reason
    Status {
        #[arg(long)]
        json: bool,
    },
}

impl Sync {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        match self.command {
            Some(SyncCommand::Login { server }) => login(ctx, &server),
            Some(SyncCommand::Logout { server }) => {
                let server = server_or_stored(ctx, server)?;
                let had = credentials::delete_token(&server)?;
                writeln!(
                    ctx.out,
                    "{}",
                    if had {
                        "Đã xóa mã truy cập."
                    } else {
                        "Không có mã truy cập nào để xóa."
                    }
                )?;
                Ok(())
            }
            Some(SyncCommand::CaCert { file, .. }) => ca_cert(ctx, file.as_deref()),
            Some(SyncCommand::Status { json }) => status(ctx, json),
            None => {
                let server = server_or_stored(ctx, self.server.clone())?;
                let token = credentials::load_token(&server)?;
                let mut options = SyncOptions::new(server, token);
                options.page_size = self.page_size;
                options.retry.max_tries = self.max_tries.max(1);
                options.retry.base = Duration::from_millis(self.retry_base_ms);
                options.retry.max_delay = Duration::from_millis(self.retry_max_ms);
                let json = self.json;
                let report = hotich_sync::sync_blocking(
                    &mut ctx.store,
                    &options,
                    &mut |p: &SyncProgress| {
                        if let (false, SyncProgress::Retrying { after, reason }) = (json, p) {
                            eprintln!("thử lại sau {} ms: {reason}", after.as_millis());
                        }
                    },
                )?;
                ctx.out.emit(json, &report, |out, report| {
                    writeln!(
                        out,
                        "Đã nhận {} sự kiện (áp dụng {}, đã có {}, không hợp lệ {}); đã gửi {}, bị từ chối {}, còn chờ {}.",
                        report.pulled,
                        report.applied,
                        report.unchanged,
                        report.quarantined,
                        report.pushed,
                        report.dead,
                        report.waiting
                    )?;
                    Ok(())
                })?;
                match &report.error {
                    Some(error) => Err(anyhow::anyhow!("đồng bộ dừng giữa chừng: {error}")),
                    None => Ok(()),
                }
            }
        }
    }
}

/// The token from $HOTICH_TOKEN, else one line of stdin; stored with the
/// address by `hotich_sync::configure` (a supervisor, a valid address).
fn login(ctx: &mut Ctx, server: &str) -> Result<()> {
    let actor = ctx.acting()?;
    let token = match std::env::var(credentials::TOKEN_ENV) {
        Ok(token) if !token.trim().is_empty() => token,
        _ => {
            let mut token = String::new();
            std::io::stdin()
                .read_line(&mut token)
                .context("không đọc được mã truy cập từ stdin")?;
            token
        }
    };
    let server = hotich_sync::configure(&ctx.store, &actor, server, Some(&token))?;
    if token.trim().is_empty() {
        writeln!(
            ctx.out,
            "Đã lưu địa chỉ {server}; giữ mã truy cập đã có trong kho khóa."
        )?;
    } else {
        writeln!(
            ctx.out,
            "Đã lưu mã truy cập cho {server} vào kho khóa của hệ điều hành."
        )?;
    }
    Ok(())
}

/// The CA file's PEM stored with the connection by
/// `hotich_sync::set_ca_certificate` (a supervisor, a usable PEM).
fn ca_cert(ctx: &mut Ctx, file: Option<&Path>) -> Result<()> {
    let actor = ctx.acting()?;
    let pem = file
        .map(|file| {
            std::fs::read_to_string(file)
                .with_context(|| format!("không đọc được {}", file.display()))
        })
        .transpose()?;
    hotich_sync::set_ca_certificate(&ctx.store, &actor, pem.as_deref())?;
    writeln!(
        ctx.out,
        "{}",
        if pem.is_some() {
            "Đã lưu chứng chỉ CA để tin máy chủ đồng bộ."
        } else {
            "Đã bỏ chứng chỉ CA riêng của máy chủ đồng bộ."
        }
    )?;
    Ok(())
}

/// `--server` when given, else the address `sync login` stored.
fn server_or_stored(ctx: &Ctx, given: Option<String>) -> Result<ServerUrl> {
    match given {
        Some(url) => Ok(hotich_sync::parse_server(&url)?),
        None => hotich_sync::stored_server(&ctx.store)?
            .context("cần --server URL (hoặc hotich sync login --server URL trước)"),
    }
}

fn status(ctx: &mut Ctx, json: bool) -> Result<()> {
    let status = ctx.store.sync_status()?;
    ctx.out.emit(json, &status, |out, status| {
        writeln!(
            out,
            "Lần đồng bộ cuối: {}{}",
            status.last_sync_at.as_deref().unwrap_or("chưa có"),
            status
                .last_error
                .as_deref()
                .map(|e| format!(" (dừng: {e})"))
                .unwrap_or_default()
        )?;
        writeln!(
            out,
            "Chờ gửi: {}  Đã gửi: {}  Bị từ chối: {}",
            status.waiting,
            status.sent,
            status.dead.len()
        )?;
        for d in &status.dead {
            writeln!(
                out,
                "  {} {} hồ sơ {}: {}",
                d.id,
                d.kind,
                d.case_id.as_deref().unwrap_or("-"),
                d.reason
            )?;
        }
        Ok(())
    })
}
