//! The registry on PostgreSQL (issue 19, items 1 and 2), on the suites'
//! cluster (`HOTICH_TEST_POSTGRES`; `scripts/test.sh` starts one): each
//! commune's numbers stay gap-free under concurrent writers through two
//! pools, and two real `hotich-central serve` processes on one database
//! answer as one registry. (The whole registry suite also runs on
//! PostgreSQL: `HOTICH_TEST_BACKEND=postgres`, see `scripts/test.sh`.)

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Barrier, Mutex};

use chrono::{NaiveDate, Utc};
use hotich_central::process::{new_postgres_database, prepare_registry_at, test_cluster, SimArgs};
use hotich_central::storage::{Appended, Incoming, PilotNotice, PostgresStorage, Storage};
use hotich_protocol::{EventKind, SignedEnvelope};
use reqwest::StatusCode;
use serde_json::{json, Value};

use common::{bin, central, serve, TODAY};

const COMMUNES: [&str; 3] = ["01864", "00004", "26734"];

fn database() -> String {
    new_postgres_database(&test_cluster().unwrap()).unwrap()
}

/// A notification as a facility would have posted it (the storage does not
/// verify; the door before it does).
fn incoming(number: usize, version: u32) -> Incoming {
    let commune = COMMUNES[number % COMMUNES.len()];
    Incoming {
        notification_id: format!("n-{number}"),
        version,
        envelope: format!("{{\"n\":{number},\"v\":{version}}}"),
        content_commune: Some(commune.to_owned()),
        claimed_commune: commune.to_owned(),
        pilot: PilotNotice {
            kind: EventKind::Birth,
            event_date: NaiveDate::from_ymd_opt(2026, 11, 1),
            identification_complete: true,
            issued_at: None,
            subject_name: None,
        },
    }
}

/// Eight writers, four on each of two pools (as two registry processes
/// hold them), append overlapping batches of notifications to three
/// communes at once; one batch in five carries an item that fails (a
/// version past the column's range), so it rolls back with the numbers it
/// took. Every commune's stream is then numbered 1..n without a gap or a
/// repeat, holds each committed (id, version) once, and nothing of a
/// rolled-back batch.
#[test]
fn concurrent_writers_on_two_pools_number_each_commune_without_a_gap() {
    let url = database();
    let pools = [
        Arc::new(PostgresStorage::open_with(&url, 4).unwrap()),
        Arc::new(PostgresStorage::open_with(&url, 4).unwrap()),
    ];
    let writers = 8;
    let start = Arc::new(Barrier::new(writers));
    let committed = Arc::new(Mutex::new(BTreeSet::new()));
    let handed_out = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..writers)
        .map(|writer| {
            let storage = pools[writer % 2].clone();
            let (start, committed, handed_out) =
                (start.clone(), committed.clone(), handed_out.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut failed = 0;
                for round in 0..30 {
                    // Writers overlap: the same ids come from several of them.
                    let mut batch: Vec<_> = (0..5)
                        .map(|i| {
                            incoming((writer * 11 + round * 7 + i * 3) % 160, 1 + (i % 2) as u32)
                        })
                        .collect();
                    let poisoned = round % 5 == 4;
                    if poisoned {
                        batch.push(Incoming {
                            version: u32::MAX,
                            ..incoming(1_000 + writer * 100 + round, 1)
                        });
                    }
                    match storage.append_notifications(&batch, Utc::now()) {
                        Ok(outcomes) => {
                            assert!(!poisoned, "a batch with a failing item was committed");
                            for (item, outcome) in batch.iter().zip(outcomes) {
                                match outcome {
                                    Appended::Stored { commune, seq } => {
                                        handed_out.lock().unwrap().push((commune, seq));
                                    }
                                    Appended::Duplicate { .. } => {}
                                    Appended::Conflict => panic!("same envelope, {item:?}"),
                                }
                                committed
                                    .lock()
                                    .unwrap()
                                    .insert((item.notification_id.clone(), item.version));
                            }
                        }
                        Err(_) => {
                            assert!(poisoned, "a sound batch failed");
                            failed += 1;
                        }
                    }
                }
                failed
            })
        })
        .collect();
    let failed: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(failed, writers * 6, "every poisoned batch rolled back");

    let committed = committed.lock().unwrap().clone();
    let mut held = BTreeSet::new();
    let mut numbers = BTreeMap::new();
    for commune in COMMUNES {
        let (events, more) = pools[0]
            .events_after(commune, 0, 10_000, usize::MAX)
            .unwrap();
        assert!(!more);
        // Capped at the first two events' bytes, a page holds those two.
        let size = |e: &hotich_central::storage::StoredEvent| {
            e.envelope.len() + e.document.as_ref().map_or(0, Vec::len)
        };
        let cap = size(&events[0]) + size(&events[1]);
        let (capped, more) = pools[1].events_after(commune, 0, 10_000, cap).unwrap();
        assert_eq!(
            (capped.len(), more),
            (2, true),
            "{commune}: a page of {cap} bytes"
        );
        let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
        let expected: Vec<u64> = (1..=events.len() as u64).collect();
        assert_eq!(seqs, expected, "{commune}: numbered 1..n without a gap");
        for event in &events {
            assert!(
                held.insert((event.notification_id.clone(), event.version)),
                "{} v{} twice",
                event.notification_id,
                event.version
            );
        }
        numbers.insert(commune.to_owned(), events.len() as u64);
    }
    assert_eq!(
        held, committed,
        "each committed version once, nothing rolled back"
    );
    // Each number was handed out once, to the commune that holds it.
    let mut handed_out = handed_out.lock().unwrap().clone();
    handed_out.sort();
    let distinct: BTreeSet<_> = handed_out.iter().cloned().collect();
    assert_eq!(
        distinct.len(),
        handed_out.len(),
        "a number handed out twice"
    );
    assert_eq!(handed_out.len(), held.len());
    assert!(handed_out
        .iter()
        .all(|(commune, seq)| *seq <= numbers[commune]));
}

