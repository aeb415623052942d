//! Fixed registrations for the extract suites: fixed ids and dates, so a
//! render is the same on every run (the golden images depend on it).

#![allow(dead_code)]

/// The store fixture of hotich-core's suites, built the same way here.
#[path = "../../../core/tests/common/fixture.rs"]
pub mod fixture;

use chrono::NaiveDate;
use hotich_core::registration::form::{parse_id_document, parse_relationship};
use hotich_core::registration::{BirthFacts, DeathFacts, ParentFacts, Requester};
use hotich_core::{ContentField, DocumentKind, Registration, RegistrationForm};
use hotich_extract::{Issuer, Prepared};
use hotich_protocol::{EventKind, PartialDate, Sex};
use unicode_normalization::UnicodeNormalization;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn issue_date() -> NaiveDate {
    date(2026, 11, 21)
}

pub fn issuer() -> Issuer {
    Issuer {
        commune_name: "Xã Bằng Thành".into(),
        province_name: "Tỉnh Thái Nguyên".into(),
    }
}

/// The commune the fixtures' papers are signed for (the demo commune key).
pub const COMMUNE: &str = "01864";

/// `document` of `registration` as a preview (nothing issued), by the
/// commune on the issue day.
pub fn preview(
    registration: &Registration,
    document: DocumentKind,
) -> hotich_extract::Result<Prepared> {
    Prepared::of(registration, document, &issuer(), issue_date())
}

/// `document` of `registration`, one copy issued on the issue day with a
/// fixed serial (so the page is the same on every run) and signed with the
/// demo commune key.
pub fn prepare(
    registration: &Registration,
    document: DocumentKind,
) -> hotich_extract::Result<Prepared> {
    let mut prepared = preview(registration, document)?;
    prepared.copies = hotich_core::paper::PaperSigner::demo(COMMUNE).issue_serials(
        registration,
        document,
        issue_date(),
        &[hotich_protocol::paper::Serial(*b"hotich-001")],
    );
    Ok(prepared)
}

/// What a checker of the fixtures' papers holds: the demo root and the
/// demo commune's certificate.
pub fn demo_trust() -> hotich_protocol::paper::PaperTrust {
    let root = hotich_protocol::trust::demo_root_signer();
    let from = "2024-01-01T00:00:00Z".parse().unwrap();
    hotich_protocol::paper::PaperTrust::new(
        root.key_id(),
        &root.public_key_b64(),
        vec![
            hotich_protocol::paper::certificate::demo_commune_certificate(
                COMMUNE,
                "Xã Bằng Thành",
                "Tỉnh Thái Nguyên",
                from,
            ),
        ],
    )
}

/// The value printed on the line `name` of a paper's content.
pub fn field_value<'a>(content: &'a [ContentField], name: &str) -> &'a str {
    content
        .iter()
        .find(|field| field.name == name)
        .map(|field| field.value.as_str())
        .unwrap_or_else(|| panic!("no line {name} is printed"))
}

/// `document` of the fixed death (for a death extract) or birth (otherwise).
pub fn prepared(document: DocumentKind) -> Prepared {
    let registration = match document {
        DocumentKind::DeathExtract => death(),
        _ => birth(),
    };
    prepare(&registration, document).unwrap()
}

fn registration(id: &str, number: u32, form: RegistrationForm) -> Registration {
    Registration {
        id: id.into(),
        case_id: format!("case-{id}"),
        kind: form.kind,
        year: 2026,
        number,
        book: "01/2026".into(),
        registered_at: "2026-11-21T02:30:00+00:00".into(),
        officer_name: "Nguyễn Thị Lan".into(),
        late: false,
        current: form.clone(),
        original: form,
        amendments: Vec::new(),
    }
}

