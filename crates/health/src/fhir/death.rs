//! VRDR death-record messages → [`DeathMessage`] (see `docs/health-formats.md`
//! for the FHIR path → model field table).

use hotich_protocol::DeathNotice;
use serde_json::{Map, Value};

use super::bundle::{
    address, address_code, address_text, any_name, codings, date_time, event_uri, extension,
    full_date, has_coding, identifier, instant, missing, parameter, partial_date, person_name,
    safe, sex, text, value_text, wrong, Bundle, Resource,
};
use super::systems::*;
use super::{DeathMessage, FhirError, MessageAction};

const DECEDENT: &str = "Patient[vrdr-decedent]";

pub(super) fn read(value: &Value) -> Result<DeathMessage, FhirError> {
    let message = Bundle::of(value, "message", "Bundle")?;
    let header = message.required("Bundle.entry.resource(MessageHeader)", |r| {
        r.resource_type() == "MessageHeader"
    })?;
    let action = event(&header)?;
    let parameters = message.required("Bundle.entry.resource(Parameters)", |r| {
        r.resource_type() == "Parameters"
    })?;
    let cert_no = parameter(&parameters, "cert_no")
        .ok_or_else(|| missing("Parameters.parameter(cert_no)"))?;
    if cert_no.is_empty() || cert_no.len() > 12 || !cert_no.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong("Parameters.parameter(cert_no)", "1 to 12 digits"));
    }
    let jurisdiction = parameter(&parameters, "jurisdiction_id")
        .ok_or_else(|| missing("Parameters.parameter(jurisdiction_id)"))?;
    if jurisdiction.is_empty()
        || jurisdiction.len() > 16
        || !jurisdiction.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(wrong(
            "Parameters.parameter(jurisdiction_id)",
            "a facility code (1 to 16 letters or digits)",
        ));
    }
    let year = parameter(&parameters, "event_year")
        .or_else(|| parameter(&parameters, "death_year"))
        .ok_or_else(|| missing("Parameters.parameter(event_year)"))?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong(
            "Parameters.parameter(event_year)",
            "a four-digit year",
        ));
    }
    let block_count = match parameter(&parameters, "block_count") {
        None => 1,
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| {
                wrong(
                    "Parameters.parameter(block_count)",
                    "a count from 1 to 1000",
                )
            })?,
    };
    let version_hint = instant(message.json.get("timestamp"), "Bundle.timestamp")?;
    let mut extras = Vec::new();
    if let Some(endpoint) = header.object("source").and_then(|s| text(s, "endpoint")) {
        extras.push((
            "MessageHeader.source.endpoint".to_owned(),
            endpoint.to_owned(),
        ));
    }
    if let Some(aux) = parameter(&parameters, "state_auxiliary_id") {
        extras.push(("Parameters.parameter(state_auxiliary_id)".to_owned(), aux));
    }
    let record = RecordKey {
        record_id: format!("{year}{jurisdiction}{cert_no:0>6}"),
        cert_no,
        year,
        facility: jurisdiction,
    };
    let notice = match action {
        MessageAction::Void => None,
        MessageAction::Submission | MessageAction::Update => {
            let document = message.required("Bundle.entry.resource(Bundle)", |r| {
                r.resource_type() == "Bundle"
            })?;
            let document =
                Bundle::of_object(document.json, "document", "Bundle.entry.resource(Bundle)")?;
            Some(read_document(&document, &record, &mut extras)?)
        }
    };
    extras.sort();
    Ok(DeathMessage {
        action,
        record_id: record.record_id,
        facility: record.facility,
        cert_no: record.cert_no,
        event_year: record.year,
        version_hint,
        message_id: header.id().map(str::to_owned),
        block_count,
        notice,
        extras,
    })
}

struct RecordKey {
    record_id: String,
    cert_no: String,
    year: String,
    facility: String,
}

fn event(header: &Resource<'_>) -> Result<MessageAction, FhirError> {
    let uri = event_uri(header).ok_or_else(|| missing("MessageHeader.event[x]"))?;
    match uri.as_str() {
        EVENT_SUBMISSION => Ok(MessageAction::Submission),
        EVENT_UPDATE => Ok(MessageAction::Update),
        EVENT_VOID => Ok(MessageAction::Void),
        other => Err(FhirError::UnknownEvent { event: safe(other) }),
    }
}

