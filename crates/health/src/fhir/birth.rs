//! BFDR birth reports → one [`BirthRecord`] per child (see
//! `docs/health-formats.md` for the FHIR path → model field table).

use hotich_protocol::BirthCertificate;
use serde_json::Value;

use super::bundle::{
    address, address_code, address_text, any_name, codings, date_time, extension, full_date,
    has_coding, identifier, instant, missing, partial_date, person_name, sex, text, value_integer,
    wrong, Bundle, Resource,
};
use super::death::{ethnicity, nationality};
use super::systems::*;
use super::{BirthRecord, FhirError};

const CHILD: &str = "Patient[Patient-child-vr]";
const MOTHER: &str = "Patient[Patient-mother-vr]";

pub(super) fn read(value: &Value) -> Result<Vec<BirthRecord>, FhirError> {
    let doc = Bundle::of(value, "document", "Bundle")?;
    let episode_key = doc
        .json
        .get("identifier")
        .and_then(Value::as_object)
        .and_then(|i| text(i, "value"))
        .ok_or_else(|| missing("Bundle.identifier.value"))?
        .to_owned();
    let children: Vec<Resource<'_>> = doc
        .of_type("Patient")
        .filter(|r| r.has_profile(&[VR_CHILD]))
        .collect();
    if children.is_empty() {
        return Err(missing(CHILD));
    }
    let mother = doc.required(MOTHER, |r| {
        (r.resource_type() == "Patient" && r.has_profile(&[VR_MOTHER]))
            || (r.resource_type() == "RelatedPerson"
                && (r.has_profile(&[VR_RELATED_MOTHER]) || relationship(r, &["MTH", "NMTH"])))
    })?;
    let father = doc.one("RelatedPerson[RelatedPerson-father-vr]", |r| {
        r.resource_type() == "RelatedPerson"
            && (r.has_profile(VR_RELATED_FATHER) || relationship(r, &["FTH", "NFTH"]))
    })?;
    let m = mother.json;
    let mpath = |field: &str| format!("{MOTHER}.{field}");
    let residence = address(m, "home").ok_or_else(|| missing(&mpath("address(home)")))?;
    let observation = |code: &str, path: &str| {
        doc.one(path, |r| {
            r.resource_type() == "Observation" && r.has_code(LOINC, &[code])
        })
    };
    let count = |code: &str, path: &str| -> Result<Option<u8>, FhirError> {
        match observation(code, path)? {
            None => Ok(None),
            Some(o) => u8::try_from(value_integer(&o, path)?)
                .map(Some)
                .map_err(|_| wrong(path, "a count below 256")),
        }
    };
    let plurality_path = "Observation[57722-1 plurality].valueInteger";
    let babies_in_delivery = match count(LOINC_PLURALITY, plurality_path)? {
        Some(n) => n,
        None => {
            u8::try_from(children.len()).map_err(|_| wrong(plurality_path, "a count below 256"))?
        }
    };
    let living_path = "Observation[11638-4 living children].valueInteger";
    let living_children =
        count(LOINC_LIVING_CHILDREN, living_path)?.ok_or_else(|| missing(living_path))?;
    let births_path = "Observation[11640-0 births total].valueInteger";
    let birth_order = match count(LOINC_BIRTHS_TOTAL, births_path)? {
        Some(n) => n,
        // BFDR's own counts: previous live births now living and now dead, and this one.
        None => {
            let dead_path = "Observation[68496-9 births now dead].valueInteger";
            let dead =
                count(LOINC_BIRTHS_NOW_DEAD, dead_path)?.ok_or_else(|| missing(births_path))?;
            living_children
                .checked_add(dead)
                .and_then(|n| n.checked_add(1))
                .ok_or_else(|| wrong(births_path, "a count below 256"))?
        }
    };
    let caesarean = doc.resources.iter().any(|r| {
        matches!(r.resource_type(), "Procedure" | "Observation")
            && (r.has_code(SNOMED, &[SNOMED_CAESAREAN])
                || r.json
                    .get("valueCodeableConcept")
                    .is_some_and(|v| has_coding(v, SNOMED, &[SNOMED_CAESAREAN])))
    });
    let gestation_path = "Observation[11884-4 gestational age].valueQuantity";
    let gestation_weeks = observation(LOINC_GESTATIONAL_AGE, gestation_path)?.and_then(|o| {
        o.object("valueQuantity")
            .and_then(|q| q.get("value"))
            .and_then(Value::as_f64)
    });
    let (attendant, certifier) = practitioners(&doc)?;
    let (place, facility_code) = birth_place(&doc)?;
    let issued = doc
        .one("Composition", |r| r.resource_type() == "Composition")?
        .and_then(|c| c.json.get("date"))
        .or_else(|| doc.json.get("timestamp"));
    let certificate_issue_date = full_date(issued, "Composition.date")?;
    let issued_at = instant(doc.json.get("timestamp"), "Bundle.timestamp")?;
    let mother_id_number = identifier(m, VN_PERSONAL_ID).map(str::to_owned);
    if let Some(id) = &mother_id_number {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(wrong(&mpath("identifier(vn-personal-id)"), "12 digits"));
        }
    }

    let mut records = Vec::with_capacity(children.len());
    for child in children {
        let c = child.json;
        let cpath = |field: &str| format!("{CHILD}.{field}");
        let birth_time_path = cpath("_birthDate.extension(patient-birthTime)");
        let birth_time = date_time(
            c.get("_birthDate")
                .and_then(Value::as_object)
                .and_then(|b| extension(b, EXT_BIRTH_TIME))
                .and_then(|e| e.get("valueDateTime")),
            &birth_time_path,
        )?;
        let weight_path = "Observation[8339-4 birth weight].valueQuantity";
        let weight = doc
            .one(weight_path, |r| {
                r.resource_type() == "Observation"
                    && r.has_code(LOINC, &[LOINC_BIRTH_WEIGHT])
                    && r.reference("subject").is_some_and(|s| child.is(s))
            })?
            .ok_or_else(|| missing(weight_path))?;
        let set_order = c.get("multipleBirthInteger").and_then(Value::as_u64);
        let mut extras = Vec::new();
        if let Some(order) = set_order {
            extras.push((cpath("multipleBirthInteger"), order.to_string()));
        }
        if let Some(weeks) = gestation_weeks {
            extras.push((gestation_path.to_owned(), weeks.to_string()));
        }
        let child_place = c
            .get("extension")
            .and_then(|_| extension(c, EXT_BIRTH_PLACE))
            .and_then(|e| e.get("valueAddress"))
            .and_then(Value::as_object)
            .and_then(address_text);
        #[rustfmt::skip]
        let certificate = BirthCertificate {
            episode_key: episode_key.clone(),
            mother_name: person_name(m).ok_or_else(|| missing(&mpath("name")))?,
            mother_birth_date: partial_date(m, "birthDate", &mpath("birthDate"))?.ok_or_else(|| missing(&mpath("birthDate")))?,
            mother_ethnicity_code: ethnicity(m, &mpath("extension(vn-ethnicity)"))?,
            nationality_code: nationality(m, &mpath("extension(patient-nationality)"))?,
            mother_social_insurance_no: identifier(m, VN_SOCIAL_INSURANCE_NO).map(str::to_owned),
            mother_health_insurance_card: identifier(m, VN_HEALTH_INSURANCE_CARD).map(str::to_owned),
            mother_id_number: mother_id_number.clone(), mother_id_issue_date: None, mother_id_issuer: None,
            mother_residence: address_text(residence).ok_or_else(|| missing(&mpath("address(home).text")))?,
            residence_province_code: address_code(residence, EXT_PROVINCE_CODE, 3, &mpath("address(home).extension(vn-province-code)"))?
                .ok_or_else(|| missing(&mpath("address(home).extension(vn-province-code)")))?,
            residence_district_code: address_code(residence, EXT_DISTRICT_CODE, 3, &mpath("address(home).extension(vn-district-code)"))?,
            residence_commune_code: address_code(residence, EXT_COMMUNE_CODE, 5, &mpath("address(home).extension(vn-commune-code)"))?
                .ok_or_else(|| missing(&mpath("address(home).extension(vn-commune-code)")))?,
            father_name: father.and_then(|f| person_name(f.json)), contact_phone: None,
            child_name: person_name(c), child_sex: sex(c, &cpath("gender"))?,
            child_temp_insurance_card: identifier(c, VN_HEALTH_INSURANCE_CARD).map(str::to_owned),
            babies_in_delivery, birth_order, living_children,
            weight_grams: grams(&weight, weight_path)?, birth_time,
            place_of_birth: place.clone().or(child_place).ok_or_else(|| missing("Location[birth].address"))?,
            // A BFDR live-birth report is of a child born alive; a death since is the child's deceased[x].
            child_condition: if c.get("deceasedBoolean").and_then(Value::as_bool) == Some(true) || c.contains_key("deceasedDateTime") { "Chết" } else { "Sống" }.to_owned(),
            caesarean, under_32_weeks: gestation_weeks.is_some_and(|w| w < 32.0), notes: None,
            birth_attendant: attendant.clone(), form_writer: certifier.clone(),
            certificate_issue_date,
            certificate_number: identifier(c, VN_BIRTH_CERTIFICATE_NUMBER).ok_or_else(|| missing(&cpath("identifier(vn-birth-certificate-number)")))?.to_owned(),
            certificate_book: identifier(c, VN_BIRTH_CERTIFICATE_BOOK).ok_or_else(|| missing(&cpath("identifier(vn-birth-certificate-book)")))?.to_owned(),
            facility_head: certifier.clone(),
        };
        extras.sort();
        records.push((
            set_order,
            BirthRecord {
                issued_at,
                facility_code: facility_code.clone(),
                certificate,
                extras,
            },
        ));
    }
    // Set order, then certificate number: the same output whatever the entry order.
    records.sort_by(|(a, x), (b, y)| {
        (a, &x.certificate.certificate_number).cmp(&(b, &y.certificate.certificate_number))
    });
    Ok(records.into_iter().map(|(_, r)| r).collect())
}

