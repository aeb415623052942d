//! The first start: what this installation is. Before the choice no store is
//! open (no `Shell` is managed); choosing the demo or setting up the office
//! opens one and starts the shell. Each command is one library call
//! (`hotich_core::installation`, the shell's `demo.rs`).

use std::sync::Mutex;
use std::time::Instant;

use chrono::Utc;
use hotich_core::{
    CommuneMatch, Installation, OfficeDetails, OfficeDetailsInput, OfficeSetUp, RootKeyFile,
    RootKeyView,
};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use crate::error::{CommandError, CommandResult};
use crate::session::Shell;
use crate::DatabasePaths;

/// Where the choice will put each installation, while it is still to make.
#[derive(Debug)]
pub struct FirstRun(Mutex<Option<DatabasePaths>>);

impl FirstRun {
    pub fn new(choice: Option<DatabasePaths>) -> FirstRun {
        FirstRun(Mutex::new(choice))
    }

    fn pending(&self) -> CommandResult<bool> {
        Ok(self.0.lock().map_err(CommandError::internal)?.is_some())
    }

    /// Runs `choose` once: a choice already made is refused, a failed one may
    /// be made again.
    fn choose<T>(
        &self,
        choose: impl FnOnce(&DatabasePaths) -> CommandResult<T>,
    ) -> CommandResult<T> {
        let mut pending = self.0.lock().map_err(CommandError::internal)?;
        let paths = pending.take().ok_or(hotich_core::CoreError::AlreadySetUp)?;
        choose(&paths).inspect_err(|_| *pending = Some(paths.clone()))
    }
}

/// What the UI shows first: the choice, or the installation already made.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct InstallationState {
    pub choosing: bool,
    pub installation: Option<Installation>,
}

/// The office is set up; the token could not be kept in the OS keyring when
/// `token_error` says why (a supervisor enters it again in the sync settings).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OfficeReady {
    pub token_error: Option<CommandError>,
    /// The recovery key, shown this once to the first supervisor to write
    /// down or print (`Store::reveal_recovery_key`).
    pub recovery_key: Option<String>,
}

#[tauri::command]
pub async fn installation_state(
    app: AppHandle,
    first_run: State<'_, FirstRun>,
) -> CommandResult<InstallationState> {
    Ok(match app.try_state::<Shell>() {
        Some(shell) => InstallationState {
            choosing: false,
            installation: shell.store()?.installation()?,
        },
        None => InstallationState {
            choosing: first_run.pending()?,
            installation: None,
        },
    })
}

/// Communes by name without accents, or by the start of their code.
#[tauri::command]
pub async fn search_communes(query: String) -> CommandResult<Vec<CommuneMatch>> {
    Ok(hotich_core::installation::search_communes(&query, 20))
}

/// The root key the province handed over as a file (`{key_id, public_key}`).
#[tauri::command]
pub async fn read_root_key_file(path: String) -> CommandResult<RootKeyView> {
    let bytes = std::fs::read(&path).map_err(hotich_core::CoreError::from)?;
    let key = RootKeyFile::from_json(&bytes)?.root_key()?;
    Ok(RootKeyView::from(&key))
}

/// A root key typed in: checked and shown with its fingerprint.
#[tauri::command]
pub async fn check_root_key(key: RootKeyFile) -> CommandResult<RootKeyView> {
    Ok(RootKeyView::from(&key.root_key()?))
}

/// Sets the office up from the confirmed summary (one transaction), then
/// keeps the token in the OS keyring, starts the shell and signs the new
/// supervisor in. The token is kept after the transaction: the keyring is
/// no part of it, and nothing may be stored before the summary is accepted.
#[tauri::command]
pub async fn set_up_office(
    app: AppHandle,
    first_run: State<'_, FirstRun>,
    setup: OfficeSetUp,
    token: String,
) -> CommandResult<OfficeReady> {
    if token.trim().is_empty() {
        return Err(CommandError::new(hotich_core::ErrorCode::EmptyToken, []));
    }
    let (store, path, supervisor) = first_run.choose(|paths| {
        let mut store = crate::open_store(&paths.office, crate::Keyed::Office, &mut |_| {})?;
        let supervisor = store.set_up_office(&setup, Utc::now())?;
        Ok((store, paths.office.clone(), supervisor))
    })?;
    let token_error = hotich_sync::configure(&store, &supervisor, &setup.server, Some(&token))
        .err()
        .map(CommandError::from);
    let recovery_key = store.reveal_recovery_key(&supervisor, Utc::now())?;
    crate::start_shell(&app, store, path)?;
    app.state::<Shell>()
        .session
        .lock()?
        .begin(supervisor, Instant::now());
    Ok(OfficeReady {
        token_error,
        recovery_key,
    })
}

/// Opens the demo's own database with its sample data.
#[tauri::command]
pub async fn set_up_demo(app: AppHandle, first_run: State<'_, FirstRun>) -> CommandResult<()> {
    let store =
        first_run.choose(|paths| crate::open_demo(&paths.demo).map(|s| (s, paths.demo.clone())))?;
    crate::start_shell(&app, store.0, store.1)
}

/// From the demo, a supervisor sets up the real office: the app starts again
/// on the first-start choice, and the office gets its own database (the
/// demo's file stays). Refused when `$HOTICH_DB` names one file for both.
#[tauri::command]
pub async fn leave_demo(app: AppHandle, shell: State<'_, Shell>) -> CommandResult<()> {
    if hotich_core::paths::database_from_env().is_some() {
        return Err(hotich_core::CoreError::InstallationFixed(Installation::Demo).into());
    }
    {
        let (actor, store) = shell.acting()?;
        store.request_office_setup(&actor)?;
    }
    app.restart()
}

guarded_commands! {
    /// The office's details and pinned root key, for the supervisor's settings.
    signed_in fn office_details() -> OfficeDetails = |store| store.office_details();
    /// A supervisor changes the office's details (the commune only before any case).
    acting fn change_office_details(details: OfficeDetailsInput) -> OfficeDetails =
        |(actor, mut store)| store.change_office_details(&actor, &details, Utc::now());
    /// A supervisor replaces the registry root key, its fingerprint confirmed.
    acting fn replace_root_key(key: RootKeyFile, confirmed_fingerprint: String) -> RootKeyView =
        |(actor, mut store)| store.replace_root_key(&actor, &key, &confirmed_fingerprint, Utc::now());
}
