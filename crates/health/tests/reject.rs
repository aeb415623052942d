//! Each reason a received official file is refused, one test each.

mod common;

use chrono::{Duration, Utc};
use common::{fixture, outcome, FACILITY_A, FACILITY_B, RECORD_ID};
use hotich_health::testkit::{
    self, broken, Algorithms, CertificateHash, CertificateSpec, TestPki, SHA1,
};
use hotich_health::{read_unverified, ReadError, Rejection, SignatureError, TrustError, XmlFormat};

fn sign_death(unsigned: &str) -> String {
    testkit::sign(
        unsigned,
        XmlFormat::Hsdlgbt,
        &fixture().hospital_a,
        Algorithms::default(),
    )
    .expect("sign")
}

/// A death notice with one element's line replaced, then signed.
fn signed_death_with(element: &str, replacement: &str) -> String {
    let unsigned = testkit::death_notice_xml(RECORD_ID, FACILITY_A);
    sign_death(&broken::replace_element(&unsigned, element, replacement).expect("element present"))
}

fn read_reason(signed: &str) -> ReadError {
    match fixture().verify(signed) {
        Err(Rejection::Read(reason)) => reason,
        other => panic!("expected a read error, got {:?}", other.map(|_| "accepted")),
    }
}

#[test]
fn malformed_xml_is_refused() {
    let f = fixture();
    let cut = broken::cut_in_half(&f.signed_death());
    assert_eq!(outcome(&f.verify(&cut)), "xml_malformed");
    assert_eq!(
        outcome(&f.verify("<HSDLGBT><GIAYBAOTU></HSDLGBT>")),
        "xml_malformed"
    );
}

#[test]
fn an_unknown_root_is_refused() {
    let reason = read_unverified(b"<?xml version=\"1.0\"?><HOSO><A/></HOSO>").expect_err("refused");
    assert_eq!(
        reason,
        ReadError::UnknownRoot {
            root: "HOSO".to_owned()
        }
    );
    assert_eq!(
        outcome(&fixture().verify("<HSDLGBT2/>")),
        "xml_unknown_root"
    );
}

#[test]
fn a_missing_required_element_is_named() {
    let reason = read_reason(&signed_death_with("NGAY_TV", ""));
    assert_eq!(
        reason,
        ReadError::MissingElement {
            element: "NGAY_TV".to_owned()
        }
    );
    // Present but empty counts as missing too.
    let reason = read_reason(&signed_death_with("HO_TEN", "<HO_TEN></HO_TEN>"));
    assert_eq!(
        reason,
        ReadError::MissingElement {
            element: "HO_TEN".to_owned()
        }
    );
}

#[test]
fn a_value_too_long_is_named_with_its_limit() {
    let reason = read_reason(&signed_death_with("MACSKCB", "<MACSKCB>790244</MACSKCB>"));
    assert_eq!(
        reason,
        ReadError::TooLong {
            element: "MACSKCB".to_owned(),
            max_chars: 5,
            actual_chars: 6
        }
    );
    // Characters, not bytes: 255 Vietnamese letters fit in HO_TEN.
    let name: String = "Ằ".repeat(255);
    let accepted = fixture().verify(&signed_death_with(
        "HO_TEN",
        &format!("<HO_TEN>{name}</HO_TEN>"),
    ));
    assert_eq!(outcome(&accepted), "accepted");
    let reason = read_reason(&signed_death_with("GIOI_TINH", "<GIOI_TINH>4</GIOI_TINH>"));
    assert!(
        matches!(reason, ReadError::WrongForm { ref element, .. } if element == "GIOI_TINH"),
        "{reason:?}"
    );
}

#[test]
fn a_wrong_date_format_is_named() {
    for bad in [
        "2026-11-29 14:15",
        "20261129",
        "202611291475",
        "20261329141500",
    ] {
        let reason = read_reason(&signed_death_with(
            "NGAY_TV",
            &format!("<NGAY_TV>{bad}</NGAY_TV>"),
        ));
        assert_eq!(
            reason,
            ReadError::BadDate {
                element: "NGAY_TV".to_owned(),
                expected: "yyyyMMddHHmm"
            },
            "{bad}"
        );
    }
}

#[test]
fn a_changed_signature_value_is_invalid() {
    let f = fixture();
    let tampered = broken::flip_signature_value(&f.signed_death()).expect("a signature value");
    assert_eq!(
        f.verify(&tampered),
        Err(Rejection::Signature(SignatureError::Invalid))
    );
}

