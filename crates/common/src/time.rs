//! The office's clock: Vietnam, UTC+7, no daylight saving. Deadlines,
//! "today" and statistics' office days all read the day from here, so a PC
//! set to another time zone still counts Vietnamese days. `chrono::Local`
//! is disallowed in `clippy.toml` for that reason.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};

/// Vietnam's offset from UTC, in seconds.
pub const OFFICE_UTC_OFFSET_SECONDS: i32 = 7 * 3600;

/// The office's time zone as a chrono offset.
pub fn office_offset() -> FixedOffset {
    FixedOffset::east_opt(OFFICE_UTC_OFFSET_SECONDS).expect("UTC+7 is a valid offset")
}

/// The office's calendar day at instant `now`.
pub fn office_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&office_offset()).date_naive()
}

/// Today in the office (Vietnam), whatever the PC's time zone.
pub fn office_today() -> NaiveDate {
    office_day(Utc::now())
}

/// The office's calendar day of a stored RFC 3339 time; `None` when it does not parse.
pub fn office_day_of(rfc3339: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| office_day(t.with_timezone(&Utc)))
}

/// The first instant of an office day, in UTC.
pub fn start_of_office_day(day: NaiveDate) -> DateTime<Utc> {
    (day.and_time(NaiveTime::MIN) - Duration::seconds(i64::from(OFFICE_UTC_OFFSET_SECONDS)))
        .and_utc()
}

/// [`start_of_office_day`] as stored times are written (RFC 3339), so stored
/// times compare with it as text.
pub fn start_of_office_day_rfc3339(day: NaiveDate) -> String {
    start_of_office_day(day).to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_office_day_turns_at_17_utc() {
        assert_eq!(
            office_day(utc("2026-11-29T16:59:59Z")).to_string(),
            "2026-11-29"
        );
        assert_eq!(
            office_day(utc("2026-11-29T17:00:00Z")).to_string(),
            "2026-11-30"
        );
        assert_eq!(
            office_day_of("2026-11-29T17:00:00+00:00")
                .unwrap()
                .to_string(),
            "2026-11-30"
        );
        assert_eq!(office_day_of("not a time"), None);
    }

    #[test]
    fn a_day_starts_at_midnight_in_vietnam() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(start_of_office_day(day), utc("2026-11-29T17:00:00Z"));
        assert_eq!(office_day(start_of_office_day(day)), day);
        assert_eq!(
            office_day(start_of_office_day(day) - Duration::seconds(1)),
            day.pred_opt().unwrap()
        );
    }
}
