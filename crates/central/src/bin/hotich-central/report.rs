//! `hotich-central report pilot`: the Justice-Health pilot's figures of a
//! province for a period (issue 18, item 4), as JSON on stdout (the same
//! answer as `GET /v1/reports/pilot`), for the ministry's operator and scripts.

use std::io::Write as _;

use chrono::{NaiveDate, Utc};
use clap::Subcommand;
use hotich_central::pilot_report::{province_report, ReportError};

use crate::commands::open;
use crate::error::CliError;
use crate::DbFile;

#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// Số liệu thí điểm liên thông Tư pháp - Y tế của một tỉnh trong một kỳ (JSON) /
    /// the Justice-Health pilot's figures of a province for a period (JSON).
    Pilot {
        #[command(flatten)]
        db: DbFile,
        /// Mã tỉnh/thành phố (2 chữ số) / the province (2 digits).
        #[arg(long, value_name = "CODE")]
        province: String,
        /// Ngày đầu kỳ / the first day of the period.
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: NaiveDate,
        /// Ngày cuối kỳ / the last day of the period.
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: NaiveDate,
    },
}

pub(crate) fn run(command: ReportCommand) -> Result<String, CliError> {
    match command {
        ReportCommand::Pilot {
            db,
            province,
            from,
            to,
        } => {
            let storage = open(&db)?;
            let report = province_report(storage.as_ref(), province.trim(), from, to, Utc::now())
                .map_err(|e| match e {
                    ReportError::UnknownProvince(code) => CliError::Usage {
                        vi: format!("không có tỉnh, thành phố nào mã {code:?} (2 chữ số, danh mục từ 1/7/2025)"),
                        en: format!("unknown province code {code:?} (2 digits, list in force since 1 July 2025)"),
                    },
                    ReportError::StartAfterEnd { from, to } => CliError::Usage {
                        vi: format!("ngày đầu kỳ {from} sau ngày cuối kỳ {to}"),
                        en: format!("the period starts ({from}) after it ends ({to})"),
                    },
                    ReportError::Storage(e) => CliError::failed(e),
                })?;
            let json = serde_json::to_string_pretty(&report).map_err(CliError::failed)?;
            writeln!(std::io::stdout().lock(), "{json}").map_err(CliError::failed)?;
            let deaths = &report.figures.death;
            Ok(format!(
                "{}: {} ca tử vong được thông báo, {} đã đăng ký / {} deaths notified, {} registered",
                report.province_name, deaths.notified, deaths.registered, deaths.notified, deaths.registered
            ))
        }
    }
}
