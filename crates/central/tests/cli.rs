//! The `hotich-central` binary as a user runs it.

use std::process::Command;

use hotich_protocol::SignedEnvelope;

fn central() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hotich-central"))
}

/// The same simulation each time, written to `out`.
fn simulate_30_births_12_deaths(out: &std::path::Path) -> std::process::Output {
    central()
        .args(["simulate", "--commune", "00004", "--births", "30"])
        .args(["--deaths", "12", "--seed", "5", "--today", "2026-07-15"])
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn simulate_writes_both_files_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested/out");
    let output = simulate_30_births_12_deaths(&out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("30 khai sinh / births"), "{stderr}");
    assert!(stderr.contains("Phường Ba Đình"), "{stderr}");

    let text = std::fs::read(out.join("notifications.json")).unwrap();
    let envelopes: Vec<SignedEnvelope> = serde_json::from_slice(&text).unwrap();
    assert!(envelopes.len() >= 42);
    let trust = std::fs::read(out.join("trust.json")).unwrap();
    let _: SignedEnvelope = serde_json::from_slice(&trust).unwrap();

    // Same arguments, same bytes.
    let again = dir.path().join("again");
    let status = simulate_30_births_12_deaths(&again).status;
    assert!(status.success());
    assert_eq!(
        std::fs::read(again.join("notifications.json")).unwrap(),
        text
    );
}

#[test]
fn unknown_commune_and_bad_date_fail_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    for (commune, today, expect) in [
        ("99999", "2026-07-15", "99999"),
        ("00004", "2026-02-30", "2026-02-30"),
        ("00004", "15/07/2026", "YYYY-MM-DD"),
    ] {
        let output = central()
            .args([
                "simulate",
                "--commune",
                commune,
                "--births",
                "1",
                "--deaths",
                "1",
            ])
            .args(["--today", today, "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("lỗi:") && stderr.contains("error:"),
            "{stderr}"
        );
        assert!(stderr.contains(expect), "{stderr}");
    }
    assert!(!dir.path().join("notifications.json").exists());
}

#[test]
fn help_lists_the_simulate_options() {
    let output = central().args(["simulate", "--help"]).output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for option in [
        "--commune",
        "--births",
        "--deaths",
        "--out",
        "--seed",
        "--today",
        "--format",
        "--broken",
        "--facility-token",
    ] {
        assert!(stdout.contains(option), "{stdout}");
    }
    assert!(central().arg("--help").output().unwrap().status.success());
}

#[test]
fn simulate_writes_each_format_the_pki_and_one_broken_file_per_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all");
    let output = central()
        .args(["simulate", "--commune", "00004", "--births", "40"])
        .args(["--deaths", "20", "--today", "2026-07-15"])
        .args(["--format", "all", "--broken", "all", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("17 tệp hỏng / broken files"), "{stderr}");

    let names = |sub: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(out.join(sub))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let xml = names("xml");
    assert!(xml.iter().any(|n| n.contains("-hsdlgbt-")), "{xml:?}");
    for name in &xml {
        let text = std::fs::read_to_string(out.join("xml").join(name)).unwrap();
        assert!(text.contains("<SignatureValue>"), "{name} is signed");
    }
    let fhir = names("fhir");
    assert!(!fhir.is_empty());
    for name in &fhir {
        let bundle: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("fhir").join(name)).unwrap()).unwrap();
        assert_eq!(bundle["resourceType"], "Bundle", "{name}");
    }
    let signed = names("fhir-jws");
    assert_eq!(signed, fhir, "each FHIR file also in its signed envelope");
    let _: SignedEnvelope =
        serde_json::from_slice(&std::fs::read(out.join("fhir-jws").join(&signed[0])).unwrap())
            .unwrap();
    let broken = names("broken");
    assert_eq!(broken.len(), 17, "{broken:?}");
    for expected in [
        "xml_malformed.xml",
        "signature_wrapping.xml",
        "certificate_revoked.xml",
        "fhir_unknown_profile.json",
        "fhir_unauthenticated.json",
    ] {
        assert!(broken.contains(&expected.to_owned()), "{broken:?}");
    }
    let pki = names("pki");
    for expected in ["root.pem", "intermediate.pem", "intermediate.crl"] {
        assert!(pki.contains(&expected.to_owned()), "{pki:?}");
    }
    assert!(pki.iter().filter(|n| n.starts_with("facility-")).count() >= 3);
}

#[test]
fn an_unknown_format_or_broken_reason_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for extra in [["--format", "pdf"], ["--broken", "nonsense"]] {
        let output = central()
            .args(["simulate", "--commune", "00004", "--births", "1"])
            .args(["--deaths", "1", "--out"])
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(extra[1]), "{stderr}");
    }
}

