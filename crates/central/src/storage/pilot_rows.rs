//! The pilot's rows of a set of communes joined into
//! `hotich_protocol::pilot::PilotCase`s, the same for both back-ends: each
//! reads its tables once, by commune in index order (a province's year is
//! some 75,000 events, and looking each one's case, shared death and cause
//! up by key would read a page per lookup once the tables outgrow the
//! cache), and hands the rows here.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use hotich_common::time::office_day_of;
use hotich_protocol::pilot::{NotifiedFacts, PilotCase, RegisteredFacts};
use hotich_protocol::EventKind;

/// A `pilot_case` row, its columns as stored.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaseRow {
    pub notification_id: Option<String>,
    pub first_contact_at: Option<String>,
    pub registration_id: Option<String>,
    pub kind: Option<String>,
    pub event_date: Option<String>,
    pub deadline: Option<String>,
    pub registered_on: Option<String>,
}

/// A `pilot_notification` row of the period, not voided.
#[derive(Debug, Clone)]
pub(crate) struct NotificationRow {
    pub notification_id: String,
    pub kind: String,
    pub event_date: Option<String>,
    pub received_at: Option<String>,
    pub identification_complete: Option<bool>,
}

/// What the join reads besides the cases and notifications: the deaths
/// shared with health, and the day each returned cause arrived (RFC 3339).
#[derive(Debug, Default)]
pub(crate) struct HealthRows {
    pub shared: HashSet<String>,
    pub causes: HashMap<String, Option<String>>,
}

fn day(text: Option<&str>) -> Option<NaiveDate> {
    text.and_then(office_day_of)
}

fn date(text: Option<&str>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

/// One case, read.
struct CaseFacts {
    first_contact: Option<NaiveDate>,
    registration_id: Option<String>,
    kind: Option<EventKind>,
    event_date: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    registered_on: Option<NaiveDate>,
}

/// The pilot's cases of the events in [from, to]: each notification
/// relayed (not voided) with its cases, then the cases registered without a
/// notification. When two workstations of a commune hold a case for the
/// same notification, the first contact and a registration of either count.
pub(crate) fn join(
    health: &HealthRows,
    case_rows: impl IntoIterator<Item = CaseRow>,
    notification_rows: impl IntoIterator<Item = NotificationRow>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<PilotCase> {
    let registered = |kind: EventKind, case: &CaseFacts| -> Option<RegisteredFacts> {
        let id = case.registration_id.as_deref()?;
        Some(RegisteredFacts {
            registered_on: case.registered_on?,
            deadline: case.deadline?,
            shared_with_health: kind == EventKind::Death && health.shared.contains(id),
            cause_returned_on: health.causes.get(id).and_then(|at| day(at.as_deref())),
        })
    };

    let mut by_notification: HashMap<String, Vec<CaseFacts>> = HashMap::new();
    let mut cases = Vec::new();
    for row in case_rows {
        let case = CaseFacts {
            first_contact: day(row.first_contact_at.as_deref()),
            kind: row.kind.as_deref().and_then(|k| k.parse().ok()),
            event_date: date(row.event_date.as_deref()),
            deadline: date(row.deadline.as_deref()),
            registered_on: date(row.registered_on.as_deref()),
            registration_id: row.registration_id,
        };
        match (row.notification_id, case.kind, case.event_date) {
            (Some(id), _, _) => by_notification.entry(id).or_default().push(case),
            (None, Some(kind), Some(event_date)) if (from..=to).contains(&event_date) => {
                cases.push(PilotCase {
                    kind,
                    event_date,
                    notified: None,
                    first_contact_on: case.first_contact,
                    registration: registered(kind, &case),
                });
            }
            _ => {}
        }
    }

    for row in notification_rows {
        let (Ok(kind), Some(event_date)) = (
            row.kind.parse::<EventKind>(),
            date(row.event_date.as_deref()),
        ) else {
            continue;
        };
        let notified = day(row.received_at.as_deref()).map(|arrived_on| NotifiedFacts {
            arrived_on,
            identification_complete: row.identification_complete.unwrap_or(false),
        });
        let held = by_notification
            .get(&row.notification_id)
            .map_or(&[][..], Vec::as_slice);
        cases.push(PilotCase {
            kind,
            event_date,
            notified,
            first_contact_on: held.iter().filter_map(|c| c.first_contact).min(),
            registration: held.iter().find_map(|c| registered(kind, c)),
        });
    }
    cases
}
