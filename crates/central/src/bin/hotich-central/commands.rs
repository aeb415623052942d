//! Each subcommand: its arguments in, one library call, its summary out.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use hotich_central::server::{self, App, ServerConfig};
use hotich_central::storage::{Database, NewWorkstation, SqliteStorage, Storage, TokenChange};
use hotich_central::tls::server_config;
use hotich_central::{
    import_trust_list, new_token, post_documents, post_notifications, simulate_communes, write_sim,
    RootKey,
};
use hotich_sim::{Broken, Formats, SimConfig};

use crate::error::{bad_root_key, CliError};
use crate::{ServeArgs, SimulateArgs};

/// Parses `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| CliError::Usage {
        vi: format!("ngày {text:?} không hợp lệ, cần dạng NNNN-TT-NN (ví dụ 2026-07-15)"),
        en: format!("invalid date {text:?}, expected YYYY-MM-DD (e.g. 2026-07-15)"),
    })
}

/// Opens the registry's storage `--db` names (a file, or a PostgreSQL address).
pub(crate) fn open(db: &Path) -> Result<Box<dyn Storage>, CliError> {
    let database = Database::from_arg(db);
    database
        .open()
        .map_err(|e| CliError::cannot_open(&database, &e))
}

pub fn back_up(db: &Path, out: &Path) -> Result<String, CliError> {
    let database = Database::from_arg(db);
    let Database::Sqlite(path) = &database else {
        return Err(CliError::Usage {
            vi: "cơ sở dữ liệu PostgreSQL được sao lưu bằng pg_basebackup và lưu trữ WAL (docs/deploy.md)"
                .into(),
            en: "a PostgreSQL database is backed up with pg_basebackup and WAL archiving (docs/deploy.md)"
                .into(),
        });
    };
    let storage = SqliteStorage::open(path).map_err(|e| CliError::cannot_open(&database, &e))?;
    storage.back_up(out).map_err(|e| CliError::Failed {
        vi: format!("không sao lưu được vào {}: {e}", out.display()),
        en: format!("could not back up to {}: {e}", out.display()),
    })?;
    Ok(format!(
        "đã sao lưu vào {0} / backed up to {0}",
        out.display()
    ))
}

pub fn simulate(args: SimulateArgs) -> Result<String, CliError> {
    let today = match &args.today {
        Some(text) => parse_date(text)?,
        None => hotich_common::time::office_today(),
    };
    if let Some(scenario) = &args.scenario {
        return crate::scenario::run(scenario, &args, today);
    }
    let (births, deaths) = (args.births.unwrap_or(0), args.deaths.unwrap_or(0));
    let formats = Formats::parse(&args.format).ok_or_else(|| CliError::Usage {
        vi: format!(
            "định dạng {:?} không có; chọn jws, xml, fhir hoặc all",
            args.format
        ),
        en: format!(
            "unknown format {:?}; choose jws, xml, fhir or all",
            args.format
        ),
    })?;
    let broken = broken_kinds(&args.broken)?;
    let tokens = facility_tokens(&args.facility_token)?;
    let cfgs: Vec<SimConfig> = args
        .commune
        .iter()
        .map(|commune| SimConfig {
            seed: args.seed,
            correction_rate: args.correction_rate,
            void_rate: args.void_rate,
            first_number: args.first_number,
            formats,
            broken: broken.clone(),
            ..SimConfig::new(commune.trim(), births, deaths, today)
        })
        .collect();
    let (out, mut summary) = simulate_communes(&cfgs)?;
    if let Some(dir) = &args.out {
        write_sim(&out, dir)?;
        summary.push_str(&format!(" -> {}", dir.display()));
    }
    if let Some(url) = &args.post {
        let mut totals = post_notifications(url, &out.notifications, args.batch)?;
        if !out.files.is_empty() {
            totals.add_all(&post_documents(url, &out.files, &tokens)?);
        }
        summary.push_str(&format!(
            "\nđã gửi / posted to {url}: {} lưu / stored, {} trùng / duplicate, {} từ chối / rejected, {} xung đột / conflict",
            totals.stored, totals.duplicate, totals.rejected, totals.conflict
        ));
    }
    Ok(summary)
}

