//! The workstation's SQLite store: opening, schema migrations, settings and
//! the facility trust list.
//!
//! Writes `setting` (every module's settings go through
//! `Store::set_setting`), `trust_list` and `facility_key`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hotich_common::sqlite::{self, EncryptionProgress, FileState, Schema, Tuning};
use hotich_protocol::trust::{RootKey, TrustedKeys, SETTING_ROOT_KEY_ID, SETTING_ROOT_PUBLIC_KEY};
use hotich_protocol::FacilityKey;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{invalid, CoreError, InputField, InputReason, Result};
use crate::model::{Office, TrustImportSummary};
use crate::sql::from_row;
use crate::store_key::StoreKey;

/// The schema as its migrations, oldest first. Never edit a released
/// migration; add one.
const SCHEMA: Schema = Schema::new(&[
    include_str!("schema/001_intake.sql"),
    include_str!("schema/002_outreach.sql"),
    include_str!("schema/003_registration.sql"),
    include_str!("schema/004_extract.sql"),
    include_str!("schema/005_sync.sql"),
    include_str!("schema/006_stats.sql"),
    include_str!("schema/007_dashboard.sql"),
    include_str!("schema/008_attempt_facts.sql"),
    include_str!("schema/009_accounts.sql"),
    include_str!("schema/010_print_blanks.sql"),
    include_str!("schema/011_x509_trust.sql"),
    include_str!("schema/012_crl_source.sql"),
    include_str!("schema/013_fhir_intake.sql"),
    include_str!("schema/014_unsaved_forms.sql"),
    include_str!("schema/015_keyed_audit.sql"),
    include_str!("schema/016_amendment_approval.sql"),
    include_str!("schema/017_paper_credential.sql"),
    include_str!("schema/018_holiday_schedule.sql"),
    include_str!("schema/019_health_timeliness.sql"),
    include_str!("schema/020_death_cause.sql"),
    include_str!("schema/021_identification.sql"),
    include_str!("schema/022_fhir_sent_at.sql"),
]);

/// 32 MB of page cache keeps the queue and search indexes in memory during
/// large imports (the 16 KB pages are `sqlite::PAGE_SIZE`).
const TUNING: Tuning = Tuning {
    cache_kib: Some(32_000),
};

/// Schema version this binary writes: one per migration.
pub fn schema_version() -> usize {
    SCHEMA.version()
}

pub(crate) const SETTING_COMMUNE: &str = "commune_code";
/// The store key's check value ([`StoreKey::check_value`]), written at the
/// first keyed open.
const SETTING_KEY_CHECK: &str = "store_key_check";
/// When the recovery key was shown ([`Store::reveal_recovery_key`]).
const SETTING_RECOVERY_KEY_SHOWN: &str = "recovery_key_shown_at";

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// The store key, which keys the audit chain.
    pub(crate) key: StoreKey,
    /// None: the queue's own limit (`queue::KEY_SCAN_LIMIT`).
    pub(crate) key_scan_limit: Option<u64>,
    /// The working days: the shipped schedule with the years a supervisor
    /// imported (`calendar.rs`), read at open and after an import or restore.
    pub(crate) calendar: hotich_calendar::OfficeCalendar,
}

