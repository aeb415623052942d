//! The sync API's wire types, shared by the
//! central registry server and the workstation's sync engine. The OpenAPI
//! description is `crates/central/openapi.yaml`.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Largest page a workstation may ask for.
pub const MAX_PAGE: u32 = 1_000;
/// Page size when the request names none.
pub const DEFAULT_PAGE: u32 = 200;

/// One event of a commune's notification stream: a JWS envelope (as
/// always), or an official document relayed as the facility posted it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize, Deserialize)]
pub struct StreamEvent {
    /// Gap-free sequence number within the commune's stream, from 1.
    pub seq: u64,
    pub notification_id: String,
    pub version: u32,
    /// The facility's signed envelope, byte for byte as it was posted; absent
    /// for a relayed document.
    pub envelope: Option<Box<RawValue>>,
    /// A relayed document's format (see [`DocumentFormat`]).
    pub format: Option<DocumentFormat>,
    /// A relayed document: the posted bytes, standard base64. A file holding
    /// several records (a `GIAMDINHHS` with twins) is relayed once per record
    /// routed, each event naming its own record's `notification_id`.
    pub document: Option<String>,
    /// The facility the registry authenticated as the sender (a facility
    /// credential; FHIR always, XML when one was presented).
    pub sender_facility: Option<String>,
    /// When the registry received it: the health side's arrival, which its
    /// timeliness (4 working hours, Decree 63/2024/NĐ-CP, Art. 25) is
    /// counted to. Absent from registries before this field.
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a relayed document is, as the registry verified it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentFormat {
    /// `HSDLGBT`: a death notice (official signed XML).
    Hsdlgbt,
    /// `HSDLGCS`: a birth certificate (official signed XML).
    Hsdlgcs,
    /// `GIAMDINHHS`: an XML 130 set, its table 9 births (official signed XML).
    Giamdinhhs,
    /// An HL7 FHIR R4 message (VRDR) or birth report (BFDR), JSON.
    Fhir,
}

impl DocumentFormat {
    pub fn code(self) -> &'static str {
        match self {
            DocumentFormat::Hsdlgbt => "hsdlgbt",
            DocumentFormat::Hsdlgcs => "hsdlgcs",
            DocumentFormat::Giamdinhhs => "giamdinhhs",
            DocumentFormat::Fhir => "fhir",
        }
    }

    /// The format of an official XML file's root element.
    pub fn of_xml_root(root: &str) -> Option<DocumentFormat> {
        match root {
            "HSDLGBT" => Some(DocumentFormat::Hsdlgbt),
            "HSDLGCS" => Some(DocumentFormat::Hsdlgcs),
            "GIAMDINHHS" => Some(DocumentFormat::Giamdinhhs),
            _ => None,
        }
    }

    pub fn is_xml(self) -> bool {
        self != DocumentFormat::Fhir
    }
}

/// What a stream event carries, decoded.
#[derive(Debug)]
pub enum EventContent<'a> {
    Envelope(&'a RawValue),
    Document {
        format: DocumentFormat,
        bytes: Vec<u8>,
        sender_facility: Option<&'a str>,
    },
}

impl StreamEvent {
    /// The envelope, or the relayed document's bytes; an event with neither
    /// (or with undecodable base64) is the server's mistake.
    pub fn content(&self) -> Result<EventContent<'_>, String> {
        use base64::Engine as _;
        match (&self.envelope, self.format, &self.document) {
            (Some(envelope), None, None) => Ok(EventContent::Envelope(envelope)),
            (None, Some(format), Some(document)) => Ok(EventContent::Document {
                format,
                bytes: base64::engine::general_purpose::STANDARD
                    .decode(document)
                    .map_err(|e| format!("event {}: document: {e}", self.seq))?,
                sender_facility: self.sender_facility.as_deref(),
            }),
            _ => Err(format!(
                "event {}: neither an envelope nor a document with its format",
                self.seq
            )),
        }
    }
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
    /// The head of the workstation's audit chain as the row is sent: the
    /// registry keeps the highest per workstation and flags one that goes
    /// backwards (a cut chain, or a restored backup). Not part of the row:
    /// a replay with a newer head is the same row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<AuditChainHead>,
}

/// The last entry of a workstation's audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditChainHead {
    /// Its position in the chain, from 1.
    pub seq: u64,
    /// Its hash (64 lowercase hex digits).
    pub hash: String,
}

impl AuditChainHead {
    /// A head the registry may keep: a position and a SHA-256-sized hex hash.
    pub fn is_well_formed(&self) -> bool {
        self.seq >= 1
            && self.hash.len() == 64
            && self
                .hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

/// `PUT /v1/events/{id}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAck {
    pub id: String,
    /// `created` the first time, `replayed` when the same content was already stored.
    pub status: String,
}

/// `PUT /v1/paper-keys/{key_id}` body: the commune office's paper-signing
/// public key, submitted for the registry to certify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperKeySubmission {
    /// base64url of the 32-byte Ed25519 public key.
    pub public_key: String,
}

/// `PUT /v1/paper-keys/{key_id}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperKeyAck {
    pub key_id: String,
    /// `stored` the first time, `same` when this key was submitted before.
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
    use super::{DocumentFormat, EventContent, PostOutcome, StreamEvent};

    #[test]
    fn a_stream_event_is_an_envelope_as_before_or_a_relayed_document() {
        let jws = r#"{"seq":1,"notification_id":"a","version":1,"envelope":{"protected":"x"}}"#;
        let event: StreamEvent = serde_json::from_str(jws).unwrap();
        assert!(
            matches!(event.content().unwrap(), EventContent::Envelope(raw) if raw.get() == r#"{"protected":"x"}"#)
        );
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            jws,
            "a JWS event is written as before"
        );

        let xml = r#"{"seq":2,"notification_id":"b","version":1,"format":"hsdlgbt","document":"PGE+PC9hPg=="}"#;
        let event: StreamEvent = serde_json::from_str(xml).unwrap();
        match event.content().unwrap() {
            EventContent::Document {
                format,
                bytes,
                sender_facility,
            } => {
                assert_eq!(
                    (format, bytes.as_slice(), sender_facility),
                    (DocumentFormat::Hsdlgbt, &b"<a></a>"[..], None)
                );
            }
            other => panic!("{other:?}"),
        }
        let neither = r#"{"seq":3,"notification_id":"c","version":1}"#;
        assert!(serde_json::from_str::<StreamEvent>(neither)
            .unwrap()
            .content()
            .is_err());
    }

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
