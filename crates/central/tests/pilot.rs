//! The Justice-Health pilot at the registry (issue 18, items 4 and 5), on
//! the real binary: `simulate --scenario pilot` plays six months of a
//! province into a registry database, and every line of `report pilot`
//! equals what this test counts on its own from the simulator's ledger; the
//! same figures come from `GET /v1/reports/pilot` to a workstation of the
//! province (and to nobody without a token); and on a registry fed over
//! HTTP (notices posted, a workstation's attempt and registration pushed, a
//! cause returned) the report counts each.

mod common;
use common::{bin, central, registry, serve};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use hotich_protocol::personal_id::check_personal_id;
use hotich_protocol::{reference, Notification, PartialDate};
use serde_json::{json, Value};

const FROM: &str = "2026-01-01";
const TO: &str = "2026-06-30";

/// A Vietnamese calendar day of an instant (UTC+7), counted here.
fn vietnam_day(at: &str) -> NaiveDate {
    let at: DateTime<Utc> = at.parse().unwrap();
    (at + Duration::hours(7)).date_naive()
}

fn date(value: &Value) -> Option<NaiveDate> {
    value.as_str().map(|d| d.parse().unwrap())
}

/// The pilot's rule, written again here: the deceased's 12-digit number
/// valid in structure, the name, the whole date of birth and a commune of
/// permanent residence the reference list knows.
fn complete(notice: &Notification) -> bool {
    let death = notice.death.as_ref().unwrap();
    let full_birth = matches!(death.birth_date, PartialDate::Full(_));
    let id_ok = death
        .id_number
        .as_deref()
        .is_some_and(|id| check_personal_id(id, death.sex, death.birth_date.year()).is_ok());
    !death.name.trim().is_empty()
        && full_birth
        && id_ok
        && reference::commune(&death.permanent_commune_code).is_some()
}

/// The death lines, counted from the ledger.
#[derive(Debug, Default)]
struct Counted {
    notified: u64,
    contacted: u64,
    registered_after_outreach: u64,
    not_registered: u64,
    registered: u64,
    on_time: u64,
    registration_days: Vec<i64>,
    health_days: i64,
    complete: u64,
    causes: u64,
    cause_days: i64,
}

fn count(ledger: &str, from: NaiveDate, to: NaiveDate) -> Counted {
    let mut c = Counted::default();
    for line in ledger.lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        if entry["voided"].as_bool().unwrap() {
            continue;
        }
        let notice: Option<Notification> =
            serde_json::from_value(entry["first_notice"].clone()).unwrap();
        // A notified death counts from the date its first notice gives.
        let event = match &notice {
            Some(n) => n.death.as_ref().unwrap().death_time.date(),
            None => date(&entry["event_date"]).unwrap(),
        };
        if event < from || event > to {
            continue;
        }
        let registered = date(&entry["registered_on"]);
        if let Some(notice) = &notice {
            c.notified += 1;
            let arrived = vietnam_day(entry["first_notice_arrived_at"].as_str().unwrap());
            c.health_days += (arrived - event).num_days();
            c.complete += u64::from(complete(notice));
            let contacted = !entry["first_contact_at"].is_null();
            c.contacted += u64::from(contacted);
            match registered {
                Some(_) if contacted => c.registered_after_outreach += 1,
                Some(_) => {}
                None => c.not_registered += 1,
            }
        }
        if let Some(on) = registered {
            c.registered += 1;
            c.on_time += u64::from(on <= date(&entry["deadline"]).unwrap());
            c.registration_days.push((on - event).num_days());
            if let Some(at) = entry["cause_returned_at"].as_str() {
                c.causes += 1;
                c.cause_days += (vietnam_day(at) - on).num_days();
            }
        }
    }
    c
}

fn mean(sum: i64, count: u64) -> Option<f64> {
    (count > 0).then(|| sum as f64 / count as f64)
}

fn assert_close(label: &str, reported: &Value, counted: Option<f64>) {
    match counted {
        None => assert!(reported.is_null(), "{label}: {reported}"),
        Some(counted) => {
            let reported = reported.as_f64().unwrap();
            assert!(
                (reported - counted).abs() < 1e-9,
                "{label}: reported {reported}, counted {counted}"
            );
        }
    }
}

