//! Opening a SQLite database the project's way, for the workstation and the
//! central registry alike: WAL so readers never wait for the writer,
//! `synchronous=FULL` so a committed write survives a power cut, foreign
//! keys on, a busy timeout instead of an immediate "database is locked", and
//! the schema brought up to date by `rusqlite_migration` (which keeps the
//! version in `user_version`). A database written by a newer program is
//! refused before anything is written to it.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use thiserror::Error;

/// How long a statement waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Error)]
pub enum OpenError {
    #[error("the database has schema version {found}, newer than {supported}, the newest this program knows")]
    TooNew { found: usize, supported: usize },
    #[error("migrating the schema failed: {0}")]
    Migration(String),
    #[error("creating the database file failed: {0}")]
    Create(std::io::Error),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// A schema as its migrations, oldest first. Never edit a released
/// migration; add one.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    migrations: &'static [&'static str],
}

impl Schema {
    pub const fn new(migrations: &'static [&'static str]) -> Schema {
        Schema { migrations }
    }

    /// The version this program writes: one per migration.
    pub fn version(&self) -> usize {
        self.migrations.len()
    }

    fn migrations(&self) -> Migrations<'static> {
        Migrations::new(self.migrations.iter().map(|sql| M::up(sql)).collect())
    }
}

/// Settings that only make sense for one store (both optional).
#[derive(Debug, Clone, Copy, Default)]
pub struct Tuning {
    /// Page size in bytes; takes effect only on a new database.
    pub page_size: Option<u32>,
    /// Page cache per connection, in KiB.
    pub cache_kib: Option<u32>,
}

/// A connection with the project's pragmas, without touching the schema
/// (for extra readers of a database that [`open`] has already migrated).
pub fn connect(path: &Path) -> Result<Connection, OpenError> {
    let conn = connect_raw(path, read_write())?;
    apply_pragmas(&conn, &Tuning::default())?;
    Ok(conn)
}

/// A read-only connection (a second reader for long reports): a query on it
/// can never write, whatever its SQL.
pub fn connect_read_only(path: &Path) -> Result<Connection, OpenError> {
    connect_raw(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// Opens (creating if needed) the database at `path` with the project's
/// pragmas and brings it to `schema`'s latest version. Refuses, untouched, a
/// database whose version is newer than `schema`'s.
pub fn open(path: &Path, schema: &Schema, tuning: &Tuning) -> Result<Connection, OpenError> {
    create_owner_only(path).map_err(OpenError::Create)?;
    restrict_to_owner(path).map_err(OpenError::Create)?;
    let mut conn = connect_raw(path, read_write())?;
    // Read before anything is written: a newer database is left untouched.
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let found = usize::try_from(found).unwrap_or(0);
    if found > schema.version() {
        return Err(OpenError::TooNew {
            found,
            supported: schema.version(),
        });
    }
    apply_pragmas(&conn, tuning)?;
    schema
        .migrations()
        .to_latest(&mut conn)
        .map_err(|e| OpenError::Migration(e.to_string()))?;
    Ok(conn)
}

/// Creates a missing database file readable and writable by its owner only
/// (0600 on Unix) before SQLite opens it: SQLite gives the `-wal` and `-shm`
/// files it creates later the database file's permissions, so personal data
/// never sits in a file other accounts of the machine can read.
pub fn create_owner_only(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The files SQLite keeps beside a WAL database, named by the database's
/// path and these suffixes.
pub const COMPANION_SUFFIXES: [&str; 2] = ["-wal", "-shm"];

/// `path` with `suffix` added to its file name (`hotich.db` + `-wal`), as
/// SQLite names the files beside a database.
pub fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// Makes a database an older version created readable by other accounts
/// (0644 by default), and its `-wal` and `-shm` files, owner-only (0600 on
/// Unix). Files already owner-only are not touched.
fn restrict_to_owner(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let companions = COMPANION_SUFFIXES.map(|suffix| with_suffix(path, suffix));
        for file in std::iter::once(path.to_path_buf()).chain(companions) {
            let Ok(metadata) = std::fs::metadata(&file) else {
                continue;
            };
            if metadata.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates `dir` and its missing parents owner-only (0700 on Unix); a
/// folder that already exists is left as it is (it may be the user's own).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes an existing folder owner-only (0700 on Unix): the program's own
/// data folder, which an older version may have created with looser rights.
pub fn make_private(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn read_write() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

fn connect_raw(path: &Path, flags: OpenFlags) -> Result<Connection, OpenError> {
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

fn apply_pragmas(conn: &Connection, tuning: &Tuning) -> Result<(), OpenError> {
    if let Some(page_size) = tuning.page_size {
        // Must come before WAL is switched on to apply to a new file.
        conn.pragma_update(None, "page_size", page_size)?;
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted rows (a discarded draft, a removed certificate) are overwritten,
    // not left readable in free pages of the file.
    conn.pragma_update(None, "secure_delete", "ON")?;
    if let Some(kib) = tuning.cache_kib {
        conn.pragma_update(None, "cache_size", -i64::from(kib))?;
    }
    Ok(())
}

/// A SQLite INTEGER as an unsigned count (negative reads as 0).
pub fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// An unsigned count as a SQLite INTEGER (saturating).
pub fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_new_database_and_its_folder_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data/vn.hotich.app");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let db = dir.join("x.db");
        let conn = open(&db, &Schema::new(V2), &Tuning::default()).unwrap();
        conn.execute("INSERT INTO b (y) VALUES ('z')", []).unwrap();
        for file in [db.clone(), dir.join("x.db-wal"), dir.join("x.db-shm")] {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
        // A database an older version left readable by others is made owner-only.
        let wal = dir.join("x.db-wal");
        for file in [&db, &wal] {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let second = open(&db, &Schema::new(V2), &Tuning::default()).unwrap();
        assert_eq!((mode(&db), mode(&wal)), (0o600, 0o600));
        drop((conn, second));
        // An existing folder is left alone unless made private on purpose.
        let shared = tmp.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&shared).unwrap();
        assert_eq!(mode(&shared), 0o755);
        make_private(&shared).unwrap();
        assert_eq!(mode(&shared), 0o700);
    }

    const V1: &[&str] = &["CREATE TABLE a (x INTEGER);"];
    const V2: &[&str] = &["CREATE TABLE a (x INTEGER);", "CREATE TABLE b (y TEXT);"];

    #[test]
    fn opens_in_wal_with_full_sync_and_migrates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = open(&path, &Schema::new(V2), &Tuning::default()).unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        let secure_delete: i64 = conn
            .pragma_query_value(None, "secure_delete", |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), sync, version), ("wal", 2, 2));
        assert_eq!(secure_delete, 1);
        conn.execute("INSERT INTO b (y) VALUES ('kept')", [])
            .unwrap();
    }

    #[test]
    fn a_newer_database_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        drop(open(&path, &Schema::new(V2), &Tuning::default()).unwrap());
        let before = std::fs::read(&path).unwrap();
        let refused = open(&path, &Schema::new(V1), &Tuning::default()).unwrap_err();
        assert!(
            matches!(
                refused,
                OpenError::TooNew {
                    found: 2,
                    supported: 1
                }
            ),
            "{refused}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn integers_convert_saturating() {
        assert_eq!((to_u64(-3), to_u64(7), to_i64(u64::MAX)), (0, 7, i64::MAX));
    }
}
