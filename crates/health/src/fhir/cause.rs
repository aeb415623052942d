//! A VRDR cause-of-death coding message (Vital Records FHIR Messaging IG,
//! `http://nchs.cdc.gov/vrdr_causeofdeath_coding`) → the cause a commune
//! health station returns for a death the commune registered (issue 18,
//! item 1). The message's `Parameters` name the record: `state_auxiliary_id`
//! is the registration's id (the id the station read from the registry),
//! `jurisdiction_id` the station's facility code (MACSKCB); its coded-content
//! Bundle holds the underlying cause, the manual coding (LOINC 80359-3)
//! before the automated one (80358-5), as an ICD-10 coding with its text;
//! the person who determined it is the Observation's `performer` (or the
//! header's `author`), the day its `effectiveDateTime` (or `issued`, or the
//! message's `timestamp`).

use chrono::NaiveDate;
use hotich_protocol::health_loop::CauseOfDeath;
use serde_json::Value;

use super::bundle::{event_uri, missing, parameter, safe, wrong, Bundle, Resource};
use super::systems::{
    EVENT_CAUSE_CODING, ICD10, LOINC, LOINC_UNDERLYING_AUTOMATED, LOINC_UNDERLYING_MANUAL,
};
use super::FhirError;

const UNDERLYING: &str =
    "Bundle.entry.resource(Bundle).entry.resource(Observation[80359-3|80358-5])";

pub(super) fn read(value: &Value) -> Result<CauseOfDeath, FhirError> {
    let message = Bundle::of(value, "message", "Bundle")?;
    let header = message.required("Bundle.entry.resource(MessageHeader)", |r| {
        r.resource_type() == "MessageHeader"
    })?;
    let event = event_uri(&header).ok_or_else(|| missing("MessageHeader.event[x]"))?;
    if event != EVENT_CAUSE_CODING {
        return Err(FhirError::UnknownEvent {
            event: safe(&event),
        });
    }
    let parameters = message.required("Bundle.entry.resource(Parameters)", |r| {
        r.resource_type() == "Parameters"
    })?;
    let registration_id = parameter(&parameters, "state_auxiliary_id")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| missing("Parameters.parameter(state_auxiliary_id)"))?;
    if registration_id.len() > 64 {
        return Err(wrong(
            "Parameters.parameter(state_auxiliary_id)",
            "a registration id of 64 characters at most",
        ));
    }
    let facility_id = parameter(&parameters, "jurisdiction_id")
        .filter(|id| {
            !id.is_empty() && id.len() <= 16 && id.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .ok_or_else(|| {
            wrong(
                "Parameters.parameter(jurisdiction_id)",
                "a facility code (1 to 16 letters or digits)",
            )
        })?;
    let coded = message.required("Bundle.entry.resource(Bundle)", |r| {
        r.resource_type() == "Bundle"
    })?;
    let coded = Bundle::of_object(coded.json, "collection", "Bundle.entry.resource(Bundle)")?;
    let underlying = underlying(&coded)?;
    let concept = underlying
        .json
        .get("valueCodeableConcept")
        .ok_or_else(|| missing(&format!("{UNDERLYING}.valueCodeableConcept")))?;
    let coding = concept
        .get("coding")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| c.get("system").and_then(Value::as_str) == Some(ICD10))
        .ok_or_else(|| missing(&format!("{UNDERLYING}.valueCodeableConcept.coding(ICD-10)")))?;
    let icd10 = coding
        .get("code")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            missing(&format!(
                "{UNDERLYING}.valueCodeableConcept.coding(ICD-10).code"
            ))
        })?;
    let text = coding
        .get("display")
        .or_else(|| concept.get("text"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| missing(&format!("{UNDERLYING}.valueCodeableConcept.text")))?;
    let determined_by = display(underlying.json.get("performer"))
        .or_else(|| display(header.json.get("author")))
        .ok_or_else(|| missing(&format!("{UNDERLYING}.performer.display")))?;
    let determined_on = day(underlying.json.get("effectiveDateTime"))
        .or_else(|| day(underlying.json.get("issued")))
        .or_else(|| day(message.json.get("timestamp")))
        .ok_or_else(|| missing(&format!("{UNDERLYING}.effectiveDateTime")))?;
    Ok(CauseOfDeath {
        registration_id,
        facility_id,
        icd10: icd10.to_owned(),
        text: text.to_owned(),
        determined_by,
        determined_on,
    })
}

/// The underlying cause: the manual coding when the message has one, else
/// the automated one; one of each at most.
fn underlying<'a>(coded: &Bundle<'a>) -> Result<Resource<'a>, FhirError> {
    for code in [LOINC_UNDERLYING_MANUAL, LOINC_UNDERLYING_AUTOMATED] {
        if let Some(found) = coded.one(UNDERLYING, |r| {
            r.resource_type() == "Observation" && r.has_code(LOINC, &[code])
        })? {
            return Ok(found);
        }
    }
    Err(missing(UNDERLYING))
}

/// The `display` of a Reference (or the first of an array of them).
fn display(value: Option<&Value>) -> Option<String> {
    let reference = match value? {
        Value::Array(items) => items.first()?,
        other => other,
    };
    reference
        .get("display")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
}

/// The calendar day a FHIR date or dateTime starts with.
fn day(value: Option<&Value>) -> Option<NaiveDate> {
    value?.as_str()?.get(..10)?.parse().ok()
}
