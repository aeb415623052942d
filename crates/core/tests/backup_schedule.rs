//! Scheduled backups (issue 16, item 3): to the folder a supervisor picks,
//! daily and after every 50 registrations; what the header warns of; and
//! the background task making them while an officer registers.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use hotich_core::{BackupScheduler, BackupWarning, CaseFilter, CaseStatus, ErrorCode, Store};

use common::fixture;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap()
}

/// An office holding a simulated commune's notifications.
fn commune(births: usize, deaths: usize) -> (tempfile::TempDir, Store, hotich_core::Officer) {
    let sim = hotich_sim::simulate(&hotich_sim::SimConfig::new(
        fixture::COMMUNE,
        births,
        deaths,
        today(),
    ))
    .unwrap();
    let trust = serde_json::to_vec(&sim.trust_list).unwrap();
    let (dir, mut store, supervisor) =
        fixture::office_in(tempfile::tempdir().unwrap(), &trust, now());
    let file = serde_json::to_vec(&sim.notifications).unwrap();
    store
        .import_bytes(&file, "sim", now(), &mut |_| {})
        .unwrap();
    (dir, store, supervisor)
}

#[test]
fn a_backup_a_day_and_the_headers_warnings() {
    let (dir, mut store, supervisor) = commune(3, 2);
    let warning = |store: &Store, at| store.backup_status(at).unwrap().warning;
    assert_eq!(warning(&store, now()), Some(BackupWarning::NoFolder));
    assert_eq!(store.run_scheduled_backup(now()).unwrap(), None);

    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Lê Thị Lan", now());
    let folder = dir.path().join("usb");
    let refused = store
        .set_backup_folder(&supervisor, &folder, now())
        .unwrap_err();
    assert!(refused.to_string().contains("thư mục sao lưu"), "{refused}");
    std::fs::create_dir(&folder).unwrap();
    assert_eq!(
        store
            .set_backup_folder(&lan, &folder, now())
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let status = store
        .set_backup_folder(&supervisor, &folder, now())
        .unwrap();
    assert_eq!(status.warning, Some(BackupWarning::NeverBackedUp));

    let first = store
        .run_scheduled_backup(now())
        .unwrap()
        .expect("the first is due");
    assert!(
        first.path.starts_with(folder.to_str().unwrap()),
        "{first:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&first.path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup is its owner's only");
    }
    assert_eq!(warning(&store, now()), None);
    let later = |hours| now() + TimeDelta::hours(hours);
    assert_eq!(
        store.run_scheduled_backup(later(23)).unwrap(),
        None,
        "a day apart"
    );
    assert!(store.run_scheduled_backup(later(25)).unwrap().is_some());
    assert_eq!(warning(&store, later(25 + 6 * 24)), None);
    assert_eq!(
        warning(&store, later(25 + 7 * 24)),
        Some(BackupWarning::Old)
    );

    // The USB disk unplugged: the header says so, and nothing is attempted.
    let unplugged = dir.path().join("usb-unplugged");
    std::fs::rename(&folder, &unplugged).unwrap();
    assert_eq!(
        warning(&store, later(26)),
        Some(BackupWarning::FolderMissing)
    );
    assert_eq!(store.run_scheduled_backup(later(60)).unwrap(), None);
    std::fs::rename(&unplugged, &folder).unwrap();
    let files = std::fs::read_dir(&folder).unwrap().count();
    assert_eq!(files, 2);
    // A backup by hand counts as the last good one.
    let by_hand = dir.path().join("by-hand.db");
    store
        .back_up(&supervisor, &by_hand, later(30 * 24))
        .unwrap();
    assert_eq!(warning(&store, later(30 * 24 + 1)), None);
}

#[test]
fn backups_keep_to_their_schedule_while_an_officer_registers() {
    let (dir, mut store, supervisor) = commune(70, 50);
    let folder = dir.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    store
        .set_backup_folder(&supervisor, &folder, now())
        .unwrap();
    let made = Arc::new(Mutex::new(Vec::new()));
    let reported = Arc::clone(&made);
    let scheduler = BackupScheduler::start(store.file(), Duration::from_millis(20), move |made| {
        reported
            .lock()
            .unwrap()
            .push(made.map_err(|e| e.to_string()));
    })
    .unwrap();
    let wait_for = |count: usize| {
        let started = Instant::now();
        while made.lock().unwrap().len() < count {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{:?}",
                made.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    // The first check finds no backup yet: one is made at once.
    wait_for(1);
    let cases: Vec<String> = store
        .cases(
            &CaseFilter {
                status: Some(CaseStatus::New),
                limit: 200,
                ..Default::default()
            },
            today(),
        )
        .unwrap()
        .rows
        .into_iter()
        .map(|case| case.id)
        .collect();
    assert!(cases.len() >= 110, "{}", cases.len());
    for case in &cases[..110] {
        common::register_on(&mut store, &supervisor, case, today());
    }
    // After 50 and after 100 registrations, while they were being made.
    wait_for(3);
    drop(scheduler);
    let made = made.lock().unwrap().clone();
    let counts: Vec<u64> = made
        .iter()
        .map(|m| m.as_ref().unwrap().as_ref().unwrap().registrations)
        .collect();
    assert_eq!(counts[0], 0, "{counts:?}");
    assert!(counts.windows(2).all(|w| w[1] >= w[0] + 50), "{counts:?}");
    // Each is a whole, checked copy that the office's key opens.
    for backup in made.iter().map(|m| m.as_ref().unwrap().as_ref().unwrap()) {
        let copy = Store::open(
            std::path::Path::new(&backup.path),
            &hotich_core::StoreKey::demo(),
        )
        .unwrap();
        assert_eq!(copy.verify_audit_log().unwrap().problem, None);
        assert_eq!(
            copy.registrations().unwrap().len() as u64,
            backup.registrations
        );
    }
}
