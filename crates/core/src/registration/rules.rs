//! What the Civil Status Law asks of a registration, checked all at once so
//! the form shows every problem next to its field. Each rule names its source;
//! `docs/legal-rules.md` keeps the table rule -> article -> test.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveTime};
use hotich_protocol::personal_id::{check_personal_id, PersonalIdError};
use hotich_protocol::Sex;
use serde::{Deserialize, Serialize};

use super::ethnicity;
use super::form::{
    label, BirthFacts, DeathFacts, IdDocumentType, ParentFacts, RegistrationForm, Relationship,
    Requester,
};
pub use crate::problem::{FieldProblem, ProblemRule};

/// A field whose value differs from the notification's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FieldDifference {
    pub field: String,
    pub label: String,
    pub notified: String,
    pub entered: String,
}

#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn add(&mut self, field: &str, rule: ProblemRule) {
        self.add_with(field, rule, []);
    }

    fn add_with<const N: usize>(
        &mut self,
        field: &str,
        rule: ProblemRule,
        params: [(&str, String); N],
    ) {
        let params = params
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        self.0.push(FieldProblem::new(field, rule, params));
    }

    fn required(&mut self, field: &str, value: &str) {
        if value.is_empty() {
            self.add(field, ProblemRule::Required);
        }
    }

    fn required_some<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.add(field, ProblemRule::Required);
        }
        value
    }

    /// Names: required, without digits (text is already trimmed and NFC).
    fn name(&mut self, field: &str, value: &str) {
        if value.is_empty() {
            self.add(field, ProblemRule::Required);
        } else if value.chars().any(|c| c.is_numeric()) {
            self.add(field, ProblemRule::NameHasDigits);
        } else if value
            .chars()
            .any(|c| !(c.is_alphabetic() || c == ' ' || c == '-' || c == '\''))
        {
            self.add(field, ProblemRule::NameCharacters);
        }
    }

    /// One of the 54 recognised groups (Decision 121-TCTK/PPCĐ 1979 and the
    /// 2008 list, `assets/reference/ethnicities.csv`); required for a
    /// Vietnamese citizen, free text for a foreigner.
    fn ethnicity(&mut self, field: &str, value: &str, nationality: &str) {
        if is_vietnamese(nationality) {
            if value.is_empty() {
                self.add(field, ProblemRule::Required);
            } else if ethnicity::by_name(value).is_none() {
                self.add_with(
                    field,
                    ProblemRule::UnknownEthnicity,
                    [("value", value.to_owned())],
                );
            }
        }
    }

    /// The 12-digit structure (Decree 137/2015/NĐ-CP Art. 13, Circular
    /// 59/2021/TT-BCA Art. 7), checked against sex and year of birth.
    fn personal_id(&mut self, field: &str, value: &str, sex: Option<Sex>, birth_year: Option<i32>) {
        if value.is_empty() {
            return;
        }
        let (Some(sex), Some(year)) = (sex, birth_year) else {
            if value.len() != 12 || !value.bytes().all(|b| b.is_ascii_digit()) {
                self.add(field, ProblemRule::PersonalIdDigits);
            }
            return;
        };
        match check_personal_id(value, sex, year) {
            Ok(()) => {}
            Err(PersonalIdError::NotTwelveDigits) => self.add(field, ProblemRule::PersonalIdDigits),
            Err(PersonalIdError::UnknownProvince(province)) => self.add_with(
                field,
                ProblemRule::PersonalIdProvince,
                [("province", format!("{province:03}"))],
            ),
            Err(PersonalIdError::SexCenturyMismatch { digit, year }) => self.add_with(
                field,
                ProblemRule::PersonalIdSexCentury,
                [("digit", digit.to_string()), ("year", year.to_string())],
            ),
            Err(PersonalIdError::YearMismatch { found, year }) => self.add_with(
                field,
                ProblemRule::PersonalIdYear,
                [("found", format!("{found:02}")), ("year", year.to_string())],
            ),
        }
    }

    fn not_after_today(
        &mut self,
        field: &str,
        day: Option<NaiveDate>,
        today: NaiveDate,
        rule: ProblemRule,
    ) {
        if day.is_some_and(|d| d > today) {
            self.add(field, rule);
        }
    }
}

