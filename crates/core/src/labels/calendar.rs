//! The words of the office calendar: the Labour Code's holidays and where a
//! year's days off come from (`hotich calendar show`, the period report).

use hotich_calendar::Holiday;

use super::Lang;
use crate::calendar::CalendarSource;

pub fn holiday(lang: Lang, holiday: Holiday) -> &'static str {
    use Holiday::*;
    match (lang, holiday) {
        (Lang::Vi, NewYear) => "Tết Dương lịch",
        (Lang::Vi, LunarNewYear) => "Tết Nguyên đán",
        (Lang::Vi, HungKings) => "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
        (Lang::Vi, Reunification) => "Ngày Chiến thắng (30/4)",
        (Lang::Vi, LabourDay) => "Ngày Quốc tế lao động (1/5)",
        (Lang::Vi, NationalDay) => "Quốc khánh (2/9)",
        (Lang::En, NewYear) => "New Year's Day",
        (Lang::En, LunarNewYear) => "Lunar New Year (Tết)",
        (Lang::En, HungKings) => "Hùng Kings' Commemoration (10th of the 3rd lunar month)",
        (Lang::En, Reunification) => "Reunification Day (30 April)",
        (Lang::En, LabourDay) => "International Labour Day (1 May)",
        (Lang::En, NationalDay) => "National Day (2 September)",
    }
}

/// "nghỉ bù Tết Nguyên đán": a weekday off making up for a holiday on a weekend.
pub fn made_up_for(lang: Lang, holiday_name: &str) -> String {
    match lang {
        Lang::Vi => format!("nghỉ bù {holiday_name}"),
        Lang::En => format!("day off in lieu of {holiday_name}"),
    }
}

pub fn working_day(lang: Lang, working: bool) -> &'static str {
    match (lang, working) {
        (Lang::Vi, true) => "làm việc",
        (Lang::Vi, false) => "nghỉ",
        (Lang::En, true) => "worked",
        (Lang::En, false) => "off",
    }
}

/// Where a year's days come from.
pub fn calendar_source(lang: Lang, source: &CalendarSource) -> String {
    match (lang, source) {
        (Lang::Vi, CalendarSource::Imported { at, by }) => {
            format!("lịch chính thức, do {by} nhập lúc {at}")
        }
        (Lang::Vi, CalendarSource::Shipped) => "lịch chính thức kèm theo Hotich".to_owned(),
        (Lang::Vi, CalendarSource::LabourCode) => {
            "Bộ luật Lao động, Điều 112 (ngày mặc định: chưa nhập lịch chính thức của năm)"
                .to_owned()
        }
        (Lang::En, CalendarSource::Imported { at, by }) => {
            format!("official schedule, imported by {by} at {at}")
        }
        (Lang::En, CalendarSource::Shipped) => "official schedule shipped with Hotich".to_owned(),
        (Lang::En, CalendarSource::LabourCode) => {
            "Labour Code, Art. 112 (default days: the year's official schedule not imported)"
                .to_owned()
        }
    }
}
