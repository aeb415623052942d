//! The audit log: every registration and amendment appends an entry holding
//! the SHA-256 of the row it records and the hash of the entry before it, so
//! a row altered outside the app, or an entry removed, breaks the chain.
//!
//! The only writer of `audit_log`; reads `registration` and `amendment` to
//! hash the rows it records.

use chrono::{DateTime, Utc};
use hotich_common::hex::hex;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::sql::from_row;
use crate::store::Store;

/// The hash the first entry chains to.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn sha256_hex(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed, so ("ab","c") and ("a","bc") differ.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex(&hasher.finalize())
}

/// The content hash of a registration row, from its stored columns.
fn registration_content(tx: &rusqlite::Connection, id: &str) -> Result<Option<String>> {
    Ok(tx
        .query_row(
            "SELECT id, case_id, kind, year, number, book, registered_at, officer_id, late, form,
                    coalesce(notification_version, '')
             FROM registration WHERE id = ?1",
            [id],
            |row| {
                let texts: Vec<String> = (0..11)
                    .map(|i| row.get::<_, rusqlite::types::Value>(i).map(value_text))
                    .collect::<rusqlite::Result<_>>()?;
                Ok(sha256_hex(
                    &texts.iter().map(String::as_str).collect::<Vec<_>>(),
                ))
            },
        )
        .optional()?)
}

fn amendment_content(tx: &rusqlite::Connection, id: &str) -> Result<Option<String>> {
    Ok(tx
        .query_row(
            "SELECT id, registration_id, at, officer_id, reason, changes, form FROM amendment WHERE id = ?1",
            [id],
            |row| {
                let texts: Vec<String> = (0..7)
                    .map(|i| row.get::<_, String>(i))
                    .collect::<rusqlite::Result<_>>()?;
                Ok(sha256_hex(&texts.iter().map(String::as_str).collect::<Vec<_>>()))
            },
        )
        .optional()?)
}

/// The officer row as an account action left it (never the password hash).
/// An account changes again later, so `verify` checks such an entry by its
/// chain only, not against the row as it is now.
fn officer_content(tx: &rusqlite::Connection, id: &str) -> Result<Option<String>> {
    Ok(tx
        .query_row(
            "SELECT id, username, full_name, role, active, must_change_password FROM officer WHERE id = ?1",
            [id],
            |row| {
                let texts: Vec<String> = (0..6)
                    .map(|i| row.get::<_, rusqlite::types::Value>(i).map(value_text))
                    .collect::<rusqlite::Result<_>>()?;
                Ok(sha256_hex(&texts.iter().map(String::as_str).collect::<Vec<_>>()))
            },
        )
        .optional()?)
}

