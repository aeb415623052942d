//! Registration on a real SQLite file: pre-filled forms, the law's checks,
//! duplicates, the register book numbering (also from 8 threads at once),
//! amendments that keep history, and the audit chain catching a row edited
//! behind the app's back.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use hotich_core::registration::DuplicateRule;
use hotich_core::{CaseStatus, Officer, RegistrationForm, Store};
use hotich_protocol::samples::{birth, death, now};
use hotich_protocol::EventKind;
use hotich_protocol::Notification;
use proptest::prelude::*;

mod common;

use common::fixture::{self, case_of, import_signed};

struct Db {
    dir: tempfile::TempDir,
    store: Store,
    /// The registrar `lan`.
    officer: Officer,
    supervisor: Officer,
}

fn open() -> Db {
    let (dir, mut store, supervisor) = fixture::office(now());
    let officer = fixture::registrar(&mut store, &supervisor, "lan", "Nguyễn Thị Lan", now());
    Db {
        dir,
        store,
        officer,
        supervisor,
    }
}

fn today() -> NaiveDate {
    now().date_naive()
}

impl Db {
    /// The registrar registers `case_id` with `form` today.
    fn register(
        &mut self,
        case_id: &str,
        form: &RegistrationForm,
    ) -> hotich_core::Result<hotich_core::Registration> {
        self.store
            .register(&self.officer, case_id, form, now(), today())
    }
}

fn import(store: &mut Store, n: &Notification) -> String {
    import_signed(store, n, now());
    case_of(store, &n.notification_id, today())
}

/// The draft completed with what the family brings, registered today.
fn completed(store: &Store, case_id: &str) -> RegistrationForm {
    common::completed_form(store, case_id, today())
}

fn count(db: &Db, sql: &str) -> i64 {
    fixture::count(&db.store, sql)
}

#[test]
fn a_prefilled_death_is_registered_numbered_and_audited() {
    let mut db = open();
    let n = death();
    let case_id = import(&mut db.store, &n);
    let draft = db.store.registration_draft(&case_id, today()).unwrap();
    let d = draft.death.as_ref().unwrap();
    assert_eq!(d.full_name, "Đặng Văn Ngữ");
    assert_eq!(d.ethnicity, "Kinh");
    assert_eq!(d.nationality, "Việt Nam");
    assert_eq!(d.personal_id, "006048001234");
    assert_eq!(
        d.death_time,
        n.death
            .as_ref()
            .unwrap()
            .death_time
            .format("%H:%M")
            .to_string()
    );
    assert_eq!(draft.requester.full_name, "Đặng Thị Hằng");

    // The draft alone misses the requester's ID document: named, nothing saved.
    let error = db.register(&case_id, &draft).unwrap_err();
    assert_eq!(error.code(), "invalid_registration");
    assert!(
        error
            .to_string()
            .contains("giấy tờ tùy thân của người đi đăng ký"),
        "{error}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM registration"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM register_counter"), 0);

    let form = completed(&db.store, &case_id);
    let check = db
        .store
        .check_registration(&case_id, &form, today())
        .unwrap();
    assert!(check.is_ready(), "{check:?}");
    assert!(!check.late);
    let registration = db.register(&case_id, &form).unwrap();
    assert_eq!(
        (registration.number, registration.book.as_str()),
        (1, "01/2026")
    );
    assert_eq!(registration.officer_name, "Nguyễn Thị Lan");
    assert_eq!(
        db.store.case(&case_id, today()).unwrap().status,
        CaseStatus::Registered
    );
    let history = db.store.case_history(&case_id).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.to_status, Some(CaseStatus::Registered));
    assert_eq!(last.note.as_deref(), Some("Đăng ký số 1, quyển 01/2026"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM outbox WHERE kind = 'registration'"
        ),
        1
    );

    // A registered case is not registered twice.
    let again = db.register(&case_id, &form).unwrap_err();
    assert_eq!(again.code(), "illegal_transition");

    // Births have their own sequence; deaths go on.
    let birth_case = import(&mut db.store, &birth());
    let form = completed(&db.store, &birth_case);
    let b = db.register(&birth_case, &form).unwrap();
    assert_eq!((b.kind, b.number), (EventKind::Birth, 1));
    let report = db.store.verify_audit_log().unwrap();
    // The two accounts' creation, then the two registrations.
    assert_eq!((report.entries, report.problem), (4, None));
    assert_eq!(db.store.registrations().unwrap().len(), 2);
}

