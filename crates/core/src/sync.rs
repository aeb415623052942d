//! The store's side of sync with the central registry (DESIGN.md, "Sync
//! protocol"): the pull cursor advanced in the same transaction as the page
//! it applied, the outbox's sent and dead rows, and the status the desktop
//! shell shows (last sync, waiting count, dead items, per-case state).
//! No network here: `hotich-sync` calls these between its requests, and no
//! transaction is ever held across one.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::Result;
use crate::intake::{apply_verified, verify_all};
use crate::model::ImportSummary;
use crate::store::Store;

/// One event of the commune's stream as pulled: its per-commune sequence
/// number and the signed envelope exactly as the server sent it.
#[derive(Debug, Clone, Copy)]
pub struct PulledEvent<'a> {
    pub seq: u64,
    pub envelope: &'a RawValue,
}

/// What applying a pulled page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PageApplied {
    pub summary: ImportSummary,
    /// The cursor after the page.
    pub cursor: u64,
    /// False when the cursor had already moved past `after` (another sync
    /// applied this page first): nothing was written.
    pub applied: bool,
}

/// One outbox row to push, in id (UUIDv7, so creation) order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: String,
    pub case_id: Option<String>,
    pub kind: String,
    /// The JSON body as queued, byte for byte.
    pub body: String,
    pub created_at: String,
    pub attempts: u32,
}

/// Where a case's local writes stand with the central registry (as DHIS2's
/// TO_POST / SYNCED / ERROR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Nothing of this case has to reach the registry.
    Nothing,
    /// Some writes wait for the next sync.
    Waiting,
    /// Everything the registry must have, it acknowledged.
    Sent,
    /// The registry refused a write (see `reason`); later writes of the case wait behind it.
    Failed,
}

impl SyncState {
    /// The state a queue row computed in SQL (`nothing` for anything else).
    pub fn parse(text: &str) -> SyncState {
        match text {
            "waiting" => SyncState::Waiting,
            "sent" => SyncState::Sent,
            "failed" => SyncState::Failed,
            _ => SyncState::Nothing,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            SyncState::Nothing => "không có gì cần gửi",
            SyncState::Waiting => "chờ gửi",
            SyncState::Sent => "đã gửi",
            SyncState::Failed => "gửi lỗi",
        }
    }
}

/// A row the registry refused for good, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DeadItem {
    pub id: String,
    pub case_id: Option<String>,
    pub kind: String,
    pub reason: String,
    pub at: Option<String>,
}

/// One case's sync state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseSyncState {
    pub case_id: String,
    pub state: SyncState,
    pub waiting: u32,
    pub sent: u32,
    pub failed: u32,
    /// Why the first refused row was refused.
    pub reason: Option<String>,
}

/// What one sync run did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncReport {
    /// Events received from the commune's stream.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pulled: u64,
    /// Of those: new cases, corrections and voids applied.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub applied: u64,
    /// Of those: already held (a replay) or older than what the case has.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unchanged: u64,
    /// Of those: failed verification, kept in the quarantine with the reason.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub quarantined: u64,
    /// Outbox rows the registry acknowledged.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pushed: u64,
    /// Outbox rows the registry refused for good in this run.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub dead: u64,
    /// Outbox rows still waiting after the run.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub waiting: u64,
    /// A newer trust list was fetched and applied.
    pub trust_list_updated: bool,
    /// The pull cursor after the run.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cursor: u64,
    /// Requests retried after a network error, 5xx or 429.
    pub retries: u32,
    pub started_at: String,
    pub finished_at: String,
    /// Why the run stopped early (network down, token refused...); None when it completed.
    pub error: Option<String>,
    /// The same as a stable code: `network`, `deadline`, `unauthorized`, `forbidden`,
    /// `server`, `protocol`, `trust_list_rejected`, or a store error's code.
    pub error_code: Option<String>,
}

/// What the status bar and the sync settings show.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncStatus {
    /// When the last run ended, and when the last run that completed ended.
    pub last_sync_at: Option<String>,
    pub last_success_at: Option<String>,
    /// Why the last run stopped early, if it did.
    pub last_error: Option<String>,
    /// The pull cursor of this workstation's commune.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub cursor: Option<u64>,
    /// Outbox rows waiting to be sent (blocked ones included).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub waiting: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sent: u64,
    /// Rows the registry refused, with the reason; never dropped.
    pub dead: Vec<DeadItem>,
}

