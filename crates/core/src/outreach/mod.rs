//! Family outreach: assignment, attempts, status decisions, the case
//! timeline and the guidance shown on a case. Every write goes with its
//! timeline entry and its outbox row in one transaction.
//!
//! The only writer of `case_event` (the timeline, `NewEvent::record`; the
//! entry of a changed notification is a trigger's). Assigns cases and moves
//! them through the lifecycle through [`crate::case_file`], and queues its
//! writes through [`crate::outbox`]. Reads `case_file`, `officer` and
//! `notification`. What the screen tells the officer (contacts, scripts,
//! the office's contact settings) is [`guidance`].

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::case_file;
use crate::error::{invalid, invalid_with, CoreError, InputField, InputReason, Result};
use crate::lifecycle::{
    needs_reason, officer_may_move, proposed_follow_up, status_after, Channel, Outcome,
};
use crate::model::CaseStatus;
use crate::officer::Officer;
use crate::outbox::queue_for_sync;
use crate::problem::{FieldProblem, ProblemRule};
use crate::sql::{from_row, optional_value};
use crate::store::Store;
use crate::text::clean_lines;

mod guidance;

pub(crate) use guidance::contacts;
pub use guidance::{Contact, Guidance, OfficeContact};

/// Longest note kept with an attempt or a decision.
const MAX_NOTE_CHARS: usize = 2_000;

/// An attempt as the officer logs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AttemptInput {
    pub channel: Channel,
    pub outcome: Outcome,
    pub note: Option<String>,
    /// The day the family promised to come (outcome `appointment_set`).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub appointment_date: Option<NaiveDate>,
    /// The next follow-up; None takes the proposal for the outcome.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_follow_up: Option<NaiveDate>,
    /// The earlier attempt this one corrects (logged by mistake or wrongly).
    pub corrects: Option<String>,
}

/// A decision on a case that is not an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StatusDecision {
    pub to: CaseStatus,
    /// Required for `registered_elsewhere` and `not_registrable`.
    pub reason: Option<String>,
    /// When the case stays open [default: the next working day].
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_follow_up: Option<NaiveDate>,
}

/// What kind of entry a timeline line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Attempt,
    Status,
    Assignment,
    /// A new version or a void from the health facility.
    Notification,
}

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TimelineEntry {
    pub id: String,
    pub at: String,
    pub kind: TimelineKind,
    /// Who did it; None for the health facility.
    pub officer_name: Option<String>,
    pub channel: Option<Channel>,
    pub outcome: Option<Outcome>,
    pub note: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_follow_up: Option<NaiveDate>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub appointment_date: Option<NaiveDate>,
    pub from_status: Option<CaseStatus>,
    pub to_status: Option<CaseStatus>,
    pub assignee_name: Option<String>,
    pub notification_version: Option<u32>,
    /// The entry this one corrects.
    pub corrects: Option<String>,
    /// A later entry that corrects this one.
    pub corrected_by: Option<String>,
}

/// The next follow-up an attempt with this outcome would get today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FollowUpProposal {
    pub outcome: Outcome,
    /// None: the outcome closes outreach. For `appointment_set` the
    /// appointment day replaces it.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_follow_up: Option<NaiveDate>,
}

/// Everything the outreach panel of a case shows, read at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OutreachView {
    pub guidance: Guidance,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The signed-in officer may log an attempt on this case now.
    pub accepts_attempts: bool,
    /// Why not, when they may not.
    pub attempt_refusal: Option<AttemptRefusal>,
    /// The decisions the lifecycle allows from the case's status.
    pub decisions: Vec<CaseStatus>,
    pub proposals: Vec<FollowUpProposal>,
}

/// Why an officer may not log an attempt on a case, told apart so the
/// screen says which applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum AttemptRefusal {
    /// Registered, registered elsewhere, not registrable or voided: no
    /// outreach is needed any more.
    Closed { status: CaseStatus },
    /// The notification changed: the review decides first.
    NeedsReview,
    /// A registrar's colleague holds the case (their full name).
    AssignedToOther { assignee: String },
}

