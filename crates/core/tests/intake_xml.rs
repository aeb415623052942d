//! Intake of the health sector's official signed XML on a real SQLite file:
//! the X.509 trust tables a supervisor fills, each shape taken in as a case,
//! the refusals quarantined with their reasons, re-issues, re-sends, CRLs
//! arriving after the notification, and files that hold no notification.

mod common;

use std::sync::OnceLock;

use chrono::Utc;
use common::fixture::{case_rows, office, pinned_store_in, registrar, COMMUNE, PASSWORD};
use hotich_core::{CoreError, ErrorCode, ImportSummary, Officer, Store, X509Entry};
use hotich_health::testkit::{self, Algorithms, CertificateSpec, Identity, TestPki};
use hotich_health::XmlFormat;

const FACILITY: &str = "79024";
const OTHER_FACILITY: &str = "79025";
const RECORD_ID: &str = "Id-5b1f0c8e-3a47-4d2b-9e61-7c0d2a9f4e10";
const DEATH_ID: &str = "79024-00004.GBT.79024.26";

struct Pki {
    pki: TestPki,
    hospital: Identity,
}

/// One test PKI per test binary (RSA key generation is slow).
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let pki = TestPki::new().expect("test PKI");
        let hospital = pki
            .facility(&CertificateSpec::facility("Bệnh viện Chợ Rẫy (test)"))
            .expect("facility certificate");
        Pki { pki, hospital }
    })
}

/// An office trusting the test root and intermediate, with the hospital's
/// certificate registered for FACILITY; no CRL yet.
fn trusting_office() -> (tempfile::TempDir, Store, Officer) {
    x509_trusting(office(Utc::now()))
}

/// `office` made to trust the test root and intermediate, with the
/// hospital's certificate registered for FACILITY.
fn x509_trusting(
    (dir, mut store, supervisor): (tempfile::TempDir, Store, Officer),
) -> (tempfile::TempDir, Store, Officer) {
    let p = pki();
    let now = Utc::now();
    let root = p.pki.root.certificate_pem();
    let intermediate = p.pki.intermediate.certificate_der();
    store
        .add_trust_certificates(&supervisor, &root, "root.pem", now)
        .unwrap();
    store
        .add_trust_certificates(&supervisor, &intermediate, "issuing.der", now)
        .unwrap();
    store
        .add_facility_certificate(
            &supervisor,
            FACILITY,
            &p.hospital.certificate_pem(),
            "hospital.pem",
            now,
        )
        .unwrap();
    (dir, store, supervisor)
}

fn sign(unsigned: &str, format: XmlFormat) -> Vec<u8> {
    testkit::sign(unsigned, format, &pki().hospital, Algorithms::default())
        .unwrap()
        .into_bytes()
}

fn death() -> Vec<u8> {
    sign(
        &testkit::death_notice_xml(RECORD_ID, FACILITY),
        XmlFormat::Hsdlgbt,
    )
}

fn import(store: &mut Store, bytes: &[u8]) -> ImportSummary {
    store
        .import_bytes(bytes, "test.xml", Utc::now(), &mut |_| {})
        .unwrap()
}

fn quarantine_reasons(store: &Store) -> Vec<String> {
    store
        .quarantine()
        .unwrap()
        .into_iter()
        .map(|q| q.reason)
        .collect()
}

fn cases(store: &Store) -> Vec<hotich_core::CaseRow> {
    case_rows(
        store,
        Default::default(),
        hotich_common::time::office_today(),
    )
}

fn case_of(store: &Store, notification_id: &str) -> hotich_core::CaseRow {
    cases(store)
        .into_iter()
        .find(|c| c.notification_id.as_deref() == Some(notification_id))
        .unwrap_or_else(|| panic!("no case for {notification_id}"))
}

