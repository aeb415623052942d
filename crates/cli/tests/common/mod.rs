//! Helpers shared by the CLI suites.

use std::path::Path;
use std::process::{Command, Output};

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

/// The stderr of a run that must be refused.
#[allow(dead_code)] // not every suite expects a refusal
pub fn refused(output: Output) -> String {
    assert!(!output.status.success(), "expected a refusal");
    String::from_utf8(output.stderr).unwrap()
}

/// The arguments that make `lanhdao` (Phạm Văn Lãnh) the first officer, a supervisor.
#[allow(dead_code)] // not every suite has officers
pub const INIT_SUPERVISOR: [&str; 6] = [
    "officer",
    "init",
    "--username",
    "lanhdao",
    "--name",
    "Phạm Văn Lãnh",
];

/// The `hotich` binary with the suites' store key in `HOTICH_DB_KEY` (no
/// OS keyring runs here): the demo's key, which the suites' own
/// `Store::open` calls use too.
#[allow(dead_code)] // not every suite runs the binary
pub fn hotich_binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hotich"));
    command.env(
        hotich_core::store_key::KEY_ENV,
        hotich_core::StoreKey::demo().recovery_text(),
    );
    command
}

/// A bare connection to the suites' (encrypted) database at `db`, for
/// reading or tampering with what the binary wrote.
#[allow(dead_code)] // not every suite reads the database itself
pub fn raw_connection(db: &Path) -> rusqlite::Connection {
    hotich_core::store_key::StoreFile {
        path: db.to_owned(),
        key: hotich_core::StoreKey::demo(),
    }
    .raw_connection()
    .unwrap()
}

/// `hotich --db <db>` without the caller's own sign-in variables, so that a
/// suite never depends on the shell it runs from.
#[allow(dead_code)] // not every suite runs the binary this way
pub fn hotich_on(db: &Path) -> Command {
    let mut command = hotich_binary();
    command
        .arg("--db")
        .arg(db)
        .env_remove("HOTICH_USER")
        .env_remove("HOTICH_PASSWORD")
        .env_remove("HOTICH_NEW_PASSWORD");
    command
}

/// Runs `hotich --db <db> --today <today> <args>` signed in as `user`
/// (username, password) or as nobody.
#[allow(dead_code)] // not every suite signs in this way
pub fn run_on(today: &str, db: &Path, user: Option<(&str, &str)>, args: &[&str]) -> Output {
    let mut command = hotich_on(db);
    command.args(["--today", today]).args(args);
    if let Some((username, password)) = user {
        command
            .env("HOTICH_USER", username)
            .env("HOTICH_PASSWORD", password);
    }
    command.output().unwrap()
}

/// `import` stamps cases with the real clock: the office days (UTC+7)
/// either side of now, as `--from` and `--to`.
#[allow(dead_code)] // not every suite exports a period
pub fn period_around_now() -> (String, String) {
    let day = hotich_common::time::office_today();
    (
        (day - chrono::Days::new(1)).to_string(),
        (day + chrono::Days::new(1)).to_string(),
    )
}

#[allow(dead_code)] // not every suite reads JSON
pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The text under `key` in each element of a JSON array, in order.
#[allow(dead_code)] // not every suite reads lists
pub fn texts_of<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    let elements = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"));
    elements
        .iter()
        .map(|element| {
            element[key]
                .as_str()
                .unwrap_or_else(|| panic!("no {key} in {element}"))
        })
        .collect()
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
        ok(hotich_on(db).args(args).output().unwrap());
    }
}

/// The passwords the suites give the supervisor `lanhdao` and the registrar `lan`.
#[allow(dead_code)]
pub const SUPERVISOR_PASSWORD: &str = "lãnh đạo 2026";
#[allow(dead_code)]
pub const REGISTRAR_PASSWORD: &str = "hộ tịch 2026";

/// The first officer, the supervisor `lanhdao` (Phạm Văn Lãnh).
#[allow(dead_code)] // not every suite has officers
pub fn init_supervisor(db: &Path) {
    ok(hotich_on(db)
        .args(INIT_SUPERVISOR)
        .env("HOTICH_PASSWORD", SUPERVISOR_PASSWORD)
        .output()
        .unwrap());
}

