//! Assignment, the outreach panel, attempts and status decisions.

use std::sync::Mutex;

use chrono::Utc;
use hotich_core::{AttemptInput, OfficeContact, OutreachView, StatusDecision, Store};
use tauri::State;

use super::{lock, today};
use crate::error::CommandResult;
use crate::session::ShellSession;

/// Gives cases to an officer (None: takes them back). Supervisors only.
#[tauri::command]
pub async fn assign_cases(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    case_ids: Vec<String>,
    assignee: Option<String>,
) -> CommandResult<u32> {
    let actor = session.acting()?;
    Ok(lock(&store)?.assign(&actor, &case_ids, assignee.as_deref(), Utc::now())?)
}

#[tauri::command]
pub async fn case_outreach(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    id: String,
) -> CommandResult<OutreachView> {
    let actor = session.acting()?;
    Ok(lock(&store)?.outreach_view(&actor, &id, today())?)
}

#[tauri::command]
pub async fn log_attempt(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    id: String,
    input: AttemptInput,
) -> CommandResult<String> {
    let actor = session.acting()?;
    Ok(lock(&store)?.log_attempt(&actor, &id, &input, Utc::now(), today())?)
}

#[tauri::command]
pub async fn change_status(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    id: String,
    decision: StatusDecision,
) -> CommandResult<String> {
    let actor = session.acting()?;
    Ok(lock(&store)?.change_status(&actor, &id, &decision, Utc::now(), today())?)
}

#[tauri::command]
pub async fn office_contact(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
) -> CommandResult<OfficeContact> {
    session.acting()?;
    Ok(lock(&store)?.office_contact()?)
}

#[tauri::command]
pub async fn set_office_contact(
    session: State<'_, ShellSession>,
    store: State<'_, Mutex<Store>>,
    contact: OfficeContact,
) -> CommandResult<()> {
    let actor = session.acting()?;
    Ok(lock(&store)?.set_office_contact(&actor, &contact)?)
}
