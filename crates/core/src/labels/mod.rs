//! Every word the officer reads for a code, one table per language: case
//! statuses, outcomes, channels, event and document kinds, sync states, error
//! codes, form problems, refused inputs and the report's lines. The CLI, the
//! CSV/XLSX/PDF exports and the papers read the Vietnamese table; the UI reads
//! both through `ui/src/bindings/labels.ts`, written from here by the test
//! `export_bindings_labels` (`cargo test -p hotich-core --features ts export_bindings`).
//!
//! The enum labels are the UI's words, which registrars read every day.
//! Messages are templates: `{name}` is replaced by the param of that name.

use std::collections::BTreeMap;

use hotich_protocol::EventKind;

use crate::error::{ErrorCode, ForbiddenAction, InputField, InputReason};
use crate::lifecycle::{Channel, Outcome};
use crate::model::CaseStatus;
use crate::print_log::DocumentKind;
use crate::registration::{IdDocumentType, Relationship};
use crate::sync::SyncState;

/// A language the officer may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

pub fn case_status(lang: Lang, status: CaseStatus) -> &'static str {
    use CaseStatus::*;
    match (lang, status) {
        (Lang::Vi, New) => "Mới",
        (Lang::Vi, InOutreach) => "Đang vận động",
        (Lang::Vi, Appointment) => "Đã hẹn",
        (Lang::Vi, Registered) => "Đã đăng ký",
        (Lang::Vi, RegisteredElsewhere) => "Đã đăng ký nơi khác",
        (Lang::Vi, NotRegistrable) => "Không thể đăng ký",
        (Lang::Vi, Voided) => "Đã hủy",
        (Lang::Vi, NeedsReview) => "Cần xem lại",
        (Lang::En, New) => "New",
        (Lang::En, InOutreach) => "In outreach",
        (Lang::En, Appointment) => "Appointment set",
        (Lang::En, Registered) => "Registered",
        (Lang::En, RegisteredElsewhere) => "Registered elsewhere",
        (Lang::En, NotRegistrable) => "Cannot be registered",
        (Lang::En, Voided) => "Voided",
        (Lang::En, NeedsReview) => "Needs review",
    }
}

pub fn outcome(lang: Lang, outcome: Outcome) -> &'static str {
    use Outcome::*;
    match (lang, outcome) {
        (Lang::Vi, Reached) => "Đã nói chuyện được",
        (Lang::Vi, NoAnswer) => "Không nghe máy",
        (Lang::Vi, WrongNumber) => "Sai số điện thoại",
        (Lang::Vi, AppointmentSet) => "Đã hẹn ngày đến",
        (Lang::Vi, Refused) => "Gia đình từ chối",
        (Lang::Vi, MovedAway) => "Đã chuyển đi nơi khác",
        (Lang::Vi, RegisteredElsewhere) => "Đã đăng ký nơi khác",
        (Lang::Vi, Other) => "Khác",
        (Lang::En, Reached) => "Reached",
        (Lang::En, NoAnswer) => "No answer",
        (Lang::En, WrongNumber) => "Wrong number",
        (Lang::En, AppointmentSet) => "Appointment set",
        (Lang::En, Refused) => "Refused",
        (Lang::En, MovedAway) => "Moved away",
        (Lang::En, RegisteredElsewhere) => "Registered elsewhere",
        (Lang::En, Other) => "Other",
    }
}

pub fn channel(lang: Lang, channel: Channel) -> &'static str {
    use Channel::*;
    match (lang, channel) {
        (Lang::Vi, Phone) => "Gọi điện",
        (Lang::Vi, HomeVisit) => "Đến nhà",
        (Lang::Vi, Message) => "Nhắn tin SMS/Zalo",
        (Lang::Vi, VillageHead) => "Qua trưởng thôn/tổ dân phố",
        (Lang::En, Phone) => "Phone call",
        (Lang::En, HomeVisit) => "Home visit",
        (Lang::En, Message) => "SMS/Zalo message",
        (Lang::En, VillageHead) => "Through the village head",
    }
}

pub fn event_kind(lang: Lang, kind: EventKind) -> &'static str {
    match (lang, kind) {
        (Lang::Vi, EventKind::Birth) => "Khai sinh",
        (Lang::Vi, EventKind::Death) => "Khai tử",
        (Lang::En, EventKind::Birth) => "Birth",
        (Lang::En, EventKind::Death) => "Death",
    }
}

/// The kind of the requester's ID document, as the form's choice shows it.
pub fn id_document_type(lang: Lang, kind: IdDocumentType) -> &'static str {
    match (lang, kind) {
        (Lang::Vi, IdDocumentType::Cccd) => "Căn cước / CCCD",
        (Lang::Vi, IdDocumentType::Passport) => "Hộ chiếu",
        (Lang::Vi, IdDocumentType::Other) => "Giấy tờ khác",
        (Lang::En, IdDocumentType::Cccd) => "Citizen ID card",
        (Lang::En, IdDocumentType::Passport) => "Passport",
        (Lang::En, IdDocumentType::Other) => "Other document",
    }
}

/// Beside a code the shipped reference lists lack ("77 (mã không có trong danh mục)").
pub fn code_not_listed(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "(mã không có trong danh mục)",
        Lang::En => "(code not in the reference list)",
    }
}