fn read_document(
    doc: &Bundle<'_>,
    record: &RecordKey,
    extras: &mut Vec<(String, String)>,
) -> Result<DeathNotice, FhirError> {
    let decedent = match doc.one(DECEDENT, |r| {
        r.resource_type() == "Patient" && r.has_profile(&[VRDR_DECEDENT])
    })? {
        Some(d) => d,
        None => doc.required(DECEDENT, |r| r.resource_type() == "Patient")?,
    };
    let p = decedent.json;
    let path = |field: &str| format!("{DECEDENT}.{field}");
    let id_number = identifier(p, VN_PERSONAL_ID).map(str::to_owned);
    if let Some(id) = &id_number {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(wrong(&path("identifier(vn-personal-id)"), "12 digits"));
        }
    }
    let home = address(p, "home").ok_or_else(|| missing(&path("address(home)")))?;
    let current = address(p, "temp");
    let current_code = |url: &str, digits: usize, field: &str| match current {
        Some(a) => address_code(a, url, digits, &path(field)),
        None => Ok(None),
    };

    let death_date = doc.required("Observation[vrdr-death-date]", |r| {
        r.resource_type() == "Observation"
            && (r.has_profile(&[VRDR_DEATH_DATE]) || r.has_code(LOINC, &[LOINC_DEATH_DATE]))
    })?;
    let death_time = date_time(
        death_date.json.get("valueDateTime"),
        "Observation[vrdr-death-date].valueDateTime",
    )?;
    let pronouncer = death_date
        .reference("performer")
        .and_then(|r| doc.resolve(r))
        .and_then(|r| any_name(r.json));
    let certifier = doc
        .required("Practitioner[vrdr-certifier]", |r| {
            r.resource_type() == "Practitioner" && r.has_profile(&[VRDR_CERTIFIER])
        })
        .map(|c| any_name(c.json))?
        .ok_or_else(|| missing("Practitioner[vrdr-certifier].name"))?;
    let location = doc.required("Location[vrdr-death-location]", |r| {
        r.resource_type() == "Location" && r.has_profile(&[VRDR_DEATH_LOCATION])
    })?;
    let facility_address = location
        .object("address")
        .and_then(address_text)
        .ok_or_else(|| missing("Location[vrdr-death-location].address"))?;
    if let Some(name) = text(location.json, "name") {
        extras.push((
            "Location[vrdr-death-location].name".to_owned(),
            name.to_owned(),
        ));
    }
    if let Some(code) = identifier(location.json, VN_FACILITY_CODE) {
        extras.push((
            "Location[vrdr-death-location].identifier(vn-facility-code)".to_owned(),
            code.to_owned(),
        ));
    }
    let died_before_arrival = doc.of_type("Observation").any(|o| {
        o.has_code(LOINC, &[LOINC_DEATH_PLACE])
            && o.json
                .get("valueCodeableConcept")
                .is_some_and(|v| has_coding(v, SNOMED, &[SNOMED_DEAD_ON_ARRIVAL]))
    });
    let cause = first_cause(doc);
    let issued = doc
        .one("Composition", |r| r.resource_type() == "Composition")?
        .and_then(|c| c.json.get("date"))
        .or_else(|| doc.json.get("timestamp"));

    #[rustfmt::skip]
    let notice = DeathNotice {
        notice_code: record.record_id.clone(), patient_id: None, medical_record_id: None,
        name: person_name(p).ok_or_else(|| missing(&path("name")))?,
        birth_date: partial_date(p, "birthDate", &path("birthDate"))?.ok_or_else(|| missing(&path("birthDate")))?,
        sex: sex(p, &path("gender"))?,
        insurance_card: identifier(p, VN_HEALTH_INSURANCE_CARD).map(str::to_owned),
        social_insurance_no: identifier(p, VN_SOCIAL_INSURANCE_NO).map(str::to_owned),
        ethnicity_code: ethnicity(p, &path("extension(vn-ethnicity)"))?,
        nationality_code: nationality(p, &path("extension(patient-nationality)"))?,
        permanent_address: address_text(home).ok_or_else(|| missing(&path("address(home).text")))?,
        permanent_province_code: address_code(home, EXT_PROVINCE_CODE, 3, &path("address(home).extension(vn-province-code)"))?
            .ok_or_else(|| missing(&path("address(home).extension(vn-province-code)")))?,
        permanent_district_code: address_code(home, EXT_DISTRICT_CODE, 3, &path("address(home).extension(vn-district-code)"))?,
        permanent_commune_code: address_code(home, EXT_COMMUNE_CODE, 5, &path("address(home).extension(vn-commune-code)"))?
            .ok_or_else(|| missing(&path("address(home).extension(vn-commune-code)")))?,
        current_address: current.and_then(address_text),
        current_province_code: current_code(EXT_PROVINCE_CODE, 3, "address(temp).extension(vn-province-code)")?,
        current_district_code: current_code(EXT_DISTRICT_CODE, 3, "address(temp).extension(vn-district-code)")?,
        current_commune_code: current_code(EXT_COMMUNE_CODE, 5, "address(temp).extension(vn-commune-code)")?,
        id_document_type: if id_number.is_some() { 4 } else { 0 }, id_number, id_issue_date: None, id_issuer: None,
        admission_time: None, death_time, died_before_arrival,
        cause_of_death: cause.as_ref().and_then(|c| c.text.clone()),
        icd10_code: cause.as_ref().and_then(|c| c.icd10.clone()),
        icd10_name: cause.as_ref().and_then(|c| c.icd10_name.clone()),
        relative_name: None, relative_phone: None,
        writer: pronouncer.unwrap_or_else(|| certifier.clone()), facility_head: certifier,
        notice_number: record.cert_no.clone(), notice_book: record.year.clone(),
        notice_issue_date: full_date(issued, "Composition.date")?,
        original_notice_number: None, original_notice_book: None,
        facility_code: record.facility.clone(), facility_address,
    };
    Ok(notice)
}

