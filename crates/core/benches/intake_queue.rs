//! Intake, queue and search figures (the bars are in the README), on the
//! encrypted store (SQLCipher, as every office runs) beside a plain one in
//! the same run. Prints, asserts nothing:
//!
//!   cargo bench -p hotich-core --bench intake_queue
//!
//! Sizes can be lowered for a quick look: HOTICH_BENCH_QUEUE_CASES, HOTICH_BENCH_PEOPLE.

mod common;

use std::path::Path;
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

fn median(rates: &mut [f64]) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
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

/// The store encrypted, as offices run it, or plain, to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Plain,
    Encrypted,
}

const FORMS: [Form; 2] = [Form::Plain, Form::Encrypted];

impl Form {
    fn label(self) -> &'static str {
        match self {
            Form::Plain => "plain",
            Form::Encrypted => "encrypted",
        }
    }

    fn open(self, path: &Path) -> Store {
        let key = hotich_core::StoreKey::demo();
        match self {
            Form::Plain => Store::open_plain_for_comparison(path, &key),
            Form::Encrypted => Store::open(path, &key),
        }
        .expect("open")
    }

    /// A bare connection to `path` in this form.
    fn raw(self, path: &Path) -> rusqlite::Connection {
        match self {
            Form::Plain => hotich_common::sqlite::connect(path, None).expect("plain"),
            Form::Encrypted => hotich_core::store_key::StoreFile {
                path: path.to_owned(),
                key: hotich_core::StoreKey::demo(),
            }
            .raw_connection()
            .expect("encrypted"),
        }
    }
}

fn fresh_store(dir: &tempfile::TempDir, name: &str, trust: &[u8], form: Form) -> Store {
    let mut store = form.open(&dir.path().join(format!("{}-{name}", form.label())));
    store.pin_demo_root_key().expect("root key");
    store
        .import_trust_list(trust, Utc::now())
        .expect("trust list");
    store
}

/// Rows per second of bare inserts of the envelopes into one table, in a
/// database of `form`: the floor under what intake can reach.
fn raw_insert_rate(
    dir: &tempfile::TempDir,
    envelopes: &[SignedEnvelope],
    form: Form,
    round: usize,
) -> f64 {
    let conn = form.raw(&dir.path().join(format!("{}-raw-{round}.db", form.label())));
    conn.execute_batch(
        "CREATE TABLE t (id TEXT NOT NULL, version INTEGER NOT NULL, protected TEXT, payload TEXT,
                         signature TEXT, PRIMARY KEY (id, version)) WITHOUT ROWID",
    )
    .expect("table");
    let started = Instant::now();
    for (chunk_index, chunk) in envelopes.chunks(2_000).enumerate() {
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
    envelopes.len() as f64 / started.elapsed().as_secs_f64()
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

    println!("\n## Ingest ({n} signed notifications: births and deaths, corrections, voids)");
    println!("raw Ed25519 signature verification, 1 core : {raw_verify:>9.0} /s");
    println!("full verification (parse+verify+fields), 1 core: {full_verify:>9.0} /s");
    // Rounds alternate the two forms, so that what the disk does meanwhile
    // (each commit waits for an fsync) falls on both; the medians are compared.
    let rounds = size("HOTICH_BENCH_ROUNDS", 5);
    let mut inserts: [Vec<f64>; 2] = Default::default();
    let mut ingests: [Vec<f64>; 2] = Default::default();
    for round in 0..rounds {
        for (index, form) in FORMS.into_iter().enumerate() {
            inserts[index].push(raw_insert_rate(&dir, &ingest.envelopes, form, round));
            let name = format!("ingest-{round}.db");
            let mut store = fresh_store(&dir, &name, &ingest.trust, form);
            let started = Instant::now();
            let summary = store
                .import_bytes(&ingest.file, "bench", now, &mut |_| {})
                .expect("import");
            ingests[index].push(n as f64 / started.elapsed().as_secs_f64());
            assert_eq!(summary.quarantined, 0);
        }
    }
    let ingest_rates = ingests.clone().map(|mut rates| median(&mut rates));
    for (index, form) in FORMS.into_iter().enumerate() {
        let label = form.label();
        println!(
            "{label:>9}: raw SQLite insert, WAL + synchronous=FULL: {:>9.0} rows/s (median of {rounds})",
            median(&mut inserts[index])
        );
        println!(
            "{label:>9}: ingest, verify + store (Store::import_bytes): {:>9.0} /s   (median of {rounds}: {}; bar >= 10,000/s)",
            ingest_rates[index],
            ingests[index].iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ")
        );
    }
    println!(
        "encrypted ingest / plain ingest: {:.2}   (bar >= 0.80)",
        ingest_rates[1] / ingest_rates[0]
    );

    // --- queue on 200,000 cases -------------------------------------------
    let queue_cases = size("HOTICH_BENCH_QUEUE_CASES", 200_000);
    let big = signed(queue_cases * 3 / 5, queue_cases * 2 / 5);
    let p95: Vec<Duration> = FORMS
        .iter()
        .map(|form| queue(&dir, &big, queue_cases, now, *form))
        .collect();
    drop(big);
    println!(
        "\nqueue p95, encrypted / plain: {:.2}",
        p95[1].as_secs_f64() / p95[0].as_secs_f64()
    );

    // --- search over 1,000,000 people ---------------------------------------
    for form in FORMS {
        search(&dir, form);
    }
}

/// Queue pages on `queue_cases` cases loaded through intake; the p95 of all.
fn queue(
    dir: &tempfile::TempDir,
    big: &Signed,
    queue_cases: usize,
    now: chrono::DateTime<Utc>,
    form: Form,
) -> Duration {
    let mut store = fresh_store(dir, "queue.db", &big.trust, form);
    let started = Instant::now();
    store
        .import_bytes(&big.file, "bench", now, &mut |_| {})
        .expect("import");
    let loaded = started.elapsed();
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
        "\n## Queue page of 50 on {queue_cases} cases, {} store (loaded through intake in {:.1} s)",
        form.label(),
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
    percentile(&all_runs, 0.95)
}

/// Name searches over a million people in a database of `form`.
fn search(dir: &tempfile::TempDir, form: Form) {
    let people = size("HOTICH_BENCH_PEOPLE", 1_000_000);
    let path = dir.path().join(format!("{}-people.db", form.label()));
    drop(form.open(&path));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut names = Vec::with_capacity(people);
    let started = Instant::now();
    {
        let mut conn = form.raw(&path);
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
    let store = form.open(&path);
    println!(
        "\n## Accent-insensitive name search over {people} people, {} store (loaded in {:.1} s)",
        form.label(),
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
