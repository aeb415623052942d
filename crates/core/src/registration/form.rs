//! The registration form: the facts of the event as the registrar enters
//! them (the content the law asks for: `docs/legal-rules.md`), pre-filled from the notification.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use hotich_protocol::payload::{BirthCertificate, DeathNotice};
use hotich_protocol::{EventKind, Notification, PartialDate, Sex};
use serde::{Deserialize, Serialize};

use super::ethnicity;
use crate::outreach::Contact;
use crate::text::{clean, fold};

/// A parent as the birth register records them (Law on Civil Status Art. 14(1)(b)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct ParentFacts {
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub ethnicity: String,
    pub nationality: String,
    pub residence: String,
}

/// Law on Civil Status 2014, Art. 14(1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct BirthFacts {
    pub child_name: String,
    pub sex: Option<Sex>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub birth_date: Option<NaiveDate>,
    pub birth_place: String,
    /// Quê quán.
    pub native_place: String,
    pub ethnicity: String,
    pub nationality: String,
    /// Số định danh cá nhân, when already issued.
    pub personal_id: String,
    pub mother: ParentFacts,
    /// Empty name: the father is not recorded.
    pub father: ParentFacts,
}

/// Decree 123/2015/NĐ-CP Art. 4 and the death declaration form (Circular 04/2020/TT-BTP).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct DeathFacts {
    pub full_name: String,
    /// Day or month may be unknown.
    pub birth_date: Option<PartialDate>,
    pub sex: Option<Sex>,
    pub ethnicity: String,
    pub nationality: String,
    pub last_residence: String,
    /// Kind and number of the ID document ("CCCD 001085012345").
    pub id_document: String,
    pub personal_id: String,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub death_date: Option<NaiveDate>,
    /// HH:MM, empty when unknown.
    pub death_time: String,
    pub death_place: String,
    pub cause: String,
    pub notice_number: String,
    pub notice_issuer: String,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub notice_date: Option<NaiveDate>,
    /// Without a death notice: the document that replaces it (court
    /// judgment, police or forensic confirmation).
    pub replacing_document: String,
}

crate::error::code_enum! {
    /// The paper a requester proves who they are with (Decree
    /// 123/2015/NĐ-CP Art. 2(1): passport, citizen ID card, or another
    /// paper with a photo issued by an authority).
    pub enum IdDocumentType {
        /// Căn cước / căn cước công dân: its number is the 12-digit personal ID number.
        Cccd => "cccd",
        Passport => "passport",
        /// Another paper: its name and number typed in `id_number`.
        Other => "other",
    }
}

crate::error::code_enum! {
    /// The requester's relationship to the person registered; never a vague
    /// "người thân": `Other` is typed in words.
    pub enum Relationship {
        Wife => "wife",
        Husband => "husband",
        Child => "child",
        Father => "father",
        Mother => "mother",
        /// Anh, chị or em.
        Sibling => "sibling",
        Grandchild => "grandchild",
        /// Ông or bà.
        Grandparent => "grandparent",
        Other => "other",
    }
}

/// Who asks for the registration (Law Art. 16(1), 34(1)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(from = "StoredRequester")]
pub struct Requester {
    pub full_name: String,
    /// None until the officer chooses (an older draft's text that did not
    /// read as a known paper).
    pub id_type: Option<IdDocumentType>,
    /// The number; for `other`, the paper's name and number.
    pub id_number: String,
    /// None until the officer chooses.
    pub relationship: Option<Relationship>,
    /// The relationship in words when `relationship` is `other` ("cô ruột"),
    /// or an older draft's words that did not read as a known one.
    pub relationship_other: String,
    pub residence: String,
}

impl Requester {
    /// As printed: "CCCD 019196004321", "Hộ chiếu C1234567", or the other
    /// paper as typed.
    pub fn id_document_text(&self) -> String {
        match self.id_type {
            Some(IdDocumentType::Cccd) => format!("CCCD {}", self.id_number),
            Some(IdDocumentType::Passport) => format!("Hộ chiếu {}", self.id_number),
            Some(IdDocumentType::Other) | None => self.id_number.clone(),
        }
    }

