//! What an officer contacts today, and with which words (issue 14, items
//! 9-13), on a real SQLite file: a backlog imported today is counted from
//! the notifications' issue, its overdue cases shown apart as overdue on
//! arrival; "Cần liên hệ hôm nay" holds the assigned cases never contacted
//! and the overdue ones, not only due follow-ups; the call script of an
//! overdue case without a phone promises no free registration and proposes
//! the village head or a visit; a refused attempt says why.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::at;
use common::fixture::{self, case_of, case_rows, import_signed};
use hotich_core::{
    AttemptInput, AttemptRefusal, CaseFilter, CaseStatus, Channel, Lang, OfficeContact, Officer,
    Outcome, Store,
};
use hotich_protocol::samples::{birth, death};
use hotich_protocol::Notification;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// Monday 30 November 2026.
fn today() -> NaiveDate {
    day(11, 30)
}

fn death_notice(number: u32, died: NaiveDate, issued: DateTime<Utc>) -> Notification {
    let mut n = death();
    n.notification_id = format!("19001-GBT-{number:06}");
    n.issued_at = issued;
    let d = n.death.as_mut().unwrap();
    d.name = format!(
        "Đặng Văn Ngữ {}",
        ["An", "Bình", "Cường"][number as usize % 3]
    );
    d.id_number = Some(format!("0060480{number:05}"));
    d.notice_code = format!("{number:05}.GBT.19001.26");
    d.death_time = died.and_hms_opt(6, 30, 0).unwrap();
    d.notice_issue_date = died;
    n
}

fn birth_certificate(number: u32, born: NaiveDate, issued: DateTime<Utc>) -> Notification {
    let mut n = birth();
    n.notification_id = format!("19001-GCS-{number:06}");
    n.issued_at = issued;
    let b = n.birth.as_mut().unwrap();
    b.episode_key = format!("LK-2026-{number:06}");
    b.birth_time = born.and_hms_opt(8, 15, 0).unwrap();
    b.certificate_issue_date = born;
    b.certificate_number = number.to_string();
    b.contact_phone = Some("0987654321".into());
    n
}

struct Office {
    _dir: tempfile::TempDir,
    store: Store,
    supervisor: Officer,
    lan: Officer,
    minh: Officer,
    /// Died 1 November, issued 20 November, no relative's phone: overdue on arrival.
    overdue_death: String,
    /// Born 19 November, issued 20 November.
    birth: String,
    /// Died yesterday, issued this morning.
    fresh_death: String,
}

/// A backlog that all arrives today, 30 November.
fn backlog() -> Office {
    let (dir, mut store, supervisor) = fixture::office(at(day(11, 2), 1));
    let hired = at(day(11, 2), 2);
    let [lan, minh] = [("lan", "Nguyễn Thị Lan"), ("minh", "Trần Văn Minh")]
        .map(|(username, name)| fixture::registrar(&mut store, &supervisor, username, name, hired));
    let received = at(today(), 1);
    let mut overdue = death_notice(1, day(11, 1), at(day(11, 20), 2));
    overdue.death.as_mut().unwrap().relative_phone = None;
    let notifications = [
        overdue,
        birth_certificate(2, day(11, 19), at(day(11, 20), 3)),
        death_notice(3, day(11, 29), at(today(), 0)),
    ];
    let mut ids = Vec::new();
    for n in &notifications {
        let summary = import_signed(&mut store, n, received);
        assert_eq!(summary.quarantined, 0, "{}", n.notification_id);
        ids.push(case_of(&store, &n.notification_id, today()));
    }
    let [overdue_death, birth, fresh_death] = ids.try_into().unwrap();
    let assignments = [
        (vec![overdue_death.clone(), birth.clone()], &lan),
        (vec![fresh_death.clone()], &minh),
    ];
    for (cases, officer) in assignments {
        store
            .assign(&supervisor, &cases, Some(&officer.id), received)
            .unwrap();
    }
    Office {
        _dir: dir,
        store,
        supervisor,
        lan,
        minh,
        overdue_death,
        birth,
        fresh_death,
    }
}

