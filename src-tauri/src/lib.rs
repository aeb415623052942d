//! Hotich's desktop shell: opens the store, seeds the demo on a first start,
//! and exposes thin commands over `hotich_core` to the UI.

pub mod commands;
pub mod demo;
pub mod error;
pub mod events;
pub mod session;

use std::path::{Path, PathBuf};

use hotich_core::Store;
use tauri::Manager;

use crate::commands::{with_commands, Startup};
use crate::error::{CommandError, CommandResult};
use crate::session::{Shell, ShellSession};

/// The database: `hotich_core::paths::default_database` (`$HOTICH_DB`, else
/// `hotich.db` in the app's data folder, where the CLI looks too).
fn database_path() -> CommandResult<PathBuf> {
    let path = hotich_core::paths::default_database()
        .ok_or_else(|| CommandError::new(hotich_core::ErrorCode::NoDatabase, []))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(hotich_core::CoreError::from)?;
    }
    Ok(path)
}

/// Opens and checks the store; seeds the demo into a fresh one.
fn open_store(path: &Path) -> CommandResult<Store> {
    let mut store = Store::open(path)?;
    store.integrity_check()?;
    if demo::is_fresh(&store)? {
        demo::seed(&mut store, hotich_core::time::office_today())?;
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

/// `tauri::generate_handler!` over the one list of commands.
macro_rules! handler {
    ($($module:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$module::$name),*]
    };
}

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let opened = database_path().and_then(|path| Ok((open_store(&path)?, path)));
            match opened {
                Ok((store, path)) => {
                    let idle_lock_seconds = store
                        .idle_lock_seconds()
                        .unwrap_or(hotich_core::session::DEFAULT_IDLE_LOCK_SECONDS);
                    let background = commands::sync::start_background(app.handle(), path)?;
                    let session = ShellSession::new(idle_lock_seconds);
                    app.manage(Shell::new(session, store, background));
                    app.manage(Startup(None));
                }
                Err(error) => {
                    eprintln!("hotich: {error}");
                    app.manage(Startup(Some(error)));
                }
            }
            Ok(())
        })
        .invoke_handler(with_commands!(handler))
        .run(context())
        .expect("error while running the Hotich app");
}

#[cfg(test)]
mod tests;