    /// As printed: "Mẹ", or the other relationship in words.
    pub fn relationship_text(&self, lang: crate::labels::Lang) -> String {
        match self.relationship {
            Some(Relationship::Other) | None => self.relationship_other.clone(),
            Some(known) => crate::labels::relationship(lang, known).to_owned(),
        }
    }
}

/// A requester as stored: the typed fields, or an older draft's free text
/// (`id_document`: "CCCD 019196004321"; `relationship`: "Mẹ"), read into
/// them when it matches a known paper or relationship.
#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredRequester {
    full_name: String,
    id_type: Option<IdDocumentType>,
    id_number: String,
    id_document: String,
    /// A code, or an older draft's words.
    relationship: Option<String>,
    relationship_other: String,
    residence: String,
}

impl From<StoredRequester> for Requester {
    fn from(stored: StoredRequester) -> Requester {
        let (mut id_type, mut id_number) = (stored.id_type, stored.id_number);
        if id_type.is_none() && id_number.trim().is_empty() && !stored.id_document.trim().is_empty()
        {
            (id_type, id_number) = parse_id_document(&stored.id_document);
        }
        let mut relationship_other = stored.relationship_other;
        let words = stored.relationship.unwrap_or_default();
        let relationship = Relationship::parse(words.trim()).or_else(|| {
            let parsed = parse_relationship(&words);
            if parsed.is_none() && relationship_other.trim().is_empty() {
                relationship_other = clean(&words);
            }
            parsed
        });
        Requester {
            full_name: stored.full_name,
            id_type,
            id_number,
            relationship,
            relationship_other,
            residence: stored.residence,
        }
    }
}

/// "CCCD 019196004321" -> (CCCD, "019196004321"); a paper not recognised
/// keeps its text as the number, its type left for the officer to choose.
pub fn parse_id_document(text: &str) -> (Option<IdDocumentType>, String) {
    let text = clean(text);
    let (label, number) = match text.rsplit_once(' ') {
        Some((label, number)) => (fold(label), number.to_owned()),
        None => (String::new(), text.clone()),
    };
    let label = label.trim_end_matches([':', ' ']).trim_end_matches(" so");
    let kind = match label {
        "cccd"
        | "can cuoc"
        | "can cuoc cong dan"
        | "the can cuoc"
        | "the can cuoc cong dan"
        | "so dinh danh"
        | "so dinh danh ca nhan" => Some(IdDocumentType::Cccd),
        "ho chieu" | "passport" => Some(IdDocumentType::Passport),
        "" if number.len() == 12 && number.bytes().all(|b| b.is_ascii_digit()) => {
            Some(IdDocumentType::Cccd)
        }
        _ => None,
    };
    match kind {
        Some(kind) => (Some(kind), number),
        None => (None, text),
    }
}

