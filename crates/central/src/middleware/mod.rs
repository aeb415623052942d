//! Layers around the handlers: bodies over a route's limit, rate limits, each request's deadline and the
//! bound on requests in progress, the per-request log line with
//! its request id, the count of every answer for `/metrics`, and (feature `faults`, tests only) injected
//! failures.

pub mod body_limit;
#[cfg(feature = "faults")]
pub mod faults;
pub mod metrics;
pub mod overload;
pub mod rate_limit;
pub mod request_log;
