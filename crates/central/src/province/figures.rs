//! A province's supervision figures from the rows the registry keeps
//! ([`SupervisionRows`]): one line per commune, the province's totals, the
//! monthly trend, a commune's overdue cases. Pure: the rows, the period,
//! today and the calendar in, figures out; the page, its export and the
//! tests call [`province_table`] and [`overdue_cases`].
//!
//! The rules, as the workstation's own dashboard applies them:
//! - open: a notification (not voided) no case of which is registered or
//!   closed without registration (registered in another commune, not
//!   registrable: the workstation's decision, pushed as a change of status);
//! - overdue: open past its legal deadline (`legal::registration_deadline`:
//!   Law on Civil Status 2014, Art. 15(1), 33(1));
//! - no contact: open, no attempt yet, and 2 working days passed since the
//!   notification's issue (`legal::FIRST_CONTACT_WORKING_DAYS`);
//! - on time: registered on or before the deadline the workstation pushed;
//! - the health side's timeliness: arrived within 4 working hours of its
//!   issue (`legal::HEALTH_SHARING_WORKING_HOURS`, Decree 63/2024/NĐ-CP,
//!   Art. 25), in office hours of working days.
//!
//! Open, overdue and no-contact depend on what the commune's workstation
//! pushed: a commune whose last sync is older than [`STALE_AFTER`] (or that
//! never synced) is marked stale, and its page says since when.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use hotich_calendar::{OfficeCalendar, OfficeHours};
use hotich_common::time::{office_day, office_day_of};
use hotich_protocol::legal::{
    registration_deadline, FIRST_CONTACT_WORKING_DAYS, HEALTH_SHARING_WORKING_HOURS,
};
use hotich_protocol::EventKind;
use serde::Serialize;

use crate::storage::{SupervisedCase, SupervisedNotice, SupervisionRows};

/// A commune whose workstations last synced longer ago than this shows its
/// figures as of that sync.
pub const STALE_AFTER: TimeDelta = TimeDelta::hours(24);
/// Months of the trend chart, the period's last one included.
pub const TREND_MONTHS: usize = 12;

/// One commune's line (or the province's totals).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CommuneFigures {
    pub code: String,
    pub name: String,
    /// Notifications received in the period.
    pub received: u32,
    /// Today: notified and not registered.
    pub open: u32,
    pub overdue: u32,
    pub no_contact: u32,
    /// Registered in the period, and of those on time.
    pub registered: u32,
    pub registered_on_time: u32,
    /// From the event to its registration, over the period's registrations.
    pub mean_days_to_registration: Option<f64>,
    /// Issued by health in the period, and of those received within 4
    /// working hours.
    pub issued: u32,
    pub issued_in_time: u32,
    /// The commune's latest workstation request (the totals: the least
    /// recent of the communes that synced).
    pub last_sync: Option<DateTime<Utc>>,
    /// No sync within [`STALE_AFTER`]: open, overdue and no-contact are as
    /// of `last_sync`.
    pub stale: bool,
    /// Records refused at the facility door in the period.
    pub refused: u32,
}

/// Received and registered in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub received: u32,
    pub registered: u32,
}

/// The province's page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvinceTable {
    pub communes: Vec<CommuneFigures>,
    pub totals: CommuneFigures,
    pub trend: Vec<MonthFigures>,
}

/// An overdue case of a commune, as its workstation pushed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueCase {
    pub name: String,
    pub kind: EventKind,
    pub event_date: NaiveDate,
    pub deadline: NaiveDate,
    pub days_overdue: i64,
    /// The officer the case is assigned to (their name, or their id from a
    /// workstation of an earlier version).
    pub assignee: Option<String>,
    pub last_attempt: Option<NaiveDate>,
}

/// What the rules need of the calendar.
#[derive(Debug, Default)]
pub struct Calendar {
    pub days: OfficeCalendar,
    pub hours: OfficeHours,
}

fn instant(text: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text?).ok().map(|t| t.to_utc())
}

fn date(text: Option<&str>) -> Option<NaiveDate> {
    text?.parse().ok()
}

