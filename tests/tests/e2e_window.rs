//! The real app in a real window (Xvfb + tauri-driver + WebKitWebDriver):
//! the demo queue, accent-free search and the case detail.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hotich_core::text::fold;
use hotich_protocol::SignedEnvelope;
use hotich_sim::{simulate, SimConfig};
use hotich_tests::window::{app_binary, AppWindow};
use thirtyfour::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);

async fn text_of(driver: &WebDriver, css: &str) -> WebDriverResult<String> {
    driver
        .query(By::Css(css))
        .wait(WAIT, POLL)
        .first()
        .await?
        .text()
        .await
}

async fn row_names(driver: &WebDriver) -> WebDriverResult<Vec<String>> {
    let mut names = Vec::new();
    for cell in driver
        .find_all(By::Css("[data-testid=queue-row] [data-testid=row-name]"))
        .await?
    {
        names.push(cell.text().await?);
    }
    Ok(names)
}

/// The first 20 envelopes the app's demo seeding imported (the simulator is
/// deterministic: see src-tauri/src/demo.rs) and a 21st: the first envelope's
/// signed header with the second one's payload.
fn tampered_demo_file(path: PathBuf) -> Result<PathBuf, Box<dyn std::error::Error + Send + Sync>> {
    let yesterday = chrono::Local::now()
        .date_naive()
        .pred_opt()
        .ok_or("no yesterday")?;
    let sim = simulate(&SimConfig::new("01864", 150, 60, yesterday))?;
    let mut envelopes: Vec<SignedEnvelope> = sim.notifications.into_iter().take(20).collect();
    let mut swapped = envelopes[0].clone();
    swapped.payload = envelopes[1].payload.clone();
    envelopes.push(swapped);
    std::fs::write(&path, serde_json::to_vec(&envelopes)?)?;
    Ok(path)
}

async fn click(driver: &WebDriver, css: &str) -> WebDriverResult<()> {
    driver
        .query(By::Css(css))
        .wait(WAIT, POLL)
        .first()
        .await?
        .click()
        .await
}

async fn wait_text(driver: &WebDriver, css: &str, expected: &str) -> Result<(), String> {
    eventually(&format!("{css} to read {expected:?}"), || async {
        let found = driver.find_all(By::Css(css)).await?;
        match found.first() {
            Some(element) => Ok((element.text().await? == expected).then_some(())),
            None => Ok(None),
        }
    })
    .await
}

