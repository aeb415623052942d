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
use hotich_protocol::sync::DocumentFormat;
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
    /// The JWS envelope; empty for a relayed document.
    pub envelope: String,
    /// `jws`, or a relayed document's [`DocumentFormat`] code.
    pub format: String,
    /// A relayed document's bytes, as posted.
    pub document: Option<Vec<u8>>,
    pub sender_facility: Option<String>,
}

/// One record of a verified official document (XML, FHIR), ready to append.
/// Its version is the storage's to give, as the workstation gives it: the
/// same bytes again are a duplicate, other bytes for a held id the next
/// version when the record may supersede, else a conflict.
#[derive(Debug, Clone)]
pub struct IncomingDocument {
    pub notification_id: String,
    pub format: DocumentFormat,
    /// The whole posted file (a file with two records is stored per record).
    pub document: Vec<u8>,
    pub sender_facility: Option<String>,
    /// A re-issue, an XML 130 set, a FHIR update or void.
    pub may_supersede: bool,
    pub content_commune: Option<String>,
    pub claimed_commune: String,
}

/// What kind of X.509 trust entry (see [`Storage::add_x509`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum X509Kind {
    Anchor,
    Intermediate,
    /// A facility's signing certificate (registered for a MACSKCB).
    Facility,
    Crl,
}

impl X509Kind {
    pub fn code(self) -> &'static str {
        match self {
            X509Kind::Anchor => "anchor",
            X509Kind::Intermediate => "intermediate",
            X509Kind::Facility => "facility",
            X509Kind::Crl => "crl",
        }
    }
}

/// An X.509 trust entry to keep.
#[derive(Debug, Clone, Copy)]
pub struct NewX509<'a> {
    pub kind: X509Kind,
    /// MACSKCB for a facility certificate; empty otherwise.
    pub facility_code: &'a str,
    /// Subject (issuer for a CRL).
    pub subject: &'a str,
    pub sha256: &'a str,
    /// End of validity (next update for a CRL).
    pub not_after: Option<&'a str>,
    pub der: &'a [u8],
}

/// An X.509 trust entry as `hotich-central trust … list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct X509Record {
    pub id: i64,
    /// `anchor`, `intermediate`, `facility` or `crl`.
    pub kind: String,
    pub facility_code: String,
    pub subject: String,
    pub sha256: String,
    pub not_after: Option<String>,
    pub added_at: String,
}

/// Everything a posted official file is verified against.
#[derive(Debug, Default, Clone)]
pub struct X509Material {
    /// DER of the anchors and intermediates.
    pub certificates: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
    /// (MACSKCB, SHA-256 of a certificate registered for it).
    pub facilities: Vec<(String, String)>,
}

/// A facility allowed to post over the authenticated channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilitySender {
    pub id: String,
    pub facility_code: String,
    /// May post FHIR (which carries no signature of its own).
    pub fhir: bool,
}

/// A facility sender to register (`hotich-central facility-sender add`).
#[derive(Debug, Clone, Copy)]
pub struct NewFacilitySender<'a> {
    pub facility_code: &'a str,
    pub fhir: bool,
    pub token_sha256: &'a str,
}

