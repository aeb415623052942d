//! The pilot's figures for the commune on a hand-built data set (issue 18,
//! item 4), on a real SQLite file: every line of the period report's pilot
//! section equals the count worked out by hand in the comments.

mod common;

use chrono::{NaiveDate, NaiveTime};
use common::fixture::{self, case_of, import_signed, COMMUNE};
use common::{at, register_on};
use hotich_core::{AttemptInput, Channel, Outcome};
use hotich_protocol::health_loop::{CauseEvent, CauseOfDeath, TYP_CAUSE_OF_DEATH};
use hotich_protocol::samples::{birth, death, facility_signer, now};
use hotich_protocol::EventKind;
use serde_json::value::RawValue;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn reached() -> AttemptInput {
    AttemptInput {
        channel: Channel::Phone,
        outcome: Outcome::Reached,
        note: None,
        appointment_date: None,
        next_follow_up: None,
        corrects: None,
    }
}

#[test]
fn each_pilot_line_equals_its_hand_count() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    let received = now(); // 21 November, 19:00 in Vietnam.

    // A: died 18 November, notified (complete), reached on the 23rd,
    // registered on the 25th (deadline 3 December: on time, 7 days), the
    // registration sent to the registry, the cause back on the 28th (3 days).
    let a = death();
    import_signed(&mut store, &a, received);
    let a_case = case_of(&store, &a.notification_id, day(11, 21));
    store
        .log_attempt(
            &supervisor,
            &a_case,
            &reached(),
            at(day(11, 23), 3),
            day(11, 23),
        )
        .unwrap();
    register_on(&mut store, &supervisor, &a_case, day(11, 25));
    let a_registration = store.registration_of_case(&a_case).unwrap().unwrap().id;
    let sent = store
        .outbox_pending(100)
        .unwrap()
        .into_iter()
        .find(|row| row.kind == "registration" && row.body.contains(&a_registration))
        .unwrap();
    assert!(store
        .outbox_mark_sent(&sent.id, at(day(11, 25), 5))
        .unwrap());
    let cause = CauseOfDeath {
        registration_id: a_registration.clone(),
        facility_id: "19001".into(),
        icd10: "I21.9".into(),
        text: "Nhồi máu cơ tim cấp".into(),
        determined_by: "BS. Nguyễn Văn Y".into(),
        determined_on: day(11, 27),
    };
    let envelope = facility_signer().sign(TYP_CAUSE_OF_DEATH, &serde_json::to_vec(&cause).unwrap());
    let returned = CauseEvent {
        seq: 1,
        registration_id: a_registration,
        envelope: RawValue::from_string(serde_json::to_string(&envelope).unwrap()).unwrap(),
        received_at: at(day(11, 28), 3),
    };
    store
        .apply_pulled_causes(COMMUNE, 0, &[returned], 1, at(day(11, 28), 4))
        .unwrap();

    // B: died 16 November, notified without an ID number (incomplete), the
    // notice here on the 21st (5 days); nobody reached, not registered.
    let mut b = death();
    b.notification_id = "19001-GBT-000002".into();
    let b_death = b.death.as_mut().unwrap();
    b_death.id_number = None;
    b_death.id_document_type = 0;
    b_death.id_issue_date = None;
    b_death.id_issuer = None;
    b_death.death_time = day(11, 16).and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap());
    b_death.notice_number = "000002".into();
    import_signed(&mut store, &b, received);

    // C: a death at home on 1 November, opened by hand and registered on
    // the 20th (deadline 16 November: late, 19 days); not yet sent.
    let c_case = store
        .open_case_by_hand(
            &supervisor,
            EventKind::Death,
            "Hoàng Văn Tư",
            day(11, 1),
            at(day(11, 20), 2),
            day(11, 20),
        )
        .unwrap();
    register_on(&mut store, &supervisor, &c_case, day(11, 20));

    // D: born 1 November, notified (the mother's identification complete),
    // here on the 21st (20 days), reached on the 22nd, registered on the
    // 24th (23 days, on time).
    let d = birth();
    import_signed(&mut store, &d, received);
    let d_case = case_of(&store, &d.notification_id, day(11, 21));
    store
        .log_attempt(
            &supervisor,
            &d_case,
            &reached(),
            at(day(11, 22), 3),
            day(11, 22),
        )
        .unwrap();
    register_on(&mut store, &supervisor, &d_case, day(11, 24));

    // E: a death of October, outside the period.
    let e_case = store
        .open_case_by_hand(
            &supervisor,
            EventKind::Death,
            "Lý Thị Năm",
            day(10, 20),
            at(day(10, 30), 2),
            day(10, 30),
        )
        .unwrap();
    register_on(&mut store, &supervisor, &e_case, day(10, 30));

    let report = store
        .period_report(&supervisor, day(11, 1), day(11, 30))
        .unwrap();
    let deaths = &report.stats.pilot.death;
    assert_eq!(
        (
            deaths.notified,
            deaths.families_contacted,
            deaths.registered_after_outreach
        ),
        (2, 1, 1)
    );
    assert_eq!(
        (
            deaths.notified_not_registered,
            deaths.registered,
            deaths.registered_on_time
        ),
        (1, 2, 1)
    );
    // (7 + 19) / 2; the lower middle of 7 and 19.
    assert_eq!(deaths.days_to_registration_mean, Some(13.0));
    assert_eq!(deaths.days_to_registration_median, Some(7));
    // (3 + 5) / 2.
    assert_eq!(deaths.days_to_health_data_mean, Some(4.0));
    assert_eq!(deaths.identification_complete, 1);
    assert_eq!((deaths.shared_with_health, deaths.causes_returned), (1, 1));
    assert_eq!(deaths.days_to_cause_mean, Some(3.0));
    let births = &report.stats.pilot.birth;
    assert_eq!(
        (
            births.notified,
            births.families_contacted,
            births.registered_after_outreach,
            births.registered
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(births.days_to_registration_mean, Some(23.0));
    assert_eq!(births.days_to_health_data_mean, Some(20.0));
    assert_eq!(births.identification_complete, 1);
    assert_eq!(births.shared_with_health, 0);

    // The same as the report's lines, births then deaths.
    let line = |label: &str| {
        let line = report
            .lines
            .iter()
            .find(|l| l.label.starts_with(label))
            .unwrap_or_else(|| panic!("no line {label}"));
        (line.birth.as_str(), line.death.as_str())
    };
    assert_eq!(
        line("Thí điểm: Sự kiện trong kỳ được y tế thông báo"),
        ("1", "2")
    );
    assert_eq!(line("Thí điểm: Gia đình đã được liên hệ"), ("1", "1"));
    assert_eq!(line("Thí điểm: Được thông báo, chưa đăng ký"), ("0", "1"));
    assert_eq!(line("Thí điểm: Đăng ký đúng hạn"), ("1", "1"));
    assert_eq!(
        line("Thí điểm: Số ngày từ sự kiện đến đăng ký: trung bình"),
        ("23,0", "13,0")
    );
    assert_eq!(
        line("Thí điểm: Số ngày từ sự kiện đến khi nhận dữ liệu y tế"),
        ("20,0", "4,0")
    );
    assert_eq!(
        line("Thí điểm: Tỉ lệ đủ thông tin định danh"),
        ("100,0%", "50,0%")
    );
    assert_eq!(line("Thí điểm: Ca tử vong đã chuyển y tế"), ("-", "1"));
    assert_eq!(
        line("Thí điểm: Số ngày từ đăng ký đến khi y tế trả nguyên nhân"),
        ("-", "3,0")
    );
}
