//! The health-facility simulator's runs as the command line makes them
//! (`hotich-central simulate`): several communes merged into one set of
//! files, and posting what was issued to a server as a facility would.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hotich_protocol::sync::PostReport;
use hotich_protocol::trust::demo_root_signer;
use hotich_protocol::{Action, EventKind, SignedEnvelope};
use hotich_sim::{HealthFile, SimConfig, SimError, SimOutput};

#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error(transparent)]
    Sim(#[from] SimError),
    #[error("at least one commune is needed")]
    NoCommune,
    #[error("cannot write to {}: {source}", dir.display())]
    Write {
        dir: PathBuf,
        source: std::io::Error,
    },
}

/// Runs the simulator for each commune and merges the runs: every
/// notification, and one trust list (signed by the demo root) of every
/// facility involved. Returns it with the one-line summary to print.
pub fn simulate_communes(cfgs: &[SimConfig]) -> Result<(SimOutput, String), SimulateError> {
    let mut merged: Option<SimOutput> = None;
    let mut lines = Vec::new();
    // Facilities by key id across every run; the merged trust list is signed
    // once at the end (signing it after each run grew as the square of the
    // communes: half a minute for the whole country).
    let mut facilities: BTreeMap<String, hotich_sim::SimFacility> = BTreeMap::new();
    let mut sequence = 0;
    let several = cfgs.len() > 1;
    for cfg in cfgs {
        let mut out = hotich_sim::simulate(cfg)?;
        lines.push(summary(cfg, &out));
        sequence = out.trust.sequence.max(sequence);
        if several {
            for facility in std::mem::take(&mut out.facilities) {
                facilities.insert(facility.key.key_id.clone(), facility);
            }
        }
        merged = Some(match merged {
            None => out,
            Some(mut all) => {
                all.notifications.extend(out.notifications);
                all.files.extend(out.files);
                all.fhir_envelopes.extend(out.fhir_envelopes);
                match (&mut all.pki, out.pki) {
                    (Some(pki), Some(more)) => pki.facilities.extend(more.facilities),
                    (None, more) => all.pki = more,
                    (Some(_), None) => {}
                }
                all
            }
        });
    }
    if let (Some(all), true) = (&mut merged, several) {
        all.facilities = facilities.into_values().collect();
        all.trust.facilities = all.facilities.iter().map(|f| f.key.clone()).collect();
        all.trust.sequence = sequence;
        all.trust_list = all.trust.sign(&demo_root_signer());
    }
    let out = merged.ok_or(SimulateError::NoCommune)?;
    Ok((out, lines.join("\n")))
}

/// Runs the simulator and writes `dir/notifications.json` and `dir/trust.json`.
/// Returns the one-line summary to print.
pub fn simulate_to_dir(cfg: &SimConfig, dir: &Path) -> Result<String, SimulateError> {
    let (out, summary) = simulate_communes(std::slice::from_ref(cfg))?;
    write_sim(&out, dir)?;
    Ok(format!("{summary} -> {}", dir.display()))
}

/// Writes a simulation's files into `dir`.
pub fn write_sim(out: &SimOutput, dir: &Path) -> Result<(), SimulateError> {
    hotich_sim::write_files(out, dir).map_err(|source| SimulateError::Write {
        dir: dir.to_owned(),
        source,
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

/// Posts each official XML or FHIR file to `server` (`POST /v1/notifications`
/// with its `Content-Type`), one request per file, in issue order, as a
/// facility's system would; with `Authorization: Bearer` when `tokens`
/// holds a token for the file's facility (FHIR needs one: it carries no
/// signature). 429 and 5xx are retried as for envelopes.
pub fn post_documents(
    server: &str,
    files: &[HealthFile],
    tokens: &BTreeMap<String, String>,
) -> Result<PostTotals, PostError> {
    let requests = files.iter().map(|file| {
        let post = Post {
            content_type: file.content_type,
            token: tokens.get(&file.facility).map(String::as_str),
        };
        Ok((post, file.bytes.clone()))
    });
    post_all(server, requests)
}

/// Sends each request in turn to `server`'s `POST /v1/notifications` and
/// adds up what it answered.
fn post_all<'a>(
    server: &str,
    requests: impl Iterator<Item = Result<(Post<'a>, Vec<u8>), PostError>>,
) -> Result<PostTotals, PostError> {
    let runtime = runtime()?;
    runtime.block_on(async {
        let client = client()?;
        let url = format!("{}/v1/notifications", server.trim_end_matches('/'));
        let mut totals = PostTotals::default();
        for request in requests {
            let (post, body) = request?;
            totals.add(&post_batch(&client, &url, &post, body).await?);
        }
        Ok(totals)
    })
}

/// A runtime for one command's requests.
fn runtime() -> Result<tokio::runtime::Runtime, PostError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| PostError::Start(e.to_string()))
}

fn client() -> Result<reqwest::Client, PostError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| PostError::Start(e.to_string()))
}

impl PostTotals {
    /// Adds another run's counts.
    pub fn add_all(&mut self, other: &PostTotals) {
        self.stored += other.stored;
        self.duplicate += other.duplicate;
        self.rejected += other.rejected;
        self.conflict += other.conflict;
    }

    fn add(&mut self, report: &PostReport) {
        for r in &report.results {
            match r.status.as_str() {
                "stored" => self.stored += 1,
                "duplicate" => self.duplicate += 1,
                "conflict" => self.conflict += 1,
                _ => self.rejected += 1,
            }
        }
    }
}

/// How one request is sent: its body's type and the facility's token.
struct Post<'a> {
    content_type: &'a str,
    token: Option<&'a str>,
}

