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

    /// Stops the server as an operator would (SIGTERM) and waits for it;
    /// how it exited.
    pub fn terminate(mut self) -> std::io::Result<std::process::ExitStatus> {
        let term = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        if !term.success() {
            return Err(std::io::Error::other("kill -TERM failed"));
        }
        self.child.wait()
    }

    /// The process's peak resident memory so far (`VmHWM`), in MiB; `None`
    /// where `/proc` does not say (not Linux, or the process has exited).
    pub fn peak_memory_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib / 1024.0)
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

/// The variable naming the PostgreSQL cluster of the suites (an admin URL,
/// as `scripts/postgres.sh start` prints it): the PostgreSQL-only suites
/// need it.
pub const TEST_POSTGRES_ENV: &str = "HOTICH_TEST_POSTGRES";
/// Set to `postgres`, every [`test_database`] is a new database on the
/// cluster of [`TEST_POSTGRES_ENV`]: the registry's suites run again on
/// the other back-end.
pub const TEST_BACKEND_ENV: &str = "HOTICH_TEST_BACKEND";

/// The cluster of [`TEST_POSTGRES_ENV`]; an error saying how to get one.
pub fn test_cluster() -> std::io::Result<String> {
    std::env::var(TEST_POSTGRES_ENV)
        .ok()
        .filter(|url| !url.is_empty())
        .ok_or_else(|| {
            std::io::Error::other(format!(
                "{TEST_POSTGRES_ENV} is not set: the PostgreSQL suites need a cluster \
                 (scripts/postgres.sh start DIR prints its address; scripts/test.sh starts one)"
            ))
        })
}

/// A new, empty registry database for a test, as `--db` takes it: the SQLite
/// file `file`, or, when [`TEST_BACKEND_ENV`] is `postgres`, a new database
/// on the suites' cluster (its URL). The suites that drive the registry
/// call this, so the same suite runs on either back-end.
pub fn test_database(file: &Path) -> std::io::Result<PathBuf> {
    match std::env::var(TEST_BACKEND_ENV).as_deref() {
        Ok("postgres") => new_postgres_database(&test_cluster()?).map(PathBuf::from),
        _ => Ok(file.to_owned()),
    }
}

/// Runs `sql` on a test's registry database, whichever back-end holds it
/// (a suite that breaks stored data on purpose).
pub fn execute_sql(db: &Path, sql: &str) -> std::io::Result<()> {
    use crate::storage::Database;
    match Database::from_arg(db) {
        Database::Sqlite(path) => {
            let key = crate::storage::key::database_key(&path).map_err(std::io::Error::other)?;
            hotich_common::sqlite::connect(&path, Some(&key))
                .map_err(std::io::Error::other)?
                .execute_batch(sql)
                .map_err(std::io::Error::other)
        }
        Database::Postgres(url) => postgres_batch(&url, sql),
    }
}

/// Every row `sql` (no parameters; each column cast to text, which both
/// back-ends spell `CAST(x AS TEXT)`) selects from a test's registry
/// database: how a suite checks what the registry holds.
pub fn select_text(db: &Path, sql: &str) -> std::io::Result<Vec<Vec<Option<String>>>> {
    use crate::storage::Database;
    match Database::from_arg(db) {
        Database::Sqlite(path) => {
            let key = crate::storage::key::database_key(&path).map_err(std::io::Error::other)?;
            let conn = hotich_common::sqlite::connect_read_only(&path, Some(&key))
                .map_err(std::io::Error::other)?;
            let mut stmt = conn.prepare(sql).map_err(std::io::Error::other)?;
            let columns = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..columns).map(|i| r.get(i)).collect())
                .map_err(std::io::Error::other)?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(std::io::Error::other)
        }
        Database::Postgres(url) => on_own_thread(|| {
            use ::postgres::{Client, NoTls};
            let rows = Client::connect(&url, NoTls)?.query(sql, &[])?;
            rows.iter()
                .map(|r| (0..r.len()).map(|i| r.try_get(i)).collect())
                .collect()
        }),
    }
}

