//! What the outreach screen tells the officer about a case: who to contact
//! (from the notification), the call script, the message and its
//! accent-free SMS, the papers to bring, and the office's address, hours
//! and phone number those texts give families.
//!
//! Writes the settings `office_address`, `office_hours`, `office_phone`
//! (through `Store::set_setting`). Reads `case_file`, `notification` and
//! `template` (through the queue and templates modules).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use hotich_protocol::{EventKind, Notification, Sex};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::lifecycle::Channel;
use crate::officer::Officer;
use crate::problem::{FieldProblem, ProblemRule};
use crate::store::Store;
use crate::templates::{
    checklist_items, contact_honorific, render, sms, subject_honorific, TemplateContext,
    TemplateKey, TemplatePurpose,
};
use crate::text::clean;

/// Someone to contact about a case, from the notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Contact {
    /// "Mẹ", "Cha", "Người thân".
    pub relation: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// What the outreach screen shows for a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Guidance {
    pub contacts: Vec<Contact>,
    pub call_script: String,
    pub message: String,
    /// The short message as sent: accent-free, with its segment count.
    pub sms: crate::templates::Sms,
    pub checklist: Vec<String>,
    /// The notification gives a phone number to call.
    pub has_phone: bool,
    /// The ways to reach the family, the first proposed: by phone and
    /// message when there is a number, else the village head or a visit.
    pub channels: Vec<Channel>,
}

/// Where the office is, when it is open and the number families call back,
/// as the outreach texts give them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OfficeContact {
    pub address: String,
    pub hours: String,
    /// The office's phone number. Setting: None keeps the one stored, an
    /// empty text removes it. Reading: None when there is none.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub phone: Option<String>,
}

const SETTING_OFFICE_ADDRESS: &str = "office_address";
const SETTING_OFFICE_PHONE: &str = "office_phone";
const SETTING_OFFICE_HOURS: &str = "office_hours";
const DEFAULT_OFFICE_HOURS: &str =
    "sáng 7 giờ 30 - 11 giờ 30, chiều 13 giờ 30 - 17 giờ, thứ Hai đến thứ Sáu";

impl Store {
    /// The office address, hours and phone number the outreach texts give
    /// families (a phone of None keeps the stored one).
    pub fn set_office_contact(&self, actor: &Officer, contact: &OfficeContact) -> Result<()> {
        actor.require_supervisor(crate::error::ForbiddenAction::SetOfficeContact)?;
        let (address, hours) = (clean(&contact.address), clean(&contact.hours));
        let phone = contact.phone.as_deref().map(clean);
        // Every problem of the form at once, each by its field.
        let mut problems = Vec::new();
        let mut problem = |field: &str, rule: ProblemRule| {
            problems.push(FieldProblem::new(field, rule, BTreeMap::new()))
        };
        if address.is_empty() {
            problem("office_address", ProblemRule::Required);
        }
        if hours.is_empty() {
            problem("office_hours", ProblemRule::Required);
        }
        if phone
            .as_deref()
            .is_some_and(|p| !p.is_empty() && !is_phone_number(p))
        {
            problem("office_phone", ProblemRule::PhoneFormat);
        }
        if !problems.is_empty() {
            return Err(CoreError::InvalidForm(problems));
        }
        self.set_setting(SETTING_OFFICE_ADDRESS, &address)?;
        self.set_setting(SETTING_OFFICE_HOURS, &hours)?;
        if let Some(phone) = phone {
            self.set_setting(SETTING_OFFICE_PHONE, &phone)?;
        }
        Ok(())
    }

    /// The office address and hours the outreach texts give families.
    pub fn office_contact(&self) -> Result<OfficeContact> {
        let address = match self.setting(SETTING_OFFICE_ADDRESS)? {
            Some(address) => address,
            None => format!("Trụ sở {}", self.office_name()?),
        };
        Ok(OfficeContact {
            address,
            hours: self
                .setting(SETTING_OFFICE_HOURS)?
                .unwrap_or_else(|| DEFAULT_OFFICE_HOURS.to_owned()),
            phone: self
                .setting(SETTING_OFFICE_PHONE)?
                .filter(|phone| !phone.is_empty()),
        })
    }

    /// "UBND xã Bằng Thành": the unit's kind in lower case, as in running text.
    fn office_name(&self) -> Result<String> {
        Ok(self.office()?.map_or_else(
            || "Ủy ban nhân dân".to_owned(),
            |o| {
                let mut name = o.commune_name.chars();
                let first = name.next().map(|c| c.to_lowercase().collect::<String>());
                format!("UBND {}{}", first.unwrap_or_default(), name.as_str())
            },
        ))
    }

