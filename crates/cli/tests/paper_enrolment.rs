//! A real office's paper key, certified by the registry (issue 17, item 1),
//! through the real binaries: an office pinned to a registry root of its
//! own (not the demo's) makes its key, the next sync submits it, the
//! operator certifies it with the root's private key, the sync after brings
//! the certificate back; a paper printed there then verifies on a machine
//! holding only the trust the registry publishes. Revoked, it is refused
//! with its reason; a rotated key is submitted anew.

#[path = "common/sync_env.rs"]
mod sync_env;
use sync_env::*;

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use hotich_protocol::jws::Signer;
use hotich_protocol::trust::RootKey;
use serde_json::Value;

/// The registry root of this test: its private key is known to the
/// operator's command only.
fn root() -> Signer {
    Signer::from_seed([7u8; 32], "root-test-1")
}

/// The simulator's trust list signed again by our root, as the ministry
/// would publish it, and imported by the registry with that root pinned.
fn registry_with_own_root(registry: &Registry, dir: &Path) -> std::path::PathBuf {
    let demo_signed = std::fs::read(registry.sim.join("trust.json")).unwrap();
    let mut list = RootKey::demo().verify(&demo_signed).unwrap();
    list.sequence += 1;
    let file = dir.join("trust-own-root.json");
    std::fs::write(&file, serde_json::to_vec(&list.sign(&root())).unwrap()).unwrap();
    ok(central()
        .args([
            "trust",
            "import",
            "--root-key-id",
            "root-test-1",
            "--root-public-key",
        ])
        .arg(root().public_key_b64())
        .arg("--db")
        .arg(&registry.db)
        .arg(&file));
    file
}

fn as_supervisor(db: &Path) -> Command {
    let mut command = hotich(db);
    command
        .env("HOTICH_USER", "lanhdao")
        .env("HOTICH_PASSWORD", PASSWORD);
    command
}

fn sync(ws: &Workstation, url: &str) {
    let reports = ws.sync_until_done(url, &[], 3);
    let last = reports.last().unwrap();
    assert!(last["error"].is_null(), "{last}");
}

/// `hotich-central paper-key list`: (key id, certified, revoked) per key.
fn listed(db: &Path) -> Vec<(String, bool, bool)> {
    let text = ok(central().args(["paper-key", "list", "--db"]).arg(db));
    text.lines()
        .skip(1)
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            (columns[0].to_owned(), columns[3] != "-", columns[4] != "-")
        })
        .collect()
}

