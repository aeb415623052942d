//! A problem of a form, next to its field: plain data shared by the
//! registration rules and the errors (the dependency points one way, from
//! both to here).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::code_enum;
use crate::labels::{self, Lang};

code_enum! {
    /// The rule a form value breaks; each is defined, with its legal source,
    /// in `registration/rules.rs`. Params, where a rule has them, beside it.
    pub enum ProblemRule {
        Required => "required",
        NameHasDigits => "name_has_digits",
        NameCharacters => "name_characters",
        /// `value`: the ethnicity as typed.
        UnknownEthnicity => "unknown_ethnicity",
        PersonalIdDigits => "personal_id_digits",
        /// `province`: the three digits.
        PersonalIdProvince => "personal_id_province",
        /// `digit`, `year`.
        PersonalIdSexCentury => "personal_id_sex_century",
        /// `found`, `year`.
        PersonalIdYear => "personal_id_year",
        /// `year`: the parent's year of birth.
        ParentBirthYearImplausible => "parent_birth_year_implausible",
        BornInFuture => "born_in_future",
        AfterToday => "after_today",
        BeforeBirth => "before_birth",
        TimeFormat => "time_format",
        DeathNoticeMissing => "death_notice_missing",
        EventContentMissing => "event_content_missing",
        BeforeEvent => "before_event",
        LateReasonMissing => "late_reason_missing",
        /// A registration dated before today, without its reason.
        EarlierDayReasonMissing => "earlier_day_reason_missing",
        /// `year`: a registration dated in an earlier year, whose book is closed.
        ClosedYearBook => "closed_year_book",
        /// `notified`: the value on the notification.
        ChangeReasonMissing => "change_reason_missing",
        /// A passport number is 8 or 9 letters and digits.
        PassportFormat => "passport_format",
        /// "Người thân" and the like: the relationship must say which.
        RelationshipVague => "relationship_vague",
        /// An appointment outcome without the day the family agreed to come.
        AppointmentDateMissing => "appointment_date_missing",
        BeforeToday => "before_today",
        /// An appointment day given with another outcome.
        OnlyForAppointment => "only_for_appointment",
        /// "Registered elsewhere" without saying where and when.
        WhereRegisteredMissing => "where_registered_missing",
        /// `max`: the most characters allowed.
        TooLong => "too_long",
        /// Digits, spaces, dots and a leading + only, 8 to 15 digits.
        PhoneFormat => "phone_format",
        /// A commune code not in the list of administrative units.
        UnknownCommune => "unknown_commune",
        /// Letters without marks, digits and `. _ -`, at most 50.
        UsernameCharacters => "username_characters",
        /// `username`: as it would be stored.
        UsernameTaken => "username_taken",
        /// `min`: `officer::MIN_PASSWORD_CHARS`.
        PasswordTooShort => "password_too_short",
        PasswordCommon => "password_common",
        PasswordIsName => "password_is_name",
    }
}

/// One problem, next to its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FieldProblem {
    /// The field's path in the form ("mother.full_name").
    pub field: String,
    pub rule: ProblemRule,
    /// The rule's named values (see [`ProblemRule`]).
    pub params: BTreeMap<String, String>,
    /// Vietnamese, ready to show: "họ, chữ đệm và tên của mẹ: không được có chữ số".
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: &str, rule: ProblemRule, params: BTreeMap<String, String>) -> FieldProblem {
        let message = labels::field_problem(Lang::Vi, field, rule, &params);
        FieldProblem {
            field: field.to_owned(),
            rule,
            params,
            message,
        }
    }

    /// The message in `lang` (the field named by its path in English, which
    /// has no form labels of its own in Rust).
    pub fn message_in(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.message.clone(),
            Lang::En => labels::field_problem(lang, &self.field, self.rule, &self.params),
        }
    }
}
