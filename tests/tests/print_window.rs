//! Printing in a real window: the print log records a print made through
//! the system's dialog only when the officer says it came out ("Đã in
//! xong?" Có / Không / In lại), for one case and for the day's batch; and the
//! preview zooms for proofreading (fit to the panel, −/+, 100 % = A4 width).

use hotich_core::time::office_today;
use hotich_tests::window::{
    click, eventually, first_of, gone, invoke, launch_on_print_panel, print_and_count,
    print_and_wait_for_question, print_jobs, testid_of_focus, wait_text, BoxError, OnPrintPanel,
    TestResult,
};
use thirtyfour::prelude::*;
use thirtyfour::TypingData;

const PRINT: &str = "[data-testid=print-now]";
const NOTICE: &str = "[data-testid=print-notice]";
const NOT_LOGGED: &str = "Chưa ghi vào sổ in.";

/// The print log as the supervisor's screen reads it, newest first.
async fn print_log(driver: &WebDriver) -> Result<Vec<serde_json::Value>, BoxError> {
    let log = invoke(driver, "print_log", serde_json::json!({})).await?;
    Ok(log["ok"].as_array().ok_or(format!("{log}"))?.clone())
}

/// Whether each line of the print log is a reprint, newest first.
async fn reprints_logged(driver: &WebDriver) -> Result<Vec<bool>, BoxError> {
    Ok(print_log(driver)
        .await?
        .iter()
        .map(|line| line["reprint"] == true)
        .collect())
}

/// Sends `key` to the focused element (the question, or one of its buttons).
async fn press(driver: &WebDriver, key: impl Into<TypingData>) -> TestResult {
    driver.active_element().await?.send_keys(key).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn a_print_is_logged_only_when_the_officer_says_it_came_out() -> TestResult {
    let OnPrintPanel {
        window, case_id, ..
    } = launch_on_print_panel().await?;
    let driver = &window.driver;

    // The dialog was cancelled: "Không" (K) logs nothing.
    print_and_count(driver, PRINT, "k", (NOTICE, NOT_LOGGED), 1).await?;
    assert_eq!(reprints_logged(driver).await?, [false; 0], "after Không");

    // "In lại" (L) opens the dialog again and asks again; nothing is logged
    // until "Có" (C), which logs one line: the first print of the paper.
    print_and_wait_for_question(driver, PRINT).await?;
    window.screenshot("print-question").await?;
    assert_eq!(print_jobs(driver).await?, 2);
    press(driver, "l").await?;
    eventually("a second print job", || async {
        Ok((print_jobs(driver).await.ok() == Some(3)).then_some(()))
    })
    .await?;
    assert_eq!(
        testid_of_focus(driver).await?.as_deref(),
        Some("print-confirm")
    );
    assert_eq!(reprints_logged(driver).await?, [false; 0], "while asking");
    press(driver, "c").await?;
    wait_text(driver, NOTICE, "Đã in 1 bản; đã ghi sổ theo dõi in.").await?;
    let log = print_log(driver).await?;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["case_id"], case_id.as_str());
    assert_eq!(log[0]["document"], "death-extract");
    assert_eq!(log[0]["copies"], 1);
    assert_eq!(log[0]["reprint"], false);

    // Printed again and confirmed with Tab + Enter on "Có": a reprint.
    print_and_wait_for_question(driver, PRINT).await?;
    press(driver, Key::Tab).await?;
    assert_eq!(
        testid_of_focus(driver).await?.as_deref(),
        Some("print-confirm-yes")
    );
    press(driver, Key::Enter).await?;
    wait_text(
        driver,
        NOTICE,
        "Đã in 1 bản (in lại); đã ghi sổ theo dõi in.",
    )
    .await?;
    assert_eq!(reprints_logged(driver).await?, [true, false]);

    // The panel closed while the question is open: nothing logged.
    print_and_wait_for_question(driver, PRINT).await?;
    click(driver, "[data-testid=print-close]").await?;
    gone(driver, "[data-testid=print-panel]").await?;
    assert_eq!(
        reprints_logged(driver).await?,
        [true, false],
        "after closing"
    );

    // The day's batch asks the same: "Không" logs nothing, the "In lại"
    // button prints again, "Có" logs the day's one paper.
    click(driver, "[data-testid=batch-open]").await?;
    click(driver, "[data-testid=batch-prepare]").await?;
    wait_text(
        driver,
        "[data-testid=batch-ready]",
        &format!(
            "1 giấy tờ sẵn sàng để in. ({})",
            office_today().format("%d/%m/%Y")
        ),
    )
    .await?;
    let batch = "[data-testid=batch-print-all]";
    let batch_notice = "[data-testid=batch-notice]";
    print_and_count(driver, batch, "k", (batch_notice, NOT_LOGGED), 6).await?;
    assert_eq!(
        reprints_logged(driver).await?.len(),
        2,
        "after the batch's Không"
    );
    print_and_wait_for_question(driver, batch).await?;
    click(driver, "[data-testid=print-confirm-again]").await?;
    assert_eq!(print_jobs(driver).await?, 8);
    click(driver, "[data-testid=print-confirm-yes]").await?;
    wait_text(
        driver,
        batch_notice,
        "Đã in 1 giấy tờ; đã ghi sổ theo dõi in.",
    )
    .await?;
    assert_eq!(reprints_logged(driver).await?.len(), 3);
    window.quit().await?;
    Ok(())
}

