//! The app's weight, measured in a real window (issue 14; run through
//! `scripts/bench-app.sh`, not part of the test suite).
//!
//! Each variant (an app binary, with optional extra environment) gets its own
//! demo database and WebKit data directories: a first (cold) start that makes
//! the demo data, then warm starts on the same files. Variants run in turns,
//! so a busy machine slows them alike. Every start measures:
//!
//! - launch → first usable screen: the UI marks the moment its sign-in field
//!   is focused (`document.body.dataset.ready`, `performance.now()` of the
//!   page); its wall-clock time is `performance.timeOrigin + ready`. The
//!   app's launch is its process's start (`/proc/<pid>/stat` starttime, in
//!   clock ticks since boot, turned into wall-clock time through
//!   `/proc/uptime` read beside the system clock). Both ends have a 10 ms
//!   resolution.
//! - sign-in → queue shown, and opening a case: timed inside the page (click,
//!   then poll every 4 ms until the next screen's element exists), so the
//!   WebDriver round trips do not count.
//! - the RSS and PSS (`/proc/<pid>/smaps_rollup`) of every process of the app
//!   (the app and its descendants: WebKit's web and network processes) after
//!   signing in, and after a walk: queue → a case → its registration form →
//!   back to the queue → a registered case's print preview → the dashboard's
//!   report and charts → the queue. Each snapshot waits 2 s for the page to
//!   settle. PSS divides a shared page among every process mapping it, so
//!   another app's WebKit processes running at the same time (a window test)
//!   make the app look lighter than alone. So the bench also counts "PSS
//!   alone": each resident page of the app's processes (`/proc/<pid>/pagemap`,
//!   as root) divided only among the app's processes mapping it; it charges
//!   the app fully for the pages it shares with Xvfb and the driver too, so it
//!   is an upper bound of the PSS on a PC where the app runs alone. The bar is
//!   checked on the measured PSS of the starts that had WebKit to themselves
//!   (each reading waits up to 30 s for that), else on that upper bound.
//!
//! Usage: `bench_app [--warm N] [--shots DIR] LABEL=APP[,VAR=VALUE...]...`;
//! `--shots` saves what each screen of the walk looked like (the last start's),
//! as `DIR/LABEL-SCREEN.png`, to compare how variants draw.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hotich_tests::window::{
    click, eventually, fill, fill_first_supervisor, first_of, invoke, open_case_from_queue,
    AppWindow, BoxError, PASSWORD, SUPERVISOR,
};
use thirtyfour::prelude::*;

/// The bars the issue sets.
const USABLE_BAR_MS: f64 = 1500.0;
const PSS_BAR_MB: f64 = 300.0;
/// How long the first start may take to show its first screen (it makes the demo data).
const FIRST_SCREEN_WAIT: Duration = Duration::from_secs(90);
/// How long the page is left to settle before memory is read.
const SETTLE: Duration = Duration::from_secs(2);
/// How long a memory reading waits for the app to have WebKit to itself.
const WAIT_ALONE: Duration = Duration::from_secs(30);

const CHARTS_DRAWN: &str = "
const canvases = [...document.querySelectorAll('[data-testid^=chart-]')];
return canvases.length === 2 && canvases.every((c) => c.$chartjs !== undefined);";

const REGISTER_OPEN: &str = "[data-testid=register-open]";
const REGISTRATION_FORM: &str = "[data-testid=reg-registration_date]";

/// Clicks `arguments[0]` and answers the milliseconds until `arguments[1]` matches.
const TIMED_CLICK: &str = "
const [clickCss, waitCss, done] = arguments;
const start = performance.now();
document.querySelector(clickCss).click();
const tick = () => document.querySelector(waitCss) ? done(performance.now() - start) : setTimeout(tick, 4);
tick();";

/// The wall-clock time (ms since the epoch) the UI marked its first usable screen, or null.
const READY_AT: &str = "
const ready = document.body.dataset.ready;
return ready === undefined ? null : performance.timeOrigin + Number(ready);";