/// The requester's relationship to the person registered, as printed.
pub fn relationship(lang: Lang, relationship: Relationship) -> &'static str {
    use Relationship::*;
    match (lang, relationship) {
        (Lang::Vi, Wife) => "Vợ",
        (Lang::Vi, Husband) => "Chồng",
        (Lang::Vi, Child) => "Con",
        (Lang::Vi, Father) => "Cha",
        (Lang::Vi, Mother) => "Mẹ",
        (Lang::Vi, Sibling) => "Anh/chị/em",
        (Lang::Vi, Grandchild) => "Cháu",
        (Lang::Vi, Grandparent) => "Ông/bà",
        (Lang::Vi, Other) => "Quan hệ khác",
        (Lang::En, Wife) => "Wife",
        (Lang::En, Husband) => "Husband",
        (Lang::En, Child) => "Child",
        (Lang::En, Father) => "Father",
        (Lang::En, Mother) => "Mother",
        (Lang::En, Sibling) => "Brother or sister",
        (Lang::En, Grandchild) => "Grandchild",
        (Lang::En, Grandparent) => "Grandparent",
        (Lang::En, Other) => "Other",
    }
}

pub fn document_kind(lang: Lang, document: DocumentKind) -> &'static str {
    use DocumentKind::*;
    match (lang, document) {
        (Lang::Vi, BirthCertificate) => "Giấy khai sinh (bản chính)",
        (Lang::Vi, BirthExtract) => "Trích lục khai sinh (bản sao)",
        (Lang::Vi, DeathExtract) => "Trích lục khai tử",
        (Lang::En, BirthCertificate) => "Birth certificate (original)",
        (Lang::En, BirthExtract) => "Birth registration extract (copy)",
        (Lang::En, DeathExtract) => "Death registration extract",
    }
}

pub fn sync_state(lang: Lang, state: SyncState) -> &'static str {
    use SyncState::*;
    match (lang, state) {
        (_, Nothing) => "—",
        (Lang::Vi, Waiting) => "Chờ gửi",
        (Lang::Vi, Sent) => "Đã gửi",
        (Lang::Vi, Failed) => "Gửi lỗi",
        (Lang::En, Waiting) => "Waiting",
        (Lang::En, Sent) => "Sent",
        (Lang::En, Failed) => "Failed",
    }
}

/// What an officer may not do, as a whole sentence.
pub fn forbidden_action(lang: Lang, action: ForbiddenAction) -> &'static str {
    use ForbiddenAction::*;
    match (lang, action) {
        (Lang::Vi, AssignCases) => "chỉ lãnh đạo mới được giao hồ sơ",
        (Lang::Vi, SetSyncServer) => "chỉ lãnh đạo mới được đặt máy chủ đồng bộ",
        (Lang::Vi, SetOfficeContact) => {
            "chỉ lãnh đạo mới được sửa địa chỉ và giờ làm việc của cơ quan"
        }
        (Lang::Vi, EditTemplates) => "chỉ lãnh đạo mới được sửa mẫu văn bản",
        (Lang::Vi, ViewPrintLog) => "chỉ lãnh đạo mới được xem nhật ký in",
        (Lang::Vi, WithdrawPaper) => "chỉ lãnh đạo mới được thu hồi bản giấy tờ đã in",
        (Lang::Vi, RotatePaperKey) => "chỉ lãnh đạo mới được thay khóa ký giấy tờ của cơ quan",
        (Lang::Vi, ViewCommuneStats) => "chỉ lãnh đạo mới được xem thống kê của xã",
        (Lang::Vi, AddOfficer) => "chỉ lãnh đạo mới được tạo tài khoản cán bộ",
        (Lang::Vi, ExportStats) => "chỉ lãnh đạo mới được xuất báo cáo thống kê",
        (Lang::Vi, SetIdleLock) => "chỉ lãnh đạo mới được đặt thời gian tự khóa",
        (Lang::Vi, ChangeOffice) => "chỉ lãnh đạo mới được sửa thông tin văn phòng",
        (Lang::Vi, ReplaceRootKey) => "chỉ lãnh đạo mới được thay khóa gốc của cơ quan đăng ký",
        (Lang::Vi, SetSigners) => "chỉ lãnh đạo mới được đặt người ký giấy tờ",
        (Lang::Vi, ManageCertificates) => {
            "chỉ lãnh đạo mới được quản lý chứng thư số tin cậy và danh sách thu hồi"
        }
        (Lang::Vi, ManageCalendar) => "chỉ lãnh đạo mới được nhập lịch nghỉ lễ chính thức và đặt giờ làm việc tính thời hạn",
        (Lang::Vi, ManageBackups) => "chỉ lãnh đạo mới được sao lưu và khôi phục cơ sở dữ liệu",
        (Lang::Vi, ReadAudit) => "chỉ lãnh đạo mới được xem và xuất nhật ký kiểm tra",
        (Lang::Vi, RegisterOnEarlierDay) => "chỉ lãnh đạo mới được ghi ngày đăng ký trước hôm nay",
        (Lang::Vi, DecideAmendment) => "chỉ lãnh đạo mới được duyệt hoặc từ chối cải chính",
        (Lang::Vi, ManageOfficers) => {
            "chỉ lãnh đạo mới được đặt lại mật khẩu, ngừng hoặc mở lại tài khoản và đổi vai trò"
        }
        (Lang::Vi, WorkOthersCase) => {
            "chỉ cán bộ được giao hoặc lãnh đạo mới được ghi nhận trên hồ sơ giao cho cán bộ khác"
        }
        (Lang::En, AssignCases) => "Only a supervisor may assign cases",
        (Lang::En, SetSyncServer) => "Only a supervisor may set the sync server",
        (Lang::En, SetOfficeContact) => {
            "Only a supervisor may change the office's address and working hours"
        }
        (Lang::En, EditTemplates) => "Only a supervisor may edit document templates",
        (Lang::En, ViewPrintLog) => "Only a supervisor may see the print log",
        (Lang::En, WithdrawPaper) => "Only a supervisor may withdraw a printed copy",
        (Lang::En, RotatePaperKey) => "Only a supervisor may replace the office's paper-signing key",
        (Lang::En, ViewCommuneStats) => "Only a supervisor may see the commune's statistics",
        (Lang::En, AddOfficer) => "Only a supervisor may create officer accounts",
        (Lang::En, ExportStats) => "Only a supervisor may export the statistics",
        (Lang::En, SetIdleLock) => "Only a supervisor may set the idle lock time",
        (Lang::En, ChangeOffice) => "Only a supervisor may change the office's details",
        (Lang::En, ReplaceRootKey) => "Only a supervisor may replace the registry's root key",
        (Lang::En, SetSigners) => "Only a supervisor may set who signs the papers",
        (Lang::En, ManageCertificates) => {
            "Only a supervisor may manage trusted certificates and revocation lists"
        }
        (Lang::En, ManageCalendar) => "Only a supervisor may import the official holiday schedule and set the office hours deadlines count with",
        (Lang::En, ManageBackups) => "Only a supervisor may back up and restore the database",
        (Lang::En, ReadAudit) => "Only a supervisor may read and export the audit trail",
        (Lang::En, RegisterOnEarlierDay) => "Only a supervisor may date a registration before today",
        (Lang::En, DecideAmendment) => "Only a supervisor may approve or reject an amendment",
        (Lang::En, ManageOfficers) => {
            "Only a supervisor may reset passwords, deactivate or reactivate accounts and change roles"
        }
        (Lang::En, WorkOthersCase) => {
            "Only the assigned officer or a supervisor may record on a case assigned to another officer"
        }
    }
}

