//! The public holidays of the Labour Code, computed for any year: what the
//! office rests on when no official schedule for the year has been imported.
//!
//! Labour Code 2019, Art. 112(1): 1 January; Tết, five days; the Hùng Kings'
//! commemoration, the 10th of the 3rd lunar month; 30 April; 1 May; 2
//! September and one adjacent day. Art. 112(3): a holiday on a weekly rest day
//! is made up on the next working day. The Prime Minister fixes each year which
//! five days of Tết and which day beside 2 September; until that year's
//! schedule is imported the defaults below stand.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::lunar::LunarYear;

/// A public holiday of Labour Code 2019, Art. 112(1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    /// Tết Dương lịch, 1 January.
    NewYear,
    /// Tết Âm lịch (Tết Nguyên đán), five days.
    LunarNewYear,
    /// Giỗ Tổ Hùng Vương, 10th of the 3rd lunar month.
    HungKings,
    /// Ngày Chiến thắng, 30 April.
    Reunification,
    /// Ngày Quốc tế lao động, 1 May.
    LabourDay,
    /// Quốc khánh, 2 September and one adjacent day.
    NationalDay,
}

impl Holiday {
    pub const ALL: [Holiday; 6] = [
        Holiday::NewYear,
        Holiday::LunarNewYear,
        Holiday::HungKings,
        Holiday::Reunification,
        Holiday::LabourDay,
        Holiday::NationalDay,
    ];

    /// The code the label tables word.
    pub fn code(self) -> &'static str {
        match self {
            Holiday::NewYear => "new_year",
            Holiday::LunarNewYear => "lunar_new_year",
            Holiday::HungKings => "hung_kings",
            Holiday::Reunification => "reunification",
            Holiday::LabourDay => "labour_day",
            Holiday::NationalDay => "national_day",
        }
    }
}

/// Why a day is off when the Labour Code alone decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComputedDayOff {
    Holiday(Holiday),
    /// The working day that makes up for a holiday on a weekend (nghỉ bù).
    MadeUp(Holiday),
}

pub(crate) fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a fixed holiday's date")
}

/// The holidays of `year` by the Labour Code, in date order.
pub fn labour_code_holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    let lunar = LunarYear::starting_in(year);
    let mut days = vec![(ymd(year, 1, 1), Holiday::NewYear)];
    // Default five days: the last day of the old year and the first four of
    // the new, the pattern of most years' decisions.
    let eve = lunar.eve();
    days.extend((0..5).map(|n| (eve + Days::new(n), Holiday::LunarNewYear)));
    days.push((lunar.date(3, 10), Holiday::HungKings));
    days.push((ymd(year, 4, 30), Holiday::Reunification));
    days.push((ymd(year, 5, 1), Holiday::LabourDay));
    let national = ymd(year, 9, 2);
    // The adjacent day that joins the holiday to a weekend where it can.
    let adjacent = match national.weekday() {
        Weekday::Sun | Weekday::Mon | Weekday::Thu => ymd(year, 9, 3),
        _ => ymd(year, 9, 1),
    };
    days.push((national.min(adjacent), Holiday::NationalDay));
    days.push((national.max(adjacent), Holiday::NationalDay));
    days.sort();
    days
}

/// Every day off of `year` by the Labour Code: the holidays, then for each one
/// on a weekend the next weekday not already off (Art. 112(3)).
pub fn labour_code_days_off(year: i32) -> Vec<(NaiveDate, ComputedDayOff)> {
    let holidays = labour_code_holidays(year);
    let mut off: Vec<(NaiveDate, ComputedDayOff)> = holidays
        .iter()
        .map(|&(day, holiday)| (day, ComputedDayOff::Holiday(holiday)))
        .collect();
    for &(day, holiday) in holidays.iter().filter(|(day, _)| is_weekend(*day)) {
        let mut made_up = day;
        while is_weekend(made_up) || off.iter().any(|(taken, _)| *taken == made_up) {
            made_up = made_up.succ_opt().expect("a date of the office's calendar");
        }
        off.push((made_up, ComputedDayOff::MadeUp(holiday)));
    }
    off.sort_by_key(|(day, _)| *day);
    off
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tet_2027_on_a_weekend_is_made_up_after_it() {
        // Tết Đinh Mùi: Saturday 6 February 2027.
        let off = labour_code_days_off(2027);
        let tet: Vec<String> = off
            .iter()
            .filter(|(_, why)| {
                matches!(
                    why,
                    ComputedDayOff::Holiday(Holiday::LunarNewYear)
                        | ComputedDayOff::MadeUp(Holiday::LunarNewYear)
                )
            })
            .map(|(day, _)| day.to_string())
            .collect();
        assert_eq!(
            tet,
            [
                "2027-02-05",
                "2027-02-06",
                "2027-02-07",
                "2027-02-08",
                "2027-02-09",
                "2027-02-10",
                "2027-02-11"
            ]
        );
    }

    #[test]
    fn every_year_has_the_eleven_days_of_article_112() {
        for year in 2020..=2035 {
            assert_eq!(labour_code_holidays(year).len(), 11, "{year}");
            let weekdays_off = labour_code_days_off(year)
                .iter()
                .filter(|(day, _)| !is_weekend(*day))
                .count();
            assert_eq!(
                weekdays_off, 11,
                "{year}: every holiday is a weekday off or made up"
            );
        }
    }

    #[test]
    fn the_day_beside_2_september_joins_a_weekend() {
        let national = |year| -> Vec<String> {
            labour_code_holidays(year)
                .into_iter()
                .filter(|(_, h)| *h == Holiday::NationalDay)
                .map(|(d, _)| d.to_string())
                .collect()
        };
        // 2024: Monday 2 -> Tuesday 3 (as decided that year).
        assert_eq!(national(2024), ["2024-09-02", "2024-09-03"]);
        // 2025: Tuesday 2 -> Monday 1 (as decided that year).
        assert_eq!(national(2025), ["2025-09-01", "2025-09-02"]);
    }
}
