//! What the province's supervision page reads and who may read it (issue
//! 19, item 4): provincial officers and their sessions, the rows of a
//! province's communes, and the records refused at the facility door. The
//! tables are `schema/009_province_supervision.sql`'s; each back-end's
//! `province.rs` writes them.

use chrono::{DateTime, Utc};

/// A provincial officer to register (`hotich-central officer add`).
#[derive(Debug, Clone, Copy)]
pub struct NewOfficer<'a> {
    /// The province's code (2 digits).
    pub province: &'a str,
    pub login: &'a str,
    /// The name shown on the page.
    pub label: &'a str,
    /// Argon2id PHC string of the password.
    pub password_hash: &'a str,
}

/// An officer as `hotich-central officer list` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerRecord {
    pub id: String,
    pub province: String,
    pub login: String,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A provincial officer signed in: what their pages may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceOfficer {
    pub id: String,
    pub province: String,
    pub label: String,
}

/// An officer who may sign in, with the hash to check the password against.
#[derive(Debug, Clone)]
pub struct OfficerLogin {
    pub officer: ProvinceOfficer,
    pub password_hash: String,
    /// Wrong passwords since the last good one (or the last lock).
    pub failed_sign_ins: u32,
    /// Until when the officer's sign-in is refused, after too many.
    pub locked_until: Option<DateTime<Utc>>,
}

/// A relayed notification, not voided, as the page reads it (times RFC 3339).
#[derive(Debug, Clone, Default)]
pub struct SupervisedNotice {
    pub notification_id: String,
    pub commune: String,
    pub kind: Option<String>,
    pub event_date: Option<String>,
    pub received_at: Option<String>,
    pub issued_at: Option<String>,
    pub subject_name: Option<String>,
}

/// A workstation case as its pushed rows left it.
#[derive(Debug, Clone, Default)]
pub struct SupervisedCase {
    pub commune: String,
    pub notification_id: Option<String>,
    pub first_contact_at: Option<String>,
    pub last_contact_at: Option<String>,
    pub assignee: Option<String>,
    pub kind: Option<String>,
    pub event_date: Option<String>,
    pub deadline: Option<String>,
    pub registered_on: Option<String>,
    /// Closed without registration, as this status (see `011_case_closure.sql`).
    pub closed_as: Option<String>,
}

/// Everything the page reads of a province's communes, each table once.
#[derive(Debug, Clone, Default)]
pub struct SupervisionRows {
    pub notices: Vec<SupervisedNotice>,
    pub cases: Vec<SupervisedCase>,
    /// Each commune's latest workstation request (to the minute), if any.
    pub last_sync: Vec<(String, Option<String>)>,
    /// (commune, when) of each record refused at the door.
    pub refused: Vec<(String, String)>,
}
