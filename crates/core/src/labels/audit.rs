//! The words of the audit trail: each act ([`AuditAction`]) and each
//! problem `audit verify` finds ([`AuditProblemKind`]).

use std::collections::BTreeMap;

use super::{fill, Lang};
use crate::audit::{AuditAction, AuditProblem, AuditProblemKind};

/// What `audit verify` found, worded whole in `lang`.
pub fn audit_problem_text(lang: Lang, problem: &AuditProblem) -> String {
    let action = AuditAction::parse(&problem.action)
        .map_or(problem.action.as_str(), |action| audit_action(lang, action));
    let params: BTreeMap<String, String> = [
        (
            "seq",
            problem.seq.map(|seq| seq.to_string()).unwrap_or_default(),
        ),
        ("action", action.to_owned()),
        ("entity", problem.entity_id.clone()),
        ("detail", problem.detail.clone()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    fill(audit_problem(lang, problem.kind), &params)
}

pub fn audit_action(lang: Lang, action: AuditAction) -> &'static str {
    use AuditAction::*;
    match (lang, action) {
        (Lang::Vi, Register) => "Đăng ký",
        (Lang::Vi, Amend) => "Cải chính",
        (Lang::Vi, OfficerCreate) => "Tạo tài khoản",
        (Lang::Vi, PasswordChange) => "Đổi mật khẩu",
        (Lang::Vi, PasswordReset) => "Đặt lại mật khẩu",
        (Lang::Vi, OfficerDeactivate) => "Khóa tài khoản",
        (Lang::Vi, OfficerReactivate) => "Mở lại tài khoản",
        (Lang::Vi, RoleChange) => "Đổi vai trò",
        (Lang::Vi, OfficeSetUp) => "Thiết lập văn phòng",
        (Lang::Vi, OfficeChange) => "Sửa thông tin văn phòng",
        (Lang::Vi, RootKeyReplace) => "Thay khóa gốc",
        (Lang::Vi, CertificateAdd) => "Thêm chứng thư",
        (Lang::Vi, CertificateRemove) => "Gỡ chứng thư",
        (Lang::Vi, CrlAdd) => "Thêm danh sách thu hồi",
        (Lang::Vi, SignIn) => "Đăng nhập",
        (Lang::Vi, SignInFailed) => "Đăng nhập không thành công",
        (Lang::Vi, SignOut) => "Đăng xuất",
        (Lang::Vi, SessionLock) => "Khóa phiên",
        (Lang::Vi, CaseView) => "Mở hồ sơ",
        (Lang::Vi, Print) => "In",
        (Lang::Vi, Reprint) => "In lại",
        (Lang::Vi, SpoiledBlank) => "Hủy phôi",
        (Lang::Vi, Export) => "Xuất báo cáo",
        (Lang::Vi, Assign) => "Giao hồ sơ",
        (Lang::Vi, StatusChange) => "Đổi trạng thái hồ sơ",
        (Lang::Vi, Backup) => "Sao lưu",
        (Lang::Vi, Restore) => "Khôi phục bản sao lưu",
        (Lang::Vi, RecoveryKeyShown) => "Xem khóa khôi phục",
        (Lang::Vi, AmendmentApprove) => "Duyệt cải chính",
        (Lang::Vi, AmendmentReject) => "Từ chối cải chính",
        (Lang::Vi, BackupFolderSet) => "Chọn thư mục sao lưu",
        (Lang::Vi, PaperKeyCreate) => "Tạo khóa ký giấy tờ",
        (Lang::Vi, PaperWithdraw) => "Thu hồi bản giấy tờ",
        (Lang::Vi, HolidayScheduleImport) => "Nhập lịch nghỉ lễ",
        (Lang::Vi, OfficeHoursSet) => "Đặt giờ làm việc",
        (Lang::En, Register) => "Registration",
        (Lang::En, Amend) => "Amendment",
        (Lang::En, OfficerCreate) => "Account created",
        (Lang::En, PasswordChange) => "Password changed",
        (Lang::En, PasswordReset) => "Password reset",
        (Lang::En, OfficerDeactivate) => "Account deactivated",
        (Lang::En, OfficerReactivate) => "Account reactivated",
        (Lang::En, RoleChange) => "Role changed",
        (Lang::En, OfficeSetUp) => "Office set up",
        (Lang::En, OfficeChange) => "Office details changed",
        (Lang::En, RootKeyReplace) => "Root key replaced",
        (Lang::En, CertificateAdd) => "Certificate added",
        (Lang::En, CertificateRemove) => "Certificate removed",
        (Lang::En, CrlAdd) => "Revocation list added",
        (Lang::En, SignIn) => "Sign-in",
        (Lang::En, SignInFailed) => "Sign-in refused",
        (Lang::En, SignOut) => "Sign-out",
        (Lang::En, SessionLock) => "Session locked",
        (Lang::En, CaseView) => "Case opened",
        (Lang::En, Print) => "Print",
        (Lang::En, Reprint) => "Reprint",
        (Lang::En, SpoiledBlank) => "Spoiled blank",
        (Lang::En, Export) => "Export",
        (Lang::En, Assign) => "Case assigned",
        (Lang::En, StatusChange) => "Case status changed",
        (Lang::En, Backup) => "Backup",
        (Lang::En, Restore) => "Backup restored",
        (Lang::En, RecoveryKeyShown) => "Recovery key shown",
        (Lang::En, AmendmentApprove) => "Amendment approved",
        (Lang::En, AmendmentReject) => "Amendment rejected",
        (Lang::En, BackupFolderSet) => "Backup folder chosen",
        (Lang::En, PaperKeyCreate) => "Paper-signing key made",
        (Lang::En, PaperWithdraw) => "Printed copy withdrawn",
        (Lang::En, HolidayScheduleImport) => "Holiday schedule imported",
        (Lang::En, OfficeHoursSet) => "Office hours set",
    }
}

/// What `audit verify` found, with `{seq}`, `{action}`, `{entity}` and
/// `{detail}` placeholders.
pub fn audit_problem(lang: Lang, kind: AuditProblemKind) -> &'static str {
    use AuditProblemKind::*;
    match (lang, kind) {
        (Lang::Vi, EntryMissing) => "thiếu mục nhật ký trước mục {seq}: có mục đã bị xóa",
        (Lang::Vi, LinkBroken) => "mục {seq} không nối với mục trước: mục trước đã bị sửa hoặc xóa",
        (Lang::Vi, EntryAltered) => "mục {seq} ({action}, {entity}) đã bị sửa sau khi ghi",
        (Lang::Vi, ChainRebuilt) => "từ mục {seq} đến cuối, không mục nào mang khóa của văn phòng: nhật ký đã bị dựng lại",
        (Lang::Vi, RecordDeleted) => "mục {seq} ghi {action} {entity}, nhưng bản ghi đó đã bị xóa",
        (Lang::Vi, RecordAltered) => "bản ghi {entity} của mục {seq} ({action}) đã bị sửa ngoài ứng dụng",
        (Lang::Vi, RecordUnaudited) => "{action} {entity} không có mục nhật ký nào: phần cuối nhật ký đã bị cắt, hoặc bản ghi được ghi ngoài ứng dụng",
        (Lang::Vi, RecordAuditedTwice) => "{action} {entity} có hơn một mục nhật ký",
        (Lang::Vi, CounterMismatch) => "bộ đếm sổ {entity} là {detail} (bộ đếm/số lớn nhất): số trong sổ không liền mạch",
        (Lang::En, EntryMissing) => "an entry before entry {seq} is missing: entries were deleted",
        (Lang::En, LinkBroken) => "entry {seq} does not follow the one before: that one was changed or deleted",
        (Lang::En, EntryAltered) => "entry {seq} ({action}, {entity}) was changed after it was written",
        (Lang::En, ChainRebuilt) => "from entry {seq} to the end no entry carries the office's key: the log was rebuilt",
        (Lang::En, RecordDeleted) => "entry {seq} records {action} {entity}, but that record was deleted",
        (Lang::En, RecordAltered) => "record {entity} of entry {seq} ({action}) was changed outside the app",
        (Lang::En, RecordUnaudited) => "{action} {entity} has no audit entry: the end of the log was cut off, or the record was written outside the app",
        (Lang::En, RecordAuditedTwice) => "{action} {entity} has more than one audit entry",
        (Lang::En, CounterMismatch) => "the register counter {entity} is {detail} (counter/highest number): the book's numbers are not continuous",
    }
}
