//! GCRA rate limits: per workstation token (by its hash; per address when
//! there is none), per facility address, and per address on the public
//! endpoints (a paper's status). Over the limit the answer is
//! 429 with Retry-After.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};

use crate::auth::{bearer, token_hash};
use crate::error::Failure;
use crate::state::App;

pub async fn limit_workstations(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    let key = match bearer(request.headers()) {
        Some(token) => format!("t:{}", token_hash(token)),
        None => format!("a:{}", peer(&request)),
    };
    if let Err(not_until) = app.workstation_limiter.check_key(&key) {
        return Failure::rate_limited(not_until.wait_time_from(DefaultClock::default().now()))
            .into_response();
    }
    next.run(request).await
}

pub async fn limit_facilities(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    if let Err(not_until) = app.facility_limiter.check_key(&peer(&request)) {
        return Failure::rate_limited(not_until.wait_time_from(DefaultClock::default().now()))
            .into_response();
    }
    next.run(request).await
}

pub async fn limit_public(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if let Err(not_until) = app.public_limiter.check_key(&peer(&request)) {
        return Failure::rate_limited(not_until.wait_time_from(DefaultClock::default().now()))
            .into_response();
    }
    next.run(request).await
}

fn peer(request: &Request) -> String {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".into(), |c| c.0.ip().to_string())
}
