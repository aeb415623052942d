//! The PostgreSQL implementation of [`Storage`], for a registry run at
//! national scale: several `hotich-central serve` processes on one database
//! (`serve --database postgres://…`). A pool of connections (r2d2), each
//! keeping the statements it prepared, so a statement is parsed and
//! planned once per connection ([`Db`]); the schema in `schema/postgres/`, migrated by
//! refinery under an advisory lock so processes starting together migrate
//! once. Nothing is cached in the process: every answer is read from the
//! database, so all processes give the same ones.
//!
//! Concurrency. Each numbered stream (a commune's notifications, its
//! causes, the shared deaths) takes its next number by updating its row of
//! `stream_counter` in the insert's transaction: the row stays locked until
//! commit, so writers of one stream queue, a rollback returns its number,
//! and a reader never sees number n+1 before n. Appends of one notification
//! id are serialized by a transaction-scoped advisory lock on the id, a
//! batch taking all its ids' locks first, in sorted order. A
//! transaction that loses a race (a deadlock between two batches, a
//! serialization failure, a unique key taken meanwhile) is run again from
//! the start, a few times.

use std::collections::HashMap;
use std::time::Duration;

use ::postgres::error::SqlState;
use ::postgres::types::ToSql;
use ::postgres::{Client, GenericClient, NoTls, Row, Statement, Transaction};
use chrono::{DateTime, Utc};
use hotich_protocol::FacilityKey;

use super::readings::{
    head_seq, head_verdict, paper_fact, place_document, push_outcome, token_verdict, DocumentPlace,
    HeldPush, HeldToken, HeldVersion, PaperFact,
};
use super::*;
use crate::jurisdiction;

type Pool = r2d2::Pool<Manager>;

/// Opens the pool's connections: rust-postgres's blocking client and an
/// empty statement cache.
#[derive(Debug)]
struct Manager {
    config: ::postgres::Config,
}

/// A pooled connection and the statements it has prepared.
pub(super) struct Connection {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Connection {
    fn db(&mut self) -> Db<'_, Client> {
        Db {
            client: &mut self.client,
            statements: &mut self.statements,
        }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = ::postgres::Error;

    fn connect(&self) -> Result<Connection, ::postgres::Error> {
        Ok(Connection {
            client: self.config.connect(NoTls)?,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<(), ::postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut Connection) -> bool {
        conn.client.is_closed()
    }
}

/// A connection (or a transaction on it) whose statements are prepared
/// once: the same calls as the client's, each SQL text a `'static` key.
pub(super) struct Db<'a, C> {
    client: &'a mut C,
    statements: &'a mut HashMap<&'static str, Statement>,
}

/// A transaction's [`Db`].
pub(super) type Tx<'a, 'b> = Db<'a, Transaction<'b>>;

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<C: GenericClient> Db<'_, C> {
    /// The statement of `sql`, prepared on this connection the first time.
    /// (A statement prepared in a transaction outlives it: PostgreSQL's
    /// prepared statements belong to the session.)
    fn prepared(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    pub(super) fn query(&mut self, sql: &'static str, params: Params<'_>) -> Result<Vec<Row>> {
        let statement = self.prepared(sql)?;
        Ok(self.client.query(&statement, params)?)
    }

    pub(super) fn query_one(&mut self, sql: &'static str, params: Params<'_>) -> Result<Row> {
        let statement = self.prepared(sql)?;
        Ok(self.client.query_one(&statement, params)?)
    }

    pub(super) fn query_opt(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Option<Row>> {
        let statement = self.prepared(sql)?;
        Ok(self.client.query_opt(&statement, params)?)
    }

    pub(super) fn execute(&mut self, sql: &'static str, params: Params<'_>) -> Result<u64> {
        let statement = self.prepared(sql)?;
        Ok(self.client.execute(&statement, params)?)
    }

    pub(super) fn batch_execute(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql)?)
    }
}

/// Connections one process keeps at most.
pub const DEFAULT_POOL_SIZE: u32 = 16;
/// The key of the advisory lock held while migrating ("hotich" in ASCII).
const MIGRATION_LOCK: i64 = 0x686f_7469_6368;
/// Times a transaction that lost a race is run again.
const RETRIES: u32 = 8;
/// The schema, oldest first (refinery's `V<n>__<name>`). Never edit a
/// released migration; add one.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "V1__registry",
        include_str!("../schema/postgres/V1__registry.sql"),
    ),
    (
        "V2__province_supervision",
        include_str!("../schema/postgres/V2__province_supervision.sql"),
    ),
];

