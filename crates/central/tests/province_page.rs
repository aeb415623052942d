//! The province's supervision page (issue 19, item 4) in a real headless
//! Chromium driven by WebDriver (Debian `chromium` and `chromium-driver`),
//! against the real registry holding a simulated province (`simulate
//! --scenario pilot --ledger`): a provincial officer signs in and sees every
//! commune of Hà Nội with figures equal to this test's own count of the
//! scenario's ledger, sorts the table, opens a commune's overdue cases and
//! downloads the Excel file; a workstation's token opens nothing; an
//! officer of another province sees none of Hà Nội. Wrong passwords lock an
//! officer's sign-in on every registry process.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use hotich_calendar::{OfficeCalendar, OfficeHours};
use hotich_protocol::legal::registration_deadline;
use hotich_protocol::Notification;
use reqwest::StatusCode;
use serde_json::Value;
use thirtyfour::prelude::*;

use common::{bin, central};

fn vietnam_day(at: DateTime<Utc>) -> NaiveDate {
    (at + TimeDelta::hours(7)).date_naive()
}

/// One commune's line as this test counts it from the ledger.
#[derive(Debug, Default, Clone, PartialEq)]
struct Expected {
    received: u32,
    open: u32,
    overdue: u32,
    no_contact: u32,
    registered: u32,
    on_time: u32,
    registration_days: Vec<i64>,
    issued: u32,
    issued_in_time: u32,
}

/// An overdue case: (name, days overdue).
type OverdueLine = (String, i64);

