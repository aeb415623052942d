//! Reference central registry of Hotich: the HTTP server
//! (`hotich-central serve`, see [`server`]) over its [`storage`], the admin
//! commands (workstation tokens, trust list) and the command-line front of the
//! health-facility simulator (`hotich-central simulate`, which can post what
//! it issues to a server).

pub mod process;
pub mod routing;
pub mod server;
pub mod storage;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use hotich_protocol::jws::verifying_key_from_b64;
use hotich_protocol::sync::PostReport;
use hotich_protocol::trust::{demo_root_signer, DEMO_ROOT_KEY_ID};
use hotich_protocol::{Action, EventKind, SignedEnvelope, TrustList};
use hotich_sim::{SimConfig, SimError, SimOutput};

use crate::storage::Storage;

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

fn sim_error(e: SimError) -> CliError {
    match e {
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
    }
}

/// Runs the simulator for each commune and merges the runs: every
/// notification, and one trust list (signed by the demo root) of every
/// facility involved. Returns it with the one-line summary to print.
pub fn simulate_communes(cfgs: &[SimConfig]) -> Result<(SimOutput, String), CliError> {
    let mut merged: Option<SimOutput> = None;
    let mut lines = Vec::new();
    for cfg in cfgs {
        let out = hotich_sim::simulate(cfg).map_err(sim_error)?;
        lines.push(summary(cfg, &out));
        merged = Some(match merged {
            None => out,
            Some(mut all) => {
                all.notifications.extend(out.notifications);
                let by_key: BTreeMap<String, hotich_sim::SimFacility> = all
                    .facilities
                    .into_iter()
                    .chain(out.facilities)
                    .map(|f| (f.key.key_id.clone(), f))
                    .collect();
                all.facilities = by_key.into_values().collect();
                all.trust.facilities = all.facilities.iter().map(|f| f.key.clone()).collect();
                all.trust.sequence = all.trust.sequence.max(out.trust.sequence);
                all.trust_list = all.trust.sign(&demo_root_signer());
                all
            }
        });
    }
    let out = merged.ok_or_else(|| CliError::Usage {
        vi: "cần ít nhất một --commune".into(),
        en: "at least one --commune is needed".into(),
    })?;
    Ok((out, lines.join("\n")))
}

/// Runs the simulator and writes `dir/notifications.json` and `dir/trust.json`.
/// Returns the one-line summary to print.
pub fn simulate_to_dir(cfg: &SimConfig, dir: &Path) -> Result<String, CliError> {
    let (out, summary) = simulate_communes(std::slice::from_ref(cfg))?;
    write_sim(&out, dir)?;
    Ok(format!("{summary} -> {}", dir.display()))
}

/// Writes a simulation's files into `dir`.
pub fn write_sim(out: &SimOutput, dir: &Path) -> Result<(), CliError> {
    hotich_sim::write_files(out, dir).map_err(|e| CliError::Failed {
        vi: format!("không ghi được vào thư mục {}: {e}", dir.display()),
        en: format!("cannot write to {}: {e}", dir.display()),
    })
}

/// Counts of what a server answered to posted notifications.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostTotals {
    pub stored: u64,
    pub duplicate: u64,
    pub rejected: u64,
    pub conflict: u64,
}

fn failed(vi: String, en: String) -> CliError {
    CliError::Failed { vi, en }
}

/// Posts envelopes to `server` (`POST /v1/notifications`) in batches, as a
/// health facility's system would; 429 and 5xx are retried a bounded number
/// of times, honouring Retry-After.
pub fn post_notifications(
    server: &str,
    envelopes: &[SignedEnvelope],
    batch: usize,
) -> Result<PostTotals, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("không khởi động được: {e}"), e.to_string()))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| failed(e.to_string(), e.to_string()))?;
        let url = format!("{}/v1/notifications", server.trim_end_matches('/'));
        let mut totals = PostTotals::default();
        for chunk in envelopes.chunks(batch.max(1)) {
            let body =
                serde_json::to_vec(chunk).map_err(|e| failed(e.to_string(), e.to_string()))?;
            let mut tries = 0;
            let report: PostReport = loop {
                tries += 1;
                let response = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                let retry_in = match response {
                    Ok(r) if r.status().is_success() => {
                        break r.json().await.map_err(|e| {
                            failed(
                                format!("máy chủ trả lời sai: {e}"),
                                format!("bad answer: {e}"),
                            )
                        })?
                    }
                    Ok(r) if r.status().as_u16() == 429 || r.status().is_server_error() => r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
                        .unwrap_or(1),
                    Ok(r) => {
                        let status = r.status();
                        let text = r.text().await.unwrap_or_default();
                        return Err(failed(
                            format!("máy chủ từ chối ({status}): {text}"),
                            format!("the server refused ({status}): {text}"),
                        ));
                    }
                    Err(_) if tries < 5 => 1,
                    Err(e) => {
                        return Err(failed(
                            format!("không gửi được tới {url}: {e}"),
                            format!("cannot post to {url}: {e}"),
                        ))
                    }
                };
                if tries >= 5 {
                    return Err(failed(
                        format!("máy chủ bận sau {tries} lần thử"),
                        format!("the server stayed busy after {tries} tries"),
                    ));
                }
                tokio::time::sleep(std::time::Duration::from_secs(retry_in.min(5))).await;
            };
            for r in report.results {
                match r.status.as_str() {
                    "stored" => totals.stored += 1,
                    "duplicate" => totals.duplicate += 1,
                    "conflict" => totals.conflict += 1,
                    _ => totals.rejected += 1,
                }
            }
        }
        Ok(totals)
    })
}

