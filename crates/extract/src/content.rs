//! What an extract says, line by line, built from a registration: the
//! layout places it, the content hash covers it, verification compares it.

use chrono::{Datelike, NaiveDate};
use hotich_core::registration::{BirthFacts, DeathFacts, ParentFacts, Requester};
use hotich_core::text::lower_first;
use hotich_core::{ContentField, DocumentKind, Office, Registration};
use hotich_protocol::{EventKind, PartialDate, Sex};
use serde::Serialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::error::ExtractError;
use crate::words::{date_in_words, month_year_in_words, number_in_words, time_in_words};

/// The People's Committee that issues the paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issuer {
    /// "Xã Bằng Thành", "Phường Ba Đình".
    pub commune_name: String,
    /// "Tỉnh Thái Nguyên".
    pub province_name: String,
}

impl From<&Office> for Issuer {
    fn from(office: &Office) -> Issuer {
        Issuer {
            commune_name: office.commune_name.clone(),
            province_name: office.province_name.clone(),
        }
    }
}

impl Issuer {
    /// "Ủy ban nhân dân xã Bằng Thành, tỉnh Thái Nguyên": the registering office.
    fn office_name(&self) -> String {
        let province = lower_first(&self.province_name);
        let commune = lower_first(&self.commune_name);
        if province.is_empty() {
            format!("Ủy ban nhân dân {commune}")
        } else {
            format!("Ủy ban nhân dân {commune}, {province}")
        }
    }
}

/// The units a commune's name starts with ("Xã Bằng Thành", "Phường Ba
/// Đình", "Đặc khu Côn Đảo"; "Thị trấn" before the 2025 reform).
const COMMUNE_UNITS: [&str; 4] = ["Xã", "Phường", "Đặc khu", "Thị trấn"];

/// The place a paper is issued at, as its place line names it: the
/// commune's name without its unit ("Bằng Thành"), except a name that is a
/// number, which keeps it ("Phường 1") (Decree 30/2020/NĐ-CP, Appendix I,
/// on the place name of a document: the administrative unit's name; in
/// full when the unit is named by a number).
pub fn place_name(commune_name: &str) -> String {
    let commune_name = nfc(commune_name);
    for unit in COMMUNE_UNITS {
        if let Some(name) = commune_name
            .strip_prefix(unit)
            .and_then(|rest| rest.strip_prefix(' '))
        {
            if !name.starts_with(|c: char| c.is_ascii_digit()) && !name.is_empty() {
                return name.to_owned();
            }
        }
    }
    commune_name
}

/// Which paper of a registration this is, printed under the title as the
/// Ministry's forms have it (Circular 04/2020/TT-BTP, forms as amended by
/// Circular 04/2024/TT-BTP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Marking {
    /// "(Bản chính)".
    Original,
    /// "(Bản sao)".
    Copy,
}

impl Marking {
    /// Law on Civil Status 2014, Art. 4(6) and 4(9): the Giấy khai sinh is
    /// the birth's original; the original extract is issued right after the
    /// event is registered (on the day of registration), and an extract
    /// issued later from the register is a copy. A birth's extract is
    /// always a copy: its original is the Giấy khai sinh (the forms have no
    /// "Trích lục khai sinh (Bản chính)").
    pub fn of(document: DocumentKind, registered_on: NaiveDate, issue_date: NaiveDate) -> Marking {
        match document {
            DocumentKind::BirthCertificate => Marking::Original,
            DocumentKind::BirthExtract => Marking::Copy,
            DocumentKind::DeathExtract if issue_date <= registered_on => Marking::Original,
            DocumentKind::DeathExtract => Marking::Copy,
        }
    }

    /// "Bản chính", "Bản sao".
    pub fn words(self) -> &'static str {
        match self {
            Marking::Original => "Bản chính",
            Marking::Copy => "Bản sao",
        }
    }
}

/// How a value prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ValueStyle {
    Plain,
    /// A person's name: upper case with its diacritics, in bold.
    Name,
}

/// One labelled value on the paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Unique in the document: names it in the hash and in a verification
    /// ("Năm sinh của mẹ"), where the printed label ("Năm sinh") may repeat.
    pub name: String,
    pub label: String,
    pub value: String,
    pub style: ValueStyle,
}

/// Fields printed side by side on one line (each on its own line when they
/// do not fit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row(pub Vec<Field>);

