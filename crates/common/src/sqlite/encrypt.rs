//! Encrypting in place a plain database an older version left (issue 16):
//! SQLCipher's `sqlcipher_export` writes an encrypted copy beside it, the
//! copy is checked table by table against the original and kept as a
//! backup, and only then does it take the database's name, in one rename.
//! Killed at any moment, the name holds either the old plain database or
//! the whole encrypted one, never neither: a leftover copy is made again
//! at the next start.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::Connection;

use super::{
    connect_raw, create_owner_only, read_write, with_suffix, DatabaseKey, OpenError,
    COMPANION_SUFFIXES, PAGE_SIZE,
};

/// What a database file holds, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Missing,
    /// A file SQLite has not written yet.
    Empty,
    /// A plain SQLite database ("SQLite format 3" at its start).
    Plain,
    /// Anything else: a SQLCipher database, whose first bytes are random.
    Encrypted,
}

const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

pub fn file_state(path: &Path) -> std::io::Result<FileState> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(e) => return Err(e),
    };
    let mut header = Vec::with_capacity(PLAIN_HEADER.len());
    file.by_ref()
        .take(PLAIN_HEADER.len() as u64)
        .read_to_end(&mut header)?;
    Ok(match header.as_slice() {
        [] => FileState::Empty,
        bytes if bytes == PLAIN_HEADER => FileState::Plain,
        _ => FileState::Encrypted,
    })
}

/// How far an encryption has got: bytes of the encrypted copy written, of
/// about `total` (the plain database's size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncryptionProgress {
    pub done: u64,
    pub total: u64,
}

/// The encrypted copy while it is written, beside the database.
fn copy_path(path: &Path) -> PathBuf {
    with_suffix(path, ".encrypting")
}

/// Where the checked encrypted copy is kept as the backup made before the
/// database changes form (`hotich.db.before-encryption`, owner-only,
/// encrypted with the same key).
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".before-encryption")
}

/// How often the copy's size is read for `progress`.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Encrypts the plain database at `path` with `key`, in place, reporting
/// `progress` (from another thread) while the copy is written. Needs the
/// database to itself (no other connection open). Afterwards the file at
/// `path` is the encrypted database, in WAL mode at its next open, and
/// [`backup_path`] holds a copy of it; on an error the plain database is
/// as it was.
pub fn encrypt_in_place(
    path: &Path,
    key: &DatabaseKey,
    progress: &mut (dyn FnMut(EncryptionProgress) + Send),
) -> Result<(), OpenError> {
    let copy = copy_path(path);
    remove_with_companions(&copy)?;
    let plain = connect_raw(path, read_write(), None)?;
    // Out of WAL: the whole database moves into its main file and its `-wal`
    // is removed, so none is left to be applied to the encrypted file that
    // takes its name. Fails, changing nothing, while another connection has it open.
    let mode: String = plain.query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(OpenError::Encryption(format!(
            "the database is in use (journal mode stays {mode})"
        )));
    }
    let result = export_and_check(&plain, &copy, key, progress);
    let detached = plain.execute_batch("DETACH DATABASE encrypted");
    drop(plain);
    if let Err(error) = result.and(detached.map_err(OpenError::from)) {
        let _ = remove_with_companions(&copy);
        return Err(error);
    }
    // The copy opens with the key alone, as the database will.
    connect_raw(&copy, read_write(), Some(key))?;
    sync_file(&copy)?;
    let backup = backup_path(path);
    remove_with_companions(&backup)?;
    create_owner_only(&backup).map_err(OpenError::File)?;
    std::fs::copy(&copy, &backup).map_err(OpenError::File)?;
    sync_file(&backup)?;
    // The plain file's `-shm` (its `-wal` went with WAL mode) would be read
    // as the encrypted file's; the plain file itself is replaced by the rename.
    remove_companions(path)?;
    std::fs::rename(&copy, path).map_err(OpenError::File)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_file(dir)?;
    }
    Ok(())
}

/// Writes the encrypted copy at `copy` (attached to `plain` as
/// `encrypted`) and checks it: SQLite finds it whole, and every table has
/// as many rows as in the plain database.
fn export_and_check(
    plain: &Connection,
    copy: &Path,
    key: &DatabaseKey,
    progress: &mut (dyn FnMut(EncryptionProgress) + Send),
) -> Result<(), OpenError> {
    create_owner_only(copy).map_err(OpenError::File)?;
    let copy_name = copy
        .to_str()
        .ok_or_else(|| OpenError::Encryption("the database's path is not UTF-8".to_owned()))?;
    plain.execute(
        "ATTACH DATABASE ?1 AS encrypted KEY ?2",
        [copy_name, key.sqlcipher_literal().as_str()],
    )?;
    plain.pragma_update(Some("encrypted"), "cipher_page_size", PAGE_SIZE)?;
    let total = plain.query_row(
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        [],
        |row| row.get::<_, i64>(0),
    )?;
    let total = u64::try_from(total).unwrap_or(0);
    let finished = AtomicBool::new(false);
    let exported = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                let written = std::fs::metadata(copy).map(|m| m.len()).unwrap_or(0);
                progress(EncryptionProgress {
                    done: written.min(total.saturating_sub(1)),
                    total,
                });
                std::thread::sleep(PROGRESS_EVERY);
            }
        });
        let exported = plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()));
        finished.store(true, Ordering::Relaxed);
        exported
    });
    exported?;
    // `sqlcipher_export` copies the schema and rows, not the schema version.
    let version: i64 = plain.query_row("PRAGMA main.user_version", [], |row| row.get(0))?;
    plain.pragma_update(Some("encrypted"), "user_version", version)?;
    let whole: String = plain.query_row("PRAGMA encrypted.quick_check", [], |row| row.get(0))?;
    if whole != "ok" {
        return Err(OpenError::Encryption(format!(
            "the encrypted copy is damaged: {whole}"
        )));
    }
    let tables: Vec<String> = plain
        .prepare(
            "SELECT name FROM main.sqlite_master
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in tables {
        let quoted = table.replace('"', "\"\"");
        let count = |schema: &str| {
            plain.query_row(
                &format!("SELECT count(*) FROM {schema}.\"{quoted}\""),
                [],
                |row| row.get::<_, i64>(0),
            )
        };
        let (before, after) = (count("main")?, count("encrypted")?);
        if before != after {
            return Err(OpenError::Encryption(format!(
                "table {table}: {before} rows before, {after} in the encrypted copy"
            )));
        }
    }
    progress(EncryptionProgress { done: total, total });
    Ok(())
}

/// Removes `path` and the journal files SQLite keeps beside it, if present.
fn remove_with_companions(path: &Path) -> Result<(), OpenError> {
    remove_if_present(path)?;
    remove_companions(path)
}

/// Removes the journal files SQLite keeps beside `path`, if present.
pub(super) fn remove_companions(path: &Path) -> Result<(), OpenError> {
    for suffix in COMPANION_SUFFIXES.iter().chain(&["-journal"]) {
        remove_if_present(&with_suffix(path, suffix))?;
    }
    Ok(())
}

fn remove_if_present(file: &Path) -> Result<(), OpenError> {
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(OpenError::File(e)),
        _ => Ok(()),
    }
}

fn sync_file(path: &Path) -> Result<(), OpenError> {
    std::fs::File::open(path)
        .and_then(|file| file.sync_all())
        .map_err(OpenError::File)
}
