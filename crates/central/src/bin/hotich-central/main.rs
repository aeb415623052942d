//! `hotich-central`: the reference central registry's command line.

mod commands;
mod error;
mod facility_sender;
mod health_station;
mod officer;
mod paper_key;
mod report;
mod scenario;
mod x509;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use hotich_central::server::ServerConfig;
use hotich_sim::SimConfig;

use crate::error::CliError;

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
    /// writes DIR/notifications.json and DIR/trust.json (with --format xml|fhir|all also
    /// DIR/xml/, DIR/fhir/, DIR/fhir-jws/ and the test PKI in DIR/pki/), and/or posts them to a server.
    Simulate(Box<SimulateArgs>),
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
    /// Cơ sở y tế gửi qua kênh xác thực (FHIR cần) / facilities posting over the authenticated channel (FHIR needs it).
    FacilitySender {
        #[command(subcommand)]
        command: facility_sender::FacilitySenderCommand,
    },
    /// Trạm y tế nhận các ca tử vong đã đăng ký của mỗi xã / the health station each commune's registered deaths are shared with.
    HealthStation {
        #[command(subcommand)]
        command: health_station::HealthStationCommand,
    },
    /// Khóa ký giấy tờ của các xã: chứng nhận, thu hồi / the communes' paper-signing keys: certify, revoke.
    PaperKey {
        #[command(subcommand)]
        command: paper_key::PaperKeyCommand,
    },
    /// Cán bộ Sở Tư pháp xem trang giám sát toàn tỉnh (/province) / provincial officers of the supervision page (/province).
    Officer {
        #[command(subcommand)]
        command: officer::OfficerCommand,
    },
    /// Báo cáo số liệu / reports (the Justice-Health pilot's figures of a province).
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Sao lưu trực tuyến, mã hóa bằng cùng khóa, trong khi máy chủ vẫn chạy /
    /// an online backup, encrypted with the same key, while the server runs.
    Backup {
        #[command(flatten)]
        db: DbFile,
        /// Tệp sao lưu mới (không ghi đè) / the new backup file (never overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// The registry's database, as every command that uses one takes it: an
/// SQLite file or a PostgreSQL address, from `--db` or `HOTICH_DATABASE`
/// (which keeps a password out of the process list).
#[derive(Debug, Args)]
pub(crate) struct DbFile {
    /// Tệp cơ sở dữ liệu SQLite, hoặc địa chỉ PostgreSQL postgres://… (nhiều tiến trình máy chủ) /
    /// the SQLite database file, or a PostgreSQL address postgres://… (several server processes).
    #[arg(
        long,
        visible_alias = "database",
        value_name = "FILE|URL",
        env = "HOTICH_DATABASE",
        hide_env_values = true
    )]
    pub(crate) db: PathBuf,
}

impl std::ops::Deref for DbFile {
    type Target = std::path::Path;

    fn deref(&self) -> &std::path::Path {
        &self.db
    }
}

