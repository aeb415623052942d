//! The official yearly schedule: for each year the government announces
//! (the Prime Minister's decision, relayed by the Ministry of Home Affairs),
//! the days off of public servants and the Saturdays worked to make up for
//! moved days. A year listed here replaces the Labour Code's computed days
//! for that year, whole.
//!
//! The file is text, UTF-8, one day per line:
//!
//! ```text
//! # comment
//! 2025-01-27 off Tết Nguyên đán (hoán đổi sang thứ Bảy 15/02)
//! 2025-02-15 work làm bù ngày 27/01
//! ```
//!
//! The date (ISO 8601), the kind (`off` or `nghỉ`; `work` or `làm-bù`), then a
//! note, separated by tabs or spaces. A `work` day must be a Saturday or
//! Sunday. A year must list at least the eleven days of Labour Code 2019,
//! Art. 112(1) falling on weekdays (a holiday on a weekend is made up on a
//! weekday, Art. 112(3)), so a half-copied year is refused rather than taken
//! as the whole year.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::holidays::is_weekend;

/// The days of Labour Code 2019, Art. 112(1): a year's schedule gives at
/// least this many weekdays off.
pub const LABOUR_CODE_HOLIDAYS: usize = 11;

/// What a line says of its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduledKind {
    /// A day off (a holiday, or a day off moved from elsewhere).
    Off,
    /// A weekend day worked to make up for a moved day off.
    Work,
}

impl ScheduledKind {
    pub fn code(self) -> &'static str {
        match self {
            ScheduledKind::Off => "off",
            ScheduledKind::Work => "work",
        }
    }

    fn parse(text: &str) -> Option<ScheduledKind> {
        match text {
            "off" | "nghỉ" => Some(ScheduledKind::Off),
            "work" | "làm-bù" => Some(ScheduledKind::Work),
            _ => None,
        }
    }
}

/// One year's official schedule: each listed day with its kind and note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearSchedule {
    pub days: BTreeMap<NaiveDate, (ScheduledKind, String)>,
}

impl YearSchedule {
    pub fn is_off(&self, day: NaiveDate) -> bool {
        matches!(self.days.get(&day), Some((ScheduledKind::Off, _)))
    }

    pub fn is_work(&self, day: NaiveDate) -> bool {
        matches!(self.days.get(&day), Some((ScheduledKind::Work, _)))
    }

    fn weekdays_off(&self) -> usize {
        self.days
            .iter()
            .filter(|(day, (kind, _))| *kind == ScheduledKind::Off && !is_weekend(**day))
            .count()
    }
}

/// The official schedules of the years that have one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    years: BTreeMap<i32, YearSchedule>,
}

/// Why a schedule file was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{problem:?} at {}", self.place())]
pub struct ScheduleError {
    /// The line (from 1) the problem is on; none for a whole year's problem.
    pub line: Option<usize>,
    pub year: Option<i32>,
    pub problem: ScheduleProblem,
}

impl ScheduleError {
    fn place(&self) -> String {
        match (self.line, self.year) {
            (Some(line), _) => format!("line {line}"),
            (None, Some(year)) => format!("year {year}"),
            (None, None) => "the file".into(),
        }
    }
}

/// The problems a schedule file can have, as codes the label tables word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleProblem {
    /// Fewer than two columns (a date and a kind).
    MissingColumns,
    /// The first column is not a date `yyyy-mm-dd`.
    BadDate,
    /// The second column is neither `off` nor `work`.
    BadKind,
    /// A `work` day that is not a Saturday or Sunday.
    WorkOnWeekday,
    /// The same day listed twice.
    RepeatedDay,
    /// A year with fewer weekdays off than the Labour Code's holidays.
    TooFewDaysOff { weekdays_off: usize },
    /// No day at all.
    Empty,
}

impl ScheduleProblem {
    pub fn code(self) -> &'static str {
        match self {
            ScheduleProblem::MissingColumns => "missing_columns",
            ScheduleProblem::BadDate => "bad_date",
            ScheduleProblem::BadKind => "bad_kind",
            ScheduleProblem::WorkOnWeekday => "work_on_weekday",
            ScheduleProblem::RepeatedDay => "repeated_day",
            ScheduleProblem::TooFewDaysOff { .. } => "too_few_days_off",
            ScheduleProblem::Empty => "empty",
        }
    }
}

