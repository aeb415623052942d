//! The desktop app in a real window, driven through WebDriver: a private X
//! server (Xvfb), `tauri-driver` (which starts WebKitWebDriver, which starts
//! the app) and a fresh database. Every process is ended by its id when the
//! [`AppWindow`] is dropped, also when a test fails half-way. Below it, the
//! steps the scenarios share: waiting for a text, clicking, typing, calling a
//! command as the UI does, signing in the first supervisor.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use thirtyfour::Capabilities;

/// Environment variable naming the app binary under test.
pub const APP_BIN_ENV: &str = "HOTICH_APP_BIN";

/// Any failure of the harness or of a step of a test.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a real-window test returns.
pub type TestResult = Result<(), BoxError>;

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

/// Whether an X lock file names a process that is no longer running.
fn is_stale_display(lock: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(lock) else {
        return false;
    };
    text.trim()
        .parse::<u32>()
        .is_ok_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
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
            if is_stale_display(&lock) {
                // A server killed outright (our guard's SIGKILL) leaves its
                // lock and socket behind: free the number again.
                let _ = std::fs::remove_file(&lock);
                let _ = std::fs::remove_file(&socket);
            }
            if socket.exists() || lock.exists() {
                continue;
            }
            let display = format!(":{number}");
            let mut process = Guarded::spawn(
                "Xvfb",
                Command::new("Xvfb")
                    .args([&display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
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
    /// False when the app draws as it ships, without compositing: see `COMPOSITING_ENV`.
    screenshots: bool,
    _data: tempfile::TempDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

/// The shell turns WebKit's accelerated compositing off unless this is set
/// (`hotich_app::WEBKIT_COMPOSITING_ENV`; it saves about 150 MB). Without
/// compositing, WebKitWebDriver's screenshot takes seconds and sometimes
/// crashes the driver (a segfault in GLib), so the window tests keep it on
/// (`0`), and a test of the app as it ships passes `(COMPOSITING_ENV, "1")`:
/// its `screenshot` calls then save nothing.
pub const COMPOSITING_ENV: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

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
                // The demo without the first-start choice, as the scenarios
                // expect; a test of the choice passes `("HOTICH_INSTALLATION", "")`.
                .env("HOTICH_INSTALLATION", "demo")
                // The app's own data (localStorage, WebKit caches) stays in the temp dir too.
                .env("XDG_DATA_HOME", data.path().join("xdg-data"))
                .env("XDG_CACHE_HOME", data.path().join("xdg-cache"))
                .env("XDG_CONFIG_HOME", data.path().join("xdg-config"))
                .env(COMPOSITING_ENV, "0")
                // No OS keyring runs under Xvfb: the store key as scripts give it.
                .env(hotich_core::store_key::KEY_ENV, suite_store_key())
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
        let screenshots = !env.contains(&(COMPOSITING_ENV, "1"));
        Ok(AppWindow {
            driver,
            database,
            screenshots,
            _tauri_driver: tauri_driver,
            _xvfb: xvfb,
            _data: data,
            _turn: turn,
        })
    }

    /// As `launch_with_env`, then creates the first supervisor, who is left
    /// signed in: where most scenarios start.
    pub async fn launch_as_first_supervisor(
        app: &Path,
        env: &[(&str, &str)],
    ) -> Result<AppWindow, BoxError> {
        let window = AppWindow::launch_with_env(app, env).await?;
        create_first_supervisor(&window.driver).await?;
        Ok(window)
    }

    /// Ends the WebDriver session (closing the app); the processes end on drop.
    pub async fn quit(self) -> Result<(), BoxError> {
        self.driver.clone().quit().await?;
        Ok(())
    }

    /// Saves a PNG of the window under `tests/artifacts/` (not for an app
    /// drawn without compositing: see `COMPOSITING_ENV`).
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, BoxError> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        if self.screenshots {
            self.driver.screenshot(&path).await?;
        }
        Ok(path)
    }
}

// What the scenarios do in the window, through WebDriver.

/// How long a helper waits for the window to show what it expects.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often it looks again meanwhile.
pub const POLL: Duration = Duration::from_millis(50);

/// The text of the first element matching `css`, once there is one.
pub async fn text_of(driver: &WebDriver, css: &str) -> WebDriverResult<String> {
    driver
        .query(By::Css(css))
        .wait(WAIT, POLL)
        .first()
        .await?
        .text()
        .await
}

/// The names in the queue's rows, top to bottom.
pub async fn row_names(driver: &WebDriver) -> WebDriverResult<Vec<String>> {
    let mut names = Vec::new();
    for cell in driver
        .find_all(By::Css("[data-testid=queue-row] [data-testid=row-name]"))
        .await?
    {
        names.push(cell.text().await?);
    }
    Ok(names)
}

/// Clicks an element once it exists, after scrolling it to the middle of the
/// window (WebKitWebDriver's own scrolling can leave a button at the very
/// bottom edge, where the click does not reach it).
pub async fn click(driver: &WebDriver, css: &str) -> WebDriverResult<()> {
    let element = driver.query(By::Css(css)).wait(WAIT, POLL).first().await?;
    driver
        .execute(
            "arguments[0].scrollIntoView({ block: 'center' });",
            vec![element.to_json()?],
        )
        .await?;
    element.click().await
}

/// Clicks one of the officer's own actions (`lock-now`,
/// `change-own-password`, `sign-out`, `language`): signed in they sit in the
/// header's officer menu, opened first; before anyone signs in the language
/// button stands alone.
pub async fn officer_action(driver: &WebDriver, testid: &str) -> TestResult {
    let toggles = driver
        .find_all(By::Css("[data-testid=officer-menu]"))
        .await?;
    if let Some(toggle) = toggles.first() {
        if toggle.attr("aria-expanded").await?.as_deref() != Some("true") {
            // Through `click`: the header may be scrolled out of view.
            click(driver, "[data-testid=officer-menu]").await?;
        }
    }
    click(driver, &format!("[data-testid={testid}]")).await?;
    if testid == "sign-out" {
        // Signed out once the menu has gone: what follows finds the sign-in screen.
        gone(driver, "[data-testid=officer-menu]").await?;
    }
    Ok(())
}

/// Chooses the option of value `value` in the select matching `css`, once
/// there is one, as the officer picking it does: the select's value changes
/// and it says so (`change`).
pub async fn choose(driver: &WebDriver, css: &str, value: &str) -> Result<(), BoxError> {
    // Options may arrive after the select (the officers' list loads on its
    // own): wait for this one before choosing it.
    let option = format!("{css} option[value=\"{value}\"]");
    if eventually(&option, || async {
        Ok((!driver.find_all(By::Css(&option)).await?.is_empty()).then_some(()))
    })
    .await
    .is_err()
    {
        return Err(format!("no option {value} in {css}").into());
    }
    let select = driver.query(By::Css(css)).wait(WAIT, POLL).first().await?;
    let chosen = driver
        .execute(
            "const [select, value] = arguments;
             select.scrollIntoView({ block: 'center' });
             select.focus();
             if (![...select.options].some((o) => o.value === value)) return false;
             select.value = value;
             select.dispatchEvent(new Event('change', { bubbles: true }));
             return true;",
            vec![select.to_json()?, serde_json::json!(value)],
        )
        .await?;
    if chosen.json() == &serde_json::json!(true) {
        Ok(())
    } else {
        Err(format!("no option {value} in {css}").into())
    }
}

pub async fn wait_text(driver: &WebDriver, css: &str, expected: &str) -> Result<(), String> {
    wait_text_where(driver, css, &format!("read {expected:?}"), |text| {
        text == expected
    })
    .await
}

/// Waits until the first element matching `css` has text containing `part`.
pub async fn wait_text_containing(driver: &WebDriver, css: &str, part: &str) -> Result<(), String> {
    wait_text_where(driver, css, &format!("contain {part:?}"), |text| {
        text.contains(part)
    })
    .await
}

/// Waits until the text of the first element matching `css` passes `check`
/// (`what` names the check in the failure, beside what it read last).
async fn wait_text_where(
    driver: &WebDriver,
    css: &str,
    what: &str,
    check: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let seen = std::sync::Mutex::new(None::<String>);
    let waited = eventually(&format!("{css} to {what}"), || async {
        let found = driver.find_all(By::Css(css)).await?;
        match found.first() {
            Some(element) => {
                let text = element.text().await?;
                let done = check(&text);
                *seen.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
                Ok(done.then_some(()))
            }
            None => Ok(None),
        }
    })
    .await;
    if let Err(e) = waited {
        let seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
        return Err(format!(
            "{e}; it read {seen:?}; errors on screen: {:?}",
            error_banners(driver).await
        ));
    }
    Ok(())
}

/// The error banners on screen, for a failure message.
pub async fn error_banners(driver: &WebDriver) -> Vec<String> {
    let mut texts = Vec::new();
    if let Ok(banners) = driver
        .find_all(By::Css("[data-testid=error-message]"))
        .await
    {
        for banner in banners {
            texts.push(banner.text().await.unwrap_or_default());
        }
    }
    texts
}

/// Waits until exactly `n` elements match `css`; returns them.
pub async fn exactly(driver: &WebDriver, css: &str, n: usize) -> Result<Vec<WebElement>, String> {
    eventually(&format!("{n} of {css}"), || async {
        let found = driver.find_all(By::Css(css)).await?;
        Ok((found.len() == n).then_some(found))
    })
    .await
}

/// Polls `check` until it returns Some, or fails after WAIT with `what`.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = WebDriverResult<Option<T>>>,
{
    let deadline = Instant::now() + WAIT;
    let mut last = String::new();
    while Instant::now() < deadline {
        match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(POLL).await;
    }
    Err(format!(
        "timed out after {WAIT:?} waiting for {what} {last}"
    ))
}

/// The first element matching `css`, once there is one.
pub async fn first_of(driver: &WebDriver, css: &str) -> WebDriverResult<WebElement> {
    driver.query(By::Css(css)).wait(WAIT, POLL).first().await
}

/// Types `text` into the first element matching `css`, once there is one.
pub async fn type_into(driver: &WebDriver, css: &str, text: &str) -> WebDriverResult<()> {
    first_of(driver, css).await?.send_keys(text).await
}

/// Types each text into the field its selector names, in order.
pub async fn fill(driver: &WebDriver, fields: &[(&str, &str)]) -> WebDriverResult<()> {
    for (css, text) in fields {
        type_into(driver, css, text).await?;
    }
    Ok(())
}

/// The first supervisor's user name and full name.
pub const SUPERVISOR: (&str, &str) = ("lanhdao", "Phạm Văn Lãnh");
/// Every test account's password.
pub const PASSWORD: &str = "Mật khẩu 2026";
/// The banner on every screen of the demo.
pub const DEMO_BANNER: &str = "DỮ LIỆU MẪU – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ";

/// Creates an account through the shell's command, as the accounts screen
/// does, with the test password; the command's `{ok}` or `{err}`.
pub async fn create_officer(
    driver: &WebDriver,
    username: &str,
    full_name: &str,
    role: &str,
) -> WebDriverResult<serde_json::Value> {
    let officer = serde_json::json!({"username": username, "fullName": full_name,
                                     "role": role, "password": PASSWORD});
    invoke(driver, "create_officer", officer).await
}

/// Fills the first supervisor's fields of the form `form` (the demo's first
/// start or the office set-up's step); the caller sends it.
pub async fn fill_first_supervisor(driver: &WebDriver, form: &str) -> WebDriverResult<()> {
    let username = format!("{form} [data-testid=username]");
    fill(
        driver,
        &[
            (&username, SUPERVISOR.0),
            ("[data-testid=full-name]", SUPERVISOR.1),
            ("[data-testid=password]", PASSWORD),
            ("[data-testid=password-again]", PASSWORD),
        ],
    )
    .await
}

/// The first start asks for the first supervisor; creating it signs in.
pub async fn create_first_supervisor(driver: &WebDriver) -> TestResult {
    fill_first_supervisor(driver, "[data-testid=first-supervisor-form]").await?;
    click(driver, "[data-testid=sign-in]").await?;
    wait_signed_in_as(driver, &format!("{} · Lãnh đạo", SUPERVISOR.1)).await?;
    Ok(())
}

/// Fills the sign-in form and sends it; the caller checks what follows.
pub async fn submit_sign_in(driver: &WebDriver, username: &str, password: &str) -> TestResult {
    let fields = [
        (
            "[data-testid=sign-in-form] [data-testid=username]",
            username,
        ),
        ("[data-testid=password]", password),
    ];
    fill(driver, &fields).await?;
    click(driver, "[data-testid=sign-in]").await?;
    Ok(())
}

/// A password a supervisor set must be replaced at the first sign-in: fills
/// the change form that the sign-in shows and sends it.
pub async fn change_first_password(driver: &WebDriver, given: &str, own: &str) -> TestResult {
    let fields = [
        (
            "[data-testid=change-password-form] [data-testid=current-password]",
            given,
        ),
        ("[data-testid=own-new-password]", own),
        ("[data-testid=own-new-password-again]", own),
    ];
    fill(driver, &fields).await?;
    click(driver, "[data-testid=change-password]").await?;
    Ok(())
}

/// Waits for the header to name who is signed in, as "full name · role".
pub async fn wait_signed_in_as(driver: &WebDriver, name_and_role: &str) -> TestResult {
    wait_text(driver, "[data-testid=signed-in-as]", name_and_role).await?;
    Ok(())
}

/// Calls a command of the shell as the UI does; `{ok}` or `{err: {code, message}}`.
pub async fn invoke(
    driver: &WebDriver,
    command: &str,
    args: serde_json::Value,
) -> WebDriverResult<serde_json::Value> {
    Ok(driver
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__
               .invoke(arguments[0], arguments[1])
               .then((ok) => done({ ok }), (err) => done({ err }));",
            vec![serde_json::json!(command), args],
        )
        .await?
        .json()
        .clone())
}

