//! Types the core hands to its callers (CLI, desktop shell, UI through ts-rs).
//! Plain data, no table.

use chrono::NaiveDate;
use hotich_protocol::{EventKind, Notification};
use serde::{Deserialize, Serialize};

/// Lifecycle of a case; the moves between statuses are in `lifecycle.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    InOutreach,
    Appointment,
    Registered,
    RegisteredElsewhere,
    NotRegistrable,
    Voided,
    NeedsReview,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 8] = [
        CaseStatus::New,
        CaseStatus::InOutreach,
        CaseStatus::Appointment,
        CaseStatus::Registered,
        CaseStatus::RegisteredElsewhere,
        CaseStatus::NotRegistrable,
        CaseStatus::Voided,
        CaseStatus::NeedsReview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::InOutreach => "in_outreach",
            CaseStatus::Appointment => "appointment",
            CaseStatus::Registered => "registered",
            CaseStatus::RegisteredElsewhere => "registered_elsewhere",
            CaseStatus::NotRegistrable => "not_registrable",
            CaseStatus::Voided => "voided",
            CaseStatus::NeedsReview => "needs_review",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status as the registrar reads it.
    pub fn label_vi(self) -> &'static str {
        crate::labels::case_status(crate::labels::Lang::Vi, self)
    }

    /// Open cases still need the family to register; only they can be overdue.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::New
                | CaseStatus::InOutreach
                | CaseStatus::Appointment
                | CaseStatus::NeedsReview
        )
    }

    /// What a newer notification version does to a case. Outreach or a
    /// registration already built on the old content needs a person to look
    /// again; nothing local is thrown away.
    pub fn after_new_version(self, is_void: bool) -> CaseStatus {
        match (self, is_void) {
            (CaseStatus::New, true) => CaseStatus::Voided,
            (CaseStatus::New, false) => CaseStatus::New,
            (CaseStatus::Voided, true) => CaseStatus::Voided,
            // The facility reissued what it had voided.
            (CaseStatus::Voided, false) => CaseStatus::New,
            (_, _) => CaseStatus::NeedsReview,
        }
    }
}

crate::sql::sql_text!(CaseStatus);

/// One row of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseRow {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// The child (or "Con của <mother>") or the deceased, NFC.
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub event_date: NaiveDate,
    pub status: CaseStatus,
    /// Last day to register on time.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub deadline: NaiveDate,
    /// Negative when overdue; counted for open cases and shown for all.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub days_left: i64,
    pub overdue: bool,
    pub facility_id: Option<String>,
    pub facility_name: Option<String>,
    pub notification_id: Option<String>,
    pub notification_version: Option<u32>,
    /// The officer working the case.
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    /// Open, and its assignee's account is deactivated: it needs a new one.
    pub assignee_inactive: bool,
    /// The day the next contact with the family is due.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_follow_up: Option<NaiveDate>,
    /// The day the family promised to come.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub appointment_date: Option<NaiveDate>,
    /// Open, and nobody has contacted the family within 2 working days of
    /// the notification's issue (of the opening, for a case opened by hand).
    pub no_contact_yet: bool,
    /// Still waiting for the family the day after the appointment.
    pub appointment_missed: bool,
    /// Open, and the follow-up day is today or past.
    pub follow_up_due: bool,
    /// Whether the case's local writes reached the central registry.
    pub sync_state: crate::SyncState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct CaseFilter {
    #[serde(rename = "type")]
    pub kind: Option<EventKind>,
    pub status: Option<CaseStatus>,
    /// Only open cases (new, in outreach, appointment, needs review).
    pub open_only: bool,
    pub overdue_only: bool,
    /// Words of a name in any case, with or without diacritics, NFC or NFD.
    pub search: Option<String>,
    /// Only the cases of this officer (id), ordered by urgency: overdue
    /// first, then days left, then the next follow-up.
    pub assignee: Option<String>,
    /// Only open cases whose follow-up is due today or earlier.
    pub follow_up_due: bool,
    /// Only open cases nobody has contacted within 2 working days of the
    /// notification's issue (the rows flagged `no_contact_yet`).
    pub no_contact_yet: bool,
    /// "Cần liên hệ hôm nay": open cases whose follow-up is due, never
    /// contacted, or past their deadline and not contacted today (an
    /// appointment awaited excepted).
    pub contact_today: bool,
    /// Open cases already past their legal deadline when they arrived.
    pub overdue_on_arrival: bool,
    /// Only cases with a write the central registry refused (an outbox row
    /// parked as `dead`).
    pub sync_failed: bool,
    /// Rows per page; 0 means the default of 50.
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CasePage {
    pub rows: Vec<CaseRow>,
    /// Rows matching the filter, across all pages, counted up to
    /// `COUNT_LIMIT` (5,000).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
    /// False when more rows than `total` match ("more than 5,000").
    pub total_exact: bool,
}

/// One version of a notification as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NotificationVersion {
    pub version: u32,
    pub action: hotich_protocol::Action,
    pub issued_at: String,
    pub received_at: String,
    /// The version the case shows (the newest).
    pub current: bool,
}

