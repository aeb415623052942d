//! The whole country against the real `hotich-central serve` on loopback
//! (issue 19, item 5), on SQLite and on PostgreSQL side by side in one run:
//! 3,321 communes with a workstation each; a year's notifications scaled by
//! `--scale` (1.0: about 1.3 million births and 0.6 million deaths, with the
//! simulator's corrections and voids) posted by facilities in parallel; the
//! workstations polling (and pushing outreach) at the national rate (3,321
//! each once a minute, about 55 requests a second) and at 10 times that; the
//! province page of the largest province. Prints figures; asserts none.
//!
//! `cargo bench -p hotich-central --bench national [-- --scale 0.05 --seconds 20 --only sqlite|postgres]`
//! PostgreSQL: the cluster `HOTICH_BENCH_POSTGRES` names (an admin URL), else
//! one started for the run with `scripts/postgres.sh` (durable settings).
//! Bars (2 cores, the load generator on the same machine): notifications
//! taken in >= 2,000/s on PostgreSQL; pull p99 < 50 ms at 10x the national
//! rate; the province page's p95 < 300 ms on the largest province.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use hotich_central::process::{ScratchCluster, ServerProcess};
use hotich_central::storage::{Database, NewOfficer, NewWorkstation, Storage};
use hotich_central::{import_trust_list, new_token, simulate_communes, RootKey};
use hotich_protocol::reference;
use hotich_protocol::SignedEnvelope;
use hotich_sim::SimConfig;

/// A year's events per commune at scale 1 (1.3 M births, 0.6 M deaths over
/// 3,321 communes).
const BIRTHS_PER_COMMUNE: f64 = 1_300_000.0 / 3_321.0;
const DEATHS_PER_COMMUNE: f64 = 600_000.0 / 3_321.0;
/// Facilities posting at once, and envelopes per post.
const POSTERS: usize = 8;
const POST_BATCH: usize = 250;
/// The national polling rate: every workstation once a minute.
const NATIONAL_RATE_PER_SECOND: f64 = 3_321.0 / 60.0;
/// One request in this many is a push (outreach rows) rather than a pull.
const PUSH_EVERY: usize = 5;

struct Args {
    scale: f64,
    seconds: u64,
    /// `--only sqlite` or `--only postgres`: one back-end (while tuning it).
    only: Option<String>,
    /// Loads of the province page measured (`--page-loads`).
    page_loads: usize,
}

fn args() -> Args {
    let mut args = Args {
        scale: 0.05,
        seconds: 20,
        only: None,
        page_loads: 40,
    };
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        match arg.as_str() {
            "--scale" => args.scale = given.next().and_then(|v| v.parse().ok()).unwrap_or(0.05),
            "--seconds" => args.seconds = given.next().and_then(|v| v.parse().ok()).unwrap_or(20),
            "--only" => args.only = given.next(),
            "--page-loads" => {
                args.page_loads = given.next().and_then(|v| v.parse().ok()).unwrap_or(40)
            }
            _ => {} // cargo bench's own flags (--bench)
        }
    }
    args
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `hotich-central serve` on a free loopback port, its limits out of the
/// way of the load (a log line per request would measure the terminal, so
/// the process logs warnings only).
fn start_server(db: &Path) -> ServerProcess {
    ServerProcess::start(
        Path::new(env!("CARGO_BIN_EXE_hotich-central")),
        db,
        &[
            "--rate-limit",
            "1000000",
            "--burst",
            "1000000",
            "--facility-rate-limit",
            "1000000",
            "--max-requests-in-progress",
            "4096",
        ],
    )
    .unwrap()
}

/// What one back-end measured.
struct Figures {
    backend: &'static str,
    notifications: usize,
    intake_per_second: f64,
    /// (rate, pull p50, pull p99, push p50, push p99, requests answered, failed)
    loads: Vec<(f64, Duration, Duration, Duration, Duration, usize, usize)>,
    province: &'static str,
    province_communes: usize,
    province_p50: Duration,
    province_p95: Duration,
    bytes: u64,
    memory_mib: f64,
}

