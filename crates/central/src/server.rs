//! The central registry's HTTP API (`hotich-central serve`), described in
//! `crates/central/openapi.yaml`:
//!
//! - health facilities `POST /v1/notifications` (signed envelopes, verified
//!   against the trust list and routed to the responsible commune's stream);
//! - workstations, with their bearer token, read their own commune's stream
//!   (`GET /v1/communes/{commune}/events`) and push their outbox
//!   (`PUT /v1/events/{id}`, idempotent);
//! - anyone reads the signed trust list and the health endpoint.
//!
//! Every error is JSON `{code, message}`. Request bodies are size-limited and
//! requests rate-limited (GCRA, per workstation token, per facility address).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use chrono::Utc;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hotich_protocol::sync::{
    ApiError, PostOutcome, PostReport, PushAck, PushedEvent, DEFAULT_PAGE, MAX_PAGE,
};
use hotich_protocol::verify::MAX_ENVELOPE_BYTES;
use hotich_protocol::{verify_notification, TrustedKeys};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::routing::responsible_commune;
use crate::storage::{Appended, Incoming, PushedRecord, PutOutcome, Storage, Workstation};

/// Most envelopes one `POST /v1/notifications` may carry.
pub const MAX_POST_ITEMS: usize = 1_000;
/// Largest `PUT /v1/events/{id}` body.
pub const MAX_PUSH_BYTES: usize = 256 * 1024;
/// Largest `POST /v1/notifications` body.
pub const MAX_POST_BYTES: usize = 16 * 1024 * 1024;

/// How the server behaves; the defaults suit a real deployment.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Requests per second each workstation token may make (sustained) ...
    pub workstation_rate: u32,
    /// ... and in a burst.
    pub workstation_burst: u32,
    /// Posts per second from one facility address, and its burst.
    pub facility_rate: u32,
    pub facility_burst: u32,
    /// Fault injection for tests: this share of workstation requests fails.
    pub faults: Option<Faults>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            workstation_rate: 50,
            workstation_burst: 200,
            facility_rate: 20,
            facility_burst: 100,
            faults: None,
        }
    }
}

/// `--faults RATE --fault-seed N`: on this share of workstation requests the
/// server answers 500, answers 429 (Retry-After: 1), waits 50-400 ms first,
/// or cuts the connection before or after doing the work.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    pub rate: f64,
    pub seed: u64,
}

/// The server's shared state.
pub struct App {
    storage: Arc<dyn Storage>,
    /// The trust list's sequence and its keys, reloaded when the stored list changes.
    keys: RwLock<(u64, Arc<TrustedKeys>)>,
    /// Tokens seen, by SHA-256: a workstation is looked up once.
    tokens: RwLock<HashMap<String, Workstation>>,
    workstation_limiter: DefaultKeyedRateLimiter<String>,
    facility_limiter: DefaultKeyedRateLimiter<String>,
    faults: Option<(f64, Mutex<ChaCha8Rng>)>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").finish_non_exhaustive()
    }
}

fn quota(rate: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(rate.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

impl App {
    pub fn new(storage: Arc<dyn Storage>, config: &ServerConfig) -> Arc<App> {
        Arc::new(App {
            storage,
            keys: RwLock::new((0, Arc::new(TrustedKeys::default()))),
            tokens: RwLock::new(HashMap::new()),
            workstation_limiter: RateLimiter::keyed(quota(
                config.workstation_rate,
                config.workstation_burst,
            )),
            facility_limiter: RateLimiter::keyed(quota(
                config.facility_rate,
                config.facility_burst,
            )),
            faults: config
                .faults
                .map(|f| (f.rate, Mutex::new(ChaCha8Rng::seed_from_u64(f.seed)))),
        })
    }
}

/// SHA-256 (hex) of a workstation token: what the server stores. Tokens are
/// 256 random bits, so a fast hash is enough (nothing to brute-force).
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A JSON error answer.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl Failure {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    fn internal(error: impl std::fmt::Display) -> Failure {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            error.to_string(),
        )
    }

    fn rate_limited(wait: Duration) -> Failure {
        Failure {
            retry_after: Some(wait.as_secs_f64().ceil().max(1.0) as u64),
            ..Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests; retry after the time in Retry-After",
            )
        }
    }

    fn body_rejected(rejection: &BytesRejection) -> Failure {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                rejection.body_text(),
            )
        } else {
            Failure::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                rejection.body_text(),
            )
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

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(Failure::internal)?
}

