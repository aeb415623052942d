//! `hotich stats --province` over real processes (issue 18, item 4): a
//! registry into which `hotich-central simulate --scenario pilot` played a
//! province's months answers a supervisor of one of its communes with the
//! same figures its operator's `report pilot` gives; a registrar is refused
//! before anything is asked.

#[path = "common/sync_env.rs"]
mod sync_env;
use sync_env::*;

use chrono::Utc;
use hotich_core::{Role, Store, StoreKey};
use serde_json::Value;

#[test]
fn a_supervisor_reads_the_provinces_pilot_figures_from_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("central.db");
    ok(central()
        .args([
            "simulate",
            "--scenario",
            "pilot",
            "--province",
            "19",
            "--communes",
            "3",
        ])
        .args(["--deaths", "90", "--days", "60", "--today", TODAY, "--db"])
        .arg(&db));
    let token = ok(central()
        .args(["workstation", "add", "--commune", "01864", "--db"])
        .arg(&db));
    let server = serve(&db, &[]);

    let ws = dir.path().join("ws.db");
    ok(hotich(&ws).args(["trust", "pin-root", "--demo"]));
    ok(hotich(&ws).args(["office", "--set", "01864"]));
    {
        let mut store = Store::open(&ws, &StoreKey::demo()).unwrap();
        let boss = store
            .create_first_supervisor("lanhdao", "Phạm Văn Lãnh", PASSWORD, Utc::now())
            .unwrap();
        let lan = store
            .create_officer(
                &boss,
                "lan",
                "Nguyễn Thị Lan",
                Role::Registrar,
                "mật khẩu đầu tiên 1",
                Utc::now(),
            )
            .unwrap();
        store
            .change_own_password(&lan.id, "mật khẩu đầu tiên 1", PASSWORD, Utc::now())
            .unwrap();
    }
    let ask = |user: &str| {
        hotich(&ws)
            .env("HOTICH_USER", user)
            .env("HOTICH_PASSWORD", PASSWORD)
            .env("HOTICH_TOKEN", token.trim())
            .args([
                "stats",
                "--from",
                "2026-09-01",
                "--to",
                TODAY,
                "--province",
                "--json",
            ])
            .args(["--server", &server.url])
            .output()
            .unwrap()
    };
    let answer = ask("lanhdao");
    assert!(
        answer.status.success(),
        "{}",
        String::from_utf8_lossy(&answer.stderr)
    );
    let shown: Value = serde_json::from_slice(&answer.stdout).unwrap();
    let operator: Value = serde_json::from_str(&ok(central()
        .args([
            "report",
            "pilot",
            "--province",
            "19",
            "--from",
            "2026-09-01",
            "--to",
            TODAY,
            "--db",
        ])
        .arg(&db)))
    .unwrap();
    assert_eq!(shown["report"]["figures"], operator["figures"]);
    assert_eq!(shown["report"]["province_name"], "Tỉnh Thái Nguyên");
    assert!(
        shown["report"]["figures"]["death"]["notified"]
            .as_u64()
            .unwrap()
            > 50,
        "{shown}"
    );
    // The report's lines, as the window and the PDF word them.
    let lines = shown["lines"].as_array().unwrap();
    let notified = lines
        .iter()
        .find(|l| l["label"] == "Thí điểm: Sự kiện trong kỳ được y tế thông báo")
        .unwrap();
    assert_eq!(
        notified["death"],
        operator["figures"]["death"]["notified"].to_string()
    );

    // A registrar's statistics are their own dashboard: refused, nothing asked.
    let refused = ask("lan");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("chỉ lãnh đạo mới được xem thống kê của xã"),
        "{said}"
    );
}
