//! Accounts with a life cycle on a real SQLite file: the forced password
//! change, resets, deactivation, roles, the last supervisor, the password
//! rule, the audit entries, and what unlocking reads again.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use hotich_core::{
    CaseFilter, CoreError, ErrorCode, InputReason, Officer, OfficerUpdate, Role, Session, Store,
};
use hotich_protocol::samples::{birth, now};

mod common;

use common::fixture::{self, PASSWORD};

/// The registrar's own password once they chose it.
const OWN_PASSWORD: &str = "hoa sen nở giữa hồ";

fn office() -> (tempfile::TempDir, Store, Officer) {
    fixture::office(now())
}

/// Supervisor `lanhdao` creates registrar `lan` with the first password `PASSWORD`.
fn office_with_lan() -> (tempfile::TempDir, Store, Officer, Officer) {
    let (dir, mut store, supervisor) = office();
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Lê Thị Lan", now());
    (dir, store, supervisor, lan)
}

fn input_reason(error: CoreError) -> InputReason {
    match error {
        CoreError::InvalidInput { reason, .. } => reason,
        other => panic!("expected an input problem, got {other:?}"),
    }
}

/// The audit log's account entries, oldest first: (at, actor, action, officer acted on).
fn account_audit(store: &Store) -> Vec<(String, String, String, String)> {
    let conn = store.file().raw_connection().unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT at, officer_id, action, entity_id FROM audit_log
             WHERE action NOT IN ('register', 'amend') ORDER BY seq",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// Lan, her password her own, signs in; then her session locks.
fn lan_signed_in_then_locked(store: &mut Store, lan: &Officer) -> (Session, Instant) {
    store
        .change_own_password(&lan.id, PASSWORD, OWN_PASSWORD, now())
        .unwrap();
    let start = Instant::now();
    let mut session = Session::new(300, start);
    session.begin(store.sign_in("lan", OWN_PASSWORD, now()).unwrap(), start);
    session.lock();
    (session, start)
}

#[test]
fn a_new_account_must_choose_its_own_password_at_first_sign_in() {
    let (_dir, mut store, supervisor, lan) = office_with_lan();
    assert!(
        !supervisor.must_change_password,
        "the first supervisor chose theirs"
    );
    assert!(lan.must_change_password);

    let signed_in = store.sign_in("lan", PASSWORD, now()).unwrap();
    assert!(signed_in.must_change_password);
    let start = Instant::now();
    let mut session = Session::new(300, start);
    session.begin(signed_in, start);
    assert!(matches!(
        session.require(start),
        Err(CoreError::PasswordChangeRequired)
    ));
    let officer = session.require_for_password_change(start).unwrap();

    // The rule, before anything is written.
    let refused = |store: &mut Store, current: &str, new: &str| {
        store
            .change_own_password(&officer.id, current, new, now())
            .unwrap_err()
    };
    assert!(matches!(
        refused(&mut store, "không phải mật khẩu", OWN_PASSWORD),
        CoreError::WrongPassword
    ));
    for (new, reason) in [
        ("ngắn quá", InputReason::PasswordTooShort),
        ("qwerty123456", InputReason::PasswordCommon),
        ("Password1234", InputReason::PasswordCommon),
        ("Lê Thị Lan", InputReason::PasswordTooShort),
        ("le thi lan!!", InputReason::PasswordIsName),
        (PASSWORD, InputReason::PasswordUnchanged),
    ] {
        assert_eq!(
            input_reason(refused(&mut store, PASSWORD, new)),
            reason,
            "{new}"
        );
    }
    assert!(
        store
            .sign_in("lan", PASSWORD, now())
            .unwrap()
            .must_change_password
    );

    let changed = store
        .change_own_password(&officer.id, PASSWORD, OWN_PASSWORD, now())
        .unwrap();
    assert!(!changed.must_change_password);
    session.officer_changed(&changed);
    assert_eq!(session.require(start).unwrap().id, lan.id);

    assert!(matches!(
        store.sign_in("lan", PASSWORD, now()),
        Err(CoreError::WrongPassword)
    ));
    assert!(
        !store
            .sign_in("lan", OWN_PASSWORD, now())
            .unwrap()
            .must_change_password
    );
}

#[test]
fn a_reset_gives_a_one_time_password_that_forces_a_change_and_ends_a_lock_out() {
    let (_dir, mut store, supervisor, lan) = office_with_lan();
    store
        .change_own_password(&lan.id, PASSWORD, OWN_PASSWORD, now())
        .unwrap();
    // Lan forgets it and locks herself out.
    for _ in 0..6 {
        assert!(store.sign_in("lan", "đoán thử lần nữa", now()).is_err());
    }
    assert!(matches!(
        store.sign_in("lan", OWN_PASSWORD, now()),
        Err(CoreError::WrongPassword)
    ));

    // Only a supervisor resets.
    let other = fixture::registrar(&mut store, &supervisor, "hoa", "Trần Thị Hoa", now());
    let forbidden = store.reset_password(&other, &lan.id, now()).unwrap_err();
    assert_eq!(forbidden.code(), ErrorCode::Forbidden);
    assert_eq!(forbidden.params()["action"], "manage_officers");

    let reset = store.reset_password(&supervisor, &lan.id, now()).unwrap();
    assert!(reset.officer.must_change_password);
    assert!(!format!("{reset:?}").contains(&reset.one_time_password));
    let second = store.reset_password(&supervisor, &lan.id, now()).unwrap();
    assert_ne!(reset.one_time_password, second.one_time_password);
    // Only the latest one-time password works, and only to change it.
    assert!(store
        .sign_in("lan", &reset.one_time_password, now())
        .is_err());
    assert!(store.sign_in("lan", OWN_PASSWORD, now()).is_err());
    let signed_in = store
        .sign_in("lan", &second.one_time_password, now())
        .unwrap();
    assert!(signed_in.must_change_password);
    let changed = store
        .change_own_password(
            &lan.id,
            &second.one_time_password,
            "một mật khẩu mới hẳn",
            now(),
        )
        .unwrap();
    assert!(!changed.must_change_password);
}

#[test]
fn a_deactivated_officer_cannot_sign_in_or_unlock_and_their_cases_need_a_new_assignee() {
    let (_dir, mut store, supervisor, lan) = office_with_lan();
    fixture::import_signed(&mut store, &birth(), now());
    let today = hotich_common::time::office_day(now());
    let case_id = store.cases(&CaseFilter::default(), today).unwrap().rows[0]
        .id
        .clone();
    store
        .assign(
            &supervisor,
            std::slice::from_ref(&case_id),
            Some(&lan.id),
            now(),
        )
        .unwrap();
    let (mut session, start) = lan_signed_in_then_locked(&mut store, &lan);

    let deactivated = store
        .update_officer(&supervisor, &lan.id, OfficerUpdate::Active(false), now())
        .unwrap();
    assert!(!deactivated.active);
    // Her right password says why; a wrong one says no more than for anyone.
    assert!(matches!(
        store.sign_in("lan", OWN_PASSWORD, now()),
        Err(CoreError::AccountDeactivated)
    ));
    assert!(matches!(
        store.sign_in("lan", "không phải mật khẩu", now()),
        Err(CoreError::WrongPassword)
    ));
    // Her locked session cannot be unlocked: it ends.
    assert!(matches!(
        session.unlock(&mut store, OWN_PASSWORD, start, now()),
        Err(CoreError::AccountDeactivated)
    ));
    assert!(matches!(
        session.require(start),
        Err(CoreError::NotSignedIn)
    ));
    // Her open case shows as needing a new assignee.
    let row = store.cases(&CaseFilter::default(), today).unwrap().rows[0].clone();
    assert_eq!(row.assignee_id.as_deref(), Some(lan.id.as_str()));
    assert!(row.assignee_inactive);

    let reactivated = store
        .update_officer(&supervisor, &lan.id, OfficerUpdate::Active(true), now())
        .unwrap();
    assert!(reactivated.active);
    assert!(store.sign_in("lan", OWN_PASSWORD, now()).is_ok());
    let row = store.cases(&CaseFilter::default(), today).unwrap().rows[0].clone();
    assert!(!row.assignee_inactive);
}

#[test]
fn the_last_active_supervisor_can_be_neither_deactivated_nor_demoted() {
    let (_dir, mut store, supervisor, _lan) = office_with_lan();
    let last =
        |result: hotich_core::Result<Officer>| matches!(result, Err(CoreError::LastSupervisor));
    assert!(last(store.update_officer(
        &supervisor,
        &supervisor.id,
        OfficerUpdate::Active(false),
        now()
    )));
    assert!(last(store.update_officer(
        &supervisor,
        &supervisor.id,
        OfficerUpdate::Role(Role::Registrar),
        now()
    )));

    let second = store
        .create_officer(
            &supervisor,
            "pho",
            "Đỗ Văn Phó",
            Role::Supervisor,
            PASSWORD,
            now(),
        )
        .unwrap();
    // With two, one may step down; then the other is the last again.
    let demoted = store
        .update_officer(
            &supervisor,
            &supervisor.id,
            OfficerUpdate::Role(Role::Registrar),
            now(),
        )
        .unwrap();
    assert_eq!(demoted.role, Role::Registrar);
    let demoted_acts =
        store.update_officer(&demoted, &second.id, OfficerUpdate::Active(false), now());
    assert!(matches!(demoted_acts, Err(CoreError::Forbidden(_))));
    assert!(last(store.update_officer(
        &second,
        &second.id,
        OfficerUpdate::Active(false),
        now()
    )));
    // A deactivated supervisor does not count as one who can manage.
    let third = store
        .create_officer(&second, "ba", "Ba", Role::Supervisor, PASSWORD, now())
        .unwrap();
    store
        .update_officer(&second, &third.id, OfficerUpdate::Active(false), now())
        .unwrap();
    assert!(last(store.update_officer(
        &second,
        &second.id,
        OfficerUpdate::Role(Role::Registrar),
        now()
    )));
}

#[test]
fn every_account_action_is_in_the_audit_log_with_who_and_when() {
    let (_dir, mut store, supervisor, lan) = office_with_lan();
    let at = |minutes: i64| -> DateTime<Utc> { now() + Duration::minutes(minutes) };
    store
        .change_own_password(&lan.id, PASSWORD, OWN_PASSWORD, at(1))
        .unwrap();
    store.reset_password(&supervisor, &lan.id, at(2)).unwrap();
    store
        .update_officer(&supervisor, &lan.id, OfficerUpdate::Active(false), at(3))
        .unwrap();
    store
        .update_officer(&supervisor, &lan.id, OfficerUpdate::Active(true), at(4))
        .unwrap();
    store
        .update_officer(
            &supervisor,
            &lan.id,
            OfficerUpdate::Role(Role::Supervisor),
            at(5),
        )
        .unwrap();
    // Nothing changed, nothing logged.
    store
        .update_officer(&supervisor, &lan.id, OfficerUpdate::Active(true), at(6))
        .unwrap();

    let expected = [
        (now(), &supervisor.id, "officer_create", &supervisor.id),
        (now(), &supervisor.id, "officer_create", &lan.id),
        (at(1), &lan.id, "password_change", &lan.id),
        (at(2), &supervisor.id, "password_reset", &lan.id),
        (at(3), &supervisor.id, "officer_deactivate", &lan.id),
        (at(4), &supervisor.id, "officer_reactivate", &lan.id),
        (at(5), &supervisor.id, "role_change", &lan.id),
    ]
    .map(|(when, who, action, whom)| {
        (
            when.to_rfc3339(),
            who.clone(),
            action.to_owned(),
            whom.clone(),
        )
    });
    assert_eq!(account_audit(&store), expected);
    // The entries chain like the registrations' and verify.
    let report = store.verify_audit_log().unwrap();
    assert_eq!(report.entries, 7);
    assert_eq!(report.problem, None);
}

#[test]
fn unlocking_reads_the_officer_again() {
    let (_dir, mut store, supervisor, lan) = office_with_lan();
    let (mut session, start) = lan_signed_in_then_locked(&mut store, &lan);
    store
        .update_officer(
            &supervisor,
            &lan.id,
            OfficerUpdate::Role(Role::Supervisor),
            now(),
        )
        .unwrap();
    // A wrong password keeps it locked, with the old officer.
    assert!(session
        .unlock(&mut store, "không phải mật khẩu", start, now())
        .is_err());
    assert!(matches!(
        session.require(start),
        Err(CoreError::SessionLocked)
    ));
    session
        .unlock(&mut store, OWN_PASSWORD, start, now())
        .unwrap();
    assert_eq!(session.require(start).unwrap().role, Role::Supervisor);
}

#[test]
fn a_locked_out_account_answers_like_a_wrong_password_at_sign_in() {
    let (_dir, mut store, _supervisor, lan) = office_with_lan();
    for _ in 0..5 {
        assert!(matches!(
            store.sign_in("lan", "sai mật khẩu rồi", now()),
            Err(CoreError::WrongPassword)
        ));
    }
    // The right password, the wrong one and an unknown user: one answer.
    for (user, password) in [("lan", PASSWORD), ("lan", "sai nữa"), ("nobody", PASSWORD)] {
        assert!(matches!(
            store.sign_in(user, password, now() + Duration::seconds(10)),
            Err(CoreError::WrongPassword)
        ));
    }
    // The locked session's own officer learns how long to wait.
    assert!(matches!(
        store.unlock(&lan.id, PASSWORD, now() + Duration::seconds(10)),
        Err(CoreError::SignInLocked { seconds: 20 })
    ));
    assert!(store
        .sign_in("lan", PASSWORD, now() + Duration::seconds(31))
        .is_ok());
}

/// The problems of a refused account form, as (field, rule code).
fn form_problems(error: CoreError) -> Vec<(String, &'static str)> {
    match error {
        CoreError::InvalidForm(problems) => problems
            .into_iter()
            .map(|problem| (problem.field, problem.rule.as_str()))
            .collect(),
        other => panic!("expected the form's problems, got {other:?}"),
    }
}

#[test]
fn a_new_account_form_names_every_problem_at_once_and_writes_nothing() {
    let (_dir, mut store, supervisor, _lan) = office_with_lan();
    let officers_before = store.officers().unwrap();
    let audit_before = account_audit(&store).len();
    let refused = store
        .create_officer(&supervisor, "lan", "  ", Role::Registrar, "ngắn", now())
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidForm);
    assert_eq!(
        form_problems(refused),
        [
            ("username".to_owned(), "username_taken"),
            ("full_name".to_owned(), "required"),
            ("password".to_owned(), "password_too_short"),
        ]
    );
    let refused = store
        .create_officer(
            &supervisor,
            "hoa nguyen",
            "Nguyễn Thị Hoa",
            Role::Registrar,
            "Nguyễn Thị Hoa!",
            now(),
        )
        .unwrap_err();
    assert_eq!(
        form_problems(refused),
        [
            ("username".to_owned(), "username_characters"),
            ("password".to_owned(), "password_is_name"),
        ]
    );
    assert_eq!(store.officers().unwrap(), officers_before);
    assert_eq!(account_audit(&store).len(), audit_before);
}

#[test]
fn the_first_supervisor_form_names_every_problem_at_once_and_writes_nothing() {
    let (_dir, mut store) = fixture::pinned_store();
    let refused = store
        .create_first_supervisor("", "Trần Văn Lãnh", "qwerty123456", now())
        .unwrap_err();
    assert_eq!(
        form_problems(refused),
        [
            ("username".to_owned(), "required"),
            ("password".to_owned(), "password_common"),
        ]
    );
    assert!(!store.has_officers().unwrap());
    assert!(account_audit(&store).is_empty());
}
