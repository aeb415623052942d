//! `GET /v1/health`: the server runs and its storage answers.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::blocking;
use crate::error::Failure;
use crate::state::App;

pub async fn health(State(app): State<Arc<App>>) -> Response {
    match blocking(move || app.storage.ping().map_err(Failure::internal)).await {
        Ok(()) => axum::Json(serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
        }))
        .into_response(),
        Err(e) => {
            Failure::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.message).into_response()
        }
    }
}
