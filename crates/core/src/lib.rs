//! Hotich's domain core: the offline store of health notifications and the
//! cases opened from them, their legal deadlines, the queue and search.
//! No Tauri and no network here; the CLI and the desktop shell call this API.

pub mod audit;
pub mod backup;
pub mod calendar;
pub use backup::schedule::{BackupScheduler, BackupStatus, BackupWarning};
mod case_file;
pub use case_file::{
    CertificateLink, FhirAuthentication, FhirEvidence, OfficialEvidence, RevocationShown,
};
pub mod code_names;
pub mod error;
pub mod export;
pub mod health_loop;
pub mod installation;
pub mod labels;
pub mod legal;
pub mod lifecycle;
pub mod model;
pub mod officer;
pub mod outbox;
pub mod outreach;
pub mod paper;
pub mod paths;
pub mod print_calibration;
pub mod print_log;
pub mod problem;
pub mod registration;
pub mod session;
mod sql;
pub mod stats;
pub mod store;
pub mod store_key;
pub mod sync;
pub mod templates;
pub mod text;
pub mod time;
pub mod x509_trust;

mod intake;
pub use intake::{ReceivedFhir, ReceivedXml};
pub mod queue;

pub use audit::{
    AuditAction, AuditFilter, AuditHead, AuditLine, AuditProblem, AuditProblemKind, AuditReport,
};
pub use error::{
    CoreError, ErrorCode, FileRefusal, ForbiddenAction, InputField, InputReason, Result,
};
pub use export::{ExportFormat, ExportSummary, PeriodCaseRow};
pub use hotich_common::sqlite::EncryptionProgress;
pub use installation::{
    CommuneMatch, FirstSupervisor, Installation, OfficeDetails, OfficeDetailsInput, OfficeSetUp,
    RootKeyFile, RootKeyView,
};
pub use labels::Lang;
pub use lifecycle::{Channel, Outcome};
pub use model::*;
pub use officer::{Officer, OfficerUpdate, PasswordReset, Role};
pub use outreach::{
    AttemptInput, AttemptRefusal, Contact, FollowUpProposal, Guidance, OfficeContact, OutreachView,
    StatusDecision, TimelineEntry, TimelineKind,
};
pub use print_calibration::PrinterCalibration;
pub use print_log::{
    ContentField, DocumentKind, NewPrint, PrintLogEntry, PrintLogLine, PrintedCopy, SpoiledBlank,
    StoredPrint, WithdrawnCopy,
};
pub use problem::{FieldProblem, ProblemRule};
pub use registration::{
    Amendment, AmendmentStatus, IdDocumentType, PendingAmendment, Registration, RegistrationCheck,
    RegistrationForm, RegistrationRow, Relationship, Signer,
};
pub use session::{Session, SessionState};
pub use stats::{
    DashboardFigures, DaysBucket, Figure, KindStats, MonthTrend, OfficerWorkload, OpenCasesFigure,
    OutcomeCount, PeriodReport, PeriodStats, ProvincePilot, ReportLine,
};
pub use store::Store;
pub use store_key::StoreKey;
pub use sync::{
    CaseSyncState, DeadItem, OutboxItem, PageApplied, PulledEvent, RegistryReceipt, SyncReport,
    SyncState, SyncStatus,
};
pub use x509_trust::{
    CrlAdded, CrlEntry, FacilityCertificate, RevocationRecheck, TrustCertificate, X509Entry,
};