/// How the notification behind a case was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Verification {
    pub algorithm: String,
    pub key_id: String,
    pub facility_id: String,
    pub facility_name: String,
    pub facility_address: String,
    pub key_valid_from: String,
    pub key_valid_until: String,
    /// The signature checked again, now, with the key that verified it on
    /// arrival; false means the stored row was altered since.
    pub signature_valid: bool,
    /// base64url SHA-256 of the signed payload, as in the signed header.
    pub payload_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseDetail {
    pub case: CaseRow,
    /// The newest version that carries the event's content.
    pub notification: Option<Notification>,
    pub verification: Option<Verification>,
    pub versions: Vec<NotificationVersion>,
    /// The reason given by the facility when it voided the notification.
    pub void_reason: Option<String>,
    /// The names behind the notification's codes (ethnicity, nationality,
    /// ID document type, province, commune), by field name
    /// ([`crate::code_names::code_names`]); empty without a notification.
    pub code_names: std::collections::BTreeMap<String, crate::code_names::CodeName>,
}

/// What one import did, per envelope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ImportSummary {
    /// First version of a notification: a new case.
    pub imported: u64,
    /// Already present, or older than the version the case has.
    pub unchanged: u64,
    /// A newer version (correction) applied to its case.
    pub updated: u64,
    /// A void applied to its case.
    pub voided: u64,
    /// Refused: failed verification or conflicts with what was received; kept in quarantine.
    pub quarantined: u64,
}

impl ImportSummary {
    pub fn total(&self) -> u64 {
        self.imported + self.unchanged + self.updated + self.voided + self.quarantined
    }

    pub fn add(&mut self, other: &ImportSummary) {
        self.imported += other.imported;
        self.unchanged += other.unchanged;
        self.updated += other.updated;
        self.voided += other.voided;
        self.quarantined += other.quarantined;
    }
}

/// Progress of a long import, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ImportProgress {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct QuarantineEntry {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub received_at: String,
    /// The file or server it came from.
    pub source: String,
    pub notification_id: Option<String>,
    pub version: Option<u32>,
    /// The reason's code: a `RejectionReason` of Hotich's envelopes, or a
    /// refusal of the official signed XML (`xml_…`, `signature_…`,
    /// `certificate_…`; `labels::quarantine_reason` words each).
    pub reason: String,
    /// The reason in plain Vietnamese.
    pub reason_text: String,
    /// The technical detail (which field, which key).
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TrustImportSummary {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sequence: u64,
    pub facilities: u32,
    /// False when the list was not newer than the one already held.
    pub applied: bool,
}

/// The commune this workstation registers for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Office {
    pub commune_code: String,
    /// "Xã Tiên Yên", "Phường Ba Đình".
    pub commune_name: String,
    pub province_name: String,
}
