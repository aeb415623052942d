//! Every route of `openapi.yaml`, with its body limit, rate limit and
//! middleware. Handlers live in [`crate::handlers`], one module per resource.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post, put};
use axum::Router;

use crate::handlers::{self, health, notifications, papers, pull, push, trust_list};
use crate::middleware::body_limit::refuse_declared_over;
use crate::middleware::rate_limit::{limit_facilities, limit_public, limit_workstations};
use crate::middleware::request_log::with_request_log;
use crate::state::App;

/// Largest `PUT /v1/events/{id}` body.
pub const MAX_PUSH_BYTES: usize = 256 * 1024;
/// Largest `POST /v1/notifications` body.
pub const MAX_POST_BYTES: usize = 16 * 1024 * 1024;

/// The router with every route, limit and middleware.
pub fn router(app: Arc<App>) -> Router {
    let workstation_routes = Router::new()
        .route("/v1/communes/{commune}/events", get(pull::pull))
        .route(
            "/v1/events/{id}",
            put(push::push)
                .layer(DefaultBodyLimit::max(MAX_PUSH_BYTES))
                .layer(middleware::from_fn(|request, next| {
                    refuse_declared_over(MAX_PUSH_BYTES, request, next)
                })),
        )
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            limit_workstations,
        ));
    let facility_routes = Router::new()
        .route(
            "/v1/notifications",
            post(notifications::post_notifications)
                .layer(DefaultBodyLimit::max(MAX_POST_BYTES))
                .layer(middleware::from_fn(|request, next| {
                    refuse_declared_over(MAX_POST_BYTES, request, next)
                })),
        )
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            limit_facilities,
        ));
    // Anyone checking a paper: no token, limited per address.
    let public_routes = Router::new()
        .route("/v1/papers/{serial}", get(papers::paper_status))
        .route_layer(middleware::from_fn_with_state(app.clone(), limit_public));
    // What a workstation reads; the faults feature makes it fail on purpose.
    let workstation_reads = Router::new()
        .merge(workstation_routes)
        .route("/v1/trust-list", get(trust_list::trust_list));
    #[cfg(feature = "faults")]
    let workstation_reads = workstation_reads.route_layer(middleware::from_fn_with_state(
        app.clone(),
        crate::middleware::faults::inject_faults,
    ));
    let routes = Router::new()
        .merge(workstation_reads)
        .merge(facility_routes)
        .merge(public_routes)
        .route("/v1/health", get(health::health))
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed);
    #[cfg(feature = "faults")]
    let routes = routes.layer(middleware::from_fn_with_state(
        app.clone(),
        crate::middleware::faults::offset_date,
    ));
    with_request_log(routes).with_state(app)
}
