//! A body whose declared length is over the route's limit is refused with 413
//! before any of it is read. Reading 16 MiB only to refuse it wastes the
//! registry's memory and the sender's link, and closing a connection with an
//! unread body in its buffer resets it, so the sender may never see the 413.
//! A body with no declared length (chunked) is cut at the same limit by
//! axum's `DefaultBodyLimit` as it is read.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Failure;

pub async fn refuse_declared_over(max: usize, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    match declared {
        Some(length) if length > max as u64 => Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is {length} bytes; at most {max} are accepted here"),
        )
        .into_response(),
        _ => next.run(request).await,
    }
}
