//! Valid FHIR R4 fixtures (feature `testkit`): a VRDR death record's
//! submission, update and void messages, a BFDR birth report of twins, a
//! cause-of-death coding message, and a Bundle carrying a profile Hotich
//! does not know. Each is a
//! `serde_json::Value` so a test can alter one element; `.to_string()` gives
//! the bytes to send.

use serde_json::{json, Value};

use crate::fhir::systems::*;
use crate::fhir::MessageAction;

/// The profile [`unknown_profile_bundle`] carries.
pub const UNKNOWN_PROFILE: &str = "http://example.org/fhir/StructureDefinition/not-a-vital-record";

/// Which death record the messages are about.
#[derive(Debug, Clone)]
pub struct DeathRecordKey {
    /// The sending facility's MACSKCB, sent as `jurisdiction_id`.
    pub facility: String,
    pub cert_no: String,
    pub year: String,
}

impl DeathRecordKey {
    pub fn new(facility: &str, cert_no: &str, year: &str) -> Self {
        DeathRecordKey {
            facility: facility.to_owned(),
            cert_no: cert_no.to_owned(),
            year: year.to_owned(),
        }
    }

    /// The `record_id` the reader gives this record.
    pub fn record_id(&self) -> String {
        format!("{}{}{:0>6}", self.year, self.facility, self.cert_no)
    }
}

fn coding(system: &str, code: &str) -> Value {
    json!({ "coding": [{ "system": system, "code": code }] })
}

fn meta(profile: &str) -> Value {
    json!({ "profile": [profile] })
}

fn entry(full_url: &str, resource: Value) -> Value {
    json!({ "fullUrl": full_url, "resource": resource })
}

fn ext(url: &str, value_key: &str, value: Value) -> Value {
    json!({ "url": url, value_key: value })
}

/// A Vietnamese address with Hotich's code extensions.
fn address(use_: &str, text: &str, province: &str, commune: &str) -> Value {
    json!({
        "use": use_,
        "text": text,
        "extension": [
            ext(EXT_PROVINCE_CODE, "valueString", json!(province)),
            ext(EXT_COMMUNE_CODE, "valueString", json!(commune)),
        ]
    })
}

fn person_extensions() -> Value {
    json!([
        ext(EXT_ETHNICITY, "valueCode", json!("01")),
        {
            "url": EXT_NATIONALITY,
            "extension": [ext("code", "valueCodeableConcept", coding("urn:iso:std:iso:3166:-1:numeric", "704"))]
        }
    ])
}

/// An official HumanName: the first word is the family name.
fn vietnamese_name(name: &str) -> Value {
    let mut words = name.split_whitespace();
    let family = words.next().unwrap_or_default();
    json!({ "use": "official", "family": family, "given": words.collect::<Vec<_>>() })
}

