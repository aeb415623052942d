//! The `hotich-central` binary as a user runs it.

use std::process::Command;

use hotich_protocol::SignedEnvelope;

fn central() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hotich-central"))
}

/// The same simulation each time, written to `out`.
fn simulate_30_births_12_deaths(out: &std::path::Path) -> std::process::Output {
    central()
        .args(["simulate", "--commune", "00004", "--births", "30"])
        .args(["--deaths", "12", "--seed", "5", "--today", "2026-07-15"])
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn simulate_writes_both_files_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested/out");
    let output = simulate_30_births_12_deaths(&out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("30 khai sinh / births"), "{stderr}");
    assert!(stderr.contains("Phường Ba Đình"), "{stderr}");

    let text = std::fs::read(out.join("notifications.json")).unwrap();
    let envelopes: Vec<SignedEnvelope> = serde_json::from_slice(&text).unwrap();
    assert!(envelopes.len() >= 42);
    let trust = std::fs::read(out.join("trust.json")).unwrap();
    let _: SignedEnvelope = serde_json::from_slice(&trust).unwrap();

    // Same arguments, same bytes.
    let again = dir.path().join("again");
    let status = simulate_30_births_12_deaths(&again).status;
    assert!(status.success());
    assert_eq!(
        std::fs::read(again.join("notifications.json")).unwrap(),
        text
    );
}

#[test]
fn unknown_commune_and_bad_date_fail_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    for (commune, today, expect) in [
        ("99999", "2026-07-15", "99999"),
        ("00004", "2026-02-30", "2026-02-30"),
        ("00004", "15/07/2026", "YYYY-MM-DD"),
    ] {
        let output = central()
            .args([
                "simulate",
                "--commune",
                commune,
                "--births",
                "1",
                "--deaths",
                "1",
            ])
            .args(["--today", today, "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("lỗi:") && stderr.contains("error:"),
            "{stderr}"
        );
        assert!(stderr.contains(expect), "{stderr}");
    }
    assert!(!dir.path().join("notifications.json").exists());
}

#[test]
fn help_lists_the_simulate_options() {
    let output = central().args(["simulate", "--help"]).output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for option in [
        "--commune",
        "--births",
        "--deaths",
        "--out",
        "--seed",
        "--today",
    ] {
        assert!(stdout.contains(option), "{stdout}");
    }
    assert!(central().arg("--help").output().unwrap().status.success());
}
