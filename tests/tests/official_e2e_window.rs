//! Official documents end to end, in a real window: a real `hotich-central`
//! trusting the simulator's demo PKI (through its own CLI) and with each
//! facility a FHIR sender; the simulator posting every format to it (Hotich
//! JWS, signed XML, FHIR); a workstation set up through the `hotich` CLI
//! (commune, supervisor, the same X.509 trust) that the app opens and syncs
//! from the registry. The window shows a case that came as an XML death
//! notice with its signer's certificate and chain, and one that came as FHIR
//! over the registry's authenticated facility channel.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use hotich_central::process::{prepare_registry, run_ok, ServerProcess, SimArgs};
use hotich_tests::window::{
    a_case_with_evidence, app_binary, case_id_and_name, central_binary, hotich_cli,
    official_signature_shown, open_case_from_queue, set_sync_server, submit_sign_in,
    wait_signed_in_as, wait_text, AppWindow, BoxError, TestResult, PASSWORD, SUPERVISOR,
};
use thirtyfour::prelude::*;

/// Xã Bằng Thành, Thái Nguyên: the simulator's facilities send to it.
const COMMUNE: &str = "01864";
/// A fixed day, so the simulator's run (and the format each paper gets) is
/// the same whenever the test runs.
const SIMULATED_TODAY: &str = "2026-11-25";
/// The run the facilities post: enough papers that some deaths come as
/// signed XML and some papers as FHIR (checked below, not assumed).
const POSTED: SimArgs<'static> = SimArgs {
    communes: &[COMMUNE],
    births: 8,
    deaths: 10,
    seed: 15,
    today: SIMULATED_TODAY,
};
/// How long the synced cases may take to show up.
const SYNC_WAIT: Duration = Duration::from_secs(90);

/// `hotich-central ARGS…` against the registry's database.
fn central(db: &Path, args: &[&str]) -> Result<String, BoxError> {
    Ok(run_ok(
        Command::new(central_binary())
            .args(args)
            .arg("--db")
            .arg(db),
    )?)
}

/// A running registry that trusts the demo PKI and has received every format.
struct Registry {
    server: ServerProcess,
    /// The simulator's demo PKI: `root.pem`, `intermediate.pem`, `facility-MACSKCB.pem`.
    pki: PathBuf,
    /// Each facility's signing certificate's common name, by facility code.
    signers: BTreeMap<String, String>,
    /// The commune's workstation token.
    token: String,
    _dir: tempfile::TempDir,
}

/// Each facility's certificate in the simulator's PKI folder, by facility code.
fn facility_certificates(pki: &Path) -> Result<Vec<(String, PathBuf)>, BoxError> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(pki)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some(code) = name
            .strip_prefix("facility-")
            .and_then(|rest| rest.strip_suffix(".pem"))
        {
            found.push((code.to_owned(), path.clone()));
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(format!("no facility certificate in {}", pki.display()).into());
    }
    Ok(found)
}

/// As `scripts/demo.sh` sets up its registry: the JWS trust list and a
/// workstation token (`prepare_registry`), the demo PKI's CAs and each
/// facility's certificate, and each facility a FHIR sender; then the
/// simulator posts `--format all` to it, each facility with its own credential.
fn registry_with_every_format() -> Result<Registry, BoxError> {
    let dir = tempfile::tempdir()?;
    let central_bin = central_binary();
    let nothing_yet = SimArgs {
        births: 0,
        deaths: 0,
        ..POSTED
    };
    let prepared = prepare_registry(&central_bin, dir.path(), &nothing_yet)?;
    let db = prepared.db.as_path();
    // The same simulation's PKI (the demo one: the same on every run).
    let pki_run = dir.path().join("pki-run");
    let mut args = nothing_yet.args();
    args.extend(["--format", "all", "--out"].map(String::from));
    run_ok(Command::new(&central_bin).args(&args).arg(&pki_run))?;
    let pki = pki_run.join("pki");
    let mut post = POSTED.args();
    post.extend(["--format", "all"].map(String::from));
    let mut signers = BTreeMap::new();
    for (facility, common_name) in trust_demo_pki(&pki, |args| central(db, args))? {
        let token = central(
            db,
            &["facility-sender", "add", "--facility", &facility, "--fhir"],
        )?;
        post.extend([
            "--facility-token".to_owned(),
            format!("{facility}={}", token.trim()),
        ]);
        signers.insert(facility, common_name);
    }
    let server = ServerProcess::start(&central_bin, db, &[])?;
    post.extend(["--post".to_owned(), server.url.clone()]);
    // The simulator prints its summary on stderr (stdout is for data).
    let output = Command::new(&central_bin).args(&post).output()?;
    let posted = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && posted.contains(" 0 từ chối / rejected"),
        "the registry takes in every paper: {posted}"
    );
    Ok(Registry {
        server,
        pki,
        signers,
        token: prepared.tokens[COMMUNE].clone(),
        _dir: dir,
    })
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

