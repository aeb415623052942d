//! The sync token in the OS keyring, for real: a private D-Bus session with
//! gnome-keyring's Secret Service with an unlocked login keyring, where
//! `hotich sync login` stores the token, `hotich sync` finds it there, and
//! `secret-tool` sees it under the keyring crate's attributes. Nothing is
//! written to the database or a file.

#[allow(dead_code)] // only the first-officer arguments and `ok` are used here
mod common;
#[path = "common/sync_env.rs"]
mod sync_env;
use sync_env::*;

use std::process::Command;

/// Runs `script` (sh) inside `dbus-run-session` with an unlocked
/// gnome-keyring, in throw-away XDG folders under `dir`. The script finds the
/// `hotich` binary in `$HOTICH`, the database in `$DB`, the folder to leave
/// its findings in in `$OUT` (`dir`), and the officers' password in
/// `HOTICH_PASSWORD`; `vars` adds its own.
fn in_keyring_session(
    dir: &std::path::Path,
    db: &std::path::Path,
    script: &str,
    vars: &[(&str, &str)],
) -> std::process::Output {
    let runtime = dir.join("xdg-runtime");
    let data = dir.join("xdg-data");
    for d in [&runtime, &data] {
        std::fs::create_dir_all(d).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
    }
    let mut command = Command::new("dbus-run-session");
    command
        .args(["--", "sh", "-c"])
        .arg(format!(
            "printf %s \"$KEYRING_PW\" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; {script}"
        ))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("XDG_DATA_HOME", &data)
        .env("HOME", dir)
        .env("KEYRING_PW", "khóa thử nghiệm")
        .env_remove("HOTICH_TOKEN")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    command
        .env("HOTICH", env!("CARGO_BIN_EXE_hotich"))
        .env("DB", db)
        .env("OUT", dir)
        .env("HOTICH_PASSWORD", PASSWORD)
        // The suites' store key; a script about the store key's own entry
        // in the keyring unsets it.
        .env(
            hotich_core::store_key::KEY_ENV,
            hotich_core::StoreKey::demo().recovery_text(),
        );
    for (k, v) in vars {
        command.env(k, v);
    }
    command
        .output()
        .expect("dbus-run-session (packages dbus, gnome-keyring: scripts/common.sh)")
}

#[test]
fn the_token_lives_in_the_secret_service_and_sync_finds_it_there() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &["01864"], 20, 8, 3);
    let server = serve(&registry.db, &[]);
    registry.post_all(&server.url);
    let ws = Workstation::new(dir.path(), "ws", &registry, "01864");
    // Only a supervisor sets the registry (the desktop's rule, hotich_sync::configure).
    let script = r#"
        set -e
        "$HOTICH" --db "$DB" officer init --username lanhdao --name "Phạm Văn Lãnh" > /dev/null
        printf '%s\n' "$TOKEN" | "$HOTICH" --db "$DB" --user lanhdao sync login --server "$URL"
        secret-tool lookup service vn.hotich.sync username "$URL" > "$OUT/looked-up"
        "$HOTICH" --db "$DB" sync --json > "$OUT/report.json"
        "$HOTICH" --db "$DB" sync logout > /dev/null
        if "$HOTICH" --db "$DB" sync --json 2> "$OUT/after-logout"; then exit 3; fi
    "#;
    let out = dir.path();
    let vars = [("TOKEN", ws.token.as_str()), ("URL", &server.url)];
    common::ok(in_keyring_session(out, &ws.db, script, &vars));
    let looked_up = std::fs::read_to_string(out.join("looked-up")).unwrap();
    assert_eq!(looked_up.trim(), ws.token, "secret-tool finds the token");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert!(report["pulled"].as_u64().unwrap() > 0, "{report}");
    let after = std::fs::read_to_string(out.join("after-logout")).unwrap();
    assert!(after.contains("sync login"), "{after}");

    // The token is nowhere in the database's files.
    let token = ws.token.as_bytes();
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", ws.db.display());
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(!bytes.windows(token.len()).any(|w| w == token), "{path}");
    }
}

/// `hotich sync login` runs the desktop's own settings call
/// (`hotich_sync::configure`): a registrar is refused with the same code and
/// message the desktop gets, and nothing is stored, neither the address in
/// the database nor a token in the keyring.
#[test]
fn sync_login_as_a_registrar_is_refused_as_in_the_desktop_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.db");
    ok(hotich(&db).args(["office", "--set", "01864"]));
    ok(hotich(&db)
        .args(common::INIT_SUPERVISOR)
        .env("HOTICH_PASSWORD", PASSWORD));
    common::add_registrar(&db, "lan", "Nguyễn Thị Lan", PASSWORD, PASSWORD);
    let url = "http://127.0.0.1:9/";

    // What the desktop's settings answer this registrar, on the same database.
    let desktop = {
        let mut store = hotich_core::Store::open(&db, &hotich_core::StoreKey::demo()).unwrap();
        let registrar = store.sign_in("lan", PASSWORD, chrono::Utc::now()).unwrap();
        hotich_sync::configure(&store, &registrar, url, Some("mã-thử")).unwrap_err()
    };
    assert_eq!(desktop.code().to_string(), "forbidden");

    let out = dir.path();
    let script = r#"
        printf '%s\n' "mã-thử" | "$HOTICH" --db "$DB" --today 2026-11-21 --user lan sync login --server "$URL" 2> "$OUT/login-stderr"
        echo $? > "$OUT/login-status"
        if secret-tool lookup service vn.hotich.sync username "${URL%/}" > "$OUT/looked-up"; then exit 3; fi
    "#;
    let output = in_keyring_session(out, &db, script, &[("URL", url)]);
    assert!(
        output.status.success(),
        "a token is in the keyring: {:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let status = std::fs::read_to_string(out.join("login-status")).unwrap();
    assert_eq!(status.trim(), "1", "the CLI refuses");
    let stderr = std::fs::read_to_string(out.join("login-stderr")).unwrap();
    assert_eq!(stderr, format!("lỗi: {desktop}\n"), "the desktop's message");
    let looked_up = std::fs::read_to_string(out.join("looked-up")).unwrap();
    assert!(looked_up.is_empty(), "{looked_up}");
    let store = hotich_core::Store::open(&db, &hotich_core::StoreKey::demo()).unwrap();
    assert_eq!(store.sync_server().unwrap(), None, "no address stored");
}

