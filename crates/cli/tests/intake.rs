//! Intake through the real `hotich` binary on real SQLite files, fed by the
//! facility simulator (the library behind `hotich-central simulate`).

mod common;
use common::{json, ok};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

const COMMUNE: &str = "01864";
const TODAY: &str = "2026-11-21";

fn hotich(db: &Path, args: &[&str]) -> String {
    ok(common::hotich_binary()
        .arg("--db")
        .arg(db)
        .args(["--today", TODAY])
        .args(args)
        .output()
        .unwrap())
}

/// Pins the simulator's (demo) root key and imports its trust list.
fn trust(db: &Path, trust_file: &Path) {
    hotich(db, &["trust", "pin-root", "--demo"]);
    hotich(db, &["trust", "import", trust_file.to_str().unwrap()]);
}

fn simulate(dir: &Path, births: usize, deaths: usize) -> PathBuf {
    let out = dir.join("sim");
    let today = TODAY.parse().unwrap();
    let issued =
        hotich_sim::simulate(&hotich_sim::SimConfig::new(COMMUNE, births, deaths, today)).unwrap();
    hotich_sim::write_files(&issued, &out).unwrap();
    out
}

fn envelopes(sim: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(sim.join("notifications.json")).unwrap();
    json(&text).as_array().unwrap().clone()
}

fn payload(envelope: &Value) -> Value {
    let bytes = URL_SAFE_NO_PAD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// What the store must end with, computed here from the issued payloads:
/// per notification id, its newest version and whether that version voids it.
struct Expected {
    newest: BTreeMap<String, (u64, bool)>,
}

impl Expected {
    fn of(envelopes: &[Value]) -> Self {
        let mut newest: BTreeMap<String, (u64, bool)> = BTreeMap::new();
        for envelope in envelopes {
            let p = payload(envelope);
            let id = p["notification_id"].as_str().unwrap().to_owned();
            let version = p["version"].as_u64().unwrap();
            let void = p["action"] == "void";
            let entry = newest.entry(id).or_insert((version, void));
            if version > entry.0 {
                *entry = (version, void);
            }
        }
        Expected { newest }
    }

    fn voided(&self) -> usize {
        self.newest.values().filter(|(_, void)| *void).count()
    }
}

fn cases(db: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["cases", "--json"];
    args.extend_from_slice(extra);
    json(&hotich(db, &args)).as_array().unwrap().clone()
}

/// What a registrar sees of a case, without its random id.
#[derive(Debug, PartialEq)]
struct Seen {
    kind: Value,
    version: u64,
    rest: [Value; 5],
}

/// The cases by notification id.
fn case_state(db: &Path) -> BTreeMap<String, Seen> {
    cases(db, &[])
        .into_iter()
        .map(|c| {
            let id = c["notification_id"].as_str().unwrap().to_owned();
            let seen = Seen {
                kind: c["type"].clone(),
                version: c["notification_version"].as_u64().unwrap(),
                rest: ["name", "event_date", "status", "deadline", "days_left"]
                    .map(|k| c[k].clone()),
            };
            (id, seen)
        })
        .collect()
}

#[test]
fn simulated_notifications_import_once_and_counts_match_what_was_issued() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulate(dir.path(), 600, 400);
    let issued = envelopes(&sim);
    let expected = Expected::of(&issued);
    assert_eq!(expected.newest.len(), 1000, "one notification id per event");
    assert!(issued.len() > 1000, "corrections and voids are issued too");
    assert!(expected.voided() > 0);

    let db = dir.path().join("hotich.db");
    trust(&db, &sim.join("trust.json"));
    let notifications = sim.join("notifications.json");
    let first = json(&hotich(
        &db,
        &["import", notifications.to_str().unwrap(), "--json"],
    ));
    let count = |summary: &Value, key: &str| summary[key].as_u64().unwrap();
    assert_eq!(count(&first, "quarantined"), 0);
    assert_eq!(count(&first, "imported"), 1000);
    let total: u64 = ["imported", "unchanged", "updated", "voided", "quarantined"]
        .iter()
        .map(|k| count(&first, k))
        .sum();
    assert_eq!(
        total,
        issued.len() as u64,
        "every envelope is accounted for"
    );
    let state = case_state(&db);

    let second = json(&hotich(
        &db,
        &["import", notifications.to_str().unwrap(), "--json"],
    ));
    assert_eq!(count(&second, "imported"), 0);
    assert_eq!(count(&second, "unchanged"), issued.len() as u64);
    assert_eq!(case_state(&db), state, "a second import changes nothing");

    // Counts by status match what was issued.
    assert_eq!(state.len(), 1000);
    assert_eq!(cases(&db, &["--status", "voided"]).len(), expected.voided());
    assert_eq!(
        cases(&db, &["--status", "new"]).len(),
        1000 - expected.voided()
    );
    for c in cases(&db, &[]) {
        let (version, _) = expected.newest[c["notification_id"].as_str().unwrap()];
        assert_eq!(
            c["notification_version"].as_u64(),
            Some(version),
            "case shows the newest version"
        );
    }
    let births = cases(&db, &["--type", "birth"]);
    assert_eq!(births.len(), 600);
    let overdue = cases(&db, &["--overdue"]);
    assert!(!overdue.is_empty() && overdue.iter().all(|c| c["days_left"].as_i64().unwrap() < 0));
}

