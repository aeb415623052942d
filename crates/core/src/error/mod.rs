//! Errors as typed codes. Every error any command can return has an
//! [`ErrorCode`] (exported to TypeScript) and named `params`; the words for
//! it, in Vietnamese and English, are in [`crate::labels`], never here.

use std::collections::BTreeMap;
use std::fmt;

use crate::labels::{self, Lang};
use crate::model::CaseStatus;
use crate::problem::FieldProblem;

mod code_enum;
pub(crate) use code_enum::code_enum;

code_enum! {
    /// Every code a command of the desktop shell or the CLI can fail with.
    /// Each variant's `params` are listed beside it; the words are in
    /// `labels::error_template`.
    pub enum ErrorCode {
        /// `found`, `supported`: schema versions.
        DatabaseTooNew => "database_too_new",
        /// `detail`.
        MigrationFailed => "migration_failed",
        /// `detail`: SQLite's message.
        Database => "database",
        /// `path`, `reason` (a [`FileRefusal`]) and the reason's params.
        InvalidFile => "invalid_file",
        /// `detail`.
        TrustListRejected => "trust_list_rejected",
        NoTrustList => "no_trust_list",
        NoRootKey => "no_root_key",
        /// `id`: the case id.
        CaseNotFound => "case_not_found",
        /// `what`, `reason`.
        Corrupt => "corrupt",
        /// `detail`.
        Io => "io",
        /// `field` (an [`InputField`]), `reason` (an [`InputReason`]) and the
        /// reason's own params (see [`InputReason`]).
        InvalidInput => "invalid_input",
        /// `from`, `to`: [`CaseStatus`] codes.
        IllegalTransition => "illegal_transition",
        WrongPassword => "wrong_password",
        /// `seconds`: how long before the next try.
        SignInLocked => "sign_in_locked",
        /// `action`: a [`ForbiddenAction`], worded as a whole sentence.
        Forbidden => "forbidden",
        /// `officer`: the username or id looked for.
        OfficerNotFound => "officer_not_found",
        AlreadySetUp => "already_set_up",
        NotSignedIn => "not_signed_in",
        Locked => "locked",
        /// A supervisor set this password (new account or reset): the officer
        /// must choose their own before anything else.
        PasswordChangeRequired => "password_change_required",
        /// The right password of a deactivated account.
        AccountDeactivated => "account_deactivated",
        /// Deactivating or demoting the last active supervisor.
        LastSupervisor => "last_supervisor",
        /// `hours`: the session reached its longest life; sign in again.
        SessionExpired => "session_expired",
        // the installation (`installation.rs`)
        /// The demo root key, whose private key is public, in a real office.
        DemoKeyRefused => "demo_key_refused",
        /// A trust list signed by the demo root, in a store that pinned another.
        DemoTrustListRefused => "demo_trust_list_refused",
        DemoCannotBecomeOffice => "demo_cannot_become_office",
        OfficeCannotBecomeDemo => "office_cannot_become_demo",
        /// The root key's fingerprint is not the one the supervisor confirmed.
        FingerprintMismatch => "fingerprint_mismatch",
        /// The commune cannot change once a case exists.
        CommuneLocked => "commune_locked",
        /// `count`; the problems themselves travel beside the error.
        InvalidRegistration => "invalid_registration",
        /// `count`: a form other than the registration's (opening a case by
        /// hand) refused with every problem at once, beside the error.
        InvalidForm => "invalid_form",
        /// `ids`: the earlier registrations ("số 12, quyển 01 (mã …)"), joined by "; ".
        DuplicateSuspected => "duplicate_suspected",
        /// `id`.
        RegistrationNotFound => "registration_not_found",
        /// `id`.
        AmendmentNotFound => "amendment_not_found",
        /// `id`: a trust anchor, facility certificate or CRL row (`x509_trust.rs`).
        TrustEntryNotFound => "trust_entry_not_found",
        // logging an attempt refused (`outreach/mod.rs`), each reason its own code
        /// `status`: a [`CaseStatus`] code (registered, registered elsewhere, ...).
        CaseClosed => "case_closed",
        /// The notification changed: the review decides before more calls.
        CaseNeedsReview => "case_needs_review",
        /// `assignee`: the full name of the officer the case is assigned to.
        CaseAssignedToOther => "case_assigned_to_other",
        // hotich-sync
        NoCommune => "no_commune",
        /// `detail`.
        BadServer => "bad_server",
        /// `detail`.
        Runtime => "runtime",
        /// `detail`.
        Keyring => "keyring",
        /// The key given (keyring, `HOTICH_DB_KEY` or a recovery key) is
        /// not this database's.
        WrongStoreKey => "wrong_store_key",
        /// The database has a key but neither the keyring nor
        /// `HOTICH_DB_KEY` holds it: the recovery key opens it.
        StoreKeyMissing => "store_key_missing",
        /// `detail`: encrypting a plain database (an earlier version's)
        /// stopped; the plain database is as it was.
        EncryptionFailed => "encryption_failed",
        /// `server`.
        NoToken => "no_token",
        EmptyToken => "empty_token",
        /// `detail`.
        Network => "network",
        Deadline => "deadline",
        /// `detail`.
        Unauthorized => "unauthorized",
        /// `status`, `detail`.
        Server => "server",
        /// `detail`.
        Protocol => "protocol",
        /// The registry says this workstation's token was revoked: a
        /// supervisor enters a new one.
        TokenRevoked => "token_revoked",
        TokenExpired => "token_expired",
        /// `minutes`: how far this computer's clock is from the registry's
        /// `Date`; `server_time`: the registry's time (office time).
        ClockSkew => "clock_skew",
        /// `limit`: mebibytes.
        ResponseTooLarge => "response_too_large",
        /// `status`, `location`.
        Redirected => "redirected",
        /// `detail`.
        BadCaCertificate => "bad_ca_certificate",
        /// No registry is configured (Settings → Sync).
        NoSyncServer => "no_sync_server",
        // hotich-extract
        /// `document` (a `DocumentKind`), `kind` (an `EventKind`).
        WrongDocument => "wrong_document",
        /// `id`: the registration.
        IncompleteRecord => "incomplete_record",
        NoOffice => "no_office",
        /// `char`, `codepoint`, `text`.
        MissingGlyph => "missing_glyph",
        /// `detail`.
        DoesNotFit => "does_not_fit",
        /// `detail`.
        Qr => "qr",
        /// `detail`.
        Font => "font",
        /// `source`: the file (or "văn bản") no QR code was found in.
        NoQrFound => "no_qr_found",
        /// `path`, `detail`: a file to check that could not be read.
        ReadFailed => "read_failed",
        /// `detail`: a paper trust file that is not one.
        BadPaperTrust => "bad_paper_trust",
        // the desktop shell
        /// `detail`.
        Internal => "internal",
        NoDatabase => "no_database",
        /// `detail`.
        WriteFailed => "write_failed",
        /// `detail`.
        Demo => "demo",
    }
}