pub fn input_field(lang: Lang, field: InputField) -> &'static str {
    use InputField::*;
    match (lang, field) {
        (Lang::Vi, Note) => "ghi chú",
        (Lang::Vi, Assignee) => "cán bộ được giao",
        (Lang::Vi, AppointmentDate) => "ngày hẹn",
        (Lang::Vi, NextFollowUp) => "ngày liên hệ tiếp",
        (Lang::Vi, DecisionReason) => "lý do",
        (Lang::Vi, Status) => "trạng thái",
        (Lang::Vi, OfficeAddress) => "địa chỉ cơ quan",
        (Lang::Vi, WorkingHours) => "giờ làm việc tính thời hạn",
        (Lang::Vi, CorrectedAttempt) => "lần liên hệ được sửa",
        (Lang::Vi, Period) => "khoảng thời gian",
        (Lang::Vi, Template) => "mẫu văn bản",
        (Lang::Vi, ChecklistTemplate) => "mẫu danh sách giấy tờ",
        (Lang::Vi, Copies) => "số bản",
        (Lang::Vi, Document) => "loại giấy tờ",
        (Lang::Vi, Password) => "mật khẩu",
        (Lang::Vi, Username) => "tên đăng nhập",
        (Lang::Vi, OfficerName) => "họ và tên",
        (Lang::Vi, Server) => "địa chỉ máy chủ",
        (Lang::Vi, ExportFile) => "tệp xuất",
        (Lang::Vi, IdleLock) => "thời gian tự khóa",
        (Lang::Vi, RegistrationKind) => "loại đăng ký",
        (Lang::Vi, SubjectName) => "họ, chữ đệm và tên",
        (Lang::Vi, EventDate) => "ngày xảy ra sự kiện",
        (Lang::Vi, AmendmentBasis) => "căn cứ cải chính",
        (Lang::Vi, AmendmentChanges) => "nội dung cải chính",
        (Lang::Vi, OfficeName) => "tên văn phòng",
        (Lang::Vi, Commune) => "xã/phường",
        (Lang::Vi, RootKey) => "khóa gốc",
        (Lang::Vi, Signers) => "người ký giấy tờ",
        (Lang::Vi, OfficePhone) => "số điện thoại cơ quan",
        (Lang::Vi, BlankSerial) => "số seri phôi",
        (Lang::Vi, SpoiledReason) => "lý do hỏng phôi",
        (Lang::Vi, PaperCode) => "mã bản in",
        (Lang::Vi, WithdrawReason) => "lý do thu hồi",
        (Lang::Vi, PrinterName) => "tên máy in",
        (Lang::Vi, OffsetX) => "độ lệch ngang (mm)",
        (Lang::Vi, OffsetY) => "độ lệch dọc (mm)",
        (Lang::Vi, FacilityCode) => "mã cơ sở khám chữa bệnh (MACSKCB)",
        (Lang::Vi, UnsavedForm) => "biểu mẫu đang nhập",
        (Lang::Vi, RecoveryKey) => "khóa khôi phục",
        (Lang::Vi, DatabaseKeyVariable) => "biến môi trường HOTICH_DB_KEY",
        (Lang::Vi, Amendment) => "cải chính",
        (Lang::Vi, BackupFolder) => "thư mục sao lưu",
        (Lang::Vi, OfficeHours) => "giờ làm việc",
        (Lang::En, Note) => "Note",
        (Lang::En, Assignee) => "Assigned officer",
        (Lang::En, AppointmentDate) => "Appointment date",
        (Lang::En, NextFollowUp) => "Next contact date",
        (Lang::En, DecisionReason) => "Reason",
        (Lang::En, Status) => "Status",
        (Lang::En, OfficeAddress) => "Office address",
        (Lang::En, OfficeHours) => "Working hours",
        (Lang::En, CorrectedAttempt) => "Corrected contact",
        (Lang::En, Period) => "Period",
        (Lang::En, Template) => "Document template",
        (Lang::En, ChecklistTemplate) => "Checklist template",
        (Lang::En, Copies) => "Copies",
        (Lang::En, Document) => "Paper",
        (Lang::En, Password) => "Password",
        (Lang::En, Username) => "Username",
        (Lang::En, OfficerName) => "Full name",
        (Lang::En, Server) => "Server address",
        (Lang::En, ExportFile) => "Export file",
        (Lang::En, IdleLock) => "Idle lock time",
        (Lang::En, RegistrationKind) => "Registration type",
        (Lang::En, SubjectName) => "Full name",
        (Lang::En, EventDate) => "Date of the event",
        (Lang::En, AmendmentBasis) => "Grounds for the correction",
        (Lang::En, AmendmentChanges) => "Content of the correction",
        (Lang::En, OfficeName) => "Office name",
        (Lang::En, Commune) => "Commune",
        (Lang::En, RootKey) => "Root key",
        (Lang::En, Signers) => "Signers",
        (Lang::En, OfficePhone) => "Office phone number",
        (Lang::En, BlankSerial) => "Blank serial number",
        (Lang::En, SpoiledReason) => "Why the blank was spoiled",
        (Lang::En, PaperCode) => "Copy's code",
        (Lang::En, WithdrawReason) => "Why the copy is withdrawn",
        (Lang::En, PrinterName) => "Printer name",
        (Lang::En, OffsetX) => "Horizontal offset (mm)",
        (Lang::En, OffsetY) => "Vertical offset (mm)",
        (Lang::En, FacilityCode) => "Health facility code (MACSKCB)",
        (Lang::En, UnsavedForm) => "Form being typed",
        (Lang::En, RecoveryKey) => "Recovery key",
        (Lang::En, DatabaseKeyVariable) => "The HOTICH_DB_KEY variable",
        (Lang::En, Amendment) => "Amendment",
        (Lang::En, BackupFolder) => "Backup folder",
        (Lang::En, WorkingHours) => "office hours counted for deadlines",
    }
}

