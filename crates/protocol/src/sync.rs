//! The sync API's wire types, shared by the
//! central registry server and the workstation's sync engine. The OpenAPI
//! description is `crates/central/openapi.yaml`.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Largest page a workstation may ask for.
pub const MAX_PAGE: u32 = 1_000;
/// Page size when the request names none.
pub const DEFAULT_PAGE: u32 = 200;

/// One event of a commune's notification stream.
#[derive(Debug, Serialize, Deserialize)]
pub struct StreamEvent {
    /// Gap-free sequence number within the commune's stream, from 1.
    pub seq: u64,
    pub notification_id: String,
    pub version: u32,
    /// The facility's signed envelope, byte for byte as it was posted.
    pub envelope: Box<RawValue>,
}

/// `GET /v1/communes/{commune}/events` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct EventPage {
    pub events: Vec<StreamEvent>,
    /// The `after` to ask with next: the last event's seq, or `after` when the page is empty.
    pub next_cursor: u64,
    /// More events follow `next_cursor` right now.
    pub has_more: bool,
}

/// `PUT /v1/events/{id}` body: one outbox row of a workstation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushedEvent {
    pub case_id: Option<String>,
    /// What happened: `case_attempt`, `case_status`, `registration`, ...
    pub kind: String,
    /// The record, as the workstation queued it (a JSON object).
    pub body: Box<RawValue>,
    /// When the workstation wrote it (RFC 3339).
    pub created_at: String,
}

/// `PUT /v1/events/{id}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAck {
    pub id: String,
    /// `created` the first time, `replayed` when the same content was already stored.
    pub status: String,
}

/// Every error the server answers: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

/// What happened to one posted notification; a field that is `None` is
/// left out of the JSON, and read as `None` when absent.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostOutcome {
    /// `stored`, `duplicate`, `rejected` (failed verification) or `conflict`
    /// (same id and version with other content).
    pub status: String,
    pub notification_id: Option<String>,
    pub version: Option<u32>,
    /// The commune whose stream received it.
    pub commune: Option<String>,
    pub seq: Option<u64>,
    /// The rejection reason code (`bad_signature`, ...).
    pub code: Option<String>,
    pub detail: Option<String>,
}

/// `POST /v1/notifications` answer: one outcome per envelope, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostReport {
    pub results: Vec<PostOutcome>,
}

#[cfg(test)]
mod tests {
    use super::PostOutcome;

    #[test]
    fn an_outcome_leaves_out_its_none_fields_and_reads_them_back_as_none() {
        let duplicate = PostOutcome {
            status: "duplicate".into(),
            notification_id: Some("79001-GCS-000001".into()),
            version: Some(1),
            commune: None,
            seq: None,
            code: None,
            detail: None,
        };
        let json = serde_json::to_value(&duplicate).unwrap();
        let expected = serde_json::json!({
            "status": "duplicate",
            "notification_id": "79001-GCS-000001",
            "version": 1,
        });
        assert_eq!(json, expected);
        assert_eq!(
            serde_json::from_value::<PostOutcome>(json).unwrap(),
            duplicate
        );
    }
}
