//! Scheduled backups (issue 16, item 3): to a folder a supervisor picks (a
//! USB disk, typically), daily and after every 50 registrations, keeping
//! every backup of the last 30 days and, before that, one per month; and
//! what the header warns of: no backup for more than 7 days, or the folder
//! missing. [`BackupScheduler`] runs it in the background while officers work.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, Utc};
use serde::Serialize;

use super::BackupFacts;
use crate::audit::AuditAction;
use crate::error::{invalid, ForbiddenAction, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::store::Store;
use crate::store_key::StoreFile;

const SETTING_FOLDER: &str = "backup_folder";
const SETTING_LAST_AT: &str = "backup_last_at";
const SETTING_LAST_FILE: &str = "backup_last_file";
/// How many registrations the register held at the last backup.
const SETTING_LAST_REGISTRATIONS: &str = "backup_last_registrations";

/// A backup a day…
const EVERY: TimeDelta = TimeDelta::hours(24);
/// …and one after every this many registrations.
const EVERY_REGISTRATIONS: i64 = 50;
/// Every backup of these last days is kept; older ones, one per month.
const KEEP_DAYS: i64 = 30;
/// The header warns when the last good backup is older than this.
const WARN_AFTER: TimeDelta = TimeDelta::days(7);

/// File names the schedule writes, and the only ones it ever deletes.
const NAME_PREFIX: &str = "hotich-";
const NAME_FORMAT: &str = "%Y%m%d-%H%M%S-%3f";
const NAME_SUFFIX: &str = ".db";

/// What the header warns of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum BackupWarning {
    /// No backup folder chosen yet.
    NoFolder,
    /// The chosen folder is not there (the USB disk unplugged).
    FolderMissing,
    /// No backup was ever made.
    NeverBackedUp,
    /// The last good backup is older than 7 days.
    Old,
}

impl BackupWarning {
    pub const ALL: [BackupWarning; 4] = [
        BackupWarning::NoFolder,
        BackupWarning::FolderMissing,
        BackupWarning::NeverBackedUp,
        BackupWarning::Old,
    ];
}

/// Where scheduled backups go and how the last one went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct BackupStatus {
    pub folder: Option<String>,
    /// When the last good backup (scheduled or by hand) was made.
    pub last_at: Option<String>,
    pub last_file: Option<String>,
    /// Whole days since the last good backup.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub days_since: Option<i64>,
    pub warning: Option<BackupWarning>,
}

impl Store {
    /// A supervisor chooses the folder scheduled backups go to (it must
    /// exist: a USB disk plugged in, a shared folder mounted).
    pub fn set_backup_folder(
        &self,
        actor: &Officer,
        folder: &Path,
        now: DateTime<Utc>,
    ) -> Result<BackupStatus> {
        actor.require_supervisor(ForbiddenAction::ManageBackups)?;
        if !folder.is_dir() {
            return Err(invalid(
                InputField::BackupFolder,
                InputReason::FolderMissing,
            ));
        }
        let folder = std::path::absolute(folder)?;
        let shown = folder.display().to_string();
        self.set_setting(SETTING_FOLDER, &shown)?;
        self.record_act(AuditAction::BackupFolderSet, &shown, &actor.id, "", now)?;
        self.backup_status(now)
    }

    /// Where scheduled backups go, the last one, and what to warn of.
    pub fn backup_status(&self, now: DateTime<Utc>) -> Result<BackupStatus> {
        let folder = self.setting(SETTING_FOLDER)?;
        let last_at = self.setting(SETTING_LAST_AT)?;
        let days_since = last_at
            .as_deref()
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .map(|at| (now - at.with_timezone(&Utc)).num_days());
        let warning = match (&folder, days_since) {
            (None, _) => Some(BackupWarning::NoFolder),
            (Some(folder), _) if !Path::new(folder).is_dir() => Some(BackupWarning::FolderMissing),
            (_, None) => Some(BackupWarning::NeverBackedUp),
            (_, Some(days)) if TimeDelta::days(days) >= WARN_AFTER => Some(BackupWarning::Old),
            _ => None,
        };
        Ok(BackupStatus {
            folder,
            last_at,
            last_file: self.setting(SETTING_LAST_FILE)?,
            days_since,
            warning,
        })
    }

    /// Makes the scheduled backup if one is due (a day since the last, or
    /// 50 registrations since), into the chosen folder, then prunes the old
    /// ones. `None` when none was due, or no folder is there to take it.
    pub fn run_scheduled_backup(&self, now: DateTime<Utc>) -> Result<Option<BackupFacts>> {
        let Some(folder) = self.setting(SETTING_FOLDER)?.map(PathBuf::from) else {
            return Ok(None);
        };
        if !folder.is_dir() {
            return Ok(None);
        }
        let registrations = self.registration_count()?;
        let last_at = self
            .setting(SETTING_LAST_AT)?
            .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
            .map(|at| at.with_timezone(&Utc));
        let last_registrations: i64 = self
            .setting(SETTING_LAST_REGISTRATIONS)?
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let due = last_at.is_none_or(|at| now - at >= EVERY)
            || registrations - last_registrations >= EVERY_REGISTRATIONS;
        if !due {
            return Ok(None);
        }
        let out = folder.join(backup_name(now));
        let facts = self.write_backup(&out, "", now)?;
        self.note_backup(&facts, now)?;
        prune(&folder, now)?;
        Ok(Some(facts))
    }