/// Runs `sql` on the database `url` names.
fn postgres_batch(url: &str, sql: &str) -> std::io::Result<()> {
    use ::postgres::{Client, NoTls};
    on_own_thread(|| Client::connect(url, NoTls)?.batch_execute(sql))
}

/// Runs a PostgreSQL client's `work` on a thread of its own: the blocking
/// client starts a runtime, which an async test's thread may not.
fn on_own_thread<T: Send>(
    work: impl FnOnce() -> Result<T, ::postgres::Error> + Send,
) -> std::io::Result<T> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| work().map_err(std::io::Error::other))
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the PostgreSQL client panicked")))
    })
}

/// A throwaway PostgreSQL cluster of `scripts/postgres.sh` under a
/// directory the caller keeps (and drops after this), on a free loopback
/// port; stopped when dropped.
#[derive(Debug)]
pub struct ScratchCluster {
    cluster: PathBuf,
    /// The admin URL (`postgres://hotich@127.0.0.1:PORT/postgres`).
    pub admin: String,
}

impl ScratchCluster {
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres.sh")
    }

    /// Starts a cluster in `dir/cluster`; with `tls` (certificate, key in
    /// PEM) it takes TLS connections only.
    pub fn start(dir: &Path, tls: Option<(&Path, &Path)>) -> std::io::Result<ScratchCluster> {
        // The server runs as `postgres` when we are root: let it in.
        Command::new("chmod").arg("755").arg(dir).status()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let cluster = dir.join("cluster");
        let mut start = Command::new("bash");
        start
            .arg(ScratchCluster::script())
            .arg("start")
            .arg(&cluster)
            .arg(port.to_string());
        if let Some((certificate, key)) = tls {
            start.arg(certificate).arg(key);
        }
        let admin = run_ok(&mut start)?.trim().to_owned();
        Ok(ScratchCluster { cluster, admin })
    }
}

impl Drop for ScratchCluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(ScratchCluster::script())
            .arg("stop")
            .arg(&self.cluster)
            .status();
    }
}

/// Creates a database with a fresh name on the cluster `admin` reaches;
/// its URL.
pub fn new_postgres_database(admin: &str) -> std::io::Result<String> {
    let name = format!("hotich_test_{}", uuid::Uuid::now_v7().simple());
    postgres_batch(admin, &format!("CREATE DATABASE {name}"))?;
    let base = admin
        .rsplit_once('/')
        .map_or(admin, |(base, _)| base)
        .to_owned();
    Ok(format!("{base}/{name}"))
}

/// Debian's `chromedriver` on a free loopback port, for the suites that
/// drive pages in a real headless Chromium; stopped when dropped.
#[derive(Debug)]
pub struct Chromedriver {
    child: Child,
    /// `http://127.0.0.1:PORT`, what a WebDriver client connects to.
    pub url: String,
}

impl Chromedriver {
    /// Chromium's arguments for a suite: headless, in a container (no
    /// sandbox, no GPU, no small /dev/shm).
    pub const CHROME_ARGS: [&str; 4] = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
    ];

    pub fn start() -> std::io::Result<Chromedriver> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                std::io::Error::other(format!(
                    "chromedriver (Debian chromium-driver, installed by scripts/test.sh): {e}"
                ))
            })?;
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > std::time::Duration::from_secs(20) {
                return Err(std::io::Error::other("chromedriver did not start"));
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Ok(Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
    prepare_registry_at(bin, test_database(&dir.join("central.db"))?, dir, sim)
}

/// As [`prepare_registry`], in the database `db` (a file or a URL).
pub fn prepare_registry_at(
    bin: &Path,
    db: PathBuf,
    dir: &Path,
    sim: &SimArgs<'_>,
) -> std::io::Result<PreparedRegistry> {
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