/// The router with every route, limit and middleware.
pub fn router(app: Arc<App>) -> Router {
    let workstation_routes = Router::new()
        .route("/v1/communes/{commune}/events", get(pull))
        .route(
            "/v1/events/{id}",
            put(push).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            limit_workstations,
        ));
    let facility_routes = Router::new()
        .route(
            "/v1/notifications",
            post(post_notifications).layer(DefaultBodyLimit::max(MAX_POST_BYTES)),
        )
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            limit_facilities,
        ));
    let faulty = Router::new()
        .merge(workstation_routes)
        .route("/v1/trust-list", get(trust_list))
        .route_layer(middleware::from_fn_with_state(app.clone(), inject_faults));
    Router::new()
        .merge(faulty)
        .merge(facility_routes)
        .route("/v1/health", get(health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
}

/// Serves until the listener fails or ctrl-c.
pub async fn serve(listener: tokio::net::TcpListener, app: Arc<App>) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

async fn not_found() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

async fn method_not_allowed() -> Failure {
    Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not answer that method",
    )
}

async fn health(State(app): State<Arc<App>>) -> Response {
    match blocking(move || app.storage.ping().map_err(Failure::internal)).await {
        Ok(()) => axum::Json(serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
        }))
        .into_response(),
        Err(e) => {
            Failure::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.message).into_response()
        }
    }
}

async fn trust_list(State(app): State<Arc<App>>) -> Response {
    let app2 = app.clone();
    match blocking(move || app2.storage.trust_list().map_err(Failure::internal)).await {
        Ok(Some((_, raw))) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            raw,
        )
            .into_response(),
        Ok(None) => Failure::new(
            StatusCode::NOT_FOUND,
            "no_trust_list",
            "the registry has no trust list yet",
        )
        .into_response(),
        Err(e) => e.into_response(),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

async fn authenticate(app: &Arc<App>, headers: &HeaderMap) -> Result<Workstation, Failure> {
    let unauthorized = || {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid workstation token is required (Authorization: Bearer ...)",
        )
    };
    let hash = token_hash(bearer(headers).ok_or_else(unauthorized)?);
    if let Some(found) = app
        .tokens
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&hash)
    {
        return Ok(found.clone());
    }
    let storage = app.storage.clone();
    let lookup = hash.clone();
    let found = blocking(move || {
        storage
            .workstation_by_token_hash(&lookup)
            .map_err(Failure::internal)
    })
    .await?
    .ok_or_else(unauthorized)?;
    app.tokens
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(hash, found.clone());
    Ok(found)
}

async fn limit_workstations(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
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

async fn limit_facilities(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if let Err(not_until) = app.facility_limiter.check_key(&peer(&request)) {
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

#[derive(Debug, Clone, Copy)]
enum Fault {
    ServerError,
    TooMany,
    Delay(u64),
    CutBefore,
    CutAfter,
}

/// A 200 whose body breaks off: the client sees the connection drop.
fn cut_connection() -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{\"events\":[")),
        Err(std::io::Error::other("fault injected: connection cut")),
    ];
    Response::new(Body::from_stream(futures_util::stream::iter(chunks)))
}