/// The death certificate document: decedent, death date (pronouncer as its
/// performer), death location, certifier, one cause line.
pub fn death_certificate_document(key: &DeathRecordKey, name: &str) -> Value {
    death_document(
        key,
        &format!("{}-11-21T09:00:00+07:00", key.year),
        json!({
            "extension": person_extensions(),
                    "identifier": [
                        { "system": VN_PERSONAL_ID, "value": "079048001234" },
                        { "system": VN_HEALTH_INSURANCE_CARD, "value": "HT2797924000123" }
                    ],
                    "name": [
                        { "use": "nickname", "text": "Ông Tư" },
                        vietnamese_name(name)
                    ],
                    "gender": "male",
                    "birthDate": "1948-03-15",
                    "address": [
                        address("temp", "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh", "79", "26734"),
                        address("home", "Ấp Phú Hòa, xã Phước Vĩnh An, TP. Hồ Chí Minh", "79", "27655")
                    ]
        }),
        json!([
            entry(
                "urn:uuid:death-date-1",
                json!({
                    "resourceType": "Observation",
                    "id": "death-date-1",
                    "meta": meta(VRDR_DEATH_DATE),
                    "status": "final",
                    "code": coding(LOINC, LOINC_DEATH_DATE),
                    "subject": { "reference": "urn:uuid:decedent-1" },
                    "valueDateTime": format!("{}-11-20T08:30:00+07:00", key.year),
                    "performer": [{ "reference": "urn:uuid:pronouncer-1" }]
                })
            ),
            entry(
                "urn:uuid:death-location-1",
                json!({
                    "resourceType": "Location",
                    "id": "death-location-1",
                    "meta": meta(VRDR_DEATH_LOCATION),
                    "name": "Bệnh viện Chợ Rẫy",
                    "identifier": [{ "system": VN_FACILITY_CODE, "value": key.facility }],
                    "address": { "text": "201B Nguyễn Chí Thanh, phường Chợ Lớn, TP. Hồ Chí Minh" }
                })
            ),
            entry(
                "urn:uuid:cause-2",
                json!({
                    "resourceType": "Observation",
                    "id": "cause-2",
                    "meta": meta(VRDR_CAUSE_PART1),
                    "status": "final",
                    "code": coding(LOINC, LOINC_CAUSE_OF_DEATH),
                    "valueCodeableConcept": { "text": "Xơ vữa động mạch vành" },
                    "component": [{ "code": coding(LOINC, "69444-8"), "valueInteger": 2 }]
                })
            ),
            entry(
                "urn:uuid:cause-1",
                json!({
                    "resourceType": "Observation",
                    "id": "cause-1",
                    "meta": meta(VRDR_CAUSE_PART1),
                    "status": "final",
                    "code": coding(LOINC, LOINC_CAUSE_OF_DEATH),
                    "valueCodeableConcept": {
                        "text": "Nhồi máu cơ tim cấp",
                        "coding": [{ "system": ICD10, "code": "I21.9", "display": "Nhồi máu cơ tim cấp, không đặc hiệu" }]
                    },
                    "component": [{ "code": coding(LOINC, "69444-8"), "valueInteger": 1 }]
                })
            ),
            entry(
                "urn:uuid:pronouncer-1",
                json!({
                    "resourceType": "Practitioner",
                    "id": "pronouncer-1",
                    "meta": meta(VR_PRACTITIONER),
                    "name": [{ "family": "Lê", "given": ["Thị", "Hồng"] }]
                })
            ),
            entry(
                "urn:uuid:certifier-1",
                json!({
                    "resourceType": "Practitioner",
                    "id": "certifier-1",
                    "meta": meta(VRDR_CERTIFIER),
                    "name": [{ "text": "Nguyễn Tri Thức" }]
                })
            )
        ]),
    )
}

/// A VRDR death certificate document Bundle: a composition, the decedent
/// (`decedent`'s members beside its type, id and profile), then `others`.
fn death_document(key: &DeathRecordKey, timestamp: &str, decedent: Value, others: Value) -> Value {
    let mut patient =
        json!({ "resourceType": "Patient", "id": "decedent-1", "meta": meta(VRDR_DECEDENT) });
    if let (Some(patient), Some(members)) = (patient.as_object_mut(), decedent.as_object()) {
        patient.extend(members.clone());
    }
    let mut entries = vec![
        entry(
            "urn:uuid:composition-1",
            json!({
                "resourceType": "Composition", "id": "composition-1", "status": "final",
                "date": timestamp, "subject": { "reference": "urn:uuid:decedent-1" }
            }),
        ),
        entry("urn:uuid:decedent-1", patient),
    ];
    entries.extend(others.as_array().cloned().unwrap_or_default());
    json!({
        "resourceType": "Bundle",
        "id": format!("doc-{}", key.record_id()),
        "meta": meta(VRDR_DOCUMENT),
        "type": "document",
        "identifier": { "value": key.record_id() },
        "timestamp": timestamp,
        "entry": entries
    })
}

