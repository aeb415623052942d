//! The workstation side of sync with the central registry (the API is
//! `crates/central/openapi.yaml`; the flow is in `docs/architecture.md`):
//!
//! 1. fetch the signed trust list and apply it if newer (checked against the
//!    pinned root key);
//! 2. pull the commune's notification stream page by page after the stored
//!    cursor; each page is verified by the core's intake (the same checks and
//!    quarantine as a file import) and applied together with the cursor in
//!    ONE SQLite transaction;
//! 3. push the outbox in id order with idempotent `PUT /v1/events/{id}`; a
//!    row is marked sent in its own transaction after the server's ack, and
//!    no transaction is ever open during a request;
//! 4. submit the office's paper-signing keys the registry has not certified
//!    and take in the paper trust it publishes (its certificates, the other
//!    communes', the revoked keys).
//!
//! Network errors, 5xx, 408 and 429 are retried with exponential backoff and
//! full jitter, honouring `Retry-After`; a 4xx refusal of a row parks it as
//! dead with the reason, which blocks only the later rows of the same case.
//! Every loop is bounded in requests and in time.
//!
//! The desktop shell calls [`sync_once`] (or [`sync_path`]) from its
//! background task, [`hotich_core::Store::sync_status`] and
//! [`hotich_core::Store::case_sync_state`] for display, and
//! [`credentials`] to keep the token in the OS keyring.

pub mod background;
pub mod credentials;
pub mod crl;
mod engine;
mod http;
pub mod paper_status;
pub mod reports;
pub mod status;

use std::time::Duration;

use hotich_core::store_key::StoreFile;
use hotich_core::{Officer, Store};

pub use engine::sync_once;
pub use hotich_common::url::{ServerUrl, ServerUrlError};
pub use hotich_core::{SyncReport, SyncStatus};
pub use paper_status::StatusSource;
pub use status::{Connection, SyncActivity, SyncOverview};

/// Where and how to sync.
#[derive(Clone)]
pub struct SyncOptions {
    /// The registry's base URL, e.g. `https://hotich.example.vn`.
    pub server: ServerUrl,
    /// The workstation's token (from [`credentials::load_token`]).
    pub token: String,
    /// Events asked for per page (1-1000).
    pub page_size: u32,
    pub retry: RetryPolicy,
    /// Longest wait for one request.
    pub request_timeout: Duration,
    /// Longest a whole run may take; it stops (and resumes next time) after.
    pub run_deadline: Duration,
    /// Largest answer read; a longer one stops the run, nothing stored.
    pub max_response_bytes: usize,
    /// Largest difference between this computer's clock and the registry's
    /// `Date` a run accepts.
    pub max_clock_skew: Duration,
}

/// [`SyncOptions::max_response_bytes`] by default: a page of 1,000 events
/// is a few MiB.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
/// [`SyncOptions::max_clock_skew`] by default.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(10 * 60);

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("server", &self.server)
            .field("token", &"<hidden>")
            .field("page_size", &self.page_size)
            .field("retry", &self.retry)
            .field("request_timeout", &self.request_timeout)
            .field("run_deadline", &self.run_deadline)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_clock_skew", &self.max_clock_skew)
            .finish()
    }
}

impl SyncOptions {
    pub fn new(server: ServerUrl, token: impl Into<String>) -> SyncOptions {
        SyncOptions {
            server,
            token: token.into(),
            page_size: 500,
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(30),
            run_deadline: Duration::from_secs(15 * 60),
            max_response_bytes: MAX_RESPONSE_BYTES,
            max_clock_skew: MAX_CLOCK_SKEW,
        }
    }
}

