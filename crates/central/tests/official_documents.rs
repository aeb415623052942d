//! The facility door for official documents, against the real binary: the
//! operator's X.509 trust and facility-sender commands, signed XML posted
//! with `Content-Type: application/xml` verified, routed by residence and
//! relayed as posted, FHIR refused without a facility credential, and
//! workstations that pull the files and verify them again against their
//! own trust (a workstation that does not trust the CA quarantines them).

mod common;
use common::{central, registry, serve};

use std::path::Path;

use chrono::Utc;
use hotich_core::{CaseFilter, Store};
use hotich_health::testkit::fhir::{death_submission_update_void, DeathRecordKey};
use hotich_health::testkit::{self, Algorithms, CertificateSpec, Identity, TestPki};
use hotich_health::XmlFormat;
use hotich_sync::{ServerUrl, SyncOptions};
use reqwest::StatusCode;
use serde_json::Value;

const FACILITY: &str = "79024";
const OTHER_FACILITY: &str = "79025";
const RECORD_ID: &str = "Id-5b1f0c8e-3a47-4d2b-9e61-7c0d2a9f4e10";
const DEATH_ID: &str = "79024-00004.GBT.79024.26";
/// The death notice's permanent residence, and (set so) the twins' mother's.
const COMMUNE: &str = "26743";
const PASSWORD: &str = "Mật khẩu thử nghiệm 2026";

fn sign(unsigned: &str, format: XmlFormat, signer: &Identity) -> Vec<u8> {
    testkit::sign(unsigned, format, signer, Algorithms::default())
        .unwrap()
        .into_bytes()
}

async fn post(
    url: &str,
    content_type: &str,
    token: Option<&str>,
    body: &[u8],
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{url}/v1/notifications"))
        .header("content-type", content_type)
        .body(body.to_vec());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let answer = request.send().await.unwrap();
    (answer.status(), answer.json().await.unwrap())
}

/// (status, notification_id, commune, version, code) of each outcome.
fn outcomes(report: &Value) -> Vec<(String, String, String, u64, String)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                text(&r["status"]),
                text(&r["notification_id"]),
                text(&r["commune"]),
                r["version"].as_u64().unwrap_or(0),
                text(&r["code"]),
            )
        })
        .collect()
}

/// A workstation of `commune` syncing with the registry; when `trusting`,
/// its supervisor added the test CA and the hospital's certificate first.
async fn workstation(
    dir: &Path,
    commune: &str,
    db: &Path,
    url: &str,
    pki: &TestPki,
    hospital: &Identity,
    trusting: bool,
) -> Store {
    let token = central(db, &["workstation", "add", "--commune", commune]);
    let mut store = Store::open(
        &dir.join(format!("ws-{commune}-{trusting}.db")),
        &hotich_core::StoreKey::demo(),
    )
    .unwrap();
    store.set_commune(commune).unwrap();
    store.pin_root(&hotich_central::RootKey::demo()).unwrap();
    if trusting {
        let now = Utc::now();
        let supervisor = store
            .create_first_supervisor("lanhdao", "Phạm Văn Lãnh", PASSWORD, now)
            .unwrap();
        for (file, name) in [
            (pki.root.certificate_pem(), "root.pem"),
            (pki.intermediate.certificate_der(), "issuing.der"),
        ] {
            store
                .add_trust_certificates(&supervisor, &file, name, now)
                .unwrap();
        }
        store
            .add_facility_certificate(
                &supervisor,
                FACILITY,
                &hospital.certificate_pem(),
                "hospital.pem",
                now,
            )
            .unwrap();
    }
    let options = SyncOptions::new(ServerUrl::parse(url).unwrap(), token.trim());
    let report = hotich_sync::sync_once(&mut store, &options, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.error, None, "{report:?}");
    store
}

