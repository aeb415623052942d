//! Figures for supervisors and for the Ministry of Justice's periodic
//! reports: the dashboard of today's open work (each number with the queue
//! filter that lists its cases), each officer's workload, and timeliness and
//! completeness statistics for a period. Every figure is counted in SQL; Rust
//! only reads percentiles off the counted distributions.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use hotich_protocol::EventKind;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{invalid, CoreError, Result};
use crate::lifecycle::Outcome;
use crate::model::{CaseFilter, CaseStatus};
use crate::officer::{Officer, Role};
use crate::queue::{local_day, parse_date, start_of_day_utc};
use crate::registration::kind_of;
use crate::store::Store;

/// One number of the dashboard and the queue filter that lists the cases
/// behind it (`Store::cases(&figure.filter, today)` totals `count`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Figure {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub count: u64,
    pub filter: CaseFilter,
}

/// Open cases of one status and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OpenCasesFigure {
    pub status: CaseStatus,
    #[serde(rename = "type")]
    pub kind: EventKind,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub count: u64,
    pub filter: CaseFilter,
}

/// What the dashboard shows: supervisors see the whole commune, a registrar
/// the cases assigned to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DashboardFigures {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub today: NaiveDate,
    /// None: the whole commune; else the officer whose own cases are counted.
    pub officer_id: Option<String>,
    /// Every open status by type, zeros included, in lifecycle order.
    pub open_by_status_and_type: Vec<OpenCasesFigure>,
    pub open: Figure,
    /// Open past their legal deadline.
    pub overdue: Figure,
    /// Open, and nobody contacted the family within 2 working days of intake.
    pub no_contact_yet: Figure,
    /// Open, with the follow-up due today or earlier.
    pub follow_up_due: Figure,
    /// The notification changed after outreach began: someone must look again.
    pub needs_review: Figure,
    /// Cases with a write the central registry refused.
    pub sync_failed: Figure,
    /// The refused writes themselves (outbox rows parked as `dead`; a case
    /// may have several).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub dead_sync_items: u64,
    /// Supervisors: every active officer; a registrar: their own line.
    pub workload: Vec<OfficerWorkload>,
}

/// One officer's load, for the supervisor's reassignment (`Store::assign`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OfficerWorkload {
    pub officer_id: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub open: Figure,
    pub overdue: Figure,
    /// Attempts the officer logged from Monday of this week to today.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub attempts_this_week: u64,
    /// Registrations the officer made dated from the 1st of this month to today.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registrations_this_month: u64,
}

/// How many attempts ended with one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OutcomeCount {
    pub outcome: Outcome,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub count: u64,
}

/// Registrations made `min_days` to `max_days` days (inclusive; no upper
/// bound when None) after the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DaysBucket {
    pub min_days: u32,
    pub max_days: Option<u32>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub count: u64,
}

/// The histogram's buckets: a week, the death deadline (15), a month, the
/// birth deadline (60), then ever later.
pub const DAYS_BUCKETS: [(u32, Option<u32>); 7] = [
    (0, Some(7)),
    (8, Some(15)),
    (16, Some(30)),
    (31, Some(60)),
    (61, Some(90)),
    (91, Some(180)),
    (181, None),
];

/// The figures of one type of event for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct KindStats {
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// Notifications received in the period (cases opened from one), the
    /// ones the facility voided since excluded.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub received: u64,
    /// Notifications received in the period and voided since (not in `received`).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub voided: u64,
    /// Cases opened by hand in the period (no notification).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub opened_without_notification: u64,
    /// Registrations dated in the period, of cases not voided.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registered: u64,
    /// Of `registered`: on or before the case's deadline.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registered_on_time: u64,
    /// Of `registered`: after the deadline (`registered` = on time + late).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registered_late: u64,
    /// Days from the event to registration within which half of the
    /// registrations were made (nearest rank).
    pub days_to_registration_median: Option<u32>,
    /// ... and within which 90% were made.
    pub days_to_registration_p90: Option<u32>,
    /// Of the cases received in the period (not voided), those with an attempt.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub contacted: u64,
    /// Days from receiving the notification to the first attempt, median of
    /// `contacted` (nearest rank).
    pub days_to_first_contact_median: Option<u32>,
    /// Cases (not voided) with an attempt logged in the period.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cases_worked: u64,
    /// Of `cases_worked`: registered by the end of the period.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registered_after_outreach: u64,
    /// `registered_after_outreach / cases_worked`; None when nothing was worked.
    pub outreach_conversion: Option<f64>,
    /// Attempts logged in the period.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub attempts: u64,
    /// Every outcome, zeros included.
    pub attempt_outcomes: Vec<OutcomeCount>,
    /// Days from the event to registration, for a chart.
    pub days_to_registration: Vec<DaysBucket>,
}