code_enum! {
    /// What an officer tried without the role for it ([`ErrorCode::Forbidden`]).
    pub enum ForbiddenAction {
        AssignCases => "assign_cases",
        SetSyncServer => "set_sync_server",
        SetOfficeContact => "set_office_contact",
        EditTemplates => "edit_templates",
        ViewPrintLog => "view_print_log",
        ViewCommuneStats => "view_commune_stats",
        AddOfficer => "add_officer",
        ExportStats => "export_stats",
        SetIdleLock => "set_idle_lock",
        /// Resetting passwords, deactivating, reactivating, changing roles.
        ManageOfficers => "manage_officers",
        ChangeOffice => "change_office",
        ReplaceRootKey => "replace_root_key",
        /// A registrar recording on a case assigned to another officer.
        WorkOthersCase => "work_others_case",
        /// Setting the office's signers.
        SetSigners => "set_signers",
        /// Trust anchors, facility certificates and CRLs (X.509).
        ManageCertificates => "manage_certificates",
        ManageCalendar => "manage_calendar",
        /// Backing up or restoring the database.
        ManageBackups => "manage_backups",
        /// Reading or exporting the audit trail.
        ReadAudit => "read_audit",
        /// Dating a registration before today.
        RegisterOnEarlierDay => "register_on_earlier_day",
        /// Approving or rejecting an amendment (Civil Status Law 2014 Art. 28(2)).
        DecideAmendment => "decide_amendment",
        /// Withdrawing a printed copy (reported lost, issued in error).
        WithdrawPaper => "withdraw_paper",
        /// Replacing the office's paper-signing key.
        RotatePaperKey => "rotate_paper_key",
    }
}

