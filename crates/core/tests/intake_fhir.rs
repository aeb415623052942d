//! Intake of HL7 FHIR vital records on a real SQLite file, through both
//! authenticated doors: a JWS envelope (`cty` `fhir+json`) signed by a
//! trust-list facility key, and the central registry's attested channel.
//! A bare FHIR file, a record for another facility than its sender and a
//! Bundle with an unknown profile are quarantined with their reasons.

mod common;

use common::fixture::{count, office};
use hotich_core::{ImportSummary, Store};
use hotich_health::fhir::MessageAction;
use hotich_health::testkit::fhir::{
    death_message, death_submission_update_void, twin_birth_report, unknown_profile_bundle,
    DeathRecordKey,
};
use hotich_protocol::jws::{CTY_FHIR, TYP_NOTIFICATION};
use hotich_protocol::samples::{facility_signer, now};
use serde_json::Value;

/// The sample trust list's facility, whose key signs the envelopes.
const FACILITY: &str = "19001";
const OTHER_FACILITY: &str = "79024";

fn key(facility: &str) -> DeathRecordKey {
    DeathRecordKey::new(facility, "123", "2026")
}

fn death_id(facility: &str) -> String {
    format!("{facility}-{}", key(facility).record_id())
}

/// A FHIR resource in a JWS envelope signed by the sample facility's key.
fn enveloped(fhir: &Value) -> Vec<u8> {
    let envelope = facility_signer().sign_content(
        TYP_NOTIFICATION,
        Some(CTY_FHIR),
        fhir.to_string().as_bytes(),
    );
    serde_json::to_vec(&envelope).unwrap()
}

/// The submission about `facility`'s record, its decedent named Trần Văn Tư.
fn submission(facility: &str) -> Value {
    death_message(MessageAction::Submission, &key(facility), "Trần Văn Tư", 0)
}

fn import(store: &mut Store, bytes: &[u8]) -> ImportSummary {
    store
        .import_bytes(bytes, "test.json", now(), &mut |_| {})
        .unwrap()
}

fn quarantined(store: &Store) -> Vec<String> {
    let mut reasons: Vec<String> = store
        .quarantine()
        .unwrap()
        .into_iter()
        .map(|q| {
            assert_ne!(
                q.reason_text, "Không nhận được (lý do không rõ)",
                "{} is worded",
                q.reason
            );
            q.reason
        })
        .collect();
    reasons.sort();
    reasons
}

fn status_of(store: &Store, notification_id: &str) -> String {
    store
        .file()
        .raw_connection()
        .unwrap()
        .query_row(
            "SELECT status FROM case_file WHERE notification_id = ?1",
            [notification_id],
            |row| row.get(0),
        )
        .unwrap()
}

#[test]
fn submission_update_and_void_of_one_death_record_end_as_one_voided_case() {
    let (_dir, mut store, _) = office(now());
    let [submission, update, void] = death_submission_update_void(&key(FACILITY));
    let first = import(&mut store, &enveloped(&submission));
    assert_eq!(first.imported, 1);
    let id = death_id(FACILITY);
    let today = now().date_naive();
    let case_id = common::fixture::case_of(&store, &id, today);
    let detail = store.case_detail(&case_id, today).unwrap();
    assert_eq!(
        detail.notification.unwrap().death.unwrap().name,
        "Trần Văn Tư"
    );
    let verification = detail.verification.unwrap();
    assert!(verification.signature_valid, "the envelope verified again");
    assert_eq!(verification.algorithm, "EdDSA");

    assert_eq!(import(&mut store, &enveloped(&update)).updated, 1);
    let corrected = store.case_detail(&case_id, today).unwrap();
    assert_eq!(
        corrected.notification.unwrap().death.unwrap().name,
        "Trần Văn Tứ",
        "the update's content is the case's"
    );
    assert_eq!(import(&mut store, &enveloped(&void)).voided, 1);

    assert_eq!(count(&store, "SELECT count(*) FROM case_file"), 1);
    assert_eq!(status_of(&store, &id), "voided");
    let versions: Vec<(u32, String)> = store
        .received_fhir(&id)
        .unwrap()
        .into_iter()
        .map(|f| (f.version, f.authenticated_by))
        .collect();
    let by = format!("jws:{}", facility_signer().key_id());
    assert_eq!(
        versions,
        [(1, by.clone()), (2, by.clone()), (3, by)],
        "three versions, each with how it was authenticated"
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM notification WHERE action = 'void' AND commune_code = '27655'"
        ),
        1,
        "the void takes the commune of the versions held"
    );
    assert!(quarantined(&store).is_empty());
}

