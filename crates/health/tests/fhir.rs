//! FHIR R4 vital records: VRDR death-record messages and BFDR birth reports
//! read into the model, by profile and code whatever the entry order; each
//! refusal reason with its code and FHIR path.

use chrono::NaiveDate;
use hotich_health::fhir::json::{MAX_BUNDLE_ENTRIES, MAX_FHIR_BYTES, MAX_FHIR_DEPTH};
use hotich_health::fhir::{read_birth_report, read_death_message, read_fhir, BirthRecord};
use hotich_health::testkit::fhir::{
    death_message, death_submission_update_void, twin_birth_report, unknown_profile_bundle,
    DeathRecordKey, UNKNOWN_PROFILE,
};
use hotich_health::{DeathMessage, FhirError, FhirRecord, MessageAction};
use hotich_protocol::{Action, PartialDate, Sex};
use serde_json::{json, Value};

const FACILITY: &str = "79024";

fn key() -> DeathRecordKey {
    DeathRecordKey::new(FACILITY, "123", "2026")
}

fn bytes(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

fn read_death(value: &Value) -> Result<DeathMessage, FhirError> {
    read_death_message(&bytes(value))
}

fn submission() -> Value {
    death_message(MessageAction::Submission, &key(), "Trần Văn Tư", 0)
}

/// The entries of `bundle` (and of a document inside it), as a mutable list.
fn entries(bundle: &mut Value) -> &mut Vec<Value> {
    bundle["entry"].as_array_mut().expect("entries")
}

fn document(message: &mut Value) -> &mut Value {
    entries(message)
        .iter_mut()
        .find(|e| e["resource"]["resourceType"] == "Bundle")
        .map(|e| &mut e["resource"])
        .expect("document entry")
}

fn resource<'a>(bundle: &'a mut Value, id: &str) -> &'a mut Value {
    entries(bundle)
        .iter_mut()
        .find(|e| e["resource"]["id"] == id)
        .map(|e| &mut e["resource"])
        .expect("resource")
}

#[test]
fn submission_update_and_void_are_three_messages_about_one_record() {
    let messages: Vec<DeathMessage> = death_submission_update_void(&key())
        .iter()
        .map(|m| read_death(m).expect("read"))
        .collect();
    let actions: Vec<Action> = messages.iter().map(|m| m.action.action()).collect();
    assert_eq!(actions, [Action::Issue, Action::Correct, Action::Void]);
    for m in &messages {
        assert_eq!(m.record_id, "202679024000123");
        assert_eq!(m.record_id, key().record_id());
    }
    let hints: Vec<_> = messages
        .iter()
        .map(|m| m.version_hint.expect("timestamp"))
        .collect();
    assert!(hints[0] < hints[1] && hints[1] < hints[2], "{hints:?}");
    assert_eq!(
        messages[1].notice.as_ref().map(|n| n.name.as_str()),
        Some("Trần Văn Tứ")
    );
    assert_eq!(messages[2].notice, None);
    assert_eq!(messages[2].block_count, 1);

    let notice = messages[0].notice.clone().expect("notice");
    // The official name, not the nickname listed first.
    assert_eq!(notice.name, "Trần Văn Tư");
    assert_eq!(
        notice.birth_date,
        PartialDate::Full(NaiveDate::from_ymd_opt(1948, 3, 15).expect("date"))
    );
    assert_eq!(notice.sex, Sex::Male);
    assert_eq!(notice.id_number.as_deref(), Some("079048001234"));
    assert_eq!(notice.id_document_type, 4);
    assert_eq!(
        (
            notice.ethnicity_code.as_str(),
            notice.nationality_code.as_str()
        ),
        ("01", "704")
    );
    // Home is the permanent residence, temp the current one, whatever their order.
    assert_eq!(notice.permanent_commune_code, "27655");
    assert_eq!(notice.current_commune_code.as_deref(), Some("26734"));
    assert_eq!(notice.death_time.to_string(), "2026-11-20 08:30:00");
    // Line 1 of part 1 is the immediate cause, although it comes second.
    assert_eq!(
        notice.cause_of_death.as_deref(),
        Some("Nhồi máu cơ tim cấp")
    );
    assert_eq!(notice.icd10_code.as_deref(), Some("I21.9"));
    assert_eq!(notice.writer, "Lê Thị Hồng");
    assert_eq!(notice.facility_head, "Nguyễn Tri Thức");
    assert_eq!(notice.facility_code, FACILITY);
    assert_eq!(
        (notice.notice_number.as_str(), notice.notice_book.as_str()),
        ("123", "2026")
    );
    assert!(!notice.died_before_arrival);
    assert!(messages[0]
        .extras
        .iter()
        .any(|(path, value)| path == "MessageHeader.source.endpoint" && value.ends_with(FACILITY)));
}