code_enum! {
    /// The input an [`ErrorCode::InvalidInput`] is about.
    pub enum InputField {
        Note => "note",
        Assignee => "assignee",
        AppointmentDate => "appointment_date",
        NextFollowUp => "next_follow_up",
        DecisionReason => "decision_reason",
        Status => "status",
        OfficeAddress => "office_address",
        OfficeHours => "office_hours",
        CorrectedAttempt => "corrected_attempt",
        Period => "period",
        Template => "template",
        ChecklistTemplate => "checklist_template",
        Copies => "copies",
        Document => "document",
        Password => "password",
        Username => "username",
        OfficerName => "officer_name",
        Server => "server",
        ExportFile => "export_file",
        IdleLock => "idle_lock",
        RegistrationKind => "registration_kind",
        SubjectName => "subject_name",
        EventDate => "event_date",
        AmendmentBasis => "amendment_basis",
        AmendmentChanges => "amendment_changes",
        OfficeName => "office_name",
        Commune => "commune",
        RootKey => "root_key",
        Signers => "signers",
        OfficePhone => "office_phone",
        /// The serial number of a pre-printed blank (phôi).
        BlankSerial => "blank_serial",
        /// Why a blank was spoiled.
        SpoiledReason => "spoiled_reason",
        /// A printed copy's code (its serial), as read out or typed.
        PaperCode => "paper_code",
        /// Why a printed copy is withdrawn.
        WithdrawReason => "withdraw_reason",
        PrinterName => "printer_name",
        /// A printer's calibration offsets, in mm.
        OffsetX => "offset_x",
        OffsetY => "offset_y",
        /// A health facility's code (MACSKCB).
        FacilityCode => "facility_code",
        /// A registration or amendment form kept as typed.
        UnsavedForm => "unsaved_form",
        /// The recovery key a supervisor typed.
        RecoveryKey => "recovery_key",
        /// `HOTICH_DB_KEY` in the environment.
        DatabaseKeyVariable => "database_key_variable",
        /// An amendment waiting for a decision.
        Amendment => "amendment",
        /// The folder scheduled backups go to.
        BackupFolder => "backup_folder",
        /// The office hours working time is counted in (`calendar.rs`).
        WorkingHours => "working_hours",
    }
}