/// The case ids of the queue's rows, top to bottom.
pub async fn queue_case_ids(driver: &WebDriver) -> WebDriverResult<Vec<String>> {
    let mut ids = Vec::new();
    for row in driver.find_all(By::Css("[data-testid=queue-row]")).await? {
        ids.extend(row.attr("data-case-id").await?);
    }
    Ok(ids)
}

/// The `data-testid` of the focused element.
pub async fn testid_of_focus(driver: &WebDriver) -> WebDriverResult<Option<String>> {
    driver.active_element().await?.attr("data-testid").await
}

/// The `value` of the first element matching `css`.
pub async fn value_of(driver: &WebDriver, css: &str) -> WebDriverResult<Option<String>> {
    driver.find(By::Css(css)).await?.prop("value").await
}

/// Waits until nothing matches `css`.
pub async fn gone(driver: &WebDriver, css: &str) -> Result<(), String> {
    eventually(&format!("{css} to go"), || async {
        Ok(driver
            .find_all(By::Css(css))
            .await?
            .is_empty()
            .then_some(()))
    })
    .await
}

/// Finds the case by name in the queue and opens it.
pub async fn open_case_from_queue(driver: &WebDriver, case_id: &str, name: &str) -> TestResult {
    click(driver, "[data-testid=nav-queue]").await?;
    let search = first_of(driver, "[data-testid=search]").await?;
    search.clear().await?;
    search.send_keys(name).await?;
    // The queue searches as one types: until it has, the row may be far down
    // a list about to be replaced, where a click does not reach it. Wait for
    // the filtered list (every row matches the search, as the queue folds
    // accents: "Ánh" also finds "Anh") holding this case's row.
    let row = format!("[data-testid=queue-row][data-case-id='{case_id}']");
    let wanted = hotich_core::text::fold(name);
    eventually(&format!("the queue filtered to {name:?}"), || async {
        let names = row_names(driver).await?;
        let filtered = !names.is_empty()
            && names
                .iter()
                .all(|n| hotich_core::text::fold(n).contains(&wanted));
        let present = !driver.find_all(By::Css(&row)).await?.is_empty();
        Ok((filtered && present).then_some(()))
    })
    .await?;
    if let Err(refused) = click(driver, &format!("{row} [data-testid=row-name]")).await {
        // WebKitWebDriver sometimes hit-tests a just-filtered table against
        // its old layout and calls the row not interactable: open it as the
        // officer does from the keyboard, Enter in the search box opening the
        // selected (first) row, when that row is this case.
        let rows = driver.find_all(By::Css("[data-testid=queue-row]")).await?;
        if rows.len() != 1 || driver.find_all(By::Css(&row)).await?.is_empty() {
            return Err(refused.into());
        }
        search.send_keys(Key::Enter).await?;
    }
    wait_text(driver, "[data-testid=detail-name]", name).await?;
    Ok(())
}

