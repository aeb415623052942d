//! Verification of signed notifications: a valid envelope passes and each
//! kind of fault is refused with its own reason.

use chrono::Duration;
use hotich_protocol::jws::{b64, unb64};
use hotich_protocol::samples::{birth, death, facility, facility_signer, keys, now, sign};
use hotich_protocol::trust::{demo_root_signer, TrustedKeys};
use hotich_protocol::{
    verify_notification, Action, Notification, RejectionReason, SignedEnvelope, Signer, TrustList,
};
use proptest::prelude::*;

fn reason_of(raw: &[u8]) -> RejectionReason {
    verify_notification(raw, &keys(), now()).unwrap_err().reason
}

#[test]
fn valid_birth_and_death_notifications_pass() {
    for n in [death(), birth()] {
        let verified = verify_notification(&sign(&n, &facility_signer()), &keys(), now()).unwrap();
        assert_eq!(verified.notification, n);
        assert_eq!(
            verified.signer.facility_name,
            "Bệnh viện Đa khoa Thái Nguyên"
        );
    }
}

#[test]
fn a_payload_changed_after_signing_is_payload_altered() {
    let raw = sign(&death(), &facility_signer());
    let mut envelope: SignedEnvelope = serde_json::from_slice(&raw).unwrap();
    let payload = String::from_utf8(unb64(&envelope.payload).unwrap()).unwrap();
    envelope.payload = b64(payload.replace("Đặng Văn Ngữ", "Đặng Văn Ngũ").as_bytes());
    let rejection =
        verify_notification(&serde_json::to_vec(&envelope).unwrap(), &keys(), now()).unwrap_err();
    assert_eq!(rejection.reason, RejectionReason::PayloadAltered);
    // The quarantine still says which notification it was.
    assert_eq!(
        rejection.notification_id.as_deref(),
        Some("19001-GBT-000001")
    );
    assert_eq!(rejection.version, Some(1));
}

#[test]
fn a_flipped_payload_bit_is_payload_altered() {
    let raw = sign(&death(), &facility_signer());
    let mut envelope: SignedEnvelope = serde_json::from_slice(&raw).unwrap();
    let mut payload = unb64(&envelope.payload).unwrap();
    let at = payload.len() / 2;
    payload[at] ^= 0x01;
    envelope.payload = b64(&payload);
    assert_eq!(
        reason_of(&serde_json::to_vec(&envelope).unwrap()),
        RejectionReason::PayloadAltered
    );
}

#[test]
fn a_signature_by_another_key_is_bad_signature() {
    let impostor = Signer::from_label("someone else", "19001-k1");
    assert_eq!(
        reason_of(&sign(&death(), &impostor)),
        RejectionReason::BadSignature
    );
}

#[test]
fn an_unknown_facility_key_is_refused() {
    let stranger = Signer::from_label("unlisted facility", "99999-k1");
    assert_eq!(
        reason_of(&sign(&death(), &stranger)),
        RejectionReason::UnknownFacilityKey
    );
}

#[test]
fn a_key_expired_before_signing_is_refused() {
    let signer = facility_signer();
    let expired =
        TrustedKeys::from_facilities(&[facility(&signer, now() - Duration::days(30))]).unwrap();
    let rejection = verify_notification(&sign(&death(), &signer), &expired, now()).unwrap_err();
    assert_eq!(rejection.reason, RejectionReason::ExpiredFacilityKey);
}

#[test]
fn truncated_json_is_malformed() {
    let raw = sign(&death(), &facility_signer());
    assert_eq!(reason_of(&raw[..raw.len() / 2]), RejectionReason::Malformed);
    assert_eq!(reason_of(b""), RejectionReason::Malformed);
}

#[test]
fn a_ten_megabyte_payload_is_too_large() {
    let mut n = death();
    n.death.as_mut().unwrap().cause_of_death = Some("x".repeat(10 * 1024 * 1024));
    assert_eq!(
        reason_of(&sign(&n, &facility_signer())),
        RejectionReason::TooLarge
    );
}

#[test]
fn a_wrong_personal_id_structure_is_field_invalid() {
    let mut n = death();
    // Digit 4 says a woman of the 20th century; the deceased is a man.
    n.death.as_mut().unwrap().id_number = Some("006148001234".into());
    let rejection = verify_notification(&sign(&n, &facility_signer()), &keys(), now()).unwrap_err();
    assert_eq!(rejection.reason, RejectionReason::FieldInvalid);
    assert!(
        rejection.detail.contains("SO_GIAYTO"),
        "{}",
        rejection.detail
    );
}

#[test]
fn a_death_before_the_birth_is_field_invalid() {
    let mut n = death();
    n.death.as_mut().unwrap().birth_date = "2026-11-19".parse().unwrap();
    let rejection = verify_notification(&sign(&n, &facility_signer()), &keys(), now()).unwrap_err();
    assert_eq!(rejection.reason, RejectionReason::FieldInvalid);
    assert!(rejection.detail.contains("NGAY_TV"), "{}", rejection.detail);
}