/// `simulate --format all --broken all --post`: a registry trusting the demo
/// PKI (and giving each facility a FHIR sender token) stores every valid
/// paper of each format and refuses every broken one, except the bare FHIR
/// file, which the authenticated channel makes acceptable.
#[test]
fn simulate_posts_each_format_to_a_registry_trusting_the_demo_pki() {
    use hotich_central::process::{run_ok, ServerProcess};

    let dir = tempfile::tempdir().unwrap();
    let db = hotich_central::process::test_database(&dir.path().join("central.db")).unwrap();
    let sim = dir.path().join("sim");
    let bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_hotich-central"));
    let run = |args: &[&str], paths: &[&std::path::Path]| {
        run_ok(central().args(args).args(paths)).unwrap()
    };
    run_ok(
        central()
            .args(["simulate", "--commune", "00004", "--births", "0"])
            .args(["--deaths", "0", "--format", "all", "--out"])
            .arg(&sim),
    )
    .unwrap();
    let pki = sim.join("pki");
    run(
        &["trust", "import", "--demo-root", "--db"],
        &[&db, &sim.join("trust.json")],
    );
    for ca in ["root.pem", "intermediate.pem"] {
        run(&["trust", "ca", "add", "--db"], &[&db, &pki.join(ca)]);
    }
    run(
        &["trust", "crl", "add", "--db"],
        &[&db, &pki.join("intermediate.crl")],
    );
    let mut tokens = Vec::new();
    for entry in std::fs::read_dir(&pki).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let Some(facility) = name.strip_prefix("facility-") else {
            continue;
        };
        run(
            &[
                "trust",
                "facility-cert",
                "add",
                "--facility",
                facility,
                "--db",
            ],
            &[&db, &path],
        );
        let token = run(
            &[
                "facility-sender",
                "add",
                "--facility",
                facility,
                "--fhir",
                "--db",
            ],
            &[&db],
        );
        tokens.push(format!("{facility}={}", token.trim()));
    }
    let server = ServerProcess::start(&bin, &db, &[]).unwrap();

    let mut simulate = central();
    simulate
        .args(["simulate", "--commune", "00004", "--births", "12"])
        .args(["--deaths", "6", "--format", "all", "--broken", "all"])
        .args(["--post", &server.url]);
    for token in &tokens {
        simulate.args(["--facility-token", token]);
    }
    let output = simulate.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("16 từ chối / rejected, 0 xung đột / conflict"),
        "every broken file but the bare FHIR one is refused: {stderr}"
    );
    assert!(!stderr.contains(" 0 lưu / stored"), "{stderr}");
}

/// The registry's database is encrypted (issue 16): with the key from
/// `HOTICH_REGISTRY_DB_KEY_FILE` when the operator gives one (nothing is
/// written beside the database), else with a key made beside it, owner-only;
/// a malformed key is refused naming where it came from.
#[test]
fn the_registry_database_is_encrypted_with_the_key_the_operator_gives() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.db");
    let key_file = dir.path().join("secret.key");
    std::fs::write(&key_file, format!("{}\n", "ab".repeat(32))).unwrap();
    let add = |db: &std::path::Path, key_file: Option<&std::path::Path>| {
        let mut command = central();
        command
            .args(["workstation", "add", "--commune", "01864", "--db"])
            .arg(db)
            .env_remove("HOTICH_REGISTRY_DB_KEY")
            .env_remove("HOTICH_REGISTRY_DB_KEY_FILE");
        if let Some(file) = key_file {
            command.env("HOTICH_REGISTRY_DB_KEY_FILE", file);
        }
        command.output().unwrap()
    };
    let made = add(&db, Some(&key_file));
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(!std::fs::read(&db).unwrap().starts_with(b"SQLite format 3"));
    assert!(!dir.path().join("registry.db.key").exists());
    let key = hotich_common::sqlite::DatabaseKey::from_hex(&"ab".repeat(32)).unwrap();
    let conn = hotich_common::sqlite::connect_read_only(&db, Some(&key)).unwrap();
    let workstations: i64 = conn
        .query_row("SELECT count(*) FROM workstation", [], |r| r.get(0))
        .unwrap();
    assert_eq!(workstations, 1);
    // An online backup, encrypted with the same key.
    let copy = dir.path().join("copy.db");
    let backed_up = central()
        .args(["backup", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&copy)
        .env("HOTICH_REGISTRY_DB_KEY", "ab".repeat(32))
        .output()
        .unwrap();
    assert!(
        backed_up.status.success(),
        "{}",
        String::from_utf8_lossy(&backed_up.stderr)
    );
    assert!(!std::fs::read(&copy)
        .unwrap()
        .starts_with(b"SQLite format 3"));
    let copied: i64 = hotich_common::sqlite::connect_read_only(&copy, Some(&key))
        .unwrap()
        .query_row("SELECT count(*) FROM workstation", [], |r| r.get(0))
        .unwrap();
    assert_eq!(copied, 1);
    // Without the key the database does not open, and nothing is made for it.
    let refused = add(&db, None);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("HOTICH_REGISTRY_DB_KEY_FILE"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!dir.path().join("registry.db.key").exists());

    // A new database with no key given: one made beside it, owner-only.
    let demo = dir.path().join("demo.db");
    assert!(add(&demo, None).status.success());
    let beside = dir.path().join("demo.db.key");
    assert_eq!(std::fs::read_to_string(&beside).unwrap().trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&beside).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    std::fs::write(&key_file, "not a key").unwrap();
    let malformed = add(&db, Some(&key_file));
    assert!(!malformed.status.success());
    assert!(
        String::from_utf8_lossy(&malformed.stderr).contains("HOTICH_REGISTRY_DB_KEY_FILE"),
        "{}",
        String::from_utf8_lossy(&malformed.stderr)
    );
}