/// Why an input was refused, with `{param}` placeholders (see [`InputReason`]).
pub fn input_reason(lang: Lang, reason: InputReason) -> &'static str {
    use InputReason::*;
    match (lang, reason) {
        (Lang::Vi, Required) => "bắt buộc, chưa nhập",
        (Lang::Vi, Empty) => "không được để trống",
        (Lang::Vi, TooLong) => "dài quá {max} ký tự",
        (Lang::Vi, OfficerInactive) => "tài khoản {username} đã ngừng hoạt động",
        (Lang::Vi, AppointmentDateMissing) => "cần ghi ngày gia đình hẹn đến",
        (Lang::Vi, BeforeToday) => "không được trước hôm nay",
        (Lang::Vi, AfterToday) => "không được sau hôm nay",
        (Lang::Vi, OnlyForAppointment) => "chỉ ghi khi kết quả là \"Đã hẹn ngày đến\"",
        (Lang::Vi, WhereRegisteredMissing) => "cần ghi lý do: gia đình đã đăng ký ở đâu, khi nào",
        (Lang::Vi, ReasonMissing) => "cần ghi lý do cho quyết định này",
        (Lang::Vi, VoidedOnlyWhenNotificationVoided) => {
            "chỉ đóng là \"Đã hủy\" khi cơ sở y tế đã hủy thông báo"
        }
        (Lang::Vi, AlreadyCorrected) => "đã được sửa trước đó",
        (Lang::Vi, NotAnAttemptOfCase) => "không phải một lần liên hệ của hồ sơ này",
        (Lang::Vi, StartAfterEnd) => "ngày bắt đầu {from} sau ngày kết thúc {to}",
        (Lang::Vi, TemplateError) => "{detail}",
        (Lang::Vi, ChecklistWithoutItems) => "cần ít nhất một dòng bắt đầu bằng \"- \"",
        (Lang::Vi, OutOfRange) => "từ {min} đến {max}, không phải {value}",
        (Lang::Vi, SecondsOutOfRange) => "phải từ {min} đến {max} giây",
        (Lang::Vi, DocumentNotForEvent) => "{document} không in cho đăng ký {kind}",
        (Lang::Vi, UnknownPaper) => "không có bản in nào của cơ quan này mang mã {code}",
        (Lang::Vi, AlreadyWithdrawn) => "bản {code} đã được thu hồi lúc {at}",
        (Lang::Vi, CopyNotIssued) => "bản {copy} không phải bản cơ quan này vừa cấp cho giấy tờ như hiện ghi trong Sổ ({reason}); in lại",
        (Lang::Vi, PasswordTooShort) => {
            "cần ít nhất {min} ký tự; một câu dễ nhớ gồm nhiều từ cũng được"
        }
        (Lang::Vi, PasswordCommon) => {
            "là một mật khẩu phổ biến, dễ bị đoán; hãy chọn mật khẩu khác"
        }
        (Lang::Vi, PasswordIsName) => "không được là tên đăng nhập hay họ tên",
        (Lang::Vi, PasswordUnchanged) => "phải khác mật khẩu hiện tại",
        (Lang::Vi, UsernameCharacters) => "chỉ gồm chữ không dấu, số và . _ - (tối đa 50 ký tự)",
        (Lang::Vi, UsernameTaken) => "\"{username}\" đã có người dùng",
        (Lang::Vi, NotHttpUrl) => "phải bắt đầu bằng http:// hoặc https://",
        (Lang::Vi, HttpOnlyLoopback) => {
            "http:// chỉ dùng cho máy chủ trên chính máy này (127.0.0.1, localhost); máy chủ khác phải dùng https://"
        }
        (Lang::Vi, UnsupportedExportFile) => "chỉ xuất được tệp .csv hoặc .xlsx, không phải {path}",
        (Lang::Vi, KindMismatch) => "không khớp loại của hồ sơ",
        (Lang::Vi, BasisMissing) => "cần ghi lý do, căn cứ của việc sửa",
        (Lang::Vi, KindUnchangeable) => "không đổi được khi cải chính",
        (Lang::Vi, NothingChanged) => "không có trường nào thay đổi",
        (Lang::Vi, UnknownCommune) => "không có trong danh mục đơn vị hành chính",
        (Lang::Vi, SignerIncomplete) => "dòng {line} cần đủ họ tên và chức vụ",
        (Lang::Vi, PhoneFormat) => "chỉ gồm 8 đến 15 chữ số (có thể có dấu +, dấu cách, dấu chấm)",
        (Lang::Vi, SerialCharacters) => "chỉ gồm chữ cái không dấu, chữ số, dấu - và /",
        (Lang::Vi, SerialPrinted) => "phôi số {serial} đã được in ngày {day}; mỗi phôi chỉ dùng một lần",
        (Lang::Vi, SerialSpoiled) => "phôi số {serial} đã được ghi hỏng ngày {day}; mỗi phôi chỉ dùng một lần",
        (Lang::Vi, OfficeHoursMalformed) => "cần dạng 07:30-11:30,13:30-17:00: các buổi theo thứ tự, không chồng nhau",
        (Lang::Vi, BlankOnlyBirthCertificate) => "chỉ Giấy khai sinh được in trên phôi, không phải {document}",
        (Lang::Vi, BadRootKey) => "không đúng định dạng: cần key_id và public_key (khóa công khai Ed25519, base64url)",
        (Lang::Vi, NotJsonObject) => "không phải một đối tượng JSON",
        (Lang::Vi, RecoveryKeyMistyped) => "gõ chưa đúng: cần 56 chữ và số (14 nhóm 4 ký tự), có một nhóm sai",
        (Lang::Vi, AmendmentPending) => "đã có một cải chính đang chờ lãnh đạo duyệt; chờ quyết định trước khi cải chính tiếp",
        (Lang::Vi, AlreadyDecided) => "đã được duyệt hoặc từ chối; không quyết định lại",
        (Lang::Vi, FolderMissing) => "không có thư mục này (đĩa USB chưa cắm, thư mục chia sẻ chưa kết nối?)",
        (Lang::En, Required) => "required, not filled in",
        (Lang::En, Empty) => "must not be empty",
        (Lang::En, TooLong) => "longer than {max} characters",
        (Lang::En, OfficerInactive) => "the account {username} is deactivated",
        (Lang::En, AppointmentDateMissing) => "enter the day the family agreed to come",
        (Lang::En, BeforeToday) => "must not be before today",
        (Lang::En, AfterToday) => "must not be after today",
        (Lang::En, OnlyForAppointment) => "only when the outcome is \"Appointment set\"",
        (Lang::En, WhereRegisteredMissing) => {
            "give the reason: where and when the family registered"
        }
        (Lang::En, ReasonMissing) => "give the reason for this decision",
        (Lang::En, VoidedOnlyWhenNotificationVoided) => {
            "a case is closed as \"Voided\" only when the health facility voided the notification"
        }
        (Lang::En, AlreadyCorrected) => "already corrected",
        (Lang::En, NotAnAttemptOfCase) => "not a contact of this case",
        (Lang::En, StartAfterEnd) => "the start {from} is after the end {to}",
        (Lang::En, TemplateError) => "{detail}",
        (Lang::En, ChecklistWithoutItems) => "needs at least one line starting with \"- \"",
        (Lang::En, OutOfRange) => "from {min} to {max}, not {value}",
        (Lang::En, SecondsOutOfRange) => "must be from {min} to {max} seconds",
        (Lang::En, DocumentNotForEvent) => "{document} is not printed for a {kind} registration",
        (Lang::En, UnknownPaper) => "no copy this office printed carries the code {code}",
        (Lang::En, AlreadyWithdrawn) => "copy {code} was withdrawn at {at}",
        (Lang::En, CopyNotIssued) => "copy {copy} is not one this office just issued for the paper as the register holds it ({reason}); print again",
        (Lang::En, PasswordTooShort) => {
            "needs at least {min} characters; a sentence of several words is fine"
        }
        (Lang::En, PasswordCommon) => "is a common password, easy to guess; choose another",
        (Lang::En, PasswordIsName) => "must not be the username or the full name",
        (Lang::En, PasswordUnchanged) => "must differ from the current one",
        (Lang::En, UsernameCharacters) => {
            "only unaccented letters, digits and . _ - (at most 50 characters)"
        }
        (Lang::En, UsernameTaken) => "\"{username}\" is already taken",
        (Lang::En, NotHttpUrl) => "must start with http:// or https://",
        (Lang::En, HttpOnlyLoopback) => {
            "http:// is only for a server on this computer (127.0.0.1, localhost); another server needs https://"
        }
        (Lang::En, UnsupportedExportFile) => "only a .csv or .xlsx file can be exported, not {path}",
        (Lang::En, KindMismatch) => "does not match the case's type",
        (Lang::En, BasisMissing) => "give the reason and grounds for the correction",
        (Lang::En, KindUnchangeable) => "cannot change in a correction",
        (Lang::En, NothingChanged) => "no field changed",
        (Lang::En, UnknownCommune) => "is not in the list of administrative units",
        (Lang::En, SignerIncomplete) => "line {line} needs a full name and a title",
        (Lang::En, PhoneFormat) => "8 to 15 digits only (a +, spaces and dots allowed)",
        (Lang::En, SerialCharacters) => "only unaccented letters, digits, - and /",
        (Lang::En, SerialPrinted) => "blank {serial} was printed on {day}; each blank is used once",
        (Lang::En, SerialSpoiled) => "blank {serial} was recorded as spoiled on {day}; each blank is used once",
        (Lang::En, OfficeHoursMalformed) => "must read like 07:30-11:30,13:30-17:00: periods in order, not overlapping",
        (Lang::En, BlankOnlyBirthCertificate) => "only the birth certificate is printed on a blank, not {document}",
        (Lang::En, BadRootKey) => "is not well formed: it needs key_id and public_key (an Ed25519 public key, base64url)",
        (Lang::En, NotJsonObject) => "is not a JSON object",
        (Lang::En, RecoveryKeyMistyped) => "is mistyped: it is 56 letters and digits (14 groups of 4), and one group is wrong",
        (Lang::En, AmendmentPending) => "an amendment already waits for a supervisor; wait for the decision before amending again",
        (Lang::En, AlreadyDecided) => "was approved or rejected already; it is not decided again",
        (Lang::En, FolderMissing) => "no such folder (the USB disk unplugged, the share not connected?)",
    }
}