#[test]
fn an_unknown_schema_version_is_unsupported() {
    let mut n = death();
    n.schema = 2;
    assert_eq!(
        reason_of(&sign(&n, &facility_signer())),
        RejectionReason::UnsupportedVersion
    );
}

#[test]
fn a_payload_naming_another_facility_is_facility_mismatch() {
    let mut n = death();
    n.facility_id = "19002".into();
    assert_eq!(
        reason_of(&sign(&n, &facility_signer())),
        RejectionReason::FacilityMismatch
    );
}

#[test]
fn a_void_without_reason_is_field_invalid() {
    let n = Notification {
        version: 2,
        action: Action::Void,
        death: None,
        void_reason: None,
        ..death()
    };
    assert_eq!(
        reason_of(&sign(&n, &facility_signer())),
        RejectionReason::FieldInvalid
    );
    let with_reason = Notification {
        void_reason: Some("Cấp nhầm giấy báo tử".into()),
        ..n
    };
    verify_notification(&sign(&with_reason, &facility_signer()), &keys(), now()).unwrap();
}

#[test]
fn every_reason_has_distinct_code_and_vietnamese_text() {
    let codes: std::collections::BTreeSet<_> =
        RejectionReason::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes.len(), RejectionReason::ALL.len());
    for reason in RejectionReason::ALL {
        assert_eq!(RejectionReason::from_code(reason.code()), Some(reason));
        assert!(!reason.message_vi().is_empty());
    }
}

#[test]
fn trust_list_verifies_with_the_root_key_only() {
    let root = demo_root_signer();
    let list = TrustList {
        schema: 1,
        issuer: "Bộ Tư pháp (demo)".into(),
        sequence: 7,
        issued_at: now(),
        facilities: vec![facility(&facility_signer(), now() + Duration::days(365))],
    };
    let raw = serde_json::to_vec(&list.sign(&root)).unwrap();
    assert_eq!(
        TrustList::verify(&raw, root.key_id(), &root.verifying_key()).unwrap(),
        list
    );

    let forged =
        serde_json::to_vec(&list.sign(&Signer::from_label("forger", root.key_id()))).unwrap();
    assert!(TrustList::verify(&forged, root.key_id(), &root.verifying_key()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any single-byte change to a signed envelope is refused (never accepted
    /// with different content).
    #[test]
    fn any_byte_change_is_refused(index in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let raw = sign(&death(), &facility_signer());
        let mut tampered = raw.clone();
        let at = index.index(tampered.len());
        tampered[at] ^= flip;
        match verify_notification(&tampered, &keys(), now()) {
            Err(_) => {}
            // A change to insignificant JSON whitespace leaves the signed parts intact.
            Ok(verified) => prop_assert_eq!(verified.notification, death()),
        }
    }

    /// Whatever bytes arrive, verification returns a reason and never panics.
    #[test]
    fn arbitrary_input_is_refused_not_panicking(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(verify_notification(&bytes, &keys(), now()).is_err());
    }
}

#[test]
fn a_key_not_yet_valid_when_signing_is_refused_and_says_so() {
    let signer = facility_signer();
    let mut entry = facility(&signer, now() + Duration::days(365));
    entry.valid_from = now();
    let early = TrustedKeys::from_facilities(&[entry]).unwrap();
    let rejection = verify_notification(&sign(&death(), &signer), &early, now()).unwrap_err();
    assert_eq!(rejection.reason, RejectionReason::ExpiredFacilityKey);
    assert!(
        rejection.detail.contains("not yet valid"),
        "{}",
        rejection.detail
    );
}

#[test]
fn a_notification_id_of_another_facility_is_refused() {
    // Facility 19001 may not correct or void 19002's notifications.
    let mut n = death();
    n.notification_id = "19002-GBT-000001".into();
    n.version = 2;
    n.action = Action::Correct;
    let rejection = verify_notification(&sign(&n, &facility_signer()), &keys(), now()).unwrap_err();
    assert_eq!(rejection.reason, RejectionReason::FieldInvalid);
    assert!(
        rejection.detail.contains("notification_id"),
        "{}",
        rejection.detail
    );
}

#[test]
fn all_digit_id_numbers_must_be_9_or_a_valid_12() {
    let with_id = |id: &str| {
        let mut n = death();
        n.death.as_mut().unwrap().id_number = Some(id.into());
        verify_notification(&sign(&n, &facility_signer()), &keys(), now()).map(|_| ())
    };
    assert!(with_id("006048001234").is_ok());
    assert!(with_id("123456789").is_ok(), "old 9-digit ID card");
    assert!(with_id("B1234567").is_ok(), "passport");
    for bad in ["00604800123", "0060480012345"] {
        assert_eq!(
            with_id(bad).unwrap_err().reason,
            RejectionReason::FieldInvalid,
            "{bad}"
        );
    }
    let mut n = birth();
    n.birth.as_mut().unwrap().mother_id_number = Some("01919600432".into());
    assert_eq!(
        verify_notification(&sign(&n, &facility_signer()), &keys(), now())
            .unwrap_err()
            .reason,
        RejectionReason::FieldInvalid
    );
}