impl Schedule {
    /// Reads a schedule file; the first problem refuses the whole file.
    pub fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        let mut years: BTreeMap<i32, YearSchedule> = BTreeMap::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let refuse = |problem| ScheduleError {
                line: Some(index + 1),
                year: None,
                problem,
            };
            let (date, rest) = split_column(line);
            let (kind, note) = split_column(rest);
            if kind.is_empty() {
                return Err(refuse(ScheduleProblem::MissingColumns));
            }
            let day = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| refuse(ScheduleProblem::BadDate))?;
            let kind = ScheduledKind::parse(kind).ok_or(refuse(ScheduleProblem::BadKind))?;
            if kind == ScheduledKind::Work && !is_weekend(day) {
                return Err(refuse(ScheduleProblem::WorkOnWeekday));
            }
            let year = years.entry(chrono::Datelike::year(&day)).or_default();
            if year.days.insert(day, (kind, note.to_owned())).is_some() {
                return Err(refuse(ScheduleProblem::RepeatedDay));
            }
        }
        if years.is_empty() {
            return Err(ScheduleError {
                line: None,
                year: None,
                problem: ScheduleProblem::Empty,
            });
        }
        for (&year, schedule) in &years {
            let weekdays_off = schedule.weekdays_off();
            if weekdays_off < LABOUR_CODE_HOLIDAYS {
                return Err(ScheduleError {
                    line: None,
                    year: Some(year),
                    problem: ScheduleProblem::TooFewDaysOff { weekdays_off },
                });
            }
        }
        Ok(Schedule { years })
    }

    /// The schedule written back as a file [`Schedule::parse`] reads.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for (day, (kind, note)) in self.years.values().flat_map(|year| &year.days) {
            let _ = writeln!(text, "{day}\t{}\t{note}", kind.code());
        }
        text
    }

    /// This schedule with `newer`'s years in place of its own.
    pub fn updated_with(mut self, newer: Schedule) -> Schedule {
        self.years.extend(newer.years);
        self
    }

    /// `year` alone (empty when this schedule has no such year).
    pub fn only(&self, year: i32) -> Schedule {
        Schedule {
            years: self
                .years
                .get_key_value(&year)
                .map(|(y, days)| (*y, days.clone()))
                .into_iter()
                .collect(),
        }
    }

    pub fn year(&self, year: i32) -> Option<&YearSchedule> {
        self.years.get(&year)
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }
}

/// The first whitespace-separated column and the rest, trimmed.
fn split_column(text: &str) -> (&str, &str) {
    match text.split_once(char::is_whitespace) {
        Some((first, rest)) => (first, rest.trim()),
        None => (text, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A complete year: the eleven weekdays off of 2027 and one make-up Saturday.
    fn year_2027() -> String {
        [
            "2027-01-01\toff\tTết Dương lịch",
            "2027-02-05\toff\tTết",
            "2027-02-08\toff\tTết",
            "2027-02-09\toff\tTết",
            "2027-02-10\toff\tTết",
            "2027-02-11\toff\tTết",
            "2027-02-12\toff\thoán đổi",
            "2027-02-20\twork\tlàm bù 12/02",
            "2027-04-16\toff\tGiỗ Tổ",
            "2027-04-30\toff\t30/4",
            "2027-05-03\toff\tbù 1/5",
            "2027-09-02\toff\tQuốc khánh",
            "2027-09-03\toff\tQuốc khánh",
        ]
        .join("\n")
    }

    #[test]
    fn a_complete_year_reads_and_writes_back() {
        let schedule = Schedule::parse(&format!("# 2027\n\n{}\n", year_2027())).unwrap();
        let year = schedule.year(2027).unwrap();
        assert!(year.is_off(NaiveDate::from_ymd_opt(2027, 2, 12).unwrap()));
        assert!(year.is_work(NaiveDate::from_ymd_opt(2027, 2, 20).unwrap()));
        assert_eq!(Schedule::parse(&schedule.to_text()).unwrap(), schedule);
    }

    #[test]
    fn a_malformed_line_is_refused_naming_it() {
        let with_line_3 = |line: &str| {
            let mut lines: Vec<String> = year_2027().lines().map(String::from).collect();
            lines.insert(2, line.to_owned());
            Schedule::parse(&lines.join("\n")).unwrap_err()
        };
        for (line, problem) in [
            ("2027-02-30\toff\tx", ScheduleProblem::BadDate),
            ("27/02/2027\toff", ScheduleProblem::BadDate),
            ("2027-03-01\tholiday", ScheduleProblem::BadKind),
            ("2027-03-01", ScheduleProblem::MissingColumns),
            ("2027-03-01\twork\tMonday", ScheduleProblem::WorkOnWeekday),
            ("2027-01-01\toff\tagain", ScheduleProblem::RepeatedDay),
        ] {
            let error = with_line_3(line);
            assert_eq!((error.line, error.problem), (Some(3), problem), "{line}");
        }
    }

    #[test]
    fn a_year_missing_holidays_is_refused_naming_the_year() {
        let error = Schedule::parse("2028-01-03\toff\tx\n2028-01-08\twork\ty").unwrap_err();
        assert_eq!(error.year, Some(2028));
        assert_eq!(
            error.problem,
            ScheduleProblem::TooFewDaysOff { weekdays_off: 1 }
        );
        assert_eq!(
            Schedule::parse("# nothing\n").unwrap_err().problem,
            ScheduleProblem::Empty
        );
    }
}
