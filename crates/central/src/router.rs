//! Every route of `openapi.yaml`, with its body limit, rate limit and
//! middleware. Handlers live in [`crate::handlers`], one module per resource.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post, put, MethodRouter};
use axum::Router;

use crate::handlers::{
    self, health, health_loop, notifications, paper_keys, papers, province, pull, push, reports,
    trust_list, verify_page,
};
use crate::middleware::body_limit::refuse_declared_over;
use crate::middleware::overload;
use crate::middleware::rate_limit::{limit_facilities, limit_public, limit_workstations};
use crate::middleware::request_log::with_request_log;
use crate::state::App;

/// Largest `PUT /v1/events/{id}` body.
pub const MAX_PUSH_BYTES: usize = 256 * 1024;
/// Largest `PUT /v1/paper-keys/{key_id}` body: a public key and its name.
pub const MAX_KEY_BYTES: usize = 4 * 1024;
/// A returned cause of death: one signed envelope of a few hundred bytes.
pub const MAX_CAUSE_BYTES: usize = 16 * 1024;
/// The province page's sign-in form: a login and a password.
pub const MAX_FORM_BYTES: usize = 2 * 1024;
/// Largest `POST /v1/notifications` body.
pub const MAX_POST_BYTES: usize = 16 * 1024 * 1024;

/// `route` with its body limit: a body declared longer is refused before it
/// is read, and one sent without a length is cut at `max` while read.
fn limited(route: MethodRouter<Arc<App>>, max: usize) -> MethodRouter<Arc<App>> {
    route
        .layer(DefaultBodyLimit::max(max))
        .layer(middleware::from_fn(move |request, next| {
            refuse_declared_over(max, request, next)
        }))
}

/// The router with every route, limit and middleware.
pub fn router(app: Arc<App>) -> Router {
    let workstation_routes = Router::new()
        .route("/v1/communes/{commune}/events", get(pull::pull))
        .route("/v1/events/{id}", limited(put(push::push), MAX_PUSH_BYTES))
        .route("/v1/communes/{commune}/causes", get(health_loop::causes))
        .route("/v1/reports/pilot", get(reports::pilot))
        .route(
            "/v1/paper-keys/{key_id}",
            limited(put(paper_keys::submit_paper_key), MAX_KEY_BYTES),
        )
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            limit_workstations,
        ));
    let facility_routes = Router::new()
        .route(
            "/v1/notifications",
            limited(post(notifications::post_notifications), MAX_POST_BYTES),
        )
        .route("/v1/health/deaths", get(health_loop::shared_deaths))
        .route(
            "/v1/health/causes",
            limited(post(health_loop::post_cause), MAX_CAUSE_BYTES),
        )
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            limit_facilities,
        ));
    // Anyone checking a paper, and the province's supervision page (its
    // officers sign in): limited per address.
    let public_routes = Router::new()
        .route("/v1/papers/{serial}", get(papers::paper_status))
        .route("/v1/paper-trust", get(paper_keys::paper_trust))
        .route("/verify", get(verify_page::verify_page))
        .route("/province", get(province::page))
        .route(
            "/province/login",
            limited(post(province::sign_in), MAX_FORM_BYTES),
        )
        .route(
            "/province/logout",
            limited(post(province::sign_out), MAX_FORM_BYTES),
        )
        .route("/province/communes/{code}", get(province::commune))
        .route("/province/export.xlsx", get(province::export))
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
        .route("/metrics", get(handlers::metrics::metrics))
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed);
    #[cfg(feature = "faults")]
    let routes = routes.layer(middleware::from_fn_with_state(
        app.clone(),
        crate::middleware::faults::offset_date,
    ));
    // Each request's deadline, then the bound on requests in progress
    // (shared by every route: a global semaphore), shed rather than queued.
    let routes = routes
        .layer(middleware::from_fn(overload::within_deadline))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(overload::busy))
                .load_shed()
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                    app.max_requests_in_progress,
                )),
        );
    let routes = routes.layer(middleware::from_fn_with_state(
        app.clone(),
        crate::middleware::metrics::count_requests,
    ));
    with_request_log(routes).with_state(app)
}
