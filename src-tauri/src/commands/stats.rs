//! Supervisor review: the dashboard (a registrar sees their own figures),
//! the period's statistics, and their export to CSV, XLSX or a PDF report.

use std::path::Path;
use std::sync::Mutex;

use chrono::NaiveDate;
use hotich_core::{DashboardFigures, ExportSummary, PeriodReport, Store};
use tauri::State;

use super::{lock, today};
use crate::error::CommandResult;
use crate::session::ShellSession;

#[tauri::command]
pub async fn dashboard(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
) -> CommandResult<DashboardFigures> {
    let actor = session.acting()?;
    Ok(lock(&store)?.dashboard(&actor, today())?)
}

#[tauri::command]
pub async fn period_report(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    from: NaiveDate,
    to: NaiveDate,
) -> CommandResult<PeriodReport> {
    let actor = session.acting()?;
    Ok(lock(&store)?.period_report(&actor, from, to)?)
}

/// The period's figures and case list to `path` (.csv or .xlsx).
#[tauri::command]
pub async fn export_period(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    from: NaiveDate,
    to: NaiveDate,
    path: String,
) -> CommandResult<ExportSummary> {
    let actor = session.acting()?;
    Ok(lock(&store)?.export_period(&actor, from, to, Path::new(&path))?)
}

/// The period's report as a PDF at `path`; its number of pages.
#[tauri::command]
pub async fn save_report_pdf(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    from: NaiveDate,
    to: NaiveDate,
    path: String,
) -> CommandResult<usize> {
    let actor = session.acting()?;
    Ok(hotich_extract::report::save(
        &*lock(&store)?,
        &actor,
        from,
        to,
        today(),
        Path::new(&path),
    )?)
}
