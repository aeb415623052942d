//! The sync client's guards against a registry that answers wrongly, each
//! against a real HTTP server on a loopback port that gives one canned
//! answer: a redirect is not followed, an oversized answer is cut off, an
//! answer dated more than ten minutes off stops the run, and a revoked
//! token is told apart from an unknown one. Each stops the run before
//! anything is stored.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hotich_core::Store;
use hotich_sync::{RetryPolicy, ServerUrl, SyncOptions, SyncReport};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// A server that answers every request with `answer(port)`; the number of
/// requests it was sent.
async fn canned(
    answer: impl Fn(u16) -> Vec<u8> + Send + Sync + 'static,
) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let (counted, answer) = (Arc::clone(&counted), Arc::clone(&answer));
            tokio::spawn(async move {
                // The request's head (the client sends no body on a GET).
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let _ = stream.write_all(&answer(port)).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (port, requests)
}

fn http_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// A complete answer with `status`, extra header lines and `body`, dated now.
fn answer(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nDate: {}\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n",
        http_date(chrono::Utc::now()),
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// One run of a workstation of commune 01864 against `port`, few retries.
async fn run(port: u16, tune: impl FnOnce(&mut SyncOptions)) -> (SyncReport, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("ws.db"), &hotich_core::StoreKey::demo()).unwrap();
    store.set_commune("01864").unwrap();
    let server = ServerUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let mut options = SyncOptions::new(server, "hotich_ws_test");
    options.retry = RetryPolicy {
        max_tries: 2,
        base: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_millis(20),
    };
    tune(&mut options);
    let report = hotich_sync::sync_once(&mut store, &options, &mut |_| {})
        .await
        .unwrap();
    (report, dir)
}

/// The run stopped with `code` having stored nothing; its message.
fn stopped_with(report: &SyncReport, code: &str) -> String {
    assert_eq!(report.error_code.as_deref(), Some(code), "{report:?}");
    assert_eq!(
        (
            report.pulled,
            report.applied,
            report.quarantined,
            report.trust_list_updated
        ),
        (0, 0, 0, false),
        "nothing stored: {report:?}"
    );
    report.error.clone().unwrap()
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let (port, requests) = canned(|port| {
        answer(
            "302 Found",
            &format!("Location: http://127.0.0.1:{port}/v1/elsewhere\r\n"),
            b"",
        )
    })
    .await;
    let (report, _dir) = run(port, |_| {}).await;
    let message = stopped_with(&report, "redirected");
    assert!(message.contains("/v1/elsewhere"), "{message}");
    assert!(message.contains("không đi theo chuyển hướng"), "{message}");
    assert_eq!(
        requests.load(Ordering::SeqCst),
        1,
        "the redirect was followed"
    );
}

#[tokio::test]
async fn an_answer_over_the_limit_is_cut_off_whether_announced_or_streamed() {
    // Announced by Content-Length.
    let (port, _) = canned(|_| {
        answer(
            "200 OK",
            "Content-Type: application/json\r\n",
            &[b' '; 4096],
        )
    })
    .await;
    let (report, _dir) = run(port, |o| o.max_response_bytes = 1024).await;
    stopped_with(&report, "response_too_large");

    // Streamed in chunks with no length: cut once past the limit.
    let (port, _) = canned(|_| {
        let mut out = format!(
            "HTTP/1.1 200 OK\r\nDate: {}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
            http_date(chrono::Utc::now())
        )
        .into_bytes();
        for _ in 0..8 {
            out.extend_from_slice(b"200\r\n");
            out.extend_from_slice(&[b' '; 0x200]);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
        out
    })
    .await;
    let (report, _dir) = run(port, |o| o.max_response_bytes = 1024).await;
    stopped_with(&report, "response_too_large");
    // The same answer under the default limit (32 MiB) is read whole, and
    // refused for what it is (not a trust list), not for its size.
    let (report, _dir) = run(port, |_| {}).await;
    assert_eq!(
        report.error_code.as_deref(),
        Some("trust_list_rejected"),
        "{report:?}"
    );
}

#[tokio::test]
async fn an_answer_dated_eleven_minutes_off_stops_the_run_before_anything_is_stored() {
    let (port, _) = canned(|_| {
        let late = chrono::Utc::now() - chrono::TimeDelta::minutes(11);
        format!(
            "HTTP/1.1 404 Not Found\r\nDate: {}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            http_date(late)
        )
        .into_bytes()
    })
    .await;
    let (report, _dir) = run(port, |_| {}).await;
    let message = stopped_with(&report, "clock_skew");
    assert!(message.contains("lệch 11 phút"), "{message}");
}

#[tokio::test]
async fn a_revoked_or_expired_token_is_told_apart_from_an_unknown_one() {
    for (code, words) in [
        ("token_revoked", "Mã truy cập đã bị thu hồi"),
        ("token_expired", "Mã truy cập đã hết hạn"),
        ("unauthorized", "từ chối mã truy cập"),
    ] {
        let body = format!(r#"{{"code":"{code}","message":"no"}}"#);
        let (port, _) = canned(move |_| {
            answer(
                "401 Unauthorized",
                "Content-Type: application/json\r\n",
                body.as_bytes(),
            )
        })
        .await;
        let (report, _dir) = run(port, |_| {}).await;
        let message = stopped_with(&report, code);
        assert!(message.contains(words), "{message}");
        let (connection, _) = hotich_sync::background::connection_after(&report);
        assert_eq!(connection, hotich_sync::Connection::Refused, "{code}");
    }
}