fn is_vietnamese(nationality: &str) -> bool {
    crate::text::fold(nationality) == "viet nam"
}

fn parent(problems: &mut Problems, who: &str, p: &ParentFacts, event_year: Option<i32>) {
    let field = |name: &str| format!("{who}.{name}");
    problems.name(&field("full_name"), &p.full_name);
    match p.birth_year {
        None => problems.add(&field("birth_year"), ProblemRule::Required),
        // Plausibility, not law: a parent at least 10 years older than the child.
        Some(year) if event_year.is_some_and(|e| year > e - 10) || year < 1900 => problems
            .add_with(
                &field("birth_year"),
                ProblemRule::ParentBirthYearImplausible,
                [("year", year.to_string())],
            ),
        Some(_) => {}
    }
    problems.required(&field("nationality"), &p.nationality);
    problems.ethnicity(&field("ethnicity"), &p.ethnicity, &p.nationality);
    problems.required(&field("residence"), &p.residence);
}

/// Birth content: Law on Civil Status 2014, Art. 14(1).
fn birth(problems: &mut Problems, b: &BirthFacts, today: NaiveDate) {
    problems.name("child_name", &b.child_name);
    problems.required_some("sex", b.sex);
    if problems.required_some("birth_date", b.birth_date).is_some() {
        // A birth is registered for a child born, never ahead.
        problems.not_after_today("birth_date", b.birth_date, today, ProblemRule::BornInFuture);
    }
    problems.required("birth_place", &b.birth_place);
    problems.required("native_place", &b.native_place);
    problems.required("nationality", &b.nationality);
    problems.ethnicity("ethnicity", &b.ethnicity, &b.nationality);
    problems.personal_id(
        "personal_id",
        &b.personal_id,
        b.sex,
        b.birth_date.map(|d| d.year()),
    );
    let year = b.birth_date.map(|d| d.year());
    // Art. 14(1)(b): the parents' details; the mother's always, the
    // father's when he is recorded.
    parent(problems, "mother", &b.mother, year);
    if !b.father.full_name.is_empty() || b.father.birth_year.is_some() {
        parent(problems, "father", &b.father, year);
    }
}

/// Death content: Decree 123/2015/NĐ-CP Art. 4; the death notice or the
/// document replacing it: Law on Civil Status 2014, Art. 34(1).
fn death(problems: &mut Problems, d: &DeathFacts, today: NaiveDate) {
    problems.name("full_name", &d.full_name);
    problems.required_some("birth_date", d.birth_date);
    problems.required_some("sex", d.sex);
    problems.required("nationality", &d.nationality);
    problems.ethnicity("ethnicity", &d.ethnicity, &d.nationality);
    problems.required("last_residence", &d.last_residence);
    problems.personal_id(
        "personal_id",
        &d.personal_id,
        d.sex,
        d.birth_date.map(|b| b.year()),
    );
    if let Some(death_date) = problems.required_some("death_date", d.death_date) {
        problems.not_after_today(
            "death_date",
            Some(death_date),
            today,
            ProblemRule::AfterToday,
        );
        if d.birth_date.is_some_and(|b| death_date < b.earliest()) {
            problems.add("death_date", ProblemRule::BeforeBirth);
        }
    }
    if d.birth_date.is_some_and(|b| b.earliest() > today) {
        problems.add("birth_date", ProblemRule::AfterToday);
    }
    if !d.death_time.is_empty() && NaiveTime::parse_from_str(&d.death_time, "%H:%M").is_err() {
        problems.add("death_time", ProblemRule::TimeFormat);
    }
    problems.required("death_place", &d.death_place);
    let has_notice = !d.notice_number.is_empty();
    if has_notice {
        problems.required("notice_issuer", &d.notice_issuer);
        problems.required_some("notice_date", d.notice_date);
        problems.not_after_today("notice_date", d.notice_date, today, ProblemRule::AfterToday);
    } else if d.replacing_document.is_empty() {
        problems.add("notice_number", ProblemRule::DeathNoticeMissing);
    }
}

