//! Supervisor review: the dashboard (a registrar sees their own figures),
//! the period's statistics, and their export to CSV, XLSX or a PDF report.

use std::path::Path;

use chrono::{NaiveDate, Utc};
use hotich_core::{DashboardFigures, PeriodReport};
use hotich_extract::PeriodExport;
use hotich_protocol::pilot::ProvincePilotReport;

use super::today;

guarded_commands! {
    acting fn dashboard() -> DashboardFigures = |(actor, store)| store.dashboard(&actor, today());
    acting fn period_report(from: NaiveDate, to: NaiveDate) -> PeriodReport =
        |(actor, store)| store.period_report(&actor, from, to);

    /// The period to `path`: figures and case list (.csv, .xlsx) or the
    /// printable report (.pdf), by the extension (`hotich_extract::export_period`).
    acting fn export_period(from: NaiveDate, to: NaiveDate, path: String) -> PeriodExport =
        |(actor, store)| {
            let path = Path::new(&path);
            hotich_extract::export_period(&store, &actor, from, to, today(), path, Utc::now())
        };

    /// The province's pilot figures the window shows (`province_pilot_report`)
    /// to `path` as CSV, XLSX or PDF; the lines are worked out again from
    /// the figures (`hotich_extract::export_province_pilot`).
    acting fn export_province_pilot(report: ProvincePilotReport, path: String) -> PeriodExport =
        |(actor, store)| {
            let path = Path::new(&path);
            hotich_extract::export_province_pilot(&store, &actor, &report, today(), path, Utc::now())
        };
}