code_enum! {
    /// Why an input was refused. Params, where a reason has them, beside it.
    pub enum InputReason {
        Required => "required",
        Empty => "empty",
        /// `max`: characters.
        TooLong => "too_long",
        /// `username`.
        OfficerInactive => "officer_inactive",
        AppointmentDateMissing => "appointment_date_missing",
        BeforeToday => "before_today",
        AfterToday => "after_today",
        OnlyForAppointment => "only_for_appointment",
        WhereRegisteredMissing => "where_registered_missing",
        ReasonMissing => "reason_missing",
        VoidedOnlyWhenNotificationVoided => "voided_only_when_notification_voided",
        AlreadyCorrected => "already_corrected",
        NotAnAttemptOfCase => "not_an_attempt_of_case",
        /// `from`, `to`: days.
        StartAfterEnd => "start_after_end",
        /// `detail`: the template engine's message.
        TemplateError => "template_error",
        ChecklistWithoutItems => "checklist_without_items",
        /// `min`, `max`, `value`.
        OutOfRange => "out_of_range",
        /// `min`, `max`.
        SecondsOutOfRange => "seconds_out_of_range",
        /// `document` (a `DocumentKind`), `kind` (an `EventKind`).
        DocumentNotForEvent => "document_not_for_event",
        /// A copy to record is not one this office signed for the paper as it stands.
        CopyNotIssued => "copy_not_issued",
        /// `code`: no copy this office printed carries it.
        UnknownPaper => "unknown_paper",
        /// `code`, `at`: the copy was withdrawn before.
        AlreadyWithdrawn => "already_withdrawn",
        /// `min`: characters.
        PasswordTooShort => "password_too_short",
        /// On the bundled list of common passwords.
        PasswordCommon => "password_common",
        /// The account's username or full name.
        PasswordIsName => "password_is_name",
        /// The new password is the current one.
        PasswordUnchanged => "password_unchanged",
        UsernameCharacters => "username_characters",
        /// `username`.
        UsernameTaken => "username_taken",
        NotHttpUrl => "not_http_url",
        /// `http://` to another computer (only loopback may be plain HTTP).
        HttpOnlyLoopback => "http_only_loopback",
        /// `path`.
        UnsupportedExportFile => "unsupported_export_file",
        KindMismatch => "kind_mismatch",
        BasisMissing => "basis_missing",
        KindUnchangeable => "kind_unchangeable",
        NothingChanged => "nothing_changed",
        UnknownCommune => "unknown_commune",
        BadRootKey => "bad_root_key",
        /// `line`: the signer's line, from 1.
        SignerIncomplete => "signer_incomplete",
        /// Digits, spaces, dots and a leading + only, 8 to 15 digits.
        PhoneFormat => "phone_format",
        /// Letters, digits, `-` and `/` only.
        SerialCharacters => "serial_characters",
        /// `serial`, `day` (dd/mm/yyyy): that blank was printed on.
        SerialPrinted => "serial_printed",
        /// `serial`, `day` (dd/mm/yyyy): that blank was recorded as spoiled.
        SerialSpoiled => "serial_spoiled",
        /// `problem`: `bad_period`, `out_of_order` or `empty`.
        OfficeHoursMalformed => "office_hours_malformed",
        /// `document`: only the Giấy khai sinh is printed on a blank.
        BlankOnlyBirthCertificate => "blank_only_birth_certificate",
        NotJsonObject => "not_json_object",
        /// Not 56 letters and digits whose checksum holds.
        RecoveryKeyMistyped => "recovery_key_mistyped",
        /// An amendment of this registration already waits for a supervisor.
        AmendmentPending => "amendment_pending",
        /// The amendment was approved or rejected already.
        AlreadyDecided => "already_decided",
        /// No such folder (a USB disk unplugged, a share not mounted).
        FolderMissing => "folder_missing",
    }
}