#[test]
fn twins_give_two_certificates_in_set_order() {
    let records = read_birth_report(&bytes(&twin_birth_report("79025"))).expect("read");
    assert_eq!(records.len(), 2);
    let [first, second]: [&BirthRecord; 2] = [&records[0], &records[1]];
    let (a, b) = (&first.certificate, &second.certificate);
    assert_eq!(a.child_name.as_deref(), Some("Quách Bảo An"));
    assert_eq!(b.child_name.as_deref(), Some("Quách Bảo Ngọc"));
    assert_eq!((a.child_sex, b.child_sex), (Sex::Male, Sex::Female));
    // Each child's own weight, by subject, in grams (one was sent in kg).
    assert_eq!((a.weight_grams, b.weight_grams), (2600, 2450));
    assert_eq!(
        (a.certificate_number.as_str(), b.certificate_number.as_str()),
        ("000981", "000982")
    );
    assert_eq!(a.episode_key, b.episode_key);
    assert_eq!(first.facility_code.as_deref(), Some("79025"));
    assert_eq!(a.birth_time.to_string(), "2026-11-18 06:10:00");
    assert_eq!(a.babies_in_delivery, 2);
    assert_eq!((a.birth_order, a.living_children), (2, 3));
    assert_eq!(a.mother_name, "Đặng Thị Thu Hà");
    assert_eq!(a.father_name.as_deref(), Some("Quách Minh Khang"));
    assert_eq!(a.residence_commune_code, "27163");
    assert!(a.caesarean && !a.under_32_weeks);
    assert_eq!(
        a.place_of_birth,
        "Bệnh viện Từ Dũ, 284 Cống Quỳnh, phường Cầu Ông Lãnh, TP. Hồ Chí Minh"
    );
    assert_eq!(
        (a.birth_attendant.as_str(), a.form_writer.as_str()),
        ("Hộ sinh Phạm Thị Lan", "BS. Võ Minh Tuấn")
    );
    assert_eq!(
        first.extras.first().map(|(p, v)| (p.as_str(), v.as_str())),
        Some(("Observation[11884-4 gestational age].valueQuantity", "36"))
    );
    match read_fhir(&bytes(&twin_birth_report("79025"))) {
        Ok(FhirRecord::Birth { children }) => assert_eq!(children, records),
        other => panic!("read_fhir: {other:?}"),
    }
}

/// BFDR STU2's own forms: practitioners told apart by their profiles' role
/// extensions (`valueCode`), and the birth count from the previous live
/// births now living (11638-4) and now dead (68496-9) when 11640-0 is absent.
#[test]
fn bfdr_stu2_roles_and_counts_are_read() {
    let mut report = twin_birth_report("79025");
    for (id, role) in [("attendant", "attendant"), ("certifier", "certifier")] {
        let practitioner = resource(&mut report, id);
        let base = "http://hl7.org/fhir/us/bfdr/StructureDefinition/";
        practitioner["meta"] = json!({ "profile": [format!("{base}Practitioner-birth-{role}")] });
        practitioner["extension"] = json!([{
            "url": format!("{base}practitioner-role-birth-{role}"),
            "valueCode": role
        }]);
    }
    let births_total = resource(&mut report, "births-total");
    births_total["code"]["coding"][0]["code"] = json!("68496-9");
    births_total["valueInteger"] = json!(1);
    let records = read_birth_report(&bytes(&report)).expect("read");
    let a = &records[0].certificate;
    assert_eq!(
        (a.birth_attendant.as_str(), a.form_writer.as_str()),
        ("Hộ sinh Phạm Thị Lan", "BS. Võ Minh Tuấn")
    );
    assert_eq!((a.birth_order, a.living_children), (3 + 1 + 1, 3));
}

