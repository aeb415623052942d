//! The server's error answer: JSON `{code, message}` with its HTTP status
//! (and Retry-After when rate-limited), as `openapi.yaml` documents it.

use std::time::Duration;

use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hotich_protocol::sync::ApiError;

/// A JSON error answer.
#[derive(Debug)]
pub struct Failure {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    retry_after: Option<u64>,
}

impl Failure {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
    ) -> Failure {
        Failure {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A failure of the server itself. Its detail goes to the log under a
    /// fresh id, within the request's span; the client gets only the id.
    pub(crate) fn internal(error: impl std::fmt::Display) -> Failure {
        let error_id = uuid::Uuid::now_v7();
        tracing::error!(%error_id, error = %error, "internal error");
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("internal error {error_id}; the server's log has the details"),
        )
    }

    /// 503: the registry cannot answer now; come back after `retry_after` seconds.
    pub(crate) fn unavailable(code: &'static str, message: &str, retry_after: u64) -> Failure {
        Failure {
            retry_after: Some(retry_after),
            ..Failure::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
        }
    }

    pub(crate) fn rate_limited(wait: Duration) -> Failure {
        Failure {
            retry_after: Some(wait.as_secs_f64().ceil().max(1.0) as u64),
            ..Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests; retry after the time in Retry-After",
            )
        }
    }

    pub(crate) fn body_rejected(rejection: &BytesRejection) -> Failure {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                rejection.body_text(),
            )
        } else {
            Failure::bad_request(rejection.body_text())
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = ApiError {
            code: self.code.to_owned(),
            message: self.message,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