code_enum! {
    /// Why a file was refused whole ([`ErrorCode::InvalidFile`]): a
    /// notifications file, a certificate or CRL file, or a CRL downloaded
    /// from a distribution point. Params, where a reason has them, beside it.
    pub enum FileRefusal {
        /// Neither Hotich's JSON, nor the health sector's signed XML, nor FHIR.
        NotNotifications => "not_notifications",
        /// `position`: the first element (from 1) that is no notification.
        NotEnvelopeArray => "not_envelope_array",
        /// `detail`: the JSON reader's message.
        UnreadableJson => "unreadable_json",
        NotCertificate => "not_certificate",
        /// `count`: how many certificates the file holds.
        NotOneCertificate => "not_one_certificate",
        NotCrl => "not_crl",
        /// No CA certificate a supervisor imported signed it.
        CrlIssuerUnknown => "crl_issuer_unknown",
        /// `status`: the server's HTTP status.
        HttpStatus => "http_status",
        /// `max`: bytes.
        TooLarge => "too_large",
        /// `detail`: the network library's message.
        Network => "network",
        /// Not a Hotich database (or not one this version can read).
        NotBackup => "not_backup",
        /// `detail`: what SQLite's integrity check found.
        BackupDamaged => "backup_damaged",
        /// `problem_kind` (an `AuditProblemKind`), `seq`, `action`,
        /// `entity`, `detail`: the first problem of the backup's audit log.
        BackupAuditBroken => "backup_audit_broken",
        /// The backup's store key is not this database's.
        BackupOtherKey => "backup_other_key",
        /// `found`, `supported`: schema versions.
        BackupTooNew => "backup_too_new",
        /// A file is already there; a backup never overwrites one.
        AlreadyExists => "already_exists",
        // A holiday schedule file (`calendar.rs`): `line` names the line,
        // `year` a year's problem.
        ScheduleMissingColumns => "schedule_missing_columns",
        ScheduleBadDate => "schedule_bad_date",
        ScheduleBadKind => "schedule_bad_kind",
        ScheduleWorkOnWeekday => "schedule_work_on_weekday",
        ScheduleRepeatedDay => "schedule_repeated_day",
        /// `year`, `weekdays_off`.
        ScheduleTooFewDaysOff => "schedule_too_few_days_off",
        ScheduleEmpty => "schedule_empty",
    }
}

/// Errors of the core API. Each has a stable [`ErrorCode`] and named
/// [`CoreError::params`] for callers that must not match on message text; its
/// `Display` is the Vietnamese message (logs, the CLI).
#[derive(Debug)]
pub enum CoreError {
    DatabaseTooNew {
        found: usize,
        supported: usize,
    },
    Migration(String),
    Sqlite(rusqlite::Error),
    /// A file refused whole: which file, why, and the reason's params.
    InvalidFile {
        path: String,
        reason: FileRefusal,
        params: BTreeMap<String, String>,
    },
    TrustList(hotich_protocol::trust::TrustListError),
    NoTrustList,
    NoRootKey,
    CaseNotFound(String),
    Corrupt {
        what: String,
        reason: String,
    },
    Io(std::io::Error),
    /// Bad input from a person: which input, why, and the reason's params.
    InvalidInput {
        field: InputField,
        reason: InputReason,
        params: BTreeMap<String, String>,
    },
    IllegalTransition {
        from: CaseStatus,
        to: CaseStatus,
    },
    WrongPassword,
    SignInLocked {
        seconds: i64,
    },
    Forbidden(ForbiddenAction),
    OfficerNotFound(String),
    AlreadySetUp,
    NotSignedIn,
    SessionLocked,
    PasswordChangeRequired,
    AccountDeactivated,
    LastSupervisor,
    SessionExpired {
        hours: u32,
    },
    DemoKeyRefused,
    DemoTrustListRefused,
    /// What the installation is and stays.
    InstallationFixed(crate::installation::Installation),
    FingerprintMismatch,
    CommuneLocked,
    InvalidRegistration(Vec<FieldProblem>),
    /// Every problem of a short form (opening a case by hand), each by its field.
    InvalidForm(Vec<FieldProblem>),
    DuplicateSuspected(Vec<String>),
    RegistrationNotFound(String),
    AmendmentNotFound(String),
    /// Logging an attempt refused, and why.
    AttemptRefused(crate::outreach::AttemptRefusal),
    /// No trust anchor, facility certificate or CRL with this id.
    TrustEntryNotFound(i64),
    /// The OS keyring refused or is not running: its message.
    Keyring(String),
    WrongStoreKey,
    StoreKeyMissing,
    /// The office's commune is not chosen yet.
    NoOffice,
    /// Encrypting a plain database stopped: why.
    EncryptionFailed(String),
}