/// A VRDR message: header, parameters, and for a submission or update the
/// death certificate document with the decedent named `name`.
pub fn death_message(
    action: MessageAction,
    key: &DeathRecordKey,
    name: &str,
    minute: u32,
) -> Value {
    let (event, profile) = match action {
        MessageAction::Submission => (EVENT_SUBMISSION, "SubmissionHeader"),
        MessageAction::Update => (EVENT_UPDATE, "UpdateHeader"),
        MessageAction::Void => (EVENT_VOID, "VoidHeader"),
    };
    let mut parameters = vec![
        json!({ "name": "jurisdiction_id", "valueString": key.facility }),
        json!({ "name": "cert_no", "valueUnsignedInt": key.cert_no.parse::<u64>().unwrap_or(0) }),
        json!({ "name": "event_year", "valueUnsignedInt": key.year.parse::<u64>().unwrap_or(0) }),
    ];
    if action == MessageAction::Void {
        parameters.push(json!({ "name": "block_count", "valueUnsignedInt": 1 }));
    }
    let header_id = format!("header-{}-{minute}", key.record_id());
    let mut entries = vec![
        entry(
            &format!("urn:uuid:{header_id}"),
            json!({
                "resourceType": "MessageHeader",
                "id": header_id,
                "meta": meta(&format!("{VRM_BASE}VRM-{profile}")),
                "eventUri": event,
                "source": { "endpoint": format!("https://hotich.vn/facility/{}", key.facility) },
                "destination": [{ "endpoint": "https://hotich.vn/central" }],
                "focus": [{ "reference": "urn:uuid:document-1" }]
            }),
        ),
        entry(
            "urn:uuid:parameters-1",
            json!({
                "resourceType": "Parameters",
                "id": "parameters-1",
                "parameter": parameters
            }),
        ),
    ];
    if action != MessageAction::Void {
        entries.push(entry(
            "urn:uuid:document-1",
            death_certificate_document(key, name),
        ));
    }
    json!({
        "resourceType": "Bundle",
        "id": format!("message-{}-{minute}", key.record_id()),
        "type": "message",
        "timestamp": format!("{}-11-21T10:{minute:02}:00+07:00", key.year),
        "entry": entries
    })
}

/// Submission (10:00), update with a corrected name (10:05) and void (10:10)
/// of one record.
pub fn death_submission_update_void(key: &DeathRecordKey) -> [Value; 3] {
    [
        death_message(MessageAction::Submission, key, "Trần Văn Tư", 0),
        death_message(MessageAction::Update, key, "Trần Văn Tứ", 5),
        death_message(MessageAction::Void, key, "", 10),
    ]
}

fn child(id: &str, name: &str, gender: &str, minute: u32, order: u32, number: &str) -> Value {
    json!({
        "resourceType": "Patient",
        "id": id,
        "meta": meta(VR_CHILD),
        "identifier": [
            { "system": VN_BIRTH_CERTIFICATE_NUMBER, "value": number },
            { "system": VN_BIRTH_CERTIFICATE_BOOK, "value": "01/2026" }
        ],
        "name": [{ "use": "official", "family": "Quách", "given": name.split(' ').collect::<Vec<_>>() }],
        "gender": gender,
        "birthDate": "2026-11-18",
        "_birthDate": { "extension": [ext(EXT_BIRTH_TIME, "valueDateTime", json!(format!("2026-11-18T06:{minute:02}:00+07:00")))] },
        "multipleBirthInteger": order
    })
}

fn observation(id: &str, code: &str, subject: &str, value_key: &str, value: Value) -> Value {
    json!({
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "code": coding(LOINC, code),
        "subject": { "reference": subject },
        value_key: value
    })
}

