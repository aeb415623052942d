//! Officers and outreach through the real `hotich` binary, as scripts drive
//! it: accounts, assignment, `outreach log`, `cases --mine|--assignee`.

mod common;
use common::{
    import_simulation, json, ok, refused, run_on, supervisor_and_lan, texts_of, REGISTRAR_PASSWORD,
    SUPERVISOR_PASSWORD,
};

use std::path::Path;
use std::process::Output;

const TODAY: &str = "2026-11-21";

fn run(db: &Path, user: Option<(&str, &str)>, args: &[&str]) -> Output {
    run_on(TODAY, db, user, args)
}

/// `hotich outreach log <case> --channel <channel> --outcome <outcome> <more>`.
fn log(
    db: &Path,
    user: Option<(&str, &str)>,
    case_id: &str,
    channel: &str,
    outcome: &str,
    more: &[&str],
) -> Output {
    let mut args = vec![
        "outreach",
        "log",
        case_id,
        "--channel",
        channel,
        "--outcome",
        outcome,
    ];
    args.extend(more);
    run(db, user, &args)
}

#[test]
fn a_script_sets_up_officers_assigns_and_logs_outreach() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotich.db");
    import_simulation(&db, 20, 10, TODAY);
    ok(run(&db, None, &["office", "--set", "01864"]));

    let boss = Some(("lanhdao", SUPERVISOR_PASSWORD));
    let lan = Some(("lan", REGISTRAR_PASSWORD));
    supervisor_and_lan(&db);
    // A wrong password is refused with the reason.
    let wrong = refused(run(
        &db,
        Some(("lan", "sai mật khẩu")),
        &["cases", "--mine"],
    ));
    assert!(wrong.contains("mật khẩu không đúng"), "{wrong}");

    let cases = json(&ok(run(&db, None, &["cases", "--status", "new", "--json"])));
    let ids = &texts_of(&cases, "id")[..3];
    let mut assign = vec!["assign", "--to", "lan"];
    assign.extend(ids);
    // Only a supervisor assigns.
    refused(run(&db, lan, &assign));
    assert!(ok(run(&db, boss, &assign)).contains("3"));

    let mine = json(&ok(run(&db, lan, &["cases", "--mine", "--json"])));
    assert_eq!(mine.as_array().unwrap().len(), 3);
    let by_name = json(&ok(run(
        &db,
        None,
        &["cases", "--assignee", "lan", "--json"],
    )));
    assert_eq!(by_name, mine);

    // No answer on Saturday 21 November: try again on Monday.
    let logged = json(&ok(log(
        &db,
        lan,
        ids[0],
        "phone",
        "no_answer",
        &["--note", "Gọi 2 lần", "--json"],
    )));
    assert_eq!(logged["case"]["status"], "in_outreach");
    assert_eq!(logged["case"]["next_follow_up"], "2026-11-23");
    let appointment_on = ["--appointment", "2026-11-25", "--json"];
    let appointment = json(&ok(log(
        &db,
        lan,
        ids[1],
        "village_head",
        "appointment_set",
        &appointment_on,
    )));
    assert_eq!(appointment["case"]["status"], "appointment");
    assert_eq!(appointment["case"]["next_follow_up"], "2026-11-25");
    // Bad input names every field at once; an illegal move says so; nothing changes.
    let appointment_too = ["--appointment", "2026-11-25"];
    let no_reason = refused(log(
        &db,
        lan,
        ids[2],
        "phone",
        "registered_elsewhere",
        &appointment_too,
    ));
    assert!(
        no_reason.contains("ngày hẹn: chỉ ghi khi") && no_reason.contains("ghi chú: cần ghi lý do"),
        "{no_reason}"
    );
    let bad_channel = refused(log(&db, lan, ids[2], "fax", "reached", &[]));
    assert!(bad_channel.contains("kênh không hợp lệ"), "{bad_channel}");
    let illegal = refused(run(&db, lan, &["status", ids[2], "--to", "registered"]));
    assert!(illegal.contains("không thể chuyển"), "{illegal}");

    let history = json(&ok(run(
        &db,
        lan,
        &["outreach", "history", ids[0], "--json"],
    )));
    assert_eq!(texts_of(&history, "kind"), ["assignment", "attempt"]);
    assert_eq!(history[1]["officer_name"], "Lê Thị Lan");
    assert_eq!(history[1]["note"], "Gọi 2 lần");

    // The day's follow-ups on Monday: the no-answer case.
    let due = json(&ok(run_on(
        "2026-11-23",
        &db,
        None,
        &["cases", "--due", "--json"],
    )));
    assert_eq!(texts_of(&due, "id"), [ids[0]]);

    let guide = ok(run(&db, lan, &["outreach", "guide", ids[1]]));
    assert!(
        guide.contains("Kịch bản gọi điện") && guide.contains("Lê Thị Lan"),
        "{guide}"
    );
}