#[test]
fn a_message_sent_before_a_version_held_is_quarantined_and_the_newer_content_stays() {
    let (_dir, mut store, _) = office(now());
    let [submission, update, void] = death_submission_update_void(&key(FACILITY));
    let id = death_id(FACILITY);
    // The update (10:05) overtakes the submission (10:00) on its way.
    assert_eq!(import(&mut store, &enveloped(&update)).imported, 1);
    let late = import(&mut store, &enveloped(&submission));
    assert_eq!((late.quarantined, late.total()), (1, 1));
    assert_eq!(quarantined(&store), ["fhir_out_of_order"]);
    let today = now().date_naive();
    let case_id = common::fixture::case_of(&store, &id, today);
    assert_eq!(
        store
            .case_detail(&case_id, today)
            .unwrap()
            .notification
            .unwrap()
            .death
            .unwrap()
            .name,
        "Trần Văn Tứ",
        "the update's content stays the case's"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM notification"), 1);
    // The void, sent last, still voids.
    assert_eq!(import(&mut store, &enveloped(&void)).voided, 1);
    assert_eq!(status_of(&store, &id), "voided");
}

#[test]
fn a_void_of_a_record_never_received_is_quarantined_as_such() {
    let (_dir, mut store, _) = office(now());
    let [_, _, void] = death_submission_update_void(&key(FACILITY));
    let summary = import(&mut store, &enveloped(&void));
    assert_eq!((summary.quarantined, summary.total()), (1, 1));
    assert_eq!(quarantined(&store), ["fhir_void_unknown_record"]);
    assert_eq!(count(&store, "SELECT count(*) FROM notification"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM case_file"), 0);
}

#[test]
fn a_record_without_timestamps_is_versioned_as_it_arrives() {
    let (_dir, mut store, _) = office(now());
    let [submission, update, _] = death_submission_update_void(&key(FACILITY));
    let untimed = |mut message: Value| {
        message.as_object_mut().unwrap().remove("timestamp");
        message
    };
    // Without a Bundle.timestamp nothing orders the two: the later arrival
    // is the newer version, as before.
    assert_eq!(import(&mut store, &enveloped(&untimed(update))).imported, 1);
    assert_eq!(
        import(&mut store, &enveloped(&untimed(submission))).updated,
        1
    );
    assert!(quarantined(&store).is_empty());
    assert_eq!(count(&store, "SELECT count(*) FROM notification"), 2);
}

#[test]
fn an_identical_resend_is_unchanged() {
    let (_dir, mut store, _) = office(now());
    let signed = enveloped(&submission(FACILITY));
    assert_eq!(import(&mut store, &signed).imported, 1);
    let again = import(&mut store, &signed);
    assert_eq!((again.unchanged, again.total()), (1, 1));
    // The same message (same MessageHeader.id) relayed by the registry.
    let message = submission(FACILITY);
    let relayed = store
        .import_fhir_from_registry(message.to_string().as_bytes(), "registry", FACILITY, now())
        .unwrap();
    assert_eq!(relayed.unchanged, 1);
    assert_eq!(count(&store, "SELECT count(*) FROM notification"), 1);
}

#[test]
fn a_birth_report_of_twins_gives_two_cases() {
    let (_dir, mut store, _) = office(now());
    let summary = import(&mut store, &enveloped(&twin_birth_report(FACILITY)));
    assert_eq!(summary.imported, 2);
    let names: Vec<String> =
        common::fixture::case_rows(&store, Default::default(), now().date_naive())
            .into_iter()
            .map(|c| c.name)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
    assert_eq!(names, ["Quách Bảo An", "Quách Bảo Ngọc"]);
    let first = format!("{FACILITY}-2026{FACILITY}000981-000981");
    let kept = store.received_fhir(&first).unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].extras.contains(&(
        "Patient[Patient-child-vr].multipleBirthInteger".to_owned(),
        "1".to_owned()
    )));
}

#[test]
fn refusals_are_quarantined_with_their_reasons() {
    let (_dir, mut store, _) = office(now());
    let bare = submission(FACILITY);
    // Facility 19001's key signing a record of facility 79024.
    let other = submission(OTHER_FACILITY);
    let mut unknown_profile = unknown_profile_bundle();
    unknown_profile["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .filter_map(|e| e.pointer_mut("/resource/identifier/0/value"))
        .filter(|v| *v == "79025")
        .for_each(|v| *v = Value::from(FACILITY));
    for bad in [
        bare.to_string().into_bytes(),
        enveloped(&other),
        enveloped(&unknown_profile),
    ] {
        assert_eq!(import(&mut store, &bad).quarantined, 1);
    }
    assert_eq!(
        quarantined(&store),
        [
            "fhir_unauthenticated",
            "fhir_unknown_profile",
            "fhir_wrong_facility"
        ]
    );
    assert_eq!(count(&store, "SELECT count(*) FROM notification"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM notification_fhir"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM case_file"), 0);
}

#[test]
fn a_tampered_envelope_is_refused_by_its_signature() {
    let (_dir, mut store, _) = office(now());
    let good = enveloped(&submission(FACILITY));
    let mut envelope: Value = serde_json::from_slice(&good).unwrap();
    let other = death_message(MessageAction::Submission, &key(FACILITY), "Ai Khác", 0);
    envelope["payload"] = Value::from(hotich_protocol::jws::b64(other.to_string().as_bytes()));
    assert_eq!(
        import(&mut store, &serde_json::to_vec(&envelope).unwrap()).quarantined,
        1
    );
    assert_eq!(quarantined(&store), ["payload_altered"]);
}

#[test]
fn the_registry_channel_takes_in_what_its_attested_sender_sends_only() {
    let (_dir, mut store, _) = office(now());
    let message = submission(FACILITY);
    let bytes = message.to_string().into_bytes();
    let mismatched = store
        .import_fhir_from_registry(&bytes, "registry", OTHER_FACILITY, now())
        .unwrap();
    assert_eq!(mismatched.quarantined, 1);
    assert_eq!(quarantined(&store), ["fhir_wrong_facility"]);

    let attested = store
        .import_fhir_from_registry(&bytes, "registry", FACILITY, now())
        .unwrap();
    assert_eq!(attested.imported, 1);
    let id = death_id(FACILITY);
    let kept = store.received_fhir(&id).unwrap();
    assert_eq!(kept[0].authenticated_by, format!("registry:{FACILITY}"));
    let today = now().date_naive();
    let case_id = common::fixture::case_of(&store, &id, today);
    let verification = store
        .case_detail(&case_id, today)
        .unwrap()
        .verification
        .unwrap();
    assert!(verification.signature_valid);
    assert_eq!(verification.facility_name, "Bệnh viện Đa khoa Thái Nguyên");

    // The stored file altered afterwards shows as invalid in the case view.
    store.file().raw_connection()
        .unwrap()
        .execute(
            "UPDATE notification_fhir SET original = CAST(replace(CAST(original AS TEXT), 'Trần', 'Lê') AS BLOB)",
            [],
        )
        .unwrap();
    let altered = store.case_detail(&case_id, today).unwrap();
    assert!(!altered.verification.unwrap().signature_valid);
}

#[test]
fn a_bare_fhir_file_is_quarantined_even_before_any_trust_list() {
    let (_dir, mut store) = common::fixture::pinned_store();
    let summary = import(&mut store, submission(FACILITY).to_string().as_bytes());
    assert_eq!((summary.quarantined, summary.total()), (1, 1));
    assert_eq!(quarantined(&store), ["fhir_unauthenticated"]);
}