impl AttemptRefusal {
    pub fn code(&self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode;
        match self {
            AttemptRefusal::Closed { .. } => ErrorCode::CaseClosed,
            AttemptRefusal::NeedsReview => ErrorCode::CaseNeedsReview,
            AttemptRefusal::AssignedToOther { .. } => ErrorCode::CaseAssignedToOther,
        }
    }

    pub fn params(&self) -> std::collections::BTreeMap<String, String> {
        let mut params = std::collections::BTreeMap::new();
        match self {
            AttemptRefusal::Closed { status } => {
                params.insert("status".to_owned(), status.as_str().to_owned());
            }
            AttemptRefusal::AssignedToOther { assignee } => {
                params.insert("assignee".to_owned(), assignee.clone());
            }
            AttemptRefusal::NeedsReview => {}
        }
        params
    }
}

/// Why `actor` may not log an attempt on a case with this status and
/// assignee, if they may not.
fn attempt_refusal(
    actor: &Officer,
    status: CaseStatus,
    assignee: Option<(&str, &str)>,
) -> Option<AttemptRefusal> {
    match (status, assignee) {
        (CaseStatus::NeedsReview, _) => Some(AttemptRefusal::NeedsReview),
        (status, _) if !status.is_open() => Some(AttemptRefusal::Closed { status }),
        (_, Some((id, name))) if id != actor.id && !actor.is_supervisor() => {
            Some(AttemptRefusal::AssignedToOther {
                assignee: name.to_owned(),
            })
        }
        _ => None,
    }
}

/// The parts of a case outreach reads and changes.
struct CaseState {
    id: String,
    status: CaseStatus,
    assignee: Option<String>,
    assignee_name: Option<String>,
    notification_version: Option<u32>,
}

impl CaseState {
    fn assignee(&self) -> Option<(&str, &str)> {
        self.assignee
            .as_deref()
            .map(|id| (id, self.assignee_name.as_deref().unwrap_or(id)))
    }
}

fn case_state(conn: &rusqlite::Connection, case_id: &str) -> Result<CaseState> {
    conn.query_row(
        "SELECT c.id, c.status, c.assignee, c.notification_version,
                (SELECT o.full_name FROM officer o WHERE o.id = c.assignee) AS assignee_name
         FROM case_file c WHERE c.id = ?1",
        [case_id],
        |row| {
            Ok(
                from_row!(row => CaseState { id, status, assignee, assignee_name, notification_version }),
            )
        },
    )
    .optional()?
    .ok_or_else(|| CoreError::CaseNotFound(case_id.to_owned()))
}

fn clean_note(note: Option<&str>) -> Result<Option<String>> {
    let note = note.map(clean_lines).filter(|n| !n.trim().is_empty());
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(invalid_with(
            InputField::Note,
            InputReason::TooLong,
            [("max", MAX_NOTE_CHARS.to_string())],
        ));
    }
    Ok(note)
}

/// Every problem of the attempt form at once (`CoreError::InvalidForm`):
/// the note, the appointment day (with an appointment and only then, not
/// past), where a family registered elsewhere, and the next contact day.
/// Returns the cleaned note, the appointment and the next follow-up.
fn check_attempt(
    input: &AttemptInput,
    today: NaiveDate,
    calendar: &hotich_calendar::OfficeCalendar,
) -> Result<(Option<String>, Option<NaiveDate>, Option<NaiveDate>)> {
    let mut problems = Vec::new();
    let mut problem = |field: &str, rule: ProblemRule| {
        problems.push(FieldProblem::new(field, rule, BTreeMap::new()))
    };
    let note = input
        .note
        .as_deref()
        .map(clean_lines)
        .filter(|n| !n.trim().is_empty());
    let appointment = match (input.outcome, input.appointment_date) {
        (Outcome::AppointmentSet, None) => {
            problem("appointment_date", ProblemRule::AppointmentDateMissing);
            None
        }
        (Outcome::AppointmentSet, Some(day)) => {
            if day < today {
                problem("appointment_date", ProblemRule::BeforeToday);
            }
            Some(day)
        }
        (_, Some(_)) => {
            problem("appointment_date", ProblemRule::OnlyForAppointment);
            None
        }
        (_, None) => None,
    };
    if input.outcome == Outcome::RegisteredElsewhere && note.is_none() {
        problem("note", ProblemRule::WhereRegisteredMissing);
    }
    let next_follow_up = if status_after(input.outcome).is_open() {
        match input.next_follow_up {
            Some(day) if day < today => {
                problem("next_follow_up", ProblemRule::BeforeToday);
                None
            }
            Some(day) => Some(day),
            None => proposed_follow_up(calendar, input.outcome, today, appointment),
        }
    } else {
        None
    };
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        problems.push(FieldProblem::new(
            "note",
            ProblemRule::TooLong,
            BTreeMap::from([("max".to_owned(), MAX_NOTE_CHARS.to_string())]),
        ));
    }
    if problems.is_empty() {
        Ok((note, appointment, next_follow_up))
    } else {
        Err(CoreError::InvalidForm(problems))
    }
}

