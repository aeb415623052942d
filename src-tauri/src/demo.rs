//! First start: a fresh database gets a demo commune and the notifications a
//! simulated set of health facilities would have sent it, so the queue is
//! never empty on a first look. Real offices replace this with sync.

use chrono::{Days, NaiveDate, Utc};
use hotich_core::{ImportSummary, Store};
use hotich_sim::{simulate, SimConfig};

use crate::error::{CommandError, CommandResult};

/// Xã Bằng Thành, Tỉnh Thái Nguyên.
pub const DEMO_COMMUNE: &str = "01864";
pub const DEMO_BIRTHS: usize = 150;
pub const DEMO_DEATHS: usize = 60;

/// True when the database has no office and no notification yet.
pub fn is_fresh(store: &Store) -> CommandResult<bool> {
    Ok(store.is_empty()? && store.office()?.is_none())
}

/// Sets the demo commune and imports its simulated trust list and notifications.
pub fn seed(store: &mut Store, today: NaiveDate) -> CommandResult<ImportSummary> {
    // Simulated up to yesterday: nothing is then signed later than now,
    // whatever the hour of the day.
    let until = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let sim = simulate(&SimConfig::new(
        DEMO_COMMUNE,
        DEMO_BIRTHS,
        DEMO_DEATHS,
        until,
    ))
    .map_err(|e| CommandError::new(hotich_core::ErrorCode::Demo, [("detail", e.to_string())]))?;
    let now = Utc::now();
    store.pin_demo_root_key()?;
    store.import_trust_list(&json(&sim.trust_list)?, now)?;
    let summary = store.import_bytes(&json(&sim.notifications)?, "demo", now, &mut |_| {})?;
    // Last: until the commune is set the database counts as fresh, so a start
    // interrupted while seeding seeds again (the import is idempotent).
    store.set_commune(DEMO_COMMUNE)?;
    Ok(summary)
}

/// Serialises what the simulator produced to the bytes a file would hold.
fn json<T: serde::Serialize + ?Sized>(value: &T) -> CommandResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(CommandError::internal)
}
