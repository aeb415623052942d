//! `hotich-central`: the reference central registry's command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use hotich_central::{parse_date, simulate_to_dir, vietnam_today, CliError};
use hotich_sim::SimConfig;

#[derive(Debug, Parser)]
#[command(
    name = "hotich-central",
    version,
    about = "Máy chủ hộ tịch trung tâm (tham chiếu) và trình mô phỏng cơ sở y tế của Hotich.\n\
             Reference central registry and health-facility simulator for Hotich."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Mô phỏng giấy chứng sinh, giấy báo tử đã ký số của các cơ sở y tế cho một xã.
    /// Simulate signed birth certificates and death notices for one commune;
    /// writes DIR/notifications.json and DIR/trust.json.
    Simulate(SimulateArgs),
}

#[derive(Debug, Args)]
struct SimulateArgs {
    /// Mã xã/phường/đặc khu (5 chữ số) / commune code (5 digits), e.g. 00004.
    #[arg(long, value_name = "CODE")]
    commune: String,
    /// Số trẻ sinh ra / number of births.
    #[arg(long, value_name = "N")]
    births: usize,
    /// Số người chết / number of deaths.
    #[arg(long, value_name = "N")]
    deaths: usize,
    /// Thư mục ghi kết quả (tạo nếu chưa có) / output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Hạt giống ngẫu nhiên; cùng tham số cho cùng kết quả / random seed; same arguments, same files.
    #[arg(long, value_name = "N", default_value_t = SimConfig::DEFAULT_SEED)]
    seed: u64,
    /// Ngày "hôm nay" của mô phỏng / the simulation's today [default: today in Vietnam].
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<String>,
    /// Tỉ lệ thông báo được đính chính / share of notifications corrected.
    #[arg(long, value_name = "RATE", default_value_t = SimConfig::DEFAULT_CORRECTION_RATE)]
    correction_rate: f64,
    /// Tỉ lệ thông báo bị hủy / share of notifications voided.
    #[arg(long, value_name = "RATE", default_value_t = SimConfig::DEFAULT_VOID_RATE)]
    void_rate: f64,
}

fn simulate(args: SimulateArgs) -> Result<String, CliError> {
    let today = match &args.today {
        Some(text) => parse_date(text)?,
        None => vietnam_today(),
    };
    let cfg = SimConfig {
        seed: args.seed,
        correction_rate: args.correction_rate,
        void_rate: args.void_rate,
        ..SimConfig::new(args.commune.trim(), args.births, args.deaths, today)
    };
    simulate_to_dir(&cfg, &args.out)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Simulate(args) => simulate(args),
    };
    match result {
        Ok(summary) => {
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(error.exit_code())
        }
    }
}
