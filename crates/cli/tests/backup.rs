//! `hotich backup` and `hotich restore` through the real binary (issue 16,
//! item 3): a supervisor backs up, registers more, restores, and the
//! register is as at the backup; a registrar is refused; a damaged backup
//! is refused with its reason and the database left as it was.

mod common;
use common::{json, ok, refused, run_as};

use std::path::Path;

use hotich_protocol::samples::{birth, death};

#[test]
fn a_supervisor_backs_up_and_restores_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::office_with(dir.path(), &[death(), birth()]);
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let run = |user: &str, args: &[&str]| run_as(&db, user, args);
    let cases = json(&ok(run("lan", &["cases", "--json"])));
    let case_of = |kind: &str| {
        cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} case in {cases}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let patch = file(
        "fill.json",
        r#"{"requester": {"id_type": "cccd", "id_number": "019196004321", "relationship": "child"}, "signer_name": "Phạm Văn Lãnh", "signer_title": "Chủ tịch"}"#
            .as_bytes(),
    );
    ok(run(
        "lan",
        &["register", &case_of("death"), "--from-json", &patch],
    ));
    let registrations = |user: &str| json(&ok(run(user, &["registrations", "--json"])));
    let at_backup = registrations("lan");

    let backup = dir.path().join("backup.db");
    let backup_arg = backup.to_str().unwrap();
    let refused_to_lan = refused(run("lan", &["backup", "--out", backup_arg]));
    assert!(refused_to_lan.contains("chỉ lãnh đạo"), "{refused_to_lan}");
    let made = json(&ok(run(
        "lanhdao",
        &["backup", "--out", backup_arg, "--json"],
    )));
    assert_eq!(made["registrations"], 1);

    let birth_patch = file(
        "fill-birth.json",
        r#"{"requester": {"id_type": "cccd", "id_number": "019196004321", "relationship": "mother"},
            "signer_name": "Phạm Văn Lãnh", "signer_title": "Chủ tịch",
            "birth": {"native_place": "Xã Bằng Thành, tỉnh Thái Nguyên",
                      "father": {"full_name": "Ma Văn Dũng", "birth_year": 1994, "ethnicity": "Tày",
                                 "nationality": "Việt Nam", "residence": "Xã Bằng Thành, tỉnh Thái Nguyên"}}}"#
            .as_bytes(),
    );
    let birth_case = case_of("birth");
    ok(run(
        "lan",
        &["register", &birth_case, "--from-json", &birth_patch],
    ));
    assert_eq!(registrations("lan").as_array().unwrap().len(), 2);

    // A damaged copy is refused with its reason; nothing changes.
    // A whole page zeroed: bytes inside a page's free space would change
    // nothing SQLite reads.
    let mut bytes = std::fs::read(&backup).unwrap();
    let page = 16384;
    let middle = bytes.len() / 2 / page * page;
    bytes[middle..middle + page].fill(0);
    let damaged = file("damaged.db", &bytes);
    let why = refused(run("lanhdao", &["restore", &damaged]));
    assert!(why.contains("damaged.db"), "{why}");
    assert_eq!(registrations("lan").as_array().unwrap().len(), 2);

    let restored = json(&ok(run("lanhdao", &["restore", backup_arg, "--json"])));
    assert_eq!(registrations("lan"), at_backup);
    let kept = restored["replaced_kept_at"].as_str().unwrap();
    assert!(Path::new(kept).exists(), "{restored}");
    assert!(ok(run("lan", &["audit", "verify"])).contains("toàn vẹn"));
}

/// `hotich backups`: the folder a supervisor picks, the schedule's backup
/// when due (for a PC where the desktop app does not run), the warning.
#[test]
fn scheduled_backups_go_to_the_folder_a_supervisor_picks() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::office_with(dir.path(), &[death()]);
    let run = |user: &str, args: &[&str]| run_as(&db, user, args);
    let status = json(&ok(run("lan", &["backups", "status", "--json"])));
    assert_eq!(status["warning"], "no_folder");
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let usb_arg = usb.to_str().unwrap();
    assert!(refused(run("lan", &["backups", "folder", usb_arg])).contains("chỉ lãnh đạo"));
    let chosen = json(&ok(run(
        "lanhdao",
        &["backups", "folder", usb_arg, "--json"],
    )));
    assert_eq!(chosen["warning"], "never_backed_up");
    let made = json(&ok(run("lan", &["backups", "run", "--json"])));
    let path = made["path"].as_str().unwrap();
    assert!(
        path.starts_with(usb_arg) && Path::new(path).exists(),
        "{made}"
    );
    assert_eq!(
        json(&ok(run("lan", &["backups", "run", "--json"]))),
        serde_json::Value::Null
    );
    let shown = ok(run("lan", &["backups", "status"]));
    assert!(
        shown.contains(usb_arg) && !shown.contains("Cảnh báo"),
        "{shown}"
    );
}
