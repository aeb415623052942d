//! `scripts/demo.sh` (what `scripts/run.sh` opens): a demo registry, a
//! facility simulator and the app in demo mode connected to them. Within two
//! minutes of the start, a notification the simulator posted to the registry
//! is in the app's database, brought there by sync; when the app closes, the
//! registry and the simulator end with it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use hotich_tests::window::{app_binary, TestResult, Xvfb};

/// Ids of every notification in the (encrypted) database at `path`, read
/// with `key` (`table` holds them); empty while the file or the table does
/// not exist yet.
fn notification_ids(path: &Path, key: Key, table: &str) -> BTreeSet<String> {
    if !path.exists() {
        return BTreeSet::new();
    }
    let conn = match key {
        Key::Registry => hotich_central::storage::key::database_key(path)
            .map_err(|e| e.to_string())
            .and_then(|key| {
                hotich_common::sqlite::connect_read_only(path, Some(&key))
                    .map_err(|e| e.to_string())
            }),
        Key::Demo => hotich_core::store_key::StoreFile {
            path: path.to_owned(),
            key: hotich_core::StoreKey::demo(),
        }
        .read_only_connection()
        .map_err(|e| e.to_string()),
    };
    let Ok(conn) = conn else {
        return BTreeSet::new();
    };
    let sql = format!("SELECT DISTINCT notification_id FROM {table}");
    let Ok(mut stmt) = conn.prepare(&sql) else {
        return BTreeSet::new();
    };
    stmt.query_map([], |row| row.get::<_, String>(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// Whose key opens a database the demo made.
#[derive(Debug, Clone, Copy)]
enum Key {
    /// The registry's, beside its database.
    Registry,
    /// The demo workstation's public key.
    Demo,
}

/// Pids of the processes whose command line mentions `marker`.
fn processes_mentioning(marker: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            let mentions = |bytes: &[u8]| String::from_utf8_lossy(bytes).contains(marker);
            (pid != std::process::id() && (mentions(&cmdline) || mentions(&environ))).then_some(pid)
        })
        .collect()
}

/// The app's pid: the process running the app binary with our database.
fn app_pid(app: &Path, database: &Path) -> Option<u32> {
    processes_mentioning(&database.display().to_string())
        .into_iter()
        .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app))
}

struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[ignore = "needs the built app and a display server: run through the README test command"]
fn the_demo_brings_simulated_notifications_through_sync_and_ends_with_the_app() -> TestResult {
    let app = std::fs::canonicalize(app_binary())?;
    let central = app.with_file_name("hotich-central");
    let xvfb = Xvfb::start()?;
    let tmp = tempfile::tempdir()?;
    let database = tmp.path().join("demo.db");
    let registry_dir = tmp.path().join("registry");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/demo.sh");
    let started = Instant::now();
    let mut demo = Demo(
        Command::new("bash")
            .arg(&script)
            .env("HOTICH_DEMO_APP", &app)
            .env("HOTICH_DEMO_CENTRAL", &central)
            .env("HOTICH_DEMO_DIR", &registry_dir)
            .env("HOTICH_DEMO_EVERY", "20")
            .env("HOTICH_SYNC_INTERVAL_SECONDS", "5")
            .env("HOTICH_DB", &database)
            .env("DISPLAY", &xvfb.display)
            .env("XDG_DATA_HOME", tmp.path().join("xdg-data"))
            .env("XDG_CACHE_HOME", tmp.path().join("xdg-cache"))
            .env("XDG_CONFIG_HOME", tmp.path().join("xdg-config"))
            .spawn()?,
    );

    // The simulator's notifications reach the registry, and sync brings one
    // of them to the app: the demo's own seeded ones never went there.
    let through_sync = loop {
        let posted = notification_ids(
            &registry_dir.join("registry.db"),
            Key::Registry,
            "notification_event",
        );
        let held = notification_ids(&database, Key::Demo, "notification");
        if let Some(id) = posted.intersection(&held).next() {
            break id.clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "after 2 minutes no simulated notification came through sync: {} posted, {} held",
            posted.len(),
            held.len()
        );
        assert!(
            demo.0.try_wait()?.is_none(),
            "scripts/demo.sh stopped early"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    eprintln!(
        "{through_sync} came through sync {:.1} s after the start",
        started.elapsed().as_secs_f64()
    );

    // Closing the app ends the demo: the script returns, and no registry,
    // simulator or app process of this demo is left.
    let pid = app_pid(&app, &database).ok_or("the app's process")?;
    Command::new("kill").arg(pid.to_string()).status()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while demo.0.try_wait()?.is_none() {
        assert!(
            Instant::now() < deadline,
            "scripts/demo.sh still runs after the app closed"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let marker = registry_dir.display().to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !processes_mentioning(&marker).is_empty() {
        assert!(
            Instant::now() < deadline,
            "demo processes left: {:?}",
            processes_mentioning(&marker)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(xvfb);
    Ok(())
}