#[test]
fn each_official_shape_becomes_a_case_with_its_evidence() {
    let (_dir, mut store, _) = trusting_office();
    let birth = sign(
        &testkit::birth_certificate_xml(RECORD_ID),
        XmlFormat::Hsdlgcs,
    );
    let xml130 = sign(
        &testkit::xml130_xml(FACILITY, &testkit::xml9_twins_xml()),
        XmlFormat::Giamdinhhs,
    );
    assert_eq!(import(&mut store, &death()).imported, 1);
    assert_eq!(import(&mut store, &birth).imported, 1);
    assert_eq!(import(&mut store, &xml130).imported, 2, "twins: two cases");
    assert!(quarantine_reasons(&store).is_empty());

    let today = hotich_common::time::office_today();
    let death_case = case_of(&store, DEATH_ID);
    assert_eq!(death_case.name, "Nguyễn Thị Hằng");
    let detail = store.case_detail(&death_case.id, today).unwrap();
    let notice = detail.notification.clone().unwrap().death.unwrap();
    assert_eq!(notice.facility_code, FACILITY);
    assert_eq!(
        notice.birth_date.to_string(),
        "1947",
        "unknown day and month kept"
    );

    let birth_case = case_of(&store, "79024-00005.GCS.79024.26");
    assert_eq!(birth_case.name, "Đặng Gia Hân");
    let first_twin = case_of(&store, "79024-XML9-LK-2026-000981-1");
    let second_twin = case_of(&store, "79024-XML9-LK-2026-000981-2");
    assert_eq!(first_twin.name, "Quách Bảo An");
    assert_eq!(second_twin.name, "Quách Bảo Ngọc");

    let verification = detail.verification.unwrap();
    assert!(
        verification.signature_valid,
        "the case view verifies the file again"
    );
    assert!(verification.algorithm.ends_with("rsa-sha256"));
    assert!(verification.key_id.starts_with("x509:"));
    assert_eq!(verification.facility_name, "Bệnh viện Chợ Rẫy (test)");

    let kept = store.received_xml(DEATH_ID).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].format, "HSDLGBT");
    assert_eq!(kept[0].facility_code, FACILITY);
    assert_eq!(
        kept[0].file_sha256,
        hotich_common::hex::sha256_hex(&death())
    );
    let evidence: serde_json::Value = serde_json::from_str(&kept[0].evidence).unwrap();
    assert!(evidence["certificate"]["signer_subject"]
        .as_str()
        .unwrap()
        .contains("Bệnh viện Chợ Rẫy (test)"));
    assert_eq!(
        evidence["certificate"]["chain"].as_array().unwrap().len(),
        3
    );
    // No CRL imported: "chữ ký hợp lệ, chưa kiểm tra thu hồi".
    assert_eq!(kept[0].revocation, "not_checked");
    // The stored file altered in the database afterwards shows as invalid.
    let db = store.file().raw_connection().unwrap();
    db.execute(
        "UPDATE notification_xml SET original = CAST(replace(CAST(original AS TEXT), 'Suy tim', 'Ung thư') AS BLOB)
         WHERE notification_id = ?1",
        [DEATH_ID],
    )
    .unwrap();
    let altered = store.case_detail(&death_case.id, today).unwrap();
    assert!(!altered.verification.unwrap().signature_valid);

    let birth_extras = &store.received_xml("79024-00005.GCS.79024.26").unwrap()[0].extras;
    assert!(birth_extras.contains(&("CAP_LAN_DAU".to_owned(), "1".to_owned())));
}

#[test]
fn refusals_are_quarantined_with_their_reasons() {
    let (_dir, mut store, _) = trusting_office();
    let signed = String::from_utf8(death()).unwrap();
    let forged =
        "<GIAYBAOTU Id=\"Id-forged\"><MA_GBT>00009.GBT.79024.26</MA_GBT></GIAYBAOTU>\n<CHUKYDONVI>";
    let wrapped = signed.replacen("<CHUKYDONVI>", forged, 1);
    let other_facility = sign(
        &testkit::death_notice_xml(RECORD_ID, OTHER_FACILITY),
        XmlFormat::Hsdlgbt,
    );
    let altered = signed.replace("Suy tim độ IV", "Tai nạn");
    for bad in [
        wrapped.as_bytes(),
        &other_facility,
        altered.as_bytes(),
        b"<HSDLGBT><GIAYBAOTU>",
        b"<KHAC/>",
    ] {
        assert_eq!(import(&mut store, bad).quarantined, 1);
    }
    let mut reasons = quarantine_reasons(&store);
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "certificate_wrong_facility",
            "signature_digest_mismatch",
            "signature_wrapping",
            "xml_malformed",
            "xml_unknown_root"
        ]
    );
    let rows = store.quarantine().unwrap();
    let wrapping = rows
        .iter()
        .find(|q| q.reason == "signature_wrapping")
        .unwrap();
    assert_eq!(
        wrapping.reason_text,
        "Nghi giả mạo: có nội dung nằm ngoài phần được ký"
    );
    assert!(cases(&store).is_empty(), "nothing refused opens a case");
}

