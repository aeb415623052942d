//! Workstation tokens and the transport, against the real binary:
//! `workstation list | revoke | rotate` and `add --expires` take effect on
//! the running server's very next request (no token cache outlives them),
//! `serve` speaks HTTPS with a given certificate, and refuses plain HTTP on
//! a non-loopback address unless told a TLS-terminating proxy is in front.

mod common;
use common::{bin, registry, serve};

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

fn central() -> Command {
    Command::new(bin())
}

/// Runs a command; (success, stdout, stderr).
fn run(command: &mut Command) -> (bool, String, String) {
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn workstation(db: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    run(central().arg("workstation").args(args).arg("--db").arg(db))
}

/// Status and JSON error code of a pull with `token`.
async fn pull(client: &reqwest::Client, url: &str, token: &str) -> (StatusCode, String) {
    let answer = client
        .get(format!("{url}/v1/communes/01864/events?after=0&limit=1"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let body: Value = answer.json().await.unwrap();
    let code = body["code"].as_str().unwrap_or("").to_owned();
    (status, code)
}

/// `workstation list` rows (header skipped): the columns of each.
fn listed(db: &std::path::Path) -> Vec<Vec<String>> {
    let (ok, stdout, stderr) = workstation(db, &["list"]);
    assert!(ok, "{stderr}");
    let mut lines = stdout.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("id\tcommune\tlabel\tstate"));
    lines
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn revoked_rotated_and_expired_tokens_are_refused_on_the_very_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864"], 2, 1);
    let db = &prepared.db;
    let token = prepared.tokens["01864"].clone();
    let expires = (chrono::Utc::now() + chrono::TimeDelta::seconds(3)).to_rfc3339();
    let (ok, expiring, stderr) = workstation(
        db,
        &[
            "add",
            "--commune",
            "01864",
            "--label",
            "bàn 2",
            "--expires",
            &expires,
        ],
    );
    assert!(ok && stderr.contains("hết hạn / expires"), "{stderr}");
    let expiring = expiring.trim().to_owned();
    let server = serve(db, &[]);
    let client = reqwest::Client::new();

    assert_eq!(pull(&client, &server.url, &token).await.0, StatusCode::OK);
    assert_eq!(
        pull(&client, &server.url, &expiring).await.0,
        StatusCode::OK
    );
    let rows = listed(db);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let first = &rows[0];
    let id = first[0].clone();
    assert_eq!((first[1].as_str(), first[3].as_str()), ("01864", "active"));
    assert_ne!(first[6], "-", "last_used_at recorded: {first:?}");
    assert_eq!(
        (rows[1][2].as_str(), rows[1][5].as_str()),
        ("bàn 2", expires.as_str())
    );

    // Rotation: the new token works, the old one no longer does.
    let (ok, rotated, stderr) = workstation(db, &["rotate", &id]);
    assert!(ok, "{stderr}");
    let rotated = rotated.trim().to_owned();
    assert!(rotated.starts_with("hotich_ws_") && rotated != token);
    assert_eq!(
        pull(&client, &server.url, &token).await,
        (StatusCode::UNAUTHORIZED, "unauthorized".into())
    );
    assert_eq!(pull(&client, &server.url, &rotated).await.0, StatusCode::OK);

    // Revocation, while the server runs and has just accepted the token.
    let (ok, _, stderr) = workstation(db, &["revoke", &id]);
    assert!(ok, "{stderr}");
    assert_eq!(
        pull(&client, &server.url, &rotated).await,
        (StatusCode::UNAUTHORIZED, "token_revoked".into())
    );
    assert_eq!(listed(db)[0][3], "revoked");
    let (ok, _, stderr) = workstation(db, &["rotate", &id]);
    assert!(!ok && stderr.contains("revoked"), "{stderr}");
    let (ok, _, stderr) = workstation(db, &["revoke", "no-such-id"]);
    assert!(!ok && stderr.contains("no workstation"), "{stderr}");

    // Expiry.
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    assert_eq!(
        pull(&client, &server.url, &expiring).await,
        (StatusCode::UNAUTHORIZED, "token_expired".into())
    );
    assert_eq!(listed(db)[1][3], "expired");
    let (ok, _, stderr) = workstation(
        db,
        &["add", "--commune", "01864", "--expires", "2020-01-01"],
    );
    assert!(!ok && stderr.contains("in the past"), "{stderr}");
}

#[tokio::test]
async fn https_with_a_certificate_from_a_ca_the_client_trusts() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864"], 2, 1);
    let tls = hotich_central::process::test_certificates(dir.path()).unwrap();
    let args = tls.serve_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = serve(&prepared.db, &args);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let ca = reqwest::Certificate::from_pem(&std::fs::read(&tls.ca).unwrap()).unwrap();
    let trusting = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap();
    let token = &prepared.tokens["01864"];
    assert_eq!(pull(&trusting, &server.url, token).await.0, StatusCode::OK);
    // By name too (the certificate names localhost).
    let by_name = server.url.replace("127.0.0.1", "localhost");
    assert_eq!(pull(&trusting, &by_name, token).await.0, StatusCode::OK);
    // A client that does not trust the CA gets no answer, and plain HTTP on
    // the TLS port gets none either.
    assert!(reqwest::Client::new()
        .get(format!("{}/v1/health", server.url))
        .send()
        .await
        .is_err());
    let plain = server.url.replace("https://", "http://");
    assert!(reqwest::Client::new()
        .get(format!("{plain}/v1/health"))
        .send()
        .await
        .is_err());
}

/// `serve --listen ADDR EXTRA...` on a fresh database: the first stdout
/// line (or nothing) and, if it exited, its stderr.
fn serve_on(listen: &str, extra: &[&str]) -> (String, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = central()
        .arg("serve")
        .arg("--db")
        .arg(dir.path().join("central.db"))
        .args(["--listen", listen])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    if line.is_empty() {
        let output = child.wait_with_output().unwrap();
        return (line, Some(String::from_utf8(output.stderr).unwrap()));
    }
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    (line, Some(String::from_utf8(output.stderr).unwrap()))
}

#[test]
fn plain_http_is_served_on_loopback_only_unless_a_proxy_terminates_tls() {
    let (line, stderr) = serve_on("0.0.0.0:0", &[]);
    let stderr = stderr.unwrap();
    assert_eq!(line, "", "{stderr}");
    assert!(stderr.contains("reverse proxy"), "{stderr}");
    assert!(stderr.contains("--tls-cert"), "{stderr}");

    let (line, stderr) = serve_on("0.0.0.0:0", &["--behind-proxy"]);
    assert!(line.starts_with("listening on http://0.0.0.0:"), "{line}");
    assert!(
        stderr
            .unwrap()
            .contains("a reverse proxy must terminate TLS"),
        "the warning is logged"
    );

    let (line, _) = serve_on("127.0.0.1:0", &[]);
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
}
