//! The audit trail (issue 16, item 4): one append-only log of every act
//! that matters (sign-in and its failures, sign-out and lock, opening a
//! case's personal data, registration, amendment, print, export,
//! assignment, status decisions, account and trust changes, backup and
//! restore). Each entry holds the hash of the entry before it and an
//! HMAC-SHA256 over both under a key derived from the store key
//! ([`crate::store_key`]), so an entry altered, removed or the whole chain
//! written again without the key is found ([`verify`]), and the chain's head
//! travels with every push to the registry, which notices a head that went
//! backwards (a cut tail).
//!
//! The only writer of `audit_log`; reads the rows it records to hash them.

mod list;
mod verify;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use hotich_common::hex::hex;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{code_enum, Result};
use crate::store::Store;
use crate::store_key::StoreKey;

pub use list::{AuditFilter, AuditLine};
pub use verify::{AuditProblem, AuditProblemKind, AuditReport};

/// The hash the first entry chains to.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// What the audit key is derived for ([`StoreKey::derive`]).
const AUDIT_KEY_PURPOSE: &str = "audit hmac v1";
/// The setting holding the last entry written before the log was keyed,
/// with its MAC (`SEQ:MAC`): only entries up to it may be unkeyed.
pub(crate) const SETTING_UNKEYED_UNTIL: &str = "audit_unkeyed_until_seq";

code_enum! {
    /// Every act the trail records. The entity and content of each are
    /// noted beside it; content is never personal data.
    pub enum AuditAction {
        /// A registration row (content: its SHA-256).
        Register => "register",
        /// An amendment row (content: its SHA-256).
        Amend => "amend",
        // Accounts (`officer/`): the officer acted on; the row's SHA-256.
        OfficerCreate => "officer_create",
        PasswordChange => "password_change",
        PasswordReset => "password_reset",
        OfficerDeactivate => "officer_deactivate",
        OfficerReactivate => "officer_reactivate",
        RoleChange => "role_change",
        // The installation (`installation.rs`): the commune or root key id;
        // the settings' SHA-256 after the change.
        OfficeSetUp => "office_set_up",
        OfficeChange => "office_change",
        RootKeyReplace => "root_key_replace",
        // X.509 trust (`x509_trust.rs`): the DER's SHA-256, as entity and content.
        CertificateAdd => "certificate_add",
        CertificateRemove => "certificate_remove",
        CrlAdd => "crl_add",
        /// The officer signed in (content: the officer row's SHA-256).
        SignIn => "sign_in",
        /// A sign-in refused: the officer if the username is one (else
        /// empty); content: why (`wrong_password`, `locked`, ...).
        SignInFailed => "sign_in_failed",
        SignOut => "sign_out",
        /// The session locked (idle or by hand).
        SessionLock => "session_lock",
        /// A case's personal data opened: the case.
        CaseView => "case_view",
        // The print log (`print_log.rs`): the print row; its SHA-256.
        Print => "print",
        Reprint => "reprint",
        SpoiledBlank => "spoiled_blank",
        /// A period exported: `FROM..TO`; content: format and row count.
        Export => "export",
        /// A case assigned: the case; content: the assignee's officer id.
        Assign => "assign",
        /// A status decision: the case; content: the new status code.
        StatusChange => "status_change",
        /// A backup made: its file name; content: what it holds.
        Backup => "backup",
        /// A backup restored: its file name; content: what it holds.
        Restore => "restore",
        /// The recovery key shown to a supervisor (once, at set-up).
        RecoveryKeyShown => "recovery_key_shown",
        // A supervisor's decision on an amendment (`registration/amendment.rs`):
        // the amendment; the decision row's SHA-256.
        AmendmentApprove => "amendment_approve",
        AmendmentReject => "amendment_reject",
        /// The folder scheduled backups go to, chosen by a supervisor.
        BackupFolderSet => "backup_folder_set",
        /// The office's paper-signing key made (`paper.rs`): its key id;
        /// content: its public key.
        PaperKeyCreate => "paper_key_create",
        /// A printed copy withdrawn (`print_log.rs`): its serial; the
        /// withdrawal row's SHA-256.
        PaperWithdraw => "paper_withdraw",
        /// An official holiday schedule imported (`calendar.rs`): the years;
        /// content: the file's SHA-256.
        HolidayScheduleImport => "holiday_schedule_import",
        /// The office hours working time is counted in (`calendar.rs`):
        /// content: the hours.
        OfficeHoursSet => "office_hours_set",
    }
}