/// Polls `check` until it returns Some, or fails after WAIT with `what`.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> Result<T, String>
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn demo_queue_search_and_case_detail_in_a_real_window() -> TestResult {
    let app = app_binary();
    let started = Instant::now();
    let window = AppWindow::launch(&app).await?;
    let driver = &window.driver;

    // The demo queue shows rows, and the total agrees with the first page.
    let names = eventually("queue rows", || async {
        let names = row_names(driver).await?;
        Ok((!names.is_empty()).then_some(names))
    })
    .await?;
    let first_screen = started.elapsed();
    let table = driver.find(By::Css("[data-testid=queue-table]")).await?;
    let total: usize = table
        .attr("data-total")
        .await?
        .ok_or("queue table has no data-total")?
        .parse()?;
    assert!(total > 0, "the demo queue is empty");
    assert_eq!(names.len(), total.min(50), "rows on page 1 of {total}");
    let total_text = text_of(driver, "[data-testid=queue-total]").await?;
    assert!(
        total_text.contains(&total.to_string()),
        "{total_text:?} should show {total}"
    );
    let office = text_of(driver, "[data-testid=office]").await?;
    assert!(office.contains("Bằng Thành"), "office header: {office:?}");
    window.screenshot("queue").await?;

    // An accent-free search finds the accented name.
    let accented = names
        .iter()
        .find(|name| fold(name) != name.to_lowercase())
        .ok_or("no accented name on the first page")?
        .clone();
    let folded = fold(&accented);
    let search = driver.find(By::Css("[data-testid=search]")).await?;
    search.send_keys(&folded).await?;
    let index = eventually("the accented name in the search result", || async {
        let names = row_names(driver).await?;
        // Only the filtered result: in every row, each searched word starts a word of the name.
        let filtered = names.iter().all(|n| {
            let name = fold(n);
            folded
                .split(' ')
                .all(|q| name.split(' ').any(|word| word.starts_with(q)))
        });
        Ok(filtered
            .then(|| names.iter().position(|n| *n == accented))
            .flatten())
    })
    .await?;
    let row = driver
        .find_all(By::Css("[data-testid=queue-row]"))
        .await?
        .into_iter()
        .nth(index)
        .ok_or("row vanished")?;
    let facility = row.find(By::Css("td:nth-child(4)")).await?.text().await?;
    window.screenshot("search").await?;

    // Open it from the keyboard: ArrowDown leaves the search box for the rows.
    search.send_keys(Key::Down).await?;
    for _ in 0..index {
        driver.active_element().await?.send_keys(Key::Down).await?;
    }
    driver.active_element().await?.send_keys(Key::Enter).await?;

    let detail_name = eventually("the case detail", || async {
        let found = driver
            .find_all(By::Css("[data-testid=detail-name]"))
            .await?;
        match found.first() {
            Some(h) => Ok(Some(h.text().await?)),
            None => Ok(None),
        }
    })
    .await?;
    assert_eq!(detail_name, accented);
    let detail = text_of(driver, "[data-testid=case-detail]").await?;
    assert!(detail.contains(&accented), "detail shows the name");
    assert!(
        facility != "—" && detail.contains(&facility),
        "detail shows the facility {facility:?}"
    );
    let verification = text_of(driver, "[data-testid=verification-status]").await?;
    assert_eq!(verification, "Chữ ký hợp lệ ✓");
    let notification_id = text_of(driver, "[data-testid=field-notification_id]").await?;
    assert!(!notification_id.is_empty(), "notification id shown");
    // The certificate's own fields: a birth shows the mother, a death the deceased.
    let subject_field = if driver
        .find_all(By::Css("[data-testid=field-mother_name]"))
        .await?
        .is_empty()
    {
        text_of(driver, "[data-testid=field-name]").await?
    } else {
        text_of(driver, "[data-testid=field-mother_name]").await?
    };
    assert!(
        subject_field != "—" && !subject_field.is_empty(),
        "certificate fields shown"
    );
    window.screenshot("case-detail").await?;

    // Esc goes back to the queue with the search text kept.
    driver
        .active_element()
        .await?
        .send_keys(Key::Escape)
        .await?;
    eventually("the queue again", || async {
        Ok(driver
            .find_all(By::Css("[data-testid=case-detail]"))
            .await?
            .is_empty()
            .then_some(()))
    })
    .await?;
    let kept = driver
        .find(By::Css("[data-testid=search]"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(kept.as_deref(), Some(folded.as_str()));

    // Import through the app's command: the demo's own notifications again
    // (all already present) and one whose payload was swapped after signing.
    let file = tampered_demo_file(window.database.with_file_name("import.json"))?;
    let summary = driver
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__
               .invoke('import_notifications', { path: arguments[0] })
               .then((ok) => done({ ok }), (err) => done({ err }));",
            vec![serde_json::json!(file)],
        )
        .await?
        .json()
        .clone();
    assert_eq!(
        summary,
        serde_json::json!({"ok": {"imported": 0, "unchanged": 20, "updated": 0, "voided": 0, "quarantined": 1}}),
        "import summary"
    );

    // The quarantine screen shows it with the reason in Vietnamese, then in English.
    click(driver, "[data-testid=nav-quarantine]").await?;
    wait_text(driver, "#quarantine-title", "Thông báo bị cách ly").await?;
    wait_text(
        driver,
        "[data-testid=quarantine-row][data-reason=payload_altered] .reason",
        "Nội dung đã bị sửa đổi sau khi ký",
    )
    .await?;
    click(driver, "[data-testid=language]").await?;
    wait_text(driver, "#quarantine-title", "Quarantined notifications").await?;
    window.screenshot("quarantine-en").await?;
    click(driver, "[data-testid=language]").await?;
    wait_text(driver, "#quarantine-title", "Thông báo bị cách ly").await?;

    window.quit().await?;
    eprintln!(
        "e2e: first screen with rows after {first_screen:?}, whole test {:?}",
        started.elapsed()
    );
    Ok(())
}
