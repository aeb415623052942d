//! The desktop app in a real window, driven through WebDriver: a private X
//! server (Xvfb), `tauri-driver` (which starts WebKitWebDriver, which starts
//! the app) and a fresh database. Every process is ended by its id when the
//! [`AppWindow`] is dropped, also when a test fails half-way.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use thirtyfour::Capabilities;

/// Environment variable naming the app binary under test.
pub const APP_BIN_ENV: &str = "HOTICH_APP_BIN";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A child process, put in its own process group and ended with that group
/// (by the group id, which is the child's PID) on drop, so the processes it
/// started (WebKitWebDriver, the app) end with it.
#[derive(Debug)]
pub struct Guarded {
    name: &'static str,
    child: Child,
}

impl Guarded {
    pub fn spawn(name: &'static str, command: &mut Command) -> Result<Guarded, BoxError> {
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {name} ({command:?}): {e}"))?;
        Ok(Guarded { name, child })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails when the process has already exited.
    pub fn check_running(&mut self) -> Result<(), BoxError> {
        match self.child.try_wait()? {
            None => Ok(()),
            Some(status) => Err(format!("{} exited early: {status}", self.name).into()),
        }
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        // The whole group first (its members may have their own children),
        // then the leader itself in case the group signal failed.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private X server on a display number nobody uses.
#[derive(Debug)]
pub struct Xvfb {
    pub display: String,
    _process: Guarded,
}

impl Xvfb {
    pub fn start() -> Result<Xvfb, BoxError> {
        for number in 90..190u32 {
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
            let lock = PathBuf::from(format!("/tmp/.X{number}-lock"));
            if socket.exists() || lock.exists() {
                continue;
            }
            let display = format!(":{number}");
            let mut process = Guarded::spawn(
                "Xvfb",
                Command::new("Xvfb")
                    .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
            )?;
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if socket.exists() {
                    return Ok(Xvfb {
                        display,
                        _process: process,
                    });
                }
                if process.check_running().is_err() {
                    break; // lost a race for this display: try the next one
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Err(
            "no free X display between :90 and :189 (is Xvfb installed? apt-get install xvfb)"
                .into(),
        )
    }
}

/// `N` distinct TCP ports, free at the time of asking.
pub fn free_ports<const N: usize>() -> Result<[u16; N], BoxError> {
    // Hold every listener until all ports are known, so none is handed out twice.
    let listeners = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut ports = [0; N];
    for (port, listener) in ports.iter_mut().zip(&listeners) {
        *port = listener.local_addr()?.port();
    }
    Ok(ports)
}

fn wait_for_port(port: u16, process: &mut Guarded, timeout: Duration) -> Result<(), BoxError> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        process.check_running()?;
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("nothing listens on port {port} after {timeout:?}").into())
}

/// `tauri-driver`: `$TAURI_DRIVER`, else `~/.cargo/bin/tauri-driver`, else from `PATH`.
pub fn tauri_driver_path() -> Result<PathBuf, BoxError> {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return Ok(path.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let candidates = std::env::var_os("HOME")
        .map(|home| Path::new(&home).join(".cargo/bin/tauri-driver"))
        .into_iter()
        .chain(std::env::split_paths(&path).map(|dir| dir.join("tauri-driver")));
    for candidate in candidates {
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err("tauri-driver not found: cargo install tauri-driver --locked".into())
}

/// The app binary from `$HOTICH_APP_BIN`. Panics with the way to build it.
pub fn app_binary() -> PathBuf {
    let how = "build it first: npm --prefix ui ci && npm --prefix ui run build && \
               cargo build -p hotich-app --features custom-protocol, then set \
               HOTICH_APP_BIN=<target dir>/debug/hotich-app (scripts/test.sh does all this)";
    let Some(path) = std::env::var_os(APP_BIN_ENV).filter(|p| !p.is_empty()) else {
        panic!("{APP_BIN_ENV} is not set: {how}");
    };
    let path = PathBuf::from(path);
    assert!(
        path.is_file(),
        "{APP_BIN_ENV}={} does not exist: {how}",
        path.display()
    );
    path
}

/// One window at a time: on two cores, two apps starting side by side slow
/// each other down enough to make timing (the idle lock) unpredictable.
static ONE_WINDOW_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The app in a window with a fresh database, and a WebDriver session on it.
#[derive(Debug)]
pub struct AppWindow {
    // Dropped in declaration order: the driver processes with the app, then
    // the display, then the session handle (whose fallback teardown then
    // fails fast instead of waiting on a stuck driver), then the files.
    _tauri_driver: Guarded,
    _xvfb: Xvfb,
    pub driver: WebDriver,
    /// The database the app was started on (`$HOTICH_DB`).
    pub database: PathBuf,
    _data: tempfile::TempDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl AppWindow {
    /// Starts everything; the app seeds its demo data into the fresh database.
    pub async fn launch(app: &Path) -> Result<AppWindow, BoxError> {
        AppWindow::launch_with_env(app, &[]).await
    }

    /// As `launch`, with more environment for the app (e.g. a short idle lock).
    pub async fn launch_with_env(app: &Path, env: &[(&str, &str)]) -> Result<AppWindow, BoxError> {
        let turn = ONE_WINDOW_AT_A_TIME.lock().await;
        let data = tempfile::tempdir()?;
        let database = data.path().join("hotich.db");
        let xvfb = Xvfb::start()?;
        let [port, native_port] = free_ports()?;
        let log_path = data.path().join("tauri-driver.log");
        let log = std::fs::File::create(&log_path)?;
        let mut tauri_driver = Guarded::spawn(
            "tauri-driver",
            Command::new(tauri_driver_path()?)
                .args(["--port", &port.to_string()])
                .args(["--native-port", &native_port.to_string()])
                .env("DISPLAY", &xvfb.display)
                .env("HOTICH_DB", &database)
                // The app's own data (localStorage, WebKit caches) stays in the temp dir too.
                .env("XDG_DATA_HOME", data.path().join("xdg-data"))
                .env("XDG_CACHE_HOME", data.path().join("xdg-cache"))
                .env("XDG_CONFIG_HOME", data.path().join("xdg-config"))
                .envs(env.iter().copied())
                .stdout(log.try_clone()?)
                .stderr(log),
        )?;
        // tauri-driver starts WebKitWebDriver beside its own server and does
        // not wait for it: a session asked for before both listen fails.
        wait_for_port(port, &mut tauri_driver, Duration::from_secs(20))?;
        wait_for_port(native_port, &mut tauri_driver, Duration::from_secs(20))?;

        let mut caps = Capabilities::new();
        caps.set("browserName", "wry")?;
        caps.set("tauri:options", serde_json::json!({ "application": app }))?;
        let driver = match WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await {
            Ok(driver) => driver,
            Err(e) => {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                let mut chain = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    chain.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                return Err(
                    format!("no WebDriver session: {chain}\ntauri-driver log:\n{log}").into(),
                );
            }
        };
        Ok(AppWindow {
            driver,
            database,
            _tauri_driver: tauri_driver,
            _xvfb: xvfb,
            _data: data,
            _turn: turn,
        })
    }

    /// Ends the WebDriver session (closing the app); the processes end on drop.
    pub async fn quit(self) -> Result<(), BoxError> {
        self.driver.clone().quit().await?;
        Ok(())
    }

    /// Saves a PNG of the window under `tests/artifacts/`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, BoxError> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        self.driver.screenshot(&path).await?;
        Ok(path)
    }
}
