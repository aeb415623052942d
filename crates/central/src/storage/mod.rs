//! Where the central registry keeps its streams: the [`Storage`] trait the
//! server talks to, and its embedded SQLite implementation (one file). A
//! PostgreSQL backend for national scale implements the same trait; the only
//! rule it must keep is the one documented on
//! [`Storage::append_notifications`]: each commune's sequence is assigned in
//! the insert's own transaction, so it has no gaps.

pub mod key;

use chrono::{DateTime, NaiveDate, Utc};
use hotich_common::sqlite::OpenError;
use hotich_protocol::pilot::PilotCase;
use hotich_protocol::sync::{AuditChainHead, DocumentFormat};
use hotich_protocol::FacilityKey;
use hotich_protocol::{Action, EventKind, Notification};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL error, shown by its code and message only: a detail
    /// line may quote a row's values.
    #[error("database: {}", postgres_summary(.0))]
    Postgres(#[from] ::postgres::Error),
    /// No connection could be had from the pool in time.
    #[error("database: no connection: {0}")]
    Pool(#[from] r2d2::Error),
    /// `--database` is not a PostgreSQL connection string.
    #[error("the database address is not a PostgreSQL connection string (postgres://user@host:port/name)")]
    BadDatabaseUrl,
    /// TLS to PostgreSQL could not be set up (the CA file of
    /// `PGSSLROOTCERT` unreadable, say).
    #[error("database TLS: {0}")]
    DatabaseTls(String),
    /// The schema could not be brought up to date (or the database was
    /// migrated by a newer hotich-central).
    #[error("database schema: {0}")]
    Migration(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Opening failed, or the database was written by a newer hotich-central.
    #[error("database: {0}")]
    Open(#[from] OpenError),
    /// The database key given is not 64 hex digits.
    #[error("the database key in {given_in} is not 64 hex digits")]
    BadKey { given_in: &'static str },
    /// The database is encrypted and no key was given or found beside it.
    #[error(
        "the database is encrypted and its key was not found: set {} or {}",
        key::KEY_ENV,
        key::KEY_FILE_ENV
    )]
    KeyMissing,
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

fn postgres_summary(error: &::postgres::Error) -> String {
    match (error.as_db_error(), std::error::Error::source(error)) {
        (Some(db), _) => format!("{} ({})", db.message(), db.code().code()),
        // Why a connection failed (TLS, the network): no row in it.
        (None, Some(cause)) => format!("{error}: {cause}"),
        (None, None) => error.to_string(),
    }
}

/// Where the registry keeps its data, as `--db` names it: an SQLite file
/// (the default), or a PostgreSQL database (`postgres://…` or
/// `postgresql://…`, for several registry processes).
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Database {
    pub fn from_arg(arg: &std::path::Path) -> Database {
        match arg.to_str() {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres(url.to_owned())
            }
            _ => Database::Sqlite(arg.to_owned()),
        }
    }

    /// Opens the storage, bringing its schema up to date.
    pub fn open(&self) -> Result<Box<dyn Storage>> {
        Ok(match self {
            Database::Sqlite(path) => Box::new(SqliteStorage::open(path)?),
            Database::Postgres(url) => Box::new(PostgresStorage::open(url)?),
        })
    }
}

/// The file, or the PostgreSQL address with its password hidden (it is
/// printed in errors and logs).
impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                let rest = match rest.split_once('@') {
                    Some((user_info, host)) => match user_info.split_once(':') {
                        Some((user, _password)) => format!("{user}:***@{host}"),
                        None => rest.to_owned(),
                    },
                    None => rest.to_owned(),
                };
                // Query parameters may carry a password too.
                let rest = rest.split_once('?').map_or(rest.as_str(), |(base, _)| base);
                write!(f, "{scheme}://{rest}")
            }
        }
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Database({self})")
    }
}

/// A verified notification, ready to append to a commune's stream.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub notification_id: String,
    pub version: u32,
    /// The signed envelope (JSON) as the facility posted it.
    pub envelope: String,
    /// The commune its content makes responsible (see [`jurisdiction`]); None for a void.
    pub content_commune: Option<String>,
    /// The commune the facility named in the payload.
    pub claimed_commune: String,
    pub pilot: PilotNotice,
}

/// What the pilot's figures and the province's supervision page keep of a
/// notification version (`schema/008_pilot.sql`, `009_province_supervision.sql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PilotNotice {
    pub kind: EventKind,
    /// None: a void.
    pub event_date: Option<NaiveDate>,
    /// `hotich_protocol::pilot::identification_complete`.
    pub identification_complete: bool,
    /// When the facility issued the paper (the health side's 4 working hours).
    pub issued_at: Option<DateTime<Utc>>,
    /// The person it is about (the province's overdue list); None for a void.
    pub subject_name: Option<String>,
}