/// "ghi chú: dài quá 2000 ký tự".
pub fn invalid_input(
    lang: Lang,
    field: InputField,
    reason: InputReason,
    params: &BTreeMap<String, String>,
) -> String {
    let reason = fill(input_reason(lang, reason), &word_codes(lang, params));
    format!("{}: {reason}", input_field(lang, field))
}

/// A fixed line of the period report (the outcome and days-bucket lines are
/// worded by [`report_outcome_line`] and [`report_days_line`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFigure {
    Received,
    Voided,
    OpenedWithoutNotification,
    Registered,
    RegisteredOnTime,
    RegisteredLate,
    OnTimeShare,
    DaysToRegistrationMedian,
    DaysToRegistrationP90,
    Contacted,
    DaysToFirstContactMedian,
    CasesWorked,
    RegisteredAfterOutreach,
    OutreachConversion,
    Attempts,
    IssuedByHealth,
    SentInTime,
    SentInTimeShare,
    WorkingHoursToArrivalMedian,
}

pub fn report_figure(lang: Lang, figure: ReportFigure) -> &'static str {
    use ReportFigure::*;
    match (lang, figure) {
        (Lang::Vi, Received) => "Thông báo nhận được",
        (Lang::Vi, Voided) => "Thông báo cơ sở y tế đã hủy (không tính)",
        (Lang::Vi, OpenedWithoutNotification) => "Hồ sơ mở không có thông báo",
        (Lang::Vi, Registered) => "Đã đăng ký",
        (Lang::Vi, RegisteredOnTime) => "Đăng ký đúng hạn",
        (Lang::Vi, RegisteredLate) => "Đăng ký quá hạn",
        (Lang::Vi, OnTimeShare) => "Tỉ lệ đúng hạn",
        (Lang::Vi, DaysToRegistrationMedian) => "Số ngày từ sự kiện đến đăng ký: trung vị",
        (Lang::Vi, DaysToRegistrationP90) => "Số ngày từ sự kiện đến đăng ký: 90% trong vòng",
        (Lang::Vi, Contacted) => "Hồ sơ đã liên hệ (nhận trong kỳ)",
        (Lang::Vi, DaysToFirstContactMedian) => {
            "Số ngày từ nhận thông báo đến lần liên hệ đầu: trung vị"
        }
        (Lang::Vi, CasesWorked) => "Hồ sơ có liên hệ trong kỳ",
        (Lang::Vi, RegisteredAfterOutreach) => "Trong đó đã đăng ký",
        (Lang::Vi, OutreachConversion) => "Tỉ lệ đăng ký sau liên hệ",
        (Lang::Vi, Attempts) => "Lần liên hệ",
        (Lang::Vi, IssuedByHealth) => "Thông báo cơ sở y tế phát hành trong kỳ",
        (Lang::Vi, SentInTime) => "Trong đó gửi trong 4 giờ làm việc",
        (Lang::Vi, SentInTimeShare) => {
            "Tỉ lệ gửi trong 4 giờ làm việc (Nghị định 63/2024/NĐ-CP, Điều 25)"
        }
        (Lang::Vi, WorkingHoursToArrivalMedian) => {
            "Số giờ làm việc từ phát hành đến khi nhận: trung vị"
        }
        (Lang::En, Received) => "Notifications received",
        (Lang::En, Voided) => "Notifications voided by the health facility (not counted)",
        (Lang::En, OpenedWithoutNotification) => "Cases opened without a notification",
        (Lang::En, Registered) => "Registered",
        (Lang::En, RegisteredOnTime) => "Registered on time",
        (Lang::En, RegisteredLate) => "Registered late",
        (Lang::En, OnTimeShare) => "Share on time",
        (Lang::En, DaysToRegistrationMedian) => "Days from the event to registration: median",
        (Lang::En, DaysToRegistrationP90) => "Days from the event to registration: 90% within",
        (Lang::En, Contacted) => "Cases contacted (received in the period)",
        (Lang::En, DaysToFirstContactMedian) => {
            "Days from the notification to the first contact: median"
        }
        (Lang::En, CasesWorked) => "Cases contacted in the period",
        (Lang::En, RegisteredAfterOutreach) => "Of which registered",
        (Lang::En, OutreachConversion) => "Share registered after contact",
        (Lang::En, Attempts) => "Contacts",
        (Lang::En, IssuedByHealth) => "Notifications health facilities issued in the period",
        (Lang::En, SentInTime) => "Of which sent within 4 working hours",
        (Lang::En, SentInTimeShare) => {
            "Share sent within 4 working hours (Decree 63/2024/NĐ-CP, Art. 25)"
        }
        (Lang::En, WorkingHoursToArrivalMedian) => "Working hours from issue to arrival: median",
    }
}