struct Variant {
    label: String,
    app: PathBuf,
    env: Vec<(String, String)>,
    dir: PathBuf,
    /// A case registered on the first start, for the print preview: (id, name).
    registered: Option<(String, String)>,
    runs: Vec<Run>,
}

#[derive(Default)]
struct Run {
    usable_ms: f64,
    to_queue_ms: f64,
    open_case_ms: f64,
    after_sign_in: Snapshot,
    after_walk: Snapshot,
}

/// The app's processes at one moment, and whether WebKit processes of
/// another app ran beside them: those share WebKit's libraries, which then
/// count for less in the app's PSS than on a PC where it runs alone.
#[derive(Default)]
struct Snapshot {
    processes: Vec<Process>,
    shared_with_others: bool,
}

#[derive(Clone)]
struct Process {
    name: String,
    rss_kb: u64,
    pss_kb: u64,
    /// PSS as if no process outside the app shared its pages: each resident
    /// page divided only among the app's processes mapping it.
    alone_kb: u64,
}

fn main() -> Result<(), BoxError> {
    let mut warm = 5usize;
    let mut shots = None;
    let mut specs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--warm" {
            warm = args.next().ok_or("--warm N")?.parse()?;
        } else if arg == "--shots" {
            let dir = PathBuf::from(args.next().ok_or("--shots DIR")?);
            std::fs::create_dir_all(&dir)?;
            shots = Some(dir);
        } else {
            specs.push(arg);
        }
    }
    if specs.is_empty() {
        return Err("usage: bench_app [--warm N] [--shots DIR] LABEL=APP[,VAR=VALUE...]...".into());
    }
    let root = tempfile::tempdir()?;
    let mut variants = specs
        .iter()
        .map(|spec| parse_variant(spec, root.path()))
        .collect::<Result<Vec<_>, _>>()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    for round in 0..=warm {
        for variant in &mut variants {
            let label = if round == 0 {
                "first start".to_owned()
            } else {
                format!("warm start {round}/{warm}")
            };
            eprintln!("{}: {label}", variant.label);
            // A start whose driver fails (the machine is shared) is tried once more.
            let run = match runtime.block_on(measure(variant, round == 0, shots.as_deref())) {
                Ok(run) => run,
                Err(e) => {
                    eprintln!("{}: {label} failed ({e}); once more", variant.label);
                    if round == 0 {
                        // A first start again, on fresh files.
                        std::fs::remove_dir_all(&variant.dir)?;
                        std::fs::create_dir_all(&variant.dir)?;
                        variant.registered = None;
                    }
                    runtime.block_on(measure(variant, round == 0, shots.as_deref()))?
                }
            };
            variant.runs.push(run);
        }
    }
    for variant in &variants {
        report(variant);
    }
    Ok(())
}

