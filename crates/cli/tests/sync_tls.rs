//! A secure registry connection, end to end with the real `hotich-central`
//! and `hotich` binaries: a sync over HTTPS with a certificate from a CA the
//! workstation was told to trust; `http://` to another computer refused;
//! a revoked, rotated or expired token refused on its very next request
//! with words a supervisor acts on; and a registry clock ten minutes off
//! stopping the sync before anything is stored or quarantined.

#[path = "common/sync_env.rs"]
mod sync_env;
use sync_env::*;

#[allow(dead_code)] // only the first officer's arguments are used here
mod common;

use std::process::Output;

use hotich_central::process::test_certificates;
use serde_json::Value;

const COMMUNE: &str = "01864";

/// The first officer, supervisor `lanhdao`, so `--user lanhdao` may change
/// the sync settings.
fn supervisor(db: &std::path::Path) {
    ok(hotich(db)
        .args(common::INIT_SUPERVISOR)
        .env("HOTICH_PASSWORD", PASSWORD));
}

/// `hotich --user lanhdao ARGS` with the supervisor's password.
fn as_supervisor(ws: &Workstation, args: &[&str]) -> Output {
    hotich(&ws.db)
        .args(["--user", "lanhdao"])
        .args(args)
        .env("HOTICH_PASSWORD", PASSWORD)
        .env("HOTICH_TOKEN", &ws.token)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The run's report (stdout, JSON) and its stderr.
fn report(output: &Output) -> (Value, String) {
    let stdout = text(&output.stdout);
    let report = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("no report ({e}): {stdout}\n{}", text(&output.stderr)));
    (report, text(&output.stderr))
}

/// A registry of `COMMUNE` whose notifications the simulated facilities
/// already posted (over plain HTTP, on a server since stopped).
fn posted_registry(dir: &std::path::Path, births: usize, deaths: usize, seed: u64) -> Registry {
    let registry = Registry::new(dir, &[COMMUNE], births, deaths, seed);
    let plain = serve(&registry.db, &[]);
    registry.post_all(&plain.url);
    registry
}

#[test]
fn a_workstation_syncs_over_https_with_the_ca_it_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let registry = posted_registry(dir.path(), 12, 4, 7);
    let tls = test_certificates(dir.path()).unwrap();
    let args = tls.serve_args();
    let server = serve(
        &registry.db,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let ws = Workstation::new(dir.path(), "ws", &registry, COMMUNE);
    supervisor(&ws.db);

    // Not trusted yet: the certificate is refused, nothing pulled.
    let output = ws.sync(&server.url, &["--max-tries", "1"]);
    assert!(!output.status.success());
    let (untrusted, _) = report(&output);
    assert_eq!(untrusted["error_code"], "network", "{untrusted}");
    assert_eq!(untrusted["pulled"], 0, "{untrusted}");

    // A registrar may not set it; the supervisor may, and it must be PEM.
    let garbage = dir.path().join("not-a-ca.pem");
    std::fs::write(&garbage, "hello").unwrap();
    let refused = as_supervisor(
        &ws,
        &["sync", "ca-cert", "--file", garbage.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("chứng chỉ CA"),
        "{}",
        text(&refused.stderr)
    );
    let stored = as_supervisor(
        &ws,
        &["sync", "ca-cert", "--file", tls.ca.to_str().unwrap()],
    );
    assert!(stored.status.success(), "{}", text(&stored.stderr));

    let (done, stderr) = report(&ws.sync(&server.url, &[]));
    assert_eq!(done["error"], Value::Null, "{done}\n{stderr}");
    let expected = expected_for(&registry.issued(), COMMUNE);
    assert_eq!(done["pulled"], expected.len() as u64, "{done}");
    assert_eq!(done["quarantined"], 0, "{done}");
    assert_eq!(ws.notifications(), expected);
    // Pushing goes over the same connection.
    ws.work_cases(2, 0);
    let (pushed, _) = report(&ws.sync(&server.url, &[]));
    assert_eq!(pushed["pushed"], ws.outbox().len() as u64, "{pushed}");
    assert_eq!(pushed["error"], Value::Null, "{pushed}");
}

#[test]
fn plain_http_to_another_computer_is_refused_by_login_and_by_sync() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.db");
    ok(hotich(&db).args(["office", "--set", COMMUNE]));
    supervisor(&db);
    for args in [
        vec![
            "--user",
            "lanhdao",
            "sync",
            "login",
            "--server",
            "http://10.1.2.3:8787",
        ],
        vec!["sync", "--server", "http://registry.example.vn"],
    ] {
        let output = hotich(&db)
            .args(&args)
            .env("HOTICH_PASSWORD", PASSWORD)
            .env("HOTICH_TOKEN", "hotich_ws_x")
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            stderr.contains("http:// chỉ dùng cho máy chủ trên chính máy này"),
            "{args:?}: {stderr}"
        );
    }
    let stored = read_only(&db)
        .query_row(
            "SELECT count(*) FROM setting WHERE key = 'sync_server_url'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap();
    assert_eq!(stored, 0, "no address stored");
}

