//! Assignment, the outreach panel, attempts and status decisions.

use chrono::Utc;
use hotich_core::{AttemptInput, OfficeContact, OutreachView, StatusDecision};
use tauri::State;

use super::today;
use crate::error::CommandResult;
use crate::session::Shell;

/// Gives cases to an officer (None: takes them back). Supervisors only.
#[tauri::command]
pub async fn assign_cases(
    shell: State<'_, Shell>,
    case_ids: Vec<String>,
    assignee: Option<String>,
) -> CommandResult<u32> {
    let (actor, mut store) = shell.acting()?;
    Ok(store.assign(&actor, &case_ids, assignee.as_deref(), Utc::now())?)
}

#[tauri::command]
pub async fn case_outreach(shell: State<'_, Shell>, id: String) -> CommandResult<OutreachView> {
    let (actor, store) = shell.acting()?;
    Ok(store.outreach_view(&actor, &id, today())?)
}

#[tauri::command]
pub async fn log_attempt(
    shell: State<'_, Shell>,
    id: String,
    input: AttemptInput,
) -> CommandResult<String> {
    let (actor, mut store) = shell.acting()?;
    Ok(store.log_attempt(&actor, &id, &input, Utc::now(), today())?)
}

#[tauri::command]
pub async fn change_status(
    shell: State<'_, Shell>,
    id: String,
    decision: StatusDecision,
) -> CommandResult<String> {
    let (actor, mut store) = shell.acting()?;
    Ok(store.change_status(&actor, &id, &decision, Utc::now(), today())?)
}

#[tauri::command]
pub async fn office_contact(shell: State<'_, Shell>) -> CommandResult<OfficeContact> {
    Ok(shell.signed_in()?.office_contact()?)
}

#[tauri::command]
pub async fn set_office_contact(
    shell: State<'_, Shell>,
    contact: OfficeContact,
) -> CommandResult<()> {
    let (actor, store) = shell.acting()?;
    Ok(store.set_office_contact(&actor, &contact)?)
}