#[test]
fn a_changed_field_needs_its_reason_and_late_registration_its_own() {
    let mut db = open();
    let case_id = import(&mut db.store, &birth());
    let mut form = completed(&db.store, &case_id);
    form.birth.as_mut().unwrap().child_name = "Ma Thị Quỳnh Anh".into();
    let check = db
        .store
        .check_registration(&case_id, &form, today())
        .unwrap();
    assert_eq!(check.differences.len(), 1);
    assert_eq!(check.differences[0].notified, "Ma Thị Quỳnh");
    assert_eq!(check.problems[0].field, "change_reasons.child_name");
    form.change_reasons
        .insert("child_name".into(), "Gia đình chọn tên khác".into());
    assert!(db
        .store
        .check_registration(&case_id, &form, today())
        .unwrap()
        .is_ready());

    // Sixty days after the birth, plus the weekend rule: late, so a reason.
    let late_day = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
    form.registration_date = Some(late_day);
    let check = db
        .store
        .check_registration(&case_id, &form, late_day)
        .unwrap();
    assert!(check.late);
    assert_eq!(
        check
            .problems
            .iter()
            .map(|p| p.field.as_str())
            .collect::<Vec<_>>(),
        ["late_reason"]
    );
    form.late_reason = "Gia đình đi làm ăn xa".into();
    let saved = db
        .store
        .register(&db.officer, &case_id, &form, now(), late_day)
        .unwrap();
    assert!(saved.late);
    assert_eq!(saved.year, 2027);
}

#[test]
fn twins_are_registered_after_an_explicit_comparison() {
    let mut db = open();
    let first = birth();
    let first_case = import(&mut db.store, &first);
    let form = completed(&db.store, &first_case);
    let registered = db.register(&first_case, &form).unwrap();

    // The second twin: same mother, same day, same sex.
    let mut twin = birth();
    twin.notification_id = format!("{}-twin", first.notification_id);
    let b = twin.birth.as_mut().unwrap();
    b.child_name = Some("Ma Thị Quyên".into());
    b.episode_key = format!("{}-2", b.episode_key);
    b.certificate_number = "2".into();
    let twin_case = import(&mut db.store, &twin);
    let mut form = completed(&db.store, &twin_case);
    let check = db
        .store
        .check_registration(&twin_case, &form, today())
        .unwrap();
    assert_eq!(check.duplicates.len(), 1);
    assert_eq!(check.duplicates[0].registration_id, registered.id);
    assert_eq!(check.duplicates[0].rule, DuplicateRule::SameMotherDaySex);
    assert_eq!(
        check.duplicates[0].form.birth.as_ref().unwrap().child_name,
        "Ma Thị Quỳnh"
    );
    let refused = db.register(&twin_case, &form).unwrap_err();
    assert_eq!(refused.code(), "duplicate_suspected");
    assert!(
        refused.to_string().contains("số 1, quyển 01/2026"),
        "{refused}"
    );
    form.not_duplicates.push(registered.id.clone());
    assert_eq!(db.register(&twin_case, &form).unwrap().number, 2);
}

#[test]
fn a_death_without_notice_is_opened_by_hand_and_a_second_one_for_the_same_person_is_caught() {
    let mut db = open();
    let died = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
    let case_id = db
        .store
        .open_case_by_hand(
            &db.officer,
            EventKind::Death,
            " Lò Văn  Sáng ",
            died,
            now(),
            today(),
        )
        .unwrap();
    let draft = db.store.registration_draft(&case_id, today()).unwrap();
    let d = draft.death.as_ref().unwrap();
    assert_eq!(
        (d.full_name.as_str(), d.death_date),
        ("Lò Văn Sáng", Some(died))
    );
    // The suites' completed form (born 1950, male, personal ID
    // 019050001111, the police's note in place of a notice), here a Thái man
    // of Bản Mường who died at home.
    let mut form = common::completed_form(&db.store, &case_id, today());
    let d = form.death.as_mut().unwrap();
    assert_eq!(d.personal_id, "019050001111");
    d.ethnicity = "Thái".into();
    d.last_residence = "Bản Mường, xã Bằng Thành".into();
    d.death_place = "Tại nhà, Bản Mường, xã Bằng Thành".into();
    form.requester = hotich_core::registration::Requester {
        full_name: "Lò Thị Mai".into(),
        id_type: Some(hotich_core::IdDocumentType::Cccd),
        id_number: "019180002222".into(),
        relationship: Some(hotich_core::Relationship::Child),
        relationship_other: String::new(),
        residence: String::new(),
    };
    db.register(&case_id, &form).unwrap();

    // The same person again, by hand: same personal ID, same name and days.
    let again = db
        .store
        .open_case_by_hand(
            &db.officer,
            EventKind::Death,
            "Lò Văn Sáng",
            died,
            now(),
            today(),
        )
        .unwrap();
    let check = db.store.check_registration(&again, &form, today()).unwrap();
    assert_eq!(check.duplicates.len(), 1);
    assert_eq!(check.duplicates[0].rule, DuplicateRule::SamePersonalId);
    let mut other_id = form.clone();
    other_id.death.as_mut().unwrap().personal_id.clear();
    let check = db
        .store
        .check_registration(&again, &other_id, today())
        .unwrap();
    assert_eq!(check.duplicates[0].rule, DuplicateRule::SameNameBirthDeath);
}

