//! `openapi.yaml` against the real server: every answer the server gives to
//! a broad set of requests (each route, each error it can be driven into)
//! must be described there, with the documented body; and every documented
//! answer must have been seen, except the ones listed as not provokable.

mod common;
use common::{registry, serve};
use hotich_central::process::ServerProcess;

use std::collections::{BTreeMap, BTreeSet};

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

type Seen = BTreeSet<(String, String, u16)>;

fn spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// Follows `$ref`s inside the spec.
fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let mut target = spec;
            for part in reference.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            resolve(spec, target)
        }
        None => node,
    }
}

/// The documented answer for (template, method, status), checked against the
/// body the server sent: JSON, with the schema's required properties. A 405
/// answers a method the path does not have: it is documented on the path's
/// operation. Returns the method the answer is documented under.
fn check_against_spec(
    spec: &Value,
    template: &str,
    method: &str,
    status: u16,
    body: &[u8],
) -> String {
    let item = &spec["paths"][template];
    let method = if status == 405 && item.get(method.to_lowercase()).is_none() {
        item.as_object()
            .and_then(|ops| ops.keys().next())
            .unwrap_or_else(|| panic!("{template} is not in openapi.yaml"))
            .to_uppercase()
    } else {
        method.to_owned()
    };
    let operation = &item[method.to_lowercase()];
    assert!(
        operation.is_object(),
        "{method} {template} is not in openapi.yaml"
    );
    let response = operation["responses"]
        .get(status.to_string())
        .unwrap_or_else(|| panic!("{method} {template} answered {status}, not in openapi.yaml"));
    let response = resolve(spec, response);
    // A documented answer that is not JSON (the metrics' text) has no body to check here.
    if response["content"].get("application/json").is_none() && status < 400 {
        return method;
    }
    let schema = resolve(spec, &response["content"]["application/json"]["schema"]);
    let value: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "{method} {template} {status}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(body)
        )
    });
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for field in required {
            let field = field.as_str().unwrap();
            assert!(
                value.get(field).is_some(),
                "{method} {template} {status}: `{field}` missing in {value}"
            );
        }
    }
    if status >= 400 {
        assert!(
            value["code"].is_string() && value["message"].is_string(),
            "{method} {template} {status}: errors are {{code, message}}: {value}"
        );
    }
    method
}

struct Probe<'a> {
    client: Client,
    spec: &'a Value,
    seen: Seen,
}

