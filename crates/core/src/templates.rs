//! Outreach texts: the call script, the SMS/Zalo message and the checklist
//! of papers, per event kind. Defaults ship in `assets/templates`; a
//! supervisor edits them, stored in the database (minijinja syntax).
//!
//! The only writer of `template`.

use chrono::{DateTime, Utc};
use hotich_protocol::EventKind;
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
    /// time" in the scripts is Art. 11(1)(b).
    pub fn default_body(self) -> &'static str {
        use EventKind::{Birth, Death};
        use TemplatePurpose::{CallScript, Checklist, Message};
        match (self.purpose, self.kind) {
            (CallScript, Birth) => include_str!("../../../assets/templates/call_script_birth.txt"),
            (CallScript, Death) => include_str!("../../../assets/templates/call_script_death.txt"),
            (Message, Birth) => include_str!("../../../assets/templates/message_birth.txt"),
            (Message, Death) => include_str!("../../../assets/templates/message_death.txt"),
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
    pub mother_name: String,
    pub father_name: String,
    pub facility_name: String,
    /// "UBND Xã Bằng Thành"
    pub office_name: String,
    pub office_address: String,
    pub office_hours: String,
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
            mother_name: "Nguyễn Thị Hằng".into(),
            father_name: "Trần Văn Đức".into(),
            facility_name: "Trạm Y tế xã Bằng Thành".into(),
            office_name: "UBND Xã Bằng Thành".into(),
            office_address: "Trụ sở UBND Xã Bằng Thành".into(),
            office_hours:
                "sáng 7 giờ 30 - 11 giờ 30, chiều 13 giờ 30 - 17 giờ, thứ Hai đến thứ Sáu".into(),
            officer_name: "Lê Thị Lan".into(),
        }
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
            on_time.contains("chậm nhất ngày 17/11/2026 (còn 3 ngày)"),
            "{on_time}"
        );
        context.overdue = true;
        let late = render(key.default_body(), &context).unwrap();
        assert!(late.contains("đã quá hạn ngày 17/11/2026"), "{late}");
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
}
