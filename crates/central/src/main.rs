//! `hotich-central`: the reference central registry's command line.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use clap::{Args, Parser, Subcommand};
use hotich_central::server::{self, App, Faults, ServerConfig};
use hotich_central::storage::{SqliteStorage, Storage};
use hotich_central::{
    import_trust_list, new_token, parse_date, post_notifications, simulate_communes, vietnam_today,
    write_sim, CliError, RootKey,
};
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
    /// Mô phỏng giấy chứng sinh, giấy báo tử đã ký số của các cơ sở y tế cho một hay nhiều xã.
    /// Simulate signed birth certificates and death notices for one or more communes;
    /// writes DIR/notifications.json and DIR/trust.json, and/or posts them to a server.
    Simulate(SimulateArgs),
    /// Chạy máy chủ / run the central registry server (HTTP API, see openapi.yaml).
    Serve(ServeArgs),
    /// Máy trạm được phép đồng bộ / workstations allowed to sync.
    Workstation {
        #[command(subcommand)]
        command: WorkstationCommand,
    },
    /// Danh sách cơ sở y tế tin cậy / the facility trust list.
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
}

#[derive(Debug, Args)]
struct SimulateArgs {
    /// Mã xã/phường/đặc khu (5 chữ số), lặp lại cho nhiều xã / commune code (5 digits), repeat for several.
    #[arg(long, value_name = "CODE", required = true, value_delimiter = ',')]
    commune: Vec<String>,
    /// Số trẻ sinh ra (mỗi xã) / number of births (per commune).
    #[arg(long, value_name = "N")]
    births: usize,
    /// Số người chết (mỗi xã) / number of deaths (per commune).
    #[arg(long, value_name = "N")]
    deaths: usize,
    /// Thư mục ghi kết quả (tạo nếu chưa có) / output directory (created if missing).
    #[arg(long, value_name = "DIR", required_unless_present = "post")]
    out: Option<PathBuf>,
    /// Gửi các thông báo tới máy chủ này / post the notifications to this server (http://HOST:PORT).
    #[arg(long, value_name = "URL")]
    post: Option<String>,
    /// Số thông báo mỗi lần gửi / envelopes per POST.
    #[arg(long, value_name = "N", default_value_t = 250)]
    batch: usize,
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

#[derive(Debug, Args)]
struct ServeArgs {
    /// Tệp cơ sở dữ liệu SQLite / the SQLite database file.
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// Địa chỉ lắng nghe; cổng 0 chọn cổng trống / listen address; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Yêu cầu mỗi giây của một máy trạm / requests per second per workstation token.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().workstation_rate)]
    rate_limit: u32,
    /// Số yêu cầu dồn tối đa / burst per workstation token.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().workstation_burst)]
    burst: u32,
    /// Lần gửi mỗi giây của một cơ sở y tế (theo địa chỉ) / posts per second per facility address.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().facility_rate)]
    facility_rate_limit: u32,
    /// Chỉ để kiểm thử: tỉ lệ yêu cầu của máy trạm bị lỗi giả / tests only: share of workstation requests that fail
    /// (500, 429, delay, connection cut before or after the work).
    #[arg(long, value_name = "RATE")]
    faults: Option<f64>,
    /// Hạt giống của lỗi giả / seed of the injected faults.
    #[arg(long, value_name = "N", default_value_t = 1)]
    fault_seed: u64,
}

#[derive(Debug, Subcommand)]
enum WorkstationCommand {
    /// Cấp mã truy cập cho một máy trạm; in mã ra (chỉ lưu giá trị băm) /
    /// issue a workstation token; prints it (only its hash is stored).
    Add {
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Xã của máy trạm / the workstation's commune (5 digits).
        #[arg(long, value_name = "CODE")]
        commune: String,
        /// Tên gợi nhớ / a label.
        #[arg(long, default_value = "")]
        label: String,
    },
}

#[derive(Debug, Subcommand)]
enum TrustCommand {
    /// Nhập danh sách tin cậy đã ký / import a signed trust list.
    Import {
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        file: PathBuf,
        /// Khóa gốc mẫu công khai (chỉ để thử) / the public demo root key (tests and demos only).
        #[arg(long, conflicts_with_all = ["root_key_id", "root_public_key"])]
        demo_root: bool,
        #[arg(long, requires = "root_public_key")]
        root_key_id: Option<String>,
        /// base64url of the Ed25519 root public key.
        #[arg(long, requires = "root_key_id")]
        root_public_key: Option<String>,
    },
}

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::Failed {
        vi: e.to_string(),
        en: e.to_string(),
    }
}

