//! Online backups, for the workstation's and the registry's stores alike.

use std::path::Path;

use rusqlite::Connection;

use super::{connect, DatabaseKey, OpenError};

/// Copies every page of the database `conn` is open on into a new file at
/// `out` (owner-only, encrypted with `key` as the database is), in one step
/// of SQLite's online backup: a snapshot of one moment, read while other
/// connections go on writing (WAL), which never restarts. The copy is one
/// self-contained file (its WAL folded in). A file already at `out` is
/// never overwritten; a failed copy is removed.
pub fn back_up(conn: &Connection, out: &Path, key: Option<&DatabaseKey>) -> Result<(), OpenError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(out).map_err(OpenError::File)?;
    let copied = copy_pages(conn, out, key);
    // Best effort: a leftover journal file is harmless beside a whole copy.
    let _ = super::encrypt::remove_companions(out);
    if copied.is_err() {
        let _ = std::fs::remove_file(out);
    }
    copied?;
    std::fs::File::open(out)
        .and_then(|file| file.sync_all())
        .map_err(OpenError::File)
}

fn copy_pages(conn: &Connection, out: &Path, key: Option<&DatabaseKey>) -> Result<(), OpenError> {
    use rusqlite::backup::{Backup, StepResult};
    let mut copy = connect(out, key)?;
    {
        let backup = Backup::new(conn, &mut copy)?;
        // Every page in one step (-1): the copy never restarts because
        // another connection wrote meanwhile; a lock only delays it.
        while backup.step(-1)? != StepResult::Done {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
    copy.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    // Out of WAL mode (which the pages copied carry): the file alone is the
    // whole backup, and reading it (a check, a restore's) leaves no `-wal`
    // or `-shm` beside it. A restored copy is in WAL again at its first open.
    let mode: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))?;
    debug_assert_eq!(mode, "delete");
    Ok(())
}
