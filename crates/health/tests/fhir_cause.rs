//! A health station's cause of death returned as a VRDR cause-of-death
//! coding message (issue 18, item 1): read by profile and code whatever
//! the entry order, the manual coding before the automated one; each
//! refusal names its FHIR path; signed in a JWS (`cty` `fhir+json`) it
//! verifies with the station's key as Hotich's own JSON does, and a FHIR
//! payload that speaks for another facility is refused.

use hotich_health::fhir::{read_cause_coding, verify_cause};
use hotich_health::testkit::fhir::cause_coding_message;
use hotich_protocol::health_loop::{CauseOfDeath, CauseRefusal, TYP_CAUSE_OF_DEATH};
use hotich_protocol::jws::CTY_FHIR;
use hotich_protocol::samples::{facility_signer, keys};
use serde_json::{json, Value};

fn cause() -> CauseOfDeath {
    CauseOfDeath {
        registration_id: "0193a1b2-reg".into(),
        facility_id: "19001".into(),
        icd10: "I64".into(),
        text: "Đột quỵ, không xác định chảy máu hay nhồi máu".into(),
        determined_by: "BS. Trần Văn Minh, Trạm Y tế xã Bằng Thành".into(),
        determined_on: "2026-11-27".parse().unwrap(),
    }
}

fn read(message: &Value) -> Result<CauseOfDeath, hotich_health::FhirError> {
    read_cause_coding(message.to_string().as_bytes())
}

/// The coded content Bundle's entries.
fn coded(message: &mut Value) -> &mut Vec<Value> {
    message["entry"][2]["resource"]["entry"]
        .as_array_mut()
        .unwrap()
}

#[test]
fn the_coding_message_gives_the_cause_in_any_entry_order() {
    let mut message = cause_coding_message(&cause());
    assert_eq!(read(&message).unwrap(), cause());
    message["entry"].as_array_mut().unwrap().reverse();
    assert_eq!(read(&message).unwrap(), cause());
}

#[test]
fn the_manual_coding_wins_over_the_automated_one() {
    let mut message = cause_coding_message(&cause());
    let mut automated = coded(&mut message)[0].clone();
    automated["resource"]["id"] = json!("automated");
    automated["fullUrl"] = json!("urn:uuid:automated");
    automated["resource"]["code"]["coding"][0]["code"] = json!("80358-5");
    automated["resource"]["valueCodeableConcept"]["coding"][0]["code"] = json!("J18.9");
    coded(&mut message).insert(0, automated.clone());
    assert_eq!(read(&message).unwrap().icd10, "I64");
    // Without the manual coding, the automated one is the cause.
    coded(&mut message).remove(1);
    assert_eq!(read(&message).unwrap().icd10, "J18.9");
}

#[test]
fn each_refusal_names_its_path() {
    let refused = |change: &dyn Fn(&mut Value)| {
        let mut message = cause_coding_message(&cause());
        change(&mut message);
        let error = read(&message).unwrap_err();
        (error.code(), error.to_string())
    };
    let (code, said) = refused(&|m| {
        m["entry"][0]["resource"]["eventUri"] = json!("http://nchs.cdc.gov/vrdr_submission")
    });
    assert_eq!(code, "fhir_unknown_event", "{said}");
    let (code, said) = refused(&|m| {
        m["entry"][1]["resource"]["parameter"]
            .as_array_mut()
            .unwrap()
            .retain(|p| p["name"] != "state_auxiliary_id");
    });
    assert_eq!(code, "fhir_missing_element");
    assert!(said.contains("state_auxiliary_id"), "{said}");
    let (code, said) = refused(&|m| coded(m).clear());
    assert_eq!(code, "fhir_missing_element");
    assert!(said.contains("80359-3|80358-5"), "{said}");
    let (code, said) = refused(&|m| {
        coded(m)[0]["resource"]["valueCodeableConcept"]["coding"][0]["system"] =
            json!("http://snomed.info/sct");
    });
    assert_eq!(code, "fhir_missing_element");
    assert!(said.contains("coding(ICD-10)"), "{said}");
    let (code, said) = refused(&|m| {
        coded(m)[0]["resource"]["performer"] = json!([]);
        m["entry"][0]["resource"]
            .as_object_mut()
            .unwrap()
            .remove("author");
    });
    assert_eq!(code, "fhir_missing_element");
    assert!(said.contains("performer"), "{said}");
    let (code, _) =
        refused(&|m| m["entry"][1]["resource"]["parameter"][0]["valueString"] = json!("19 001"));
    assert_eq!(code, "fhir_wrong_form");
}

#[test]
fn a_signed_coding_message_verifies_with_the_stations_key() {
    let signer = facility_signer();
    let sign = |message: &Value| {
        serde_json::to_vec(&signer.sign_content(
            TYP_CAUSE_OF_DEATH,
            Some(CTY_FHIR),
            message.to_string().as_bytes(),
        ))
        .unwrap()
    };
    let verified = verify_cause(&sign(&cause_coding_message(&cause())), &keys()).unwrap();
    assert_eq!(verified.cause, cause());
    // Another facility's code in a message signed with 19001's key.
    let mut other = cause();
    other.facility_id = "79024".into();
    let refused = verify_cause(&sign(&cause_coding_message(&other)), &keys()).unwrap_err();
    assert!(
        matches!(refused, CauseRefusal::WrongFacility { .. }),
        "{refused}"
    );
    // A coding message without its cause: refused with the FHIR reader's reason.
    let mut empty = cause_coding_message(&cause());
    coded(&mut empty).clear();
    let refused = verify_cause(&sign(&empty), &keys()).unwrap_err();
    assert_eq!(refused.code(), "fhir_invalid");
    // Without the FHIR reader (the protocol's own check) a FHIR payload is not read.
    let bare =
        hotich_protocol::health_loop::verify_cause(&sign(&cause_coding_message(&cause())), &keys());
    assert_eq!(bare.unwrap_err().code(), "malformed");
}
