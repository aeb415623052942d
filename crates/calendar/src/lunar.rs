//! The Vietnamese lunar calendar (âm lịch): the Chinese-based lunisolar
//! calendar computed for Vietnam's meridian. New moons and the major solar
//! terms come from ICU4X's `calendrical_calculations` (Reingold and
//! Dershowitz, *Calendrical Calculations*); only the observation offset is
//! Vietnam's: UTC+7 since 1 January 1968 (before, the North used China's
//! UTC+8). The offset is what makes Vietnam's Tết differ from China's in some
//! years (1985: 21 January in Vietnam, 20 February in China; 2007: 17 and 18
//! February; 2030: 2 and 3 February).

use calendrical_calculations::chinese_based::{month_structure_for_year, ChineseBased, YearBounds};
use calendrical_calculations::gregorian::fixed_from_gregorian;
use calendrical_calculations::rata_die::RataDie;
use chrono::{Days, NaiveDate};

/// The calendar as observed in Vietnam.
struct Vietnamese;

impl ChineseBased for Vietnamese {
    fn utc_offset(fixed: RataDie) -> f64 {
        if fixed < const { fixed_from_gregorian(1968, 1, 1) } {
            8.0 / 24.0
        } else {
            7.0 / 24.0
        }
    }

    /// Only the difference between dates matters here; the Chinese epoch
    /// (15 February 2637 BCE) keeps the year arithmetic of the crate valid.
    const EPOCH: RataDie = fixed_from_gregorian(-2636, 2, 15);
    const DEBUG_NAME: &'static str = "vietnamese";
}

fn from_fixed(fixed: RataDie) -> NaiveDate {
    let days = i32::try_from(fixed.to_i64_date()).expect("a date of the office's calendar");
    NaiveDate::from_num_days_from_ce_opt(days).expect("a date of the office's calendar")
}

/// One lunar year as it falls in the solar calendar.
#[derive(Debug, Clone)]
pub struct LunarYear {
    /// Mùng 1 Tết: the first day of the year.
    pub new_year: NaiveDate,
    /// The first day of the next year.
    pub next_new_year: NaiveDate,
    /// Month lengths by ordinal (leap month counted in place): 29 or 30.
    month_lengths: Vec<u64>,
    /// The ordinal (1-13) of the leap month, if the year has one.
    leap_ordinal: Option<u8>,
}

impl LunarYear {
    /// The lunar year that starts in the solar year `year` (its Tết falls
    /// between 21 January and 20 February).
    pub fn starting_in(year: i32) -> LunarYear {
        // 1 March always lies after that year's Tết and before the next.
        let march = fixed_from_gregorian(year, 3, 1);
        let bounds = YearBounds::compute::<Vietnamese>(march);
        let (long_months, leap_ordinal) =
            month_structure_for_year::<Vietnamese>(bounds.new_year, bounds.next_new_year);
        let months = if leap_ordinal.is_some() { 13 } else { 12 };
        LunarYear {
            new_year: from_fixed(bounds.new_year),
            next_new_year: from_fixed(bounds.next_new_year),
            month_lengths: long_months[..months]
                .iter()
                .map(|&long| if long { 30 } else { 29 })
                .collect(),
            leap_ordinal,
        }
    }

    /// The last day of the year before (ngày cuối năm âm lịch: 29 or 30 Tết).
    pub fn eve(&self) -> NaiveDate {
        self.new_year
            .pred_opt()
            .expect("a date of the office's calendar")
    }

    /// The solar date of `day` of the (regular, not leap) lunar `month`.
    pub fn date(&self, month: u8, day: u8) -> NaiveDate {
        // A leap month takes the number of the month before it, so regular
        // month m is ordinal m + 1 once a leap month came at or before it.
        let ordinal = match self.leap_ordinal {
            Some(leap) if leap <= month => month + 1,
            _ => month,
        };
        let days_before: u64 = self.month_lengths[..usize::from(ordinal - 1)].iter().sum();
        self.new_year + Days::new(days_before + u64::from(day) - 1)
    }

    /// The regular month number of the leap month (tháng nhuận), if any.
    pub fn leap_month(&self) -> Option<u8> {
        self.leap_ordinal.map(|ordinal| ordinal - 1)
    }
}

/// Mùng 1 Tết of the lunar year that starts in `year`.
pub fn tet(year: i32) -> NaiveDate {
    LunarYear::starting_in(year).new_year
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Tết Nguyên đán as published in Vietnam (the government's yearly holiday
    /// announcements and the Vietnamese lunar calendar tables). 2030 is
    /// Vietnam's own date: the new moon falls at 23:07 on 2 February in
    /// Hanoi, 00:07 on 3 February in Beijing.
    const PUBLISHED_TET: [(i32, u32, u32); 16] = [
        (2020, 1, 25),
        (2021, 2, 12),
        (2022, 2, 1),
        (2023, 1, 22),
        (2024, 2, 10),
        (2025, 1, 29),
        (2026, 2, 17),
        (2027, 2, 6),
        (2028, 1, 26),
        (2029, 2, 13),
        (2030, 2, 2),
        (2031, 1, 23),
        (2032, 2, 11),
        (2033, 1, 31),
        (2034, 2, 19),
        (2035, 2, 8),
    ];

    #[test]
    fn tet_2020_to_2035_matches_the_published_dates() {
        for (year, month, day) in PUBLISHED_TET {
            assert_eq!(tet(year), date(year, month, day), "Tết {year}");
        }
    }

    #[test]
    fn vietnams_meridian_gives_its_own_tet_where_chinas_differs() {
        assert_eq!(tet(1985), date(1985, 1, 21));
        assert_eq!(tet(2007), date(2007, 2, 17));
        assert_eq!(tet(2030), date(2030, 2, 2));
    }

    #[test]
    fn the_hung_kings_day_is_the_10th_of_the_3rd_month_leap_months_included() {
        // 2023 has a leap 2nd month (tháng 2 nhuận) before the 3rd.
        assert_eq!(LunarYear::starting_in(2023).leap_month(), Some(2));
        for (year, month, day) in [
            (2020, 4, 2),
            (2021, 4, 21),
            (2022, 4, 10),
            (2023, 4, 29),
            (2024, 4, 18),
            (2025, 4, 7),
            (2026, 4, 26),
        ] {
            assert_eq!(
                LunarYear::starting_in(year).date(3, 10),
                date(year, month, day),
                "10/3 âm lịch {year}"
            );
        }
    }

    #[test]
    fn the_eve_is_the_day_before_tet() {
        // 2025's last lunar month had 29 days: Tết eve was 29 Tết, 28 January.
        assert_eq!(LunarYear::starting_in(2025).eve(), date(2025, 1, 28));
        let year = LunarYear::starting_in(2026);
        assert_eq!(year.next_new_year, tet(2027));
        assert_eq!(chrono::Datelike::year(&year.new_year), 2026);
    }
}
