//! The workstation's SQLite store: opening, schema migrations, settings and
//! the facility trust list.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hotich_protocol::jws::verifying_key_from_b64;
use hotich_protocol::trust::{demo_root_signer, TrustList, TrustedKeys};
use hotich_protocol::FacilityKey;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use rusqlite_migration::{Migrations, M};

use crate::error::{CoreError, Result};
use crate::model::{Office, TrustImportSummary};

/// Schema versions, oldest first. Never edit a released migration; add one.
const MIGRATIONS: [&str; 8] = [
    include_str!("schema/001_intake.sql"),
    include_str!("schema/002_outreach.sql"),
    include_str!("schema/003_registration.sql"),
    include_str!("schema/004_extract.sql"),
    include_str!("schema/005_sync.sql"),
    include_str!("schema/006_stats.sql"),
    include_str!("schema/007_dashboard.sql"),
    include_str!("schema/008_attempt_facts.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// Schema version this binary writes: one per migration.
pub fn schema_version() -> usize {
    MIGRATIONS.len()
}

pub(crate) const SETTING_COMMUNE: &str = "commune_code";
const SETTING_ROOT_KEY_ID: &str = "trust_root_key_id";
const SETTING_ROOT_PUBLIC_KEY: &str = "trust_root_public_key";

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    pub(crate) key_scan_limit: u64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date. Refuses a database written by a newer Hotich.
    pub fn open(path: &Path) -> Result<Store> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Read before anything is written: a newer database is left untouched.
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let found = usize::try_from(found).unwrap_or(0);
        if found > schema_version() {
            return Err(CoreError::DatabaseTooNew {
                found,
                supported: schema_version(),
            });
        }
        // Notification rows are ~2.3 KB: 16 KB pages hold several and split less
        // (ingest ~25% faster). Takes effect only on a new database.
        conn.pragma_update(None, "page_size", 16384)?;
        // WAL for concurrent readers; FULL so a committed import survives power loss.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 32 MB of page cache keeps the queue and search indexes in memory during large imports.
        conn.pragma_update(None, "cache_size", -32_000)?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| CoreError::Migration(e.to_string()))?;
        Ok(Store {
            conn,
            path: path.to_owned(),
            key_scan_limit: crate::queue::KEY_SCAN_LIMIT,
        })
    }

    /// Sets how many name-key matches a search sorts itself before walking
    /// the queue instead; tests use it to check both ways give one answer.
    pub fn set_key_scan_limit(&mut self, limit: u64) {
        self.key_scan_limit = limit;
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
            return Err(CoreError::InvalidFile {
                path: "commune_code".into(),
                reason: format!("mã xã {code} không có trong danh mục đơn vị hành chính"),
            });
        }
        self.set_setting(SETTING_COMMUNE, code)?;
        self.office()?
            .ok_or_else(|| CoreError::CaseNotFound(code.into()))
    }

    /// Pins the registry root key that signs trust lists. Facility keys
    /// vouched for by another root stop verifying until a list signed by the
    /// new root is imported.
    pub fn pin_root_key(&mut self, key_id: &str, public_key_b64: &str) -> Result<()> {
        verifying_key_from_b64(public_key_b64).map_err(|e| CoreError::InvalidFile {
            path: "root public key".into(),
            reason: e.to_string(),
        })?;
        let previous = self.setting(SETTING_ROOT_PUBLIC_KEY)?;
        let tx = self.conn.transaction()?;
        for (key, value) in [
            (SETTING_ROOT_KEY_ID, key_id),
            (SETTING_ROOT_PUBLIC_KEY, public_key_b64),
        ] {
            tx.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        if previous.as_deref() != Some(public_key_b64) {
            tx.execute("DELETE FROM facility_key", [])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Pins the publicly known demo root key (the embedded demo and tests).
    /// Anyone can sign with it: never for a real office.
    pub fn pin_demo_root_key(&mut self) -> Result<()> {
        let demo = demo_root_signer();
        self.pin_root_key(demo.key_id(), &demo.public_key_b64())
    }

    fn root_key(&self) -> Result<(String, String)> {
        match (
            self.setting(SETTING_ROOT_KEY_ID)?,
            self.setting(SETTING_ROOT_PUBLIC_KEY)?,
        ) {
            (Some(id), Some(key)) => Ok((id, key)),
            _ => Err(CoreError::NoRootKey),
        }
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
        let (root_id, root_b64) = self.root_key()?;
        let root = verifying_key_from_b64(&root_b64).map_err(|e| CoreError::Corrupt {
            what: "pinned root key".into(),
            reason: e.to_string(),
        })?;
        let list = TrustList::verify(raw, &root_id, &root)?;
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
                FacilityKey {
                    facility_id: row.get(0)?,
                    name: row.get(1)?,
                    address: row.get(2)?,
                    commune_code: row.get(3)?,
                    key_id: row.get(4)?,
                    algorithm: row.get(5)?,
                    public_key: row.get(6)?,
                    valid_from: DateTime::<Utc>::UNIX_EPOCH,
                    valid_until: DateTime::<Utc>::UNIX_EPOCH,
                },
                row.get::<_, String>(7)?,
                row.get::<_, String>(8)?,
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

pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| CoreError::Corrupt {
            what: format!("timestamp {text:?}"),
            reason: e.to_string(),
        })
}