/// A notification and the cases its commune holds for it, read (each
/// stored text parsed once: a province holds a hundred thousand a year).
struct Followed<'a> {
    notice: &'a SupervisedNotice,
    kind: EventKind,
    event_date: NaiveDate,
    received: Option<DateTime<Utc>>,
    issued: Option<DateTime<Utc>>,
    registered: bool,
    /// A case of it closed without registration, and not opened again.
    closed: bool,
    first_contact: Option<NaiveDate>,
    last_contact: Option<NaiveDate>,
    assignee: Option<&'a str>,
}

fn followed<'a>(
    notices: &'a [SupervisedNotice],
    cases: &'a [SupervisedCase],
) -> impl Iterator<Item = Followed<'a>> {
    let mut by_notification: HashMap<&str, Vec<&SupervisedCase>> = HashMap::new();
    for case in cases {
        if let Some(id) = case.notification_id.as_deref() {
            by_notification.entry(id).or_default().push(case);
        }
    }
    notices.iter().filter_map(move |notice| {
        let kind = notice.kind.as_deref()?.parse().ok()?;
        let event_date = date(notice.event_date.as_deref())?;
        let held = by_notification
            .get(notice.notification_id.as_str())
            .map_or(&[][..], Vec::as_slice);
        Some(Followed {
            notice,
            kind,
            event_date,
            received: instant(notice.received_at.as_deref()),
            issued: instant(notice.issued_at.as_deref()),
            registered: held.iter().any(|c| c.registered_on.is_some()),
            closed: held.iter().any(|c| c.closed_as.is_some()),
            first_contact: held
                .iter()
                .filter_map(|c| office_day_of(c.first_contact_at.as_deref()?))
                .min(),
            last_contact: held
                .iter()
                .filter_map(|c| office_day_of(c.last_contact_at.as_deref()?))
                .max(),
            assignee: held.iter().find_map(|c| c.assignee.as_deref()),
        })
    })
}

/// The day the 2 working days of first contact run from: the notification's
/// issue, or its arrival when the issue time is unknown.
fn first_day(issued: Option<NaiveDate>, received: Option<NaiveDate>) -> Option<NaiveDate> {
    match (issued, received) {
        (Some(issued), Some(received)) => Some(issued.min(received)),
        (issued, received) => issued.or(received),
    }
}

/// A month as the trend keys it.
fn month_key(day: NaiveDate) -> (i32, u32) {
    (day.year(), day.month())
}

