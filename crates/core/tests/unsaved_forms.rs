//! Forms as typed, kept in the database until saved or discarded (issue 16,
//! item 2), on a real SQLite file: each officer's own, per case and form;
//! kept across a reopening of the store; cleared by saving the registration
//! or the amendment in the same transaction; bad bodies refused by field.

mod common;

use chrono::NaiveDate;
use common::completed_form;
use common::fixture::{self, case_of, import_signed};
use hotich_core::registration::unsaved::{FormMode, MAX_UNSAVED_FORM_BYTES};
use hotich_core::{CoreError, ErrorCode, Officer, Store};
use hotich_protocol::samples::{death, now};

fn today() -> NaiveDate {
    now().date_naive()
}

/// What `officer` left typed in the `mode` form of `case_id`.
fn kept(store: &Store, officer: &Officer, case_id: &str, mode: FormMode) -> Option<String> {
    store.unsaved_form(officer, case_id, mode).unwrap()
}

const TYPED: &str = r#"{"form":{"type":"death"},"texts":{"requester.id_number":"01918"}}"#;

#[test]
fn a_typed_form_is_kept_per_officer_until_the_registration_is_saved() {
    let (dir, mut store, supervisor) = fixture::office(now());
    let lan = fixture::registrar(&mut store, &supervisor, "lan", "Nguyễn Thị Lan", now());
    let n = death();
    import_signed(&mut store, &n, now());
    let case_id = case_of(&store, &n.notification_id, today());

    assert_eq!(kept(&store, &lan, &case_id, FormMode::Register), None);
    store
        .keep_unsaved_form(&lan, &case_id, FormMode::Register, TYPED, now())
        .unwrap();
    let newer = TYPED.replace("01918", "019180002222");
    store
        .keep_unsaved_form(&lan, &case_id, FormMode::Register, &newer, now())
        .unwrap();
    // Another officer, or the other form of the case, has nothing kept.
    assert_eq!(
        kept(&store, &supervisor, &case_id, FormMode::Register),
        None
    );
    assert_eq!(kept(&store, &lan, &case_id, FormMode::Amend), None);

    // A restart: the store opened again still has it, the newest one.
    let path = dir.path().join("hotich.db");
    drop(store);
    let mut store = Store::open(&path, &hotich_core::StoreKey::demo()).unwrap();
    assert_eq!(
        kept(&store, &lan, &case_id, FormMode::Register).as_deref(),
        Some(newer.as_str())
    );

    let form = completed_form(&store, &case_id, today());
    let saved = store
        .register(&lan, &case_id, &form, now(), today())
        .unwrap();
    assert_eq!(kept(&store, &lan, &case_id, FormMode::Register), None);

    // An amendment typed, then saved: cleared too; a discarded one is gone.
    store
        .keep_unsaved_form(&lan, &case_id, FormMode::Amend, TYPED, now())
        .unwrap();
    let mut corrected = saved.current.clone();
    corrected.death.as_mut().unwrap().cause = "Nhồi máu cơ tim cấp, không đặc hiệu".into();
    store
        .amend_registration(
            &lan,
            &saved.id,
            &corrected,
            "Theo đơn của gia đình",
            now(),
            today(),
        )
        .unwrap();
    assert_eq!(kept(&store, &lan, &case_id, FormMode::Amend), None);
    store
        .keep_unsaved_form(&lan, &case_id, FormMode::Amend, TYPED, now())
        .unwrap();
    store
        .discard_unsaved_form(&lan, &case_id, FormMode::Amend)
        .unwrap();
    assert_eq!(kept(&store, &lan, &case_id, FormMode::Amend), None);
}

#[test]
fn a_body_that_is_no_form_is_refused_and_what_was_kept_stays() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    let n = death();
    import_signed(&mut store, &n, now());
    let case_id = case_of(&store, &n.notification_id, today());
    store
        .keep_unsaved_form(&supervisor, &case_id, FormMode::Register, TYPED, now())
        .unwrap();
    let too_long = format!(r#"{{"x":"{}"}}"#, "a".repeat(MAX_UNSAVED_FORM_BYTES));
    for (body, reason) in [
        ("[1, 2]", "not_json_object"),
        ("{\"unfinished\": ", "not_json_object"),
        (too_long.as_str(), "too_long"),
    ] {
        let error = store
            .keep_unsaved_form(&supervisor, &case_id, FormMode::Register, body, now())
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{error}");
        assert_eq!(error.params()["field"], "unsaved_form");
        assert_eq!(error.params()["reason"], reason);
    }
    let unknown = store
        .keep_unsaved_form(
            &supervisor,
            "no-such-case",
            FormMode::Register,
            TYPED,
            now(),
        )
        .unwrap_err();
    assert!(matches!(unknown, CoreError::CaseNotFound(_)), "{unknown}");
    assert_eq!(
        kept(&store, &supervisor, &case_id, FormMode::Register).as_deref(),
        Some(TYPED)
    );
}