/// The store key (issue 16): made at the first start and kept in the OS
/// keyring, never in a file; on a fresh keyring (another PC, a lost login
/// keyring) the database does not open until a supervisor gives the recovery
/// key, which a wrong key cannot replace and which then goes into the new
/// keyring.
#[test]
fn the_store_key_lives_in_the_keyring_and_the_recovery_key_opens_it_on_a_fresh_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let first_pc = dir.path().join("pc1");
    let second_pc = dir.path().join("pc2");
    for pc in [&first_pc, &second_pc] {
        std::fs::create_dir_all(pc).unwrap();
    }
    let script = r#"
        set -e
        unset HOTICH_DB_KEY
        "$HOTICH" --db "$DB" officer init --username lanhdao --name "Phạm Văn Lãnh" > /dev/null
        secret-tool lookup service vn.hotich.store username "$DB" > "$OUT/recovery"
        "$HOTICH" --db "$DB" audit verify > "$OUT/verified"
    "#;
    common::ok(in_keyring_session(&first_pc, &db, script, &[]));
    let recovery = std::fs::read_to_string(first_pc.join("recovery")).unwrap();
    let key = hotich_core::StoreKey::parse(&recovery).expect("the keyring holds the recovery key");
    assert!(std::fs::read_to_string(first_pc.join("verified"))
        .unwrap()
        .contains("toàn vẹn"));
    // Encrypted: no SQLite header, and the sqlite3 tool reads nothing of it.
    assert!(!std::fs::read(&db).unwrap().starts_with(b"SQLite format 3"));
    let sqlite3 = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT count(*) FROM officer;")
        .output()
        .expect("the sqlite3 tool (Debian's sqlite3)");
    assert!(!sqlite3.status.success());
    assert!(
        String::from_utf8_lossy(&sqlite3.stderr).contains("file is not a database"),
        "{}",
        String::from_utf8_lossy(&sqlite3.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // The key opens the database, and no other does.
    drop(hotich_core::Store::open(&db, &key).unwrap());
    let other = hotich_core::Store::open(&db, &hotich_core::StoreKey::demo()).unwrap_err();
    assert_eq!(other.code(), hotich_core::ErrorCode::WrongStoreKey);
    // It is in no file beside the database.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = recovery.trim().as_bytes();
            assert!(!bytes.windows(text.len()).any(|w| w == text), "{path:?}");
        }
    }

    let before = std::fs::read(&db).unwrap();
    let wrong = hotich_core::StoreKey::generate().unwrap().recovery_text();
    let refusals = r#"
        unset HOTICH_DB_KEY
        if "$HOTICH" --db "$DB" audit verify 2> "$OUT/missing"; then exit 3; fi
        if "$HOTICH" --db "$DB" recover --recovery-key "$WRONG" 2> "$OUT/wrong"; then exit 4; fi
        if "$HOTICH" --db "$DB" recover --recovery-key "ABCD-EFGH" 2> "$OUT/mistyped"; then exit 5; fi
        if secret-tool lookup service vn.hotich.store username "$DB"; then exit 6; fi
    "#;
    common::ok(in_keyring_session(
        &second_pc,
        &db,
        refusals,
        &[("WRONG", &wrong)],
    ));
    let read = |name: &str| std::fs::read_to_string(second_pc.join(name)).unwrap();
    assert!(
        read("missing").contains("khóa khôi phục"),
        "{}",
        read("missing")
    );
    assert!(
        read("wrong").contains("không mở được cơ sở dữ liệu này"),
        "{}",
        read("wrong")
    );
    assert!(
        read("mistyped").contains("khóa khôi phục: gõ chưa đúng"),
        "{}",
        read("mistyped")
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the refused keys changed nothing"
    );

    let recovering = r#"
        unset HOTICH_DB_KEY
        "$HOTICH" --db "$DB" recover --recovery-key "$RECOVERY" > "$OUT/recovered" || exit 7
        secret-tool lookup service vn.hotich.store username "$DB" > "$OUT/kept" || exit 8
        "$HOTICH" --db "$DB" audit verify > "$OUT/verified" || exit 9
    "#;
    common::ok(in_keyring_session(
        &second_pc,
        &db,
        recovering,
        &[("RECOVERY", recovery.trim())],
    ));
    assert!(read("recovered").contains("lưu khóa vào kho khóa"));
    assert_eq!(
        read("kept").trim(),
        recovery.trim(),
        "the new keyring holds the key"
    );
    assert!(read("verified").contains("toàn vẹn"));
}