/// A BFDR birth report of twins born at `facility`: two children, the mother
/// (date of birth with unknown month and day, by the partial-date
/// extension), the father, plurality, weights, the birth location and the
/// attendant and certifier.
pub fn twin_birth_report(facility: &str) -> Value {
    let absent = json!({ "extension": [ext(DATA_ABSENT_REASON, "valueCode", json!("unknown"))] });
    json!({
        "resourceType": "Bundle",
        "id": "birth-report-1",
        "meta": meta(BFDR_DOCUMENT),
        "type": "document",
        "identifier": { "value": format!("2026{facility}000981") },
        "timestamp": "2026-11-19T08:00:00+07:00",
        "entry": [
            entry("urn:uuid:composition-b", json!({
                "resourceType": "Composition", "id": "composition-b", "status": "final",
                "date": "2026-11-19", "subject": { "reference": "urn:uuid:child-1" }
            })),
            entry("urn:uuid:child-1", child("child-1", "Bảo An", "male", 10, 1, "000981")),
            entry("urn:uuid:child-2", child("child-2", "Bảo Ngọc", "female", 12, 2, "000982")),
            entry("urn:uuid:mother-1", json!({
                "resourceType": "Patient",
                "id": "mother-1",
                "meta": meta(VR_MOTHER),
                "extension": person_extensions(),
                "identifier": [{ "system": VN_PERSONAL_ID, "value": "079196004321" }],
                "name": [{ "use": "official", "family": "Đặng", "given": ["Thị", "Thu", "Hà"] }],
                "gender": "female",
                "birthDate": "1996",
                "_birthDate": { "extension": [{
                    "url": PARTIAL_DATE_EXTENSIONS[0],
                    "extension": [
                        ext("year", "valueUnsignedInt", json!(1996)),
                        { "url": "month", "_valueUnsignedInt": absent },
                        { "url": "day", "_valueUnsignedInt": absent }
                    ]
                }] },
                "address": [address("home", "Số 5 đường 3/2, phường Hòa Hưng, TP. Hồ Chí Minh", "79", "27163")]
            })),
            entry("urn:uuid:father-1", json!({
                "resourceType": "RelatedPerson",
                "id": "father-1",
                "meta": meta(VR_RELATED_FATHER[0]),
                "patient": { "reference": "urn:uuid:child-1" },
                "relationship": [coding(V3_ROLE_CODE, "NFTH")],
                "name": [{ "family": "Quách", "given": ["Minh", "Khang"] }]
            })),
            entry("urn:uuid:plurality", observation("plurality", LOINC_PLURALITY, "urn:uuid:mother-1", "valueInteger", json!(2))),
            entry("urn:uuid:births-total", observation("births-total", LOINC_BIRTHS_TOTAL, "urn:uuid:mother-1", "valueInteger", json!(2))),
            entry("urn:uuid:living", observation("living", LOINC_LIVING_CHILDREN, "urn:uuid:mother-1", "valueInteger", json!(3))),
            entry("urn:uuid:gestation", observation("gestation", LOINC_GESTATIONAL_AGE, "urn:uuid:mother-1", "valueQuantity", json!({ "value": 36, "unit": "wk", "code": "wk" }))),
            entry("urn:uuid:weight-2", observation("weight-2", LOINC_BIRTH_WEIGHT, "Patient/child-2", "valueQuantity", json!({ "value": 2450, "unit": "g", "code": "g" }))),
            entry("urn:uuid:weight-1", observation("weight-1", LOINC_BIRTH_WEIGHT, "urn:uuid:child-1", "valueQuantity", json!({ "value": 2.6, "unit": "kg", "code": "kg" }))),
            entry("urn:uuid:delivery", json!({
                "resourceType": "Procedure", "id": "delivery", "status": "completed",
                "code": coding(SNOMED, SNOMED_CAESAREAN), "subject": { "reference": "urn:uuid:mother-1" }
            })),
            entry("urn:uuid:location-b", json!({
                "resourceType": "Location",
                "id": "location-b",
                "type": [coding("http://hl7.org/fhir/us/vr-common-library/CodeSystem/CodeSystem-local-component-values", "birth")],
                "name": "Bệnh viện Từ Dũ",
                "identifier": [{ "system": VN_FACILITY_CODE, "value": facility }],
                "address": { "text": "284 Cống Quỳnh, phường Cầu Ông Lãnh, TP. Hồ Chí Minh" }
            })),
            entry("urn:uuid:attendant", json!({
                "resourceType": "Practitioner", "id": "attendant", "meta": meta(VR_PRACTITIONER),
                "extension": [ext(VR_ROLE, "valueCodeableConcept", coding(HOTICH_BASE, "attendant"))],
                "name": [{ "text": "Hộ sinh Phạm Thị Lan" }]
            })),
            entry("urn:uuid:certifier", json!({
                "resourceType": "Practitioner", "id": "certifier", "meta": meta(VR_PRACTITIONER),
                "extension": [ext(VR_ROLE, "valueCodeableConcept", coding(HOTICH_BASE, "certifier"))],
                "name": [{ "text": "BS. Võ Minh Tuấn" }]
            }))
        ]
    })
}

/// The twin birth report with one Observation declaring [`UNKNOWN_PROFILE`].
pub fn unknown_profile_bundle() -> Value {
    with_unknown_profile(twin_birth_report("79025"))
}

/// `bundle` with one more entry, an Observation declaring [`UNKNOWN_PROFILE`].
pub fn with_unknown_profile(mut bundle: Value) -> Value {
    if let Some(entries) = bundle.get_mut("entry").and_then(Value::as_array_mut) {
        entries.push(entry(
            "urn:uuid:odd",
            json!({
                "resourceType": "Observation",
                "id": "odd",
                "meta": meta(UNKNOWN_PROFILE),
                "status": "final",
                "code": { "text": "something else" }
            }),
        ));
    }
    bundle
}

/// Where a person lives: the address text and its codes.
#[derive(Debug, Clone)]
pub struct Residence {
    pub text: String,
    pub province: String,
    pub commune: String,
}

