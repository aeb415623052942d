//! Intake, queue and search figures (the bars are in the README). Prints, asserts nothing:
//!
//!   cargo bench -p hotich-core --bench intake_queue
//!
//! Sizes can be lowered for a quick look: HOTICH_BENCH_QUEUE_CASES, HOTICH_BENCH_PEOPLE.

mod common;

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use hotich_core::text::{clean, fold};
use hotich_core::{CaseFilter, CaseStatus, Store};
use hotich_protocol::jws::TYP_NOTIFICATION;
use hotich_protocol::trust::TrustedKeys;
use hotich_protocol::{verify_notification, EventKind, Sex, SignedEnvelope, TrustList};
use hotich_sim::{simulate, SimConfig};
use rand::{Rng, SeedableRng};
use rusqlite::params;

use common::{ms, size};

const COMMUNE: &str = "01864";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

struct Signed {
    trust: Vec<u8>,
    envelopes: Vec<SignedEnvelope>,
    file: Vec<u8>,
}

fn signed(births: usize, deaths: usize) -> Signed {
    let out = simulate(&SimConfig::new(COMMUNE, births, deaths, today())).expect("simulate");
    Signed {
        trust: serde_json::to_vec(&out.trust_list).expect("trust json"),
        file: serde_json::to_vec(&out.notifications).expect("json"),
        envelopes: out.notifications,
    }
}

