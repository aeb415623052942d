//! `GET /metrics`: the registry's figures in the OpenMetrics text format,
//! for the bearer of the operator's metrics token only (`serve
//! --metrics-token-file`); a registry started without one has no such
//! endpoint (404).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::auth::{bearer, token_hash};
use crate::error::Failure;
use crate::state::App;

/// What Prometheus reads the OpenMetrics text as.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

pub async fn metrics(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, Failure> {
    let Some(expected) = app.metrics_token_sha256.as_deref() else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such endpoint",
        ));
    };
    if bearer(&headers).map(token_hash).as_deref() != Some(expected) {
        return Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the operator's metrics token is required",
        ));
    }
    if let Some(pool) = app.storage.pool_use() {
        app.metrics.pool(pool);
    }
    let text = app.metrics.encode().map_err(Failure::internal)?;
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response())
}