/// "Cơ sở gửi chậm: Trạm Y tế xã X (19001)": a facility with a notification
/// sent after 4 working hours.
pub fn report_late_facility_line(lang: Lang, name: &str, code: &str) -> String {
    match lang {
        Lang::Vi => format!("Cơ sở gửi chậm: {name} ({code})"),
        Lang::En => format!("Facility sending late: {name} ({code})"),
    }
}

/// "Kết quả liên hệ: Đã nói chuyện được".
pub fn report_outcome_line(lang: Lang, of: Outcome) -> String {
    match lang {
        Lang::Vi => format!("Kết quả liên hệ: {}", outcome(lang, of)),
        Lang::En => format!("Contact outcome: {}", outcome(lang, of)),
    }
}

/// "Đăng ký sau 0-7 ngày", or "… 60 ngày trở lên" for the open last bucket.
pub fn report_days_line(lang: Lang, min: u32, max: Option<u32>) -> String {
    match (lang, max) {
        (Lang::Vi, Some(max)) => format!("Đăng ký sau {min}-{max} ngày"),
        (Lang::Vi, None) => format!("Đăng ký sau {min} ngày trở lên"),
        (Lang::En, Some(max)) => format!("Registered after {min}-{max} days"),
        (Lang::En, None) => format!("Registered after {min} days or more"),
    }
}

