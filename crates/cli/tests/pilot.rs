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
    // `hotich stats --province` as `user`, with `extra` arguments.
    let stats = |user: &str, extra: &[&str]| {
        hotich(&ws)
            .env("HOTICH_USER", user)
            .env("HOTICH_PASSWORD", PASSWORD)
            .env("HOTICH_TOKEN", token.trim())
            .args(["stats", "--from", "2026-09-01", "--to", TODAY, "--province"])
            .args(["--server", &server.url])
            .args(extra)
            .output()
            .unwrap()
    };
    let ask = |user: &str| stats(user, &["--json"]);
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

    // Written to a file as the window writes it: CSV, XLSX, the PDF report.
    let deaths = operator["figures"]["death"]["notified"].to_string();
    let export = |name: &str| {
        let path = dir.path().join(name);
        let output = stats("lanhdao", &["--export", path.to_str().unwrap()]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        path
    };
    let csv = std::fs::read_to_string(export("tinh.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(
        csv.contains("Số liệu thí điểm liên thông Tư pháp - Y tế: Tỉnh Thái Nguyên, sự kiện từ 01/09/2026 đến 21/11/2026"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "Thí điểm: Sự kiện trong kỳ được y tế thông báo,0,{deaths}"
        )),
        "{csv}"
    );
    assert!(std::fs::read(export("tinh.xlsx"))
        .unwrap()
        .starts_with(b"PK\x03\x04"));
    let pdf = std::process::Command::new("pdftotext")
        .arg(export("tinh.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let pdf = String::from_utf8(pdf.stdout).unwrap();
    assert!(
        pdf.contains("SỐ LIỆU THÍ ĐIỂM LIÊN THÔNG TƯ PHÁP - Y TẾ"),
        "{pdf}"
    );
    assert!(
        pdf.contains("Tỉnh Thái Nguyên") && pdf.contains("xã đã đồng bộ"),
        "{pdf}"
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
