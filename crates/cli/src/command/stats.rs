//! `hotich stats` (a period's timeliness and completeness) and `hotich
//! dashboard` (today's figures).

use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use hotich_core::labels::{self, Lang};
use hotich_core::{DashboardFigures, PeriodStats, ProvincePilot, ReportLine};
use hotich_protocol::EventKind;
use hotich_sync::reports::ReportSource;

use crate::args::day;
use crate::context::Ctx;

/// Timeliness and completeness of registration over a period, births and
/// deaths side by side (the whole commune)
#[derive(Args, Debug)]
pub struct Stats {
    /// First day of the period (yyyy-mm-dd)
    #[arg(long, value_name = "DATE")]
    from: NaiveDate,
    /// Last day of the period, included (yyyy-mm-dd)
    #[arg(long, value_name = "DATE")]
    to: NaiveDate,
    #[arg(long)]
    json: bool,
    /// The province's pilot figures instead, as the registry counts them
    /// (supervisors, --user; token from $HOTICH_TOKEN or the OS keyring)
    #[arg(long)]
    province: bool,
    /// The registry's URL [default: the one stored by `sync login`]
    #[arg(long, value_name = "URL", requires = "province")]
    server: Option<String>,
    /// Write the province's figures to FILE.csv, FILE.xlsx or FILE.pdf
    #[arg(long, value_name = "FILE", requires = "province")]
    export: Option<std::path::PathBuf>,
}

impl Stats {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        if self.province {
            let actor = ctx.acting()?;
            let server = self
                .server
                .as_deref()
                .map(hotich_sync::parse_server)
                .transpose()?;
            let source = ReportSource::of_store(&ctx.store, &actor, server)?;
            let pilot = source.province_pilot_blocking(self.from, self.to)?;
            if let Some(path) = &self.export {
                hotich_extract::export_province_pilot(
                    &ctx.store,
                    &actor,
                    &pilot.report,
                    ctx.today,
                    path,
                    chrono::Utc::now(),
                )?;
                eprintln!("Đã ghi {}.", path.display());
            }
            return ctx.out.emit(self.json, &pilot, print_province);
        }
        let stats = ctx.store.period_stats(self.from, self.to)?;
        ctx.out.emit(self.json, &stats, print_stats)
    }
}

fn print_province(out: &mut dyn Write, pilot: &ProvincePilot) -> Result<()> {
    let report = &pilot.report;
    writeln!(
        out,
        "{}: thí điểm liên thông từ {} đến {} ({}/{} xã đã đồng bộ)",
        report.province_name,
        day(report.figures.from),
        day(report.figures.to),
        report.communes_syncing,
        report.communes
    )?;
    print_lines(out, &pilot.lines)
}

fn print_lines(out: &mut dyn Write, lines: &[ReportLine]) -> Result<()> {
    writeln!(
        out,
        "{:<58} {:>10} {:>10}",
        "",
        labels::event_kind(Lang::Vi, EventKind::Birth),
        labels::event_kind(Lang::Vi, EventKind::Death)
    )?;
    for line in lines {
        writeln!(
            out,
            "{:<58} {:>10} {:>10}",
            line.label, line.birth, line.death
        )?;
    }
    Ok(())
}

/// Today's figures: supervisors see the commune, a registrar their own cases (--user)
#[derive(Args, Debug)]
pub struct Dashboard {
    #[arg(long)]
    json: bool,
}

impl Dashboard {
    pub fn run(self, ctx: &mut Ctx) -> Result<()> {
        let actor = ctx.acting()?;
        let dashboard = ctx.store.dashboard(&actor, ctx.today)?;
        ctx.out.emit(self.json, &dashboard, print_dashboard)
    }
}

fn print_stats(out: &mut dyn Write, stats: &PeriodStats) -> Result<()> {
    writeln!(out, "Thống kê từ {} đến {}", day(stats.from), day(stats.to))?;
    print_lines(out, &stats.report_lines())?;
    writeln!(out, "\nTheo tháng: nhận / đăng ký / đúng hạn")?;
    for month in &stats.monthly {
        writeln!(
            out,
            "{}  {:<5}  {:>6} {:>6} {:>6}",
            month.month,
            month.kind.as_str(),
            month.received,
            month.registered,
            month.registered_on_time
        )?;
    }
    Ok(())
}

fn print_dashboard(out: &mut dyn Write, dashboard: &DashboardFigures) -> Result<()> {
    writeln!(
        out,
        "Ngày {}{}",
        day(dashboard.today),
        if dashboard.officer_id.is_some() {
            " - hồ sơ của tôi"
        } else {
            " - toàn xã"
        }
    )?;
    for (label, count) in [
        ("Hồ sơ đang mở", dashboard.open.count),
        ("Quá hạn", dashboard.overdue.count),
        (
            "Chưa liên hệ sau 2 ngày làm việc",
            dashboard.no_contact_yet.count,
        ),
        ("Đến hạn liên hệ lại", dashboard.follow_up_due.count),
        ("Cần xem lại", dashboard.needs_review.count),
        ("Hồ sơ gửi lên bị từ chối", dashboard.sync_failed.count),
        ("Mục đồng bộ bị từ chối", dashboard.dead_sync_items),
    ] {
        writeln!(out, "{label:<36} {count:>7}")?;
    }
    for line in dashboard
        .open_by_status_and_type
        .iter()
        .filter(|l| l.count > 0)
    {
        writeln!(
            out,
            "  {:<5} {:<20} {:>7}",
            line.kind.as_str(),
            line.status.label_vi(),
            line.count
        )?;
    }
    writeln!(
        out,
        "\n{:<28} {:>6} {:>8} {:>14} {:>14}",
        "Cán bộ", "Đang mở", "Quá hạn", "Liên hệ tuần", "Đăng ký tháng"
    )?;
    for line in &dashboard.workload {
        writeln!(
            out,
            "{:<28} {:>6} {:>8} {:>14} {:>14}",
            line.full_name,
            line.open.count,
            line.overdue.count,
            line.attempts_this_week,
            line.registrations_this_month
        )?;
    }
    Ok(())
}