/// A pushed row as a workstation of the commune sends it.
fn attempt(case: usize, at: &str) -> Value {
    json!({
        "case_id": format!("case-{case}"),
        "kind": "case_attempt",
        "body": {"at": at, "channel": "phone", "outcome": "no_answer"},
        "created_at": at,
    })
}

async fn pull_all(
    client: &reqwest::Client,
    urls: &[&str],
    commune: &str,
    token: &str,
) -> Vec<Value> {
    let mut events = Vec::new();
    let mut after = 0;
    for page in 0.. {
        // Page after page from either process in turn: one stream.
        let url = urls[page % urls.len()];
        let answer: Value = client
            .get(format!(
                "{url}/v1/communes/{commune}/events?after={after}&limit=37"
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        events.extend(answer["events"].as_array().unwrap().iter().cloned());
        after = answer["next_cursor"].as_u64().unwrap();
        if !answer["has_more"].as_bool().unwrap() {
            break;
        }
    }
    events
}

/// Two `hotich-central serve` processes on one PostgreSQL database: half of
/// the facilities post through each, at once; a workstation pulls page
/// after page from either and reads one gap-free stream holding every
/// notification once; rows pushed through one are replays through the
/// other, a changed row a conflict on both; a token revoked while both run
/// is refused by both at the next request.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_registry_processes_on_one_database_answer_as_one_registry() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimArgs {
        communes: &COMMUNES[..2],
        births: 60,
        deaths: 25,
        seed: 9,
        today: TODAY,
    };
    let prepared = prepare_registry_at(&bin(), database().into(), dir.path(), &sim).unwrap();
    let db = &prepared.db;
    let limits = [
        "--rate-limit",
        "10000",
        "--burst",
        "10000",
        "--facility-rate-limit",
        "10000",
    ];
    let (first, second) = (serve(db, &limits), serve(db, &limits));
    let urls = [first.url.as_str(), second.url.as_str()];
    let client = reqwest::Client::new();

    let issued: Vec<SignedEnvelope> =
        serde_json::from_slice(&std::fs::read(prepared.sim.join("notifications.json")).unwrap())
            .unwrap();
    let posts = issued.chunks(20).enumerate().map(|(i, chunk)| {
        let (client, url) = (client.clone(), urls[i % 2].to_owned());
        let body = serde_json::to_vec(chunk).unwrap();
        tokio::spawn(async move {
            let answer = client
                .post(format!("{url}/v1/notifications"))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), StatusCode::OK);
            let report: Value = answer.json().await.unwrap();
            report["results"].as_array().unwrap().clone()
        })
    });
    let mut stored = 0;
    for post in posts.collect::<Vec<_>>() {
        for outcome in post.await.unwrap() {
            assert_eq!(outcome["status"], "stored", "{outcome}");
            stored += 1;
        }
    }
    assert_eq!(stored, issued.len());

    let mut pulled = 0;
    for commune in &COMMUNES[..2] {
        let events = pull_all(&client, &urls, commune, &prepared.tokens[*commune]).await;
        let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
        assert_eq!(
            seqs,
            (1..=events.len() as u64).collect::<Vec<_>>(),
            "{commune}"
        );
        let versions: BTreeSet<_> = events
            .iter()
            .map(|e| (e["notification_id"].to_string(), e["version"].as_u64()))
            .collect();
        assert_eq!(versions.len(), events.len(), "{commune}: each version once");
        pulled += events.len();
    }
    assert_eq!(pulled, issued.len(), "every notification in one stream");

    // Pushes through both at once, then each replayed through the other.
    let token = prepared.tokens[COMMUNES[0]].clone();
    let rows: Vec<(String, Value)> = (0..30)
        .map(|case| {
            let at = format!("2026-11-2{}T0{}:00:00+07:00", case % 3, case % 10);
            (uuid::Uuid::now_v7().to_string(), attempt(case, &at))
        })
        .collect();
    let put = |url: &str, id: &str, row: &Value| {
        client
            .put(format!("{url}/v1/events/{id}"))
            .bearer_auth(&token)
            .json(row)
            .send()
    };
    for (round, expected) in [(0, StatusCode::CREATED), (1, StatusCode::OK)] {
        let tasks: Vec<_> = rows
            .iter()
            .enumerate()
            .map(|(i, (id, row))| tokio::spawn(put(urls[(i + round) % 2], id, row)))
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().status(), expected);
        }
    }
    let (id, row) = &rows[0];
    let mut changed = row.clone();
    changed["body"]["outcome"] = json!("reached");
    for url in urls {
        assert_eq!(
            put(url, id, &changed).await.unwrap().status(),
            StatusCode::CONFLICT
        );
    }
    let held = hotich_central::process::select_text(db, "SELECT id FROM pushed_event").unwrap();
    assert_eq!(held.len(), rows.len(), "each row stored once");

    // A revoke while both serve: refused by both at the next request.
    let listed = central(db, &["workstation", "list"]);
    let id = listed
        .lines()
        .skip(1)
        .find(|line| line.contains(COMMUNES[0]))
        .and_then(|line| line.split('\t').next())
        .unwrap()
        .to_owned();
    let first_page = |url: &str| {
        client
            .get(format!(
                "{url}/v1/communes/{}/events?after=0&limit=1",
                COMMUNES[0]
            ))
            .bearer_auth(&token)
            .send()
    };
    for url in urls {
        assert_eq!(first_page(url).await.unwrap().status(), StatusCode::OK);
    }
    central(db, &["workstation", "revoke", &id]);
    for url in urls {
        let refused = first_page(url).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["code"], "token_revoked");
    }
}

