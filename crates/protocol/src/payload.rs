//! The health sector's notifications as Hotich carries them.
//!
//! Field names are English snake_case; each field's doc names the official
//! field of the health sector's electronic table, so an adapter for the
//! official signed XML is a plain mapping:
//! - birth certificate (giấy chứng sinh): Decision 130/QĐ-BYT, table 9
//!   (kept by Decision 4750/QĐ-BYT);
//! - death notice (giấy báo tử): social-insurance electronic document type 60,
//!   Circular 24/2020/TT-BYT.
//!
//! Dates travel as ISO 8601 (`yyyy-mm-dd`, `yyyy-mm-ddTHH:MM`) instead of the
//! official `yyyymmdd[HHMM]`; every identifier stays text because many start
//! with 0.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::partial_date::PartialDate;

/// The payload schema this build understands.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Birth,
    Death,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Birth => "birth",
            EventKind::Death => "death",
        }
    }
}

impl std::str::FromStr for EventKind {
    type Err = String;

    /// The `as_str` text back.
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "birth" => Ok(EventKind::Birth),
            "death" => Ok(EventKind::Death),
            other => Err(format!("unknown event kind {other:?}")),
        }
    }
}

/// Stores keep these enums as their `as_str` text (CHECKed columns), and
/// read them back directly as enums.
#[cfg(feature = "sql")]
mod sql {
    use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

    use super::{Action, EventKind};

    impl ToSql for EventKind {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(self.as_str().into())
        }
    }

    impl FromSql for EventKind {
        fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
            match value.as_str()? {
                "birth" => Ok(EventKind::Birth),
                "death" => Ok(EventKind::Death),
                other => Err(FromSqlError::Other(
                    format!("unknown event kind {other:?}").into(),
                )),
            }
        }
    }

    impl ToSql for Action {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(self.as_str().into())
        }
    }

    impl FromSql for Action {
        fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
            match value.as_str()? {
                "issue" => Ok(Action::Issue),
                "correct" => Ok(Action::Correct),
                "void" => Ok(Action::Void),
                other => Err(FromSqlError::Other(
                    format!("unknown notification action {other:?}").into(),
                )),
            }
        }
    }
}

/// What a notification does to the one before it with the same id
/// (as FHIR vital-records messaging: submission, update, void).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Issue,
    Correct,
    Void,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Issue => "issue",
            Action::Correct => "correct",
            Action::Void => "void",
        }
    }
}

/// GIOI_TINH / GIOI_TINH_CON: 1 male, 2 female, 3 undetermined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
    Undetermined,
}

impl Sex {
    /// The official numeric code.
    pub fn official_code(self) -> u8 {
        match self {
            Sex::Male => 1,
            Sex::Female => 2,
            Sex::Undetermined => 3,
        }
    }
}

/// The signed content of one notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Notification {
    /// Payload schema version; see [`SCHEMA_VERSION`].
    pub schema: u32,
    /// Stable id of the notification across its versions (MA_LK for a birth,
    /// MA_GBT for a death, prefixed by the facility code).
    pub notification_id: String,
    /// 1 for the first issue, then +1 for each correction or void.
    pub version: u32,
    pub action: Action,
    pub kind: EventKind,
    /// The issuing facility (MACSKCB); must own the signing key.
    pub facility_id: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub issued_at: chrono::DateTime<chrono::Utc>,
    /// The commune (5-digit code since 1 July 2025) whose office must act:
    /// the mother's residence for a birth, the last residence for a death.
    pub commune_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth: Option<BirthCertificate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death: Option<DeathNotice>,
    /// Why the facility withdrew the notification (action `void` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void_reason: Option<String>,
}