/// A FHIR date (`yyyy`, `yyyy-MM` or `yyyy-MM-dd`) of a partial date.
pub fn fhir_date(date: hotich_protocol::PartialDate) -> String {
    match date {
        hotich_protocol::PartialDate::Year(y) => format!("{y:04}"),
        hotich_protocol::PartialDate::YearMonth(y, m) => format!("{y:04}-{m:02}"),
        hotich_protocol::PartialDate::Full(d) => d.format("%Y-%m-%d").to_string(),
    }
}

/// An instant in Vietnam time as FHIR `dateTime` (`…+07:00`).
pub fn fhir_time(local: chrono::NaiveDateTime) -> String {
    local.format("%Y-%m-%dT%H:%M:%S+07:00").to_string()
}

fn gender(sex: hotich_protocol::Sex) -> &'static str {
    match sex {
        hotich_protocol::Sex::Male => "male",
        hotich_protocol::Sex::Female => "female",
        hotich_protocol::Sex::Undetermined => "other",
    }
}

/// A death record's message from the model: `notice` is the content of a
/// submission or update (ignored for a void), `issued` the message's
/// timestamp (Vietnam time), which orders the versions of one record.
pub fn death_message_of(
    action: MessageAction,
    key: &DeathRecordKey,
    notice: &hotich_protocol::DeathNotice,
    issued: chrono::NaiveDateTime,
) -> Value {
    let mut message = death_message(action, key, &notice.name, 0);
    let stamp = fhir_time(issued);
    message["timestamp"] = json!(stamp);
    let header_id = format!(
        "header-{}-{}",
        key.record_id(),
        issued.format("%Y%m%d%H%M%S")
    );
    message["id"] = json!(format!("message-{header_id}"));
    if let Some(entries) = message["entry"].as_array_mut() {
        entries[0]["fullUrl"] = json!(format!("urn:uuid:{header_id}"));
        entries[0]["resource"]["id"] = json!(header_id);
        if action != MessageAction::Void {
            if let Some(document) = entries.get_mut(2) {
                document["resource"] = death_document_of(key, notice, &stamp);
            }
        }
    }
    message
}

fn death_document_of(key: &DeathRecordKey, d: &hotich_protocol::DeathNotice, stamp: &str) -> Value {
    let mut identifiers = Vec::new();
    if let Some(id) = &d.id_number {
        identifiers.push(json!({ "system": VN_PERSONAL_ID, "value": id }));
    }
    if let Some(card) = &d.insurance_card {
        identifiers.push(json!({ "system": VN_HEALTH_INSURANCE_CARD, "value": card }));
    }
    let mut person_ext = person_extensions();
    person_ext[0] = ext(EXT_ETHNICITY, "valueCode", json!(d.ethnicity_code));
    let cause = d
        .cause_of_death
        .clone()
        .unwrap_or_else(|| "Không rõ".to_owned());
    death_document(
        key,
        stamp,
        json!({
                    "extension": person_ext,
                    "identifier": identifiers,
                    "name": [vietnamese_name(&d.name)],
                    "gender": gender(d.sex),
                    "birthDate": fhir_date(d.birth_date),
                    "address": [address("home", &d.permanent_address, &d.permanent_province_code, &d.permanent_commune_code)]
        }),
        json!([
            entry(
                "urn:uuid:death-date-1",
                json!({
                    "resourceType": "Observation", "id": "death-date-1", "meta": meta(VRDR_DEATH_DATE),
                    "status": "final", "code": coding(LOINC, LOINC_DEATH_DATE),
                    "subject": { "reference": "urn:uuid:decedent-1" },
                    "valueDateTime": fhir_time(d.death_time)
                })
            ),
            entry(
                "urn:uuid:death-location-1",
                json!({
                    "resourceType": "Location", "id": "death-location-1", "meta": meta(VRDR_DEATH_LOCATION),
                    "name": d.facility_address,
                    "identifier": [{ "system": VN_FACILITY_CODE, "value": key.facility }],
                    "address": { "text": d.facility_address }
                })
            ),
            entry(
                "urn:uuid:cause-1",
                json!({
                    "resourceType": "Observation", "id": "cause-1", "meta": meta(VRDR_CAUSE_PART1),
                    "status": "final", "code": coding(LOINC, LOINC_CAUSE_OF_DEATH),
                    "valueCodeableConcept": { "text": cause },
                    "component": [{ "code": coding(LOINC, "69444-8"), "valueInteger": 1 }]
                })
            ),
            entry(
                "urn:uuid:certifier-1",
                json!({
                    "resourceType": "Practitioner", "id": "certifier-1", "meta": meta(VRDR_CERTIFIER),
                    "name": [{ "text": d.facility_head }]
                })
            )
        ]),
    )
}

