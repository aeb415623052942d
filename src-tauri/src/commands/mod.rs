//! The commands the UI calls: each is a few lines around one library call
//! (`hotich_core::Store`, `hotich_extract`, `hotich_sync`), behind the
//! shell's session guard ([`crate::session::Shell`]).
//!
//! All are `async` so Tauri runs them off the main thread: a query waiting
//! for the store while an import holds it never freezes the window. Every
//! command but the few that show the office and sign in asks the session
//! first: nothing is read or written for a locked or absent officer.

/// Defines commands that are each one library call behind the session guard,
/// so none can forget the guard or word an error its own way. In
/// `guard fn name(args) -> T = |bound| call;`, `guard` names the
/// [`Shell`] method that hands `call` what it may use:
///
/// - `acting`: `|(actor, store)|`, the acting officer (signed in, unlocked)
///   and the store (`mut store` to write);
/// - `signed_in`: `|store|`, for a call that needs an officer present but not who.
/// - `store`: `|store|` with no session check, only for what the screens
///   before sign-in show.
///
/// Each becomes `#[tauri::command] pub async fn name(shell: State<'_, Shell>,
/// args) -> CommandResult<T>`, the call's error turned into a `CommandError`.
macro_rules! guarded_commands {
    ($(
        $(#[$doc:meta])*
        $guard:ident fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty =
            |$bound:pat_param| $call:expr;
    )*) => {$(
        $(#[$doc])*
        #[tauri::command]
        pub async fn $name(
            shell: tauri::State<'_, $crate::session::Shell>,
            $($arg: $ty),*
        ) -> $crate::error::CommandResult<$ret> {
            let $bound = shell.$guard()?;
            Ok($call?)
        }
    )*};
}

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod cases;
pub mod extract;
pub mod outreach;
pub mod registration;
pub mod session;
pub mod setup;
pub mod stats;
pub mod sync;
pub mod trust;

use chrono::NaiveDate;
use hotich_core::{Officer, Store};
use tauri::{AppHandle, Manager};

use crate::error::{CommandError, CommandResult};
use crate::session::Shell;

/// How the start went: the store opened, or why it could not. A start that
/// first encrypts the database (a plain one an earlier version left, once)
/// finishes on a worker thread while the window shows its progress;
/// [`cases::startup`] waits for it.
#[derive(Debug, Default)]
pub struct Startup {
    outcome: std::sync::Mutex<Option<CommandResult<()>>>,
    finished: std::sync::Condvar,
}

impl Startup {
    /// A start still under way.
    pub fn pending() -> Startup {
        Startup::default()
    }

    pub fn finish(&self, outcome: CommandResult<()>) {
        if let Ok(mut slot) = self.outcome.lock() {
            *slot = Some(outcome);
            self.finished.notify_all();
        }
    }

    /// Blocks until the start has finished; its outcome.
    pub(crate) fn wait(&self) -> CommandResult<()> {
        let slot = self.outcome.lock().map_err(CommandError::internal)?;
        let slot = self
            .finished
            .wait_while(slot, |outcome| outcome.is_none())
            .map_err(CommandError::internal)?;
        slot.clone().unwrap_or(Ok(()))
    }
}

/// Today in the office (Vietnam), whatever the PC's time zone.
pub(crate) fn today() -> NaiveDate {
    hotich_core::time::office_today()
}

/// Long work (an import, a day's batch): the acting officer is checked at
/// once, then `work` runs on a worker thread with the store, so the window
/// stays responsive; it gets the app to emit its progress.
pub(crate) async fn acting_off_thread<T, Work>(app: AppHandle, work: Work) -> CommandResult<T>
where
    T: Send + 'static,
    Work: FnOnce(&AppHandle, Officer, &mut Store) -> CommandResult<T> + Send + 'static,
{
    let actor = app.state::<Shell>().session.acting()?;
    tauri::async_runtime::spawn_blocking(move || {
        let shell = app.state::<Shell>();
        let mut store = shell.store()?;
        work(&app, actor, &mut store)
    })
    .await
    .map_err(CommandError::internal)?
}

/// Calls `$callback!` with every command, as `module::function` under
/// `commands`: the one list that feeds both `tauri::generate_handler!` and
/// [`COMMAND_NAMES`].
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            cases::startup,
            cases::office,
            cases::list_cases,
            cases::case_detail,
            cases::quarantine,
            cases::import_notifications,
            cases::import_trust_list,
            cases::import_dropped,
            setup::installation_state,
            setup::search_communes,
            setup::read_root_key_file,
            setup::check_root_key,
            setup::set_up_office,
            setup::set_up_demo,
            setup::leave_demo,
            setup::office_details,
            setup::change_office_details,
            setup::replace_root_key,
            session::session_state,
            session::create_first_supervisor,
            session::sign_in,
            session::sign_out,
            session::lock_session,
            session::unlock_session,
            session::touch_session,
            session::officers,
            session::create_officer,
            session::set_idle_lock_seconds,
            accounts::change_own_password,
            accounts::reset_password,
            accounts::set_officer_active,
            accounts::set_officer_role,
            outreach::assign_cases,
            outreach::case_outreach,
            outreach::log_attempt,
            outreach::change_status,
            outreach::office_contact,
            outreach::set_office_contact,
            registration::registration_draft,
            registration::check_registration,
            registration::register_case,
            registration::case_registration,
            registration::health_share,
            registration::amend_registration,
            registration::pending_amendments,
            backup::backup_status,
            backup::set_backup_folder,
            backup::back_up_now,
            backup::restore_backup,
            calendar::calendar_year,
            calendar::import_holiday_schedule,
            calendar::office_hours,
            calendar::set_office_hours,
            registration::decide_amendment,
            registration::unsaved_form,
            registration::keep_unsaved_form,
            registration::open_case_by_hand,
            registration::ethnicities,
            registration::signers,
            registration::set_signers,
            extract::extract_preview,
            extract::issue_print,
            extract::record_print,
            extract::check_paper,
            extract::withdraw_copy,
            extract::save_extract_pdf,
            extract::batch_preview,
            extract::issue_batch,
            extract::record_batch,
            extract::print_log,
            extract::blank_preview,
            extract::check_blank_serial,
            extract::record_blank_print,
            extract::record_spoiled_blank,
            extract::printer_calibrations,
            extract::save_printer_calibration,
            extract::test_page_preview,
            stats::dashboard,
            stats::period_report,
            stats::export_period,
            stats::export_province_pilot,
            sync::sync_overview,
            sync::sync_now,
            sync::save_sync_settings,
            sync::case_sync_state,
            sync::retry_refused_item,
            sync::paper_status,
            sync::province_pilot_report,
            trust::trust_certificates,
            trust::facility_certificates,
            trust::crls,
            trust::add_trust_certificates,
            trust::add_facility_certificate,
            trust::add_crl,
            trust::remove_x509,
            trust::official_evidence,
            trust::fhir_evidence,
            audit::audit_entries,
            audit::verify_audit,
            audit::export_audit,
        }
    };
}
pub(crate) use with_commands;

macro_rules! command_names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// The name of every command the UI may invoke (`api.ts` calls them by name).
pub const COMMAND_NAMES: &[&str] = with_commands!(command_names);
