//! The demo ("Dùng thử với dữ liệu mẫu"): its own database file, marked as
//! the demo and pinned to the publicly known demo root by
//! `Store::set_up_demo`, then given the notifications a simulated set of
//! health facilities would have sent its commune, so the queue is never
//! empty on a first look. Kept here because it needs both `hotich-core` and
//! `hotich-sim`; a real office never runs it.

use chrono::{Days, NaiveDate, Utc};
use hotich_core::{ImportSummary, Store};
use hotich_sim::{simulate, SimConfig};

use crate::error::{CommandError, CommandResult};

/// Xã Bằng Thành, Tỉnh Thái Nguyên.
pub const DEMO_COMMUNE: &str = "01864";
pub const DEMO_BIRTHS: usize = 150;
pub const DEMO_DEATHS: usize = 60;
/// The local demo registry `scripts/demo.sh` starts: the demo syncs with it
/// (its token in `$HOTICH_TOKEN`). Read only for the demo, never an office.
pub const DEMO_REGISTRY_ENV: &str = "HOTICH_DEMO_REGISTRY";

/// True when the database has no office and no notification yet.
pub fn is_fresh(store: &Store) -> CommandResult<bool> {
    Ok(store.is_empty()? && store.office()?.is_none())
}

/// Makes `store` the demo (refused for an office) and, while it holds no
/// notification, imports the simulated trust list and notifications. Run at
/// every start of the demo: an interrupted seeding is finished (the import
/// is idempotent).
pub fn open(store: &mut Store, today: NaiveDate) -> CommandResult<Option<ImportSummary>> {
    store.set_up_demo(DEMO_COMMUNE)?;
    if let Some(registry) = std::env::var(DEMO_REGISTRY_ENV)
        .ok()
        .filter(|url| !url.trim().is_empty())
    {
        store.set_sync_server(&registry)?;
    }
    if !store.is_empty()? {
        return Ok(None);
    }
    seed(store, today).map(Some)
}

/// Imports the simulated trust list and notifications into the demo store.
fn seed(store: &mut Store, today: NaiveDate) -> CommandResult<ImportSummary> {
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
    store.import_trust_list(&json(&sim.trust_list)?, now)?;
    Ok(store.import_bytes(&json(&sim.notifications)?, "demo", now, &mut |_| {})?)
}

/// Serialises what the simulator produced to the bytes a file would hold.
fn json<T: serde::Serialize + ?Sized>(value: &T) -> CommandResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(CommandError::internal)
}
