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
    /// `http://127.0.0.1:PORT`
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
            Some(url) if url.starts_with("http://127.0.0.1:") => Ok(ServerProcess { child, url }),
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
