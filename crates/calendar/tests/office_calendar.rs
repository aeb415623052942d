//! The office calendar as deadlines and the health side's working hours use it.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use hotich_calendar::{DayKind, OfficeCalendar, OfficeHours, Schedule};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An instant written in office time (UTC+7).
fn office(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{text}+07:00"))
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn tet_2027_is_not_worked_and_the_office_reopens_on_friday_12_february() {
    let calendar = OfficeCalendar::labour_code_only();
    for day in 5..=11 {
        assert!(!calendar.is_working_day(date(2027, 2, day)), "{day}/2/2027");
    }
    assert!(calendar.is_working_day(date(2027, 2, 12)));
    // Death on 24 January 2027 + 15 days = Monday 8 February, inside Tết.
    assert_eq!(
        calendar.working_day_on_or_after(date(2027, 2, 8)),
        date(2027, 2, 12)
    );
}

#[test]
fn a_make_up_saturday_of_the_schedule_is_a_working_day() {
    let calendar = OfficeCalendar::default();
    // The shipped 2025 schedule: Monday 27 January off, worked on Saturday 15 February.
    assert!(!calendar.is_working_day(date(2025, 1, 27)));
    assert!(calendar.is_working_day(date(2025, 2, 15)));
    assert!(matches!(
        calendar.exception(date(2025, 2, 15)),
        Some(DayKind::ScheduledWork(_))
    ));
    // Without the schedule 15 February 2025 is an ordinary Saturday.
    assert!(!OfficeCalendar::labour_code_only().is_working_day(date(2025, 2, 15)));
    // Friday 14 February + 1 working day is that Saturday.
    assert_eq!(
        calendar.add_working_days(date(2025, 2, 14), 1),
        date(2025, 2, 15)
    );
}

#[test]
fn an_imported_year_replaces_the_computed_one_and_leaves_the_others() {
    let imported = Schedule::parse(
        &[
            "2027-01-01 off x",
            "2027-02-08 off x",
            "2027-02-09 off x",
            "2027-02-10 off x",
            "2027-02-11 off x",
            "2027-02-12 off x",
            "2027-02-15 off x",
            "2027-02-20 work làm bù",
            "2027-04-16 off x",
            "2027-04-30 off x",
            "2027-09-02 off x",
            "2027-09-03 off x",
        ]
        .join("\n"),
    )
    .unwrap();
    let calendar = OfficeCalendar::new(
        OfficeCalendar::default()
            .schedule()
            .clone()
            .updated_with(imported),
    );
    // Friday 5 February was a computed Tết day; the imported year works it.
    assert!(calendar.is_working_day(date(2027, 2, 5)));
    assert!(!calendar.is_working_day(date(2027, 2, 15)));
    assert!(calendar.is_working_day(date(2027, 2, 20)));
    // 2025 keeps the shipped schedule, 2026 the Labour Code.
    assert!(calendar.is_working_day(date(2025, 2, 15)));
    assert!(!calendar.is_working_day(date(2026, 2, 17)));
}

#[test]
fn working_time_counts_office_hours_of_working_days_only() {
    let calendar = OfficeCalendar::labour_code_only();
    let default_hours = OfficeHours::default();
    // Friday 16:00 to Monday 9:00 (27 and 30 November 2026): Friday 16:00-17:00
    // and Monday 7:30-9:00 with the default hours.
    let (friday, monday) = (office("2026-11-27T16:00:00"), office("2026-11-30T09:00:00"));
    assert_eq!(
        calendar.working_time(&default_hours, friday, monday),
        TimeDelta::minutes(150)
    );
    // An office open 8:00-12:00 and 13:00-16:30 counts 16:00-16:30 and 8:00-9:00.
    let short_afternoon = OfficeHours::parse("08:00-12:00, 13:00-16:30").unwrap();
    assert_eq!(
        calendar.working_time(&short_afternoon, friday, monday),
        TimeDelta::minutes(90)
    );
    // Lunch is not counted; nothing when the end is not after the start.
    assert_eq!(
        calendar.working_time(
            &default_hours,
            office("2026-11-30T11:00:00"),
            office("2026-11-30T14:00:00")
        ),
        TimeDelta::minutes(60)
    );
    assert_eq!(
        calendar.working_time(&default_hours, monday, friday),
        TimeDelta::zero()
    );
}

#[test]
fn across_tet_no_holiday_hour_is_counted() {
    let calendar = OfficeCalendar::labour_code_only();
    let hours = OfficeHours::default();
    // Issued Thursday 4 February 2027 at 16:00, received Friday 12 February
    // at 8:30: Tết and its made-up days (5-11 February) count nothing.
    assert_eq!(
        calendar.working_time(
            &hours,
            office("2027-02-04T16:00:00"),
            office("2027-02-12T08:30:00")
        ),
        TimeDelta::minutes(60 + 60)
    );
}

#[test]
fn within_working_time_agrees_with_the_full_count_without_walking_past_the_limit() {
    let calendar = OfficeCalendar::labour_code_only();
    let hours = OfficeHours::default();
    let four_hours = TimeDelta::hours(4);
    let issued = office("2027-02-04T16:00:00");
    // Across Tết: 2 working hours by Friday 12 February 8:30, 5 by 11:30.
    for (received, within) in [
        ("2027-02-04T19:00:00", true),
        ("2027-02-12T08:30:00", true),
        ("2027-02-12T11:30:00", false),
        ("2027-06-30T08:00:00", false),
    ] {
        let received = office(received);
        assert_eq!(
            calendar.within_working_time(&hours, issued, received, four_hours),
            within,
            "{received}"
        );
        assert_eq!(
            calendar.working_time(&hours, issued, received) <= four_hours,
            within
        );
    }
}

#[test]
fn office_hours_are_refused_when_malformed() {
    for (text, code) in [
        ("7h30-11h30", "bad_period"),
        ("13:30-17:00,07:30-11:30", "out_of_order"),
        ("11:30-07:30", "out_of_order"),
        ("", "empty"),
    ] {
        assert_eq!(OfficeHours::parse(text).unwrap_err().code(), code, "{text}");
    }
    let hours = OfficeHours::parse("07:30-11:30,13:30-17:00").unwrap();
    assert_eq!(hours, OfficeHours::default());
    assert_eq!(hours.to_text(), "07:30-11:30,13:30-17:00");
    assert_eq!(hours.day_length(), TimeDelta::minutes(450));
}

#[test]
fn the_shipped_schedule_reads() {
    let shipped = hotich_calendar::shipped_schedule();
    assert!(shipped.year(2025).is_some());
}