pub(super) fn ethnicity(person: &Map<String, Value>, path: &str) -> Result<String, FhirError> {
    let code = extension(person, EXT_ETHNICITY)
        .and_then(value_text)
        .ok_or_else(|| missing(path))?;
    if code.len() <= 2 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(wrong(path, "a two-digit ethnicity code"))
    }
}

/// `patient-nationality`'s `code` part: the numeric country code (704 Việt Nam).
pub(super) fn nationality(person: &Map<String, Value>, path: &str) -> Result<String, FhirError> {
    let code = extension(person, EXT_NATIONALITY)
        .and_then(|n| extension(n, "code"))
        .and_then(value_text)
        .ok_or_else(|| missing(path))?;
    if code.len() <= 3 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(wrong(
            path,
            "a numeric country code (ISO 3166-1, 704 Viet Nam)",
        ))
    }
}

struct Cause {
    line: u64,
    text: Option<String>,
    icd10: Option<String>,
    icd10_name: Option<String>,
}

/// The first line of part 1 (the immediate cause): the cause observation
/// with the lowest line number, whatever the entry order.
fn first_cause(doc: &Bundle<'_>) -> Option<Cause> {
    doc.of_type("Observation")
        .filter(|o| {
            o.has_profile(&[VRDR_CAUSE_PART1]) || o.has_code(LOINC, &[LOINC_CAUSE_OF_DEATH])
        })
        .map(|o| {
            let value = o.json.get("valueCodeableConcept");
            let icd10 = value.and_then(|v| {
                codings(v)
                    .find(|(s, _)| *s == Some(ICD10))
                    .map(|(_, c)| c.to_owned())
            });
            let icd10_name = value
                .and_then(|v| v.get("coding"))
                .and_then(Value::as_array)
                .and_then(|cs| {
                    cs.iter()
                        .find(|c| c.get("system").and_then(Value::as_str) == Some(ICD10))
                })
                .and_then(|c| c.get("display"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            Cause {
                line: line_number(&o).unwrap_or(u64::MAX),
                text: value
                    .and_then(Value::as_object)
                    .and_then(|v| text(v, "text"))
                    .map(str::to_owned),
                icd10,
                icd10_name,
            }
        })
        .min_by(|a, b| (a.line, &a.text).cmp(&(b.line, &b.text)))
}

/// The `lineNumber` component (LOINC 69444-8) of a cause observation.
fn line_number(observation: &Resource<'_>) -> Option<u64> {
    observation
        .json
        .get("component")?
        .as_array()?
        .iter()
        .find(|c| {
            c.get("code")
                .is_some_and(|cc| has_coding(cc, LOINC, &["69444-8"]))
        })?
        .get("valueInteger")?
        .as_u64()
}
