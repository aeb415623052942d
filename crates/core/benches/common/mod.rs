//! What the core benchmarks share: sizes from the environment and times in
//! milliseconds.

use std::time::Duration;

/// The size named by the environment variable `var` (to lower it for a quick
/// look), or `default`.
pub fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
