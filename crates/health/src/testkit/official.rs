//! Official files written from the protocol's model (the inverse of
//! [`crate::records`]): a death notice as `HSDLGBT`, a birth certificate as
//! `HSDLGCS`, a delivery (twins: several children) as XML 130 table 9. Each
//! comes with an empty `CHUKYDONVI` for [`super::sign`]. For the simulator,
//! which makes its people in the model and issues them in every format.

use chrono::{NaiveDate, NaiveDateTime};
use hotich_protocol::{BirthCertificate, DeathNotice, PartialDate};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `<NAME>value</NAME>` lines in order; `None` writes the empty element.
fn elements(fields: &[(&str, Option<String>)]) -> String {
    fields
        .iter()
        .map(|(name, value)| {
            format!(
                "<{name}>{}</{name}>\n",
                value.as_deref().map(escape).unwrap_or_default()
            )
        })
        .collect()
}

fn date8(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// `yyyyMMdd` with an unknown month or day written `00`.
fn partial_date8(date: PartialDate) -> String {
    match date {
        PartialDate::Year(y) => format!("{y:04}0000"),
        PartialDate::YearMonth(y, m) => format!("{y:04}{m:02}00"),
        PartialDate::Full(d) => date8(d),
    }
}

fn datetime(time: NaiveDateTime, digits: usize) -> String {
    let format = if digits == 14 {
        "%Y%m%d%H%M%S"
    } else {
        "%Y%m%d%H%M"
    };
    time.format(format).to_string()
}

fn flag(value: bool) -> Option<String> {
    Some(if value { "1" } else { "0" }.to_owned())
}

fn some(value: impl ToString) -> Option<String> {
    Some(value.to_string())
}

/// A death notice (`HSDLGBT/GIAYBAOTU`) whose record has `Id="{record_id}"`.
pub fn death_notice_xml_of(notice: &DeathNotice, record_id: &str) -> String {
    let d = notice;
    #[rustfmt::skip]
    let body = elements(&[
        ("MA_GBT", some(&d.notice_code)), ("MA_BN", d.patient_id.clone()), ("MA_HSBA", d.medical_record_id.clone()),
        ("HO_TEN", some(&d.name)), ("NGAY_SINH", some(partial_date8(d.birth_date))), ("GIOI_TINH", some(d.sex.official_code())),
        ("MA_THE", d.insurance_card.clone()), ("MA_DANTOC", some(&d.ethnicity_code)), ("MA_QUOCTICH", some(&d.nationality_code)),
        ("DCHI_THUONGTRU", some(&d.permanent_address)), ("MATINH_THUONGTRU", some(&d.permanent_province_code)),
        ("MAHUYEN_THUONGTRU", d.permanent_district_code.clone()), ("MAXA_THUONGTRU", some(&d.permanent_commune_code)),
        ("DCHI_HIENTAI", d.current_address.clone()), ("MATINH_HIENTAI", d.current_province_code.clone()),
        ("MAHUYEN_HIENTAI", d.current_district_code.clone()), ("MAXA_HIENTAI", d.current_commune_code.clone()),
        ("LOAI_GIAYTO", some(d.id_document_type)), ("SO_GIAYTO", d.id_number.clone()),
        ("NGAY_CAP", d.id_issue_date.map(date8)), ("NOI_CAP", d.id_issuer.clone()),
        ("NGAYGIO_VV", d.admission_time.map(|t| datetime(t, 12))), ("NGAY_TV", some(datetime(d.death_time, 12))),
        ("TINH_TRANG_TV", flag(d.died_before_arrival)), ("NGUYENNHAN_TV", d.cause_of_death.clone()),
        ("NGUOI_GHIGIAY", some(&d.writer)), ("NGUOI_THANTHICH", d.relative_name.clone()), ("TTRUONG_DVI", some(&d.facility_head)),
        ("SO_BAOTU", some(&d.notice_number)), ("QUYEN_SO", some(&d.notice_book)), ("NGAY_CAPGIAYBT", some(date8(d.notice_issue_date))),
        ("SO_BAOTU_BD", d.original_notice_number.clone()), ("QUYEN_SO_BD", d.original_notice_book.clone()),
        ("MACSKCB", some(&d.facility_code)), ("DIACHI_CSKCB", some(&d.facility_address)),
        ("MA_BHXH", d.social_insurance_no.clone()),
        ("BENH_ICD10_ID", d.icd10_code.clone()), ("BENH_ICD10_TEN", d.icd10_name.clone()),
    ]);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<HSDLGBT xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n<GIAYBAOTU Id=\"{}\">\n{body}</GIAYBAOTU>\n<CHUKYDONVI/>\n</HSDLGBT>\n",
        escape(record_id)
    )
}

