//! The commands the UI calls: each is a few lines around one library call
//! (`hotich_core::Store`, `hotich_extract`, `hotich_sync`), behind the
//! shell's session guard ([`crate::session::Shell`]).
//!
//! All are `async` so Tauri runs them off the main thread: a query waiting
//! for the store while an import holds it never freezes the window. Every
//! command but the few that show the office and sign in asks the session
//! first: nothing is read or written for a locked or absent officer.

pub mod cases;
pub mod extract;
pub mod outreach;
pub mod registration;
pub mod session;
pub mod stats;
pub mod sync;

use chrono::NaiveDate;

/// Why the store could not be opened at start, if it could not.
#[derive(Debug, Default)]
pub struct Startup(pub Option<crate::error::CommandError>);

/// Today in the office (Vietnam), whatever the PC's time zone.
pub(crate) fn today() -> NaiveDate {
    hotich_core::time::office_today()
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
            registration::amend_registration,
            registration::open_case_by_hand,
            registration::ethnicities,
            extract::extract_preview,
            extract::record_print,
            extract::save_extract_pdf,
            extract::batch_preview,
            extract::record_batch,
            extract::print_log,
            stats::dashboard,
            stats::period_report,
            stats::export_period,
            sync::sync_overview,
            sync::sync_now,
            sync::save_sync_settings,
            sync::case_sync_state,
            sync::retry_refused_item,
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
