//! Registration entry: the pre-filled form, its check, saving it in the
//! register book, amendments, and cases opened by hand.

use chrono::{NaiveDate, Utc};
use hotich_core::registration::ethnicity;
use hotich_core::{Registration, RegistrationCheck, RegistrationForm};
use hotich_protocol::EventKind;
use tauri::State;

use super::today;
use crate::error::CommandResult;
use crate::session::Shell;

#[tauri::command]
pub async fn registration_draft(
    shell: State<'_, Shell>,
    case_id: String,
) -> CommandResult<RegistrationForm> {
    Ok(shell.signed_in()?.registration_draft(&case_id, today())?)
}

/// Every problem, difference and suspected duplicate; saves nothing.
#[tauri::command]
pub async fn check_registration(
    shell: State<'_, Shell>,
    case_id: String,
    form: RegistrationForm,
) -> CommandResult<RegistrationCheck> {
    Ok(shell
        .signed_in()?
        .check_registration(&case_id, &form, today())?)
}

#[tauri::command]
pub async fn register_case(
    shell: State<'_, Shell>,
    case_id: String,
    form: RegistrationForm,
) -> CommandResult<Registration> {
    let (actor, mut store) = shell.acting()?;
    Ok(store.register(&actor, &case_id, &form, Utc::now(), today())?)
}

/// The case's registration with its amendments, if it is registered here.
#[tauri::command]
pub async fn case_registration(
    shell: State<'_, Shell>,
    case_id: String,
) -> CommandResult<Option<Registration>> {
    Ok(shell.signed_in()?.registration_of_case(&case_id)?)
}

#[tauri::command]
pub async fn amend_registration(
    shell: State<'_, Shell>,
    registration_id: String,
    form: RegistrationForm,
    reason: String,
) -> CommandResult<Registration> {
    let (actor, mut store) = shell.acting()?;
    let now = Utc::now();
    Ok(store.amend_registration(&actor, &registration_id, &form, &reason, now, today())?)
}

/// A case for an event no notification announced; returns its id.
#[tauri::command]
pub async fn open_case_by_hand(
    shell: State<'_, Shell>,
    kind: EventKind,
    name: String,
    event_date: NaiveDate,
) -> CommandResult<String> {
    let (actor, mut store) = shell.acting()?;
    Ok(store.open_case_by_hand(&actor, kind, &name, event_date, Utc::now(), today())?)
}

/// The 54 recognised ethnic groups' names, for the form's suggestions.
#[tauri::command]
pub async fn ethnicities(shell: State<'_, Shell>) -> CommandResult<Vec<String>> {
    shell.session.acting()?;
    Ok(ethnicity::all().iter().map(|e| e.name.clone()).collect())
}
