//! Backups of the register that restore (issue 16, item 3): a consistent
//! copy of the live database made while officers work (SQLite's online
//! backup API, never a file copy of a live database), owner-only and
//! encrypted with the database's own key; and a restore
//! that checks the backup first (SQLite's integrity check, the audit chain,
//! a schema this version reads) and only then puts it in place of the live
//! database, which is kept beside it, never deleted.
//!
//! Writes no table: a restore replaces the whole file. The schedule
//! ([`schedule`]) keeps its settings through `Store::set_setting`.

pub mod schedule;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hotich_common::sqlite::{self, with_suffix, COMPANION_SUFFIXES};
use serde::Serialize;

use crate::audit::AuditAction;
use crate::error::{refused_file, CoreError, FileRefusal, ForbiddenAction, Result};
use crate::officer::Officer;
use crate::store::Store;
use crate::store_key::StoreKey;

/// A backup made, or restored: where, and what its register holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct BackupFacts {
    pub path: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registrations: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub audit_entries: u64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Restored {
    /// The backup now in use.
    pub restored: BackupFacts,
    /// Where the database it replaced was kept.
    pub replaced_kept_at: String,
}

impl Store {
    /// A supervisor backs the database up to `out`, a new file: a
    /// consistent copy while others keep working, checked before it is
    /// reported made.
    pub fn back_up(&self, actor: &Officer, out: &Path, now: DateTime<Utc>) -> Result<BackupFacts> {
        actor.require_supervisor(ForbiddenAction::ManageBackups)?;
        let facts = self.write_backup(out, &actor.id, now)?;
        self.note_backup(&facts, now)?;
        Ok(facts)
    }

    /// Writes the backup at `out` and audits it as `officer_id`'s (empty:
    /// the schedule's).
    fn write_backup(
        &self,
        out: &Path,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<BackupFacts> {
        let shown = out.display().to_string();
        if out.exists() {
            return Err(refused_file(&shown, FileRefusal::AlreadyExists, []));
        }
        // Owner-only and keyed like the database (SQLite's backup API
        // copies pages between two databases of one key).
        hotich_common::sqlite::back_up(&self.conn, out, Some(&self.key.database_key()))?;
        let facts = checked_backup(out, &self.key)?;
        self.record_act(
            AuditAction::Backup,
            &file_name(out),
            officer_id,
            &facts.summary(),
            now,
        )?;
        Ok(facts)
    }

    /// A supervisor restores the backup at `backup` in place of this
    /// database. The backup is checked first; if it is refused nothing
    /// changes. The database it replaces is kept beside it
    /// (`….before-restore-YYYYMMDDTHHMMSS`), and the store goes on with the
    /// restored one.
    pub fn restore(
        &mut self,
        actor: &Officer,
        backup: &Path,
        now: DateTime<Utc>,
    ) -> Result<Restored> {
        actor.require_supervisor(ForbiddenAction::ManageBackups)?;
        let restored = checked_backup(backup, &self.key)?;
        let live = self.path().to_owned();
        // Copied next to the live file first, so the swap is one rename on
        // one file system: whenever it is interrupted, the database's name
        // holds either the old file or the restored one, never neither.
        let incoming = beside(&live, "restoring");
        let _ = std::fs::remove_file(&incoming);
        hotich_common::sqlite::create_owner_only(&incoming)?;
        std::fs::copy(backup, &incoming)?;
        std::fs::File::open(&incoming)?.sync_all()?;
        let kept = beside(
            &live,
            &format!("before-restore-{}", now.format("%Y%m%dT%H%M%S")),
        );
        // Checkpointed and closed: the whole old database is in its file,
        // which stays reachable under the kept name (a second link to it).
        self.close_for_replacement()?;
        let swapped = std::fs::hard_link(&live, &kept)
            .or_else(|_| std::fs::copy(&live, &kept).map(|_| ()))
            .and_then(|()| {
                // A `-wal` left beside the restored file would be applied to it.
                for suffix in COMPANION_SUFFIXES {
                    match std::fs::remove_file(with_suffix(&live, suffix)) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                        _ => {}
                    }
                }
                std::fs::rename(&incoming, &live)
            });
        if let Err(error) = swapped {
            let _ = std::fs::remove_file(&incoming);
            self.reopen()?;
            return Err(error.into());
        }
        if let Some(dir) = live.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        self.reopen()?;
        // The restored chain records its own restore.
        self.record_act(
            AuditAction::Restore,
            &file_name(backup),
            &actor.id,
            &restored.summary(),
            now,
        )?;
        Ok(Restored {
            restored: BackupFacts {
                path: live.display().to_string(),
                ..restored
            },
            replaced_kept_at: kept.display().to_string(),
        })
    }
}

