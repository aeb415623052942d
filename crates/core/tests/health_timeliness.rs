//! The health side's timeliness on a real SQLite file (issue 18, item 3):
//! each notification's working hours from its signed issue to its arrival
//! at the registry (the pulled stream's `received_at`), with the office's
//! hours and calendar; the share within 4 working hours per kind, the
//! median, and the late facility, in the period's figures and report lines.

mod common;

use chrono::{DateTime, Utc};
use common::fixture::{self, COMMUNE};
use hotich_core::{ErrorCode, PulledEvent, RegistryReceipt};
use hotich_protocol::samples::{death, facility_signer, now, sign};
use hotich_protocol::Notification;
use serde_json::value::RawValue;

/// An instant written in office time (UTC+7).
fn office(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{text}+07:00"))
        .unwrap()
        .with_timezone(&Utc)
}

fn death_issued(id: &str, issued: &str) -> Notification {
    let mut n = death();
    n.notification_id = id.into();
    n.issued_at = office(issued);
    n
}

#[test]
fn working_hours_from_issue_to_the_registry_count_only_office_hours_of_working_days() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    // A commune office open 8:00-12:00 and 13:00-16:30.
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Nguyễn Thị Lan", now());
    assert_eq!(
        store
            .set_office_hours(&lan, "08:00-12:00,13:00-16:30", now())
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let refused = store
        .set_office_hours(&supervisor, "13:00-16:30,08:00-12:00", now())
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidInput);
    store
        .set_office_hours(&supervisor, "08:00-12:00, 13:00-16:30", now())
        .unwrap();
    assert_eq!(
        store.office_hours().unwrap().to_text(),
        "08:00-12:00,13:00-16:30"
    );

    // Issued Friday 20 November 16:00, received Monday 23 at 9:00: Friday
    // 16:00-16:30 and Monday 8:00-9:00, 1.5 working hours: in time.
    let friday = death_issued("19001-GBT-000101", "2026-11-20T16:00:00");
    // Issued Thursday 19 at 9:00, received Friday 20 at 10:00: Thursday 9:00-12:00
    // and 13:00-16:30, Friday 8:00-10:00, 8.5 working hours: late.
    let thursday = death_issued("19001-GBT-000102", "2026-11-19T09:00:00");
    let envelopes: Vec<Box<RawValue>> = [&friday, &thursday]
        .iter()
        .map(|n| {
            RawValue::from_string(String::from_utf8(sign(n, &facility_signer())).unwrap()).unwrap()
        })
        .collect();
    let arrivals = [office("2026-11-23T09:00:00"), office("2026-11-20T10:00:00")];
    let events: Vec<PulledEvent<'_>> = envelopes
        .iter()
        .zip([&friday, &thursday])
        .zip(arrivals)
        .enumerate()
        .map(|(i, ((envelope, n), at))| PulledEvent {
            seq: i as u64 + 1,
            envelope,
            receipt: Some(RegistryReceipt {
                notification_id: &n.notification_id,
                at,
            }),
        })
        .collect();
    let applied = store
        .apply_pulled_page(COMMUNE, 0, &events, 2, now())
        .unwrap();
    assert_eq!(applied.summary.imported, 2);

    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let report = store.period_report(&supervisor, day(1), day(30)).unwrap();
    let deaths = &report.stats.death;
    assert_eq!((deaths.issued_by_health, deaths.sent_in_time), (2, 1));
    assert_eq!(deaths.working_minutes_to_arrival_median, Some(90));
    assert_eq!(report.stats.birth.issued_by_health, 0);
    let facility = &report.stats.facilities[0];
    assert_eq!(facility.facility_id, "19001");
    assert_eq!((facility.deaths_issued, facility.deaths_in_time), (2, 1));
    assert!(facility.is_late());

    let line = |label: &str| {
        report
            .lines
            .iter()
            .find(|l| l.label.starts_with(label))
            .unwrap_or_else(|| panic!("no line {label}"))
            .clone()
    };
    assert_eq!(line("Tỉ lệ gửi trong 4 giờ làm việc").death, "50,0%");
    assert_eq!(
        line("Số giờ làm việc từ phát hành đến khi nhận").death,
        "1,5"
    );
    let late = line("Cơ sở gửi chậm:");
    assert!(late.label.ends_with("(19001)"), "{}", late.label);
    assert_eq!((late.birth.as_str(), late.death.as_str()), ("-", "1/2"));

    // A period that holds neither issue counts nothing.
    let october = store
        .period_report(
            &supervisor,
            chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        )
        .unwrap();
    assert_eq!(october.stats.death.issued_by_health, 0);
    assert!(october.stats.facilities.is_empty());
}
