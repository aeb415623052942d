//! `GET /v1/trust-list`: the signed facility trust list in force, as imported.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::blocking;
use crate::error::Failure;
use crate::state::App;

pub async fn trust_list(State(app): State<Arc<App>>) -> Response {
    match blocking(move || app.storage.trust_list().map_err(Failure::internal)).await {
        Ok(Some((_, raw))) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            raw,
        )
            .into_response(),
        Ok(None) => Failure::new(
            StatusCode::NOT_FOUND,
            "no_trust_list",
            "the registry has no trust list yet",
        )
        .into_response(),
        Err(e) => e.into_response(),
    }
}
