//! Pull endpoint of the real `hotich-central serve` on loopback, with many
//! workstations at once, and the time a fresh workstation takes to pull
//! 10,000 notifications through `hotich-sync`. Prints figures; asserts none.
//!
//! `cargo bench -p hotich-central --bench pull`
//! (Bars: >= 2,000 requests/s, p99 < 50 ms on 2 cores.)

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use hotich_central::storage::{NewWorkstation, SqliteStorage, Storage};
use hotich_central::{
    import_trust_list, new_token, post_notifications, simulate_communes, RootKey,
};
use hotich_sim::SimConfig;

const WORKSTATIONS: usize = 64;
const RUN: Duration = Duration::from_secs(6);

fn add_workstation(storage: &SqliteStorage, commune: &str, token: &str) {
    let new = NewWorkstation {
        commune,
        label: "bench",
        token_sha256: &hotich_central::server::token_hash(token),
        expires_at: None,
    };
    storage.add_workstation(&new, Utc::now()).unwrap();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// `WORKSTATIONS` clients hammer the pull endpoint for `RUN`; each asks for
/// pages of `limit` after its own cursor (`from_head`: already at the end of
/// its stream, the steady state of a polling workstation).
async fn load(url: &str, workstations: &[(String, String, u64)], limit: u32, from_head: bool) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(WORKSTATIONS)
        .build()
        .unwrap();
    let deadline = Instant::now() + RUN;
    let mut tasks = Vec::new();
    for (commune, token, head) in workstations.iter().cloned() {
        let client = client.clone();
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut cursor = if from_head { head } else { 0 };
            let mut failures = 0u32;
            while Instant::now() < deadline {
                let started = Instant::now();
                let response = client
                    .get(format!(
                        "{url}/v1/communes/{commune}/events?after={cursor}&limit={limit}"
                    ))
                    .bearer_auth(&token)
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status().is_success() => {
                        let page: serde_json::Value = r.json().await.unwrap();
                        latencies.push(started.elapsed());
                        cursor = if from_head || !page["has_more"].as_bool().unwrap() {
                            if from_head {
                                head
                            } else {
                                0
                            }
                        } else {
                            page["next_cursor"].as_u64().unwrap()
                        };
                    }
                    _ => failures += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let mut all = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (latencies, failed) = task.await.unwrap();
        all.extend(latencies);
        failures += failed;
    }
    all.sort();
    println!(
        "  pull, {} workstations, limit {limit}{}: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, failures {failures}",
        workstations.len(),
        if from_head { ", polling at the head (empty pages)" } else { ", catching up" },
        all.len() as f64 / RUN.as_secs_f64(),
        percentile(&all, 50.0).as_secs_f64() * 1e3,
        percentile(&all, 99.0).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    // 8 communes of ~600 notifications, and one of ~10,000 for the fresh pull.
    let communes = [
        "00004", "00008", "00025", "00070", "00082", "00091", "00097", "00103",
    ];
    let mut cfgs: Vec<SimConfig> = communes
        .iter()
        .map(|c| SimConfig::new(*c, 420, 160, today))
        .collect();
    cfgs.push(SimConfig::new("01864", 7_000, 2_300, today));
    let (sim, _) = simulate_communes(&cfgs).unwrap();
    let db = dir.path().join("central.db");
    let storage = SqliteStorage::open(&db).unwrap();
    let trust = serde_json::to_vec(&sim.trust_list).unwrap();
    import_trust_list(&storage, &trust, Some(RootKey::demo()), Utc::now()).unwrap();
    let mut tokens = Vec::new();
    for i in 0..WORKSTATIONS {
        let commune = communes[i % communes.len()];
        let token = new_token();
        add_workstation(&storage, commune, &token);
        tokens.push((commune.to_owned(), token));
    }
    let big_token = new_token();
    add_workstation(&storage, "01864", &big_token);
    drop(storage);

    let mut server = Command::new(env!("CARGO_BIN_EXE_hotich-central"))
        .arg("serve")
        .arg("--db")
        .arg(&db)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--rate-limit",
            "1000000",
            "--burst",
            "1000000",
        ])
        .args(["--facility-rate-limit", "100000"])
        // A log line per request would measure the terminal, not the server.
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();

    let started = Instant::now();
    let posted = post_notifications(&url, &sim.notifications, 500).unwrap();
    println!(
        "hotich-central pull benchmark ({} notifications posted in {:.1} s: {} stored)",
        sim.notifications.len(),
        started.elapsed().as_secs_f64(),
        posted.stored
    );

    let storage = SqliteStorage::open(&db).unwrap();
    let workstations: Vec<(String, String, u64)> = tokens
        .iter()
        .map(|(commune, token)| {
            let (events, _) = storage.events_after(commune, 0, 1_000, usize::MAX).unwrap();
            (
                commune.clone(),
                token.clone(),
                events.last().map_or(0, |e| e.seq),
            )
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        load(&url, &workstations, 100, true).await;
        load(&url, &workstations, 20, false).await;
        load(&url, &workstations, 100, false).await;
    });

    // A fresh workstation pulls the big commune's stream.
    let (big_events, _) = storage
        .events_after("01864", 0, 1_000_000, usize::MAX)
        .unwrap();
    let ws_db = dir.path().join("ws.db");
    let mut store = hotich_core::Store::open(&ws_db, &hotich_core::StoreKey::demo()).unwrap();
    store.pin_demo_root_key().unwrap();
    store.set_commune("01864").unwrap();
    let server_url = hotich_sync::ServerUrl::parse(&url).unwrap();
    let mut options = hotich_sync::SyncOptions::new(server_url, big_token);
    options.page_size = 1_000;
    let started = Instant::now();
    let report = runtime
        .block_on(hotich_sync::sync_once(&mut store, &options, &mut |_| {}))
        .unwrap();
    let elapsed = started.elapsed();
    assert!(report.error.is_none(), "{report:?}");
    println!(
        "  fresh workstation pulls {} notifications (verify + apply + cursor, pages of 1000): {:.2} s, {:.0} per second",
        report.pulled,
        elapsed.as_secs_f64(),
        report.pulled as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(report.pulled as usize, big_events.len());
    let _ = server.kill();
    let _ = server.wait();
}
