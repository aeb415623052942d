//! Opening a SQLite database the project's way, for the workstation and the
//! central registry alike: encrypted at rest with SQLCipher when given a
//! [`DatabaseKey`] (every real store is; a plain file only for the
//! benchmarks and for converting one an older version left, [`encrypt`]),
//! WAL so readers never wait for the writer, `synchronous=FULL` so a
//! committed write survives a power cut, foreign keys on, a busy timeout
//! instead of an immediate "database is locked", and the schema brought up
//! to date by `rusqlite_migration` (which keeps the version in
//! `user_version`). A database written by a newer program is refused before
//! anything is written to it.

mod backup;
mod encrypt;
mod key;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use thiserror::Error;

pub use backup::back_up;
pub use encrypt::{encrypt_in_place, file_state, EncryptionProgress, FileState};
pub use key::{DatabaseKey, KEY_BYTES};

/// How long a statement waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Error)]
pub enum OpenError {
    #[error("the database has schema version {found}, newer than {supported}, the newest this program knows")]
    TooNew { found: usize, supported: usize },
    #[error("migrating the schema failed: {0}")]
    Migration(String),
    #[error("a database file could not be read or written: {0}")]
    File(std::io::Error),
    /// SQLCipher could not read the file with the key: another key, or not
    /// a database at all.
    #[error("the key does not open this database (or the file is not a database)")]
    WrongKey,
    #[error("encrypting the database failed: {0}")]
    Encryption(String),
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

/// The page size of every store, encrypted or not. Notification rows are
/// ~2.3 KB: 16 KB pages hold several and split less (plain ingest ~25%
/// faster than with 4 KB), and SQLCipher encrypts and authenticates fewer,
/// larger pages. An encrypted file does not record its page size in the
/// clear, so every connection to it says it ([`connect_raw`]).
pub const PAGE_SIZE: u32 = 16384;

/// Settings that only make sense for one store.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tuning {
    /// Page cache per connection, in KiB.
    pub cache_kib: Option<u32>,
}

/// A connection with the project's pragmas, without touching the schema
/// (for extra readers of a database that [`open`] has already migrated).
/// `key`: the database's, `None` for a plain file.
pub fn connect(path: &Path, key: Option<&DatabaseKey>) -> Result<Connection, OpenError> {
    let conn = connect_raw(path, read_write(), key)?;
    apply_pragmas(&conn, &Tuning::default())?;
    Ok(conn)
}

/// A read-only connection (a second reader for long reports): a query on it
/// can never write, whatever its SQL.
pub fn connect_read_only(path: &Path, key: Option<&DatabaseKey>) -> Result<Connection, OpenError> {
    connect_raw(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        key,
    )
}

/// Opens (creating if needed) the database at `path` with the project's
/// pragmas and brings it to `schema`'s latest version. With a `key` the
/// database is encrypted: a plain file an older version left is encrypted
/// in place first ([`encrypt_in_place`], with no progress shown and its
/// backup beside it; callers that show progress convert before). Refuses,
/// untouched, a database whose version is newer than `schema`'s, and one
/// the key does not open.
pub fn open(
    path: &Path,
    schema: &Schema,
    tuning: &Tuning,
    key: Option<&DatabaseKey>,
) -> Result<Connection, OpenError> {
    if let Some(key) = key {
        if file_state(path).map_err(OpenError::File)? == FileState::Plain {
            // A newer program's database is refused before it is encrypted.
            check_version(&connect_raw(path, read_write(), None)?, schema)?;
            encrypt_in_place(path, key, &mut |_| {})?;
        }
    }
    create_owner_only(path).map_err(OpenError::File)?;
    restrict_to_owner(path).map_err(OpenError::File)?;
    let mut conn = connect_raw(path, read_write(), key)?;
    // Read before anything is written: a newer database is left untouched.
    check_version(&conn, schema)?;
    apply_pragmas(&conn, tuning)?;
    schema
        .migrations()
        .to_latest(&mut conn)
        .map_err(|e| OpenError::Migration(e.to_string()))?;
    Ok(conn)
}

/// Refuses a database whose schema version is newer than `schema`'s.
fn check_version(conn: &Connection, schema: &Schema) -> Result<(), OpenError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let found = usize::try_from(found).unwrap_or(0);
    if found > schema.version() {
        return Err(OpenError::TooNew {
            found,
            supported: schema.version(),
        });
    }
    Ok(())
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

/// How many times a connection is keyed before its refusal stands.
const KEY_ATTEMPTS: u32 = 3;