/// `--broken`: `all`, or reason codes.
fn broken_kinds(names: &[String]) -> Result<Vec<Broken>, CliError> {
    let mut kinds = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if name == "all" {
            return Ok(Broken::ALL.to_vec());
        }
        let kind = Broken::of_code(name).ok_or_else(|| {
            let known: Vec<&str> = Broken::ALL.iter().map(|b| b.code()).collect();
            CliError::Usage {
                vi: format!(
                    "không có lý do hỏng {name:?}; chọn all hoặc: {}",
                    known.join(", ")
                ),
                en: format!(
                    "unknown broken reason {name:?}; choose all or: {}",
                    known.join(", ")
                ),
            }
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// `--facility-token MACSKCB=TOKEN`, repeated.
fn facility_tokens(pairs: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((facility, token)) if !facility.trim().is_empty() && !token.trim().is_empty() => {
                Ok((facility.trim().to_owned(), token.trim().to_owned()))
            }
            _ => Err(CliError::Usage {
                vi: "--facility-token cần dạng MACSKCB=MÃ".into(),
                en: "--facility-token needs MACSKCB=TOKEN".into(),
            }),
        })
        .collect()
}

pub fn serve(args: ServeArgs) -> Result<String, CliError> {
    hotich_central::logging::init();
    let storage: Arc<dyn Storage> = Arc::from(open(&args.db)?);
    let metrics_token_sha256 = match &args.metrics_token_file {
        None => None,
        Some(file) => {
            let token = std::fs::read_to_string(file).map_err(|e| CliError::Failed {
                vi: format!("không đọc được {}: {e}", file.display()),
                en: format!("cannot read {}: {e}", file.display()),
            })?;
            let token = token.trim();
            if token.len() < 32 {
                return Err(CliError::Usage {
                    vi: format!(
                        "mã giám sát trong {} phải dài ít nhất 32 ký tự",
                        file.display()
                    ),
                    en: format!(
                        "the metrics token in {} must be 32 characters or more",
                        file.display()
                    ),
                });
            }
            Some(hotich_central::auth::token_hash(token))
        }
    };
    let config = ServerConfig {
        metrics_token_sha256,
        workstation_rate: args.rate_limit,
        workstation_burst: args.burst,
        facility_rate: args.facility_rate_limit,
        facility_burst: args.facility_rate_limit.saturating_mul(5),
        max_requests_in_progress: args.max_requests_in_progress,
        // Plain HTTP is loopback (a demo, a test) unless a TLS proxy fronts it.
        secure_cookies: args.tls_cert.is_some() || args.behind_proxy,
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout.max(1)),
        ..ServerConfig::default()
    };
    #[cfg(feature = "faults")]
    let config = ServerConfig {
        faults: args.faults.map(|rate| server::Faults {
            rate: rate.clamp(0.0, 1.0),
            seed: args.fault_seed,
        }),
        clock_offset_seconds: args.clock_offset,
        ..config
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            Some(server_config(cert, key).map_err(|e| CliError::Failed {
                vi: format!("không dùng được chứng chỉ TLS: {e}"),
                en: format!("cannot use the TLS certificate: {e}"),
            })?)
        }
        _ => None,
    };
    let plain_in_the_open = tls.is_none() && !args.listen.ip().is_loopback();
    if plain_in_the_open && !args.behind_proxy {
        return Err(CliError::Usage {
            vi: format!(
                "không phục vụ HTTP thường trên {}: máy trạm gửi mã truy cập và dữ liệu hộ tịch qua mạng. \
                 Dùng --tls-cert FILE --tls-key FILE, hoặc để một reverse proxy lo TLS phía trước \
                 và thêm --behind-proxy (hoặc chỉ nghe trên 127.0.0.1)",
                args.listen
            ),
            en: format!(
                "refusing plain HTTP on {}: workstations send their tokens and civil-registration data over it. \
                 Give --tls-cert FILE --tls-key FILE, or have a reverse proxy in front terminate TLS \
                 and add --behind-proxy (or listen on 127.0.0.1 only)",
                args.listen
            ),
        });
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::failed)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| CliError::Failed {
                vi: format!("không lắng nghe được trên {}: {e}", args.listen),
                en: format!("cannot listen on {}: {e}", args.listen),
            })?;
        let bound = listener.local_addr().map_err(CliError::failed)?;
        if plain_in_the_open {
            tracing::warn!(
                address = %bound,
                "plain HTTP on a non-loopback address (--behind-proxy): a reverse proxy must terminate TLS in front of this server"
            );
        }
        // The first line of stdout says where it listens (tests read the port from it).
        let scheme = if tls.is_some() { "https" } else { "http" };
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on {scheme}://{bound}").map_err(CliError::failed)?;
        stdout.flush().map_err(CliError::failed)?;
        server::serve_tls(listener, tls, App::new(storage, &config))
            .await
            .map_err(CliError::failed)?;
        Ok("stopped".to_owned())
    })
}