/// "Mẹ", "con gái", "bà nội" -> the relationship; the vague "người thân"
/// and words not recognised -> None, for the officer to choose.
pub fn parse_relationship(words: &str) -> Option<Relationship> {
    let words = clean(words).to_lowercase().replace(" / ", "/");
    // Tones matter ("bà" is a grandmother, "ba" a father): compared unfolded.
    Some(match words.as_str() {
        "vợ" => Relationship::Wife,
        "chồng" => Relationship::Husband,
        "con" | "con trai" | "con gái" | "con đẻ" | "con ruột" => Relationship::Child,
        "cha" | "bố" | "ba" | "cha đẻ" | "bố đẻ" => Relationship::Father,
        "mẹ" | "má" | "mẹ đẻ" => Relationship::Mother,
        "anh" | "chị" | "em" | "anh trai" | "chị gái" | "em trai" | "em gái" | "anh ruột"
        | "chị ruột" | "em ruột" | "anh/chị/em" => Relationship::Sibling,
        "cháu" | "cháu nội" | "cháu ngoại" => Relationship::Grandchild,
        "ông" | "bà" | "ông nội" | "bà nội" | "ông ngoại" | "bà ngoại" | "ông/bà" => {
            Relationship::Grandparent
        }
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RegistrationForm {
    #[serde(rename = "type")]
    pub kind: EventKind,
    #[serde(default)]
    pub birth: Option<BirthFacts>,
    #[serde(default)]
    pub death: Option<DeathFacts>,
    #[serde(default)]
    pub requester: Requester,
    /// Defaults to today.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub registration_date: Option<NaiveDate>,
    /// Required when registered after the legal deadline.
    #[serde(default)]
    pub late_reason: String,
    /// Why a field differs from the notification, by field path.
    #[serde(default)]
    pub change_reasons: BTreeMap<String, String>,
    /// Registrations the officer compared side by side and judged another
    /// event (twins: the same mother, day and sex).
    #[serde(default)]
    pub not_duplicates: Vec<String>,
    #[serde(default)]
    pub signer_name: String,
    #[serde(default)]
    pub signer_title: String,
    /// A deputy signing for the chairman: the title block reads "KT. CHỦ
    /// TỊCH" above the signer's own title (Decree 30/2020/NĐ-CP, Appendix I).
    #[serde(default)]
    pub signer_on_behalf: bool,
}

impl RegistrationForm {
    pub fn empty(kind: EventKind) -> RegistrationForm {
        RegistrationForm {
            kind,
            birth: (kind == EventKind::Birth).then(BirthFacts::default),
            death: (kind == EventKind::Death).then(DeathFacts::default),
            requester: Requester::default(),
            registration_date: None,
            late_reason: String::new(),
            change_reasons: BTreeMap::new(),
            not_duplicates: Vec::new(),
            signer_name: String::new(),
            signer_title: String::new(),
            signer_on_behalf: false,
        }
    }

    /// An empty signer takes the office's default one.
    pub fn fill_signer(&mut self, default: Option<&super::signer::Signer>) {
        if let Some(signer) = default.filter(|_| self.signer_name.trim().is_empty()) {
            self.signer_name = signer.full_name.clone();
            self.signer_title = signer.title.clone();
            self.signer_on_behalf = signer.on_behalf;
        }
    }

    /// Trimmed, single-spaced, NFC text everywhere (names are compared and
    /// printed from this).
    pub fn normalized(&self) -> RegistrationForm {
        let mut form = self.clone();
        let texts: Vec<&mut String> = form.texts_mut();
        for text in texts {
            *text = clean(text);
        }
        form.change_reasons = form
            .change_reasons
            .into_iter()
            .map(|(k, v)| (k, clean(&v)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        form
    }

    fn texts_mut(&mut self) -> Vec<&mut String> {
        let mut texts: Vec<&mut String> = vec![
            &mut self.late_reason,
            &mut self.signer_name,
            &mut self.signer_title,
            &mut self.requester.full_name,
            &mut self.requester.id_number,
            &mut self.requester.relationship_other,
            &mut self.requester.residence,
        ];
        if let Some(b) = &mut self.birth {
            texts.extend([
                &mut b.child_name,
                &mut b.birth_place,
                &mut b.native_place,
                &mut b.ethnicity,
                &mut b.nationality,
                &mut b.personal_id,
            ]);
            for parent in [&mut b.mother, &mut b.father] {
                texts.extend([
                    &mut parent.full_name,
                    &mut parent.ethnicity,
                    &mut parent.nationality,
                    &mut parent.residence,
                ]);
            }
        }
        if let Some(d) = &mut self.death {
            texts.extend([
                &mut d.full_name,
                &mut d.ethnicity,
                &mut d.nationality,
                &mut d.last_residence,
                &mut d.id_document,
                &mut d.personal_id,
                &mut d.death_time,
                &mut d.death_place,
                &mut d.cause,
                &mut d.notice_number,
                &mut d.notice_issuer,
                &mut d.replacing_document,
            ]);
        }
        texts
    }

    /// The subject's name and the event's day, for the case and the register.
    pub fn subject(&self) -> (String, Option<NaiveDate>) {
        match (&self.birth, &self.death) {
            (Some(b), _) => (b.child_name.clone(), b.birth_date),
            (_, Some(d)) => (d.full_name.clone(), d.death_date),
            _ => (String::new(), None),
        }
    }

    /// The facts as `path -> value` ("mother.full_name" -> "Nguyễn Thị A"),
    /// for comparing with the notification and listing amendments.
    pub fn flatten(&self) -> BTreeMap<String, String> {
        let facts = match (&self.birth, &self.death) {
            (Some(b), _) => serde_json::to_value(b),
            (_, Some(d)) => serde_json::to_value(d),
            _ => Ok(serde_json::Value::Null),
        }
        .unwrap_or(serde_json::Value::Null);
        let mut out = BTreeMap::new();
        flatten_into("", &facts, &mut out);
        if let Ok(requester) = serde_json::to_value(&self.requester) {
            flatten_into("requester", &requester, &mut out);
        }
        out
    }
}

fn flatten_into(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    let path = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                flatten_into(&path(key), inner, out);
            }
        }
        serde_json::Value::Null => {
            out.insert(prefix.to_owned(), String::new());
        }
        serde_json::Value::String(text) => {
            out.insert(prefix.to_owned(), text.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

const VIETNAM: &str = "704";

fn nationality(code: &str) -> String {
    if code.trim() == VIETNAM {
        "Việt Nam".to_owned()
    } else {
        code.trim().to_owned()
    }
}

fn ethnicity_name(code_1979: &str) -> String {
    ethnicity::by_code_1979(code_1979)
        .map(|e| e.name.clone())
        .unwrap_or_default()
}

fn birth_from(b: &BirthCertificate) -> BirthFacts {
    let nationality = nationality(&b.nationality_code);
    let ethnicity = ethnicity_name(&b.mother_ethnicity_code);
    BirthFacts {
        child_name: b.child_name.clone().unwrap_or_default(),
        sex: Some(b.child_sex),
        birth_date: Some(b.birth_time.date()),
        birth_place: b.place_of_birth.clone(),
        native_place: String::new(),
        // The child's are those of the mother until the family says otherwise.
        ethnicity: ethnicity.clone(),
        nationality: nationality.clone(),
        personal_id: String::new(),
        mother: ParentFacts {
            full_name: b.mother_name.clone(),
            birth_year: Some(b.mother_birth_date.year()),
            ethnicity,
            nationality,
            residence: b.mother_residence.clone(),
        },
        father: ParentFacts {
            full_name: b.father_name.clone().unwrap_or_default(),
            ..ParentFacts::default()
        },
    }
}

/// LOAI_GIAYTO 2: the citizen ID card, whose number is the personal ID number.
const ID_CARD: u8 = 2;

fn death_from(d: &DeathNotice, facility_name: &str) -> DeathFacts {
    let id_number = d.id_number.clone().unwrap_or_default();
    DeathFacts {
        full_name: d.name.clone(),
        birth_date: Some(d.birth_date),
        sex: Some(d.sex),
        ethnicity: ethnicity_name(&d.ethnicity_code),
        nationality: nationality(&d.nationality_code),
        last_residence: d.permanent_address.clone(),
        id_document: if id_number.is_empty() {
            String::new()
        } else {
            format!("{} {id_number}", id_document_kind(d.id_document_type))
        },
        personal_id: if d.id_document_type == ID_CARD {
            id_number
        } else {
            String::new()
        },
        death_date: Some(d.death_time.date()),
        death_time: d.death_time.format("%H:%M").to_string(),
        death_place: if d.died_before_arrival {
            String::new()
        } else {
            format!("{facility_name}, {}", d.facility_address)
        },
        cause: d.cause_of_death.clone().unwrap_or_default(),
        notice_number: format!("{}/{}", d.notice_number, d.notice_book),
        notice_issuer: facility_name.to_owned(),
        notice_date: Some(d.notice_issue_date),
        replacing_document: String::new(),
    }
}

fn id_document_kind(code: u8) -> &'static str {
    match code {
        1 => "CMND",
        2 => "CCCD",
        3 => "Hộ chiếu",
        4 => "Giấy tờ khác",
        _ => "Giấy tờ",
    }
}

/// The form pre-filled from a notification and the first contact.
pub fn prefill(
    notification: &Notification,
    facility_name: &str,
    contact: Option<&Contact>,
) -> RegistrationForm {
    let mut form = RegistrationForm::empty(notification.kind);
    form.birth = notification.birth.as_ref().map(birth_from);
    form.death = notification
        .death
        .as_ref()
        .map(|d| death_from(d, facility_name));
    if let Some(contact) = contact.filter(|c| !c.name.trim().is_empty()) {
        form.requester = Requester {
            full_name: contact.name.clone(),
            // The notification's "Người thân" is no relationship: the
            // officer asks and chooses.
            relationship: parse_relationship(&contact.relation),
            residence: contact.address.clone().unwrap_or_default(),
            ..Requester::default()
        };
    }
    form.normalized()
}

/// The Vietnamese name of a field path, for messages.
pub fn label(path: &str) -> String {
    crate::labels::form_field(crate::labels::Lang::Vi, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(json: serde_json::Value) -> Requester {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn an_older_drafts_free_text_is_read_when_it_matches() {
        let old = stored(serde_json::json!({
            "full_name": "Hoàng Thị Phượng", "id_document": "CCCD 019196004321",
            "relationship": "Mẹ", "residence": "Thôn Nà Pục"
        }));
        assert_eq!(old.id_type, Some(IdDocumentType::Cccd));
        assert_eq!(old.id_number, "019196004321");
        assert_eq!(old.relationship, Some(Relationship::Mother));
        assert_eq!(old.id_document_text(), "CCCD 019196004321");
        let passport = stored(serde_json::json!({"id_document": "Hộ chiếu số C1234567"}));
        assert_eq!(passport.id_type, Some(IdDocumentType::Passport));
        assert_eq!(passport.id_number, "C1234567");
        // Not recognised: the text stays, the officer chooses the type.
        let unknown = stored(serde_json::json!({
            "id_document": "Giấy phép lái xe 123", "relationship": "Người thân"
        }));
        assert_eq!(unknown.id_type, None);
        assert_eq!(unknown.id_number, "Giấy phép lái xe 123");
        assert_eq!(unknown.relationship, None);
        assert_eq!(unknown.relationship_other, "Người thân");
    }

    #[test]
    fn typed_values_round_trip() {
        let requester = Requester {
            full_name: "Đặng Thị Hằng".into(),
            id_type: Some(IdDocumentType::Passport),
            id_number: "C1234567".into(),
            relationship: Some(Relationship::Other),
            relationship_other: "Cô ruột".into(),
            residence: String::new(),
        };
        let json = serde_json::to_value(&requester).unwrap();
        assert_eq!(json["id_type"], "passport");
        assert_eq!(json["relationship"], "other");
        assert_eq!(stored(json), requester);
    }

    #[test]
    fn relationships_are_read_with_their_tones() {
        assert_eq!(
            parse_relationship("bà nội"),
            Some(Relationship::Grandparent)
        );
        assert_eq!(parse_relationship("Ba"), Some(Relationship::Father));
        assert_eq!(parse_relationship("Con gái"), Some(Relationship::Child));
        assert_eq!(
            parse_relationship("anh / chị / em"),
            Some(Relationship::Sibling)
        );
        assert_eq!(parse_relationship("Người thân"), None);
        assert_eq!(parse_relationship("con dâu"), None);
    }
}
