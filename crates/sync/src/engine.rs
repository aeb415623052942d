//! One sync run: trust list, pull, push.

use std::collections::HashSet;

use chrono::Utc;
use hotich_core::sync::{Pulled, PulledDocument, RegistryReceipt};
use hotich_core::{CoreError, ErrorCode, OutboxItem, PulledEvent, Store, SyncReport};
use hotich_protocol::health_loop::CausePage;
use hotich_protocol::paper::PaperTrust;
use hotich_protocol::sync::{
    ApiError, AuditChainHead, EventContent, EventPage, PaperKeySubmission, PushedEvent, StreamEvent,
};
use reqwest::{Method, StatusCode};
use serde_json::value::RawValue;

use crate::http::{http_client, worded, Answer, Client, Stop};
use crate::{SyncError, SyncOptions, SyncProgress};

/// Most pages one run pulls (10 million events at 1000 a page): a bound,
/// not a limit anyone should meet.
const MAX_PAGES: u32 = 10_000;
/// Outbox rows read per query.
const PUSH_BATCH: u32 = 200;

/// Why a run stopped before its end.
#[derive(Debug, thiserror::Error)]
enum Halt {
    #[error(transparent)]
    Network(#[from] Stop),
    #[error(
        "máy chủ từ chối mã truy cập của máy này ({0}); hãy đăng nhập lại (hotich sync login)"
    )]
    Unauthorized(String),
    #[error("máy này không được đọc hay gửi cho xã này: {0}")]
    Forbidden(String),
    #[error("máy chủ trả lời {status}: {message}")]
    Server { status: u16, message: String },
    #[error("máy chủ trả lời sai giao thức: {0}")]
    Protocol(String),
    /// 401 `token_revoked` / `token_expired`: a supervisor enters a new token.
    #[error("{}", worded(ErrorCode::TokenRevoked, Vec::new()))]
    TokenRevoked,
    #[error("{}", worded(ErrorCode::TokenExpired, Vec::new()))]
    TokenExpired,
    #[error("{}", self.redirect_words())]
    Redirected { status: u16, location: String },
    #[error("danh sách tin cậy từ máy chủ bị từ chối: {0}")]
    TrustList(CoreError),
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl Halt {
    fn redirect_words(&self) -> String {
        match self {
            Halt::Redirected { status, location } => worded(
                ErrorCode::Redirected,
                vec![
                    ("status", status.to_string()),
                    ("location", location.clone()),
                ],
            ),
            _ => String::new(),
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            Halt::Network(stop) => stop.code(),
            Halt::TokenRevoked => ErrorCode::TokenRevoked,
            Halt::TokenExpired => ErrorCode::TokenExpired,
            Halt::Redirected { .. } => ErrorCode::Redirected,
            Halt::Unauthorized(_) => ErrorCode::Unauthorized,
            Halt::Forbidden(_) => ErrorCode::Forbidden,
            Halt::Server { .. } => ErrorCode::Server,
            Halt::Protocol(_) => ErrorCode::Protocol,
            Halt::TrustList(_) => ErrorCode::TrustListRejected,
            Halt::Store(e) => e.code(),
        }
    }
}

fn api_message(answer: &Answer) -> String {
    match serde_json::from_slice::<ApiError>(&answer.body) {
        Ok(e) => format!("{}: {}", e.code, e.message),
        Err(_) => String::from_utf8_lossy(&answer.body)
            .chars()
            .take(300)
            .collect(),
    }
}

