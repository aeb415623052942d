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

/// How a death notification goes wrong before it reaches the commune.
enum Fault {
    /// Its content is changed before the facility signs it.
    Changed(fn(&mut Notification)),
    /// Another key than the facility's signs it: the key's label and id.
    SignedBy(&'static str, &'static str),
    /// The trust list holds the facility's key with this entry's validity.
    KeyValid(fn(&mut hotich_protocol::FacilityKey)),
}

#[test]
fn each_fault_is_refused_with_its_own_reason() {
    use RejectionReason::*;
    // What goes wrong, the reason given, and words the detail must contain.
    let faults: [(&str, Fault, RejectionReason, &str); 10] = [
        (
            "a signature by another key is bad signature",
            Fault::SignedBy("someone else", "19001-k1"),
            BadSignature,
            "",
        ),
        (
            "a ten megabyte payload is too large",
            Fault::Changed(|n| {
                n.death.as_mut().unwrap().cause_of_death = Some("x".repeat(10 * 1024 * 1024));
            }),
            TooLarge,
            "",
        ),
        (
            "an unknown facility key is refused",
            Fault::SignedBy("unlisted facility", "99999-k1"),
            UnknownFacilityKey,
            "",
        ),
        (
            "a key expired before signing is refused",
            Fault::KeyValid(|entry| entry.valid_until = now() - Duration::days(30)),
            ExpiredFacilityKey,
            "",
        ),
        (
            // Digit 4 says a woman of the 20th century; the deceased is a man.
            "a wrong personal ID structure is field invalid",
            Fault::Changed(|n| n.death.as_mut().unwrap().id_number = Some("006148001234".into())),
            FieldInvalid,
            "SO_GIAYTO",
        ),
        (
            "a key not yet valid when signing is refused and says so",
            Fault::KeyValid(|entry| entry.valid_from = now()),
            ExpiredFacilityKey,
            "not yet valid",
        ),
        (
            "a death before the birth is field invalid",
            Fault::Changed(|n| {
                n.death.as_mut().unwrap().birth_date = "2026-11-19".parse().unwrap()
            }),
            FieldInvalid,
            "NGAY_TV",
        ),
        (
            "an unknown schema version is unsupported",
            Fault::Changed(|n| n.schema = 2),
            UnsupportedVersion,
            "",
        ),
        (
            "a payload naming another facility is facility mismatch",
            Fault::Changed(|n| n.facility_id = "19002".into()),
            FacilityMismatch,
            "",
        ),
        (
            // Facility 19001 may not correct or void 19002's notifications.
            "a notification id of another facility is refused",
            Fault::Changed(|n| {
                n.notification_id = "19002-GBT-000001".into();
                (n.version, n.action) = (2, Action::Correct);
            }),
            FieldInvalid,
            "notification_id",
        ),
    ];
    for (what, fault, reason, detail) in faults {
        let (mut n, mut signer) = (death(), facility_signer());
        let mut entry = facility(&signer, now() + Duration::days(365));
        match fault {
            Fault::Changed(change) => change(&mut n),
            Fault::SignedBy(label, key_id) => signer = Signer::from_label(label, key_id),
            Fault::KeyValid(validity) => validity(&mut entry),
        }
        let trusted = TrustedKeys::from_facilities(&[entry]).unwrap();
        let rejection = verify_notification(&sign(&n, &signer), &trusted, now()).unwrap_err();
        assert_eq!(rejection.reason, reason, "{what}");
        assert!(
            rejection.detail.contains(detail),
            "{what}: {}",
            rejection.detail
        );
    }
}

#[test]
fn truncated_json_is_malformed() {
    let raw = sign(&death(), &facility_signer());
    assert_eq!(reason_of(&raw[..raw.len() / 2]), RejectionReason::Malformed);
    assert_eq!(reason_of(b""), RejectionReason::Malformed);
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