fn value_text(value: rusqlite::types::Value) -> String {
    use rusqlite::types::Value;
    match value {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(t) => t,
        Value::Blob(b) => hex(&b),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuditAction {
    Register,
    Amend,
    // Account actions (`officer/`): the entity is the officer acted on.
    OfficerCreate,
    PasswordChange,
    PasswordReset,
    OfficerDeactivate,
    OfficerReactivate,
    RoleChange,
    // The installation (`installation.rs`): the entity is the commune or the
    // root key id; the content, the installation's settings after the change.
    OfficeSetUp,
    OfficeChange,
    RootKeyReplace,
    // X.509 trust (`x509_trust.rs`): the entity is the SHA-256 of the
    // certificate's or CRL's DER, which is also the content recorded.
    CertificateAdd,
    CertificateRemove,
    CrlAdd,
}

impl AuditAction {
    fn as_str(self) -> &'static str {
        match self {
            AuditAction::Register => "register",
            AuditAction::Amend => "amend",
            AuditAction::OfficerCreate => "officer_create",
            AuditAction::PasswordChange => "password_change",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::OfficerDeactivate => "officer_deactivate",
            AuditAction::OfficerReactivate => "officer_reactivate",
            AuditAction::RoleChange => "role_change",
            AuditAction::OfficeSetUp => "office_set_up",
            AuditAction::OfficeChange => "office_change",
            AuditAction::RootKeyReplace => "root_key_replace",
            AuditAction::CertificateAdd => "certificate_add",
            AuditAction::CertificateRemove => "certificate_remove",
            AuditAction::CrlAdd => "crl_add",
        }
    }
}

fn entry_hash(
    prev: &str,
    at: &str,
    officer: &str,
    action: &str,
    entity: &str,
    content: &str,
) -> String {
    sha256_hex(&[prev, at, officer, action, entity, content])
}

/// Appends the entry for a row written in `tx` (after that row).
pub(crate) fn append(
    tx: &rusqlite::Connection,
    action: AuditAction,
    entity_id: &str,
    officer_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let content = match action {
        AuditAction::Register => registration_content(tx, entity_id)?,
        AuditAction::Amend => amendment_content(tx, entity_id)?,
        AuditAction::OfficeSetUp | AuditAction::OfficeChange | AuditAction::RootKeyReplace => {
            Some(crate::installation::settings_content(tx)?)
        }
        AuditAction::CertificateAdd | AuditAction::CertificateRemove | AuditAction::CrlAdd => {
            Some(entity_id.to_owned())
        }
        _ => officer_content(tx, entity_id)?,
    }
    .unwrap_or_default();
    let prev: String = tx
        .query_row(
            "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let at = now.to_rfc3339();
    let hash = entry_hash(&prev, &at, officer_id, action.as_str(), entity_id, &content);
    tx.execute(
        "INSERT INTO audit_log (at, officer_id, action, entity_id, content_sha256, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            at,
            officer_id,
            action.as_str(),
            entity_id,
            content,
            prev,
            hash
        ],
    )?;
    Ok(())
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AuditReport {
    pub entries: u64,
    /// The first broken link, if any.
    pub broken: Option<BrokenLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct BrokenLink {
    /// The entry's position in the log (1 is the first).
    pub seq: i64,
    pub action: String,
    /// The registration or amendment the entry records.
    pub entity_id: String,
    pub reason: String,
}

/// An audit_log row as stored, to be checked against its neighbours.
struct StoredEntry {
    seq: i64,
    at: String,
    officer_id: String,
    action: String,
    entity_id: String,
    content_sha256: String,
    prev_hash: String,
    hash: String,
}

impl Store {
    /// Walks the whole log: each entry's hash, its link to the one before,
    /// and the row it records as it is stored now.
    pub fn verify_audit_log(&self) -> Result<AuditReport> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, officer_id, action, entity_id, content_sha256, prev_hash, hash
             FROM audit_log ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS.to_owned();
        let mut entries = 0;
        let mut expected_seq = 1;
        while let Some(row) = rows.next()? {
            entries += 1;
            let StoredEntry {
                seq,
                at,
                officer_id: officer,
                action,
                entity_id: entity,
                content_sha256: content,
                prev_hash,
                hash,
            } = from_row!(row => StoredEntry {
                seq, at, officer_id, action, entity_id, content_sha256, prev_hash, hash,
            });
            let broken = |reason: &str| BrokenLink {
                seq,
                action: action.clone(),
                entity_id: entity.clone(),
                reason: reason.to_owned(),
            };
            let verdict = if seq != expected_seq {
                Some(broken("thiếu mục nhật ký trước mục này"))
            } else if prev_hash != prev {
                Some(broken(
                    "không nối với mục trước (mục trước đã bị sửa hoặc xóa)",
                ))
            } else if entry_hash(&prev_hash, &at, &officer, &action, &entity, &content) != hash {
                Some(broken("chính mục nhật ký đã bị sửa"))
            } else {
                let stored = match action.as_str() {
                    "register" => registration_content(&self.conn, &entity)?,
                    "amend" => amendment_content(&self.conn, &entity)?,
                    // An account action: its officer row changes later on purpose.
                    _ => Some(content.clone()),
                };
                match stored {
                    None => Some(broken("bản ghi đã bị xóa")),
                    Some(stored) if stored != content => {
                        Some(broken("bản ghi đã bị sửa ngoài ứng dụng"))
                    }
                    Some(_) => None,
                }
            };
            if let Some(broken) = verdict {
                return Ok(AuditReport {
                    entries,
                    broken: Some(broken),
                });
            }
            prev = hash;
            expected_seq += 1;
        }
        Ok(AuditReport {
            entries,
            broken: None,
        })
    }
}
