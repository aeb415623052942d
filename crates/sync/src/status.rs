//! What the desktop's sync indicator shows: whether the registry is
//! reached, the run in progress, and the store's sync status. Built only by
//! [`crate::background`]; exported to TypeScript with the `ts` feature
//! (the same names as before, in `ui/src/bindings`).

use hotich_core::SyncStatus;
use serde::{Deserialize, Serialize};

/// Whether the workstation reaches the central registry, as the status bar
/// shows it; known from the last background run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    /// No run yet since the app started.
    #[default]
    Unknown,
    /// The last run reached the registry.
    Online,
    /// The last run could not reach it (network down, server down, timeout).
    Offline,
    /// The registry refused the workstation's token.
    Refused,
    /// No server address, no token or no commune: nothing to sync with.
    NotConfigured,
}

/// A run in progress, for the "Sync now" progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncActivity {
    /// `trust_list`, `pull`, `push` or `retrying`.
    pub phase: String,
    /// Events received so far in this run, and the cursor they reached.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pulled: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cursor: u64,
    /// Rows sent so far in this run, and still waiting.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pushed: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub waiting: u64,
    /// Why the last request is being tried again, while it is.
    pub retry_reason: Option<String>,
}

/// Everything the sync indicator and the sync settings show.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncOverview {
    pub connection: Connection,
    /// Why the connection is what it is, in Vietnamese (empty when online).
    pub connection_reason: Option<String>,
    /// The registry's address, if set.
    pub server: Option<String>,
    /// A run is going on; `activity` says how far.
    pub running: bool,
    pub activity: Option<SyncActivity>,
    pub status: SyncStatus,
}