/// Retries of one request: up to `max_tries`, waiting a random time between
/// 0 and `min(max_delay, base * 2^try)` (full jitter), and at least what a
/// `Retry-After` asks (up to `max_retry_after`).
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_tries: u32,
    pub base: Duration,
    pub max_delay: Duration,
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_tries: 8,
            base: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What a run is doing, for a progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncProgress {
    /// The trust list was fetched (`updated`: a newer one was applied).
    TrustList { updated: bool },
    /// A page was applied; the cursor is now `cursor`.
    Pulled { cursor: u64, pulled: u64 },
    /// `pushed` rows acknowledged so far in this run, `waiting` left.
    Pushed { pushed: u64, waiting: u64 },
    /// A request failed and is tried again after `after`.
    Retrying { after: Duration, reason: String },
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{}", self.message(hotich_core::Lang::Vi))]
    NoCommune,
    #[error("{}", self.message(hotich_core::Lang::Vi))]
    BadServer(String),
    #[error(transparent)]
    Store(#[from] hotich_core::CoreError),
    #[error("{}", self.message(hotich_core::Lang::Vi))]
    Runtime(#[from] std::io::Error),
    #[error(transparent)]
    Credential(#[from] credentials::CredentialError),
    /// The extra CA certificate given for the registry is not usable PEM.
    #[error("{}", self.message(hotich_core::Lang::Vi))]
    BadCaCertificate(String),
    /// No registry is configured.
    #[error("{}", self.message(hotich_core::Lang::Vi))]
    NoServer,
    /// The registry could not be asked (`Network`), refused the token
    /// (`Unauthorized`), failed (`Server`) or answered outside the API
    /// (`Protocol`).
    #[error("{}", self.message(hotich_core::Lang::Vi))]
    Registry {
        code: hotich_core::ErrorCode,
        status: Option<u16>,
        detail: String,
    },
}

impl SyncError {
    pub fn code(&self) -> hotich_core::ErrorCode {
        use hotich_core::ErrorCode;
        match self {
            SyncError::NoCommune => ErrorCode::NoCommune,
            SyncError::BadServer(_) => ErrorCode::BadServer,
            SyncError::Store(e) => e.code(),
            SyncError::Runtime(_) => ErrorCode::Runtime,
            SyncError::Credential(e) => e.code(),
            SyncError::BadCaCertificate(_) => ErrorCode::BadCaCertificate,
            SyncError::NoServer => ErrorCode::NoSyncServer,
            SyncError::Registry { code, .. } => *code,
        }
    }

    /// The message in `lang`, worded from the label table.
    pub fn message(&self, lang: hotich_core::Lang) -> String {
        use hotich_core::labels;
        match self {
            SyncError::Store(e) => e.message(lang),
            SyncError::Credential(e) => e.message(lang),
            _ => labels::fill(labels::error_template(lang, self.code()), &self.params()),
        }
    }

    /// The named values of the message, as listed on `ErrorCode`.
    pub fn params(&self) -> std::collections::BTreeMap<String, String> {
        match self {
            SyncError::NoCommune | SyncError::NoServer => Default::default(),
            SyncError::Registry { status, detail, .. } => {
                let mut params: std::collections::BTreeMap<String, String> =
                    [("detail".to_owned(), detail.clone())].into();
                if let Some(status) = status {
                    params.insert("status".to_owned(), status.to_string());
                }
                params
            }
            SyncError::BadServer(detail) => [("detail".to_owned(), detail.clone())].into(),
            SyncError::Store(e) => e.params(),
            SyncError::Runtime(e) => [("detail".to_owned(), e.to_string())].into(),
            SyncError::Credential(e) => e.params(),
            SyncError::BadCaCertificate(detail) => [("detail".to_owned(), detail.clone())].into(),
        }
    }
}

/// Settings → Sync and `hotich sync login` (supervisors only): the
/// registry's address in the store, and its token, when one is given, in
/// the OS keyring. A new address needs a token: without one the workstation
/// could not sync. The role is checked first, then the address: nothing is
/// stored when either is refused.
pub fn configure(
    store: &Store,
    actor: &Officer,
    server: &str,
    token: Option<&str>,
) -> Result<ServerUrl, SyncError> {
    actor.require_supervisor(hotich_core::ForbiddenAction::SetSyncServer)?;
    let server = parse_server(server)?;
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        Some(token) => credentials::store_token(&server, token)?,
        None => {
            credentials::load_token(&server)?;
        }
    }
    store.set_sync_server(server.as_str())?;
    Ok(server)
}

/// A typed address, or the reason it is refused.
pub fn parse_server(text: &str) -> Result<ServerUrl, SyncError> {
    ServerUrl::parse(text).map_err(|error| {
        let shown = text.trim().trim_end_matches('/');
        SyncError::BadServer(match error {
            ServerUrlError::Scheme => {
                format!("{shown:?}: phải bắt đầu bằng http:// hoặc https://")
            }
            ServerUrlError::Invalid(reason) => format!("{shown:?}: {reason}"),
            ServerUrlError::PlainHttpNotLoopback => format!(
                "{shown:?}: http:// chỉ dùng cho máy chủ trên chính máy này (127.0.0.1, localhost); \
                 máy chủ khác phải dùng https://"
            ),
        })
    })
}

/// Settings → Sync and `hotich sync ca-cert` (supervisors only): an extra
/// CA certificate (PEM, e.g. the province's) trusted for the registry
/// beside the system's, stored with the registry's address; None removes
/// it. The PEM is checked by building a client with it before it is stored.
pub fn set_ca_certificate(
    store: &Store,
    actor: &Officer,
    pem: Option<&str>,
) -> Result<(), SyncError> {
    actor.require_supervisor(hotich_core::ForbiddenAction::SetSyncServer)?;
    if let Some(pem) = pem {
        let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|e| SyncError::BadCaCertificate(e.to_string()))?;
        if certificates.is_empty() {
            return Err(SyncError::BadCaCertificate(
                "không có khối BEGIN CERTIFICATE nào".into(),
            ));
        }
        reqwest::Client::builder()
            .tls_certs_merge(certificates)
            .build()
            .map_err(|e| SyncError::BadCaCertificate(e.to_string()))?;
    }
    store.set_sync_ca_certificate(pem)?;
    Ok(())
}

/// The registry this workstation syncs with, if one was configured.
pub fn stored_server(store: &Store) -> Result<Option<ServerUrl>, SyncError> {
    store
        .sync_server()?
        .map(|text| parse_server(&text))
        .transpose()
}

/// [`sync_once`] for a caller without a tokio runtime (the CLI, a desktop
/// background thread), on a current-thread runtime.
pub fn sync_blocking(
    store: &mut Store,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(&SyncProgress) + Send),
) -> Result<SyncReport, SyncError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(sync_once(store, options, progress))
}

/// [`sync_blocking`] on the store at `path`, opened for this run and closed after.
pub fn sync_path(
    file: &StoreFile,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(&SyncProgress) + Send),
) -> Result<SyncReport, SyncError> {
    let mut store = file.open()?;
    sync_blocking(&mut store, options, progress)
}
