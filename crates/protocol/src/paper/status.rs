//! A printed copy's current status, as the registry answers it publicly at
//! `GET /v1/papers/{serial}` (no login): the checker of a paper whose
//! signature holds asks whether it still stands.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum PaperStatus {
    /// Printed and pushed by its commune; nothing since.
    Valid,
    /// The registration was amended after the copy was printed: the paper
    /// no longer shows the register as it stands (the date is shown, never
    /// the new content).
    Superseded,
    /// A supervisor withdrew the copy (reported lost, issued in error).
    Withdrawn,
    /// No commune pushed a copy with this serial (not yet synced, or forged).
    Unknown,
}

/// The answer of `GET /v1/papers/{serial}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PaperStatusAnswer {
    /// The copy's code, as printed (`ABCD-EFGH-IJKL-MNOP`).
    pub serial: String,
    pub status: PaperStatus,
    /// The office day the status began: withdrawn on, superseded on.
    pub since: Option<NaiveDate>,
}
