//! Reference central registry of Hotich. For now: the command-line front of
//! the health-facility simulator (`hotich-central simulate`); the HTTP server
//! (`hotich-central serve`) comes next.

use std::fmt;
use std::path::Path;

use chrono::{Duration, NaiveDate, Utc};
use hotich_protocol::{Action, EventKind};
use hotich_sim::{SimConfig, SimError, SimOutput};

/// A failure of a subcommand, told in Vietnamese and in English.
#[derive(Debug)]
pub enum CliError {
    /// The arguments are wrong (exit code 2).
    Usage { vi: String, en: String },
    /// Something failed while running (exit code 1).
    Failed { vi: String, en: String },
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } => 2,
            CliError::Failed { .. } => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (CliError::Usage { vi, en } | CliError::Failed { vi, en }) = self;
        write!(f, "lỗi: {vi}\nerror: {en}")
    }
}

impl std::error::Error for CliError {}

/// Today's date in Vietnam (UTC+7, no daylight saving).
pub fn vietnam_today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| CliError::Usage {
        vi: format!("ngày {text:?} không hợp lệ, cần dạng NNNN-TT-NN (ví dụ 2026-07-15)"),
        en: format!("invalid date {text:?}, expected YYYY-MM-DD (e.g. 2026-07-15)"),
    })
}

/// Runs the simulator and writes `dir/notifications.json` and `dir/trust.json`.
/// Returns the one-line summary to print.
pub fn simulate_to_dir(cfg: &SimConfig, dir: &Path) -> Result<String, CliError> {
    let out = hotich_sim::simulate(cfg).map_err(|e| match e {
        SimError::UnknownCommune(code) => CliError::Usage {
            vi: format!(
                "không có xã, phường hay đặc khu nào mã {code:?} (mã gồm 5 chữ số, theo danh mục từ 1/7/2025)"
            ),
            en: format!("unknown commune code {code:?} (5 digits, list in force since 1 July 2025)"),
        },
        SimError::InvalidRate { name, value } => CliError::Usage {
            vi: format!("tỉ lệ {name} = {value} phải từ 0 đến 1"),
            en: format!("{name} = {value} must be between 0 and 1"),
        },
        other => CliError::Failed {
            vi: format!("không mô phỏng được: {other}"),
            en: format!("simulation failed: {other}"),
        },
    })?;
    hotich_sim::write_files(&out, dir).map_err(|e| CliError::Failed {
        vi: format!("không ghi được vào thư mục {}: {e}", dir.display()),
        en: format!("cannot write to {}: {e}", dir.display()),
    })?;
    Ok(summary(cfg, &out, dir))
}

fn summary(cfg: &SimConfig, out: &SimOutput, dir: &Path) -> String {
    let (mut births, mut deaths, mut corrections, mut voids) = (0, 0, 0, 0);
    for envelope in &out.notifications {
        let Some(n) = hotich_sim::decode(envelope) else {
            continue;
        };
        match (n.action, n.kind) {
            (Action::Issue, EventKind::Birth) => births += 1,
            (Action::Issue, EventKind::Death) => deaths += 1,
            (Action::Correct, _) => corrections += 1,
            (Action::Void, _) => voids += 1,
        }
    }
    let place = hotich_protocol::reference::commune(&cfg.commune_code)
        .map_or_else(|| cfg.commune_code.clone(), |c| c.full_name.to_owned());
    format!(
        "{total} thông báo / notifications ({births} khai sinh / births, {deaths} khai tử / deaths, \
         {corrections} đính chính / corrections, {voids} hủy / voids) từ {facilities} cơ sở y tế / facilities \
         cho / for {place} ({code}), ngày / today {today}, seed {seed} -> {dir}",
        total = out.notifications.len(),
        facilities = out.facilities.len(),
        code = cfg.commune_code,
        today = cfg.today,
        seed = cfg.seed,
        dir = dir.display(),
    )
}