/// `LABEL=APP[,VAR=VALUE...]`.
fn parse_variant(spec: &str, root: &Path) -> Result<Variant, BoxError> {
    let (label, rest) = spec.split_once('=').ok_or(format!("LABEL=APP: {spec}"))?;
    let mut parts = rest.split(',');
    let app = std::fs::canonicalize(parts.next().unwrap_or_default())
        .map_err(|e| format!("{spec}: {e}"))?;
    let env = parts
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| format!("VAR=VALUE: {pair}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let dir = root.join(label);
    std::fs::create_dir_all(&dir)?;
    Ok(Variant {
        label: label.to_owned(),
        app,
        env,
        dir,
        registered: None,
        runs: Vec::new(),
    })
}

async fn measure(
    variant: &mut Variant,
    first: bool,
    shots: Option<&Path>,
) -> Result<Run, BoxError> {
    let database = variant.dir.join("hotich.db");
    let mut env: Vec<(String, String)> = vec![("HOTICH_DB".into(), path_text(&database))];
    for xdg in ["DATA", "CACHE", "CONFIG"] {
        let dir = variant.dir.join(format!("xdg-{}", xdg.to_lowercase()));
        env.push((format!("XDG_{xdg}_HOME"), path_text(&dir)));
    }
    env.extend(variant.env.iter().cloned());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let window = AppWindow::launch_with_env(&variant.app, &env).await?;
    let driver = &window.driver;
    let mut run = Run::default();
    let label = variant.label.clone();
    let shot = |screen: &'static str| {
        let path = shots.map(|dir| dir.join(format!("{label}-{screen}.png")));
        async move {
            match path {
                Some(path) => driver.screenshot(&path).await,
                None => Ok(()),
            }
        }
    };

    let ready_at = wait_ready(driver).await?;
    let pid = app_pid(&variant.app, &database).ok_or("the app's process")?;
    run.usable_ms = ready_at - process_start_epoch_ms(pid)?;
    shot("sign-in").await?;

    if first {
        fill_first_supervisor(driver, "[data-testid=first-supervisor-form]").await?;
    } else {
        let username = "[data-testid=sign-in-form] [data-testid=username]";
        fill(
            driver,
            &[
                (username, SUPERVISOR.0),
                ("[data-testid=password]", PASSWORD),
            ],
        )
        .await?;
    }
    run.to_queue_ms = timed_click(
        driver,
        "[data-testid=sign-in]",
        "[data-testid=queue-row] [data-testid=row-name]",
    )
    .await?;
    tokio::time::sleep(SETTLE).await;
    run.after_sign_in = snapshot_alone(pid).await;
    shot("queue").await?;

    if variant.registered.is_none() {
        variant.registered = Some(register_a_case(driver).await?);
    }
    // A case of the queue and its registration form.
    run.open_case_ms = timed_click(
        driver,
        "[data-testid=queue-row] [data-testid=row-name]",
        "[data-testid=detail-name]",
    )
    .await?;
    // The form stays open from one start to the next: open it only when it is closed.
    let form_closed = eventually("the registration form or its button", || async {
        let form = driver.find_all(By::Css(REGISTRATION_FORM)).await?;
        let button = driver.find_all(By::Css(REGISTER_OPEN)).await?;
        Ok((!form.is_empty() || !button.is_empty()).then_some(!button.is_empty()))
    })
    .await?;
    if form_closed {
        click(driver, REGISTER_OPEN).await?;
    }
    first_of(driver, REGISTRATION_FORM).await?;
    shot("registration").await?;
    // The registered case's print preview.
    let (case_id, name) = variant.registered.clone().ok_or("a registered case")?;
    open_case_from_queue(driver, &case_id, &name).await?;
    click(driver, "[data-testid=print-open]").await?;
    first_of(driver, "[data-testid=print-page]").await?;
    shot("preview").await?;
    // The dashboard (the supervisor's figures, the period report and its charts), then the queue.
    click(driver, "[data-testid=nav-dashboard]").await?;
    // Drawn: Chart.js marks the canvases it took (`$chartjs`).
    eventually("the charts drawn", || async {
        let drawn = driver.execute(CHARTS_DRAWN, vec![]).await?;
        Ok((drawn.json() == &serde_json::json!(true)).then_some(()))
    })
    .await?;
    if shots.is_some() {
        let charts = first_of(driver, "[data-testid=chart-trend]").await?;
        charts.scroll_into_view().await?;
    }
    shot("dashboard").await?;
    click(driver, "[data-testid=nav-queue]").await?;
    first_of(driver, "[data-testid=queue-row]").await?;
    tokio::time::sleep(SETTLE).await;
    run.after_walk = snapshot_alone(pid).await;

    window.quit().await?;
    Ok(run)
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}

