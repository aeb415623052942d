//! `hotich officer` through the real binary: the forced first password
//! change, a reset's one-time password, deactivation and reactivation, and
//! the audit log that records them.

use std::path::Path;
use std::process::Output;

mod common;

use common::{hotich_on, init_supervisor, json, ok, refused, SUPERVISOR_PASSWORD};

const FIRST_PASSWORD: &str = "mật khẩu lãnh đạo đặt";
const OWN_PASSWORD: &str = "mây trắng bay trên núi";

/// `hotich --db <db> <args>` as `user` with `password` (and a new password, if any).
fn run(db: &Path, user: &str, password: &str, new_password: Option<&str>, args: &[&str]) -> Output {
    let mut command = hotich_on(db);
    command
        .args(["--user", user])
        .args(args)
        .env("HOTICH_PASSWORD", password);
    if let Some(new_password) = new_password {
        command.env("HOTICH_NEW_PASSWORD", new_password);
    }
    command.output().unwrap()
}

fn supervisor(db: &Path, args: &[&str]) -> Output {
    run(db, "lanhdao", SUPERVISOR_PASSWORD, None, args)
}

/// The one-time password in `hotich officer reset`'s answer.
fn one_time_password(stdout: &str) -> String {
    let line = stdout.lines().next().unwrap();
    line.rsplit(": ").next().unwrap().trim().to_owned()
}

#[test]
fn a_supervisor_resets_deactivates_and_reactivates_and_each_step_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotich.db");
    init_supervisor(&db);
    ok(run(
        &db,
        "lanhdao",
        SUPERVISOR_PASSWORD,
        Some(FIRST_PASSWORD),
        &[
            "officer",
            "add",
            "--username",
            "hoa",
            "--name",
            "Trần Thị Hoa",
        ],
    ));

    // A taken username and a short password: both named in one refusal.
    let both = refused(run(
        &db,
        "lanhdao",
        SUPERVISOR_PASSWORD,
        Some("ngắn"),
        &["officer", "add", "--username", "HOA", "--name", "Hoa khác"],
    ));
    assert!(
        both.contains("tên đăng nhập: \"hoa\" đã có người dùng")
            && both.contains("mật khẩu: cần ít nhất 12 ký tự"),
        "{both}"
    );

    // The first password opens nothing but its own change.
    let first = refused(run(&db, "hoa", FIRST_PASSWORD, None, &["cases", "--mine"]));
    assert!(first.contains("cần đặt mật khẩu mới"), "{first}");
    let change_first_password = |new: &str| {
        run(
            &db,
            "hoa",
            FIRST_PASSWORD,
            Some(new),
            &["officer", "password"],
        )
    };
    let short = refused(change_first_password("ngắn"));
    assert!(short.contains("cần ít nhất 12 ký tự"), "{short}");
    let common_one = refused(change_first_password("password1234"));
    assert!(common_one.contains("mật khẩu phổ biến"), "{common_one}");
    ok(change_first_password(OWN_PASSWORD));
    ok(run(&db, "hoa", OWN_PASSWORD, None, &["cases", "--mine"]));

    // A registrar cannot reset anyone's password.
    let forbidden = refused(run(
        &db,
        "hoa",
        OWN_PASSWORD,
        None,
        &["officer", "reset", "lanhdao"],
    ));
    assert!(forbidden.contains("chỉ lãnh đạo"), "{forbidden}");

    // The reset's one-time password replaces hers and must be changed.
    let reset = ok(supervisor(&db, &["officer", "reset", "hoa"]));
    let one_time = one_time_password(&reset);
    assert_eq!(one_time.len(), 19, "{reset}");
    refused(run(&db, "hoa", OWN_PASSWORD, None, &["cases", "--mine"]));
    let must_change = refused(run(&db, "hoa", &one_time, None, &["cases", "--mine"]));
    assert!(
        must_change.contains("cần đặt mật khẩu mới"),
        "{must_change}"
    );
    ok(run(
        &db,
        "hoa",
        &one_time,
        Some("hoa sen trong đầm"),
        &["officer", "password"],
    ));
    let hoa_works = || run(&db, "hoa", "hoa sen trong đầm", None, &["cases", "--mine"]);
    ok(hoa_works());

    // Deactivated: refused with the reason; reactivated: back at work.
    ok(supervisor(&db, &["officer", "deactivate", "hoa"]));
    let deactivated = refused(hoa_works());
    assert!(deactivated.contains("ngừng hoạt động"), "{deactivated}");
    let officers = json(&ok(supervisor(&db, &["officer", "list", "--json"])));
    let hoa = officers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["username"] == "hoa")
        .unwrap();
    assert_eq!(hoa["active"], false);
    ok(supervisor(&db, &["officer", "reactivate", "hoa"]));
    ok(hoa_works());

    // The last supervisor stays one.
    let last = refused(supervisor(&db, &["officer", "deactivate", "lanhdao"]));
    assert!(last.contains("lãnh đạo cuối cùng"), "{last}");
    let last = refused(supervisor(
        &db,
        &["officer", "role", "lanhdao", "registrar"],
    ));
    assert!(last.contains("lãnh đạo cuối cùng"), "{last}");

    // Two accounts created, two password changes, a reset, a deactivation
    // and a reactivation, chained with every sign-in of the commands.
    let audit = ok(supervisor(&db, &["audit", "verify"]));
    assert!(audit.contains("Nhật ký toàn vẹn"), "{audit}");
    let conn = common::raw_connection(&db);
    let actions: Vec<(String, String)> = conn
        .prepare(
            "SELECT a.action, o.username FROM audit_log a JOIN officer o ON o.id = a.officer_id
             WHERE a.action NOT IN ('sign_in', 'sign_in_failed')
             ORDER BY a.seq",
        )
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected = [
        ("officer_create", "lanhdao"),
        ("officer_create", "lanhdao"),
        ("password_change", "hoa"),
        ("password_reset", "lanhdao"),
        ("password_change", "hoa"),
        ("officer_deactivate", "lanhdao"),
        ("officer_reactivate", "lanhdao"),
    ]
    .map(|(action, who)| (action.to_owned(), who.to_owned()));
    assert_eq!(actions, expected);
}
