//! Hotich's desktop shell: opens the office's or the demo's store, or lets
//! the first start choose (`commands::setup`), and exposes thin commands over `hotich_core` to the UI.

pub mod commands;
pub mod demo;
pub mod dropped;
pub mod error;
pub mod events;
pub mod session;

use std::path::{Path, PathBuf};

use hotich_core::Store;
use tauri::{Emitter, Manager};

use crate::commands::{with_commands, Startup};
use crate::error::{CommandError, CommandResult};
use crate::session::{Shell, ShellSession};

/// `demo` picks the demo at a first start without asking (the window tests,
/// `scripts/run.sh`); unset or empty, the first start asks.
pub const INSTALLATION_ENV: &str = "HOTICH_INSTALLATION";

/// WebKitGTK's accelerated compositing keeps GL surfaces and layer tiles of
/// the page in the web process: `scripts/bench-app.sh` measured it at about
/// 120 MB of the web process's PSS at sign-in and 150 MB after a walk through
/// the screens, most of the app's weight. The app's screens (forms, tables,
/// two still charts, no animation) draw the same without it, so the shell
/// turns it off unless the environment already decides
/// (`WEBKIT_DISABLE_COMPOSITING_MODE=0` keeps it).
pub const WEBKIT_COMPOSITING_ENV: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

fn draw_without_compositing() {
    // Set before Tauri starts a thread or GTK reads it; the web process
    // inherits it.
    if cfg!(target_os = "linux") && std::env::var_os(WEBKIT_COMPOSITING_ENV).is_none() {
        std::env::set_var(WEBKIT_COMPOSITING_ENV, "1");
    }
}

/// The real database: `hotich_core::paths::default_database` (`$HOTICH_DB`,
/// else `hotich.db` in the app's data folder, where the CLI looks too).
fn database_path() -> CommandResult<PathBuf> {
    hotich_core::paths::default_database()
        .ok_or_else(|| CommandError::new(hotich_core::ErrorCode::NoDatabase, []))
}

/// Where the first-start choice puts each installation: the office in the
/// real database; the demo in its own file beside it, or in `$HOTICH_DB`
/// itself when that names the one file to use (tests, scripts).
#[derive(Debug, Clone)]
pub struct DatabasePaths {
    pub office: PathBuf,
    pub demo: PathBuf,
}

/// What the start found.
enum Found {
    Ready(Store, PathBuf),
    /// Nothing set up yet: the UI asks what this installation is.
    Choice(DatabasePaths),
}

/// Which key opens a database ([`hotich_core::store_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyed {
    /// The office's: the OS keyring's (or `$HOTICH_DB_KEY`).
    Office,
    /// The demo's public key: the demo needs no keyring.
    Demo,
}

/// What a start reports while it encrypts an earlier version's database.
type Progress<'a> = &'a mut (dyn FnMut(hotich_core::EncryptionProgress) + Send);

/// Opens and checks a store, creating its folder owner-only; `progress`
/// while a plain database is encrypted first.
pub(crate) fn open_store(
    path: &Path,
    keyed: Keyed,
    progress: Progress<'_>,
) -> CommandResult<Store> {
    hotich_core::paths::create_database_dir(path).map_err(hotich_core::CoreError::from)?;
    let store = match keyed {
        Keyed::Office => hotich_core::store_key::open_workstation(path, progress)?,
        Keyed::Demo => Store::open_with_progress(path, &hotich_core::StoreKey::demo(), progress)?,
    };
    store.integrity_check()?;
    Ok(store)
}

/// Opens (and finishes seeding) the demo store at `path`.
pub fn open_demo(path: &Path) -> CommandResult<Store> {
    open_store(path, Keyed::Demo, &mut |_| {}).and_then(finish_demo)
}

/// Makes an opened store the demo and finishes its seeding.
fn finish_demo(mut store: Store) -> CommandResult<Store> {
    demo::open(&mut store, hotich_core::time::office_today())?;
    Ok(store)
}

