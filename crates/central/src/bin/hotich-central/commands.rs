//! Each subcommand: its arguments in, one library call, its summary out.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use hotich_central::server::{self, App, ServerConfig};
use hotich_central::storage::{SqliteStorage, Storage};
use hotich_central::{
    import_trust_list, new_token, post_notifications, simulate_communes, write_sim, RootKey,
};
use hotich_sim::SimConfig;

use crate::error::{bad_root_key, CliError};
use crate::{ServeArgs, SimulateArgs};

/// Parses `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| CliError::Usage {
        vi: format!("ngày {text:?} không hợp lệ, cần dạng NNNN-TT-NN (ví dụ 2026-07-15)"),
        en: format!("invalid date {text:?}, expected YYYY-MM-DD (e.g. 2026-07-15)"),
    })
}

fn open(db: &Path) -> Result<SqliteStorage, CliError> {
    SqliteStorage::open(db).map_err(|e| CliError::cannot_open(db, &e))
}

pub fn simulate(args: SimulateArgs) -> Result<String, CliError> {
    let today = match &args.today {
        Some(text) => parse_date(text)?,
        None => hotich_common::time::office_today(),
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

pub fn serve(args: ServeArgs) -> Result<String, CliError> {
    hotich_central::logging::init();
    let storage: Arc<dyn Storage> = Arc::new(open(&args.db)?);
    let config = ServerConfig {
        workstation_rate: args.rate_limit,
        workstation_burst: args.burst,
        facility_rate: args.facility_rate_limit,
        facility_burst: args.facility_rate_limit.saturating_mul(5),
        #[cfg(feature = "faults")]
        faults: args.faults.map(|rate| server::Faults {
            rate: rate.clamp(0.0, 1.0),
            seed: args.fault_seed,
        }),
    };
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
        // The first line of stdout says where it listens (tests read the port from it).
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on http://{bound}").map_err(CliError::failed)?;
        stdout.flush().map_err(CliError::failed)?;
        server::serve(listener, App::new(storage, &config))
            .await
            .map_err(CliError::failed)?;
        Ok("stopped".to_owned())
    })
}

pub fn add_workstation(db: &Path, commune: &str, label: &str) -> Result<String, CliError> {
    if hotich_protocol::reference::commune(commune).is_none() {
        return Err(CliError::Usage {
            vi: format!("không có xã mã {commune:?}"),
            en: format!("unknown commune code {commune:?}"),
        });
    }
    let storage = open(db)?;
    let token = new_token();
    let id = storage
        .add_workstation(commune, label, &server::token_hash(&token), Utc::now())
        .map_err(CliError::failed)?;
    // The token on stdout alone, for scripts; shown once, never stored.
    println!("{token}");
    Ok(format!(
        "máy trạm / workstation {id} cho xã / for commune {commune}: lưu mã này ngay, máy chủ không giữ bản rõ / keep this token now, the server keeps only its hash"
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
    let imported = import_trust_list(&storage, &raw, root, Utc::now())?;
    let (sequence, facilities) = (imported.sequence, imported.facilities);
    Ok(if imported.applied {
        format!("danh sách tin cậy / trust list {sequence}: {facilities} cơ sở / facilities")
    } else {
        format!("danh sách tin cậy / trust list {sequence} không mới hơn / is not newer; giữ nguyên / kept")
    })
}