/// A registrar works the cases assigned to them (and unassigned ones, which
/// become theirs); a supervisor works any case.
fn may_work(actor: &Officer, case: &CaseState) -> Result<()> {
    may_work_assigned(actor, case.assignee.as_deref())
}

/// [`may_work`] for a case assigned to `assignee`: outreach and
/// registration alike (issue 16, item 5).
pub(crate) fn may_work_assigned(actor: &Officer, assignee: Option<&str>) -> Result<()> {
    match assignee {
        Some(assignee) if assignee != actor.id && !actor.is_supervisor() => Err(
            CoreError::Forbidden(crate::error::ForbiddenAction::WorkOthersCase),
        ),
        _ => Ok(()),
    }
}

fn illegal(from: CaseStatus, to: CaseStatus) -> CoreError {
    CoreError::IllegalTransition { from, to }
}

fn check_transition(from: CaseStatus, to: CaseStatus) -> Result<()> {
    if officer_may_move(from, to) {
        Ok(())
    } else {
        Err(illegal(from, to))
    }
}

pub(crate) struct NewEvent<'a> {
    pub(crate) case_id: &'a str,
    pub(crate) kind: TimelineKind,
    pub(crate) officer_id: &'a str,
    pub(crate) channel: Option<Channel>,
    pub(crate) outcome: Option<Outcome>,
    pub(crate) note: Option<&'a str>,
    pub(crate) next_follow_up: Option<NaiveDate>,
    pub(crate) appointment_date: Option<NaiveDate>,
    pub(crate) from_status: Option<CaseStatus>,
    pub(crate) to_status: Option<CaseStatus>,
    pub(crate) assignee: Option<&'a str>,
    pub(crate) notification_version: Option<u32>,
    pub(crate) corrects: Option<&'a str>,
}

impl<'a> NewEvent<'a> {
    pub(crate) fn new(case_id: &'a str, kind: TimelineKind, officer_id: &'a str) -> Self {
        NewEvent {
            case_id,
            kind,
            officer_id,
            channel: None,
            outcome: None,
            note: None,
            next_follow_up: None,
            appointment_date: None,
            from_status: None,
            to_status: None,
            assignee: None,
            notification_version: None,
            corrects: None,
        }
    }

