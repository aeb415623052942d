//! Timeliness and completeness of registration over a period, for the
//! Ministry's periodic report. Writes no table; reads `case_file` and
//! `attempt_fact` (the cases worked on a second, read-only connection), and
//! the health side's timeliness through [`super::timeliness`].

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use hotich_protocol::EventKind;
use rusqlite::params;

use super::rank::{histogram, nearest_rank};
use super::{KindStats, MonthTrend, PeriodReport, PeriodStats};
use crate::error::{invalid_with, CoreError, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::store::Store;
use crate::time::{office_day_of, start_of_office_day_rfc3339};
use hotich_common::sqlite::to_u64;

/// By type of case: the cases with an attempt in [since, until) that are not
/// voided, and how many of them were registered by `last_day`.
fn cases_worked(
    conn: &rusqlite::Connection,
    since: &str,
    until: &str,
    last_day: &str,
) -> Result<Vec<(EventKind, u64, u64)>> {
    let mut stmt = conn.prepare(
        "SELECT c.kind, count(*), count(c.registered_on <= ?3 OR NULL)
         FROM (SELECT DISTINCT case_seq FROM attempt_fact WHERE at >= ?1 AND at < ?2) w
         JOIN case_file c INDEXED BY case_by_seq ON c.seq = w.case_seq
         WHERE c.status <> 'voided'
         GROUP BY 1",
    )?;
    let rows = stmt.query_map(params![since, until, last_day], |row| {
        Ok((row.get(0)?, to_u64(row.get(1)?), to_u64(row.get(2)?)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whole days as counted in SQL (never negative: a registration or a
/// contact cannot precede what it follows).
fn days_of(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
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

impl Store {
    /// The commune's figures for a period with their report lines: the
    /// Ministry's periodic report is the supervisor's (registrars see their
    /// own figures on the dashboard).
    pub fn period_report(
        &self,
        actor: &Officer,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<PeriodReport> {
        actor.require_supervisor(crate::error::ForbiddenAction::ViewCommuneStats)?;
        let stats = self.period_stats(from, to)?;
        Ok(PeriodReport {
            lines: stats.report_lines(),
            stats,
            audit_head: self.audit_head()?,
        })
    }

    /// Timeliness and completeness of registration over [from, to], both
    /// office days included, for the whole commune.
    pub fn period_stats(&self, from: NaiveDate, to: NaiveDate) -> Result<PeriodStats> {
        if from > to {
            return Err(invalid_with(
                InputField::Period,
                InputReason::StartAfterEnd,
                [("from", from.to_string()), ("to", to.to_string())],
            ));
        }
        let (since, until) = (
            start_of_office_day_rfc3339(from),
            start_of_office_day_rfc3339(to + Days::new(1)),
        );
        let (first_day, last_day) = (from.to_string(), to.to_string());
        let mut stats = PeriodStats {
            from,
            to,
            birth: KindStats::empty(EventKind::Birth),
            death: KindStats::empty(EventKind::Death),
            monthly: Vec::new(),
            facilities: Vec::new(),
            pilot: super::pilot::figures(&self.conn, from, to)?,
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
            let (conn, since, until, last_day) = (
                self.read_only_connection()?,
                since.clone(),
                until.clone(),
                last_day.clone(),
            );
            std::thread::spawn(move || cases_worked(&conn, &since, &until, &last_day))
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
                let kind: EventKind = row.get(0)?;
                let opened_day = office_day_of(&row.get::<_, String>(1)?);
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
                        .and_then(office_day_of);
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
                let kind: EventKind = row.get(0)?;
                let registered_on: String = row.get(1)?;
                let deadline: String = row.get(2)?;
                let event_date: NaiveDate = row.get(3)?;
                let registered_day: NaiveDate = row.get(1)?;
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
            let mut counted: HashMap<(EventKind, Option<String>), u64> = HashMap::new();
            let mut rows = stmt.query(params![since, until])?;
            while let Some(row) = rows.next()? {
                *counted.entry((row.get(0)?, row.get(1)?)).or_default() += 1;
            }
            for ((kind, outcome), count) in counted {
                let figures = stats.of_mut(kind);
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
            let figures = stats.of_mut(kind);
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
        super::timeliness::fill(
            &self.conn,
            &self.calendar,
            &self.office_hours()?,
            &since,
            &until,
            &mut stats,
        )?;
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_touching_a_period() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            months(day(2026, 11, 20), day(2027, 2, 3)),
            vec!["2026-11", "2026-12", "2027-01", "2027-02"]
        );
        assert_eq!(months(day(2026, 6, 1), day(2026, 6, 30)), vec!["2026-06"]);
    }
}