/// Every commune of `communes` (code, name), in that order, with its
/// figures for the period [from, to] and today; the totals; the trend of
/// the [`TREND_MONTHS`] months up to `to`.
pub fn province_table(
    rows: &SupervisionRows,
    communes: &[(&str, &str)],
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> ProvinceTable {
    let today = office_day(now);
    let in_period = |day: Option<NaiveDate>| day.is_some_and(|d| (from..=to).contains(&d));
    let mut lines: BTreeMap<&str, CommuneFigures> = communes
        .iter()
        .map(|(code, name)| {
            let line = CommuneFigures {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                ..CommuneFigures::default()
            };
            (*code, line)
        })
        .collect();
    let mut days_to_registration: HashMap<String, Vec<i64>> = HashMap::new();
    let mut trend: BTreeMap<(i32, u32), MonthFigures> = (0..TREND_MONTHS)
        .rev()
        .filter_map(|back| to.checked_sub_months(chrono::Months::new(back as u32)))
        .map(|day| {
            let figures = MonthFigures {
                month: format!("{:04}-{:02}", day.year(), day.month()),
                received: 0,
                registered: 0,
            };
            (month_key(day), figures)
        })
        .collect();
    let health_limit = TimeDelta::hours(HEALTH_SHARING_WORKING_HOURS);

    for f in followed(&rows.notices, &rows.cases) {
        let Some(line) = lines.get_mut(f.notice.commune.as_str()) else {
            continue;
        };
        let received_day = f.received.map(office_day);
        let issued_day = f.issued.map(office_day);
        if in_period(received_day) {
            line.received += 1;
        }
        if let Some(m) = received_day.and_then(|day| trend.get_mut(&month_key(day))) {
            m.received += 1;
        }
        if let (Some(issued), Some(received)) = (f.issued, f.received) {
            if in_period(issued_day) {
                line.issued += 1;
                let in_time = calendar.days.within_working_time(
                    &calendar.hours,
                    issued,
                    received,
                    health_limit,
                );
                line.issued_in_time += u32::from(in_time);
            }
        }
        if f.registered || f.closed {
            continue;
        }
        line.open += 1;
        let deadline = registration_deadline(&calendar.days, f.kind, f.event_date);
        line.overdue += u32::from(deadline < today);
        let late_for_contact = first_day(issued_day, received_day).is_some_and(|day| {
            calendar
                .days
                .add_working_days(day, FIRST_CONTACT_WORKING_DAYS)
                < today
        });
        line.no_contact += u32::from(f.first_contact.is_none() && late_for_contact);
    }

    for case in &rows.cases {
        let (Some(line), Some(registered_on)) = (
            lines.get_mut(case.commune.as_str()),
            date(case.registered_on.as_deref()),
        ) else {
            continue;
        };
        if let Some(m) = trend.get_mut(&month_key(registered_on)) {
            m.registered += 1;
        }
        if !in_period(Some(registered_on)) {
            continue;
        }
        line.registered += 1;
        let on_time = date(case.deadline.as_deref()).is_some_and(|d| registered_on <= d);
        line.registered_on_time += u32::from(on_time);
        if let Some(event) = date(case.event_date.as_deref()) {
            days_to_registration
                .entry(case.commune.clone())
                .or_default()
                .push((registered_on - event).num_days());
        }
    }

    for (commune, used) in &rows.last_sync {
        if let Some(line) = lines.get_mut(commune.as_str()) {
            line.last_sync = instant(used.as_deref());
        }
    }
    for (commune, at) in &rows.refused {
        let day = office_day_of(at);
        if let (Some(line), true) = (lines.get_mut(commune.as_str()), in_period(day)) {
            line.refused += 1;
        }
    }

    let mean = |days: &[i64]| {
        (!days.is_empty()).then(|| days.iter().sum::<i64>() as f64 / days.len() as f64)
    };
    let mut all_days = Vec::new();
    let mut totals = CommuneFigures {
        code: String::new(),
        name: String::new(),
        ..CommuneFigures::default()
    };
    let communes: Vec<CommuneFigures> = communes
        .iter()
        .filter_map(|(code, _)| lines.remove(code))
        .map(|mut line| {
            let days = days_to_registration.remove(&line.code).unwrap_or_default();
            line.mean_days_to_registration = mean(&days);
            all_days.extend(days);
            line.stale = line.last_sync.is_none_or(|at| now - at > STALE_AFTER);
            totals.received += line.received;
            totals.open += line.open;
            totals.overdue += line.overdue;
            totals.no_contact += line.no_contact;
            totals.registered += line.registered;
            totals.registered_on_time += line.registered_on_time;
            totals.issued += line.issued;
            totals.issued_in_time += line.issued_in_time;
            totals.refused += line.refused;
            totals.last_sync = match (totals.last_sync, line.last_sync) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            totals.stale |= line.stale;
            line
        })
        .collect();
    totals.mean_days_to_registration = mean(&all_days);
    ProvinceTable {
        communes,
        totals,
        trend: trend.into_values().collect(),
    }
}

/// The open cases of `commune` past their deadline today, the most overdue
/// first.
pub fn overdue_cases(
    rows: &SupervisionRows,
    commune: &str,
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Vec<OverdueCase> {
    let today = office_day(now);
    let mut overdue: Vec<OverdueCase> = followed(&rows.notices, &rows.cases)
        .filter(|f| f.notice.commune == commune && !f.registered && !f.closed)
        .filter_map(|f| {
            let deadline = registration_deadline(&calendar.days, f.kind, f.event_date);
            (deadline < today).then(|| OverdueCase {
                name: f.notice.subject_name.clone().unwrap_or_default(),
                kind: f.kind,
                event_date: f.event_date,
                deadline,
                days_overdue: (today - deadline).num_days(),
                assignee: f.assignee.map(str::to_owned),
                last_attempt: f.last_contact,
            })
        })
        .collect();
    overdue.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then_with(|| a.name.cmp(&b.name))
    });
    overdue
}

