//! The health side's timeliness (issue 18, item 3): for each notification a
//! facility issued in the period (its first version, by the signed issue
//! time), the working time from its issue to its arrival at the registry
//! (`notification_arrival`, from the pulled stream; a file imported at the
//! desk arrives when the workstation received it), counted with the office
//! calendar and the office hours (`calendar.rs`). A notification is on time
//! within 4 working hours (Decree 63/2024/NĐ-CP, Art. 25). Writes no table;
//! reads `notification` and `notification_arrival`.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use hotich_calendar::{OfficeCalendar, OfficeHours};
use hotich_protocol::EventKind;
use serde::{Deserialize, Serialize};

use super::rank::nearest_rank;
use super::{KindStats, PeriodStats};
use crate::error::Result;

/// "Within 4 working hours of issuing the paper" (Decree 63/2024/NĐ-CP,
/// Art. 25), the protocol's rule, shared with the registry.
pub use hotich_protocol::legal::HEALTH_SHARING_WORKING_HOURS;

/// One facility's notifications of the period and how many arrived in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FacilityTimeliness {
    pub facility_id: String,
    pub facility_name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub births_issued: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub births_in_time: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub deaths_issued: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub deaths_in_time: u64,
}

impl FacilityTimeliness {
    /// Some notification arrived after 4 working hours.
    pub fn is_late(&self) -> bool {
        self.births_in_time < self.births_issued || self.deaths_in_time < self.deaths_issued
    }

    fn in_time_share(&self) -> f64 {
        let issued = self.births_issued + self.deaths_issued;
        (self.births_in_time + self.deaths_in_time) as f64 / issued.max(1) as f64
    }
}

fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Fills the period's timeliness figures: each kind's counts and median,
/// and every facility of the period, the late ones first.
pub(super) fn fill(
    conn: &rusqlite::Connection,
    calendar: &OfficeCalendar,
    hours: &OfficeHours,
    since: &str,
    until: &str,
    stats: &mut PeriodStats,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT n.kind, n.facility_id, n.facility_name, n.issued_at,
                coalesce(a.registry_received_at, n.received_at)
         FROM notification n INDEXED BY notification_issued
         LEFT JOIN notification_arrival a ON a.notification_id = n.notification_id
         WHERE n.version = 1 AND n.action = 'issue' AND n.issued_at >= ?1 AND n.issued_at < ?2",
    )?;
    let rows = stmt.query_map([since, until], |row| {
        Ok((
            row.get::<_, EventKind>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    let limit = TimeDelta::hours(HEALTH_SHARING_WORKING_HOURS);
    let mut minutes: BTreeMap<&'static str, BTreeMap<u32, u64>> = BTreeMap::new();
    let mut facilities: BTreeMap<String, FacilityTimeliness> = BTreeMap::new();
    for row in rows {
        let (kind, facility_id, facility_name, issued_at, arrived_at) = row?;
        let (Some(issued), Some(arrived)) = (instant(&issued_at), instant(&arrived_at)) else {
            continue;
        };
        let worked = calendar.working_time(hours, issued, arrived);
        let in_time = worked <= limit;
        let figures: &mut KindStats = stats.of_mut(kind);
        figures.issued_by_health += 1;
        figures.sent_in_time += u64::from(in_time);
        let worked_minutes = u32::try_from(worked.num_minutes()).unwrap_or(u32::MAX);
        *minutes
            .entry(kind.as_str())
            .or_default()
            .entry(worked_minutes)
            .or_default() += 1;
        let facility =
            facilities
                .entry(facility_id.clone())
                .or_insert_with(|| FacilityTimeliness {
                    facility_id,
                    facility_name,
                    births_issued: 0,
                    births_in_time: 0,
                    deaths_issued: 0,
                    deaths_in_time: 0,
                });
        let (issued_count, in_time_count) = match kind {
            EventKind::Birth => (&mut facility.births_issued, &mut facility.births_in_time),
            EventKind::Death => (&mut facility.deaths_issued, &mut facility.deaths_in_time),
        };
        *issued_count += 1;
        *in_time_count += u64::from(in_time);
    }
    for kind in [EventKind::Birth, EventKind::Death] {
        let counted = minutes.remove(kind.as_str()).unwrap_or_default();
        stats.of_mut(kind).working_minutes_to_arrival_median = nearest_rank(&counted, 50);
    }
    let mut facilities: Vec<FacilityTimeliness> = facilities.into_values().collect();
    // The late first, the latest of them first; then by code.
    facilities.sort_by(|a, b| {
        b.is_late()
            .cmp(&a.is_late())
            .then(a.in_time_share().total_cmp(&b.in_time_share()))
            .then(a.facility_id.cmp(&b.facility_id))
    });
    stats.facilities = facilities;
    Ok(())
}