fn ids(store: &Store, filter: CaseFilter, on: NaiveDate) -> Vec<String> {
    let mut ids: Vec<String> = case_rows(store, filter, on)
        .into_iter()
        .map(|r| r.id)
        .collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

fn phone_attempt(outcome: Outcome) -> AttemptInput {
    AttemptInput {
        channel: Channel::Phone,
        outcome,
        note: None,
        appointment_date: None,
        next_follow_up: None,
        corrects: None,
    }
}

#[test]
fn a_backlog_imported_today_counts_from_the_notifications_issue() {
    let office = backlog();
    let dashboard = office.store.dashboard(&office.supervisor, today()).unwrap();
    // Issued on 20 November, nobody contacted: late for first contact the
    // day they arrive, though imported only today.
    assert_eq!(dashboard.no_contact_yet.count, 2);
    let listed = |filter: &CaseFilter| ids(&office.store, filter.clone(), today());
    assert_eq!(
        listed(&dashboard.no_contact_yet.filter),
        sorted(vec![office.overdue_death.clone(), office.birth.clone()])
    );
    let rows = case_rows(&office.store, CaseFilter::default(), today());
    let flagged: Vec<&str> = rows
        .iter()
        .filter(|r| r.no_contact_yet)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(flagged.len(), 2, "the rows' flag agrees with the figure");
    assert!(!flagged.contains(&office.fresh_death.as_str()));
    // Past its 15-day deadline before it arrived: shown apart.
    assert_eq!(dashboard.overdue_on_arrival.count, 1);
    assert_eq!(
        listed(&dashboard.overdue_on_arrival.filter),
        vec![office.overdue_death.clone()]
    );
    // A registrar's own dashboard counts her cases the same way.
    let lans = office.store.dashboard(&office.lan, today()).unwrap();
    assert_eq!(lans.no_contact_yet.count, 2);
    assert_eq!(lans.overdue_on_arrival.count, 1);
    let minhs = office.store.dashboard(&office.minh, today()).unwrap();
    assert_eq!(minhs.no_contact_yet.count, 0);
}

#[test]
fn contact_today_holds_assigned_cases_never_contacted_and_overdue() {
    let mut office = backlog();
    let lan = office.lan.clone();
    let today_of = |officer: &Officer| CaseFilter {
        assignee: Some(officer.id.clone()),
        contact_today: true,
        ..CaseFilter::default()
    };
    let due_only = CaseFilter {
        assignee: Some(lan.id.clone()),
        follow_up_due: true,
        ..CaseFilter::default()
    };
    // No follow-up is due yet: the old filter showed nothing at all.
    assert!(ids(&office.store, due_only, today()).is_empty());
    let mine = ids(&office.store, today_of(&lan), today());
    assert!(
        mine.contains(&office.overdue_death),
        "the assigned, never-contacted overdue case"
    );
    assert_eq!(
        mine,
        sorted(vec![office.overdue_death.clone(), office.birth.clone()])
    );
    assert_eq!(
        ids(&office.store, today_of(&office.minh), today()),
        vec![office.fresh_death.clone()]
    );

    // Called today without an answer: done for today, back tomorrow.
    office
        .store
        .log_attempt(
            &lan,
            &office.overdue_death,
            &phone_attempt(Outcome::NoAnswer),
            at(today(), 3),
            today(),
        )
        .unwrap();
    assert_eq!(
        ids(&office.store, today_of(&lan), today()),
        vec![office.birth.clone()]
    );
    let tomorrow = today() + Duration::days(1);
    assert!(ids(&office.store, today_of(&lan), tomorrow).contains(&office.overdue_death));
}

#[test]
fn the_script_of_an_overdue_case_without_a_phone() {
    let office = backlog();
    let guidance = office
        .store
        .guidance(&office.lan, &office.overdue_death, today())
        .unwrap();
    assert!(!guidance.has_phone);
    assert_eq!(
        guidance.channels,
        [Channel::VillageHead, Channel::HomeVisit]
    );
    let script = &guidance.call_script;
    let first = script.lines().next().unwrap();
    assert!(first.contains("không có số điện thoại"), "{script}");
    assert!(
        first.contains("trưởng thôn") && first.contains("đến tận nhà"),
        "{script}"
    );
    assert!(script.contains("nay đã quá hạn"), "{script}");
    assert!(!script.contains("miễn lệ phí"), "{script}");
    assert!(script.contains("có thể phải nộp lệ phí"), "{script}");
    assert!(
        !guidance.message.contains("miễn lệ phí"),
        "{}",
        guidance.message
    );
    // The deceased, a man of 78, is "ông"; the relative, not described, "anh/chị".
    assert!(script.contains("sự ra đi của ông Đặng Văn Ngữ"), "{script}");
    assert!(script.contains("Xin chào anh/chị,"), "{script}");
    assert!(script.contains("của UBND xã "), "{script}");
    assert!(guidance.sms.text.is_ascii(), "{}", guidance.sms.text);
    assert!(guidance.sms.segments >= 1);

    // The birth's mother, born in 1996, is "chị"; she has a phone.
    let birth = office
        .store
        .guidance(&office.lan, &office.birth, today())
        .unwrap();
    assert!(birth.has_phone);
    assert_eq!(birth.channels[0], Channel::Phone);
    let script = &birth.call_script;
    assert!(script.starts_with("Xin chào chị,"), "{script}");
    assert!(script.contains("được miễn lệ phí"), "{script}");
}

#[test]
fn the_office_phone_is_given_to_call_back() {
    let office = backlog();
    let contact = |phone: &str| OfficeContact {
        address: "Thôn Nà Pục, xã Bằng Thành".into(),
        hours: "sáng thứ Hai đến thứ Sáu".into(),
        phone: Some(phone.into()),
    };
    let refused = office
        .store
        .set_office_contact(&office.supervisor, &contact("gọi Lan"))
        .unwrap_err();
    assert_eq!(refused.problems()[0].field, "office_phone");
    office
        .store
        .set_office_contact(&office.supervisor, &contact("0208 3850 123"))
        .unwrap();
    // Changing the address alone keeps the phone.
    office
        .store
        .set_office_contact(
            &office.supervisor,
            &OfficeContact {
                phone: None,
                ..contact("")
            },
        )
        .unwrap();
    assert_eq!(
        office.store.office_contact().unwrap().phone.as_deref(),
        Some("0208 3850 123")
    );
    let guidance = office
        .store
        .guidance(&office.lan, &office.birth, today())
        .unwrap();
    assert!(
        guidance.call_script.contains("gọi số 0208 3850 123"),
        "{}",
        guidance.call_script
    );
    assert!(
        guidance.sms.text.contains("DT 0208 3850 123"),
        "{}",
        guidance.sms.text
    );
}

#[test]
fn a_refused_attempt_says_which_reason_applies() {
    let mut office = backlog();
    let (lan, minh) = (office.lan.clone(), office.minh.clone());
    let attempt = phone_attempt(Outcome::Reached);
    // Lan's case, for Minh: assigned to someone else, naming her.
    let view = office
        .store
        .outreach_view(&minh, &office.birth, today())
        .unwrap();
    assert!(!view.accepts_attempts);
    assert_eq!(
        view.attempt_refusal,
        Some(AttemptRefusal::AssignedToOther {
            assignee: "Nguyễn Thị Lan".into()
        })
    );
    let error = office
        .store
        .log_attempt(&minh, &office.birth, &attempt, at(today(), 3), today())
        .unwrap_err();
    assert_eq!(error.code(), "case_assigned_to_other");
    assert!(
        error.message(Lang::Vi).contains("Nguyễn Thị Lan"),
        "{error}"
    );
    assert!(error.message(Lang::En).contains("Nguyễn Thị Lan"));
    // Registered: closed, and said so.
    common::register_on(&mut office.store, &lan, &office.birth, today());
    let view = office
        .store
        .outreach_view(&lan, &office.birth, today())
        .unwrap();
    assert_eq!(
        view.attempt_refusal,
        Some(AttemptRefusal::Closed {
            status: CaseStatus::Registered
        })
    );
    let error = office
        .store
        .log_attempt(&lan, &office.birth, &attempt, at(today(), 4), today())
        .unwrap_err();
    assert_eq!(error.code(), "case_closed");
    assert!(error.message(Lang::Vi).contains("Đã đăng ký"), "{error}");
    // Her own open case: nothing refused.
    let view = office
        .store
        .outreach_view(&lan, &office.overdue_death, today())
        .unwrap();
    assert!(view.accepts_attempts && view.attempt_refusal.is_none());
}
