//! Registration entry: the pre-filled form, its check, saving it in the
//! register book, amendments, and cases opened by hand.

use std::sync::Mutex;

use chrono::{NaiveDate, Utc};
use hotich_core::registration::ethnicity;
use hotich_core::{Registration, RegistrationCheck, RegistrationForm, Store};
use hotich_protocol::EventKind;
use tauri::State;

use super::{lock, today};
use crate::error::CommandResult;
use crate::session::ShellSession;

#[tauri::command]
pub async fn registration_draft(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    case_id: String,
) -> CommandResult<RegistrationForm> {
    session.acting()?;
    Ok(lock(&store)?.registration_draft(&case_id, today())?)
}

/// Every problem, difference and suspected duplicate; saves nothing.
#[tauri::command]
pub async fn check_registration(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    case_id: String,
    form: RegistrationForm,
) -> CommandResult<RegistrationCheck> {
    session.acting()?;
    Ok(lock(&store)?.check_registration(&case_id, &form, today())?)
}

#[tauri::command]
pub async fn register_case(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    case_id: String,
    form: RegistrationForm,
) -> CommandResult<Registration> {
    let actor = session.acting()?;
    Ok(lock(&store)?.register(&actor, &case_id, &form, Utc::now(), today())?)
}

/// The case's registration with its amendments, if it is registered here.
#[tauri::command]
pub async fn case_registration(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    case_id: String,
) -> CommandResult<Option<Registration>> {
    session.acting()?;
    Ok(lock(&store)?.registration_of_case(&case_id)?)
}

#[tauri::command]
pub async fn amend_registration(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    registration_id: String,
    form: RegistrationForm,
    reason: String,
) -> CommandResult<Registration> {
    let actor = session.acting()?;
    Ok(lock(&store)?.amend_registration(
        &actor,
        &registration_id,
        &form,
        &reason,
        Utc::now(),
        today(),
    )?)
}

/// A case for an event no notification announced; returns its id.
#[tauri::command]
pub async fn open_case_by_hand(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    kind: EventKind,
    name: String,
    event_date: NaiveDate,
) -> CommandResult<String> {
    let actor = session.acting()?;
    Ok(lock(&store)?.open_case_by_hand(&actor, kind, &name, event_date, Utc::now(), today())?)
}

/// The 54 recognised ethnic groups' names, for the form's suggestions.
#[tauri::command]
pub async fn ethnicities(session: State<'_, ShellSession>) -> CommandResult<Vec<String>> {
    session.acting()?;
    Ok(ethnicity::all().iter().map(|e| e.name.clone()).collect())
}
