//! Justice → Health (issue 18, item 1): the deaths a commune registers,
//! shared through the registry with the commune health station of the
//! deceased's last residence, and the cause of death the station returns,
//! signed with its facility key. The wire types of the three endpoints
//! (`crates/central/openapi.yaml`): the station's pull of deaths, its
//! return of a cause, and the workstation's pull of the causes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::jws::{OpenedEnvelope, SignedEnvelope, CTY_FHIR};
use crate::partial_date::PartialDate;
use crate::payload::Sex;
use crate::trust::TrustedKeys;

/// The `typ` of a cause-of-death envelope.
pub const TYP_CAUSE_OF_DEATH: &str = "hotich-cause-of-death+jws";

/// A registered death as its health station reads it: who died, when and
/// where, and the registration it is in. The personal ID is shared so the
/// station's staff find the person in their own records.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedDeath {
    /// Gap-free order of the shared deaths, the station's cursor.
    pub seq: u64,
    pub registration_id: String,
    /// The registering commune (5-digit code).
    pub commune: String,
    pub register_number: u32,
    pub register_book: String,
    pub registered_at: DateTime<Utc>,
    pub full_name: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<PartialDate>,
    pub personal_id: Option<String>,
    pub death_date: Option<NaiveDate>,
    pub death_place: String,
    pub last_residence: String,
    /// Whether the registration cites a death notice (giấy báo tử); without
    /// one the death is likely one at home the health side never saw, whose
    /// cause its staff must determine.
    pub has_death_notice: bool,
}

/// `GET /v1/health/deaths` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedDeathPage {
    pub deaths: Vec<SharedDeath>,
    pub next_cursor: u64,
    pub has_more: bool,
}

/// The cause of death a health station determined: the payload of a
/// [`TYP_CAUSE_OF_DEATH`] envelope signed with the station's facility key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseOfDeath {
    pub registration_id: String,
    /// The station (its facility code, MACSKCB): the key's own facility.
    pub facility_id: String,
    /// ICD-10 code of the underlying cause ("I21.9").
    pub icd10: String,
    pub text: String,
    /// Who determined it (a doctor's name and title).
    pub determined_by: String,
    pub determined_on: NaiveDate,
}

/// Why a cause envelope was refused before it reached the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CauseRefusal {
    #[error("not a cause-of-death envelope: {0}")]
    Malformed(String),
    #[error("no key {0:?} in the trust list")]
    UnknownKey(String),
    #[error("the signature does not verify: {0}")]
    BadSignature(String),
    #[error("the payload speaks for facility {claimed}, the key is facility {signer}'s")]
    WrongFacility { claimed: String, signer: String },
    #[error("{field}: {reason}")]
    InvalidField {
        field: &'static str,
        reason: &'static str,
    },
    /// A FHIR payload (`cty` `fhir+json`) that is no cause-of-death coding
    /// message Hotich reads: the reader's code and what it found.
    #[error("FHIR: {1}")]
    Fhir(&'static str, String),
}

impl CauseRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            CauseRefusal::Malformed(_) => "malformed",
            CauseRefusal::UnknownKey(_) => "unknown_key",
            CauseRefusal::BadSignature(_) => "bad_signature",
            CauseRefusal::WrongFacility { .. } => "wrong_facility",
            CauseRefusal::InvalidField { .. } => "invalid_field",
            CauseRefusal::Fhir(..) => "fhir_invalid",
        }
    }
}

/// ICD-10 as WHO writes a code: a letter, two digits, then a dot and one or
/// two characters, or nothing ("I21", "I21.9", "U07.1").
fn is_icd10(code: &str) -> bool {
    let bytes = code.as_bytes();
    let head = bytes.len() >= 3
        && bytes[0].is_ascii_uppercase()
        && bytes[1].is_ascii_digit()
        && bytes[2].is_ascii_alphanumeric();
    let tail = match &bytes[3.min(bytes.len())..] {
        [] => true,
        [b'.', rest @ ..] => {
            (1..=2).contains(&rest.len()) && rest.iter().all(u8::is_ascii_alphanumeric)
        }
        _ => false,
    };
    head && tail
}

/// A cause whose envelope verified, with the signing facility's name as the
/// trust list gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCause {
    pub cause: CauseOfDeath,
    pub facility_name: String,
}

/// Verifies a cause envelope against the trust list: the key is a
/// facility's, the signature holds, the payload speaks for that facility,
/// and its fields are filled. Which deaths a facility may answer for is the
/// registry's (the commune's configured station).
pub fn verify_cause(raw: &[u8], keys: &TrustedKeys) -> Result<VerifiedCause, CauseRefusal> {
    verify_cause_with(raw, keys, None)
}

