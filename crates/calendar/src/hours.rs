//! Office hours, and the working time between two instants: how the health
//! side's "within 4 working hours" (Decree 63/2024/NĐ-CP, Art. 25) is counted.

use chrono::{NaiveTime, TimeDelta};

/// The periods of a working day, in office time (UTC+7), in order and apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours {
    periods: Vec<(NaiveTime, NaiveTime)>,
}

/// Why an office-hours setting was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OfficeHoursError {
    /// A period is not `HH:MM-HH:MM`.
    #[error("a period is not HH:MM-HH:MM")]
    BadPeriod,
    /// A period ends before it starts, or overlaps the one before.
    #[error("periods must run forward and apart")]
    OutOfOrder,
    #[error("no period")]
    Empty,
}

impl OfficeHoursError {
    pub fn code(self) -> &'static str {
        match self {
            OfficeHoursError::BadPeriod => "bad_period",
            OfficeHoursError::OutOfOrder => "out_of_order",
            OfficeHoursError::Empty => "empty",
        }
    }
}

fn hm(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).expect("a time of day")
}

impl Default for OfficeHours {
    /// 7:30-11:30 and 13:30-17:00, the common hours of commune offices.
    fn default() -> Self {
        OfficeHours {
            periods: vec![(hm(7, 30), hm(11, 30)), (hm(13, 30), hm(17, 0))],
        }
    }
}

impl OfficeHours {
    /// Reads `07:30-11:30,13:30-17:00`.
    pub fn parse(text: &str) -> Result<OfficeHours, OfficeHoursError> {
        let mut periods = Vec::new();
        for period in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (start, end) = period.split_once('-').ok_or(OfficeHoursError::BadPeriod)?;
            let time = |t: &str| {
                NaiveTime::parse_from_str(t.trim(), "%H:%M")
                    .map_err(|_| OfficeHoursError::BadPeriod)
            };
            periods.push((time(start)?, time(end)?));
        }
        if periods.is_empty() {
            return Err(OfficeHoursError::Empty);
        }
        let forward = periods.iter().all(|(start, end)| start < end);
        let apart = periods.windows(2).all(|pair| pair[0].1 <= pair[1].0);
        if !(forward && apart) {
            return Err(OfficeHoursError::OutOfOrder);
        }
        Ok(OfficeHours { periods })
    }

    pub fn periods(&self) -> &[(NaiveTime, NaiveTime)] {
        &self.periods
    }

    /// The setting as [`OfficeHours::parse`] reads it.
    pub fn to_text(&self) -> String {
        self.periods
            .iter()
            .map(|(start, end)| format!("{}-{}", start.format("%H:%M"), end.format("%H:%M")))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The length of a whole working day.
    pub fn day_length(&self) -> TimeDelta {
        self.periods.iter().map(|(start, end)| *end - *start).sum()
    }
}