/// Whether the workstation reaches the central registry, as the status bar
/// shows it; known from the last background run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    /// No run yet since the app started.
    #[default]
    Unknown,
    /// The last run reached the registry.
    Online,
    /// The last run could not reach it (network down, server down, timeout).
    Offline,
    /// The registry refused the workstation's token.
    Refused,
    /// No server address, no token or no commune: nothing to sync with.
    NotConfigured,
}

/// A run in progress, for the "Sync now" progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncActivity {
    /// `trust_list`, `pull`, `push` or `retrying`.
    pub phase: String,
    /// Events received so far in this run, and the cursor they reached.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pulled: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cursor: u64,
    /// Rows sent so far in this run, and still waiting.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pushed: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub waiting: u64,
    /// Why the last request is being tried again, while it is.
    pub retry_reason: Option<String>,
}

/// Everything the sync indicator and the sync settings show.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncOverview {
    pub connection: Connection,
    /// Why the connection is what it is, in Vietnamese (empty when online).
    pub connection_reason: Option<String>,
    /// The registry's address, if set.
    pub server: Option<String>,
    /// A run is going on; `activity` says how far.
    pub running: bool,
    pub activity: Option<SyncActivity>,
    pub status: SyncStatus,
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Setting that holds the registry's URL (not secret; the token is in the keyring).
const SETTING_SYNC_SERVER: &str = "sync_server_url";

impl Store {
    /// The registry this workstation syncs with, if set.
    pub fn sync_server(&self) -> Result<Option<String>> {
        self.setting(SETTING_SYNC_SERVER)
    }