/// The requester: Law on Civil Status 2014, Art. 16(1) (birth), 34(1)
/// (death); the paper proving who they are: Decree 123/2015/NĐ-CP Art. 2(1).
fn requester(problems: &mut Problems, r: &Requester) {
    problems.name("requester.full_name", &r.full_name);
    let number = "requester.id_number";
    match r.id_type {
        None => problems.add("requester.id_type", ProblemRule::Required),
        Some(_) if r.id_number.is_empty() => problems.add(number, ProblemRule::Required),
        // The citizen ID card's number is the personal ID number: 12 digits
        // (Decree 137/2015/NĐ-CP Art. 13).
        Some(IdDocumentType::Cccd) if !is_digits(&r.id_number, 12) => {
            problems.add(number, ProblemRule::PersonalIdDigits)
        }
        // Vietnamese passports: a letter and 7 digits; foreign ones 8 or 9
        // letters and digits (plausibility, not law).
        Some(IdDocumentType::Passport) if !is_passport_number(&r.id_number) => {
            problems.add(number, ProblemRule::PassportFormat)
        }
        Some(_) => {}
    }
    match r.relationship {
        None => problems.add("requester.relationship", ProblemRule::Required),
        Some(Relationship::Other) => {
            let other = "requester.relationship_other";
            if r.relationship_other.is_empty() {
                problems.add(other, ProblemRule::Required);
            } else if is_vague_relationship(&r.relationship_other) {
                problems.add(other, ProblemRule::RelationshipVague);
            }
        }
        Some(_) => {}
    }
}

