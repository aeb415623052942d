//! `hotich calendar` through the real binary (issue 18, item 2): the shipped
//! 2025 schedule and the Labour Code's 2027 as `calendar show` lists them; an
//! import refused for its bad line with the line named and nothing changed,
//! refused to a registrar, then taken in, the case's deadline moved; office
//! hours set and read back.

mod common;

use common::{json, ok, refused, run_as, run_on, USER_PASSWORD};
use hotich_protocol::samples::death;

/// 2027 with Tết moved: 8-12 February off, Saturday 13 worked.
const SCHEDULE_2027: &str = "2027-01-01 off Tết Dương lịch
2027-02-08 off Tết
2027-02-09 off Tết
2027-02-10 off Tết
2027-02-11 off Tết
2027-02-12 off Tết
2027-02-13 work Làm bù
2027-04-16 off Giỗ Tổ Hùng Vương
2027-04-30 off 30/4
2027-05-03 off Bù 1/5
2027-09-02 off Quốc khánh
2027-09-03 off Quốc khánh
";

#[test]
fn a_supervisor_imports_the_years_schedule_and_every_deadline_follows_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::office_with(dir.path(), &[death()]);
    let run = |user: &str, args: &[&str]| run_as(&db, user, args);

    // The shipped 2025 schedule: Saturday 15 February worked.
    let shown = json(&ok(run("lan", &["calendar", "show", "2025", "--json"])));
    assert_eq!(shown["source"]["kind"], "shipped");
    let saturday = shown["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2025-02-15")
        .expect("the make-up Saturday is listed");
    assert_eq!(saturday["working"], true);
    // 2027 by the Labour Code: Tết, and its weekend made up on 10-11 February.
    let text = ok(run("lan", &["calendar", "show", "2027"]));
    assert!(text.contains("Bộ luật Lao động"), "{text}");
    assert!(
        text.contains("11/02/2027  nghỉ       nghỉ bù Tết Nguyên đán"),
        "{text}"
    );

    // A death opened by hand on 24 January 2027: due Friday 12 February.
    let supervisor = Some(("lanhdao", USER_PASSWORD));
    let on_26_january = |args: &[&str]| run_on("2027-01-26", &db, supervisor, args);
    let case = ok(on_26_january(&[
        "open-case",
        "--type",
        "death",
        "--name",
        "Lò Văn Pó",
        "--date",
        "2027-01-24",
    ]));
    let case = case.trim().to_owned();
    let deadline = || {
        json(&ok(on_26_january(&["case", &case, "--json"])))["case"]["deadline"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(deadline(), "2027-02-12");

    let file = dir.path().join("lich-2027.tsv");
    std::fs::write(
        &file,
        SCHEDULE_2027.replace("2027-02-10 off", "2027-02-10 nghi"),
    )
    .unwrap();
    let error = refused(run(
        "lanhdao",
        &["calendar", "import", file.to_str().unwrap()],
    ));
    assert!(
        error.contains("lich-2027.tsv") && error.contains("dòng 4"),
        "{error}"
    );
    assert_eq!(deadline(), "2027-02-12");

    std::fs::write(&file, SCHEDULE_2027).unwrap();
    let error = refused(run("lan", &["calendar", "import", file.to_str().unwrap()]));
    assert!(error.contains("chỉ lãnh đạo"), "{error}");
    let imported = json(&ok(run(
        "lanhdao",
        &["calendar", "import", file.to_str().unwrap(), "--json"],
    )));
    assert_eq!(imported["years"], serde_json::json!([2027]));
    assert_eq!(imported["deadlines_moved"], 1);
    assert_eq!(deadline(), "2027-02-13");
    let text = ok(run("lan", &["calendar", "show", "2027"]));
    assert!(text.contains("do Phạm Văn Lãnh nhập"), "{text}");
    assert!(text.contains("13/02/2027  làm việc   Làm bù"), "{text}");

    // Office hours: the default, then a supervisor's.
    assert!(ok(run("lan", &["calendar", "hours"])).contains("07:30-11:30,13:30-17:00"));
    let error = refused(run("lanhdao", &["calendar", "hours", "8h-12h"]));
    assert!(error.contains("07:30-11:30,13:30-17:00"), "{error}");
    ok(run(
        "lanhdao",
        &["calendar", "hours", "08:00-12:00,13:00-16:30"],
    ));
    assert!(ok(run("lan", &["calendar", "hours"])).contains("08:00-12:00,13:00-16:30"));
}