impl PilotNotice {
    pub fn of(n: &Notification) -> PilotNotice {
        let content = n.action != Action::Void;
        PilotNotice {
            kind: n.kind,
            event_date: n.event_date().filter(|_| content),
            identification_complete: hotich_protocol::pilot::identification_complete(n),
            issued_at: Some(n.issued_at),
            subject_name: n.subject_name().filter(|_| content),
        }
    }
}

/// What appending one notification did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    Stored {
        commune: String,
        seq: u64,
    },
    /// The same id, version and envelope were stored before.
    Duplicate {
        commune: String,
        seq: u64,
    },
    /// The same id and version with another envelope: the first one stands.
    Conflict,
}

/// One event of a commune's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u64,
    pub notification_id: String,
    pub version: u32,
    /// The JWS envelope; empty for a relayed document.
    pub envelope: String,
    /// `jws`, or a relayed document's [`DocumentFormat`] code.
    pub format: String,
    /// A relayed document's bytes, as posted.
    pub document: Option<Vec<u8>>,
    pub sender_facility: Option<String>,
    /// When the registry received it (RFC 3339).
    pub received_at: String,
}

/// One record of a verified official document (XML, FHIR), ready to append.
/// Its version is the storage's to give, as the workstation gives it: the
/// same bytes again are a duplicate, other bytes for a held id the next
/// version when the record may supersede, else a conflict.
#[derive(Debug, Clone)]
pub struct IncomingDocument {
    pub notification_id: String,
    pub format: DocumentFormat,
    /// The whole posted file (a file with two records is stored per record).
    pub document: Vec<u8>,
    pub sender_facility: Option<String>,
    /// A re-issue, an XML 130 set, a FHIR update or void.
    pub may_supersede: bool,
    pub content_commune: Option<String>,
    pub claimed_commune: String,
    pub pilot: PilotNotice,
}

/// What kind of X.509 trust entry (see [`Storage::add_x509`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum X509Kind {
    Anchor,
    Intermediate,
    /// A facility's signing certificate (registered for a MACSKCB).
    Facility,
    Crl,
}

impl X509Kind {
    pub fn code(self) -> &'static str {
        match self {
            X509Kind::Anchor => "anchor",
            X509Kind::Intermediate => "intermediate",
            X509Kind::Facility => "facility",
            X509Kind::Crl => "crl",
        }
    }
}

/// An X.509 trust entry to keep.
#[derive(Debug, Clone, Copy)]
pub struct NewX509<'a> {
    pub kind: X509Kind,
    /// MACSKCB for a facility certificate; empty otherwise.
    pub facility_code: &'a str,
    /// Subject (issuer for a CRL).
    pub subject: &'a str,
    pub sha256: &'a str,
    /// End of validity (next update for a CRL).
    pub not_after: Option<&'a str>,
    pub der: &'a [u8],
}

/// An X.509 trust entry as `hotich-central trust … list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct X509Record {
    pub id: i64,
    /// `anchor`, `intermediate`, `facility` or `crl`.
    pub kind: String,
    pub facility_code: String,
    pub subject: String,
    pub sha256: String,
    pub not_after: Option<String>,
    pub added_at: String,
}

/// Everything a posted official file is verified against.
#[derive(Debug, Default, Clone)]
pub struct X509Material {
    /// DER of the anchors and intermediates.
    pub certificates: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
    /// (MACSKCB, SHA-256 of a certificate registered for it).
    pub facilities: Vec<(String, String)>,
}

impl X509Material {
    /// Adds a stored entry of kind `kind` ([`X509Kind::code`]).
    pub(crate) fn add(&mut self, kind: &str, facility_code: String, sha256: String, der: Vec<u8>) {
        match kind {
            "anchor" | "intermediate" => self.certificates.push(der),
            "crl" => self.crls.push(der),
            _ => self.facilities.push((facility_code, sha256)),
        }
    }
}

/// A facility allowed to post over the authenticated channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilitySender {
    pub id: String,
    pub facility_code: String,
    /// May post FHIR (which carries no signature of its own).
    pub fhir: bool,
}

/// A facility sender to register (`hotich-central facility-sender add`).
#[derive(Debug, Clone, Copy)]
pub struct NewFacilitySender<'a> {
    pub facility_code: &'a str,
    pub fhir: bool,
    pub token_sha256: &'a str,
}