/// Tampers envelope `i` in one of four ways, each caught for its own reason.
fn tamper(envelope: &Value, other: &Value, i: usize) -> (Value, &'static str) {
    let mut t = envelope.clone();
    match i % 4 {
        0 => {
            let mut p = payload(envelope);
            p["commune_code"] = Value::String("99999".into());
            t["payload"] = Value::String(URL_SAFE_NO_PAD.encode(serde_json::to_vec(&p).unwrap()));
            (t, "payload_altered")
        }
        1 => {
            t["signature"] = other["signature"].clone();
            (t, "bad_signature")
        }
        2 => {
            let protected = URL_SAFE_NO_PAD
                .decode(envelope["protected"].as_str().unwrap())
                .unwrap();
            let header = String::from_utf8(protected).unwrap().replace("-k1", "-k9");
            t["protected"] = Value::String(URL_SAFE_NO_PAD.encode(header));
            (t, "unknown_facility_key")
        }
        _ => {
            t["payload"] = Value::String(envelope["payload"].as_str().unwrap()[..40].to_owned());
            (t, "payload_altered")
        }
    }
}

#[test]
fn tampered_copies_all_land_in_quarantine_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulate(dir.path(), 60, 40);
    let issued = envelopes(&sim);
    let db = dir.path().join("hotich.db");
    trust(&db, &sim.join("trust.json"));
    hotich(
        &db,
        &["import", sim.join("notifications.json").to_str().unwrap()],
    );
    let before = case_state(&db);

    let mut expected_reasons = BTreeMap::new();
    let tampered: Vec<Value> = issued
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (t, reason) = tamper(e, &issued[(i + 1) % issued.len()], i);
            *expected_reasons.entry(reason).or_insert(0) += 1;
            t
        })
        .collect();
    let file = dir.path().join("tampered.json");
    std::fs::write(&file, serde_json::to_vec(&tampered).unwrap()).unwrap();
    let summary = json(&hotich(&db, &["import", file.to_str().unwrap(), "--json"]));
    assert_eq!(summary["quarantined"].as_u64(), Some(tampered.len() as u64));

    let quarantine = json(&hotich(&db, &["quarantine", "--json"]));
    let quarantine = quarantine.as_array().unwrap();
    assert_eq!(quarantine.len(), tampered.len());
    let mut reasons = BTreeMap::new();
    for q in quarantine {
        *reasons
            .entry(q["reason"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
        assert!(!q["reason_text"].as_str().unwrap().is_empty());
    }
    let expected: BTreeMap<String, i32> = expected_reasons
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    assert_eq!(reasons, expected);
    assert_eq!(case_state(&db), before, "no case changed");
}

#[test]
fn kill_9_during_a_large_import_leaves_a_consistent_database_that_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulate(dir.path(), 9_000, 6_000);
    let notifications = sim.join("notifications.json");
    let trust_file = sim.join("trust.json");

    let reference = dir.path().join("reference.db");
    trust(&reference, &trust_file);
    let started = Instant::now();
    hotich(&reference, &["import", notifications.to_str().unwrap()]);
    let clean_run = started.elapsed();
    let expected = case_state(&reference);

    let db = dir.path().join("crashed.db");
    trust(&db, &trust_file);
    let mut interrupted = 0;
    for tenth in 1..=8u32 {
        let mut child = common::hotich_binary()
            .arg("--db")
            .arg(&db)
            .args(["--today", TODAY, "import"])
            .arg(&notifications)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + clean_run * tenth / 10;
        while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
            std::thread::yield_now();
        }
        // SIGKILL: no destructor, no rollback, like a power cut for the process.
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            interrupted += 1;
        }
        child.wait().unwrap();

        let store = hotich_core::Store::open(&db, &hotich_core::StoreKey::demo()).unwrap();
        store.integrity_check().unwrap();
        let partial = case_state(&db);
        for (id, seen) in &partial {
            let full = expected
                .get(id)
                .expect("only issued notifications open cases");
            // Mid-import a case may still lack a later correction; it never runs ahead.
            assert_eq!(seen.kind, full.kind);
            assert!(seen.version <= full.version);
        }
    }
    assert!(
        interrupted > 0,
        "no import was interrupted (clean run took {clean_run:?})"
    );

    hotich(&db, &["import", notifications.to_str().unwrap()]);
    assert_eq!(
        case_state(&db),
        expected,
        "the re-run completes the import exactly once"
    );
    let quarantine = json(&hotich(&db, &["quarantine", "--json"]));
    assert_eq!(quarantine.as_array().unwrap().len(), 0);
}

#[test]
fn a_case_shows_the_names_behind_its_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotich.db");
    let sim = simulate(dir.path(), 1, 0);
    trust(&db, &sim.join("trust.json"));
    hotich(
        &db,
        &["import", sim.join("notifications.json").to_str().unwrap()],
    );
    let id = cases(&db, &[])[0]["id"].as_str().unwrap().to_owned();
    // Opening a case's personal data is an officer's act (audited).
    common::init_supervisor(&db);
    let text = common::ok(
        common::hotich_on(&db)
            .args(["--user", "lanhdao", "--today", TODAY, "case", &id])
            .env("HOTICH_PASSWORD", common::SUPERVISOR_PASSWORD)
            .output()
            .unwrap(),
    );
    // The same names as the window's case view (hotich_core::code_names).
    for line in [
        "Xã/phường phải xử lý: Xã Bằng Thành, tỉnh Thái Nguyên (01864)",
        "Quốc tịch: Việt Nam (704)",
        "Tỉnh cư trú: Tỉnh Thái Nguyên (19)",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert!(text.contains("Dân tộc của mẹ: "), "{text}");
    assert!(!text.contains("không có trong danh mục"), "{text}");
}