fn relationship(person: &Resource<'_>, codes: &[&str]) -> bool {
    match person.json.get("relationship") {
        Some(Value::Array(concepts)) => concepts.iter().any(|c| has_coding(c, V3_ROLE_CODE, codes)),
        _ => false,
    }
}

/// The attendant and the certifier: by BFDR STU2's profile or role
/// extension (`valueCode` `attendant` / `certifier`), else by the VR role
/// extension's code (the STU2 ballot's form), else the one Practitioner for both.
fn practitioners(doc: &Bundle<'_>) -> Result<(String, String), FhirError> {
    let with_role = |role: &'static str, profile: &'static str, role_extension: &'static str| {
        let path = format!("Practitioner[{role}]");
        doc.one(&path, move |r| {
            r.resource_type() == "Practitioner"
                && (r.has_profile(&[profile])
                    || extension(r.json, role_extension)
                        .and_then(|e| text(e, "valueCode"))
                        .is_some_and(|code| code == role)
                    || extension(r.json, VR_ROLE)
                        .and_then(|e| e.get("valueCodeableConcept"))
                        .is_some_and(|v| codings(v).any(|(_, c)| c == role)))
        })
    };
    let only = || doc.one("Practitioner", |r| r.resource_type() == "Practitioner");
    let attendant = match with_role("attendant", BFDR_ATTENDANT, BFDR_ROLE_ATTENDANT)? {
        Some(a) => a,
        None => only()?.ok_or_else(|| missing("Practitioner[attendant]"))?,
    };
    let certifier =
        with_role("certifier", BFDR_CERTIFIER, BFDR_ROLE_CERTIFIER)?.unwrap_or(attendant);
    let name = |r: Resource<'_>, path: &str| any_name(r.json).ok_or_else(|| missing(path));
    Ok((
        name(attendant, "Practitioner[attendant].name")?,
        name(certifier, "Practitioner[certifier].name")?,
    ))
}