#[test]
fn a_revoked_certificate_is_refused() {
    let (_dir, mut store, supervisor) = trusting_office();
    let p = pki();
    let revoked = p.pki.crl(&[&p.hospital], Utc::now()).unwrap();
    store
        .add_crl(&supervisor, &revoked, "issuing.crl", Utc::now())
        .unwrap();
    assert_eq!(import(&mut store, &death()).quarantined, 1);
    assert_eq!(quarantine_reasons(&store), ["certificate_revoked"]);
}

#[test]
fn a_reissued_death_notice_is_version_two_and_a_resend_changes_nothing() {
    let (_dir, mut store, _) = trusting_office();
    let first = death();
    assert_eq!(import(&mut store, &first).imported, 1);
    let resent = import(&mut store, &first);
    assert_eq!((resent.unchanged, resent.total()), (1, 1));

    let reissue = testkit::death_notice_xml(RECORD_ID, FACILITY)
        .replace("<SO_BAOTU>42</SO_BAOTU>", "<SO_BAOTU>43</SO_BAOTU>")
        .replace(
            "<SO_BAOTU_BD></SO_BAOTU_BD>",
            "<SO_BAOTU_BD>42</SO_BAOTU_BD>",
        )
        .replace(
            "<QUYEN_SO_BD></QUYEN_SO_BD>",
            "<QUYEN_SO_BD>01/2026</QUYEN_SO_BD>",
        )
        .replace("Suy tim độ IV", "Nhồi máu cơ tim");
    let reissued = sign(&reissue, XmlFormat::Hsdlgbt);
    assert_eq!(import(&mut store, &reissued).updated, 1);
    assert_eq!(import(&mut store, &reissued).unchanged, 1);

    let case = case_of(&store, DEATH_ID);
    let detail = store
        .case_detail(&case.id, hotich_common::time::office_today())
        .unwrap();
    assert_eq!(detail.versions.len(), 2);
    let notice = detail.notification.unwrap();
    assert_eq!(notice.version, 2);
    assert_eq!(
        notice.death.unwrap().cause_of_death.as_deref(),
        Some("Nhồi máu cơ tim")
    );
    assert_eq!(store.received_xml(DEATH_ID).unwrap().len(), 2);

    // Another file under the same MA_GBT, not marked as a re-issue.
    let unmarked = sign(
        &testkit::death_notice_xml(RECORD_ID, FACILITY).replace("Suy tim độ IV", "Khác"),
        XmlFormat::Hsdlgbt,
    );
    assert_eq!(import(&mut store, &unmarked).quarantined, 1);
    assert_eq!(quarantine_reasons(&store), ["version_conflict"]);
}

