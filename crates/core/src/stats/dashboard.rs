//! The dashboard of today's open work and each officer's workload. Writes
//! no table; reads `case_file` (through the queue's filters), `case_event`,
//! `officer` and `outbox`.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use hotich_protocol::EventKind;
use rusqlite::params;

use super::{DashboardFigures, Figure, OfficerWorkload, OpenCasesFigure};
use crate::error::Result;
use crate::model::{CaseFilter, CaseStatus};
use crate::officer::Officer;
use crate::store::Store;
use crate::time::start_of_office_day_rfc3339;
use hotich_common::sqlite::to_u64;

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
        let (conditions, values) = crate::queue::filter_conditions(filter, today, &self.calendar);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.status, c.kind, count(*) FROM case_file c {} GROUP BY 1, 2",
            crate::queue::where_of(&conditions)
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
        let mut counted = HashMap::new();
        while let Some(row) = rows.next()? {
            let status: CaseStatus = row.get(0)?;
            let kind: EventKind = row.get(1)?;
            counted.insert((status, kind), to_u64(row.get(2)?));
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
            overdue_on_arrival: self.figure(
                CaseFilter {
                    overdue_on_arrival: true,
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
            dead_sync_items: to_u64(dead_sync_items),
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
        let week_from = start_of_office_day_rfc3339(monday_of(today));
        let until = start_of_office_day_rfc3339(today + Days::new(1));
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
                attempts_this_week: to_u64(attempts),
                registrations_this_month: to_u64(registrations),
                officer_id: officer.id,
                username: officer.username,
                full_name: officer.full_name,
                role: officer.role,
            });
        }
        Ok(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_monday_of_a_week() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // Saturday 21 November 2026 -> Monday 16; a Monday is its own.
        assert_eq!(monday_of(day(2026, 11, 21)), day(2026, 11, 16));
        assert_eq!(monday_of(day(2026, 11, 16)), day(2026, 11, 16));
    }
}