/// Posts every envelope, `POSTERS` facilities at once; notifications taken
/// in per second. Each poster serializes the batch it takes (a year's
/// batches serialized ahead would double the bench's memory).
async fn post_all(url: &str, envelopes: Arc<Vec<SignedEnvelope>>) -> f64 {
    let client = reqwest::Client::new();
    let next_batch = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..POSTERS)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_owned());
            let (envelopes, next_batch) = (envelopes.clone(), next_batch.clone());
            tokio::spawn(async move {
                loop {
                    let from = next_batch.fetch_add(1, Ordering::Relaxed) * POST_BATCH;
                    if from >= envelopes.len() {
                        break;
                    }
                    let batch = &envelopes[from..(from + POST_BATCH).min(envelopes.len())];
                    let answer = client
                        .post(format!("{url}/v1/notifications"))
                        .header("content-type", "application/json")
                        .body(serde_json::to_vec(batch).unwrap())
                        .send()
                        .await
                        .unwrap();
                    assert!(answer.status().is_success(), "{}", answer.status());
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    envelopes.len() as f64 / started.elapsed().as_secs_f64()
}

/// Requests at `rate` per second for `seconds`, spread over the
/// workstations (each pulls from its stream's head, as a polling
/// workstation does; one in `PUSH_EVERY` pushes an outreach row); the pull
/// and push latencies, sorted, and how many failed.
async fn load(
    url: &str,
    workstations: &[(String, String, u64)],
    rate: f64,
    seconds: u64,
) -> (Vec<Duration>, Vec<Duration>, usize) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()
        .unwrap();
    let total = (rate * seconds as f64) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let started = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        // Open loop: each request leaves at its time, answered or not.
        tokio::time::sleep_until(started + interval * i as u32).await;
        let (commune, token, head) = workstations[i % workstations.len()].clone();
        let (client, url) = (client.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            let push = i % PUSH_EVERY == 0;
            let sent = Instant::now();
            let answer = if push {
                let at = Utc::now().to_rfc3339();
                let row = serde_json::json!({
                    "case_id": format!("bench-{commune}-{i}"),
                    "kind": "case_attempt",
                    "body": {"at": at, "channel": "phone", "outcome": "no_answer"},
                    "created_at": at,
                });
                client
                    .put(format!("{url}/v1/events/{}", uuid::Uuid::now_v7()))
                    .bearer_auth(&token)
                    .json(&row)
                    .send()
                    .await
            } else {
                client
                    .get(format!(
                        "{url}/v1/communes/{commune}/events?after={head}&limit=100"
                    ))
                    .bearer_auth(&token)
                    .send()
                    .await
            };
            let ok = answer.is_ok_and(|a| a.status().is_success());
            (push, sent.elapsed(), ok)
        }));
    }
    let (mut pulls, mut pushes, mut failed) = (Vec::new(), Vec::new(), 0);
    for task in tasks {
        let (push, took, ok) = task.await.unwrap();
        failed += usize::from(!ok);
        if push {
            pushes.push(took);
        } else {
            pulls.push(took);
        }
    }
    pulls.sort();
    pushes.sort();
    (pulls, pushes, failed)
}

/// The largest province by communes: its code, name and commune count.
fn largest_province() -> (&'static str, &'static str, usize) {
    reference::provinces()
        .iter()
        .map(|p| (p.code, p.full_name, reference::communes_in(p.code).count()))
        .max_by_key(|(_, _, n)| *n)
        .unwrap()
}