/// Reads a cause carried as FHIR (`cty` [`CTY_FHIR`]): `hotich-health`'s
/// reader of the VRDR cause-of-death coding message; its refusal as a code
/// and a detail.
pub type FhirCauseReader<'a> = &'a dyn Fn(&[u8]) -> Result<CauseOfDeath, (&'static str, String)>;

/// [`verify_cause`], with the reader of a FHIR payload; without one a FHIR
/// payload is refused as malformed.
pub fn verify_cause_with(
    raw: &[u8],
    keys: &TrustedKeys,
    fhir: Option<FhirCauseReader<'_>>,
) -> Result<VerifiedCause, CauseRefusal> {
    let envelope: SignedEnvelope =
        serde_json::from_slice(raw).map_err(|e| CauseRefusal::Malformed(e.to_string()))?;
    let opened: OpenedEnvelope = envelope
        .open(TYP_CAUSE_OF_DEATH)
        .map_err(|e| CauseRefusal::Malformed(e.to_string()))?;
    let key = keys
        .get(&opened.header.kid)
        .ok_or_else(|| CauseRefusal::UnknownKey(opened.header.kid.clone()))?;
    opened
        .verify(&key.key)
        .map_err(|e| CauseRefusal::BadSignature(e.to_string()))?;
    let cause: CauseOfDeath = match (opened.header.cty.as_deref(), fhir) {
        (None, _) => serde_json::from_slice(&opened.payload)
            .map_err(|e| CauseRefusal::Malformed(format!("payload: {e}")))?,
        (Some(CTY_FHIR), Some(read)) => {
            read(&opened.payload).map_err(|(code, detail)| CauseRefusal::Fhir(code, detail))?
        }
        (Some(other), _) => {
            return Err(CauseRefusal::Malformed(format!(
                "content type {other:?} is not read here"
            )))
        }
    };
    if cause.facility_id != key.facility_id {
        return Err(CauseRefusal::WrongFacility {
            claimed: cause.facility_id,
            signer: key.facility_id.clone(),
        });
    }
    if !is_icd10(&cause.icd10) {
        return Err(CauseRefusal::InvalidField {
            field: "icd10",
            reason: "not an ICD-10 code",
        });
    }
    for (field, value) in [
        ("registration_id", &cause.registration_id),
        ("text", &cause.text),
        ("determined_by", &cause.determined_by),
    ] {
        if value.trim().is_empty() {
            return Err(CauseRefusal::InvalidField {
                field,
                reason: "empty",
            });
        }
    }
    Ok(VerifiedCause {
        cause,
        facility_name: key.facility_name.clone(),
    })
}

/// One returned cause in a commune's stream of causes, as the workstation
/// pulls it: the station's envelope as posted, verified again there.
#[derive(Debug, Serialize, Deserialize)]
pub struct CauseEvent {
    /// Gap-free within the commune's causes, from 1.
    pub seq: u64,
    pub registration_id: String,
    pub envelope: Box<RawValue>,
    pub received_at: DateTime<Utc>,
}

/// `GET /v1/communes/{commune}/causes` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct CausePage {
    pub causes: Vec<CauseEvent>,
    pub next_cursor: u64,
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::Signer;
    use crate::samples::{facility, facility_signer, now};

    fn cause() -> CauseOfDeath {
        CauseOfDeath {
            registration_id: "reg-1".into(),
            facility_id: "19001".into(),
            icd10: "I21.9".into(),
            text: "Nhồi máu cơ tim cấp".into(),
            determined_by: "BS. Nguyễn Văn Y".into(),
            determined_on: "2026-11-25".parse().unwrap(),
        }
    }

    fn signed(cause: &CauseOfDeath, signer: &Signer) -> Vec<u8> {
        let payload = serde_json::to_vec(cause).unwrap();
        serde_json::to_vec(&signer.sign(TYP_CAUSE_OF_DEATH, &payload)).unwrap()
    }

    fn keys() -> TrustedKeys {
        let key = facility(&facility_signer(), now() + chrono::Duration::days(365));
        TrustedKeys::from_facilities([&key]).unwrap()
    }

    #[test]
    fn a_cause_verifies_with_its_facility_key_and_each_fault_is_named() {
        assert_eq!(
            verify_cause(&signed(&cause(), &facility_signer()), &keys()).map(|v| v.cause),
            Ok(cause())
        );
        let other = Signer::from_label("another facility", "19002-k1");
        assert_eq!(
            verify_cause(&signed(&cause(), &other), &keys())
                .unwrap_err()
                .code(),
            "unknown_key"
        );
        let claimed = CauseOfDeath {
            facility_id: "19002".into(),
            ..cause()
        };
        assert_eq!(
            verify_cause(&signed(&claimed, &facility_signer()), &keys())
                .unwrap_err()
                .code(),
            "wrong_facility"
        );
        let coded = CauseOfDeath {
            icd10: "nhồi máu".into(),
            ..cause()
        };
        assert_eq!(
            verify_cause(&signed(&coded, &facility_signer()), &keys())
                .unwrap_err()
                .code(),
            "invalid_field"
        );
        let mut altered = signed(&cause(), &facility_signer());
        let text = String::from_utf8(altered.clone()).unwrap();
        let envelope: SignedEnvelope = serde_json::from_str(&text).unwrap();
        let tampered = SignedEnvelope {
            payload: crate::jws::b64(
                &serde_json::to_vec(&CauseOfDeath {
                    icd10: "C34.9".into(),
                    ..cause()
                })
                .unwrap(),
            ),
            ..envelope
        };
        altered = serde_json::to_vec(&tampered).unwrap();
        assert_eq!(
            verify_cause(&altered, &keys()).unwrap_err().code(),
            "bad_signature"
        );
    }

    #[test]
    fn icd10_codes_are_told_from_text() {
        for code in ["I21", "I21.9", "U07.1", "C34.90"] {
            assert!(is_icd10(code), "{code}");
        }
        for code in ["", "i21.9", "I2", "I21.", "I21.123", "nhồi máu"] {
            assert!(!is_icd10(code), "{code}");
        }
    }
}
