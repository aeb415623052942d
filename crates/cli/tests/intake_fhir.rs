//! FHIR vital records through the real `hotich` binary: `import` detects a
//! FHIR record in a facility-signed JWS envelope (`cty` `fhir+json`) and
//! takes it in; a bare FHIR file is quarantined `fhir_unauthenticated`, and
//! `quarantine --json` keeps its `id` and `reason`.

mod common;

use common::{hotich_on, json, ok};
use hotich_health::fhir::MessageAction;
use hotich_health::testkit::fhir::{death_message, DeathRecordKey};
use hotich_protocol::jws::{CTY_FHIR, TYP_NOTIFICATION};
use hotich_protocol::samples::{facility_signer, trust_list};

/// Writes `bytes` as `name` in `dir`; its path as an argument.
fn file_in(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn import_takes_in_a_signed_fhir_record_and_quarantines_a_bare_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotich.db");
    let write = |name: &str, bytes: &[u8]| file_in(dir.path(), name, bytes);
    // The sample trust list: facility 19001 and its key.
    let trust = write("trust.json", &trust_list());
    ok(hotich_on(&db)
        .args(["trust", "pin-root", "--demo"])
        .output()
        .unwrap());
    ok(hotich_on(&db)
        .args(["trust", "import", &trust])
        .output()
        .unwrap());

    let key = DeathRecordKey::new("19001", "123", "2026");
    let message = death_message(MessageAction::Submission, &key, "Trần Văn Tư", 0).to_string();
    let envelope =
        facility_signer().sign_content(TYP_NOTIFICATION, Some(CTY_FHIR), message.as_bytes());
    let signed = write("vrdr.jws.json", &serde_json::to_vec(&envelope).unwrap());
    let other = DeathRecordKey::new("19001", "124", "2026");
    let bare = write(
        "vrdr.json",
        death_message(MessageAction::Submission, &other, "Lê Thị Năm", 0)
            .to_string()
            .as_bytes(),
    );

    let summary = json(&ok(hotich_on(&db)
        .args(["import", &signed, &bare, "--json"])
        .output()
        .unwrap()));
    assert_eq!(summary["imported"], 1, "{summary}");
    assert_eq!(summary["quarantined"], 1, "{summary}");
    let again = json(&ok(hotich_on(&db)
        .args(["import", &signed, "--json"])
        .output()
        .unwrap()));
    assert_eq!(again["unchanged"], 1, "{again}");

    let quarantine = json(&ok(hotich_on(&db)
        .args(["quarantine", "--json"])
        .output()
        .unwrap()));
    let rows = quarantine.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{quarantine}");
    assert!(rows[0]["id"].is_i64());
    assert_eq!(rows[0]["reason"], "fhir_unauthenticated");
}
