//! The server's shared state ([`App`]) and its settings ([`ServerConfig`]).

use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hotich_protocol::TrustedKeys;

use crate::storage::Storage;

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
    /// Status checks of printed papers one address may make at once, and
    /// then one every `public_period_ms` (a checker at a desk asks a few;
    /// the 101st within a second of a burst of 100 is refused).
    pub public_burst: u32,
    pub public_period_ms: u64,
    /// SHA-256 (hex) of the operator's metrics token: `GET /metrics`
    /// answers its bearer only; None: the endpoint does not exist.
    pub metrics_token_sha256: Option<String>,
    /// Requests answered at once at most; past it a request is refused 503
    /// `busy` (see `middleware::overload`).
    pub max_requests_in_progress: usize,
    /// The province page's session cookie is `Secure`: the registry is
    /// reached over HTTPS (its own TLS, or a TLS proxy's).
    pub secure_cookies: bool,
    /// A connection with nothing read or written this long is closed.
    pub idle_timeout: std::time::Duration,
    /// Fault injection for tests: this share of workstation requests fails.
    #[cfg(feature = "faults")]
    pub faults: Option<crate::middleware::faults::Faults>,
    /// Tests: every answer's `Date` is this many seconds off the real clock.
    #[cfg(feature = "faults")]
    pub clock_offset_seconds: Option<i64>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            workstation_rate: 50,
            workstation_burst: 200,
            facility_rate: 20,
            facility_burst: 100,
            public_burst: 100,
            public_period_ms: 1_000,
            metrics_token_sha256: None,
            max_requests_in_progress: 512,
            secure_cookies: true,
            idle_timeout: crate::connection::IDLE_TIMEOUT,
            #[cfg(feature = "faults")]
            faults: None,
            #[cfg(feature = "faults")]
            clock_offset_seconds: None,
        }
    }
}

/// The server's shared state.
pub struct App {
    pub(crate) storage: Arc<dyn Storage>,
    /// The trust list's sequence and its keys, reloaded when the stored list changes.
    pub(crate) keys: RwLock<(u64, Arc<TrustedKeys>)>,
    pub(crate) workstation_limiter: DefaultKeyedRateLimiter<String>,
    pub(crate) facility_limiter: DefaultKeyedRateLimiter<String>,
    pub(crate) public_limiter: DefaultKeyedRateLimiter<String>,
    pub(crate) metrics: crate::metrics::Metrics,
    pub(crate) metrics_token_sha256: Option<String>,
    pub(crate) max_requests_in_progress: usize,
    pub(crate) secure_cookies: bool,
    pub(crate) idle_timeout: std::time::Duration,
    #[cfg(feature = "faults")]
    pub(crate) faults: Option<crate::middleware::faults::FaultSource>,
    #[cfg(feature = "faults")]
    pub(crate) clock_offset_seconds: Option<i64>,
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
    /// Forgets the clients whose allowance has refilled, in every limiter
    /// (see `middleware::rate_limit::forget_idle_clients`); how many keys
    /// remain.
    pub fn forget_idle_clients(&self) -> usize {
        [
            &self.workstation_limiter,
            &self.facility_limiter,
            &self.public_limiter,
        ]
        .into_iter()
        .map(|limiter| {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            limiter.len()
        })
        .sum()
    }

    pub fn new(storage: Arc<dyn Storage>, config: &ServerConfig) -> Arc<App> {
        let metrics = crate::metrics::Metrics::new(storage.pool_use().is_some());
        Arc::new(App {
            storage,
            keys: RwLock::new((0, Arc::new(TrustedKeys::default()))),
            workstation_limiter: RateLimiter::keyed(quota(
                config.workstation_rate,
                config.workstation_burst,
            )),
            facility_limiter: RateLimiter::keyed(quota(
                config.facility_rate,
                config.facility_burst,
            )),
            public_limiter: RateLimiter::keyed(
                Quota::with_period(std::time::Duration::from_millis(
                    config.public_period_ms.max(1),
                ))
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                .allow_burst(
                    NonZeroU32::new(config.public_burst.max(1)).unwrap_or(NonZeroU32::MIN),
                ),
            ),
            metrics,
            metrics_token_sha256: config.metrics_token_sha256.clone(),
            max_requests_in_progress: config.max_requests_in_progress.max(1),
            secure_cookies: config.secure_cookies,
            idle_timeout: config.idle_timeout,
            #[cfg(feature = "faults")]
            faults: config
                .faults
                .map(crate::middleware::faults::FaultSource::new),
            #[cfg(feature = "faults")]
            clock_offset_seconds: config.clock_offset_seconds,
        })
    }
}