#[test]
fn a_changed_record_or_signing_time_names_the_reference_whose_digest_fails() {
    let f = fixture();
    let signed = f.signed_death();
    let tampered = signed.replace("Nguyễn Thị Hằng", "Nguyễn Thị Hạnh");
    assert_eq!(
        f.verify(&tampered),
        Err(Rejection::Signature(SignatureError::DigestMismatch {
            reference: format!("#{RECORD_ID}")
        }))
    );
    let backdated = signed.replace("2026-11-30T09:15:00", "2026-01-01T09:15:00");
    assert_eq!(
        f.verify(&backdated),
        Err(Rejection::Signature(SignatureError::DigestMismatch {
            reference: format!("#Object-CHUKYDONVI-{RECORD_ID}")
        }))
    );
    let xml130 = f
        .signed_xml130()
        .replace("<NGAYLAP>20261129</NGAYLAP>", "<NGAYLAP>20261130</NGAYLAP>");
    assert_eq!(
        f.verify(&xml130),
        Err(Rejection::Signature(SignatureError::DigestMismatch {
            reference: String::new()
        }))
    );
}

#[test]
fn a_second_unsigned_record_is_a_wrapping_attempt() {
    let f = fixture();
    let wrapped = broken::add_forged_record(&f.signed_death(), "GIAYBAOTU").expect("a signature");
    assert_eq!(outcome(&f.verify(&wrapped)), "signature_wrapping");
}

#[test]
fn the_signed_record_moved_under_another_element_is_a_wrapping_attempt() {
    let f = fixture();
    let signed = f.signed_death();
    let start = signed.find("<GIAYBAOTU").expect("record");
    let end = signed.find("</GIAYBAOTU>").expect("record end") + "</GIAYBAOTU>".len();
    let original = &signed[start..end];
    let forged = original.replace("Nguyễn Thị Hằng", "Kẻ Mạo Danh");
    // The signed record hidden in an extra element, a forged one in its place.
    let moved = format!(
        "{}{forged}<DU_PHONG>{original}</DU_PHONG>{}",
        &signed[..start],
        &signed[end..]
    );
    assert_eq!(outcome(&f.verify(&moved)), "signature_wrapping");
    // Moved without a replacement: not a direct child of the root any more.
    let alone = format!(
        "{}<DU_PHONG>{original}</DU_PHONG>{}",
        &signed[..start],
        &signed[end..]
    );
    assert_eq!(outcome(&f.verify(&alone)), "signature_wrapping");
    // Inside the signature's own Object.
    let in_object = format!("{}{}", &signed[..start], &signed[end..]).replace(
        "<SignatureProperties",
        &format!("{original}<SignatureProperties"),
    );
    assert_eq!(outcome(&f.verify(&in_object)), "signature_wrapping");
}

#[test]
fn an_unsigned_file_is_refused() {
    let f = fixture();
    let unsigned = testkit::death_notice_xml(RECORD_ID, FACILITY_A);
    assert_eq!(
        f.verify(&unsigned),
        Err(Rejection::Signature(SignatureError::Unsigned))
    );
}

#[test]
fn rsa_sha1_is_too_weak() {
    let f = fixture();
    let weak = broken::weak_algorithms();
    let signed = testkit::sign(
        &testkit::death_notice_xml(RECORD_ID, FACILITY_A),
        XmlFormat::Hsdlgbt,
        &f.hospital_a,
        weak,
    )
    .expect("sign");
    assert_eq!(outcome(&f.verify(&signed)), "signature_weak_algorithm");
    let sha1_digest = Algorithms {
        digest: SHA1,
        ..Algorithms::default()
    };
    let signed = testkit::sign(
        &testkit::death_notice_xml(RECORD_ID, FACILITY_A),
        XmlFormat::Hsdlgbt,
        &f.hospital_a,
        sha1_digest,
    )
    .expect("sign");
    assert_eq!(outcome(&f.verify(&signed)), "signature_weak_algorithm");
}