/// Waits for the UI's first-usable-screen mark; its wall-clock time in ms.
async fn wait_ready(driver: &WebDriver) -> Result<f64, BoxError> {
    let deadline = Instant::now() + FIRST_SCREEN_WAIT;
    loop {
        if let Some(at) = driver.execute(READY_AT, vec![]).await?.json().as_f64() {
            return Ok(at);
        }
        if Instant::now() > deadline {
            return Err("the UI never marked its first usable screen".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Clicks `click_css` in the page and answers the ms until `wait_css` exists.
async fn timed_click(driver: &WebDriver, click_css: &str, wait_css: &str) -> Result<f64, BoxError> {
    first_of(driver, click_css).await?;
    let ms = driver
        .execute_async(
            TIMED_CLICK,
            vec![serde_json::json!(click_css), serde_json::json!(wait_css)],
        )
        .await?;
    ms.json()
        .as_f64()
        .ok_or_else(|| format!("no time from {click_css} to {wait_css}").into())
}

/// Registers one death (else birth) of the demo as the registration form
/// would, for the print preview: the first whose draft, given the
/// requester's document and relationship, is accepted.
async fn register_a_case(driver: &WebDriver) -> Result<(String, String), BoxError> {
    let signers = serde_json::json!({"signers": [
        {"full_name": SUPERVISOR.1, "title": "Chủ tịch", "on_behalf": false}
    ]});
    // Refused by a build without signers; the form then needs none.
    let _ = invoke(driver, "set_signers", signers).await?;
    let mut last = serde_json::Value::Null;
    for kind in ["death", "birth"] {
        let filter = serde_json::json!({"filter": {"type": kind, "status": "new",
            "overdue_only": false, "search": null, "assignee": null, "follow_up_due": false,
            "limit": 200, "offset": 0}});
        let page = invoke(driver, "list_cases", filter).await?;
        let rows = page["ok"]["rows"].as_array().cloned().unwrap_or_default();
        // Within its deadline: a late one would need a reason too.
        for row in rows.iter().filter(|row| row["overdue"] == false) {
            let (Some(id), Some(name)) = (row["id"].as_str(), row["name"].as_str()) else {
                continue;
            };
            let draft = invoke(
                driver,
                "registration_draft",
                serde_json::json!({"caseId": id}),
            );
            let mut form = draft.await?["ok"].clone();
            form["requester"]["id_type"] = serde_json::json!("cccd");
            form["requester"]["id_number"] = serde_json::json!("019180002222");
            form["requester"]["relationship"] = serde_json::json!("child");
            if form["signer_name"].as_str().is_none_or(str::is_empty) {
                form["signer_name"] = serde_json::json!(SUPERVISOR.1);
                form["signer_title"] = serde_json::json!("Chủ tịch");
            }
            let args = serde_json::json!({"caseId": id, "form": form});
            let saved = invoke(driver, "register_case", args).await?;
            if saved["ok"]["number"].is_number() {
                return Ok((id.to_owned(), name.to_owned()));
            }
            last = saved;
        }
    }
    Err(format!("no demo case could be registered; the last answer: {last}").into())
}

/// The app's process: running `app`, with `database` in its environment.
fn app_pid(app: &Path, database: &Path) -> Option<u32> {
    let marker = path_text(database);
    let entries = std::fs::read_dir("/proc").ok()?;
    entries.filter_map(Result::ok).find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
        let environ = std::fs::read(entry.path().join("environ")).ok()?;
        (exe == app && String::from_utf8_lossy(&environ).contains(&marker)).then_some(pid)
    })
}

/// The fields of `/proc/<pid>/stat` after the command name: [0] is the
/// state, [1] the parent, [19] the start time.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    Some(after_name.split_whitespace().map(str::to_owned).collect())
}

/// When the process started, in ms since the epoch.
fn process_start_epoch_ms(pid: u32) -> Result<f64, BoxError> {
    let ticks: f64 = stat_fields(pid)
        .and_then(|fields| fields.get(19)?.parse().ok())
        .ok_or("the app's start time")?;
    let ticks_per_second: f64 = String::from_utf8(
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()?
            .stdout,
    )?
    .trim()
    .parse()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs_f64();
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")?
        .split_whitespace()
        .next()
        .ok_or("/proc/uptime")?
        .parse()?;
    Ok((now - (uptime - ticks / ticks_per_second)) * 1000.0)
}

/// The app's memory, read when no other app's WebKit process shares its
/// libraries if that comes within `WAIT_ALONE` (other window tests come and go).
async fn snapshot_alone(app: u32) -> Snapshot {
    let deadline = Instant::now() + WAIT_ALONE;
    loop {
        let snapshot = app_processes(app);
        if !snapshot.shared_with_others || Instant::now() > deadline {
            return snapshot;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The app's process and its descendants, with their memory.
fn app_processes(app: u32) -> Snapshot {
    let mut parents = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.filter_map(Result::ok) {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some(parent) = stat_fields(pid).and_then(|f| f.get(1)?.parse::<u32>().ok()) {
                parents.insert(pid, parent);
            }
        }
    }
    let descends = |mut pid: u32| loop {
        if pid == app {
            return true;
        }
        match parents.get(&pid) {
            Some(&parent) if parent != 0 && parent != pid => pid = parent,
            _ => return false,
        }
    };
    let shared_with_others = parents.keys().any(|&pid| {
        !descends(pid)
            && std::fs::read_to_string(format!("/proc/{pid}/maps"))
                .is_ok_and(|maps| maps.contains("libwebkit2gtk"))
    });
    let mut processes = Vec::new();
    let mut frames = Vec::new();
    for &pid in parents.keys().filter(|&&pid| descends(pid)) {
        let Ok(name) = std::fs::read_to_string(format!("/proc/{pid}/comm")) else {
            continue;
        };
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        let kb = |key: &str| {
            rollup
                .lines()
                .find_map(|line| {
                    line.strip_prefix(key)?
                        .split_whitespace()
                        .next()?
                        .parse()
                        .ok()
                })
                .unwrap_or(0)
        };
        processes.push(Process {
            name: name.trim().to_owned(),
            rss_kb: kb("Rss:"),
            pss_kb: kb("Pss:"),
            alone_kb: 0,
        });
        frames.push(resident_frames(pid));
    }
    // Each page counted once over the app's processes: divided among those mapping it.
    let mut mappers: HashMap<u64, u32> = HashMap::new();
    for frame in frames.iter().flatten() {
        *mappers.entry(*frame).or_default() += 1;
    }
    for (process, frames) in processes.iter_mut().zip(&frames) {
        let kb: f64 = frames
            .iter()
            .map(|frame| (PAGE / 1024) as f64 / f64::from(mappers[frame]))
            .sum();
        process.alone_kb = kb.round() as u64;
    }
    Snapshot {
        processes,
        shared_with_others,
    }
}

/// x86-64's page size, in bytes and kB.
const PAGE: u64 = 4096;

/// The physical pages (frame numbers) resident in a process: the mappings
/// with resident memory from `smaps`, looked up in `pagemap` (root sees the
/// frame numbers).
fn resident_frames(pid: u32) -> Vec<u64> {
    let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return Vec::new();
    };
    let mut ranges = Vec::new();
    let mut current = None;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or_default();
        if let Some((start, end)) = first.split_once('-') {
            current = u64::from_str_radix(start, 16)
                .ok()
                .zip(u64::from_str_radix(end, 16).ok());
        } else if let Some(rss) = line.strip_prefix("Rss:") {
            let kb: u64 = rss
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if kb > 0 {
                ranges.extend(current);
            }
        }
    }
    let Ok(mut pagemap) = std::fs::File::open(format!("/proc/{pid}/pagemap")) else {
        return Vec::new();
    };
    let mut frames = Vec::new();
    for (start, end) in ranges {
        let mut entries = vec![0u8; ((end - start) / PAGE * 8) as usize];
        if pagemap.seek(SeekFrom::Start(start / PAGE * 8)).is_err()
            || pagemap.read_exact(&mut entries).is_err()
        {
            continue;
        }
        for entry in entries.chunks_exact(8) {
            let entry = u64::from_le_bytes(entry.try_into().unwrap_or_default());
            // Bit 63: present in memory; bits 0-54: the frame number.
            let frame = entry & ((1 << 55) - 1);
            if entry >> 63 == 1 && frame != 0 {
                frames.push(frame);
            }
        }
    }
    frames
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn worst(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NAN, f64::max)
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn total(processes: &[Process], of: fn(&Process) -> u64) -> f64 {
    mb(processes.iter().map(of).sum())
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "OVER"
    }
}

/// One timing of a start.
type Timing = fn(&Run) -> f64;
/// One memory snapshot of a start.
type SnapshotOf = fn(&Run) -> &Snapshot;
/// One memory figure of a process, in kB.
type Memory = fn(&Process) -> u64;

/// One line: the first start's figure, then the warm starts' median and worst.
fn row(name: &str, first: f64, warm: &[f64]) -> (f64, f64) {
    let (median, worst) = (median(warm.to_vec()), worst(warm));
    print!("{name:<38} {first:>8.0} {median:>12.0} {worst:>11.0}");
    (median, worst)
}

fn report(variant: &Variant) {
    let Some((first, warm)) = variant.runs.split_first() else {
        return;
    };
    println!();
    println!("== {} ({})", variant.label, variant.app.display());
    for (name, value) in &variant.env {
        println!("   with {name}={value}");
    }
    println!(
        "{:<38} {:>8} {:>12} {:>11}",
        "", "first", "warm median", "warm worst"
    );
    let timings: [(&str, Timing); 3] = [
        ("launch -> usable screen (ms)", |r| r.usable_ms),
        ("sign-in -> queue shown (ms)", |r| r.to_queue_ms),
        ("open a case (ms)", |r| r.open_case_ms),
    ];
    for (name, of) in timings {
        let values: Vec<f64> = warm.iter().map(of).collect();
        let (median, _) = row(name, of(first), &values);
        if name.starts_with("launch") {
            print!(
                "   bar < {USABLE_BAR_MS:.0} warm: {}",
                verdict(median < USABLE_BAR_MS)
            );
        }
        println!();
    }
    let snapshots: [(&str, SnapshotOf); 2] = [
        ("after sign-in", |r| &r.after_sign_in),
        ("after the walk", |r| &r.after_walk),
    ];
    let memories: [(&str, Memory); 3] = [
        ("PSS", |p| p.pss_kb),
        ("PSS alone (est.)", |p| p.alone_kb),
        ("RSS", |p| p.rss_kb),
    ];
    for (name, of) in snapshots {
        let alone: Vec<&Run> = warm.iter().filter(|r| !of(r).shared_with_others).collect();
        let mut worsts = Vec::new();
        for (memory, kb) in memories {
            // The measured PSS from the warm starts the app had WebKit to
            // itself, as on an office PC, when there were any.
            let counted = if memory == "PSS" && !alone.is_empty() {
                &alone
            } else {
                &warm.iter().collect()
            };
            let values: Vec<f64> = counted
                .iter()
                .map(|r| total(&of(r).processes, kb))
                .collect();
            let (_, worst) = row(
                &format!("{memory} {name} (MB)"),
                total(&of(first).processes, kb),
                &values,
            );
            worsts.push(worst);
            if memory == "PSS" {
                print!("   ({} of {} warm starts alone)", alone.len(), warm.len());
            }
            println!();
        }
        // Each process, from the last warm start.
        for process in &of(warm.last().unwrap_or(first)).processes {
            println!(
                "    {:<28} PSS {:>6.0} MB  alone {:>6.0} MB  RSS {:>6.0} MB",
                process.name,
                mb(process.pss_kb),
                mb(process.alone_kb),
                mb(process.rss_kb)
            );
        }
        if name == "after the walk" {
            // Measured alone when it could be; else the page-level count, an
            // upper bound (it charges the app fully for pages it shares with
            // Xvfb and the driver).
            let (figure, which) = if alone.is_empty() {
                (worsts[1], "PSS alone (est.), warm worst")
            } else {
                (worsts[0], "PSS, warm worst of the starts alone")
            };
            println!(
                "{which}: {figure:.0} MB, bar < {PSS_BAR_MB:.0} MB: {}",
                verdict(figure < PSS_BAR_MB)
            );
        }
    }
}
