//! Supervisor review: the dashboard (a registrar sees their own figures),
//! the period's statistics, and their export to CSV, XLSX or a PDF report.

use std::path::Path;

use chrono::NaiveDate;
use hotich_core::{DashboardFigures, PeriodReport};
use hotich_extract::PeriodExport;
use tauri::State;

use super::today;
use crate::error::CommandResult;
use crate::session::Shell;

#[tauri::command]
pub async fn dashboard(shell: State<'_, Shell>) -> CommandResult<DashboardFigures> {
    let (actor, store) = shell.acting()?;
    Ok(store.dashboard(&actor, today())?)
}

#[tauri::command]
pub async fn period_report(
    shell: State<'_, Shell>,
    from: NaiveDate,
    to: NaiveDate,
) -> CommandResult<PeriodReport> {
    let (actor, store) = shell.acting()?;
    Ok(store.period_report(&actor, from, to)?)
}

/// The period to `path`: figures and case list (.csv, .xlsx) or the
/// printable report (.pdf), by the extension (`hotich_extract::export_period`).
#[tauri::command]
pub async fn export_period(
    shell: State<'_, Shell>,
    from: NaiveDate,
    to: NaiveDate,
    path: String,
) -> CommandResult<PeriodExport> {
    let (actor, store) = shell.acting()?;
    let path = Path::new(&path);
    Ok(hotich_extract::export_period(
        &store,
        &actor,
        from,
        to,
        today(),
        path,
    )?)
}
