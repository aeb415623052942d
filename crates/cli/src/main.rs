//! `hotich`: the command line over the Hotich core.
//!
//! Contract for scripts: `--json` prints machine-readable JSON on stdout;
//! errors go to stderr with a non-zero exit status and the reason.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::{Local, NaiveDate, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use hotich_core::templates::TemplateKey;
use hotich_core::{
    AttemptInput, CaseFilter, CaseRow, CaseStatus, Channel, DashboardFigures, DocumentKind,
    ImportSummary, Officer, Outcome, PeriodStats, Registration, RegistrationForm, Role,
    StatusDecision, Store,
};
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
    /// The officer acting (password in $HOTICH_PASSWORD) [default: $HOTICH_USER]
    #[arg(long, global = true, value_name = "USERNAME")]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the hash chain and every row it records; exit 1 at the first broken link
    Verify {
        #[arg(long)]
        json: bool,
    },
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
        /// Only the cases of the signed-in officer (--user), by urgency
        #[arg(long, conflicts_with = "assignee")]
        mine: bool,
        /// Only the cases of this officer (username), by urgency
        #[arg(long, value_name = "USERNAME")]
        assignee: Option<String>,
        /// Only open cases whose follow-up is due today or earlier
        #[arg(long)]
        due: bool,
        /// At most this many rows (default: all)
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Officer accounts
    Officer {
        #[command(subcommand)]
        command: OfficerCommand,
    },
    /// Assign cases to an officer (supervisors)
    Assign {
        #[arg(required = true, value_name = "CASE")]
        cases: Vec<String>,
        /// Username, or "none" to unassign
        #[arg(long, value_name = "USERNAME")]
        to: String,
    },
    /// Family outreach on a case
    Outreach {
        #[command(subcommand)]
        command: OutreachCommand,
    },
    /// Decide a case's status: not_registrable (with --reason), review after a
    /// changed notification, reopen a case closed by mistake
    Status {
        case: String,
        #[arg(long, value_parser = parse_status)]
        to: CaseStatus,
        #[arg(long)]
        reason: Option<String>,
        /// Next follow-up day (yyyy-mm-dd) when the case stays open
        #[arg(long, value_name = "DATE")]
        next: Option<NaiveDate>,
    },
    /// Outreach texts: call scripts, messages, checklists (minijinja)
    Template {
        /// call_script_birth, call_script_death, message_birth, message_death, checklist_birth, checklist_death
        key: String,
        /// Replace it with this file's text (supervisors); an empty file restores the default
        #[arg(long, value_name = "FILE")]
        set: Option<PathBuf>,
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
    /// Open a case by hand for an event no notification announced
    OpenCase {
        #[arg(long = "type", value_enum)]
        kind: KindArg,
        /// The person's full name
        #[arg(long)]
        name: String,
        /// The day of the birth or death (yyyy-mm-dd)
        #[arg(long, value_name = "DATE")]
        date: NaiveDate,
    },
    /// Print the registration form of a case, pre-filled from its notification (JSON)
    Draft { case: String },
    /// Register a case: FILE is a JSON merge patch (RFC 7386) over the pre-filled form
    Register {
        case: String,
        #[arg(long, value_name = "FILE")]
        from_json: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Correct a registration: FILE is a JSON merge patch over its current form
    Amend {
        registration: String,
        #[arg(long, value_name = "FILE")]
        from_json: PathBuf,
        /// The legal ground of the correction
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// The register: every registration, newest first
    Registrations {
        #[arg(long)]
        json: bool,
    },
    /// One registration with its current state and its amendments
    Registration {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// The audit log of registrations and amendments
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Sync with the central registry: pull the commune's notifications, push
    /// outreach and registrations (token from $HOTICH_TOKEN or the OS keyring)
    Sync(SyncArgs),
    /// Timeliness and completeness of registration over a period, births and
    /// deaths side by side (the whole commune)
    Stats {
        /// First day of the period (yyyy-mm-dd)
        #[arg(long, value_name = "DATE")]
        from: NaiveDate,
        /// Last day of the period, included (yyyy-mm-dd)
        #[arg(long, value_name = "DATE")]
        to: NaiveDate,
        #[arg(long)]
        json: bool,
    },
    /// Today's figures: supervisors see the commune, a registrar their own cases (--user)
    Dashboard {
        #[arg(long)]
        json: bool,
    },
    /// Write a period's figures, monthly trend and case list to FILE.csv
    /// (UTF-8 with BOM, for Excel) or FILE.xlsx, or the printable report to
    /// FILE.pdf (supervisors, --user)
    Export {
        #[arg(long, value_name = "DATE")]
        from: NaiveDate,
        #[arg(long, value_name = "DATE")]
        to: NaiveDate,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print a registration's paper to PDF and record the print (who, when, copies)
    Extract {
        /// The case (or the registration) id
        case: String,
        /// birth-certificate, birth-extract or death-extract
        #[arg(long, value_parser = parse_document)]
        kind: DocumentKind,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Copies printed (pages in the PDF)
        #[arg(long, default_value_t = 1)]
        copies: u32,
        #[arg(long)]
        json: bool,
    },
    /// Check a paper against the register by its verification code (or the QR text); exit 1 unless it matches
    VerifyExtract {
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Every print of a paper, newest first (supervisors)
    PrintLog {
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

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
struct SyncArgs {
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
    /// OS keyring, and the server's URL in the database
    Login {
        #[arg(long, value_name = "URL")]
        server: String,
    },
    /// Forget the token of a server
    Logout {
        #[arg(long, value_name = "URL")]
        server: Option<String>,
    },
    /// Last sync, rows waiting, rows refused with their reason
    Status {
        #[arg(long)]
        json: bool,
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

#[derive(Subcommand, Debug)]
enum OfficerCommand {
    /// Create the first supervisor account (password in $HOTICH_PASSWORD)
    Init {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
    },
    /// Create an account (supervisors; the new password in $HOTICH_NEW_PASSWORD)
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role, default_value = "registrar")]
        role: Role,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum OutreachCommand {
    /// Log an attempt to reach the family
    Log {
        case: String,
        /// phone, home_visit, message, village_head
        #[arg(long, value_parser = parse_channel)]
        channel: Channel,
        /// reached, no_answer, wrong_number, appointment_set, refused, moved_away, registered_elsewhere, other
        #[arg(long, value_parser = parse_outcome)]
        outcome: Outcome,
        #[arg(long)]
        note: Option<String>,
        /// Next follow-up (yyyy-mm-dd) [default: proposed from the outcome]
        #[arg(long, value_name = "DATE")]
        next: Option<NaiveDate>,
        /// The day the family promised to come (outcome appointment_set)
        #[arg(long, value_name = "DATE")]
        appointment: Option<NaiveDate>,
        /// The id of an earlier attempt this one corrects
        #[arg(long, value_name = "ATTEMPT")]
        corrects: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The case's timeline: attempts, decisions, assignments, new versions
    History {
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// Who to contact, the call script, the message and the papers to bring
    Guide { case: String },
}

fn parse_channel(text: &str) -> Result<Channel, String> {
    Channel::parse(text).ok_or_else(|| {
        let known: Vec<_> = Channel::ALL.iter().map(|c| c.as_str()).collect();
        format!("kênh không hợp lệ; dùng một trong: {}", known.join(", "))
    })
}

fn parse_outcome(text: &str) -> Result<Outcome, String> {
    Outcome::parse(text).ok_or_else(|| {
        let known: Vec<_> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
        format!("kết quả không hợp lệ; dùng một trong: {}", known.join(", "))
    })
}

fn parse_document(text: &str) -> Result<DocumentKind, String> {
    DocumentKind::parse(text).ok_or_else(|| {
        let known: Vec<_> = DocumentKind::ALL.iter().map(|d| d.as_str()).collect();
        format!(
            "loại giấy tờ không hợp lệ; dùng một trong: {}",
            known.join(", ")
        )
    })
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "vai trò không hợp lệ; dùng registrar hoặc supervisor".into())
}

/// The officer named by --user / $HOTICH_USER, signed in with $HOTICH_PASSWORD.
fn sign_in(store: &mut Store, user: Option<&str>) -> Result<Officer> {
    let username = user
        .map(str::to_owned)
        .or_else(|| std::env::var("HOTICH_USER").ok())
        .context("cần --user TÊN_ĐĂNG_NHẬP (hoặc $HOTICH_USER) cho thao tác này")?;
    let password = std::env::var("HOTICH_PASSWORD")
        .context("cần mật khẩu trong biến môi trường HOTICH_PASSWORD")?;
    Ok(store.sign_in(&username, &password, Utc::now())?)
}

/// `base` with the file's JSON merge patch applied.
fn patched(base: &RegistrationForm, file: &Path) -> Result<RegistrationForm> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("không đọc được {}", file.display()))?;
    let patch: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: không phải JSON", file.display()))?;
    let mut form = serde_json::to_value(base)?;
    json_patch::merge(&mut form, &patch);
    serde_json::from_value(form)
        .with_context(|| format!("{}: không đúng mẫu đăng ký", file.display()))
}

fn print_registration(out: &mut impl Write, registration: &Registration, json: bool) -> Result<()> {
    if json {
        serde_json::to_writer(&mut *out, registration)?;
        writeln!(out)?;
        return Ok(());
    }
    let (name, _) = registration.current.subject();
    writeln!(
        out,
        "{} số {}, quyển {}: {}{}",
        match registration.kind {
            EventKind::Birth => "Khai sinh",
            EventKind::Death => "Khai tử",
        },
        registration.number,
        registration.book,
        name,
        if registration.late {
            " (đăng ký quá hạn)"
        } else {
            ""
        }
    )?;
    for amendment in &registration.amendments {
        writeln!(
            out,
            "  cải chính {} bởi {}: {}",
            amendment.at, amendment.officer_name, amendment.reason
        )?;
        for change in &amendment.changes {
            writeln!(
                out,
                "    {}: \"{}\" -> \"{}\"",
                change.label, change.old, change.new
            )?;
        }
    }
    Ok(())
}

fn officer_id(store: &Store, username: &str) -> Result<String> {
    Ok(store
        .officer_by_username(username)?
        .ok_or_else(|| hotich_core::CoreError::OfficerNotFound(username.to_owned()))?
        .id)
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum KindArg {
    Birth,
    Death,
}

impl From<KindArg> for EventKind {
    fn from(kind: KindArg) -> EventKind {
        match kind {
            KindArg::Birth => EventKind::Birth,
            KindArg::Death => EventKind::Death,
        }
    }
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
            mine,
            assignee,
            due,
            limit,
            json,
        } => {
            let assignee = match (mine, assignee) {
                (true, _) => Some(sign_in(&mut store, cli.user.as_deref())?.id),
                (false, Some(username)) => Some(officer_id(&store, &username)?),
                (false, None) => None,
            };
            let filter = CaseFilter {
                assignee,
                follow_up_due: due,
                kind: kind.map(EventKind::from),
                status,
                overdue_only: overdue,
                search,
                ..CaseFilter::default()
            };
            let rows = all_cases(&store, filter, limit, today)?;
            if json {
                serde_json::to_writer(&mut out, &rows)?;
                writeln!(out)?;
            } else {
                for row in &rows {
                    writeln!(
                        out,
                        "{}  {:<5}  {:<32}  {}  {:<20}  {}{}",
                        row.id,
                        row.kind.as_str(),
                        row.name,
                        row.event_date.format("%d/%m/%Y"),
                        row.status.as_str(),
                        days_left_text(row),
                        row.next_follow_up
                            .map(|d| format!("  liên hệ tiếp {}", d.format("%d/%m/%Y")))
                            .unwrap_or_default()
                    )?;
                }
                writeln!(out, "{} hồ sơ", rows.len())?;
            }
        }
        Command::OpenCase { kind, name, date } => {
            let officer = sign_in(&mut store, cli.user.as_deref())?;
            let id =
                store.open_case_by_hand(&officer, kind.into(), &name, date, Utc::now(), today)?;
            writeln!(out, "{id}")?;
        }
        Command::Draft { case } => {
            serde_json::to_writer_pretty(&mut out, &store.registration_draft(&case, today)?)?;
            writeln!(out)?;
        }
        Command::Register {
            case,
            from_json,
            json,
        } => {
            let officer = sign_in(&mut store, cli.user.as_deref())?;
            let form = patched(&store.registration_draft(&case, today)?, &from_json)?;
            let registration = store.register(&officer, &case, &form, Utc::now(), today)?;
            print_registration(&mut out, &registration, json)?;
        }
        Command::Amend {
            registration,
            from_json,
            reason,
            json,
        } => {
            let officer = sign_in(&mut store, cli.user.as_deref())?;
            let current = store.registration(&registration)?.current;
            let form = patched(&current, &from_json)?;
            let amended = store.amend_registration(
                &officer,
                &registration,
                &form,
                &reason,
                Utc::now(),
                today,
            )?;
            print_registration(&mut out, &amended, json)?;
        }
        Command::Registration { id, json } => {
            print_registration(&mut out, &store.registration(&id)?, json)?;
        }
        Command::Registrations { json } => {
            let rows = store.registrations()?;
            if json {
                serde_json::to_writer(&mut out, &rows)?;
                writeln!(out)?;
            } else {
                for row in &rows {
                    writeln!(
                        out,
                        "{:<5}  số {:>5}  quyển {}  {:<32}  {}{}",
                        row.kind.as_str(),
                        row.number,
                        row.book,
                        row.name,
                        row.event_date.format("%d/%m/%Y"),
                        if row.late { "  (quá hạn)" } else { "" }
                    )?;
                }
                writeln!(out, "{} đăng ký", rows.len())?;
            }
        }
        Command::Audit {
            command: AuditCommand::Verify { json },
        } => {
            let report = store.verify_audit_log()?;
            if json {
                serde_json::to_writer(&mut out, &report)?;
                writeln!(out)?;
            }
            match &report.broken {
                None if !json => writeln!(out, "Nhật ký toàn vẹn: {} mục.", report.entries)?,
                None => {}
                Some(broken) => {
                    return Err(anyhow::anyhow!(
                        "nhật ký bị phá vỡ tại mục {} ({} {}): {}",
                        broken.seq,
                        broken.action,
                        broken.entity_id,
                        broken.reason
                    ))
                }
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
        Command::Stats { from, to, json } => {
            let stats = store.period_stats(from, to)?;
            if json {
                serde_json::to_writer(&mut out, &stats)?;
                writeln!(out)?;
            } else {
                print_stats(&mut out, &stats)?;
            }
        }
        Command::Dashboard { json } => {
            let actor = sign_in(&mut store, cli.user.as_deref())?;
            let dashboard = store.dashboard(&actor, today)?;
            if json {
                serde_json::to_writer(&mut out, &dashboard)?;
                writeln!(out)?;
            } else {
                print_dashboard(&mut out, &dashboard)?;
            }
        }
        Command::Export {
            from,
            to,
            out: file,
        } => {
            let actor = sign_in(&mut store, cli.user.as_deref())?;
            let pdf = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
            if pdf {
                let pages = hotich_extract::report::save(&store, &actor, from, to, today, &file)?;
                writeln!(out, "Đã lưu báo cáo {} ({pages} trang).", file.display())?;
            } else {
                let summary = store.export_period(&actor, from, to, &file)?;
                writeln!(
                    out,
                    "Đã xuất {} chỉ tiêu và {} hồ sơ vào {}.",
                    summary.figure_lines, summary.cases, summary.path
                )?;
            }
        }
        Command::Extract {
            case,
            kind,
            out: file,
            copies,
            json,
        } => {
            let officer = sign_in(&mut store, cli.user.as_deref())?;
            let registration = match store.registration_of_case(&case)? {
                Some(registration) => registration,
                None => store.registration(&case)?,
            };
            let prepared = hotich_extract::prepare(&store, &registration.id, kind, today)?;
            let pdf = hotich_extract::render(&prepared, copies)?;
            std::fs::write(&file, pdf)
                .with_context(|| format!("không ghi được {}", file.display()))?;
            // Recorded once the file is written: a failed write is no print.
            let entry =
                hotich_extract::record(&mut store, &officer, &[(&prepared, copies)], Utc::now())?
                    .pop()
                    .context("nhật ký in không ghi được")?;
            if json {
                serde_json::to_writer(&mut out, &entry)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "Đã in {} số {}, quyển {} ({} bản{}) vào {}. Mã kiểm tra: {}",
                    kind.label_vi(),
                    entry.number,
                    entry.book,
                    entry.copies,
                    if entry.reprint { ", in lại" } else { "" },
                    file.display(),
                    entry.code
                )?;
            }
        }
        Command::VerifyExtract { code, json } => {
            let verdict = hotich_extract::verify(&store, &code)?;
            if json {
                serde_json::to_writer(&mut out, &verdict)?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}", verdict.message)?;
                for d in &verdict.differences {
                    writeln!(
                        out,
                        "  {}: trên giấy \"{}\", trong sổ \"{}\"",
                        d.name, d.printed, d.record
                    )?;
                }
            }
            if !verdict.matches() {
                out.flush()?;
                return Err(anyhow::anyhow!("{}", verdict.message));
            }
        }
        Command::PrintLog { json } => {
            let officer = sign_in(&mut store, cli.user.as_deref())?;
            let log = store.print_log(&officer)?;
            if json {
                serde_json::to_writer(&mut out, &log)?;
                writeln!(out)?;
            } else {
                for e in &log {
                    writeln!(
                        out,
                        "{}  {:<20}  {:<18}  số {:>5} quyển {}  {:<28}  {} bản{}",
                        e.printed_at,
                        e.officer_username,
                        e.document.as_str(),
                        e.number,
                        e.book,
                        e.subject_name,
                        e.copies,
                        if e.reprint { "  (in lại)" } else { "" }
                    )?;
                }
                writeln!(out, "{} lần in", log.len())?;
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
        Command::Sync(args) => sync_command(&mut store, args, &mut out)?,
        Command::Officer { command } => {
            officer_command(&mut store, cli.user.as_deref(), command, &mut out)?
        }
        Command::Assign { cases, to } => {
            let actor = sign_in(&mut store, cli.user.as_deref())?;
            let assignee = match to.as_str() {
                "none" => None,
                username => Some(officer_id(&store, username)?),
            };
            let changed = store.assign(&actor, &cases, assignee.as_deref(), Utc::now())?;
            writeln!(out, "Đã giao {changed} hồ sơ.")?;
        }
        Command::Outreach { command } => {
            let actor = sign_in(&mut store, cli.user.as_deref())?;
            outreach_command(&mut store, &actor, command, today, &mut out)?;
        }
        Command::Status {
            case,
            to,
            reason,
            next,
        } => {
            let actor = sign_in(&mut store, cli.user.as_deref())?;
            let decision = StatusDecision {
                to,
                reason,
                next_follow_up: next,
            };
            store.change_status(&actor, &case, &decision, Utc::now(), today)?;
            let row = store.case(&case, today)?;
            writeln!(out, "{}: {}", row.name, row.status.label_vi())?;
        }
        Command::Template { key, set } => {
            let template = TemplateKey::parse(&key).with_context(|| {
                let known: Vec<_> = TemplateKey::all().iter().map(|k| k.name()).collect();
                format!("không có mẫu {key}; dùng một trong: {}", known.join(", "))
            })?;
            if let Some(file) = set {
                let actor = sign_in(&mut store, cli.user.as_deref())?;
                let body = std::fs::read_to_string(&file)
                    .with_context(|| format!("không đọc được {}", file.display()))?;
                store.set_template(&actor, template, &body, Utc::now())?;
            }
            write!(out, "{}", store.template(template)?)?;
        }
    }
    Ok(())
}

fn sync_server(store: &Store, given: Option<String>) -> Result<String> {
    match given {
        Some(url) => Ok(url.trim().trim_end_matches('/').to_owned()),
        None => store
            .sync_server()?
            .context("cần --server URL (hoặc hotich sync login --server URL trước)"),
    }
}

fn sync_command(store: &mut Store, args: SyncArgs, out: &mut impl Write) -> Result<()> {
    use hotich_sync::credentials;
    match args.command {
        Some(SyncCommand::Login { server }) => {
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
            store.set_sync_server(&server)?;
            credentials::store_token(&server, &token)?;
            writeln!(
                out,
                "Đã lưu mã truy cập cho {} vào kho khóa của hệ điều hành.",
                server.trim_end_matches('/')
            )?;
        }
        Some(SyncCommand::Logout { server }) => {
            let server = sync_server(store, server)?;
            let had = credentials::delete_token(&server)?;
            writeln!(
                out,
                "{}",
                if had {
                    "Đã xóa mã truy cập."
                } else {
                    "Không có mã truy cập nào để xóa."
                }
            )?;
        }
        Some(SyncCommand::Status { json }) => {
            let status = store.sync_status()?;
            if json {
                serde_json::to_writer(&mut *out, &status)?;
                writeln!(out)?;
            } else {
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
            }
        }
        None => {
            let server = sync_server(store, args.server)?;
            let token = credentials::load_token(&server)?;
            let mut options = hotich_sync::SyncOptions::new(server, token);
            options.page_size = args.page_size;
            options.retry.max_tries = args.max_tries.max(1);
            options.retry.base = std::time::Duration::from_millis(args.retry_base_ms);
            options.retry.max_delay = std::time::Duration::from_millis(args.retry_max_ms);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let json = args.json;
            let report = runtime.block_on(hotich_sync::sync_once(
                store,
                &options,
                &mut |p: &hotich_sync::SyncProgress| {
                    if !json {
                        if let hotich_sync::SyncProgress::Retrying { after, reason } = p {
                            eprintln!("thử lại sau {} ms: {reason}", after.as_millis());
                        }
                    }
                },
            ))?;
            if json {
                serde_json::to_writer(&mut *out, &report)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "Đã nhận {} sự kiện (áp dụng {}, đã có {}, cách ly {}); đã gửi {}, bị từ chối {}, còn chờ {}.",
                    report.pulled,
                    report.applied,
                    report.unchanged,
                    report.quarantined,
                    report.pushed,
                    report.dead,
                    report.waiting
                )?;
            }
            if let Some(error) = &report.error {
                return Err(anyhow::anyhow!("đồng bộ dừng giữa chừng: {error}"));
            }
        }
    }
    Ok(())
}

fn officer_command(
    store: &mut Store,
    user: Option<&str>,
    command: OfficerCommand,
    out: &mut impl Write,
) -> Result<()> {
    match command {
        OfficerCommand::Init { username, name } => {
            let password = std::env::var("HOTICH_PASSWORD")
                .context("cần mật khẩu trong biến môi trường HOTICH_PASSWORD")?;
            let officer = store.create_first_supervisor(&username, &name, &password, Utc::now())?;
            writeln!(out, "Đã tạo tài khoản lãnh đạo {}.", officer.username)?;
        }
        OfficerCommand::Add {
            username,
            name,
            role,
        } => {
            let actor = sign_in(store, user)?;
            let password = std::env::var("HOTICH_NEW_PASSWORD")
                .context("cần mật khẩu của tài khoản mới trong HOTICH_NEW_PASSWORD")?;
            let officer =
                store.create_officer(&actor, &username, &name, role, &password, Utc::now())?;
            writeln!(
                out,
                "Đã tạo tài khoản {} ({}).",
                officer.username, officer.id
            )?;
        }
        OfficerCommand::List { json } => {
            let officers = store.officers()?;
            if json {
                serde_json::to_writer(&mut *out, &officers)?;
                writeln!(out)?;
            } else {
                for o in &officers {
                    writeln!(
                        out,
                        "{}  {:<20}  {:<10}  {}",
                        o.id,
                        o.username,
                        o.role.as_str(),
                        o.full_name
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn outreach_command(
    store: &mut Store,
    actor: &Officer,
    command: OutreachCommand,
    today: NaiveDate,
    out: &mut impl Write,
) -> Result<()> {
    match command {
        OutreachCommand::Log {
            case,
            channel,
            outcome,
            note,
            next,
            appointment,
            corrects,
            json,
        } => {
            let input = AttemptInput {
                channel,
                outcome,
                note,
                appointment_date: appointment,
                next_follow_up: next,
                corrects,
            };
            let attempt = store.log_attempt(actor, &case, &input, Utc::now(), today)?;
            let row = store.case(&case, today)?;
            if json {
                serde_json::to_writer(
                    &mut *out,
                    &serde_json::json!({ "attempt": attempt, "case": row }),
                )?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "Đã ghi lần liên hệ {attempt}. {}: {}{}",
                    row.name,
                    row.status.label_vi(),
                    row.next_follow_up
                        .map(|d| format!(", liên hệ tiếp ngày {}", d.format("%d/%m/%Y")))
                        .unwrap_or_default()
                )?;
            }
        }
        OutreachCommand::History { case, json } => {
            let history = store.case_history(&case)?;
            if json {
                serde_json::to_writer(&mut *out, &history)?;
                writeln!(out)?;
            } else {
                for e in &history {
                    writeln!(
                        out,
                        "{}  {:<12}  {:<20}  {}{}{}",
                        e.at,
                        format!("{:?}", e.kind),
                        e.officer_name.as_deref().unwrap_or("cơ sở y tế"),
                        e.outcome.map(Outcome::as_str).unwrap_or_default(),
                        e.to_status
                            .map(|s| format!(" -> {}", s.label_vi()))
                            .unwrap_or_default(),
                        e.note
                            .as_deref()
                            .map(|n| format!("  \"{n}\""))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
        OutreachCommand::Guide { case } => {
            let guidance = store.guidance(actor, &case, today)?;
            for c in &guidance.contacts {
                writeln!(
                    out,
                    "{}: {}  {}  {}",
                    c.relation,
                    c.name,
                    c.phone.as_deref().unwrap_or("(không có số điện thoại)"),
                    c.address.as_deref().unwrap_or_default()
                )?;
            }
            writeln!(out, "\nKịch bản gọi điện:\n{}", guidance.call_script)?;
            writeln!(out, "\nTin nhắn SMS/Zalo:\n{}", guidance.message)?;
            writeln!(out, "\nGiấy tờ cần mang:")?;
            for item in &guidance.checklist {
                writeln!(out, "  - {item}")?;
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

fn print_stats(out: &mut impl Write, stats: &PeriodStats) -> Result<()> {
    writeln!(
        out,
        "Thống kê từ {} đến {}",
        stats.from.format("%d/%m/%Y"),
        stats.to.format("%d/%m/%Y")
    )?;
    writeln!(out, "{:<58} {:>10} {:>10}", "", "Khai sinh", "Khai tử")?;
    for line in stats.report_lines() {
        writeln!(
            out,
            "{:<58} {:>10} {:>10}",
            line.label, line.birth, line.death
        )?;
    }
    writeln!(out, "\nTheo tháng: nhận / đăng ký / đúng hạn")?;
    for month in &stats.monthly {
        writeln!(
            out,
            "{}  {:<5}  {:>6} {:>6} {:>6}",
            month.month,
            month.kind.as_str(),
            month.received,
            month.registered,
            month.registered_on_time
        )?;
    }
    Ok(())
}

fn print_dashboard(out: &mut impl Write, dashboard: &DashboardFigures) -> Result<()> {
    writeln!(
        out,
        "Ngày {}{}",
        dashboard.today.format("%d/%m/%Y"),
        if dashboard.officer_id.is_some() {
            " - hồ sơ của tôi"
        } else {
            " - toàn xã"
        }
    )?;
    for (label, count) in [
        ("Hồ sơ đang mở", dashboard.open.count),
        ("Quá hạn", dashboard.overdue.count),
        (
            "Chưa liên hệ sau 2 ngày làm việc",
            dashboard.no_contact_yet.count,
        ),
        ("Đến hạn liên hệ lại", dashboard.follow_up_due.count),
        ("Cần xem lại", dashboard.needs_review.count),
        ("Hồ sơ gửi lên bị từ chối", dashboard.sync_failed.count),
        ("Mục đồng bộ bị từ chối", dashboard.dead_sync_items),
    ] {
        writeln!(out, "{label:<36} {count:>7}")?;
    }
    for line in dashboard
        .open_by_status_and_type
        .iter()
        .filter(|l| l.count > 0)
    {
        writeln!(
            out,
            "  {:<5} {:<20} {:>7}",
            line.kind.as_str(),
            line.status.label_vi(),
            line.count
        )?;
    }
    writeln!(
        out,
        "\n{:<28} {:>6} {:>8} {:>14} {:>14}",
        "Cán bộ", "Đang mở", "Quá hạn", "Liên hệ tuần", "Đăng ký tháng"
    )?;
    for line in &dashboard.workload {
        writeln!(
            out,
            "{:<28} {:>6} {:>8} {:>14} {:>14}",
            line.full_name,
            line.open.count,
            line.overdue.count,
            line.attempts_this_week,
            line.registrations_this_month
        )?;
    }
    Ok(())
}