/// Tries of one batch before giving up on a busy or unreachable server.
const POST_TRIES: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("cannot start: {0}")]
    Start(String),
    #[error("bad answer: {0}")]
    BadAnswer(String),
    #[error("the server refused ({status}): {body}")]
    Refused { status: u16, body: String },
    #[error("cannot post to {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the server stayed busy after {tries} tries")]
    Busy { tries: u32 },
}

/// Posts envelopes to `server` (`POST /v1/notifications`) in batches, as a
/// health facility's system would; 429 and 5xx are retried a bounded number
/// of times, honouring Retry-After.
pub fn post_notifications(
    server: &str,
    envelopes: &[SignedEnvelope],
    batch: usize,
) -> Result<PostTotals, PostError> {
    let requests = envelopes.chunks(batch.max(1)).map(|chunk| {
        let body = serde_json::to_vec(chunk).map_err(|e| PostError::Start(e.to_string()))?;
        let json = Post {
            content_type: "application/json",
            token: None,
        };
        Ok((json, body))
    });
    post_all(server, requests)
}

async fn post_batch(
    client: &reqwest::Client,
    url: &str,
    post: &Post<'_>,
    body: Vec<u8>,
) -> Result<PostReport, PostError> {
    let mut tries = 0;
    loop {
        tries += 1;
        let mut request = client
            .post(url)
            .header("content-type", post.content_type)
            .body(body.clone());
        if let Some(token) = post.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await;
        let retry_in = match response {
            Ok(r) if r.status().is_success() => {
                return r
                    .json()
                    .await
                    .map_err(|e| PostError::BadAnswer(e.to_string()))
            }
            Ok(r) if r.status().as_u16() == 429 || r.status().is_server_error() => r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
                .unwrap_or(1),
            Ok(r) => {
                let status = r.status().as_u16();
                let body = r.text().await.unwrap_or_default();
                return Err(PostError::Refused { status, body });
            }
            Err(_) if tries < POST_TRIES => 1,
            Err(e) => {
                return Err(PostError::Unreachable {
                    url: url.to_owned(),
                    reason: e.to_string(),
                })
            }
        };
        if tries >= POST_TRIES {
            return Err(PostError::Busy { tries });
        }
        tokio::time::sleep(Duration::from_secs(retry_in.min(5))).await;
    }
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
    let count = |prefix: &str| {
        out.files
            .iter()
            .filter(|f| f.name.starts_with(prefix))
            .count()
    };
    let others = if out.files.is_empty() {
        String::new()
    } else {
        format!(
            "; {} tệp XML / XML files, {} tệp FHIR / FHIR files, {} tệp hỏng / broken files",
            count("xml/"),
            count("fhir/"),
            count("broken/")
        )
    };
    format!(
        "{total} thông báo / notifications ({births} khai sinh / births, {deaths} khai tử / deaths, \
         {corrections} đính chính / corrections, {voids} hủy / voids) từ {facilities} cơ sở y tế / facilities \
         cho / for {place} ({code}), ngày / today {today}, seed {seed}{others}",
        total = out.notifications.len(),
        facilities = out.facilities.len(),
        code = cfg.commune_code,
        today = cfg.today,
        seed = cfg.seed,
    )
}

/// What the simulated health station did with the deaths shared with it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StationTotals {
    pub deaths: u64,
    pub stored: u64,
    pub unchanged: u64,
    pub refused: u64,
}

/// Plays the commune health station `facility` against `server`: reads the
/// deaths shared with it (its facility `token`) and returns a cause for each
/// (`hotich_sim::health_station`), as Hotich's JSON or, with `fhir`, as a
/// VRDR cause-of-death coding message, signed either way. A cause the
/// registry refuses is counted, not retried.
pub fn answer_deaths(
    server: &str,
    token: &str,
    facility: &str,
    fhir: bool,
) -> Result<StationTotals, PostError> {
    use hotich_protocol::health_loop::SharedDeathPage;
    let runtime = runtime()?;
    runtime.block_on(async {
        let client = client()?;
        let base = server.trim_end_matches('/');
        let unreachable = |url: &str, e: reqwest::Error| PostError::Unreachable {
            url: url.to_owned(),
            reason: e.to_string(),
        };
        let mut totals = StationTotals::default();
        let mut after = 0;
        loop {
            let url = format!("{base}/v1/health/deaths?after={after}");
            let answer = client
                .get(&url)
                .bearer_auth(token)
                .send()
                .await
                .map_err(|e| unreachable(&url, e))?;
            if !answer.status().is_success() {
                let status = answer.status().as_u16();
                let body = answer.text().await.unwrap_or_default();
                return Err(PostError::Refused { status, body });
            }
            let page: SharedDeathPage = answer
                .json()
                .await
                .map_err(|e| PostError::BadAnswer(e.to_string()))?;
            for death in &page.deaths {
                totals.deaths += 1;
                let envelope = if fhir {
                    hotich_sim::health_station::signed_cause_fhir(death, facility)
                } else {
                    hotich_sim::health_station::signed_cause(death, facility)
                }
                .ok_or_else(|| PostError::Start(format!("{facility} has no demo key")))?;
                let url = format!("{base}/v1/health/causes");
                let answer = client
                    .post(&url)
                    .json(&envelope)
                    .send()
                    .await
                    .map_err(|e| unreachable(&url, e))?;
                match answer.status().as_u16() {
                    201 => totals.stored += 1,
                    200 => totals.unchanged += 1,
                    _ => totals.refused += 1,
                }
            }
            after = page.next_cursor;
            if !page.has_more {
                return Ok(totals);
            }
        }
    })
}
