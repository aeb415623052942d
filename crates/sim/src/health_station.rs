//! The simulated commune health station (issue 18, item 1): for each death
//! the registry shares with it, the cause its medical staff would determine,
//! signed with the station's demo facility key (`demo_facility_signer`, the
//! simulator's publicly derivable keys: the demo and the tests, never an
//! office). The same death always gets the same cause, so answering again is
//! a replay the registry leaves unchanged.

use chrono::{Days, NaiveDate};
use hotich_health::testkit::fhir::cause_coding_message;
use hotich_protocol::health_loop::{CauseOfDeath, SharedDeath, TYP_CAUSE_OF_DEATH};
use hotich_protocol::jws::CTY_FHIR;
use hotich_protocol::trust::demo_facility_signer;
use hotich_protocol::SignedEnvelope;

/// Common underlying causes of death in Vietnam, with their ICD-10 codes.
const CAUSES: [(&str, &str); 8] = [
    ("I21.9", "Nhồi máu cơ tim cấp"),
    ("I64", "Đột quỵ, không xác định chảy máu hay nhồi máu"),
    ("J44.9", "Bệnh phổi tắc nghẽn mạn tính"),
    ("C22.0", "Ung thư biểu mô tế bào gan"),
    ("E14.9", "Đái tháo đường"),
    ("J18.9", "Viêm phổi"),
    ("R54", "Già yếu"),
    ("V89.2", "Tai nạn giao thông"),
];

/// The cause the station determines for `death`, two days after it was registered.
pub fn cause_for(death: &SharedDeath, facility_id: &str) -> CauseOfDeath {
    cause_of(
        &death.registration_id,
        death.registered_at.date_naive(),
        facility_id,
    )
}

/// The cause the station determines for the death registered as
/// `registration_id` on `registered_on`, two days later.
pub fn cause_of(
    registration_id: &str,
    registered_on: NaiveDate,
    facility_id: &str,
) -> CauseOfDeath {
    let pick = registration_id.bytes().fold(0usize, |sum, b| {
        sum.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    let (icd10, text) = CAUSES[pick % CAUSES.len()];
    CauseOfDeath {
        registration_id: registration_id.to_owned(),
        facility_id: facility_id.to_owned(),
        icd10: icd10.to_owned(),
        text: text.to_owned(),
        determined_by: "BS. Trần Văn Minh, Trạm Y tế (mô phỏng)".to_owned(),
        determined_on: registered_on + Days::new(2),
    }
}

/// [`cause_for`], signed with the station's demo key (`{facility}-k1`).
pub fn signed_cause(death: &SharedDeath, facility_id: &str) -> Option<SignedEnvelope> {
    sign(&cause_for(death, facility_id))
}

/// [`cause_for`] as a VRDR coding message in a JWS envelope (`cty`
/// `fhir+json`) signed with the station's demo key.
pub fn signed_cause_fhir(death: &SharedDeath, facility_id: &str) -> Option<SignedEnvelope> {
    let cause = cause_for(death, facility_id);
    let signer = demo_facility_signer(&format!("{facility_id}-k1"))?;
    let payload = serde_json::to_vec(&cause_coding_message(&cause)).ok()?;
    Some(signer.sign_content(TYP_CAUSE_OF_DEATH, Some(CTY_FHIR), &payload))
}

/// A cause signed with its station's demo key (`{facility}-k1`).
pub fn sign(cause: &CauseOfDeath) -> Option<SignedEnvelope> {
    let signer = demo_facility_signer(&format!("{}-k1", cause.facility_id))?;
    let payload = serde_json::to_vec(cause).ok()?;
    Some(signer.sign(TYP_CAUSE_OF_DEATH, &payload))
}
