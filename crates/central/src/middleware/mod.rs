//! Layers around the handlers: rate limits, the per-request log line with
//! its request id, and (feature `faults`, tests only) injected failures.

#[cfg(feature = "faults")]
pub mod faults;
pub mod rate_limit;
pub mod request_log;