#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// Mã xã/phường/đặc khu (5 chữ số), lặp lại cho nhiều xã / commune code (5 digits), repeat for several.
    #[arg(
        long,
        value_name = "CODE",
        required_unless_present = "scenario",
        value_delimiter = ','
    )]
    commune: Vec<String>,
    /// Số trẻ sinh ra (mỗi xã) / number of births (per commune).
    #[arg(long, value_name = "N", required_unless_present = "scenario")]
    births: Option<usize>,
    /// Số người chết (mỗi xã; với --scenario pilot: cả tỉnh, mặc định 1449) /
    /// number of deaths (per commune; with --scenario pilot: in all, default 1449).
    #[arg(long, value_name = "N", required_unless_present = "scenario")]
    deaths: Option<usize>,
    /// Thư mục ghi kết quả (tạo nếu chưa có) / output directory (created if missing).
    #[arg(long, value_name = "DIR", required_unless_present_any = ["post", "scenario"])]
    out: Option<PathBuf>,
    /// Kịch bản: `pilot` phát lại sáu tháng thí điểm liên thông của một tỉnh vào cơ sở dữ liệu --db /
    /// a scenario: `pilot` plays six months of a province's Justice-Health pilot into the --db database
    /// (notices, the officers' outreach and registrations, the health stations' causes).
    #[arg(long, value_name = "pilot", requires_all = ["db", "province"], conflicts_with_all = ["out", "post", "commune"])]
    scenario: Option<String>,
    /// Cơ sở dữ liệu của máy chủ trung tâm (chỉ để thử hoặc trình diễn) / the registry's database (demo or test only).
    #[arg(
        long,
        visible_alias = "database",
        value_name = "FILE|URL",
        env = "HOTICH_DATABASE",
        hide_env_values = true
    )]
    db: Option<PathBuf>,
    /// Mã tỉnh/thành phố của kịch bản / the scenario's province (2 digits).
    #[arg(long, value_name = "CODE")]
    province: Option<String>,
    /// Số xã của tỉnh trong kịch bản (các xã đầu danh mục) / how many of the province's communes (the first listed).
    #[arg(long, value_name = "N", default_value_t = 20)]
    communes: usize,
    /// Số ngày của kịch bản, đến hết ngày --today / the scenario's days, up to --today.
    #[arg(long, value_name = "N", default_value_t = 182)]
    days: u32,
    /// Ghi sổ kịch bản (mỗi dòng một sự kiện, JSON) / write the scenario's ledger (one JSON event per line).
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
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
    /// Số thứ tự đầu tiên của thông báo ở mỗi cơ sở (mỗi đợt một khoảng riêng thì không trùng mã) /
    /// the first notification number at each facility (a block per round never reuses an id).
    #[arg(long, value_name = "N")]
    first_number: Option<u32>,
    /// Định dạng giấy tờ: JWS của Hotich, XML có chữ ký số, FHIR, hay trộn cả ba /
    /// the papers' format: Hotich JWS, signed official XML, FHIR, or a mix of all three.
    #[arg(long, value_name = "jws|xml|fhir|all", default_value = "jws")]
    format: String,
    /// Thêm tệp hỏng, mỗi lý do một tệp (DIR/broken/LÝ_DO.xml|json) / add broken files, one per
    /// refusal reason code (e.g. signature_invalid,certificate_revoked), or `all`.
    #[arg(long, value_name = "all|REASON,...", value_delimiter = ',')]
    broken: Vec<String>,
    /// Mã gửi của một cơ sở (hotich-central facility-sender add), để gửi FHIR /
    /// a facility's sender token, for posting FHIR (repeat per facility).
    #[arg(long, value_name = "MACSKCB=TOKEN")]
    facility_token: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    db: DbFile,
    /// Địa chỉ lắng nghe; cổng 0 chọn cổng trống / listen address; port 0 picks a free port.
    /// Không có TLS thì chỉ nghe trên máy này (loopback) / without TLS, loopback only.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Chứng chỉ máy chủ (PEM, kèm chứng chỉ trung gian): phục vụ HTTPS /
    /// the server's certificate chain (PEM): serve HTTPS.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Khóa riêng của chứng chỉ (PEM) / the certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// HTTP thường trên địa chỉ không phải loopback vì một reverse proxy phía trước đã lo TLS /
    /// plain HTTP on a non-loopback address because a reverse proxy in front terminates TLS.
    #[arg(long, conflicts_with = "tls_cert")]
    behind_proxy: bool,
    /// Yêu cầu mỗi giây của một máy trạm / requests per second per workstation token.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().workstation_rate)]
    rate_limit: u32,
    /// Số yêu cầu dồn tối đa / burst per workstation token.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().workstation_burst)]
    burst: u32,
    /// Tệp chứa mã của hệ thống giám sát: GET /metrics chỉ trả lời người mang mã này /
    /// a file holding the monitoring's token: GET /metrics answers its bearer only (none: no /metrics).
    #[arg(long, value_name = "FILE")]
    metrics_token_file: Option<PathBuf>,
    /// Số yêu cầu xử lý cùng lúc tối đa; quá thì trả lời 503 "busy" /
    /// requests answered at once at most; past it a request is refused 503 `busy`.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().max_requests_in_progress)]
    max_requests_in_progress: usize,
    /// Đóng kết nối im lặng quá số giây này / close a connection silent either way this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = ServerConfig::default().idle_timeout.as_secs())]
    idle_timeout: u64,
    /// Lần gửi mỗi giây của một cơ sở y tế (theo địa chỉ) / posts per second per facility address.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().facility_rate)]
    facility_rate_limit: u32,
    /// Chỉ để kiểm thử: tỉ lệ yêu cầu của máy trạm bị lỗi giả / tests only: share of workstation requests that fail
    /// (500, 429, delay, connection cut before or after the work).
    #[cfg(feature = "faults")]
    #[arg(long, value_name = "RATE")]
    faults: Option<f64>,
    /// Hạt giống của lỗi giả / seed of the injected faults.
    #[cfg(feature = "faults")]
    #[arg(long, value_name = "N", default_value_t = 1)]
    fault_seed: u64,
    /// Chỉ để kiểm thử: giờ (Date) trả lời lệch chừng này giây / tests only: answers' Date off by this many seconds.
    #[cfg(feature = "faults")]
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    clock_offset: Option<i64>,
}

