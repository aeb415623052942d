//! The office calendar this workstation counts with (issue 18, item 2): the
//! schedule shipped with Hotich and the official yearly schedules a
//! supervisor imports, over the Labour Code's holidays
//! (`hotich_calendar`). Deadlines, follow-ups and the "no contact within 2
//! working days" flag read it through [`Store::calendar`].
//!
//! The office hours the health side's working hours are counted in (4
//! working hours, Decree 63/2024/NĐ-CP, Art. 25) are the setting
//! `health_office_hours`, through `store`.
//!
//! The only writer of `holiday_schedule`. An import replaces the years it
//! lists, moves every case's deadline to the new calendar (`case_file`) and
//! is audited, in one transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use hotich_calendar::{
    ComputedDayOff, DayKind, Holiday, OfficeCalendar, OfficeHours, Schedule, ScheduleProblem,
};
use rusqlite::{params, Connection};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, AuditAction};
use crate::error::{CoreError, FileRefusal, ForbiddenAction, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::store::Store;

/// The setting holding the office hours (`hotich_calendar::OfficeHours` text).
const SETTING_OFFICE_HOURS: &str = "health_office_hours";

/// The office calendar: the shipped schedule with the imported years in
/// place of its own.
pub(crate) fn office_calendar(conn: &Connection) -> Result<OfficeCalendar> {
    let mut stmt = conn.prepare("SELECT lines FROM holiday_schedule ORDER BY year")?;
    let imported = stmt
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut schedule = hotich_calendar::shipped_schedule();
    for lines in imported {
        // Stored only after it parsed; a row that no longer parses is
        // skipped rather than stopping the office (the Labour Code stands).
        if let Ok(year) = Schedule::parse(&lines) {
            schedule = schedule.updated_with(year);
        }
    }
    Ok(OfficeCalendar::new(schedule))
}

/// Where a year's days off come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CalendarSource {
    /// A supervisor imported the year's official schedule.
    Imported { at: String, by: String },
    /// The schedule shipped with Hotich.
    Shipped,
    /// No schedule: the Labour Code's holidays with their default days.
    LabourCode,
}

/// One day that is not an ordinary Monday-Friday working day or weekend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CalendarDay {
    pub date: NaiveDate,
    /// Whether the office works that day.
    pub working: bool,
    /// The holiday where the Labour Code decides; the label tables word it.
    pub holiday: Option<Holiday>,
    /// A day made up for a holiday on a weekend (nghỉ bù).
    pub made_up: bool,
    /// The schedule's note, for an imported or shipped year.
    pub note: String,
}

/// A year of the office calendar, as Quản trị and `hotich calendar show` list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CalendarYear {
    pub year: i32,
    pub source: CalendarSource,
    pub days: Vec<CalendarDay>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ScheduleImported {
    pub years: Vec<i32>,
    /// Cases whose deadline moved with the new calendar.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub deadlines_moved: u64,
}

fn refusal(problem: ScheduleProblem) -> FileRefusal {
    match problem {
        ScheduleProblem::MissingColumns => FileRefusal::ScheduleMissingColumns,
        ScheduleProblem::BadDate => FileRefusal::ScheduleBadDate,
        ScheduleProblem::BadKind => FileRefusal::ScheduleBadKind,
        ScheduleProblem::WorkOnWeekday => FileRefusal::ScheduleWorkOnWeekday,
        ScheduleProblem::RepeatedDay => FileRefusal::ScheduleRepeatedDay,
        ScheduleProblem::TooFewDaysOff { .. } => FileRefusal::ScheduleTooFewDaysOff,
        ScheduleProblem::Empty => FileRefusal::ScheduleEmpty,
    }
}

impl Store {
    /// The office hours working time is counted in: the supervisor's
    /// setting, else 7:30-11:30 and 13:30-17:00.
    pub fn office_hours(&self) -> Result<OfficeHours> {
        Ok(self
            .setting(SETTING_OFFICE_HOURS)?
            .and_then(|text| OfficeHours::parse(&text).ok())
            .unwrap_or_default())
    }

