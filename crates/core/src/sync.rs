//! The store's side of sync with the central registry: the pull cursor
//! advanced in the same transaction as the page it applied, the record of
//! each run, and the status the desktop shell shows (last sync, waiting
//! count, dead items). The outbox itself is [`crate::outbox`]'s.
//! No network here: `hotich-sync` calls these between its requests, and no
//! transaction is ever held across one.
//!
//! Writes `sync_cursor`, `sync_run` and `notification_arrival` (when the
//! registry received each notification, as its stream says), and, through intake, the pulled
//! notifications; the registry's address through the settings). Reads
//! `outbox` through [`crate::outbox`].

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::Result;
use crate::intake::{apply_verified, import_relayed, verify_all};
use crate::model::ImportSummary;
use crate::sql::optional_value;
use crate::store::Store;
use hotich_common::sqlite::{to_i64, to_u64};
use hotich_common::url::{ServerUrl, ServerUrlError};
use hotich_protocol::sync::DocumentFormat;

use crate::error::{InputField, InputReason};

// The outbox's types, at the path callers have always used.
pub use crate::outbox::{CaseSyncState, DeadItem, OutboxItem, SyncState};

/// One event of the commune's stream as pulled: its per-commune sequence
/// number and the signed envelope exactly as the server sent it.
#[derive(Debug, Clone, Copy)]
pub struct PulledEvent<'a> {
    pub seq: u64,
    pub envelope: &'a RawValue,
    /// When the registry received it, if its stream says.
    pub receipt: Option<RegistryReceipt<'a>>,
}

/// When the registry received a notification: the health side's arrival,
/// which the timeliness statistics count working hours to.
#[derive(Debug, Clone, Copy)]
pub struct RegistryReceipt<'a> {
    pub notification_id: &'a str,
    pub at: DateTime<Utc>,
}

/// An official document the registry relayed (see
/// [`hotich_protocol::sync::StreamEvent`]): the facility's bytes, checked
/// again here against this office's own trust.
#[derive(Debug, Clone, Copy)]
pub struct PulledDocument<'a> {
    pub seq: u64,
    /// The one record of the file this event is about.
    pub notification_id: &'a str,
    pub format: DocumentFormat,
    pub bytes: &'a [u8],
    /// The facility the registry authenticated as the sender, if any.
    pub sender_facility: Option<&'a str>,
    /// When the registry received it, if its stream says.
    pub received_at: Option<DateTime<Utc>>,
}

/// One pulled event, in stream order.
#[derive(Debug, Clone, Copy)]
pub enum Pulled<'a> {
    Envelope(PulledEvent<'a>),
    Document(PulledDocument<'a>),
}

impl<'a> Pulled<'a> {
    fn envelope(&self) -> Option<&'a RawValue> {
        match self {
            Pulled::Envelope(e) => Some(e.envelope),
            Pulled::Document(_) => None,
        }
    }

    fn receipt(&self) -> Option<RegistryReceipt<'a>> {
        match self {
            Pulled::Envelope(e) => e.receipt,
            Pulled::Document(d) => d.received_at.map(|at| RegistryReceipt {
                notification_id: d.notification_id,
                at,
            }),
        }
    }
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

/// The registry's address as [`ServerUrl`] parses it (the one rule for every
/// front end: `https://`, or `http://` to this computer only), refused with
/// the reason that fits.
pub fn parse_server_url(text: &str) -> Result<ServerUrl> {
    ServerUrl::parse(text).map_err(|e| {
        let reason = match e {
            ServerUrlError::PlainHttpNotLoopback => InputReason::HttpOnlyLoopback,
            ServerUrlError::Scheme | ServerUrlError::Invalid(_) => InputReason::NotHttpUrl,
        };
        crate::error::invalid(InputField::Server, reason)
    })
}

/// Setting that holds the registry's URL (not secret; the token is in the keyring).
const SETTING_SYNC_SERVER: &str = "sync_server_url";
/// Setting that holds an extra CA certificate (PEM) for the registry; empty: none.
const SETTING_SYNC_CA: &str = "sync_ca_pem";

impl Store {
    /// The registry this workstation syncs with, if set.
    pub fn sync_server(&self) -> Result<Option<String>> {
        self.setting(SETTING_SYNC_SERVER)
    }

    /// Sets the registry's URL, parsed by [`parse_server_url`].
    pub fn set_sync_server(&self, url: &str) -> Result<()> {
        let url = parse_server_url(url)?;
        self.set_setting(SETTING_SYNC_SERVER, url.as_str())
    }

    /// The extra CA certificate(s) (PEM) trusted for the registry, if one
    /// was given (a province CA); stored with the registry's address.
    pub fn sync_ca_certificate(&self) -> Result<Option<String>> {
        Ok(self
            .setting(SETTING_SYNC_CA)?
            .filter(|pem| !pem.trim().is_empty()))
    }

    /// Sets (or, with None, clears) the extra CA certificate(s) trusted for
    /// the registry. `hotich_sync::set_ca_certificate` checks the role and
    /// the PEM first.
    pub fn set_sync_ca_certificate(&self, pem: Option<&str>) -> Result<()> {
        self.set_setting(SETTING_SYNC_CA, pem.unwrap_or(""))
    }

    /// The last sequence number of `commune`'s stream applied here (0: none).
    pub fn sync_cursor(&self, commune: &str) -> Result<u64> {
        let seq: Option<i64> = optional_value(
            &self.conn,
            "SELECT after_seq FROM sync_cursor WHERE commune = ?1",
            [commune],
        )?;
        Ok(seq.map_or(0, to_u64))
    }