    /// Sets the registry's URL (`http://` or `https://`).
    pub fn set_sync_server(&self, url: &str) -> Result<()> {
        let url = url.trim().trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(crate::error::invalid(
                "địa chỉ máy chủ",
                "phải bắt đầu bằng http:// hoặc https://",
            ));
        }
        self.set_setting(SETTING_SYNC_SERVER, url)
    }

    /// The last sequence number of `commune`'s stream applied here (0: none).
    pub fn sync_cursor(&self, commune: &str) -> Result<u64> {
        let seq: Option<i64> = self
            .conn
            .query_row(
                "SELECT after_seq FROM sync_cursor WHERE commune = ?1",
                [commune],
                |row| row.get(0),
            )
            .optional()?;
        Ok(seq.map_or(0, to_u64))
    }

    /// Verifies a pulled page exactly as a file import does, then in ONE
    /// transaction applies it (new cases, corrections, voids, quarantine; a
    /// changed notification flags a case in outreach `needs_review`) and moves
    /// the cursor from `after` to `next_cursor`. A page whose `after` is no
    /// longer the stored cursor is not applied (another run was first), so a
    /// replay is a no-op.
    pub fn apply_pulled_page(
        &mut self,
        commune: &str,
        after: u64,
        events: &[PulledEvent<'_>],
        next_cursor: u64,
        now: DateTime<Utc>,
    ) -> Result<PageApplied> {
        let keys = self.trusted_keys()?;
        let envelopes: Vec<&RawValue> = events.iter().map(|e| e.envelope).collect();
        let verified = verify_all(&envelopes, &keys, now);
        let source = format!("đồng bộ xã {commune}");
        // IMMEDIATE: the cursor is read under the write lock it is updated with.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: i64 = tx
            .query_row(
                "SELECT after_seq FROM sync_cursor WHERE commune = ?1",
                [commune],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if to_u64(held) != after {
            return Ok(PageApplied {
                summary: ImportSummary::default(),
                cursor: to_u64(held),
                applied: false,
            });
        }
        let summary = apply_verified(&tx, &envelopes, verified, &source, now)?;
        tx.execute(
            "INSERT INTO sync_cursor (commune, after_seq, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (commune) DO UPDATE SET after_seq = excluded.after_seq, updated_at = excluded.updated_at",
            params![commune, to_i64(next_cursor), now.to_rfc3339()],
        )?;
        tx.commit()?;
        Ok(PageApplied {
            summary,
            cursor: next_cursor,
            applied: true,
        })
    }

    /// Outbox rows to send next, oldest first: waiting rows, except those of
    /// a case with an earlier dead row (they wait until it is dealt with).
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_id, kind, body, created_at, attempts FROM outbox o
             WHERE state IN ('waiting', 'sending')
               AND (o.case_id IS NULL OR NOT EXISTS (
                    SELECT 1 FROM outbox d WHERE d.case_id = o.case_id AND d.state = 'dead' AND d.id < o.id))
             ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |row| {
            Ok(OutboxItem {
                id: row.get(0)?,
                case_id: row.get(1)?,
                kind: row.get(2)?,
                body: row.get(3)?,
                created_at: row.get(4)?,
                attempts: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The registry acknowledged the row (its own transaction, after the ack).
    pub fn outbox_mark_sent(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1, last_error = NULL
             WHERE id = ?1 AND state IN ('waiting', 'sending')",
            params![id, now.to_rfc3339()],
        )?;
        Ok(changed == 1)
    }

    /// The registry refused the row for good: parked with the reason, shown
    /// in the status, never deleted.
    pub fn outbox_mark_dead(&self, id: &str, reason: &str, now: DateTime<Utc>) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = 'dead', dead_at = ?2, attempts = attempts + 1, last_error = ?3
             WHERE id = ?1 AND state IN ('waiting', 'sending')",
            params![id, now.to_rfc3339(), reason],
        )?;
        Ok(changed == 1)
    }

    /// A try that will be repeated (network down, 5xx, 429).
    pub fn outbox_note_failure(&self, id: &str, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2
             WHERE id = ?1 AND state IN ('waiting', 'sending')",
            params![id, error],
        )?;
        Ok(())
    }

    /// Puts a dead row back in line (after the cause was fixed on the server).
    pub fn outbox_retry_dead(&self, id: &str) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = 'waiting', dead_at = NULL WHERE id = ?1 AND state = 'dead'",
            [id],
        )?;
        Ok(changed == 1)
    }

    /// Keeps what a run did for the status view.
    pub fn record_sync_run(&self, report: &SyncReport) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sync_run (started_at, finished_at, ok, pulled, applied, quarantined, pushed, dead, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                report.started_at,
                report.finished_at,
                report.error.is_none(),
                to_i64(report.pulled),
                to_i64(report.applied),
                to_i64(report.quarantined),
                to_i64(report.pushed),
                to_i64(report.dead),
                report.error
            ],
        )?;
        Ok(())
    }

    /// Outbox rows still waiting (blocked ones included).
    pub fn outbox_waiting(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE state IN ('waiting', 'sending')",
            [],
            |row| row.get(0),
        )?;
        Ok(to_u64(n))
    }

    /// Last sync, waiting count, dead rows with their reasons.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let last: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT finished_at, error FROM sync_run ORDER BY id DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let last_success_at: Option<String> = self
            .conn
            .query_row(
                "SELECT finished_at FROM sync_run WHERE ok = 1 ORDER BY id DESC LIMIT 1",
                [],
                |row| row.get(0),
            )
            .optional()?;
        let cursor = match self.setting(crate::store::SETTING_COMMUNE)? {
            Some(commune) => Some(self.sync_cursor(&commune)?),
            None => None,
        };
        let sent: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE state = 'sent'",
            [],
            |row| row.get(0),
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_id, kind, coalesce(last_error, ''), dead_at FROM outbox WHERE state = 'dead' ORDER BY id",
        )?;
        let dead = stmt
            .query_map([], |row| {
                Ok(DeadItem {
                    id: row.get(0)?,
                    case_id: row.get(1)?,
                    kind: row.get(2)?,
                    reason: row.get(3)?,
                    at: row.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let (last_sync_at, last_error) = last.map_or((None, None), |(at, e)| (Some(at), e));
        Ok(SyncStatus {
            last_sync_at,
            last_success_at,
            last_error,
            cursor,
            waiting: self.outbox_waiting()?,
            sent: to_u64(sent),
            dead,
        })
    }

    /// Whether a case's writes reached the registry.
    pub fn case_sync_state(&self, case_id: &str) -> Result<CaseSyncState> {
        let (waiting, sent, failed): (u32, u32, u32) = self.conn.query_row(
            "SELECT count(*) FILTER (WHERE state IN ('waiting', 'sending')),
                    count(*) FILTER (WHERE state = 'sent'),
                    count(*) FILTER (WHERE state = 'dead')
             FROM outbox WHERE case_id = ?1",
            [case_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        let reason: Option<String> = self
            .conn
            .query_row(
                "SELECT last_error FROM outbox WHERE case_id = ?1 AND state = 'dead' ORDER BY id LIMIT 1",
                [case_id],
                |row| row.get(0),
            )
            .optional()?
            .flatten();
        let state = if failed > 0 {
            SyncState::Failed
        } else if waiting > 0 {
            SyncState::Waiting
        } else if sent > 0 {
            SyncState::Sent
        } else {
            SyncState::Nothing
        };
        Ok(CaseSyncState {
            case_id: case_id.to_owned(),
            state,
            waiting,
            sent,
            failed,
            reason,
        })
    }
}
