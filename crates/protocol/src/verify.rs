//! Verification of a signed notification: the envelope, the facility key, the
//! signature, the payload schema and the plausibility of its fields. Each
//! failure has its own reason, so the quarantine can say what went wrong.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::jws::{JwsError, OpenedEnvelope, SignedEnvelope, CTY_FHIR, TYP_NOTIFICATION};
use crate::payload::{
    Action, BirthCertificate, DeathNotice, EventKind, Notification, Sex, SCHEMA_VERSION,
};
use crate::personal_id::check_personal_id;
use crate::trust::{TrustedKey, TrustedKeys};

/// Larger envelopes are refused before parsing: a real notification is a few KB.
pub const MAX_ENVELOPE_BYTES: usize = 256 * 1024;

/// Larger FHIR envelopes are refused before parsing: the FHIR reader takes
/// messages up to 4 MiB, which base64url makes 5.4 MiB.
pub const MAX_FHIR_ENVELOPE_BYTES: usize = 6 * 1024 * 1024;

/// How far a facility's clock may run ahead of ours.
const CLOCK_SKEW: Duration = Duration::hours(24);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    Malformed,
    TooLarge,
    UnsupportedVersion,
    UnknownFacilityKey,
    ExpiredFacilityKey,
    BadSignature,
    PayloadAltered,
    FacilityMismatch,
    FieldInvalid,
    /// Verified, but a different content was already received under the same
    /// id and version; the first one received stands.
    VersionConflict,
    /// Signed by a demo facility key, which anyone can derive: a real office
    /// never accepts it.
    DemoFacilityKey,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 11] = [
        RejectionReason::Malformed,
        RejectionReason::TooLarge,
        RejectionReason::UnsupportedVersion,
        RejectionReason::UnknownFacilityKey,
        RejectionReason::ExpiredFacilityKey,
        RejectionReason::BadSignature,
        RejectionReason::PayloadAltered,
        RejectionReason::FacilityMismatch,
        RejectionReason::FieldInvalid,
        RejectionReason::VersionConflict,
        RejectionReason::DemoFacilityKey,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RejectionReason::Malformed => "malformed",
            RejectionReason::TooLarge => "too_large",
            RejectionReason::UnsupportedVersion => "unsupported_version",
            RejectionReason::UnknownFacilityKey => "unknown_facility_key",
            RejectionReason::ExpiredFacilityKey => "expired_facility_key",
            RejectionReason::BadSignature => "bad_signature",
            RejectionReason::PayloadAltered => "payload_altered",
            RejectionReason::FacilityMismatch => "facility_mismatch",
            RejectionReason::FieldInvalid => "field_invalid",
            RejectionReason::VersionConflict => "version_conflict",
            RejectionReason::DemoFacilityKey => "demo_facility_key",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The reason in plain Vietnamese, for the quarantine view.
    pub fn message_vi(self) -> &'static str {
        match self {
            RejectionReason::Malformed => "Dữ liệu không đúng định dạng thông báo",
            RejectionReason::TooLarge => "Thông báo vượt quá kích thước cho phép",
            RejectionReason::UnsupportedVersion => {
                "Phiên bản định dạng hoặc thuật toán ký không được hỗ trợ"
            }
            RejectionReason::UnknownFacilityKey => {
                "Khóa ký không thuộc cơ sở y tế nào trong danh sách tin cậy"
            }
            RejectionReason::ExpiredFacilityKey => {
                "Khóa ký của cơ sở y tế không còn hiệu lực vào ngày ký"
            }
            RejectionReason::BadSignature => "Chữ ký số không hợp lệ",
            RejectionReason::PayloadAltered => "Nội dung đã bị sửa đổi sau khi ký",
            RejectionReason::FacilityMismatch => {
                "Cơ sở y tế ghi trong thông báo không phải chủ của khóa ký"
            }
            RejectionReason::FieldInvalid => "Có trường dữ liệu không hợp lệ",
            RejectionReason::VersionConflict => {
                "Đã nhận một bản khác cùng số hiệu và phiên bản; giữ bản nhận trước"
            }
            RejectionReason::DemoFacilityKey => {
                "Ký bằng khóa của cơ sở y tế mẫu (dữ liệu dùng thử), không có giá trị"
            }
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            RejectionReason::Malformed => "Not a well-formed notification",
            RejectionReason::TooLarge => "The notification is larger than allowed",
            RejectionReason::UnsupportedVersion => {
                "Unsupported format version or signing algorithm"
            }
            RejectionReason::UnknownFacilityKey => {
                "The signing key belongs to no facility in the trust list"
            }
            RejectionReason::ExpiredFacilityKey => {
                "The facility's key was not valid on the signing date"
            }
            RejectionReason::BadSignature => "The digital signature is invalid",
            RejectionReason::PayloadAltered => "The content was altered after signing",
            RejectionReason::FacilityMismatch => {
                "The notification names a facility that does not own the key"
            }
            RejectionReason::FieldInvalid => "A field is invalid",
            RejectionReason::VersionConflict => {
                "A different content was already received with the same id and version"
            }
            RejectionReason::DemoFacilityKey => {
                "Signed with a demo facility's key (sample data), which has no value"
            }
        }
    }
}

