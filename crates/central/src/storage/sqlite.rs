//! The embedded SQLite implementation of [`Storage`]: one file, one writer
//! connection and a few readers. Here: tokens, pushed rows, the trust list
//! and settings; the trait's other methods call the module owning their
//! tables (`notifications.rs`, `papers.rs`, `facility_trust.rs`,
//! `health_loop.rs`, `pilot.rs`, `province.rs`).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use hotich_common::sqlite::{to_i64, to_u64, OpenError, Schema, Tuning};
use hotich_protocol::FacilityKey;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::readings::{head_seq, head_verdict, push_outcome, token_verdict, HeldPush, HeldToken};
use super::*;
use notifications::{append_document, append_one};
use papers::index_paper_status;

/// The schema as `rusqlite_migration` migrations (the version lives in
/// `user_version`; the first release wrote version 1 by hand, the same).
/// Never edit a released migration; add one.
const SCHEMA: Schema = Schema::new(&[
    include_str!("../schema.sql"),
    include_str!("../schema/002_workstation_tokens.sql"),
    include_str!("../schema/003_official_documents.sql"),
    include_str!("../schema/004_audit_heads.sql"),
    include_str!("../schema/005_paper_status.sql"),
    include_str!("../schema/006_paper_keys.sql"),
    include_str!("../schema/007_health_loop.sql"),
    include_str!("../schema/008_pilot.sql"),
    include_str!("../schema/009_province_supervision.sql"),
    include_str!("../schema/010_sign_in_lockout.sql"),
    include_str!("../schema/011_case_closure.sql"),
    include_str!("../schema/012_notices_by_commune.sql"),
]);
const READERS: usize = 4;

/// Every row `sql` selects, each read by `map`.
fn list<T>(
    conn: &Connection,
    sql: &str,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], map)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The embedded SQLite storage: one writer connection and a few readers
