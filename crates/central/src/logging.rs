//! The server's log: `tracing` events as text lines on stderr (stdout's
//! first line is reserved for "listening on ..."), filtered by `RUST_LOG`
//! (default `info`). What may go in a line: ids, routes, statuses, counts,
//! timings. Never a token, a header, a notification or a person's data.

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;

/// Installs the subscriber for this process (once; later calls do nothing).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