/// How the pool's connections are used now (the operator's `/metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// The PostgreSQL storage: a pool of connections to one database.
#[derive(Clone)]
pub struct PostgresStorage {
    /// Always Some but in `drop`.
    pool: Option<Pool>,
}

impl Drop for PostgresStorage {
    fn drop(&mut self) {
        // A connection closes by blocking on its client's own runtime,
        // which a thread driving async tasks may not do (the server drops
        // its state there as it stops): the pool is dropped on a thread of
        // its own then.
        if let Some(pool) = self.pool.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                let _ = std::thread::spawn(move || drop(pool)).join();
            }
        }
    }
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: never printed.
        f.debug_struct("PostgresStorage").finish_non_exhaustive()
    }
}

/// A struct read from a row, each field from the column of its name.
macro_rules! pg_row {
    ($row:expr => $ty:ident { $($field:ident),* $(,)? }) => {
        $ty { $($field: $row.try_get(stringify!($field))?),* }
    };
}

fn version_i32(version: u32) -> Result<i32> {
    i32::try_from(version).map_err(|_| StorageError::Corrupt(format!("version {version}")))
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Whether running the transaction again may succeed.
fn lost_a_race(error: &StorageError) -> bool {
    let StorageError::Postgres(error) = error else {
        return false;
    };
    matches!(
        error.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
            || *c == SqlState::T_R_DEADLOCK_DETECTED
            || *c == SqlState::UNIQUE_VIOLATION
    )
}

impl PostgresStorage {
    /// Connects to `url` (`postgres://user@host:port/database`, or the
    /// libpq key=value form) with a pool of [`DEFAULT_POOL_SIZE`], and brings
    /// the schema up to date.
    pub fn open(url: &str) -> Result<PostgresStorage> {
        PostgresStorage::open_with(url, DEFAULT_POOL_SIZE)
    }

    pub fn open_with(url: &str, pool_size: u32) -> Result<PostgresStorage> {
        let config: ::postgres::Config = url.parse().map_err(|_| StorageError::BadDatabaseUrl)?;
        let manager = Manager { config };
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            // A broken connection is found when it is given back
            // (`has_broken`); checking each one out would cost a round trip.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        let storage = PostgresStorage { pool: Some(pool) };
        storage.migrate()?;
        Ok(storage)
    }

    /// The pool's connections now.
    pub fn pool_use(&self) -> PoolUse {
        let state = self.pool().state();
        PoolUse {
            open: state.connections,
            idle: state.idle_connections,
            max: self.pool().max_size(),
        }
    }

    fn pool(&self) -> &Pool {
        self.pool
            .as_ref()
            .unwrap_or_else(|| unreachable!("the pool is taken only when dropped"))
    }

    fn migrate(&self) -> Result<()> {
        let mut conn = self.pool().get()?;
        let client = &mut conn.client;
        client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
        let migrated = MIGRATIONS
            .iter()
            .map(|(name, sql)| refinery::Migration::unapplied(name, sql))
            .collect::<Result<Vec<_>, _>>()
            .and_then(|migrations| {
                refinery::Runner::new(&migrations)
                    .set_abort_divergent(true)
                    .set_abort_missing(true)
                    .set_migration_table_name("schema_migration")
                    .run(client)
            });
        client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])?;
        migrated.map_err(|e| StorageError::Migration(e.to_string()))?;
        Ok(())
    }

    fn client(&self) -> Result<r2d2::PooledConnection<Manager>> {
        Ok(self.pool().get()?)
    }

    /// Runs `body` in one transaction, committed when it succeeds; run
    /// again from the start when it lost a race ([`lost_a_race`]).
    fn transact<T>(&self, mut body: impl FnMut(&mut Tx<'_, '_>) -> Result<T>) -> Result<T> {
        let mut conn = self.client()?;
        let mut attempt = 0;
        loop {
            let outcome = {
                let Connection { client, statements } = &mut *conn;
                let mut tx = client.transaction()?;
                let done = body(&mut Db {
                    client: &mut tx,
                    statements,
                });
                match done {
                    Ok(value) => tx.commit().map(|()| value).map_err(StorageError::from),
                    Err(error) => Err(error),
                }
            };
            match outcome {
                Err(error) if attempt < RETRIES && lost_a_race(&error) => attempt += 1,
                outcome => return outcome,
            }
        }
    }

    /// Runs `change` on a workstation that exists and is not revoked, in one
    /// transaction with that check.
    fn change_token(
        &self,
        id: &str,
        now: DateTime<Utc>,
        change: impl Fn(&mut Tx<'_, '_>, &str) -> Result<u64>,
    ) -> Result<TokenChange> {
        let now = now.to_rfc3339();
        self.transact(|tx| {
            let revoked: Option<Option<String>> = tx
                .query_opt(
                    "SELECT revoked_at FROM workstation WHERE id = $1 FOR UPDATE",
                    &[&id],
                )?
                .map(|r| r.try_get(0))
                .transpose()?;
            Ok(match revoked {
                None => TokenChange::NoSuchWorkstation,
                Some(Some(_)) => TokenChange::AlreadyRevoked,
                Some(None) => {
                    change(tx, &now)?;
                    TokenChange::Done
                }
            })
        })
    }
}