/// A column the table is sorted by (`?sort=`), largest first but for the
/// commune's name and the last sync (oldest first: who to call).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Name,
    Received,
    Open,
    Overdue,
    NoContact,
    OnTime,
    MeanDays,
    HealthInTime,
    LastSync,
    Refused,
}

impl SortBy {
    pub const ALL: [SortBy; 10] = [
        SortBy::Name,
        SortBy::Received,
        SortBy::Open,
        SortBy::Overdue,
        SortBy::NoContact,
        SortBy::OnTime,
        SortBy::MeanDays,
        SortBy::HealthInTime,
        SortBy::LastSync,
        SortBy::Refused,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Received => "received",
            SortBy::Open => "open",
            SortBy::Overdue => "overdue",
            SortBy::NoContact => "no_contact",
            SortBy::OnTime => "on_time",
            SortBy::MeanDays => "mean_days",
            SortBy::HealthInTime => "health_in_time",
            SortBy::LastSync => "last_sync",
            SortBy::Refused => "refused",
        }
    }

    pub fn parse(code: &str) -> Option<SortBy> {
        SortBy::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A share in [0, 1]; None when there is nothing to share.
pub fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// Sorts the communes' lines by `by` (ties by code, so the order is stable).
pub fn sort(lines: &mut [CommuneFigures], by: SortBy) {
    let key = |line: &CommuneFigures| -> f64 {
        match by {
            SortBy::Name => 0.0,
            SortBy::Received => f64::from(line.received),
            SortBy::Open => f64::from(line.open),
            SortBy::Overdue => f64::from(line.overdue),
            SortBy::NoContact => f64::from(line.no_contact),
            SortBy::OnTime => share(line.registered_on_time, line.registered).unwrap_or(-1.0),
            SortBy::MeanDays => line.mean_days_to_registration.unwrap_or(-1.0),
            SortBy::HealthInTime => share(line.issued_in_time, line.issued).unwrap_or(-1.0),
            // Oldest first: never synced before all.
            SortBy::LastSync => -line.last_sync.map_or(f64::MIN, |at| at.timestamp() as f64),
            SortBy::Refused => f64::from(line.refused),
        }
    };
    lines.sort_by(|a, b| match by {
        SortBy::Name => a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)),
        _ => key(b).total_cmp(&key(a)).then_with(|| a.code.cmp(&b.code)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(
        id: &str,
        commune: &str,
        event: &str,
        issued: &str,
        received: &str,
    ) -> SupervisedNotice {
        SupervisedNotice {
            notification_id: id.into(),
            commune: commune.into(),
            kind: Some("death".into()),
            event_date: Some(event.into()),
            received_at: Some(received.into()),
            issued_at: Some(issued.into()),
            subject_name: Some(format!("Người {id}")),
        }
    }

    /// Hand-counted, today Tuesday 3 November 2026 (Vietnam): a death of
    /// 1 October (deadline Friday 16 October, overdue), assigned, contacted
    /// twice; one of 30 October (deadline 16 November), issued Thursday 29
    /// October 09:00 and received 16:00 the same day (5 h 30 of office
    /// hours: late), never contacted (2 working days after 29 October is
    /// 2 November, before today); one registered on time.
    #[test]
    fn each_figure_is_the_hand_count_of_a_small_commune() {
        let now = DateTime::parse_from_rfc3339("2026-11-03T03:00:00+00:00")
            .unwrap()
            .to_utc();
        let rows = SupervisionRows {
            notices: vec![
                notice(
                    "a",
                    "00004",
                    "2026-10-01",
                    "2026-10-01T02:00:00+00:00",
                    "2026-10-01T03:00:00+00:00",
                ),
                notice(
                    "b",
                    "00004",
                    "2026-10-30",
                    "2026-10-29T02:00:00+00:00",
                    "2026-10-29T09:00:00+00:00",
                ),
                notice(
                    "c",
                    "00004",
                    "2026-10-20",
                    "2026-10-20T02:00:00+00:00",
                    "2026-10-20T02:30:00+00:00",
                ),
            ],
            cases: vec![
                SupervisedCase {
                    commune: "00004".into(),
                    notification_id: Some("a".into()),
                    first_contact_at: Some("2026-10-02T02:00:00+00:00".into()),
                    last_contact_at: Some("2026-10-09T02:00:00+00:00".into()),
                    assignee: Some("Lê Thị Lan".into()),
                    ..SupervisedCase::default()
                },
                SupervisedCase {
                    commune: "00004".into(),
                    notification_id: Some("c".into()),
                    kind: Some("death".into()),
                    event_date: Some("2026-10-20".into()),
                    deadline: Some("2026-11-04".into()),
                    registered_on: Some("2026-10-30".into()),
                    ..SupervisedCase::default()
                },
            ],
            last_sync: vec![("00004".into(), Some("2026-11-01T03:00:00+00:00".into()))],
            refused: vec![("00004".into(), "2026-10-05T01:00:00+00:00".into())],
        };
        let communes = [("00004", "Phường Ba Đình"), ("00008", "Phường Ngọc Hà")];
        let period = (
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
        );
        let table = province_table(&rows, &communes, period, now, &Calendar::default());
        let line = &table.communes[0];
        assert_eq!(
            (line.received, line.open, line.overdue, line.no_contact),
            (3, 2, 1, 1)
        );
        assert_eq!((line.registered, line.registered_on_time), (1, 1));
        assert_eq!(line.mean_days_to_registration, Some(10.0));
        assert_eq!((line.issued, line.issued_in_time), (3, 2));
        assert_eq!(line.refused, 1);
        assert!(line.stale, "last synced two days ago");
        let never = &table.communes[1];
        assert_eq!(
            (never.received, never.last_sync, never.stale),
            (0, None, true)
        );
        assert_eq!(table.totals.overdue, 1);
        let october = table.trend.iter().find(|m| m.month == "2026-10").unwrap();
        assert_eq!((october.received, october.registered), (3, 1));
        assert_eq!(table.trend.len(), TREND_MONTHS);
        assert_eq!(table.trend.last().unwrap().month, "2026-11");

        let overdue = overdue_cases(&rows, "00004", now, &Calendar::default());
        assert_eq!(overdue.len(), 1);
        let case = &overdue[0];
        assert_eq!(case.name, "Người a");
        assert_eq!(
            case.deadline,
            NaiveDate::from_ymd_opt(2026, 10, 16).unwrap()
        );
        assert_eq!(case.days_overdue, 18);
        assert_eq!(case.assignee.as_deref(), Some("Lê Thị Lan"));
        assert_eq!(case.last_attempt, NaiveDate::from_ymd_opt(2026, 10, 9));

        // The family of "a" registered in another commune: the workstation
        // closed the case, so it is neither open nor overdue any more.
        let mut closed = rows.clone();
        closed.cases[0].closed_as = Some("registered_elsewhere".into());
        let table = province_table(&closed, &communes, period, now, &Calendar::default());
        let line = &table.communes[0];
        assert_eq!(
            (line.received, line.open, line.overdue, line.registered),
            (3, 1, 0, 1)
        );
        assert!(overdue_cases(&closed, "00004", now, &Calendar::default()).is_empty());
    }

    #[test]
    fn the_table_sorts_by_any_column_and_oldest_sync_first() {
        let line = |code: &str, overdue: u32, sync: Option<i64>| CommuneFigures {
            code: code.into(),
            name: format!("Xã {code}"),
            overdue,
            last_sync: sync.map(|s| DateTime::from_timestamp(s, 0).unwrap()),
            ..CommuneFigures::default()
        };
        let mut lines = vec![
            line("1", 2, Some(200)),
            line("2", 5, None),
            line("3", 2, Some(100)),
        ];
        sort(&mut lines, SortBy::Overdue);
        assert_eq!(
            lines.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
            ["2", "1", "3"]
        );
        sort(&mut lines, SortBy::LastSync);
        assert_eq!(
            lines.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
            ["2", "3", "1"]
        );
        sort(&mut lines, SortBy::Name);
        assert_eq!(
            lines.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        assert!(SortBy::ALL
            .iter()
            .all(|s| SortBy::parse(s.code()) == Some(*s)));
    }
}