/// One month of the trend chart (the period's first and last months only
/// count their days inside the period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MonthTrend {
    /// "2026-06".
    pub month: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub received: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registered: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub registered_on_time: u64,
}

/// Timeliness and completeness of registration over [from, to] (office days,
/// both included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PeriodStats {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub to: NaiveDate,
    pub birth: KindStats,
    pub death: KindStats,
    /// Month by month, births then deaths within a month.
    pub monthly: Vec<MonthTrend>,
}

impl PeriodStats {
    pub fn of(&self, kind: EventKind) -> &KindStats {
        match kind {
            EventKind::Birth => &self.birth,
            EventKind::Death => &self.death,
        }
    }

    fn of_mut(&mut self, kind: EventKind) -> &mut KindStats {
        match kind {
            EventKind::Birth => &mut self.birth,
            EventKind::Death => &mut self.death,
        }
    }
}

/// One line of the figures table as printed and exported: what, then the
/// births' and the deaths' figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportLine {
    pub label: String,
    pub birth: String,
    pub death: String,
}

/// An outcome as the report names it.
pub fn outcome_label_vi(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Reached => "liên lạc được",
        Outcome::NoAnswer => "không nghe máy",
        Outcome::WrongNumber => "sai số",
        Outcome::AppointmentSet => "đã hẹn ngày",
        Outcome::Refused => "từ chối",
        Outcome::MovedAway => "đã chuyển đi",
        Outcome::RegisteredElsewhere => "đã đăng ký nơi khác",
        Outcome::Other => "khác",
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "-".to_owned(), |s| format!("{:.1}%", s * 100.0))
}

fn days_text(days: Option<u32>) -> String {
    days.map_or_else(|| "-".to_owned(), |d| d.to_string())
}

/// A period's figures and the same as the report's lines (births and deaths side by side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PeriodReport {
    pub stats: PeriodStats,
    pub lines: Vec<ReportLine>,
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl PeriodStats {
    /// The figures as a table of lines, births and deaths side by side.
    pub fn report_lines(&self) -> Vec<ReportLine> {
        let (b, d) = (&self.birth, &self.death);
        let mut lines = Vec::new();
        let mut line = |label: &str, of: &dyn Fn(&KindStats) -> String| {
            lines.push(ReportLine {
                label: label.to_owned(),
                birth: of(b),
                death: of(d),
            });
        };
        line("Thông báo nhận được", &|k| k.received.to_string());
        line(
            "Thông báo cơ sở y tế đã hủy (không tính)",
            &|k| k.voided.to_string(),
        );
        line("Hồ sơ mở không có thông báo", &|k| {
            k.opened_without_notification.to_string()
        });
        line("Đã đăng ký", &|k| k.registered.to_string());
        line("Đăng ký đúng hạn", &|k| {
            k.registered_on_time.to_string()
        });
        line("Đăng ký quá hạn", &|k| k.registered_late.to_string());
        line("Tỉ lệ đúng hạn", &|k| {
            percent(share(k.registered_on_time, k.registered))
        });
        line(
            "Số ngày từ sự kiện đến đăng ký: trung vị",
            &|k| days_text(k.days_to_registration_median),
        );
        line(
            "Số ngày từ sự kiện đến đăng ký: 90% trong vòng",
            &|k| days_text(k.days_to_registration_p90),
        );
        line("Hồ sơ đã liên hệ (nhận trong kỳ)", &|k| {
            k.contacted.to_string()
        });
        line(
            "Số ngày từ nhận thông báo đến lần liên hệ đầu: trung vị",
            &|k| days_text(k.days_to_first_contact_median),
        );
        line("Hồ sơ có liên hệ trong kỳ", &|k| {
            k.cases_worked.to_string()
        });
        line("Trong đó đã đăng ký", &|k| {
            k.registered_after_outreach.to_string()
        });
        line("Tỉ lệ đăng ký sau liên hệ", &|k| {
            percent(k.outreach_conversion)
        });
        line("Lần liên hệ", &|k| k.attempts.to_string());
        for outcome in Outcome::ALL {
            let label = format!("Kết quả liên hệ: {}", outcome_label_vi(*outcome));
            line(&label, &|k| {
                k.attempt_outcomes
                    .iter()
                    .find(|o| o.outcome == *outcome)
                    .map_or(0, |o| o.count)
                    .to_string()
            });
        }
        for (index, (min, max)) in DAYS_BUCKETS.iter().enumerate() {
            let label = match max {
                Some(max) => format!("Đăng ký sau {min}-{max} ngày"),
                None => format!("Đăng ký sau {min} ngày trở lên"),
            };
            line(&label, &|k| k.days_to_registration[index].count.to_string());
        }
        lines
    }
}

