//! The official field tables and their mapping into the protocol's
//! [`DeathNotice`] and [`BirthCertificate`]. The table of which element goes
//! where is `docs/health-formats.md`; keep both in step.

use hotich_protocol::{BirthCertificate, DeathNotice};
use serde::Serialize;

use crate::error::ReadError;
use crate::fields::{table, RecordFields};

/// Which official shape a record came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordShape {
    /// `HSDLGBT/GIAYBAOTU` (social-insurance document type 60).
    DeathNotice,
    /// `HSDLGCS/GIAYCHUNGSINH` (type 61; 14-digit birth time).
    BirthCertificate,
    /// XML 130 table 9 `DU_LIEU_GIAY_CHUNG_SINH` (12-digit birth time).
    Xml9Birth,
}

/// One record read from an official file: the model, plus the official
/// fields that have no model field, in document order, for the case view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthRecord {
    pub shape: RecordShape,
    /// The record element's `Id` attribute (the signed reference), if any.
    pub element_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub death: Option<DeathNotice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth: Option<BirthCertificate>,
    /// Official element name → value, for fields the model does not hold.
    pub extras: Vec<(String, String)>,
}

pub fn read_death(record: roxmltree::Node<'_, '_>) -> Result<HealthRecord, ReadError> {
    let mut f = RecordFields::read(record, &[table("death_notice")])?;
    // One line per group of the paper form (who, where, papers, event, issuer, facility).
    #[rustfmt::skip]
    let death = DeathNotice {
        notice_code: f.required("MA_GBT")?, patient_id: f.text("MA_BN"), medical_record_id: f.text("MA_HSBA"),
        name: f.required("HO_TEN")?, birth_date: f.partial_date("NGAY_SINH")?, sex: f.sex("GIOI_TINH")?,
        insurance_card: f.text("MA_THE"), social_insurance_no: f.text("MA_BHXH"),
        ethnicity_code: f.required("MA_DANTOC")?, nationality_code: f.required("MA_QUOCTICH")?,
        permanent_address: f.required("DCHI_THUONGTRU")?,
        permanent_province_code: f.required("MATINH_THUONGTRU")?, permanent_district_code: f.text("MAHUYEN_THUONGTRU"), permanent_commune_code: f.required("MAXA_THUONGTRU")?,
        current_address: f.text("DCHI_HIENTAI"),
        current_province_code: f.text("MATINH_HIENTAI"), current_district_code: f.text("MAHUYEN_HIENTAI"), current_commune_code: f.text("MAXA_HIENTAI"),
        id_document_type: f.number("LOAI_GIAYTO")?, id_number: f.text("SO_GIAYTO"), id_issue_date: f.date("NGAY_CAP")?, id_issuer: f.text("NOI_CAP"),
        admission_time: f.datetime("NGAYGIO_VV", 12)?, death_time: f.required_datetime("NGAY_TV", 12)?, died_before_arrival: f.flag("TINH_TRANG_TV"),
        cause_of_death: f.text("NGUYENNHAN_TV"), icd10_code: f.text("BENH_ICD10_ID"), icd10_name: f.text("BENH_ICD10_TEN"),
        relative_name: f.text("NGUOI_THANTHICH"), relative_phone: None,
        writer: f.required("NGUOI_GHIGIAY")?, facility_head: f.required("TTRUONG_DVI")?,
        notice_number: f.required("SO_BAOTU")?, notice_book: f.required("QUYEN_SO")?, notice_issue_date: f.required_date("NGAY_CAPGIAYBT")?,
        original_notice_number: f.text("SO_BAOTU_BD"), original_notice_book: f.text("QUYEN_SO_BD"),
        facility_code: f.required("MACSKCB")?, facility_address: f.required("DIACHI_CSKCB")?,
    };
    Ok(HealthRecord {
        shape: RecordShape::DeathNotice,
        element_id: record.attribute("Id").map(str::to_owned),
        death: Some(death),
        birth: None,
        extras: f.extras(),
    })
}

/// `GIAYCHUNGSINH` (type 61) or table 9 `DU_LIEU_GIAY_CHUNG_SINH`: one model.
pub fn read_birth(
    record: roxmltree::Node<'_, '_>,
    shape: RecordShape,
) -> Result<HealthRecord, ReadError> {
    let xml9 = shape == RecordShape::Xml9Birth;
    let own = table(if xml9 { "xml9" } else { "birth_certificate" });
    let mut f = RecordFields::read(record, &[own, table("birth_common")])?;
    let birth_time_digits = if xml9 { 12 } else { 14 };
    // One line per group of the paper form (mother, her papers, residence, child, issuer).
    #[rustfmt::skip]
    let birth = BirthCertificate {
        // GIAYCHUNGSINH has no episode key; its MA_GCS is as stable (a re-issue keeps it).
        episode_key: f.required_of_any(&["MA_LK", "MA_GCS"])?,
        mother_name: f.required_of_any(&["HO_TEN_NND", "HOTEN_NND"])?, mother_birth_date: f.partial_date("NGAYSINH_NND")?,
        mother_ethnicity_code: f.required("MA_DANTOC_NND")?, nationality_code: f.required_of_any(&["MA_QUOCTICH", "MA_QUOCTICH_NND"])?,
        mother_social_insurance_no: f.text("MA_BHXH_NND"), mother_health_insurance_card: f.text("MA_THE_NND"),
        mother_id_number: f.text("SO_CCCD_NND"), mother_id_issue_date: f.date("NGAYCAP_CCCD_NND")?, mother_id_issuer: f.text("NOICAP_CCCD_NND"),
        mother_residence: f.required("NOI_CU_TRU_NND")?,
        residence_province_code: f.required("MATINH_CU_TRU")?, residence_district_code: f.text("MAHUYEN_CU_TRU"), residence_commune_code: f.required("MAXA_CU_TRU")?,
        father_name: f.text("HO_TEN_CHA"), contact_phone: None,
        child_name: f.text_of_any(&["HO_TEN_CON", "TEN_CON"]), child_sex: f.sex("GIOI_TINH_CON")?, child_temp_insurance_card: f.text("MA_THE_TAM"),
        babies_in_delivery: f.number("SO_CON")?, birth_order: f.number("LAN_SINH")?, living_children: f.number("SO_CON_SONG")?,
        weight_grams: f.number("CAN_NANG_CON")?, birth_time: f.required_datetime("NGAY_SINH_CON", birth_time_digits)?,
        place_of_birth: f.required("NOI_SINH_CON")?, child_condition: f.required("TINH_TRANG_CON")?,
        caesarean: f.flag("SINHCON_PHAUTHUAT"), under_32_weeks: f.flag("SINHCON_DUOI32TUAN"), notes: f.text("GHI_CHU"),
        birth_attendant: f.required("NGUOI_DO_DE")?, form_writer: f.required("NGUOI_GHI_PHIEU")?,
        certificate_issue_date: f.required_date("NGAY_CT")?, certificate_number: f.required("SO")?, certificate_book: f.required("QUYEN_SO")?,
        // The head's name (GIAYCHUNGSINH) when given, else table 9's MA_TTDV
        // (the head's social-insurance number); the other stays an extra.
        facility_head: f.required_of_any(&["THU_TRUONG_DVI", "MA_TTDV"])?,
    };
    Ok(HealthRecord {
        shape,
        element_id: record.attribute("Id").map(str::to_owned),
        death: None,
        birth: Some(birth),
        extras: f.extras(),
    })
}
