//! Figures for supervisors and for the Ministry of Justice's periodic
//! reports: the dashboard of today's open work (each number with the queue
//! filter that lists its cases, [`dashboard`]), each officer's workload, and
//! timeliness and completeness statistics for a period ([`period`]), with the
//! report's lines ([`report`]) and the percentiles ([`rank`]). SQLite
//! selects and counts rows where an index makes that cheap; the office
//! days, per-kind tallies and percentiles are worked out in Rust.
//!
//! Writes no table. Reads `case_file`, `case_event`, `attempt_fact`,
//! `officer` and `outbox` (through the queue's filters), and for the pilot's
//! figures ([`pilot`]) the notifications, registrations and returned causes.

mod dashboard;
mod period;
mod pilot;
pub mod rank;
pub mod report;
pub mod timeliness;

use chrono::NaiveDate;
use hotich_protocol::EventKind;
use serde::{Deserialize, Serialize};

use crate::lifecycle::Outcome;
use crate::model::{CaseFilter, CaseStatus};
use crate::officer::Role;

pub use rank::nearest_rank;
pub use report::outcome_label_vi;
pub use timeliness::FacilityTimeliness;

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
    /// Open, and nobody contacted the family within 2 working days of the
    /// notification's issue (a backlog imported today counts at once).
    pub no_contact_yet: Figure,
    /// "Quá hạn khi nhận": open cases already past their deadline when
    /// received, shown apart from those that became late in the office.
    pub overdue_on_arrival: Figure,
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
    /// Notifications the health facilities issued in the period (first
    /// versions, by their signed issue time).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub issued_by_health: u64,
    /// Of `issued_by_health`: arrived within 4 working hours of their issue
    /// (Decree 63/2024/NĐ-CP, Art. 25; [`timeliness`]).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sent_in_time: u64,
    /// Working minutes from issue to arrival, median (nearest rank).
    pub working_minutes_to_arrival_median: Option<u32>,
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
    /// Each facility that issued notifications in the period, the late
    /// ones first ([`timeliness`]).
    pub facilities: Vec<FacilityTimeliness>,
    /// The Justice-Health pilot's figures for the events of the period
    /// (`hotich_protocol::pilot`), as the registry counts a province.
    pub pilot: hotich_protocol::pilot::PilotFigures,
}

impl PeriodStats {
    pub fn of(&self, kind: EventKind) -> &KindStats {
        match kind {
            EventKind::Birth => &self.birth,
            EventKind::Death => &self.death,
        }
    }

    pub(super) fn of_mut(&mut self, kind: EventKind) -> &mut KindStats {
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

/// The pilot's figures of the office's province as the registry counts
/// them, with their report lines (`hotich_sync::reports` asks for them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ProvincePilot {
    pub report: hotich_protocol::pilot::ProvincePilotReport,
    pub lines: Vec<ReportLine>,
}

impl ProvincePilot {
    pub fn of(report: hotich_protocol::pilot::ProvincePilotReport) -> ProvincePilot {
        ProvincePilot {
            lines: report::pilot_lines(&report.figures, crate::labels::Lang::Vi),
            report,
        }
    }

    /// What the exported file and the printed report say above the lines:
    /// whose figures, for which events, and how current they are.
    pub fn heading(&self) -> Vec<String> {
        let r = &self.report;
        let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
        let at = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&crate::time::office_offset())
                .format("%H:%M ngày %d/%m/%Y")
                .to_string()
        };
        let oldest = r.oldest_sync.map_or_else(
            || "chưa xã nào đồng bộ".to_owned(),
            |t| format!("lần đồng bộ cũ nhất lúc {}", at(t)),
        );
        vec![
            format!(
                "Số liệu thí điểm liên thông Tư pháp - Y tế: {}, sự kiện từ {} đến {}",
                r.province_name,
                day(r.figures.from),
                day(r.figures.to)
            ),
            format!("Cơ sở dữ liệu hộ tịch trung tâm tính lúc {}", at(r.made_at)),
            format!(
                "{}/{} xã đã đồng bộ; {}",
                r.communes_syncing, r.communes, oldest
            ),
        ]
    }
}

/// A period's figures and the same as the report's lines (births and deaths side by side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PeriodReport {
    pub stats: PeriodStats,
    pub lines: Vec<ReportLine>,
    /// The audit chain's head when the report was made: printed at its
    /// foot, so a paper copy anchors the chain outside the PC too.
    pub audit_head: Option<crate::audit::AuditHead>,
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
            days_to_registration: rank::histogram(&std::collections::BTreeMap::new()),
            issued_by_health: 0,
            sent_in_time: 0,
            working_minutes_to_arrival_median: None,
        }
    }
}
