//! Amendment approval (issue 16, item 5; Civil Status Law 2014 Art.
//! 28(2)): a registrar's amendment changes nothing until a supervisor
//! approves it, a rejected one leaves the register as it was, and both
//! decisions are in the audit trail.

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use hotich_core::{AmendmentStatus, AuditAction, AuditFilter, ErrorCode, Registration, Store};
use hotich_protocol::samples::death;

use common::fixture::{self, case_of, count, import_signed};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap()
}

fn cause(registration: &Registration) -> &str {
    &registration.current.death.as_ref().unwrap().cause
}

/// The registration with its cause of death changed to `to`.
fn with_cause(registration: &Registration, to: &str) -> hotich_core::RegistrationForm {
    let mut form = registration.current.clone();
    form.death.as_mut().unwrap().cause = to.into();
    form
}

/// A death registered by `officer`.
fn registered_death(store: &mut Store, officer: &hotich_core::Officer) -> Registration {
    let n = death();
    import_signed(store, &n, now());
    let case = case_of(store, &n.notification_id, today());
    common::register_on(store, officer, &case, today());
    store.registration_of_case(&case).unwrap().unwrap()
}

/// `officer` amends `registration`'s cause of death to `to`.
fn amend(
    store: &mut Store,
    officer: &hotich_core::Officer,
    registration: &Registration,
    to: &str,
    reason: &str,
) -> hotich_core::Result<Registration> {
    store.amend_registration(
        officer,
        &registration.id,
        &with_cause(registration, to),
        reason,
        now(),
        today(),
    )
}

fn acts(store: &Store, supervisor: &hotich_core::Officer, action: AuditAction) -> usize {
    let filter = AuditFilter {
        action: Some(action),
        ..Default::default()
    };
    store.audit_entries(supervisor, &filter).unwrap().len()
}

