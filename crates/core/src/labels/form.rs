//! The words of the forms' problems: each rule a value breaks, and each
//! field by its path ("mother.full_name"), as the registration form and the
//! short forms (accounts, outreach attempt, office details, signers) name
//! them.

use std::collections::BTreeMap;

use super::{fill, input_reason, Lang};
use crate::error::InputReason;
use crate::problem::ProblemRule;

/// What a form value breaks, with `{param}` placeholders (see [`ProblemRule`]).
pub fn problem_rule(lang: Lang, rule: ProblemRule) -> &'static str {
    use ProblemRule::*;
    match (lang, rule) {
        (Lang::Vi, Required) => "bắt buộc, chưa nhập",
        (Lang::Vi, NameHasDigits) => "không được có chữ số",
        (Lang::Vi, NameCharacters) => "chỉ gồm chữ cái, dấu cách, dấu gạch nối",
        (Lang::Vi, UnknownEthnicity) => "\"{value}\" không có trong danh mục 54 dân tộc",
        (Lang::Vi, PersonalIdDigits) => "phải gồm đúng 12 chữ số",
        (Lang::Vi, PersonalIdProvince) => "mã tỉnh nơi đăng ký khai sinh {province} không tồn tại",
        (Lang::Vi, PersonalIdSexCentury) => {
            "chữ số thứ 4 ({digit}) không khớp giới tính và thế kỷ sinh (năm {year})"
        }
        (Lang::Vi, PersonalIdYear) => "chữ số 5-6 ({found}) không khớp năm sinh {year}",
        (Lang::Vi, ParentBirthYearImplausible) => "{year} không hợp lý với ngày sinh của trẻ",
        (Lang::Vi, BornInFuture) => "trẻ chưa được sinh ra: không thể đăng ký trước",
        (Lang::Vi, AfterToday) => "không được sau hôm nay",
        (Lang::Vi, BeforeBirth) => "không được trước ngày sinh",
        (Lang::Vi, TimeFormat) => "ghi theo dạng giờ:phút, ví dụ 08:30",
        (Lang::Vi, DeathNoticeMissing) => "cần giấy báo tử, hoặc ghi giấy tờ thay thế (bản án, xác nhận của công an, giám định pháp y)",
        (Lang::Vi, EventContentMissing) => "thiếu nội dung khai sinh hoặc khai tử",
        (Lang::Vi, BeforeEvent) => "không được trước ngày xảy ra sự kiện",
        (Lang::Vi, LateReasonMissing) => "đã quá hạn đăng ký: cần ghi lý do",
        (Lang::Vi, EarlierDayReasonMissing) => "ngày đăng ký là hôm nay; ngày trước đó cần lãnh đạo và lý do",
        (Lang::Vi, ClosedYearBook) => "sổ năm {year} đã khóa: không đăng ký vào sổ năm trước",
        (Lang::Vi, ChangeReasonMissing) => "khác giấy của cơ sở y tế (\"{notified}\"): cần ghi lý do",
        (Lang::Vi, PassportFormat) => "số hộ chiếu gồm 8 hoặc 9 chữ cái và chữ số (hộ chiếu Việt Nam: 1 chữ cái và 7 chữ số)",
        (Lang::Vi, RelationshipVague) => "\"người thân\" chưa rõ: ghi rõ quan hệ (ví dụ cô ruột, cậu)",
        (Lang::En, Required) => "required, not filled in",
        (Lang::En, NameHasDigits) => "must not contain digits",
        (Lang::En, NameCharacters) => "only letters, spaces and hyphens",
        (Lang::En, UnknownEthnicity) => "\"{value}\" is not one of the 54 ethnic groups",
        (Lang::En, PersonalIdDigits) => "must be exactly 12 digits",
        (Lang::En, PersonalIdProvince) => "birth registration province code {province} does not exist",
        (Lang::En, PersonalIdSexCentury) => {
            "the 4th digit ({digit}) does not match the sex and century of birth (year {year})"
        }
        (Lang::En, PersonalIdYear) => "digits 5-6 ({found}) do not match the year of birth {year}",
        (Lang::En, ParentBirthYearImplausible) => "{year} is not plausible for the child's date of birth",
        (Lang::En, BornInFuture) => "the child is not born yet: it cannot be registered ahead",
        (Lang::En, AfterToday) => "must not be after today",
        (Lang::En, BeforeBirth) => "must not be before the date of birth",
        (Lang::En, TimeFormat) => "write it as hours:minutes, e.g. 08:30",
        (Lang::En, DeathNoticeMissing) => "needs the death notice, or the document replacing it (judgment, police confirmation, forensic report)",
        (Lang::En, EventContentMissing) => "the birth or death content is missing",
        (Lang::En, BeforeEvent) => "must not be before the date of the event",
        (Lang::En, LateReasonMissing) => "past the registration deadline: give the reason",
        (Lang::En, EarlierDayReasonMissing) => "a registration is dated today; an earlier day needs a supervisor and the reason",
        (Lang::En, ClosedYearBook) => "the {year} book is closed: nothing is registered in an earlier year's book",
        (Lang::En, ChangeReasonMissing) => "differs from the health facility's paper (\"{notified}\"): give the reason",
        (Lang::En, PassportFormat) => "a passport number is 8 or 9 letters and digits (Vietnamese passports: a letter and 7 digits)",
        (Lang::En, RelationshipVague) => "\"relative\" says too little: give the relationship (e.g. aunt, uncle)",
        // The account rules, worded once with the one-field password change's reasons.
        (_, UsernameCharacters) => input_reason(lang, InputReason::UsernameCharacters),
        (_, UsernameTaken) => input_reason(lang, InputReason::UsernameTaken),
        (_, PasswordTooShort) => input_reason(lang, InputReason::PasswordTooShort),
        (_, PasswordCommon) => input_reason(lang, InputReason::PasswordCommon),
        (_, PasswordIsName) => input_reason(lang, InputReason::PasswordIsName),
        // The outreach and office forms' rules, worded once with their reasons.
        (_, AppointmentDateMissing) => input_reason(lang, InputReason::AppointmentDateMissing),
        (_, BeforeToday) => input_reason(lang, InputReason::BeforeToday),
        (_, OnlyForAppointment) => input_reason(lang, InputReason::OnlyForAppointment),
        (_, WhereRegisteredMissing) => input_reason(lang, InputReason::WhereRegisteredMissing),
        (_, TooLong) => input_reason(lang, InputReason::TooLong),
        (_, PhoneFormat) => input_reason(lang, InputReason::PhoneFormat),
        (_, UnknownCommune) => input_reason(lang, InputReason::UnknownCommune),
    }
}