/// A final answer that is not a success, as a reason to stop.
fn refusal(answer: &Answer) -> Halt {
    if answer.status.is_redirection() {
        return Halt::Redirected {
            status: answer.status.as_u16(),
            location: answer.location.clone().unwrap_or_else(|| "?".into()),
        };
    }
    let code = serde_json::from_slice::<ApiError>(&answer.body).map(|e| e.code);
    match (answer.status, code.as_deref()) {
        (StatusCode::UNAUTHORIZED, Ok("token_revoked")) => return Halt::TokenRevoked,
        (StatusCode::UNAUTHORIZED, Ok("token_expired")) => return Halt::TokenExpired,
        _ => {}
    }
    let message = api_message(answer);
    match answer.status {
        StatusCode::UNAUTHORIZED => Halt::Unauthorized(message),
        StatusCode::FORBIDDEN => Halt::Forbidden(message),
        status => Halt::Server {
            status: status.as_u16(),
            message,
        },
    }
}

/// Runs one sync: trust list, pull, push, paper keys. The report is recorded in the
/// store (the status view reads it) and returned, with `error` set when the
/// run stopped early; a later run resumes where this one stopped.
pub async fn sync_once(
    store: &mut Store,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(&SyncProgress) + Send),
) -> Result<SyncReport, SyncError> {
    let commune = store.office()?.ok_or(SyncError::NoCommune)?.commune_code;
    // The extra CA stored with the registry's address, if any.
    let extra_ca = store.sync_ca_certificate()?;
    let http = http_client(options, extra_ca.as_deref())
        .map_err(|e| SyncError::BadCaCertificate(e.to_string()))?;
    let client = Client::new(http, options);
    let mut run = Run {
        store,
        client,
        commune,
        page_size: options.page_size,
        report: SyncReport {
            started_at: Utc::now().to_rfc3339(),
            ..SyncReport::default()
        },
        progress,
    };
    let outcome = run.all().await;
    let mut report = run.report;
    report.retries = run.client.retries;
    report.cursor = run.store.sync_cursor(&run.commune)?;
    report.waiting = run.store.outbox_waiting()?;
    report.finished_at = Utc::now().to_rfc3339();
    if let Err(halt) = outcome {
        report.error_code = Some(halt.code().as_str().to_owned());
        report.error = Some(halt.to_string());
    }
    run.store.record_sync_run(&report)?;
    Ok(report)
}

/// One run's state: the store, the client, what was done so far.
struct Run<'a> {
    store: &'a mut Store,
    client: Client,
    commune: String,
    page_size: u32,
    report: SyncReport,
    progress: &'a mut (dyn FnMut(&SyncProgress) + Send),
}