    /// Appends the entry to the timeline and its copy to the outbox.
    pub(crate) fn record(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        let at = now.to_rfc3339();
        let kind = match self.kind {
            TimelineKind::Attempt => "attempt",
            TimelineKind::Status => "status",
            TimelineKind::Assignment => "assignment",
            TimelineKind::Notification => "notification",
        };
        tx.prepare_cached(
            "INSERT INTO case_event (id, case_id, at, officer_id, kind, channel, outcome, note, next_follow_up,
                                     appointment_date, from_status, to_status, assignee, notification_version, corrects)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            id,
            self.case_id,
            at,
            self.officer_id,
            kind,
            self.channel,
            self.outcome,
            self.note,
            self.next_follow_up.map(|d| d.to_string()),
            self.appointment_date.map(|d| d.to_string()),
            self.from_status,
            self.to_status,
            self.assignee,
            self.notification_version,
            self.corrects
        ])?;
        // An attempt or a change of status names the notification its case
        // came from: the registry counts the families contacted per
        // notification (the pilot's figures) and leaves a case closed
        // without registration out of the open ones (the province's page).
        let names_notification = self.kind == TimelineKind::Attempt || self.to_status.is_some();
        let notification_id: Option<String> = if names_notification {
            tx.prepare_cached("SELECT notification_id FROM case_file WHERE id = ?1")?
                .query_row([self.case_id], |row| row.get(0))?
        } else {
            None
        };
        // An assignment names the officer too: the province's supervisors
        // read who holds an overdue case, and know no officer ids.
        let assignee_name: Option<String> = match (self.kind, self.assignee) {
            (TimelineKind::Assignment, Some(assignee)) => tx
                .prepare_cached("SELECT full_name FROM officer WHERE id = ?1")?
                .query_row([assignee], |row| row.get(0))
                .optional()?,
            _ => None,
        };
        let body = CaseEventBody {
            appointment_date: self.appointment_date,
            assignee: self.assignee,
            assignee_name: assignee_name.as_deref(),
            at: &at,
            case_id: self.case_id,
            case_open: self.to_status.map(CaseStatus::is_open),
            channel: self.channel,
            corrects: self.corrects,
            event_id: &id,
            from_status: self.from_status,
            kind,
            next_follow_up: self.next_follow_up,
            note: self.note,
            notification_id: notification_id.as_deref(),
            notification_version: self.notification_version,
            officer_id: self.officer_id,
            outcome: self.outcome,
            to_status: self.to_status,
        };
        queue_for_sync(tx, self.case_id, &format!("case_{kind}"), &body, &at)?;
        Ok(id)
    }
}

/// A timeline entry as the outbox sends it. Fields in alphabetical order:
/// the body is byte for byte what the earlier `json!` map (sorted keys) gave.
#[derive(Serialize)]
struct CaseEventBody<'a> {
    appointment_date: Option<NaiveDate>,
    assignee: Option<&'a str>,
    /// Assignments only; left out when None, so other entries stay as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    assignee_name: Option<&'a str>,
    at: &'a str,
    case_id: &'a str,
    /// Whether the case is still open after a change of status (the
    /// registry knows no statuses); left out when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    case_open: Option<bool>,
    channel: Option<Channel>,
    corrects: Option<&'a str>,
    event_id: &'a str,
    from_status: Option<CaseStatus>,
    kind: &'a str,
    next_follow_up: Option<NaiveDate>,
    note: Option<&'a str>,
    /// Attempts and changes of status only; left out when None, so other
    /// entries stay as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    notification_id: Option<&'a str>,
    notification_version: Option<u32>,
    officer_id: &'a str,
    outcome: Option<Outcome>,
    to_status: Option<CaseStatus>,
}