/// `hotich-central report pilot` of Hà Nội over [from, to], as JSON.
fn pilot_report(db: &std::path::Path, from: &str, to: &str) -> Value {
    let args = [
        "report",
        "pilot",
        "--province",
        "01",
        "--from",
        from,
        "--to",
        to,
    ];
    serde_json::from_str(&central(db, &args)).unwrap()
}

#[tokio::test]
async fn every_line_of_the_pilot_scenarios_report_equals_a_count_of_its_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = hotich_central::process::test_database(&dir.path().join("central.db")).unwrap();
    let ledger = dir.path().join("ledger.jsonl");
    let args = [
        "simulate",
        "--scenario",
        "pilot",
        "--province",
        "01",
        "--today",
        TO,
    ];
    let ledger_arg = ledger.to_str().unwrap();
    central(
        &db,
        &[&args[..], &["--seed", "7", "--ledger", ledger_arg]].concat(),
    );
    let report = pilot_report(&db, FROM, TO);
    let ledger = std::fs::read_to_string(&ledger).unwrap();
    let (from, to) = (FROM.parse().unwrap(), TO.parse().unwrap());
    let mut c = count(&ledger, from, to);
    let death = &report["figures"]["death"];
    let number = |key: &str| death[key].as_u64().unwrap();

    // About the pilot's six months: every figure comes from the run.
    assert!((1300..=1449).contains(&c.notified), "{c:?}");
    assert!(
        c.registered_after_outreach > 300 && c.not_registered > 300,
        "{c:?}"
    );
    assert!(
        c.notified > c.complete && c.complete > c.notified / 2,
        "{c:?}"
    );

    assert_eq!(number("notified"), c.notified);
    assert_eq!(number("families_contacted"), c.contacted);
    assert_eq!(
        number("registered_after_outreach"),
        c.registered_after_outreach
    );
    assert_eq!(number("notified_not_registered"), c.not_registered);
    assert_eq!(number("registered"), c.registered);
    assert_eq!(number("registered_on_time"), c.on_time);
    assert_eq!(number("identification_complete"), c.complete);
    // Every registered death is shared with its commune's station.
    assert_eq!(number("shared_with_health"), c.registered);
    assert_eq!(number("causes_returned"), c.causes);
    let registration_sum: i64 = c.registration_days.iter().sum();
    assert_close(
        "days_to_registration_mean",
        &death["days_to_registration_mean"],
        mean(registration_sum, c.registered),
    );
    c.registration_days.sort_unstable();
    let median = c.registration_days[(c.registration_days.len() - 1) / 2];
    assert_eq!(death["days_to_registration_median"].as_i64(), Some(median));
    assert_close(
        "days_to_health_data_mean",
        &death["days_to_health_data_mean"],
        mean(c.health_days, c.notified),
    );
    assert_close(
        "days_to_cause_mean",
        &death["days_to_cause_mean"],
        mean(c.cause_days, c.causes),
    );
    assert_eq!(report["figures"]["birth"]["notified"], 0);
    assert_eq!(report["communes_syncing"], 20);
    assert_eq!(report["province_name"], "Thành phố Hà Nội");

    // A shorter period counts only its own events.
    let march = pilot_report(&db, "2026-03-01", "2026-03-31");
    let in_march = count(
        &ledger,
        "2026-03-01".parse().unwrap(),
        "2026-03-31".parse().unwrap(),
    );
    assert_eq!(
        march["figures"]["death"]["notified"].as_u64(),
        Some(in_march.notified)
    );
    assert_eq!(
        march["figures"]["death"]["registered"].as_u64(),
        Some(in_march.registered)
    );
    assert!(in_march.notified > 100 && in_march.notified < c.notified);

    // The province's workstations read the same figures over HTTP; nobody
    // else does.
    let token = central(&db, &["workstation", "add", "--commune", "00004"]);
    let server = serve(&db, &[]);
    let client = reqwest::Client::new();
    let url = format!("{}/v1/reports/pilot?from={FROM}&to={TO}", server.url);
    let answer = client
        .get(&url)
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let over_http: Value = answer.json().await.unwrap();
    assert_eq!(over_http["figures"], report["figures"]);
    let anonymous = client.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let backwards = client
        .get(format!(
            "{}/v1/reports/pilot?from={TO}&to={FROM}",
            server.url
        ))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap();
    assert_eq!(backwards.status(), 400);
}