/// The width of the first previewed page on screen, in CSS pixels.
async fn page_width(driver: &WebDriver) -> Result<f64, BoxError> {
    let width = driver
        .execute(
            "return document.querySelector('[data-testid=print-page]').getBoundingClientRect().width;",
            vec![],
        )
        .await?;
    Ok(width.json().as_f64().ok_or("a page width")?)
}

/// Waits for the first page to be `expected` pixels wide (±2) and the zoom
/// shown to read `level`.
async fn wait_page_width(driver: &WebDriver, expected: f64, level: &str) -> TestResult {
    eventually(&format!("a page {expected} px wide"), || async {
        let width = page_width(driver).await.ok();
        Ok(width
            .is_some_and(|width| (width - expected).abs() < 2.0)
            .then_some(()))
    })
    .await?;
    wait_text(driver, "[data-testid=zoom-level]", level).await?;
    Ok(())
}

/// Waits until the first page fills the preview's width (less its 8-px
/// padding) and the zoom shown says how large that is; the page's width.
async fn fitted_to_the_preview(driver: &WebDriver) -> Result<f64, String> {
    eventually("the page fitted to the preview", || async {
        let shown = driver
            .execute(
                "const area = document.querySelector('[data-testid=print-pages]');
                 const page = area.querySelector('[data-testid=print-page]');
                 const level = document.querySelector('[data-testid=zoom-level]').textContent;
                 return [page.getBoundingClientRect().width, area.clientWidth - 16, level];",
                vec![],
            )
            .await?;
        let (page, inner, level): (f64, f64, String) =
            serde_json::from_value(shown.json().clone())?;
        let fitted = (page - inner).abs() < 2.0
            && level == format!("{}%", (page / A4_WIDTH * 100.0).round());
        Ok(fitted.then_some(page))
    })
    .await
}

/// 210 mm in CSS pixels: the page at 100 %.
const A4_WIDTH: f64 = 210.0 / 25.4 * 96.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn the_preview_fits_the_panel_and_zooms_from_buttons_and_keys() -> TestResult {
    let OnPrintPanel { window, .. } = launch_on_print_panel().await?;
    let driver = &window.driver;
    // The commune office's screen.
    driver.set_window_rect(0, 0, 1366, 700).await?;

    // At first the page fills the preview's width (less its 8-px padding),
    // and the zoom shown says how large that is (once the resize settled).
    let fitted = fitted_to_the_preview(driver).await?;
    assert!(fitted > 300.0, "a readable page: {fitted} px");

    // 100 %: the real A4 width.
    click(driver, "[data-testid=zoom-actual]").await?;
    wait_page_width(driver, A4_WIDTH, "100%").await?;

    // Keys on the focused pages: + and = zoom in a step each, - out.
    first_of(driver, "[data-testid=print-pages]")
        .await?
        .focus()
        .await?;
    press(driver, "+").await?;
    wait_page_width(driver, A4_WIDTH * 1.1, "110%").await?;
    press(driver, "=").await?;
    wait_page_width(driver, A4_WIDTH * 1.25, "125%").await?;
    press(driver, "-").await?;
    press(driver, "-").await?;
    wait_page_width(driver, A4_WIDTH, "100%").await?;

    // The buttons: − a step down, + a step up; the keys work from the
    // toolbar too, up to 200 %, where the pages scroll inside the preview and
    // the window does not scroll sideways.
    click(driver, "[data-testid=zoom-out]").await?;
    wait_page_width(driver, A4_WIDTH * 0.9, "90%").await?;
    click(driver, "[data-testid=zoom-in]").await?;
    wait_page_width(driver, A4_WIDTH, "100%").await?;
    for _ in 0..5 {
        press(driver, "+").await?;
    }
    wait_page_width(driver, A4_WIDTH * 2.0, "200%").await?;
    let zoom_in = first_of(driver, "[data-testid=zoom-in]").await?;
    assert!(!zoom_in.is_enabled().await?, "200% is the most");
    let fits = driver
        .execute(
            "const area = document.querySelector('[data-testid=print-pages]').getBoundingClientRect();
             const root = document.documentElement;
             return area.right <= window.innerWidth && root.scrollWidth <= root.clientWidth;",
            vec![],
        )
        .await?;
    assert_eq!(
        fits.json(),
        &serde_json::json!(true),
        "the preview within the window"
    );
    // Fitting again fills the preview's width as it is now (a scrollbar the
    // 200 % pages needed may have come or gone), the zoom shown with it.
    click(driver, "[data-testid=zoom-fit]").await?;
    fitted_to_the_preview(driver).await?;
    window.quit().await?;
    Ok(())
}
