//! The outbox: local writes waiting to reach the central registry. The
//! only writer of the `outbox` table: every write that must reach the
//! registry calls [`queue_for_sync`] in its own transaction, and the sync
//! run marks rows sent, refused (`dead`) or retried here. Reads `outbox`
//! only.

use chrono::{DateTime, Utc};
use hotich_common::sqlite::to_u64;
use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::sql::{from_row, optional_value};
use crate::store::Store;

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
        crate::labels::sync_state(crate::labels::Lang::Vi, self)
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

/// A local write waiting to reach the central registry, queued in the
/// transaction of the write itself. `body` is sent as its JSON text.
pub(crate) fn queue_for_sync(
    tx: &Transaction<'_>,
    case_id: &str,
    kind: &str,
    body: &impl Serialize,
    at: &str,
) -> Result<()> {
    queue_row(tx, Some(case_id), kind, body, at)
}

/// Queues a write that belongs to no case (a spoiled blank), like
/// [`queue_for_sync`] with the case left empty.
pub(crate) fn queue_office_event(
    tx: &Transaction<'_>,
    kind: &str,
    body: &impl Serialize,
    at: &str,
) -> Result<()> {
    queue_row(tx, None, kind, body, at)
}

fn queue_row(
    tx: &Transaction<'_>,
    case_id: Option<&str>,
    kind: &str,
    body: &impl Serialize,
    at: &str,
) -> Result<()> {
    let body = serde_json::to_string(body).map_err(|e| crate::error::CoreError::Corrupt {
        what: "outbox".into(),
        reason: e.to_string(),
    })?;
    tx.prepare_cached(
        "INSERT INTO outbox (id, case_id, kind, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        case_id,
        kind,
        body,
        at
    ])?;
    Ok(())
}

impl Store {
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
            Ok(from_row!(row => OutboxItem { id, case_id, kind, body, created_at, attempts }))
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

    /// Outbox rows still waiting (blocked ones included).
    pub fn outbox_waiting(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE state IN ('waiting', 'sending')",
            [],
            |row| row.get(0),
        )?;
        Ok(to_u64(n))
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
        let reason: Option<String> = optional_value(&self.conn, "SELECT last_error FROM outbox WHERE case_id = ?1 AND state = 'dead' ORDER BY id LIMIT 1", [case_id])?
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

    /// Rows the registry acknowledged.
    pub(crate) fn outbox_sent(&self) -> Result<u64> {
        let sent: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE state = 'sent'",
            [],
            |row| row.get(0),
        )?;
        Ok(to_u64(sent))
    }

    /// Rows the registry refused, with their reasons, oldest first.
    pub(crate) fn outbox_dead(&self) -> Result<Vec<DeadItem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_id, kind, coalesce(last_error, '') AS reason, dead_at AS at
             FROM outbox WHERE state = 'dead' ORDER BY id",
        )?;
        let dead = stmt
            .query_map([], |row| {
                Ok(from_row!(row => DeadItem { id, case_id, kind, reason, at }))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(dead)
    }
}