/// "họ, chữ đệm và tên của mẹ: không được có chữ số".
pub fn field_problem(
    lang: Lang,
    path: &str,
    rule: ProblemRule,
    params: &BTreeMap<String, String>,
) -> String {
    format!(
        "{}: {}",
        form_field(lang, path),
        fill(problem_rule(lang, rule), params)
    )
}

/// A registration form field by its path ("mother.full_name" -> "họ, chữ
/// đệm và tên của mẹ"); an unknown path is named by itself.
pub fn form_field(lang: Lang, path: &str) -> String {
    let (group, field) = match path.split_once('.') {
        Some((group, field)) => (Some(group), field),
        None => (None, path),
    };
    let name = form_field_name(lang, field).unwrap_or(field);
    match (lang, group) {
        (Lang::Vi, Some("mother")) => format!("{name} của mẹ"),
        (Lang::Vi, Some("father")) => format!("{name} của cha"),
        (Lang::Vi, Some("requester")) => format!("{name} của người đi đăng ký"),
        (Lang::Vi, Some("change_reasons")) => format!("lý do sửa \"{}\"", form_field(lang, field)),
        // "signers.2.title": a line of the signers list.
        (Lang::Vi, Some("signers")) => match field.split_once('.') {
            Some((line, inner)) => format!("{} của người ký dòng {line}", form_field(lang, inner)),
            None => name.to_owned(),
        },
        (Lang::En, Some("signers")) => match field.split_once('.') {
            Some((line, inner)) => {
                format!("Signer {line}'s {}", form_field(lang, inner).to_lowercase())
            }
            None => name.to_owned(),
        },
        (Lang::En, Some("mother")) => format!("Mother's {}", name.to_lowercase()),
        (Lang::En, Some("father")) => format!("Father's {}", name.to_lowercase()),
        (Lang::En, Some("requester")) => format!("Requester's {}", name.to_lowercase()),
        (Lang::En, Some("change_reasons")) => {
            format!("Reason for changing \"{}\"", form_field(lang, field))
        }
        _ => name.to_owned(),
    }
}