/// A BFDR birth report of one delivery from the model (one certificate per
/// child; twins: two), born at `facility`, issued at `issued` (Vietnam time).
pub fn birth_report_of(
    facility: &str,
    report_id: &str,
    children: &[hotich_protocol::BirthCertificate],
    issued: chrono::NaiveDateTime,
) -> Value {
    let Some(first) = children.first() else {
        return json!({ "resourceType": "Bundle", "type": "document", "entry": [] });
    };
    let mut entries = vec![entry(
        "urn:uuid:composition-b",
        json!({
            "resourceType": "Composition", "id": "composition-b", "status": "final",
            "date": fhir_time(issued), "subject": { "reference": "urn:uuid:child-1" }
        }),
    )];
    for (i, c) in children.iter().enumerate() {
        let id = format!("child-{}", i + 1);
        let mut names = c.child_name.as_deref().map(vietnamese_name);
        let mut child = json!({
            "resourceType": "Patient",
            "id": id,
            "meta": meta(VR_CHILD),
            "identifier": [
                { "system": VN_BIRTH_CERTIFICATE_NUMBER, "value": c.certificate_number },
                { "system": VN_BIRTH_CERTIFICATE_BOOK, "value": c.certificate_book }
            ],
            "gender": gender(c.child_sex),
            "birthDate": c.birth_time.format("%Y-%m-%d").to_string(),
            "_birthDate": { "extension": [ext(EXT_BIRTH_TIME, "valueDateTime", json!(fhir_time(c.birth_time)))] },
            "multipleBirthInteger": i + 1
        });
        if let Some(name) = names.take() {
            child["name"] = json!([name]);
        }
        entries.push(entry(&format!("urn:uuid:{id}"), child));
        entries.push(entry(
            &format!("urn:uuid:weight-{}", i + 1),
            observation(
                &format!("weight-{}", i + 1),
                LOINC_BIRTH_WEIGHT,
                &format!("urn:uuid:{id}"),
                "valueQuantity",
                json!({ "value": c.weight_grams, "unit": "g", "code": "g" }),
            ),
        ));
    }
    let mut mother_ids = Vec::new();
    if let Some(id) = &first.mother_id_number {
        mother_ids.push(json!({ "system": VN_PERSONAL_ID, "value": id }));
    }
    let mut person_ext = person_extensions();
    person_ext[0] = ext(
        EXT_ETHNICITY,
        "valueCode",
        json!(first.mother_ethnicity_code),
    );
    entries.push(entry(
        "urn:uuid:mother-1",
        json!({
            "resourceType": "Patient",
            "id": "mother-1",
            "meta": meta(VR_MOTHER),
            "extension": person_ext,
            "identifier": mother_ids,
            "name": [vietnamese_name(&first.mother_name)],
            "gender": "female",
            "birthDate": fhir_date(first.mother_birth_date),
            "address": [address("home", &first.mother_residence, &first.residence_province_code, &first.residence_commune_code)]
        }),
    ));
    if let Some(father) = &first.father_name {
        let mut name = vietnamese_name(father);
        name["use"] = Value::Null;
        entries.push(entry(
            "urn:uuid:father-1",
            json!({
                "resourceType": "RelatedPerson", "id": "father-1", "meta": meta(VR_RELATED_FATHER[0]),
                "patient": { "reference": "urn:uuid:child-1" },
                "relationship": [coding(V3_ROLE_CODE, "NFTH")],
                "name": [{ "family": name["family"], "given": name["given"] }]
            }),
        ));
    }
    let mother_count = |id: &str, code: &str, value: u8| {
        entry(
            &format!("urn:uuid:{id}"),
            observation(id, code, "urn:uuid:mother-1", "valueInteger", json!(value)),
        )
    };
    entries.push(mother_count(
        "plurality",
        LOINC_PLURALITY,
        first.babies_in_delivery,
    ));
    entries.push(mother_count(
        "births-total",
        LOINC_BIRTHS_TOTAL,
        first.birth_order,
    ));
    entries.push(mother_count(
        "living",
        LOINC_LIVING_CHILDREN,
        first.living_children,
    ));
    if first.caesarean {
        entries.push(entry("urn:uuid:delivery", json!({
            "resourceType": "Procedure", "id": "delivery", "status": "completed",
            "code": coding(SNOMED, SNOMED_CAESAREAN), "subject": { "reference": "urn:uuid:mother-1" }
        })));
    }
    entries.push(entry("urn:uuid:location-b", json!({
        "resourceType": "Location", "id": "location-b",
        "type": [coding("http://hl7.org/fhir/us/vr-common-library/CodeSystem/CodeSystem-local-component-values", "birth")],
        "name": first.place_of_birth,
        "identifier": [{ "system": VN_FACILITY_CODE, "value": facility }],
        "address": { "text": first.place_of_birth }
    })));
    let practitioner = |id: &str, role: &str, name: &str| {
        entry(
            &format!("urn:uuid:{id}"),
            json!({
                "resourceType": "Practitioner", "id": id, "meta": meta(VR_PRACTITIONER),
                "extension": [ext(VR_ROLE, "valueCodeableConcept", coding(HOTICH_BASE, role))],
                "name": [{ "text": name }]
            }),
        )
    };
    entries.push(practitioner(
        "attendant",
        "attendant",
        &first.birth_attendant,
    ));
    entries.push(practitioner("certifier", "certifier", &first.facility_head));
    json!({
        "resourceType": "Bundle",
        "id": format!("birth-report-{report_id}"),
        "meta": meta(BFDR_DOCUMENT),
        "type": "document",
        "identifier": { "value": report_id },
        "timestamp": fhir_time(issued),
        "entry": entries
    })
}