#[test]
fn opening_a_case_by_hand_names_every_problem_of_its_form_at_once() {
    use hotich_core::{CaseFilter, CoreError, ErrorCode, Lang, ProblemRule};
    let mut db = open();
    let found = |refused: hotich_core::Result<String>| match refused {
        Err(error @ CoreError::InvalidForm(_)) => {
            assert_eq!(error.code(), ErrorCode::InvalidForm);
            assert_eq!(error.params()["count"], error.problems().len().to_string());
            (
                error
                    .problems()
                    .iter()
                    .map(|p| (p.field.clone(), p.rule))
                    .collect::<Vec<_>>(),
                error.message(Lang::Vi),
            )
        }
        other => panic!("expected every problem of the form, got {other:?}"),
    };
    let tomorrow = today() + chrono::Days::new(1);
    let (problems, _) = found(db.store.open_case_by_hand(
        &db.officer,
        EventKind::Death,
        "   ",
        tomorrow,
        now(),
        today(),
    ));
    assert_eq!(
        problems,
        [
            ("subject_name".to_owned(), ProblemRule::Required),
            ("event_date".to_owned(), ProblemRule::AfterToday),
        ]
    );
    // A day the window could not read, and a name with a digit: both, worded.
    let (problems, message) = found(db.store.open_case_by_hand(
        &db.officer,
        EventKind::Birth,
        "Lò Văn 2",
        None,
        now(),
        today(),
    ));
    assert_eq!(
        problems,
        [
            ("subject_name".to_owned(), ProblemRule::NameHasDigits),
            ("event_date".to_owned(), ProblemRule::Required),
        ]
    );
    assert_eq!(
        message,
        "họ, chữ đệm và tên: không được có chữ số; ngày xảy ra sự kiện: bắt buộc, chưa nhập"
    );
    let cases = |store: &Store| store.cases(&CaseFilter::default(), today()).unwrap().total;
    assert_eq!(cases(&db.store), 0, "a refused form opens nothing");
    db.store
        .open_case_by_hand(
            &db.officer,
            EventKind::Birth,
            "Lò Văn Sáng",
            Some(today()),
            now(),
            today(),
        )
        .unwrap();
    assert_eq!(cases(&db.store), 1);
}