/// The text of a PDF, as pdftotext reads it (poppler-utils).
pub fn pdf_text(path: &std::path::Path) -> Result<String, BoxError> {
    let output = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()?;
    Ok(String::from_utf8(output.stdout)?)
}

/// The OS file dialogs cannot be driven through WebDriver: the UI's save
/// dialog answers `path` (ui/src/print.ts), and `window.print()` calls are
/// counted instead of opening the print dialog. Everything else stays real.
pub async fn answer_dialogs_with(
    driver: &WebDriver,
    path: &std::path::Path,
) -> WebDriverResult<()> {
    driver
        .execute(
            "window.__hotichSaveAs = arguments[0];
             window.__printed = 0;
             window.print = () => { window.__printed += 1; };",
            vec![serde_json::json!(path)],
        )
        .await?;
    Ok(())
}

/// How many times `window.print()` was called since `answer_dialogs_with`.
pub async fn print_jobs(driver: &WebDriver) -> Result<u64, BoxError> {
    let printed = driver.execute("return window.__printed;", vec![]).await?;
    Ok(printed
        .json()
        .as_u64()
        .ok_or("the print stub is installed")?)
}

/// Presses a print button and waits for the question the print dialog leaves
/// ("Đã in xong?") to take the focus, as the officer sees it.
pub async fn print_and_wait_for_question(driver: &WebDriver, button: &str) -> TestResult {
    click(driver, button).await?;
    eventually("the print question focused", || async {
        Ok((testid_of_focus(driver).await?.as_deref() == Some("print-confirm")).then_some(()))
    })
    .await?;
    Ok(())
}