/// `hotich-central workstation ARGS --db DB`; its stdout.
fn workstation_admin(registry: &Registry, args: &[&str]) -> String {
    ok(central()
        .arg("workstation")
        .args(args)
        .arg("--db")
        .arg(&registry.db))
}

#[test]
fn a_revoked_token_is_refused_at_once_and_the_workstation_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &[COMMUNE], 6, 2, 3);
    let server = serve(&registry.db, &[]);
    registry.post_all(&server.url);
    let mut ws = Workstation::new(dir.path(), "ws", &registry, COMMUNE);
    let (first, _) = report(&ws.sync(&server.url, &[]));
    assert_eq!(first["error"], Value::Null, "{first}");
    let listed = workstation_admin(&registry, &["list"]);
    let id = listed
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();

    // Rotation: the old token stops, the new one works.
    let old = std::mem::replace(&mut ws.token, rotated_token(&registry, &id));
    let (rotated, _) = report(&ws.sync(&server.url, &[]));
    assert_eq!(rotated["error"], Value::Null, "{rotated}");
    let new = std::mem::replace(&mut ws.token, old);
    let (stale, _) = report(&ws.sync(&server.url, &[]));
    assert_eq!(stale["error_code"], "unauthorized", "{stale}");
    ws.token = new;

    // Revocation, with the server running and the token just accepted: the
    // next request is refused.
    workstation_admin(&registry, &["revoke", &id]);
    let output = ws.sync(&server.url, &[]);
    assert!(!output.status.success());
    let (revoked, stderr) = report(&output);
    assert_eq!(revoked["error_code"], "token_revoked", "{revoked}");
    assert!(stderr.contains("Mã truy cập đã bị thu hồi"), "{stderr}");
    let status: Value =
        serde_json::from_str(&ok(hotich(&ws.db).args(["sync", "status", "--json"]))).unwrap();
    assert!(
        status["last_error"]
            .as_str()
            .unwrap()
            .contains("Mã truy cập đã bị thu hồi"),
        "{status}"
    );
}

/// A rotation's new token (the previous one stops working).
fn rotated_token(registry: &Registry, id: &str) -> String {
    workstation_admin(registry, &["rotate", id])
        .trim()
        .to_owned()
}

#[test]
fn an_expired_token_is_refused_with_its_own_words() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &[COMMUNE], 2, 1, 3);
    let expires = (chrono::Utc::now() + chrono::TimeDelta::seconds(2)).to_rfc3339();
    let token = workstation_admin(
        &registry,
        &["add", "--commune", COMMUNE, "--expires", &expires],
    );
    let server = serve(&registry.db, &[]);
    let mut ws = Workstation::new(dir.path(), "ws", &registry, COMMUNE);
    ws.token = token.trim().to_owned();
    std::thread::sleep(std::time::Duration::from_millis(2_200));
    let output = ws.sync(&server.url, &[]);
    let (expired, stderr) = report(&output);
    assert_eq!(expired["error_code"], "token_expired", "{expired}");
    assert!(stderr.contains("Mã truy cập đã hết hạn"), "{stderr}");
}

#[test]
fn a_registry_clock_ten_minutes_off_stops_the_sync_and_quarantines_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let registry = posted_registry(dir.path(), 6, 2, 9);
    for offset in ["660", "-660"] {
        let server = serve(&registry.db, &["--clock-offset", offset]);
        let ws = Workstation::new(dir.path(), &format!("ws{offset}"), &registry, COMMUNE);
        let output = ws.sync(&server.url, &[]);
        assert!(!output.status.success());
        let (stopped, stderr) = report(&output);
        assert_eq!(stopped["error_code"], "clock_skew", "{stopped}");
        assert!(stderr.contains("lệch 11 phút"), "{stderr}");
        assert!(stderr.contains("hãy chỉnh ngày giờ"), "{stderr}");
        assert_eq!(stopped["pulled"], 0, "{stopped}");
        for table in ["notification", "quarantine", "trust_list"] {
            assert_eq!(
                ws.count(&format!("SELECT count(*) FROM {table}")),
                0,
                "{table} after a skewed run"
            );
        }
    }
    // Nine minutes off is within what a sync accepts.
    let server = serve(&registry.db, &["--clock-offset", "540"]);
    let ws = Workstation::new(dir.path(), "ws-ok", &registry, COMMUNE);
    let (done, _) = report(&ws.sync(&server.url, &[]));
    assert_eq!(done["error"], Value::Null, "{done}");
    assert!(done["pulled"].as_u64().unwrap() > 0, "{done}");
}