impl Store {
    /// Assigns cases to an officer (None: unassigns). Supervisors only; cases
    /// already with that officer are left as they are.
    pub fn assign(
        &mut self,
        actor: &Officer,
        case_ids: &[String],
        assignee: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        actor.require_supervisor(crate::error::ForbiddenAction::AssignCases)?;
        if let Some(assignee) = assignee {
            let officer = self.officer(assignee)?;
            if !officer.active {
                return Err(invalid_with(
                    InputField::Assignee,
                    InputReason::OfficerInactive,
                    [("username", officer.username.clone())],
                ));
            }
        }
        let tx = self.conn.transaction()?;
        let mut changed = 0;
        for case_id in case_ids {
            let case = case_state(&tx, case_id)?;
            if case.assignee.as_deref() == assignee {
                continue;
            }
            case_file::assign(&tx, &case.id, assignee, now)?;
            NewEvent {
                assignee,
                ..NewEvent::new(&case.id, TimelineKind::Assignment, &actor.id)
            }
            .record(&tx, now)?;
            crate::audit::append_with_content(
                &tx,
                &self.key,
                crate::audit::AuditAction::Assign,
                &case.id,
                &actor.id,
                assignee.unwrap_or(""),
                now,
            )?;
            changed += 1;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Logs an outreach attempt and moves the case through the lifecycle.
    /// Returns the timeline entry's id.
    pub fn log_attempt(
        &mut self,
        actor: &Officer,
        case_id: &str,
        input: &AttemptInput,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<String> {
        let (note, appointment, next_follow_up) = check_attempt(input, today, &self.calendar)?;
        let to = status_after(input.outcome);

        let tx = self.conn.transaction()?;
        let case = case_state(&tx, case_id)?;
        // A closed case is reopened, and a changed notification reviewed, by
        // an explicit decision (`change_status`), not by logging a call; each
        // refusal says which applies.
        if let Some(refusal) = attempt_refusal(actor, case.status, case.assignee()) {
            return Err(CoreError::AttemptRefused(refusal));
        }
        check_transition(case.status, to)?;
        if let Some(corrected) = input.corrects.as_deref() {
            check_correctable(&tx, case_id, corrected)?;
        }
        if case.assignee.is_none() {
            take_case(&tx, actor, &case.id, now)?;
        }
        case_file::record_attempt(&tx, &case.id, to, next_follow_up, appointment, now)?;
        let id = NewEvent {
            channel: Some(input.channel),
            outcome: Some(input.outcome),
            note: note.as_deref(),
            next_follow_up,
            appointment_date: appointment,
            from_status: Some(case.status),
            to_status: Some(to),
            notification_version: case.notification_version,
            corrects: input.corrects.as_deref(),
            ..NewEvent::new(&case.id, TimelineKind::Attempt, &actor.id)
        }
        .record(&tx, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// A decision on a case that is not an attempt: not registrable, the
    /// review after the health sector changed the notification, reopening a
    /// case closed by mistake. `to` must follow the lifecycle.
    pub fn change_status(
        &mut self,
        actor: &Officer,
        case_id: &str,
        decision: &StatusDecision,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<String> {
        let (to, next_follow_up) = (decision.to, decision.next_follow_up);
        let reason = clean_note(decision.reason.as_deref())?;
        if needs_reason(to) && reason.is_none() {
            return Err(invalid(
                InputField::DecisionReason,
                InputReason::ReasonMissing,
            ));
        }
        if next_follow_up.is_some_and(|day| day < today) {
            return Err(invalid(InputField::NextFollowUp, InputReason::BeforeToday));
        }
        let tx = self.conn.transaction()?;
        let case = case_state(&tx, case_id)?;
        may_work(actor, &case)?;
        check_transition(case.status, to)?;
        // Only the health facility withdraws a notification; the review
        // confirms its void, it cannot void on its own.
        if to == CaseStatus::Voided && !newest_is_void(&tx, case_id)? {
            return Err(invalid(
                InputField::Status,
                InputReason::VoidedOnlyWhenNotificationVoided,
            ));
        }
        let next_follow_up = if to.is_open() {
            next_follow_up.or_else(|| Some(self.calendar.add_working_days(today, 1)))
        } else {
            None
        };
        case_file::decide(&tx, &case.id, to, next_follow_up, now)?;
        let id = NewEvent {
            note: reason.as_deref(),
            next_follow_up,
            from_status: Some(case.status),
            to_status: Some(to),
            notification_version: case.notification_version,
            ..NewEvent::new(&case.id, TimelineKind::Status, &actor.id)
        }
        .record(&tx, now)?;
        crate::audit::append_with_content(
            &tx,
            &self.key,
            crate::audit::AuditAction::StatusChange,
            &case.id,
            &actor.id,
            to.as_str(),
            now,
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Every entry of a case's history, oldest first.
    pub fn case_history(&self, case_id: &str) -> Result<Vec<TimelineEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, e.at, e.kind, o.full_name AS officer_name, e.channel, e.outcome, e.note,
                    e.next_follow_up, e.appointment_date, e.from_status, e.to_status,
                    a.full_name AS assignee_name, e.notification_version, e.corrects,
                    (SELECT c.id FROM case_event c WHERE c.corrects = e.id ORDER BY c.seq LIMIT 1)
                        AS corrected_by
             FROM case_event e
             LEFT JOIN officer o ON o.id = e.officer_id
             LEFT JOIN officer a ON a.id = e.assignee
             WHERE e.case_id = ?1 ORDER BY e.seq",
        )?;
        let day = |text: Option<String>| text.and_then(|t| t.parse::<NaiveDate>().ok());
        let rows = stmt.query_map([case_id], |row| {
            let kind: String = row.get("kind")?;
            Ok(from_row!(row => TimelineEntry {
                id, at, officer_name, channel, outcome, note, from_status, to_status,
                assignee_name, notification_version, corrects, corrected_by;
                kind: match kind.as_str() {
                    "attempt" => TimelineKind::Attempt,
                    "assignment" => TimelineKind::Assignment,
                    "notification" => TimelineKind::Notification,
                    _ => TimelineKind::Status,
                },
                next_follow_up: day(row.get("next_follow_up")?),
                appointment_date: day(row.get("appointment_date")?),
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The outreach panel of a case for `actor`.
    pub fn outreach_view(
        &self,
        actor: &Officer,
        case_id: &str,
        today: NaiveDate,
    ) -> Result<OutreachView> {
        let guidance = self.guidance(actor, case_id, today)?;
        let case = case_state(&self.conn, case_id)?;
        let status = case.status;
        let may_work =
            case.assignee.as_ref().is_none_or(|a| *a == actor.id) || actor.is_supervisor();
        let attempt_refusal = attempt_refusal(actor, status, case.assignee());
        Ok(OutreachView {
            guidance,
            timeline: self.case_history(case_id)?,
            accepts_attempts: attempt_refusal.is_none(),
            attempt_refusal,
            decisions: if may_work {
                CaseStatus::ALL
                    .into_iter()
                    .filter(|to| officer_may_move(status, *to))
                    .collect()
            } else {
                Vec::new()
            },
            proposals: Outcome::ALL
                .iter()
                .map(|&outcome| FollowUpProposal {
                    outcome,
                    next_follow_up: proposed_follow_up(&self.calendar, outcome, today, None)
                        .filter(|_| status_after(outcome).is_open()),
                })
                .collect(),
        })
    }
}

fn newest_is_void(tx: &Transaction<'_>, case_id: &str) -> Result<bool> {
    Ok(optional_value(
        tx,
        "SELECT n.action = 'void' FROM case_file c JOIN notification n
           ON n.notification_id = c.notification_id AND n.version = c.notification_version
         WHERE c.id = ?1",
        [case_id],
    )?
    .unwrap_or(false))
}

/// Takes an unassigned case for the officer who starts working it.
fn take_case(
    tx: &Transaction<'_>,
    actor: &Officer,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    case_file::take(tx, case_id, &actor.id)?;
    NewEvent {
        assignee: Some(&actor.id),
        ..NewEvent::new(case_id, TimelineKind::Assignment, &actor.id)
    }
    .record(tx, now)?;
    Ok(())
}

/// Only an attempt of the same case can be corrected, and only once.
fn check_correctable(tx: &Transaction<'_>, case_id: &str, corrected: &str) -> Result<()> {
    let found: Option<(String, String, bool)> = tx
        .query_row(
            "SELECT case_id, kind, EXISTS (SELECT 1 FROM case_event c WHERE c.corrects = e.id)
             FROM case_event e WHERE id = ?1",
            [corrected],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    match found {
        Some((case, kind, false)) if case == case_id && kind == "attempt" => Ok(()),
        Some((_, _, true)) => Err(invalid(
            InputField::CorrectedAttempt,
            InputReason::AlreadyCorrected,
        )),
        _ => Err(invalid(
            InputField::CorrectedAttempt,
            InputReason::NotAnAttemptOfCase,
        )),
    }
}

#[cfg(test)]
mod tests;
