//! Backups that restore (issue 16, item 3), on real SQLite files: the drill
//! (back up, register more, restore: the register exactly as at the
//! backup, the replaced database kept), a damaged backup refused with the
//! live database untouched, a backup never overwriting a file, supervisors
//! only.

mod common;

use chrono::NaiveDate;
use common::fixture::{self, case_of, import_signed};
use common::register_on;
use hotich_core::{CoreError, ErrorCode, FileRefusal, Store};
use hotich_protocol::samples::{birth, death, now};

fn today() -> NaiveDate {
    now().date_naive()
}

fn register_count(store: &Store) -> usize {
    store.registrations().unwrap().len()
}

#[test]
fn the_drill_back_up_register_more_restore_gives_the_register_as_backed_up() {
    let (dir, mut store, supervisor) = fixture::office(now());
    let first = death();
    import_signed(&mut store, &first, now());
    let case = case_of(&store, &first.notification_id, today());
    register_on(&mut store, &supervisor, &case, today());
    let at_backup = store.registrations().unwrap();

    let backup = dir.path().join("usb/hotich-2026-11-30.db");
    std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
    let made = store.back_up(&supervisor, &backup, now()).unwrap();
    assert_eq!((made.registrations, made.audit_entries > 0), (1, true));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    let second = birth();
    import_signed(&mut store, &second, now());
    let later = case_of(&store, &second.notification_id, today());
    register_on(&mut store, &supervisor, &later, today());
    assert_eq!(register_count(&store), 2);

    let restored = store.restore(&supervisor, &backup, now()).unwrap();
    assert_eq!(store.registrations().unwrap(), at_backup);
    assert!(store.verify_audit_log().unwrap().problem.is_none());
    // The replaced database is kept, with the registration made after the backup.
    let kept = Store::open(
        std::path::Path::new(&restored.replaced_kept_at),
        &hotich_core::StoreKey::demo(),
    )
    .unwrap();
    assert_eq!(register_count(&kept), 2);
    // The store goes on with the restored file: the birth, taken in again, is registered again.
    import_signed(&mut store, &second, now());
    let again = case_of(&store, &second.notification_id, today());
    register_on(&mut store, &supervisor, &again, today());
    assert_eq!(register_count(&store), 2);
    assert!(store.verify_audit_log().unwrap().problem.is_none());
}

#[test]
fn a_damaged_backup_is_refused_and_the_live_database_is_untouched() {
    let (dir, mut store, supervisor) = fixture::office(now());
    let n = death();
    import_signed(&mut store, &n, now());
    let case = case_of(&store, &n.notification_id, today());
    register_on(&mut store, &supervisor, &case, today());
    let backup = dir.path().join("backup.db");
    store.back_up(&supervisor, &backup, now()).unwrap();

    // A backup never overwrites a file.
    let again = store.back_up(&supervisor, &backup, now()).unwrap_err();
    assert!(
        matches!(
            again,
            CoreError::InvalidFile {
                reason: FileRefusal::AlreadyExists,
                ..
            }
        ),
        "{again}"
    );

    // A whole page in the middle of the file changed (a failing USB disk;
    // bytes inside a page's free space would change nothing SQLite reads).
    let mut bytes = std::fs::read(&backup).unwrap();
    let page = 16384;
    let middle = bytes.len() / 2 / page * page;
    for byte in &mut bytes[middle..middle + page] {
        *byte ^= 0x5a;
    }
    let damaged = dir.path().join("damaged.db");
    std::fs::write(&damaged, &bytes).unwrap();
    let not_a_backup = dir.path().join("notes.txt");
    std::fs::write(&not_a_backup, "không phải cơ sở dữ liệu").unwrap();
    let before = store.registrations().unwrap();
    for file in [&damaged, &not_a_backup] {
        let refused = store.restore(&supervisor, file, now()).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::InvalidFile, "{refused}");
        assert!(
            matches!(
                refused,
                CoreError::InvalidFile {
                    reason: FileRefusal::BackupDamaged | FileRefusal::NotBackup,
                    ..
                }
            ),
            "{refused}"
        );
        assert_eq!(store.registrations().unwrap(), before);
    }
    // Nothing was moved aside: only the live database and what the test wrote.
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert!(kept.is_empty());
}

#[test]
fn only_a_supervisor_backs_up_or_restores() {
    let (dir, mut store, supervisor) = fixture::office(now());
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Nguyễn Thị Lan", now());
    let backup = dir.path().join("backup.db");
    let refused = store.back_up(&lan, &backup, now()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert!(!backup.exists());
    store.back_up(&supervisor, &backup, now()).unwrap();
    let refused = store.restore(&lan, &backup, now()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
}
