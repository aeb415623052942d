//! Outreach texts: the call script, the SMS/Zalo message and the checklist
//! of papers, per event kind. Defaults ship in `assets/templates`; a
//! supervisor edits them, stored in the database (minijinja syntax).
//!
//! The only writer of `template`.

use chrono::{DateTime, Utc};
use hotich_protocol::{EventKind, Sex};
use minijinja::{Environment, UndefinedBehavior};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{invalid, invalid_with, InputField, InputReason, Result};
use crate::officer::Officer;
use crate::sql::optional_value;
use crate::store::Store;
use crate::text::clean_lines;

/// What a template is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum TemplatePurpose {
    CallScript,
    Message,
    /// The short text message, sent without accents (see [`sms`]).
    Sms,
    /// One paper per line starting with "- ".
    Checklist,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TemplateKey {
    pub purpose: TemplatePurpose,
    pub kind: EventKind,
}

impl TemplateKey {
    pub fn all() -> Vec<TemplateKey> {
        [
            TemplatePurpose::CallScript,
            TemplatePurpose::Message,
            TemplatePurpose::Sms,
            TemplatePurpose::Checklist,
        ]
        .into_iter()
        .flat_map(|purpose| {
            [EventKind::Birth, EventKind::Death]
                .into_iter()
                .map(move |kind| TemplateKey { purpose, kind })
        })
        .collect()
    }

    pub fn name(self) -> String {
        let purpose = match self.purpose {
            TemplatePurpose::CallScript => "call_script",
            TemplatePurpose::Message => "message",
            TemplatePurpose::Sms => "sms",
            TemplatePurpose::Checklist => "checklist",
        };
        format!("{purpose}_{}", self.kind.as_str())
    }

    pub fn parse(name: &str) -> Option<TemplateKey> {
        Self::all().into_iter().find(|key| key.name() == name)
    }

    /// The text shipped with Hotich. The checklists follow the papers the
    /// law asks for: birth, Law on Civil Status 2014 Art. 16(1) and Decree
    /// 123/2015/NĐ-CP Art. 9(1); death, Art. 34(1). "Free of charge when on
    /// time" in the scripts is Art. 11(1)(b), said only of a case on time: a
    /// late one may pay the fee.
    pub fn default_body(self) -> &'static str {
        use EventKind::{Birth, Death};
        use TemplatePurpose::{CallScript, Checklist, Message, Sms};
        match (self.purpose, self.kind) {
            (CallScript, Birth) => include_str!("../../../assets/templates/call_script_birth.txt"),
            (CallScript, Death) => include_str!("../../../assets/templates/call_script_death.txt"),
            (Message, Birth) => include_str!("../../../assets/templates/message_birth.txt"),
            (Message, Death) => include_str!("../../../assets/templates/message_death.txt"),
            (Sms, Birth) => include_str!("../../../assets/templates/sms_birth.txt"),
            (Sms, Death) => include_str!("../../../assets/templates/sms_death.txt"),
            (Checklist, Birth) => include_str!("../../../assets/templates/checklist_birth.txt"),
            (Checklist, Death) => include_str!("../../../assets/templates/checklist_death.txt"),
        }
    }
}

/// The case data a template may use, as `{{ name }}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TemplateContext {
    /// The newborn (or "Con của <mother>") or the deceased.
    pub subject_name: String,
    /// dd/mm/yyyy
    pub event_date: String,
    /// Last day to register on time, dd/mm/yyyy.
    pub deadline: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub days_left: i64,
    pub overdue: bool,
    pub contact_name: String,
    /// How to address the contact: "anh", "chị", "ông", "bà", or "anh/chị"
    /// when their age or sex is unknown ([`contact_honorific`]).
    pub contact_honorific: String,
    /// The contact's phone from the notification; empty when it gives none.
    pub contact_phone: String,
    /// How to speak of the subject: "cháu" for a newborn; the deceased as
    /// "ông", "bà", "anh", "chị" or "cháu" ([`subject_honorific`]).
    pub subject_honorific: String,
    pub mother_name: String,
    pub father_name: String,
    pub facility_name: String,
    /// "UBND xã Bằng Thành", as written in running text.
    pub office_name: String,
    pub office_address: String,
    pub office_hours: String,
    /// The number families call back; empty when the office set none.
    pub office_phone: String,
    pub officer_name: String,
}