/// A cause of death as a commune health station returns it in FHIR: a VRDR
/// cause-of-death coding message (Vital Records FHIR
/// Messaging IG): the registration's id as `state_auxiliary_id`, the
/// station's code as `jurisdiction_id`, the underlying cause coded by hand
/// (LOINC 80359-3) with its ICD-10 code and text, the doctor as performer.
pub fn cause_coding_message(cause: &hotich_protocol::health_loop::CauseOfDeath) -> Value {
    let year = cause.determined_on.format("%Y").to_string();
    json!({
        "resourceType": "Bundle",
        "id": format!("coding-{}", cause.registration_id),
        "meta": {"profile": [format!("{VRM_BASE}VRM-CauseOfDeathCodingMessage")]},
        "type": "message",
        "timestamp": format!("{}T08:00:00+07:00", cause.determined_on),
        "entry": [
            {"fullUrl": "urn:uuid:header", "resource": {
                "resourceType": "MessageHeader", "id": "header",
                "meta": {"profile": [format!("{VRM_BASE}VRM-CauseOfDeathCodingHeader")]},
                "eventUri": EVENT_CAUSE_CODING,
                "source": {"endpoint": format!("urn:hotich:facility:{}", cause.facility_id)},
                "author": {"display": cause.determined_by},
            }},
            {"fullUrl": "urn:uuid:parameters", "resource": {
                "resourceType": "Parameters", "id": "parameters",
                "parameter": [
                    {"name": "jurisdiction_id", "valueString": cause.facility_id},
                    {"name": "event_year", "valueUnsignedInt": year.parse::<u32>().unwrap_or(0)},
                    {"name": "state_auxiliary_id", "valueString": cause.registration_id},
                ],
            }},
            {"fullUrl": "urn:uuid:coded", "resource": {
                "resourceType": "Bundle", "id": "coded",
                "meta": {"profile": ["http://hl7.org/fhir/us/vrdr/StructureDefinition/vrdr-cause-of-death-coded-content-bundle"]},
                "type": "collection",
                "entry": [
                    {"fullUrl": "urn:uuid:underlying", "resource": {
                        "resourceType": "Observation", "id": "underlying",
                        "meta": {"profile": ["http://hl7.org/fhir/us/vrdr/StructureDefinition/vrdr-manual-underlying-cause-of-death"]},
                        "status": "final",
                        "code": {"coding": [{"system": LOINC, "code": LOINC_UNDERLYING_MANUAL}]},
                        "effectiveDateTime": cause.determined_on.to_string(),
                        "performer": [{"display": cause.determined_by}],
                        "valueCodeableConcept": {"coding": [{
                            "system": ICD10,
                            "code": cause.icd10, "display": cause.text,
                        }]},
                    }},
                ],
            }},
        ],
    })
}