#[test]
fn the_scenario_refuses_an_unknown_province_and_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("central.db");
    let db = db.to_str().unwrap();
    for (args, says) in [
        (
            vec![
                "simulate",
                "--scenario",
                "pilot",
                "--db",
                db,
                "--province",
                "99",
            ],
            "99",
        ),
        (
            vec![
                "simulate",
                "--scenario",
                "harvest",
                "--db",
                db,
                "--province",
                "01",
            ],
            "harvest",
        ),
        (
            vec!["simulate", "--scenario", "pilot", "--province", "01"],
            "--db",
        ),
    ] {
        let output = std::process::Command::new(bin())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(says),
            "{args:?}"
        );
    }
}

/// A registry fed over HTTP as in life: the report counts what came.
#[tokio::test]
async fn the_report_counts_notices_posted_and_rows_pushed_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["00004"], 0, 3);
    let db = &prepared.db;
    let token = prepared.tokens["00004"].clone();
    let server = serve(db, &[]);
    let client = reqwest::Client::new();
    let notices = std::fs::read(prepared.sim.join("notifications.json")).unwrap();
    let posted = client
        .post(format!("{}/v1/notifications", server.url))
        .header("content-type", "application/json")
        .body(notices.clone())
        .send()
        .await
        .unwrap();
    assert!(
        posted.status().is_success(),
        "{}",
        posted.text().await.unwrap()
    );
    let envelopes: Vec<hotich_protocol::SignedEnvelope> = serde_json::from_slice(&notices).unwrap();
    let all: Vec<Notification> = envelopes.iter().filter_map(hotich_sim::decode).collect();
    let voided: Vec<&str> = all
        .iter()
        .filter(|n| n.action == hotich_protocol::Action::Void)
        .map(|n| n.notification_id.as_str())
        .collect();
    // Each death's notice as it first arrived, the voided ones left out.
    let firsts: Vec<&Notification> = all
        .iter()
        .filter(|n| n.version == 1 && n.death.is_some())
        .filter(|n| !voided.contains(&n.notification_id.as_str()))
        .collect();
    assert!(!firsts.is_empty());
    let notice = firsts[0];
    let event = notice.event_date().unwrap();
    let today = hotich_common::time::office_today();
    let now = Utc::now().to_rfc3339();

    // One family contacted, then registered on the workstation.
    let attempt = json!({
        "case_id": "case-1", "kind": "case_attempt", "created_at": now,
        "body": {"at": now, "case_id": "case-1", "kind": "attempt", "outcome": "reached",
                 "notification_id": notice.notification_id},
    });
    let registration = json!({
        "case_id": "case-1", "kind": "registration", "created_at": now,
        "body": {"registration_id": "reg-1", "case_id": "case-1", "type": "death", "year": today.year(),
                 "number": 1, "book": "TLKT", "officer_id": "o1",
                 "form": {"registration_date": today, "death": {"full_name": "Nguyễn Văn A"}},
                 "event_date": event, "deadline": today, "notification_id": notice.notification_id},
    });
    for (id, row) in [
        ("0190a000-0000-7000-8000-000000000001", &attempt),
        ("0190a000-0000-7000-8000-000000000002", &registration),
    ] {
        let pushed = client
            .put(format!("{}/v1/events/{id}", server.url))
            .bearer_auth(&token)
            .json(row)
            .send()
            .await
            .unwrap();
        assert!(
            pushed.status().is_success(),
            "{}",
            pushed.text().await.unwrap()
        );
    }
    let (from, to) = (event - Duration::days(60), today);
    let report: Value = client
        .get(format!(
            "{}/v1/reports/pilot?from={from}&to={to}",
            server.url
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let death = &report["figures"]["death"];
    assert_eq!(death["notified"], firsts.len());
    assert_eq!(death["families_contacted"], 1);
    assert_eq!(death["registered_after_outreach"], 1);
    assert_eq!(death["notified_not_registered"], firsts.len() - 1);
    assert_eq!(death["registered"], 1);
    assert_eq!(death["registered_on_time"], 1);
    assert_eq!(
        death["days_to_registration_mean"],
        (today - event).num_days() as f64
    );
    assert_eq!(death["shared_with_health"], 1);
    assert_eq!(death["causes_returned"], 0);
    let complete = firsts.iter().filter(|n| complete(n)).count();
    assert_eq!(death["identification_complete"], complete);
    assert_eq!(report["communes_syncing"], 1);
}