/// A refused notification: the reason, a detail for the record, and the
/// notification's id and version when they could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {detail}", reason.code())]
pub struct Rejection {
    pub reason: RejectionReason,
    pub detail: String,
    pub notification_id: Option<String>,
    pub version: Option<u32>,
}

impl Rejection {
    pub fn new(reason: RejectionReason, detail: impl Into<String>) -> Self {
        Rejection {
            reason,
            detail: detail.into(),
            notification_id: None,
            version: None,
        }
    }
}

/// A notification whose signature and fields checked out.
#[derive(Debug, Clone)]
pub struct VerifiedNotification {
    pub envelope: SignedEnvelope,
    pub notification: Notification,
    pub key_id: String,
    /// The trust-list entry that verified it, kept with the notification so
    /// its verification can be shown and checked again later.
    pub signer: TrustedKey,
}

/// Verifies one envelope as received (JSON bytes of a [`SignedEnvelope`]).
pub fn verify_notification(
    raw: &[u8],
    keys: &TrustedKeys,
    now: DateTime<Utc>,
) -> Result<VerifiedNotification, Rejection> {
    let opened = open_envelope(raw, MAX_ENVELOPE_BYTES)?;
    // Read id and version before anything can fail, so a rejection still says
    // which notification it was.
    let (claimed_id, claimed_version) = peek_identity(&opened.payload);
    let with_identity = |mut rejection: Rejection| {
        rejection.notification_id = claimed_id.clone();
        rejection.version = claimed_version;
        rejection
    };
    if let Some(cty) = &opened.header.cty {
        return Err(with_identity(Rejection::new(
            RejectionReason::Malformed,
            format!("content type {cty:?} is not a Hotich notification"),
        )));
    }
    let key_id = opened.header.kid.clone();
    let trusted = check_signature(&opened, keys).map_err(with_identity)?;

    let schema = serde_json::from_slice::<SchemaProbe>(&opened.payload)
        .map_err(|e| {
            with_identity(Rejection::new(
                RejectionReason::Malformed,
                format!("payload: {e}"),
            ))
        })?
        .schema;
    if schema != SCHEMA_VERSION {
        return Err(with_identity(Rejection::new(
            RejectionReason::UnsupportedVersion,
            format!("schema {schema}, this version reads {SCHEMA_VERSION}"),
        )));
    }
    let notification: Notification = serde_json::from_slice(&opened.payload).map_err(|e| {
        with_identity(Rejection::new(
            RejectionReason::Malformed,
            format!("payload: {e}"),
        ))
    })?;

    // Validity is judged at the signing time the payload states: notifications
    // pulled again years later must still verify. A stolen key is handled by
    // dropping it from the trust list, which stops it verifying anything new.
    if notification.issued_at < trusted.valid_from || notification.issued_at > trusted.valid_until {
        let state = if notification.issued_at < trusted.valid_from {
            "not yet valid"
        } else {
            "expired"
        };
        return Err(with_identity(Rejection::new(
            RejectionReason::ExpiredFacilityKey,
            format!(
                "key {key_id} {state}: valid {} to {}, signed {}",
                trusted.valid_from.date_naive(),
                trusted.valid_until.date_naive(),
                notification.issued_at.date_naive()
            ),
        )));
    }
    if notification.facility_id != trusted.facility_id {
        return Err(with_identity(Rejection::new(
            RejectionReason::FacilityMismatch,
            format!(
                "payload names {}, key {key_id} belongs to {}",
                notification.facility_id, trusted.facility_id
            ),
        )));
    }
    validate_fields(&notification, now).map_err(|invalid| {
        with_identity(Rejection::new(
            RejectionReason::FieldInvalid,
            invalid.to_string(),
        ))
    })?;

    Ok(VerifiedNotification {
        envelope: opened.envelope,
        notification,
        key_id,
        signer: trusted,
    })
}