impl TemplateContext {
    /// A filled-in example, to check an edited template before saving it.
    pub fn example() -> TemplateContext {
        TemplateContext {
            subject_name: "Nguyễn Thị Hằng".into(),
            event_date: "02/11/2026".into(),
            deadline: "17/11/2026".into(),
            days_left: 3,
            overdue: false,
            contact_name: "Trần Văn Đức".into(),
            contact_honorific: "anh".into(),
            contact_phone: "0912 345 678".into(),
            subject_honorific: "cháu".into(),
            mother_name: "Nguyễn Thị Hằng".into(),
            father_name: "Trần Văn Đức".into(),
            facility_name: "Trạm Y tế xã Bằng Thành".into(),
            office_name: "UBND xã Bằng Thành".into(),
            office_address: "Trụ sở UBND xã Bằng Thành".into(),
            office_hours:
                "sáng 7 giờ 30 - 11 giờ 30, chiều 13 giờ 30 - 17 giờ, thứ Hai đến thứ Sáu".into(),
            officer_name: "Lê Thị Lan".into(),
            office_phone: "0208 3850 123".into(),
        }
    }
}

/// Below this age a contact is "anh"/"chị", from it "ông"/"bà"; the same
/// for the deceased, who below [`CHILD_BELOW`] is "cháu".
const ELDER_FROM: i32 = 50;
const CHILD_BELOW: i32 = 16;

/// How the officer addresses a contact of this sex and age (years), the
/// neutral "anh/chị" when either is unknown.
pub fn contact_honorific(sex: Option<Sex>, age: Option<i32>) -> &'static str {
    match (sex, age) {
        (Some(Sex::Male), Some(age)) if age >= ELDER_FROM => "ông",
        (Some(Sex::Female), Some(age)) if age >= ELDER_FROM => "bà",
        (Some(Sex::Male), Some(_)) => "anh",
        (Some(Sex::Female), Some(_)) => "chị",
        _ => "anh/chị",
    }
}

/// How the officer speaks of the deceased, by sex and age at death: "cháu"
/// for a child, "anh"/"chị" below 50, "ông"/"bà" from 50 (and when the age
/// is unknown), paired forms when the sex is unknown.
pub fn subject_honorific(sex: Option<Sex>, age: Option<i32>) -> &'static str {
    let sex = sex.filter(|s| *s != Sex::Undetermined);
    match (age, sex) {
        (Some(age), _) if age < CHILD_BELOW => "cháu",
        (Some(age), Some(Sex::Male)) if age < ELDER_FROM => "anh",
        (Some(age), Some(Sex::Female)) if age < ELDER_FROM => "chị",
        (Some(age), None) if age < ELDER_FROM => "anh/chị",
        (_, Some(Sex::Male)) => "ông",
        (_, Some(Sex::Female)) => "bà",
        _ => "ông/bà",
    }
}

/// How a text message is encoded, which sets its segment length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    /// GSM 03.38: 160 characters in one message, 153 per part.
    Gsm7,
    /// Any character outside GSM-7: 70 in one message, 67 per part.
    Ucs2,
}

/// The text message as sent: without accents, counted as a phone counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Sms {
    pub text: String,
    pub encoding: SmsEncoding,
    /// Septets (GSM-7, an extension character counting two) or UTF-16 units.
    pub length: u32,
    /// Messages the phone sends it as.
    pub segments: u32,
}