/// The birth Location (type code `birth`): its name and address on one
/// line, and its facility code (MACSKCB).
fn birth_place(doc: &Bundle<'_>) -> Result<(Option<String>, Option<String>), FhirError> {
    let location = doc.one("Location[birth]", |r| {
        r.resource_type() == "Location"
            && r.json
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|types| types.iter().any(|t| codings(t).any(|(_, c)| c == "birth")))
    })?;
    let facility = location.and_then(|l| identifier(l.json, VN_FACILITY_CODE).map(str::to_owned));
    let place = location.and_then(|l| {
        let parts: Vec<String> = [
            text(l.json, "name").map(str::to_owned),
            l.object("address").and_then(address_text),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    });
    Ok((place, facility))
}

/// A birth weight Quantity in grams (`g`, `kg` or `[lb_av]`).
fn grams(weight: &Resource<'_>, path: &str) -> Result<u32, FhirError> {
    let quantity = weight
        .object("valueQuantity")
        .ok_or_else(|| missing(path))?;
    let value = quantity
        .get("value")
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| wrong(path, "a positive weight"))?;
    let factor = match text(quantity, "code").or_else(|| text(quantity, "unit")) {
        Some("g") => 1.0,
        Some("kg") => 1000.0,
        Some("[lb_av]") => 453.592_37,
        _ => return Err(wrong(path, "a weight in g, kg or [lb_av]")),
    };
    let grams = (value * factor).round();
    if grams > 0.0 && grams <= 20_000.0 {
        // In range, so the conversion is exact.
        Ok(grams as u32)
    } else {
        Err(wrong(path, "a birth weight up to 20 kg"))
    }
}