/// The fields both birth shapes share (`birth_common`), in the official order.
fn birth_common(b: &BirthCertificate) -> Vec<(&'static str, Option<String>)> {
    #[rustfmt::skip]
    let fields = vec![
        ("MA_BHXH_NND", b.mother_social_insurance_no.clone()), ("MA_THE_NND", b.mother_health_insurance_card.clone()),
        ("NGAYSINH_NND", some(partial_date8(b.mother_birth_date))), ("MA_DANTOC_NND", some(&b.mother_ethnicity_code)),
        ("SO_CCCD_NND", b.mother_id_number.clone()), ("NGAYCAP_CCCD_NND", b.mother_id_issue_date.map(date8)),
        ("NOICAP_CCCD_NND", b.mother_id_issuer.clone()), ("NOI_CU_TRU_NND", some(&b.mother_residence)),
        ("MATINH_CU_TRU", some(&b.residence_province_code)), ("MAHUYEN_CU_TRU", b.residence_district_code.clone()),
        ("MAXA_CU_TRU", some(&b.residence_commune_code)), ("HO_TEN_CHA", b.father_name.clone()),
        ("MA_THE_TAM", b.child_temp_insurance_card.clone()),
        ("GIOI_TINH_CON", some(b.child_sex.official_code())), ("SO_CON", some(b.babies_in_delivery)),
        ("LAN_SINH", some(b.birth_order)), ("SO_CON_SONG", some(b.living_children)), ("CAN_NANG_CON", some(b.weight_grams)),
        ("NOI_SINH_CON", some(&b.place_of_birth)), ("TINH_TRANG_CON", some(&b.child_condition)),
        ("SINHCON_PHAUTHUAT", flag(b.caesarean)), ("SINHCON_DUOI32TUAN", flag(b.under_32_weeks)), ("GHI_CHU", b.notes.clone()),
        ("NGUOI_DO_DE", some(&b.birth_attendant)), ("NGUOI_GHI_PHIEU", some(&b.form_writer)),
        ("NGAY_CT", some(date8(b.certificate_issue_date))), ("SO", some(&b.certificate_number)), ("QUYEN_SO", some(&b.certificate_book)),
    ];
    fields
}

/// A birth certificate (`HSDLGCS/GIAYCHUNGSINH`, 14-digit birth time) with
/// `MA_GCS` `ma_gcs` (`XXXXX.GCS.ZZZZZ.YY`, naming the facility); `first_issue`
/// false marks a re-issue (`CAP_LAN_DAU` 0).
pub fn birth_certificate_xml_of(
    birth: &BirthCertificate,
    record_id: &str,
    ma_gcs: &str,
    first_issue: bool,
) -> String {
    let mut fields = vec![
        ("MA_GCS", some(ma_gcs)),
        ("HOTEN_NND", some(&birth.mother_name)),
        ("MA_QUOCTICH_NND", some(&birth.nationality_code)),
        ("TEN_CON", birth.child_name.clone()),
        ("NGAY_SINH_CON", some(datetime(birth.birth_time, 14))),
    ];
    fields.extend(birth_common(birth));
    fields.push(("THU_TRUONG_DVI", some(&birth.facility_head)));
    fields.push(("CAP_LAN_DAU", flag(first_issue)));
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<HSDLGCS>\n<GIAYCHUNGSINH Id=\"{}\">\n{}</GIAYCHUNGSINH>\n<CHUKYDONVI/>\n</HSDLGCS>\n",
        escape(record_id),
        elements(&fields)
    )
}

/// Table 9 (`CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH`) of one delivery, one
/// `DU_LIEU_GIAY_CHUNG_SINH` per child, all under episode `ma_lk`;
/// `head_number` is the 10-digit `MA_TTDV` (the head's social-insurance number).
pub fn xml9_of(children: &[BirthCertificate], ma_lk: &str, head_number: &str) -> String {
    let records: String = children
        .iter()
        .map(|child| {
            let mut fields = vec![
                ("MA_LK", some(ma_lk)),
                ("HO_TEN_NND", some(&child.mother_name)),
                ("MA_QUOCTICH", some(&child.nationality_code)),
                ("HO_TEN_CON", child.child_name.clone()),
                ("NGAY_SINH_CON", some(datetime(child.birth_time, 12))),
                ("MA_TTDV", some(head_number)),
            ];
            fields.extend(birth_common(child));
            format!(
                "<DU_LIEU_GIAY_CHUNG_SINH>\n{}</DU_LIEU_GIAY_CHUNG_SINH>\n",
                elements(&fields)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>\n<DSACH_GIAYCHUNGSINH>\n{records}</DSACH_GIAYCHUNGSINH>\n</CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>\n"
    )
}