#[test]
fn a_crl_arriving_later_clears_or_flags_what_waited_for_it() {
    let (_dir, mut store, supervisor) = trusting_office();
    let p = pki();
    import(&mut store, &death());
    assert_eq!(
        store.received_xml(DEATH_ID).unwrap()[0].revocation,
        "not_checked"
    );
    // What the case view shows: the signer first, the test root last.
    let [shown] = store
        .official_evidence(DEATH_ID)
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(shown.format, "HSDLGBT");
    assert_eq!(shown.facility_code, FACILITY);
    let names: Vec<&str> = shown.chain.iter().map(|l| l.common_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Bệnh viện Chợ Rẫy (test)",
            "Hotich Test Issuing CA",
            "Hotich Test Root CA"
        ]
    );
    assert_eq!(shown.revocation, hotich_core::RevocationShown::NotChecked);

    let nothing_revoked = p.pki.crl(&[], Utc::now()).unwrap();
    let added = store
        .add_crl(&supervisor, &nothing_revoked, "issuing.crl", Utc::now())
        .unwrap();
    assert_eq!((added.recheck.cleared, added.recheck.revoked), (1, 0));
    let kept = &store.received_xml(DEATH_ID).unwrap()[0];
    assert_eq!(kept.revocation, "checked");
    assert!(kept.evidence.contains("revocation_recheck"));
    let shown = &store.official_evidence(DEATH_ID).unwrap()[0];
    assert!(
        matches!(&shown.revocation, hotich_core::RevocationShown::Checked { crl_issuer, rechecked_at: Some(_), .. }
            if crl_issuer.contains("Hotich Test Issuing CA")),
        "{:?}",
        shown.revocation
    );
    assert_eq!(store.crls().unwrap().len(), 1);

    // A second office where the next CRL lists the signer.
    let (_dir2, mut store2, supervisor2) = trusting_office();
    import(&mut store2, &death());
    let revoked = p.pki.crl(&[&p.hospital], Utc::now()).unwrap();
    let added = store2
        .add_crl(&supervisor2, &revoked, "issuing.crl", Utc::now())
        .unwrap();
    assert_eq!((added.recheck.cleared, added.recheck.revoked), (0, 1));
    assert_eq!(
        store2.received_xml(DEATH_ID).unwrap()[0].revocation,
        "revoked"
    );
    assert!(matches!(
        store2.official_evidence(DEATH_ID).unwrap()[0].revocation,
        hotich_core::RevocationShown::Revoked {
            rechecked_at: Some(_)
        }
    ));
    assert!(
        case_of(&store2, DEATH_ID).notification_id.is_some(),
        "the case stays for the officer to review"
    );
}

#[test]
fn a_file_holding_no_notification_is_refused_whole_leaving_nothing() {
    let (_dir, mut store, _) = trusting_office();
    let mut numbers = String::with_capacity(7_000_000);
    numbers.push('[');
    for i in 0..3_000_000 {
        numbers.push_str(if i == 0 { "0" } else { ",1" });
    }
    numbers.push(']');
    let mut object_then_numbers = br#"[{"protected":"x"},1,2]"#.to_vec();
    for bytes in [
        numbers.as_bytes(),
        object_then_numbers.as_slice(),
        b"%PDF-1.7",
    ] {
        let refused = store.import_bytes(bytes, "numbers.json", Utc::now(), &mut |_| {});
        match refused {
            Err(e @ CoreError::InvalidFile { .. }) => assert_eq!(e.code(), ErrorCode::InvalidFile),
            other => panic!("expected the whole file refused, got {other:?}"),
        }
    }
    object_then_numbers.clear();
    assert!(
        store.quarantine().unwrap().is_empty(),
        "nothing quarantined"
    );
    assert!(cases(&store).is_empty());
}

#[test]
fn only_a_supervisor_manages_the_x509_trust() {
    let (_dir, mut store, supervisor) = trusting_office();
    let now = Utc::now();
    let clerk = registrar(&mut store, &supervisor, "canbo", "Lê Thị Cán", now);
    let p = pki();
    let refused =
        store.add_trust_certificates(&clerk, &p.pki.root.certificate_pem(), "root.pem", now);
    assert!(matches!(refused, Err(CoreError::Forbidden(_))));
    let refused = store.add_crl(&clerk, &p.pki.crl(&[], now).unwrap(), "x.crl", now);
    assert!(matches!(refused, Err(CoreError::Forbidden(_))));

    let anchors = store.trust_certificates().unwrap();
    assert_eq!(
        anchors.iter().map(|c| c.role.as_str()).collect::<Vec<_>>(),
        ["anchor", "intermediate"]
    );
    assert_eq!(anchors[0].facts.added_by, "lanhdao");
    let facility = &store.facility_certificates().unwrap()[0];
    assert_eq!(facility.facts.sha256, p.hospital.sha256());
    store
        .remove_x509(
            &supervisor,
            X509Entry::FacilityCertificate,
            facility.id,
            now,
        )
        .unwrap();
    assert!(matches!(
        store.remove_x509(
            &supervisor,
            X509Entry::FacilityCertificate,
            facility.id,
            now
        ),
        Err(CoreError::TrustEntryNotFound(_))
    ));
    // Without the registration the hospital signs for no facility.
    assert_eq!(import(&mut store, &death()).quarantined, 1);
    assert_eq!(quarantine_reasons(&store), ["certificate_wrong_facility"]);
    let not_a_certificate = store.add_trust_certificates(&supervisor, b"hello", "x.pem", now);
    assert!(matches!(
        not_a_certificate,
        Err(CoreError::InvalidFile { .. })
    ));
}

