//! Causes of death pulled from the registry, on a real SQLite file (issue
//! 18, item 1): a good one is kept beside its registration (the register
//! untouched, a difference shown); a replayed page changes nothing; a cause
//! signed with an unknown key, one for a death not registered here and one
//! whose signed registration is not the event's are each quarantined with
//! their reason, never dropped.

mod common;

use common::completed_form;
use common::fixture::{self, case_of, import_signed, COMMUNE};
use hotich_core::health_loop::HealthShareState;
use hotich_protocol::health_loop::{CauseEvent, CauseOfDeath, TYP_CAUSE_OF_DEATH};
use hotich_protocol::jws::Signer;
use hotich_protocol::samples::{death, facility_signer, now};
use serde_json::value::RawValue;

fn cause(registration_id: &str, text: &str) -> CauseOfDeath {
    CauseOfDeath {
        registration_id: registration_id.into(),
        facility_id: "19001".into(),
        icd10: "I21.9".into(),
        text: text.into(),
        determined_by: "BS. Nguyễn Văn Y".into(),
        determined_on: "2026-11-23".parse().unwrap(),
    }
}

fn event(seq: u64, registration_id: &str, cause: &CauseOfDeath, signer: &Signer) -> CauseEvent {
    let envelope = signer.sign(TYP_CAUSE_OF_DEATH, &serde_json::to_vec(cause).unwrap());
    CauseEvent {
        seq,
        registration_id: registration_id.into(),
        envelope: RawValue::from_string(serde_json::to_string(&envelope).unwrap()).unwrap(),
        received_at: now(),
    }
}

#[test]
fn a_cause_is_kept_beside_its_registration_and_a_bad_one_is_quarantined() {
    let (_dir, mut store, supervisor) = fixture::office(now());
    let notification = death();
    import_signed(&mut store, &notification, now());
    let today = now().date_naive();
    let case = case_of(&store, &notification.notification_id, today);
    // The form keeps the death notice's cause, "Nhồi máu cơ tim cấp".
    let form = completed_form(&store, &case, today);
    let registration = store
        .register(&supervisor, &case, &form, now(), today)
        .unwrap()
        .id;
    let share = store.health_share(&registration).unwrap().unwrap();
    assert_eq!(share.state, HealthShareState::NotSent);

    let good = event(
        1,
        &registration,
        &cause(&registration, "Đột quỵ não"),
        &facility_signer(),
    );
    let applied = store
        .apply_pulled_causes(COMMUNE, 0, &[good], 1, now())
        .unwrap();
    assert_eq!(
        (applied.attached, applied.quarantined, applied.cursor),
        (1, 0, 1)
    );
    let share = store.health_share(&registration).unwrap().unwrap();
    assert_eq!(share.state, HealthShareState::CauseDetermined);
    let kept = share.cause.clone().unwrap();
    assert_eq!(
        (kept.icd10.as_str(), kept.text.as_str()),
        ("I21.9", "Đột quỵ não")
    );
    // What the register holds stays, the difference shown for review.
    assert_eq!(
        share.registered_cause.as_deref(),
        Some("Nhồi máu cơ tim cấp")
    );
    let registered = store.registration(&registration).unwrap();
    assert_eq!(
        registered.current.death.unwrap().cause,
        "Nhồi máu cơ tim cấp"
    );

    // The same page again (the cursor moved): nothing changes.
    let again = event(
        1,
        &registration,
        &cause(&registration, "Ung thư phổi"),
        &facility_signer(),
    );
    let replay = store
        .apply_pulled_causes(COMMUNE, 0, &[again], 1, now())
        .unwrap();
    assert!(!replay.applied);
    assert_eq!(store.health_share(&registration).unwrap().unwrap(), share);

    let stranger = Signer::from_label("a facility nobody trusts", "99999-k1");
    let page = [
        event(2, &registration, &cause(&registration, "x"), &stranger),
        event(
            3,
            "reg-elsewhere",
            &cause("reg-elsewhere", "x"),
            &facility_signer(),
        ),
        event(
            4,
            &registration,
            &cause("reg-other", "x"),
            &facility_signer(),
        ),
    ];
    let applied = store
        .apply_pulled_causes(COMMUNE, 1, &page, 4, now())
        .unwrap();
    assert_eq!(
        (applied.attached, applied.quarantined, applied.cursor),
        (0, 3, 4)
    );
    let mut reasons: Vec<String> = store
        .quarantine()
        .unwrap()
        .into_iter()
        .map(|q| q.reason)
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "cause_mismatched_registration",
            "cause_unknown_key",
            "cause_unknown_registration"
        ]
    );
    assert_eq!(store.cause_cursor(COMMUNE).unwrap(), 4);
    assert_eq!(store.health_share(&registration).unwrap().unwrap(), share);
}