/// Giấy chứng sinh: one record per child (twins are two records).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct BirthCertificate {
    /// MA_LK: the episode key (C100).
    pub episode_key: String,
    /// MA_BHXH_NND: mother's social-insurance number (N10).
    #[serde(default)]
    pub mother_social_insurance_no: Option<String>,
    /// MA_THE_NND: mother's health-insurance card (C15).
    #[serde(default)]
    pub mother_health_insurance_card: Option<String>,
    /// HO_TEN_NND: mother's full name (C255).
    pub mother_name: String,
    /// NGAYSINH_NND: mother's date of birth.
    pub mother_birth_date: PartialDate,
    /// MA_DANTOC_NND: mother's ethnicity, 1979 code list (N2).
    pub mother_ethnicity_code: String,
    /// SO_CCCD_NND: mother's personal ID number.
    #[serde(default)]
    pub mother_id_number: Option<String>,
    /// NGAYCAP_CCCD_NND
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub mother_id_issue_date: Option<NaiveDate>,
    /// NOICAP_CCCD_NND
    #[serde(default)]
    pub mother_id_issuer: Option<String>,
    /// NOI_CU_TRU_NND: mother's residence (C1024).
    pub mother_residence: String,
    /// MA_QUOCTICH: nationality, numeric code (N3; 704 Việt Nam).
    pub nationality_code: String,
    /// MATINH_CU_TRU: residence province code.
    pub residence_province_code: String,
    /// MAHUYEN_CU_TRU: residence district code (empty since districts were abolished on 1 July 2025).
    #[serde(default)]
    pub residence_district_code: Option<String>,
    /// MAXA_CU_TRU: residence commune code.
    pub residence_commune_code: String,
    /// HO_TEN_CHA: father's full name (C255).
    #[serde(default)]
    pub father_name: Option<String>,
    /// MA_THE_TAM: child's temporary health-insurance card (C15).
    #[serde(default)]
    pub child_temp_insurance_card: Option<String>,
    /// HO_TEN_CON: the child's intended name (C255).
    #[serde(default)]
    pub child_name: Option<String>,
    /// GIOI_TINH_CON
    pub child_sex: Sex,
    /// SO_CON: babies born in this delivery.
    pub babies_in_delivery: u8,
    /// LAN_SINH: which birth this is for the mother.
    pub birth_order: u8,
    /// SO_CON_SONG: the mother's living children.
    pub living_children: u8,
    /// CAN_NANG_CON: weight in grams.
    pub weight_grams: u32,
    /// NGAY_SINH_CON: time of birth (yyyymmddHHMM).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub birth_time: NaiveDateTime,
    /// NOI_SINH_CON: place of birth (C1024).
    pub place_of_birth: String,
    /// TINH_TRANG_CON: the child's condition.
    pub child_condition: String,
    /// SINHCON_PHAUTHUAT
    pub caesarean: bool,
    /// SINHCON_DUOI32TUAN
    pub under_32_weeks: bool,
    /// GHI_CHU
    #[serde(default)]
    pub notes: Option<String>,
    /// NGUOI_DO_DE: birth attendant.
    pub birth_attendant: String,
    /// NGUOI_GHI_PHIEU: who wrote the form.
    pub form_writer: String,
    /// NGAY_CT: certificate issue date.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub certificate_issue_date: NaiveDate,
    /// SO: certificate number.
    pub certificate_number: String,
    /// QUYEN_SO: certificate book.
    pub certificate_book: String,
    /// MA_TTDV: head of the facility.
    pub facility_head: String,
    /// Not in the official table: a phone number the family gave the facility, for outreach.
    #[serde(default)]
    pub contact_phone: Option<String>,
}

