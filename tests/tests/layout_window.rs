//! The header and the sync indicator in a real window (issue 14): the sync
//! details panel is readable (its text contrasts with its own background),
//! "Đồng bộ ngay" with no registry set says so and where to set it, and the
//! "N chờ gửi" count follows a new attempt without a reload.

use hotich_tests::window::{
    app_binary, click, eventually, text_of, wait_text, AppWindow, TestResult, POLL, WAIT,
};
use thirtyfour::prelude::*;

/// The lowest WCAG contrast ratio between the text of any element inside
/// `css` and the background it is drawn on (the nearest opaque one up the
/// tree), computed from the computed colours.
const LOWEST_CONTRAST: &str = r#"
const root = document.querySelector(arguments[0]);
if (!root) return null;
const parse = (c) => {
  const m = c.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,\/]+/).filter((x) => x !== "").map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
};
const channel = (v) => {
  const s = v / 255;
  return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
};
const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
const background = (el) => {
  for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a >= 0.99) return c;
  }
  return { r: 255, g: 255, b: 255, a: 1 };
};
let lowest = null;
let where = "";
for (const el of [root, ...root.querySelectorAll("*")]) {
  const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
  if (!ownText) continue;
  const fg = parse(getComputedStyle(el).color);
  const bg = background(el);
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  const ratio = (hi + 0.05) / (lo + 0.05);
  if (lowest === null || ratio < lowest) {
    lowest = ratio;
    where = el.tagName + ": " + el.textContent.trim().slice(0, 40);
  }
}
return { lowest, where };
"#;

/// The number in the header's "N chờ gửi", 0 when it is not shown.
async fn waiting_count(driver: &WebDriver) -> WebDriverResult<u64> {
    let shown = driver
        .find_all(By::Css("[data-testid=sync-waiting]"))
        .await?;
    let Some(element) = shown.first() else {
        return Ok(0);
    };
    let text = element.text().await?;
    Ok(text
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn sync_panel_is_readable_and_sync_now_without_a_registry_says_where_to_set_it() -> TestResult
{
    let window = AppWindow::launch_as_first_supervisor(&app_binary(), &[]).await?;
    let driver = &window.driver;

    // The details panel: every text on it reads against its own background.
    click(driver, "[data-testid=sync-indicator]").await?;
    driver
        .query(By::Css("[data-testid=sync-panel]"))
        .wait(WAIT, POLL)
        .first()
        .await?;
    let measured = driver
        .execute(
            LOWEST_CONTRAST,
            vec![serde_json::json!("[data-testid=sync-panel]")],
        )
        .await?
        .json()
        .clone();
    let lowest = measured["lowest"]
        .as_f64()
        .ok_or("no text on the sync panel")?;
    assert!(
        lowest >= 4.5,
        "contrast {lowest:.2} < 4.5 at {}",
        measured["where"]
    );
    window.screenshot("sync-panel").await?;
    click(driver, "[data-testid=sync-indicator]").await?;

    // The demo has no registry: "Đồng bộ ngay" says so, and where a supervisor sets it.
    click(driver, "[data-testid=sync-now]").await?;
    let said = text_of(driver, "[data-testid=sync-not-configured]").await?;
    assert!(said.contains("Chưa cài đặt máy chủ đồng bộ"), "{said}");
    assert!(said.contains("Quản trị"), "{said}");
    let measured = driver
        .execute(
            LOWEST_CONTRAST,
            vec![serde_json::json!("[data-testid=sync-not-configured]")],
        )
        .await?
        .json()
        .clone();
    let lowest = measured["lowest"].as_f64().ok_or("no text on the notice")?;
    assert!(
        lowest >= 4.5,
        "contrast {lowest:.2} < 4.5 at {}",
        measured["where"]
    );
    window.screenshot("sync-not-configured").await?;
    click(driver, "[data-testid=sync-not-configured-close]").await?;

    // An attempt logged from the keyboard: the header's count goes up at once.
    let before = waiting_count(driver).await?;
    driver
        .query(By::Css("[data-testid=search]"))
        .wait(WAIT, POLL)
        .first()
        .await?
        .send_keys(Key::Down)
        .await?;
    driver.active_element().await?.send_keys(Key::Enter).await?;
    text_of(driver, "[data-testid=detail-name]").await?;
    for key in ["g", "1", "2"] {
        driver.active_element().await?.send_keys(key).await?;
    }
    driver
        .active_element()
        .await?
        .send_keys("Gọi khi chưa có máy chủ")
        .await?;
    driver.active_element().await?.send_keys(Key::Enter).await?;
    wait_text(
        driver,
        "[data-testid=outreach-notice]",
        "Đã ghi nhận lần liên hệ.",
    )
    .await?;
    let after = eventually("the waiting count to go up", || async {
        let now = waiting_count(driver).await?;
        Ok((now > before).then_some(now))
    })
    .await?;
    eprintln!("waiting: {before} -> {after}");
    window.quit().await?;
    Ok(())
}