/// Signs the province's officer in; then `times` loads of the page.
async fn province_page(url: &str, password: &str, times: usize) -> Vec<Duration> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client
        .post(format!("{url}/province/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("login=bench.province&password={password}"))
        .send()
        .await
        .unwrap();
    let cookie = answer.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let mut took = Vec::new();
    for _ in 0..times {
        let started = Instant::now();
        let page = client
            .get(format!("{url}/province"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert!(page.status().is_success());
        page.bytes().await.unwrap();
        took.push(started.elapsed());
    }
    took.sort();
    took
}

fn database_bytes(db: &Database) -> u64 {
    match db {
        Database::Sqlite(path) => ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
            .map(|m| m.len())
            .sum(),
        Database::Postgres(url) => {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
                let size: i64 = client
                    .query_one("SELECT pg_database_size(current_database())", &[])
                    .unwrap()
                    .get(0);
                u64::try_from(size).unwrap_or(0)
            })
            .join()
            .unwrap()
        }
    }
}

fn run_backend(
    backend: &'static str,
    db_arg: PathBuf,
    trust: &[u8],
    envelopes: &Arc<Vec<SignedEnvelope>>,
    args: &Args,
) -> Figures {
    let db = Database::from_arg(&db_arg);
    let communes: Vec<&str> = reference::communes().iter().map(|c| c.code).collect();
    let (province, province_name, province_communes) = largest_province();
    let password = "bench-province-password";
    let mut tokens = Vec::with_capacity(communes.len());
    {
        let storage: Box<dyn Storage> = db.open().unwrap();
        import_trust_list(storage.as_ref(), trust, Some(RootKey::demo()), Utc::now()).unwrap();
        for commune in &communes {
            let token = new_token();
            let new = NewWorkstation {
                commune,
                label: "bench",
                token_sha256: &hotich_central::server::token_hash(&token),
                expires_at: None,
            };
            storage.add_workstation(&new, Utc::now()).unwrap();
            tokens.push(((*commune).to_owned(), token));
        }
        let hash = hotich_common::password::hash(password).unwrap();
        let officer = NewOfficer {
            province,
            login: "bench.province",
            label: "Bench",
            password_hash: &hash,
        };
        storage.add_officer(&officer, Utc::now()).unwrap();
    }
    let server = start_server(&db_arg);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let intake_per_second = runtime.block_on(post_all(&server.url, envelopes.clone()));

    // Each workstation's head: where a polling workstation stands.
    let workstations: Vec<(String, String, u64)> = {
        let storage: Box<dyn Storage> = db.open().unwrap();
        tokens
            .into_iter()
            .map(|(commune, token)| {
                let (events, _) = storage
                    .events_after(&commune, 0, 100_000, usize::MAX)
                    .unwrap();
                let head = events.last().map_or(0, |e| e.seq);
                (commune, token, head)
            })
            .collect()
    };
    let mut loads = Vec::new();
    for factor in [1.0, 10.0] {
        let rate = NATIONAL_RATE_PER_SECOND * factor;
        let (pulls, pushes, failed) =
            runtime.block_on(load(&server.url, &workstations, rate, args.seconds));
        loads.push((
            rate,
            percentile(&pulls, 50.0),
            percentile(&pulls, 99.0),
            percentile(&pushes, 50.0),
            percentile(&pushes, 99.0),
            pulls.len() + pushes.len(),
            failed,
        ));
    }
    let page = runtime.block_on(province_page(&server.url, password, args.page_loads));
    let memory_mib = server.peak_memory_mib().unwrap_or(0.0);
    drop(server);
    Figures {
        backend,
        notifications: envelopes.len(),
        intake_per_second,
        loads,
        province: province_name,
        province_communes,
        province_p50: percentile(&page, 50.0),
        province_p95: percentile(&page, 95.0),
        bytes: database_bytes(&db),
        memory_mib,
    }
}

fn main() {
    let args = args();
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let births = (BIRTHS_PER_COMMUNE * args.scale).round().max(1.0) as usize;
    let deaths = (DEATHS_PER_COMMUNE * args.scale).round().max(1.0) as usize;
    let started = Instant::now();
    let cfgs: Vec<SimConfig> = reference::communes()
        .iter()
        .map(|c| SimConfig::new(c.code, births, deaths, today))
        .collect();
    let (sim, _) = simulate_communes(&cfgs).unwrap();
    let trust = serde_json::to_vec(&sim.trust_list).unwrap();
    println!(
        "hotich-central national benchmark: {} communes, {births} births and {deaths} deaths each \
         (scale {} of a year), {} signed notification versions, simulated in {:.0} s; \
         load phases of {} s",
        cfgs.len(),
        args.scale,
        sim.notifications.len(),
        started.elapsed().as_secs_f64(),
        args.seconds
    );

    let envelopes = Arc::new(sim.notifications);
    let wanted = |backend: &str| args.only.as_deref().is_none_or(|only| only == backend);
    let mut results = Vec::new();
    if wanted("sqlite") {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("central.db");
        results.push(run_backend("SQLite", db, &trust, &envelopes, &args));
        // A year is gigabytes on each back-end: the SQLite file goes before
        // PostgreSQL fills the disk too.
        drop(dir);
    }
    if wanted("postgres") {
        let dir = tempfile::tempdir().unwrap();
        let cluster = match std::env::var("HOTICH_BENCH_POSTGRES") {
            Ok(admin) if !admin.is_empty() => (None, admin),
            _ => {
                let cluster = ScratchCluster::start(dir.path(), None).unwrap();
                let admin = cluster.admin.clone();
                (Some(cluster), admin)
            }
        };
        let url = hotich_central::process::new_postgres_database(&cluster.1).unwrap();
        let db = PathBuf::from(url);
        results.push(run_backend("PostgreSQL", db, &trust, &envelopes, &args));
        // Stopped before its directory goes.
        drop(cluster);
    }

    for f in &results {
        println!("{}:", f.backend);
        println!(
            "  notifications taken in: {:.0} per second ({} posted, {POSTERS} facilities at once, {POST_BATCH} per post)",
            f.intake_per_second, f.notifications
        );
        for (rate, pull50, pull99, push50, push99, answered, failed) in &f.loads {
            println!(
                "  {rate:.0} requests/s: pull p50 {:.1} ms, p99 {:.1} ms; push p50 {:.1} ms, p99 {:.1} ms ({answered} requests, {failed} failed)",
                ms(*pull50), ms(*pull99), ms(*push50), ms(*push99)
            );
        }
        println!(
            "  province page of {} ({} communes): p50 {:.0} ms, p95 {:.0} ms",
            f.province,
            f.province_communes,
            ms(f.province_p50),
            ms(f.province_p95)
        );
        println!(
            "  database: {:.1} MiB, {:.0} MiB per million notifications; registry process peak memory {:.0} MiB",
            f.bytes as f64 / 1_048_576.0,
            f.bytes as f64 / 1_048_576.0 / (f.notifications as f64 / 1e6),
            f.memory_mib
        );
    }
    if let [sqlite, postgres] = &results[..] {
        println!(
            "PostgreSQL / SQLite: intake {:.2}x, pull p99 at 10x {:.2}x, province page p95 {:.2}x",
            postgres.intake_per_second / sqlite.intake_per_second,
            ms(postgres.loads[1].2) / ms(sqlite.loads[1].2).max(0.001),
            ms(postgres.province_p95) / ms(sqlite.province_p95).max(0.001)
        );
    }
}