/// A facility sender as `hotich-central facility-sender list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilitySenderRecord {
    pub sender: FacilitySender,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// What a facility's bearer token is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderCheck {
    Valid(FacilitySender),
    Revoked,
    Unknown,
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
    /// Appends verified records of official documents, each with the version
    /// it takes (see [`IncomingDocument`]) and routed as
    /// [`Storage::append_notifications`] routes; gap-free in the same way.
    fn append_documents(
        &self,
        batch: &[IncomingDocument],
        now: DateTime<Utc>,
    ) -> Result<Vec<(u32, Appended)>>;
    /// Keeps an X.509 trust entry; its id (the held one's when already kept).
    fn add_x509(&self, new: &NewX509<'_>, now: DateTime<Utc>) -> Result<i64>;
    /// Every X.509 trust entry, oldest first.
    fn x509_entries(&self) -> Result<Vec<X509Record>>;
    /// Removes an entry; false when there is none with this id.
    fn remove_x509(&self, id: i64) -> Result<bool>;
    /// What a posted official file is verified against, read now (no cache:
    /// a removed anchor or a new CRL holds from the next post on).
    fn x509_material(&self) -> Result<X509Material>;
    /// Registers a facility sender; its new id.
    fn add_facility_sender(
        &self,
        new: &NewFacilitySender<'_>,
        now: DateTime<Utc>,
    ) -> Result<String>;
    fn facility_senders(&self) -> Result<Vec<FacilitySenderRecord>>;
    /// Refuses the sender's token from now on; false when unknown or revoked before.
    fn revoke_facility_sender(&self, id: &str, now: DateTime<Utc>) -> Result<bool>;
    /// The sender holding this token, looked up on every request.
    fn check_facility_sender(&self, token_sha256: &str) -> Result<SenderCheck>;
}