fn published(url: &str, into: &Path) -> Value {
    let output = Command::new("curl")
        .args(["-sS", "--fail-with-body", "-o"])
        .arg(into)
        .arg(format!("{url}/v1/paper-trust"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&std::fs::read(into).unwrap()).unwrap()
}

/// `hotich verify-paper PDF --trust FILE` on a machine with no database.
fn verify_elsewhere(pdf: &Path, trust: &Path, empty: &Path) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_hotich"))
        .env_remove("HOTICH_DB")
        .env("HOME", empty)
        .arg("--db")
        .arg(empty.join("never.db"))
        .arg("verify-paper")
        .arg(pdf)
        .arg("--trust")
        .arg(trust)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[test]
fn an_offices_key_is_certified_by_the_registry_and_its_papers_verify_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &["01864"], 1, 2, 23);
    let own_list = registry_with_own_root(&registry, dir.path());
    let server = serve(&registry.db, &[]);
    registry.post_all(&server.url);

    // An office's workstation pinned to the registry's own root.
    let db = dir.path().join("office.db");
    ok(hotich(&db)
        .args([
            "trust",
            "pin-root",
            "--key-id",
            "root-test-1",
            "--public-key",
        ])
        .arg(root().public_key_b64()));
    ok(hotich(&db).arg("trust").arg("import").arg(&own_list));
    ok(hotich(&db).args(["office", "--set", "01864"]));
    let ws = Workstation {
        db: db.clone(),
        commune: "01864".into(),
        token: registry.tokens["01864"].clone(),
    };
    sync(&ws, &server.url);
    let keys = listed(&registry.db);
    assert_eq!(keys.len(), 1, "the office's key was submitted: {keys:?}");
    let (key_id, certified, _) = keys[0].clone();
    assert!(key_id.starts_with("01864-"), "{key_id}");
    assert!(!certified);

    // A death registered and its extract printed, signed with that key.
    let (_, registered) = ws.work_cases(0, 1);
    assert_eq!(registered, 1);
    let registrations: Value =
        serde_json::from_str(&ok(as_supervisor(&db).args(["registrations", "--json"]))).unwrap();
    let id = registrations[0]["id"].as_str().unwrap().to_owned();
    // Printed today (the suites' other commands count from a fixed day,
    // before this key existed).
    let pdf = dir.path().join("trich-luc.pdf");
    ok(Command::new(env!("CARGO_BIN_EXE_hotich"))
        .env(
            hotich_core::store_key::KEY_ENV,
            hotich_core::StoreKey::demo().recovery_text(),
        )
        .env("HOTICH_USER", "lanhdao")
        .env("HOTICH_PASSWORD", PASSWORD)
        .arg("--db")
        .arg(&db)
        .args(["extract", &id, "--kind", "death-extract", "--out"])
        .arg(&pdf));
    let elsewhere = tempfile::tempdir().unwrap();
    let trust_file = elsewhere.path().join("paper-trust.json");
    published(&server.url, &trust_file);
    let (valid, said) = verify_elsewhere(&pdf, &trust_file, elsewhere.path());
    assert!(
        !valid && said.contains("(unknown_key)"),
        "not certified yet: {said}"
    );

    // The operator certifies it with the root; another key is refused.
    let demo_tried = central()
        .args(["paper-key", "certify", &key_id, "--demo-root", "--db"])
        .arg(&registry.db)
        .output()
        .unwrap();
    assert!(!demo_tried.status.success());
    let refused = String::from_utf8_lossy(&demo_tried.stderr);
    assert!(
        refused.contains("not the pinned registry root"),
        "{refused}"
    );
    let seed = dir.path().join("root.seed");
    std::fs::write(
        &seed,
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 32]),
    )
    .unwrap();
    ok(central()
        .args(["paper-key", "certify", &key_id, "--root-seed-file"])
        .arg(&seed)
        .arg("--db")
        .arg(&registry.db));
    assert!(listed(&registry.db)[0].1, "certified");

    // Anyone with the published trust verifies the paper; the office's own
    // export holds the certificate once synced.
    let trust = published(&server.url, &trust_file);
    assert_eq!(
        trust["certificates"].as_array().unwrap().len(),
        1,
        "{trust}"
    );
    let (valid, said) = verify_elsewhere(&pdf, &trust_file, elsewhere.path());
    assert!(valid, "{said}");
    assert!(
        said.contains("Chữ ký hợp lệ") && !said.contains("DỮ LIỆU MẪU"),
        "{said}"
    );
    sync(&ws, &server.url);
    let exported = dir.path().join("exported.json");
    ok(hotich(&db)
        .args(["trust", "export", "--out"])
        .arg(&exported));
    let (valid, said) = verify_elsewhere(&pdf, &exported, elsewhere.path());
    assert!(valid, "the office's own export: {said}");

    // Revoked by the operator: refused with its reason.
    ok(central()
        .args(["paper-key", "revoke", &key_id, "--db"])
        .arg(&registry.db));
    let trust = published(&server.url, &trust_file);
    assert_eq!(
        trust["revoked"],
        serde_json::json!([key_id.clone()]),
        "{trust}"
    );
    let (valid, said) = verify_elsewhere(&pdf, &trust_file, elsewhere.path());
    assert!(!valid && said.contains("(key_revoked)"), "{said}");

    // The office replaces its key; the next sync submits the new one.
    let rotated = ok(as_supervisor(&db).args(["trust", "rotate-paper-key"]));
    assert!(rotated.contains("01864-"), "{rotated}");
    sync(&ws, &server.url);
    let keys = listed(&registry.db);
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys
        .iter()
        .any(|(id, certified, revoked)| id != &key_id && !certified && !revoked));
}
