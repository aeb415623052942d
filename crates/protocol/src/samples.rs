//! Sample notifications and a sample facility, for tests and examples: one
//! death and one birth in Xã Bằng Thành (01864), signed by a facility whose
//! key is derived from a fixed label.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::jws::TYP_NOTIFICATION;
use crate::trust::TrustedKeys;
use crate::{
    Action, BirthCertificate, DeathNotice, EventKind, FacilityKey, Notification, PartialDate, Sex,
    Signer,
};

/// The moment the samples are verified at.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

/// The sample facility's signing key.
pub fn facility_signer() -> Signer {
    Signer::from_label("test facility 19001", "19001-k1")
}

pub fn facility(signer: &Signer, valid_until: DateTime<Utc>) -> FacilityKey {
    FacilityKey {
        facility_id: "19001".into(),
        name: "Bệnh viện Đa khoa Thái Nguyên".into(),
        address: "Phường Phan Đình Phùng, Tỉnh Thái Nguyên".into(),
        commune_code: "01864".into(),
        key_id: signer.key_id().into(),
        algorithm: "EdDSA".into(),
        public_key: signer.public_key_b64(),
        valid_from: now() - Duration::days(365),
        valid_until,
    }
}

pub fn keys() -> TrustedKeys {
    TrustedKeys::from_facilities(&[facility(&facility_signer(), now() + Duration::days(365))])
        .unwrap()
}

pub fn death() -> Notification {
    Notification {
        schema: 1,
        notification_id: "19001-GBT-000001".into(),
        version: 1,
        action: Action::Issue,
        kind: EventKind::Death,
        facility_id: "19001".into(),
        issued_at: now() - Duration::days(2),
        commune_code: "01864".into(),
        birth: None,
        death: Some(DeathNotice {
            notice_code: "00001.GBT.19001.26".into(),
            patient_id: Some("BN0001".into()),
            medical_record_id: None,
            name: "Đặng Văn Ngữ".into(),
            birth_date: "1948-03-15".parse().unwrap(),
            sex: Sex::Male,
            insurance_card: None,
            ethnicity_code: "01".into(),
            nationality_code: "704".into(),
            permanent_address: "Thôn Bản Cuôn, Xã Bằng Thành, Tỉnh Thái Nguyên".into(),
            permanent_province_code: "19".into(),
            permanent_district_code: None,
            permanent_commune_code: "01864".into(),
            current_address: None,
            current_province_code: None,
            current_district_code: None,
            current_commune_code: None,
            id_document_type: 2,
            id_number: Some("006048001234".into()),
            id_issue_date: None,
            id_issuer: None,
            admission_time: None,
            death_time: NaiveDate::from_ymd_opt(2026, 11, 18)
                .unwrap()
                .and_hms_opt(6, 30, 0)
                .unwrap(),
            died_before_arrival: false,
            cause_of_death: Some("Nhồi máu cơ tim cấp".into()),
            icd10_code: Some("I21.9".into()),
            icd10_name: Some("Nhồi máu cơ tim cấp, không đặc hiệu".into()),
            relative_name: Some("Đặng Thị Hằng".into()),
            writer: "Lê Thị Thu".into(),
            facility_head: "Phạm Quốc Tuấn".into(),
            notice_number: "1".into(),
            notice_book: "01/2026".into(),
            notice_issue_date: NaiveDate::from_ymd_opt(2026, 11, 19).unwrap(),
            original_notice_number: None,
            original_notice_book: None,
            facility_code: "19001".into(),
            facility_address: "Phường Phan Đình Phùng, Tỉnh Thái Nguyên".into(),
            social_insurance_no: None,
            relative_phone: Some("0912345678".into()),
        }),
        void_reason: None,
    }
}

pub fn birth() -> Notification {
    Notification {
        notification_id: "19001-GCS-000001".into(),
        kind: EventKind::Birth,
        death: None,
        birth: Some(BirthCertificate {
            episode_key: "LK-2026-000001".into(),
            mother_social_insurance_no: None,
            mother_health_insurance_card: None,
            mother_name: "Hoàng Thị Phượng".into(),
            mother_birth_date: PartialDate::Full(NaiveDate::from_ymd_opt(1996, 7, 2).unwrap()),
            mother_ethnicity_code: "02".into(),
            mother_id_number: Some("019196004321".into()),
            mother_id_issue_date: None,
            mother_id_issuer: None,
            mother_residence: "Xã Bằng Thành, Tỉnh Thái Nguyên".into(),
            nationality_code: "704".into(),
            residence_province_code: "19".into(),
            residence_district_code: None,
            residence_commune_code: "01864".into(),
            father_name: Some("Ma Văn Dũng".into()),
            child_temp_insurance_card: None,
            child_name: Some("Ma Thị Quỳnh".into()),
            child_sex: Sex::Female,
            babies_in_delivery: 1,
            birth_order: 2,
            living_children: 2,
            weight_grams: 3100,
            birth_time: NaiveDate::from_ymd_opt(2026, 11, 1)
                .unwrap()
                .and_hms_opt(22, 15, 0)
                .unwrap(),
            place_of_birth: "Bệnh viện Đa khoa Thái Nguyên".into(),
            child_condition: "Khỏe mạnh".into(),
            caesarean: false,
            under_32_weeks: false,
            notes: None,
            birth_attendant: "Nguyễn Thị Lan".into(),
            form_writer: "Nguyễn Thị Lan".into(),
            certificate_issue_date: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            certificate_number: "123".into(),
            certificate_book: "05".into(),
            facility_head: "Phạm Quốc Tuấn".into(),
            contact_phone: None,
        }),
        ..death()
    }
}

/// `n` signed by `signer`, as the JSON bytes of its envelope.
pub fn sign(n: &Notification, signer: &Signer) -> Vec<u8> {
    let payload = serde_json::to_vec(n).unwrap_or_default();
    serde_json::to_vec(&signer.sign(TYP_NOTIFICATION, &payload)).unwrap_or_default()
}

/// A trust list holding the sample facility, signed by the demo root key, as JSON bytes.
pub fn trust_list() -> Vec<u8> {
    let list = crate::TrustList {
        schema: crate::trust::TRUST_LIST_SCHEMA,
        issuer: "Bộ Tư pháp (mẫu)".into(),
        sequence: 1,
        issued_at: now() - Duration::days(30),
        facilities: vec![facility(&facility_signer(), now() + Duration::days(365))],
    };
    serde_json::to_vec(&list.sign(&crate::trust::demo_root_signer())).unwrap_or_default()
}