/// The schema as `rusqlite_migration` migrations (the version lives in
/// `user_version`; the first release wrote version 1 by hand, the same).
/// Never edit a released migration; add one.
const SCHEMA: Schema = Schema::new(&[
    include_str!("schema.sql"),
    include_str!("schema/002_workstation_tokens.sql"),
    include_str!("schema/003_official_documents.sql"),
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

/// A struct read from a row, each field from the column of its name.
macro_rules! from_row {
    ($row:expr => $ty:ident { $($field:ident),* $(,)? }) => {
        $ty { $($field: $row.get(stringify!($field))?),* }
    };
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

    /// Appends each item of `batch` with `append`, in one IMMEDIATE transaction.
    fn append_each<I, T>(
        &self,
        batch: &[I],
        now: DateTime<Utc>,
        append: fn(&rusqlite::Transaction<'_>, &I, &str) -> Result<T>,
    ) -> Result<Vec<T>> {
        let now = now.to_rfc3339();
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcomes = batch
            .iter()
            .map(|item| append(&tx, item, &now))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(outcomes)
    }

    /// Every row `sql` selects, each read by `map`, on a reader connection.
    fn list<T>(
        &self,
        sql: &str,
        map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([], map)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
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
    let event = NewEvent {
        notification_id: &item.notification_id,
        version: item.version,
        content_commune: item.content_commune.as_deref(),
        claimed_commune: &item.claimed_commune,
        envelope: &item.envelope,
        document: None,
    };
    insert_event(tx, &event, now)
}

/// A new event: what routes it and what it holds.
struct NewEvent<'a> {
    notification_id: &'a str,
    version: u32,
    content_commune: Option<&'a str>,
    claimed_commune: &'a str,
    /// The JWS envelope; empty for a document.
    envelope: &'a str,
    document: Option<&'a IncomingDocument>,
}

/// Routes the event (every version follows its first one, see
/// [`jurisdiction::stream_for`]), takes the next number of that commune's
/// stream and inserts it, in `tx`.
fn insert_event(
    tx: &rusqlite::Transaction<'_>,
    event: &NewEvent<'_>,
    now: &str,
) -> Result<Appended> {
    let earlier: Option<String> = tx
        .prepare_cached(
            "SELECT commune FROM notification_event WHERE notification_id = ?1 ORDER BY version LIMIT 1",
        )?
        .query_row([event.notification_id], |r| r.get(0))
        .optional()?;
    let commune = jurisdiction::stream_for(
        earlier.as_deref(),
        event.content_commune,
        event.claimed_commune,
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
    let (format, bytes, sender) = match event.document {
        Some(d) => (
            d.format.code(),
            Some(d.document.as_slice()),
            d.sender_facility.as_deref(),
        ),
        None => ("jws", None, None),
    };
    tx.prepare_cached(
        "INSERT INTO notification_event (commune, seq, notification_id, version, envelope, received_at,
                                         format, document, sender_facility)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        commune,
        seq,
        event.notification_id,
        event.version,
        event.envelope,
        now,
        format,
        bytes,
        sender
    ])?;
    Ok(Appended::Stored {
        commune,
        seq: to_u64(seq),
    })
}

fn append_document(
    tx: &rusqlite::Transaction<'_>,
    item: &IncomingDocument,
    now: &str,
) -> Result<(u32, Appended)> {
    let held: Vec<(u32, String, i64, Option<Vec<u8>>)> = tx
        .prepare_cached(
            "SELECT version, commune, seq, document FROM notification_event
             WHERE notification_id = ?1 ORDER BY version",
        )?
        .query_map([&item.notification_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if let Some((version, commune, seq, _)) = held
        .iter()
        .find(|(.., document)| document.as_deref() == Some(item.document.as_slice()))
    {
        let duplicate = Appended::Duplicate {
            commune: commune.clone(),
            seq: to_u64(*seq),
        };
        return Ok((*version, duplicate));
    }
    let version = held.last().map_or(1, |(newest, ..)| newest + 1);
    // Other content for a held record that is no re-issue, or a void (no
    // commune of its own) of a record never received: the first one stands.
    let unroutable =
        held.is_empty() && item.content_commune.is_none() && item.claimed_commune.is_empty();
    if (version > 1 && !item.may_supersede) || unroutable {
        return Ok((version, Appended::Conflict));
    }
    let event = NewEvent {
        notification_id: &item.notification_id,
        version,
        content_commune: item.content_commune.as_deref(),
        claimed_commune: &item.claimed_commune,
        envelope: "",
        document: Some(item),
    };
    Ok((version, insert_event(tx, &event, now)?))
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
        self.append_each(batch, now, append_one)
    }

    fn events_after(&self, commune: &str, after: u64, limit: u32) -> Result<StoredPage> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, notification_id, version, envelope, format, document, sender_facility
             FROM notification_event
             WHERE commune = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let mut events = stmt
            .query_map(params![commune, to_i64(after), i64::from(limit) + 1], |r| {
                Ok(StoredEvent {
                    seq: to_u64(r.get("seq")?),
                    notification_id: r.get("notification_id")?,
                    version: r.get("version")?,
                    envelope: r.get("envelope")?,
                    format: r.get("format")?,
                    document: r.get("document")?,
                    sender_facility: r.get("sender_facility")?,
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
        self.list(
            "SELECT id, commune, label, created_at, expires_at, revoked_at, rotated_at, last_used_at
             FROM workstation ORDER BY created_at, id",
            |r| {
                Ok(from_row!(r => WorkstationRecord {
                    id, commune, label, created_at, expires_at, revoked_at, rotated_at, last_used_at
                }))
            },
        )
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

    fn append_documents(
        &self,
        batch: &[IncomingDocument],
        now: DateTime<Utc>,
    ) -> Result<Vec<(u32, Appended)>> {
        self.append_each(batch, now, append_document)
    }

    fn add_x509(&self, new: &NewX509<'_>, now: DateTime<Utc>) -> Result<i64> {
        let conn = lock(&self.writer);
        conn.execute(
            "INSERT INTO x509_entry (kind, facility_code, subject, sha256, not_after, der, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (kind, facility_code, sha256) DO NOTHING",
            params![
                new.kind.code(),
                new.facility_code,
                new.subject,
                new.sha256,
                new.not_after,
                new.der,
                now.to_rfc3339()
            ],
        )?;
        Ok(conn.query_row(
            "SELECT id FROM x509_entry WHERE kind = ?1 AND facility_code = ?2 AND sha256 = ?3",
            params![new.kind.code(), new.facility_code, new.sha256],
            |r| r.get(0),
        )?)
    }

    fn x509_entries(&self) -> Result<Vec<X509Record>> {
        self.list(
            "SELECT id, kind, facility_code, subject, sha256, not_after, added_at
             FROM x509_entry ORDER BY id",
            |r| {
                Ok(from_row!(r => X509Record {
                    id, kind, facility_code, subject, sha256, not_after, added_at
                }))
            },
        )
    }

    fn remove_x509(&self, id: i64) -> Result<bool> {
        Ok(lock(&self.writer).execute("DELETE FROM x509_entry WHERE id = ?1", [id])? == 1)
    }

    fn x509_material(&self) -> Result<X509Material> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT kind, facility_code, sha256, der FROM x509_entry ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut material = X509Material::default();
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            match kind.as_str() {
                "anchor" | "intermediate" => material.certificates.push(r.get(3)?),
                "crl" => material.crls.push(r.get(3)?),
                _ => material.facilities.push((r.get(1)?, r.get(2)?)),
            }
        }
        Ok(material)
    }

    fn add_facility_sender(
        &self,
        new: &NewFacilitySender<'_>,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        lock(&self.writer).execute(
            "INSERT INTO facility_sender (id, facility_code, fhir, token_sha256, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                new.facility_code,
                new.fhir,
                new.token_sha256,
                now.to_rfc3339()
            ],
        )?;
        Ok(id)
    }

    fn facility_senders(&self) -> Result<Vec<FacilitySenderRecord>> {
        self.list(
            "SELECT id, facility_code, fhir, created_at, revoked_at FROM facility_sender
             ORDER BY created_at, id",
            |r| {
                Ok(FacilitySenderRecord {
                    sender: from_row!(r => FacilitySender { id, facility_code, fhir }),
                    created_at: r.get("created_at")?,
                    revoked_at: r.get("revoked_at")?,
                })
            },
        )
    }

    fn revoke_facility_sender(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        Ok(lock(&self.writer).execute(
            "UPDATE facility_sender SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now.to_rfc3339()],
        )? == 1)
    }

    fn check_facility_sender(&self, token_sha256: &str) -> Result<SenderCheck> {
        let found: Option<(FacilitySender, Option<String>)> = self
            .reader()
            .prepare_cached(
                "SELECT id, facility_code, fhir, revoked_at FROM facility_sender WHERE token_sha256 = ?1",
            )?
            .query_row([token_sha256], |r| {
                Ok((
                    FacilitySender {
                        id: r.get(0)?,
                        facility_code: r.get(1)?,
                        fhir: r.get(2)?,
                    },
                    r.get(3)?,
                ))
            })
            .optional()?;
        Ok(match found {
            None => SenderCheck::Unknown,
            Some((_, Some(_))) => SenderCheck::Revoked,
            Some((sender, None)) => SenderCheck::Valid(sender),
        })
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
        assert_eq!(
            version, 3,
            "the token columns and the official documents were added"
        );
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
            .pragma_update(None, "user_version", 4)
            .unwrap();
        let refused = SqliteStorage::open(&path).unwrap_err();
        assert!(
            matches!(
                refused,
                StorageError::Open(OpenError::TooNew {
                    found: 4,
                    supported: 3
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

    fn document(id: &str, bytes: &[u8], may_supersede: bool, commune: &str) -> IncomingDocument {
        IncomingDocument {
            notification_id: id.into(),
            format: DocumentFormat::Hsdlgbt,
            document: bytes.to_vec(),
            sender_facility: None,
            may_supersede,
            content_commune: Some(commune.into()),
            claimed_commune: commune.into(),
        }
    }

    #[test]
    fn an_official_document_is_a_duplicate_when_resent_and_a_new_version_only_when_it_may_supersede(
    ) {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
        let now = Utc::now();
        let first = document("79024-GBT-1", b"<HSDLGBT>1</HSDLGBT>", false, "26743");
        let stored = storage
            .append_documents(std::slice::from_ref(&first), now)
            .unwrap();
        assert_eq!(
            stored,
            vec![(
                1,
                Appended::Stored {
                    commune: "26743".into(),
                    seq: 1
                }
            )]
        );
        assert_eq!(
            storage.append_documents(&[first], now).unwrap(),
            vec![(
                1,
                Appended::Duplicate {
                    commune: "26743".into(),
                    seq: 1
                }
            )],
            "the same bytes again"
        );
        let unmarked = document("79024-GBT-1", b"<HSDLGBT>2</HSDLGBT>", false, "26743");
        assert_eq!(
            storage.append_documents(&[unmarked], now).unwrap(),
            vec![(2, Appended::Conflict)],
            "other bytes not marked as a re-issue"
        );
        // A re-issue follows the first version's commune, whatever its content says.
        let reissue = document("79024-GBT-1", b"<HSDLGBT>3</HSDLGBT>", true, "01864");
        assert_eq!(
            storage.append_documents(&[reissue], now).unwrap(),
            vec![(
                2,
                Appended::Stored {
                    commune: "26743".into(),
                    seq: 2
                }
            )]
        );
        let (events, more) = storage.events_after("26743", 0, 10).unwrap();
        assert!(!more);
        let relayed: Vec<_> = events
            .iter()
            .map(|e| {
                (
                    e.version,
                    e.format.as_str(),
                    e.document.as_deref(),
                    e.envelope.as_str(),
                )
            })
            .collect();
        assert_eq!(
            relayed,
            vec![
                (1, "hsdlgbt", Some(&b"<HSDLGBT>1</HSDLGBT>"[..]), ""),
                (2, "hsdlgbt", Some(&b"<HSDLGBT>3</HSDLGBT>"[..]), ""),
            ]
        );
    }

    #[test]
    fn x509_entries_are_kept_once_listed_removed_and_read_as_material() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
        let now = Utc::now();
        let entry = |kind, facility_code, sha256, der: &'static [u8]| NewX509 {
            kind,
            facility_code,
            subject: "CN=x",
            sha256,
            not_after: None,
            der,
        };
        let root = storage
            .add_x509(&entry(X509Kind::Anchor, "", "aa", b"root"), now)
            .unwrap();
        assert_eq!(
            storage
                .add_x509(&entry(X509Kind::Anchor, "", "aa", b"root"), now)
                .unwrap(),
            root,
            "held once"
        );
        storage
            .add_x509(&entry(X509Kind::Intermediate, "", "bb", b"issuing"), now)
            .unwrap();
        storage
            .add_x509(&entry(X509Kind::Facility, "79024", "cc", b"hospital"), now)
            .unwrap();
        storage
            .add_x509(&entry(X509Kind::Crl, "", "dd", b"crl"), now)
            .unwrap();
        let kinds: Vec<String> = storage
            .x509_entries()
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, ["anchor", "intermediate", "facility", "crl"]);
        let material = storage.x509_material().unwrap();
        assert_eq!(
            material.certificates,
            vec![b"root".to_vec(), b"issuing".to_vec()]
        );
        assert_eq!(material.crls, vec![b"crl".to_vec()]);
        assert_eq!(
            material.facilities,
            vec![("79024".to_owned(), "cc".to_owned())]
        );
        assert!(storage.remove_x509(root).unwrap());
        assert!(!storage.remove_x509(root).unwrap(), "already gone");
        assert_eq!(
            storage.x509_material().unwrap().certificates,
            vec![b"issuing".to_vec()]
        );
    }

    #[test]
    fn a_facility_sender_token_is_valid_until_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
        let now = Utc::now();
        let new = NewFacilitySender {
            facility_code: "79024",
            fhir: true,
            token_sha256: "h",
        };
        let id = storage.add_facility_sender(&new, now).unwrap();
        assert_eq!(
            storage.check_facility_sender("h").unwrap(),
            SenderCheck::Valid(FacilitySender {
                id: id.clone(),
                facility_code: "79024".into(),
                fhir: true
            })
        );
        assert_eq!(
            storage.check_facility_sender("other").unwrap(),
            SenderCheck::Unknown
        );
        assert!(storage.revoke_facility_sender(&id, now).unwrap());
        assert!(
            !storage.revoke_facility_sender(&id, now).unwrap(),
            "revoked before"
        );
        assert_eq!(
            storage.check_facility_sender("h").unwrap(),
            SenderCheck::Revoked
        );
        let listed = storage.facility_senders().unwrap();
        assert_eq!((listed.len(), listed[0].revoked_at.is_some()), (1, true));
    }
}
