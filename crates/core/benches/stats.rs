//! Dashboard and period statistics latency on 200,000 cases (bar: < 200 ms
//! each). Prints, asserts nothing:
//!
//!   cargo bench -p hotich-core --bench stats
//!
//! A year of a large commune is written straight into the tables (cases,
//! attempts, registrations, outbox rows): going through the Store API would
//! take hours. HOTICH_BENCH_STATS_CASES lowers the size for a quick look.

mod common;

use std::time::{Duration, Instant};

use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc};
use hotich_calendar::OfficeCalendar;
use hotich_core::legal::registration_deadline;
use hotich_core::{Officer, Outcome, Role, Store};
use hotich_protocol::EventKind;
use rand::{Rng, SeedableRng};
use rusqlite::params;

use common::{ms, size};

const PASSWORD: &str = "mật khẩu 2026";
/// The years the cases span: a period's figures read that period's cases.
const YEARS: u64 = 5;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()
}

/// 10:00 in Vietnam on `day`, as the store writes times.
fn morning(day: NaiveDate) -> String {
    Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap_or_default())
        .to_rfc3339()
}

fn time(label: &str, runs: usize, mut run: impl FnMut()) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{label:<44} p50 {:>7.1} ms   p95 {:>7.1} ms   max {:>7.1} ms   (bar < 200 ms)",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0))
    );
}