/// What the store holds while its database file is swapped (a restore):
/// a connection to nothing, never queried.
#[allow(clippy::disallowed_methods)] // no stand-in for a database: nothing is stored in it
fn placeholder_connection() -> rusqlite::Result<Connection> {
    Connection::open_in_memory()
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path`, encrypted with
    /// its store `key` (SQLCipher), and brings its schema up to date. A plain
    /// database an earlier version left is encrypted first
    /// ([`Store::open_with_progress`] shows how far). Refuses a database
    /// written by a newer Hotich, and a key that is not the database's
    /// ([`CoreError::WrongStoreKey`]), changing nothing; a database that
    /// never had a key takes this one.
    pub fn open(path: &Path, key: &StoreKey) -> Result<Store> {
        Store::open_with_progress(path, key, &mut |_| {})
    }

    /// [`Store::open`], reporting `progress` while a plain database is
    /// encrypted (the desktop's progress bar, the CLI's percentage).
    pub fn open_with_progress(
        path: &Path,
        key: &StoreKey,
        progress: &mut (dyn FnMut(EncryptionProgress) + Send),
    ) -> Result<Store> {
        let database_key = key.database_key();
        if sqlite::file_state(path)? == FileState::Plain {
            // Checked before anything changes: a wrong key converts nothing.
            if plain_key_check(path)?.is_some_and(|check| check != key.check_value()) {
                return Err(CoreError::WrongStoreKey);
            }
            sqlite::encrypt_in_place(path, &database_key, progress)?;
        }
        // WAL, synchronous=FULL, foreign keys and the busy timeout come with
        // `open`, which also leaves a newer database untouched.
        let conn = sqlite::open(path, &SCHEMA, &TUNING, Some(&database_key))?;
        Store::keyed(conn, path, key)
    }

    /// A plain (unencrypted) store, only for the benchmark that sets the
    /// encrypted store beside it; the program never opens one. Its
    /// [`Store::file`] would encrypt it when opened.
    #[doc(hidden)]
    pub fn open_plain_for_comparison(path: &Path, key: &StoreKey) -> Result<Store> {
        let conn = sqlite::open(path, &SCHEMA, &TUNING, None)?;
        Store::keyed(conn, path, key)
    }

    fn keyed(conn: Connection, path: &Path, key: &StoreKey) -> Result<Store> {
        let mut store = Store {
            conn,
            path: path.to_owned(),
            key: key.clone(),
            key_scan_limit: None,
            calendar: hotich_calendar::OfficeCalendar::default(),
        };
        store.adopt_key()?;
        store.calendar = crate::calendar::office_calendar(&store.conn)?;
        Ok(store)
    }

    /// A database that never had a key takes this store's: its check value,
    /// and the seal on the audit entries written before (`crate::audit`).
    /// A database with another key is refused.
    fn adopt_key(&self) -> Result<()> {
        match self.setting(SETTING_KEY_CHECK)? {
            Some(check) if check == self.key.check_value() => Ok(()),
            Some(_) => Err(CoreError::WrongStoreKey),
            None => {
                let tx = self.conn.unchecked_transaction()?;
                let seal = crate::audit::unkeyed_seal(&tx, &self.key)?;
                for (key, value) in [
                    (crate::audit::SETTING_UNKEYED_UNTIL, seal),
                    (SETTING_KEY_CHECK, self.key.check_value()),
                ] {
                    tx.execute(
                        "INSERT INTO setting (key, value) VALUES (?1, ?2)
                         ON CONFLICT (key) DO NOTHING",
                        params![key, value],
                    )?;
                }
                tx.commit()?;
                Ok(())
            }
        }
    }

    /// A read-only view of the database at `path`, for checking a file
    /// that must not change (a backup before it is restored): nothing is
    /// migrated or written. `Ok(None)` when the file is keyed with another
    /// key. A plain database (an earlier version's backup) is read as it is;
    /// it is encrypted once it is opened as the live database.
    pub(crate) fn open_read_only(path: &Path, key: &StoreKey) -> Result<Option<Store>> {
        let database_key = key.database_key();
        let page_key = (sqlite::file_state(path)? != FileState::Plain).then_some(&database_key);
        let conn = match sqlite::connect_read_only(path, page_key) {
            Err(sqlite::OpenError::WrongKey) => return Ok(None),
            other => other?,
        };
        // A backup being checked: its own calendar is not needed.
        let store = Store {
            conn,
            path: path.to_owned(),
            key: key.clone(),
            key_scan_limit: None,
            calendar: hotich_calendar::OfficeCalendar::default(),
        };
        let check = store.setting(SETTING_KEY_CHECK)?;
        Ok((check.is_none_or(|check| check == key.check_value())).then_some(store))
    }

    /// Whether the database at `path` already has a store key (a new key
    /// would not open it): an encrypted one, or a plain one an earlier
    /// version keyed. A missing file has none.
    pub fn has_store_key(path: &Path) -> Result<bool> {
        Ok(match sqlite::file_state(path)? {
            FileState::Missing | FileState::Empty => false,
            FileState::Encrypted => true,
            FileState::Plain => plain_key_check(path)?.is_some(),
        })
    }

    /// The recovery key, shown once (issue 16): to the first supervisor
    /// who asks, at set-up, to write down or print with the office's name;
    /// audited. `None` once shown, and for the demo, whose key is public.
    pub fn reveal_recovery_key(
        &self,
        actor: &crate::officer::Officer,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        actor.require_supervisor(crate::error::ForbiddenAction::ManageBackups)?;
        if self.key.is_demo() || self.setting(SETTING_RECOVERY_KEY_SHOWN)?.is_some() {
            return Ok(None);
        }
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)",
            params![SETTING_RECOVERY_KEY_SHOWN, now.to_rfc3339()],
        )?;
        crate::audit::append_with_content(
            &tx,
            &self.key,
            crate::audit::AuditAction::RecoveryKeyShown,
            &actor.id,
            &actor.id,
            "",
            now,
        )?;
        tx.commit()?;
        Ok(Some(self.key.recovery_text()))
    }

    /// The highest schema version this program reads.
    pub(crate) fn schema_version() -> usize {
        SCHEMA.version()
    }

    /// Opens the database file again, migrated, after
    /// [`Store::close_for_replacement`] (a restore may have replaced it).
    pub(crate) fn reopen(&mut self) -> Result<()> {
        self.conn = sqlite::open(&self.path, &SCHEMA, &TUNING, Some(&self.key.database_key()))?;
        // A backup from before the key takes it, as at an open.
        self.adopt_key()?;
        // A restored database brings the schedules it was kept with.
        self.calendar = crate::calendar::office_calendar(&self.conn)?;
        Ok(())
    }

    /// Closes the live database (its WAL folded into the file first), so the
    /// file can be moved; [`Store::reopen`] opens it again.
    pub(crate) fn close_for_replacement(&mut self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let closed = std::mem::replace(&mut self.conn, placeholder_connection()?);
        drop(closed);
        Ok(())
    }

    /// A second, read-only connection to this database (long reports).
    pub(crate) fn read_only_connection(&self) -> Result<Connection> {
        Ok(sqlite::connect_read_only(
            &self.path,
            Some(&self.key.database_key()),
        )?)
    }

    /// This database and its key, for a worker that opens its own store.
    pub fn file(&self) -> crate::store_key::StoreFile {
        crate::store_key::StoreFile {
            path: self.path.clone(),
            key: self.key.clone(),
        }
    }

    /// Sets how many name-key matches a search sorts itself before walking
    /// the queue instead; tests use it to check both ways give one answer.
    pub fn set_key_scan_limit(&mut self, limit: u64) {
        self.key_scan_limit = Some(limit);
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA quick_check`; the desktop app runs it at start.
    pub fn integrity_check(&self) -> Result<()> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(CoreError::Corrupt {
                what: "database".into(),
                reason: verdict,
            })
        }
    }

    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    }

    pub(crate) fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The commune this workstation registers for.
    pub fn office(&self) -> Result<Option<Office>> {
        let Some(code) = self.setting(SETTING_COMMUNE)? else {
            return Ok(None);
        };
        let commune = hotich_protocol::reference::commune(&code);
        let province = commune.and_then(|c| hotich_protocol::reference::province(c.province_code));
        Ok(Some(Office {
            commune_code: code.clone(),
            commune_name: commune.map_or(code, |c| c.full_name.to_owned()),
            province_name: province.map_or_else(String::new, |p| p.full_name.to_owned()),
        }))
    }

    pub fn set_commune(&self, code: &str) -> Result<Office> {
        if hotich_protocol::reference::commune(code).is_none() {
            return Err(invalid(InputField::Commune, InputReason::UnknownCommune));
        }
        self.set_setting(SETTING_COMMUNE, code)?;
        self.office()?
            .ok_or_else(|| CoreError::CaseNotFound(code.into()))
    }

    /// Pins the registry root key that signs trust lists. Facility keys
    /// vouched for by another root stop verifying until a list signed by the
    /// new root is imported.
    pub fn pin_root_key(&mut self, key_id: &str, public_key_b64: &str) -> Result<()> {
        let root = RootKey::parse(key_id, public_key_b64)
            .map_err(|_| invalid(InputField::RootKey, InputReason::BadRootKey))?;
        self.pin_root(&root)
    }

    /// Pins a parsed root key (see [`Store::pin_root_key`]). A real
    /// office's store refuses the demo root.
    pub fn pin_root(&mut self, root: &RootKey) -> Result<()> {
        crate::installation::refuse_demo_root(self, root)?;
        let tx = self.conn.transaction()?;
        write_root(&tx, root)?;
        tx.commit()?;
        Ok(())
    }

    /// Pins the publicly known demo root key (the embedded demo and tests).
    /// Anyone can sign with it: never for a real office.
    pub fn pin_demo_root_key(&mut self) -> Result<()> {
        self.pin_root(&RootKey::demo())
    }

    /// The pinned root key; a stored key that no longer parses is corrupt.
    fn root_key(&self) -> Result<RootKey> {
        self.pinned_root()?.ok_or(CoreError::NoRootKey)
    }

    /// The pinned root key, if one is; a stored key that no longer parses is corrupt.
    pub(crate) fn pinned_root(&self) -> Result<Option<RootKey>> {
        RootKey::from_settings(
            self.setting(SETTING_ROOT_KEY_ID)?,
            self.setting(SETTING_ROOT_PUBLIC_KEY)?,
        )
        .transpose()
        .map_err(|e| CoreError::Corrupt {
            what: "pinned root key".into(),
            reason: e.to_string(),
        })
    }

    /// `(journal_mode, synchronous)` of this connection, for checks.
    pub fn durability(&self) -> Result<(String, i64)> {
        let mode = self
            .conn
            .pragma_query_value(None, "journal_mode", |row| row.get(0))?;
        let sync = self
            .conn
            .pragma_query_value(None, "synchronous", |row| row.get(0))?;
        Ok((mode, sync))
    }

    /// Verifies a signed trust list against the pinned root key and, when it
    /// is newer than the one held, replaces the facility keys with it.
    pub fn import_trust_list(
        &mut self,
        raw: &[u8],
        now: DateTime<Utc>,
    ) -> Result<TrustImportSummary> {
        let root = self.root_key()?;
        let list = root.verify(raw).map_err(|error| {
            // Checked on the failure path only: a list the demo root signed
            // is named as such, whatever root is pinned.
            if root != RootKey::demo() && RootKey::demo().verify(raw).is_ok() {
                CoreError::DemoTrustListRefused
            } else {
                CoreError::from(error)
            }
        })?;
        let facilities = u32::try_from(list.facilities.len()).unwrap_or(u32::MAX);
        let tx = self.conn.transaction()?;
        let held: Option<i64> =
            tx.query_row("SELECT max(sequence) FROM trust_list", [], |row| row.get(0))?;
        let sequence = i64::try_from(list.sequence).unwrap_or(i64::MAX);
        if held.is_some_and(|held| held >= sequence) {
            return Ok(TrustImportSummary {
                sequence: list.sequence,
                facilities,
                applied: false,
            });
        }
        tx.execute(
            "INSERT INTO trust_list (sequence, issuer, issued_at, imported_at, raw) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                sequence,
                list.issuer,
                list.issued_at.to_rfc3339(),
                now.to_rfc3339(),
                String::from_utf8_lossy(raw)
            ],
        )?;
        // Keys dropped from the new list stop verifying new notifications;
        // notifications already verified keep their record.
        tx.execute("DELETE FROM facility_key", [])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO facility_key (key_id, facility_id, name, address, commune_code, algorithm,
                                           public_key, valid_from, valid_until, trust_list_sequence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for f in &list.facilities {
                insert.execute(params![
                    f.key_id,
                    f.facility_id,
                    f.name,
                    f.address,
                    f.commune_code,
                    f.algorithm,
                    f.public_key,
                    f.valid_from.to_rfc3339(),
                    f.valid_until.to_rfc3339(),
                    sequence
                ])?;
            }
        }
        tx.commit()?;
        Ok(TrustImportSummary {
            sequence: list.sequence,
            facilities,
            applied: true,
        })
    }

    pub(crate) fn facility_keys(&self) -> Result<Vec<FacilityKey>> {
        let mut stmt = self.conn.prepare(
            "SELECT facility_id, name, address, commune_code, key_id, algorithm, public_key, valid_from, valid_until
             FROM facility_key ORDER BY key_id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((
                from_row!(row => FacilityKey {
                    facility_id, name, address, commune_code, key_id, algorithm, public_key;
                    valid_from: DateTime::<Utc>::UNIX_EPOCH,
                    valid_until: DateTime::<Utc>::UNIX_EPOCH,
                }),
                row.get::<_, String>("valid_from")?,
                row.get::<_, String>("valid_until")?,
            ))
        })?;
        rows.map(|row| {
            let (mut key, from, until) = row?;
            key.valid_from = parse_time(&from)?;
            key.valid_until = parse_time(&until)?;
            Ok(key)
        })
        .collect()
    }

    pub(crate) fn trusted_keys(&self) -> Result<TrustedKeys> {
        let facilities = self.facility_keys()?;
        if facilities.is_empty() {
            return Err(CoreError::NoTrustList);
        }
        Ok(TrustedKeys::from_facilities(&facilities)?)
    }

    /// True when no notification has been received yet (first start).
    pub fn is_empty(&self) -> Result<bool> {
        let any: bool =
            self.conn
                .query_row("SELECT EXISTS (SELECT 1 FROM notification)", [], |row| {
                    row.get(0)
                })?;
        Ok(!any)
    }
}