    /// A supervisor backs up now into the chosen folder (Quản trị's
    /// "Sao lưu ngay"), named and pruned as the schedule's are.
    pub fn back_up_now(&self, actor: &Officer, now: DateTime<Utc>) -> Result<BackupFacts> {
        actor.require_supervisor(ForbiddenAction::ManageBackups)?;
        let folder = self
            .setting(SETTING_FOLDER)?
            .map(PathBuf::from)
            .filter(|folder| folder.is_dir())
            .ok_or_else(|| invalid(InputField::BackupFolder, InputReason::FolderMissing))?;
        let out = folder.join(backup_name(now));
        let facts = self.write_backup(&out, &actor.id, now)?;
        self.note_backup(&facts, now)?;
        prune(&folder, now)?;
        Ok(facts)
    }

    /// Records `made` as the last good backup (scheduled or by hand), with
    /// the registrations it holds: those made while it was written count
    /// towards the next.
    pub(super) fn note_backup(&self, made: &BackupFacts, now: DateTime<Utc>) -> Result<()> {
        self.set_setting(SETTING_LAST_AT, &now.to_rfc3339())?;
        self.set_setting(SETTING_LAST_FILE, &made.path)?;
        self.set_setting(SETTING_LAST_REGISTRATIONS, &made.registrations.to_string())
    }

    fn registration_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM registration", [], |row| row.get(0))?)
    }
}

/// `hotich-20261130-083000-250.db`: the backup made at `at` (UTC, to the millisecond).
fn backup_name(at: DateTime<Utc>) -> String {
    format!("{NAME_PREFIX}{}{NAME_SUFFIX}", at.format(NAME_FORMAT))
}

/// When the schedule's backup named `name` was made; `None` for any other file.
fn made_at(name: &str) -> Option<DateTime<Utc>> {
    let stamp = name.strip_prefix(NAME_PREFIX)?.strip_suffix(NAME_SUFFIX)?;
    NaiveDateTime::parse_from_str(stamp, NAME_FORMAT)
        .ok()
        .map(|at| at.and_utc())
}

/// Deletes the schedule's backups in `folder` that are older than 30 days,
/// but for the newest of each month; never any other file.
fn prune(folder: &Path, now: DateTime<Utc>) -> Result<()> {
    let mut old: Vec<(DateTime<Utc>, PathBuf)> = std::fs::read_dir(folder)?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let at = made_at(&entry.file_name().to_string_lossy())?;
            (now - at > TimeDelta::days(KEEP_DAYS)).then(|| (at, entry.path()))
        })
        .collect();
    // Newest first: the first of each month seen is the one kept.
    old.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let mut months = std::collections::BTreeSet::new();
    for (at, path) in old {
        if !months.insert((at.year(), at.month())) {
            std::fs::remove_file(path)?;
        }
    }
    Ok(())
}

/// Runs [`Store::run_scheduled_backup`] every `every` on its own thread,
/// with its own connection, while officers work; stops when dropped.
#[derive(Debug)]
pub struct BackupScheduler {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackupScheduler {
    /// Starts checking every `every`; `report` hears each backup made, or
    /// why one failed (the header shows it; nothing is retried sooner).
    pub fn start(
        file: StoreFile,
        every: Duration,
        report: impl Fn(Result<Option<BackupFacts>>) + Send + 'static,
    ) -> std::io::Result<BackupScheduler> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("scheduled-backups".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    let outcome = file
                        .open()
                        .and_then(|store| store.run_scheduled_backup(Utc::now()));
                    if !matches!(outcome, Ok(None)) {
                        report(outcome);
                    }
                    // Woken often enough to stop promptly when dropped.
                    let mut waited = Duration::ZERO;
                    while waited < every && !stopped.load(Ordering::Relaxed) {
                        let step = Duration::from_millis(100).min(every - waited);
                        std::thread::sleep(step);
                        waited += step;
                    }
                }
            })?;
        Ok(BackupScheduler {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for BackupScheduler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_backups_are_pruned_to_one_a_month_and_other_files_are_left() {
        let dir = tempfile::tempdir().unwrap();
        let now = "2026-11-30T08:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let days_ago = |days: i64, hour: i64| now - TimeDelta::days(days) + TimeDelta::hours(hour);
        let made: Vec<DateTime<Utc>> = vec![
            days_ago(0, 0),
            days_ago(29, 0),
            days_ago(31, 0),  // 30 Oct: October's newest old one
            days_ago(35, 0),  // 26 Oct
            days_ago(40, 0),  // 21 Oct
            days_ago(65, 0),  // 26 Sep
            days_ago(66, 0),  // 25 Sep
            days_ago(400, 0), // 2025
        ];
        for at in &made {
            std::fs::write(dir.path().join(backup_name(*at)), b"x").unwrap();
        }
        std::fs::write(dir.path().join("notes.db"), b"x").unwrap();
        prune(dir.path(), now).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected: Vec<String> = [0, 1, 2, 5, 7]
            .iter()
            .map(|i| backup_name(made[*i]))
            .chain(["notes.db".to_owned()])
            .collect();
        expected.sort();
        assert_eq!(left, expected);
        assert_eq!(made_at(&backup_name(made[3])), Some(made[3]));
        assert_eq!(made_at("hotich-2026.db"), None);
    }
}
