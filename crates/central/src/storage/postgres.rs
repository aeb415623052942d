//! The PostgreSQL implementation of [`Storage`], for a registry run at
//! national scale: several `hotich-central serve` processes on one database
//! (`serve --database postgres://…`). A pool of connections (r2d2), each
//! keeping the statements it prepared, so a statement is parsed and
//! planned once per connection ([`Db`]); the schema in `schema/postgres/`, migrated by
//! refinery under an advisory lock so processes starting together migrate
//! once. Nothing is cached in the process: every answer is read from the
//! database, so all processes give the same ones.
//!
//! Here: the pool and migrations, the trait's methods (each a call to
//! the module owning its tables where one does: `notifications.rs`,
//! `papers.rs`, `facility_trust.rs`, `health_loop.rs`, `pilot.rs`,
//! `province.rs`; the connections in `pool.rs`).
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

use std::time::Duration;

use ::postgres::error::SqlState;
use ::postgres::{GenericClient, Row};
use chrono::{DateTime, Utc};
use hotich_protocol::FacilityKey;

use super::readings::{head_seq, head_verdict, push_outcome, token_verdict, HeldPush, HeldToken};
use super::*;
use notifications::{append_document, append_one, lock_notifications};
use papers::index_paper_status;
use pool::{Connection, Db, Manager, Tx};

type Pool = r2d2::Pool<Manager>;

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
    (
        "V3__sign_in_lockout",
        include_str!("../schema/postgres/V3__sign_in_lockout.sql"),
    ),
    (
        "V4__case_closure",
        include_str!("../schema/postgres/V4__case_closure.sql"),
    ),
    (
        "V5__notices_by_commune",
        include_str!("../schema/postgres/V5__notices_by_commune.sql"),
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
        let mut config: ::postgres::Config =
            url.parse().map_err(|_| StorageError::BadDatabaseUrl)?;
        let connector = tls::connector(&mut config)?;
        let manager = Manager { config, connector };
        // One connection first: a database that refuses (a wrong address,
        // password or certificate) is said at once and why, where the pool
        // would retry until its timeout and say only that it timed out.
        r2d2::ManageConnection::connect(&manager)?;
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

    fn events_after(
        &self,
        commune: &str,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> Result<StoredPage> {
        notifications::events_after(&mut self.client()?.db(), commune, after, limit, max_bytes)
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
        papers::paper_status(&mut self.client()?.db(), serial)
    }

    fn submit_paper_key(
        &self,
        workstation: &Workstation,
        key_id: &str,
        public_key: &str,
        now: DateTime<Utc>,
    ) -> Result<KeySubmission> {
        papers::submit_paper_key(
            &mut self.client()?.db(),
            workstation,
            key_id,
            public_key,
            now,
        )
    }

    fn paper_keys(&self) -> Result<Vec<PaperKeyRecord>> {
        papers::paper_keys(&mut self.client()?.db())
    }

    fn certify_paper_key(
        &self,
        key_id: &str,
        certificate: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        papers::certify_paper_key(&mut self.client()?.db(), key_id, certificate, now)
    }

    fn revoke_paper_key(&self, key_id: &str, now: DateTime<Utc>) -> Result<bool> {
        papers::revoke_paper_key(&mut self.client()?.db(), key_id, now)
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

    fn trust_list_sequence(&self) -> Result<Option<u64>> {
        let sequence: Option<i64> = self
            .client()?
            .db()
            .query_one("SELECT max(sequence) FROM trust_list", &[])?
            .try_get(0)?;
        Ok(sequence.map(to_u64))
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
        facility_trust::add_x509(&mut self.client()?.db(), new, now)
    }

    fn x509_entries(&self) -> Result<Vec<X509Record>> {
        facility_trust::x509_entries(&mut self.client()?.db())
    }

    fn remove_x509(&self, id: i64) -> Result<bool> {
        facility_trust::remove_x509(&mut self.client()?.db(), id)
    }

    fn x509_material(&self) -> Result<X509Material> {
        facility_trust::x509_material(&mut self.client()?.db())
    }

    fn add_facility_sender(
        &self,
        new: &NewFacilitySender<'_>,
        now: DateTime<Utc>,
    ) -> Result<String> {
        facility_trust::add_facility_sender(&mut self.client()?.db(), new, now)
    }

    fn facility_senders(&self) -> Result<Vec<FacilitySenderRecord>> {
        facility_trust::facility_senders(&mut self.client()?.db())
    }

    fn revoke_facility_sender(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        facility_trust::revoke_facility_sender(&mut self.client()?.db(), id, now)
    }

    fn check_facility_sender(&self, token_sha256: &str) -> Result<SenderCheck> {
        facility_trust::check_facility_sender(&mut self.client()?.db(), token_sha256)
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

    fn note_failed_sign_in(
        &self,
        officer_id: &str,
        lock_after: u32,
        locked_until: DateTime<Utc>,
    ) -> Result<bool> {
        province::note_failed_sign_in(
            &mut self.client()?.db(),
            officer_id,
            lock_after,
            locked_until,
        )
    }

    fn clear_failed_sign_ins(&self, officer_id: &str) -> Result<()> {
        province::clear_failed_sign_ins(&mut self.client()?.db(), officer_id)
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

mod facility_trust;
mod health_loop;
mod notifications;
mod papers;
mod pilot;
mod pool;
mod province;
mod tls;

pub use tls::ROOT_CERT_ENV;
