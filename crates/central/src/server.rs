//! Running the central registry's HTTP API (`hotich-central serve`),
//! described in `crates/central/openapi.yaml`:
//!
//! - health facilities `POST /v1/notifications` (signed envelopes, verified
//!   against the trust list and routed to the responsible commune's stream);
//! - workstations, with their bearer token, read their own commune's stream
//!   (`GET /v1/communes/{commune}/events`) and push their outbox
//!   (`PUT /v1/events/{id}`, idempotent);
//! - anyone reads the signed trust list and the health endpoint.
//!
//! It speaks HTTPS itself when given a certificate ([`serve_tls`],
//! [`crate::tls`]); plain HTTP is for loopback, or behind a reverse proxy
//! that terminates TLS (the binary refuses anything else).
//!
//! Every error is JSON `{code, message}`. Request bodies are size-limited,
//! requests rate-limited (GCRA, per workstation, per facility address),
//! bounded in time and in number at once ([`crate::router`]), and idle
//! connections closed ([`crate::connection`]).
//! The parts: [`crate::router`] (routes and layers), [`crate::handlers`]
//! (one module per resource), [`crate::auth`] (the workstation extractor),
//! [`crate::middleware`], [`crate::state`] and [`crate::error`].

use std::net::SocketAddr;
use std::sync::Arc;

use crate::connection::GuardedListener;

pub use crate::auth::token_hash;
pub use crate::error::Failure;
pub use crate::handlers::notifications::MAX_POST_ITEMS;
#[cfg(feature = "faults")]
pub use crate::middleware::faults::Faults;
pub use crate::router::{router, MAX_POST_BYTES, MAX_PUSH_BYTES};
pub use crate::state::{App, ServerConfig};

/// Serves plain HTTP until the listener fails or ctrl-c (or SIGTERM).
pub async fn serve(listener: tokio::net::TcpListener, app: Arc<App>) -> std::io::Result<()> {
    serve_tls(listener, None, app).await
}

/// Serves HTTPS with `tls` (plain HTTP without it) until the listener
/// fails or ctrl-c (or SIGTERM).
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    app: Arc<App>,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt as _;
    let address = listener.local_addr()?;
    tracing::info!(%address, tls = tls.is_some(), version = env!("CARGO_PKG_VERSION"), "serving");
    let idle = app.idle_timeout;
    let forgetting = tokio::spawn(crate::middleware::rate_limit::forget_idle_clients(
        app.clone(),
    ));
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    let result = match tls {
        None => {
            // tap_io: as below, the client's address for a custom listener.
            let listener = GuardedListener::new(listener, idle).tap_io(|_| {});
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown_signal())
                .await
        }
        Some(config) => {
            // tap_io: axum gives the client's address to a custom listener
            // through its TapIo wrapper.
            let listener = crate::tls::TlsListener::new(listener, config, idle)?.tap_io(|_| {});
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown_signal())
                .await
        }
    };
    forgetting.abort();
    match &result {
        Ok(()) => tracing::info!("stopped"),
        Err(error) => tracing::error!(%error, "stopped on an error"),
    }
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("shutting down (interrupt)"),
        () = terminate => tracing::info!("shutting down (terminate)"),
    }
}