/// (WAL lets them read while it writes).
#[derive(Debug)]
pub struct SqliteStorage {
    /// The database's key, for its backups.
    key: hotich_common::sqlite::DatabaseKey,
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
    /// Opens (creating if needed) the database at `path`, encrypted with
    /// its key ([`key::database_key`]; a plain database of an earlier
    /// version is encrypted first), with the project's pragmas (an
    /// acknowledged push or post survives a power cut), and brings its
    /// schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStorage> {
        let key = key::database_key(path)?;
        let writer = hotich_common::sqlite::open(path, &SCHEMA, &Tuning::default(), Some(&key))?;
        let readers = (0..READERS)
            .map(|_| hotich_common::sqlite::connect(path, Some(&key)).map(Mutex::new))
            .collect::<Result<Vec<_>, OpenError>>()?;
        Ok(SqliteStorage {
            key,
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
        })
    }

    /// An online backup to the new file `out`, encrypted with the database's
    /// key, while requests go on ([`hotich_common::sqlite::back_up`]).
    pub fn back_up(&self, out: &Path) -> Result<()> {
        let reader = lock(&self.readers[0]);
        Ok(hotich_common::sqlite::back_up(
            &reader,
            out,
            Some(&self.key),
        )?)
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

impl Storage for SqliteStorage {
    fn set_health_station(
        &self,
        commune: &str,
        facility_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        health_loop::set_station(&lock(&self.writer), commune, facility_id, now)
    }

    fn health_stations(&self) -> Result<Vec<HealthStation>> {
        health_loop::stations(&self.reader())
    }

    fn shared_deaths(
        &self,
        facility_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<(Vec<hotich_protocol::health_loop::SharedDeath>, bool)> {
        health_loop::deaths_for(&self.reader(), facility_id, after, limit)
    }

    fn record_cause(
        &self,
        cause: &hotich_protocol::health_loop::CauseOfDeath,
        envelope: &str,
        now: DateTime<Utc>,
    ) -> Result<CauseOutcome> {
        health_loop::record_cause(&lock(&self.writer), cause, envelope, now)
    }

    fn causes_after(
        &self,
        commune: &str,
        after: u64,
        limit: u32,
    ) -> Result<(Vec<StoredCause>, bool)> {
        health_loop::causes_after(&self.reader(), commune, after, limit)
    }

    fn pilot_cases(
        &self,
        communes: &[&str],
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<hotich_protocol::pilot::PilotCase>> {
        pilot::cases(&self.reader(), communes, from, to)
    }

    fn append_notifications(
        &self,
        batch: &[Incoming],
        now: DateTime<Utc>,
    ) -> Result<Vec<Appended>> {
        self.append_each(batch, now, append_one)
    }

    fn add_officer(&self, new: &NewOfficer<'_>, now: DateTime<Utc>) -> Result<Option<String>> {
        province::add_officer(&lock(&self.writer), new, now)
    }

    fn officers(&self) -> Result<Vec<OfficerRecord>> {
        province::officers(&self.reader())
    }

    fn revoke_officer(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        province::revoke_officer(&lock(&self.writer), id, now)
    }

    fn officer_login(&self, login: &str) -> Result<Option<OfficerLogin>> {
        province::officer_login(&self.reader(), login)
    }

    fn note_failed_sign_in(
        &self,
        officer_id: &str,
        lock_after: u32,
        locked_until: DateTime<Utc>,
    ) -> Result<bool> {
        province::note_failed_sign_in(&lock(&self.writer), officer_id, lock_after, locked_until)
    }

    fn clear_failed_sign_ins(&self, officer_id: &str) -> Result<()> {
        province::clear_failed_sign_ins(&lock(&self.writer), officer_id)
    }

    fn open_session(
        &self,
        officer_id: &str,
        token_sha256: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        province::open_session(
            &lock(&self.writer),
            officer_id,
            token_sha256,
            expires_at,
            now,
        )
    }

    fn session_officer(
        &self,
        token_sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ProvinceOfficer>> {
        province::session_officer(&self.reader(), token_sha256, now)
    }

    fn close_session(&self, token_sha256: &str) -> Result<()> {
        province::close_session(&lock(&self.writer), token_sha256)
    }

    fn note_refused(&self, commune: &str, reason: &str, now: DateTime<Utc>) -> Result<()> {
        province::note_refused(&lock(&self.writer), commune, reason, now)
    }

    fn supervision_rows(&self, communes: &[&str]) -> Result<SupervisionRows> {
        province::supervision_rows(&self.reader(), communes)
    }

    fn events_after(
        &self,
        commune: &str,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> Result<StoredPage> {
        notifications::events_after(&self.reader(), commune, after, limit, max_bytes)
    }

    fn check_token(&self, token_sha256: &str, now: DateTime<Utc>) -> Result<TokenCheck> {
        let held = self
            .reader()
            .prepare_cached(
                "SELECT id, commune, revoked_at, expires_at, last_used_at
                 FROM workstation WHERE token_sha256 = ?1",
            )?
            .query_row([token_sha256], |r| {
                Ok(from_row!(r => HeldToken { id, commune, revoked_at, expires_at, last_used_at }))
            })
            .optional()?;
        let (check, touch) = token_verdict(held, now)?;
        if let (TokenCheck::Valid(workstation), true) = (&check, touch) {
            lock(&self.writer)
                .prepare_cached("UPDATE workstation SET last_used_at = ?2 WHERE id = ?1")?
                .execute(params![workstation.id, now.to_rfc3339()])?;
        }
        Ok(check)
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
        list(
            &self.reader(),
            "SELECT w.id, w.commune, w.label, w.created_at, w.expires_at, w.revoked_at, w.rotated_at,
                    w.last_used_at, h.seq AS audit_head_seq, h.went_back_at AS audit_went_back_at
             FROM workstation w LEFT JOIN workstation_audit_head h ON h.workstation_id = w.id
             ORDER BY w.created_at, w.id",
            |r| {
                Ok(from_row!(r => WorkstationRecord {
                    id, commune, label, created_at, expires_at, revoked_at, rotated_at, last_used_at,
                    audit_head_seq, audit_went_back_at
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
        let tx = conn.unchecked_transaction()?;
        let inserted = tx
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
            index_paper_status(&tx, &workstation.commune, record)?;
            health_loop::share_registered_death(&tx, &workstation.commune, id, record, now)?;
            pilot::note_pushed(&tx, &workstation.commune, record)?;
            tx.commit()?;
            return Ok(PutOutcome::Created);
        }
        drop(tx);
        let held = conn
            .prepare_cached(
                "SELECT commune, case_id, kind, body, created_at FROM pushed_event WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(from_row!(r => HeldPush { commune, case_id, kind, body, created_at }))
            })?;
        Ok(push_outcome(&held, workstation, record))
    }

    fn submit_paper_key(
        &self,
        workstation: &Workstation,
        key_id: &str,
        public_key: &str,
        now: DateTime<Utc>,
    ) -> Result<KeySubmission> {
        papers::submit_paper_key(&lock(&self.writer), workstation, key_id, public_key, now)
    }

    fn paper_keys(&self) -> Result<Vec<PaperKeyRecord>> {
        papers::paper_keys(&self.reader())
    }

    fn certify_paper_key(
        &self,
        key_id: &str,
        certificate: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        papers::certify_paper_key(&lock(&self.writer), key_id, certificate, now)
    }

    fn revoke_paper_key(&self, key_id: &str, now: DateTime<Utc>) -> Result<bool> {
        papers::revoke_paper_key(&lock(&self.writer), key_id, now)
    }

    fn paper_status(&self, serial: &str) -> Result<Option<PaperRecord>> {
        papers::paper_status(&self.reader(), serial)
    }

    fn note_audit_head(
        &self,
        workstation: &Workstation,
        head: &AuditChainHead,
        now: DateTime<Utc>,
    ) -> Result<HeadVerdict> {
        let conn = lock(&self.writer);
        let tx = conn.unchecked_transaction()?;
        let kept: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, hash FROM workstation_audit_head WHERE workstation_id = ?1",
                [&workstation.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let seq = head_seq(head);
        let verdict = head_verdict(kept.as_ref().map(|(s, h)| (*s, h.as_str())), head);
        let at = now.to_rfc3339();
        match verdict {
            HeadVerdict::Advanced => {
                tx.execute(
                    "INSERT INTO workstation_audit_head (workstation_id, seq, hash, reported_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (workstation_id) DO UPDATE
                     SET seq = excluded.seq, hash = excluded.hash, reported_at = excluded.reported_at",
                    params![workstation.id, seq, head.hash, at],
                )?;
            }
            HeadVerdict::Same => {}
            HeadVerdict::WentBack => {
                tx.execute(
                    "UPDATE workstation_audit_head
                     SET went_back_at = ?2, went_back_seq = ?3, went_back_hash = ?4
                     WHERE workstation_id = ?1",
                    params![workstation.id, at, seq, head.hash],
                )?;
            }
        }
        tx.commit()?;
        Ok(verdict)
    }

    fn trust_list(&self) -> Result<Option<(u64, String)>> {
        let conn = self.reader();
        let found = conn
            .prepare_cached("SELECT sequence, raw FROM trust_list ORDER BY sequence DESC LIMIT 1")?
            .query_row([], |r| Ok((to_u64(r.get(0)?), r.get(1)?)))
            .optional()?;
        Ok(found)
    }

    fn trust_list_sequence(&self) -> Result<Option<u64>> {
        let conn = self.reader();
        let sequence: Option<i64> = conn
            .prepare_cached("SELECT max(sequence) FROM trust_list")?
            .query_row([], |r| r.get(0))?;
        Ok(sequence.map(to_u64))
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
        facility_trust::add_x509(&lock(&self.writer), new, now)
    }

    fn x509_entries(&self) -> Result<Vec<X509Record>> {
        facility_trust::x509_entries(&self.reader())
    }

    fn remove_x509(&self, id: i64) -> Result<bool> {
        facility_trust::remove_x509(&lock(&self.writer), id)
    }

    fn x509_material(&self) -> Result<X509Material> {
        facility_trust::x509_material(&self.reader())
    }

    fn add_facility_sender(
        &self,
        new: &NewFacilitySender<'_>,
        now: DateTime<Utc>,
    ) -> Result<String> {
        facility_trust::add_facility_sender(&lock(&self.writer), new, now)
    }

    fn facility_senders(&self) -> Result<Vec<FacilitySenderRecord>> {
        facility_trust::facility_senders(&self.reader())
    }

    fn revoke_facility_sender(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        facility_trust::revoke_facility_sender(&lock(&self.writer), id, now)
    }

    fn check_facility_sender(&self, token_sha256: &str) -> Result<SenderCheck> {
        facility_trust::check_facility_sender(&self.reader(), token_sha256)
    }
}

mod facility_trust;
mod health_loop;
mod notifications;
mod papers;
mod pilot;
mod province;
#[cfg(test)]
mod tests;
