//! `GET /v1/papers/{serial}`: a printed copy's current status, public (no
//! token; rate-limited per address), for anyone checking a paper. Answers
//! from what workstations pushed (`Storage::paper_status`); any page may
//! ask it (CORS `*`: the static verification page runs from a file too).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotich_protocol::paper::{code_of_serial, serial_of_code, PaperStatus, PaperStatusAnswer};

use super::blocking;
use crate::error::Failure;
use crate::state::App;

/// The answer for a copy the registry holds: withdrawn first, then
/// superseded (amended after printing), else valid.
fn status_of(serial: String, record: Option<crate::storage::PaperRecord>) -> PaperStatusAnswer {
    let day = |at: &str| hotich_common::time::office_day_of(at);
    let (status, since) = match record {
        None => (PaperStatus::Unknown, None),
        Some(record) => match (record.withdrawn_at, record.amended_at) {
            (Some(at), _) => (PaperStatus::Withdrawn, day(&at)),
            (None, Some(at)) => (PaperStatus::Superseded, day(&at)),
            (None, None) => (PaperStatus::Valid, None),
        },
    };
    PaperStatusAnswer {
        serial,
        status,
        since,
    }
}

pub async fn paper_status(
    State(app): State<Arc<App>>,
    Path(typed): Path<String>,
) -> Result<Response, Failure> {
    let answer = match serial_of_code(&typed) {
        // Not a code at all: nobody printed it.
        None => status_of(typed.chars().take(32).collect(), None),
        Some(serial) => {
            let code = code_of_serial(&serial);
            let key = code.clone();
            let record =
                blocking(move || app.storage.paper_status(&key).map_err(Failure::internal)).await?;
            status_of(code, record)
        }
    };
    let mut response = Json(answer).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    // A status changes: a checker asks again rather than reads a cache.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
