//! The pilot's report of a province on the registry (issue 18): a year of a
//! province of 100 communes (about 25,000 deaths and 50,000 births notified,
//! the families' attempts, the registrations and the causes returned),
//! stored through the registry's own `Storage` as the facility door and the
//! workstations' pushes store them; then `pilot_report::province_report`
//! for the year, and for one month. Prints figures; asserts only that each
//! step succeeds.
//!
//! `cargo bench -p hotich-central --bench pilot_report`
//! (Bar: the year's report < 2 s.) `HOTICH_BENCH_PILOT_COMMUNES` lowers
//! the size (default 100). The database goes to /dev/shm when there is one:
//! what is measured is the report, not the loading's fsyncs.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, NaiveTime, TimeZone, Utc};
use hotich_central::pilot_report::province_report;
use hotich_central::storage::{
    Incoming, NewWorkstation, PilotNotice, PushedRecord, SqliteStorage, Storage, Workstation,
};
use hotich_protocol::health_loop::CauseOfDeath;
use hotich_protocol::{reference, EventKind};
use rand::{Rng, SeedableRng};
use serde_json::json;

const PROVINCE: &str = "01";
const DEATHS_PER_COMMUNE: usize = 250;
const BIRTHS_PER_COMMUNE: usize = 500;
const ROUNDS: usize = 5;

fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap()))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let communes_wanted: usize = std::env::var("HOTICH_BENCH_PILOT_COMMUNES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let storage = SqliteStorage::open(&dir.path().join("central.db")).unwrap();
    let communes: Vec<&str> = reference::communes_in(PROVINCE)
        .take(communes_wanted)
        .map(|c| c.code)
        .collect();
    let (from, to) = (
        NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    );
    let days = (to - from).num_days() as u64 + 1;
    let mut rng = rand::rngs::StdRng::seed_from_u64(18);

    let loading = Instant::now();
    let mut arrivals: BTreeMap<NaiveDate, Vec<Incoming>> = BTreeMap::new();
    // (commune, case, notification id, kind, event date)
    let mut cases = Vec::new();
    for commune in &communes {
        let token = hotich_central::new_token();
        let new = NewWorkstation {
            commune,
            label: "bench",
            token_sha256: &hotich_central::server::token_hash(&token),
            expires_at: None,
        };
        let id = storage.add_workstation(&new, at(from, 0)).unwrap();
        let workstation = Workstation {
            id,
            commune: (*commune).to_owned(),
        };
        for (kind, count) in [
            (EventKind::Death, DEATHS_PER_COMMUNE),
            (EventKind::Birth, BIRTHS_PER_COMMUNE),
        ] {
            for i in 0..count {
                let event = from + Days::new(rng.gen_range(0..days));
                let arrived = event + Days::new(rng.gen_range(0..3));
                let notification_id = format!("{commune}-{}-{i:06}", kind.as_str());
                arrivals.entry(arrived).or_default().push(Incoming {
                    notification_id: notification_id.clone(),
                    version: 1,
                    envelope: format!("{{\"bench\":\"{notification_id}\"}}"),
                    content_commune: Some((*commune).to_owned()),
                    claimed_commune: (*commune).to_owned(),
                    pilot: PilotNotice {
                        kind,
                        event_date: Some(event),
                        identification_complete: rng.gen_bool(0.96),
                        issued_at: None,
                        subject_name: None,
                    },
                });
                cases.push((workstation.clone(), notification_id, kind, event));
            }
        }
    }
    let notices: usize = arrivals.values().map(Vec::len).sum();
    for (day, batch) in arrivals {
        storage.append_notifications(&batch, at(day, 3)).unwrap();
    }
    let (mut attempts, mut registrations, mut causes) = (0, 0, 0);
    for (workstation, notification_id, kind, event) in &cases {
        let case_id = format!("case-{notification_id}");
        let contacted = rng.gen_bool(0.88);
        if contacted {
            let when = at(*event + Days::new(rng.gen_range(1..5)), 2);
            let body = json!({"at": when.to_rfc3339(), "case_id": case_id, "kind": "attempt",
                              "notification_id": notification_id, "outcome": "reached"});
            let record = PushedRecord {
                case_id: Some(case_id.clone()),
                kind: "case_attempt".into(),
                body: body.to_string(),
                created_at: when.to_rfc3339(),
            };
            storage
                .put_event(workstation, &format!("{case_id}-a"), &record, when)
                .unwrap();
            attempts += 1;
        }
        let registers = match kind {
            EventKind::Death => rng.gen_bool(if contacted { 0.45 } else { 0.2 }),
            EventKind::Birth => rng.gen_bool(0.9),
        };
        if !registers {
            continue;
        }
        let on = *event + Days::new(rng.gen_range(2..40));
        let limit = if *kind == EventKind::Death { 15 } else { 60 };
        let registration_id = format!("reg-{notification_id}");
        let body = json!({
            "registration_id": registration_id, "case_id": case_id, "type": kind,
            "form": {"registration_date": on}, "event_date": event,
            "deadline": *event + Days::new(limit), "notification_id": notification_id,
        });
        let record = PushedRecord {
            case_id: Some(case_id.clone()),
            kind: "registration".into(),
            body: body.to_string(),
            created_at: at(on, 2).to_rfc3339(),
        };
        storage
            .put_event(workstation, &format!("{case_id}-r"), &record, at(on, 2))
            .unwrap();
        registrations += 1;
        if *kind == EventKind::Death && rng.gen_bool(0.8) {
            let cause = CauseOfDeath {
                registration_id,
                facility_id: "bench".into(),
                icd10: "I21.9".into(),
                text: "Nhồi máu cơ tim cấp".into(),
                determined_by: "bench".into(),
                determined_on: on + Days::new(2),
            };
            storage
                .record_cause(&cause, "{}", at(on + Days::new(rng.gen_range(2..10)), 4))
                .unwrap();
            causes += 1;
        }
    }
    println!(
        "loaded {} communes: {notices} notices, {attempts} attempts, {registrations} registrations, {causes} causes in {:.1} s",
        communes.len(),
        loading.elapsed().as_secs_f64()
    );

    let run = |from: NaiveDate, to: NaiveDate| {
        let mut times = Vec::with_capacity(ROUNDS);
        let mut last = None;
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let report = province_report(&storage, PROVINCE, from, to, Utc::now()).unwrap();
            times.push(started.elapsed());
            last = Some(report);
        }
        (median(times), last.unwrap())
    };
    let (year, report) = run(from, to);
    let d = &report.figures.death;
    let b = &report.figures.birth;
    println!(
        "the year's report ({} deaths, {} births notified; {} and {} registered): median {:.0} ms of {ROUNDS} [bar < 2,000 ms]",
        d.notified,
        b.notified,
        d.registered,
        b.registered,
        year.as_secs_f64() * 1000.0
    );
    let (month, report) = run(
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    );
    println!(
        "one month's report ({} deaths notified): median {:.1} ms",
        report.figures.death.notified,
        month.as_secs_f64() * 1000.0
    );
}
