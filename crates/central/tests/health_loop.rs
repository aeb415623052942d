//! Justice → Health against the real registry (issue 18, item 1): a death a
//! workstation registered (its pushed `registration` row) is shared with
//! the commune's health station, which reads it with its facility token and
//! returns the cause signed with its facility key; the workstation reads the
//! cause back. Another facility's cause is refused, a replay changes
//! nothing, a second different cause is a conflict, and nobody reads what
//! is not theirs.

mod common;
use common::{central, registry, serve};

use hotich_protocol::health_loop::{CauseOfDeath, TYP_CAUSE_OF_DEATH};
use hotich_protocol::trust::{demo_facility_signer, RootKey};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The first two facilities of the simulator's trust list.
fn two_facilities(trust: &std::path::Path) -> (String, String) {
    let list = RootKey::demo()
        .verify(&std::fs::read(trust).unwrap())
        .unwrap();
    let mut ids: Vec<String> = list
        .facilities
        .iter()
        .map(|f| f.facility_id.clone())
        .collect();
    ids.dedup();
    assert!(ids.len() >= 2, "{ids:?}");
    (ids[0].clone(), ids[1].clone())
}

fn cause_envelope(facility: &str, registration_id: &str, icd10: &str) -> Vec<u8> {
    let cause = CauseOfDeath {
        registration_id: registration_id.into(),
        facility_id: facility.into(),
        icd10: icd10.into(),
        text: "Nhồi máu cơ tim cấp".into(),
        determined_by: "BS. Nguyễn Văn Y, Trạm Y tế xã".into(),
        determined_on: "2026-11-25".parse().unwrap(),
    };
    let signer = demo_facility_signer(&format!("{facility}-k1")).unwrap();
    serde_json::to_vec(&signer.sign(TYP_CAUSE_OF_DEATH, &serde_json::to_vec(&cause).unwrap()))
        .unwrap()
}

#[tokio::test]
async fn a_registered_death_reaches_its_health_station_and_the_cause_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = registry(dir.path(), &["01864", "00004"], 1, 1);
    let db = &prepared.db;
    let (station, other) = two_facilities(&prepared.sim.join("trust.json"));
    central(db, &["health-station", "set", "01864", &station]);
    assert!(central(db, &["health-station", "list"]).contains(&format!("01864\t{station}")));
    let station_token = central(db, &["facility-sender", "add", "--facility", &station]);
    let other_token = central(db, &["facility-sender", "add", "--facility", &other]);
    let (station_token, other_token) = (station_token.trim(), other_token.trim());
    let server = serve(db, &[]);
    let url = &server.url;
    let client = reqwest::Client::new();

    // The workstation of 01864 pushes a death registration, and a birth's.
    let push = |id: &str, body: Value| {
        client
            .put(format!("{url}/v1/events/{id}"))
            .bearer_auth(&prepared.tokens["01864"])
            .json(&json!({
                "case_id": "case-1", "kind": "registration", "body": body,
                "created_at": "2026-11-24T03:00:00+00:00",
            }))
            .send()
    };
    let death = json!({
        "registration_id": "reg-death-1", "case_id": "case-1", "type": "death", "year": 2026,
        "number": 7, "book": "01/2026", "officer_id": "o1",
        "form": { "type": "death", "death": {
            "full_name": "Lò Văn Pó", "sex": "male", "personal_id": "014052000123",
            "death_date": "2026-11-20", "death_place": "Tại nhà, bản Nà Phặc",
            "last_residence": "Bản Nà Phặc, xã Bằng Thành", "notice_number": "" } },
    });
    assert_eq!(
        push("0193a4c2-7a1b-7c3d-8e4f-000000000001", death)
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    let birth = json!({ "registration_id": "reg-birth-1", "type": "birth", "number": 3,
                        "book": "01/2026", "form": { "type": "birth" } });
    assert_eq!(
        push("0193a4c2-7a1b-7c3d-8e4f-000000000002", birth)
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );

    // The station reads it; the other facility sees nothing; no token, no answer.
    let deaths = |token: Option<&str>| {
        let request = client.get(format!("{url}/v1/health/deaths?after=0"));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };
    let page: Value = deaths(Some(station_token))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let shared = page["deaths"].as_array().unwrap();
    assert_eq!(shared.len(), 1, "{page}");
    assert_eq!(shared[0]["registration_id"], "reg-death-1");
    assert_eq!(shared[0]["full_name"], "Lò Văn Pó");
    assert_eq!(shared[0]["death_date"], "2026-11-20");
    assert_eq!(shared[0]["commune"], "01864");
    assert_eq!(shared[0]["has_death_notice"], false);
    let page: Value = deaths(Some(other_token))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["deaths"].as_array().unwrap().len(), 0);
    assert_eq!(
        deaths(None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    let post = |envelope: Vec<u8>| {
        client
            .post(format!("{url}/v1/health/causes"))
            .header("content-type", "application/json")
            .body(envelope)
            .send()
    };
    // A facility that is not 01864's station is refused, and so is a cause
    // whose payload speaks for another facility than its key's.
    let refused = post(cause_envelope(&other, "reg-death-1", "I21.9"))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "not_responsible"
    );
    let unknown = post(cause_envelope(&station, "reg-nobody", "I21.9"))
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let envelope = cause_envelope(&station, "reg-death-1", "I21.9");
    let stored = post(envelope.clone()).await.unwrap();
    assert_eq!(stored.status(), StatusCode::CREATED);
    assert_eq!(stored.json::<Value>().await.unwrap()["seq"], 1);
    let replayed = post(envelope.clone()).await.unwrap();
    assert_eq!(replayed.status(), StatusCode::OK);
    assert_eq!(
        replayed.json::<Value>().await.unwrap()["status"],
        "unchanged"
    );
    let other_cause = post(cause_envelope(&station, "reg-death-1", "C34.9"))
        .await
        .unwrap();
    assert_eq!(other_cause.status(), StatusCode::CONFLICT);

    // The workstation reads the cause, the station's envelope as posted; the
    // other commune's workstation may not.
    let causes = |token: &str| {
        client
            .get(format!("{url}/v1/communes/01864/causes?after=0"))
            .bearer_auth(token)
            .send()
    };
    let page: Value = causes(&prepared.tokens["01864"])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let returned = page["causes"].as_array().unwrap();
    assert_eq!(returned.len(), 1, "{page}");
    assert_eq!(returned[0]["registration_id"], "reg-death-1");
    let posted: Value = serde_json::from_slice(&envelope).unwrap();
    assert_eq!(returned[0]["envelope"], posted);
    assert_eq!(page["next_cursor"], 1);
    assert_eq!(
        causes(&prepared.tokens["00004"]).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}