/// A birth with stacked diacritics in every name and a long place of birth.
pub fn birth_form() -> RegistrationForm {
    let mut form = RegistrationForm::empty(EventKind::Birth);
    form.birth = Some(BirthFacts {
        child_name: "Hoàng Thị Ngọc Hằng".into(),
        sex: Some(Sex::Female),
        birth_date: Some(date(2026, 3, 15)),
        birth_place: "Trạm Y tế xã Bằng Thành, thôn Nà Tằng, xã Bằng Thành, tỉnh Thái Nguyên"
            .into(),
        native_place: "Xã Bằng Thành, tỉnh Thái Nguyên".into(),
        ethnicity: "Tày".into(),
        nationality: "Việt Nam".into(),
        personal_id: "019326001234".into(),
        mother: ParentFacts {
            full_name: "Đặng Thị Ặng".into(),
            birth_year: Some(1996),
            ethnicity: "Tày".into(),
            nationality: "Việt Nam".into(),
            residence: NA_TANG.into(),
        },
        father: ParentFacts {
            full_name: "Hoàng Văn Ngữ".into(),
            birth_year: Some(1994),
            ethnicity: "Tày".into(),
            nationality: "Việt Nam".into(),
            residence: NA_TANG.into(),
        },
    });
    // The father asks; the chair signs.
    let requester = ["Hoàng Văn Ngữ", "CCCD 019094001234", "Cha", NA_TANG];
    completed(form, requester, ["Phạm Văn Lãnh", "Chủ tịch"])
}

const NA_TANG: &str = "Thôn Nà Tằng, xã Bằng Thành, tỉnh Thái Nguyên";
const BAN_CHANG: &str = "Thôn Bản Chang, xã Bằng Thành, tỉnh Thái Nguyên";

/// `form` with its requester (full name, ID document, relationship,
/// residence), registered on the issue day and signed by (name, title).
fn completed(
    mut form: RegistrationForm,
    [full_name, id_document, relationship, residence]: [&str; 4],
    [signer_name, signer_title]: [&str; 2],
) -> RegistrationForm {
    let (id_type, id_number) = parse_id_document(id_document);
    form.requester = Requester {
        full_name: full_name.into(),
        id_type,
        id_number,
        relationship: parse_relationship(relationship),
        relationship_other: String::new(),
        residence: residence.into(),
    };
    form.registration_date = Some(issue_date());
    form.signer_name = signer_name.into();
    form.signer_title = signer_title.into();
    form
}

pub fn birth() -> Registration {
    registration("0193a3f0-0000-7000-8000-00000000b001", 12, birth_form())
}

/// A death with a known time, a cause and its notice.
pub fn death_form() -> RegistrationForm {
    let mut form = RegistrationForm::empty(EventKind::Death);
    form.death = Some(DeathFacts {
        full_name: "Đặng Văn Ngữ".into(),
        birth_date: Some(PartialDate::Full(date(1948, 4, 5))),
        sex: Some(Sex::Male),
        ethnicity: "Kinh".into(),
        nationality: "Việt Nam".into(),
        last_residence: BAN_CHANG.into(),
        id_document: "CCCD 006048001234".into(),
        personal_id: "006048001234".into(),
        death_date: Some(date(2026, 11, 10)),
        death_time: "14:30".into(),
        death_place: "Bệnh viện Đa khoa tỉnh Thái Nguyên, số 479 đường Lương Ngọc Quyến, phường Phan Đình Phùng, tỉnh Thái Nguyên".into(),
        cause: "Nhồi máu cơ tim cấp".into(),
        notice_number: "125/2026".into(),
        notice_issuer: "Bệnh viện Đa khoa tỉnh Thái Nguyên".into(),
        notice_date: Some(date(2026, 11, 10)),
        replacing_document: String::new(),
    });
    // The deceased's daughter asks; the vice-chair signs.
    let requester = ["Đặng Thị Hằng", "CCCD 019196004321", "Con", BAN_CHANG];
    completed(form, requester, ["Lường Thị Ỗn", "Phó Chủ tịch"])
}

pub fn death() -> Registration {
    registration("0193a3f0-0000-7000-8000-00000000d001", 7, death_form())
}

/// Every text of a form in NFD, as some keyboards and imports deliver it.
pub fn decomposed(registration: &Registration) -> Registration {
    let nfd = |text: &str| text.nfd().collect::<String>();
    let mut value = serde_json::to_value(registration).unwrap();
    fn walk(value: &mut serde_json::Value, nfd: &dyn Fn(&str) -> String) {
        match value {
            serde_json::Value::String(text) => *text = nfd(text),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| walk(v, nfd)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| walk(v, nfd)),
            _ => {}
        }
    }
    walk(&mut value, &nfd);
    serde_json::from_value(value).unwrap()
}
