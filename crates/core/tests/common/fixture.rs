//! The store fixture the core and extract suites share: a real SQLite file
//! in a temporary folder, set up as an office is on first start. The extract
//! suites include this file by `#[path]`, so hotich-core's public API needs
//! no test-only feature for it.

#![allow(dead_code)] // each suite uses part of it

use chrono::{DateTime, NaiveDate, Utc};
use hotich_core::{CaseFilter, CaseRow, ImportSummary, Officer, Role, Store};
use hotich_protocol::samples::{facility_signer, sign, trust_list};
use hotich_protocol::Notification;

pub const PASSWORD: &str = "mật khẩu 2026";
pub const COMMUNE: &str = "01864";

/// A new store in a fresh temporary folder with the demo root key pinned.
pub fn pinned_store() -> (tempfile::TempDir, Store) {
    pinned_store_in(tempfile::tempdir().unwrap())
}

/// A new store in `dir` with the demo root key pinned.
pub fn pinned_store_in(dir: tempfile::TempDir) -> (tempfile::TempDir, Store) {
    let mut store = Store::open(
        &dir.path().join("hotich.db"),
        &hotich_core::StoreKey::demo(),
    )
    .unwrap();
    store.pin_demo_root_key().unwrap();
    (dir, store)
}

/// An office as set up on first start at `setup`: the demo root key, the
/// commune, the sample trust list and the first supervisor.
pub fn office(setup: DateTime<Utc>) -> (tempfile::TempDir, Store, Officer) {
    office_in(tempfile::tempdir().unwrap(), &trust_list(), setup)
}

/// [`office`] in `dir`, trusting the facilities of `trust` (a signed trust list).
pub fn office_in(
    dir: tempfile::TempDir,
    trust: &[u8],
    setup: DateTime<Utc>,
) -> (tempfile::TempDir, Store, Officer) {
    let (dir, mut store) = pinned_store_in(dir);
    store.set_commune(COMMUNE).unwrap();
    store.import_trust_list(trust, setup).unwrap();
    let supervisor = store
        .create_first_supervisor("lanhdao", "Phạm Văn Lãnh", PASSWORD, setup)
        .unwrap();
    (dir, store, supervisor)
}

/// A registrar account created by `supervisor` at `at`.
pub fn registrar(
    store: &mut Store,
    supervisor: &Officer,
    username: &str,
    name: &str,
    at: DateTime<Utc>,
) -> Officer {
    store
        .create_officer(supervisor, username, name, Role::Registrar, PASSWORD, at)
        .unwrap()
}

/// A file of one notification as a facility signs it.
pub fn signed_file(n: &Notification) -> Vec<u8> {
    format!(
        "[{}]",
        String::from_utf8(sign(n, &facility_signer())).unwrap()
    )
    .into_bytes()
}

/// Imports one signed notification received at `received`.
pub fn import_signed(
    store: &mut Store,
    n: &Notification,
    received: DateTime<Utc>,
) -> ImportSummary {
    store
        .import_bytes(&signed_file(n), "test", received, &mut |_| {})
        .unwrap()
}

/// The queue's rows matching `filter` (up to 1000, whatever its limit).
pub fn case_rows(store: &Store, filter: CaseFilter, today: NaiveDate) -> Vec<CaseRow> {
    store
        .cases(
            &CaseFilter {
                limit: 1000,
                ..filter
            },
            today,
        )
        .unwrap()
        .rows
}

/// The id of the case a notification opened.
pub fn case_of(store: &Store, notification_id: &str, today: NaiveDate) -> String {
    case_rows(store, CaseFilter::default(), today)
        .into_iter()
        .find(|c| c.notification_id.as_deref() == Some(notification_id))
        .unwrap()
        .id
}

/// Looks into the database file beside the store, as an auditor would.
pub fn count(store: &Store, sql: &str) -> i64 {
    store
        .file()
        .raw_connection()
        .unwrap()
        .query_row(sql, [], |row| row.get(0))
        .unwrap()
}

/// Turns the (encrypted) database of `file` back into a plain one, as an
/// earlier version of Hotich left it: SQLCipher's export into a database
/// attached without a key, which then takes the database's name.
#[allow(dead_code)] // not every suite starts from an earlier version
pub fn make_plain(file: &hotich_core::store_key::StoreFile) {
    let plain = file.path.with_extension("plain");
    let conn = file.raw_connection().unwrap();
    conn.execute(
        "ATTACH DATABASE ?1 AS plain KEY ''",
        [plain.to_str().unwrap()],
    )
    .unwrap();
    conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
        .unwrap();
    let version: i64 = conn
        .query_row("PRAGMA main.user_version", [], |row| row.get(0))
        .unwrap();
    conn.pragma_update(Some("plain"), "user_version", version)
        .unwrap();
    conn.execute_batch("DETACH DATABASE plain").unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(hotich_common::sqlite::with_suffix(&file.path, suffix));
    }
    std::fs::rename(&plain, &file.path).unwrap();
}