/// The next number of `stream`, taken in `tx` (see the module's doc).
fn next_seq(tx: &mut Tx<'_, '_>, stream: &str) -> Result<i64> {
    Ok(tx
        .query_one(
            "INSERT INTO stream_counter (stream, last_seq) VALUES ($1, 1)
             ON CONFLICT (stream) DO UPDATE SET last_seq = stream_counter.last_seq + 1
             RETURNING last_seq",
            &[&stream],
        )?
        .try_get(0)?)
}

/// Serializes the appends of these notification ids across processes until
/// `tx` ends: each id's transaction-scoped advisory lock, taken in one
/// order (sorted, each once) before any append, so two batches sharing ids
/// never wait on each other in a cycle (a deadlock PostgreSQL would only
/// break after a second, failing one batch).
fn lock_notifications<'i>(
    tx: &mut Tx<'_, '_>,
    ids: impl IntoIterator<Item = &'i str>,
) -> Result<()> {
    let ids: std::collections::BTreeSet<&str> = ids.into_iter().collect();
    for id in ids {
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&id],
        )?;
    }
    Ok(())
}

/// The versions held for a notification id, oldest first: (version,
/// commune, seq, envelope, document).
type Held = (u32, String, u64, String, Option<Vec<u8>>);

fn held_versions(tx: &mut Tx<'_, '_>, notification_id: &str) -> Result<Vec<Held>> {
    tx.query(
        "SELECT version, commune, seq, envelope, document FROM notification_event
         WHERE notification_id = $1 ORDER BY version",
        &[&notification_id],
    )?
    .iter()
    .map(|r| {
        let version: i32 = r.try_get(0)?;
        Ok((
            u32::try_from(version).unwrap_or(0),
            r.try_get(1)?,
            to_u64(r.try_get(2)?),
            r.try_get(3)?,
            r.try_get(4)?,
        ))
    })
    .collect()
}

/// Appends one notification; its id is locked (`lock_notifications`).
fn append_one(tx: &mut Tx<'_, '_>, item: &Incoming, now: &str) -> Result<Appended> {
    let version = version_i32(item.version)?;
    let held = held_versions(tx, &item.notification_id)?;
    if let Some((_, commune, seq, envelope, _)) = held.iter().find(|h| h.0 == item.version) {
        return Ok(if *envelope == item.envelope {
            Appended::Duplicate {
                commune: commune.clone(),
                seq: *seq,
            }
        } else {
            Appended::Conflict
        });
    }
    let event = NewEvent {
        notification_id: &item.notification_id,
        version,
        content_commune: item.content_commune.as_deref(),
        claimed_commune: &item.claimed_commune,
        envelope: &item.envelope,
        document: None,
        pilot: &item.pilot,
    };
    let earlier = held.first().map(|h| h.1.as_str());
    insert_event(tx, &event, earlier, now)
}

/// A new event: what routes it and what it holds.
struct NewEvent<'a> {
    notification_id: &'a str,
    version: i32,
    content_commune: Option<&'a str>,
    claimed_commune: &'a str,
    /// The JWS envelope; empty for a document.
    envelope: &'a str,
    document: Option<&'a IncomingDocument>,
    pilot: &'a PilotNotice,
}

