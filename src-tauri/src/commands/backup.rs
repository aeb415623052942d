//! Backups in Quản trị and in the background: the folder scheduled backups
//! go to, the header's warning, "Sao lưu ngay", a restore, and the
//! scheduler's thread (`hotich_core::backup`).

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use hotich_core::backup::{BackupFacts, Restored};
use hotich_core::store_key::StoreFile;
use hotich_core::{BackupScheduler, BackupStatus};
use tauri::{AppHandle, Emitter};

use crate::events::BACKUP_CHECKED;

/// Seconds between the scheduler's checks, over the default (tests).
pub const BACKUP_CHECK_ENV: &str = "HOTICH_BACKUP_CHECK_SECONDS";
/// A backup is due at most once a day or every 50 registrations: a check
/// every ten minutes finds it in time.
const BACKUP_CHECK: Duration = Duration::from_secs(600);

/// Starts the scheduled backups on their own connection to `db`; the
/// header hears of each backup made or failed.
pub fn start_scheduled(app: &AppHandle, db: StoreFile) -> std::io::Result<BackupScheduler> {
    let every = std::env::var(BACKUP_CHECK_ENV)
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .filter(|seconds: &u64| *seconds > 0)
        .map_or(BACKUP_CHECK, Duration::from_secs);
    let app = app.clone();
    BackupScheduler::start(db, every, move |_| {
        // A closed window just misses the event; the schedule goes on.
        let _ = app.emit(BACKUP_CHECKED, ());
    })
}

guarded_commands! {
    /// Where scheduled backups go, the last one, and what the header warns of.
    signed_in fn backup_status() -> BackupStatus = |store| store.backup_status(Utc::now());

    /// A supervisor chooses the folder scheduled backups go to.
    acting fn set_backup_folder(folder: String) -> BackupStatus =
        |(actor, store)| store.set_backup_folder(&actor, &PathBuf::from(folder), Utc::now());

    /// A supervisor backs up now into the chosen folder.
    acting fn back_up_now() -> BackupFacts = |(actor, store)| store.back_up_now(&actor, Utc::now());

    /// A supervisor restores the backup at `path` (checked first; the
    /// replaced database is kept beside it).
    acting fn restore_backup(path: String) -> Restored =
        |(actor, mut store)| store.restore(&actor, &PathBuf::from(path), Utc::now());
}