fn count(
    ledger: &str,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> (
    BTreeMap<String, Expected>,
    BTreeMap<String, Vec<OverdueLine>>,
) {
    let calendar = OfficeCalendar::default();
    let hours = OfficeHours::default();
    let mut lines: BTreeMap<String, Expected> = BTreeMap::new();
    let mut overdue: BTreeMap<String, Vec<OverdueLine>> = BTreeMap::new();
    for text in ledger.lines() {
        let entry: Value = serde_json::from_str(text).unwrap();
        if entry["voided"].as_bool().unwrap() {
            continue;
        }
        let commune = entry["commune"].as_str().unwrap().to_owned();
        let line = lines.entry(commune.clone()).or_default();
        let day = |key: &str| entry[key].as_str().map(|d| d.parse::<NaiveDate>().unwrap());
        let at = |key: &str| {
            entry[key]
                .as_str()
                .map(|t| DateTime::parse_from_rfc3339(t).unwrap().to_utc())
        };
        let registered_on = day("registered_on").filter(|on| *on <= today);
        let event_date = day("event_date").unwrap();
        if let Some(on) = registered_on.filter(|on| (from..=to).contains(on)) {
            line.registered += 1;
            line.on_time += u32::from(on <= day("deadline").unwrap());
            line.registration_days.push((on - event_date).num_days());
        }
        let notice: Option<Notification> =
            serde_json::from_value(entry["first_notice"].clone()).unwrap();
        let Some(notice) = notice else { continue };
        // The newest version's name, as the registry keeps it.
        let name = entry["subject_name"].as_str().unwrap().to_owned();
        // The deadline counts from the event the notice gives.
        let event_date = notice.event_date().unwrap();
        let arrived = at("first_notice_arrived_at").unwrap();
        if (from..=to).contains(&vietnam_day(arrived)) {
            line.received += 1;
        }
        if (from..=to).contains(&vietnam_day(notice.issued_at)) {
            line.issued += 1;
            let worked = calendar.working_time(&hours, notice.issued_at, arrived);
            line.issued_in_time += u32::from(worked <= TimeDelta::hours(4));
        }
        if registered_on.is_some() {
            continue;
        }
        line.open += 1;
        let deadline = registration_deadline(&calendar, notice.kind, event_date);
        if deadline < today {
            line.overdue += 1;
            overdue
                .entry(commune)
                .or_default()
                .push((name.clone(), (today - deadline).num_days()));
        }
        let first_day = vietnam_day(notice.issued_at).min(vietnam_day(arrived));
        let contacted = at("first_contact_at").is_some_and(|c| vietnam_day(c) <= today);
        line.no_contact += u32::from(!contacted && calendar.add_working_days(first_day, 2) < today);
    }
    (lines, overdue)
}

fn part_of(part: u32, whole: u32) -> String {
    if whole == 0 {
        "-".to_owned()
    } else {
        format!(
            "{:.0}% ({part}/{whole})",
            f64::from(part) / f64::from(whole) * 100.0
        )
    }
}

/// The page's cell of `column` in the row of `commune`.
async fn cell(row: &WebElement, column: &str) -> WebDriverResult<String> {
    row.find(By::Css(format!("td[data-column='{column}']")))
        .await?
        .text()
        .await
}

/// Whether an element `by` finds shows up within 10 seconds (a click that
/// submits a form navigates after it returns).
async fn appears(driver: &WebDriver, by: By) -> WebDriverResult<bool> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if !driver.find_all(by.clone()).await?.is_empty() {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(false)
}

/// Fills the sign-in form and sends it.
async fn sign_in_form(driver: &WebDriver, login: &str, password: &str) -> WebDriverResult<()> {
    driver.find(By::Id("login")).await?.send_keys(login).await?;
    driver
        .find(By::Id("password"))
        .await?
        .send_keys(password)
        .await?;
    driver.find(By::Id("sign-in")).await?.click().await
}

/// `hotich-central officer add` for `province`; the password it printed.
fn add_officer(db: &std::path::Path, province: &str, login: &str) -> String {
    let args = [
        "officer",
        "add",
        "--province",
        province,
        "--login",
        login,
        "--label",
        "Cán bộ Sở",
    ];
    central(db, &args).trim().to_owned()
}

/// Signs in over HTTP; the session cookie's `name=value`.
async fn session(client: &reqwest::Client, url: &str, login: &str, password: &str) -> String {
    let answer = client
        .post(format!("{url}/province/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        // Logins and the passwords `officer add` makes need no escaping.
        .body(format!("login={login}&password={password}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let cookie = answer.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provincial_officer_reads_every_commune_of_the_province_and_its_overdue_cases(
) -> WebDriverResult<()> {
    let dir = tempfile::tempdir().unwrap();
    let db = hotich_central::process::test_database(&dir.path().join("central.db")).unwrap();
    let today = vietnam_day(Utc::now());
    let ledger_file = dir.path().join("ledger.jsonl");
    central(
        &db,
        &[
            "simulate",
            "--scenario",
            "pilot",
            "--province",
            "01",
            "--communes",
            "4",
            "--deaths",
            "160",
            "--days",
            "150",
            "--today",
            &today.to_string(),
            "--ledger",
            ledger_file.to_str().unwrap(),
        ],
    );
    let password = add_officer(&db, "01", "hanoi.giamsat");
    let other_password = add_officer(&db, "79", "hcm.giamsat");
    let workstation_token = central(&db, &["workstation", "add", "--commune", "00004"])
        .trim()
        .to_owned();
    let server = common::serve(&db, &[]);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // A facility's envelope refused at the door, for Ba Đình (00004).
    let sim = dir.path().join("sim");
    std::process::Command::new(bin())
        .args([
            "simulate",
            "--commune",
            "00004",
            "--births",
            "1",
            "--deaths",
            "0",
            "--out",
        ])
        .arg(&sim)
        .output()
        .unwrap();
    let mut envelopes: Vec<Value> =
        serde_json::from_slice(&std::fs::read(sim.join("notifications.json")).unwrap()).unwrap();
    let signature = envelopes[0]["signature"].as_str().unwrap().to_owned();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    envelopes[0]["signature"] = Value::String(format!("{flipped}{}", &signature[1..]));
    let refused: Value = client
        .post(format!("{}/v1/notifications", server.url))
        .json(&envelopes[..1])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused["results"][0]["status"], "rejected", "{refused}");

    // The independent count, and each commune's last sync as listed.
    let period = (NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap(), today);
    let ledger = std::fs::read_to_string(&ledger_file).unwrap();
    let (expected, overdue) = count(&ledger, period, today);
    assert!(expected.len() >= 4, "{expected:?}");

    // A workstation's token opens nothing here: the sign-in page, 401.
    let with_token = client
        .get(format!("{}/province", server.url))
        .bearer_auth(&workstation_token)
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), StatusCode::UNAUTHORIZED);
    let body = with_token.text().await.unwrap();
    assert!(
        body.contains("id=\"sign-in\"") && !body.contains("data-commune"),
        "{body}"
    );
    for path in ["/province/communes/00004", "/province/export.xlsx"] {
        let refused = client
            .get(format!("{}{path}", server.url))
            .bearer_auth(&workstation_token)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{path}");
    }

    // The officer of another province: their own communes, none of Hà Nội.
    let other = session(&client, &server.url, "hcm.giamsat", &other_password).await;
    let theirs = client
        .get(format!("{}/province", server.url))
        .header("cookie", &other)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(theirs.contains("Thành phố Hồ Chí Minh"), "{theirs}");
    assert!(!theirs.contains("data-commune=\"00004\"") && !theirs.contains("Ba Đình"));
    let not_theirs = client
        .get(format!("{}/province/communes/00004", server.url))
        .header("cookie", &other)
        .send()
        .await
        .unwrap();
    assert_eq!(not_theirs.status(), StatusCode::NOT_FOUND);

    // The officer of Hà Nội, in the browser.
    let chromedriver = hotich_central::process::Chromedriver::start().unwrap();
    let mut caps = DesiredCapabilities::chrome();
    for arg in hotich_central::process::Chromedriver::CHROME_ARGS {
        caps.add_arg(arg)?;
    }
    let driver = WebDriver::new(&chromedriver.url, caps).await?;
    driver.goto(format!("{}/province", server.url)).await?;
    sign_in_form(&driver, "hanoi.giamsat", "not the password").await?;
    assert!(appears(&driver, By::Id("login-error")).await?);
    sign_in_form(&driver, "hanoi.giamsat", &password).await?;
    assert!(appears(&driver, By::Id("communes")).await?);

    let rows = driver.find_all(By::Css("#communes tbody tr")).await?;
    let communes: Vec<&str> = hotich_protocol::reference::communes_in("01")
        .map(|c| c.code)
        .collect();
    assert_eq!(
        rows.len(),
        communes.len(),
        "every commune of Hà Nội, one row each"
    );
    let mut on_page = BTreeMap::new();
    for row in &rows {
        let code = row.attr("data-commune").await?.unwrap();
        on_page.insert(code, row.clone());
    }
    let mut with_overdue = None;
    for code in &communes {
        let row = &on_page[*code];
        let want = expected.get(*code).cloned().unwrap_or_default();
        let number = |text: String| text.parse::<u32>().unwrap();
        assert_eq!(
            number(cell(row, "received").await?),
            want.received,
            "{code} received"
        );
        assert_eq!(number(cell(row, "open").await?), want.open, "{code} open");
        assert_eq!(
            number(cell(row, "overdue").await?),
            want.overdue,
            "{code} overdue"
        );
        assert_eq!(
            number(cell(row, "no_contact").await?),
            want.no_contact,
            "{code} no contact"
        );
        assert_eq!(
            cell(row, "on_time").await?,
            part_of(want.on_time, want.registered),
            "{code}"
        );
        assert_eq!(
            cell(row, "health_in_time").await?,
            part_of(want.issued_in_time, want.issued),
            "{code} health"
        );
        let mean = (!want.registration_days.is_empty()).then(|| {
            want.registration_days.iter().sum::<i64>() as f64 / want.registration_days.len() as f64
        });
        let shown = cell(row, "mean_days").await?;
        match mean {
            None => assert_eq!(shown, "-", "{code}"),
            Some(mean) => {
                let shown: f64 = shown.replace(',', ".").parse().unwrap();
                assert!((shown - mean).abs() <= 0.05, "{code}: {shown} vs {mean}");
            }
        }
        let refused = number(cell(row, "refused").await?);
        assert_eq!(refused, u32::from(*code == "00004"), "{code} refused");
        if want.overdue > 0 && with_overdue.is_none() {
            with_overdue = Some((*code).to_owned());
        }
        // A commune that never synced says so; none shows figures as current.
        let synced = expected.contains_key(*code);
        let last_sync = cell(row, "last_sync").await?;
        assert_eq!(last_sync == "chưa bao giờ", !synced, "{code}: {last_sync}");
    }
    let totals = driver.find(By::Id("totals")).await?;
    let overdue_total: u32 = expected.values().map(|e| e.overdue).sum();
    assert_eq!(cell(&totals, "overdue").await?, overdue_total.to_string());

    // Sorted by overdue (the default): the most overdue commune first.
    let first = driver.find(By::Css("#communes tbody tr")).await?;
    let most = expected.values().map(|e| e.overdue).max().unwrap();
    assert_eq!(cell(&first, "overdue").await?, most.to_string());
    driver.find(By::Id("sort-name")).await?.click().await?;
    // The sorted page, once loaded, marks the name column as sorted.
    assert!(appears(&driver, By::Css("th[aria-sort] #sort-name")).await?);
    let first = driver
        .find(By::Css("#communes tbody tr td a"))
        .await?
        .text()
        .await?;
    let mut names: Vec<&str> = hotich_protocol::reference::communes_in("01")
        .map(|c| c.full_name)
        .collect();
    names.sort();
    assert_eq!(first, names[0]);

    // A commune's overdue cases: each name and how late, the most late first.
    let commune = with_overdue.expect("the scenario leaves overdue cases");
    driver
        .goto(format!("{}/province/communes/{commune}", server.url))
        .await?;
    let mut want = overdue[&commune].clone();
    want.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut shown = Vec::new();
    for row in driver.find_all(By::Css("#overdue tbody tr")).await? {
        let cells = row.find_all(By::Tag("td")).await?;
        shown.push((
            cells[0].text().await?,
            cells[4].text().await?.parse::<i64>().unwrap(),
        ));
    }
    assert_eq!(shown, want);

    // The Excel file of the table.
    let hanoi = session(&client, &server.url, "hanoi.giamsat", &password).await;
    let xlsx = client
        .get(format!("{}/province/export.xlsx", server.url))
        .header("cookie", &hanoi)
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("giam-sat-tinh-01"));
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));

    // Signed out: the page asks to sign in again.
    driver.goto(format!("{}/province", server.url)).await?;
    driver
        .find(By::Css("header form button"))
        .await?
        .click()
        .await?;
    // The click returns before the sign-out's redirect has loaded.
    assert!(appears(&driver, By::Id("sign-in")).await?);
    driver.quit().await?;
    Ok(())
}