/// The smallest value within which at least `percent`% of the counted
/// values fall (nearest-rank percentile); `counts` maps value -> how many.
pub fn nearest_rank(counts: &BTreeMap<u32, u64>, percent: u64) -> Option<u32> {
    let total: u64 = counts.values().sum();
    if total == 0 {
        return None;
    }
    let rank = (total * percent).div_ceil(100).max(1);
    let mut seen = 0;
    counts.iter().find_map(|(&value, &count)| {
        seen += count;
        (seen >= rank).then_some(value)
    })
}

fn histogram(counts: &BTreeMap<u32, u64>) -> Vec<DaysBucket> {
    DAYS_BUCKETS
        .iter()
        .map(|&(min_days, max_days)| DaysBucket {
            min_days,
            max_days,
            count: counts
                .range(min_days..=max_days.unwrap_or(u32::MAX))
                .map(|(_, count)| count)
                .sum(),
        })
        .collect()
}

/// By type of case: the cases with an attempt in [since, until) that are not
/// voided, and how many of them were registered by `last_day`.
fn cases_worked(
    path: &std::path::Path,
    since: &str,
    until: &str,
    last_day: &str,
) -> rusqlite::Result<Vec<(String, u64, u64)>> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let mut stmt = conn.prepare(
        "SELECT c.kind, count(*), count(c.registered_on <= ?3 OR NULL)
         FROM (SELECT DISTINCT case_seq FROM attempt_fact WHERE at >= ?1 AND at < ?2) w
         JOIN case_file c INDEXED BY case_by_seq ON c.seq = w.case_seq
         WHERE c.status <> 'voided'
         GROUP BY 1",
    )?;
    let rows = stmt.query_map(params![since, until, last_day], |row| {
        Ok((row.get(0)?, count_of(row.get(1)?), count_of(row.get(2)?)))
    })?;
    rows.collect()
}