/// A file's name without its folders (a folder may name a person).
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl BackupFacts {
    /// What the audit entry of a backup or restore records.
    fn summary(&self) -> String {
        format!(
            "registrations={} audit_entries={}",
            self.registrations, self.audit_entries
        )
    }
}

/// `hotich.db` → `hotich.db.NAME`, in the same folder.
fn beside(path: &Path, name: &str) -> PathBuf {
    with_suffix(path, &format!(".{name}"))
}

/// The backup at `path` read without changing it: a Hotich database that
/// SQLite finds whole, of a schema this version reads, its audit chain
/// unbroken; or why not.
fn checked_backup(path: &Path, key: &StoreKey) -> Result<BackupFacts> {
    let shown = path.display().to_string();
    let not_backup = || refused_file(&shown, FileRefusal::NotBackup, []);
    // An encrypted database is whole pages; anything else that SQLite cannot
    // read is no database at all rather than one with another key.
    let size = std::fs::metadata(path)?.len();
    if sqlite::file_state(path)? == sqlite::FileState::Encrypted
        && (size == 0 || size % u64::from(sqlite::PAGE_SIZE) != 0)
    {
        return Err(not_backup());
    }
    let store = Store::open_read_only(path, key)
        .map_err(|_| not_backup())?
        .ok_or_else(|| refused_file(&shown, FileRefusal::BackupOtherKey, []))?;
    let integrity: String = store
        .conn
        .query_row("PRAGMA integrity_check(1)", [], |row| row.get(0))
        .map_err(|e| damaged(&shown, &e.to_string()))?;
    if integrity != "ok" {
        return Err(damaged(&shown, &integrity));
    }
    let found: i64 = store
        .conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let found = usize::try_from(found).unwrap_or(0);
    if found == 0 {
        return Err(not_backup());
    }
    if found > Store::schema_version() {
        return Err(refused_file(
            &shown,
            FileRefusal::BackupTooNew,
            [
                ("found", found.to_string()),
                ("supported", Store::schema_version().to_string()),
            ],
        ));
    }
    let audit = store.verify_audit_log().map_err(|e| match e {
        CoreError::Sqlite(e) => damaged(&shown, &e.to_string()),
        other => other,
    })?;
    if let Some(problem) = audit.problem {
        return Err(refused_file(
            &shown,
            FileRefusal::BackupAuditBroken,
            [
                ("problem_kind", problem.kind.as_str().to_owned()),
                (
                    "seq",
                    problem.seq.map(|s| s.to_string()).unwrap_or_default(),
                ),
                ("action", problem.action),
                ("entity", problem.entity_id),
                ("detail", problem.detail),
            ],
        ));
    }
    let registrations: i64 =
        store
            .conn
            .query_row("SELECT count(*) FROM registration", [], |row| row.get(0))?;
    Ok(BackupFacts {
        path: shown,
        registrations: hotich_common::sqlite::to_u64(registrations),
        audit_entries: audit.entries,
    })
}

fn damaged(path: &str, detail: &str) -> CoreError {
    refused_file(
        path,
        FileRefusal::BackupDamaged,
        [("detail", detail.to_owned())],
    )
}
