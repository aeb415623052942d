//! The simulated commune health station (issue 18, item 1): for each death
//! the registry shares with it, the cause its medical staff would determine,
//! signed with the station's demo facility key (`demo_facility_signer`, the
//! simulator's publicly derivable keys: the demo and the tests, never an
//! office). The same death always gets the same cause, so answering again is
//! a replay the registry leaves unchanged.

use chrono::Days;
use hotich_protocol::health_loop::{CauseOfDeath, SharedDeath, TYP_CAUSE_OF_DEATH};
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
    let pick = death.registration_id.bytes().fold(0usize, |sum, b| {
        sum.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    let (icd10, text) = CAUSES[pick % CAUSES.len()];
    CauseOfDeath {
        registration_id: death.registration_id.clone(),
        facility_id: facility_id.to_owned(),
        icd10: icd10.to_owned(),
        text: text.to_owned(),
        determined_by: "BS. Trần Văn Minh, Trạm Y tế (mô phỏng)".to_owned(),
        determined_on: death.registered_at.date_naive() + Days::new(2),
    }
}

/// [`cause_for`], signed with the station's demo key (`{facility}-k1`).
pub fn signed_cause(death: &SharedDeath, facility_id: &str) -> Option<SignedEnvelope> {
    let signer = demo_facility_signer(&format!("{facility_id}-k1"))?;
    let payload = serde_json::to_vec(&cause_for(death, facility_id)).ok()?;
    Some(signer.sign(TYP_CAUSE_OF_DEATH, &payload))
}
