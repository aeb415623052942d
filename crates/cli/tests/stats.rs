//! Statistics through the real `hotich` binary: `stats`, `dashboard` and
//! `export`, checked against the case lists the same binary prints.

mod common;
use common::{
    export_args, import_simulation, json, ok, period_around_now, refused, run_on,
    supervisor_and_lan, unanswered_call, REGISTRAR_PASSWORD, SUPERVISOR_PASSWORD,
};

use std::path::Path;
use std::process::Output;

use serde_json::Value;

const TODAY: &str = "2026-11-21";

fn run(db: &Path, user: Option<(&str, &str)>, args: &[&str]) -> Output {
    run_on(TODAY, db, user, args)
}

fn count_cases(db: &Path, args: &[&str]) -> u64 {
    let mut all = vec!["cases", "--json"];
    all.extend_from_slice(args);
    json(&ok(run(db, None, &all))).as_array().unwrap().len() as u64
}

const BOSS: Option<(&str, &str)> = Some(("lanhdao", SUPERVISOR_PASSWORD));
const LAN: Option<(&str, &str)> = Some(("lan", REGISTRAR_PASSWORD));

/// A commune with 20 births and 10 deaths received, a supervisor and Lan,
/// who has tried to reach the family of one death.
fn commune(dir: &Path) -> (std::path::PathBuf, String) {
    let db = dir.join("hotich.db");
    import_simulation(&db, 20, 10, TODAY);
    supervisor_and_lan(&db);
    let deaths = json(&ok(run(
        &db,
        None,
        &["cases", "--type", "death", "--status", "new", "--json"],
    )));
    let case = deaths[0]["id"].as_str().unwrap().to_owned();
    ok(run(&db, LAN, &unanswered_call(&case)));
    (db, case)
}

#[test]
fn stats_count_what_the_case_lists_show() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = commune(dir.path());
    let (from, to) = period_around_now();
    let stats = json(&ok(run(
        &db,
        None,
        &["stats", "--from", &from, "--to", &to, "--json"],
    )));
    for kind in ["birth", "death"] {
        let all = count_cases(&db, &["--type", kind]);
        let voided = count_cases(&db, &["--type", kind, "--status", "voided"]);
        assert_eq!(stats[kind]["received"], Value::from(all - voided), "{kind}");
        assert_eq!(stats[kind]["voided"], Value::from(voided), "{kind}");
        assert_eq!(stats[kind]["registered"], Value::from(0), "{kind}");
    }
    assert_eq!(stats["death"]["attempts"], Value::from(1));
    assert_eq!(stats["death"]["cases_worked"], Value::from(1));
    assert_eq!(stats["birth"]["attempts"], Value::from(0));

    // The table says the same.
    let table = ok(run(&db, None, &["stats", "--from", &from, "--to", &to]));
    let received = table
        .lines()
        .find(|l| l.starts_with("Thông báo nhận được"))
        .unwrap();
    let numbers: Vec<&str> = received.split_whitespace().rev().take(2).collect();
    assert_eq!(
        numbers,
        vec![
            stats["death"]["received"].to_string(),
            stats["birth"]["received"].to_string()
        ]
    );
    assert!(refused(run(&db, None, &["stats", "--from", &to, "--to", &from])).contains(&to));
}

#[test]
fn the_dashboard_shows_the_acting_officer_what_is_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let (db, case) = commune(dir.path());
    let boss = json(&ok(run(&db, BOSS, &["dashboard", "--json"])));
    assert_eq!(boss["officer_id"], Value::Null);
    let open: u64 = ["new", "in_outreach", "appointment", "needs_review"]
        .iter()
        .map(|status| count_cases(&db, &["--status", status]))
        .sum();
    assert_eq!(boss["open"]["count"], Value::from(open));
    assert_eq!(
        boss["overdue"]["count"],
        Value::from(count_cases(&db, &["--overdue"]))
    );
    assert_eq!(boss["workload"].as_array().unwrap().len(), 2);

    // Lan took the case she called: her dashboard holds it alone.
    let lan = json(&ok(run(&db, LAN, &["dashboard", "--json"])));
    assert_eq!(lan["open"]["count"], Value::from(1));
    assert_eq!(lan["workload"].as_array().unwrap().len(), 1);
    assert_eq!(lan["workload"][0]["username"], "lan");
    let mine = json(&ok(run(&db, LAN, &["cases", "--mine", "--json"])));
    assert_eq!(mine[0]["id"].as_str(), Some(case.as_str()));

    let table = ok(run(&db, BOSS, &["dashboard"]));
    assert!(table.contains("Quá hạn"), "{table}");
    assert!(table.contains("Lê Thị Lan"), "{table}");
    // Whose figures: the dashboard needs the acting officer.
    assert!(refused(run(&db, None, &["dashboard"])).contains("--user"));
}

#[test]
fn a_supervisor_exports_csv_with_a_bom_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = commune(dir.path());
    let (from, to) = period_around_now();
    let csv = dir.path().join("bao-cao.csv");
    let xlsx = dir.path().join("bao-cao.xlsx");
    let export_to =
        |who: Option<(&str, &str)>, file: &Path| run(&db, who, &export_args(&from, &to, file));
    for file in [&csv, &xlsx] {
        let said = ok(export_to(BOSS, file));
        assert!(said.contains("30 hồ sơ"), "{said}");
    }
    let bytes = std::fs::read(&csv).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte-order mark"
    );
    let text = String::from_utf8(bytes).unwrap();
    let stats = json(&ok(run(
        &db,
        None,
        &["stats", "--from", &from, "--to", &to, "--json"],
    )));
    assert!(
        text.contains(&format!(
            "Thông báo nhận được,{},{}",
            stats["birth"]["received"], stats["death"]["received"]
        )),
        "{text}"
    );
    // Every case of the period is listed once, named with its diacritics.
    let cases = json(&ok(run(&db, None, &["cases", "--json"])));
    for case in cases.as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        assert_eq!(text.matches(id).count(), 1, "{id}");
        assert!(text.contains(case["name"].as_str().unwrap()));
    }
    // An XLSX file is a zip archive.
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK\x03\x04"));

    // The printable report, headed by the office: a PDF whose text holds the figures.
    ok(run(&db, None, &["office", "--set", "01864"]));
    let pdf = dir.path().join("bao-cao.pdf");
    assert!(ok(export_to(BOSS, &pdf)).contains("Đã lưu báo cáo"));
    let report = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let report = String::from_utf8(report.stdout).unwrap();
    assert!(
        report.contains("BÁO CÁO THỐNG KÊ ĐĂNG KÝ KHAI SINH, KHAI TỬ"),
        "{report}"
    );
    assert!(report.contains("Thông báo nhận được"), "{report}");
    assert!(report.contains(&stats["death"]["received"].to_string()));

    // Registrars do not export lists of people; other formats are refused.
    assert!(refused(export_to(BOSS, &dir.path().join("bao-cao.txt"))).contains(".xlsx"));
    assert!(refused(export_to(LAN, &pdf)).contains("lãnh đạo"));
    assert!(refused(export_to(LAN, &csv)).contains("lãnh đạo"));
}