    /// Who to contact, what to say and which papers to ask for.
    pub fn guidance(&self, actor: &Officer, case_id: &str, today: NaiveDate) -> Result<Guidance> {
        let detail = self.case_detail(case_id, today)?;
        let case = &detail.case;
        let office_name = self.office_name()?;
        let office = self.office_contact()?;
        let (contacts, mother_name, father_name) = contacts(detail.notification.as_ref());
        let (contact_honorific, subject_honorific) = honorifics(detail.notification.as_ref());
        let contact_phone = contacts
            .iter()
            .filter_map(|c| c.phone.as_deref())
            .map(str::trim)
            .find(|phone| !phone.is_empty())
            .unwrap_or_default()
            .to_owned();
        let has_phone = !contact_phone.is_empty();
        let context = TemplateContext {
            contact_honorific: contact_honorific.to_owned(),
            contact_phone,
            subject_honorific: subject_honorific.to_owned(),
            office_phone: office.phone.clone().unwrap_or_default(),
            subject_name: case.name.clone(),
            event_date: case.event_date.format("%d/%m/%Y").to_string(),
            deadline: case.deadline.format("%d/%m/%Y").to_string(),
            days_left: case.days_left,
            overdue: case.days_left < 0,
            contact_name: contacts
                .iter()
                .map(|c| c.name.clone())
                .find(|name| !name.is_empty())
                .unwrap_or_default(),
            mother_name,
            father_name,
            facility_name: case
                .facility_name
                .clone()
                .unwrap_or_else(|| "cơ sở y tế".into()),
            office_address: office.address,
            office_hours: office.hours,
            office_name,
            officer_name: actor.full_name.clone(),
        };
        let text = |purpose| {
            let body = self.template(TemplateKey {
                purpose,
                kind: case.kind,
            })?;
            render(&body, &context)
        };
        Ok(Guidance {
            contacts,
            call_script: text(TemplatePurpose::CallScript)?,
            message: text(TemplatePurpose::Message)?,
            sms: sms(&text(TemplatePurpose::Sms)?),
            checklist: checklist_items(&text(TemplatePurpose::Checklist)?),
            has_phone,
            channels: if has_phone {
                vec![Channel::Phone, Channel::Message, Channel::HomeVisit]
            } else {
                vec![Channel::VillageHead, Channel::HomeVisit]
            },
        })
    }
}

/// 8 to 15 digits, with a leading + and spaces or dots between groups.
fn is_phone_number(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let body = text.strip_prefix('+').unwrap_or(text);
    (8..=15).contains(&digits)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '.')
}

/// How the script addresses the first contact and speaks of the subject:
/// the mother by her age; a relative the notice does not describe
/// neutrally; a newborn as "cháu"; the deceased by sex and age at death.
fn honorifics(notification: Option<&Notification>) -> (&'static str, &'static str) {
    match notification {
        Some(Notification {
            birth: Some(b),
            issued_at,
            ..
        }) => {
            let age = issued_at.date_naive().year() - b.mother_birth_date.year();
            (contact_honorific(Some(Sex::Female), Some(age)), "cháu")
        }
        Some(Notification { death: Some(d), .. }) => {
            let age = d.death_time.date().year() - d.birth_date.year();
            (
                contact_honorific(None, None),
                subject_honorific(Some(d.sex), Some(age)),
            )
        }
        _ => (contact_honorific(None, None), "ông/bà"),
    }
}

/// The people a notification names, first the one to call, and the parents.
pub(crate) fn contacts(notification: Option<&Notification>) -> (Vec<Contact>, String, String) {
    let mut contacts = Vec::new();
    let (mut mother, mut father) = (String::new(), String::new());
    match notification {
        Some(n) if n.kind == EventKind::Birth => {
            if let Some(b) = &n.birth {
                mother = b.mother_name.clone();
                contacts.push(Contact {
                    relation: "Mẹ".into(),
                    name: b.mother_name.clone(),
                    phone: b.contact_phone.clone(),
                    address: Some(b.mother_residence.clone()),
                });
                if let Some(name) = b.father_name.as_ref().filter(|n| !n.trim().is_empty()) {
                    father = name.clone();
                    contacts.push(Contact {
                        relation: "Cha".into(),
                        name: name.clone(),
                        phone: None,
                        address: None,
                    });
                }
            }
        }
        Some(n) => {
            if let Some(d) = &n.death {
                contacts.push(Contact {
                    relation: "Người thân".into(),
                    // Empty when the notice does not name the relative.
                    name: d.relative_name.clone().unwrap_or_default(),
                    phone: d.relative_phone.clone(),
                    address: Some(
                        d.current_address
                            .clone()
                            .unwrap_or_else(|| d.permanent_address.clone()),
                    ),
                });
            }
        }
        None => {}
    }
    (contacts, mother, father)
}
