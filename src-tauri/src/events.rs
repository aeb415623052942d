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

/// How far the encryption of an earlier version's database has got, at
/// the first start of this one (`StoreEncryption`).
pub const STORE_ENCRYPTION: &str = "store-encryption";

/// The scheduled backups checked (a backup made, or failed): the header
/// reads the backup status again.
pub const BACKUP_CHECKED: &str = "backup-checked";

/// Every event name above.
pub const EVENT_NAMES: [&str; 6] = [
    IMPORT_PROGRESS,
    BATCH_PROGRESS,
    SYNC_ACTIVITY,
    SYNC_FINISHED,
    STORE_ENCRYPTION,
    BACKUP_CHECKED,
];

/// The payload of [`STORE_ENCRYPTION`]: bytes written of about `total`.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StoreEncryption {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
}