/// The GSM 03.38 default alphabet (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Its extension table (an escape and the character: two septets each).
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// Vietnamese without its accents ("Đặng Văn Hùng" -> "Dang Van Hung"),
/// case kept: what a GSM-7 message can carry.
pub fn without_accents(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            '\u{2013}' | '\u{2014}' => '-',
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            other => other,
        })
        .collect()
}

/// A rendered message as an SMS: accents removed, encoding, length and
/// segments (GSM-7: 160 single, 153 per part; UCS-2: 70 and 67).
pub fn sms(rendered: &str) -> Sms {
    let text = without_accents(&rendered.split_whitespace().collect::<Vec<_>>().join(" "));
    let septets: Option<usize> = text
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (encoding, length, single, part) = match septets {
        Some(septets) => (SmsEncoding::Gsm7, septets, 160, 153),
        None => (SmsEncoding::Ucs2, text.encode_utf16().count(), 70, 67),
    };
    let segments = if length <= single {
        1
    } else {
        length.div_ceil(part)
    };
    Sms {
        text,
        encoding,
        length: u32::try_from(length).unwrap_or(u32::MAX),
        segments: u32::try_from(segments).unwrap_or(u32::MAX),
    }
}

/// Renders a template; a variable not in `TemplateContext` is an error, so
/// a misspelt name is caught when the template is saved, not in front of a family.
pub fn render(body: &str, context: &TemplateContext) -> Result<String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(false);
    let rendered = env.render_str(body, context).map_err(|e| {
        invalid_with(
            InputField::Template,
            InputReason::TemplateError,
            [("detail", e.to_string())],
        )
    })?;
    Ok(clean_lines(&rendered))
}