/// Routes the event (every version follows its first one, see
/// [`jurisdiction::stream_for`]), takes the next number of that commune's
/// stream and inserts it, in `tx`.
fn insert_event(
    tx: &mut Tx<'_, '_>,
    event: &NewEvent<'_>,
    earlier: Option<&str>,
    now: &str,
) -> Result<Appended> {
    let commune =
        jurisdiction::stream_for(earlier, event.content_commune, event.claimed_commune).to_owned();
    let (format, bytes, sender) = match event.document {
        Some(d) => (
            d.format.code(),
            Some(d.document.as_slice()),
            d.sender_facility.as_deref(),
        ),
        None => ("jws", None, None),
    };
    // The commune's next number and the event, in one statement (see
    // `next_seq`: the counter's row stays locked until the commit).
    let seq: i64 = tx
        .query_one(
            "WITH next AS (
                 INSERT INTO stream_counter (stream, last_seq) VALUES ($1, 1)
                 ON CONFLICT (stream) DO UPDATE SET last_seq = stream_counter.last_seq + 1
                 RETURNING last_seq)
             INSERT INTO notification_event (commune, seq, notification_id, version, envelope,
                                             received_at, format, document, sender_facility)
             SELECT $2, last_seq, $3, $4, $5, $6, $7, $8, $9 FROM next
             RETURNING seq",
            &[
                &format!("notification/{commune}"),
                &commune,
                &event.notification_id,
                &event.version,
                &event.envelope,
                &now,
                &format,
                &bytes,
                &sender,
            ],
        )?
        .try_get(0)?;
    pilot::note_notification(
        tx,
        &commune,
        event.notification_id,
        event.version,
        event.pilot,
        now,
    )?;
    Ok(Appended::Stored {
        commune,
        seq: to_u64(seq),
    })
}

fn append_document(
    tx: &mut Tx<'_, '_>,
    item: &IncomingDocument,
    now: &str,
) -> Result<(u32, Appended)> {
    let versions = held_versions(tx, &item.notification_id)?;
    let held: Vec<HeldVersion> = versions
        .iter()
        .map(|(version, commune, seq, _, document)| {
            (*version, commune.clone(), *seq, document.clone())
        })
        .collect();
    let version = match place_document(&held, item) {
        DocumentPlace::Held(version, duplicate) => return Ok((version, duplicate)),
        DocumentPlace::Conflict(version) => return Ok((version, Appended::Conflict)),
        DocumentPlace::New(version) => version,
    };
    let event = NewEvent {
        notification_id: &item.notification_id,
        version: version_i32(version)?,
        content_commune: item.content_commune.as_deref(),
        claimed_commune: &item.claimed_commune,
        envelope: "",
        document: Some(item),
        pilot: &item.pilot,
    };
    let earlier = versions.first().map(|h| h.1.as_str());
    Ok((version, insert_event(tx, &event, earlier, now)?))
}

/// Keeps what a pushed row says about printed papers ([`paper_fact`]), in
/// the row's own transaction.
fn index_paper_status(tx: &mut Tx<'_, '_>, commune: &str, record: &PushedRecord) -> Result<()> {
    match paper_fact(record)? {
        None => {}
        Some(PaperFact::Printed {
            registration_id,
            serials,
        }) => {
            for serial in serials {
                tx.execute(
                    "INSERT INTO paper_copy (serial, commune, registration_id, printed_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT (serial) DO NOTHING",
                    &[&serial, &commune, &registration_id, &record.created_at],
                )?;
            }
        }
        Some(PaperFact::Amended { registration_id }) => {
            tx.execute(
                "INSERT INTO registration_amended (commune, registration_id, amended_at)
                 VALUES ($1, $2, $3)
                 ON CONFLICT (commune, registration_id) DO UPDATE
                 SET amended_at = greatest(registration_amended.amended_at, excluded.amended_at)",
                &[&commune, &registration_id, &record.created_at],
            )?;
        }
        Some(PaperFact::Withdrawn { serial }) => {
            tx.execute(
                "UPDATE paper_copy SET withdrawn_at = coalesce(withdrawn_at, $3)
                 WHERE serial = $1 AND commune = $2",
                &[&serial, &commune, &record.created_at],
            )?;
        }
    }
    Ok(())
}

/// Every row `sql` selects (no parameters), each read by `map`.
fn list<T>(
    client: &mut Db<'_, impl GenericClient>,
    sql: &'static str,
    map: impl Fn(&Row) -> Result<T>,
) -> Result<Vec<T>> {
    client.query(sql, &[])?.iter().map(map).collect()
}

impl Storage for PostgresStorage {
    fn append_notifications(
        &self,
        batch: &[Incoming],
        now: DateTime<Utc>,
    ) -> Result<Vec<Appended>> {
        let now = now.to_rfc3339();
        self.transact(|tx| {
            lock_notifications(tx, batch.iter().map(|item| item.notification_id.as_str()))?;
            batch
                .iter()
                .map(|item| append_one(tx, item, &now))
                .collect()
        })
    }