/// `--expires`: a day (the token works through that day, Vietnam time) or
/// an RFC 3339 instant; it must be in the future.
fn parse_expiry(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, CliError> {
    let at = match DateTime::parse_from_rfc3339(text.trim()) {
        Ok(at) => at.with_timezone(&Utc),
        Err(_) => {
            let day = parse_date(text)?;
            hotich_common::time::start_of_office_day(day + chrono::Days::new(1))
        }
    };
    if at <= now {
        return Err(CliError::Usage {
            vi: format!("ngày hết hạn {text:?} đã qua"),
            en: format!("the expiry {text:?} is in the past"),
        });
    }
    Ok(at)
}

pub fn add_workstation(
    db: &Path,
    commune: &str,
    label: &str,
    expires: Option<&str>,
) -> Result<String, CliError> {
    if hotich_protocol::reference::commune(commune).is_none() {
        return Err(CliError::Usage {
            vi: format!("không có xã mã {commune:?}"),
            en: format!("unknown commune code {commune:?}"),
        });
    }
    let now = Utc::now();
    let expires_at = expires.map(|text| parse_expiry(text, now)).transpose()?;
    let storage = open(db)?;
    let token = new_token();
    let new = NewWorkstation {
        commune,
        label,
        token_sha256: &server::token_hash(&token),
        expires_at,
    };
    let id = storage
        .add_workstation(&new, now)
        .map_err(CliError::failed)?;
    // The token on stdout alone, for scripts; shown once, never stored.
    println!("{token}");
    let until = expires_at.map_or_else(String::new, |at| {
        format!(" (hết hạn / expires {})", at.to_rfc3339())
    });
    Ok(format!(
        "máy trạm / workstation {id} cho xã / for commune {commune}{until}: lưu mã này ngay, máy chủ không giữ bản rõ / keep this token now, the server keeps only its hash"
    ))
}

/// One line per workstation on stdout (tab-separated, a header first).
pub fn list_workstations(db: &Path) -> Result<String, CliError> {
    let listed = open(db)?.workstations().map_err(CliError::failed)?;
    let now = Utc::now();
    let mut stdout = std::io::stdout().lock();
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(
        stdout,
        "id\tcommune\tlabel\tstate\tcreated_at\texpires_at\tlast_used_at\trevoked_at\trotated_at\taudit_head\taudit_went_back_at"
    )
    .map_err(CliError::failed)?;
    for w in &listed {
        let expired = w
            .expires_at
            .as_deref()
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .is_some_and(|at| at <= now);
        let state = match (&w.revoked_at, expired) {
            (Some(_), _) => "revoked",
            (None, true) => "expired",
            (None, false) => "active",
        };
        writeln!(
            stdout,
            "{}\t{}\t{}\t{state}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            w.id,
            w.commune,
            w.label,
            w.created_at,
            dash(&w.expires_at),
            dash(&w.last_used_at),
            dash(&w.revoked_at),
            dash(&w.rotated_at),
            dash(&w.audit_head_seq.map(|seq| seq.to_string())),
            dash(&w.audit_went_back_at),
        )
        .map_err(CliError::failed)?;
    }
    Ok(format!("{} máy trạm / workstations", listed.len()))
}

/// What a revoke or rotation found, worded.
fn token_change(id: &str, change: TokenChange) -> Result<(), CliError> {
    match change {
        TokenChange::Done => Ok(()),
        TokenChange::NoSuchWorkstation => Err(CliError::Usage {
            vi: format!("không có máy trạm {id:?} (xem hotich-central workstation list)"),
            en: format!("no workstation {id:?} (see hotich-central workstation list)"),
        }),
        TokenChange::AlreadyRevoked => Err(CliError::Failed {
            vi: format!("máy trạm {id} đã bị thu hồi mã; hãy thêm máy trạm mới (workstation add)"),
            en: format!("workstation {id} was revoked; add a new workstation (workstation add)"),
        }),
    }
}

pub fn revoke_workstation(db: &Path, id: &str) -> Result<String, CliError> {
    let change = open(db)?
        .revoke_workstation(id, Utc::now())
        .map_err(CliError::failed)?;
    token_change(id, change)?;
    Ok(format!(
        "đã thu hồi mã của máy trạm / revoked the token of workstation {id}: bị từ chối từ yêu cầu kế tiếp / refused from its next request"
    ))
}

pub fn rotate_token(db: &Path, id: &str) -> Result<String, CliError> {
    let token = new_token();
    let change = open(db)?
        .rotate_token(id, &server::token_hash(&token), Utc::now())
        .map_err(CliError::failed)?;
    token_change(id, change)?;
    println!("{token}");
    Ok(format!(
        "mã mới của máy trạm / new token of workstation {id}: nhập vào máy trạm ngay, mã cũ thôi dùng được / enter it on the workstation now, the old one no longer works"
    ))
}

pub fn import_trust(
    db: &Path,
    file: &Path,
    demo_root: bool,
    root_key_id: Option<String>,
    root_public_key: Option<String>,
) -> Result<String, CliError> {
    let raw = std::fs::read(file).map_err(|e| CliError::Failed {
        vi: format!("không đọc được {}: {e}", file.display()),
        en: format!("cannot read {}: {e}", file.display()),
    })?;
    let root = match (demo_root, root_key_id, root_public_key) {
        (true, _, _) => Some(RootKey::demo()),
        (false, Some(key_id), Some(public_key)) => {
            Some(RootKey::parse(&key_id, &public_key).map_err(|e| bad_root_key(&e))?)
        }
        _ => None,
    };
    let storage = open(db)?;
    let imported = import_trust_list(storage.as_ref(), &raw, root, Utc::now())?;
    let (sequence, facilities) = (imported.sequence, imported.facilities);
    Ok(if imported.applied {
        format!("danh sách tin cậy / trust list {sequence}: {facilities} cơ sở / facilities")
    } else {
        format!("danh sách tin cậy / trust list {sequence} không mới hơn / is not newer; giữ nguyên / kept")
    })
}