/// The first officer, the supervisor `lanhdao` (Phạm Văn Lãnh), who then
/// creates the registrar `lan` (Lê Thị Lan): the office most suites start from.
#[allow(dead_code)] // not every suite has officers
pub fn supervisor_and_lan(db: &Path) {
    init_supervisor(db);
    add_registrar(
        db,
        "lan",
        "Lê Thị Lan",
        SUPERVISOR_PASSWORD,
        REGISTRAR_PASSWORD,
    );
}

/// The arguments of a first outreach attempt on `case`: a phone call nobody answered.
#[allow(dead_code)] // not every suite logs outreach
pub fn unanswered_call(case: &str) -> [&str; 7] {
    [
        "outreach",
        "log",
        case,
        "--channel",
        "phone",
        "--outcome",
        "no_answer",
    ]
}

/// The arguments of `hotich export` of the period `from`..=`to` to `file`
/// (the format from its extension).
#[allow(dead_code)] // not every suite exports
pub fn export_args<'a>(from: &'a str, to: &'a str, file: &'a Path) -> [&'a str; 7] {
    [
        "export",
        "--from",
        from,
        "--to",
        to,
        "--out",
        file.to_str().unwrap(),
    ]
}

/// The supervisor `lanhdao` creates a registrar's account through `hotich
/// officer add`; the registrar then replaces the first password (which the
/// CLI requires before anything else) with `new_password`.
#[allow(dead_code)] // not every suite has officers
pub fn add_registrar(
    db: &std::path::Path,
    username: &str,
    name: &str,
    supervisor_password: &str,
    new_password: &str,
) {
    let first_password = format!("{new_password} lần đầu");
    ok(hotich_on(db)
        .args(["officer", "add", "--username", username, "--name", name])
        .env("HOTICH_USER", "lanhdao")
        .env("HOTICH_PASSWORD", supervisor_password)
        .env("HOTICH_NEW_PASSWORD", &first_password)
        .output()
        .unwrap());
    ok(hotich_on(db)
        .args(["--user", username, "officer", "password"])
        .env("HOTICH_PASSWORD", &first_password)
        .env("HOTICH_NEW_PASSWORD", new_password)
        .output()
        .unwrap());
}

/// The day and password of the suites that sign in with `--user`.
#[allow(dead_code)] // not every suite signs in this way
pub const USER_TODAY: &str = "2026-11-21";
#[allow(dead_code)] // not every suite signs in this way
pub const USER_PASSWORD: &str = "hộ tịch 2026";

/// `hotich --db <db> --today USER_TODAY --user <user> <args>`, every
/// password (current and new) [`USER_PASSWORD`].
#[allow(dead_code)] // not every suite signs in this way
pub fn run_as(db: &Path, user: &str, args: &[&str]) -> Output {
    hotich_binary()
        .arg("--db")
        .arg(db)
        .args(["--today", USER_TODAY, "--user", user])
        .args(args)
        .env("HOTICH_PASSWORD", USER_PASSWORD)
        .env("HOTICH_NEW_PASSWORD", USER_PASSWORD)
        .output()
        .unwrap()
}

/// An office in `dir/hotich.db` set up as on a first start, through the
/// binary: the demo root, the sample trust list, `notifications` (each
/// signed by the sample facility) taken in, the commune, the supervisor
/// `lanhdao` and the registrar `lan`. Returns the database's path.
#[allow(dead_code)] // not every suite starts from an office
pub fn office_with(
    dir: &Path,
    notifications: &[hotich_protocol::Notification],
) -> std::path::PathBuf {
    use hotich_protocol::samples::{facility_signer, sign, trust_list};
    let db = dir.join("hotich.db");
    let trust = dir.join("trust.json");
    std::fs::write(&trust, trust_list()).unwrap();
    let signed: Vec<String> = notifications
        .iter()
        .map(|n| String::from_utf8(sign(n, &facility_signer())).unwrap())
        .collect();
    let file = dir.join("notifications.json");
    std::fs::write(&file, format!("[{}]", signed.join(","))).unwrap();
    let run = |args: &[&str]| ok(run_as(&db, "lanhdao", args));
    run(&["trust", "pin-root", "--demo"]);
    run(&["trust", "import", trust.to_str().unwrap()]);
    run(&["import", file.to_str().unwrap()]);
    run(&["office", "--set", "01864"]);
    run(&INIT_SUPERVISOR);
    add_registrar(&db, "lan", "Nguyễn Thị Lan", USER_PASSWORD, USER_PASSWORD);
    db
}
