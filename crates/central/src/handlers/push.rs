//! `PUT /v1/events/{id}`: a workstation pushes one outbox row, idempotently.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use hotich_protocol::sync::{PushAck, PushedEvent};

use super::blocking;
use crate::auth::WorkstationAuth;
use crate::error::Failure;
use crate::state::App;
use crate::storage::{HeadVerdict, PushedRecord, PutOutcome};

fn invalid_event(message: impl Into<String>) -> Failure {
    Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_event", message)
}

/// The checks a pushed row must pass; a failure is final (the workstation
/// parks the row as dead with this message).
fn validate_push(id: &str, event: &PushedEvent) -> Result<(), Failure> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(invalid_event(format!("id {id:?} is not a UUID")));
    }
    let kind_ok = !event.kind.is_empty()
        && event.kind.len() <= 64
        && event
            .kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'_');
    if !kind_ok {
        return Err(invalid_event(format!(
            "kind {:?} must be 1-64 lowercase letters or _",
            event.kind
        )));
    }
    if !event.body.get().trim_start().starts_with('{') {
        return Err(invalid_event("body must be a JSON object"));
    }
    if chrono::DateTime::parse_from_rfc3339(&event.created_at).is_err() {
        return Err(invalid_event(format!(
            "created_at {:?} is not an RFC 3339 time",
            event.created_at
        )));
    }
    if event
        .case_id
        .as_ref()
        .is_some_and(|c| c.is_empty() || c.len() > 64)
    {
        return Err(invalid_event("case_id must be 1-64 characters"));
    }
    if event
        .audit_head
        .as_ref()
        .is_some_and(|head| !head.is_well_formed())
    {
        return Err(invalid_event(
            "audit_head must have a seq from 1 and a hash of 64 lowercase hex digits",
        ));
    }
    Ok(())
}

pub async fn push(
    State(app): State<Arc<App>>,
    WorkstationAuth(workstation): WorkstationAuth,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let body = body.map_err(|e| Failure::body_rejected(&e))?;
    let event: PushedEvent =
        serde_json::from_slice(&body).map_err(|e| Failure::bad_request(e.to_string()))?;
    validate_push(&id, &event)?;
    let record = PushedRecord {
        case_id: event.case_id,
        kind: event.kind,
        body: event.body.get().to_owned(),
        created_at: event.created_at,
    };
    let storage = app.storage.clone();
    let key = id.clone();
    let audit_head = event.audit_head;
    let outcome = blocking(move || {
        let now = Utc::now();
        if let Some(head) = &audit_head {
            let verdict = storage
                .note_audit_head(&workstation, head, now)
                .map_err(Failure::internal)?;
            if verdict == HeadVerdict::WentBack {
                // The operator's signal (no personal data: ids and positions).
                tracing::warn!(
                    workstation = %workstation.id,
                    reported_seq = head.seq,
                    "audit chain went backwards"
                );
            }
        }
        storage
            .put_event(&workstation, &key, &record, now)
            .map_err(Failure::internal)
    })
    .await?;
    let ack = |status: StatusCode, text: &str| {
        (
            status,
            axum::Json(PushAck {
                id: id.clone(),
                status: text.to_owned(),
            }),
        )
            .into_response()
    };
    app.metrics.pushed(match outcome {
        PutOutcome::Created => "created",
        PutOutcome::Replayed => "replayed",
        PutOutcome::Conflict => "conflict",
    });
    match outcome {
        PutOutcome::Created => Ok(ack(StatusCode::CREATED, "created")),
        PutOutcome::Replayed => Ok(ack(StatusCode::OK, "replayed")),
        PutOutcome::Conflict => Err(Failure::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("event {id} was stored before with other content"),
        )),
    }
}
