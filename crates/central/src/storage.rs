//! Where the central registry keeps its streams: the [`Storage`] trait the
//! server talks to, and its embedded SQLite implementation (one file). A
//! PostgreSQL backend for national scale implements the same trait; the only
//! rule it must keep is the one documented on
//! [`Storage::append_notifications`]: each commune's sequence is assigned in
//! the insert's own transaction, so it has no gaps.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use hotich_common::sqlite::{to_i64, to_u64, OpenError, Schema, Tuning};
use hotich_protocol::FacilityKey;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::jurisdiction;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Opening failed, or the database was written by a newer hotich-central.
    #[error("database: {0}")]
    Open(#[from] OpenError),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// A verified notification, ready to append to a commune's stream.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub notification_id: String,
    pub version: u32,
    /// The signed envelope (JSON) as the facility posted it.
    pub envelope: String,
    /// The commune its content makes responsible (see [`jurisdiction`]); None for a void.
    pub content_commune: Option<String>,
    /// The commune the facility named in the payload.
    pub claimed_commune: String,
}

/// What appending one notification did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    Stored {
        commune: String,
        seq: u64,
    },
    /// The same id, version and envelope were stored before.
    Duplicate {
        commune: String,
        seq: u64,
    },
    /// The same id and version with another envelope: the first one stands.
    Conflict,
}

/// One event of a commune's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u64,
    pub notification_id: String,
    pub version: u32,
    pub envelope: String,
}

/// A page of a commune's stream: its events, and whether more follow.
pub type StoredPage = (Vec<StoredEvent>, bool);

/// A verified trust list to store, with the facility keys it lists.
#[derive(Debug, Clone, Copy)]
pub struct NewTrustList<'a> {
    pub sequence: u64,
    /// The signed list (JSON) as received.
    pub raw: &'a str,
    pub facilities: &'a [FacilityKey],
}

/// A workstation allowed to sync, found by its token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workstation {
    pub id: String,
    pub commune: String,
}

/// A workstation to register (`hotich-central workstation add`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkstation<'a> {
    pub commune: &'a str,
    pub label: &'a str,
    pub token_sha256: &'a str,
    /// The token is refused from this instant on; None: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A workstation as `hotich-central workstation list` shows it (RFC 3339 times).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkstationRecord {
    pub id: String,
    pub commune: String,
    pub label: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub rotated_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// What the token a request carries is worth, looked up on every request
/// (no cache: a revoke or a rotation holds from the next request on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    Valid(Workstation),
    /// A supervisor must enter a new token.
    Revoked,
    Expired,
    /// No workstation holds this token (never issued, or replaced by a rotation).
    Unknown,
}

/// What a revoke or a rotation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenChange {
    Done,
    NoSuchWorkstation,
    /// Revoked before: a revoked workstation gets no new token (add a new one).
    AlreadyRevoked,
}

/// `last_used_at` is written at most this often per workstation, so a busy
/// workstation does not make every request a write.
const LAST_USED_GRANULARITY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// One outbox row a workstation pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRecord {
    pub case_id: Option<String>,
    pub kind: String,
    /// JSON object text, as received.
    pub body: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Created,
    Replayed,
    Conflict,
}