fn main() {
    let cases = size("HOTICH_BENCH_STATS_CASES", 200_000);
    let dir = tempfile::tempdir().expect("tempdir");
    // HOTICH_BENCH_STATS_DB keeps the database for a look at the query plans.
    let path = std::env::var_os("HOTICH_BENCH_STATS_DB")
        .map_or_else(|| dir.path().join("stats.db"), std::path::PathBuf::from);
    let mut store = Store::open(&path, &hotich_core::StoreKey::demo()).expect("open");
    let now = Utc::now();
    let supervisor = store
        .create_first_supervisor("lanhdao", "Phạm Văn Lãnh", PASSWORD, now)
        .expect("supervisor");
    let registrars: Vec<Officer> = (0..6)
        .map(|i| {
            store
                .create_officer(
                    &supervisor,
                    &format!("canbo{i}"),
                    &format!("Cán bộ {i}"),
                    Role::Registrar,
                    PASSWORD,
                    now,
                )
                .expect("registrar")
        })
        .collect();
    drop(store);

    let started = Instant::now();
    let (mut attempts, mut registrations) = (0usize, 0usize);
    {
        let mut conn = hotich_core::store_key::StoreFile {
            path: path.clone(),
            key: hotich_core::StoreKey::demo(),
        }
        .raw_connection()
        .expect("open raw");
        let tx = conn.transaction().expect("tx");
        {
            let mut case = tx
                .prepare(
                    "INSERT INTO case_file (id, kind, notification_id, notification_version, content_version, status,
                                            subject_name, name_folded, event_date, deadline, opened_at, updated_at,
                                            assignee, next_follow_up, last_attempt_at)
                     VALUES (?1, ?2, ?3, 1, 1, ?4, ?5, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)",
                )
                .expect("prepare case");
            let mut event = tx
                .prepare(
                    "INSERT INTO case_event (id, case_id, at, officer_id, kind, channel, outcome)
                     VALUES (?1, ?2, ?3, ?4, 'attempt', 'phone', ?5)",
                )
                .expect("prepare event");
            let mut registration = tx
                .prepare(
                    "INSERT INTO registration (id, case_id, kind, year, number, book, registered_at, officer_id,
                                               late, form)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .expect("prepare registration");
            let mut outbox = tx
                .prepare(
                    "INSERT INTO outbox (id, case_id, kind, body, created_at, state)
                     VALUES (?1, ?2, 'case_attempt', '{}', ?3, ?4)",
                )
                .expect("prepare outbox");
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
            let calendar = OfficeCalendar::default();
            // Every outcome an attempt can have without a note naming another office.
            let outcomes: Vec<&str> = Outcome::ALL
                .iter()
                .filter(|outcome| **outcome != Outcome::RegisteredElsewhere)
                .map(|outcome| outcome.as_str())
                .collect();
            let mut numbers = std::collections::HashMap::new();
            for i in 0..cases {
                let kind = if i % 3 == 0 {
                    EventKind::Death
                } else {
                    EventKind::Birth
                };
                // Five years of a large commune's events, received a day or two later.
                let event_day = today() - Days::new(rng.gen_range(0..YEARS * 365));
                let received = (event_day + Days::new(rng.gen_range(0..3))).min(today());
                let deadline = registration_deadline(&calendar, kind, event_day);
                let officer = &registrars[i % registrars.len()];
                let id = format!("case-{i:07}");
                let attempt_days: Vec<NaiveDate> = (0..rng.gen_range(0..5u64))
                    .map(|t| (received + Days::new(1 + t * 2)).min(today()))
                    .collect();
                let last_attempt = attempt_days.last().map(|day| morning(*day));
                let registered_on = (event_day + Days::new(rng.gen_range(1..90))).min(today());
                let status = match rng.gen_range(0..100) {
                    0..=79 if registered_on > received => "registered",
                    80..=82 => "voided",
                    83..=85 => "registered_elsewhere",
                    86..=88 => "needs_review",
                    89..=93 => "in_outreach",
                    94..=95 => "appointment",
                    _ => "new",
                };
                case.execute(params![
                    id,
                    kind.as_str(),
                    format!("n-{i:07}"),
                    status,
                    format!("nguyen van {i}"),
                    event_day.to_string(),
                    deadline.to_string(),
                    morning(received),
                    officer.id,
                    (status == "in_outreach")
                        .then(|| (today() - Days::new(i as u64 % 10)).to_string()),
                    last_attempt
                ])
                .expect("case");
                for (t, day) in attempt_days.iter().enumerate() {
                    event
                        .execute(params![
                            format!("ev-{i:07}-{t}"),
                            id,
                            morning(*day),
                            officer.id,
                            outcomes[rng.gen_range(0..outcomes.len())]
                        ])
                        .expect("event");
                    attempts += 1;
                }
                if status == "registered" {
                    let year = registered_on.year();
                    let number = numbers.entry((kind, year)).or_insert(0u32);
                    *number += 1;
                    registration
                        .execute(params![
                            format!("reg-{i:07}"),
                            id,
                            kind.as_str(),
                            year,
                            *number,
                            format!("01/{year}"),
                            morning(registered_on),
                            officer.id,
                            registered_on > deadline,
                            format!("{{\"registration_date\":\"{registered_on}\"}}")
                        ])
                        .expect("registration");
                    registrations += 1;
                }
                if i % 50 == 0 {
                    outbox
                        .execute(params![
                            format!("ob-{i:07}"),
                            id,
                            morning(received),
                            if i % 500 == 0 { "dead" } else { "sent" }
                        ])
                        .expect("outbox");
                }
            }
        }
        tx.commit().expect("commit");
        conn.execute_batch("ANALYZE").expect("analyze");
    }
    println!(
        "Hotich statistics benchmark ({} cores): {cases} cases, {attempts} attempts, {registrations} registrations \
         (written in {:.1} s)",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        started.elapsed().as_secs_f64()
    );

    let store = Store::open(&path, &hotich_core::StoreKey::demo()).expect("open");
    let year_ago = today() - Days::new(364);
    let month_start = today().with_day(1).unwrap_or(today());
    let dashboard = store.dashboard(&supervisor, today()).expect("dashboard");
    println!(
        "dashboard: open {}, overdue {}, no contact {}, follow-up due {}, needs review {}, sync failed {}",
        dashboard.open.count,
        dashboard.overdue.count,
        dashboard.no_contact_yet.count,
        dashboard.follow_up_due.count,
        dashboard.needs_review.count,
        dashboard.sync_failed.count
    );
    let year = store.period_stats(year_ago, today()).expect("stats");
    println!(
        "a year: births received {}, registered {} ({} on time), median {:?} days; deaths registered {}",
        year.birth.received,
        year.birth.registered,
        year.birth.registered_on_time,
        year.birth.days_to_registration_median,
        year.death.registered
    );
    println!();
    time("dashboard, supervisor (whole commune)", 20, || {
        store.dashboard(&supervisor, today()).expect("dashboard");
    });
    time("dashboard, one registrar", 20, || {
        store.dashboard(&registrars[0], today()).expect("dashboard");
    });
    time("period statistics, one year", 10, || {
        store.period_stats(year_ago, today()).expect("stats");
    });
    let all_years = today() - Days::new(YEARS * 365);
    time("period statistics, all five years (every case)", 5, || {
        store.period_stats(all_years, today()).expect("stats");
    });
    time("period statistics, one month", 20, || {
        store.period_stats(month_start, today()).expect("stats");
    });
}
