//! Justice → Health end to end over real processes (issue 18, item 1): a
//! death opened by hand at a workstation (no death notice: a death at home)
//! and registered reaches a real `hotich-central serve` with the next sync;
//! the commune's health station, played by `hotich-central health-station
//! answer`, reads it with its facility token and returns the cause signed
//! with its facility key; the next sync brings the cause back, verified
//! again, beside the registration and never over it (a difference is shown
//! for review). A cause signed by a facility that is not the commune's
//! station is refused by the registry; answering again changes nothing.

#[path = "common/sync_env.rs"]
mod sync_env;
use sync_env::*;

use std::process::Command;

use chrono::{Days, Utc};
use hotich_core::{IdDocumentType, Relationship, Store, StoreKey};
use hotich_protocol::health_loop::{CauseOfDeath, TYP_CAUSE_OF_DEATH};
use hotich_protocol::trust::{demo_facility_signer, RootKey};
use serde_json::Value;

/// A death at home, opened by hand and registered by the supervisor, with
/// the cause the family told the registrar; returns its registration id.
fn register_death_at_home(ws: &Workstation) -> String {
    let mut store = Store::open(&ws.db, &StoreKey::demo()).unwrap();
    let now = Utc::now();
    let boss = store
        .create_first_supervisor("lanhdao", "Phạm Văn Lãnh", PASSWORD, now)
        .unwrap();
    let died = today() - Days::new(3);
    let case = store
        .open_case_by_hand(
            &boss,
            hotich_protocol::EventKind::Death,
            "Lò Văn Pó",
            died,
            now,
            today(),
        )
        .unwrap();
    let mut form = store.registration_draft(&case, today()).unwrap();
    let death = form.death.as_mut().unwrap();
    death.sex = Some(hotich_protocol::Sex::Male);
    death.birth_date = Some("1950-04-02".parse().unwrap());
    death.ethnicity = "Tày".into();
    death.nationality = "Việt Nam".into();
    death.last_residence = "Bản Nà Phặc, xã Bằng Thành, tỉnh Thái Nguyên".into();
    death.personal_id = "019050001234".into();
    death.id_document = "CCCD 019050001234".into();
    death.death_place = "Tại nhà riêng, bản Nà Phặc".into();
    death.cause = "Ốm lâu ngày".into();
    death.replacing_document = "Xác nhận của Công an xã ngày 20/11/2026".into();
    form.requester.full_name = "Lò Văn Sáng".into();
    form.requester.id_type = Some(IdDocumentType::Cccd);
    form.requester.id_number = "019196004321".into();
    form.requester.relationship = Some(Relationship::Child);
    form.signer_name = "Phạm Văn Lãnh".into();
    form.signer_title = "Chủ tịch".into();
    store
        .register(&boss, &case, &form, now, today())
        .unwrap_or_else(|e| panic!("{e}: {:?}", e.problems()))
        .id
}

fn health_share(ws: &Workstation, registration: &str) -> Value {
    serde_json::from_str(&ok(hotich(&ws.db)
        .env("HOTICH_USER", "lanhdao")
        .env("HOTICH_PASSWORD", PASSWORD)
        .args(["health-share", registration, "--json"])))
    .unwrap()
}

/// `hotich-central health-station answer` (`extra`: `--fhir`): what it
/// reports (on stderr).
fn station_answers(url: &str, token: &str, station: &str, extra: &[&str]) -> String {
    let output = central()
        .args([
            "health-station",
            "answer",
            "--registry",
            url,
            "--token",
            token,
        ])
        .args(["--facility", station])
        .args(extra)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{said}");
    said
}

fn central_on(registry: &Registry, args: &[&str]) -> String {
    ok(central().args(args).arg("--db").arg(&registry.db))
}

