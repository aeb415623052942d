//! The keyed audit trail (issue 16, item 4) on real SQLite files: every act
//! that matters leaves one entry, and each way of tampering (an entry
//! deleted, the tail cut, the chain rebuilt without the key, a record
//! without its entry, the register counter moved) is found with its own
//! problem. The tampering goes around the app as an intruder would: the
//! append-only triggers dropped, rows changed with plain SQL.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::fixture::{self, case_of, import_signed};
use common::register_on;
use hotich_core::{
    AuditAction, AuditFilter, AuditProblemKind, CoreError, ErrorCode, Officer, Store, StoreKey,
};
use hotich_protocol::samples::{birth, death, now};
use rusqlite::Connection;

fn today() -> NaiveDate {
    now().date_naive()
}

/// A plain connection to the store's file, as someone with the file has.
fn intruder(store: &Store) -> Connection {
    let conn = store.file().raw_connection().unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_append_only_update;
         DROP TRIGGER audit_log_append_only_delete;",
    )
    .unwrap();
    conn
}

/// An office with two registrations (a death, then a birth).
fn office_with_registrations() -> (tempfile::TempDir, Store, Officer) {
    let (dir, mut store, supervisor) = fixture::office(now());
    for notification in [death(), birth()] {
        import_signed(&mut store, &notification, now());
        let case = case_of(&store, &notification.notification_id, today());
        register_on(&mut store, &supervisor, &case, today());
    }
    (dir, store, supervisor)
}

/// The position of the last registration's entry.
fn last_register_seq(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT max(seq) FROM audit_log WHERE action = 'register'",
        [],
        |row| row.get(0),
    )
    .unwrap()
}

fn problem(store: &Store) -> Option<AuditProblemKind> {
    store
        .verify_audit_log()
        .unwrap()
        .problem
        .map(|problem| problem.kind)
}

fn actions(store: &Store, supervisor: &Officer) -> Vec<String> {
    let mut lines = store
        .audit_entries(supervisor, &AuditFilter::default())
        .unwrap();
    lines.reverse();
    lines.into_iter().map(|line| line.action).collect()
}

#[test]
fn an_untouched_trail_verifies_and_names_its_head() {
    let (_dir, store, _) = office_with_registrations();
    let report = store.verify_audit_log().unwrap();
    assert_eq!(report.problem, None);
    let head = report.head.expect("a head");
    assert_eq!(head.seq as u64, report.entries);
    assert_eq!(Some(head), store.audit_head().unwrap());
}

#[test]
fn deleting_an_entry_in_the_middle_is_found_as_a_missing_entry() {
    let (_dir, store, _) = office_with_registrations();
    intruder(&store)
        .execute("DELETE FROM audit_log WHERE seq = 2", [])
        .unwrap();
    let found = store.verify_audit_log().unwrap().problem.unwrap();
    assert_eq!(
        (found.kind, found.seq),
        (AuditProblemKind::EntryMissing, Some(3))
    );
}

#[test]
fn cutting_the_tail_is_found_by_the_registration_left_without_its_entry() {
    let (_dir, store, _) = office_with_registrations();
    let conn = intruder(&store);
    let last_register = last_register_seq(&conn);
    conn.execute("DELETE FROM audit_log WHERE seq >= ?1", [last_register])
        .unwrap();
    let found = store.verify_audit_log().unwrap().problem.unwrap();
    assert_eq!(found.kind, AuditProblemKind::RecordUnaudited);
    assert_eq!(found.action, "register");
    let worded = hotich_core::labels::audit_problem_text(hotich_core::Lang::Vi, &found);
    assert!(worded.contains("phần cuối nhật ký đã bị cắt"), "{worded}");
}