fn params<const N: usize>(pairs: [(&str, String); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::DatabaseTooNew { .. } => ErrorCode::DatabaseTooNew,
            CoreError::Migration(_) => ErrorCode::MigrationFailed,
            CoreError::Sqlite(_) => ErrorCode::Database,
            CoreError::InvalidFile { .. } => ErrorCode::InvalidFile,
            CoreError::TrustList(_) => ErrorCode::TrustListRejected,
            CoreError::NoTrustList => ErrorCode::NoTrustList,
            CoreError::NoRootKey => ErrorCode::NoRootKey,
            CoreError::CaseNotFound(_) => ErrorCode::CaseNotFound,
            CoreError::Corrupt { .. } => ErrorCode::Corrupt,
            CoreError::Io(_) => ErrorCode::Io,
            CoreError::InvalidInput { .. } => ErrorCode::InvalidInput,
            CoreError::IllegalTransition { .. } => ErrorCode::IllegalTransition,
            CoreError::WrongPassword => ErrorCode::WrongPassword,
            CoreError::SignInLocked { .. } => ErrorCode::SignInLocked,
            CoreError::Forbidden(_) => ErrorCode::Forbidden,
            CoreError::OfficerNotFound(_) => ErrorCode::OfficerNotFound,
            CoreError::AlreadySetUp => ErrorCode::AlreadySetUp,
            CoreError::NotSignedIn => ErrorCode::NotSignedIn,
            CoreError::SessionLocked => ErrorCode::Locked,
            CoreError::PasswordChangeRequired => ErrorCode::PasswordChangeRequired,
            CoreError::AccountDeactivated => ErrorCode::AccountDeactivated,
            CoreError::LastSupervisor => ErrorCode::LastSupervisor,
            CoreError::SessionExpired { .. } => ErrorCode::SessionExpired,
            CoreError::DemoKeyRefused => ErrorCode::DemoKeyRefused,
            CoreError::DemoTrustListRefused => ErrorCode::DemoTrustListRefused,
            CoreError::InstallationFixed(crate::installation::Installation::Demo) => {
                ErrorCode::DemoCannotBecomeOffice
            }
            CoreError::InstallationFixed(crate::installation::Installation::Office) => {
                ErrorCode::OfficeCannotBecomeDemo
            }
            CoreError::FingerprintMismatch => ErrorCode::FingerprintMismatch,
            CoreError::CommuneLocked => ErrorCode::CommuneLocked,
            CoreError::InvalidRegistration(_) => ErrorCode::InvalidRegistration,
            CoreError::InvalidForm(_) => ErrorCode::InvalidForm,
            CoreError::DuplicateSuspected(_) => ErrorCode::DuplicateSuspected,
            CoreError::RegistrationNotFound(_) => ErrorCode::RegistrationNotFound,
            CoreError::AmendmentNotFound(_) => ErrorCode::AmendmentNotFound,
            CoreError::TrustEntryNotFound(_) => ErrorCode::TrustEntryNotFound,
            CoreError::AttemptRefused(refusal) => refusal.code(),
            CoreError::Keyring(_) => ErrorCode::Keyring,
            CoreError::WrongStoreKey => ErrorCode::WrongStoreKey,
            CoreError::StoreKeyMissing => ErrorCode::StoreKeyMissing,
            CoreError::NoOffice => ErrorCode::NoOffice,
            CoreError::EncryptionFailed(_) => ErrorCode::EncryptionFailed,
        }
    }

    /// The named values a message is worded from, as listed on [`ErrorCode`].
    pub fn params(&self) -> BTreeMap<String, String> {
        match self {
            CoreError::DatabaseTooNew { found, supported } => params([
                ("found", found.to_string()),
                ("supported", supported.to_string()),
            ]),
            CoreError::Migration(detail)
            | CoreError::Keyring(detail)
            | CoreError::EncryptionFailed(detail) => params([("detail", detail.clone())]),
            CoreError::Sqlite(e) => params([("detail", e.to_string())]),
            CoreError::InvalidFile {
                path,
                reason,
                params: reason_params,
            } => {
                let mut all = reason_params.clone();
                all.insert("path".to_owned(), path.clone());
                all.insert("reason".to_owned(), reason.as_str().to_owned());
                all
            }
            CoreError::TrustList(e) => params([("detail", e.to_string())]),
            CoreError::Io(e) => params([("detail", e.to_string())]),
            CoreError::CaseNotFound(id)
            | CoreError::RegistrationNotFound(id)
            | CoreError::AmendmentNotFound(id) => params([("id", id.clone())]),
            CoreError::Corrupt { what, reason } => {
                params([("what", what.clone()), ("reason", reason.clone())])
            }
            CoreError::InvalidInput {
                field,
                reason,
                params: reason_params,
            } => {
                let mut all = reason_params.clone();
                all.insert("field".to_owned(), field.as_str().to_owned());
                all.insert("reason".to_owned(), reason.as_str().to_owned());
                all
            }
            CoreError::IllegalTransition { from, to } => params([
                ("from", from.as_str().to_owned()),
                ("to", to.as_str().to_owned()),
            ]),
            CoreError::SignInLocked { seconds } => params([("seconds", seconds.to_string())]),
            CoreError::SessionExpired { hours } => params([("hours", hours.to_string())]),
            CoreError::Forbidden(action) => params([("action", action.as_str().to_owned())]),
            CoreError::OfficerNotFound(officer) => params([("officer", officer.clone())]),
            CoreError::InvalidRegistration(problems) | CoreError::InvalidForm(problems) => {
                params([("count", problems.len().to_string())])
            }
            CoreError::DuplicateSuspected(ids) => params([("ids", ids.join("; "))]),
            CoreError::TrustEntryNotFound(id) => params([("id", id.to_string())]),
            CoreError::AttemptRefused(refusal) => refusal.params(),
            CoreError::NoTrustList
            | CoreError::NoRootKey
            | CoreError::WrongPassword
            | CoreError::AlreadySetUp
            | CoreError::NotSignedIn
            | CoreError::SessionLocked
            | CoreError::PasswordChangeRequired
            | CoreError::AccountDeactivated
            | CoreError::LastSupervisor
            | CoreError::DemoKeyRefused
            | CoreError::DemoTrustListRefused
            | CoreError::InstallationFixed(_)
            | CoreError::FingerprintMismatch
            | CoreError::CommuneLocked
            | CoreError::WrongStoreKey
            | CoreError::StoreKeyMissing
            | CoreError::NoOffice => BTreeMap::new(),
        }
    }

    /// The form problems of an [`ErrorCode::InvalidRegistration`] or
    /// [`ErrorCode::InvalidForm`]; empty otherwise.
    pub fn problems(&self) -> &[FieldProblem] {
        match self {
            CoreError::InvalidRegistration(problems) | CoreError::InvalidForm(problems) => problems,
            _ => &[],
        }
    }

    /// The message in `lang`, worded from the label table.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CoreError::InvalidInput {
                field,
                reason,
                params,
            } => labels::invalid_input(lang, *field, *reason, params),
            CoreError::InvalidFile {
                path,
                reason,
                params,
            } => labels::invalid_file(lang, path, *reason, params),
            CoreError::AttemptRefused(crate::outreach::AttemptRefusal::Closed { status }) => {
                labels::fill(
                    labels::error_template(lang, ErrorCode::CaseClosed),
                    &params([("status", labels::case_status(lang, *status).to_owned())]),
                )
            }
            CoreError::IllegalTransition { from, to } => labels::fill(
                labels::error_template(lang, ErrorCode::IllegalTransition),
                &params([
                    ("from", labels::case_status(lang, *from).to_owned()),
                    ("to", labels::case_status(lang, *to).to_owned()),
                ]),
            ),
            CoreError::InvalidRegistration(problems) | CoreError::InvalidForm(problems) => problems
                .iter()
                .map(|p| p.message_in(lang))
                .collect::<Vec<_>>()
                .join("; "),
            _ => labels::error_message(lang, self.code(), &self.params()),
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Vi))
    }
}