/// A rendered checklist's items: its lines starting with "- ".
pub fn checklist_items(rendered: &str) -> Vec<String> {
    rendered
        .lines()
        .filter_map(|line| line.trim().strip_prefix("- "))
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

impl Store {
    /// The template in force: the edited one, else the default.
    pub fn template(&self, key: TemplateKey) -> Result<String> {
        let edited: Option<String> = optional_value(
            &self.conn,
            "SELECT body FROM template WHERE key = ?1",
            [key.name()],
        )?;
        Ok(edited.unwrap_or_else(|| key.default_body().to_owned()))
    }

    /// Saves an edited template after checking that it renders; an empty
    /// body goes back to the default.
    pub fn set_template(
        &mut self,
        actor: &Officer,
        key: TemplateKey,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        actor.require_supervisor(crate::error::ForbiddenAction::EditTemplates)?;
        if body.trim().is_empty() {
            self.conn
                .execute("DELETE FROM template WHERE key = ?1", [key.name()])?;
            return Ok(());
        }
        let rendered = render(body, &TemplateContext::example())?;
        if key.purpose == TemplatePurpose::Checklist && checklist_items(&rendered).is_empty() {
            return Err(invalid(
                InputField::ChecklistTemplate,
                InputReason::ChecklistWithoutItems,
            ));
        }
        self.conn.execute(
            "INSERT INTO template (key, body, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
                                             updated_by = excluded.updated_by",
            params![key.name(), clean_lines(body), now.to_rfc3339(), actor.id],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn every_default_renders_with_its_diacritics_intact() {
        let context = TemplateContext::example();
        for key in TemplateKey::all() {
            let text = render(key.default_body(), &context).unwrap();
            assert!(text.contains("Nguyễn Thị Hằng"), "{}: {text}", key.name());
            assert!(
                text.contains("Trạm Y tế xã Bằng Thành")
                    || key.purpose != TemplatePurpose::Checklist
            );
            assert_eq!(
                text,
                text.nfc().collect::<String>(),
                "{} is NFC",
                key.name()
            );
            assert!(
                !text.contains("{{") && !text.contains("{%"),
                "{}",
                key.name()
            );
            if key.purpose == TemplatePurpose::Checklist {
                assert!(checklist_items(&text).len() >= 3, "{}", key.name());
            }
        }
    }

    #[test]
    fn the_deadline_sentence_follows_the_case() {
        let mut context = TemplateContext::example();
        let key = TemplateKey {
            purpose: TemplatePurpose::CallScript,
            kind: EventKind::Death,
        };
        let on_time = render(key.default_body(), &context).unwrap();
        assert!(
            on_time.contains("hạn là ngày 17/11/2026, còn 3 ngày."),
            "{on_time}"
        );
        context.days_left = 0;
        let last_day = render(key.default_body(), &context).unwrap();
        assert!(
            last_day.contains("hạn là hôm nay, ngày 17/11/2026."),
            "{last_day}"
        );
        context.overdue = true;
        context.days_left = -4;
        let late = render(key.default_body(), &context).unwrap();
        assert!(
            late.contains("hạn là ngày 17/11/2026, nay đã quá hạn"),
            "{late}"
        );
    }

    #[test]
    fn decomposed_input_comes_out_composed() {
        let mut context = TemplateContext::example();
        context.subject_name = "Đặng Văn Hùng".nfd().collect();
        let text = render("Kính gửi gia đình {{ subject_name }}.", &context).unwrap();
        assert_eq!(text, "Kính gửi gia đình Đặng Văn Hùng.");
    }

    #[test]
    fn an_unknown_variable_is_an_error_naming_it() {
        let error = render("{{ ten_nguoi_mat }}", &TemplateContext::example()).unwrap_err();
        assert!(error.to_string().contains("mẫu văn bản"), "{error}");
        assert!(render("{% if %}", &TemplateContext::example()).is_err());
    }

    #[test]
    fn checklist_items_are_the_dash_lines() {
        assert_eq!(
            checklist_items("Giấy tờ:\n- Tờ khai\n-   \n- Giấy báo tử\nghi chú"),
            vec!["Tờ khai".to_owned(), "Giấy báo tử".to_owned()]
        );
    }

    fn rendered(purpose: TemplatePurpose, kind: EventKind, context: &TemplateContext) -> String {
        render(TemplateKey { purpose, kind }.default_body(), context).unwrap()
    }

    #[test]
    fn only_a_case_on_time_is_promised_a_free_registration() {
        let mut context = TemplateContext::example();
        context.overdue = true;
        context.days_left = -14;
        for kind in [EventKind::Birth, EventKind::Death] {
            for purpose in [TemplatePurpose::CallScript, TemplatePurpose::Message] {
                let text = rendered(purpose, kind, &context);
                for free in ["miễn lệ phí", "không mất lệ phí"] {
                    assert!(!text.contains(free), "{kind:?} {purpose:?}: {text}");
                }
                assert!(text.contains("lệ phí"), "{kind:?} {purpose:?}: {text}");
            }
            let sms = sms(&rendered(TemplatePurpose::Sms, kind, &context));
            assert!(!sms.text.contains("mien le phi"), "{}", sms.text);
            assert!(sms.text.contains("le phi"), "{}", sms.text);
        }
        context.overdue = false;
        context.days_left = 3;
        let on_time = rendered(TemplatePurpose::CallScript, EventKind::Birth, &context);
        assert!(on_time.contains("được miễn lệ phí"), "{on_time}");
    }

    #[test]
    fn honorifics_follow_age_and_sex() {
        use Sex::{Female, Male, Undetermined};
        assert_eq!(contact_honorific(Some(Female), Some(28)), "chị");
        assert_eq!(contact_honorific(Some(Female), Some(62)), "bà");
        assert_eq!(contact_honorific(Some(Male), Some(35)), "anh");
        assert_eq!(contact_honorific(Some(Male), Some(70)), "ông");
        assert_eq!(contact_honorific(None, Some(40)), "anh/chị");
        assert_eq!(contact_honorific(Some(Male), None), "anh/chị");
        assert_eq!(subject_honorific(Some(Male), Some(78)), "ông");
        assert_eq!(subject_honorific(Some(Female), Some(81)), "bà");
        assert_eq!(subject_honorific(Some(Male), Some(34)), "anh");
        assert_eq!(subject_honorific(Some(Female), Some(22)), "chị");
        assert_eq!(subject_honorific(Some(Female), Some(7)), "cháu");
        assert_eq!(subject_honorific(Some(Undetermined), Some(0)), "cháu");
        assert_eq!(subject_honorific(None, None), "ông/bà");
        assert_eq!(subject_honorific(Some(Female), None), "bà");
        // In the script: the contact greeted and the deceased spoken of so.
        let mut context = TemplateContext::example();
        context.contact_name = "Hoàng Thị Phượng".into();
        context.contact_honorific = contact_honorific(Some(Female), Some(30)).into();
        context.subject_honorific = subject_honorific(Some(Male), Some(78)).into();
        let script = rendered(TemplatePurpose::CallScript, EventKind::Death, &context);
        assert!(script.contains("Xin chào chị,"), "{script}");
        assert!(
            script.contains("nói chuyện với chị Hoàng Thị Phượng"),
            "{script}"
        );
        assert!(
            script.contains("sự ra đi của ông Nguyễn Thị Hằng"),
            "{script}"
        );
    }

    #[test]
    fn the_office_is_named_in_running_text_with_its_phone() {
        let context = TemplateContext::example();
        for kind in [EventKind::Birth, EventKind::Death] {
            let script = rendered(TemplatePurpose::CallScript, kind, &context);
            assert!(script.contains("của UBND xã Bằng Thành."), "{script}");
            assert!(script.contains("gọi số 0208 3850 123"), "{script}");
            assert!(!script.contains("không có số điện thoại"), "{script}");
        }
    }

    #[test]
    fn without_a_phone_the_script_proposes_the_village_head_or_a_visit() {
        let mut context = TemplateContext::example();
        context.contact_phone.clear();
        for kind in [EventKind::Birth, EventKind::Death] {
            let script = rendered(TemplatePurpose::CallScript, kind, &context);
            let first = script.lines().next().unwrap();
            assert!(first.contains("không có số điện thoại"), "{script}");
            assert!(first.contains("trưởng thôn"), "{script}");
            assert!(first.contains("đến tận nhà"), "{script}");
        }
    }

    #[test]
    fn the_sms_is_ascii_and_counted_in_segments() {
        let context = TemplateContext::example();
        for kind in [EventKind::Birth, EventKind::Death] {
            let message = sms(&rendered(TemplatePurpose::Sms, kind, &context));
            assert!(message.text.is_ascii(), "{}", message.text);
            assert_eq!(message.encoding, SmsEncoding::Gsm7);
            assert_eq!(message.length as usize, message.text.len());
            assert!(message.segments <= 2, "{message:?}");
            assert!(
                message.text.contains("UBND xa Bang Thanh"),
                "{}",
                message.text
            );
        }
        let short = sms("Đặng Văn Hùng");
        assert_eq!(
            (short.text.as_str(), short.length, short.segments),
            ("Dang Van Hung", 13, 1)
        );
        // 160 septets are one message; 161 are two parts of 153.
        assert_eq!(sms(&"a".repeat(160)).segments, 1);
        assert_eq!(sms(&"a".repeat(161)).segments, 2);
        assert_eq!(sms(&"a".repeat(306)).segments, 2);
        assert_eq!(sms(&"a".repeat(307)).segments, 3);
        // An extension character counts two septets.
        assert_eq!(sms(&format!("{}[", "a".repeat(158))).length, 160);
        // A character outside GSM-7 makes it UCS-2: 70, then 67 per part.
        let ucs2 = sms(&format!("{}✓", "a".repeat(69)));
        assert_eq!(
            (ucs2.encoding, ucs2.length, ucs2.segments),
            (SmsEncoding::Ucs2, 70, 1)
        );
        assert_eq!(sms(&format!("{}✓", "a".repeat(70))).segments, 2);
    }
}
