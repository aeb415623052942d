//! The case lifecycle and what an outreach
//! attempt does to it: which status it leads to and when to follow up.
//!
//! Pure rules, no table.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::CaseStatus;
use hotich_calendar::OfficeCalendar;

/// How the family was contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    HomeVisit,
    /// SMS or Zalo.
    Message,
    /// Through the head of the village or residential group.
    VillageHead,
}

/// What came of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Reached,
    NoAnswer,
    WrongNumber,
    AppointmentSet,
    Refused,
    MovedAway,
    RegisteredElsewhere,
    Other,
}

macro_rules! string_codes {
    ($ty:ty { $($variant:ident => $code:literal),* $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $code),* }
            }
            pub fn parse(text: &str) -> Option<$ty> {
                match text { $($code => Some(<$ty>::$variant),)* _ => None }
            }
        }
    };
}

crate::sql::sql_text!(Channel);
crate::sql::sql_text!(Outcome);

string_codes!(Channel {
    Phone => "phone",
    HomeVisit => "home_visit",
    Message => "message",
    VillageHead => "village_head",
});

string_codes!(Outcome {
    Reached => "reached",
    NoAnswer => "no_answer",
    WrongNumber => "wrong_number",
    AppointmentSet => "appointment_set",
    Refused => "refused",
    MovedAway => "moved_away",
    RegisteredElsewhere => "registered_elsewhere",
    Other => "other",
});

/// Whether an officer may move a case from `from` to `to`. Voids and new
/// versions come from intake (`CaseStatus::after_new_version`), and
/// `registered` from a registration, not from here.
pub fn officer_may_move(from: CaseStatus, to: CaseStatus) -> bool {
    use CaseStatus::*;
    match (from, to) {
        // Outreach goes on, sets or moves an appointment, or ends it.
        (New | InOutreach | Appointment, InOutreach | Appointment)
        | (New | InOutreach | Appointment, RegisteredElsewhere | NotRegistrable) => true,
        // After the health sector changed the notification an officer looks
        // again and says how outreach goes on, or closes the case.
        (NeedsReview, InOutreach | Appointment | RegisteredElsewhere | NotRegistrable | Voided) => {
            true
        }
        // A closing decision taken by mistake is reopened (with a reason).
        (RegisteredElsewhere | NotRegistrable, InOutreach) => true,
        _ => false,
    }
}

/// Statuses that must come with a reason: a case judged not registrable says
/// why, and "registered elsewhere" names where.
pub fn needs_reason(to: CaseStatus) -> bool {
    matches!(
        to,
        CaseStatus::RegisteredElsewhere | CaseStatus::NotRegistrable
    )
}

/// The status an attempt leaves the case in.
pub fn status_after(outcome: Outcome) -> CaseStatus {
    match outcome {
        Outcome::AppointmentSet => CaseStatus::Appointment,
        Outcome::RegisteredElsewhere => CaseStatus::RegisteredElsewhere,
        _ => CaseStatus::InOutreach,
    }
}

/// The follow-up day proposed after an attempt on `today`; the officer may
/// change it. None when the attempt closes outreach.
pub fn proposed_follow_up(
    calendar: &OfficeCalendar,
    outcome: Outcome,
    today: NaiveDate,
    appointment: Option<NaiveDate>,
) -> Option<NaiveDate> {
    match outcome {
        // Try again tomorrow, by another channel if the number is wrong.
        Outcome::NoAnswer | Outcome::WrongNumber | Outcome::Other => {
            Some(calendar.add_working_days(today, 1))
        }
        // The family knows what to do: check in two working days whether they came.
        Outcome::Reached => Some(calendar.add_working_days(today, 2)),
        // The day they promised to come.
        Outcome::AppointmentSet => {
            appointment.or_else(|| Some(calendar.add_working_days(today, 1)))
        }
        // Give them a few days, then talk again (through the village head).
        Outcome::Refused => Some(calendar.add_working_days(today, 3)),
        // Find out where they live now.
        Outcome::MovedAway => Some(calendar.add_working_days(today, 5)),
        Outcome::RegisteredElsewhere => None,
    }
}