fn cases(store: &Store) -> Vec<(String, String)> {
    let filter = CaseFilter {
        limit: 100,
        ..Default::default()
    };
    let mut rows: Vec<(String, String)> = store
        .cases(&filter, hotich_common::time::office_today())
        .unwrap()
        .rows
        .into_iter()
        .map(|c| {
            (
                c.notification_id.unwrap_or_default(),
                format!("{:?}", c.status),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn signed_xml_is_verified_routed_by_residence_relayed_and_verified_again_at_the_workstation()
{
    let dir = tempfile::tempdir().unwrap();
    // A registry with the facilities' JWS trust list (the workstation's sync
    // needs one), nothing posted yet.
    let db = registry(dir.path(), &[COMMUNE], 1, 1).db;
    let pki = TestPki::new().unwrap();
    let hospital = pki
        .facility(&CertificateSpec::facility("Bệnh viện Chợ Rẫy (test)"))
        .unwrap();
    let files = [
        ("root.pem", pki.root.certificate_pem()),
        ("issuing.der", pki.intermediate.certificate_der()),
        ("hospital.pem", hospital.certificate_pem()),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let path = |name: &str| dir.path().join(name).display().to_string();

    // The operator's trust: the CA, its intermediate, the hospital's certificate.
    central(&db, &["trust", "ca", "add", &path("root.pem")]);
    central(&db, &["trust", "ca", "add", &path("issuing.der")]);
    central(
        &db,
        &[
            "trust",
            "facility-cert",
            "add",
            "--facility",
            FACILITY,
            &path("hospital.pem"),
        ],
    );
    let listed = central(&db, &["trust", "ca", "list"]);
    let kinds: Vec<&str> = listed
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(1).unwrap())
        .collect();
    assert_eq!(kinds, ["anchor", "intermediate", "facility"], "{listed}");
    let fhir_token = central(
        &db,
        &["facility-sender", "add", "--facility", FACILITY, "--fhir"],
    );
    let fhir_token = fhir_token.trim();
    assert!(fhir_token.starts_with("hotich_fs_"), "{fhir_token}");

    let server = serve(&db, &[]);
    let url = server.url.as_str();

    // A death notice: stored in the stream of the deceased's residence; a re-post is a duplicate.
    let death = sign(
        &testkit::death_notice_xml(RECORD_ID, FACILITY),
        XmlFormat::Hsdlgbt,
        &hospital,
    );
    let (status, report) = post(url, "application/xml", None, &death).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let stored = (
        "stored".to_owned(),
        DEATH_ID.to_owned(),
        COMMUNE.to_owned(),
        1,
        String::new(),
    );
    assert_eq!(outcomes(&report), vec![stored], "{report}");
    let (_, report) = post(url, "application/xml; charset=utf-8", None, &death).await;
    assert_eq!(outcomes(&report)[0].0, "duplicate", "{report}");

    // An XML 130 set with twins: one outcome per child, at the mother's residence.
    let twins = sign(
        &testkit::xml130_xml(
            FACILITY,
            &testkit::xml9_twins_xml().replace("<MAXA_CU_TRU>26734<", "<MAXA_CU_TRU>26743<"),
        ),
        XmlFormat::Giamdinhhs,
        &hospital,
    );
    let (_, report) = post(url, "application/xml", None, &twins).await;
    let twin_outcomes: Vec<_> = outcomes(&report)
        .into_iter()
        .map(|(status, id, commune, ..)| (status, id, commune))
        .collect();
    let twin = |n: u32| {
        (
            "stored".to_owned(),
            format!("79024-XML9-LK-2026-000981-{n}"),
            COMMUNE.to_owned(),
        )
    };
    assert_eq!(twin_outcomes, vec![twin(1), twin(2)], "{report}");

    // The hospital's valid certificate signing for another facility is refused.
    let other = sign(
        &testkit::death_notice_xml(RECORD_ID, OTHER_FACILITY),
        XmlFormat::Hsdlgbt,
        &hospital,
    );
    let (_, report) = post(url, "application/xml", None, &other).await;
    assert_eq!(
        outcomes(&report)[0].4,
        "certificate_wrong_facility",
        "{report}"
    );
    // A file altered after signing.
    let altered = String::from_utf8(death.clone())
        .unwrap()
        .replacen("26743", "26744", 1)
        .into_bytes();
    let (_, report) = post(url, "application/xml", None, &altered).await;
    assert_eq!(outcomes(&report)[0].0, "rejected", "{report}");
    assert!(
        !report.to_string().contains("Quách"),
        "no personal data: {report}"
    );
    // A signed record whose death falls after its notice was issued: refused
    // for that field and counted for the commune it names (the province's
    // page), its reason only; a file refused whole names no commune to trust.
    let unsigned = testkit::death_notice_xml(RECORD_ID, FACILITY);
    let death_time = unsigned
        .split("<NGAY_TV>")
        .nth(1)
        .and_then(|rest| rest.split("</NGAY_TV>").next())
        .unwrap()
        .to_owned();
    let impossible = sign(
        &unsigned.replacen(
            &format!("<NGAY_TV>{death_time}<"),
            &format!("<NGAY_TV>2099{}<", &death_time[4..]),
            1,
        ),
        XmlFormat::Hsdlgbt,
        &hospital,
    );
    let (_, report) = post(url, "application/xml", None, &impossible).await;
    assert_eq!(outcomes(&report)[0].4, "field_invalid", "{report}");
    let refused = hotich_central::process::select_text(
        &db,
        "SELECT commune, reason FROM refused_notice ORDER BY id",
    )
    .unwrap();
    assert_eq!(
        refused,
        vec![vec![
            Some(COMMUNE.to_owned()),
            Some("field_invalid".to_owned())
        ]]
    );

    // FHIR: only over the authenticated facility channel.
    let (status, body) = post(url, "application/fhir+json", None, b"{}").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let (status, _) = post(url, "application/fhir+json", Some("hotich_fs_wrong"), b"{}").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post(url, "text/plain", None, b"hello").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A FHIR death record's submission, update and void from the hospital's
    // sender: versions 1, 2, 3 of one record at the deceased's residence.
    let key = DeathRecordKey::new(FACILITY, "000123", "2026");
    let [submission, update, void] = death_submission_update_void(&key).map(|message| {
        message
            .to_string()
            .replace("\"27655\"", &format!("\"{COMMUNE}\""))
            .into_bytes()
    });
    let fhir = "application/fhir+json";
    let (status, report) = post(url, fhir, Some(fhir_token), &submission).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let first = outcomes(&report);
    let fhir_id = first[0].1.clone();
    assert_eq!(
        (first[0].0.as_str(), first[0].2.as_str(), first[0].3),
        ("stored", COMMUNE, 1),
        "{report}"
    );
    let (_, report) = post(url, fhir, Some(fhir_token), &submission).await;
    assert_eq!(outcomes(&report)[0].0, "duplicate", "{report}");
    for (message, version) in [(&update, 2), (&void, 3)] {
        let (_, report) = post(url, fhir, Some(fhir_token), message).await;
        let outcome = &outcomes(&report)[0];
        assert_eq!(
            (outcome.0.as_str(), outcome.1.as_str(), outcome.3),
            ("stored", fhir_id.as_str(), version),
            "{report}"
        );
    }

    // Workstations pull the relayed files and verify them again.
    let office = workstation(dir.path(), COMMUNE, &db, url, &pki, &hospital, true).await;
    let mut expected = vec![
        (DEATH_ID.to_owned(), "New".to_owned()),
        (twin(1).1, "New".to_owned()),
        (twin(2).1, "New".to_owned()),
        (fhir_id.clone(), "Voided".to_owned()),
    ];
    expected.sort();
    assert_eq!(
        cases(&office),
        expected,
        "the death, the twins as two cases, the FHIR record voided"
    );
    assert!(office.quarantine().unwrap().is_empty());
    let untrusting = workstation(dir.path(), COMMUNE, &db, url, &pki, &hospital, false).await;
    assert_eq!(
        cases(&untrusting),
        vec![(fhir_id.clone(), "Voided".to_owned())],
        "FHIR needs no X.509 trust: the registry authenticated its sender"
    );
    let mut quarantined: Vec<(Option<String>, String)> = untrusting
        .quarantine()
        .unwrap()
        .into_iter()
        .map(|q| (q.notification_id, q.reason))
        .collect();
    quarantined.sort();
    let untrusted = |id: &str| (Some(id.to_owned()), "certificate_untrusted".to_owned());
    // The quarantine keeps each file once: the twins' file under its first
    // child (importing it once the CA is trusted takes in both).
    assert_eq!(
        quarantined,
        vec![untrusted(DEATH_ID), untrusted(&twin(1).1)],
        "kept with the reason, never dropped"
    );
}