/// Posts the sign-in form; the status (303 signed in, 401 refused).
async fn try_sign_in(client: &reqwest::Client, url: &str, login: &str, password: &str) -> u16 {
    client
        .post(format!("{url}/province/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("login={login}&password={password}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_through_two_registry_processes_lock_the_officer_out_of_both() {
    use hotich_central::province::{LOCKOUT, LOCK_AFTER_FAILED_SIGN_INS};
    let dir = tempfile::tempdir().unwrap();
    let db = hotich_central::process::test_database(&dir.path().join("central.db")).unwrap();
    let password = add_officer(&db, "01", "hanoi.giamsat");
    let colleague_password = add_officer(&db, "01", "hanoi.dongnghiep");
    let limits = ["--rate-limit", "1000", "--burst", "1000"];
    let first_log = dir.path().join("first.log");
    let first =
        hotich_central::process::ServerProcess::start_logged(&bin(), &db, &limits, &first_log)
            .unwrap();
    let second = common::serve(&db, &limits);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // A good password forgets the wrong ones before it.
    for _ in 1..LOCK_AFTER_FAILED_SIGN_INS {
        assert_eq!(
            try_sign_in(&client, &first.url, "hanoi.giamsat", "sai").await,
            401
        );
    }
    assert_eq!(
        try_sign_in(&client, &second.url, "hanoi.giamsat", &password).await,
        303
    );

    // Wrong passwords counted through either process, in a row: locked on both,
    // the right password refused as a wrong one is.
    for attempt in 0..LOCK_AFTER_FAILED_SIGN_INS {
        let server = if attempt % 2 == 0 { &first } else { &second };
        assert_eq!(
            try_sign_in(&client, &server.url, "hanoi.giamsat", "sai").await,
            401
        );
    }
    for server in [&first, &second] {
        assert_eq!(
            try_sign_in(&client, &server.url, "hanoi.giamsat", &password).await,
            401
        );
    }
    let locked = hotich_central::process::select_text(
        &db,
        "SELECT locked_until FROM province_officer WHERE login = 'hanoi.giamsat'",
    )
    .unwrap();
    let until = DateTime::parse_from_rfc3339(locked[0][0].as_deref().unwrap()).unwrap();
    let expected = Utc::now() + LOCKOUT;
    assert!(
        (until.with_timezone(&Utc) - expected).num_seconds().abs() < 60,
        "{until}"
    );
    // The process that took the last wrong password says so once in its
    // log, by the officer's id, never the login.
    let log = std::fs::read_to_string(&first_log).unwrap();
    let lock_lines: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("sign-in locked"))
        .collect();
    assert_eq!(lock_lines.len(), 1, "{log}");
    assert!(lock_lines[0].contains("officer="), "{}", lock_lines[0]);
    assert!(!log.contains("hanoi.giamsat"), "{log}");
    // An unknown login answers as the locked one does; a colleague signs in.
    assert_eq!(
        try_sign_in(&client, &first.url, "khong.co", &password).await,
        401
    );
    assert_eq!(
        try_sign_in(&client, &first.url, "hanoi.dongnghiep", &colleague_password).await,
        303
    );

    // Once the lock's time is past, the right password opens a session again.
    hotich_central::process::execute_sql(
        &db,
        "UPDATE province_officer SET locked_until = '2000-01-01T00:00:00+00:00' \
         WHERE login = 'hanoi.giamsat'",
    )
    .unwrap();
    assert_eq!(
        try_sign_in(&client, &second.url, "hanoi.giamsat", &password).await,
        303
    );
}

/// One sync of the workstation, which must succeed.
async fn sync_workstation(store: &mut hotich_core::Store, options: &hotich_sync::SyncOptions) {
    let report = hotich_sync::sync_once(store, options, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.error, None, "{report:?}");
}

/// The number in the `column` cell of `commune`'s row of the province page.
fn page_cell(page: &str, commune: &str, column: &str) -> u32 {
    let row = page
        .split(&format!("data-commune=\"{commune}\""))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row of {commune}"));
    let cell = row
        .split(&format!("data-column=\"{column}\">"))
        .nth(1)
        .and_then(|rest| rest.split("</td>").next())
        .unwrap_or_else(|| panic!("no {column} in {row}"));
    // The overdue figure is wrapped in a warning span when not zero.
    let digits: String = cell.chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_the_workstation_closes_without_registration_leaves_the_open_and_overdue_figures() {
    use hotich_core::{CaseFilter, CaseStatus, StatusDecision, Store};
    let dir = tempfile::tempdir().unwrap();
    let commune = "00004";
    let prepared = common::registry(dir.path(), &[commune], 0, 4);
    let password = add_officer(&prepared.db, "01", "hanoi.giamsat");
    let server = common::serve(&prepared.db, &[]);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let posted = client
        .post(format!("{}/v1/notifications", server.url))
        .header("content-type", "application/json")
        .body(std::fs::read(prepared.sim.join("notifications.json")).unwrap())
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_success());

    // The commune's workstation takes the deaths in and pushes its first sync.
    let mut store = Store::open(&dir.path().join("ws.db"), &hotich_core::StoreKey::demo()).unwrap();
    store.set_commune(commune).unwrap();
    store.pin_root(&hotich_central::RootKey::demo()).unwrap();
    let now = Utc::now();
    let supervisor = store
        .create_first_supervisor("lanhdao", "Phạm Văn Lãnh", "Mật khẩu thử nghiệm 2026", now)
        .unwrap();
    let options = hotich_sync::SyncOptions::new(
        hotich_sync::ServerUrl::parse(&server.url).unwrap(),
        &prepared.tokens[commune],
    );
    sync_workstation(&mut store, &options).await;
    let hanoi = session(&client, &server.url, "hanoi.giamsat", &password).await;
    let page = || async {
        client
            .get(format!("{}/province", server.url))
            .header("cookie", &hanoi)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let before = page().await;
    let (open, overdue) = (
        page_cell(&before, commune, "open"),
        page_cell(&before, commune, "overdue"),
    );

    // The oldest open death is closed as not registrable, and synced.
    let today = hotich_common::time::office_today();
    let filter = CaseFilter {
        limit: 100,
        ..Default::default()
    };
    let case = store
        .cases(&filter, today)
        .unwrap()
        .rows
        .into_iter()
        .filter(|c| c.status.is_open())
        .min_by_key(|c| c.event_date)
        .expect("an open case");
    let was_overdue = case.deadline < today;
    let decision = StatusDecision {
        to: CaseStatus::NotRegistrable,
        reason: Some("Thai nhi chết lưu, không thuộc diện đăng ký khai tử".into()),
        next_follow_up: None,
    };
    store
        .change_status(&supervisor, &case.id, &decision, Utc::now(), today)
        .unwrap();
    sync_workstation(&mut store, &options).await;
    let after = page().await;
    assert_eq!(page_cell(&after, commune, "open"), open - 1, "{after}");
    assert_eq!(
        page_cell(&after, commune, "overdue"),
        overdue - u32::from(was_overdue)
    );
}