/// Giấy báo tử.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DeathNotice {
    /// MA_GBT: notice code `XXXXX.GBT.<facility>.YY` (C18).
    pub notice_code: String,
    /// MA_BN: patient id.
    #[serde(default)]
    pub patient_id: Option<String>,
    /// MA_HSBA: medical record id.
    #[serde(default)]
    pub medical_record_id: Option<String>,
    /// HO_TEN: the deceased's full name (C255).
    pub name: String,
    /// NGAY_SINH: date of birth; day or month may be unknown.
    pub birth_date: PartialDate,
    /// GIOI_TINH
    pub sex: Sex,
    /// MA_THE: health-insurance card.
    #[serde(default)]
    pub insurance_card: Option<String>,
    /// MA_DANTOC: ethnicity, 1979 code list.
    pub ethnicity_code: String,
    /// MA_QUOCTICH: nationality, numeric code.
    pub nationality_code: String,
    /// DCHI_THUONGTRU: permanent residence.
    pub permanent_address: String,
    /// MATINH_THUONGTRU
    pub permanent_province_code: String,
    /// MAHUYEN_THUONGTRU
    #[serde(default)]
    pub permanent_district_code: Option<String>,
    /// MAXA_THUONGTRU
    pub permanent_commune_code: String,
    /// DCHI_TAMTRU: current residence, when it differs.
    #[serde(default)]
    pub current_address: Option<String>,
    /// MATINH_TAMTRU
    #[serde(default)]
    pub current_province_code: Option<String>,
    /// MAHUYEN_TAMTRU
    #[serde(default)]
    pub current_district_code: Option<String>,
    /// MAXA_TAMTRU
    #[serde(default)]
    pub current_commune_code: Option<String>,
    /// LOAI_GIAYTO: ID document type, 0-4 as in the official table.
    pub id_document_type: u8,
    /// SO_GIAYTO: ID document number.
    #[serde(default)]
    pub id_number: Option<String>,
    /// NGAY_CAP
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub id_issue_date: Option<NaiveDate>,
    /// NOI_CAP
    #[serde(default)]
    pub id_issuer: Option<String>,
    /// NGAYGIO_VV: admission time.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub admission_time: Option<NaiveDateTime>,
    /// NGAY_TV: time of death (yyyymmddHHMM).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub death_time: NaiveDateTime,
    /// TINH_TRANG_TV: died on the way to care.
    pub died_before_arrival: bool,
    /// NGUYENNHAN_TV: cause of death (C255).
    #[serde(default)]
    pub cause_of_death: Option<String>,
    /// BENH_ICD10_ID
    #[serde(default)]
    pub icd10_code: Option<String>,
    /// BENH_ICD10_TEN
    #[serde(default)]
    pub icd10_name: Option<String>,
    /// NGUOI_THANTHICH: the relative who received the notice.
    #[serde(default)]
    pub relative_name: Option<String>,
    /// NGUOI_GHIGIAY: who wrote the notice.
    pub writer: String,
    /// TTRUONG_DVI: head of the facility.
    pub facility_head: String,
    /// SO_BAOTU: notice number.
    pub notice_number: String,
    /// QUYEN_SO: notice book.
    pub notice_book: String,
    /// NGAY_CAPGIAYBT: notice issue date.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub notice_issue_date: NaiveDate,
    /// SO_BAOTU_BD: original notice number when reissued.
    #[serde(default)]
    pub original_notice_number: Option<String>,
    /// QUYEN_SO_BD: original notice book when reissued.
    #[serde(default)]
    pub original_notice_book: Option<String>,
    /// MACSKCB: facility code.
    pub facility_code: String,
    /// DIACHI_CSKCB: facility address.
    pub facility_address: String,
    /// MA_BHXH: social-insurance number.
    #[serde(default)]
    pub social_insurance_no: Option<String>,
    /// Not in the official table: the relative's phone number, for outreach.
    #[serde(default)]
    pub relative_phone: Option<String>,
}

impl Notification {
    /// The person the case is about: the child (or "Con của <mother>" when
    /// the child has no name yet) or the deceased.
    pub fn subject_name(&self) -> Option<String> {
        match (self.kind, &self.birth, &self.death) {
            (EventKind::Birth, Some(b), _) => Some(match &b.child_name {
                Some(name) if !name.trim().is_empty() => name.clone(),
                _ => format!("Con của {}", b.mother_name),
            }),
            (EventKind::Death, _, Some(d)) => Some(d.name.clone()),
            _ => None,
        }
    }

    /// The date the legal deadline counts from: date of birth or of death.
    pub fn event_date(&self) -> Option<NaiveDate> {
        match (self.kind, &self.birth, &self.death) {
            (EventKind::Birth, Some(b), _) => Some(b.birth_time.date()),
            (EventKind::Death, _, Some(d)) => Some(d.death_time.date()),
            _ => None,
        }
    }
}
