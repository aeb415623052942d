//! Registration entry: the pre-filled form, its check, saving it in the
//! register book, amendments, and cases opened by hand.

use chrono::{NaiveDate, Utc};
use hotich_core::registration::ethnicity;
use hotich_core::registration::unsaved::FormMode;
use hotich_core::{PendingAmendment, Registration, RegistrationCheck, RegistrationForm, Signer};
use hotich_protocol::EventKind;
use tauri::State;

use super::today;
use crate::error::CommandResult;
use crate::session::Shell;

guarded_commands! {
    signed_in fn registration_draft(case_id: String) -> RegistrationForm =
        |store| store.registration_draft(&case_id, today());

    /// Every problem, difference and suspected duplicate; saves nothing.
    signed_in fn check_registration(case_id: String, form: RegistrationForm) -> RegistrationCheck =
        |store| store.check_registration(&case_id, &form, today());

    acting fn register_case(case_id: String, form: RegistrationForm) -> Registration =
        |(actor, mut store)| store.register(&actor, &case_id, &form, Utc::now(), today());

    /// The case's registration with its amendments, if it is registered here.
    signed_in fn case_registration(case_id: String) -> Option<Registration> =
        |store| store.registration_of_case(&case_id);

    /// Where a registered death stands with the health side, and the cause
    /// its station returned; None for a birth.
    signed_in fn health_share(registration_id: String) -> Option<hotich_core::health_loop::HealthShare> =
        |store| store.health_share(&registration_id);

    acting fn amend_registration(
        registration_id: String,
        form: RegistrationForm,
        reason: String,
    ) -> Registration = |(actor, mut store)| {
        let (now, today) = (Utc::now(), today());
        store.amend_registration(&actor, &registration_id, &form, &reason, now, today)
    };

    /// The amendments waiting for a supervisor, oldest first (supervisors).
    acting fn pending_amendments() -> Vec<PendingAmendment> =
        |(actor, store)| store.pending_amendments(&actor);

    /// A supervisor approves an amendment (it takes effect) or rejects it
    /// with `note` saying why.
    acting fn decide_amendment(amendment_id: String, approve: bool, note: String) -> Registration =
        |(actor, mut store)| store.decide_amendment(&actor, &amendment_id, approve, &note, Utc::now());

    /// What the officer left typed in a form of the case, if anything.
    acting fn unsaved_form(case_id: String, mode: FormMode) -> Option<String> =
        |(actor, store)| store.unsaved_form(&actor, &case_id, mode);

    /// Keeps what the officer has typed (the window's JSON of the form).
    acting fn keep_unsaved_form(case_id: String, mode: FormMode, body: String) -> () =
        |(actor, mut store)| store.keep_unsaved_form(&actor, &case_id, mode, &body, Utc::now());

    /// The office's signers, the default first (empty until a supervisor sets them).
    signed_in fn signers() -> Vec<Signer> = |store| store.signers();

    /// A supervisor replaces the office's signers; returns them as stored.
    acting fn set_signers(signers: Vec<Signer>) -> Vec<Signer> =
        |(actor, store)| store.set_signers(&actor, &signers);

    /// A case for an event no notification announced; returns its id. The
    /// day is null when the window could not read it: the refusal then names
    /// it with the form's other problems.
    acting fn open_case_by_hand(kind: EventKind, name: String, event_date: Option<NaiveDate>) -> String =
        |(actor, mut store)| {
            let (now, today) = (Utc::now(), today());
            store.open_case_by_hand(&actor, kind, &name, event_date, now, today)
        };
}

/// The 54 recognised ethnic groups' names, for the form's suggestions.
#[tauri::command]
pub async fn ethnicities(shell: State<'_, Shell>) -> CommandResult<Vec<String>> {
    shell.session.acting()?;
    Ok(ethnicity::all().iter().map(|e| e.name.clone()).collect())
}
