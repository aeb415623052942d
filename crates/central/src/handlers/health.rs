//! `GET /v1/health`: up or down, and nothing more to the public (a version
//! or a database's state helps an attacker more than a load balancer). The
//! bearer of the operator's metrics token (`serve --metrics-token-file`)
//! also reads the version, the trust list in force and the database pool.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::blocking;
use crate::auth::{bearer, token_hash};
use crate::error::Failure;
use crate::state::App;

/// What the operator reads besides up or down.
#[derive(Debug, Serialize)]
struct OperatorDetails {
    version: &'static str,
    /// The trust list's sequence; none imported yet: null.
    trust_list_sequence: Option<u64>,
    /// The database pool's connections (PostgreSQL; SQLite has none).
    database_pool: Option<Pool>,
}

#[derive(Debug, Serialize)]
struct Pool {
    open: u32,
    idle: u32,
    max: u32,
}

#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    details: Option<OperatorDetails>,
}

pub async fn health(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let operator = app
        .metrics_token_sha256
        .as_deref()
        .is_some_and(|expected| bearer(&headers).map(token_hash).as_deref() == Some(expected));
    let storage = app.storage.clone();
    let checked = blocking(move || {
        storage.ping().map_err(Failure::internal)?;
        if !operator {
            return Ok(None);
        }
        let trust_list_sequence = storage.trust_list_sequence().map_err(Failure::internal)?;
        Ok(Some(OperatorDetails {
            version: env!("CARGO_PKG_VERSION"),
            trust_list_sequence,
            database_pool: storage.pool_use().map(|pool| Pool {
                open: pool.open,
                idle: pool.idle,
                max: pool.max,
            }),
        }))
    })
    .await;
    match checked {
        Ok(details) => axum::Json(Health {
            status: "up",
            details,
        })
        .into_response(),
        // Down: the reason is in the log under the internal error's id.
        Err(_) => Failure::unavailable("unavailable", "the registry's storage does not answer", 5)
            .into_response(),
    }
}