impl Probe<'_> {
    /// Sends a request and records (template, method, status); panics when the
    /// answer is not described. Returns the status, or None if the connection
    /// was cut (fault injection).
    async fn send(
        &mut self,
        method: Method,
        url: String,
        template: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Option<StatusCode> {
        let typed = body.map(|body| ("application/json", body));
        self.send_typed(method, url, template, token, typed).await
    }

    /// `send` with the body's own content type.
    async fn send_typed(
        &mut self,
        method: Method,
        url: String,
        template: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Option<StatusCode> {
        let mut request = self.client.request(method.clone(), &url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some((content_type, body)) = body {
            request = request.header("content-type", content_type).body(body);
        }
        let response = request.send().await.ok()?;
        let status = response.status();
        let bytes = response.bytes().await.ok()?;
        Some(self.record(template, &method, status, &bytes))
    }

    /// A request that declares a body of `declared` bytes and waits for the
    /// answer before sending any of it (`Expect: 100-continue`, as curl does
    /// for a large upload): how a sender learns a body is too large without
    /// the race of a reset connection. Plain HTTP/1.1 over TCP, since the HTTP
    /// client sends the body at once.
    async fn send_declared_length(
        &mut self,
        method: Method,
        url: &str,
        template: &str,
        token: Option<&str>,
        declared: usize,
    ) -> StatusCode {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let url = reqwest::Url::parse(url).unwrap();
        let address = (url.host_str().unwrap(), url.port().unwrap());
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let authorization = token
            .map(|token| format!("authorization: Bearer {token}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "{method} {} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
             content-length: {declared}\r\nexpect: 100-continue\r\n{authorization}\
             connection: close\r\n\r\n",
            url.path(),
            address.0,
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        let text = String::from_utf8(answer).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let code = head.split(' ').nth(1).unwrap().parse::<u16>().unwrap();
        let status = StatusCode::from_u16(code).unwrap();
        assert_ne!(status, StatusCode::CONTINUE, "{method} {template}");
        self.record(template, &method, status, body.as_bytes())
    }

    /// Checks an answer against the spec and notes it as seen.
    fn record(
        &mut self,
        template: &str,
        method: &Method,
        status: StatusCode,
        body: &[u8],
    ) -> StatusCode {
        let documented =
            check_against_spec(self.spec, template, method.as_str(), status.as_u16(), body);
        self.seen
            .insert((template.to_owned(), documented, status.as_u16()));
        status
    }
}

const EVENTS: &str = "/v1/communes/{commune}/events";
/// (server, method, path, template, token, body, times, expected status of the first)
type Call<'a> = (
    &'a ServerProcess,
    Method,
    String,
    &'a str,
    Option<&'a str>,
    Option<Vec<u8>>,
    usize,
    Option<u16>,
);

const TRUST: &str = "/v1/trust-list";
const POST: &str = "/v1/notifications";
const PUT_EVENT: &str = "/v1/events/{id}";
const PAPER: &str = "/v1/papers/{serial}";
const PAPER_KEY: &str = "/v1/paper-keys/{key_id}";
const PAPER_TRUST: &str = "/v1/paper-trust";
const DEATHS: &str = "/v1/health/deaths";
const CAUSE: &str = "/v1/health/causes";
const CAUSES: &str = "/v1/communes/{commune}/causes";
const PILOT: &str = "/v1/reports/pilot";
const METRICS: &str = "/metrics";

/// A death registration row as a workstation pushes it.
fn death_registration(registration_id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "case_id": "c-death",
        "kind": "registration",
        "body": {
            "registration_id": registration_id, "type": "death", "number": 1, "book": "01/2026",
            "form": { "type": "death", "death": { "full_name": "Lò Văn Pó", "death_date": "2026-11-20" } },
        },
        "created_at": "2026-11-21T08:00:00+00:00",
    }))
    .unwrap()
}

/// A cause of death for `registration_id`, signed with the demo key of `facility`.
fn cause_body(facility: &str, registration_id: &str, icd10: &str) -> Vec<u8> {
    use hotich_protocol::health_loop::{CauseOfDeath, TYP_CAUSE_OF_DEATH};
    let cause = CauseOfDeath {
        registration_id: registration_id.into(),
        facility_id: facility.into(),
        icd10: icd10.into(),
        text: "Nhồi máu cơ tim cấp".into(),
        determined_by: "BS. Nguyễn Văn Y".into(),
        determined_on: "2026-11-25".parse().unwrap(),
    };
    let signer = hotich_protocol::trust::demo_facility_signer(&format!("{facility}-k1")).unwrap();
    serde_json::to_vec(&signer.sign(TYP_CAUSE_OF_DEATH, &serde_json::to_vec(&cause).unwrap()))
        .unwrap()
}

fn key_body(public_key: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({ "public_key": public_key })).unwrap()
}