#[test]
fn a_registrars_amendment_waits_for_a_supervisor_and_a_rejected_one_changes_nothing() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Lê Thị Lan", now());
    let registered = registered_death(&mut store, &lan);
    let original_cause = cause(&registered).to_owned();
    let outbox = |store: &Store| {
        count(
            store,
            "SELECT count(*) FROM outbox WHERE kind = 'amendment'",
        )
    };

    // Recorded by the registrar: waiting, and nothing changes.
    let pneumonia = "Viêm phổi do vi khuẩn, không đặc hiệu";
    let waiting = amend(
        &mut store,
        &lan,
        &registered,
        pneumonia,
        "Theo giấy báo tử cấp lại",
    )
    .unwrap();
    assert_eq!(cause(&waiting), original_cause);
    assert_eq!(waiting.amendments.len(), 1);
    assert_eq!(waiting.amendments[0].status, AmendmentStatus::Pending);
    assert_eq!(outbox(&store), 0, "the registry hears of no amendment yet");
    assert_eq!(store.registrations().unwrap()[0].amendments, 0);
    // One waits at a time.
    let second = amend(&mut store, &lan, &registered, "Đột quỵ", "Nhầm lần hai").unwrap_err();
    assert_eq!(second.code(), ErrorCode::InvalidInput, "{second}");
    assert!(
        second.to_string().contains("đang chờ lãnh đạo duyệt"),
        "{second}"
    );
    // Only a supervisor lists and decides.
    let amendment_id = waiting.amendments[0].id.clone();
    assert_eq!(
        store.pending_amendments(&lan).unwrap_err().code(),
        ErrorCode::Forbidden
    );
    assert_eq!(
        store
            .decide_amendment(&lan, &amendment_id, true, "", now())
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let pending = store.pending_amendments(&supervisor).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (
            pending[0].amendment.id.as_str(),
            pending[0].number,
            pending[0].amendment.officer_name.as_str()
        ),
        (amendment_id.as_str(), registered.number, "Lê Thị Lan")
    );

    // Approved: it takes effect, for the register and the registry.
    let approved = store
        .decide_amendment(&supervisor, &amendment_id, true, "", now())
        .unwrap();
    assert_eq!(cause(&approved), pneumonia);
    assert_eq!(approved.amendments[0].status, AmendmentStatus::Approved);
    assert_eq!(
        approved.amendments[0].decided_by.as_deref(),
        Some("Phạm Văn Lãnh")
    );
    assert_eq!(outbox(&store), 1);
    assert!(store.pending_amendments(&supervisor).unwrap().is_empty());
    let again = store
        .decide_amendment(&supervisor, &amendment_id, false, "muộn", now())
        .unwrap_err();
    assert_eq!(again.code(), ErrorCode::InvalidInput, "{again}");

    // Rejected (with a reason, which it needs): the register stays as approved.
    let next = amend(
        &mut store,
        &lan,
        &approved,
        "Đột quỵ",
        "Theo lời khai của gia đình",
    )
    .unwrap();
    let next_id = next.amendments[1].id.clone();
    assert_eq!(
        store
            .decide_amendment(&supervisor, &next_id, false, "  ", now())
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    let rejected = store
        .decide_amendment(
            &supervisor,
            &next_id,
            false,
            "Lời khai không đủ căn cứ; cần giấy tờ y tế",
            now(),
        )
        .unwrap();
    assert_eq!(cause(&rejected), pneumonia);
    assert_eq!(rejected.amendments[1].status, AmendmentStatus::Rejected);
    assert_eq!(
        rejected.amendments[1].decision_note.as_deref(),
        Some("Lời khai không đủ căn cứ; cần giấy tờ y tế")
    );
    assert_eq!(outbox(&store), 1, "a rejected amendment goes nowhere");
    assert_eq!(store.registrations().unwrap()[0].amendments, 1);

    // Both recorded amendments and both decisions are in the trail, which holds.
    assert_eq!(acts(&store, &supervisor, AuditAction::Amend), 2);
    assert_eq!(acts(&store, &supervisor, AuditAction::AmendmentApprove), 1);
    assert_eq!(acts(&store, &supervisor, AuditAction::AmendmentReject), 1);
    assert_eq!(store.verify_audit_log().unwrap().problem, None);
}

#[test]
fn a_supervisors_amendment_takes_effect_at_once() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    let registered = registered_death(&mut store, &supervisor);
    let pneumonia = "Viêm phổi do vi khuẩn, không đặc hiệu";
    let amended = amend(
        &mut store,
        &supervisor,
        &registered,
        pneumonia,
        "Theo giấy báo tử cấp lại",
    )
    .unwrap();
    assert_eq!(cause(&amended), pneumonia);
    assert_eq!(amended.amendments[0].status, AmendmentStatus::Approved);
    assert_eq!(acts(&store, &supervisor, AuditAction::AmendmentApprove), 1);
    assert_eq!(store.verify_audit_log().unwrap().problem, None);
}

/// `register` follows outreach's assignment rule (issue 16, item 5): a
/// registrar registers the cases assigned to them or to nobody; a case
/// assigned to a colleague is the colleague's, or a supervisor's.
#[test]
fn a_registrar_registers_only_the_cases_assigned_to_them_or_to_nobody() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Lê Thị Lan", now());
    let minh = fixture::registrar(&mut store, &supervisor, "minh", "Đỗ Văn Minh", now());
    let n = death();
    import_signed(&mut store, &n, now());
    let case = case_of(&store, &n.notification_id, today());
    store
        .assign(
            &supervisor,
            std::slice::from_ref(&case),
            Some(&minh.id),
            now(),
        )
        .unwrap();
    let form = common::completed_form(&store, &case, today());
    let refused = store
        .register(&lan, &case, &form, now(), today())
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden, "{refused}");
    assert!(store.registration_of_case(&case).unwrap().is_none());
    let registered = store.register(&minh, &case, &form, now(), today()).unwrap();
    assert_eq!(registered.case_id, case);
}