fn fresh_store(dir: &tempfile::TempDir, name: &str, trust: &[u8]) -> Store {
    let mut store =
        Store::open(&dir.path().join(name), &hotich_core::StoreKey::demo()).expect("open");
    store.pin_demo_root_key().expect("root key");
    store
        .import_trust_list(trust, Utc::now())
        .expect("trust list");
    store
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    println!(
        "Hotich intake/queue benchmark ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // --- ingest -----------------------------------------------------------
    let ingest = signed(12_000, 8_000);
    let n = ingest.envelopes.len();
    let now = Utc.from_utc_datetime(&today().and_hms_opt(23, 59, 0).unwrap_or_default());
    let root = hotich_protocol::trust::demo_root_signer();
    let list =
        TrustList::verify(&ingest.trust, root.key_id(), &root.verifying_key()).expect("trust");
    let keys = TrustedKeys::from_facilities(&list.facilities).expect("keys");
    let raw: Vec<Vec<u8>> = ingest
        .envelopes
        .iter()
        .map(|e| serde_json::to_vec(e).unwrap_or_default())
        .collect();

    let started = Instant::now();
    for envelope in &ingest.envelopes {
        let opened = envelope.clone().open(TYP_NOTIFICATION).expect("open");
        let key = &keys.get(&opened.header.kid).expect("key").key;
        opened.verify(key).expect("signature");
    }
    let raw_verify = n as f64 / started.elapsed().as_secs_f64();

    let started = Instant::now();
    for bytes in &raw {
        verify_notification(bytes, &keys, now).expect("verify");
    }
    let full_verify = n as f64 / started.elapsed().as_secs_f64();

    let insert_rate = {
        let conn = hotich_common::sqlite::connect(&dir.path().join("raw.db")).expect("raw db");
        conn.pragma_update(None, "journal_mode", "WAL")
            .expect("wal");
        conn.pragma_update(None, "synchronous", "FULL")
            .expect("sync");
        conn.execute_batch(
            "CREATE TABLE t (id TEXT NOT NULL, version INTEGER NOT NULL, protected TEXT, payload TEXT,
                             signature TEXT, PRIMARY KEY (id, version)) WITHOUT ROWID",
        )
        .expect("table");
        let started = Instant::now();
        for (chunk_index, chunk) in ingest.envelopes.chunks(2_000).enumerate() {
            let tx = conn.unchecked_transaction().expect("tx");
            for (i, e) in chunk.iter().enumerate() {
                tx.execute(
                    "INSERT INTO t VALUES (?1, 1, ?2, ?3, ?4)",
                    params![
                        format!("{chunk_index}-{i}"),
                        e.protected,
                        e.payload,
                        e.signature
                    ],
                )
                .expect("insert");
            }
            tx.commit().expect("commit");
        }
        n as f64 / started.elapsed().as_secs_f64()
    };

    let mut store = fresh_store(&dir, "ingest.db", &ingest.trust);
    let started = Instant::now();
    let summary = store
        .import_bytes(&ingest.file, "bench", now, &mut |_| {})
        .expect("import");
    let ingest_rate = n as f64 / started.elapsed().as_secs_f64();
    assert_eq!(summary.quarantined, 0);
    drop(store);

    println!(
        "\n## Ingest ({n} signed notifications: {} births and deaths, corrections, voids)",
        summary.imported
    );
    println!("raw Ed25519 signature verification, 1 core : {raw_verify:>9.0} /s");
    println!("full verification (parse+verify+fields), 1 core: {full_verify:>9.0} /s");
    println!("raw SQLite insert, WAL + synchronous=FULL  : {insert_rate:>9.0} rows/s");
    println!(
        "ingest: verify + store (Store::import_bytes): {ingest_rate:>9.0} /s   (bar >= 10,000/s)"
    );

    // --- queue on 200,000 cases -------------------------------------------
    let queue_cases = size("HOTICH_BENCH_QUEUE_CASES", 200_000);
    let big = signed(queue_cases * 3 / 5, queue_cases * 2 / 5);
    let mut store = fresh_store(&dir, "queue.db", &big.trust);
    let started = Instant::now();
    store
        .import_bytes(&big.file, "bench", now, &mut |_| {})
        .expect("import");
    let loaded = started.elapsed();
    drop(big);
    let filters: Vec<(&str, CaseFilter)> = vec![
        ("all, by deadline", CaseFilter::default()),
        (
            "deaths",
            CaseFilter {
                kind: Some(EventKind::Death),
                ..Default::default()
            },
        ),
        (
            "births, overdue",
            CaseFilter {
                kind: Some(EventKind::Birth),
                overdue_only: true,
                ..Default::default()
            },
        ),
        (
            "status voided",
            CaseFilter {
                status: Some(CaseStatus::Voided),
                ..Default::default()
            },
        ),
        (
            "overdue, page 20",
            CaseFilter {
                overdue_only: true,
                offset: 1_000,
                ..Default::default()
            },
        ),
    ];
    println!(
        "\n## Queue page of 50 on {queue_cases} cases (loaded through intake in {:.1} s)",
        loaded.as_secs_f64()
    );
    let mut all_runs = Vec::new();
    for (label, filter) in &filters {
        let mut runs = Vec::new();
        for _ in 0..200 {
            let started = Instant::now();
            let page = store.cases(filter, today()).expect("page");
            runs.push(started.elapsed());
            assert!(!page.rows.is_empty(), "{label}: empty page");
        }
        runs.sort();
        println!(
            "{label:<20} p50 {:>6.2} ms   p95 {:>6.2} ms",
            ms(percentile(&runs, 0.5)),
            ms(percentile(&runs, 0.95))
        );
        all_runs.extend(runs);
    }
    all_runs.sort();
    println!(
        "{:<20} p50 {:>6.2} ms   p95 {:>6.2} ms   (bar p95 < 5 ms)",
        "all filters",
        ms(percentile(&all_runs, 0.5)),
        ms(percentile(&all_runs, 0.95))
    );
    drop(store);

    // --- search over 1,000,000 people ---------------------------------------
    let people = size("HOTICH_BENCH_PEOPLE", 1_000_000);
    let store = Store::open(
        &dir.path().join("people.db"),
        &hotich_core::StoreKey::demo(),
    )
    .expect("open");
    drop(store);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut names = Vec::with_capacity(people);
    let started = Instant::now();
    {
        let mut conn = hotich_common::sqlite::connect(&dir.path().join("people.db")).expect("open");
        let tx = conn.transaction().expect("tx");
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO case_file (id, kind, status, subject_name, name_folded, event_date, deadline,
                                            opened_at, updated_at)
                     VALUES (?1, ?2, 'new', ?3, ?4, ?5, ?5, ?5, ?5)",
                )
                .expect("prepare");
            for i in 0..people {
                let sex = if rng.gen_bool(0.5) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let year = rng.gen_range(1930..2026);
                let name = clean(&hotich_sim::people::full_name(&mut rng, sex, year, None));
                let day = format!(
                    "2026-{:02}-{:02}",
                    rng.gen_range(1..=11),
                    rng.gen_range(1..=28)
                );
                insert
                    .execute(params![
                        format!("p{i}"),
                        if i % 3 == 0 { "death" } else { "birth" },
                        name,
                        fold(&name),
                        day
                    ])
                    .expect("insert");
                if i % 997 == 0 {
                    names.push(name);
                }
            }
        }
        tx.commit().expect("commit");
    }
    let store = Store::open(
        &dir.path().join("people.db"),
        &hotich_core::StoreKey::demo(),
    )
    .expect("open");
    println!(
        "\n## Accent-insensitive name search over {people} people (loaded in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let mut runs = Vec::new();
    let mut matched = 0usize;
    for name in names.iter().take(300) {
        // Typed the way registrars type: without diacritics, sometimes only part of the name.
        let words: Vec<&str> = name.split(' ').collect();
        let folded = fold(name);
        let queries = [
            folded.clone(),
            fold(&words[words.len().saturating_sub(2)..].join(" ")),
        ];
        for query in queries {
            let started = Instant::now();
            let page = store
                .cases(
                    &CaseFilter {
                        search: Some(query),
                        ..Default::default()
                    },
                    today(),
                )
                .expect("search");
            runs.push(started.elapsed());
            matched += usize::from(page.rows.iter().any(|r| &r.name == name));
        }
    }
    runs.sort();
    println!(
        "full name or last two words, no diacritics: p50 {:>6.2} ms   p95 {:>6.2} ms   (bar p95 < 20 ms; {} queries, {} found the person on page 1)",
        ms(percentile(&runs, 0.5)),
        ms(percentile(&runs, 0.95)),
        runs.len(),
        matched
    );
    // Broad words and filters: the slowest shapes a registrar can type.
    let mut broad_runs = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    for query in [
        "thi",
        "van",
        "nguyen",
        "tran thi",
        "h",
        "hang nguyen",
        "zzz",
    ] {
        for (kind, overdue_only) in [(None, false), (Some(EventKind::Death), false), (None, true)] {
            let filter = CaseFilter {
                search: Some(query.into()),
                kind,
                overdue_only,
                ..Default::default()
            };
            for _ in 0..5 {
                let started = Instant::now();
                store.cases(&filter, today()).expect("search");
                let took = started.elapsed();
                if took > slowest.0 {
                    slowest = (
                        took,
                        format!("{query:?} kind={kind:?} overdue={overdue_only}"),
                    );
                }
                broad_runs.push(took);
            }
        }
    }
    broad_runs.sort();
    println!(
        "broad words, any order, with filters:        p50 {:>6.2} ms   p95 {:>6.2} ms   slowest {:.2} ms ({})",
        ms(percentile(&broad_runs, 0.5)),
        ms(percentile(&broad_runs, 0.95)),
        ms(slowest.0),
        slowest.1
    );
}
