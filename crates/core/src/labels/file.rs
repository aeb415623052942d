//! The words of a file refused whole ([`FileRefusal`]): a notifications
//! file, a certificate or CRL, a downloaded CRL, a backup; and what the
//! header warns of the backups ([`BackupWarning`]).

use std::collections::BTreeMap;

use super::{audit_problem, error_template, fill, Lang};
use crate::audit::AuditProblemKind;
use crate::backup::schedule::BackupWarning;
use crate::error::{ErrorCode, FileRefusal};

/// Why a file was refused whole, with `{param}` placeholders (see [`FileRefusal`]).
pub fn file_refusal(lang: Lang, reason: FileRefusal) -> &'static str {
    use FileRefusal::*;
    match (lang, reason) {
        (Lang::Vi, NotNotifications) => "không phải tệp thông báo: cần JSON của Hotich, XML có chữ ký số (giấy báo tử, giấy chứng sinh, hồ sơ XML 130) hoặc FHIR",
        (Lang::Vi, NotEnvelopeArray) => "mảng JSON không phải danh sách thông báo: phần tử thứ {position} không phải thông báo",
        (Lang::Vi, UnreadableJson) => "không đọc được JSON: {detail}",
        (Lang::Vi, NotCertificate) => "không phải chứng thư số X.509 (PEM hoặc DER)",
        (Lang::Vi, NotOneCertificate) => "cần đúng một chứng thư của cơ sở, tệp có {count}",
        (Lang::Vi, NotCrl) => "không phải danh sách chứng thư bị thu hồi (CRL, PEM hoặc DER)",
        (Lang::Vi, CrlIssuerUnknown) => "danh sách thu hồi không được ký bởi CA nào đã nhập",
        (Lang::Vi, HttpStatus) => "máy chủ trả lời mã {status}",
        (Lang::Vi, TooLarge) => "dài hơn {max} byte",
        (Lang::Vi, Network) => "lỗi mạng: {detail}",
        (Lang::Vi, NotBackup) => "không phải bản sao lưu cơ sở dữ liệu Hotich",
        (Lang::Vi, BackupDamaged) => "bản sao lưu bị hỏng ({detail}); không khôi phục",
        (Lang::Vi, BackupAuditBroken) => "nhật ký kiểm tra trong bản sao lưu không nguyên vẹn ({problem}); không khôi phục",
        (Lang::Vi, BackupOtherKey) => "bản sao lưu của một cơ sở dữ liệu khác (khóa khác); không khôi phục",
        (Lang::Vi, BackupTooNew) => "bản sao lưu có phiên bản {found}, mới hơn phiên bản {supported} mà chương trình này hiểu; hãy cập nhật Hotich",
        (Lang::Vi, AlreadyExists) => "đã có tệp này; bản sao lưu không ghi đè tệp có sẵn",
        (Lang::Vi, ScheduleMissingColumns) => "dòng {line}: cần ngày và loại ngày (off: nghỉ, work: làm bù)",
        (Lang::Vi, ScheduleBadDate) => "dòng {line}: ngày không đúng dạng năm-tháng-ngày (yyyy-mm-dd) hoặc không có thật",
        (Lang::Vi, ScheduleBadKind) => "dòng {line}: loại ngày phải là off (nghỉ) hoặc work (làm bù)",
        (Lang::Vi, ScheduleWorkOnWeekday) => "dòng {line}: ngày làm bù phải là thứ Bảy hoặc Chủ nhật",
        (Lang::Vi, ScheduleRepeatedDay) => "dòng {line}: ngày này đã có ở một dòng trước",
        (Lang::Vi, ScheduleTooFewDaysOff) => "năm {year} chỉ có {weekdays_off} ngày nghỉ trong tuần; lịch một năm phải có đủ 11 ngày nghỉ lễ, Tết của Bộ luật Lao động (Điều 112)",
        (Lang::Vi, ScheduleEmpty) => "tệp không có ngày nào",
        (Lang::En, NotNotifications) => "not a notifications file: Hotich's JSON, signed XML (death notice, birth certificate, XML 130 file) or FHIR is needed",
        (Lang::En, NotEnvelopeArray) => "the JSON array is no list of notifications: element {position} is not a notification",
        (Lang::En, UnreadableJson) => "the JSON cannot be read: {detail}",
        (Lang::En, NotCertificate) => "not an X.509 certificate (PEM or DER)",
        (Lang::En, NotOneCertificate) => "exactly one certificate of the facility is needed; the file holds {count}",
        (Lang::En, NotCrl) => "not a certificate revocation list (CRL, PEM or DER)",
        (Lang::En, CrlIssuerUnknown) => "the revocation list is not signed by any imported CA",
        (Lang::En, HttpStatus) => "the server answered {status}",
        (Lang::En, TooLarge) => "longer than {max} bytes",
        (Lang::En, Network) => "network error: {detail}",
        (Lang::En, NotBackup) => "not a backup of a Hotich database",
        (Lang::En, BackupDamaged) => "the backup is damaged ({detail}); nothing was restored",
        (Lang::En, BackupAuditBroken) => "the backup's audit log is not whole ({problem}); nothing was restored",
        (Lang::En, BackupOtherKey) => "the backup is of another database (another key); nothing was restored",
        (Lang::En, BackupTooNew) => "the backup has version {found}, newer than version {supported} this program reads; update Hotich",
        (Lang::En, AlreadyExists) => "a file is already there; a backup never overwrites one",
        (Lang::En, ScheduleMissingColumns) => "line {line}: a date and a kind (off or work) are needed",
        (Lang::En, ScheduleBadDate) => "line {line}: the date is not yyyy-mm-dd or does not exist",
        (Lang::En, ScheduleBadKind) => "line {line}: the kind must be off or work",
        (Lang::En, ScheduleWorkOnWeekday) => "line {line}: a make-up working day must be a Saturday or Sunday",
        (Lang::En, ScheduleRepeatedDay) => "line {line}: this day is already on an earlier line",
        (Lang::En, ScheduleTooFewDaysOff) => "year {year} has only {weekdays_off} weekdays off; a year's schedule must hold the Labour Code's 11 public holidays (Art. 112)",
        (Lang::En, ScheduleEmpty) => "the file lists no day",
    }
}

