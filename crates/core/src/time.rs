//! The office's clock: Vietnam, UTC+7, whatever the PC's time zone. Every
//! "today" and office day in core comes from here (the shared
//! `hotich_common::time`, re-exported so callers have one path).
//! Writes and reads no table.

pub use hotich_common::time::{
    office_day, office_day_of, office_offset, office_today, start_of_office_day,
    start_of_office_day_rfc3339, OFFICE_UTC_OFFSET_SECONDS,
};