/// The real database if it is set up as an office (or holds data from before
/// the choice); else the demo if its file exists; else the choice, with
/// nothing created. With `$HOTICH_DB`, that one file: used as it is once set
/// up, else the choice. `$HOTICH_INSTALLATION=demo` answers the choice with
/// the demo.
fn find_database(progress: Progress<'_>) -> CommandResult<Found> {
    let real = database_path()?;
    let explicit = hotich_core::paths::database_from_env().is_some();
    let paths = DatabasePaths {
        demo: if explicit {
            real.clone()
        } else {
            hotich_core::paths::demo_database(&real)
        },
        office: real.clone(),
    };
    let demo_wanted = std::env::var(INSTALLATION_ENV).is_ok_and(|v| v.trim() == "demo");
    if explicit || real.exists() {
        // `$HOTICH_DB` with the demo asked for is the demo's file.
        let keyed = if explicit && demo_wanted {
            Keyed::Demo
        } else {
            Keyed::Office
        };
        let store = open_store(&real, keyed, progress)?;
        let usable = match store.installation()? {
            Some(hotich_core::Installation::Office) => true,
            Some(hotich_core::Installation::Demo) => explicit,
            // A database from before the first-start choice, or one the CLI
            // set up, is used as it is.
            None => !demo::is_fresh(&store)?,
        };
        if usable {
            let store = match store.installation()? {
                Some(hotich_core::Installation::Demo) => finish_demo(store)?,
                _ => store,
            };
            return Ok(Found::Ready(store, real));
        }
    }
    if (!explicit && paths.demo.exists()) || demo_wanted {
        let store = open_store(&paths.demo, Keyed::Demo, progress)?;
        // A supervisor asked, from the demo, to set up the office: the choice
        // again (choosing the demo reopens it as it was).
        if !demo_wanted && store.office_setup_requested()? {
            return Ok(Found::Choice(paths));
        }
        return Ok(Found::Ready(finish_demo(store)?, paths.demo));
    }
    Ok(Found::Choice(paths))
}

/// Whether this start first encrypts a plain database an earlier version
/// left (the office's or the demo's).
fn encrypts_at_start() -> bool {
    let Ok(real) = database_path() else {
        return false;
    };
    let demo = hotich_core::paths::demo_database(&real);
    [real, demo]
        .iter()
        .any(|path| hotich_core::store_key::needs_encryption(path).unwrap_or(false))
}

/// Finds and opens the database and starts the shell on it, or readies the
/// first-start choice.
fn start(app: &tauri::AppHandle, progress: Progress<'_>) -> CommandResult<()> {
    let found = find_database(progress).and_then(|found| match found {
        Found::Ready(store, path) => {
            start_shell(app, store, path)?;
            Ok(None)
        }
        Found::Choice(paths) => Ok(Some(paths)),
    });
    match found {
        Ok(choice) => {
            app.manage(commands::setup::FirstRun::new(choice));
            Ok(())
        }
        Err(error) => {
            eprintln!("hotich: {error}");
            app.manage(commands::setup::FirstRun::new(None));
            Err(error)
        }
    }
}

/// Makes `store` the shell's: its session, background sync and scheduled
/// backups start.
pub fn start_shell(app: &tauri::AppHandle, store: Store, path: PathBuf) -> CommandResult<()> {
    let idle_lock_seconds = store
        .idle_lock_seconds()
        .unwrap_or(hotich_core::session::DEFAULT_IDLE_LOCK_SECONDS);
    debug_assert_eq!(store.path(), path);
    let background = commands::sync::start_background(app, store.file())
        .map_err(hotich_core::CoreError::from)?;
    let backups = commands::backup::start_scheduled(app, store.file())
        .map_err(hotich_core::CoreError::from)?;
    let session = ShellSession::new(idle_lock_seconds);
    app.manage(Shell::new(session, store, background, backups));
    Ok(())
}

/// The configuration and bundled UI, read at compile time.
#[allow(
    clippy::disallowed_methods,
    reason = "Tauri's generated code calls std::process::exit; ours does not"
)]
fn context() -> tauri::Context {
    tauri::generate_context!()
}

/// `tauri::generate_handler!` over the one list of commands.
macro_rules! handler {
    ($($module:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$module::$name),*]
    };
}

pub fn run() {
    draw_without_compositing();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            app.manage(Startup::pending());
            if encrypts_at_start() {
                // The window opens at once and shows the progress.
                let app = app.handle().clone();
                std::thread::spawn(move || {
                    let outcome = start(&app, &mut |progress| {
                        let _ = app.emit(
                            events::STORE_ENCRYPTION,
                            events::StoreEncryption {
                                done: progress.done,
                                total: progress.total,
                            },
                        );
                    });
                    app.state::<Startup>().finish(outcome);
                });
            } else {
                let outcome = start(app.handle(), &mut |_| {});
                app.state::<Startup>().finish(outcome);
            }
            Ok(())
        })
        .invoke_handler(with_commands!(handler))
        .run(context())
        .expect("error while running the Hotich app");
}

#[cfg(test)]
mod tests;