const SETTING_ROOT_KEY_ID: &str = "trust_root_key_id";
const SETTING_ROOT_PUBLIC_KEY: &str = "trust_root_public_key";

/// The registry root key trust lists must be signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootKey {
    pub key_id: String,
    pub public_key_b64: String,
}

impl RootKey {
    /// The publicly known demo root (the simulator signs with it): tests and demos only.
    pub fn demo() -> RootKey {
        RootKey {
            key_id: DEMO_ROOT_KEY_ID.to_owned(),
            public_key_b64: demo_root_signer().public_key_b64(),
        }
    }
}

/// Verifies a signed trust list against the root key (given, else the one
/// pinned before) and makes it the server's list if it is newer. Returns
/// (sequence, facilities, applied).
pub fn import_trust_list(
    storage: &dyn Storage,
    raw: &[u8],
    root: Option<RootKey>,
    now: DateTime<Utc>,
) -> Result<(u64, usize, bool), CliError> {
    let storage_failed = |e: storage::StorageError| failed(e.to_string(), e.to_string());
    let root = match root {
        Some(root) => {
            storage
                .set_setting(SETTING_ROOT_KEY_ID, &root.key_id)
                .map_err(storage_failed)?;
            storage
                .set_setting(SETTING_ROOT_PUBLIC_KEY, &root.public_key_b64)
                .map_err(storage_failed)?;
            root
        }
        None => match (
            storage
                .setting(SETTING_ROOT_KEY_ID)
                .map_err(storage_failed)?,
            storage
                .setting(SETTING_ROOT_PUBLIC_KEY)
                .map_err(storage_failed)?,
        ) {
            (Some(key_id), Some(public_key_b64)) => RootKey {
                key_id,
                public_key_b64,
            },
            _ => return Err(CliError::Usage {
                vi: "chưa có khóa gốc: dùng --demo-root hoặc --root-key-id và --root-public-key"
                    .into(),
                en: "no root key pinned: give --demo-root or --root-key-id and --root-public-key"
                    .into(),
            }),
        },
    };
    let key = verifying_key_from_b64(&root.public_key_b64).map_err(|e| CliError::Usage {
        vi: format!("khóa gốc không hợp lệ: {e}"),
        en: format!("invalid root key: {e}"),
    })?;
    let list = TrustList::verify(raw, &root.key_id, &key).map_err(|e| {
        failed(
            format!("danh sách tin cậy bị từ chối: {e}"),
            format!("trust list refused: {e}"),
        )
    })?;
    let text = std::str::from_utf8(raw)
        .map_err(|e| failed(e.to_string(), e.to_string()))?
        .trim();
    let applied = storage
        .replace_trust_list(list.sequence, text, &list.facilities, now)
        .map_err(storage_failed)?;
    Ok((list.sequence, list.facilities.len(), applied))
}

/// A new workstation token: 256 random bits, base64url, with a prefix that
/// says what it is.
pub fn new_token() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("hotich_ws_{}", hotich_protocol::jws::b64(&bytes))
}

fn summary(cfg: &SimConfig, out: &SimOutput) -> String {
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
         cho / for {place} ({code}), ngày / today {today}, seed {seed}",
        total = out.notifications.len(),
        facilities = out.facilities.len(),
        code = cfg.commune_code,
        today = cfg.today,
        seed = cfg.seed,
    )
}