    fn events_after(&self, commune: &str, after: u64, limit: u32) -> Result<StoredPage> {
        let rows = self.client()?.db().query(
            "SELECT seq, notification_id, version, envelope, format, document, sender_facility,
                    received_at
             FROM notification_event
             WHERE commune = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            &[&commune, &to_i64(after), &(i64::from(limit) + 1)],
        )?;
        let has_more = rows.len() > limit as usize;
        let events = rows
            .iter()
            .take(limit as usize)
            .map(|r| -> Result<StoredEvent> {
                let version: i32 = r.try_get("version")?;
                Ok(StoredEvent {
                    seq: to_u64(r.try_get("seq")?),
                    notification_id: r.try_get("notification_id")?,
                    version: u32::try_from(version).unwrap_or(0),
                    envelope: r.try_get("envelope")?,
                    format: r.try_get("format")?,
                    document: r.try_get("document")?,
                    sender_facility: r.try_get("sender_facility")?,
                    received_at: r.try_get("received_at")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok((events, has_more))
    }

    fn check_token(&self, token_sha256: &str, now: DateTime<Utc>) -> Result<TokenCheck> {
        let mut conn = self.client()?;
        let mut client = conn.db();
        let held = client
            .query_opt(
                "SELECT id, commune, revoked_at, expires_at, last_used_at
                 FROM workstation WHERE token_sha256 = $1",
                &[&token_sha256],
            )?
            .map(|r| -> Result<HeldToken> {
                Ok(pg_row!(r => HeldToken { id, commune, revoked_at, expires_at, last_used_at }))
            })
            .transpose()?;
        let (check, touch) = token_verdict(held, now)?;
        if let (TokenCheck::Valid(workstation), true) = (&check, touch) {
            client.execute(
                "UPDATE workstation SET last_used_at = $2 WHERE id = $1",
                &[&workstation.id, &now.to_rfc3339()],
            )?;
        }
        Ok(check)
    }

    fn add_workstation(&self, new: &NewWorkstation<'_>, now: DateTime<Utc>) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        self.client()?.db().execute(
            "INSERT INTO workstation (id, commune, label, token_sha256, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id,
                &new.commune,
                &new.label,
                &new.token_sha256,
                &now.to_rfc3339(),
                &new.expires_at.map(|at| at.to_rfc3339()),
            ],
        )?;
        Ok(id)
    }

    fn workstations(&self) -> Result<Vec<WorkstationRecord>> {
        list(
            &mut self.client()?.db(),
            "SELECT w.id, w.commune, w.label, w.created_at, w.expires_at, w.revoked_at,
                    w.rotated_at, w.last_used_at, h.seq AS audit_head_seq,
                    h.went_back_at AS audit_went_back_at
             FROM workstation w LEFT JOIN workstation_audit_head h ON h.workstation_id = w.id
             ORDER BY w.created_at, w.id",
            |r| {
                Ok(pg_row!(r => WorkstationRecord {
                    id, commune, label, created_at, expires_at, revoked_at, rotated_at,
                    last_used_at, audit_head_seq, audit_went_back_at
                }))
            },
        )
    }

    fn revoke_workstation(&self, id: &str, now: DateTime<Utc>) -> Result<TokenChange> {
        self.change_token(id, now, |tx, now| {
            tx.execute(
                "UPDATE workstation SET revoked_at = $2 WHERE id = $1",
                &[&id, &now],
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
                "UPDATE workstation SET token_sha256 = $2, rotated_at = $3 WHERE id = $1",
                &[&id, &token_sha256, &now],
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
        let received_at = now.to_rfc3339();
        self.transact(|tx| {
            let inserted = tx.execute(
                "INSERT INTO pushed_event (id, workstation_id, commune, case_id, kind, body,
                                           created_at, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (id) DO NOTHING",
                &[
                    &id,
                    &workstation.id,
                    &workstation.commune,
                    &record.case_id,
                    &record.kind,
                    &record.body,
                    &record.created_at,
                    &received_at,
                ],
            )?;
            if inserted == 1 {
                index_paper_status(tx, &workstation.commune, record)?;
                health_loop::share_registered_death(tx, &workstation.commune, id, record, now)?;
                pilot::note_pushed(tx, &workstation.commune, record)?;
                return Ok(PutOutcome::Created);
            }
            let r = tx.query_one(
                "SELECT commune, case_id, kind, body, created_at FROM pushed_event WHERE id = $1",
                &[&id],
            )?;
            let held = pg_row!(r => HeldPush { commune, case_id, kind, body, created_at });
            Ok(push_outcome(&held, workstation, record))
        })
    }

    fn paper_status(&self, serial: &str) -> Result<Option<PaperRecord>> {
        self.client()?
            .db()
            .query_opt(
                "SELECT p.printed_at, p.withdrawn_at,
                        (SELECT a.amended_at FROM registration_amended a
                         WHERE a.commune = p.commune AND a.registration_id = p.registration_id
                           AND a.amended_at > p.printed_at) AS amended_at
                 FROM paper_copy p WHERE p.serial = $1",
                &[&serial],
            )?
            .map(|r| Ok(pg_row!(r => PaperRecord { printed_at, withdrawn_at, amended_at })))
            .transpose()
    }

    fn submit_paper_key(
        &self,
        workstation: &Workstation,
        key_id: &str,
        public_key: &str,
        now: DateTime<Utc>,
    ) -> Result<KeySubmission> {
        let mut conn = self.client()?;
        let mut client = conn.db();
        let inserted = client.execute(
            "INSERT INTO paper_key (key_id, commune, workstation_id, public_key, submitted_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_id) DO NOTHING",
            &[
                &key_id,
                &workstation.commune,
                &workstation.id,
                &public_key,
                &now.to_rfc3339(),
            ],
        )?;
        if inserted == 1 {
            return Ok(KeySubmission::Stored);
        }
        let r = client.query_one(
            "SELECT commune, public_key FROM paper_key WHERE key_id = $1",
            &[&key_id],
        )?;
        let (commune, held): (String, String) = (r.try_get(0)?, r.try_get(1)?);
        Ok(if commune == workstation.commune && held == public_key {
            KeySubmission::Same
        } else {
            KeySubmission::Conflict
        })
    }

    fn paper_keys(&self) -> Result<Vec<PaperKeyRecord>> {
        list(
            &mut self.client()?.db(),
            "SELECT key_id, commune, workstation_id, public_key, submitted_at, certificate,
                    certified_at, revoked_at
             FROM paper_key ORDER BY submitted_at, key_id",
            |r| {
                Ok(pg_row!(r => PaperKeyRecord {
                    key_id, commune, workstation_id, public_key, submitted_at, certificate,
                    certified_at, revoked_at,
                }))
            },
        )
    }

    fn certify_paper_key(
        &self,
        key_id: &str,
        certificate: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let changed = self.client()?.db().execute(
            "UPDATE paper_key SET certificate = $2, certified_at = $3
             WHERE key_id = $1 AND revoked_at IS NULL",
            &[&key_id, &certificate, &now.to_rfc3339()],
        )?;
        Ok(changed == 1)
    }

    fn revoke_paper_key(&self, key_id: &str, now: DateTime<Utc>) -> Result<bool> {
        let changed = self.client()?.db().execute(
            "UPDATE paper_key SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL",
            &[&key_id, &now.to_rfc3339()],
        )?;
        Ok(changed == 1)
    }

    fn note_audit_head(
        &self,
        workstation: &Workstation,
        head: &AuditChainHead,
        now: DateTime<Utc>,
    ) -> Result<HeadVerdict> {
        let at = now.to_rfc3339();
        let seq = head_seq(head);
        self.transact(|tx| {
            let kept: Option<(i64, String)> = tx
                .query_opt(
                    "SELECT seq, hash FROM workstation_audit_head WHERE workstation_id = $1
                     FOR UPDATE",
                    &[&workstation.id],
                )?
                .map(|r| -> Result<_> { Ok((r.try_get(0)?, r.try_get(1)?)) })
                .transpose()?;
            let verdict = head_verdict(kept.as_ref().map(|(s, h)| (*s, h.as_str())), head);
            match verdict {
                HeadVerdict::Advanced => {
                    tx.execute(
                        "INSERT INTO workstation_audit_head (workstation_id, seq, hash, reported_at)
                         VALUES ($1, $2, $3, $4)
                         ON CONFLICT (workstation_id) DO UPDATE
                         SET seq = excluded.seq, hash = excluded.hash,
                             reported_at = excluded.reported_at",
                        &[&workstation.id, &seq, &head.hash, &at],
                    )?;
                }
                HeadVerdict::Same => {}
                HeadVerdict::WentBack => {
                    tx.execute(
                        "UPDATE workstation_audit_head
                         SET went_back_at = $2, went_back_seq = $3, went_back_hash = $4
                         WHERE workstation_id = $1",
                        &[&workstation.id, &at, &seq, &head.hash],
                    )?;
                }
            }
            Ok(verdict)
        })
    }

    fn trust_list(&self) -> Result<Option<(u64, String)>> {
        self.client()?
            .db()
            .query_opt(
                "SELECT sequence, raw FROM trust_list ORDER BY sequence DESC LIMIT 1",
                &[],
            )?
            .map(|r| Ok((to_u64(r.try_get(0)?), r.try_get(1)?)))
            .transpose()
    }

    fn replace_trust_list(&self, list: &NewTrustList<'_>, now: DateTime<Utc>) -> Result<bool> {
        let NewTrustList {
            sequence,
            raw,
            facilities,
        } = *list;
        let bodies = facilities
            .iter()
            .map(|f| Ok((f.key_id.as_str(), serde_json::to_string(f)?)))
            .collect::<Result<Vec<_>, serde_json::Error>>()
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let at = now.to_rfc3339();
        self.transact(|tx| {
            // One replacement at a time; readers go on.
            tx.batch_execute("LOCK TABLE trust_list IN EXCLUSIVE MODE")?;
            let held: Option<i64> = tx
                .query_one("SELECT max(sequence) FROM trust_list", &[])?
                .try_get(0)?;
            if held.is_some_and(|held| to_u64(held) >= sequence) {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO trust_list (sequence, raw, imported_at) VALUES ($1, $2, $3)",
                &[&to_i64(sequence), &raw, &at],
            )?;
            tx.execute("DELETE FROM facility_key", &[])?;
            for (key_id, body) in &bodies {
                tx.execute(
                    "INSERT INTO facility_key (key_id, body) VALUES ($1, $2)",
                    &[key_id, body],
                )?;
            }
            Ok(true)
        })
    }

    fn facility_keys(&self) -> Result<Vec<FacilityKey>> {
        list(
            &mut self.client()?.db(),
            "SELECT body FROM facility_key ORDER BY key_id",
            |r| {
                let body: String = r.try_get(0)?;
                serde_json::from_str(&body).map_err(|e| StorageError::Corrupt(e.to_string()))
            },
        )
    }

    fn ping(&self) -> Result<()> {
        self.client()?.db().execute("SELECT 1", &[])?;
        Ok(())
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        self.client()?
            .db()
            .query_opt("SELECT value FROM setting WHERE key = $1", &[&key])?
            .map(|r| Ok(r.try_get(0)?))
            .transpose()
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.client()?.db().execute(
            "INSERT INTO setting (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn append_documents(
        &self,
        batch: &[IncomingDocument],
        now: DateTime<Utc>,
    ) -> Result<Vec<(u32, Appended)>> {
        let now = now.to_rfc3339();
        self.transact(|tx| {
            lock_notifications(tx, batch.iter().map(|item| item.notification_id.as_str()))?;
            batch
                .iter()
                .map(|item| append_document(tx, item, &now))
                .collect()
        })
    }

    fn add_x509(&self, new: &NewX509<'_>, now: DateTime<Utc>) -> Result<i64> {
        let mut conn = self.client()?;
        let mut client = conn.db();
        client.execute(
            "INSERT INTO x509_entry (kind, facility_code, subject, sha256, not_after, der, added_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (kind, facility_code, sha256) DO NOTHING",
            &[
                &new.kind.code(),
                &new.facility_code,
                &new.subject,
                &new.sha256,
                &new.not_after,
                &new.der,
                &now.to_rfc3339(),
            ],
        )?;
        Ok(client
            .query_one(
                "SELECT id FROM x509_entry WHERE kind = $1 AND facility_code = $2 AND sha256 = $3",
                &[&new.kind.code(), &new.facility_code, &new.sha256],
            )?
            .try_get(0)?)
    }

    fn x509_entries(&self) -> Result<Vec<X509Record>> {
        list(
            &mut self.client()?.db(),
            "SELECT id, kind, facility_code, subject, sha256, not_after, added_at
             FROM x509_entry ORDER BY id",
            |r| {
                Ok(pg_row!(r => X509Record {
                    id, kind, facility_code, subject, sha256, not_after, added_at
                }))
            },
        )
    }

    fn remove_x509(&self, id: i64) -> Result<bool> {
        Ok(self
            .client()?
            .db()
            .execute("DELETE FROM x509_entry WHERE id = $1", &[&id])?
            == 1)
    }

    fn x509_material(&self) -> Result<X509Material> {
        let rows = self.client()?.db().query(
            "SELECT kind, facility_code, sha256, der FROM x509_entry ORDER BY id",
            &[],
        )?;
        let mut material = X509Material::default();
        for r in &rows {
            let kind: String = r.try_get(0)?;
            material.add(&kind, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
        }
        Ok(material)
    }

    fn add_facility_sender(
        &self,
        new: &NewFacilitySender<'_>,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        self.client()?.db().execute(
            "INSERT INTO facility_sender (id, facility_code, fhir, token_sha256, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &id,
                &new.facility_code,
                &new.fhir,
                &new.token_sha256,
                &now.to_rfc3339(),
            ],
        )?;
        Ok(id)
    }

    fn facility_senders(&self) -> Result<Vec<FacilitySenderRecord>> {
        list(
            &mut self.client()?.db(),
            "SELECT id, facility_code, fhir, created_at, revoked_at FROM facility_sender
             ORDER BY created_at, id",
            |r| {
                Ok(FacilitySenderRecord {
                    sender: pg_row!(r => FacilitySender { id, facility_code, fhir }),
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            },
        )
    }

    fn revoke_facility_sender(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.client()?.db().execute(
            "UPDATE facility_sender SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&id, &now.to_rfc3339()],
        )? == 1)
    }

    fn check_facility_sender(&self, token_sha256: &str) -> Result<SenderCheck> {
        let found = self
            .client()?
            .db()
            .query_opt(
                "SELECT id, facility_code, fhir, revoked_at FROM facility_sender
                 WHERE token_sha256 = $1",
                &[&token_sha256],
            )?
            .map(|r| -> Result<_> {
                let revoked_at: Option<String> = r.try_get("revoked_at")?;
                Ok((
                    pg_row!(r => FacilitySender { id, facility_code, fhir }),
                    revoked_at,
                ))
            })
            .transpose()?;
        Ok(match found {
            None => SenderCheck::Unknown,
            Some((_, Some(_))) => SenderCheck::Revoked,
            Some((sender, None)) => SenderCheck::Valid(sender),
        })
    }

    fn set_health_station(
        &self,
        commune: &str,
        facility_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        health_loop::set_station(&mut self.client()?.db(), commune, facility_id, now)
    }

    fn health_stations(&self) -> Result<Vec<HealthStation>> {
        health_loop::stations(&mut self.client()?.db())
    }

    fn shared_deaths(
        &self,
        facility_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<(Vec<hotich_protocol::health_loop::SharedDeath>, bool)> {
        health_loop::deaths_for(&mut self.client()?.db(), facility_id, after, limit)
    }

    fn record_cause(
        &self,
        cause: &hotich_protocol::health_loop::CauseOfDeath,
        envelope: &str,
        now: DateTime<Utc>,
    ) -> Result<CauseOutcome> {
        self.transact(|tx| health_loop::record_cause(tx, cause, envelope, now))
    }

    fn causes_after(
        &self,
        commune: &str,
        after: u64,
        limit: u32,
    ) -> Result<(Vec<StoredCause>, bool)> {
        health_loop::causes_after(&mut self.client()?.db(), commune, after, limit)
    }

    fn pilot_cases(
        &self,
        communes: &[&str],
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<hotich_protocol::pilot::PilotCase>> {
        pilot::cases(&mut self.client()?.db(), communes, from, to)
    }

    fn pool_use(&self) -> Option<PoolUse> {
        Some(PostgresStorage::pool_use(self))
    }

    fn add_officer(&self, new: &NewOfficer<'_>, now: DateTime<Utc>) -> Result<Option<String>> {
        province::add_officer(&mut self.client()?.db(), new, now)
    }

    fn officers(&self) -> Result<Vec<OfficerRecord>> {
        province::officers(&mut self.client()?.db())
    }

    fn revoke_officer(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        self.transact(|tx| province::revoke_officer(tx, id, now))
    }

    fn officer_login(&self, login: &str) -> Result<Option<OfficerLogin>> {
        province::officer_login(&mut self.client()?.db(), login)
    }

    fn open_session(
        &self,
        officer_id: &str,
        token_sha256: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.transact(|tx| province::open_session(tx, officer_id, token_sha256, expires_at, now))
    }

    fn session_officer(
        &self,
        token_sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ProvinceOfficer>> {
        province::session_officer(&mut self.client()?.db(), token_sha256, now)
    }

    fn close_session(&self, token_sha256: &str) -> Result<()> {
        province::close_session(&mut self.client()?.db(), token_sha256)
    }

    fn note_refused(&self, commune: &str, reason: &str, now: DateTime<Utc>) -> Result<()> {
        province::note_refused(&mut self.client()?.db(), commune, reason, now)
    }

    fn supervision_rows(&self, communes: &[&str]) -> Result<SupervisionRows> {
        province::supervision_rows(&mut self.client()?.db(), communes)
    }
}

mod health_loop;
mod pilot;
mod province;