/// A facility sender as `hotich-central facility-sender list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilitySenderRecord {
    pub sender: FacilitySender,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// What a facility's bearer token is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderCheck {
    Valid(FacilitySender),
    Revoked,
    Unknown,
}

/// A page of a commune's stream: its events, and whether more follow.
pub type StoredPage = (Vec<StoredEvent>, bool);

/// A verified trust list to store, with the facility keys it lists.
#[derive(Debug, Clone, Copy)]
pub struct NewTrustList<'a> {
    pub sequence: u64,
    /// The signed list (JSON) as received.
    pub raw: &'a str,
    pub facilities: &'a [FacilityKey],
}

/// A workstation allowed to sync, found by its token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workstation {
    pub id: String,
    pub commune: String,
}

/// A workstation to register (`hotich-central workstation add`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkstation<'a> {
    pub commune: &'a str,
    pub label: &'a str,
    pub token_sha256: &'a str,
    /// The token is refused from this instant on; None: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A workstation as `hotich-central workstation list` shows it (RFC 3339 times).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkstationRecord {
    pub id: String,
    pub commune: String,
    pub label: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub rotated_at: Option<String>,
    pub last_used_at: Option<String>,
    /// The highest audit-chain position the workstation reported.
    pub audit_head_seq: Option<i64>,
    /// When it last reported a head behind that one (flagged).
    pub audit_went_back_at: Option<String>,
}

/// What a reported audit head did to the one kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadVerdict {
    /// Further along (or the first): kept.
    Advanced,
    Same,
    /// Behind the one kept, or at its position with another hash: flagged,
    /// the kept one stays.
    WentBack,
}

/// What the token a request carries is worth, looked up on every request
/// (no cache: a revoke or a rotation holds from the next request on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    Valid(Workstation),
    /// A supervisor must enter a new token.
    Revoked,
    Expired,
    /// No workstation holds this token (never issued, or replaced by a rotation).
    Unknown,
}

/// What a revoke or a rotation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenChange {
    Done,
    NoSuchWorkstation,
    /// Revoked before: a revoked workstation gets no new token (add a new one).
    AlreadyRevoked,
}

/// `last_used_at` is written at most this often per workstation, so a busy
/// workstation does not make every request a write.
const LAST_USED_GRANULARITY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// One outbox row a workstation pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRecord {
    pub case_id: Option<String>,
    pub kind: String,
    /// JSON object text, as received.
    pub body: String,
    pub created_at: String,
}

/// What submitting a paper-signing key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySubmission {
    Stored,
    /// The same key from the same commune again.
    Same,
    /// Another key, or another commune, under this id: the first one stands.
    Conflict,
}

/// A commune office's paper-signing key as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperKeyRecord {
    pub key_id: String,
    pub commune: String,
    pub workstation_id: String,
    pub public_key: String,
    pub submitted_at: String,
    /// The root-signed certificate (JSON envelope), once certified.
    pub certificate: Option<String>,
    pub certified_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A printed copy as the registry knows it (RFC 3339 times, the
/// workstation's): see [`Storage::paper_status`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperRecord {
    pub printed_at: String,
    pub withdrawn_at: Option<String>,
    /// The registration's latest amendment, when it came after the print.
    pub amended_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Created,
    Replayed,
    Conflict,
}

/// A commune and the health station its registered deaths are shared with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HealthStation {
    pub commune: String,
    pub facility_id: String,
    pub set_at: String,
}

/// A cause the store keeps for a commune's workstations to pull.
#[derive(Debug, Clone)]
pub struct StoredCause {
    pub seq: u64,
    pub registration_id: String,
    /// The station's envelope, as posted.
    pub envelope: String,
    pub received_at: String,
}

/// What returning a cause did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CauseOutcome {
    /// Kept, numbered in the commune's causes.
    Stored { commune: String, seq: u64 },
    /// The same envelope again: nothing changed.
    Replayed,
    /// Another cause was returned for this registration before.
    Conflict,
    /// No death shared under this registration id.
    UnknownRegistration,
    /// The registration's commune shares its deaths with another station.
    NotResponsible,
}