    /// Verifies a pulled page of envelopes exactly as a file import does;
    /// [`Store::apply_pulled_events`] with envelopes only.
    pub fn apply_pulled_page(
        &mut self,
        commune: &str,
        after: u64,
        events: &[PulledEvent<'_>],
        next_cursor: u64,
        now: DateTime<Utc>,
    ) -> Result<PageApplied> {
        let events: Vec<Pulled<'_>> = events.iter().copied().map(Pulled::Envelope).collect();
        self.apply_pulled_events(commune, after, &events, next_cursor, now)
    }

    /// Verifies a pulled page, then in ONE transaction applies it in stream
    /// order (new cases, corrections, voids, quarantine; a changed
    /// notification flags a case in outreach `needs_review`) and moves the
    /// cursor from `after` to `next_cursor`. Envelopes are verified as a file
    /// import does; a relayed official XML file is verified again from its
    /// bytes against this office's X.509 trust tables at `now` (what fails is
    /// quarantined here with its reason, never dropped). A page whose `after`
    /// is no longer the stored cursor is not applied (another run was
    /// first), so a replay is a no-op.
    pub fn apply_pulled_events(
        &mut self,
        commune: &str,
        after: u64,
        events: &[Pulled<'_>],
        next_cursor: u64,
        now: DateTime<Utc>,
    ) -> Result<PageApplied> {
        let envelopes: Vec<&RawValue> = events.iter().filter_map(Pulled::envelope).collect();
        // The JWS trust list is needed for envelopes only: a page of relayed
        // official XML or FHIR is checked against the X.509 trust alone.
        let verified = if envelopes.is_empty() {
            Vec::new()
        } else {
            verify_all(&envelopes, &self.trusted_keys()?, now)
        };
        let mut verified = verified.into_iter();
        let source = format!("đồng bộ xã {commune}");
        // IMMEDIATE: the cursor is read under the write lock it is updated with.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: i64 = optional_value(
            &tx,
            "SELECT after_seq FROM sync_cursor WHERE commune = ?1",
            [commune],
        )?
        .unwrap_or(0);
        if to_u64(held) != after {
            return Ok(PageApplied {
                summary: ImportSummary::default(),
                cursor: to_u64(held),
                applied: false,
            });
        }
        let mut summary = ImportSummary::default();
        let mut x509 = None;
        // Runs of envelopes go through intake together; documents one by one,
        // in their place in the stream.
        for run in
            events.chunk_by(|a, b| matches!((a, b), (Pulled::Envelope(_), Pulled::Envelope(_))))
        {
            match run {
                [Pulled::Document(document)] => {
                    let (trust, facilities) = match &x509 {
                        Some(material) => material,
                        None => x509.insert(crate::x509_trust::receipt_material(&tx)?),
                    };
                    summary.add(&import_relayed(
                        &tx,
                        document,
                        trust,
                        facilities,
                        &self.calendar,
                        &source,
                        now,
                    )?);
                }
                envelope_run => {
                    let chunk: Vec<&RawValue> =
                        envelope_run.iter().filter_map(Pulled::envelope).collect();
                    let results = verified.by_ref().take(chunk.len()).collect();
                    summary.add(&apply_verified(
                        &tx,
                        &self.calendar,
                        &chunk,
                        results,
                        &source,
                        now,
                    )?);
                }
            }
        }
        for receipt in events.iter().filter_map(Pulled::receipt) {
            // The earliest receipt of a notification is its arrival.
            tx.prepare_cached(
                "INSERT INTO notification_arrival (notification_id, registry_received_at)
                 VALUES (?1, ?2)
                 ON CONFLICT (notification_id) DO UPDATE
                 SET registry_received_at = min(registry_received_at, excluded.registry_received_at)",
            )?
            .execute(params![receipt.notification_id, receipt.at.to_rfc3339()])?;
        }
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
        let last_success_at: Option<String> = optional_value(
            &self.conn,
            "SELECT finished_at FROM sync_run WHERE ok = 1 ORDER BY id DESC LIMIT 1",
            [],
        )?;
        let cursor = match self.setting(crate::store::SETTING_COMMUNE)? {
            Some(commune) => Some(self.sync_cursor(&commune)?),
            None => None,
        };
        let (last_sync_at, last_error) = last.map_or((None, None), |(at, e)| (Some(at), e));
        Ok(SyncStatus {
            last_sync_at,
            last_success_at,
            last_error,
            cursor,
            waiting: self.outbox_waiting()?,
            sent: self.outbox_sent()?,
            dead: self.outbox_dead()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registry_address_is_https_or_plain_http_to_this_computer() {
        let url = parse_server_url(" https://registry.example.vn/ ").unwrap();
        assert_eq!(url.as_str(), "https://registry.example.vn");
        assert!(parse_server_url("http://localhost:8787").is_ok());
        for (text, reason) in [
            ("http://10.0.0.5:8787", "http_only_loopback"),
            ("ftp://registry.example.vn", "not_http_url"),
        ] {
            let refused = parse_server_url(text).unwrap_err();
            assert_eq!(refused.params()["reason"], reason, "{text}");
        }
        let refused = parse_server_url("http://registry.example.vn").unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("chỉ dùng cho máy chủ trên chính máy này"),
            "{refused}"
        );
    }
}