/// The operator stops a registry on PostgreSQL (SIGTERM, as systemd does):
/// it finishes and exits 0, its pool closed outside the server's runtime
/// (a connection closing inside it would abort the process).
#[tokio::test]
async fn a_registry_on_postgres_stops_cleanly_when_told_to() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimArgs {
        communes: &COMMUNES[..1],
        births: 1,
        deaths: 1,
        seed: 9,
        today: TODAY,
    };
    let prepared = prepare_registry_at(&bin(), database().into(), dir.path(), &sim).unwrap();
    let server = serve(&prepared.db, &[]);
    let health = reqwest::get(format!("{}/v1/health", server.url))
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(server.terminate().unwrap().code(), Some(0));
}

/// `hotich-central workstation list --db URL`, with `PGSSLROOTCERT` as
/// given: whether it succeeded, and its error output.
fn list_workstations(url: &str, root_cert: Option<&std::path::Path>) -> (bool, String) {
    let mut command = std::process::Command::new(bin());
    command.args(["workstation", "list", "--db", url]);
    command.env_remove(hotich_central::storage::ROOT_CERT_ENV);
    if let Some(root) = root_cert {
        command.env(hotich_central::storage::ROOT_CERT_ENV, root);
    }
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The registry reaches PostgreSQL over TLS when the address says
/// `sslmode=require` (and by default on another machine: `tls.rs`'s
/// tests), verifying the server's certificate against the CA of
/// `PGSSLROOTCERT`: a cluster that takes TLS only is reached with that CA,
/// refused without it, and refuses a plain connection.
#[test]
fn the_registry_reaches_postgresql_over_tls_that_verifies_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let certificates = hotich_central::process::test_certificates(dir.path()).unwrap();
    // A cluster of this test's own, taking TLS connections only.
    let cluster = hotich_central::process::ScratchCluster::start(
        dir.path(),
        Some((&certificates.cert, &certificates.key)),
    )
    .unwrap();
    let url = cluster.admin.clone();

    let (ok, error) = list_workstations(&format!("{url}?sslmode=require"), Some(&certificates.ca));
    assert!(ok, "{error}");
    let (ok, error) = list_workstations(&format!("{url}?sslmode=require"), None);
    assert!(!ok);
    assert!(error.contains("certificate verify failed"), "{error}");
    let (ok, error) = list_workstations(&format!("{url}?sslmode=disable"), Some(&certificates.ca));
    assert!(!ok, "the cluster takes TLS only: {error}");
}