/// The store key's check value a plain database (an earlier version's)
/// records, read without writing anything; None for one never keyed.
fn plain_key_check(path: &Path) -> Result<Option<String>> {
    let conn = sqlite::connect_read_only(path, None)?;
    let has_settings: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'setting')",
        [],
        |row| row.get(0),
    )?;
    if !has_settings {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            "SELECT value FROM setting WHERE key = ?1",
            [SETTING_KEY_CHECK],
            |row| row.get(0),
        )
        .optional()?)
}

/// Pins `root` inside the caller's transaction; facility keys vouched for
/// by another root are dropped.
pub(crate) fn write_root(conn: &Connection, root: &RootKey) -> Result<()> {
    let previous: Option<String> = conn
        .query_row(
            "SELECT value FROM setting WHERE key = ?1",
            [SETTING_ROOT_PUBLIC_KEY],
            |row| row.get(0),
        )
        .optional()?;
    for (key, value) in [
        (SETTING_ROOT_KEY_ID, root.key_id()),
        (SETTING_ROOT_PUBLIC_KEY, root.public_key_b64()),
    ] {
        conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
    }
    if previous.as_deref() != Some(root.public_key_b64()) {
        conn.execute("DELETE FROM facility_key", [])?;
    }
    Ok(())
}

/// Where a write that must be atomic runs: its own IMMEDIATE transaction,
/// or a savepoint when the caller already holds one (the office set-up
/// creates the first supervisor inside its own transaction).
pub(crate) enum WriteScope<'c> {
    Own(rusqlite::Transaction<'c>),
    Nested(rusqlite::Savepoint<'c>),
}

impl WriteScope<'_> {
    pub(crate) fn commit(self) -> Result<()> {
        match self {
            WriteScope::Own(tx) => tx.commit()?,
            WriteScope::Nested(savepoint) => savepoint.commit()?,
        }
        Ok(())
    }
}

impl std::ops::Deref for WriteScope<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            WriteScope::Own(tx) => tx,
            WriteScope::Nested(savepoint) => savepoint,
        }
    }
}

/// Opens a [`WriteScope`] on `conn`.
pub(crate) fn write_scope(conn: &mut Connection) -> Result<WriteScope<'_>> {
    Ok(if conn.is_autocommit() {
        WriteScope::Own(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
    } else {
        WriteScope::Nested(conn.savepoint()?)
    })
}

pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| CoreError::Corrupt {
            what: format!("timestamp {text:?}"),
            reason: e.to_string(),
        })
}
