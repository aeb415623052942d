//! Sync against a real `hotich-central serve` on a loopback port, driven
//! through the real `hotich` binary: notifications reach exactly the right
//! workstations, pushes arrive exactly once, a refused row is parked without
//! blocking other cases, and a server that fails 30% of requests gives the
//! same end state as a clean one.

#[path = "common/sync_env.rs"]
mod sync_env;
use sync_env::*;

use std::collections::BTreeMap;

use serde_json::Value;

const COMMUNES: [&str; 3] = ["01864", "00004", "29419"];

fn report(output: &std::process::Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "sync failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap()
}

#[test]
fn two_thousand_notifications_reach_exactly_their_communes_and_pushes_arrive_once() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &COMMUNES, 480, 180, 11);
    let issued = registry.issued();
    assert!(issued.len() >= 2_000, "{} notifications", issued.len());
    let server = serve(&registry.db, &["--rate-limit", "5000", "--burst", "5000"]);
    let posted = registry.post_all(&server.url);
    assert!(
        posted.contains(&format!("{} lưu / stored", issued.len())),
        "{posted}"
    );

    // Each commune's stream is gap-free and holds exactly its notifications.
    for commune in COMMUNES {
        let stream = registry.stream(commune);
        assert_gap_free(&stream);
        let held: BTreeMap<(String, u32), String> = stream
            .values()
            .map(|(id, version, hash)| ((id.clone(), *version), hash.clone()))
            .collect();
        assert_eq!(held, expected_for(&issued, commune), "stream of {commune}");
    }

    let stations: Vec<Workstation> = COMMUNES
        .iter()
        .map(|c| Workstation::new(dir.path(), &format!("ws-{c}"), &registry, c))
        .collect();
    for ws in &stations {
        let r = report(&ws.sync(&server.url, &["--page-size", "300"]));
        let expected = expected_for(&issued, &ws.commune);
        assert_eq!(r["pulled"], expected.len() as u64, "{}: {r}", ws.commune);
        assert_eq!(r["quarantined"], 0, "{r}");
        assert_eq!(r["trust_list_updated"], true, "{r}");
        assert_eq!(r["cursor"], expected.len() as u64, "{r}");
        assert_eq!(
            ws.notifications(),
            expected,
            "{} holds other notifications",
            ws.commune
        );
        // The same final state as importing the commune's file.
        let states = hotich_sim::expected_final_state(
            &issued
                .iter()
                .filter(|(c, _)| c == &ws.commune)
                .map(|(_, e)| e.clone())
                .collect::<Vec<_>>(),
        );
        let cases = ws.cases();
        assert_eq!(cases.len(), states.len());
        for (id, (_, voided)) in &states {
            assert_eq!(cases[id] == "voided", *voided, "{id}: {}", cases[id]);
        }
    }

    // Two workstations do outreach and register deaths; their rows reach the
    // registry once, even when synced again.
    let (a, b) = (&stations[0], &stations[1]);
    for ws in [a, b] {
        let (attempts, registrations) = ws.work_cases(40, 5);
        assert_eq!((attempts, registrations), (40, 5), "{}", ws.commune);
    }
    for ws in [a, b] {
        let first = report(&ws.sync(&server.url, &[]));
        let rows = ws.outbox().len() as u64;
        assert_eq!(first["pushed"], rows, "{first}");
        assert_eq!(first["pulled"], 0, "{first}");
        let again = report(&ws.sync(&server.url, &[]));
        assert_eq!(
            (again["pushed"].clone(), again["pulled"].clone()),
            (0.into(), 0.into()),
            "{again}"
        );
    }
    let pushed = registry.pushed();
    assert_eq!(pushed.len(), a.outbox().len() + b.outbox().len());
    assert_exactly_kinds(&pushed);
    assert_pushed_exactly_once(a, &pushed);
    assert_pushed_exactly_once(b, &pushed);

    // The status the desktop shows.
    let status: Value =
        serde_json::from_str(&ok(hotich(&a.db).args(["sync", "status", "--json"]))).unwrap();
    assert_eq!(status["waiting"], 0, "{status}");
    assert_eq!(status["dead"], Value::Array(vec![]), "{status}");
    assert!(status["last_success_at"].is_string(), "{status}");
}

/// Attempts and registrations (with their audit-logged numbers) both arrived.
fn assert_exactly_kinds(pushed: &BTreeMap<String, PushedRow>) {
    let registrations = pushed.values().filter(|r| r.kind == "registration").count();
    let attempts = pushed.values().filter(|r| r.kind == "case_attempt").count();
    assert_eq!(
        registrations,
        10,
        "{:?}",
        pushed.values().map(|r| &r.kind).collect::<Vec<_>>()
    );
    assert!(attempts >= 80, "{attempts}");
}

