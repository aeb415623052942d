//! Legal rules the queue applies. Each names its source; `docs/legal-rules.md`
//! keeps the table rule -> article -> test.
//!
//! Pure rules, no table.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use hotich_protocol::EventKind;

/// Birth: "within 60 days from the date of birth" (Law on Civil Status 2014, Art. 15(1)).
pub const BIRTH_REGISTRATION_DAYS: u64 = 60;
/// Death: "within 15 days from the date of death" (Law on Civil Status 2014, Art. 33(1)).
pub const DEATH_REGISTRATION_DAYS: u64 = 15;

/// The last day on which registration is on time.
///
/// A period in days starts on the day after the event (Civil Code 2015,
/// Art. 147(2)); when its last day is a weekend day it ends with the next
/// working day (Art. 148(5)). Public holidays also extend it under Art. 148(5)
/// but are not applied yet: their dates follow the lunar calendar and a yearly
/// decision, and a list kept in the settings will bring them in.
pub fn registration_deadline(kind: EventKind, event_date: NaiveDate) -> NaiveDate {
    let days = match kind {
        EventKind::Birth => BIRTH_REGISTRATION_DAYS,
        EventKind::Death => DEATH_REGISTRATION_DAYS,
    };
    working_day_on_or_after(event_date + Days::new(days))
}

/// The first working day on or after `day`: Saturday and Sunday are not
/// (Labour Code 2019, Art. 105; public holidays not applied yet, as above).
pub fn working_day_on_or_after(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day + Days::new(2),
        Weekday::Sun => day + Days::new(1),
        _ => day,
    }
}

/// `n` working days after `day`.
pub fn add_working_days(day: NaiveDate, n: u32) -> NaiveDate {
    (0..n).fold(day, |current, _| {
        working_day_on_or_after(current + Days::new(1))
    })
}

/// Days from `today` to the deadline: 0 on the last day, negative when overdue.
pub fn days_left(deadline: NaiveDate, today: NaiveDate) -> i64 {
    (deadline - today).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn assert_deadline(kind: EventKind, event: NaiveDate, expected: NaiveDate) {
        assert_eq!(
            registration_deadline(kind, event),
            expected,
            "{kind:?} on {event}"
        );
    }

    #[test]
    fn death_deadline_is_15_days_after_the_day_of_death() {
        // Monday 2 November 2026 + 15 days = Tuesday 17 November.
        assert_deadline(EventKind::Death, date(2026, 11, 2), date(2026, 11, 17));
    }

    #[test]
    fn birth_deadline_is_60_days_after_the_day_of_birth() {
        // Wednesday 2 September 2026 + 60 days = Sunday 1 November -> Monday 2 November.
        assert_deadline(EventKind::Birth, date(2026, 9, 2), date(2026, 11, 2));
        // Friday 4 September + 60 = Tuesday 3 November, a working day.
        assert_deadline(EventKind::Birth, date(2026, 9, 4), date(2026, 11, 3));
    }

    #[test]
    fn a_deadline_on_a_weekend_moves_to_monday() {
        // Death on Thursday 5 November 2026 + 15 = Friday 20 November: unchanged.
        assert_deadline(EventKind::Death, date(2026, 11, 5), date(2026, 11, 20));
        // Death on Friday 6 November + 15 = Saturday 21 -> Monday 23.
        assert_deadline(EventKind::Death, date(2026, 11, 6), date(2026, 11, 23));
        // Death on Saturday 7 November + 15 = Sunday 22 -> Monday 23.
        assert_deadline(EventKind::Death, date(2026, 11, 7), date(2026, 11, 23));
    }

    #[test]
    fn days_left_is_zero_on_the_last_day_and_negative_after() {
        let deadline = date(2026, 11, 17);
        assert_eq!(days_left(deadline, date(2026, 11, 17)), 0);
        assert_eq!(days_left(deadline, date(2026, 11, 10)), 7);
        assert_eq!(days_left(deadline, date(2026, 11, 20)), -3);
    }
}
