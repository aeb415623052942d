//! One module per resource of `openapi.yaml`. Each handler takes what it
//! needs as extractors (a workstation handler takes
//! [`crate::auth::WorkstationAuth`]) and runs storage work on tokio's
//! blocking pool through [`blocking`].

pub mod documents;
pub mod health;
pub mod health_loop;
pub mod metrics;
pub mod notifications;
pub mod paper_keys;
pub mod papers;
pub mod province;
pub mod pull;
pub mod push;
pub mod reports;
pub mod trust_list;
pub mod verify_page;

use axum::http::StatusCode;

use crate::error::Failure;

/// Runs storage work on the blocking pool, inside the request's span (so
/// what it logs carries the request id).
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(work))
        .await
        .map_err(Failure::internal)?
}

pub(crate) async fn not_found() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

pub(crate) async fn method_not_allowed() -> Failure {
    Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not answer that method",
    )
}
