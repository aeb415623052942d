//! `POST /v1/notifications`: a health facility posts signed envelopes; each
//! is verified against the trust list and appended to the stream of the
//! commune responsible for it (see [`crate::jurisdiction`]). The body's
//! `Content-Type` picks the door: JSON (or none) for envelopes, official
//! signed XML and FHIR in [`super::documents`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use hotich_protocol::sync::{PostOutcome, PostReport};
use hotich_protocol::verify::{is_commune_code, MAX_ENVELOPE_BYTES};
use hotich_protocol::{verify_notification, TrustedKeys};

use super::{blocking, documents};
use crate::auth::FacilityCredential;
use crate::error::Failure;
use crate::jurisdiction::responsible_commune;
use crate::state::App;
use crate::storage::{Appended, Incoming, PilotNotice};

/// Most envelopes one `POST /v1/notifications` may carry.
pub const MAX_POST_ITEMS: usize = 1_000;

/// The trust list's keys, reloaded when a newer list was imported.
pub(super) fn current_keys(app: &App) -> Result<Arc<TrustedKeys>, Failure> {
    let stored = app
        .storage
        .trust_list_sequence()
        .map_err(Failure::internal)?;
    let Some(sequence) = stored else {
        return Err(Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_trust_list",
            "the registry has no trust list yet (hotich-central trust import)",
        ));
    };
    {
        let held = app
            .keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.0 == sequence {
            return Ok(held.1.clone());
        }
    }
    let facilities = app.storage.facility_keys().map_err(Failure::internal)?;
    let keys = Arc::new(TrustedKeys::from_facilities(&facilities).map_err(Failure::internal)?);
    *app.keys
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = (sequence, keys.clone());
    Ok(keys)
}

/// What a post's `Content-Type` says it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    Envelopes,
    Xml,
    Fhir,
}

fn door(headers: &HeaderMap) -> Result<Door, Failure> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(Door::Envelopes);
    };
    let essence = value
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "" | "application/json" | "application/jose+json" => Ok(Door::Envelopes),
        "application/xml" | "text/xml" => Ok(Door::Xml),
        "application/fhir+json" => Ok(Door::Fhir),
        _ => Err(Failure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type must be application/json (JWS envelopes), application/xml or application/fhir+json",
        )),
    }
}

pub async fn post_notifications(
    State(app): State<Arc<App>>,
    FacilityCredential(sender): FacilityCredential,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let door = door(&headers)?;
    let body = body.map_err(|e| Failure::body_rejected(&e))?;
    let counted = app.clone();
    let report = match door {
        Door::Envelopes => blocking(move || verify_and_append(&app, &body)).await?,
        Door::Xml => blocking(move || documents::post_xml(&app, &body, sender.as_ref())).await?,
        Door::Fhir => blocking(move || documents::post_fhir(&app, &body, sender.as_ref())).await?,
    };
    for outcome in &report.results {
        counted.metrics.notification(&outcome.status);
    }
    Ok(axum::Json(report).into_response())
}

/// The outcomes in posted order: each refused item's, with the appended
/// ones filling the gaps (`None`) in turn.
pub(super) fn merge_outcomes(
    refused: Vec<Option<PostOutcome>>,
    mut appended: impl Iterator<Item = PostOutcome>,
) -> Result<Vec<PostOutcome>, Failure> {
    refused
        .into_iter()
        .map(|r| {
            r.or_else(|| appended.next())
                .ok_or_else(|| Failure::internal("outcome missing"))
        })
        .collect()
}

/// The outcome of one record the storage appended.
pub(super) fn appended_outcome(
    notification_id: String,
    version: u32,
    outcome: Appended,
) -> PostOutcome {
    let (status, commune, seq) = match outcome {
        Appended::Stored { commune, seq } => ("stored", Some(commune), Some(seq)),
        Appended::Duplicate { commune, seq } => ("duplicate", Some(commune), Some(seq)),
        Appended::Conflict => ("conflict", None, None),
    };
    PostOutcome {
        status: status.into(),
        notification_id: Some(notification_id),
        version: Some(version),
        commune,
        seq,
        code: None,
        detail: None,
    }
}

/// The commune a refused envelope's payload names, read without trusting
/// it.
fn claimed_commune(raw: &str) -> Option<String> {
    let envelope: hotich_protocol::SignedEnvelope = serde_json::from_str(raw).ok()?;
    let payload = hotich_protocol::jws::unb64(&envelope.payload).ok()?;
    let payload: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    Some(payload.get("commune_code")?.as_str()?.to_owned())
}

/// Counts a record refused at the door for the commune it names, when that
/// reads as a commune code (the province's page: "refused", so the commune
/// asks its facility again): the reason's code, nothing of the content.
pub(super) fn count_refused(
    app: &App,
    commune: Option<&str>,
    reason: &str,
    now: chrono::DateTime<Utc>,
) -> Result<(), Failure> {
    match commune {
        Some(commune) if is_commune_code(commune) => app
            .storage
            .note_refused(commune, reason, now)
            .map_err(Failure::internal),
        _ => Ok(()),
    }
}

fn verify_and_append(app: &App, body: &[u8]) -> Result<PostReport, Failure> {
    let envelopes = hotich_protocol::jws::split_envelopes(body).map_err(Failure::bad_request)?;
    if envelopes.len() > MAX_POST_ITEMS {
        return Err(Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("at most {MAX_POST_ITEMS} envelopes per request"),
        ));
    }
    let keys = current_keys(app)?;
    let now = Utc::now();
    let mut results: Vec<Option<PostOutcome>> = Vec::with_capacity(envelopes.len());
    let mut incoming = Vec::new();
    for raw in &envelopes {
        match verify_notification(raw.get().as_bytes(), &keys, now) {
            Ok(verified) => {
                let n = &verified.notification;
                incoming.push(Incoming {
                    notification_id: n.notification_id.clone(),
                    version: n.version,
                    envelope: raw.get().to_owned(),
                    content_commune: responsible_commune(n).map(str::to_owned),
                    claimed_commune: n.commune_code.clone(),
                    pilot: PilotNotice::of(n),
                });
                results.push(None);
            }
            Err(rejection) => {
                let commune = claimed_commune(raw.get());
                count_refused(app, commune.as_deref(), rejection.reason.code(), now)?;
                results.push(Some(PostOutcome {
                    status: "rejected".into(),
                    notification_id: rejection.notification_id,
                    version: rejection.version,
                    commune: None,
                    seq: None,
                    code: Some(rejection.reason.code().into()),
                    detail: Some(rejection.detail.chars().take(MAX_ENVELOPE_BYTES).collect()),
                }));
            }
        }
    }
    let appended = app
        .storage
        .append_notifications(&incoming, now)
        .map_err(Failure::internal)?;
    let appended = incoming
        .into_iter()
        .zip(appended)
        .map(|(item, outcome)| appended_outcome(item.notification_id, item.version, outcome));
    let results = merge_outcomes(results, appended)?;
    Ok(PostReport { results })
}
