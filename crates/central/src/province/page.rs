//! The supervision page's HTML: the templates in `templates/` (minijinja,
//! every value escaped), filled with the figures written out for the
//! reader's language (Vietnamese dates and decimal commas, or English).

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};
use minijinja::{context, Environment};
use serde::Serialize;

use super::figures::{share, CommuneFigures, OverdueCase, ProvinceTable, SortBy};
use super::labels::{labels, Lang};
use super::CommuneOverdue;
use crate::storage::ProvinceOfficer;

fn environment() -> &'static Environment<'static> {
    static ENVIRONMENT: OnceLock<Environment<'static>> = OnceLock::new();
    ENVIRONMENT.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in [
            ("base.html", include_str!("templates/base.html")),
            ("login.html", include_str!("templates/login.html")),
            ("table.html", include_str!("templates/table.html")),
            ("commune.html", include_str!("templates/commune.html")),
        ] {
            // The templates are part of the program, checked by its tests.
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, template = name, "a page template does not parse");
            }
        }
        env
    })
}

fn render(name: &str, context: minijinja::Value) -> Result<String, minijinja::Error> {
    environment().get_template(name)?.render(context)
}

/// A date as the reader writes it.
pub fn day(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Vi => day.format("%d/%m/%Y").to_string(),
        Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

/// An instant in office time (Vietnam), to the minute.
pub fn instant(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&hotich_common::time::office_offset());
    match lang {
        Lang::Vi => local.format("%d/%m/%Y %H:%M").to_string(),
        Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
    }
}