/// Presses a print button, answers the question with `answer` (`c` Có, `k`
/// Không, `l` In lại) and waits for its notice; the print stub that
/// `answer_dialogs_with` installs must then have counted `jobs` in all.
pub async fn print_and_count(
    driver: &WebDriver,
    button: &str,
    answer: &str,
    notice: (&str, &str),
    jobs: u64,
) -> TestResult {
    print_and_wait_for_question(driver, button).await?;
    driver.active_element().await?.send_keys(answer).await?;
    wait_text(driver, notice.0, notice.1).await?;
    assert_eq!(print_jobs(driver).await?, jobs, "print jobs");
    Ok(())
}

/// Types the note into the focused attempt form, saves it with `Enter` and
/// waits for the window to confirm the attempt was recorded.
pub async fn save_attempt_with_note(driver: &WebDriver, note: &str) -> TestResult {
    driver.active_element().await?.send_keys(note).await?;
    driver.active_element().await?.send_keys(Key::Enter).await?;
    wait_text(
        driver,
        "[data-testid=outreach-notice]",
        "Đã ghi nhận lần liên hệ.",
    )
    .await?;
    Ok(())
}

/// The office's default signer, set by [`death_case_missing_only_the_requesters_id`].
pub const SIGNER: (&str, &str) = ("Phạm Văn Lãnh", "Chủ tịch");