/// "tệp x.crl: không phải danh sách chứng thư bị thu hồi (…)".
pub fn invalid_file(
    lang: Lang,
    path: &str,
    reason: FileRefusal,
    params: &BTreeMap<String, String>,
) -> String {
    let mut worded = params.clone();
    if let Some(kind) = params
        .get("problem_kind")
        .and_then(|kind| AuditProblemKind::parse(kind))
    {
        // A backup's audit problem, worded in this language too.
        worded.insert(
            "problem".to_owned(),
            fill(audit_problem(lang, kind), params),
        );
    }
    worded.insert("path".to_owned(), path.to_owned());
    worded.insert(
        "reason".to_owned(),
        fill(file_refusal(lang, reason), &worded),
    );
    fill(error_template(lang, ErrorCode::InvalidFile), &worded)
}

/// What the header warns of the backups.
pub fn backup_warning(lang: Lang, warning: BackupWarning) -> &'static str {
    use BackupWarning::*;
    match (lang, warning) {
        (Lang::Vi, NoFolder) => "chưa chọn thư mục sao lưu (Quản trị)",
        (Lang::Vi, FolderMissing) => "không thấy thư mục sao lưu: cắm lại đĩa USB",
        (Lang::Vi, NeverBackedUp) => "chưa có bản sao lưu nào",
        (Lang::Vi, Old) => "đã hơn 7 ngày chưa sao lưu",
        (Lang::En, NoFolder) => "No backup folder chosen (Administration)",
        (Lang::En, FolderMissing) => "The backup folder is not there: plug the USB disk back in",
        (Lang::En, NeverBackedUp) => "No backup made yet",
        (Lang::En, Old) => "No backup for more than 7 days",
    }
}
