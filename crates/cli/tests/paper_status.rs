//! A printed copy's public status at a real `hotich-central serve` (issue
//! 17), fed by what the real `hotich` binary pushes: two copies of one paper
//! carry different serials; withdrawing one makes exactly that one
//! `withdrawn`; an amendment makes the earlier papers `superseded` once
//! synced, while a copy printed after it stays `valid`; a code nobody
//! printed is `unknown`. The endpoint answers without a token.

#[path = "common/sync_env.rs"]
mod sync_env;
use sync_env::*;

use std::process::Command;

use serde_json::Value;

/// `hotich` as the office's supervisor.
fn as_supervisor(ws: &Workstation) -> Command {
    let mut command = hotich(&ws.db);
    command
        .env("HOTICH_USER", "lanhdao")
        .env("HOTICH_PASSWORD", PASSWORD);
    command
}

/// What the registry answers for `code`, asked as anyone (no token), by
/// curl, a client that is not Hotich's.
fn status(url: &str, code: &str) -> Value {
    let output = Command::new("curl")
        .args(["-sS", "--fail-with-body"])
        .arg(format!("{url}/v1/papers/{code}"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn synced(ws: &Workstation, url: &str) {
    let reports = ws.sync_until_done(url, &[], 3);
    let last = reports.last().unwrap();
    assert_eq!(last["dead"], 0, "{last}");
}

#[test]
fn a_withdrawn_copy_and_an_amended_registration_show_at_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(dir.path(), &["01864"], 2, 3, 17);
    let server = serve(&registry.db, &[]);
    registry.post_all(&server.url);
    let ws = Workstation::new(dir.path(), "ws", &registry, "01864");
    synced(&ws, &server.url);
    let (_, registered) = ws.work_cases(0, 1);
    assert_eq!(registered, 1);
    let registrations: Value =
        serde_json::from_str(&ok(as_supervisor(&ws).args(["registrations", "--json"]))).unwrap();
    let id = registrations[0]["id"].as_str().unwrap().to_owned();

    let print = |copies: &str, name: &str| -> Vec<String> {
        let pdf = dir.path().join(name);
        let printed: Value = serde_json::from_str(&ok(as_supervisor(&ws)
            .args([
                "extract",
                &id,
                "--kind",
                "death-extract",
                "--copies",
                copies,
            ])
            .arg("--out")
            .arg(&pdf)
            .arg("--json")))
        .unwrap();
        let codes = printed["codes"].as_array().unwrap();
        codes
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect()
    };
    let first = print("2", "first.pdf");
    assert_eq!(first.len(), 2);
    assert_ne!(first[0], first[1], "each copy has its own serial");
    // Not pushed yet: the registry does not know them.
    assert_eq!(status(&server.url, &first[0])["status"], "unknown");
    synced(&ws, &server.url);
    for code in &first {
        let answer = status(&server.url, code);
        assert_eq!(answer["status"], "valid", "{answer}");
        assert_eq!(answer["serial"], code.as_str());
    }
    // Typed as someone reads it out: lower case, no dashes.
    let typed = first[0].replace('-', "").to_lowercase();
    assert_eq!(status(&server.url, &typed)["status"], "valid");

    // Copy 1 reported lost: withdrawn, and only it.
    let withdrawn: Value = serde_json::from_str(&ok(as_supervisor(&ws).args([
        "print-log",
        "withdraw",
        &first[0],
        "--reason",
        "Gia đình báo mất",
        "--json",
    ])))
    .unwrap();
    assert_eq!(withdrawn["code"], first[0].as_str());
    synced(&ws, &server.url);
    let lost = status(&server.url, &first[0]);
    assert_eq!(lost["status"], "withdrawn", "{lost}");
    assert!(lost["since"].is_string(), "{lost}");
    assert_eq!(status(&server.url, &first[1])["status"], "valid");

    // The register amended (a supervisor's amendment stands at once): the
    // papers printed before it are superseded, with the day and nothing of
    // the new content; a copy printed after it is valid.
    let patch = dir.path().join("amend.json");
    std::fs::write(&patch, r#"{"death": {"death_place": "Trạm y tế xã"}}"#).unwrap();
    ok(as_supervisor(&ws)
        .args(["amend", &id, "--from-json"])
        .arg(&patch)
        .args(["--reason", "Theo giấy báo tử cấp lại"]));
    let after = print("1", "after.pdf");
    synced(&ws, &server.url);
    let old = status(&server.url, &first[1]);
    assert_eq!(old["status"], "superseded", "{old}");
    assert!(!old.to_string().contains("Trạm y tế"), "{old}");
    assert_eq!(
        status(&server.url, &first[0])["status"],
        "withdrawn",
        "withdrawn stays withdrawn"
    );
    assert_eq!(status(&server.url, &after[0])["status"], "valid");

    // A second withdrawal of the same copy is refused, naming when.
    let again = as_supervisor(&ws)
        .args(["print-log", "withdraw", &first[0], "--reason", "Lần nữa"])
        .output()
        .unwrap();
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("đã được thu hồi"), "{said}");
    // The print log shows which copy was withdrawn.
    let log = ok(as_supervisor(&ws).args(["print-log"]));
    assert!(log.contains(&format!("{} (đã thu hồi)", first[0])), "{log}");
    assert_eq!(
        status(&server.url, "AAAA-BBBB-CCCC-DDDD")["status"],
        "unknown"
    );
}
