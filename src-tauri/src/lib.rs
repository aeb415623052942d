//! Hotich's desktop shell: opens the store, seeds the demo on a first start,
//! and exposes thin commands over `hotich_core` to the UI.

pub mod commands;
pub mod demo;
pub mod error;
pub mod session;

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::Local;
use hotich_core::Store;
use tauri::Manager;

use crate::commands::Startup;
use crate::error::{CommandError, CommandResult};
use crate::session::ShellSession;

/// The database: `$HOTICH_DB` if set, else `hotich.db` in the app's data folder.
fn database_path(app: &tauri::AppHandle) -> CommandResult<PathBuf> {
    if let Some(path) = std::env::var_os("HOTICH_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dir = app.path().app_data_dir().map_err(|e| {
        CommandError::new(
            "no_database",
            format!("không tìm thấy thư mục dữ liệu: {e}"),
        )
    })?;
    std::fs::create_dir_all(&dir).map_err(hotich_core::CoreError::from)?;
    Ok(dir.join("hotich.db"))
}

/// Opens and checks the store; seeds the demo into a fresh one.
fn open_store(path: &std::path::Path) -> CommandResult<Store> {
    let mut store = Store::open(path)?;
    store.integrity_check()?;
    if demo::is_fresh(&store)? {
        demo::seed(&mut store, Local::now().date_naive())?;
    }
    Ok(store)
}

/// The configuration and bundled UI, read at compile time.
#[allow(
    clippy::disallowed_methods,
    reason = "Tauri's generated code calls std::process::exit; ours does not"
)]
fn context() -> tauri::Context {
    tauri::generate_context!("../tauri.conf.json")
}

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let opened =
                database_path(app.handle()).and_then(|path| Ok((open_store(&path)?, path)));
            match opened {
                Ok((store, path)) => {
                    let idle_lock_seconds = store
                        .idle_lock_seconds()
                        .unwrap_or(hotich_core::session::DEFAULT_IDLE_LOCK_SECONDS);
                    app.manage(ShellSession::new(idle_lock_seconds));
                    app.manage(Mutex::new(store));
                    app.manage(commands::sync::start_background(app.handle(), path)?);
                    app.manage(Startup(None));
                }
                Err(error) => {
                    eprintln!("hotich: {error}");
                    app.manage(ShellSession::new(
                        hotich_core::session::DEFAULT_IDLE_LOCK_SECONDS,
                    ));
                    app.manage(Startup(Some(error)));
                }
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::startup,
            commands::office,
            commands::list_cases,
            commands::case_detail,
            commands::quarantine,
            commands::import_notifications,
            commands::import_trust_list,
            commands::session::session_state,
            commands::session::create_first_supervisor,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::session::lock_session,
            commands::session::unlock_session,
            commands::session::touch_session,
            commands::session::officers,
            commands::session::create_officer,
            commands::session::set_idle_lock_seconds,
            commands::outreach::assign_cases,
            commands::outreach::case_outreach,
            commands::outreach::log_attempt,
            commands::outreach::change_status,
            commands::outreach::office_contact,
            commands::outreach::set_office_contact,
            commands::registration::registration_draft,
            commands::registration::check_registration,
            commands::registration::register_case,
            commands::registration::case_registration,
            commands::registration::amend_registration,
            commands::registration::open_case_by_hand,
            commands::registration::ethnicities,
            commands::extract::extract_preview,
            commands::extract::record_print,
            commands::extract::save_extract_pdf,
            commands::extract::batch_preview,
            commands::extract::record_batch,
            commands::extract::print_log,
            commands::stats::dashboard,
            commands::stats::period_report,
            commands::stats::export_period,
            commands::stats::save_report_pdf,
            commands::sync::sync_overview,
            commands::sync::sync_now,
            commands::sync::save_sync_settings,
            commands::sync::case_sync_state,
            commands::sync::retry_refused_item,
        ])
        .run(context())
        .expect("error while running the Hotich app");
}
