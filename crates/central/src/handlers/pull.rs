//! `GET /v1/communes/{commune}/events`: a workstation reads its own
//! commune's stream, a page after its cursor.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use hotich_protocol::sync::{DEFAULT_PAGE, MAX_PAGE};
use hotich_protocol::verify::is_commune_code;
use serde::Deserialize;

use super::blocking;
use crate::auth::WorkstationAuth;
use crate::error::Failure;
use crate::state::App;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullQuery {
    after: Option<u64>,
    limit: Option<u32>,
}

/// The most bytes of envelopes and documents one page carries: a page of
/// large relayed documents ends early (`has_more`), so no answer grows past
/// what a commune's link and the server's memory bear, whatever `limit`.
pub const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

pub async fn pull(
    State(app): State<Arc<App>>,
    workstation: WorkstationAuth,
    Path(commune): Path<String>,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Response, Failure> {
    let Query(query) = query.map_err(|e| Failure::bad_request(e.body_text()))?;
    if !is_commune_code(&commune) {
        return Err(Failure::bad_request("a commune code has 5 digits"));
    }
    workstation.own_commune(&commune)?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Failure::bad_request(format!(
            "limit must be between 1 and {MAX_PAGE}"
        )));
    }
    let after = query.after.unwrap_or(0);
    let storage = app.storage.clone();
    let (events, has_more) = blocking(move || {
        storage
            .events_after(&commune, after, limit, MAX_PAGE_BYTES)
            .map_err(Failure::internal)
    })
    .await?;
    app.metrics.pulled(events.len());
    // The envelopes go out as stored, without parsing them again.
    let mut out =
        String::with_capacity(64 + events.iter().map(|e| e.envelope.len() + 96).sum::<usize>());
    out.push_str("{\"events\":[");
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let head = format!(
            "{{\"seq\":{},\"notification_id\":{},\"version\":{},\"received_at\":{},",
            e.seq,
            serde_json::Value::String(e.notification_id.clone()),
            e.version,
            serde_json::Value::String(e.received_at.clone()),
        );
        out.push_str(&head);
        match &e.document {
            // A relayed document: its format, its bytes (base64), its sender.
            Some(document) => {
                use base64::Engine as _;
                out.push_str(&format!(
                    "\"format\":{},\"document\":\"{}\"",
                    serde_json::Value::String(e.format.clone()),
                    base64::engine::general_purpose::STANDARD.encode(document)
                ));
                if let Some(sender) = &e.sender_facility {
                    out.push_str(&format!(
                        ",\"sender_facility\":{}",
                        serde_json::Value::String(sender.clone())
                    ));
                }
                out.push('}');
            }
            None => out.push_str(&format!("\"envelope\":{}}}", e.envelope)),
        }
    }
    let next_cursor = events.last().map_or(after, |e| e.seq);
    out.push_str(&format!(
        "],\"next_cursor\":{next_cursor},\"has_more\":{has_more}}}"
    ));
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        out,
    )
        .into_response())
}