/// Each certificate problem, on an otherwise valid signed death notice.
#[test]
fn certificate_problems_are_refused_with_their_reason() {
    let f = fixture();
    let now = Utc::now();
    let base = |name: &str| CertificateSpec::facility(name);
    let cases = [
        (
            "expired",
            broken::expired("Bệnh viện hết hạn", now),
            "certificate_expired",
        ),
        (
            "not yet valid",
            broken::not_yet_valid("Bệnh viện tương lai", now),
            "certificate_not_yet_valid",
        ),
        (
            "no signing key usage",
            CertificateSpec {
                signing_usage: false,
                ..base("Bệnh viện mã hoá")
            },
            "certificate_key_usage",
        ),
        (
            "SHA-1 certificate",
            CertificateSpec {
                hash: CertificateHash::Sha1,
                ..base("Bệnh viện SHA-1")
            },
            "certificate_weak_algorithm",
        ),
        (
            "RSA-1024 key",
            CertificateSpec {
                rsa_bits: 1024,
                ..base("Phòng khám nhỏ")
            },
            "signature_weak_algorithm",
        ),
    ];
    for (case, spec, expected) in cases {
        let identity = f.pki.facility(&spec).expect("certificate");
        let signed = f.signed_death_by(&identity, FACILITY_A);
        assert_eq!(outcome(&f.verify(&signed)), expected, "{case}");
    }
    assert_eq!(
        f.verify(&signed_death_with("HO_TEN", "<HO_TEN>Hà</HO_TEN>"))
            .map(|_| ()),
        Ok(()),
        "the same notice signed by the registered certificate is accepted"
    );
}

#[test]
fn a_revoked_certificate_is_refused_and_a_listed_crl_gives_good_evidence() {
    let f = fixture();
    let revoked = f
        .pki
        .facility(&CertificateSpec::facility("Bệnh viện bị thu hồi"))
        .expect("certificate");
    let mut trust = f.pki.trust_store().expect("store");
    trust
        .add_crl(&f.pki.crl(&[&revoked], Utc::now()).expect("crl"))
        .expect("add crl");
    let receipt = f.receipt(&trust, Some(FACILITY_A));

    let signed = f.signed_death_by(&revoked, FACILITY_A);
    assert_eq!(
        outcome(&hotich_health::verify_and_read(signed.as_bytes(), &receipt)),
        "certificate_revoked"
    );

    let good =
        hotich_health::verify_and_read(f.signed_death().as_bytes(), &receipt).expect("accepted");
    assert!(
        matches!(
            good.certificate.revocation,
            hotich_health::RevocationStatus::Good { .. }
        ),
        "{:?}",
        good.certificate.revocation
    );
}

#[test]
fn a_stale_crl_leaves_revocation_unchecked() {
    let f = fixture();
    let mut trust = f.pki.trust_store().expect("store");
    trust
        .add_crl(
            &f.pki
                .crl(&[], Utc::now() - Duration::days(30))
                .expect("crl"),
        )
        .expect("add crl");
    let verified = hotich_health::verify_and_read(
        f.signed_death().as_bytes(),
        &f.receipt(&trust, Some(FACILITY_A)),
    )
    .expect("accepted");
    assert_eq!(
        verified.certificate.revocation,
        hotich_health::RevocationStatus::NotChecked {
            reason: hotich_health::trust::NotCheckedReason::CrlOutOfDate
        }
    );
}

#[test]
fn a_certificate_from_another_pki_is_untrusted() {
    let f = fixture();
    let stranger_pki = TestPki::new().expect("pki");
    let stranger = stranger_pki
        .facility(&CertificateSpec::facility("Bệnh viện lạ"))
        .expect("certificate");
    let signed = f.signed_death_by(&stranger, FACILITY_A);
    assert_eq!(outcome(&f.verify(&signed)), "certificate_untrusted");
    // Carrying its own intermediate in KeyInfo does not make it trusted either.
    let empty = hotich_health::TrustStore::new();
    let verified = hotich_health::verify_and_read(
        f.signed_death().as_bytes(),
        &f.receipt(&empty, Some(FACILITY_A)),
    );
    assert_eq!(outcome(&verified), "certificate_untrusted");
}

#[test]
fn hospital_a_cannot_sign_for_hospital_b() {
    let f = fixture();
    let signed = f.signed_death_by(&f.hospital_a, FACILITY_B);
    let receipt = f.receipt(&f.trust, None);
    assert_eq!(
        hotich_health::verify_and_read(signed.as_bytes(), &receipt),
        Err(Rejection::Trust(TrustError::WrongFacility {
            facility: FACILITY_B.to_owned()
        }))
    );
    // Nor claim in the file a facility other than the one the channel authenticated.
    assert_eq!(
        outcome(&f.verify(&f.signed_death_by(&f.hospital_b, FACILITY_B))),
        "certificate_wrong_facility"
    );
    // Hospital B signing its own notice is fine.
    let own = f.signed_death_by(&f.hospital_b, FACILITY_B);
    assert_eq!(
        outcome(&hotich_health::verify_and_read(own.as_bytes(), &receipt)),
        "accepted"
    );
}