/// Trimmed, single-spaced NFC: printpdf places one glyph per code point, so
/// a decomposed (NFD) mark would print beside its letter instead of on it.
pub fn nfc(text: &str) -> String {
    let composed: String = text.nfc().collect();
    composed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Names print in upper case with their diacritics, as on the official
/// papers; every Vietnamese capital exists precomposed.
pub fn name_upper(text: &str) -> String {
    nfc(&nfc(text).to_uppercase())
}

fn field(name: &str, label: &str, value: impl AsRef<str>) -> Field {
    Field {
        name: name.to_owned(),
        label: label.to_owned(),
        value: nfc(value.as_ref()),
        style: ValueStyle::Plain,
    }
}

fn name_field(name: &str, label: &str, value: &str) -> Field {
    Field {
        name: name.to_owned(),
        label: label.to_owned(),
        value: name_upper(value),
        style: ValueStyle::Name,
    }
}

fn one(f: Field) -> Row {
    Row(vec![f])
}

fn sex_vi(sex: Option<Sex>) -> &'static str {
    match sex {
        Some(Sex::Male) => "Nam",
        Some(Sex::Female) => "Nữ",
        Some(Sex::Undetermined) => "Chưa xác định",
        None => "",
    }
}

fn digits(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

fn partial_digits(date: &PartialDate) -> String {
    match *date {
        PartialDate::Year(y) => format!("{y:04}"),
        PartialDate::YearMonth(y, m) => format!("{m:02}/{y:04}"),
        PartialDate::Full(d) => digits(d),
    }
}

fn partial_words(date: &PartialDate) -> String {
    match *date {
        PartialDate::Year(y) => format!("năm {}", number_in_words(u32::try_from(y).unwrap_or(0))),
        PartialDate::YearMonth(y, m) => month_year_in_words(y, m),
        PartialDate::Full(d) => date_in_words(d),
    }
}

/// "14:30" -> (14, 30); anything else is an unknown time.
fn hour_minute(text: &str) -> Option<(u32, u32)> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// The document as printed: header, title, fields, place and date of
/// issue, signer. The verification code and QR are derived from it and are
/// not part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extract {
    pub document: DocumentKind,
    pub registration_id: String,
    pub issuer: Issuer,
    /// Số: the register number (Circular 04/2020/TT-BTP, Art. 29: the
    /// number on the paper is the number in the register).
    pub number: u32,
    /// Quyển số.
    pub book: String,
    pub issue_date: NaiveDate,
    pub rows: Vec<Row>,
    /// Empty: the signer writes it by hand.
    pub signer_title: String,
    pub signer_name: String,
    /// A deputy signing for the chairman: "KT. CHỦ TỊCH" above the title.
    pub signer_on_behalf: bool,
    /// "(Bản chính)" or "(Bản sao)" under the title.
    pub marking: Marking,
}