/// The head of the chain: its last entry. Pushed to the registry, printed
/// on the daily report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AuditHead {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    pub hash: String,
}

fn sha256_hex(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed, so ("ab","c") and ("a","bc") differ.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex(&hasher.finalize())
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

/// The SHA-256 of the row `select` (one `?1` parameter) finds, over its
/// columns as stored; None when there is no such row.
fn row_content(tx: &rusqlite::Connection, select: &str, id: &str) -> Result<Option<String>> {
    Ok(tx
        .query_row(select, [id], |row| {
            let columns = row.as_ref().column_count();
            let texts: Vec<String> = (0..columns)
                .map(|i| row.get::<_, rusqlite::types::Value>(i).map(value_text))
                .collect::<rusqlite::Result<_>>()?;
            Ok(sha256_hex(
                &texts.iter().map(String::as_str).collect::<Vec<_>>(),
            ))
        })
        .optional()?)
}

const REGISTRATION_ROW: &str =
    "SELECT id, case_id, kind, year, number, book, registered_at, officer_id, late, form,
            coalesce(notification_version, '')
     FROM registration WHERE id = ?1";
const AMENDMENT_ROW: &str =
    "SELECT id, registration_id, at, officer_id, reason, changes, form FROM amendment WHERE id = ?1";
const DECISION_ROW: &str = "SELECT amendment_id, decision, officer_id, at, note
                            FROM amendment_decision WHERE amendment_id = ?1";
/// The officer row as an account act left it (never the password hash).
/// An account changes again later, so `verify` checks such an entry by its
/// chain only, not against the row as it is now.
const OFFICER_ROW: &str = "SELECT id, username, full_name, role, active, must_change_password
                           FROM officer WHERE id = ?1";
const PRINT_ROW: &str =
    "SELECT id, coalesce(registration_id, ''), document, printed_at, officer_id,
                                copies, reprint, coalesce(issue_date, ''), coalesce(code, ''),
                                coalesce(content_sha256, ''), coalesce(blank_serial, ''), outcome,
                                coalesce(spoiled_reason, '')
                         FROM print_log WHERE id = ?1";

const WITHDRAWAL_ROW: &str = "SELECT serial, withdrawn_at, officer_id, reason
                              FROM paper_withdrawal WHERE serial = ?1";

/// The content an act on `entity_id` records, read from its row where the
/// act wrote one; `None` for an act whose content the caller gives.
fn recorded_content(
    tx: &rusqlite::Connection,
    action: AuditAction,
    entity_id: &str,
) -> Result<Option<String>> {
    use AuditAction::*;
    Ok(match action {
        Register => row_content(tx, REGISTRATION_ROW, entity_id)?,
        Amend => row_content(tx, AMENDMENT_ROW, entity_id)?,
        AmendmentApprove | AmendmentReject => row_content(tx, DECISION_ROW, entity_id)?,
        Print | Reprint | SpoiledBlank => row_content(tx, PRINT_ROW, entity_id)?,
        PaperWithdraw => row_content(tx, WITHDRAWAL_ROW, entity_id)?,
        OfficerCreate | PasswordChange | PasswordReset | OfficerDeactivate | OfficerReactivate
        | RoleChange | SignIn => row_content(tx, OFFICER_ROW, entity_id)?,
        OfficeSetUp | OfficeChange | RootKeyReplace => {
            Some(crate::installation::settings_content(tx)?)
        }
        CertificateAdd | CertificateRemove | CrlAdd => Some(entity_id.to_owned()),
        SignInFailed
        | SignOut
        | SessionLock
        | CaseView
        | Export
        | Assign
        | StatusChange
        | Backup
        | Restore
        | RecoveryKeyShown
        | BackupFolderSet
        | PaperKeyCreate
        | HolidayScheduleImport
        | OfficeHoursSet => None,
    })
}

/// The fields an entry's hash covers, in order.
struct EntryFields<'a> {
    prev: &'a str,
    at: &'a str,
    officer: &'a str,
    action: &'a str,
    entity: &'a str,
    content: &'a str,
}

