//! `PUT /v1/paper-keys/{key_id}`: a workstation submits its office's
//! paper-signing public key for the operator to certify; `GET
//! /v1/paper-trust`: the registry root, the certificates it issued and the
//! keys it revoked, public (rate-limited per address, CORS `*`), for anyone
//! checking a printed paper ([`crate::paper_keys`]).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use hotich_protocol::jws::verifying_key_from_b64;
use hotich_protocol::sync::{PaperKeyAck, PaperKeySubmission};

use super::blocking;
use crate::auth::WorkstationAuth;
use crate::error::Failure;
use crate::state::App;
use crate::storage::KeySubmission;

/// A key id: what a workstation makes (`01864-20261201-a1b2`), bounded.
fn valid_key_id(key_id: &str) -> bool {
    (1..=100).contains(&key_id.len())
        && key_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

fn invalid_key(message: impl Into<String>) -> Failure {
    Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_key", message)
}

pub async fn submit_paper_key(
    State(app): State<Arc<App>>,
    WorkstationAuth(workstation): WorkstationAuth,
    Path(key_id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let body = body.map_err(|e| Failure::body_rejected(&e))?;
    let submission: PaperKeySubmission =
        serde_json::from_slice(&body).map_err(|e| Failure::bad_request(e.to_string()))?;
    if !valid_key_id(&key_id) {
        return Err(invalid_key(
            "key_id must be 1-100 letters, digits, '-', '_' or '.'",
        ));
    }
    if verifying_key_from_b64(&submission.public_key).is_err() {
        return Err(invalid_key(
            "public_key is not the base64url of an Ed25519 public key",
        ));
    }
    let storage = app.storage.clone();
    let id = key_id.clone();
    let outcome = blocking(move || {
        storage
            .submit_paper_key(&workstation, &id, &submission.public_key, Utc::now())
            .map_err(Failure::internal)
    })
    .await?;
    let ack = |status: StatusCode, text: &str| {
        let body = PaperKeyAck {
            key_id: key_id.clone(),
            status: text.to_owned(),
        };
        (status, Json(body)).into_response()
    };
    match outcome {
        KeySubmission::Stored => Ok(ack(StatusCode::CREATED, "stored")),
        KeySubmission::Same => Ok(ack(StatusCode::OK, "same")),
        KeySubmission::Conflict => Err(Failure::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("paper key {key_id} was submitted before with another key or commune"),
        )),
    }
}

pub async fn paper_trust(State(app): State<Arc<App>>) -> Result<Response, Failure> {
    let storage = app.storage.clone();
    let trust = blocking(move || {
        crate::paper_keys::published_trust(storage.as_ref()).map_err(Failure::internal)
    })
    .await?;
    let Some(trust) = trust else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "no_root_key",
            "the registry has no root key yet",
        ));
    };
    let mut response = Json(trust).into_response();
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}
