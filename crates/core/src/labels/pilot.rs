//! The words of the Justice-Health pilot's figures (issue 18, item 4): each
//! line's short name (the chart's categories) and the report line it makes.

use super::Lang;

crate::error::code_enum! {
    /// A line of the pilot's figures (`hotich_protocol::pilot::PilotKindFigures`).
    pub enum PilotLine {
        Notified => "notified",
        FamiliesContacted => "families_contacted",
        RegisteredAfterOutreach => "registered_after_outreach",
        NotifiedNotRegistered => "notified_not_registered",
        Registered => "registered",
        RegisteredOnTime => "registered_on_time",
        DaysToRegistrationMean => "days_to_registration_mean",
        DaysToRegistrationMedian => "days_to_registration_median",
        DaysToHealthDataMean => "days_to_health_data_mean",
        IdentificationComplete => "identification_complete",
        IdentificationCompleteShare => "identification_complete_share",
        SharedWithHealth => "shared_with_health",
        CausesReturned => "causes_returned",
        DaysToCauseMean => "days_to_cause_mean",
    }
}

pub fn pilot_line(lang: Lang, line: PilotLine) -> &'static str {
    use PilotLine::*;
    match (lang, line) {
        (Lang::Vi, Notified) => "Sự kiện trong kỳ được y tế thông báo",
        (Lang::Vi, FamiliesContacted) => "Gia đình đã được liên hệ",
        (Lang::Vi, RegisteredAfterOutreach) => "Đăng ký sau khi liên hệ",
        (Lang::Vi, NotifiedNotRegistered) => "Được thông báo, chưa đăng ký",
        (Lang::Vi, Registered) => "Sự kiện trong kỳ đã đăng ký",
        (Lang::Vi, RegisteredOnTime) => "Đăng ký đúng hạn",
        (Lang::Vi, DaysToRegistrationMean) => "Số ngày từ sự kiện đến đăng ký: trung bình",
        (Lang::Vi, DaysToRegistrationMedian) => "Số ngày từ sự kiện đến đăng ký: trung vị",
        (Lang::Vi, DaysToHealthDataMean) => "Số ngày từ sự kiện đến khi nhận dữ liệu y tế: trung bình",
        (Lang::Vi, IdentificationComplete) => {
            "Thông báo đủ thông tin định danh (số định danh, họ tên, ngày sinh, xã thường trú)"
        }
        (Lang::Vi, IdentificationCompleteShare) => "Tỉ lệ đủ thông tin định danh",
        (Lang::Vi, SharedWithHealth) => "Ca tử vong đã chuyển y tế",
        (Lang::Vi, CausesReturned) => "Y tế đã xác định nguyên nhân",
        (Lang::Vi, DaysToCauseMean) => "Số ngày từ đăng ký đến khi y tế trả nguyên nhân: trung bình",
        (Lang::En, Notified) => "Events of the period notified by health",
        (Lang::En, FamiliesContacted) => "Families contacted",
        (Lang::En, RegisteredAfterOutreach) => "Registered after contact",
        (Lang::En, NotifiedNotRegistered) => "Notified, not registered",
        (Lang::En, Registered) => "Events of the period registered",
        (Lang::En, RegisteredOnTime) => "Registered on time",
        (Lang::En, DaysToRegistrationMean) => "Days from the event to registration: mean",
        (Lang::En, DaysToRegistrationMedian) => "Days from the event to registration: median",
        (Lang::En, DaysToHealthDataMean) => "Days from the event to the health data's arrival: mean",
        (Lang::En, IdentificationComplete) => {
            "Notifications with complete identification (ID number, full name, date of birth, commune of residence)"
        }
        (Lang::En, IdentificationCompleteShare) => "Share with complete identification",
        (Lang::En, SharedWithHealth) => "Deaths shared with health",
        (Lang::En, CausesReturned) => "Cause determined by health",
        (Lang::En, DaysToCauseMean) => "Days from registration to the cause's return: mean",
    }
}

/// "Thí điểm: Gia đình đã được liên hệ": the line as the report prints it.
pub fn pilot_report_line(lang: Lang, line: PilotLine) -> String {
    match lang {
        Lang::Vi => format!("Thí điểm: {}", pilot_line(lang, line)),
        Lang::En => format!("Pilot: {}", pilot_line(lang, line)),
    }
}
