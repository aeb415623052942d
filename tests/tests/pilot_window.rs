//! The Justice-Health pilot's figures in the real window (issue 18, item 4):
//! the commune's lines and chart in the supervisor's statistics, and the
//! province's figures asked of a real registry into which `hotich-central
//! simulate --scenario pilot` played a province's months: the window shows
//! the same death figures the registry's own `report pilot` gives.

use std::process::Command;

use chrono::{Datelike, Duration};
use hotich_central::process::ServerProcess;
use hotich_core::time::office_today;
use hotich_tests::window::{
    answer_dialogs_with, app_binary, central_binary, click, error_banners, pdf_text,
    set_sync_server, text_of, wait_text, wait_text_containing, AppWindow, TestResult,
};
use thirtyfour::prelude::*;

/// The demo commune's province (Thái Nguyên) and the months played into it.
const PROVINCE: &str = "19";

fn central(args: &[&str]) -> Result<String, String> {
    let output = Command::new(central_binary())
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The line `label` of the table `table`: its births and deaths cells.
async fn line(
    driver: &WebDriver,
    table: &str,
    label: &str,
) -> WebDriverResult<Option<(String, String)>> {
    for row in driver
        .find_all(By::Css(format!("[data-testid={table}] tbody tr")))
        .await?
    {
        let cells = row.find_all(By::Css("td")).await?;
        if cells.len() == 3 && cells[0].text().await? == label {
            return Ok(Some((cells[1].text().await?, cells[2].text().await?)));
        }
    }
    Ok(None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn the_supervisor_sees_the_communes_and_the_provinces_pilot_figures() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("central.db");
    let db_arg = db.to_str().ok_or("path")?;
    // Four of the province's communes, their last months up to yesterday.
    let today = office_today();
    let last_day = (today - Duration::days(1)).to_string();
    central(&[
        "simulate",
        "--scenario",
        "pilot",
        "--db",
        db_arg,
        "--province",
        PROVINCE,
        "--communes",
        "4",
        "--deaths",
        "160",
        "--days",
        "90",
        "--today",
        &last_day,
    ])?;
    let token = central(&["workstation", "add", "--db", db_arg, "--commune", "01864"])?;
    let server = ServerProcess::start(&central_binary(), &db, &[])?;

    let window =
        AppWindow::launch_as_first_supervisor(&app_binary(), &[("HOTICH_TOKEN", token.trim())])
            .await?;
    let driver = &window.driver;
    set_sync_server(driver, &format!("{}/", server.url)).await?;

    // The commune's figures: the pilot's lines among the report's, and its chart.
    click(driver, "[data-testid=nav-dashboard]").await?;
    let lines = text_of(driver, "[data-testid=report-lines]").await?;
    assert!(
        lines.contains("Thí điểm: Sự kiện trong kỳ được y tế thông báo"),
        "{lines}"
    );
    assert!(
        lines.contains("Thí điểm: Tỉ lệ đủ thông tin định danh"),
        "{lines}"
    );
    driver.find(By::Css("[data-testid=chart-pilot]")).await?;

    // The province's, from the registry: the same deaths as its own report.
    click(driver, "[data-testid=pilot-province]").await?;
    let shown = driver
        .query(By::Css("[data-testid=pilot-province-lines]"))
        .wait(
            std::time::Duration::from_secs(30),
            std::time::Duration::from_millis(200),
        )
        .first()
        .await;
    if shown.is_err() {
        return Err(format!(
            "no province figures; errors on screen: {:?}",
            error_banners(driver).await
        )
        .into());
    }
    wait_text(
        driver,
        "[data-testid=pilot-province-title]",
        "Thí điểm liên thông: Tỉnh Thái Nguyên",
    )
    .await?;
    let freshness = text_of(driver, "[data-testid=pilot-province-freshness]").await?;
    assert!(
        freshness.contains("xã đã đồng bộ; số liệu tính đến lần đồng bộ cũ nhất"),
        "{freshness}"
    );
    let from = format!("{}-01-01", today.year());
    let report: serde_json::Value = serde_json::from_str(&central(&[
        "report",
        "pilot",
        "--db",
        db_arg,
        "--province",
        PROVINCE,
        "--from",
        &from,
        "--to",
        &today.to_string(),
    ])?)?;
    let deaths = &report["figures"]["death"];
    let notified = deaths["notified"].as_u64().ok_or("notified")?;
    assert!(notified > 100, "{report}");
    for (label, key) in [
        ("Thí điểm: Sự kiện trong kỳ được y tế thông báo", "notified"),
        ("Thí điểm: Gia đình đã được liên hệ", "families_contacted"),
        (
            "Thí điểm: Đăng ký sau khi liên hệ",
            "registered_after_outreach",
        ),
        ("Thí điểm: Y tế đã xác định nguyên nhân", "causes_returned"),
    ] {
        let (births, shown_deaths) = line(driver, "pilot-province-lines", label)
            .await?
            .ok_or_else(|| format!("no line {label}"))?;
        // The window groups thousands with a dot (vi).
        assert_eq!(
            shown_deaths.replace('.', ""),
            deaths[key].to_string(),
            "{label}"
        );
        assert!(births == "0" || births == "-", "{label}: {births}");
    }
    driver
        .find(By::Css("[data-testid=chart-pilot-province]"))
        .await?;
    window.screenshot("pilot-province").await?;

    // The province's figures saved as the printable report.
    let out = tempfile::tempdir()?;
    let pdf_path = out.path().join("thi-diem-tinh.pdf");
    answer_dialogs_with(driver, &pdf_path).await?;
    click(driver, "[data-testid=pilot-province-pdf]").await?;
    wait_text_containing(
        driver,
        "[data-testid=pilot-province-notice]",
        &format!("Đã lưu báo cáo {}", pdf_path.display()),
    )
    .await?;
    let text = pdf_text(&pdf_path)?;
    assert!(
        text.contains("SỐ LIỆU THÍ ĐIỂM LIÊN THÔNG TƯ PHÁP - Y TẾ"),
        "{text}"
    );
    assert!(text.contains("Tỉnh Thái Nguyên"), "{text}");
    window.quit().await?;
    drop(server);
    Ok(())
}