#[test]
fn partial_birth_dates_stay_partial() {
    // The mother's year only: the partial-date extension with month and day absent.
    let records = read_birth_report(&bytes(&twin_birth_report("79025"))).expect("read");
    assert_eq!(
        records[0].certificate.mother_birth_date,
        PartialDate::Year(1996)
    );

    // The decedent: year and month known, the day marked absent.
    let mut message = submission();
    let decedent = resource(document(&mut message), "decedent-1");
    decedent["birthDate"] = json!("1948-03");
    decedent["_birthDate"] = json!({ "extension": [{
        "url": "http://hl7.org/fhir/us/vr-common-library/StructureDefinition/Extension-partial-date-vr",
        "extension": [
            { "url": "year", "valueUnsignedInt": 1948 },
            { "url": "month", "valueUnsignedInt": 3 },
            { "url": "day", "_valueUnsignedInt": { "extension": [{
                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "unknown" }] } }
        ]
    }] });
    let notice = read_death(&message).expect("read").notice.expect("notice");
    assert_eq!(notice.birth_date, PartialDate::YearMonth(1948, 3));

    // A plain FHIR date of year precision.
    let mut message = submission();
    resource(document(&mut message), "decedent-1")["birthDate"] = json!("1948");
    let notice = read_death(&message).expect("read").notice.expect("notice");
    assert_eq!(notice.birth_date, PartialDate::Year(1948));
}

/// Every rotation and the reverse of a list.
fn orders(list: &[Value]) -> Vec<Vec<Value>> {
    let mut all: Vec<Vec<Value>> = (0..list.len())
        .map(|k| {
            let mut v = list.to_vec();
            v.rotate_left(k);
            v
        })
        .collect();
    all.push(list.iter().rev().cloned().collect());
    all
}

#[test]
fn entries_in_any_order_read_the_same() {
    let original = read_death(&submission()).expect("read");
    let doc_entries = entries(document(&mut submission())).clone();
    let message_entries = entries(&mut submission()).clone();
    for (doc_order, message_order) in orders(&doc_entries)
        .into_iter()
        .zip(orders(&message_entries).into_iter().cycle())
    {
        let mut message = submission();
        *entries(document(&mut message)) = doc_order;
        *entries(&mut message) = message_order;
        assert_eq!(read_death(&message).expect("read"), original);
    }

    let twins = twin_birth_report("79025");
    let original = read_birth_report(&bytes(&twins)).expect("read");
    for order in orders(twins["entry"].as_array().expect("entries")) {
        let mut shuffled = twins.clone();
        shuffled["entry"] = Value::Array(order);
        assert_eq!(
            read_birth_report(&bytes(&shuffled)).expect("read"),
            original
        );
    }
}

#[test]
fn an_unknown_profile_is_refused_by_name() {
    let refusal = read_fhir(&bytes(&unknown_profile_bundle())).expect_err("refused");
    assert_eq!(refusal.code(), "fhir_unknown_profile");
    assert_eq!(
        refusal,
        FhirError::UnknownProfile {
            profile: UNKNOWN_PROFILE.to_owned(),
            resource_type: "Observation".to_owned()
        }
    );
}

fn refusal_of(value: &Value) -> FhirError {
    read_fhir(&bytes(value)).expect_err("refused")
}