    /// A supervisor sets the office hours (`07:30-11:30,13:30-17:00`);
    /// audited, the hours as its content.
    pub fn set_office_hours(
        &mut self,
        actor: &Officer,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<OfficeHours> {
        actor.require_supervisor(ForbiddenAction::ManageCalendar)?;
        let hours = OfficeHours::parse(text).map_err(|error| {
            crate::error::invalid_with(
                InputField::WorkingHours,
                InputReason::OfficeHoursMalformed,
                [("problem", error.code().to_owned())],
            )
        })?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![SETTING_OFFICE_HOURS, hours.to_text()],
        )?;
        audit::append_with_content(
            &tx,
            &self.key,
            AuditAction::OfficeHoursSet,
            SETTING_OFFICE_HOURS,
            &actor.id,
            &hours.to_text(),
            now,
        )?;
        tx.commit()?;
        Ok(hours)
    }

    /// The office calendar deadlines and working days are counted with.
    pub fn calendar(&self) -> &OfficeCalendar {
        &self.calendar
    }

    /// A year of the calendar: its days off and worked weekend days, and
    /// where they come from.
    pub fn calendar_year(&self, year: i32) -> Result<CalendarYear> {
        let imported: Option<(String, String)> =
            rusqlite::OptionalExtension::optional(self.conn.query_row(
                "SELECT h.imported_at, coalesce(o.full_name, h.imported_by)
                 FROM holiday_schedule h LEFT JOIN officer o ON o.id = h.imported_by
                 WHERE h.year = ?1",
                [year],
                |row| Ok((row.get(0)?, row.get(1)?)),
            ))?;
        let source = match imported {
            Some((at, by)) => CalendarSource::Imported { at, by },
            None if self.calendar.schedule().year(year).is_some() => CalendarSource::Shipped,
            None => CalendarSource::LabourCode,
        };
        let days = self
            .calendar
            .exceptions_of(year)
            .into_iter()
            .map(|(date, kind)| {
                let working = self.calendar.is_working_day(date);
                let (holiday, made_up, note) = match kind {
                    DayKind::LabourCode(ComputedDayOff::Holiday(h)) => {
                        (Some(h), false, String::new())
                    }
                    DayKind::LabourCode(ComputedDayOff::MadeUp(h)) => {
                        (Some(h), true, String::new())
                    }
                    DayKind::ScheduledOff(note) | DayKind::ScheduledWork(note) => {
                        (None, false, note)
                    }
                };
                CalendarDay {
                    date,
                    working,
                    holiday,
                    made_up,
                    note,
                }
            })
            .collect();
        Ok(CalendarYear { year, source, days })
    }

    /// A supervisor imports the official schedule of one or more years
    /// (`file_name` names it in a refusal). The file is checked whole first
    /// (a malformed line refuses it, naming the line); then, in one
    /// transaction, its years replace the ones held, every case's deadline
    /// moves to the new calendar and the import is audited (entity: the
    /// years; content: the file's SHA-256).
    pub fn import_holiday_schedule(
        &mut self,
        actor: &Officer,
        file_name: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<ScheduleImported> {
        actor.require_supervisor(ForbiddenAction::ManageCalendar)?;
        let imported = Schedule::parse(text).map_err(|error| {
            let mut params = BTreeMap::new();
            if let Some(line) = error.line {
                params.insert("line".to_owned(), line.to_string());
            }
            if let Some(year) = error.year {
                params.insert("year".to_owned(), year.to_string());
            }
            if let ScheduleProblem::TooFewDaysOff { weekdays_off } = error.problem {
                params.insert("weekdays_off".to_owned(), weekdays_off.to_string());
            }
            CoreError::InvalidFile {
                path: file_name.to_owned(),
                reason: refusal(error.problem),
                params,
            }
        })?;
        let years: Vec<i32> = imported.years().collect();
        let calendar = OfficeCalendar::new(
            self.calendar
                .schedule()
                .clone()
                .updated_with(imported.clone()),
        );
        let tx = self.conn.transaction()?;
        for year in &years {
            let lines = imported.only(*year).to_text();
            tx.execute(
                "INSERT INTO holiday_schedule (year, lines, imported_at, imported_by)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (year) DO UPDATE SET lines = excluded.lines,
                     imported_at = excluded.imported_at, imported_by = excluded.imported_by",
                params![year, lines, now.to_rfc3339(), actor.id],
            )?;
        }
        let deadlines_moved = crate::case_file::move_deadlines(&tx, &calendar)?;
        let entity = years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let content = hotich_common::hex::hex(&Sha256::digest(text.as_bytes()));
        audit::append_with_content(
            &tx,
            &self.key,
            AuditAction::HolidayScheduleImport,
            &entity,
            &actor.id,
            &content,
            now,
        )?;
        tx.commit()?;
        self.calendar = calendar;
        Ok(ScheduleImported {
            years,
            deadlines_moved,
        })
    }
}