/// The server's storage. Methods block: the server calls them on tokio's
/// blocking pool.
pub trait Storage: Send + Sync + 'static {
    /// Appends verified notifications to the streams of the communes they
    /// are routed to, each with the next sequence number of its commune,
    /// assigned inside the same transaction as its insert (gap-free: a
    /// rolled-back insert takes its number with it). Idempotent on
    /// (notification id, version).
    fn append_notifications(&self, batch: &[Incoming], now: DateTime<Utc>)
        -> Result<Vec<Appended>>;
    /// Events of `commune` after `after`, oldest first, at most `limit`; and
    /// whether more follow.
    fn events_after(&self, commune: &str, after: u64, limit: u32) -> Result<StoredPage>;
    /// The workstation holding this token, if it may sync at `now`; a valid
    /// use is recorded in `last_used_at` (to the minute).
    fn check_token(&self, token_sha256: &str, now: DateTime<Utc>) -> Result<TokenCheck>;
    /// Registers a workstation; its new id.
    fn add_workstation(&self, new: &NewWorkstation<'_>, now: DateTime<Utc>) -> Result<String>;
    /// Every workstation, oldest first.
    fn workstations(&self) -> Result<Vec<WorkstationRecord>>;
    /// Refuses the workstation's token from now on.
    fn revoke_workstation(&self, id: &str, now: DateTime<Utc>) -> Result<TokenChange>;
    /// Replaces the workstation's token: the old one is refused from now on.
    fn rotate_token(&self, id: &str, token_sha256: &str, now: DateTime<Utc>)
        -> Result<TokenChange>;
    /// Stores a pushed row once: `Replayed` for the same content again,
    /// `Conflict` for other content under the same id.
    fn put_event(
        &self,
        workstation: &Workstation,
        id: &str,
        record: &PushedRecord,
        now: DateTime<Utc>,
    ) -> Result<PutOutcome>;
    /// The signed trust list in force (JSON) and its sequence.
    fn trust_list(&self) -> Result<Option<(u64, String)>>;
    /// Replaces the trust list when its sequence is newer; false otherwise.
    fn replace_trust_list(&self, list: &NewTrustList<'_>, now: DateTime<Utc>) -> Result<bool>;
    fn facility_keys(&self) -> Result<Vec<FacilityKey>>;
    /// A cheap check that the storage answers (the health endpoint).
    fn ping(&self) -> Result<()>;
    fn setting(&self, key: &str) -> Result<Option<String>>;
    fn set_setting(&self, key: &str, value: &str) -> Result<()>;
}

/// The schema as `rusqlite_migration` migrations (the version lives in
/// `user_version`; the first release wrote version 1 by hand, the same).
/// Never edit a released migration; add one.
const SCHEMA: Schema = Schema::new(&[
    include_str!("schema.sql"),
    include_str!("schema/002_workstation_tokens.sql"),
]);
const READERS: usize = 4;

/// The embedded SQLite storage: one writer connection and a few readers
/// (WAL lets them read while it writes).
#[derive(Debug)]
pub struct SqliteStorage {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a connection leaves SQLite consistent (the
    // transaction rolls back when dropped), so the poison carries no meaning.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SqliteStorage {
    /// Opens (creating if needed) the database at `path` with the project's
    /// pragmas (an acknowledged push or post survives a power cut) and
    /// brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStorage> {
        let writer = hotich_common::sqlite::open(path, &SCHEMA, &Tuning::default())?;
        let readers = (0..READERS)
            .map(|_| hotich_common::sqlite::connect(path).map(Mutex::new))
            .collect::<Result<Vec<_>, OpenError>>()?;
        Ok(SqliteStorage {
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
        })
    }

    /// Runs `change` on a workstation that exists and is not revoked, in one
    /// transaction with that check.
    fn change_token(
        &self,
        id: &str,
        now: DateTime<Utc>,
        change: impl FnOnce(&rusqlite::Transaction<'_>, &str) -> rusqlite::Result<usize>,
    ) -> Result<TokenChange> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let revoked: Option<Option<String>> = tx
            .query_row(
                "SELECT revoked_at FROM workstation WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let outcome = match revoked {
            None => TokenChange::NoSuchWorkstation,
            Some(Some(_)) => TokenChange::AlreadyRevoked,
            Some(None) => {
                change(&tx, &now.to_rfc3339())?;
                TokenChange::Done
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.readers.len() {
            if let Ok(conn) = self.readers[(start + i) % self.readers.len()].try_lock() {
                return conn;
            }
        }
        lock(&self.readers[start % self.readers.len()])
    }
}

fn append_one(tx: &rusqlite::Transaction<'_>, item: &Incoming, now: &str) -> Result<Appended> {
    let existing: Option<(String, i64, String)> = tx
        .prepare_cached(
            "SELECT commune, seq, envelope FROM notification_event WHERE notification_id = ?1 AND version = ?2",
        )?
        .query_row(params![item.notification_id, item.version], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    if let Some((commune, seq, envelope)) = existing {
        return Ok(if envelope == item.envelope {
            Appended::Duplicate {
                commune,
                seq: to_u64(seq),
            }
        } else {
            Appended::Conflict
        });
    }
    let earlier: Option<String> = tx
        .prepare_cached(
            "SELECT commune FROM notification_event WHERE notification_id = ?1 ORDER BY version LIMIT 1",
        )?
        .query_row([&item.notification_id], |r| r.get(0))
        .optional()?;
    let commune = jurisdiction::stream_for(
        earlier.as_deref(),
        item.content_commune.as_deref(),
        &item.claimed_commune,
    )
    .to_owned();
    // The next number of this commune, taken in this transaction.
    let seq: i64 = tx
        .prepare_cached(
            "INSERT INTO commune_stream (commune, last_seq) VALUES (?1, 1)
             ON CONFLICT (commune) DO UPDATE SET last_seq = last_seq + 1
             RETURNING last_seq",
        )?
        .query_row([&commune], |r| r.get(0))?;
    tx.prepare_cached(
        "INSERT INTO notification_event (commune, seq, notification_id, version, envelope, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        commune,
        seq,
        item.notification_id,
        item.version,
        item.envelope,
        now
    ])?;
    Ok(Appended::Stored {
        commune,
        seq: to_u64(seq),
    })
}

/// A stored RFC 3339 time.
fn instant(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| StorageError::Corrupt(format!("time {text:?}: {e}")))
}

fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

impl Storage for SqliteStorage {
    fn append_notifications(
        &self,
        batch: &[Incoming],
        now: DateTime<Utc>,
    ) -> Result<Vec<Appended>> {
        let now = now.to_rfc3339();
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcomes = batch
            .iter()
            .map(|item| append_one(&tx, item, &now))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(outcomes)
    }

    fn events_after(&self, commune: &str, after: u64, limit: u32) -> Result<StoredPage> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, notification_id, version, envelope FROM notification_event
             WHERE commune = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let mut events = stmt
            .query_map(params![commune, to_i64(after), i64::from(limit) + 1], |r| {
                Ok(StoredEvent {
                    seq: to_u64(r.get(0)?),
                    notification_id: r.get(1)?,
                    version: r.get(2)?,
                    envelope: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let has_more = events.len() > limit as usize;
        events.truncate(limit as usize);
        Ok((events, has_more))
    }

    fn check_token(&self, token_sha256: &str, now: DateTime<Utc>) -> Result<TokenCheck> {
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let found: Option<Row> = self
            .reader()
            .prepare_cached(
                "SELECT id, commune, revoked_at, expires_at, last_used_at
                 FROM workstation WHERE token_sha256 = ?1",
            )?
            .query_row([token_sha256], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let Some((id, commune, revoked_at, expires_at, last_used_at)) = found else {
            return Ok(TokenCheck::Unknown);
        };
        if revoked_at.is_some() {
            return Ok(TokenCheck::Revoked);
        }
        if expires_at
            .map(|at| instant(&at))
            .transpose()?
            .is_some_and(|at| at <= now)
        {
            return Ok(TokenCheck::Expired);
        }
        let last_used = last_used_at.map(|at| instant(&at)).transpose()?;
        if last_used.is_none_or(|at| now - at >= LAST_USED_GRANULARITY) {
            lock(&self.writer)
                .prepare_cached("UPDATE workstation SET last_used_at = ?2 WHERE id = ?1")?
                .execute(params![id, now.to_rfc3339()])?;
        }
        Ok(TokenCheck::Valid(Workstation { id, commune }))
    }

    fn add_workstation(&self, new: &NewWorkstation<'_>, now: DateTime<Utc>) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        lock(&self.writer).execute(
            "INSERT INTO workstation (id, commune, label, token_sha256, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                new.commune,
                new.label,
                new.token_sha256,
                now.to_rfc3339(),
                new.expires_at.map(|at| at.to_rfc3339())
            ],
        )?;
        Ok(id)
    }

    fn workstations(&self) -> Result<Vec<WorkstationRecord>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, commune, label, created_at, expires_at, revoked_at, rotated_at, last_used_at
             FROM workstation ORDER BY created_at, id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(WorkstationRecord {
                    id: r.get("id")?,
                    commune: r.get("commune")?,
                    label: r.get("label")?,
                    created_at: r.get("created_at")?,
                    expires_at: r.get("expires_at")?,
                    revoked_at: r.get("revoked_at")?,
                    rotated_at: r.get("rotated_at")?,
                    last_used_at: r.get("last_used_at")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn revoke_workstation(&self, id: &str, now: DateTime<Utc>) -> Result<TokenChange> {
        self.change_token(id, now, |tx, now| {
            tx.execute(
                "UPDATE workstation SET revoked_at = ?2 WHERE id = ?1",
                params![id, now],
            )
        })
    }

    fn rotate_token(
        &self,
        id: &str,
        token_sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenChange> {
        self.change_token(id, now, |tx, now| {
            tx.execute(
                "UPDATE workstation SET token_sha256 = ?2, rotated_at = ?3 WHERE id = ?1",
                params![id, token_sha256, now],
            )
        })
    }

    fn put_event(
        &self,
        workstation: &Workstation,
        id: &str,
        record: &PushedRecord,
        now: DateTime<Utc>,
    ) -> Result<PutOutcome> {
        let conn = lock(&self.writer);
        let inserted = conn
            .prepare_cached(
                "INSERT INTO pushed_event (id, workstation_id, commune, case_id, kind, body, created_at, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                id,
                workstation.id,
                workstation.commune,
                record.case_id,
                record.kind,
                record.body,
                record.created_at,
                now.to_rfc3339()
            ])?;
        if inserted == 1 {
            return Ok(PutOutcome::Created);
        }
        let (commune, case_id, kind, body, created_at): (
            String,
            Option<String>,
            String,
            String,
            String,
        ) = conn
            .prepare_cached(
                "SELECT commune, case_id, kind, body, created_at FROM pushed_event WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        let same = commune == workstation.commune
            && case_id == record.case_id
            && kind == record.kind
            && created_at == record.created_at
            && same_json(&body, &record.body);
        Ok(if same {
            PutOutcome::Replayed
        } else {
            PutOutcome::Conflict
        })
    }

    fn trust_list(&self) -> Result<Option<(u64, String)>> {
        let conn = self.reader();
        let found = conn
            .prepare_cached("SELECT sequence, raw FROM trust_list ORDER BY sequence DESC LIMIT 1")?
            .query_row([], |r| Ok((to_u64(r.get(0)?), r.get(1)?)))
            .optional()?;
        Ok(found)
    }

    fn replace_trust_list(&self, list: &NewTrustList<'_>, now: DateTime<Utc>) -> Result<bool> {
        let NewTrustList {
            sequence,
            raw,
            facilities,
        } = *list;
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: Option<i64> =
            tx.query_row("SELECT max(sequence) FROM trust_list", [], |r| r.get(0))?;
        if held.is_some_and(|held| to_u64(held) >= sequence) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO trust_list (sequence, raw, imported_at) VALUES (?1, ?2, ?3)",
            params![to_i64(sequence), raw, now.to_rfc3339()],
        )?;
        tx.execute("DELETE FROM facility_key", [])?;
        for f in facilities {
            tx.execute(
                "INSERT INTO facility_key (key_id, body) VALUES (?1, ?2)",
                params![
                    f.key_id,
                    serde_json::to_string(f).map_err(|e| StorageError::Corrupt(e.to_string()))?
                ],
            )?;
        }
        tx.commit()?;
        Ok(true)
    }

    fn facility_keys(&self) -> Result<Vec<FacilityKey>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT body FROM facility_key ORDER BY key_id")?;
        let bodies = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        bodies
            .iter()
            .map(|b| serde_json::from_str(b).map_err(|e| StorageError::Corrupt(e.to_string())))
            .collect()
    }

    fn ping(&self) -> Result<()> {
        self.reader().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .reader()
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        lock(&self.writer).execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database as the first hotich-central wrote it: the schema run by
    /// hand and `user_version` set to 1, with a workstation and a stream.
    fn old_database(path: &Path) {
        // Its pragmas were the project's (WAL, full sync), as `connect` sets.
        let conn = hotich_common::sqlite::connect(path).unwrap();
        conn.execute_batch(include_str!("schema.sql")).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO workstation (id, commune, label, token_sha256, created_at)
               VALUES ('ws-1', '01864', 'old', 'abc', '2026-01-01T00:00:00+00:00');
             INSERT INTO commune_stream (commune, last_seq) VALUES ('01864', 1);
             INSERT INTO notification_event (commune, seq, notification_id, version, envelope, received_at)
               VALUES ('01864', 1, 'n-1', 1, '{}', '2026-01-01T00:00:00+00:00');",
        )
        .unwrap();
    }

    #[test]
    fn a_database_written_by_the_first_release_opens_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("central.db");
        old_database(&path);
        let storage = SqliteStorage::open(&path).unwrap();
        assert_eq!(
            storage.check_token("abc", Utc::now()).unwrap(),
            TokenCheck::Valid(Workstation {
                id: "ws-1".into(),
                commune: "01864".into()
            })
        );
        let (events, more) = storage.events_after("01864", 0, 10).unwrap();
        assert_eq!(
            (events.len(), events[0].notification_id.as_str(), more),
            (1, "n-1", false)
        );
        let version: i64 = lock(&storage.writer)
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 2, "the token columns were added");
        let listed = storage.workstations().unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].last_used_at.is_some(), "{listed:?}");
        assert_eq!(listed[0].expires_at, None);
    }

    #[test]
    fn a_database_from_a_newer_server_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("central.db");
        old_database(&path);
        hotich_common::sqlite::connect(&path)
            .unwrap()
            .pragma_update(None, "user_version", 3)
            .unwrap();
        let refused = SqliteStorage::open(&path).unwrap_err();
        assert!(
            matches!(
                refused,
                StorageError::Open(OpenError::TooNew {
                    found: 3,
                    supported: 2
                })
            ),
            "{refused}"
        );
    }

    fn new_workstation(
        storage: &SqliteStorage,
        hash: &str,
        expires: Option<DateTime<Utc>>,
    ) -> String {
        let new = NewWorkstation {
            commune: "01864",
            label: "bàn 1",
            token_sha256: hash,
            expires_at: expires,
        };
        storage.add_workstation(&new, Utc::now()).unwrap()
    }

    #[test]
    fn a_token_is_refused_once_revoked_expired_or_rotated_away() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
        let now = Utc::now();
        let id = new_workstation(&storage, "h1", None);
        let expiring = new_workstation(&storage, "h2", Some(now + chrono::TimeDelta::hours(1)));
        assert!(
            matches!(storage.check_token("h1", now).unwrap(), TokenCheck::Valid(w) if w.id == id)
        );
        assert!(
            matches!(storage.check_token("h2", now).unwrap(), TokenCheck::Valid(w) if w.id == expiring)
        );
        let later = now + chrono::TimeDelta::hours(1);
        assert_eq!(
            storage.check_token("h2", later).unwrap(),
            TokenCheck::Expired
        );

        assert_eq!(
            storage.rotate_token(&id, "h1-new", now).unwrap(),
            TokenChange::Done
        );
        assert_eq!(storage.check_token("h1", now).unwrap(), TokenCheck::Unknown);
        assert!(matches!(
            storage.check_token("h1-new", now).unwrap(),
            TokenCheck::Valid(_)
        ));

        assert_eq!(
            storage.revoke_workstation(&id, now).unwrap(),
            TokenChange::Done
        );
        assert_eq!(
            storage.check_token("h1-new", now).unwrap(),
            TokenCheck::Revoked
        );
        assert_eq!(
            storage.revoke_workstation(&id, now).unwrap(),
            TokenChange::AlreadyRevoked
        );
        assert_eq!(
            storage.rotate_token(&id, "h1-3", now).unwrap(),
            TokenChange::AlreadyRevoked
        );
        assert_eq!(
            storage.revoke_workstation("nope", now).unwrap(),
            TokenChange::NoSuchWorkstation
        );

        let listed = storage.workstations().unwrap();
        let first = listed.iter().find(|w| w.id == id).unwrap();
        assert!(
            first.revoked_at.is_some() && first.rotated_at.is_some(),
            "{first:?}"
        );
        assert_eq!(first.label, "bàn 1");
    }

    #[test]
    fn last_used_is_written_at_most_once_a_minute() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
        new_workstation(&storage, "h", None);
        let used =
            |storage: &SqliteStorage| storage.workstations().unwrap()[0].last_used_at.clone();
        assert_eq!(used(&storage), None);
        let t0 = Utc::now();
        storage.check_token("h", t0).unwrap();
        assert_eq!(used(&storage), Some(t0.to_rfc3339()));
        storage
            .check_token("h", t0 + chrono::TimeDelta::seconds(30))
            .unwrap();
        assert_eq!(used(&storage), Some(t0.to_rfc3339()));
        let t1 = t0 + chrono::TimeDelta::seconds(61);
        storage.check_token("h", t1).unwrap();
        assert_eq!(used(&storage), Some(t1.to_rfc3339()));
    }
}