/// Decodes an envelope of at most `limit` bytes (its signature unchecked).
fn open_envelope(raw: &[u8], limit: usize) -> Result<OpenedEnvelope, Rejection> {
    if raw.len() > limit {
        return Err(Rejection::new(
            RejectionReason::TooLarge,
            format!("{} bytes, limit {limit}", raw.len()),
        ));
    }
    let envelope: SignedEnvelope = serde_json::from_slice(raw)
        .map_err(|e| Rejection::new(RejectionReason::Malformed, format!("envelope: {e}")))?;
    envelope.open(TYP_NOTIFICATION).map_err(|e| match e {
        JwsError::UnsupportedAlgorithm(alg) => Rejection::new(
            RejectionReason::UnsupportedVersion,
            format!("algorithm {alg}"),
        ),
        other => Rejection::new(RejectionReason::Malformed, other.to_string()),
    })
}

/// The trust-list key the envelope names, its signature checked with it.
fn check_signature(opened: &OpenedEnvelope, keys: &TrustedKeys) -> Result<TrustedKey, Rejection> {
    let key_id = &opened.header.kid;
    let trusted = keys.get(key_id).ok_or_else(|| {
        Rejection::new(RejectionReason::UnknownFacilityKey, format!("key {key_id}"))
    })?;
    opened.verify(&trusted.key).map_err(|e| match e {
        JwsError::PayloadAltered => Rejection::new(RejectionReason::PayloadAltered, e.to_string()),
        JwsError::BadSignature => Rejection::new(
            RejectionReason::BadSignature,
            format!("key {key_id} of {}", trusted.facility_id),
        ),
        other => Rejection::new(RejectionReason::Malformed, other.to_string()),
    })?;
    Ok(trusted.clone())
}

/// A FHIR resource whose envelope's signature checked out with a trust-list
/// key. What the payload says is not checked here: the FHIR intake reads it
/// and holds the facility it names to [`TrustedKey::facility_id`], and the
/// key's validity to the message's time.
#[derive(Debug, Clone)]
pub struct VerifiedFhirEnvelope {
    pub envelope: SignedEnvelope,
    /// The FHIR JSON bytes as signed.
    pub payload: Vec<u8>,
    pub key_id: String,
    pub signer: TrustedKey,
}

/// Whether raw envelope JSON declares a FHIR payload (`cty` [`CTY_FHIR`]),
/// read from its protected header alone; anything unreadable is not.
pub fn is_fhir_envelope(raw: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Protected {
        protected: String,
    }
    serde_json::from_slice::<Protected>(raw)
        .ok()
        .and_then(|p| crate::jws::unb64(&p.protected).ok())
        .and_then(|h| serde_json::from_slice::<crate::jws::ProtectedHeader>(&h).ok())
        .is_some_and(|h| h.cty.as_deref() == Some(CTY_FHIR))
}