fn decimal(lang: Lang, value: f64) -> String {
    let text = format!("{value:.1}");
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

/// "85% (17/20)", or "-" when there is nothing to share.
pub fn part_of(part: u32, whole: u32) -> String {
    share(part, whole).map_or_else(
        || "-".to_owned(),
        |s| format!("{:.0}% ({part}/{whole})", s * 100.0),
    )
}

/// A commune's line (or the totals) written out.
#[derive(Debug, Serialize)]
pub struct Line {
    pub code: String,
    pub name: String,
    pub received: u32,
    pub open: u32,
    pub overdue: u32,
    pub no_contact: u32,
    pub on_time: String,
    pub mean_days: String,
    pub health_in_time: String,
    pub last_sync: String,
    pub stale: bool,
    /// Some workstation of the commune synced once.
    pub synced: bool,
    pub refused: u32,
}

pub fn line(lang: Lang, figures: &CommuneFigures) -> Line {
    let t = labels(lang);
    Line {
        code: figures.code.clone(),
        name: figures.name.clone(),
        received: figures.received,
        open: figures.open,
        overdue: figures.overdue,
        no_contact: figures.no_contact,
        on_time: part_of(figures.registered_on_time, figures.registered),
        mean_days: figures
            .mean_days_to_registration
            .map_or_else(|| "-".to_owned(), |d| decimal(lang, d)),
        health_in_time: part_of(figures.issued_in_time, figures.issued),
        last_sync: figures
            .last_sync
            .map_or_else(|| t.never.to_owned(), |at| instant(lang, at)),
        stale: figures.stale,
        synced: figures.last_sync.is_some(),
        refused: figures.refused,
    }
}

/// The column headers, in the table's order.
pub fn columns(lang: Lang) -> Vec<(SortBy, &'static str)> {
    let t = labels(lang);
    vec![
        (SortBy::Name, t.commune),
        (SortBy::Received, t.received),
        (SortBy::Open, t.open),
        (SortBy::Overdue, t.overdue),
        (SortBy::NoContact, t.no_contact),
        (SortBy::OnTime, t.on_time),
        (SortBy::MeanDays, t.mean_days),
        (SortBy::HealthInTime, t.health_in_time),
        (SortBy::LastSync, t.last_sync),
        (SortBy::Refused, t.refused),
    ]
}

#[derive(Debug, Serialize)]
struct Bar {
    x: u32,
    month: String,
    received: u32,
    registered: u32,
    received_count: u32,
    registered_count: u32,
}

#[derive(Debug, Serialize)]
struct Chart {
    width: u32,
    height: u32,
    bar: u32,
    bars: Vec<Bar>,
}

const CHART_HEIGHT: u32 = 160;
const BAR_WIDTH: u32 = 18;
const MONTH_WIDTH: u32 = 56;

fn chart(table: &ProvinceTable) -> Chart {
    let top = table
        .trend
        .iter()
        .map(|m| m.received.max(m.registered))
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |n: u32| (u64::from(n) * u64::from(CHART_HEIGHT) / u64::from(top)) as u32;
    let bars = table
        .trend
        .iter()
        .zip(0u32..)
        .map(|(m, i)| Bar {
            x: i * MONTH_WIDTH,
            month: m.month.clone(),
            received: scale(m.received),
            registered: scale(m.registered),
            received_count: m.received,
            registered_count: m.registered,
        })
        .collect::<Vec<_>>();
    Chart {
        width: MONTH_WIDTH * u32::try_from(bars.len()).unwrap_or(0),
        height: CHART_HEIGHT,
        bar: BAR_WIDTH,
        bars,
    }
}

pub fn login(lang: Lang, failed: bool) -> Result<String, minijinja::Error> {
    render(
        "login.html",
        context! { t => labels(lang), failed, officer => None::<String>, province => None::<String> },
    )
}

/// The province's table, sorted by `sort`.
pub fn table(
    lang: Lang,
    officer: &ProvinceOfficer,
    table: &ProvinceTable,
    (from, to): (NaiveDate, NaiveDate),
    sort: SortBy,
) -> Result<String, minijinja::Error> {
    let mut lines = table.communes.clone();
    super::figures::sort(&mut lines, sort);
    let columns: Vec<_> = columns(lang)
        .into_iter()
        .map(|(by, label)| context! { code => by.code(), label })
        .collect();
    render(
        "table.html",
        context! {
            t => labels(lang),
            officer => officer.label,
            province => super::province_name(&officer.province),
            from => from.to_string(),
            to => to.to_string(),
            sort => sort.code(),
            columns,
            lines => lines.iter().map(|l| line(lang, l)).collect::<Vec<_>>(),
            totals => line(lang, &table.totals),
            chart => chart(table),
        },
    )
}

#[derive(Debug, Serialize)]
struct CaseLine {
    name: String,
    kind: &'static str,
    event_date: String,
    deadline: String,
    days_overdue: i64,
    assignee: String,
    last_attempt: String,
}

fn case_line(lang: Lang, case: &OverdueCase) -> CaseLine {
    let t = labels(lang);
    CaseLine {
        name: case.name.clone(),
        kind: match case.kind {
            hotich_protocol::EventKind::Birth => t.birth,
            hotich_protocol::EventKind::Death => t.death,
        },
        event_date: day(lang, case.event_date),
        deadline: day(lang, case.deadline),
        days_overdue: case.days_overdue,
        assignee: case.assignee.clone().unwrap_or_else(|| t.nobody.to_owned()),
        last_attempt: case
            .last_attempt
            .map_or_else(|| t.none_yet.to_owned(), |d| day(lang, d)),
    }
}

pub fn commune(
    lang: Lang,
    officer: &ProvinceOfficer,
    overdue: &CommuneOverdue,
) -> Result<String, minijinja::Error> {
    let written = line(lang, &overdue.line);
    render(
        "commune.html",
        context! {
            t => labels(lang),
            officer => officer.label,
            province => super::province_name(&officer.province),
            commune => overdue.line.name,
            stale => overdue.line.stale,
            last_sync => written.last_sync,
            cases => overdue.cases.iter().map(|c| case_line(lang, c)).collect::<Vec<_>>(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_the_login_page_escapes_nothing_it_should_not() {
        for name in ["base.html", "login.html", "table.html", "commune.html"] {
            assert!(environment().get_template(name).is_ok(), "{name}");
        }
        let page = login(Lang::Vi, true).unwrap();
        assert!(
            page.contains("Tên đăng nhập hoặc mật khẩu không đúng."),
            "{page}"
        );
        assert!(page.contains("lang=\"vi\""));
        let english = login(Lang::En, false).unwrap();
        assert!(english.contains("Sign in") && !english.contains("Wrong login"));
    }

    #[test]
    fn a_share_and_a_decimal_are_written_as_the_reader_writes_them() {
        assert_eq!(part_of(17, 20), "85% (17/20)");
        assert_eq!(part_of(0, 0), "-");
        assert_eq!(decimal(Lang::Vi, 12.25), "12,2");
        assert_eq!(decimal(Lang::En, 12.5), "12.5");
    }
}
