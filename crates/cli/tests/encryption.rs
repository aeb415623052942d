//! Encryption at rest (issue 16, item 1) through the real binary, on a
//! database the last release before it wrote (`fixtures/release-db`, a plain
//! SQLite file): the first open of this version encrypts it in place with
//! nothing lost, and a kill -9 at any moment of that leaves either the old
//! plain database or the new encrypted one, never neither.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hotich_common::sqlite::{self, FileState};
use rusqlite::types::Value;

/// The office database the release before encryption made (see its make.sh).
fn release_database(dir: &Path) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/release-db/office.db");
    let db = dir.join("office.db");
    std::fs::copy(fixture, &db).unwrap();
    db
}

/// The columns `table` has in the release's database: what the conversion
/// must keep whole (a later migration may add a column after them). Read
/// from one copy of the fixture, once per table.
fn release_columns(table: &str) -> String {
    static COLUMNS: std::sync::OnceLock<std::collections::HashMap<&str, String>> =
        std::sync::OnceLock::new();
    let columns = COLUMNS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let conn = plain(&release_database(dir.path()));
        TABLES
            .iter()
            .map(|table| {
                let names: Vec<String> = conn
                    .prepare(&format!(
                        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                    ))
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                let list = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>();
                (*table, list.join(", "))
            })
            .collect()
    });
    columns[table].clone()
}

/// Every row of `table` (the release's columns), in a stable order, each value as text.
fn rows(conn: &rusqlite::Connection, table: &str) -> Vec<Vec<String>> {
    let columns = release_columns(table);
    let mut statement = conn
        .prepare(&format!("SELECT {columns} FROM \"{table}\""))
        .unwrap();
    let columns = statement.column_count();
    let mut rows: Vec<Vec<String>> = statement
        .query_map([], |row| {
            (0..columns)
                .map(|i| row.get::<_, Value>(i).map(|value| format!("{value:?}")))
                .collect()
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    rows
}

/// The whole register as the tables that matter hold it.
const TABLES: [&str; 7] = [
    "notification",
    "case_file",
    "case_event",
    "registration",
    "audit_log",
    "outbox",
    "print_log",
];

fn contents(conn: &rusqlite::Connection) -> Vec<Vec<Vec<String>>> {
    TABLES.iter().map(|table| rows(conn, table)).collect()
}

fn plain(db: &Path) -> rusqlite::Connection {
    sqlite::connect_read_only(db, None).unwrap()
}

#[test]
fn a_release_database_is_encrypted_at_its_first_open_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = release_database(dir.path());
    assert_eq!(sqlite::file_state(&db).unwrap(), FileState::Plain);
    let before = contents(&plain(&db));
    let name: String = plain(&db)
        .query_row("SELECT subject_name FROM case_file LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(std::fs::read(&db)
        .unwrap()
        .windows(name.len())
        .any(|w| w == name.as_bytes()));
    assert!(
        before.iter().all(|rows| !rows.is_empty()),
        "the fixture holds every kind of row: {:?}",
        before.iter().map(Vec::len).collect::<Vec<_>>()
    );

    let verified = common::hotich_on(&db)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&verified.stderr).into_owned();
    assert!(common::ok(verified).contains("toàn vẹn"));
    assert!(stderr.contains("Đang mã hóa cơ sở dữ liệu"), "{stderr}");
    assert!(stderr.contains("100%"), "{stderr}");

    assert_eq!(sqlite::file_state(&db).unwrap(), FileState::Encrypted);
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    assert!(
        !bytes.windows(name.len()).any(|w| w == name.as_bytes()),
        "{name} in the clear"
    );
    assert!(sqlite::connect_read_only(&db, None)
        .and_then(|conn| Ok(
            conn.query_row("SELECT count(*) FROM case_file", [], |r| r.get::<_, i64>(0))?
        ))
        .is_err());
    assert_eq!(contents(&common::raw_connection(&db)), before);
    // The backup made on the way, encrypted with the same key.
    let backup = sqlite::with_suffix(&db, ".before-encryption");
    assert_eq!(sqlite::file_state(&backup).unwrap(), FileState::Encrypted);
    assert_eq!(contents(&common::raw_connection(&backup)), before);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [&db, &backup] {
            let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", file.display());
        }
    }
    // The next open finds it encrypted and changes nothing.
    common::ok(
        common::hotich_on(&db)
            .args(["audit", "verify"])
            .output()
            .unwrap(),
    );
    assert_eq!(contents(&common::raw_connection(&db)), before);
}

/// What a database file holds after a kill: the plain database or the
/// encrypted one, either with the register whole.
fn usable(db: &Path, cases: i64) -> FileState {
    let state = sqlite::file_state(db).unwrap();
    let conn = match state {
        FileState::Plain => plain(db),
        FileState::Encrypted => common::raw_connection(db),
        other => panic!("the database is {other:?}"),
    };
    let found: i64 = conn
        .query_row("SELECT count(*) FROM case_file", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{state:?} database unreadable: {e}"));
    assert_eq!(found, cases, "{state:?}");
    let whole: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(whole, "ok", "{state:?}");
    state
}

#[test]
fn killed_during_encryption_the_database_is_old_or_new_never_neither() {
    let dir = tempfile::tempdir().unwrap();
    let db = release_database(dir.path());
    let cases: i64 = plain(&db)
        .query_row("SELECT count(*) FROM case_file", [], |r| r.get(0))
        .unwrap();
    // Tens of megabytes of other rows, so that the encryption takes long
    // enough to be killed in the middle.
    sqlite::connect(&db, None)
        .unwrap()
        .execute_batch(
            "CREATE TABLE ballast (bytes BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
             INSERT INTO ballast SELECT randomblob(16000) FROM n;",
        )
        .unwrap();

    let copy = sqlite::with_suffix(&db, ".encrypting");
    let (mut killed_midway, mut attempts) = (0, 0);
    let mut delay = Duration::from_millis(20);
    loop {
        attempts += 1;
        assert!(attempts < 200, "the encryption never finished");
        let mut child = common::hotich_on(&db)
            .args(["audit", "verify"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        Command::new("kill")
            .args(["-9", &child.id().to_string()])
            .status()
            .unwrap();
        child.wait().unwrap();
        if usable(&db, cases) == FileState::Plain && copy.exists() {
            killed_midway += 1;
        }
        delay += Duration::from_millis(15);
    }
    assert!(
        killed_midway > 0,
        "no kill landed while the encrypted copy was being written ({attempts} runs)"
    );
    assert_eq!(usable(&db, cases), FileState::Encrypted);
    assert!(
        !copy.exists(),
        "the finished encryption leaves no copy behind"
    );
    let ballast: i64 = common::raw_connection(&db)
        .query_row("SELECT count(*) FROM ballast", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ballast, 3000);
}