/// A case with no attempt this many working days after intake is flagged
/// (the rule is the protocol's, shared with the registry).
pub use hotich_protocol::legal::FIRST_CONTACT_WORKING_DAYS;

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_transition_is_either_legal_or_refused() {
        let legal = [
            (New, InOutreach),
            (New, Appointment),
            (New, RegisteredElsewhere),
            (New, NotRegistrable),
            (InOutreach, InOutreach),
            (InOutreach, Appointment),
            (InOutreach, RegisteredElsewhere),
            (InOutreach, NotRegistrable),
            (Appointment, InOutreach),
            (Appointment, Appointment),
            (Appointment, RegisteredElsewhere),
            (Appointment, NotRegistrable),
            (NeedsReview, InOutreach),
            (NeedsReview, Appointment),
            (NeedsReview, RegisteredElsewhere),
            (NeedsReview, NotRegistrable),
            (NeedsReview, Voided),
            (RegisteredElsewhere, InOutreach),
            (NotRegistrable, InOutreach),
        ];
        for from in CaseStatus::ALL {
            for to in CaseStatus::ALL {
                assert_eq!(
                    officer_may_move(from, to),
                    legal.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
        // Nothing leaves `registered` or `voided` by an officer's hand, and
        // nothing reaches `new`, `registered` or `needs_review` from outreach.
        for to in CaseStatus::ALL {
            assert!(!officer_may_move(Registered, to));
            assert!(!officer_may_move(Voided, to));
            for from in CaseStatus::ALL {
                if matches!(to, New | Registered | NeedsReview) {
                    assert!(!officer_may_move(from, to));
                }
            }
        }
    }

    #[test]
    fn attempts_lead_to_the_lifecycle_status() {
        assert_eq!(status_after(Outcome::AppointmentSet), Appointment);
        assert_eq!(
            status_after(Outcome::RegisteredElsewhere),
            RegisteredElsewhere
        );
        for outcome in [
            Outcome::Reached,
            Outcome::NoAnswer,
            Outcome::WrongNumber,
            Outcome::Refused,
            Outcome::MovedAway,
            Outcome::Other,
        ] {
            assert_eq!(status_after(outcome), InOutreach, "{outcome:?}");
        }
        assert!(needs_reason(RegisteredElsewhere) && needs_reason(NotRegistrable));
        assert!(!needs_reason(InOutreach) && !needs_reason(Appointment));
    }

    #[test]
    fn follow_ups_are_proposed_from_the_outcome_on_working_days() {
        let thursday = date(2026, 11, 19);
        let friday = date(2026, 11, 20);
        let monday = date(2026, 11, 23);
        let appointment = date(2026, 11, 25);
        // (outcome, attempted on, appointment, proposed follow-up)
        let cases = [
            (Outcome::NoAnswer, thursday, None, Some(friday)),
            // Tomorrow from a Friday is Monday.
            (Outcome::NoAnswer, friday, None, Some(monday)),
            (Outcome::WrongNumber, friday, None, Some(monday)),
            (Outcome::Reached, thursday, None, Some(monday)),
            (
                Outcome::AppointmentSet,
                thursday,
                Some(appointment),
                Some(appointment),
            ),
            (Outcome::Refused, thursday, None, Some(date(2026, 11, 24))),
            (Outcome::MovedAway, thursday, None, Some(date(2026, 11, 26))),
            (Outcome::RegisteredElsewhere, thursday, None, None),
        ];
        for (outcome, on, appointment, expected) in cases {
            assert_eq!(
                proposed_follow_up(
                    &OfficeCalendar::labour_code_only(),
                    outcome,
                    on,
                    appointment
                ),
                expected,
                "{outcome:?} on {on}"
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(*o));
        }
        assert_eq!(Outcome::parse("lost"), None);
    }
}