fn count_of(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// Whole days as counted in SQL (never negative: a registration or a
/// contact cannot precede what it follows).
fn days_of(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

impl KindStats {
    /// Every figure zero, every outcome and bucket listed.
    pub fn empty(kind: EventKind) -> KindStats {
        KindStats {
            kind,
            received: 0,
            voided: 0,
            opened_without_notification: 0,
            registered: 0,
            registered_on_time: 0,
            registered_late: 0,
            days_to_registration_median: None,
            days_to_registration_p90: None,
            contacted: 0,
            days_to_first_contact_median: None,
            cases_worked: 0,
            registered_after_outreach: 0,
            outreach_conversion: None,
            attempts: 0,
            attempt_outcomes: Outcome::ALL
                .iter()
                .map(|&outcome| OutcomeCount { outcome, count: 0 })
                .collect(),
            days_to_registration: histogram(&BTreeMap::new()),
        }
    }
}

/// "2026-06" for every month touching [from, to].
fn months(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut month = from.with_day(1).unwrap_or(from);
    let mut all = Vec::new();
    while month <= to {
        all.push(month.format("%Y-%m").to_string());
        month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    all
}

/// Monday of the week holding `day`.
fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

impl Store {
    /// The figure of `filter`, counted.
    fn figure(&self, filter: CaseFilter, today: NaiveDate) -> Result<Figure> {
        Ok(Figure {
            count: self.count_cases(&filter, today)?,
            filter,
        })
    }

    /// Open cases matching `filter`, counted by status and type in one pass.
    fn open_by_status_and_type(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
    ) -> Result<HashMap<(CaseStatus, EventKind), u64>> {
        let (conditions, values) = crate::queue::filter_conditions(filter, today);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.status, c.kind, count(*) FROM case_file c {} GROUP BY 1, 2",
            crate::queue::where_of(&conditions)
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
        let mut counted = HashMap::new();
        while let Some(row) = rows.next()? {
            let status = CaseStatus::parse(&row.get::<_, String>(0)?);
            let kind = kind_of(&row.get::<_, String>(1)?);
            if let Some(status) = status {
                counted.insert((status, kind), count_of(row.get(2)?));
            }
        }
        Ok(counted)
    }

    /// The dashboard for `actor`: supervisors see every case, a registrar
    /// only the cases assigned to them.
    pub fn dashboard(&self, actor: &Officer, today: NaiveDate) -> Result<DashboardFigures> {
        let scope = CaseFilter {
            assignee: (!actor.is_supervisor()).then(|| actor.id.clone()),
            ..CaseFilter::default()
        };
        // The scope's open cases counted once, by status and type: each
        // figure below is a sum of these, not a query of its own.
        let open_scope = CaseFilter {
            open_only: true,
            ..scope.clone()
        };
        let counted = self.open_by_status_and_type(&open_scope, today)?;
        let count_of_open = |status: Option<CaseStatus>| -> u64 {
            counted
                .iter()
                .filter(|((s, _), _)| status.is_none_or(|wanted| *s == wanted))
                .map(|(_, n)| n)
                .sum()
        };
        let mut open_by_status_and_type = Vec::new();
        for status in CaseStatus::ALL.into_iter().filter(|s| s.is_open()) {
            for kind in [EventKind::Birth, EventKind::Death] {
                open_by_status_and_type.push(OpenCasesFigure {
                    status,
                    kind,
                    count: counted.get(&(status, kind)).copied().unwrap_or(0),
                    filter: CaseFilter {
                        status: Some(status),
                        kind: Some(kind),
                        ..open_scope.clone()
                    },
                });
            }
        }
        let open = Figure {
            count: count_of_open(None),
            filter: open_scope.clone(),
        };
        let needs_review = Figure {
            count: count_of_open(Some(CaseStatus::NeedsReview)),
            filter: CaseFilter {
                status: Some(CaseStatus::NeedsReview),
                ..open_scope
            },
        };
        let dead_sync_items: i64 = match &scope.assignee {
            None => self.conn.query_row(
                "SELECT count(*) FROM outbox WHERE state = 'dead'",
                [],
                |row| row.get(0),
            )?,
            Some(officer) => self.conn.query_row(
                "SELECT count(*) FROM outbox o JOIN case_file c ON c.id = o.case_id
                 WHERE o.state = 'dead' AND c.assignee = ?1",
                [officer],
                |row| row.get(0),
            )?,
        };
        Ok(DashboardFigures {
            today,
            officer_id: scope.assignee.clone(),
            open_by_status_and_type,
            open,
            overdue: self.figure(
                CaseFilter {
                    overdue_only: true,
                    ..scope.clone()
                },
                today,
            )?,
            no_contact_yet: self.figure(
                CaseFilter {
                    no_contact_yet: true,
                    ..scope.clone()
                },
                today,
            )?,
            follow_up_due: self.figure(
                CaseFilter {
                    follow_up_due: true,
                    ..scope.clone()
                },
                today,
            )?,
            needs_review,
            sync_failed: self.figure(
                CaseFilter {
                    sync_failed: true,
                    ..scope
                },
                today,
            )?,
            dead_sync_items: count_of(dead_sync_items),
            workload: self.workload(actor, today)?,
        })
    }

    /// Each officer's open and overdue cases, attempts this week and
    /// registrations this month: every active officer for a supervisor, a
    /// registrar's own line for a registrar.
    pub fn workload(&self, actor: &Officer, today: NaiveDate) -> Result<Vec<OfficerWorkload>> {
        let officers: Vec<Officer> = if actor.is_supervisor() {
            self.officers()?.into_iter().filter(|o| o.active).collect()
        } else {
            vec![actor.clone()]
        };
        let week_from = start_of_day_utc(monday_of(today));
        let until = start_of_day_utc(today + Days::new(1));
        let month_from = today.with_day(1).unwrap_or(today).to_string();
        let mut lines = Vec::with_capacity(officers.len());
        for officer in officers {
            let mine = CaseFilter {
                assignee: Some(officer.id.clone()),
                open_only: true,
                ..CaseFilter::default()
            };
            let attempts: i64 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM case_event
                     WHERE kind = 'attempt' AND officer_id = ?1 AND at >= ?2 AND at < ?3",
                )?
                .query_row(params![officer.id, week_from, until], |row| row.get(0))?;
            let registrations: i64 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM case_file
                     WHERE registered_by = ?1 AND registered_on >= ?2 AND registered_on <= ?3",
                )?
                .query_row(params![officer.id, month_from, today.to_string()], |row| {
                    row.get(0)
                })?;
            lines.push(OfficerWorkload {
                overdue: self.figure(
                    CaseFilter {
                        overdue_only: true,
                        ..mine.clone()
                    },
                    today,
                )?,
                open: self.figure(mine, today)?,
                attempts_this_week: count_of(attempts),
                registrations_this_month: count_of(registrations),
                officer_id: officer.id,
                username: officer.username,
                full_name: officer.full_name,
                role: officer.role,
            });
        }
        Ok(lines)
    }

    /// Timeliness and completeness of registration over [from, to], both
    /// office days included, for the whole commune.
    /// The commune's figures for a period with their report lines: the
    /// Ministry's periodic report is the supervisor's (registrars see their
    /// own figures on the dashboard).
    pub fn period_report(
        &self,
        actor: &Officer,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<PeriodReport> {
        actor.require_supervisor("xem thống kê của xã")?;
        let stats = self.period_stats(from, to)?;
        Ok(PeriodReport {
            lines: stats.report_lines(),
            stats,
        })
    }

    pub fn period_stats(&self, from: NaiveDate, to: NaiveDate) -> Result<PeriodStats> {
        if from > to {
            return Err(invalid(
                "khoảng thời gian",
                format!("ngày bắt đầu {from} sau ngày kết thúc {to}"),
            ));
        }
        let (since, until) = (start_of_day_utc(from), start_of_day_utc(to + Days::new(1)));
        let (first_day, last_day) = (from.to_string(), to.to_string());
        let mut stats = PeriodStats {
            from,
            to,
            birth: KindStats::empty(EventKind::Birth),
            death: KindStats::empty(EventKind::Death),
            monthly: Vec::new(),
        };
        // Keyed by type code: "birth" sorts before "death".
        let mut monthly: BTreeMap<(String, &'static str), MonthTrend> = BTreeMap::new();
        for month in months(from, to) {
            for kind in [EventKind::Birth, EventKind::Death] {
                monthly.insert(
                    (month.clone(), kind.as_str()),
                    MonthTrend {
                        month: month.clone(),
                        kind,
                        received: 0,
                        registered: 0,
                        registered_on_time: 0,
                    },
                );
            }
        }

        // Outreach, the slowest part: the cases worked in the period and how
        // many of them were registered by its end, read on a second
        // (read-only) connection while this one reads the rest.
        let worked = {
            let (path, since, until, last_day) = (
                self.path().to_owned(),
                since.clone(),
                until.clone(),
                last_day.clone(),
            );
            std::thread::spawn(move || cases_worked(&path, &since, &until, &last_day))
        };

        // Received: cases opened in the period, by the office month they
        // arrived, with the office days to their first contact.
        let mut days_to_contact: BTreeMap<&'static str, BTreeMap<u32, u64>> = BTreeMap::new();
        {
            // The office days are worked out here rather than with SQLite's
            // date functions: on a year of cases that halves the time.
            let mut stmt = self.conn.prepare_cached(
                "SELECT kind, opened_at, status = 'voided', notification_id IS NOT NULL,
                        first_attempt_at
                 FROM case_file WHERE opened_at >= ?1 AND opened_at < ?2",
            )?;
            let mut rows = stmt.query(params![since, until])?;
            while let Some(row) = rows.next()? {
                let kind = kind_of(&row.get::<_, String>(0)?);
                let opened_day = local_day(&row.get::<_, String>(1)?);
                let (voided, notified): (bool, bool) = (row.get(2)?, row.get(3)?);
                let figures = stats.of_mut(kind);
                match (notified, voided) {
                    // A notification the facility withdrew is no event to register.
                    (true, true) => figures.voided += 1,
                    (true, false) => figures.received += 1,
                    (false, _) => figures.opened_without_notification += 1,
                }
                if notified && !voided {
                    let Some(opened_day) = opened_day else {
                        continue;
                    };
                    let month = opened_day.format("%Y-%m").to_string();
                    if let Some(trend) = monthly.get_mut(&(month, kind.as_str())) {
                        trend.received += 1;
                    }
                    let first_contact = row
                        .get::<_, Option<String>>(4)?
                        .as_deref()
                        .and_then(local_day);
                    if let Some(contacted) = first_contact {
                        *days_to_contact
                            .entry(kind.as_str())
                            .or_default()
                            .entry(days_of((contacted - opened_day).num_days()))
                            .or_default() += 1;
                    }
                }
            }
        }

        // Registered, on time or late. On time means on or before the case's
        // deadline (the last day counts): 60 days for a birth (Law on Civil
        // Status 2014, Art. 15(1)), 15 for a death (Art. 33(1)), moved past a
        // weekend (legal::registration_deadline).
        let mut days_to_registration: BTreeMap<&'static str, BTreeMap<u32, u64>> = BTreeMap::new();
        {
            // Days are counted here rather than with julianday(): one row
            // a registration, read from the covering index case_by_registered.
            let mut stmt = self.conn.prepare_cached(
                "SELECT kind, registered_on, deadline, event_date
                 FROM case_file
                 WHERE registered_on >= ?1 AND registered_on <= ?2 AND status <> 'voided'",
            )?;
            let mut rows = stmt.query(params![first_day, last_day])?;
            while let Some(row) = rows.next()? {
                let kind = kind_of(&row.get::<_, String>(0)?);
                let registered_on: String = row.get(1)?;
                let deadline: String = row.get(2)?;
                let event_date = parse_date(&row.get::<_, String>(3)?)?;
                let registered_day = parse_date(&registered_on)?;
                // ISO dates compare as text.
                let on_time = registered_on <= deadline;
                *days_to_registration
                    .entry(kind.as_str())
                    .or_default()
                    .entry(days_of((registered_day - event_date).num_days()))
                    .or_default() += 1;
                let figures = stats.of_mut(kind);
                figures.registered += 1;
                if on_time {
                    figures.registered_on_time += 1;
                } else {
                    figures.registered_late += 1;
                }
                let month = registered_on.get(..7).unwrap_or_default().to_owned();
                if let Some(trend) = monthly.get_mut(&(month, kind.as_str())) {
                    trend.registered += 1;
                    if on_time {
                        trend.registered_on_time += 1;
                    }
                }
            }
        }

        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT case_kind, outcome FROM attempt_fact WHERE at >= ?1 AND at < ?2",
            )?;
            // Counted here: the index is in time order, and grouping it in
            // SQL would sort every attempt of the period first.
            let mut counted: HashMap<(String, Option<String>), u64> = HashMap::new();
            let mut rows = stmt.query(params![since, until])?;
            while let Some(row) = rows.next()? {
                *counted.entry((row.get(0)?, row.get(1)?)).or_default() += 1;
            }
            for ((kind, outcome), count) in counted {
                let figures = stats.of_mut(kind_of(&kind));
                figures.attempts += count;
                if let Some(line) = figures
                    .attempt_outcomes
                    .iter_mut()
                    .find(|line| Some(line.outcome.as_str()) == outcome.as_deref())
                {
                    line.count += count;
                }
            }
        }

        let worked = worked.join().map_err(|_| CoreError::Corrupt {
            what: "thống kê".into(),
            reason: "luồng đọc hồ sơ đã liên hệ bị dừng".into(),
        })??;
        for (kind, cases, registered) in worked {
            let figures = stats.of_mut(kind_of(&kind));
            figures.cases_worked = cases;
            figures.registered_after_outreach = registered;
        }

        for kind in [EventKind::Birth, EventKind::Death] {
            let registered = days_to_registration
                .remove(kind.as_str())
                .unwrap_or_default();
            let contact = days_to_contact.remove(kind.as_str()).unwrap_or_default();
            let figures = stats.of_mut(kind);
            figures.days_to_registration_median = nearest_rank(&registered, 50);
            figures.days_to_registration_p90 = nearest_rank(&registered, 90);
            figures.days_to_registration = histogram(&registered);
            figures.contacted = contact.values().sum();
            figures.days_to_first_contact_median = nearest_rank(&contact, 50);
            figures.outreach_conversion = (figures.cases_worked > 0)
                .then(|| figures.registered_after_outreach as f64 / figures.cases_worked as f64);
        }
        stats.monthly = monthly.into_values().collect();
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(values: &[u32]) -> BTreeMap<u32, u64> {
        let mut map = BTreeMap::new();
        for &v in values {
            *map.entry(v).or_default() += 1;
        }
        map
    }

    #[test]
    fn nearest_rank_is_the_value_within_which_the_share_falls() {
        assert_eq!(nearest_rank(&counts(&[]), 50), None);
        assert_eq!(nearest_rank(&counts(&[4]), 50), Some(4));
        assert_eq!(nearest_rank(&counts(&[4]), 90), Some(4));
        // 4 values: rank ceil(2) = 2 -> 3; p90 rank ceil(3.6) = 4 -> 20.
        assert_eq!(nearest_rank(&counts(&[1, 3, 9, 20]), 50), Some(3));
        assert_eq!(nearest_rank(&counts(&[1, 3, 9, 20]), 90), Some(20));
        // 10 values 1..=10: median rank 5 -> 5, p90 rank 9 -> 9.
        let ten: Vec<u32> = (1..=10).collect();
        assert_eq!(nearest_rank(&counts(&ten), 50), Some(5));
        assert_eq!(nearest_rank(&counts(&ten), 90), Some(9));
        assert_eq!(nearest_rank(&counts(&[7, 7, 7, 2]), 50), Some(7));
    }

    #[test]
    fn histogram_buckets_cover_every_day_once() {
        let buckets = histogram(&counts(&[0, 7, 8, 15, 16, 60, 61, 200, 1000]));
        let got: Vec<u64> = buckets.iter().map(|b| b.count).collect();
        assert_eq!(got, vec![2, 2, 1, 1, 1, 0, 2]);
        for pair in DAYS_BUCKETS.windows(2) {
            assert_eq!(pair[0].1.map(|max| max + 1), Some(pair[1].0));
        }
    }

    #[test]
    fn months_touching_a_period_and_the_monday_of_a_week() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            months(day(2026, 11, 20), day(2027, 2, 3)),
            vec!["2026-11", "2026-12", "2027-01", "2027-02"]
        );
        assert_eq!(months(day(2026, 6, 1), day(2026, 6, 30)), vec!["2026-06"]);
        // Saturday 21 November 2026 -> Monday 16; a Monday is its own.
        assert_eq!(monday_of(day(2026, 11, 21)), day(2026, 11, 16));
        assert_eq!(monday_of(day(2026, 11, 16)), day(2026, 11, 16));
    }
}
