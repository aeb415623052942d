//! Filled records of each official shape, signed by the test signer
//! (libxmlsec1), are accepted and read into the model with their extras.

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use common::{fixture, FACILITY_A, RECORD_ID};
use hotich_health::{
    FacilityCheck, ReadNote, RecordShape, RevocationStatus, SignatureProfile, XmlFormat,
};
use hotich_protocol::{PartialDate, Sex};

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test time")
}

#[test]
fn a_signed_death_notice_is_read_with_its_evidence() {
    let f = fixture();
    let verified = f.verify(&f.signed_death()).expect("accepted");
    assert_eq!(verified.document.format, XmlFormat::Hsdlgbt);
    let record = &verified.document.records[0];
    assert_eq!(record.shape, RecordShape::DeathNotice);
    assert_eq!(record.element_id.as_deref(), Some(RECORD_ID));
    let death = record.death.as_ref().expect("death notice");
    assert_eq!(death.name, "Nguyễn Thị Hằng");
    assert_eq!(death.birth_date, PartialDate::Year(1947));
    assert_eq!(death.sex, Sex::Female);
    assert_eq!(death.death_time, at("2026-11-29 14:15"));
    assert_eq!(death.admission_time, Some(at("2026-11-27 08:30")));
    assert_eq!(
        death.permanent_district_code, None,
        "an empty element is absent"
    );
    assert_eq!(death.current_address, None);
    assert_eq!(
        death.notice_issue_date,
        NaiveDate::from_ymd_opt(2026, 11, 29).expect("date")
    );
    assert_eq!(death.facility_code, FACILITY_A);
    assert_eq!(death.icd10_code.as_deref(), Some("I50.0"));
    assert!(
        record.extras.is_empty(),
        "every GIAYBAOTU field has a model field: {:?}",
        record.extras
    );

    assert_eq!(verified.signature.profile, SignatureProfile::TwoReference);
    assert_eq!(verified.signature.record_id.as_deref(), Some(RECORD_ID));
    assert_eq!(
        verified.signature.claims.signing_time.as_deref(),
        Some("2026-11-30T09:15:00")
    );
    assert_eq!(
        verified.facility,
        FacilityCheck::Registered {
            facility: FACILITY_A.to_owned()
        }
    );
    let chain = &verified.certificate.chain;
    assert_eq!(chain.len(), 3, "signer, intermediate, root");
    assert!(chain[0].subject.contains("Chợ Rẫy"), "{}", chain[0].subject);
    assert!(chain[2].subject.contains("Test Root CA"));
    assert_eq!(chain[2].revocation, RevocationStatus::TrustAnchor);
    assert!(
        matches!(
            verified.certificate.revocation,
            RevocationStatus::NotChecked { .. }
        ),
        "no CRL imported: valid signature, revocation not checked"
    );
    let json = serde_json::to_value(&verified).expect("evidence serialises");
    assert_eq!(json["certificate"]["revocation"]["status"], "not_checked");
    assert_eq!(json["signature"]["profile"], "two_reference");
}

#[test]
fn a_signed_birth_certificate_keeps_the_surrogacy_group_as_extras() {
    let f = fixture();
    let signed = f.signed_birth();
    let verified = f.verify(&signed).expect("accepted");
    assert_eq!(
        verified.original,
        signed.as_bytes(),
        "the received bytes are kept unchanged"
    );
    let record = &verified.document.records[0];
    assert_eq!(record.shape, RecordShape::BirthCertificate);
    let birth = record.birth.as_ref().expect("birth");
    assert_eq!(birth.episode_key, "00005.GCS.79024.26");
    assert_eq!(birth.mother_name, "Võ Thị Ngọc Ánh");
    assert_eq!(birth.child_name.as_deref(), Some("Đặng Gia Hân"));
    assert_eq!(birth.nationality_code, "704");
    assert_eq!(birth.birth_time, at("2026-11-28 06:45"));
    assert_eq!(birth.facility_head, "Trương Công Thành");
    assert_eq!(birth.weight_grams, 3150);
    let names: Vec<&str> = record.extras.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "MA_BN",
            "MA_CT",
            "SO_SERI",
            "LOAI_GIAYTO_NND",
            "MA_TTDV",
            "HOTEN_MTH",
            "NGAYSINH_MTH",
            "MA_DANTOC_MTH",
            "HO_TEN_CHA_MTH",
            "CAP_LAN_DAU"
        ],
        "fields without a model field, in document order"
    );
    assert_eq!(record.extras[5].1, "Lý Thị Thu");
    // HSDLGCS names no facility: the sender's is checked.
    assert_eq!(
        verified.facility,
        FacilityCheck::Registered {
            facility: FACILITY_A.to_owned()
        }
    );
}

#[test]
fn an_xml130_set_gives_one_birth_per_twin_and_notes_the_other_tables() {
    let f = fixture();
    let verified = f.verify(&f.signed_xml130()).expect("accepted");
    assert_eq!(verified.signature.profile, SignatureProfile::Enveloped);
    assert_eq!(verified.document.facility_code.as_deref(), Some(FACILITY_A));
    assert_eq!(
        verified.document.notes,
        [ReadNote::IgnoredFile {
            file_type: "XML1".to_owned()
        }]
    );
    let births: Vec<_> = verified
        .document
        .records
        .iter()
        .map(|r| r.birth.as_ref().expect("birth"))
        .collect();
    assert_eq!(births.len(), 2);
    assert_eq!(births[0].child_name.as_deref(), Some("Quách Bảo An"));
    assert_eq!(births[1].child_name.as_deref(), Some("Quách Bảo Ngọc"));
    assert_eq!(births[0].child_sex, Sex::Male);
    assert_eq!(births[1].birth_time, at("2026-11-28 23:12"));
    assert_eq!(births[0].babies_in_delivery, 2);
    assert!(births[0].caesarean);
    assert_eq!(births[0].mother_birth_date, PartialDate::Year(1998));
    assert_eq!(
        births[0].facility_head, "7900004321",
        "table 9 has only MA_TTDV"
    );
    assert!(verified
        .document
        .records
        .iter()
        .all(|r| r.shape == RecordShape::Xml9Birth));
}

#[test]
fn a_remembered_validation_still_ends_with_the_certificate() {
    let f = fixture();
    let signer = f.hospital_a.certificate_der();
    let now = chrono::Utc::now();
    let first = f.trust.validate(&signer, &[], now).expect("valid now");
    let again = f
        .trust
        .validate(&signer, &[], now + chrono::Duration::days(1))
        .expect("valid tomorrow");
    assert_eq!(again.chain, first.chain);
    assert_eq!(
        again.checked_at,
        now + chrono::Duration::days(1),
        "each receipt keeps its own time"
    );
    assert_eq!(
        f.trust
            .validate(&signer, &[], now + chrono::Duration::days(400)),
        Err(hotich_health::TrustError::Expired)
    );
    assert_eq!(
        f.trust
            .validate(&signer, &[], now - chrono::Duration::days(60)),
        Err(hotich_health::TrustError::NotYetValid)
    );
}