async fn inject_faults(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let fault = app.faults.as_ref().and_then(|(rate, rng)| {
        let mut rng = rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (rng.gen::<f64>() < *rate).then(|| match rng.gen_range(0..5) {
            0 => Fault::ServerError,
            1 => Fault::TooMany,
            2 => Fault::Delay(rng.gen_range(50..400)),
            3 => Fault::CutBefore,
            _ => Fault::CutAfter,
        })
    });
    match fault {
        None => next.run(request).await,
        Some(Fault::ServerError) => Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected_fault",
            "fault injected by --faults",
        )
        .into_response(),
        Some(Fault::TooMany) => Failure::rate_limited(Duration::from_secs(1)).into_response(),
        Some(Fault::Delay(ms)) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        Some(Fault::CutBefore) => cut_connection(),
        Some(Fault::CutAfter) => {
            // The work is done and committed; only the answer is lost.
            let _ = next.run(request).await;
            cut_connection()
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PullQuery {
    after: Option<u64>,
    limit: Option<u32>,
}

fn is_commune_code(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())
}

async fn pull(
    State(app): State<Arc<App>>,
    Path(commune): Path<String>,
    query: Result<Query<PullQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let workstation = authenticate(&app, &headers).await?;
    let Query(query) =
        query.map_err(|e| Failure::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))?;
    if !is_commune_code(&commune) {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "a commune code has 5 digits",
        ));
    }
    if workstation.commune != commune {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "this workstation reads commune {} only",
                workstation.commune
            ),
        ));
    }
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    let after = query.after.unwrap_or(0);
    let storage = app.storage.clone();
    let (events, has_more) = blocking(move || {
        storage
            .events_after(&commune, after, limit)
            .map_err(Failure::internal)
    })
    .await?;
    // The envelopes go out as stored, without parsing them again.
    let mut out =
        String::with_capacity(64 + events.iter().map(|e| e.envelope.len() + 96).sum::<usize>());
    out.push_str("{\"events\":[");
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"seq\":{},\"notification_id\":{},\"version\":{},\"envelope\":{}}}",
            e.seq,
            serde_json::Value::String(e.notification_id.clone()),
            e.version,
            e.envelope
        ));
    }
    let next_cursor = events.last().map_or(after, |e| e.seq);
    out.push_str(&format!(
        "],\"next_cursor\":{next_cursor},\"has_more\":{has_more}}}"
    ));
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        out,
    )
        .into_response())
}

fn invalid_event(message: impl Into<String>) -> Failure {
    Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_event", message)
}

/// The checks a pushed row must pass; a failure is final (the workstation
/// parks the row as dead with this message).
fn validate_push(id: &str, event: &PushedEvent) -> Result<(), Failure> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(invalid_event(format!("id {id:?} is not a UUID")));
    }
    let kind_ok = !event.kind.is_empty()
        && event.kind.len() <= 64
        && event
            .kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'_');
    if !kind_ok {
        return Err(invalid_event(format!(
            "kind {:?} must be 1-64 lowercase letters or _",
            event.kind
        )));
    }
    if !event.body.get().trim_start().starts_with('{') {
        return Err(invalid_event("body must be a JSON object"));
    }
    if chrono::DateTime::parse_from_rfc3339(&event.created_at).is_err() {
        return Err(invalid_event(format!(
            "created_at {:?} is not an RFC 3339 time",
            event.created_at
        )));
    }
    if event
        .case_id
        .as_ref()
        .is_some_and(|c| c.is_empty() || c.len() > 64)
    {
        return Err(invalid_event("case_id must be 1-64 characters"));
    }
    Ok(())
}

async fn push(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let workstation = authenticate(&app, &headers).await?;
    let body = body.map_err(|e| Failure::body_rejected(&e))?;
    let event: PushedEvent = serde_json::from_slice(&body)
        .map_err(|e| Failure::new(StatusCode::BAD_REQUEST, "bad_request", e.to_string()))?;
    validate_push(&id, &event)?;
    let record = PushedRecord {
        case_id: event.case_id,
        kind: event.kind,
        body: event.body.get().to_owned(),
        created_at: event.created_at,
    };
    let storage = app.storage.clone();
    let key = id.clone();
    let outcome = blocking(move || {
        storage
            .put_event(&workstation, &key, &record, Utc::now())
            .map_err(Failure::internal)
    })
    .await?;
    let ack = |status: StatusCode, text: &str| {
        (
            status,
            axum::Json(PushAck {
                id: id.clone(),
                status: text.to_owned(),
            }),
        )
            .into_response()
    };
    match outcome {
        PutOutcome::Created => Ok(ack(StatusCode::CREATED, "created")),
        PutOutcome::Replayed => Ok(ack(StatusCode::OK, "replayed")),
        PutOutcome::Conflict => Err(Failure::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("event {id} was stored before with other content"),
        )),
    }
}

