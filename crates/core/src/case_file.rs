//! The case row, `case_file`: this module is its only writer. Intake opens a
//! case from a notification and applies the notification's later versions;
//! registration opens one by hand and closes it as registered; outreach
//! assigns it and moves it through the lifecycle. Each calls one of these
//! functions inside its own transaction, with the timeline entry and the
//! outbox row of the same write. Triggers keep `case_name_key`,
//! `attempt_fact` and the statistics' columns in step (001, 006, 008).
//! Reads nothing.

use chrono::{DateTime, NaiveDate, Utc};
use hotich_protocol::EventKind;
use rusqlite::{params, ToSql, Transaction};

use crate::error::Result;
use crate::model::CaseStatus;

/// Who or what a case is about, as its notification or the officer gave it.
pub(crate) struct Subject {
    pub(crate) name: String,
    /// `name` folded for search (`text::fold`).
    pub(crate) folded: String,
    pub(crate) event_date: NaiveDate,
    pub(crate) deadline: NaiveDate,
}

/// The notification a case is opened from or updated with.
pub(crate) struct FromNotification<'a> {
    pub(crate) notification_id: &'a str,
    /// The newest version held, and the version whose content the case shows.
    pub(crate) newest_version: u32,
    pub(crate) content_version: u32,
    pub(crate) facility_id: &'a str,
    pub(crate) facility_name: &'a str,
}

/// Opens a case for a notification; returns its id.
pub(crate) fn open_from_notification(
    tx: &Transaction<'_>,
    kind: EventKind,
    status: CaseStatus,
    subject: &Subject,
    notification: &FromNotification<'_>,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = now.to_rfc3339();
    let mut values = content_values(&status, subject, notification).to_vec();
    values.extend([
        (":id", &id as &dyn ToSql),
        (":kind", &kind),
        (":notification_id", &notification.notification_id),
        (":now", &now),
    ]);
    tx.prepare_cached(
        "INSERT INTO case_file (id, kind, notification_id, notification_version, content_version, status,
                                subject_name, name_folded, event_date, deadline, facility_id, facility_name,
                                opened_at, updated_at)
         VALUES (:id, :kind, :notification_id, :notification_version, :content_version, :status,
                 :subject_name, :name_folded, :event_date, :deadline, :facility_id, :facility_name,
                 :now, :now)",
    )?
    .execute(values.as_slice())?;
    Ok(id)
}

/// The columns a notification version sets, named alike for the INSERT
/// that opens a case and the UPDATE that applies a newer version.
fn content_values<'a>(
    status: &'a CaseStatus,
    subject: &'a Subject,
    notification: &'a FromNotification<'_>,
) -> [(&'static str, &'a dyn ToSql); 9] {
    [
        (":status", status),
        (":notification_version", &notification.newest_version),
        (":content_version", &notification.content_version),
        (":subject_name", &subject.name),
        (":name_folded", &subject.folded),
        (":event_date", &subject.event_date),
        (":deadline", &subject.deadline),
        (":facility_id", &notification.facility_id),
        (":facility_name", &notification.facility_name),
    ]
}

/// A newer notification version with content: the case takes its subject.
pub(crate) fn apply_new_content(
    tx: &Transaction<'_>,
    case_id: &str,
    status: CaseStatus,
    subject: &Subject,
    notification: &FromNotification<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = now.to_rfc3339();
    let mut values = content_values(&status, subject, notification).to_vec();
    values.extend([(":id", &case_id as &dyn ToSql), (":now", &now)]);
    tx.prepare_cached(
        "UPDATE case_file SET status = :status, notification_version = :notification_version,
                content_version = :content_version, subject_name = :subject_name,
                name_folded = :name_folded, event_date = :event_date, deadline = :deadline,
                facility_id = :facility_id, facility_name = :facility_name, updated_at = :now
         WHERE id = :id",
    )?
    .execute(values.as_slice())?;
    Ok(())
}

/// A newer notification version without new content (a void, or content
/// older than the case's): only the status and the newest version move.
pub(crate) fn apply_new_version(
    tx: &Transaction<'_>,
    case_id: &str,
    status: CaseStatus,
    newest_version: u32,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE case_file SET status = ?2, notification_version = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![case_id, status, newest_version, now.to_rfc3339()])?;
    Ok(())
}

/// Opens a case no notification announced, assigned to the officer opening
/// it; returns its id.
pub(crate) fn open_by_hand(
    tx: &Transaction<'_>,
    kind: EventKind,
    subject: &Subject,
    assignee: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    tx.execute(
        "INSERT INTO case_file (id, kind, status, subject_name, name_folded, event_date, deadline,
                                opened_at, updated_at, assignee)
         VALUES (?1, ?2, 'new', ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
        params![
            id,
            kind,
            subject.name,
            subject.folded,
            subject.event_date,
            subject.deadline,
            now.to_rfc3339(),
            assignee
        ],
    )?;
    Ok(id)
}

/// The case is registered: outreach ends.
pub(crate) fn close_as_registered(
    tx: &Transaction<'_>,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET status = 'registered', next_follow_up = NULL, updated_at = ?2 WHERE id = ?1",
        params![case_id, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Gives the case to `assignee` (None: nobody).
pub(crate) fn assign(
    tx: &Transaction<'_>,
    case_id: &str,
    assignee: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET assignee = ?2, updated_at = ?3 WHERE id = ?1",
        params![case_id, assignee, now.to_rfc3339()],
    )?;
    Ok(())
}

/// An unassigned case becomes the officer's who starts working it (the
/// attempt's own write sets `updated_at`).
pub(crate) fn take(tx: &Transaction<'_>, case_id: &str, officer_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET assignee = ?2 WHERE id = ?1",
        params![case_id, officer_id],
    )?;
    Ok(())
}

/// After an outreach attempt: the status it led to, the next follow-up and
/// the appointment, and when the family was last tried.
pub(crate) fn record_attempt(
    tx: &Transaction<'_>,
    case_id: &str,
    to: CaseStatus,
    next_follow_up: Option<NaiveDate>,
    appointment: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET status = ?2, next_follow_up = ?3, appointment_date = ?4, last_attempt_at = ?5,
                updated_at = ?5
         WHERE id = ?1",
        params![
            case_id,
            to,
            next_follow_up,
            appointment,
            now.to_rfc3339()
        ],
    )?;
    Ok(())
}

/// A decision that is not an attempt: the appointment is kept only while
/// the case stays at `appointment`.
pub(crate) fn decide(
    tx: &Transaction<'_>,
    case_id: &str,
    to: CaseStatus,
    next_follow_up: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE case_file SET status = ?2, next_follow_up = ?3,
                appointment_date = CASE WHEN ?2 = 'appointment' THEN appointment_date END,
                updated_at = ?4
         WHERE id = ?1",
        params![case_id, to, next_follow_up, now.to_rfc3339()],
    )?;
    Ok(())
}
