//! Legal rules of registration deadlines, shared by the workstation (its
//! queue) and the registry (the pilot scenario plays workstations). Each
//! names its source; `docs/legal-rules.md` keeps the table rule -> article ->
//! test.
//!
//! Pure rules, no table.

use crate::EventKind;
use chrono::{Days, NaiveDate};
use hotich_calendar::OfficeCalendar;

/// Birth: "within 60 days from the date of birth" (Law on Civil Status 2014, Art. 15(1)).
pub const BIRTH_REGISTRATION_DAYS: u64 = 60;
/// Death: "within 15 days from the date of death" (Law on Civil Status 2014, Art. 33(1)).
pub const DEATH_REGISTRATION_DAYS: u64 = 15;

/// A case with no attempt to contact the family this many working days after
/// the notification's issue is flagged "no contact" (the pilot's outreach
/// rule; working days per Labour Code 2019, Art. 105 and 112). Shared by the
/// workstation's queue and the province's supervision page.
pub const FIRST_CONTACT_WORKING_DAYS: u32 = 2;

/// "Within 4 working hours of issuing the paper" (Decree 63/2024/NĐ-CP,
/// Art. 25): the health side's timeliness, counted in office hours of
/// working days (`OfficeCalendar::working_time`).
pub const HEALTH_SHARING_WORKING_HOURS: i64 = 4;

/// The last day on which registration is on time.
///
/// A period in days starts on the day after the event (Civil Code 2015,
/// Art. 147(2)); when its last day is a weekend day or a public holiday it
/// ends with the next working day (Art. 148(5)). Which days are worked is the
/// office calendar's: the official yearly schedule where one was imported,
/// else the Labour Code's holidays (Art. 112) computed with the lunar
/// calendar (`hotich_calendar`).
pub fn registration_deadline(
    calendar: &OfficeCalendar,
    kind: EventKind,
    event_date: NaiveDate,
) -> NaiveDate {
    let days = match kind {
        EventKind::Birth => BIRTH_REGISTRATION_DAYS,
        EventKind::Death => DEATH_REGISTRATION_DAYS,
    };
    calendar.working_day_on_or_after(event_date + Days::new(days))
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
            registration_deadline(&OfficeCalendar::labour_code_only(), kind, event),
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
    fn a_deadline_in_a_holiday_moves_past_it() {
        // Death on Sunday 24 January 2027 + 15 = Monday 8 February, inside
        // Tết Đinh Mùi (5-9 February, and the 10th and 11th made up for the
        // weekend): the next working day is Friday 12 February.
        assert_deadline(EventKind::Death, date(2027, 1, 24), date(2027, 2, 12));
        // Death on Thursday 16 April 2026 + 15 = Friday 1 May, Labour Day;
        // Saturday and Sunday follow: Monday 4 May.
        assert_deadline(EventKind::Death, date(2026, 4, 16), date(2026, 5, 4));
        // Birth on 4 July 2026 + 60 = Wednesday 2 September, National Day
        // (with Tuesday 1st): Thursday 3 September.
        assert_deadline(EventKind::Birth, date(2026, 7, 4), date(2026, 9, 3));
    }

    #[test]
    fn days_left_is_zero_on_the_last_day_and_negative_after() {
        let deadline = date(2026, 11, 17);
        assert_eq!(days_left(deadline, date(2026, 11, 17)), 0);
        assert_eq!(days_left(deadline, date(2026, 11, 10)), 7);
        assert_eq!(days_left(deadline, date(2026, 11, 20)), -3);
    }
}