/// Rewrites every entry as the log's first, unkeyed version hashed them
/// (SHA-256 over the same length-prefixed fields): what anyone can compute
/// without the key.
fn rebuild_without_the_key(conn: &Connection, from_seq: i64) {
    use sha2::{Digest, Sha256};
    let rows: Vec<(i64, Vec<String>)> = conn
        .prepare(
            "SELECT seq, at, officer_id, action, entity_id, content FROM audit_log ORDER BY seq",
        )
        .unwrap()
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                (1..6).map(|i| row.get(i)).collect::<Result<_, _>>()?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev: String = conn
        .query_row(
            "SELECT coalesce((SELECT hash FROM audit_log WHERE seq = ?1 - 1), ?2)",
            rusqlite::params![from_seq, "0".repeat(64)],
            |row| row.get(0),
        )
        .unwrap();
    for (seq, fields) in rows.into_iter().filter(|(seq, _)| *seq >= from_seq) {
        let mut hasher = Sha256::new();
        for part in std::iter::once(&prev).chain(fields.iter()) {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        let hash = hotich_common::hex::hex(&hasher.finalize());
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?2, hash = ?3, keyed = 0 WHERE seq = ?1",
            rusqlite::params![seq, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn a_chain_rebuilt_without_the_key_is_found_from_the_first_rewritten_entry() {
    let (_dir, mut store, supervisor) = office_with_registrations();
    // Work after the last registration, whose entries the intruder rewrites.
    store.sign_in("lanhdao", fixture::PASSWORD, now()).unwrap();
    let case = store.registrations().unwrap()[0].case_id.clone();
    store.open_case(&supervisor, &case, today(), now()).unwrap();
    let conn = intruder(&store);
    // The second registration's entry removed, and the chain after it
    // written again so every link holds.
    let last_register = last_register_seq(&conn);
    conn.execute("DELETE FROM audit_log WHERE seq = ?1", [last_register])
        .unwrap();
    conn.execute(
        "UPDATE audit_log SET seq = seq - 1 WHERE seq > ?1",
        [last_register],
    )
    .unwrap();
    rebuild_without_the_key(&conn, last_register);
    let found = store.verify_audit_log().unwrap().problem.unwrap();
    assert_eq!(found.kind, AuditProblemKind::ChainRebuilt);
    assert_eq!(found.seq, Some(last_register));
    // The whole chain rebuilt from the start: found at the first entry.
    rebuild_without_the_key(&conn, 1);
    let found = store.verify_audit_log().unwrap().problem.unwrap();
    assert_eq!(
        (found.kind, found.seq),
        (AuditProblemKind::ChainRebuilt, Some(1))
    );
}

#[test]
fn one_entry_edited_is_told_apart_from_a_rebuilt_chain() {
    let (_dir, store, _) = office_with_registrations();
    intruder(&store)
        .execute(
            "UPDATE audit_log SET at = '2020-01-01T00:00:00+00:00' WHERE seq = 2",
            [],
        )
        .unwrap();
    let found = store.verify_audit_log().unwrap().problem.unwrap();
    assert_eq!(
        (found.kind, found.seq),
        (AuditProblemKind::EntryAltered, Some(2))
    );
}

#[test]
fn a_register_counter_moved_by_hand_is_found() {
    let (_dir, store, _) = office_with_registrations();
    assert_eq!(problem(&store), None);
    let conn = store.file().raw_connection().unwrap();
    conn.execute(
        "UPDATE register_counter SET last_number = last_number + 1 WHERE kind = 'death'",
        [],
    )
    .unwrap();
    let found = store.verify_audit_log().unwrap().problem.unwrap();
    assert_eq!(found.kind, AuditProblemKind::CounterMismatch);
    assert!(found.entity_id.starts_with("death/"), "{found:?}");
}

#[test]
fn a_print_row_written_outside_the_app_has_no_entry_and_is_found() {
    let (_dir, mut store, supervisor) = office_with_registrations();
    let spoiled = store
        .record_spoiled_blank(&supervisor, "AB-000123", "kẹt giấy", now())
        .unwrap();
    assert_eq!(problem(&store), None);
    assert_eq!(
        actions(&store, &supervisor).last().unwrap(),
        "spoiled_blank"
    );
    let conn = store.file().raw_connection().unwrap();
    conn.execute(
        "INSERT INTO print_log (id, registration_id, document, printed_at, officer_id, copies, reprint,
                                blank_serial, outcome, spoiled_reason)
         SELECT 'outside', NULL, document, printed_at, officer_id, 1, 0, 'AB-000124', 'spoiled', 'x'
         FROM print_log WHERE id = ?1",
        [&spoiled.id],
    )
    .unwrap();
    let found = store.verify_audit_log().unwrap().problem.unwrap();
    assert_eq!(
        (found.kind, found.entity_id.as_str()),
        (AuditProblemKind::RecordUnaudited, "outside")
    );
}

#[test]
fn opening_a_case_writes_exactly_one_view_entry_and_reading_it_for_a_form_none() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    let notification = death();
    import_signed(&mut store, &notification, now());
    let case = case_of(&store, &notification.notification_id, today());
    let views = |store: &Store| {
        store
            .audit_entries(
                &supervisor,
                &AuditFilter {
                    action: Some(AuditAction::CaseView),
                    entity_id: Some(case.clone()),
                    ..AuditFilter::default()
                },
            )
            .unwrap()
    };
    store.open_case(&supervisor, &case, today(), now()).unwrap();
    let seen = views(&store);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].officer_username, "lanhdao");
    // The registration form's own read is no second opening.
    store.registration_draft(&case, today()).unwrap();
    assert_eq!(views(&store).len(), 1);
    assert_eq!(problem(&store), None);
}