/// HMAC-SHA256 under the audit key over length-prefixed `parts`.
fn audit_mac(key: &StoreKey, parts: &[&str]) -> String {
    let audit_key = key.derive(AUDIT_KEY_PURPOSE);
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(audit_key.as_ref())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    hex(&mac.finalize().into_bytes())
}

/// At the first keyed open, the value of [`SETTING_UNKEYED_UNTIL`]: the
/// entries so far (written before the log was keyed) are the only ones that
/// may stay unkeyed, and that bound carries the key's MAC, so neither it
/// nor the chain after it can be rewritten without the key.
pub(crate) fn unkeyed_seal(conn: &rusqlite::Connection, key: &StoreKey) -> Result<String> {
    let bound = head(conn)?.map_or(0, |head| head.seq).to_string();
    let mac = audit_mac(key, &["unkeyed until", &bound]);
    Ok(format!("{bound}:{mac}"))
}

/// The last entry that may be unkeyed: 0 when the bound is missing or its
/// MAC does not hold (then every entry must carry the key).
fn unkeyed_until(conn: &rusqlite::Connection, key: &StoreKey) -> Result<i64> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT value FROM setting WHERE key = ?1",
            [SETTING_UNKEYED_UNTIL],
            |row| row.get(0),
        )
        .optional()?;
    Ok(stored
        .and_then(|value| {
            let (bound, mac) = value.split_once(':')?;
            (audit_mac(key, &["unkeyed until", bound]) == mac)
                .then(|| bound.parse().ok())
                .flatten()
        })
        .unwrap_or(0))
}

impl EntryFields<'_> {
    /// A keyed entry's hash: HMAC-SHA256 under the audit key.
    fn keyed_hash(&self, key: &StoreKey) -> String {
        audit_mac(key, &self.parts())
    }

    /// An entry written before the log was keyed: plain SHA-256.
    fn legacy_hash(&self) -> String {
        sha256_hex(&self.parts())
    }

    fn parts(&self) -> [&str; 6] {
        [
            self.prev,
            self.at,
            self.officer,
            self.action,
            self.entity,
            self.content,
        ]
    }
}

/// Appends the entry for an act done in `tx` (after the row it wrote, if
/// any), chained to the last entry under `key`.
pub(crate) fn append(
    tx: &rusqlite::Connection,
    key: &StoreKey,
    action: AuditAction,
    entity_id: &str,
    officer_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let content = recorded_content(tx, action, entity_id)?.unwrap_or_default();
    append_with_content(tx, key, action, entity_id, officer_id, &content, now)
}

/// Appends an act whose content the caller gives (a status code, a count):
/// never personal data.
pub(crate) fn append_with_content(
    tx: &rusqlite::Connection,
    key: &StoreKey,
    action: AuditAction,
    entity_id: &str,
    officer_id: &str,
    content: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let prev = head(tx)?.map_or_else(|| GENESIS.to_owned(), |head| head.hash);
    let at = now.to_rfc3339();
    let hash = EntryFields {
        prev: &prev,
        at: &at,
        officer: officer_id,
        action: action.as_str(),
        entity: entity_id,
        content,
    }
    .keyed_hash(key);
    tx.execute(
        "INSERT INTO audit_log (at, officer_id, action, entity_id, content, prev_hash, hash, keyed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)",
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

fn head(conn: &rusqlite::Connection) -> Result<Option<AuditHead>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |row| {
                Ok(AuditHead {
                    seq: row.get(0)?,
                    hash: row.get(1)?,
                })
            },
        )
        .optional()?)
}

impl Store {
    /// The chain's head, or None while the log is empty.
    pub fn audit_head(&self) -> Result<Option<AuditHead>> {
        head(&self.conn)
    }

    /// Records an act that writes nothing else (a sign-out, a lock, a case
    /// opened), in its own transaction.
    pub(crate) fn record_act(
        &self,
        action: AuditAction,
        entity_id: &str,
        officer_id: &str,
        content: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        append_with_content(&tx, &self.key, action, entity_id, officer_id, content, now)?;
        tx.commit()?;
        Ok(())
    }
}
