//! Quản trị → Lịch nghỉ lễ: a year of the office calendar deadlines are
//! counted with, and a supervisor's import of the year's official schedule
//! (`hotich_core::calendar`, which checks the supervisor and audits).

use chrono::Utc;
use hotich_core::calendar::{CalendarYear, ScheduleImported};
use hotich_core::CoreError;

guarded_commands! {
    signed_in fn calendar_year(year: i32) -> CalendarYear = |store| store.calendar_year(year);

    /// The office hours working time is counted in, as `07:30-11:30,13:30-17:00`.
    signed_in fn office_hours() -> String = |store| store.office_hours().map(|hours| hours.to_text());
    acting fn set_office_hours(hours: String) -> String =
        |(actor, mut store)| store
            .set_office_hours(&actor, &hours, Utc::now())
            .map(|hours| hours.to_text());

    /// Every case's deadline follows the new calendar.
    acting fn import_holiday_schedule(path: String) -> ScheduleImported =
        |(actor, mut store)| {
            let name = std::path::Path::new(&path)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            std::fs::read_to_string(&path)
                .map_err(CoreError::from)
                .and_then(|text| store.import_holiday_schedule(&actor, &name, &text, Utc::now()))
        };
}
