//! The server's log as an operator reads it: one line per request with its
//! id, route, method, status and latency, and never a token or a person's
//! data, whatever the requests carried.

mod common;
use common::{bin, registry};
use hotich_central::process::ServerProcess;

use std::time::{Duration, Instant};

use hotich_protocol::{EventKind, SignedEnvelope};
use reqwest::{Client, StatusCode};

const EVENTS: &str = "/v1/communes/{commune}/events";

/// The log's lines once `expected` request lines are in (the server writes
/// each as it answers; this waits out the write, not the request).
fn log_lines(path: &std::path::Path, expected: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let answered = lines.iter().filter(|l| l.contains(" status=")).count();
        if answered >= expected || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The answer to a request that must get one (whatever its status).
async fn answer(request: reqwest::RequestBuilder) -> reqwest::Response {
    request.send().await.unwrap()
}

/// `POST /v1/notifications` with a JSON body, as a facility sends it.
fn post_notifications(
    client: &Client,
    server: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{server}/v1/notifications"))
        .header("content-type", "application/json")
        .body(body)
}

/// `request_id=` value of a log line.
fn request_id(line: &str) -> Option<&str> {
    let start = line.find("request_id=")? + "request_id=".len();
    line[start..].split([' ', '}']).next()
}

#[tokio::test]
async fn each_request_is_one_line_with_its_route_status_and_id_and_no_token_or_person() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864"], 6, 2);
    let token = prepared.tokens["01864"].clone();
    let raw = std::fs::read(prepared.sim.join("notifications.json")).unwrap();
    let envelopes: Vec<SignedEnvelope> = serde_json::from_slice(&raw).unwrap();
    let mother = envelopes
        .iter()
        .filter_map(hotich_sim::decode)
        .find(|n| n.kind == EventKind::Birth)
        .and_then(|n| n.birth)
        .map(|b| b.mother_name)
        .unwrap();
    let log = dir.path().join("server.log");
    let server = ServerProcess::start_logged(&bin(), &prepared.db, &[], &log).unwrap();
    let client = Client::new();
    let url = |path: &str| format!("{}{path}", server.url);

    let posted = answer(post_notifications(&client, &server.url, raw.clone())).await;
    assert_eq!(posted.status(), StatusCode::OK);
    let pulled = answer(
        client
            .get(url("/v1/communes/01864/events?after=0"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(pulled.status(), StatusCode::OK);
    let pulled_id = pulled.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let pushed = client
        .put(url("/v1/events/0193a4c2-7a1b-7c3d-8e4f-123456789abc"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(
            serde_json::json!({
                "case_id": "c-1",
                "kind": "case_attempt",
                "body": {"note": format!("đã gọi cho {mother}")},
                "created_at": "2026-11-21T08:00:00+07:00",
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(pushed.status(), StatusCode::CREATED);
    let refused = answer(
        client
            .get(url("/v1/communes/01864/events"))
            .bearer_auth("hotich_ws_not-a-token")
            .header("x-request-id", &mother),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let lines = log_lines(&log, 4);
    let all = lines.join("\n");
    let answered: Vec<&String> = lines.iter().filter(|l| l.contains(" status=")).collect();
    assert_eq!(answered.len(), 4, "one line per request:\n{all}");
    for line in &answered {
        let id = request_id(line).unwrap_or_else(|| panic!("no request id: {line}"));
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{line}");
        assert!(line.contains("latency="), "{line}");
    }
    let line_of = |route: &str, method: &str, status: u16| {
        answered
            .iter()
            .find(|l| {
                l.contains(&format!("route={route}"))
                    && l.contains(&format!("method={method}"))
                    && l.contains(&format!("status={status}"))
            })
            .unwrap_or_else(|| panic!("no line for {method} {route} {status}:\n{all}"))
    };
    line_of("/v1/notifications", "POST", 200);
    line_of("/v1/events/{id}", "PUT", 201);
    line_of(EVENTS, "GET", 401);
    let pull_line = line_of(EVENTS, "GET", 200);
    assert_eq!(
        request_id(pull_line),
        Some(pulled_id.as_str()),
        "{pull_line}"
    );
    assert!(all.contains("serving"), "a startup line:\n{all}");

    for secret in [token.as_str(), "Bearer", "authorization", mother.as_str()] {
        assert!(
            !all.to_lowercase().contains(&secret.to_lowercase()),
            "{secret:?} is in the log:\n{all}"
        );
    }
    // The path's values stay out too: the route is the template.
    assert!(!all.contains("/v1/communes/01864"), "{all}");
    drop(server);
}

#[tokio::test]
async fn an_internal_error_is_logged_under_the_id_the_client_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864"], 2, 1);
    // A facility key the server can no longer read: verifying a post fails inside.
    hotich_central::process::execute_sql(&prepared.db, "UPDATE facility_key SET body = 'not json'")
        .unwrap();
    let log = dir.path().join("server.log");
    let server = ServerProcess::start_logged(&bin(), &prepared.db, &[], &log).unwrap();
    let answer = answer(post_notifications(&Client::new(), &server.url, "[]")).await;
    assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request = answer.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "internal");
    let message = body["message"].as_str().unwrap();
    let error_id = message
        .split_whitespace()
        .find_map(|w| uuid::Uuid::parse_str(w.trim_end_matches(';')).ok())
        .unwrap_or_else(|| panic!("no error id in {message:?}"))
        .to_string();
    assert!(
        !message.contains("json"),
        "no detail for the client: {message}"
    );

    let lines = log_lines(&log, 1);
    let all = lines.join("\n");
    let logged = lines
        .iter()
        .find(|l| l.contains("internal error") && l.contains(&error_id))
        .unwrap_or_else(|| panic!("no line for error {error_id}:\n{all}"));
    assert_eq!(request_id(logged), Some(request.as_str()), "{logged}");
    assert!(logged.contains("ERROR"), "{logged}");
    drop(server);
}