impl Extract {
    /// "GIẤY KHAI SINH".
    pub fn title(&self) -> &'static str {
        match self.document {
            DocumentKind::BirthCertificate => "GIẤY KHAI SINH",
            DocumentKind::BirthExtract => "TRÍCH LỤC KHAI SINH",
            DocumentKind::DeathExtract => "TRÍCH LỤC KHAI TỬ",
        }
    }

    /// Under the title: "(Bản chính)" or "(Bản sao)" ([`Marking::of`]).
    pub fn subtitle(&self) -> Option<&'static str> {
        Some(match self.marking {
            Marking::Original => "(Bản chính)",
            Marking::Copy => "(Bản sao)",
        })
    }

    /// "ỦY BAN NHÂN DÂN" and the commune's name in capitals.
    pub fn authority_lines(&self) -> [String; 2] {
        [
            "ỦY BAN NHÂN DÂN".to_owned(),
            name_upper(&self.issuer.commune_name),
        ]
    }

    /// "Bằng Thành, ngày 21 tháng 11 năm 2026": the place's name
    /// ([`place_name`]), then the date.
    pub fn place_and_date(&self) -> String {
        let d = self.issue_date;
        nfc(&format!(
            "{}, ngày {:02} tháng {:02} năm {}",
            place_name(&self.issuer.commune_name),
            d.day(),
            d.month(),
            d.year()
        ))
    }

    /// The title block's lines: "KT. CHỦ TỊCH" then "PHÓ CHỦ TỊCH" for a
    /// deputy signing on behalf (Decree 30/2020/NĐ-CP, Appendix I), else the
    /// caption alone.
    pub fn signer_caption_lines(&self) -> Vec<String> {
        if self.signer_on_behalf && !self.signer_title.is_empty() {
            vec!["KT. CHỦ TỊCH".to_owned(), self.signer_caption()]
        } else {
            vec![self.signer_caption()]
        }
    }

    /// The signer's caption: the title given, or the form's generic one.
    pub fn signer_caption(&self) -> String {
        if self.signer_title.is_empty() {
            match self.document {
                DocumentKind::BirthCertificate => "NGƯỜI KÝ GIẤY KHAI SINH".to_owned(),
                _ => "NGƯỜI KÝ TRÍCH LỤC".to_owned(),
            }
        } else {
            name_upper(&self.signer_title)
        }
    }

    /// Everything printed, in order, as `name -> value`: what the content
    /// hash covers and what a verification compares.
    pub fn content(&self) -> Vec<ContentField> {
        let [authority, commune] = self.authority_lines();
        let mut fields = vec![
            content("Cơ quan cấp", format!("{authority} {commune}")),
            content("Số", self.number.to_string()),
            content("Quyển số", self.book.clone()),
            content("Tên giấy tờ", self.title().to_owned()),
            content("Bản", self.marking.words().to_owned()),
        ];
        fields.extend(
            self.rows
                .iter()
                .flat_map(|row| &row.0)
                .map(|f| content(&f.name, f.value.clone())),
        );
        fields.extend([
            content("Nơi, ngày cấp", self.place_and_date()),
            content("Chức vụ người ký", self.signer_caption_lines().join(" / ")),
            content("Người ký", self.signer_name.clone()),
        ]);
        fields
    }

    /// SHA-256 (hex) of the record id, the document type and the content.
    pub fn content_sha256(&self) -> String {
        content_sha256(&self.registration_id, self.document, &self.content())
    }
}

fn content(name: &str, value: String) -> ContentField {
    ContentField {
        name: name.to_owned(),
        value,
    }
}

