//! The Debian package as an office installs it: `scripts/test.sh` builds it
//! with `scripts/package.sh` and installs it with `dpkg -i`, then this suite
//! checks what the package put on the machine and starts the installed
//! binary in a real window.

use std::path::{Path, PathBuf};

use hotich_tests::window::{click, text_of, wait_text, AppWindow, TestResult, DEMO_BANNER};

/// The installed app, named by `scripts/test.sh` after `dpkg -i`.
const INSTALLED_APP_ENV: &str = "HOTICH_INSTALLED_APP";

fn installed_app() -> PathBuf {
    let path = std::env::var_os(INSTALLED_APP_ENV).unwrap_or_else(|| {
        panic!("{INSTALLED_APP_ENV} names the app the .deb installed (scripts/test.sh sets it)")
    });
    PathBuf::from(path)
}

/// The files `dpkg -L` lists for the package that holds `binary`.
fn package_files(binary: &Path) -> Vec<String> {
    let owner = std::process::Command::new("dpkg")
        .arg("-S")
        .arg(binary)
        .output()
        .expect("dpkg runs");
    assert!(
        owner.status.success(),
        "no package owns {}",
        binary.display()
    );
    let owner = String::from_utf8_lossy(&owner.stdout);
    let package = owner
        .split(':')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let listed = std::process::Command::new("dpkg")
        .args(["-L", &package])
        .output()
        .expect("dpkg runs");
    String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
#[ignore = "needs the .deb installed: run through the README test command"]
fn the_package_installs_the_app_its_desktop_entry_icon_and_licences() {
    let app = installed_app();
    let files = package_files(&app);
    let desktop = files
        .iter()
        .find(|f| f.starts_with("/usr/share/applications/") && f.ends_with(".desktop"))
        .unwrap_or_else(|| panic!("no desktop entry in {files:?}"));
    let entry = std::fs::read_to_string(desktop).unwrap();
    assert!(entry.contains("Name[vi]=Hộ tịch"), "{entry}");
    let exec = entry
        .lines()
        .find_map(|line| line.strip_prefix("Exec="))
        .expect("an Exec line");
    assert!(
        app.ends_with(exec.trim()),
        "Exec={exec} but the app is {}",
        app.display()
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("/usr/share/icons/") && f.ends_with(".png")),
        "no icon in {files:?}"
    );
    for licence in [
        "/usr/share/doc/hotich/copyright",
        "/usr/share/doc/hotich/licences/OFL-Noto-Serif.txt",
        "/usr/share/doc/hotich/licences/vietnamese-provinces-database.txt",
    ] {
        let text = std::fs::read_to_string(licence).unwrap_or_default();
        assert!(text.len() > 200, "{licence} missing or empty");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the .deb installed and a display server: run through the README test command"]
async fn the_installed_app_starts_on_the_first_start_choice_and_keeps_its_files_private(
) -> TestResult {
    let app = installed_app();
    // No HOTICH_DB and no preset installation: the app uses its data folder
    // and asks, as on an office's first start.
    let window =
        AppWindow::launch_with_env(&app, &[("HOTICH_DB", ""), ("HOTICH_INSTALLATION", "")]).await?;
    let driver = &window.driver;
    let demo = text_of(driver, "[data-testid=choose-demo]").await?;
    let office = text_of(driver, "[data-testid=choose-office]").await?;
    assert!(demo.contains("Dùng thử với dữ liệu mẫu"), "{demo}");
    assert!(office.contains("Thiết lập văn phòng"), "{office}");

    // Choosing the demo creates its database in the data folder, which is
    // the owner's only, as is every database file in it.
    let data_dir = window
        .database
        .parent()
        .ok_or("a temp folder")?
        .join("xdg-data/vn.hotich.app");
    click(driver, "[data-testid=choose-demo]").await?;
    wait_text(driver, "[data-testid=demo-banner]", DEMO_BANNER).await?;
    let demo_db = data_dir.join("hotich-demo.db");
    assert!(demo_db.is_file(), "{}", demo_db.display());
    assert!(
        !data_dir.join("hotich.db").exists(),
        "the demo never writes the office's file"
    );
    assert_private(&data_dir);
    window.quit().await?;
    Ok(())
}

/// The data folder is the owner's only, and so is every database file in it.
#[cfg(unix)]
fn assert_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.contains(".db") {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
            files += 1;
        }
    }
    assert!(files >= 1, "no database file in {}", dir.display());
}