#[test]
fn every_refusal_of_the_official_xml_has_its_words_in_both_languages() {
    use hotich_core::labels::{quarantine_reason, Lang};
    use hotich_health::{ReadError, Rejection, SignatureError, TrustError};
    let text = || "x".to_owned();
    let rejections: Vec<Rejection> = vec![
        ReadError::TooLarge { limit_bytes: 1 }.into(),
        ReadError::Malformed { detail: text() }.into(),
        ReadError::DtdRefused.into(),
        ReadError::TooDeep { limit: 1 }.into(),
        ReadError::UnknownRoot { root: text() }.into(),
        ReadError::RecordCount {
            element: text(),
            count: 2,
        }
        .into(),
        ReadError::MissingElement { element: text() }.into(),
        ReadError::DuplicateElement { element: text() }.into(),
        ReadError::TooLong {
            element: text(),
            max_chars: 1,
            actual_chars: 2,
        }
        .into(),
        ReadError::WrongForm {
            element: text(),
            expected: "x",
        }
        .into(),
        ReadError::BadDate {
            element: text(),
            expected: "x",
        }
        .into(),
        ReadError::BadBase64 { element: text() }.into(),
        ReadError::NoBirthTable.into(),
        SignatureError::Unsigned.into(),
        SignatureError::BadStructure { detail: text() }.into(),
        SignatureError::Wrapping { detail: text() }.into(),
        SignatureError::WeakAlgorithm { algorithm: text() }.into(),
        SignatureError::NoCertificate.into(),
        SignatureError::DigestMismatch { reference: text() }.into(),
        SignatureError::Invalid.into(),
        TrustError::Unreadable.into(),
        TrustError::Expired.into(),
        TrustError::NotYetValid.into(),
        TrustError::Revoked { crl_issuer: text() }.into(),
        TrustError::Untrusted { detail: text() }.into(),
        TrustError::KeyUsage.into(),
        TrustError::WeakAlgorithm { detail: text() }.into(),
        TrustError::WrongFacility { facility: text() }.into(),
    ];
    let unknown = quarantine_reason(Lang::Vi, "no_such_code");
    for rejection in rejections {
        let code = rejection.code();
        let (vi, en) = (
            quarantine_reason(Lang::Vi, code),
            quarantine_reason(Lang::En, code),
        );
        assert_ne!(vi, unknown, "{code} has no Vietnamese words");
        assert_ne!(vi, en, "{code}");
    }
}

/// A page the registry relays with official XML only is checked against the
/// X.509 trust alone: an office that holds no JWS trust list takes it in.
#[test]
fn a_relayed_page_of_official_xml_needs_no_jws_trust_list() {
    use hotich_core::sync::{Pulled, PulledDocument};
    use hotich_protocol::sync::DocumentFormat;

    let (dir, mut store) = pinned_store_in(tempfile::tempdir().unwrap());
    store.set_commune(COMMUNE).unwrap();
    let supervisor = store
        .create_first_supervisor("lanhdao", "Phạm Văn Lãnh", PASSWORD, Utc::now())
        .unwrap();
    let (_dir, mut store, _) = x509_trusting((dir, store, supervisor));
    let bytes = death();
    let page = [Pulled::Document(PulledDocument {
        seq: 1,
        notification_id: DEATH_ID,
        format: DocumentFormat::Hsdlgbt,
        bytes: &bytes,
        sender_facility: Some(FACILITY),
        received_at: None,
    })];
    let applied = store
        .apply_pulled_events(COMMUNE, 0, &page, 1, Utc::now())
        .unwrap();
    assert!(applied.applied);
    assert_eq!(applied.summary.imported, 1);
    assert_eq!(
        case_of(&store, DEATH_ID).notification_id.as_deref(),
        Some(DEATH_ID)
    );
}
