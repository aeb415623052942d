//! Requests bounded in time and in number at once (issue 19, item 3): a
//! request unanswered after [`REQUEST_DEADLINE`] is answered 503 `timeout`
//! (a body trickling in, a database that stalls), and past
//! `ServerConfig::max_requests_in_progress` a new request is refused at
//! once, 503 `busy`, instead of queueing until memory or the database pool
//! runs out. Both say when to come back (`Retry-After`); the workstation's
//! sync and the facilities retry.

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Failure;

/// The longest a request may take, its body's upload included: a 16 MiB
/// post over a slow 2 Mbit/s link fits.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(120);
/// What a refused request is told to wait, in seconds.
const RETRY_AFTER: u64 = 5;

fn unavailable(code: &'static str, message: &str) -> Response {
    Failure::unavailable(code, message, RETRY_AFTER).into_response()
}

pub async fn within_deadline(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_DEADLINE, next.run(request)).await {
        Ok(response) => response,
        Err(_) => unavailable(
            "timeout",
            "the request took too long; retry after the time in Retry-After",
        ),
    }
}

/// The load shedder's refusal (the only error the layers below it raise).
pub async fn busy(_: tower::BoxError) -> Response {
    unavailable(
        "busy",
        "the registry is answering as many requests as it may; retry after the time in Retry-After",
    )
}
