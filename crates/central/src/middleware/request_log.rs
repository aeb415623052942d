//! One log line per request: its id, method, route, status and latency.
//!
//! The route is the matched template (`/v1/communes/{commune}/events`), not
//! the path. Nothing else of the request is logged: no header (the
//! Authorization token), no query, no body (notifications name people). The
//! id is always the server's own (a client's `x-request-id` is dropped, so
//! no client text reaches the log) and goes back in the answer's
//! `x-request-id` header, for a workstation's report to point at.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderName;
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tracing::Level;

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// `router` with the request id and the log line around every route and
/// the fallback. Call it after the last route is added.
pub fn with_request_log<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let route = request
                .extensions()
                .get::<MatchedPath>()
                .map_or("(none)", MatchedPath::as_str);
            let request_id = request
                .headers()
                .get(&X_REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // At ERROR level so the span (and its id) is there for every
            // event a filter lets through, warnings included.
            tracing::error_span!(
                "request",
                request_id = %request_id,
                method = %request.method(),
                route = %route,
            )
        })
        .on_request(())
        .on_response(
            DefaultOnResponse::new()
                .level(Level::INFO)
                .latency_unit(LatencyUnit::Micros),
        )
        .on_failure(DefaultOnFailure::new().level(Level::WARN));
    router
        .layer(PropagateRequestIdLayer::new(X_REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(X_REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_client_request_id))
}

async fn drop_client_request_id(mut request: Request) -> Request {
    request.headers_mut().remove(&X_REQUEST_ID);
    request
}