#[test]
fn each_refusal_has_its_code_and_names_the_path_not_the_person() {
    let mut cases: Vec<(&str, FhirError)> = Vec::new();
    cases.push((
        "fhir_malformed",
        read_fhir(b"{\"resourceType\": \"Bundle\", ").expect_err("refused"),
    ));
    // Nothing of a known format: refused whole, at once.
    let numbers = format!("[{}0]", "1,".repeat(1_000_000));
    let start = std::time::Instant::now();
    cases.push((
        "fhir_not_a_bundle",
        read_fhir(numbers.as_bytes()).expect_err("refused"),
    ));
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
    cases.push((
        "fhir_not_a_bundle",
        refusal_of(&json!({ "resourceType": "Patient" })),
    ));

    let mut unknown_event = submission();
    resource(
        &mut unknown_event,
        &format!("header-{}-0", key().record_id()),
    )["eventUri"] = json!("http://nchs.cdc.gov/vrdr_coding");
    cases.push(("fhir_unknown_event", refusal_of(&unknown_event)));

    let mut no_death_date = submission();
    entries(document(&mut no_death_date)).retain(|e| e["resource"]["id"] != "death-date-1");
    let missing = refusal_of(&no_death_date);
    assert_eq!(
        missing,
        FhirError::MissingElement {
            path: "Observation[vrdr-death-date]".to_owned()
        }
    );
    cases.push(("fhir_missing_element", missing));

    let mut no_commune = submission();
    resource(document(&mut no_commune), "decedent-1")["address"][1]["extension"]
        .as_array_mut()
        .expect("extensions")
        .pop();
    assert_eq!(
        refusal_of(&no_commune),
        FhirError::MissingElement {
            path: "Patient[vrdr-decedent].address(home).extension(vn-commune-code)".to_owned()
        }
    );

    let mut bad_gender = submission();
    resource(document(&mut bad_gender), "decedent-1")["gender"] = json!("Trần");
    cases.push(("fhir_wrong_form", refusal_of(&bad_gender)));

    let mut bad_id = submission();
    resource(document(&mut bad_id), "decedent-1")["identifier"][0]["value"] = json!("07904800");
    cases.push(("fhir_wrong_form", refusal_of(&bad_id)));

    let bare_document = document(&mut submission()).clone();
    assert_eq!(
        refusal_of(&bare_document),
        FhirError::WrongBundleType {
            path: "Bundle.type".to_owned(),
            expected: "message",
            found: "document".to_owned()
        }
    );

    let mut not_document = submission();
    document(&mut not_document)["type"] = json!("collection");
    cases.push(("fhir_wrong_bundle_type", refusal_of(&not_document)));

    let mut two_mothers = twin_birth_report("79025");
    let mother = two_mothers["entry"][3].clone();
    entries(&mut two_mothers).push(mother);
    cases.push(("fhir_ambiguous", refusal_of(&two_mothers)));

    cases.push((
        "fhir_too_large",
        read_fhir(&vec![b' '; MAX_FHIR_BYTES + 1]).expect_err("refused"),
    ));
    let deep = format!(
        "{}{}",
        "[".repeat(MAX_FHIR_DEPTH + 1),
        "]".repeat(MAX_FHIR_DEPTH + 1)
    );
    cases.push((
        "fhir_too_deep",
        read_fhir(deep.as_bytes()).expect_err("refused"),
    ));
    let mut many = submission();
    *entries(&mut many) =
        vec![json!({ "resource": { "resourceType": "Basic" } }); MAX_BUNDLE_ENTRIES + 1];
    cases.push(("fhir_too_many_entries", refusal_of(&many)));

    for (code, refusal) in &cases {
        assert_eq!(refusal.code(), *code, "{refusal:?}");
        let message = refusal.to_string();
        for personal in ["Trần", "079048", "Tư"] {
            assert!(!message.contains(personal), "{code}: {message}");
        }
    }
}

#[test]
fn the_event_may_come_as_a_coding() {
    let mut message = death_message(MessageAction::Void, &key(), "", 1);
    let header = resource(&mut message, &format!("header-{}-1", key().record_id()));
    header.as_object_mut().expect("header").remove("eventUri");
    header["eventCoding"] =
        json!({ "system": "http://nchs.cdc.gov", "code": "vrdr_submission_void" });
    let read = read_death(&message).expect("read");
    assert_eq!(
        (read.action, read.record_id),
        (MessageAction::Void, key().record_id())
    );
}

#[test]
fn fhir_is_told_from_hotich_envelopes() {
    use hotich_health::fhir::looks_like_fhir;
    assert!(looks_like_fhir(&bytes(&submission())));
    assert!(looks_like_fhir(
        format!("\u{feff}\n  {}", twin_birth_report("79025")).as_bytes()
    ));
    assert!(!looks_like_fhir(
        br#"{"protected":"eyJhbGciOiJFZERTQSJ9","payload":"e30","signature":"AA"}"#
    ));
    assert!(!looks_like_fhir(b"[{\"resourceType\": \"Bundle\"}]"));
}