#[derive(Debug, Subcommand)]
enum WorkstationCommand {
    /// Cấp mã truy cập cho một máy trạm; in mã ra (chỉ lưu giá trị băm) /
    /// issue a workstation token; prints it (only its hash is stored).
    Add {
        #[command(flatten)]
        db: DbFile,
        /// Xã của máy trạm / the workstation's commune (5 digits).
        #[arg(long, value_name = "CODE")]
        commune: String,
        /// Tên gợi nhớ / a label.
        #[arg(long, default_value = "")]
        label: String,
        /// Mã hết hạn: hết ngày này (giờ Việt Nam) hoặc vào thời điểm RFC 3339 /
        /// the token expires after this day (Vietnam time), or at this RFC 3339 instant.
        #[arg(long, value_name = "YYYY-MM-DD")]
        expires: Option<String>,
    },
    /// Các máy trạm và trạng thái mã / every workstation and its token's state.
    List {
        #[command(flatten)]
        db: DbFile,
    },
    /// Thu hồi mã: từ chối ngay từ yêu cầu kế tiếp / revoke the token: refused from the next request on.
    Revoke {
        #[command(flatten)]
        db: DbFile,
        /// Mã số máy trạm (xem list) / the workstation's id (see list).
        id: String,
    },
    /// Cấp mã mới, in ra một lần; mã cũ thôi dùng được / issue a new token, printed once; the old one stops working.
    Rotate {
        #[command(flatten)]
        db: DbFile,
        id: String,
    },
}

#[derive(Debug, Subcommand)]
enum TrustCommand {
    /// Nhập danh sách tin cậy đã ký / import a signed trust list.
    Import {
        #[command(flatten)]
        db: DbFile,
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
    /// Chứng thư gốc/trung gian X.509 cho XML có chữ ký / X.509 trust anchors and intermediates for signed XML.
    Ca {
        #[command(subcommand)]
        command: x509::CaCommand,
    },
    /// Chứng thư ký của cơ sở y tế / facilities' signing certificates.
    FacilityCert {
        #[command(subcommand)]
        command: x509::FacilityCertCommand,
    },
    /// Danh sách chứng thư bị thu hồi / certificate revocation lists.
    Crl {
        #[command(subcommand)]
        command: x509::CrlCommand,
    },
}

fn run(cli: Cli) -> Result<String, CliError> {
    match cli.command {
        Command::Simulate(args) => commands::simulate(*args),
        Command::Serve(args) => commands::serve(args),
        Command::Workstation { command } => match command {
            WorkstationCommand::Add {
                db,
                commune,
                label,
                expires,
            } => commands::add_workstation(&db, &commune, &label, expires.as_deref()),
            WorkstationCommand::List { db } => commands::list_workstations(&db),
            WorkstationCommand::Revoke { db, id } => commands::revoke_workstation(&db, &id),
            WorkstationCommand::Rotate { db, id } => commands::rotate_token(&db, &id),
        },
        Command::Trust {
            command:
                TrustCommand::Import {
                    db,
                    file,
                    demo_root,
                    root_key_id,
                    root_public_key,
                },
        } => commands::import_trust(&db, &file, demo_root, root_key_id, root_public_key),
        Command::Trust {
            command: TrustCommand::Ca { command },
        } => x509::ca(command),
        Command::Trust {
            command: TrustCommand::FacilityCert { command },
        } => x509::facility_cert(command),
        Command::Trust {
            command: TrustCommand::Crl { command },
        } => x509::crl(command),
        Command::FacilitySender { command } => facility_sender::run(command),
        Command::PaperKey { command } => paper_key::run(command),
        Command::Officer { command } => officer::run(command),
        Command::HealthStation { command } => health_station::run(command),
        Command::Report { command } => report::run(command),
        Command::Backup { db, out } => commands::back_up(&db, &out),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // What each subcommand says goes to stderr, one summary (stdout is for
    // what scripts read: the listening address, a new token).
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
