//! Helpers shared by the CLI suites.

use std::process::Output;

use serde_json::Value;

/// The stdout of a run that must succeed; the whole run in the failure message.
pub fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Imports, into the database `db`, a simulated commune's signed
/// notifications (Xã Bằng Thành, 01864) through the `hotich` binary as a
/// script does: the demo root, the trust list, then the notifications.
#[allow(dead_code)] // not every suite starts from a simulation
pub fn import_simulation(db: &std::path::Path, births: usize, deaths: usize, today: &str) {
    let sim = db.with_file_name("sim");
    let issued = hotich_sim::simulate(&hotich_sim::SimConfig::new(
        "01864",
        births,
        deaths,
        today.parse().unwrap(),
    ))
    .unwrap();
    hotich_sim::write_files(&issued, &sim).unwrap();
    let trust = sim.join("trust.json");
    let notifications = sim.join("notifications.json");
    for args in [
        vec!["trust", "pin-root", "--demo"],
        vec!["trust", "import", trust.to_str().unwrap()],
        vec!["import", notifications.to_str().unwrap()],
    ] {
        ok(std::process::Command::new(env!("CARGO_BIN_EXE_hotich"))
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap());
    }
}

/// The supervisor `lanhdao` creates a registrar's account through `hotich officer add`.
#[allow(dead_code)] // not every suite has officers
pub fn add_registrar(
    db: &std::path::Path,
    username: &str,
    name: &str,
    supervisor_password: &str,
    new_password: &str,
) {
    ok(std::process::Command::new(env!("CARGO_BIN_EXE_hotich"))
        .arg("--db")
        .arg(db)
        .args(["officer", "add", "--username", username, "--name", name])
        .env("HOTICH_USER", "lanhdao")
        .env("HOTICH_PASSWORD", supervisor_password)
        .env("HOTICH_NEW_PASSWORD", new_password)
        .output()
        .unwrap());
}
