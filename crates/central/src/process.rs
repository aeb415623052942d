//! `hotich-central` as a child process on a loopback port, for test suites
//! and benchmarks that must drive the real server (never a mock). Built
//! only with the `testkit` feature, which those suites' manifests turn on.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A `hotich-central serve` process, killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT` (`https://` when started with `--tls-cert`)
    pub url: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    /// Starts `BIN serve --db DB --listen 127.0.0.1:0 EXTRA...` and reads the
    /// port it bound from its first line of output.
    pub fn start(bin: &Path, db: &Path, extra: &[&str]) -> std::io::Result<ServerProcess> {
        ServerProcess::start_on(bin, db, 0, extra)
    }

    /// As [`ServerProcess::start`] on a chosen loopback port (a workstation
    /// was told the address before the server came up).
    pub fn start_on(
        bin: &Path,
        db: &Path,
        port: u16,
        extra: &[&str],
    ) -> std::io::Result<ServerProcess> {
        ServerProcess::spawn(bin, db, port, extra, Stdio::inherit(), None)
    }

    /// As [`ServerProcess::start`], its log (stderr) written to `log`.
    pub fn start_logged(
        bin: &Path,
        db: &Path,
        extra: &[&str],
        log: &Path,
    ) -> std::io::Result<ServerProcess> {
        let log = std::fs::File::create(log)?;
        ServerProcess::spawn(bin, db, 0, extra, Stdio::from(log), Some("info"))
    }

    fn spawn(
        bin: &Path,
        db: &Path,
        port: u16,
        extra: &[&str],
        stderr: Stdio,
        log_level: Option<&str>,
    ) -> std::io::Result<ServerProcess> {
        let mut command = Command::new(bin);
        match log_level {
            Some(level) => {
                command.env("RUST_LOG", level);
            }
            // A line per request would drown a suite's own output: only
            // warnings, unless the caller's RUST_LOG asks for more.
            None if std::env::var_os("RUST_LOG").is_none() => {
                command.env("RUST_LOG", "warn");
            }
            None => {}
        }
        let mut child = command
            .arg("serve")
            .arg("--db")
            .arg(db)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout).read_line(&mut line)?;
        }
        let url = line.trim().strip_prefix("listening on ").map(str::to_owned);
        match url {
            Some(url)
                if url.starts_with("http://127.0.0.1:")
                    || url.starts_with("https://127.0.0.1:") =>
            {
                Ok(ServerProcess { child, url })
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                Err(std::io::Error::other(format!(
                    "hotich-central serve did not start: {line:?}"
                )))
            }
        }
    }
}

/// Runs a command that must succeed; its stdout.
pub fn run_ok(command: &mut Command) -> std::io::Result<String> {
    let output = command.output()?;
    if !output.status.success() {
        return Err(std::io::Error::other(format!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    String::from_utf8(output.stdout).map_err(std::io::Error::other)
}

/// A registry database prepared with the binary's own commands: the
/// simulator's files for `communes` in `dir/sim`, their trust list imported
/// (demo root), one workstation token per commune.
#[derive(Debug, Clone)]
pub struct PreparedRegistry {
    pub db: PathBuf,
    pub sim: PathBuf,
    pub tokens: BTreeMap<String, String>,
}

/// `simulate` arguments: communes, births and deaths per commune, seed, today.
#[derive(Debug, Clone)]
pub struct SimArgs<'a> {
    pub communes: &'a [&'a str],
    pub births: usize,
    pub deaths: usize,
    pub seed: u64,
    pub today: &'a str,
}

impl SimArgs<'_> {
    pub fn args(&self) -> Vec<String> {
        vec![
            "simulate".into(),
            "--commune".into(),
            self.communes.join(","),
            "--births".into(),
            self.births.to_string(),
            "--deaths".into(),
            self.deaths.to_string(),
            "--seed".into(),
            self.seed.to_string(),
            "--today".into(),
            self.today.to_owned(),
        ]
    }
}

pub fn prepare_registry(
    bin: &Path,
    dir: &Path,
    sim: &SimArgs<'_>,
) -> std::io::Result<PreparedRegistry> {
    let db = dir.join("central.db");
    let sim_dir = dir.join("sim");
    run_ok(
        Command::new(bin)
            .args(sim.args())
            .arg("--out")
            .arg(&sim_dir),
    )?;
    run_ok(
        Command::new(bin)
            .args(["trust", "import", "--demo-root", "--db"])
            .arg(&db)
            .arg(sim_dir.join("trust.json")),
    )?;
    let mut tokens = BTreeMap::new();
    for commune in sim.communes {
        let token = run_ok(
            Command::new(bin)
                .args(["workstation", "add", "--commune", commune, "--db"])
                .arg(&db),
        )?;
        tokens.insert((*commune).to_owned(), token.trim().to_owned());
    }
    Ok(PreparedRegistry {
        db,
        sim: sim_dir,
        tokens,
    })
}

/// PEM files for an HTTPS test: a CA (as a province would run), and a
/// server certificate it signed for `127.0.0.1` and `localhost`.
#[derive(Debug, Clone)]
pub struct TestCertificates {
    /// The CA's certificate: what a workstation is told to trust.
    pub ca: PathBuf,
    /// The server's certificate and key: `serve --tls-cert --tls-key`.
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCertificates {
    /// `serve` arguments that serve HTTPS with these files.
    pub fn serve_args(&self) -> Vec<String> {
        vec![
            "--tls-cert".into(),
            self.cert.display().to_string(),
            "--tls-key".into(),
            self.key.display().to_string(),
        ]
    }
}

/// Makes a fresh CA and server certificate (rcgen) in `dir`.
pub fn test_certificates(dir: &Path) -> std::io::Result<TestCertificates> {
    make_certificates(dir).map_err(std::io::Error::other)?
}

fn make_certificates(dir: &Path) -> Result<std::io::Result<TestCertificates>, rcgen::Error> {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Hotich test province CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate()?)?;
    let mut server_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
    server_params
        .distinguished_name
        .push(DnType::CommonName, "hotich-central test");
    let server_key = KeyPair::generate()?;
    let server = server_params.signed_by(&server_key, &ca)?;
    let files = TestCertificates {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    };
    let written = std::fs::write(&files.ca, ca.pem())
        .and_then(|()| std::fs::write(&files.cert, server.pem()))
        .and_then(|()| std::fs::write(&files.key, server_key.serialize_pem()));
    Ok(written.map(|()| files))
}