#[test]
fn sign_ins_failures_sign_out_and_locks_are_in_the_trail() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    let at = |minutes: i64| now() + Duration::minutes(minutes);
    store.sign_in("lanhdao", fixture::PASSWORD, at(1)).unwrap();
    assert!(store.sign_in("lanhdao", "sai mật khẩu", at(2)).is_err());
    assert!(store.sign_in("không-có-ai", "sai mật khẩu", at(3)).is_err());
    let mut session = hotich_core::Session::new(60, std::time::Instant::now());
    session.begin(supervisor.clone(), std::time::Instant::now());
    session.lock_by_hand(&store, at(4)).unwrap();
    session.sign_out(&store, at(5)).unwrap();
    let lines = store
        .audit_entries(
            &supervisor,
            &AuditFilter {
                from: Some(today()),
                ..AuditFilter::default()
            },
        )
        .unwrap();
    let acts: Vec<(&str, &str)> = lines
        .iter()
        .rev()
        .filter(|line| line.at >= at(1).to_rfc3339())
        .map(|line| (line.action.as_str(), line.content.as_str()))
        .collect();
    assert_eq!(
        acts[..3],
        [
            ("sign_in", acts[0].1),
            ("sign_in_failed", "wrong_password"),
            ("sign_in_failed", "unknown_username"),
        ]
    );
    assert_eq!(acts[3..], [("session_lock", "by_hand"), ("sign_out", "")]);
    // The name typed for an unknown account is kept nowhere.
    assert!(lines
        .iter()
        .all(|line| !line.entity_id.contains("không-có-ai")));
    assert_eq!(problem(&store), None);
}

#[test]
fn the_list_filters_by_officer_act_and_day_and_is_for_supervisors() {
    let (_dir, mut store, supervisor) = office_with_registrations();
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Nguyễn Thị Lan", now());
    let refused = store
        .audit_entries(&lan, &AuditFilter::default())
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let registrations = store
        .audit_entries(
            &supervisor,
            &AuditFilter {
                officer: Some("lanhdao".into()),
                action: Some(AuditAction::Register),
                ..AuditFilter::default()
            },
        )
        .unwrap();
    assert_eq!(registrations.len(), 2);
    let tomorrow = today().succ_opt().unwrap();
    let none = store
        .audit_entries(
            &supervisor,
            &AuditFilter {
                from: Some(tomorrow),
                ..AuditFilter::default()
            },
        )
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
}

#[test]
fn another_key_opens_nothing_and_changes_nothing() {
    let (dir, store, _) = office_with_registrations();
    let path = store.path().to_owned();
    drop(store);
    let before = std::fs::read(&path).unwrap();
    let other = StoreKey::generate().unwrap();
    let refused = Store::open(&path, &other).unwrap_err();
    assert!(matches!(refused, CoreError::WrongStoreKey), "{refused:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(Store::open(&path, &StoreKey::demo()).is_ok());
    drop(dir);
}

#[test]
fn a_database_from_before_the_key_keeps_its_unkeyed_entries_and_keys_the_rest() {
    // Written as the previous release did: unkeyed entries and no key check.
    let (_dir, store, supervisor) = office_with_registrations();
    let file = store.file();
    let path = file.path.clone();
    drop(store);
    let conn = file.raw_connection().unwrap();
    conn.execute_batch(
        "DELETE FROM setting WHERE key IN ('store_key_check', 'audit_unkeyed_until_seq');
         DROP TRIGGER audit_log_append_only_update;",
    )
    .unwrap();
    rebuild_without_the_key(&conn, 1);
    conn.execute_batch(
        "CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN
             SELECT RAISE(ABORT, 'audit_log is append-only');
         END;",
    )
    .unwrap();
    drop(conn);
    fixture::make_plain(&file);
    let key = StoreKey::generate().unwrap();
    let store = Store::open(&path, &key).unwrap();
    let before = store.verify_audit_log().unwrap();
    assert_eq!(before.problem, None);
    store
        .open_case(
            &supervisor,
            &store.registrations().unwrap()[0].case_id,
            today(),
            later(),
        )
        .unwrap();
    let after = store.verify_audit_log().unwrap();
    assert_eq!((after.problem, after.entries), (None, before.entries + 1));
}

fn later() -> DateTime<Utc> {
    now() + Duration::hours(1)
}
