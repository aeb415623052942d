//! GCRA rate limits: per workstation (its token looked up first, so the
//! limit follows the workstation; a request without a valid token is
//! limited by its address, and made-up tokens make no new keys), per
//! facility address, and per address on the public endpoints (a paper's
//! status). Over the limit the answer is 429 with Retry-After. The keyed
//! limiters forget a client whose allowance has refilled
//! ([`forget_idle_clients`]), so their memory stays bounded by the clients
//! of the last moments.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};

use crate::auth::{bearer, check_workstation_token, CheckedToken};
use crate::error::Failure;
use crate::state::App;
use crate::storage::TokenCheck;

pub async fn limit_workstations(
    State(app): State<Arc<App>>,
    mut request: Request,
    next: Next,
) -> Response {
    let check = match bearer(request.headers()) {
        Some(token) => match check_workstation_token(&app, token).await {
            Ok(check) => Some(check),
            Err(failure) => return failure.into_response(),
        },
        None => None,
    };
    let key = match &check {
        Some(TokenCheck::Valid(workstation)) => format!("w:{}", workstation.id),
        _ => format!("a:{}", peer(&request)),
    };
    if let Err(not_until) = app.workstation_limiter.check_key(&key) {
        return Failure::rate_limited(not_until.wait_time_from(DefaultClock::default().now()))
            .into_response();
    }
    if let Some(check) = check {
        request.extensions_mut().insert(CheckedToken(check));
    }
    next.run(request).await
}

/// Every minute, forgets the clients whose allowance has refilled in every
/// limiter (they start afresh, as they would have), until the server stops.
pub async fn forget_idle_clients(app: Arc<App>) {
    let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every_minute.tick().await;
        app.forget_idle_clients();
    }
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
