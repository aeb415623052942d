//! The registration's date (issue 16, item 5) on a real SQLite file: a
//! registration is dated today; an earlier day of this year is a
//! supervisor's, with its reason; a day of an earlier year, whose book is
//! closed, is refused to everyone. Nothing is numbered when refused.

mod common;

use chrono::{Datelike, Duration, NaiveDate};
use common::completed_form;
use common::fixture::{self, case_of, import_signed};
use hotich_core::{CoreError, ErrorCode, ProblemRule};
use hotich_protocol::samples::{death, now};

fn today() -> NaiveDate {
    now().date_naive()
}

/// The rules a refused registration names under `field`.
fn rules_of(error: CoreError, field: &str) -> Vec<ProblemRule> {
    match error {
        CoreError::InvalidRegistration(problems) => problems
            .into_iter()
            .filter(|p| p.field == field)
            .map(|p| p.rule)
            .collect(),
        other => panic!("expected the form refused, got {other:?}"),
    }
}

#[test]
fn an_earlier_day_is_a_supervisors_with_its_reason_and_an_earlier_year_never() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Nguyễn Thị Lan", now());
    let notification = death();
    import_signed(&mut store, &notification, now());
    let case = case_of(&store, &notification.notification_id, today());
    let mut form = completed_form(&store, &case, today());
    let yesterday = today() - Duration::days(1);
    assert_eq!(
        yesterday.year(),
        today().year(),
        "the sample day is not 1 January"
    );
    form.registration_date = Some(yesterday);

    // Without a reason: the form names it, for anyone.
    let refused = store
        .register(&supervisor, &case, &form, now(), today())
        .unwrap_err();
    assert_eq!(
        rules_of(refused, "change_reasons.registration_date"),
        [ProblemRule::EarlierDayReasonMissing]
    );
    // With it, a registrar is still refused: the day is a supervisor's.
    form.change_reasons.insert(
        "registration_date".into(),
        "Hồ sơ nộp hôm qua, mất điện không nhập được".into(),
    );
    let refused = store
        .register(&lan, &case, &form, now(), today())
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    // An earlier year's book is closed, even to a supervisor.
    let mut last_year = form.clone();
    last_year.registration_date = NaiveDate::from_ymd_opt(today().year() - 1, 12, 31);
    let refused = store
        .register(&supervisor, &case, &last_year, now(), today())
        .unwrap_err();
    // (before the death too, which is its own problem)
    let rules = rules_of(refused, "registration_date");
    assert!(rules.contains(&ProblemRule::ClosedYearBook), "{rules:?}");
    assert!(
        store.registrations().unwrap().is_empty(),
        "nothing numbered"
    );

    // The supervisor, with the reason: dated that day, numbered in this year's book.
    let registered = store
        .register(&supervisor, &case, &form, now(), today())
        .unwrap();
    assert_eq!(registered.current.registration_date, Some(yesterday));
    assert_eq!((registered.year, registered.number), (today().year(), 1));
}
