//! Assignment, the outreach panel, attempts and status decisions.

use chrono::Utc;
use hotich_core::{AttemptInput, OfficeContact, OutreachView, StatusDecision};

use super::today;

guarded_commands! {
    /// Gives cases to an officer (None: takes them back). Supervisors only.
    acting fn assign_cases(case_ids: Vec<String>, assignee: Option<String>) -> u32 =
        |(actor, mut store)| store.assign(&actor, &case_ids, assignee.as_deref(), Utc::now());
    acting fn case_outreach(id: String) -> OutreachView =
        |(actor, store)| store.outreach_view(&actor, &id, today());
    acting fn log_attempt(id: String, input: AttemptInput) -> String =
        |(actor, mut store)| store.log_attempt(&actor, &id, &input, Utc::now(), today());
    acting fn change_status(id: String, decision: StatusDecision) -> String =
        |(actor, mut store)| store.change_status(&actor, &id, &decision, Utc::now(), today());
    signed_in fn office_contact() -> OfficeContact = |store| store.office_contact();
    acting fn set_office_contact(contact: OfficeContact) -> () =
        |(actor, store)| store.set_office_contact(&actor, &contact);
}