#[test]
fn an_amendment_keeps_history_and_an_edit_behind_the_apps_back_breaks_the_audit() {
    let mut db = open();
    let case_id = import(&mut db.store, &death());
    let form = completed(&db.store, &case_id);
    let saved = db.register(&case_id, &form).unwrap();

    let mut corrected = saved.current.clone();
    corrected.death.as_mut().unwrap().cause = "Nhồi máu cơ tim cấp, không đặc hiệu".into();
    assert_eq!(
        db.store
            .amend_registration(&db.officer, &saved.id, &corrected, " ", now(), today())
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        db.store
            .amend_registration(
                &db.officer,
                &saved.id,
                &saved.current,
                "không đổi gì",
                now(),
                today()
            )
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let amended = db
        .store
        .amend_registration(
            &db.officer,
            &saved.id,
            &corrected,
            "Theo giấy báo tử cấp lại",
            now(),
            today(),
        )
        .unwrap();
    // A registrar's amendment waits for the supervisor (amendment_approval.rs).
    assert_eq!(amended.current, saved.current);
    let amended = db
        .store
        .decide_amendment(&db.supervisor, &amended.amendments[0].id, true, "", now())
        .unwrap();
    assert_eq!(amended.number, saved.number);
    assert_eq!(amended.original, saved.current);
    assert_eq!(
        amended.current.death.as_ref().unwrap().cause,
        "Nhồi máu cơ tim cấp, không đặc hiệu"
    );
    let change = &amended.amendments[0].changes;
    assert_eq!(change.len(), 1);
    assert_eq!(
        (change[0].field.as_str(), change[0].old.as_str()),
        (
            "cause",
            saved.current.death.as_ref().unwrap().cause.as_str()
        )
    );
    // Two accounts created, a registration, its amendment and its approval.
    assert_eq!(db.store.verify_audit_log().unwrap().entries, 5);

    // A registration row cannot be updated through SQL as is...
    let conn = db.store.file().raw_connection().unwrap();
    assert!(conn
        .execute("UPDATE registration SET number = 7", [])
        .is_err());
    // ...and when someone removes the guard to do it, the chain says which.
    conn.execute_batch(
        "DROP TRIGGER registration_never_updated;
         UPDATE registration SET form = replace(form, 'Ngữ', 'Ngư');",
    )
    .unwrap();
    let report = db.store.verify_audit_log().unwrap();
    let problem = report.problem.expect("the edit is found");
    assert_eq!(
        (problem.seq, problem.action.as_str()),
        (Some(3), "register")
    );
    assert_eq!(problem.entity_id, saved.id);
    assert_eq!(problem.kind, hotich_core::AuditProblemKind::RecordAltered);
    assert!(
        hotich_core::labels::audit_problem_text(hotich_core::Lang::Vi, &problem)
            .contains("đã bị sửa ngoài ứng dụng")
    );
}

/// A hand-opened death completed with the suites' form, but with no
/// personal ID: the concurrent tests register many different people, who must
/// not share one.
fn hand_death_form(store: &Store, case_id: &str) -> RegistrationForm {
    let mut form = common::completed_form(store, case_id, today());
    form.death.as_mut().unwrap().personal_id.clear();
    form
}

#[test]
fn two_windows_registering_the_same_death_at_once_register_it_once() {
    let db = open();
    let path = db.dir.path().join("hotich.db");
    let died = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
    for round in 0..5 {
        let name = format!("Hà Thị Trùng {}", ["A", "B", "C", "D", "E"][round]);
        let start = std::sync::Barrier::new(2);
        let outcomes: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let (path, officer, name, start) = (&path, &db.officer, &name, &start);
                    scope.spawn(move || {
                        let mut store = Store::open(path, &hotich_core::StoreKey::demo()).unwrap();
                        let case = store
                            .open_case_by_hand(
                                officer,
                                EventKind::Death,
                                name,
                                died,
                                now(),
                                today(),
                            )
                            .unwrap();
                        let form = hand_death_form(&store, &case);
                        start.wait();
                        store.register(officer, &case, &form, Utc::now(), today())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let saved = outcomes.iter().filter(|o| o.is_ok()).count();
        let refused: Vec<&str> = outcomes
            .iter()
            .filter_map(|o| o.as_ref().err().map(|e| e.code().as_str()))
            .collect();
        assert_eq!(
            (saved, refused),
            (1, vec!["duplicate_suspected"]),
            "round {round}: the second save sees the first"
        );
    }
}

/// Registers `per_thread[i]` hand-opened deaths from thread `i`, each with
/// its own connection to one database file, all at once.
fn register_concurrently(per_thread: &[usize]) -> Vec<u32> {
    let db = open();
    let path = db.dir.path().join("hotich.db");
    let officer = db.officer.clone();
    let died = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
    let numbers = std::thread::scope(|scope| {
        let handles: Vec<_> = per_thread
            .iter()
            .enumerate()
            .map(|(thread, &count)| {
                let (path, officer) = (path.clone(), officer.clone());
                scope.spawn(move || {
                    let mut store = Store::open(&path, &hotich_core::StoreKey::demo()).unwrap();
                    (0..count)
                        .map(|i| {
                            let name = format!(
                                "Người thứ {} {}",
                                ["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám"][thread],
                                "Ấtbcdefgh".chars().nth(i).unwrap()
                            );
                            let case = store
                                .open_case_by_hand(
                                    &officer,
                                    EventKind::Death,
                                    &name,
                                    died,
                                    Utc::now(),
                                    today(),
                                )
                                .unwrap();
                            let form = hand_death_form(&store, &case);
                            store
                                .register(&officer, &case, &form, Utc::now(), today())
                                .unwrap()
                                .number
                        })
                        .collect::<Vec<u32>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    });
    drop(db);
    numbers
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]
    #[test]
    fn eight_threads_saving_at_once_get_gap_free_unique_numbers(per_thread in proptest::collection::vec(1usize..=8, 8)) {
        let numbers = register_concurrently(&per_thread);
        let total: usize = per_thread.iter().sum();
        let unique: BTreeSet<u32> = numbers.iter().copied().collect();
        prop_assert_eq!(numbers.len(), total);
        prop_assert_eq!(unique, (1..=u32::try_from(total).unwrap()).collect::<BTreeSet<u32>>());
    }
}