/// A connection to `path` with `key` and the page size set, before anything
/// is read. SQLCipher's codec set-up failed twice in runs of the whole test
/// suite (each time a new database, in a test process where other threads
/// used OpenSSL at once), reporting only "An error occurred with PRAGMA
/// key"; so the key is given again on a new connection, a few times,
/// before the error stands. A wrong key is not
/// such a failure: it is refused at the first read, in [`connect_raw`].
fn keyed_connection(
    path: &Path,
    flags: OpenFlags,
    key: &DatabaseKey,
) -> Result<Connection, OpenError> {
    let mut attempt = 1;
    loop {
        let conn = Connection::open_with_flags(path, flags)?;
        // SQLCipher's own log would print to stderr at every refused key.
        conn.pragma_update(None, "cipher_log_level", "NONE")?;
        match conn.pragma_update(None, "key", key.sqlcipher_literal().as_str()) {
            Ok(()) => {
                conn.pragma_update(None, "cipher_page_size", PAGE_SIZE)?;
                return Ok(conn);
            }
            Err(_) if attempt < KEY_ATTEMPTS => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// A connection to `path`, keyed when `key` is given: the key and the page
/// size come before anything is read, and one read proves the key opens
/// the file ([`OpenError::WrongKey`] if not).
fn connect_raw(
    path: &Path,
    flags: OpenFlags,
    key: Option<&DatabaseKey>,
) -> Result<Connection, OpenError> {
    let conn = if let Some(key) = key {
        keyed_connection(path, flags, key)?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if key.is_some() {
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .map_err(|error| match error.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => OpenError::WrongKey,
                _ => OpenError::Sqlite(error),
            })?;
    } else {
        // Before WAL is switched on, so that it applies to a new file.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    Ok(conn)
}

fn apply_pragmas(conn: &Connection, tuning: &Tuning) -> Result<(), OpenError> {
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
        let conn = open(&db, &Schema::new(V2), &Tuning::default(), None).unwrap();
        conn.execute("INSERT INTO b (y) VALUES ('z')", []).unwrap();
        for file in [db.clone(), dir.join("x.db-wal"), dir.join("x.db-shm")] {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
        // A database an older version left readable by others is made owner-only.
        let wal = dir.join("x.db-wal");
        for file in [&db, &wal] {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let second = open(&db, &Schema::new(V2), &Tuning::default(), None).unwrap();
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
        let conn = open(&path, &Schema::new(V2), &Tuning::default(), None).unwrap();
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
        drop(open(&path, &Schema::new(V2), &Tuning::default(), None).unwrap());
        let before = std::fs::read(&path).unwrap();
        let refused = open(&path, &Schema::new(V1), &Tuning::default(), None).unwrap_err();
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

    fn test_key(byte: u8) -> DatabaseKey {
        DatabaseKey::from_bytes(zeroize::Zeroizing::new([byte; KEY_BYTES]))
    }

    #[test]
    fn an_encrypted_database_opens_with_its_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let key = test_key(7);
        let conn = open(&path, &Schema::new(V2), &Tuning::default(), Some(&key)).unwrap();
        conn.execute("INSERT INTO b (y) VALUES ('Nguyễn Văn An')", [])
            .unwrap();
        drop(conn);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(file_state(&path).unwrap(), FileState::Encrypted);
        assert!(
            !bytes.windows(6).any(|w| w == b"CREATE"),
            "schema in the clear"
        );
        let before = bytes;
        for wrong in [Some(test_key(8)), None] {
            let refused = open(&path, &Schema::new(V2), &Tuning::default(), wrong.as_ref());
            assert!(
                matches!(
                    refused,
                    Err(OpenError::WrongKey) | Err(OpenError::Sqlite(_))
                ),
                "{refused:?}"
            );
        }
        assert!(matches!(
            connect_read_only(&path, Some(&test_key(9))),
            Err(OpenError::WrongKey)
        ));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "a wrong key changed the file"
        );
        let reader = connect_read_only(&path, Some(&key)).unwrap();
        let name: String = reader
            .query_row("SELECT y FROM b", [], |row| row.get(0))
            .unwrap();
        assert_eq!(name, "Nguyễn Văn An");
    }

    #[test]
    fn a_plain_database_is_encrypted_in_place_with_nothing_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let plain = open(&path, &Schema::new(V2), &Tuning::default(), None).unwrap();
        plain
            .execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                 INSERT INTO b (y) SELECT 'người ' || i FROM n;",
            )
            .unwrap();
        drop(plain);
        assert_eq!(file_state(&path).unwrap(), FileState::Plain);
        let key = test_key(7);
        let mut seen = Vec::new();
        encrypt_in_place(&path, &key, &mut |p| seen.push(p)).unwrap();
        let last = *seen.last().unwrap();
        assert_eq!(last.done, last.total);
        assert!(seen.iter().all(|p| p.done <= p.total), "{seen:?}");
        assert_eq!(file_state(&path).unwrap(), FileState::Encrypted);
        for file in [path.clone(), encrypt::backup_path(&path)] {
            let conn = open(&file, &Schema::new(V2), &Tuning::default(), Some(&key)).unwrap();
            let (rows, version): (i64, i64) = conn
                .query_row(
                    "SELECT (SELECT count(*) FROM b), (SELECT user_version FROM pragma_user_version)",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .unwrap();
            assert_eq!((rows, version), (20000, 2), "{}", file.display());
        }
        assert!(!with_suffix(&path, ".encrypting").exists());
    }

    #[test]
    fn integers_convert_saturating() {
        assert_eq!((to_u64(-3), to_u64(7), to_i64(u64::MAX)), (0, 7, i64::MAX));
    }
}