fn push_body(kind: &str, note: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "case_id": "c-1",
        "kind": kind,
        "body": {"note": note},
        "created_at": "2026-11-21T08:00:00+00:00",
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_of_the_real_server_is_in_openapi_yaml() {
    let spec = spec();
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864", "00004"], 6, 3);
    let (db, sim) = (&prepared.db, &prepared.sim);
    let (ours, other) = (
        prepared.tokens["01864"].as_str(),
        prepared.tokens["00004"].as_str(),
    );
    // A facility sender not enabled for FHIR.
    let added = std::process::Command::new(common::bin())
        .args(["facility-sender", "add", "--facility", "79024", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let xml_only = String::from_utf8(added.stdout).unwrap().trim().to_owned();
    // 01864's deaths go to the first facility of the trust list, its health station.
    let trust = std::fs::read(prepared.sim.join("trust.json")).unwrap();
    let list = hotich_protocol::trust::RootKey::demo()
        .verify(&trust)
        .unwrap();
    let (station, not_station) = (
        list.facilities[0].facility_id.clone(),
        list.facilities
            .iter()
            .map(|f| f.facility_id.clone())
            .find(|id| *id != list.facilities[0].facility_id)
            .unwrap(),
    );
    let central = |args: &[&str]| {
        let output = std::process::Command::new(common::bin())
            .args(args)
            .arg("--db")
            .arg(db)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    central(&["health-station", "set", "01864", &station]);
    let station_token = central(&["facility-sender", "add", "--facility", &station]);
    let station_token = station_token.as_str();
    // The operator's monitoring scrapes /metrics with its own token.
    let metrics_token = "hotich_metrics_0123456789abcdef0123456789abcdef";
    let metrics_file = dir.path().join("metrics-token");
    std::fs::write(&metrics_file, metrics_token).unwrap();
    let server = serve(
        db,
        &["--metrics-token-file", metrics_file.to_str().unwrap()],
    );
    let tight = serve(
        db,
        &[
            "--rate-limit",
            "1",
            "--burst",
            "2",
            "--facility-rate-limit",
            "1",
        ],
    );
    let faulty = serve(db, &["--faults", "1.0", "--fault-seed", "3"]);
    let empty = serve(
        &hotich_central::process::test_database(&dir.path().join("empty.db")).unwrap(),
        &[],
    );
    let mut probe = Probe {
        client: Client::new(),
        spec: &spec,
        seen: Seen::new(),
    };
    let notifications = std::fs::read(sim.join("notifications.json")).unwrap();
    let events = "/v1/communes/01864/events";
    let put = "/v1/events/0193a4c2-7a1b-7c3d-8e4f-123456789abc";
    let push = |note: &str| Some(push_body("case_attempt", note));
    let key = "/v1/paper-keys/01864-20261201-a1b2".to_owned();
    let public =
        hotich_protocol::jws::Signer::from_label("openapi paper key", "k").public_key_b64();
    let (get, post, put_, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    #[rustfmt::skip]
    let calls: Vec<Call<'_>> = vec![
        // Health and the trust list.
        (&server, get.clone(), "/v1/health".into(), "/v1/health", None, None, 1, Some(200)),
        (&server, post.clone(), "/v1/health".into(), "/v1/health", None, None, 1, Some(405)),
        (&server, get.clone(), TRUST.into(), TRUST, None, None, 1, Some(200)),
        (&empty, get.clone(), TRUST.into(), TRUST, None, None, 1, Some(404)),
        (&server, delete, TRUST.into(), TRUST, None, None, 1, Some(405)),
        // Facilities post.
        (&server, post.clone(), POST.into(), POST, None, Some(notifications), 1, Some(200)),
        (&server, post.clone(), POST.into(), POST, None, Some(b"not json".to_vec()), 1, Some(400)),
        (&empty, post.clone(), POST.into(), POST, None, Some(b"[]".to_vec()), 1, Some(503)),
        (&server, get.clone(), POST.into(), POST, None, None, 1, Some(405)),
        (&tight, post.clone(), POST.into(), POST, None, Some(b"[]".to_vec()), 12, None),
        // A workstation pulls.
        (&server, get.clone(), format!("{events}?after=0&limit=5"), EVENTS, Some(ours), None, 1, Some(200)),
        (&server, get.clone(), format!("{events}?limit=0"), EVENTS, Some(ours), None, 1, Some(400)),
        (&server, get.clone(), format!("{events}?after=x"), EVENTS, Some(ours), None, 1, Some(400)),
        (&server, get.clone(), events.into(), EVENTS, None, None, 1, Some(401)),
        (&server, get.clone(), events.into(), EVENTS, Some("hotich_ws_unknown"), None, 1, Some(401)),
        (&server, get.clone(), events.into(), EVENTS, Some(other), None, 1, Some(403)),
        (&server, post.clone(), events.into(), EVENTS, Some(ours), None, 1, Some(405)),
        (&tight, get.clone(), events.into(), EVENTS, Some(ours), None, 8, None),
        // A workstation pushes: created, replayed, conflicting, refused.
        (&server, put_.clone(), put.into(), PUT_EVENT, Some(ours), push("a"), 1, Some(201)),
        (&server, put_.clone(), put.into(), PUT_EVENT, Some(ours), push("a"), 1, Some(200)),
        (&server, put_.clone(), put.into(), PUT_EVENT, Some(ours), push("b"), 1, Some(409)),
        (&server, put_.clone(), put.into(), PUT_EVENT, Some(ours), Some(b"{".to_vec()), 1, Some(400)),
        (&server, put_.clone(), put.into(), PUT_EVENT, None, push("a"), 1, Some(401)),
        (&server, put_.clone(), "/v1/events/not-a-uuid".into(), PUT_EVENT, Some(ours), push("a"), 1, Some(422)),
        (&server, put_.clone(), put.into(), PUT_EVENT, Some(ours), Some(push_body("Bad Kind", "a")), 1, Some(422)),
        (&server, get.clone(), put.into(), PUT_EVENT, Some(ours), None, 1, Some(405)),
        (&tight, put_.clone(), put.into(), PUT_EVENT, Some(other), push("t"), 8, None),
        // Injected faults: 500 and 429 among cut connections and delays.
        (&faulty, get.clone(), events.into(), EVENTS, Some(ours), None, 30, None),
        (&faulty, get.clone(), TRUST.into(), TRUST, None, None, 30, None),
        // A workstation submits its paper key; anyone reads the published trust.
        (&server, put_.clone(), key.clone(), PAPER_KEY, Some(ours), Some(key_body(&public)), 1, Some(201)),
        (&server, put_.clone(), key.clone(), PAPER_KEY, Some(ours), Some(key_body(&public)), 1, Some(200)),
        (&server, put_.clone(), key.clone(), PAPER_KEY, Some(other), Some(key_body(&public)), 1, Some(409)),
        (&server, put_.clone(), key.clone(), PAPER_KEY, Some(ours), Some(b"{".to_vec()), 1, Some(400)),
        (&server, put_.clone(), key.clone(), PAPER_KEY, None, Some(key_body(&public)), 1, Some(401)),
        (&server, put_.clone(), key.clone(), PAPER_KEY, Some(ours), Some(key_body("not-a-key")), 1, Some(422)),
        (&server, get.clone(), key.clone(), PAPER_KEY, Some(ours), None, 1, Some(405)),
        (&tight, put_.clone(), key.clone(), PAPER_KEY, Some(other), Some(key_body(&public)), 8, None),
        (&faulty, put_.clone(), key.clone(), PAPER_KEY, Some(ours), Some(key_body(&public)), 30, None),
        (&server, get.clone(), PAPER_TRUST.into(), PAPER_TRUST, None, None, 1, Some(200)),
        (&empty, get.clone(), PAPER_TRUST.into(), PAPER_TRUST, None, None, 1, Some(404)),
        (&server, post.clone(), PAPER_TRUST.into(), PAPER_TRUST, None, None, 1, Some(405)),
        // Anyone asks a paper's status, without a token.
        (&server, get.clone(), "/v1/papers/AAAA-BBBB-CCCC-DDDD".into(), PAPER, None, None, 1, Some(200)),
        (&server, get.clone(), "/v1/papers/not-a-code".into(), PAPER, None, None, 1, Some(200)),
        (&server, post.clone(), "/v1/papers/AAAA-BBBB-CCCC-DDDD".into(), PAPER, None, None, 1, Some(405)),
        // Justice → Health: a death registered, read by its station, its cause returned and read back.
        (&server, put_.clone(), "/v1/events/0193a4c2-7a1b-7c3d-8e4f-00000000dead".into(), PUT_EVENT, Some(ours), Some(death_registration("reg-openapi")), 1, Some(201)),
        (&server, get.clone(), format!("{DEATHS}?after=0"), DEATHS, Some(station_token), None, 1, Some(200)),
        (&server, get.clone(), format!("{DEATHS}?limit=0"), DEATHS, Some(station_token), None, 1, Some(400)),
        (&server, get.clone(), DEATHS.into(), DEATHS, None, None, 1, Some(401)),
        (&server, post.clone(), DEATHS.into(), DEATHS, Some(station_token), None, 1, Some(405)),
        (&tight, get.clone(), DEATHS.into(), DEATHS, Some(station_token), None, 12, None),
        (&server, post.clone(), CAUSE.into(), CAUSE, None, Some(cause_body(&station, "reg-openapi", "I21.9")), 1, Some(201)),
        (&server, post.clone(), CAUSE.into(), CAUSE, None, Some(cause_body(&station, "reg-openapi", "I21.9")), 1, Some(200)),
        (&server, post.clone(), CAUSE.into(), CAUSE, None, Some(cause_body(&station, "reg-openapi", "C34.9")), 1, Some(409)),
        (&server, post.clone(), CAUSE.into(), CAUSE, None, Some(cause_body(&not_station, "reg-openapi", "I21.9")), 1, Some(403)),
        (&server, post.clone(), CAUSE.into(), CAUSE, None, Some(cause_body(&station, "reg-nobody", "I21.9")), 1, Some(404)),
        (&server, post.clone(), CAUSE.into(), CAUSE, None, Some(b"not json".to_vec()), 1, Some(422)),
        (&server, get.clone(), CAUSE.into(), CAUSE, None, None, 1, Some(405)),
        (&empty, post.clone(), CAUSE.into(), CAUSE, None, Some(cause_body(&station, "reg-openapi", "I21.9")), 1, Some(503)),
        (&tight, post.clone(), CAUSE.into(), CAUSE, None, Some(b"{}".to_vec()), 12, None),
        (&server, get.clone(), "/v1/communes/01864/causes?after=0".into(), CAUSES, Some(ours), None, 1, Some(200)),
        (&server, get.clone(), "/v1/communes/01864/causes?limit=0".into(), CAUSES, Some(ours), None, 1, Some(400)),
        (&server, get.clone(), "/v1/communes/01864/causes".into(), CAUSES, None, None, 1, Some(401)),
        (&server, get.clone(), "/v1/communes/01864/causes".into(), CAUSES, Some(other), None, 1, Some(403)),
        (&server, post.clone(), "/v1/communes/01864/causes".into(), CAUSES, Some(ours), None, 1, Some(405)),
        (&tight, get.clone(), "/v1/communes/01864/causes".into(), CAUSES, Some(ours), None, 8, None),
        (&server, get.clone(), "/v1/reports/pilot?from=2026-01-01&to=2026-06-30".into(), PILOT, Some(ours), None, 1, Some(200)),
        (&server, get.clone(), "/v1/reports/pilot?from=2026-06-30&to=2026-01-01".into(), PILOT, Some(ours), None, 1, Some(400)),
        (&server, get.clone(), "/v1/reports/pilot?from=2026-01-01".into(), PILOT, Some(ours), None, 1, Some(400)),
        (&server, get.clone(), "/v1/reports/pilot?from=2026-01-01&to=2026-06-30".into(), PILOT, None, None, 1, Some(401)),
        (&server, post.clone(), "/v1/reports/pilot".into(), PILOT, Some(ours), None, 1, Some(405)),
        (&tight, get.clone(), "/v1/reports/pilot?from=2026-01-01&to=2026-06-30".into(), PILOT, Some(ours), None, 8, None),
        (&server, get.clone(), METRICS.into(), METRICS, Some(metrics_token), None, 1, Some(200)),
        (&server, get.clone(), METRICS.into(), METRICS, Some(ours), None, 1, Some(401)),
        (&server, get.clone(), METRICS.into(), METRICS, None, None, 1, Some(401)),
        (&empty, get.clone(), METRICS.into(), METRICS, Some(metrics_token), None, 1, Some(404)),
        (&server, post.clone(), METRICS.into(), METRICS, Some(metrics_token), None, 1, Some(405)),
    ];
    for (target, method, path, template, token, body, times, expected) in calls {
        for i in 0..times {
            let url = format!("{}{path}", target.url);
            let got = probe
                .send(method.clone(), url, template, token, body.clone())
                .await;
            if i == 0 {
                if let Some(expected) = expected {
                    assert_eq!(got.map(|s| s.as_u16()), Some(expected), "{method} {path}");
                }
            }
        }
    }
    // Bodies over a route's limit, refused before they are sent.
    let too_large = [
        (&server, Method::POST, POST.to_owned(), POST, None, 17 << 20),
        (
            &server,
            Method::PUT,
            key.clone(),
            PAPER_KEY,
            Some(ours),
            8 << 10,
        ),
        (
            &server,
            Method::PUT,
            put.to_owned(),
            PUT_EVENT,
            Some(ours),
            300 << 10,
        ),
        (
            &server,
            Method::POST,
            CAUSE.to_owned(),
            CAUSE,
            None,
            17 << 10,
        ),
    ];
    for (target, method, path, template, token, declared) in too_large {
        let url = format!("{}{path}", target.url);
        let got = probe
            .send_declared_length(method.clone(), &url, template, token, declared)
            .await;
        assert_eq!(got, StatusCode::PAYLOAD_TOO_LARGE, "{method} {path}");
    }
    // The official-document doors: FHIR needs a facility sender enabled for
    // it; a presented credential must be known; other content types refused.
    let fhir = br#"{"resourceType":"Bundle"}"#.to_vec();
    #[rustfmt::skip]
    let doors = [
        ("text/plain", None, 415),
        ("application/fhir+json", None, 401),
        ("application/fhir+json", Some(xml_only.as_str()), 403),
        ("application/xml", Some("hotich_fs_unknown"), 401),
    ];
    for (content_type, token, expected) in doors {
        let url = format!("{}{POST}", server.url);
        let body = Some((content_type, fhir.clone()));
        let got = probe.send_typed(Method::POST, url, POST, token, body).await;
        assert_eq!(got.map(|s| s.as_u16()), Some(expected), "{content_type}");
    }
    // The status of papers is limited per address: a burst of 100 answers
    // (two or three above: the 405 may count), then 429 within the second.
    let mut statuses = Vec::new();
    for _ in 0..99 {
        let url = format!("{}/v1/papers/AAAA-BBBB-CCCC-DDDD", server.url);
        statuses.push(probe.send(Method::GET, url, PAPER, None, None).await);
    }
    let answered = statuses
        .iter()
        .filter(|s| **s == Some(StatusCode::OK))
        .count();
    assert!((95..=98).contains(&answered), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&Some(StatusCode::TOO_MANY_REQUESTS)));
    // The published trust shares the address's limit.
    let url = format!("{}{PAPER_TRUST}", server.url);
    let limited = probe.send(Method::GET, url, PAPER_TRUST, None, None).await;
    assert_eq!(limited, Some(StatusCode::TOO_MANY_REQUESTS));
    for _ in 0..30 {
        let url = format!("{}/v1/events/{}", faulty.url, uuid_like());
        probe
            .send(Method::PUT, url, PUT_EVENT, Some(ours), push("f"))
            .await;
    }

    // Every documented answer was seen, but those no request can provoke here.
    let not_provokable: BTreeSet<(String, String, u16)> = [
        ("/v1/health", "GET", 503),
        (POST, "POST", 500),
        (PAPER, "GET", 500),
        (PAPER_TRUST, "GET", 500),
        (DEATHS, "GET", 500),
        (CAUSE, "POST", 500),
        (CAUSES, "GET", 500),
        (PILOT, "GET", 500),
        (METRICS, "GET", 500),
    ]
    .into_iter()
    .map(|(p, m, s)| (p.to_owned(), m.to_owned(), s))
    .collect();
    let mut documented = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for status in operation["responses"].as_object().unwrap().keys() {
                documented.insert(
                    (
                        path.clone(),
                        method.to_uppercase(),
                        status.parse::<u16>().unwrap(),
                    ),
                    (),
                );
            }
        }
    }
    let missing: Vec<_> = documented
        .keys()
        .filter(|k| !probe.seen.contains(*k) && !not_provokable.contains(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "documented but never answered: {missing:?}"
    );
    drop((server, tight, faulty, empty));
}

/// A fresh UUID-shaped id for each call.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    format!(
        "0193a4c2-7a1b-7c3d-8e4f-{:012x}",
        N.fetch_add(1, Ordering::Relaxed)
    )
}