/// Verifies a JWS envelope carrying a FHIR resource (`cty` [`CTY_FHIR`]).
pub fn verify_fhir_envelope(
    raw: &[u8],
    keys: &TrustedKeys,
) -> Result<VerifiedFhirEnvelope, Rejection> {
    let opened = open_envelope(raw, MAX_FHIR_ENVELOPE_BYTES)?;
    if opened.header.cty.as_deref() != Some(CTY_FHIR) {
        return Err(Rejection::new(
            RejectionReason::Malformed,
            format!("content type is not {CTY_FHIR:?}"),
        ));
    }
    let signer = check_signature(&opened, keys)?;
    Ok(VerifiedFhirEnvelope {
        key_id: opened.header.kid.clone(),
        payload: opened.payload,
        envelope: opened.envelope,
        signer,
    })
}

#[derive(Deserialize)]
struct SchemaProbe {
    schema: u32,
}

fn peek_identity(payload: &[u8]) -> (Option<String>, Option<u32>) {
    #[derive(Deserialize)]
    struct Identity {
        notification_id: Option<String>,
        version: Option<u32>,
    }
    serde_json::from_slice::<Identity>(payload)
        .map(|i| (i.notification_id, i.version))
        .unwrap_or((None, None))
}

/// One field that fails a plausibility rule, named by its Hotich and official names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidField {
    pub field: &'static str,
    pub reason: String,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> InvalidField {
    InvalidField {
        field,
        reason: reason.into(),
    }
}

/// Whether `code` has a commune code's shape: 5 digits since communes were
/// renumbered on 1 July 2025.
pub fn is_commune_code(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())
}

fn require_commune(field: &'static str, code: &str) -> Result<(), InvalidField> {
    if is_commune_code(code) {
        Ok(())
    } else {
        Err(invalid(field, "mã xã phải gồm 5 chữ số"))
    }
}

fn require_ethnicity(field: &'static str, code: &str) -> Result<(), InvalidField> {
    // 54 groups plus 55 (foreigner) in the 1979 list the health tables use.
    if code.len() == 2 && matches!(code.parse::<u8>(), Ok(1..=55)) {
        Ok(())
    } else {
        Err(invalid(field, "mã dân tộc không có trong danh mục"))
    }
}

fn require_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), InvalidField> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid(field, "bắt buộc nhưng để trống"));
    }
    if trimmed.chars().count() > max_chars {
        return Err(invalid(field, format!("dài quá {max_chars} ký tự")));
    }
    Ok(())
}

/// Plausibility of the fields the registrar will rely on. The full legal
/// validation of a registration happens at registration time.
pub fn validate_fields(n: &Notification, now: DateTime<Utc>) -> Result<(), InvalidField> {
    require_text("notification_id", &n.notification_id, 100)?;
    // The id starts with the issuing facility's code, so no facility can
    // correct or void another's notification.
    if !n
        .notification_id
        .starts_with(&format!("{}-", n.facility_id))
    {
        return Err(invalid(
            "notification_id",
            format!("phải bắt đầu bằng mã cơ sở {}-", n.facility_id),
        ));
    }
    if n.version == 0 {
        return Err(invalid("version", "phải từ 1 trở lên"));
    }
    if n.issued_at > now + CLOCK_SKEW {
        return Err(invalid("issued_at", "thời điểm ký ở tương lai"));
    }
    require_commune("commune_code", &n.commune_code)?;
    let issued_on = n.issued_at.date_naive();
    match (n.action, n.kind, &n.birth, &n.death) {
        (Action::Void, _, _, _) if n.void_reason.as_deref().is_none_or(|r| r.trim().is_empty()) => {
            Err(invalid("void_reason", "thông báo hủy phải nêu lý do"))
        }
        (Action::Void, _, None, None) => Ok(()),
        (_, EventKind::Birth, Some(birth), None) => validate_birth(birth, issued_on),
        (_, EventKind::Death, None, Some(death)) => validate_death(death, issued_on),
        (_, kind, _, _) => Err(invalid(
            "kind",
            format!("loại {} không khớp nội dung giấy", kind.as_str()),
        )),
    }
}