impl std::error::Error for CoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CoreError::Sqlite(e) => Some(e),
            CoreError::TrustList(e) => Some(e),
            CoreError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for CoreError {
    fn from(error: rusqlite::Error) -> Self {
        CoreError::Sqlite(error)
    }
}

impl From<hotich_protocol::trust::TrustListError> for CoreError {
    fn from(error: hotich_protocol::trust::TrustListError) -> Self {
        CoreError::TrustList(error)
    }
}

impl From<std::io::Error> for CoreError {
    fn from(error: std::io::Error) -> Self {
        CoreError::Io(error)
    }
}

/// Bad input from a person: names the input and says why.
pub(crate) fn invalid(field: InputField, reason: InputReason) -> CoreError {
    invalid_with(field, reason, [])
}

/// [`invalid`] with the reason's params (as listed on [`InputReason`]).
pub(crate) fn invalid_with<const N: usize>(
    field: InputField,
    reason: InputReason,
    reason_params: [(&str, String); N],
) -> CoreError {
    CoreError::InvalidInput {
        field,
        reason,
        params: params(reason_params),
    }
}

/// A file refused whole: `path` names it (a file name, an address).
pub(crate) fn refused_file<const N: usize>(
    path: &str,
    reason: FileRefusal,
    reason_params: [(&str, String); N],
) -> CoreError {
    CoreError::InvalidFile {
        path: path.to_owned(),
        reason,
        params: params(reason_params),
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// Opening the store through `hotich_common::sqlite` fails as the store always did.
impl From<hotich_common::sqlite::OpenError> for CoreError {
    fn from(error: hotich_common::sqlite::OpenError) -> Self {
        use hotich_common::sqlite::OpenError;
        match error {
            OpenError::TooNew { found, supported } => {
                CoreError::DatabaseTooNew { found, supported }
            }
            OpenError::Migration(reason) => CoreError::Migration(reason),
            OpenError::File(error) => CoreError::Io(error),
            OpenError::Sqlite(error) => CoreError::Sqlite(error),
            OpenError::WrongKey => CoreError::WrongStoreKey,
            OpenError::Encryption(reason) => CoreError::EncryptionFailed(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_wire_strings() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::from(code.as_str()));
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
        }
        assert_eq!(CoreError::SessionLocked.code().as_str(), "locked");
        assert_eq!(
            CoreError::Migration("x".into()).code().as_str(),
            "migration_failed"
        );
    }

    #[test]
    fn messages_are_vietnamese_and_params_name_the_values() {
        let error = CoreError::SignInLocked { seconds: 30 };
        assert_eq!(
            error.to_string(),
            "đã nhập sai mật khẩu nhiều lần; hãy thử lại sau 30 giây"
        );
        assert_eq!(error.params()["seconds"], "30");
        assert_eq!(
            error.message(Lang::En),
            "Too many wrong passwords; try again in 30 seconds"
        );
        let error = invalid_with(
            InputField::Note,
            InputReason::TooLong,
            [("max", "2000".to_owned())],
        );
        assert_eq!(error.to_string(), "ghi chú: dài quá 2000 ký tự");
        assert_eq!(
            error.params(),
            params([
                ("field", "note".to_owned()),
                ("reason", "too_long".to_owned()),
                ("max", "2000".to_owned()),
            ])
        );
        assert_eq!(error.message(Lang::En), "Note: longer than 2000 characters");
        let error = CoreError::IllegalTransition {
            from: CaseStatus::New,
            to: CaseStatus::Registered,
        };
        assert_eq!(
            error.to_string(),
            "không thể chuyển hồ sơ từ trạng thái \"Mới\" sang \"Đã đăng ký\""
        );
        assert_eq!(error.params()["from"], "new");
        let error = CoreError::Forbidden(ForbiddenAction::AssignCases);
        assert_eq!(error.to_string(), "chỉ lãnh đạo mới được giao hồ sơ");
        assert_eq!(error.params()["action"], "assign_cases");
        assert_eq!(
            error.message(Lang::En),
            "Only a supervisor may assign cases"
        );
    }
}
