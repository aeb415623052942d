//! Where the workstation's database lives. The CLI's default `--db` and the
//! desktop app both ask [`default_database`], so they open the same file on
//! every OS: `$HOTICH_DB` when set, else `hotich.db` in the app's data folder
//! (the folder Tauri's `app_data_dir` gives: the user's data dir, then the
//! app identifier).

use std::path::PathBuf;

/// The environment variable naming another database file (tests, scripts).
pub const DATABASE_ENV: &str = "HOTICH_DB";
/// The desktop app's identifier (`src-tauri/tauri.conf.json`), the data folder's name.
pub const APP_IDENTIFIER: &str = "vn.hotich.app";
/// The database's file name in the app's data folder.
pub const DATABASE_FILE: &str = "hotich.db";

/// The demo's own database ("Dùng thử với dữ liệu mẫu"), beside the real one.
pub const DEMO_DATABASE_FILE: &str = "hotich-demo.db";

/// The demo's database file in the folder of the real `database`, so the
/// demo never writes into the office's file.
pub fn demo_database(database: &std::path::Path) -> PathBuf {
    database.with_file_name(DEMO_DATABASE_FILE)
}

/// The app's data folder: `$XDG_DATA_HOME/vn.hotich.app` (or
/// `~/.local/share/…`) on Linux, `~/Library/Application Support/…` on macOS,
/// `{RoamingAppData}\…` on Windows; `None` when the OS names no data folder.
pub fn app_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join(APP_IDENTIFIER))
}

/// The database to open: `$HOTICH_DB` when set and not empty, else
/// `hotich.db` in [`app_data_dir`]; `None` when neither is known.
pub fn default_database() -> Option<PathBuf> {
    database_from_env().or_else(|| app_data_dir().map(|dir| dir.join(DATABASE_FILE)))
}

/// The one database `$HOTICH_DB` names (tests, scripts); empty counts as unset.
pub fn database_from_env() -> Option<PathBuf> {
    std::env::var_os(DATABASE_ENV)
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
}

/// Creates the missing folders of a database's path owner-only (0700 on
/// Unix), and makes the app's own data folder owner-only even when it
/// existed; the database files are created 0600 when first opened.
pub fn create_database_dir(database: &std::path::Path) -> std::io::Result<()> {
    let Some(dir) = database.parent().filter(|dir| !dir.as_os_str().is_empty()) else {
        return Ok(());
    };
    hotich_common::sqlite::create_private_dir(dir)?;
    if app_data_dir().as_deref() == Some(dir) {
        hotich_common::sqlite::make_private(dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_database_sits_beside_the_real_one() {
        assert_eq!(
            demo_database(std::path::Path::new("/data/vn.hotich.app/hotich.db")),
            PathBuf::from("/data/vn.hotich.app/hotich-demo.db")
        );
    }

    // One test reads and sets the process environment, so the cases run in
    // order rather than in parallel tests.
    #[test]
    fn the_environment_wins_else_the_app_data_folder() {
        let saved = std::env::var_os(DATABASE_ENV);
        std::env::set_var(DATABASE_ENV, "/srv/hotich/office.db");
        assert_eq!(
            default_database(),
            Some(PathBuf::from("/srv/hotich/office.db"))
        );
        std::env::set_var(DATABASE_ENV, "");
        let in_data_dir = default_database();
        std::env::remove_var(DATABASE_ENV);
        assert_eq!(default_database(), in_data_dir, "empty counts as unset");
        if let Some(path) = in_data_dir {
            assert!(path.ends_with("vn.hotich.app/hotich.db"), "{path:?}");
            assert_eq!(
                Some(path),
                dirs::data_dir().map(|d| d.join("vn.hotich.app").join("hotich.db"))
            );
        }
        if let Some(saved) = saved {
            std::env::set_var(DATABASE_ENV, saved);
        }
    }
}