/// The trust list's keys, reloaded when a newer list was imported.
fn current_keys(app: &App) -> Result<Arc<TrustedKeys>, Failure> {
    let stored = app.storage.trust_list().map_err(Failure::internal)?;
    let Some((sequence, _)) = stored else {
        return Err(Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_trust_list",
            "the registry has no trust list yet (hotich-central trust import)",
        ));
    };
    {
        let held = app
            .keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.0 == sequence {
            return Ok(held.1.clone());
        }
    }
    let facilities = app.storage.facility_keys().map_err(Failure::internal)?;
    let keys = Arc::new(TrustedKeys::from_facilities(&facilities).map_err(Failure::internal)?);
    *app.keys
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = (sequence, keys.clone());
    Ok(keys)
}

async fn post_notifications(
    State(app): State<Arc<App>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let body = body.map_err(|e| Failure::body_rejected(&e))?;
    let report = blocking(move || {
        let envelopes = hotich_protocol::jws::split_envelopes(&body)
            .map_err(|m| Failure::new(StatusCode::BAD_REQUEST, "bad_request", m))?;
        if envelopes.len() > MAX_POST_ITEMS {
            return Err(Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("at most {MAX_POST_ITEMS} envelopes per request"),
            ));
        }
        let keys = current_keys(&app)?;
        let now = Utc::now();
        let mut results: Vec<Option<PostOutcome>> = Vec::with_capacity(envelopes.len());
        let mut incoming = Vec::new();
        for raw in &envelopes {
            match verify_notification(raw.get().as_bytes(), &keys, now) {
                Ok(verified) => {
                    let n = &verified.notification;
                    incoming.push(Incoming {
                        notification_id: n.notification_id.clone(),
                        version: n.version,
                        envelope: raw.get().to_owned(),
                        content_commune: responsible_commune(n).map(str::to_owned),
                        claimed_commune: n.commune_code.clone(),
                    });
                    results.push(None);
                }
                Err(rejection) => results.push(Some(PostOutcome {
                    status: "rejected".into(),
                    notification_id: rejection.notification_id,
                    version: rejection.version,
                    commune: None,
                    seq: None,
                    code: Some(rejection.reason.code().into()),
                    detail: Some(rejection.detail.chars().take(MAX_ENVELOPE_BYTES).collect()),
                })),
            }
        }
        let appended = app
            .storage
            .append_notifications(&incoming, now)
            .map_err(Failure::internal)?;
        let mut appended = incoming.into_iter().zip(appended);
        let results = results
            .into_iter()
            .map(|r| {
                r.or_else(|| {
                    appended.next().map(|(item, outcome)| {
                        let (status, commune, seq) = match outcome {
                            Appended::Stored { commune, seq } => {
                                ("stored", Some(commune), Some(seq))
                            }
                            Appended::Duplicate { commune, seq } => {
                                ("duplicate", Some(commune), Some(seq))
                            }
                            Appended::Conflict => ("conflict", None, None),
                        };
                        PostOutcome {
                            status: status.into(),
                            notification_id: Some(item.notification_id),
                            version: Some(item.version),
                            commune,
                            seq,
                            code: None,
                            detail: None,
                        }
                    })
                })
                .ok_or_else(|| Failure::internal("outcome missing"))
            })
            .collect::<Result<Vec<_>, Failure>>()?;
        Ok(PostReport { results })
    })
    .await?;
    Ok(axum::Json(report).into_response())
}