fn is_digits(text: &str, count: usize) -> bool {
    text.len() == count && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_passport_number(text: &str) -> bool {
    (8..=9).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// "Người thân" says nothing of how the requester is related.
fn is_vague_relationship(words: &str) -> bool {
    matches!(
        crate::text::fold(words).as_str(),
        "nguoi than" | "than nhan" | "ho hang" | "gia dinh"
    )
}

/// The signer: the chairman or a deputy signing for him issues the paper
/// (Law on Civil Status 2014, Art. 16(2), 34(2)); a paper without a
/// signer's name is not issued.
fn signer(problems: &mut Problems, form: &RegistrationForm) {
    problems.name("signer_name", &form.signer_name);
    problems.required("signer_title", &form.signer_title);
}

/// Every problem of a normalized form, in form order.
pub fn check_form(
    form: &RegistrationForm,
    today: NaiveDate,
    deadline: Option<NaiveDate>,
    differences: &[FieldDifference],
) -> Vec<FieldProblem> {
    let mut problems = Problems::default();
    match (form.kind, &form.birth, &form.death) {
        (hotich_protocol::EventKind::Birth, Some(b), _) => birth(&mut problems, b, today),
        (hotich_protocol::EventKind::Death, _, Some(d)) => death(&mut problems, d, today),
        _ => problems.add("type", ProblemRule::EventContentMissing),
    }
    requester(&mut problems, &form.requester);
    signer(&mut problems, form);
    let registered_on = form.registration_date.unwrap_or(today);
    problems.not_after_today(
        "registration_date",
        Some(registered_on),
        today,
        ProblemRule::AfterToday,
    );
    let (_, event_date) = form.subject();
    if event_date.is_some_and(|e| registered_on < e) {
        problems.add("registration_date", ProblemRule::BeforeEvent);
    }
    // A registration is dated the day it is entered in the book. An earlier
    // day (a supervisor's, `Store::register`) needs its reason, and never
    // falls in an earlier year: each year's book and numbering end with the
    // year (Circular 04/2020/TT-BTP Art. 29: one sequence per year and book).
    if registered_on < today {
        if registered_on.year() < today.year() {
            problems.add_with(
                "registration_date",
                ProblemRule::ClosedYearBook,
                [("year", registered_on.year().to_string())],
            );
        } else if form
            .change_reasons
            .get("registration_date")
            .is_none_or(|reason| reason.trim().is_empty())
        {
            problems.add(
                "change_reasons.registration_date",
                ProblemRule::EarlierDayReasonMissing,
            );
        }
    }
    // Past the deadline (Law Art. 15(1): 60 days; Art. 33(1): 15 days) the
    // registration is still made, marked late, with its reason recorded.
    if is_late(deadline, registered_on) && form.late_reason.is_empty() {
        problems.add("late_reason", ProblemRule::LateReasonMissing);
    }
    // A value that differs from the signed notification needs a reason.
    for difference in differences {
        if !form.change_reasons.contains_key(&difference.field) {
            problems.add_with(
                &format!("change_reasons.{}", difference.field),
                ProblemRule::ChangeReasonMissing,
                [("notified", difference.notified.clone())],
            );
        }
    }
    problems.0
}

/// Every problem of the form opening a case by hand: the person's name (as
/// the registration will check it) and the day of the event, known and not
/// after today; `event_date` is None when it was left empty or unreadable.
pub fn check_open_case(
    name: &str,
    event_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<FieldProblem> {
    let mut problems = Problems::default();
    problems.name("subject_name", name);
    let event_date = problems.required_some("event_date", event_date);
    problems.not_after_today("event_date", event_date, today, ProblemRule::AfterToday);
    problems.0
}

pub fn is_late(deadline: Option<NaiveDate>, registered_on: NaiveDate) -> bool {
    deadline.is_some_and(|d| registered_on > d)
}

/// Fields the notification filled and the officer changed.
pub fn differences(
    notified: &BTreeMap<String, String>,
    entered: &BTreeMap<String, String>,
) -> Vec<FieldDifference> {
    notified
        .iter()
        .filter(|(field, value)| !value.is_empty() && !field.starts_with("requester."))
        .filter_map(|(field, value)| {
            let now = entered.get(field).cloned().unwrap_or_default();
            (now != *value).then(|| FieldDifference {
                field: field.clone(),
                label: label(field),
                notified: value.clone(),
                entered: now,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotich_protocol::{EventKind, PartialDate};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const TODAY: fn() -> NaiveDate = || day(2026, 11, 21);

    fn parent(name: &str, year: i32) -> ParentFacts {
        ParentFacts {
            full_name: name.into(),
            birth_year: Some(year),
            ethnicity: "Tày".into(),
            nationality: "Việt Nam".into(),
            residence: "Thôn Nà Pục, xã Bằng Thành, tỉnh Thái Nguyên".into(),
        }
    }

    fn requester() -> Requester {
        Requester {
            full_name: "Hoàng Thị Phượng".into(),
            id_type: Some(IdDocumentType::Cccd),
            id_number: "019196004321".into(),
            relationship: Some(Relationship::Mother),
            relationship_other: String::new(),
            residence: String::new(),
        }
    }

    fn birth_form() -> RegistrationForm {
        RegistrationForm {
            birth: Some(BirthFacts {
                child_name: "Ma Thị Quỳnh".into(),
                sex: Some(Sex::Female),
                birth_date: Some(day(2026, 11, 1)),
                birth_place: "Bệnh viện Đa khoa Thái Nguyên".into(),
                native_place: "Xã Bằng Thành, tỉnh Thái Nguyên".into(),
                ethnicity: "Tày".into(),
                nationality: "Việt Nam".into(),
                // Thái Nguyên (019), female born in the 21st century (3), 2026.
                personal_id: "019326000123".into(),
                mother: parent("Hoàng Thị Phượng", 1996),
                father: parent("Ma Văn Dũng", 1994),
            }),
            requester: requester(),
            registration_date: Some(TODAY()),
            signer_name: "Phạm Văn Lãnh".into(),
            signer_title: "Chủ tịch".into(),
            ..RegistrationForm::empty(EventKind::Birth)
        }
    }

    fn death_form() -> RegistrationForm {
        RegistrationForm {
            death: Some(DeathFacts {
                full_name: "Đặng Văn Ngữ".into(),
                birth_date: Some(PartialDate::Full(day(1948, 3, 15))),
                sex: Some(Sex::Male),
                ethnicity: "Kinh".into(),
                nationality: "Việt Nam".into(),
                last_residence: "Xã Bằng Thành, tỉnh Thái Nguyên".into(),
                id_document: "CCCD 006048001234".into(),
                personal_id: "006048001234".into(),
                death_date: Some(day(2026, 11, 18)),
                death_time: "08:30".into(),
                death_place: "Bệnh viện Đa khoa Thái Nguyên".into(),
                cause: "Nhồi máu cơ tim cấp".into(),
                notice_number: "1/01/2026".into(),
                notice_issuer: "Bệnh viện Đa khoa Thái Nguyên".into(),
                notice_date: Some(day(2026, 11, 18)),
                replacing_document: String::new(),
            }),
            requester: Requester {
                relationship: Some(Relationship::Child),
                ..requester()
            },
            registration_date: Some(TODAY()),
            signer_name: "Lường Thị Ỗn".into(),
            signer_title: "Phó Chủ tịch".into(),
            signer_on_behalf: true,
            ..RegistrationForm::empty(EventKind::Death)
        }
    }

    fn problems(form: &RegistrationForm, deadline: Option<NaiveDate>) -> Vec<String> {
        check_form(&form.normalized(), TODAY(), deadline, &[])
            .into_iter()
            .map(|p| format!("{} | {}", p.field, p.message))
            .collect()
    }

    fn only_problem(form: &RegistrationForm, field: &str) -> String {
        let found = problems(form, None);
        assert_eq!(found.len(), 1, "{found:?}");
        let (got, message) = found[0].split_once(" | ").unwrap();
        assert_eq!(got, field, "{found:?}");
        message.to_owned()
    }

    fn birth(edit: impl FnOnce(&mut BirthFacts)) -> RegistrationForm {
        let mut form = birth_form();
        edit(form.birth.as_mut().unwrap());
        form
    }

    fn death(edit: impl FnOnce(&mut DeathFacts)) -> RegistrationForm {
        let mut form = death_form();
        edit(form.death.as_mut().unwrap());
        form
    }

    #[test]
    fn complete_forms_pass() {
        assert_eq!(
            problems(&birth_form(), Some(day(2026, 12, 31))),
            Vec::<String>::new()
        );
        assert_eq!(
            problems(&death_form(), Some(day(2026, 12, 3))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn required_fields_are_named_all_at_once() {
        let form = birth(|b| {
            b.child_name.clear();
            b.native_place.clear();
            b.sex = None;
        });
        let found = problems(&form, None);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found
            .contains(&"child_name | họ, chữ đệm và tên của trẻ: bắt buộc, chưa nhập".to_owned()));
        assert!(found
            .iter()
            .any(|p| p.starts_with("native_place | quê quán")));
        assert!(found.iter().any(|p| p.starts_with("sex | ")));
        let mut no_requester = death_form();
        no_requester.requester = Requester::default();
        assert_eq!(problems(&no_requester, None).len(), 3);
    }

    #[test]
    fn names_have_no_digits_and_are_trimmed_nfc() {
        let message = only_problem(
            &birth(|b| b.child_name = "Ma Thị Quỳnh 2".into()),
            "child_name",
        );
        assert!(message.ends_with("không được có chữ số"));
        only_problem(
            &birth(|b| b.mother.full_name = "Hoàng Thị @".into()),
            "mother.full_name",
        );
        // Decomposed (NFD) and padded is accepted: it is stored NFC, trimmed.
        let nfd = birth(|b| b.child_name = "  Ma Thi\u{323} Quy\u{300}nh ".into()).normalized();
        assert_eq!(nfd.birth.as_ref().unwrap().child_name, "Ma Thị Quỳnh");
        assert_eq!(problems(&nfd, None), Vec::<String>::new());
    }

    #[test]
    fn personal_id_structure_is_checked_against_sex_and_year() {
        // (form, words the one problem must say, if any)
        for (form, says) in [
            // Male digit for a girl.
            (
                birth(|b| b.personal_id = "019226000123".into()),
                "không khớp giới tính",
            ),
            // Eleven digits, and numbers whose structure does not fit.
            (birth(|b| b.personal_id = "01932600012".into()), ""),
            (birth(|b| b.personal_id = "099326000123".into()), ""),
            (death(|d| d.personal_id = "006049001234".into()), ""),
        ] {
            let message = only_problem(&form, "personal_id");
            assert!(message.contains(says), "{message}");
        }
        // Empty is allowed: not every child has one yet.
        assert_eq!(
            problems(&birth(|b| b.personal_id.clear()), None),
            Vec::<String>::new()
        );
    }

    #[test]
    fn dates_respect_time() {
        // Born tomorrow: refused, and registering before the event is too.
        let found = problems(&birth(|b| b.birth_date = Some(day(2026, 11, 22))), None);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("birth_date | ") && found[0].contains("chưa được sinh ra"));
        assert!(found[1].starts_with("registration_date | "));
        assert_eq!(
            problems(&death(|d| d.death_date = Some(day(2026, 11, 25))), None).len(),
            2
        );
        let before = only_problem(
            &death(|d| {
                d.birth_date = Some(PartialDate::Full(day(2026, 11, 20)));
                d.personal_id.clear();
            }),
            "death_date",
        );
        assert!(before.contains("trước ngày sinh"), "{before}");
        // A partial birth date is its earliest day: same year is fine.
        assert_eq!(
            problems(
                &death(|d| {
                    d.birth_date = Some(PartialDate::Year(1948));
                }),
                None
            ),
            Vec::<String>::new()
        );
        only_problem(&death(|d| d.death_time = "8h30".into()), "death_time");
        let mut future = birth_form();
        future.registration_date = Some(day(2026, 11, 22));
        only_problem(&future, "registration_date");
    }

    #[test]
    fn ethnicity_is_one_of_the_54_for_a_vietnamese_citizen() {
        let message = only_problem(&birth(|b| b.ethnicity = "Sao Hỏa".into()), "ethnicity");
        assert!(message.contains("54 dân tộc"), "{message}");
        only_problem(
            &birth(|b| b.mother.ethnicity = "X".into()),
            "mother.ethnicity",
        );
        assert_eq!(
            problems(&birth(|b| b.ethnicity = "khơ-me".into()), None),
            Vec::<String>::new()
        );
        // A foreign father's ethnicity is his own business.
        assert_eq!(
            problems(
                &birth(|b| {
                    b.father.nationality = "Lào".into();
                    b.father.ethnicity = "Lào Lùm".into();
                }),
                None
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_father_may_be_absent_but_a_named_father_is_complete() {
        assert_eq!(
            problems(&birth(|b| b.father = ParentFacts::default()), None),
            Vec::<String>::new()
        );
        let found = problems(
            &birth(|b| {
                b.father = ParentFacts {
                    full_name: "Ma Văn Dũng".into(),
                    ..ParentFacts::default()
                }
            }),
            None,
        );
        assert_eq!(found.len(), 3, "{found:?}");
        only_problem(
            &birth(|b| b.mother.birth_year = Some(2020)),
            "mother.birth_year",
        );
    }

    #[test]
    fn a_death_needs_its_notice_or_the_document_replacing_it() {
        let none = death(|d| {
            d.notice_number.clear();
            d.notice_issuer.clear();
            d.notice_date = None;
        });
        let message = only_problem(&none, "notice_number");
        assert!(message.contains("giấy tờ thay thế"), "{message}");
        let mut replaced = none.clone();
        replaced.death.as_mut().unwrap().replacing_document =
            "Xác nhận của Công an xã Bằng Thành số 12/XN-CA".into();
        assert_eq!(problems(&replaced, None), Vec::<String>::new());
        only_problem(&death(|d| d.notice_issuer.clear()), "notice_issuer");
    }

    #[test]
    fn a_late_registration_needs_its_reason() {
        let deadline = Some(day(2026, 11, 20));
        let mut late = death_form();
        let found = problems(&late, deadline);
        assert_eq!(
            found,
            ["late_reason | lý do đăng ký quá hạn: đã quá hạn đăng ký: cần ghi lý do"]
        );
        late.late_reason = "Gia đình ở xa, chưa kịp về".into();
        assert_eq!(problems(&late, deadline), Vec::<String>::new());
        assert!(is_late(deadline, TODAY()));
        assert!(!is_late(Some(TODAY()), TODAY()));
    }

    #[test]
    fn a_value_changed_from_the_notification_needs_a_reason() {
        let notified = birth_form();
        let mut entered = birth(|b| b.child_name = "Ma Thị Quỳnh Anh".into());
        let found = differences(&notified.flatten(), &entered.flatten());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field, "child_name");
        assert_eq!(found[0].notified, "Ma Thị Quỳnh");
        let problems = check_form(&entered, TODAY(), None, &found);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "change_reasons.child_name");
        entered.change_reasons.insert(
            "child_name".into(),
            "Gia đình đặt tên khác tên dự kiến".into(),
        );
        assert!(check_form(&entered, TODAY(), None, &found).is_empty());
        // What the notification left empty may be filled without a reason.
        let mut filled = notified.clone();
        filled.birth.as_mut().unwrap().native_place.clear();
        assert!(differences(&filled.flatten(), &notified.flatten()).is_empty());
    }

    fn with_requester(edit: impl FnOnce(&mut Requester)) -> RegistrationForm {
        let mut form = birth_form();
        edit(&mut form.requester);
        form
    }

    #[test]
    fn the_requesters_id_is_checked_by_its_type() {
        // The walkthrough's "CCCD 01918": five digits are no citizen ID number.
        let message = only_problem(
            &with_requester(|r| r.id_number = "01918".into()),
            "requester.id_number",
        );
        assert!(message.contains("12 chữ số"), "{message}");
        only_problem(&with_requester(|r| r.id_type = None), "requester.id_type");
        only_problem(
            &with_requester(|r| r.id_number.clear()),
            "requester.id_number",
        );
        let passport = |number: &str| {
            with_requester(|r| {
                r.id_type = Some(IdDocumentType::Passport);
                r.id_number = number.into();
            })
        };
        // A Vietnamese passport (a letter and 7 digits) and a foreign one.
        assert!(problems(&passport("C1234567"), None).is_empty());
        assert!(problems(&passport("X12345678"), None).is_empty());
        let message = only_problem(&passport("C12-45"), "requester.id_number");
        assert!(message.contains("hộ chiếu"), "{message}");
        let other = with_requester(|r| {
            r.id_type = Some(IdDocumentType::Other);
            r.id_number = "Giấy xác nhận của Công an xã số 12".into();
        });
        assert!(problems(&other, None).is_empty());
    }

    #[test]
    fn the_relationship_is_chosen_never_vague() {
        only_problem(
            &with_requester(|r| r.relationship = None),
            "requester.relationship",
        );
        let other = |words: &str| {
            with_requester(|r| {
                r.relationship = Some(Relationship::Other);
                r.relationship_other = words.into();
            })
        };
        only_problem(&other(""), "requester.relationship_other");
        let vague = only_problem(&other("Người thân"), "requester.relationship_other");
        assert!(vague.contains("ghi rõ"), "{vague}");
        assert!(problems(&other("Cô ruột"), None).is_empty());
    }

    #[test]
    fn a_paper_needs_its_signer() {
        let mut form = birth_form();
        form.signer_name.clear();
        form.signer_title.clear();
        let found = problems(&form, None);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("signer_name | "), "{found:?}");
        assert!(found[1].starts_with("signer_title | "), "{found:?}");
    }
}
