//! Officers and family outreach on a real SQLite file: accounts and
//! lock-out, assignment, attempts through the lifecycle, the timeline, the
//! outbox, follow-up flags, and a notification changing under outreach.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use hotich_core::{
    AttemptInput, CaseFilter, CaseStatus, Channel, CoreError, Officer, Outcome, Role,
    StatusDecision, Store, TimelineKind,
};
use hotich_protocol::samples::{death, now, trust_list};
use hotich_protocol::{Action, Notification};
use rand::{Rng, SeedableRng};

mod common;

use common::fixture::{self, count, COMMUNE, PASSWORD};

struct Db {
    _dir: tempfile::TempDir,
    store: Store,
    supervisor: Officer,
}

fn open() -> Db {
    let (dir, mut store) = fixture::pinned_store();
    store.set_commune(COMMUNE).unwrap();
    let supervisor = store
        .create_first_supervisor("lanhdao", "Phạm Văn Lãnh", PASSWORD, now())
        .unwrap();
    Db {
        _dir: dir,
        store,
        supervisor,
    }
}

fn registrar(db: &mut Db, username: &str, name: &str) -> Officer {
    fixture::registrar(&mut db.store, &db.supervisor, username, name, now())
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn attempt(channel: Channel, outcome: Outcome) -> AttemptInput {
    AttemptInput {
        channel,
        outcome,
        note: None,
        appointment_date: None,
        next_follow_up: None,
        corrects: None,
    }
}

/// A phone call with `outcome`, nothing else noted.
fn phone(outcome: Outcome) -> AttemptInput {
    attempt(Channel::Phone, outcome)
}

/// `who` puts the case back in outreach, giving `reason`; it then is.
fn back_to_outreach(db: &mut Db, who: &Officer, case_id: &str, reason: &str) {
    let decision = decide(CaseStatus::InOutreach, Some(reason));
    db.store
        .change_status(who, case_id, &decision, now(), today())
        .unwrap();
    assert_eq!(
        db.store.case(case_id, today()).unwrap().status,
        CaseStatus::InOutreach
    );
}

fn decide(to: CaseStatus, reason: Option<&str>) -> StatusDecision {
    StatusDecision {
        to,
        reason: reason.map(str::to_owned),
        next_follow_up: None,
    }
}

fn mine(store: &Store, officer: &Officer) -> Vec<hotich_core::CaseRow> {
    let filter = CaseFilter {
        assignee: Some(officer.id.clone()),
        ..Default::default()
    };
    fixture::case_rows(store, filter, today())
}

#[test]
fn the_first_supervisor_creates_registrars_and_only_once() {
    let mut db = open();
    assert!(db.store.has_officers().unwrap());
    assert!(matches!(
        db.store
            .create_first_supervisor("other", "Người Khác", PASSWORD, now()),
        Err(CoreError::AlreadySetUp)
    ));
    let lan = registrar(&mut db, "Lan.LT", "Lê Thị Lan");
    assert_eq!(lan.username, "lan.lt");
    assert_eq!(lan.role, Role::Registrar);
    // A registrar may not create accounts; a short password names its field.
    assert_eq!(
        db.store
            .create_officer(&lan, "x", "X", Role::Registrar, PASSWORD, now())
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let short = db
        .store
        .create_officer(&db.supervisor, "hoa", "Hoa", Role::Registrar, "ngắn", now())
        .unwrap_err();
    assert!(short.to_string().contains("mật khẩu"), "{short}");
    let taken = db
        .store
        .create_officer(
            &db.supervisor,
            "LAN.lt",
            "Lan 2",
            Role::Registrar,
            PASSWORD,
            now(),
        )
        .unwrap_err();
    assert!(taken.to_string().contains("tên đăng nhập"), "{taken}");
    // The hash is stored, never the password.
    assert_eq!(
        count(
            &db.store,
            "SELECT count(*) FROM officer WHERE password_hash LIKE '$argon2id$%' AND password_hash NOT LIKE '%mật%'"
        ),
        2
    );
    assert_eq!(
        db.store.sign_in("lan.lt", PASSWORD, now()).unwrap().id,
        lan.id
    );
}

#[test]
fn wrong_passwords_lock_sign_in_for_a_while_even_after_a_restart() {
    let mut db = open();
    let lan = registrar(&mut db, "lan", "Lê Thị Lan");
    let t0 = now();
    for _ in 0..5 {
        assert!(matches!(
            db.store.sign_in("lan", "sai mật khẩu", t0),
            Err(CoreError::WrongPassword)
        ));
    }
    // Locked: even the right password is refused for 30 seconds, with the
    // answer of a wrong password; only the locked session's officer is told the wait.
    let locked = db
        .store
        .sign_in("lan", PASSWORD, t0 + Duration::seconds(10));
    assert!(
        matches!(locked, Err(CoreError::WrongPassword)),
        "{locked:?}"
    );
    let locked = db
        .store
        .unlock(&lan.id, PASSWORD, t0 + Duration::seconds(10));
    assert!(
        matches!(locked, Err(CoreError::SignInLocked { seconds: 20 })),
        "{locked:?}"
    );
    // The count survives reopening the database.
    let path = db.store.path().to_owned();
    drop(db.store);
    let mut store = Store::open(&path, &hotich_core::StoreKey::demo()).unwrap();
    assert!(matches!(
        store.unlock(&lan.id, PASSWORD, t0 + Duration::seconds(29)),
        Err(CoreError::SignInLocked { .. })
    ));
    // One more failure after the lock doubles it.
    let t1 = t0 + Duration::seconds(31);
    assert!(matches!(
        store.sign_in("lan", "sai", t1),
        Err(CoreError::WrongPassword)
    ));
    assert!(matches!(
        store.unlock(&lan.id, PASSWORD, t1 + Duration::seconds(59)),
        Err(CoreError::SignInLocked { seconds: 1 })
    ));
    assert_eq!(
        store
            .sign_in("lan", PASSWORD, t1 + Duration::seconds(61))
            .unwrap()
            .id,
        lan.id
    );
    // Success resets the count: four more failures do not lock.
    for _ in 0..4 {
        assert!(store
            .sign_in("lan", "sai", t1 + Duration::seconds(62))
            .is_err());
    }
    assert!(store
        .unlock(&lan.id, PASSWORD, t1 + Duration::seconds(63))
        .is_ok());
    // An unknown user is the same error as a wrong password.
    assert!(matches!(
        store.sign_in("nobody", PASSWORD, t1),
        Err(CoreError::WrongPassword)
    ));
}

/// What the test expects, kept apart from the code under test.
fn expected_status(outcome: Outcome) -> CaseStatus {
    match outcome {
        Outcome::AppointmentSet => CaseStatus::Appointment,
        Outcome::RegisteredElsewhere => CaseStatus::RegisteredElsewhere,
        _ => CaseStatus::InOutreach,
    }
}

#[test]
fn two_registrars_work_200_simulated_cases() {
    let mut db = open();
    let sim = hotich_sim::simulate(&hotich_sim::SimConfig::new("01864", 120, 80, today())).unwrap();
    db.store
        .import_trust_list(&serde_json::to_vec(&sim.trust_list).unwrap(), now())
        .unwrap();
    db.store
        .import_bytes(
            &serde_json::to_vec(&sim.notifications).unwrap(),
            "sim",
            hotich_sim::end_of_day_utc(today()),
            &mut |_| {},
        )
        .unwrap();
    let lan = registrar(&mut db, "lan", "Lê Thị Lan");
    let hung = registrar(&mut db, "hung", "Đặng Văn Hùng");
    let new_cases = CaseFilter {
        status: Some(CaseStatus::New),
        ..Default::default()
    };
    let open_cases: Vec<String> = fixture::case_rows(&db.store, new_cases, today())
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(open_cases.len() >= 180, "{} open cases", open_cases.len());
    let statuses_before: BTreeMap<CaseStatus, u64> =
        db.store.status_counts().unwrap().into_iter().collect();

    // The supervisor assigns in two batches; a registrar may not.
    let for_lan: Vec<String> = open_cases.iter().step_by(2).cloned().collect();
    let for_hung: Vec<String> = open_cases.iter().skip(1).step_by(2).cloned().collect();
    assert_eq!(
        db.store
            .assign(&lan, &for_lan, Some(&lan.id), now())
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        db.store
            .assign(&db.supervisor, &for_lan, Some(&lan.id), now())
            .unwrap(),
        u32::try_from(for_lan.len()).unwrap()
    );
    db.store
        .assign(&db.supervisor, &for_hung, Some(&hung.id), now())
        .unwrap();
    // Assigning again changes nothing.
    assert_eq!(
        db.store
            .assign(&db.supervisor, &for_hung, Some(&hung.id), now())
            .unwrap(),
        0
    );
    // Each assignment reaches the registry with the officer's name (the
    // province's page shows who holds an overdue case; it knows no ids).
    let assignments: Vec<serde_json::Value> = db
        .store
        .outbox_pending(10_000)
        .unwrap()
        .into_iter()
        .filter(|row| row.kind == "case_assignment")
        .map(|row| serde_json::from_str(&row.body).unwrap())
        .collect();
    assert_eq!(assignments.len(), open_cases.len());
    assert!(assignments.iter().all(|body| {
        let name = if body["assignee"] == lan.id.as_str() {
            &lan.full_name
        } else {
            &hung.full_name
        };
        body["assignee_name"] == name.as_str()
    }));

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(63);
    let mut expected: BTreeMap<String, CaseStatus> = BTreeMap::new();
    let mut attempts_by: BTreeMap<String, usize> = BTreeMap::new();
    let mut writes = open_cases.len(); // one assignment each
    let mut when = now();
    for (officer, cases) in [(&lan, &for_lan), (&hung, &for_hung)] {
        for case_id in cases.iter() {
            let mut status = CaseStatus::New;
            for _ in 0..rng.gen_range(1..=3) {
                let outcome = Outcome::ALL[rng.gen_range(0..Outcome::ALL.len())];
                let channel = Channel::ALL[rng.gen_range(0..Channel::ALL.len())];
                let mut input = attempt(channel, outcome);
                if outcome == Outcome::AppointmentSet {
                    input.appointment_date = Some(today() + Duration::days(3));
                }
                if outcome == Outcome::RegisteredElsewhere {
                    input.note = Some("Gia đình đã đăng ký tại phường nơi cư trú".into());
                }
                when += Duration::seconds(1);
                db.store
                    .log_attempt(officer, case_id, &input, when, today())
                    .unwrap();
                *attempts_by.entry(officer.full_name.clone()).or_default() += 1;
                writes += 1;
                status = expected_status(outcome);
                if !status.is_open() {
                    break;
                }
            }
            // Some families cannot register here at all.
            if status.is_open() && rng.gen_bool(0.1) {
                db.store
                    .change_status(
                        officer,
                        case_id,
                        &decide(
                            CaseStatus::NotRegistrable,
                            Some("Người nước ngoài, đăng ký tại cơ quan đại diện"),
                        ),
                        when,
                        today(),
                    )
                    .unwrap();
                writes += 1;
                status = CaseStatus::NotRegistrable;
            }
            expected.insert(case_id.clone(), status);
        }
    }

    // Counts per status: the untouched cases as before, the worked ones as expected.
    let mut want = statuses_before.clone();
    *want.get_mut(&CaseStatus::New).unwrap() -= open_cases.len() as u64;
    for status in expected.values() {
        *want.entry(*status).or_default() += 1;
    }
    want.retain(|_, n| *n > 0);
    let got: BTreeMap<CaseStatus, u64> = db.store.status_counts().unwrap().into_iter().collect();
    assert_eq!(got, want);
    for (case_id, status) in &expected {
        assert_eq!(db.store.case(case_id, today()).unwrap().status, *status);
    }

    // Counts per officer: their cases, and the attempts on the timelines under their name.
    for (officer, cases) in [(&lan, &for_lan), (&hung, &for_hung)] {
        let rows = mine(&db.store, officer);
        assert_eq!(rows.len(), cases.len());
        assert!(rows
            .iter()
            .all(|r| r.assignee_name.as_deref() == Some(officer.full_name.as_str())));
        // Urgency: open first, then the deadline, then the follow-up.
        assert!(rows.windows(2).all(|w| {
            (!w[0].status.is_open(), w[0].deadline, w[0].next_follow_up)
                <= (!w[1].status.is_open(), w[1].deadline, w[1].next_follow_up)
        }));
        let logged: usize = cases
            .iter()
            .map(|id| {
                db.store
                    .case_history(id)
                    .unwrap()
                    .iter()
                    .filter(|e| {
                        e.kind == TimelineKind::Attempt
                            && e.officer_name.as_deref() == Some(officer.full_name.as_str())
                    })
                    .count()
            })
            .sum();
        assert_eq!(logged, attempts_by[&officer.full_name]);
    }
    // Every write has its outbox row.
    assert_eq!(
        count(&db.store, "SELECT count(*) FROM outbox"),
        i64::try_from(writes).unwrap()
    );
    assert_eq!(
        count(
            &db.store,
            "SELECT count(*) FROM case_event WHERE kind != 'notification'"
        ),
        i64::try_from(writes).unwrap()
    );
}

/// Signs a notification with the sample facility key and imports it.
fn import_signed(
    store: &mut Store,
    notification: &Notification,
    at: chrono::DateTime<chrono::Utc>,
) {
    fixture::import_signed(store, notification, at);
}

fn one_death_case(db: &mut Db) -> (Notification, String) {
    db.store.import_trust_list(&trust_list(), now()).unwrap();
    let n = death();
    import_signed(&mut db.store, &n, now());
    let case_id = db
        .store
        .cases(&CaseFilter::default(), today())
        .unwrap()
        .rows[0]
        .id
        .clone();
    (n, case_id)
}

#[test]
fn an_illegal_transition_or_bad_input_changes_nothing() {
    let mut db = open();
    let (_, case_id) = one_death_case(&mut db);
    let lan = registrar(&mut db, "lan", "Lê Thị Lan");
    let snapshot = |store: &Store| {
        (
            store.case(&case_id, today()).unwrap(),
            count(store, "SELECT count(*) FROM case_event"),
            count(store, "SELECT count(*) FROM outbox"),
        )
    };
    let before = snapshot(&db.store);
    /// What the officer tries: a status decision without a reason, or an attempt.
    enum Try {
        Decide(CaseStatus),
        Log(AttemptInput),
    }
    let tries = [
        // new -> registered is a registration, not an outreach decision.
        Try::Decide(CaseStatus::Registered),
        Try::Decide(CaseStatus::NotRegistrable),
        Try::Log(phone(Outcome::AppointmentSet)),
        Try::Log(phone(Outcome::RegisteredElsewhere)),
        Try::Log(AttemptInput {
            next_follow_up: Some(today() - Duration::days(1)),
            ..attempt(Channel::Phone, Outcome::NoAnswer)
        }),
    ];
    let refused: Vec<CoreError> = tries
        .into_iter()
        .map(|tried| match tried {
            Try::Decide(to) => db
                .store
                .change_status(&lan, &case_id, &decide(to, None), now(), today())
                .unwrap_err(),
            Try::Log(input) => db
                .store
                .log_attempt(&lan, &case_id, &input, now(), today())
                .unwrap_err(),
        })
        .collect();
    assert_eq!(refused[0].code(), "illegal_transition");
    assert!(refused[1].to_string().contains("lý do"), "{}", refused[1]);
    assert!(
        refused[2].to_string().contains("ngày hẹn"),
        "{}",
        refused[2]
    );
    assert!(refused[3].to_string().contains("ghi chú"), "{}", refused[3]);
    assert!(
        refused[4].to_string().contains("ngày liên hệ tiếp"),
        "{}",
        refused[4]
    );
    assert_eq!(snapshot(&db.store), before);

    // Closed as registered elsewhere, the case takes no more attempts but can be reopened.
    db.store
        .log_attempt(
            &lan,
            &case_id,
            &AttemptInput {
                note: Some("Đã đăng ký ở xã khác".into()),
                ..attempt(Channel::Phone, Outcome::RegisteredElsewhere)
            },
            now(),
            today(),
        )
        .unwrap();
    let closed = snapshot(&db.store);
    assert_eq!(closed.0.next_follow_up, None);
    let again = db
        .store
        .log_attempt(&lan, &case_id, &phone(Outcome::NoAnswer), now(), today())
        .unwrap_err();
    // Refused with the reason that applies: the case is closed.
    assert_eq!(again.code(), "case_closed");
    assert_eq!(again.params()["status"], "registered_elsewhere");
    assert_eq!(snapshot(&db.store), closed);
    back_to_outreach(&mut db, &lan, &case_id, "Nhầm hồ sơ");
}

#[test]
fn attempts_propose_follow_ups_flag_missed_appointments_and_are_corrected_not_deleted() {
    let mut db = open();
    let (_, case_id) = one_death_case(&mut db);
    let lan = registrar(&mut db, "lan", "Lê Thị Lan");
    let hung = registrar(&mut db, "hung", "Đặng Văn Hùng");
    let day = today();
    // Nobody has called two working days after intake: flagged.
    let later = day + Duration::days(5);
    assert!(db.store.case(&case_id, later).unwrap().no_contact_yet);
    assert!(!db.store.case(&case_id, day).unwrap().no_contact_yet);

    // An unassigned case becomes the case of whoever works it first.
    let first = db
        .store
        .log_attempt(&lan, &case_id, &phone(Outcome::NoAnswer), now(), day)
        .unwrap();
    let row = db.store.case(&case_id, day).unwrap();
    assert_eq!(row.assignee_id.as_deref(), Some(lan.id.as_str()));
    assert_eq!(
        row.next_follow_up,
        Some(db.store.calendar().add_working_days(day, 1))
    );
    assert!(!db.store.case(&case_id, later).unwrap().no_contact_yet);
    // Another registrar may not log on Lan's case.
    assert_eq!(
        db.store
            .log_attempt(&hung, &case_id, &phone(Outcome::Reached), now(), day)
            .unwrap_err()
            .params()["assignee"],
        lan.full_name,
        "refused as assigned to another, naming her"
    );

    // It was not "no answer" but an appointment: corrected by a new entry.
    let appointment = day + Duration::days(2);
    let second = db
        .store
        .log_attempt(
            &lan,
            &case_id,
            &AttemptInput {
                appointment_date: Some(appointment),
                corrects: Some(first.clone()),
                note: Some("Gọi nhầm số, đã gọi lại và hẹn".into()),
                ..attempt(Channel::Phone, Outcome::AppointmentSet)
            },
            now() + Duration::minutes(5),
            day,
        )
        .unwrap();
    let history = db.store.case_history(&case_id).unwrap();
    let attempts: Vec<_> = history
        .iter()
        .filter(|e| e.kind == TimelineKind::Attempt)
        .collect();
    assert_eq!(attempts.len(), 2, "nothing is deleted");
    assert_eq!(attempts[0].corrected_by.as_deref(), Some(second.as_str()));
    assert_eq!(attempts[1].corrects.as_deref(), Some(first.as_str()));
    assert_eq!(attempts[1].officer_name.as_deref(), Some("Lê Thị Lan"));
    assert_eq!(
        attempts[1].note.as_deref(),
        Some("Gọi nhầm số, đã gọi lại và hẹn")
    );
    assert!(history.iter().any(|e| e.kind == TimelineKind::Assignment));
    // A correction is corrected only once.
    assert!(db
        .store
        .log_attempt(
            &lan,
            &case_id,
            &AttemptInput {
                corrects: Some(first),
                ..attempt(Channel::Phone, Outcome::Reached)
            },
            now(),
            day,
        )
        .is_err());
    // The timeline rows cannot be rewritten.
    let auditor = db.store.file().raw_connection().unwrap();
    assert!(auditor.execute("DELETE FROM case_event", []).is_err());
    assert!(auditor
        .execute("UPDATE case_event SET note = 'x'", [])
        .is_err());

    let row = db.store.case(&case_id, day).unwrap();
    assert_eq!(
        (row.status, row.appointment_date, row.next_follow_up),
        (
            CaseStatus::Appointment,
            Some(appointment),
            Some(appointment)
        )
    );
    // Due on the appointment day; missed the day after.
    let due = |on: NaiveDate| {
        db.store
            .cases(
                &CaseFilter {
                    follow_up_due: true,
                    ..Default::default()
                },
                on,
            )
            .unwrap()
            .rows
    };
    assert!(due(day).is_empty());
    assert_eq!(due(appointment).len(), 1);
    assert!(
        !db.store
            .case(&case_id, appointment)
            .unwrap()
            .appointment_missed
    );
    assert!(
        db.store
            .case(&case_id, appointment + Duration::days(1))
            .unwrap()
            .appointment_missed
    );
}

/// One death case whose family Lan has already reached.
fn outreach_begun(channel: Channel) -> (Db, Notification, String, Officer) {
    let mut db = open();
    let (n, case_id) = one_death_case(&mut db);
    let lan = registrar(&mut db, "lan", "Lê Thị Lan");
    db.store
        .log_attempt(
            &lan,
            &case_id,
            &attempt(channel, Outcome::Reached),
            now(),
            today(),
        )
        .unwrap();
    (db, n, case_id, lan)
}

/// The facility sends version 2 of `n` two hours after it, voiding it
/// ("issued to the wrong person") or correcting it; it arrives three hours
/// after now.
fn revise(db: &mut Db, n: Notification, action: Action) {
    let mut revised = Notification {
        version: 2,
        action,
        issued_at: n.issued_at + Duration::hours(2),
        ..n
    };
    if action == Action::Void {
        revised.birth = None;
        revised.death = None;
        revised.void_reason = Some("Cấp nhầm người".into());
    }
    import_signed(&mut db.store, &revised, now() + Duration::hours(3));
}

#[test]
fn a_void_after_outreach_began_flags_the_case_and_keeps_its_history() {
    let (mut db, n, case_id, lan) = outreach_begun(Channel::HomeVisit);
    revise(&mut db, n, Action::Void);
    let row = db.store.case(&case_id, today()).unwrap();
    assert_eq!(row.status, CaseStatus::NeedsReview);
    let history = db.store.case_history(&case_id).unwrap();
    let attempt_entry = history
        .iter()
        .find(|e| e.kind == TimelineKind::Attempt)
        .expect("the attempt is kept");
    assert_eq!(attempt_entry.notification_version, Some(1));
    let flagged = history.last().unwrap();
    assert_eq!(flagged.kind, TimelineKind::Notification);
    assert_eq!(flagged.notification_version, Some(2));
    assert_eq!(
        (flagged.from_status, flagged.to_status),
        (Some(CaseStatus::InOutreach), Some(CaseStatus::NeedsReview))
    );
    // The officer reviews and closes it as voided.
    db.store
        .change_status(
            &lan,
            &case_id,
            &decide(CaseStatus::Voided, Some("Cơ sở y tế đã hủy")),
            now(),
            today(),
        )
        .unwrap();
    assert_eq!(
        db.store.case(&case_id, today()).unwrap().status,
        CaseStatus::Voided
    );
    assert_eq!(
        db.store.case_history(&case_id).unwrap().len(),
        history.len() + 1
    );
}

#[test]
fn guidance_fills_the_templates_with_the_case() {
    let mut db = open();
    let (n, case_id) = one_death_case(&mut db);
    let lan = registrar(&mut db, "lan", "Lê Thị Lan");
    let guidance = db.store.guidance(&lan, &case_id, today()).unwrap();
    let d = n.death.as_ref().unwrap();
    let name = hotich_core::text::clean(&d.name);
    assert!(
        guidance.call_script.contains(&name),
        "{}",
        guidance.call_script
    );
    assert!(guidance.call_script.contains("Lê Thị Lan"));
    assert!(guidance.call_script.contains("UBND xã Bằng Thành"));
    assert!(guidance.message.contains(&name));
    assert!(guidance
        .checklist
        .iter()
        .any(|item| item.starts_with("Giấy báo tử")));
    assert_eq!(guidance.contacts[0].phone, d.relative_phone);

    // A supervisor edits the script; a registrar may not; a misspelt variable is refused.
    let key = hotich_core::templates::TemplateKey::parse("call_script_death").unwrap();
    assert_eq!(
        db.store
            .set_template(&lan, key, "Xin chào {{ subject_name }}", now())
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let supervisor = db.supervisor.clone();
    assert!(db
        .store
        .set_template(&supervisor, key, "Xin chào {{ ten }}", now())
        .is_err());
    db.store
        .set_template(
            &supervisor,
            key,
            "Kính gửi gia đình {{ subject_name }}, hạn {{ deadline }}.",
            now(),
        )
        .unwrap();
    let edited = db.store.guidance(&lan, &case_id, today()).unwrap();
    assert!(edited
        .call_script
        .starts_with(&format!("Kính gửi gia đình {name}, hạn ")));
    db.store.set_template(&supervisor, key, "", now()).unwrap();
    assert_eq!(
        db.store.guidance(&lan, &case_id, today()).unwrap(),
        guidance
    );

    // The office's address and hours: a supervisor's to set, never empty.
    let contact = |address: &str, hours: &str| hotich_core::OfficeContact {
        address: address.into(),
        hours: hours.into(),
        phone: None,
    };
    let address = "Thôn Nà Pục, xã Bằng Thành";
    let hours = "sáng thứ Hai đến thứ Bảy";
    assert_eq!(
        db.store
            .set_office_contact(&lan, &contact(address, hours))
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let empty = db
        .store
        .set_office_contact(&supervisor, &contact("  ", hours))
        .unwrap_err();
    assert_eq!(empty.to_string(), "địa chỉ cơ quan: bắt buộc, chưa nhập");
    assert_ne!(db.store.office_contact().unwrap().address, address);
    db.store
        .set_office_contact(&supervisor, &contact(address, hours))
        .unwrap();
    assert_eq!(db.store.office_contact().unwrap(), contact(address, hours));
    let message = db.store.guidance(&lan, &case_id, today()).unwrap().message;
    assert!(message.contains(address), "{message}");
}

#[test]
fn a_correction_after_outreach_began_is_reviewed_and_cannot_be_closed_as_voided() {
    let (mut db, n, case_id, lan) = outreach_begun(Channel::Phone);
    revise(&mut db, n, Action::Correct);
    assert_eq!(
        db.store.case(&case_id, today()).unwrap().status,
        CaseStatus::NeedsReview
    );
    // Logging a call does not stand in for the review.
    assert_eq!(
        db.store
            .log_attempt(&lan, &case_id, &phone(Outcome::NoAnswer), now(), today())
            .unwrap_err()
            .code(),
        "case_needs_review"
    );
    let voided = db
        .store
        .change_status(
            &lan,
            &case_id,
            &decide(CaseStatus::Voided, Some("Nhầm")),
            now(),
            today(),
        )
        .unwrap_err();
    assert_eq!(voided.code(), "invalid_input");
    back_to_outreach(&mut db, &lan, &case_id, "Đã xem bản cải chính");
}

#[test]
fn the_outreach_view_offers_what_the_officer_may_do() {
    let mut db = open();
    let lan = registrar(&mut db, "lan", "Nguyễn Thị Lan");
    let hoa = registrar(&mut db, "hoa", "Trần Thị Hoa");
    let (_, case_id) = one_death_case(&mut db);

    // Unassigned: anyone may start outreach; every outcome has its proposal.
    let view = db.store.outreach_view(&lan, &case_id, today()).unwrap();
    assert!(view.accepts_attempts);
    assert_eq!(
        view.decisions,
        [
            CaseStatus::InOutreach,
            CaseStatus::Appointment,
            CaseStatus::RegisteredElsewhere,
            CaseStatus::NotRegistrable
        ]
    );
    let proposal = |view: &hotich_core::OutreachView, outcome| {
        view.proposals
            .iter()
            .find(|p| p.outcome == outcome)
            .unwrap()
            .next_follow_up
    };
    assert_eq!(
        proposal(&view, Outcome::NoAnswer),
        hotich_core::lifecycle::proposed_follow_up(
            db.store.calendar(),
            Outcome::NoAnswer,
            today(),
            None
        )
    );
    assert_eq!(proposal(&view, Outcome::RegisteredElsewhere), None);
    assert!(view.timeline.is_empty());

    // Once Lan works it, Hoa only reads it; the supervisor still may act.
    db.store
        .log_attempt(&lan, &case_id, &phone(Outcome::NoAnswer), now(), today())
        .unwrap();
    let for_hoa = db.store.outreach_view(&hoa, &case_id, today()).unwrap();
    assert!(!for_hoa.accepts_attempts);
    assert!(for_hoa.decisions.is_empty());
    assert_eq!(for_hoa.timeline.len(), 2, "take-over and attempt");
    let for_supervisor = db
        .store
        .outreach_view(&db.supervisor, &case_id, today())
        .unwrap();
    assert!(for_supervisor.accepts_attempts);

    // A closed case takes no attempt; the only decision is reopening it.
    db.store
        .change_status(
            &lan,
            &case_id,
            &decide(CaseStatus::NotRegistrable, Some("gia đình ở nước ngoài")),
            now(),
            today(),
        )
        .unwrap();
    let closed = db.store.outreach_view(&lan, &case_id, today()).unwrap();
    assert!(!closed.accepts_attempts);
    assert_eq!(closed.decisions, [CaseStatus::InOutreach]);
}

/// The form's problems as (field, rule), in order.
fn problems(error: &CoreError) -> Vec<(&str, &str)> {
    assert_eq!(error.code(), "invalid_form", "{error}");
    error
        .problems()
        .iter()
        .map(|p| (p.field.as_str(), p.rule.as_str()))
        .collect()
}

#[test]
fn an_attempt_names_every_problem_of_its_form_and_records_nothing() {
    let mut db = open();
    let (_, case_id) = one_death_case(&mut db);
    let lan = registrar(&mut db, "lan", "Lê Thị Lan");
    let yesterday = today() - Duration::days(1);
    let events = "SELECT count(*) FROM case_event";
    let before = count(&db.store, events);
    // An appointment in the past and a next contact in the past.
    let past = AttemptInput {
        appointment_date: Some(yesterday),
        next_follow_up: Some(yesterday),
        ..phone(Outcome::AppointmentSet)
    };
    let mut refused_attempt = |input: &AttemptInput| {
        db.store
            .log_attempt(&lan, &case_id, input, now(), today())
            .unwrap_err()
    };
    let refused = refused_attempt(&past);
    assert_eq!(
        problems(&refused),
        [
            ("appointment_date", "before_today"),
            ("next_follow_up", "before_today")
        ]
    );
    assert_eq!(
        refused.message(hotich_core::Lang::En),
        "Appointment date: must not be before today; Next contact date: must not be before today"
    );
    // Registered elsewhere without saying where, and an appointment day too.
    let elsewhere = AttemptInput {
        appointment_date: Some(today()),
        ..phone(Outcome::RegisteredElsewhere)
    };
    let refused = refused_attempt(&elsewhere);
    assert_eq!(
        problems(&refused),
        [
            ("appointment_date", "only_for_appointment"),
            ("note", "where_registered_missing")
        ]
    );
    assert_eq!(count(&db.store, events), before, "nothing recorded");
    let case = db.store.case(&case_id, today()).unwrap();
    assert_eq!((case.status, case.assignee_id), (CaseStatus::New, None));
}

#[test]
fn the_office_contact_names_every_problem_of_its_form_and_keeps_the_stored_one() {
    let db = open();
    let stored = db.store.office_contact().unwrap();
    let refused = db
        .store
        .set_office_contact(
            &db.supervisor,
            &hotich_core::OfficeContact {
                address: " ".into(),
                hours: "sáng thứ Hai".into(),
                phone: Some("gọi Lan".into()),
            },
        )
        .unwrap_err();
    assert_eq!(
        problems(&refused),
        [
            ("office_address", "required"),
            ("office_phone", "phone_format")
        ]
    );
    assert_eq!(db.store.office_contact().unwrap(), stored);
}