/// POSTs `body` to the registry's causes door with curl, a client that is
/// not Hotich's; the HTTP status.
fn post_cause(url: &str, body: &[u8], dir: &std::path::Path) -> String {
    let file = dir.join("cause.json");
    std::fs::write(&file, body).unwrap();
    let output = Command::new("curl")
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-H",
            "content-type: application/json",
        ])
        .arg("--data-binary")
        .arg(format!("@{}", file.display()))
        .arg(format!("{url}/v1/health/causes"))
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_death_registered_by_hand_goes_to_the_health_station_and_its_cause_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &["01864"], 1, 1, 23);
    let trust = std::fs::read(registry.sim.join("trust.json")).unwrap();
    let facilities: Vec<String> = RootKey::demo()
        .verify(&trust)
        .unwrap()
        .facilities
        .iter()
        .map(|f| f.facility_id.clone())
        .collect();
    let station = facilities[0].clone();
    let not_station = facilities.iter().find(|f| **f != station).unwrap().clone();
    central_on(&registry, &["health-station", "set", "01864", &station]);
    let token = central_on(
        &registry,
        &["facility-sender", "add", "--facility", &station],
    );
    let token = token.trim();
    let server = serve(&registry.db, &[]);
    let url = server.url.as_str();

    let ws = Workstation::new(dir.path(), "ws", &registry, "01864");
    let registration = register_death_at_home(&ws);
    assert_eq!(health_share(&ws, &registration)["state"], "not_sent");
    ws.sync_until_done(url, &[], 3);
    assert_eq!(health_share(&ws, &registration)["state"], "sent_to_health");

    // The station reads the death and returns its cause.
    let answered = station_answers(url, token, &station, &[]);
    assert!(
        answered.contains("1 ca tử vong: 1 nguyên nhân mới"),
        "{answered}"
    );
    let report = ws.sync_until_done(url, &[], 3);
    assert_eq!(report.last().unwrap()["quarantined"], 0, "{report:?}");
    let share = health_share(&ws, &registration);
    assert_eq!(share["state"], "cause_determined", "{share}");
    let cause = &share["cause"];
    assert_eq!(cause["facility_id"], station.as_str());
    assert!(cause["icd10"].as_str().unwrap().len() >= 3, "{share}");
    // What the family told the registrar stays in the register; the station's
    // cause is beside it, the difference shown for review.
    assert_eq!(share["registered_cause"], "Ốm lâu ngày");
    let registered: Value = serde_json::from_str(&ok(hotich(&ws.db)
        .env("HOTICH_USER", "lanhdao")
        .env("HOTICH_PASSWORD", PASSWORD)
        .args(["registration", &registration, "--json"])))
    .unwrap();
    assert_eq!(registered["current"]["death"]["cause"], "Ốm lâu ngày");

    // Answering again is a replay: nothing new at the registry or the desk.
    let again = station_answers(url, token, &station, &[]);
    assert!(again.contains("0 nguyên nhân mới, 1 không đổi"), "{again}");
    ws.sync_until_done(url, &[], 3);
    assert_eq!(health_share(&ws, &registration), share);

    // Another facility (a valid key of the trust list) is not 01864's station.
    let foreign = CauseOfDeath {
        registration_id: registration.clone(),
        facility_id: not_station.clone(),
        icd10: "C34.9".into(),
        text: "Ung thư phổi".into(),
        determined_by: "BS. Khác".into(),
        determined_on: today(),
    };
    let signer = demo_facility_signer(&format!("{not_station}-k1")).unwrap();
    let envelope = serde_json::to_vec(
        &signer.sign(TYP_CAUSE_OF_DEATH, &serde_json::to_vec(&foreign).unwrap()),
    )
    .unwrap();
    assert_eq!(post_cause(url, &envelope, dir.path()), "403");
    ws.sync_until_done(url, &[], 3);
    assert_eq!(health_share(&ws, &registration), share);
}

/// The station may return the cause as a VRDR cause-of-death coding message
/// (FHIR, signed in its JWS envelope): the registry takes it and the
/// workstation, verifying it again, shows the same cause.
#[test]
fn a_cause_returned_as_a_fhir_coding_message_reaches_the_registration() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &["01864"], 1, 1, 24);
    let trust = std::fs::read(registry.sim.join("trust.json")).unwrap();
    let station = RootKey::demo().verify(&trust).unwrap().facilities[0]
        .facility_id
        .clone();
    central_on(&registry, &["health-station", "set", "01864", &station]);
    let token = central_on(
        &registry,
        &["facility-sender", "add", "--facility", &station],
    );
    let server = serve(&registry.db, &[]);
    let url = server.url.as_str();
    let ws = Workstation::new(dir.path(), "ws", &registry, "01864");
    let registration = register_death_at_home(&ws);
    ws.sync_until_done(url, &[], 3);

    let said = station_answers(url, token.trim(), &station, &["--fhir"]);
    assert!(said.contains("1 nguyên nhân mới"), "{said}");
    let report = ws.sync_until_done(url, &[], 3);
    assert_eq!(report.last().unwrap()["quarantined"], 0, "{report:?}");
    let share = health_share(&ws, &registration);
    assert_eq!(share["state"], "cause_determined", "{share}");
    // The simulator's station codes the same cause in either form.
    let expected = hotich_sim::health_station::cause_of(&registration, today(), &station);
    assert_eq!(share["cause"]["icd10"], expected.icd10.as_str());
    assert_eq!(share["cause"]["text"], expected.text.as_str());
    assert_eq!(
        share["cause"]["determined_by"],
        expected.determined_by.as_str()
    );
}