fn simulate(args: SimulateArgs) -> Result<String, CliError> {
    let today = match &args.today {
        Some(text) => parse_date(text)?,
        None => vietnam_today(),
    };
    let cfgs: Vec<SimConfig> = args
        .commune
        .iter()
        .map(|commune| SimConfig {
            seed: args.seed,
            correction_rate: args.correction_rate,
            void_rate: args.void_rate,
            ..SimConfig::new(commune.trim(), args.births, args.deaths, today)
        })
        .collect();
    let (out, mut summary) = simulate_communes(&cfgs)?;
    if let Some(dir) = &args.out {
        write_sim(&out, dir)?;
        summary.push_str(&format!(" -> {}", dir.display()));
    }
    if let Some(url) = &args.post {
        let totals = post_notifications(url, &out.notifications, args.batch)?;
        summary.push_str(&format!(
            "\nđã gửi / posted to {url}: {} lưu / stored, {} trùng / duplicate, {} từ chối / rejected, {} xung đột / conflict",
            totals.stored, totals.duplicate, totals.rejected, totals.conflict
        ));
    }
    Ok(summary)
}

fn open(db: &std::path::Path) -> Result<SqliteStorage, CliError> {
    SqliteStorage::open(db).map_err(|e| CliError::Failed {
        vi: format!("không mở được {}: {e}", db.display()),
        en: format!("cannot open {}: {e}", db.display()),
    })
}

fn serve(args: ServeArgs) -> Result<String, CliError> {
    let storage: Arc<dyn Storage> = Arc::new(open(&args.db)?);
    let config = ServerConfig {
        workstation_rate: args.rate_limit,
        workstation_burst: args.burst,
        facility_rate: args.facility_rate_limit,
        facility_burst: args.facility_rate_limit.saturating_mul(5),
        faults: args.faults.map(|rate| Faults {
            rate: rate.clamp(0.0, 1.0),
            seed: args.fault_seed,
        }),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(failed)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| CliError::Failed {
                vi: format!("không lắng nghe được trên {}: {e}", args.listen),
                en: format!("cannot listen on {}: {e}", args.listen),
            })?;
        let bound = listener.local_addr().map_err(failed)?;
        // The first line of stdout says where it listens (tests read the port from it).
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on http://{bound}").map_err(failed)?;
        stdout.flush().map_err(failed)?;
        server::serve(listener, App::new(storage, &config))
            .await
            .map_err(failed)?;
        Ok("stopped".to_owned())
    })
}

fn run(cli: Cli) -> Result<String, CliError> {
    match cli.command {
        Command::Simulate(args) => simulate(args),
        Command::Serve(args) => serve(args),
        Command::Workstation {
            command: WorkstationCommand::Add { db, commune, label },
        } => {
            if hotich_protocol::reference::commune(&commune).is_none() {
                return Err(CliError::Usage {
                    vi: format!("không có xã mã {commune:?}"),
                    en: format!("unknown commune code {commune:?}"),
                });
            }
            let storage = open(&db)?;
            let token = new_token();
            let id = storage
                .add_workstation(&commune, &label, &server::token_hash(&token), Utc::now())
                .map_err(failed)?;
            // The token on stdout alone, for scripts; shown once, never stored.
            println!("{token}");
            Ok(format!(
                "máy trạm / workstation {id} cho xã / for commune {commune}: lưu mã này ngay, máy chủ không giữ bản rõ / keep this token now, the server keeps only its hash"
            ))
        }
        Command::Trust {
            command:
                TrustCommand::Import {
                    db,
                    file,
                    demo_root,
                    root_key_id,
                    root_public_key,
                },
        } => {
            let raw = std::fs::read(&file).map_err(|e| CliError::Failed {
                vi: format!("không đọc được {}: {e}", file.display()),
                en: format!("cannot read {}: {e}", file.display()),
            })?;
            let root = match (demo_root, root_key_id, root_public_key) {
                (true, _, _) => Some(RootKey::demo()),
                (false, Some(key_id), Some(public_key_b64)) => Some(RootKey {
                    key_id,
                    public_key_b64,
                }),
                _ => None,
            };
            let storage = open(&db)?;
            let (sequence, facilities, applied) =
                import_trust_list(&storage, &raw, root, Utc::now())?;
            Ok(if applied {
                format!(
                    "danh sách tin cậy / trust list {sequence}: {facilities} cơ sở / facilities"
                )
            } else {
                format!("danh sách tin cậy / trust list {sequence} không mới hơn / is not newer; giữ nguyên / kept")
            })
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
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