/// The server's storage. Methods block: the server calls them on tokio's
/// blocking pool.
pub trait Storage: Send + Sync + 'static {
    /// Appends verified notifications to the streams of the communes they
    /// are routed to, each with the next sequence number of its commune,
    /// assigned inside the same transaction as its insert (gap-free: a
    /// rolled-back insert takes its number with it). Idempotent on
    /// (notification id, version).
    fn append_notifications(&self, batch: &[Incoming], now: DateTime<Utc>)
        -> Result<Vec<Appended>>;
    /// Events of `commune` after `after`, oldest first, at most `limit` and
    /// no more than `max_bytes` of envelopes and documents (but always one,
    /// so a cursor moves; see [`readings::page_end`]); and whether more
    /// follow. Sizes are read before contents: nothing past the page is
    /// loaded.
    fn events_after(
        &self,
        commune: &str,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> Result<StoredPage>;
    /// The workstation holding this token, if it may sync at `now`; a valid
    /// use is recorded in `last_used_at` (to the minute).
    fn check_token(&self, token_sha256: &str, now: DateTime<Utc>) -> Result<TokenCheck>;
    /// Registers a workstation; its new id.
    fn add_workstation(&self, new: &NewWorkstation<'_>, now: DateTime<Utc>) -> Result<String>;
    /// Every workstation, oldest first.
    fn workstations(&self) -> Result<Vec<WorkstationRecord>>;
    /// Refuses the workstation's token from now on.
    fn revoke_workstation(&self, id: &str, now: DateTime<Utc>) -> Result<TokenChange>;
    /// Replaces the workstation's token: the old one is refused from now on.
    fn rotate_token(&self, id: &str, token_sha256: &str, now: DateTime<Utc>)
        -> Result<TokenChange>;
    /// Stores a pushed row once: `Replayed` for the same content again,
    /// `Conflict` for other content under the same id.
    fn put_event(
        &self,
        workstation: &Workstation,
        id: &str,
        record: &PushedRecord,
        now: DateTime<Utc>,
    ) -> Result<PutOutcome>;
    /// What the registry knows of the printed copy `serial` (its code as
    /// printed): when printed, withdrawn, and the registration's amendment
    /// after the print, if any; None when no workstation pushed it.
    fn paper_status(&self, serial: &str) -> Result<Option<PaperRecord>>;
    /// Keeps a workstation's paper-signing public key under its id, for its
    /// commune, until the operator certifies it.
    fn submit_paper_key(
        &self,
        workstation: &Workstation,
        key_id: &str,
        public_key: &str,
        now: DateTime<Utc>,
    ) -> Result<KeySubmission>;
    /// Every paper key submitted, oldest first.
    fn paper_keys(&self) -> Result<Vec<PaperKeyRecord>>;
    /// Keeps the key's certificate; false when the key is unknown or revoked.
    fn certify_paper_key(
        &self,
        key_id: &str,
        certificate: &str,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// Revokes a key; false when unknown or revoked before.
    fn revoke_paper_key(&self, key_id: &str, now: DateTime<Utc>) -> Result<bool>;
    /// Keeps the workstation's audit head if it is further along than the
    /// one kept; flags one that went backwards.
    fn note_audit_head(
        &self,
        workstation: &Workstation,
        head: &AuditChainHead,
        now: DateTime<Utc>,
    ) -> Result<HeadVerdict>;
    /// The signed trust list in force (JSON) and its sequence.
    fn trust_list(&self) -> Result<Option<(u64, String)>>;
    /// Only the sequence of the trust list in force: every post reads it to
    /// know whether its parsed keys are current, without the list's text.
    fn trust_list_sequence(&self) -> Result<Option<u64>>;
    /// Replaces the trust list when its sequence is newer; false otherwise.
    fn replace_trust_list(&self, list: &NewTrustList<'_>, now: DateTime<Utc>) -> Result<bool>;
    fn facility_keys(&self) -> Result<Vec<FacilityKey>>;
    /// A cheap check that the storage answers (the health endpoint).
    fn ping(&self) -> Result<()>;
    fn setting(&self, key: &str) -> Result<Option<String>>;
    fn set_setting(&self, key: &str, value: &str) -> Result<()>;
    /// Appends verified records of official documents, each with the version
    /// it takes (see [`IncomingDocument`]) and routed as
    /// [`Storage::append_notifications`] routes; gap-free in the same way.
    fn append_documents(
        &self,
        batch: &[IncomingDocument],
        now: DateTime<Utc>,
    ) -> Result<Vec<(u32, Appended)>>;
    /// Keeps an X.509 trust entry; its id (the held one's when already kept).
    fn add_x509(&self, new: &NewX509<'_>, now: DateTime<Utc>) -> Result<i64>;
    /// Every X.509 trust entry, oldest first.
    fn x509_entries(&self) -> Result<Vec<X509Record>>;
    /// Removes an entry; false when there is none with this id.
    fn remove_x509(&self, id: i64) -> Result<bool>;
    /// What a posted official file is verified against, read now (no cache:
    /// a removed anchor or a new CRL holds from the next post on).
    fn x509_material(&self) -> Result<X509Material>;
    /// Registers a facility sender; its new id.
    fn add_facility_sender(
        &self,
        new: &NewFacilitySender<'_>,
        now: DateTime<Utc>,
    ) -> Result<String>;
    fn facility_senders(&self) -> Result<Vec<FacilitySenderRecord>>;
    /// Refuses the sender's token from now on; false when unknown or revoked before.
    fn revoke_facility_sender(&self, id: &str, now: DateTime<Utc>) -> Result<bool>;
    /// The sender holding this token, looked up on every request.
    fn check_facility_sender(&self, token_sha256: &str) -> Result<SenderCheck>;
    // Justice → Health (issue 18, item 1; `schema/007_health_loop.sql`).
    /// Shares `commune`'s registered deaths with the station `facility_id`.
    fn set_health_station(
        &self,
        commune: &str,
        facility_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    fn health_stations(&self) -> Result<Vec<HealthStation>>;
    /// The deaths shared with `facility_id` after its cursor, up to `limit`,
    /// and whether more follow.
    fn shared_deaths(
        &self,
        facility_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<(Vec<hotich_protocol::health_loop::SharedDeath>, bool)>;
    /// Keeps a verified cause (its envelope as posted) if its facility is
    /// the station of the registration's commune.
    fn record_cause(
        &self,
        cause: &hotich_protocol::health_loop::CauseOfDeath,
        envelope: &str,
        now: DateTime<Utc>,
    ) -> Result<CauseOutcome>;
    /// A commune's returned causes after its cursor, and whether more follow.
    fn causes_after(
        &self,
        commune: &str,
        after: u64,
        limit: u32,
    ) -> Result<(Vec<StoredCause>, bool)>;
    // The pilot's figures (issue 18, item 4; `schema/008_pilot.sql`).
    /// One row per event of [from, to] in `communes`, for
    /// `hotich_protocol::pilot::PilotFigures::compute`.
    fn pilot_cases(
        &self,
        communes: &[&str],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<PilotCase>>;
    // The province's supervision page (issue 19, item 4; `supervision.rs`).
    /// Registers a provincial officer; their id, or None when the login is taken.
    fn add_officer(&self, new: &NewOfficer<'_>, now: DateTime<Utc>) -> Result<Option<String>>;
    fn officers(&self) -> Result<Vec<OfficerRecord>>;
    /// Revokes an officer and ends their sessions; false when unknown or revoked before.
    fn revoke_officer(&self, id: &str, now: DateTime<Utc>) -> Result<bool>;
    /// The officer who signs in with `login`, unless revoked.
    fn officer_login(&self, login: &str) -> Result<Option<OfficerLogin>>;
    /// Counts a wrong password of the officer; the `lock_after`-th in a row
    /// refuses their sign-in until `locked_until` and starts the count
    /// again. True when this one locked it.
    fn note_failed_sign_in(
        &self,
        officer_id: &str,
        lock_after: u32,
        locked_until: DateTime<Utc>,
    ) -> Result<bool>;
    /// Forgets the officer's wrong passwords (a good one was given).
    fn clear_failed_sign_ins(&self, officer_id: &str) -> Result<()>;
    /// Keeps a new session (its cookie's SHA-256) until `expires_at`.
    fn open_session(
        &self,
        officer_id: &str,
        token_sha256: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// The officer of a session that is neither expired nor of a revoked
    /// officer, looked up on every request.
    fn session_officer(
        &self,
        token_sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ProvinceOfficer>>;
    fn close_session(&self, token_sha256: &str) -> Result<()>;
    /// Counts a record refused at the facility door for `commune`.
    fn note_refused(&self, commune: &str, reason: &str, now: DateTime<Utc>) -> Result<()>;
    /// What the page reads of `communes`.
    fn supervision_rows(&self, communes: &[&str]) -> Result<SupervisionRows>;
    /// How the storage's pool of connections is used now, when it keeps
    /// one (PostgreSQL; SQLite has one writer and fixed readers).
    fn pool_use(&self) -> Option<PoolUse> {
        None
    }
}

mod pilot_rows;
mod postgres;
mod readings;
mod sqlite;
mod supervision;

pub use self::postgres::{PoolUse, PostgresStorage, ROOT_CERT_ENV};
pub use sqlite::SqliteStorage;
pub use supervision::{
    NewOfficer, OfficerLogin, OfficerRecord, ProvinceOfficer, SupervisedCase, SupervisedNotice,
    SupervisionRows,
};