/// `template` with each `{name}` replaced by the param `name` (an unknown
/// name is left as written).
pub fn fill(template: &str, params: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if params.contains_key(&after[..close]) => {
                out.push_str(&params[&after[..close]]);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The message of `code` in `lang`: its template filled with `params`,
/// the codes among them worded ([`word_codes`]). Core's and the extract
/// crate's errors are worded through it.
pub fn error_message(lang: Lang, code: ErrorCode, params: &BTreeMap<String, String>) -> String {
    fill(error_template(lang, code), &word_codes(lang, params))
}

/// Params that carry a code worded in `lang`: `document` (a paper),
/// `kind` (an event, lower case inside a sentence) and `action` (what an
/// officer may not do).
pub fn word_codes(lang: Lang, params: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut worded = params.clone();
    if let Some(action) = params.get("action").and_then(|a| ForbiddenAction::parse(a)) {
        worded.insert("action".into(), forbidden_action(lang, action).to_owned());
    }
    if let Some(document) = params.get("document").and_then(|d| DocumentKind::parse(d)) {
        worded.insert("document".into(), document_kind(lang, document).to_owned());
    }
    let kind = match params.get("kind").map(String::as_str) {
        Some("birth") => Some(EventKind::Birth),
        Some("death") => Some(EventKind::Death),
        _ => None,
    };
    if let Some(kind) = kind {
        worded.insert("kind".into(), event_kind(lang, kind).to_lowercase());
    }
    worded
}

/// Why a received file or notification sits in quarantine, by the code its
/// row keeps: Hotich's own envelope reasons ([`hotich_protocol::RejectionReason`]),
/// one per refusal of the official signed XML (`hotich_health::Rejection::code`)
/// and of a FHIR record (`hotich_health::FhirError::code`, `fhir_unauthenticated`).
pub fn quarantine_reason(lang: Lang, code: &str) -> &'static str {
    if let Some(reason) = hotich_protocol::RejectionReason::from_code(code) {
        return match lang {
            Lang::Vi => reason.message_vi(),
            Lang::En => reason.message_en(),
        };
    }
    let (vi, en) = RECEIPT_REJECTIONS
        .iter()
        .find(|(known, _, _)| *known == code)
        .map_or(
            (
                "Không nhận được (lý do không rõ)",
                "Refused (unknown reason)",
            ),
            |(_, vi, en)| (*vi, *en),
        );
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// Every quarantine reason code with its words in `lang`: the envelope
/// reasons, then the official XML's and FHIR's, for `ui/src/bindings/labels.ts`.
pub fn quarantine_reasons(lang: Lang) -> Vec<(&'static str, &'static str)> {
    hotich_protocol::RejectionReason::ALL
        .iter()
        .map(|r| r.code())
        .chain(RECEIPT_REJECTIONS.iter().map(|(code, _, _)| *code))
        .map(|code| (code, quarantine_reason(lang, code)))
        .collect()
}

/// The refusal codes of the official XML and of FHIR records, each
/// (code, Vietnamese, English).
#[rustfmt::skip] // One code a line, read as a table.
const RECEIPT_REJECTIONS: &[(&str, &str, &str)] = &[
    ("xml_too_large", "Tệp XML vượt quá kích thước cho phép", "The XML file is larger than allowed"),
    ("xml_malformed", "Tệp không phải XML đúng cú pháp", "The file is not well-formed XML"),
    ("xml_dtd_refused", "Tệp XML có khai báo DTD, không được chấp nhận", "The XML file declares a DTD, which is refused"),
    ("xml_too_deep", "Tệp XML lồng nhau quá sâu", "The XML elements are nested too deeply"),
    ("xml_unknown_root", "Không phải giấy báo tử, giấy chứng sinh hay hồ sơ XML 130 (thẻ gốc lạ)", "Not a death notice, birth certificate or XML 130 set (unknown root element)"),
    ("xml_record_count", "Tệp phải có đúng một giấy (báo tử hoặc chứng sinh)", "The file must hold exactly one record"),
    ("xml_missing_element", "Thiếu trường bắt buộc", "A required element is missing"),
    ("xml_duplicate_element", "Một trường xuất hiện hai lần", "An element appears twice"),
    ("xml_value_too_long", "Giá trị dài quá giới hạn", "A value is longer than its limit"),
    ("xml_value_wrong_form", "Giá trị sai dạng quy định", "A value is not of the required form"),
    ("xml_bad_date", "Ngày tháng sai định dạng", "A date is not in the required format"),
    ("xml_bad_base64", "Nội dung tệp con (base64) không đọc được", "An embedded file (base64) cannot be read"),
    ("xml_no_birth_table", "Hồ sơ XML 130 không có bảng giấy chứng sinh (XML9)", "The XML 130 set holds no birth-certificate table (XML9)"),
    ("signature_missing", "Tệp không có chữ ký số", "The file is not signed"),
    ("signature_bad_structure", "Chữ ký số không đúng cấu trúc quy định", "The signature does not follow the profile"),
    ("signature_wrapping", "Nghi giả mạo: có nội dung nằm ngoài phần được ký", "Possible signature wrapping: content outside what is signed"),
    ("signature_weak_algorithm", "Thuật toán ký hoặc khóa quá yếu", "The signature algorithm or key is too weak"),
    ("signature_no_certificate", "Chữ ký không kèm chứng thư số của người ký", "The signature carries no signer certificate"),
    ("signature_digest_mismatch", "Nội dung đã bị sửa sau khi ký (sai giá trị băm)", "The content was changed after signing (digest mismatch)"),
    ("signature_invalid", "Chữ ký số không hợp lệ", "The signature does not verify"),
    ("certificate_unreadable", "Không đọc được chứng thư số của người ký", "The signer certificate cannot be read"),
    ("certificate_expired", "Chứng thư số của người ký đã hết hạn", "The signer certificate has expired"),
    ("certificate_not_yet_valid", "Chứng thư số của người ký chưa có hiệu lực", "The signer certificate is not yet valid"),
    ("certificate_revoked", "Chứng thư số của người ký đã bị thu hồi", "The signer certificate is revoked"),
    ("certificate_untrusted", "Chứng thư số không do tổ chức chứng thực tin cậy cấp", "The signer certificate does not chain to a trusted root"),
    ("certificate_key_usage", "Chứng thư số không được dùng để ký", "The certificate's key usage does not allow signing"),
    ("certificate_weak_algorithm", "Chứng thư số dùng thuật toán hoặc khóa quá yếu", "The certificate chain uses a weak algorithm or key"),
    ("certificate_wrong_facility", "Chứng thư số không được đăng ký cho cơ sở y tế ghi trong giấy", "The certificate is not registered for the facility the record names"),
    ("fhir_unauthenticated", "Hồ sơ FHIR không rõ nguồn gửi: phải được cơ sở y tế ký (phong bì JWS) hoặc nhận qua máy chủ trung tâm", "A FHIR record of unknown sender: it must be signed by the facility (JWS envelope) or come through the central registry"),
    ("fhir_too_large", "Hồ sơ FHIR vượt quá kích thước cho phép", "The FHIR record is larger than allowed"),
    ("fhir_too_deep", "Hồ sơ FHIR lồng nhau quá sâu", "The FHIR record is nested too deeply"),
    ("fhir_too_many_entries", "Gói FHIR có quá nhiều mục", "The FHIR Bundle holds too many entries"),
    ("fhir_malformed", "Tệp không phải JSON đúng cú pháp", "The file is not well-formed JSON"),
    ("fhir_not_a_bundle", "Không phải gói hồ sơ FHIR (Bundle)", "Not a FHIR Bundle"),
    ("fhir_wrong_bundle_type", "Loại gói FHIR không đúng (cần thông điệp tử vong hoặc báo cáo sinh)", "Wrong FHIR Bundle type (a death-record message or a birth report is expected)"),
    ("fhir_unknown_event", "Thông điệp FHIR có loại sự kiện không biết", "The FHIR message has an unknown event"),
    ("fhir_unknown_profile", "Hồ sơ FHIR dùng mẫu (profile) không biết", "The FHIR record uses an unknown profile"),
    ("fhir_void_unknown_record", "Thông điệp hủy một hồ sơ FHIR chưa nhận được: nếu hồ sơ đến sau, cần xem lại để không xử lý hồ sơ đã bị hủy", "A FHIR void of a record not received: if the record arrives later, review it so a voided record is not worked on"),
    ("fhir_out_of_order", "Thông điệp FHIR gửi trước một bản đã nhận của cùng hồ sơ: giữ nội dung mới hơn", "The FHIR message was sent before a version of the same record already received: the newer content stays"),
    ("fhir_missing_element", "Hồ sơ FHIR thiếu thông tin bắt buộc", "A required element of the FHIR record is missing"),
    ("fhir_wrong_form", "Hồ sơ FHIR có giá trị sai dạng quy định", "A value of the FHIR record is not of the required form"),
    ("cause_malformed", "Nguyên nhân tử vong trạm y tế gửi về không đọc được", "The cause of death the health station returned cannot be read"),
    ("cause_unknown_key", "Nguyên nhân tử vong được ký bằng khóa không có trong danh sách tin cậy", "The cause of death is signed with a key not in the trust list"),
    ("cause_bad_signature", "Chữ ký số của nguyên nhân tử vong không hợp lệ (nội dung đã bị sửa)", "The cause of death's signature does not verify (its content was changed)"),
    ("cause_wrong_facility", "Nguyên nhân tử vong ghi một cơ sở khác với cơ sở đã ký", "The cause of death names another facility than the one that signed it"),
    ("cause_invalid_field", "Nguyên nhân tử vong thiếu thông tin hoặc mã ICD-10 sai dạng", "The cause of death lacks a field or its ICD-10 code is malformed"),
    ("cause_fhir_invalid", "Thông điệp FHIR mã hóa nguyên nhân tử vong thiếu thông tin hoặc sai dạng", "The FHIR cause-of-death coding message lacks an element or has one of the wrong form"),
    ("cause_unknown_registration", "Nguyên nhân tử vong cho một đăng ký khai tử không có ở xã này", "A cause of death for a death registration this office does not hold"),
    ("cause_mismatched_registration", "Nguyên nhân tử vong ký cho một đăng ký khác với đăng ký được gửi kèm", "The signed cause of death is for another registration than the one it came with"),
    ("fhir_ambiguous", "Hồ sơ FHIR có hai mục cùng loại ở chỗ chỉ được có một", "The FHIR record holds two resources where one is expected"),
    ("fhir_wrong_facility", "Hồ sơ FHIR ghi cơ sở y tế khác với cơ sở đã gửi", "The FHIR record names another facility than its sender"),
];

mod audit;
mod calendar;
mod errors;
mod file;
mod form;
mod health_loop;
mod pilot;
pub use audit::{audit_action, audit_problem, audit_problem_text};
pub use calendar::{calendar_source, holiday, made_up_for, working_day};
pub use errors::error_template;
pub use file::{backup_warning, file_refusal, invalid_file};
pub use form::{field_problem, form_field, problem_rule};
pub use health_loop::health_share_state;
pub use pilot::{pilot_line, pilot_report_line, PilotLine};

#[cfg(test)]
mod tests;