/// A death case of the demo, new and within its deadline, whose pre-filled
/// form lacks exactly what the family brings to the office: the requester's
/// ID paper and their relationship to the deceased (no notification carries
/// the one, and a notice's "người thân" is no relationship). The office's
/// signers are set first (as the supervisor), so the signer is filled.
pub async fn death_case_missing_only_the_requesters_id(
    driver: &WebDriver,
) -> Result<(String, String), BoxError> {
    let signers = invoke(
        driver,
        "set_signers",
        serde_json::json!({"signers": [
            {"full_name": SIGNER.0, "title": SIGNER.1, "on_behalf": false},
            {"full_name": "Lường Thị Ỗn", "title": "Phó Chủ tịch", "on_behalf": true},
        ]}),
    )
    .await?;
    assert!(signers["ok"].is_array(), "{signers}");
    let page = invoke(
        driver,
        "list_cases",
        serde_json::json!({"filter": {"type": "death", "status": "new", "overdue_only": false,
                                      "search": null, "assignee": null, "follow_up_due": false,
                                      "limit": 200, "offset": 0}}),
    )
    .await?;
    let rows = page["ok"]["rows"].as_array().ok_or(format!("{page}"))?;
    for row in rows.iter().filter(|row| row["overdue"] == false) {
        let id = row["id"].as_str().ok_or("case id")?;
        let draft = invoke(
            driver,
            "registration_draft",
            serde_json::json!({ "caseId": id }),
        )
        .await?;
        let check = invoke(
            driver,
            "check_registration",
            serde_json::json!({ "caseId": id, "form": draft["ok"] }),
        )
        .await?;
        let problems = check["ok"]["problems"]
            .as_array()
            .ok_or(format!("{check}"))?;
        let fields: Vec<&str> = problems
            .iter()
            .filter_map(|problem| problem["field"].as_str())
            .collect();
        if fields == ["requester.id_type", "requester.relationship"] {
            let name = row["name"].as_str().ok_or("case name")?;
            return Ok((id.to_owned(), name.to_owned()));
        }
    }
    Err("no new death within its deadline lacking only the requester's ID and relationship".into())
}

