//! The DoS limits of the real server (issue 19, item 3): the rate limit
//! follows the workstation once its token is found, and made-up tokens are
//! limited by their address; a silent or trickling connection is closed; past
//! the requests in progress a request is refused at once (503 `busy`);
//! `/v1/health` says up to the public and more to the operator.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use common::{registry, serve};

async fn pull(client: &reqwest::Client, url: &str, token: &str) -> StatusCode {
    client
        .get(format!("{url}/v1/communes/01864/events?after=0&limit=1"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn made_up_tokens_share_their_address_limit_and_a_workstation_keeps_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864"], 1, 1);
    let server = serve(&prepared.db, &["--rate-limit", "1", "--burst", "3"]);
    let client = reqwest::Client::new();
    // Each made-up token is unknown (401) until the address's burst is
    // spent; a fresh token buys no fresh allowance.
    let mut statuses = Vec::new();
    for i in 0..5 {
        statuses.push(pull(&client, &server.url, &format!("hotich_ws_made_up_{i}")).await);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    // The real workstation, from the same address, has its own allowance.
    let token = &prepared.tokens["01864"];
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(pull(&client, &server.url, token).await);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

/// Bytes until the server closes the connection (or `limit` passes).
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut got = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (got, true),
            Err(_) => return (got, false),
        }
    }
}

#[test]
fn a_silent_or_trickling_connection_is_closed_after_the_idle_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864"], 1, 1);
    let server = serve(&prepared.db, &["--idle-timeout", "1"]);
    let address = server.url.trim_start_matches("http://").to_owned();

    // Connected, nothing sent.
    let started = Instant::now();
    let mut silent = TcpStream::connect(&address).unwrap();
    let (_, closed) = read_until_closed(&mut silent, Duration::from_secs(10));
    assert!(closed, "a silent connection stayed open");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Half a request line, then nothing.
    let mut trickling = TcpStream::connect(&address).unwrap();
    trickling
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let (answer, closed) = read_until_closed(&mut trickling, Duration::from_secs(10));
    assert!(closed, "a stalled request held its connection");
    assert!(!String::from_utf8_lossy(&answer).contains("\"up\""));

    // A request that completes is answered, and the connection then idles out.
    let mut prompt = TcpStream::connect(&address).unwrap();
    prompt
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (answer, closed) = read_until_closed(&mut prompt, Duration::from_secs(10));
    assert!(
        String::from_utf8_lossy(&answer).contains("\"up\""),
        "{answer:?}"
    );
    assert!(closed);
}

#[test]
fn past_the_requests_in_progress_a_request_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864"], 1, 1);
    let server = serve(
        &prepared.db,
        &["--max-requests-in-progress", "1", "--idle-timeout", "20"],
    );
    let address = server.url.trim_start_matches("http://").to_owned();
    // A post whose body is still coming holds the one place.
    let mut slow = TcpStream::connect(&address).unwrap();
    slow.write_all(
        b"POST /v1/notifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[",
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let mut second = TcpStream::connect(&address).unwrap();
    second
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (answer, _) = read_until_closed(&mut second, Duration::from_secs(10));
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(
        answer.contains("\"busy\"") && answer.to_lowercase().contains("retry-after"),
        "{answer}"
    );
    drop(slow);
    // The place is free again.
    std::thread::sleep(Duration::from_millis(300));
    let mut third = TcpStream::connect(&address).unwrap();
    third
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (answer, _) = read_until_closed(&mut third, Duration::from_secs(10));
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn health_says_up_to_anyone_and_its_details_to_the_operator() {
    const OPERATOR: &str = "hotich_metrics_0123456789abcdef0123456789abcdef";
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864"], 1, 1);
    let token_file = dir.path().join("metrics-token");
    std::fs::write(&token_file, OPERATOR).unwrap();
    let server = serve(
        &prepared.db,
        &["--metrics-token-file", token_file.to_str().unwrap()],
    );
    let health = |token: Option<&'static str>| {
        let mut request = reqwest::Client::new().get(format!("{}/v1/health", server.url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(health(None).await, serde_json::json!({"status": "up"}));
    let operator = health(Some(OPERATOR)).await;
    assert_eq!(operator["status"], "up");
    assert_eq!(operator["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        operator["trust_list_sequence"].as_u64().is_some(),
        "{operator}"
    );
    let on_postgres = prepared.db.to_string_lossy().starts_with("postgres");
    assert_eq!(
        operator["database_pool"].is_object(),
        on_postgres,
        "{operator}"
    );
    // A wrong token is the public's.
    let wrong = health(Some("hotich_metrics_wrong_wrong_wrong_wrong_wrong")).await;
    assert_eq!(wrong, serde_json::json!({"status": "up"}));
}
