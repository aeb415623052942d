//! `hotich`: the command line over the Hotich core.
//!
//! Contract for scripts: `--json` prints machine-readable JSON on stdout;
//! errors go to stderr with a non-zero exit status and the reason.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::{Local, NaiveDate, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use hotich_core::{CaseFilter, CaseRow, CaseStatus, ImportSummary, Store};
use hotich_protocol::EventKind;

#[derive(Parser, Debug)]
#[command(
    name = "hotich",
    version,
    about = "Hotich - sổ hộ tịch cấp xã: hàng đợi thông báo y tế, tra cứu, cách ly"
)]
struct Cli {
    /// SQLite database file [default: $HOTICH_DB, else the desktop app's database]
    #[arg(long, global = true, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Count deadlines from this day instead of today (yyyy-mm-dd)
    #[arg(long, global = true, value_name = "DATE")]
    today: Option<NaiveDate>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The facility trust list (which key belongs to which health facility)
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
    /// Import files of signed notifications (JSON array of envelopes)
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print {"imported","unchanged","updated","voided","quarantined"}
        #[arg(long)]
        json: bool,
    },
    /// List cases, most urgent first
    Cases {
        #[arg(long = "type", value_enum)]
        kind: Option<KindArg>,
        /// new, in_outreach, appointment, registered, registered_elsewhere, not_registrable, voided, needs_review
        #[arg(long, value_parser = parse_status)]
        status: Option<CaseStatus>,
        /// Only open cases past their legal deadline
        #[arg(long)]
        overdue: bool,
        /// Name words, with or without diacritics
        #[arg(long)]
        search: Option<String>,
        /// At most this many rows (default: all)
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// One case with its notification, versions and verification
    Case {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Notifications that failed verification, with the reason
    Quarantine {
        #[arg(long)]
        json: bool,
    },
    /// The commune this workstation registers for
    Office {
        /// Set the 5-digit commune code
        #[arg(long, value_name = "CODE")]
        set: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum TrustCommand {
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

#[derive(Clone, Copy, Debug, ValueEnum)]
enum KindArg {
    Birth,
    Death,
}

fn parse_status(text: &str) -> Result<CaseStatus, String> {
    CaseStatus::parse(text).ok_or_else(|| {
        let known: Vec<_> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
        format!(
            "trạng thái không hợp lệ; dùng một trong: {}",
            known.join(", ")
        )
    })
}

fn default_db() -> PathBuf {
    if let Some(path) = std::env::var_os("HOTICH_DB") {
        return path.into();
    }
    // Where the desktop app keeps its database (Tauri's app data dir on Linux).
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data_home.join("vn.hotich.app").join("hotich.db")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("lỗi: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let db = cli.db.clone().unwrap_or_else(default_db);
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("không tạo được thư mục {}", dir.display()))?;
    }
    let mut store = Store::open(&db).with_context(|| format!("không mở được {}", db.display()))?;
    let today = cli.today.unwrap_or_else(|| Local::now().date_naive());
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Trust {
            command: TrustCommand::Import { file },
        } => {
            let raw = std::fs::read(&file)
                .with_context(|| format!("không đọc được {}", file.display()))?;
            let summary = store.import_trust_list(&raw, Utc::now())?;
            if summary.applied {
                writeln!(
                    out,
                    "Đã nhập danh sách tin cậy số {} ({} cơ sở y tế).",
                    summary.sequence, summary.facilities
                )?;
            } else {
                writeln!(
                    out,
                    "Danh sách tin cậy số {} không mới hơn danh sách đang dùng; giữ nguyên.",
                    summary.sequence
                )?;
            }
        }
        Command::Trust {
            command:
                TrustCommand::PinRoot {
                    key_id,
                    public_key,
                    demo,
                },
        } => match (key_id, public_key) {
            (Some(key_id), Some(public_key)) if !demo => {
                store.pin_root_key(&key_id, &public_key)?;
                writeln!(out, "Đã ghi khóa gốc {key_id}.")?;
            }
            _ => {
                store.pin_demo_root_key()?;
                writeln!(out, "Đã ghi khóa gốc mẫu (chỉ dùng để thử nghiệm).")?;
            }
        },
        Command::Import { files, json } => {
            let mut total = ImportSummary::default();
            for file in &files {
                let summary = store
                    .import_file(file, Utc::now(), &mut |_| {})
                    .with_context(|| format!("nhập {}", file.display()))?;
                total.add(&summary);
            }
            if json {
                serde_json::to_writer(&mut out, &total)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "Mới nhập: {}  Đã có: {}  Cập nhật: {}  Đã hủy: {}  Cách ly: {}",
                    total.imported, total.unchanged, total.updated, total.voided, total.quarantined
                )?;
            }
        }
        Command::Cases {
            kind,
            status,
            overdue,
            search,
            limit,
            json,
        } => {
            let filter = CaseFilter {
                kind: kind.map(|k| match k {
                    KindArg::Birth => EventKind::Birth,
                    KindArg::Death => EventKind::Death,
                }),
                status,
                overdue_only: overdue,
                search,
                limit: 0,
                offset: 0,
            };
            let rows = all_cases(&store, filter, limit, today)?;
            if json {
                serde_json::to_writer(&mut out, &rows)?;
                writeln!(out)?;
            } else {
                for row in &rows {
                    writeln!(
                        out,
                        "{}  {:<5}  {:<32}  {}  {:<20}  {}",
                        row.id,
                        row.kind.as_str(),
                        row.name,
                        row.event_date.format("%d/%m/%Y"),
                        row.status.as_str(),
                        days_left_text(row)
                    )?;
                }
                writeln!(out, "{} hồ sơ", rows.len())?;
            }
        }
        Command::Case { id, json } => {
            let detail = store.case_detail(&id, today)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &detail)?;
                writeln!(out)?;
            } else {
                let case = &detail.case;
                writeln!(
                    out,
                    "{} ({}) - {}",
                    case.name,
                    case.kind.as_str(),
                    case.status.as_str()
                )?;
                writeln!(out, "Ngày sự kiện: {}", case.event_date.format("%d/%m/%Y"))?;
                writeln!(
                    out,
                    "Hạn đăng ký: {} {}",
                    case.deadline.format("%d/%m/%Y"),
                    days_left_text(case)
                )?;
                if let Some(v) = &detail.verification {
                    writeln!(
                        out,
                        "Cơ sở y tế: {} ({}), khóa {} {}",
                        v.facility_name, v.facility_id, v.key_id, v.algorithm
                    )?;
                }
                for version in &detail.versions {
                    writeln!(
                        out,
                        "  phiên bản {} {:?} ký {}",
                        version.version, version.action, version.issued_at
                    )?;
                }
                if let Some(reason) = &detail.void_reason {
                    writeln!(out, "Lý do hủy: {reason}")?;
                }
                writeln!(out, "(--json để xem mọi trường của thông báo)")?;
            }
        }
        Command::Quarantine { json } => {
            let entries = store.quarantine()?;
            if json {
                serde_json::to_writer(&mut out, &entries)?;
                writeln!(out)?;
            } else {
                for e in &entries {
                    writeln!(
                        out,
                        "{}  {}  {} v{}  {} ({})",
                        e.id,
                        e.received_at,
                        e.notification_id.as_deref().unwrap_or("?"),
                        e.version.map_or("?".into(), |v| v.to_string()),
                        e.reason_text,
                        e.detail
                    )?;
                }
                writeln!(out, "{} thông báo bị cách ly", entries.len())?;
            }
        }
        Command::Office { set } => {
            let office = match set {
                Some(code) => Some(store.set_commune(&code)?),
                None => store.office()?,
            };
            match office {
                Some(o) => writeln!(
                    out,
                    "{} {}, {}",
                    o.commune_code, o.commune_name, o.province_name
                )?,
                None => writeln!(out, "Chưa chọn xã (hotich office --set MÃ_XÃ).")?,
            }
        }
    }
    Ok(())
}

fn all_cases(
    store: &Store,
    mut filter: CaseFilter,
    limit: Option<u32>,
    today: NaiveDate,
) -> Result<Vec<CaseRow>> {
    const PAGE: u32 = 1_000;
    let mut rows = Vec::new();
    loop {
        let wanted = limit.map_or(PAGE, |limit| PAGE.min(limit.saturating_sub(filter.offset)));
        if wanted == 0 {
            break;
        }
        filter.limit = wanted;
        let page = store.cases(&filter, today)?;
        let got = u32::try_from(page.rows.len()).unwrap_or(u32::MAX);
        rows.extend(page.rows);
        if got < wanted {
            break;
        }
        filter.offset += got;
    }
    Ok(rows)
}

fn days_left_text(row: &CaseRow) -> String {
    match (row.status.is_open(), row.days_left) {
        (false, _) => String::new(),
        (true, d) if d < 0 => format!("QUÁ HẠN {} ngày", -d),
        (true, d) => format!("còn {d} ngày"),
    }
}
