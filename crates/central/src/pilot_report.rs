//! The pilot's report of a province (issue 18, item 4): the figures of
//! `hotich_protocol::pilot` over every commune of the province, from the
//! facts the storage keeps as it relays notifications and takes pushed rows
//! (`schema/008_pilot.sql`), with how current the communes' data is. The
//! endpoint (`GET /v1/reports/pilot`), the command line (`hotich-central
//! report pilot`) and the benchmark call [`province_report`].

use chrono::{DateTime, NaiveDate, Utc};
use hotich_protocol::pilot::{PilotFigures, ProvincePilotReport};
use hotich_protocol::reference;

use crate::storage::{Storage, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("unknown province code {0:?}")]
    UnknownProvince(String),
    #[error("the period starts ({from}) after it ends ({to})")]
    StartAfterEnd { from: NaiveDate, to: NaiveDate },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The province `province_code`'s figures for the events of [from, to].
pub fn province_report(
    storage: &dyn Storage,
    province_code: &str,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<ProvincePilotReport, ReportError> {
    let province = reference::province(province_code)
        .ok_or_else(|| ReportError::UnknownProvince(province_code.to_owned()))?;
    if from > to {
        return Err(ReportError::StartAfterEnd { from, to });
    }
    let communes: Vec<&str> = reference::communes_in(province.code)
        .map(|c| c.code)
        .collect();
    let cases = storage.pilot_cases(&communes, from, to)?;
    // Each syncing commune's latest sync, then the least recent of those.
    let mut last_sync: std::collections::BTreeMap<String, DateTime<Utc>> = Default::default();
    for workstation in storage.workstations()? {
        let Some(used) = workstation.last_used_at.as_deref() else {
            continue;
        };
        if !communes.contains(&workstation.commune.as_str()) {
            continue;
        }
        let Ok(used) = DateTime::parse_from_rfc3339(used) else {
            continue;
        };
        let latest = last_sync
            .entry(workstation.commune)
            .or_insert(used.to_utc());
        *latest = (*latest).max(used.to_utc());
    }
    Ok(ProvincePilotReport {
        province_code: province.code.to_owned(),
        province_name: province.full_name.to_owned(),
        communes: u32::try_from(communes.len()).unwrap_or(u32::MAX),
        communes_syncing: u32::try_from(last_sync.len()).unwrap_or(u32::MAX),
        oldest_sync: last_sync.values().min().copied(),
        made_at: now,
        figures: PilotFigures::compute(from, to, &cases),
    })
}