#[test]
fn a_refused_row_is_parked_with_its_reason_and_blocks_only_its_own_case() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &COMMUNES[..1], 30, 10, 5);
    let server = serve(&registry.db, &[]);
    registry.post_all(&server.url);
    let ws = Workstation::new(dir.path(), "ws", &registry, COMMUNES[0]);
    report(&ws.sync(&server.url, &[]));
    ws.work_cases(3, 0);
    // A row the registry must refuse (its kind breaks the API's rule), queued
    // before a second attempt on the same case; the other cases' rows go on.
    let outbox = ws.outbox();
    let (first_id, (_, first)) = outbox.iter().next().unwrap();
    let case = first.case_id.clone().unwrap();
    {
        let conn = hotich_core::store_key::StoreFile {
            path: ws.db.clone(),
            key: hotich_core::StoreKey::demo(),
        }
        .raw_connection()
        .unwrap();
        conn.execute(
            "UPDATE outbox SET kind = 'Not Valid!' WHERE id = ?1",
            [first_id],
        )
        .unwrap();
    }
    let mut store = hotich_core::Store::open(&ws.db, &hotich_core::StoreKey::demo()).unwrap();
    let boss = store
        .sign_in("lanhdao", PASSWORD, chrono::Utc::now())
        .unwrap();
    let later = store
        .log_attempt(
            &boss,
            &case,
            &hotich_core::AttemptInput {
                channel: hotich_core::Channel::HomeVisit,
                outcome: hotich_core::Outcome::Reached,
                note: None,
                appointment_date: None,
                next_follow_up: None,
                corrects: None,
            },
            chrono::Utc::now(),
            today(),
        )
        .unwrap();
    drop(store);

    let rows = ws.outbox();
    let of_case = rows
        .values()
        .filter(|(_, r)| r.case_id.as_deref() == Some(&case))
        .count();
    assert!(of_case >= 2);
    let r = report(&ws.sync(&server.url, &[]));
    assert_eq!(r["dead"], 1, "{r}");
    assert_eq!(
        r["pushed"],
        (rows.len() - of_case) as u64,
        "the other cases' rows: {r}"
    );
    assert_eq!(
        r["waiting"],
        (of_case - 1) as u64,
        "later rows of the refused case wait: {r}"
    );
    let status: Value =
        serde_json::from_str(&ok(hotich(&ws.db).args(["sync", "status", "--json"]))).unwrap();
    let dead = &status["dead"][0];
    assert_eq!(dead["id"], first_id.as_str(), "{status}");
    assert!(
        dead["reason"].as_str().unwrap().contains("invalid_event"),
        "{status}"
    );
    let store = hotich_core::Store::open(&ws.db, &hotich_core::StoreKey::demo()).unwrap();
    let state = store.case_sync_state(&case).unwrap();
    assert_eq!(state.state, hotich_core::SyncState::Failed);
    assert_eq!((state.failed, state.waiting), (1, of_case as u32 - 1));
    assert!(state.reason.unwrap().contains("invalid_event"));
    let pushed = registry.pushed();
    assert!(!pushed.contains_key(first_id));
    assert!(pushed
        .values()
        .all(|row| row.body["event_id"] != later.as_str()));
}

#[test]
fn a_server_failing_30_percent_of_requests_converges_to_the_clean_end_state() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &COMMUNES[..1], 220, 80, 21);
    let issued = registry.issued();
    let clean = serve(&registry.db, &["--rate-limit", "5000", "--burst", "5000"]);
    registry.post_all(&clean.url);
    let faulty = serve(
        &registry.db,
        &[
            "--rate-limit",
            "5000",
            "--burst",
            "5000",
            "--faults",
            "0.3",
            "--fault-seed",
            "7",
        ],
    );
    let retry = [
        "--page-size",
        "10",
        "--retry-base-ms",
        "10",
        "--retry-max-ms",
        "200",
        "--max-tries",
        "12",
    ];

    let reference = Workstation::new(dir.path(), "clean", &registry, COMMUNES[0]);
    report(&reference.sync(&clean.url, &retry));
    let ws = Workstation::new(dir.path(), "faulty", &registry, COMMUNES[0]);
    let pulls = ws.sync_until_done(&faulty.url, &retry, 10);
    let retries: u64 = pulls.iter().map(|r| r["retries"].as_u64().unwrap()).sum();
    assert!(retries >= 3, "the faults were felt: {pulls:?}");

    assert_eq!(ws.notifications(), expected_for(&issued, COMMUNES[0]));
    assert_eq!(ws.notifications(), reference.notifications());
    assert_eq!(ws.cases(), reference.cases());
    assert_eq!(ws.count("SELECT count(*) FROM quarantine"), 0);

    ws.work_cases(60, 4);
    let pushes = ws.sync_until_done(&faulty.url, &retry, 10);
    assert!(
        pushes
            .iter()
            .map(|r| r["retries"].as_u64().unwrap())
            .sum::<u64>()
            >= 3
    );
    assert_pushed_exactly_once(&ws, &registry.pushed());
    assert_eq!(registry.pushed().len(), ws.outbox().len());
}