impl Run<'_> {
    async fn all(&mut self) -> Result<(), Halt> {
        self.trust_list().await?;
        self.pull().await?;
        self.push().await?;
        self.paper_keys().await?;
        self.causes().await
    }

    /// The causes of death health stations returned for this office's
    /// registered deaths (issue 18, item 1): pulled after their cursor,
    /// verified again and kept beside the registrations
    /// (`Store::apply_pulled_causes`). A registry without the endpoint (an
    /// older one) is left alone.
    async fn causes(&mut self) -> Result<(), Halt> {
        let mut cursor = self.store.cause_cursor(&self.commune)?;
        for _ in 0..MAX_PAGES {
            let path = format!(
                "/v1/communes/{}/causes?after={cursor}&limit={}",
                self.commune, self.page_size
            );
            let answer = self.get(&path).await?;
            match answer.status {
                StatusCode::OK => {}
                StatusCode::NOT_FOUND => return Ok(()),
                _ => return Err(refusal(&answer)),
            }
            let page: CausePage = serde_json::from_slice(&answer.body)
                .map_err(|e| Halt::Protocol(format!("trang nguyên nhân tử vong: {e}")))?;
            let applied = self.store.apply_pulled_causes(
                &self.commune,
                cursor,
                &page.causes,
                page.next_cursor,
                Utc::now(),
            )?;
            self.report.quarantined += applied.quarantined;
            cursor = applied.cursor;
            if !page.has_more {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The office's paper keys: each one the registry has not certified is
    /// submitted (an idempotent PUT), then the trust the registry publishes
    /// is taken in: its certificates of this office's keys, the other
    /// communes', the keys it revoked (`Store::apply_paper_trust`). A
    /// registry without these endpoints (an older one) is left alone.
    async fn paper_keys(&mut self) -> Result<(), Halt> {
        for (key_id, public_key) in self.store.paper_keys_to_submit(Utc::now())? {
            let body = serde_json::to_vec(&PaperKeySubmission { public_key })
                .map_err(|e| Halt::Protocol(e.to_string()))?;
            let path = format!("/v1/paper-keys/{key_id}");
            let answer = self
                .client
                .send(Method::PUT, &path, Some(body), &mut *self.progress)
                .await?;
            match answer.status {
                StatusCode::OK | StatusCode::CREATED => {}
                StatusCode::NOT_FOUND => return Ok(()),
                _ => return Err(refusal(&answer)),
            }
        }
        let answer = self.get("/v1/paper-trust").await?;
        match answer.status {
            StatusCode::OK => {
                let trust: PaperTrust = serde_json::from_slice(&answer.body)
                    .map_err(|e| Halt::Protocol(format!("danh sách tin cậy giấy tờ: {e}")))?;
                self.store.apply_paper_trust(&trust)?;
                Ok(())
            }
            StatusCode::NOT_FOUND => Ok(()),
            _ => Err(refusal(&answer)),
        }
    }

    async fn get(&mut self, path: &str) -> Result<Answer, Halt> {
        Ok(self
            .client
            .send(Method::GET, path, None, &mut *self.progress)
            .await?)
    }

    async fn trust_list(&mut self) -> Result<(), Halt> {
        let answer = self.get("/v1/trust-list").await?;
        match answer.status {
            StatusCode::OK => {
                let summary = self
                    .store
                    .import_trust_list(&answer.body, Utc::now())
                    .map_err(Halt::TrustList)?;
                self.report.trust_list_updated = summary.applied;
                (self.progress)(&SyncProgress::TrustList {
                    updated: summary.applied,
                });
                Ok(())
            }
            // The registry publishes none yet: keep the one held.
            StatusCode::NOT_FOUND => Ok(()),
            _ => Err(refusal(&answer)),
        }
    }

    async fn pull(&mut self) -> Result<(), Halt> {
        let mut cursor = self.store.sync_cursor(&self.commune)?;
        for _ in 0..MAX_PAGES {
            let path = format!(
                "/v1/communes/{}/events?after={cursor}&limit={}",
                self.commune, self.page_size
            );
            let answer = self.get(&path).await?;
            if answer.status != StatusCode::OK {
                return Err(refusal(&answer));
            }
            let page: EventPage = serde_json::from_slice(&answer.body)
                .map_err(|e| Halt::Protocol(format!("trang sự kiện: {e}")))?;
            // The stream is gap-free: the page must continue the cursor exactly.
            for (i, event) in page.events.iter().enumerate() {
                if event.seq != cursor + 1 + i as u64 {
                    return Err(Halt::Protocol(format!(
                        "số thứ tự {} sau {cursor} không liên tục",
                        event.seq
                    )));
                }
            }
            let expected_next = page.events.last().map_or(cursor, |e| e.seq);
            if page.next_cursor != expected_next {
                return Err(Halt::Protocol(format!(
                    "next_cursor {} khác {expected_next}",
                    page.next_cursor
                )));
            }
            if page.events.is_empty() {
                return Ok(());
            }
            let contents = page
                .events
                .iter()
                .map(StreamEvent::content)
                .collect::<Result<Vec<_>, String>>()
                .map_err(Halt::Protocol)?;
            let events: Vec<Pulled<'_>> = page
                .events
                .iter()
                .zip(&contents)
                .map(|(e, content)| match content {
                    EventContent::Envelope(envelope) => Pulled::Envelope(PulledEvent {
                        seq: e.seq,
                        envelope,
                        receipt: e.received_at.map(|at| RegistryReceipt {
                            notification_id: &e.notification_id,
                            at,
                        }),
                    }),
                    EventContent::Document {
                        format,
                        bytes,
                        sender_facility,
                    } => Pulled::Document(PulledDocument {
                        seq: e.seq,
                        notification_id: &e.notification_id,
                        format: *format,
                        bytes,
                        sender_facility: *sender_facility,
                        received_at: e.received_at,
                    }),
                })
                .collect();
            // Verified, applied and the cursor moved in one transaction.
            let applied = self.store.apply_pulled_events(
                &self.commune,
                cursor,
                &events,
                page.next_cursor,
                Utc::now(),
            )?;
            if applied.applied {
                let s = applied.summary;
                self.report.pulled += events.len() as u64;
                self.report.applied += s.imported + s.updated + s.voided;
                self.report.unchanged += s.unchanged;
                self.report.quarantined += s.quarantined;
            }
            cursor = applied.cursor;
            (self.progress)(&SyncProgress::Pulled {
                cursor,
                pulled: self.report.pulled,
            });
            if !page.has_more {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Parks a row the registry refused for good, with the reason; only the
    /// later rows of its case wait behind it.
    fn park(
        &mut self,
        row: &OutboxItem,
        reason: &str,
        dead_cases: &mut HashSet<String>,
    ) -> Result<(), Halt> {
        self.store.outbox_mark_dead(&row.id, reason, Utc::now())?;
        self.report.dead += 1;
        dead_cases.extend(row.case_id.clone());
        Ok(())
    }

    async fn push(&mut self) -> Result<(), Halt> {
        // Each waiting row is tried at most once per run.
        let mut budget = self.store.outbox_waiting()?;
        let mut dead_cases: HashSet<String> = HashSet::new();
        while budget > 0 {
            let rows = self.store.outbox_pending(PUSH_BATCH)?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                if row
                    .case_id
                    .as_ref()
                    .is_some_and(|case| dead_cases.contains(case))
                {
                    continue;
                }
                let body = match RawValue::from_string(row.body.clone()) {
                    Ok(body) => body,
                    Err(e) => {
                        self.park(
                            &row,
                            &format!("nội dung không phải JSON: {e}"),
                            &mut dead_cases,
                        )?;
                        continue;
                    }
                };
                let event = PushedEvent {
                    case_id: row.case_id.clone(),
                    kind: row.kind.clone(),
                    body,
                    created_at: row.created_at.clone(),
                    audit_head: self.store.audit_head()?.map(|head| AuditChainHead {
                        seq: u64::try_from(head.seq).unwrap_or(0),
                        hash: head.hash,
                    }),
                };
                let bytes =
                    serde_json::to_vec(&event).map_err(|e| Halt::Protocol(e.to_string()))?;
                let path = format!("/v1/events/{}", row.id);
                let sent = self
                    .client
                    .send(Method::PUT, &path, Some(bytes), &mut *self.progress)
                    .await;
                let answer = match sent {
                    Ok(answer) => answer,
                    Err(stop) => {
                        self.store.outbox_note_failure(&row.id, &stop.to_string())?;
                        return Err(stop.into());
                    }
                };
                match answer.status {
                    StatusCode::OK | StatusCode::CREATED => {
                        // The ack is in: mark it, in its own transaction.
                        self.store.outbox_mark_sent(&row.id, Utc::now())?;
                        self.report.pushed += 1;
                    }
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                        return Err(refusal(&answer))
                    }
                    status if status.is_client_error() => {
                        let reason = format!("{}: {}", status.as_u16(), api_message(&answer));
                        self.park(&row, &reason, &mut dead_cases)?;
                    }
                    _ => return Err(refusal(&answer)),
                }
                (self.progress)(&SyncProgress::Pushed {
                    pushed: self.report.pushed,
                    waiting: budget,
                });
            }
        }
        Ok(())
    }
}
