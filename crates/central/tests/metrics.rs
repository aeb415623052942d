//! `GET /metrics` on the real server (issue 19, item 3): the operator's
//! token reads what the registry answered (by route template, method and
//! status, with latencies) and the notifications it took in by outcome; no
//! path, token or person in it; anyone else is refused, and a registry
//! started without a metrics token has no such endpoint.

mod common;
use common::{registry, serve};

const OPERATOR: &str = "hotich_metrics_fedcba9876543210fedcba9876543210";

#[tokio::test]
async fn the_operator_reads_what_the_registry_answered_and_took_in() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864"], 2, 2);
    let token_file = dir.path().join("metrics-token");
    std::fs::write(&token_file, format!("{OPERATOR}\n")).unwrap();
    let server = serve(
        &prepared.db,
        &["--metrics-token-file", token_file.to_str().unwrap()],
    );
    let client = reqwest::Client::new();
    let notices = std::fs::read(prepared.sim.join("notifications.json")).unwrap();
    let envelopes: Vec<serde_json::Value> = serde_json::from_slice(&notices).unwrap();
    for _ in 0..2 {
        // Posted twice: stored, then duplicates.
        let posted = client
            .post(format!("{}/v1/notifications", server.url))
            .header("content-type", "application/json")
            .body(notices.clone())
            .send()
            .await
            .unwrap();
        assert!(posted.status().is_success());
    }
    let ours = &prepared.tokens["01864"];
    for _ in 0..3 {
        let pulled = client
            .get(format!("{}/v1/communes/01864/events?after=0", server.url))
            .bearer_auth(ours)
            .send()
            .await
            .unwrap();
        assert_eq!(pulled.status(), 200);
    }

    let scrape = |token: Option<&str>| {
        let mut request = client.get(format!("{}/metrics", server.url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    assert_eq!(scrape(None).await.unwrap().status(), 401);
    assert_eq!(
        scrape(Some(ours)).await.unwrap().status(),
        401,
        "a workstation is not the operator"
    );
    let answer = scrape(Some(OPERATOR)).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = answer.text().await.unwrap();
    let pulls = r#"hotich_http_requests_total{route="/v1/communes/{commune}/events",method="GET",status="200"} 3"#;
    assert!(text.contains(pulls), "{text}");
    assert!(
        text.contains(
            r#"hotich_http_requests_total{route="/metrics",method="GET",status="401"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"hotich_http_request_duration_seconds_count{route="/v1/communes/{commune}/events"} 3"#
        ),
        "{text}"
    );
    let n = envelopes.len();
    assert!(
        text.contains(&format!(
            r#"hotich_notifications_total{{outcome="stored"}} {n}"#
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            r#"hotich_notifications_total{{outcome="duplicate"}} {n}"#
        )),
        "{text}"
    );
    // Each pull served every event of the stream.
    let served = 3 * n;
    assert!(
        text.contains(&format!("hotich_pulled_events_total {served}")),
        "{text}"
    );
    // The database pool's connections, on PostgreSQL only (SQLite has none).
    let on_postgres = prepared.db.to_string_lossy().starts_with("postgres");
    assert_eq!(
        text.contains("hotich_db_pool_max_connections 16"),
        on_postgres,
        "{text}"
    );
    // Templates and codes only: no commune's path, no token.
    assert!(
        !text.contains("/v1/communes/01864") && !text.contains(ours.as_str()),
        "{text}"
    );

    // Without a metrics token the registry has no such endpoint.
    let plain = serve(&prepared.db, &[]);
    let answer = client
        .get(format!("{}/metrics", plain.url))
        .bearer_auth(OPERATOR)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
}

#[test]
fn a_short_metrics_token_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("metrics-token");
    std::fs::write(&token_file, "short").unwrap();
    let output = std::process::Command::new(common::bin())
        .args(["serve", "--db"])
        .arg(dir.path().join("central.db"))
        .args(["--listen", "127.0.0.1:0", "--metrics-token-file"])
        .arg(&token_file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("32"),
        "{output:?}"
    );
}