/// Registers a demo death through the shell (the form as the notification
/// fills it, with the requester's ID paper and relationship added); its case
/// id and name.
pub async fn register_a_death(driver: &WebDriver) -> Result<(String, String), BoxError> {
    let (case_id, name) = death_case_missing_only_the_requesters_id(driver).await?;
    let mut form = invoke(
        driver,
        "registration_draft",
        serde_json::json!({ "caseId": case_id }),
    )
    .await?["ok"]
        .clone();
    form["requester"]["id_type"] = serde_json::json!("cccd");
    form["requester"]["id_number"] = serde_json::json!("019180002222");
    form["requester"]["relationship"] = serde_json::json!("child");
    let saved = invoke(
        driver,
        "register_case",
        serde_json::json!({ "caseId": case_id, "form": form }),
    )
    .await?;
    assert!(saved["ok"]["number"].is_number(), "{saved}");
    Ok((case_id, name))
}

/// A fresh app, its first supervisor signed in, on the print panel of a demo
/// death just registered (opened with `P`, its preview drawn), the OS dialogs
/// stubbed by `answer_dialogs_with`.
#[derive(Debug)]
pub struct OnPrintPanel {
    pub window: AppWindow,
    /// What the save dialog answers: a PDF beside the app's database.
    pub saved_pdf: PathBuf,
    pub case_id: String,
    pub name: String,
}

/// Launches the app ([`AppWindow::launch_as_first_supervisor`]) onto the print panel of a registered death.
pub async fn launch_on_print_panel() -> Result<OnPrintPanel, BoxError> {
    let window = AppWindow::launch_as_first_supervisor(&app_binary(), &[]).await?;
    let driver = &window.driver;
    let saved_pdf = window.database.with_file_name("saved.pdf");
    let (case_id, name) = register_a_death(driver).await?;
    open_case_from_queue(driver, &case_id, &name).await?;
    answer_dialogs_with(driver, &saved_pdf).await?;
    driver.active_element().await?.send_keys("p").await?;
    first_of(driver, "[data-testid=print-page] svg").await?;
    Ok(OnPrintPanel {
        window,
        saved_pdf,
        case_id,
        name,
    })
}

/// The store key the suites open every database with (the demo's, which
/// the app uses for a demo anyway), as `HOTICH_DB_KEY` gives it.
pub fn suite_store_key() -> String {
    hotich_core::StoreKey::demo().recovery_text()
}

