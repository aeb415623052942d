//! The Vietnamese office calendar: which days a commune office works, and how
//! many working hours lie between two instants.
//!
//! - [`lunar`]: the lunar calendar for Vietnam's meridian (Tết, 10/3 âm lịch);
//! - [`holidays`]: the Labour Code's public holidays computed for any year;
//! - [`schedule`]: the official yearly schedule (days moved, make-up
//!   Saturdays), shipped in `assets/calendar/` and imported by a supervisor;
//! - [`hours`]: office hours.
//!
//! [`OfficeCalendar`] puts them together: a year with an official schedule
//! follows it, any other year the Labour Code. Deadlines (Civil Code 2015,
//! Art. 148(5)), follow-ups, the "no contact within 2 working days" flag and
//! the health side's working hours all ask it.

pub mod holidays;
pub mod hours;
pub mod lunar;
pub mod schedule;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc};

pub use holidays::{ComputedDayOff, Holiday};
pub use hours::{OfficeHours, OfficeHoursError};
pub use schedule::{Schedule, ScheduleError, ScheduleProblem, ScheduledKind};

use holidays::is_weekend;

/// The schedule shipped with Hotich (`assets/calendar/lich-nghi-le.tsv`).
pub const SHIPPED_SCHEDULE: &str = include_str!("../../../assets/calendar/lich-nghi-le.tsv");

/// Years the calendar knows holidays for; outside, only weekends rest.
const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2199;

/// Why a day is not worked although it is a weekday, or worked although it
/// is a weekend day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// A weekday off by the Labour Code (a holiday, or one made up).
    LabourCode(ComputedDayOff),
    /// A day off of the year's official schedule, with its note.
    ScheduledOff(String),
    /// A weekend day worked to make up for a moved day off, with its note.
    ScheduledWork(String),
}

/// One year's exceptions to the Monday-Friday week.
#[derive(Debug, Default)]
struct YearDays {
    exceptions: BTreeMap<NaiveDate, DayKind>,
}

impl YearDays {
    fn compute(year: i32, schedule: &Schedule) -> YearDays {
        let exceptions = match schedule.year(year) {
            Some(official) => official
                .days
                .iter()
                .map(|(day, (kind, note))| {
                    let kind = match kind {
                        ScheduledKind::Off => DayKind::ScheduledOff(note.clone()),
                        ScheduledKind::Work => DayKind::ScheduledWork(note.clone()),
                    };
                    (*day, kind)
                })
                .collect(),
            None => holidays::labour_code_days_off(year)
                .into_iter()
                .map(|(day, why)| (day, DayKind::LabourCode(why)))
                .collect(),
        };
        YearDays { exceptions }
    }
}

/// The office's working days: the official schedule where a year has one,
/// the Labour Code elsewhere. Years are worked out on first use.
pub struct OfficeCalendar {
    schedule: Schedule,
    years: Box<[OnceLock<YearDays>]>,
}

impl std::fmt::Debug for OfficeCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfficeCalendar")
            .field(
                "scheduled_years",
                &self.schedule.years().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Clone for OfficeCalendar {
    fn clone(&self) -> Self {
        OfficeCalendar::new(self.schedule.clone())
    }
}

impl Default for OfficeCalendar {
    /// The shipped schedule, the Labour Code for the other years.
    fn default() -> Self {
        OfficeCalendar::new(shipped_schedule())
    }
}

/// The schedule shipped with Hotich.
pub fn shipped_schedule() -> Schedule {
    Schedule::parse(SHIPPED_SCHEDULE).expect("the shipped schedule is checked by its test")
}

impl OfficeCalendar {
    pub fn new(schedule: Schedule) -> OfficeCalendar {
        let span = usize::try_from(LAST_YEAR - FIRST_YEAR + 1).expect("a positive span");
        OfficeCalendar {
            schedule,
            years: (0..span).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The Labour Code alone, no official schedule.
    pub fn labour_code_only() -> OfficeCalendar {
        OfficeCalendar::new(Schedule::default())
    }

    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    fn year_days(&self, year: i32) -> Option<&YearDays> {
        let index = usize::try_from(year.checked_sub(FIRST_YEAR)?).ok()?;
        let cell = self.years.get(index)?;
        Some(cell.get_or_init(|| YearDays::compute(year, &self.schedule)))
    }

    /// What makes `day` an exception to the Monday-Friday week, if anything.
    pub fn exception(&self, day: NaiveDate) -> Option<&DayKind> {
        self.year_days(day.year())?.exceptions.get(&day)
    }

    /// Whether the office works on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.exception(day) {
            Some(DayKind::ScheduledWork(_)) => true,
            Some(_) => false,
            None => !is_weekend(day),
        }
    }

    /// The first working day on or after `day`.
    pub fn working_day_on_or_after(&self, day: NaiveDate) -> NaiveDate {
        let mut current = day;
        while !self.is_working_day(current) {
            current = current + Days::new(1);
        }
        current
    }

    /// `n` working days after `day`.
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        (0..n).fold(day, |current, _| {
            self.working_day_on_or_after(current + Days::new(1))
        })
    }

    /// The year's exceptions in date order: days off on weekdays (and
    /// holidays on weekends), and weekend days worked.
    pub fn exceptions_of(&self, year: i32) -> Vec<(NaiveDate, DayKind)> {
        self.year_days(year)
            .map(|days| {
                days.exceptions
                    .iter()
                    .map(|(d, k)| (*d, k.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Working time between two instants: the office hours of the working
    /// days between them, in office time (UTC+7). Zero when `to` is not after
    /// `from`.
    pub fn working_time(
        &self,
        hours: &OfficeHours,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> TimeDelta {
        self.worked(hours, from, to, None)
    }

    /// Whether the working time between two instants is at most `limit`,
    /// counted only until it passes it: a notice that arrived months after
    /// its issue is known late on its first full working day, not after a
    /// walk through every day between.
    pub fn within_working_time(
        &self,
        hours: &OfficeHours,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: TimeDelta,
    ) -> bool {
        self.worked(hours, from, to, Some(limit)) <= limit
    }

    /// The working time between two instants, or, with `stop_past`, some
    /// amount over it once it is passed.
    fn worked(
        &self,
        hours: &OfficeHours,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        stop_past: Option<TimeDelta>,
    ) -> TimeDelta {
        if to <= from {
            return TimeDelta::zero();
        }
        let offset = hotich_common::time::office_offset();
        let (from, to) = (
            from.with_timezone(&offset).naive_local(),
            to.with_timezone(&offset).naive_local(),
        );
        let mut total = TimeDelta::zero();
        let mut day = from.date();
        while day <= to.date() {
            if self.is_working_day(day) {
                for (start, end) in hours.periods() {
                    let start = day.and_time(*start).max(from);
                    let end = day.and_time(*end).min(to);
                    if end > start {
                        total += end - start;
                    }
                }
            }
            if stop_past.is_some_and(|limit| total > limit) {
                break;
            }
            day = day + Days::new(1);
        }
        total
    }
}