/// A paper's required texts, each (field, value, most characters), in order.
fn require_texts(texts: &[(&'static str, &str, usize)]) -> Result<(), InvalidField> {
    for &(field, value, max_chars) in texts {
        require_text(field, value, max_chars)?;
    }
    Ok(())
}

fn validate_birth(b: &BirthCertificate, issued_on: NaiveDate) -> Result<(), InvalidField> {
    #[rustfmt::skip] // One text a line, read as a table.
    let texts: [(_, &str, _); 4] = [
        ("episode_key (MA_LK)", &b.episode_key, 100),
        ("mother_name (HO_TEN_NND)", &b.mother_name, 255),
        ("mother_residence (NOI_CU_TRU_NND)", &b.mother_residence, 1024),
        ("place_of_birth (NOI_SINH_CON)", &b.place_of_birth, 1024),
    ];
    require_texts(&texts)?;
    require_ethnicity(
        "mother_ethnicity_code (MA_DANTOC_NND)",
        &b.mother_ethnicity_code,
    )?;
    require_commune(
        "residence_commune_code (MAXA_CU_TRU)",
        &b.residence_commune_code,
    )?;
    let born_on = b.birth_time.date();
    if born_on > issued_on {
        return Err(invalid(
            "birth_time (NGAY_SINH_CON)",
            "ngày sinh sau ngày cấp giấy chứng sinh",
        ));
    }
    if b.mother_birth_date.earliest() >= born_on {
        return Err(invalid(
            "mother_birth_date (NGAYSINH_NND)",
            "ngày sinh của mẹ không trước ngày sinh của con",
        ));
    }
    if b.babies_in_delivery == 0 || b.birth_order == 0 {
        return Err(invalid("babies_in_delivery (SO_CON)", "phải từ 1 trở lên"));
    }
    if !(200..=8000).contains(&b.weight_grams) {
        return Err(invalid(
            "weight_grams (CAN_NANG_CON)",
            "cân nặng ngoài khoảng 200-8000 gam",
        ));
    }
    // SO_CCCD_NND is a citizen ID card number: always the 12-digit personal ID.
    if let Some(id) = b.mother_id_number.as_deref() {
        check_personal_id(id, Sex::Female, b.mother_birth_date.year())
            .map_err(|e| invalid("mother_id_number (SO_CCCD_NND)", e.to_string()))?;
    }
    Ok(())
}

fn validate_death(d: &DeathNotice, issued_on: NaiveDate) -> Result<(), InvalidField> {
    #[rustfmt::skip] // One text a line, read as a table.
    let texts: [(_, &str, _); 3] = [
        ("notice_code (MA_GBT)", &d.notice_code, 18),
        ("name (HO_TEN)", &d.name, 255),
        ("permanent_address (DCHI_THUONGTRU)", &d.permanent_address, 1024),
    ];
    require_texts(&texts)?;
    require_ethnicity("ethnicity_code (MA_DANTOC)", &d.ethnicity_code)?;
    require_commune(
        "permanent_commune_code (MAXA_THUONGTRU)",
        &d.permanent_commune_code,
    )?;
    if d.id_document_type > 4 {
        return Err(invalid(
            "id_document_type (LOAI_GIAYTO)",
            "loại giấy tờ phải từ 0 đến 4",
        ));
    }
    let died_on = d.death_time.date();
    if died_on < d.birth_date.earliest() {
        return Err(invalid("death_time (NGAY_TV)", "ngày chết trước ngày sinh"));
    }
    if died_on > issued_on {
        return Err(invalid(
            "death_time (NGAY_TV)",
            "ngày chết sau ngày cấp giấy báo tử",
        ));
    }
    // SO_GIAYTO may be a passport (letters and digits); an all-digit number is
    // an old 9-digit ID card or the 12-digit personal ID, checked in full.
    if let Some(id) = d
        .id_number
        .as_deref()
        .filter(|id| id.bytes().all(|b| b.is_ascii_digit()))
    {
        if id.len() != 9 {
            check_personal_id(id, d.sex, d.birth_date.year())
                .map_err(|e| invalid("id_number (SO_GIAYTO)", e.to_string()))?;
        }
    }
    Ok(())
}
