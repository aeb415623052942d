//! The real `hotich-central` binary for the suites.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use hotich_central::process::{prepare_registry, PreparedRegistry, ServerProcess, SimArgs};

pub const TODAY: &str = "2026-11-21";

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hotich-central"))
}

/// `hotich-central ARGS --db DB`; its stdout, after checking it succeeded.
pub fn central(db: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new(bin())
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

pub fn serve(db: &Path, extra: &[&str]) -> ServerProcess {
    ServerProcess::start(&bin(), db, extra).unwrap()
}

pub fn registry(dir: &Path, communes: &[&str], births: usize, deaths: usize) -> PreparedRegistry {
    let sim = SimArgs {
        communes,
        births,
        deaths,
        seed: 1,
        today: TODAY,
    };
    prepare_registry(&bin(), dir, &sim).unwrap()
}