/// Trusts the demo PKI through `cli` (the registry's `hotich-central` or
/// the workstation's `hotich`: their trust commands read alike): both CAs,
/// and each facility's certificate registered for it. Each facility code
/// with its certificate's common name.
fn trust_demo_pki(
    pki: &Path,
    cli: impl Fn(&[&str]) -> Result<String, BoxError>,
) -> Result<Vec<(String, String)>, BoxError> {
    for ca in ["root.pem", "intermediate.pem"] {
        cli(&["trust", "ca", "add", &text(&pki.join(ca))])?;
    }
    let mut facilities = Vec::new();
    for (facility, certificate) in facility_certificates(pki)? {
        cli(&[
            "trust",
            "facility-cert",
            "add",
            "--facility",
            &facility,
            &text(&certificate),
        ])?;
        // The signer's name as the case view shows it: the certificate's CN
        // (read from the file; the two CLIs word their answers differently).
        let subject = hotich_health::trust_files::read_certificates(&std::fs::read(&certificate)?)?
            .into_iter()
            .next()
            .map(|c| c.subject)
            .ok_or("no certificate in the facility's file")?;
        let common_name = subject
            .split_once("CN=")
            .map(|(_, name)| name.split(',').next().unwrap_or(name).trim().to_owned())
            .ok_or(format!("no CN in {subject:?}"))?;
        facilities.push((facility, common_name));
    }
    Ok(facilities)
}

/// A workstation database set up through the `hotich` CLI: the commune,
/// its first supervisor, the registry's root pinned, and the demo PKI's CAs
/// and facility certificates trusted.
fn workstation(db: &Path, pki: &Path) -> Result<(), BoxError> {
    hotich_cli(db, &["office", "--set", COMMUNE])?;
    let (username, name) = SUPERVISOR;
    hotich_cli(
        db,
        &["officer", "init", "--username", username, "--name", name],
    )?;
    hotich_cli(db, &["trust", "pin-root", "--demo"])?;
    trust_demo_pki(pki, |args| hotich_cli(db, args))?;
    Ok(())
}

/// Waits until a synced case's evidence (`command`) holds an entry that
/// `wanted` accepts; its `list_cases` row.
async fn synced_case(
    driver: &WebDriver,
    command: &str,
    wanted: impl Fn(&serde_json::Value) -> bool,
) -> Result<serde_json::Value, BoxError> {
    let deadline = Instant::now() + SYNC_WAIT;
    loop {
        if let Some(row) = a_case_with_evidence(driver, command, &wanted).await? {
            return Ok(row);
        }
        if Instant::now() > deadline {
            return Err(format!("no synced case whose {command} fits after {SYNC_WAIT:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// A `list_cases` row's facility code.
fn facility_of(row: &serde_json::Value) -> Result<String, BoxError> {
    Ok(row["facility_id"]
        .as_str()
        .ok_or(format!("a facility in {row}"))?
        .to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, CLI and registry and a display server: run through the README test command"]
async fn xml_and_fhir_posted_to_a_real_registry_show_their_signer_and_channel_in_the_window(
) -> TestResult {
    let registry = registry_with_every_format()?;
    let data = tempfile::tempdir()?;
    let db = data.path().join("workstation.db");
    workstation(&db, &registry.pki)?;

    // The app opens that workstation (not the demo the harness would make).
    let db_text = text(&db);
    let window = AppWindow::launch_with_env(
        &app_binary(),
        &[
            ("HOTICH_DB", db_text.as_str()),
            ("HOTICH_TOKEN", registry.token.as_str()),
            ("HOTICH_SYNC_INTERVAL_SECONDS", "1"),
        ],
    )
    .await?;
    let driver = &window.driver;
    submit_sign_in(driver, SUPERVISOR.0, PASSWORD).await?;
    wait_signed_in_as(driver, &format!("{} · Lãnh đạo", SUPERVISOR.1)).await?;
    set_sync_server(driver, &registry.server.url).await?;
    wait_text(driver, "[data-testid=sync-connection]", "Trực tuyến").await?;

    // A death that came as a signed HSDLGBT notice: the signer is the
    // certificate registered for the facility that sent it (as the
    // registry's CLI read its subject), and the chain reaches the demo root.
    let death = synced_case(driver, "official_evidence", |e| e["format"] == "HSDLGBT").await?;
    let (case_id, name) = case_id_and_name(&death)?;
    let facility = facility_of(&death)?;
    let subject = registry
        .signers
        .get(&facility)
        .ok_or(format!("no certificate registered for {facility}"))?;
    open_case_from_queue(driver, &case_id, &name).await?;
    let chain = [
        subject,
        "Hotich Demo Issuing CA (không dùng thật)",
        "Hotich Demo Root CA (không dùng thật)",
    ];
    let format = "Giấy báo tử (HSDLGBT)";
    official_signature_shown(driver, format, subject, &facility, &chain).await?;
    window.screenshot("official-e2e-xml-case").await?;

    // A paper that came as FHIR, vouched for by the registry's facility channel.
    let by_registry = |e: &serde_json::Value| e["authentication"]["by"] == "registry";
    let fhir = synced_case(driver, "fhir_evidence", by_registry).await?;
    let (case_id, name) = case_id_and_name(&fhir)?;
    let facility = facility_of(&fhir)?;
    open_case_from_queue(driver, &case_id, &name).await?;
    let channel = format!("Qua kênh cơ sở y tế đã xác thực của máy chủ (MACSKCB {facility})");
    for (css, shown) in [
        ("#official-title", "Xác thực bản ghi FHIR"),
        ("[data-testid=official-format]", "Bản ghi hộ tịch HL7 FHIR"),
        (
            "[data-testid=official-authentication][data-by=registry]",
            &channel,
        ),
        ("[data-testid=verification-status]", "Chữ ký hợp lệ ✓"),
    ] {
        wait_text(driver, css, shown).await?;
    }
    window.screenshot("official-e2e-fhir-case").await?;

    window.quit().await?;
    Ok(())
}