/// The hash of printed content, as stored in the print log and in the QR.
pub fn content_sha256(
    registration_id: &str,
    document: DocumentKind,
    content: &[ContentField],
) -> String {
    let pairs: Vec<(&str, &str)> = content
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_str()))
        .collect();
    // serde_json of plain strings is canonical: one encoding per content.
    let canonical =
        serde_json::to_vec(&(registration_id, document.as_str(), pairs)).unwrap_or_default();
    hex(&Sha256::digest(canonical))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The extract of `document` for a registration as it stands now (amendments
/// applied), issued by `issuer` on `issue_date`.
pub fn build(
    registration: &Registration,
    document: DocumentKind,
    issuer: &Issuer,
    issue_date: NaiveDate,
) -> Result<Extract, ExtractError> {
    if document.event_kind() != registration.kind {
        return Err(ExtractError::WrongDocument {
            document,
            kind: registration.kind,
        });
    }
    let form = &registration.current;
    let registered_on = form.registration_date.map(digits).unwrap_or_default();
    let registration_day = form
        .registration_date
        .or_else(|| hotich_core::time::office_day_of(&registration.registered_at))
        .unwrap_or(issue_date);
    let office = issuer.office_name();
    let rows = match (registration.kind, &form.birth, &form.death) {
        (EventKind::Birth, Some(birth), _) => {
            birth_rows(birth, &form.requester, &office, &registered_on)
        }
        (EventKind::Death, _, Some(death)) => {
            death_rows(death, &form.requester, &office, &registered_on)
        }
        _ => return Err(ExtractError::IncompleteRecord(registration.id.clone())),
    };
    Ok(Extract {
        document,
        registration_id: registration.id.clone(),
        issuer: Issuer {
            commune_name: nfc(&issuer.commune_name),
            province_name: nfc(&issuer.province_name),
        },
        number: registration.number,
        book: nfc(&registration.book),
        issue_date,
        rows,
        signer_title: nfc(&form.signer_title),
        signer_name: nfc(&form.signer_name),
        signer_on_behalf: form.signer_on_behalf,
        marking: Marking::of(document, registration_day, issue_date),
    })
}

/// The birth registration's content (Law on Civil Status 2014, Art. 14(1);
/// the fields of the Giấy khai sinh and Trích lục khai sinh forms, Circular
/// 04/2020/TT-BTP): date of birth in digits and in words.
fn birth_rows(
    b: &BirthFacts,
    requester: &Requester,
    office: &str,
    registered_on: &str,
) -> Vec<Row> {
    let mut rows = vec![
        one(name_field(
            "Họ, chữ đệm, tên",
            "Họ, chữ đệm, tên",
            &b.child_name,
        )),
        one(field(
            "Ngày, tháng, năm sinh",
            "Ngày, tháng, năm sinh",
            b.birth_date.map(digits).unwrap_or_default(),
        )),
        one(field(
            "Ngày, tháng, năm sinh (bằng chữ)",
            "Ghi bằng chữ",
            b.birth_date.map(date_in_words).unwrap_or_default(),
        )),
        Row(vec![
            field("Giới tính", "Giới tính", sex_vi(b.sex)),
            field("Dân tộc", "Dân tộc", &b.ethnicity),
            field("Quốc tịch", "Quốc tịch", &b.nationality),
        ]),
        one(field("Nơi sinh", "Nơi sinh", &b.birth_place)),
        one(field("Quê quán", "Quê quán", &b.native_place)),
        one(field(
            "Số định danh cá nhân",
            "Số định danh cá nhân",
            &b.personal_id,
        )),
    ];
    rows.extend(parent_rows("mẹ", &b.mother));
    rows.extend(parent_rows("cha", &b.father));
    rows.extend(closing_rows("khai sinh", requester, office, registered_on));
    rows
}

/// A parent's lines; an unrecorded father prints blank lines.
fn parent_rows(who: &str, p: &ParentFacts) -> Vec<Row> {
    let of = |what: &str| format!("{what} của {who}");
    vec![
        one(name_field(
            &of("Họ, chữ đệm, tên"),
            &format!("Họ, chữ đệm, tên người {who}"),
            &p.full_name,
        )),
        Row(vec![
            field(
                &of("Năm sinh"),
                "Năm sinh",
                p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            ),
            field(&of("Dân tộc"), "Dân tộc", &p.ethnicity),
            field(&of("Quốc tịch"), "Quốc tịch", &p.nationality),
        ]),
        one(field(&of("Nơi cư trú"), "Nơi cư trú", &p.residence)),
    ]
}

/// Who asked, where and when it was registered: the last lines of both papers.
fn closing_rows(act: &str, requester: &Requester, office: &str, registered_on: &str) -> Vec<Row> {
    let place = format!("Nơi đăng ký {act}");
    let mut rows = requester_rows(act, requester);
    rows.push(one(field(&place, &place, office)));
    rows.push(one(field(
        "Ngày đăng ký",
        "Ngày, tháng, năm đăng ký",
        registered_on,
    )));
    rows
}

fn requester_rows(act: &str, r: &Requester) -> Vec<Row> {
    let of = |what: &str| format!("{what} của người đi {act}");
    vec![
        one(name_field(
            &of("Họ, chữ đệm, tên"),
            &format!("Họ, chữ đệm, tên người đi {act}"),
            &r.full_name,
        )),
        one(field(
            &of("Giấy tờ tùy thân"),
            "Giấy tờ tùy thân",
            r.id_document_text(),
        )),
        one(field(
            &of("Quan hệ"),
            "Quan hệ với người được đăng ký",
            r.relationship_text(hotich_core::Lang::Vi),
        )),
    ]
}

/// The death registration's content (Decree 123/2015/NĐ-CP, Art. 4; the
/// Trích lục khai tử form of Circular 04/2020/TT-BTP): time of death in
/// digits and in words, blank when unknown; cause as the notice gives it.
fn death_rows(
    d: &DeathFacts,
    requester: &Requester,
    office: &str,
    registered_on: &str,
) -> Vec<Row> {
    let time = hour_minute(&d.death_time);
    let notice = if d.notice_number.is_empty() {
        d.replacing_document.clone()
    } else {
        let mut text = format!("Giấy báo tử số {}", d.notice_number);
        if !d.notice_issuer.is_empty() {
            text.push_str(&format!(" do {} cấp", d.notice_issuer));
        }
        if let Some(date) = d.notice_date {
            text.push_str(&format!(" ngày {}", digits(date)));
        }
        text
    };
    let mut rows = vec![
        one(name_field(
            "Họ, chữ đệm, tên",
            "Họ, chữ đệm, tên người chết",
            &d.full_name,
        )),
        one(field(
            "Ngày, tháng, năm sinh",
            "Ngày, tháng, năm sinh",
            d.birth_date
                .as_ref()
                .map(partial_digits)
                .unwrap_or_default(),
        )),
        one(field(
            "Ngày, tháng, năm sinh (bằng chữ)",
            "Ghi bằng chữ",
            d.birth_date.as_ref().map(partial_words).unwrap_or_default(),
        )),
        Row(vec![
            field("Giới tính", "Giới tính", sex_vi(d.sex)),
            field("Dân tộc", "Dân tộc", &d.ethnicity),
            field("Quốc tịch", "Quốc tịch", &d.nationality),
        ]),
        one(field(
            "Số định danh cá nhân",
            "Số định danh cá nhân",
            &d.personal_id,
        )),
        one(field(
            "Giấy tờ tùy thân",
            "Giấy tờ tùy thân",
            &d.id_document,
        )),
        one(field(
            "Nơi cư trú cuối cùng",
            "Nơi cư trú cuối cùng",
            &d.last_residence,
        )),
        one(field(
            "Giờ, phút chết",
            "Giờ, phút chết",
            time.map(|(h, m)| format!("{h:02} giờ {m:02} phút"))
                .unwrap_or_default(),
        )),
        one(field(
            "Giờ, phút chết (bằng chữ)",
            "Ghi bằng chữ",
            time.map(|(h, m)| time_in_words(h, m)).unwrap_or_default(),
        )),
        one(field(
            "Ngày, tháng, năm chết",
            "Ngày, tháng, năm chết",
            d.death_date.map(digits).unwrap_or_default(),
        )),
        one(field(
            "Ngày, tháng, năm chết (bằng chữ)",
            "Ghi bằng chữ",
            d.death_date.map(date_in_words).unwrap_or_default(),
        )),
        one(field("Nơi chết", "Nơi chết", &d.death_place)),
        one(field("Nguyên nhân chết", "Nguyên nhân chết", &d.cause)),
        one(field(
            "Giấy báo tử hoặc giấy tờ thay thế",
            "Giấy báo tử/Giấy tờ thay thế",
            notice,
        )),
    ];
    rows.extend(closing_rows("khai tử", requester, office, registered_on));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_print_upper_case_nfc_whatever_form_they_came_in() {
        let nfd: String = "Đặng Văn Ngữ".nfd().collect();
        assert_eq!(name_upper(&nfd), "ĐẶNG VĂN NGỮ");
        assert_eq!(name_upper("  lê   thị  hằng "), "LÊ THỊ HẰNG");
        assert!(name_upper(&nfd).nfc().eq(name_upper(&nfd).chars()));
    }

    #[test]
    fn a_time_of_death_is_read_only_when_it_is_a_time() {
        assert_eq!(hour_minute("14:30"), Some((14, 30)));
        assert_eq!(hour_minute("07:05"), Some((7, 5)));
        assert_eq!(hour_minute(""), None);
        assert_eq!(hour_minute("25:00"), None);
    }

    #[test]
    fn the_place_line_names_the_place_without_its_unit() {
        assert_eq!(place_name("Xã Bằng Thành"), "Bằng Thành");
        assert_eq!(place_name("Phường Ba Đình"), "Ba Đình");
        assert_eq!(place_name("Đặc khu Côn Đảo"), "Côn Đảo");
        // A unit named by a number keeps its unit.
        assert_eq!(place_name("Phường 1"), "Phường 1");
        assert_eq!(place_name("Xã"), "Xã");
    }

    #[test]
    fn the_original_is_issued_on_the_day_of_registration() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let (registered, later) = (day(16), day(20));
        use DocumentKind::*;
        for (document, on_the_day, afterwards) in [
            (BirthCertificate, Marking::Original, Marking::Original),
            (BirthExtract, Marking::Copy, Marking::Copy),
            (DeathExtract, Marking::Original, Marking::Copy),
        ] {
            assert_eq!(Marking::of(document, registered, registered), on_the_day);
            assert_eq!(Marking::of(document, registered, later), afterwards);
        }
    }

    #[test]
    fn the_office_is_named_in_running_text() {
        let issuer = Issuer {
            commune_name: "Xã Bằng Thành".into(),
            province_name: "Tỉnh Thái Nguyên".into(),
        };
        assert_eq!(
            issuer.office_name(),
            "Ủy ban nhân dân xã Bằng Thành, tỉnh Thái Nguyên"
        );
    }
}
