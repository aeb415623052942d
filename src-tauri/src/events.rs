//! The events the shell emits to the UI, named once. `ui/src/api.ts`
//! listens to these names; a test checks it uses no other.

/// An import's progress bar (`ImportProgress`).
pub const IMPORT_PROGRESS: &str = "import-progress";
/// The day's batch progress bar (`BatchProgress`).
pub const BATCH_PROGRESS: &str = "batch-progress";
/// A sync run's progress (`SyncActivity`).
pub const SYNC_ACTIVITY: &str = "sync-activity";
/// A sync run's end (whether it changed what the window shows).
pub const SYNC_FINISHED: &str = "sync-finished";

/// Every event name above.
pub const EVENT_NAMES: [&str; 4] = [
    IMPORT_PROGRESS,
    BATCH_PROGRESS,
    SYNC_ACTIVITY,
    SYNC_FINISHED,
];