fn form_field_name(lang: Lang, field: &str) -> Option<&'static str> {
    let (vi, en) = match field {
        "child_name" => ("họ, chữ đệm và tên của trẻ", "Child's full name"),
        // `subject_name`: the form opening a case by hand.
        "full_name" | "subject_name" => ("họ, chữ đệm và tên", "Full name"),
        "event_date" => ("ngày xảy ra sự kiện", "Date of the event"),
        "sex" => ("giới tính", "Sex"),
        "birth_date" => ("ngày, tháng, năm sinh", "Date of birth"),
        "birth_year" => ("năm sinh", "Year of birth"),
        "birth_place" => ("nơi sinh", "Place of birth"),
        "native_place" => ("quê quán", "Home town"),
        "ethnicity" => ("dân tộc", "Ethnicity"),
        "nationality" => ("quốc tịch", "Nationality"),
        "personal_id" => ("số định danh cá nhân", "Personal ID number"),
        "residence" => ("nơi cư trú", "Residence"),
        "last_residence" => ("nơi cư trú cuối cùng", "Last residence"),
        "id_document" => ("giấy tờ tùy thân", "ID document"),
        "id_type" => ("loại giấy tờ tùy thân", "ID document type"),
        "id_number" => ("số giấy tờ tùy thân", "ID document number"),
        "relationship_other" => ("quan hệ khác, ghi rõ", "Other relationship, in words"),
        "signer_name" => ("người ký", "Signer"),
        "signer_title" => ("chức vụ người ký", "Signer's title"),
        "death_date" => ("ngày chết", "Date of death"),
        "death_time" => ("giờ, phút chết", "Time of death"),
        "death_place" => ("nơi chết", "Place of death"),
        "cause" => ("nguyên nhân chết", "Cause of death"),
        "notice_number" => ("số giấy báo tử", "Death notice number"),
        "notice_issuer" => ("nơi cấp giấy báo tử", "Death notice issuer"),
        "notice_date" => ("ngày cấp giấy báo tử", "Death notice date"),
        "replacing_document" => (
            "giấy tờ thay giấy báo tử",
            "Document replacing the death notice",
        ),
        "relationship" => (
            "quan hệ với người được đăng ký",
            "Relationship to the person registered",
        ),
        "registration_date" => ("ngày đăng ký", "Registration date"),
        "late_reason" => ("lý do đăng ký quá hạn", "Reason for late registration"),
        // The account forms (first supervisor, a supervisor adding one).
        "username" => ("tên đăng nhập", "Username"),
        "password" => ("mật khẩu", "Password"),
        // The outreach attempt, the office contact and its signers.
        "appointment_date" => ("ngày hẹn", "Appointment date"),
        "next_follow_up" => ("ngày liên hệ tiếp", "Next contact date"),
        "note" => ("ghi chú", "Note"),
        // The office's details (first start, Quản trị).
        "commune_code" => ("xã, phường", "Commune"),
        "office_name" => ("tên cơ quan", "Office name"),
        "office_address" => ("địa chỉ cơ quan", "Office address"),
        "office_hours" => ("giờ làm việc", "Working hours"),
        "office_phone" => ("số điện thoại cơ quan", "Office phone number"),
        "title" => ("chức vụ", "Title"),
        _ => return None,
    };
    Some(match lang {
        Lang::Vi => vi,
        Lang::En => en,
    })
}