/// `hotich --db DB --user SUPERVISOR ARGS…` with the test password, the CLI
/// built beside the app; its stdout, or its stderr as the error.
pub fn hotich_cli(db: &Path, args: &[&str]) -> Result<String, BoxError> {
    let output = Command::new(app_binary().with_file_name("hotich"))
        .arg("--db")
        .arg(db)
        .args(["--user", SUPERVISOR.0])
        .args(args)
        .env("HOTICH_PASSWORD", PASSWORD)
        .env(hotich_core::store_key::KEY_ENV, suite_store_key())
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "hotich {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// `hotich-central`: `$HOTICH_CENTRAL_BIN`, else beside the app binary
/// (`cargo test --workspace` builds it for the central's own suites).
pub fn central_binary() -> PathBuf {
    let path = std::env::var_os("HOTICH_CENTRAL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| app_binary().with_file_name("hotich-central"));
    assert!(
        path.is_file(),
        "{} does not exist: cargo build -p hotich-central, or set HOTICH_CENTRAL_BIN",
        path.display()
    );
    path
}

/// The row (as `list_cases` gives it) of the first case whose
/// notification's evidence, as the case view reads it through `command`
/// (`official_evidence` for signed XML, `fhir_evidence` for FHIR), holds an
/// entry that `wanted` accepts.
pub async fn a_case_with_evidence(
    driver: &WebDriver,
    command: &str,
    wanted: impl Fn(&serde_json::Value) -> bool,
) -> Result<Option<serde_json::Value>, BoxError> {
    let filter = serde_json::json!({"filter": {
        "type": null, "status": null, "open_only": false, "overdue_only": false, "search": null,
        "assignee": null, "follow_up_due": false, "no_contact_yet": false, "contact_today": false,
        "overdue_on_arrival": false, "sync_failed": false, "limit": 1000, "offset": 0,
    }});
    let page = invoke(driver, "list_cases", filter).await?;
    for row in page["ok"]["rows"].as_array().ok_or(format!("{page}"))? {
        let Some(notification_id) = row["notification_id"].as_str() else {
            continue;
        };
        let args = serde_json::json!({ "notificationId": notification_id });
        let evidence = invoke(driver, command, args).await?;
        if evidence["ok"]
            .as_array()
            .is_some_and(|list| list.iter().any(&wanted))
        {
            return Ok(Some(row.clone()));
        }
    }
    Ok(None)
}

/// The case id and name of a `list_cases` row.
pub fn case_id_and_name(row: &serde_json::Value) -> Result<(String, String), BoxError> {
    let id = row["id"].as_str().ok_or(format!("a case id in {row}"))?;
    let name = row["name"]
        .as_str()
        .ok_or(format!("a case name in {row}"))?;
    Ok((id.to_owned(), name.to_owned()))
}

/// The supervisor sets the registry's address in Quản trị (the token comes
/// from `$HOTICH_TOKEN`, so none is typed); saving starts a sync.
pub async fn set_sync_server(driver: &WebDriver, url: &str) -> TestResult {
    click(driver, "[data-testid=nav-admin]").await?;
    type_into(driver, "[data-testid=sync-server]", url).await?;
    click(driver, "[data-testid=sync-settings-save]").await?;
    wait_text(
        driver,
        "[data-testid=sync-settings-saved]",
        "Đã lưu. Đang đồng bộ…",
    )
    .await?;
    Ok(())
}

/// The "Chữ ký số" panel of the opened case, for a version that came as
/// signed official XML: its format's name, the signer, the facility code,
/// each of `chain` in the certificate chain (the last link marked the trust
/// anchor), and the signature found valid; left scrolled into view.
pub async fn official_signature_shown(
    driver: &WebDriver,
    format: &str,
    signer: &str,
    facility: &str,
    chain: &[&str],
) -> TestResult {
    wait_text(driver, "#official-title", "Chữ ký số").await?;
    wait_text(driver, "[data-testid=official-format]", format).await?;
    wait_text(driver, "[data-testid=official-signer]", signer).await?;
    wait_text(driver, "[data-testid=official-facility-code]", facility).await?;
    let shown = text_of(driver, "[data-testid=official-chain]").await?;
    for part in chain.iter().chain(&["gốc tin cậy"]) {
        assert!(shown.contains(part), "{part} in the chain: {shown}");
    }
    wait_text(
        driver,
        "[data-testid=verification-status]",
        "Chữ ký hợp lệ ✓",
    )
    .await?;
    driver
        .execute(
            "document.querySelector('[data-testid=official-signature]').scrollIntoView();",
            vec![],
        )
        .await?;
    Ok(())
}
