//! The queue's assign bar in a real window: nothing is chosen until the
//! supervisor chooses, pressing "Giao hồ sơ" then only asks for a choice,
//! and taking cases back is confirmed first.

use std::time::Duration;

use hotich_tests::window::{
    app_binary, choose, click, create_officer, eventually, text_of, value_of, wait_text, AppWindow,
    TestResult,
};
use thirtyfour::prelude::*;

/// Replaces `window.confirm` with one that records its question and answers
/// `answer`, as the officer pressing OK or Cancel would.
async fn answer_confirm_with(driver: &WebDriver, answer: bool) -> WebDriverResult<()> {
    driver
        .execute(
            "window.__asked = [];
             window.confirm = (question) => { window.__asked.push(question); return arguments[0]; };",
            vec![serde_json::json!(answer)],
        )
        .await?;
    Ok(())
}

/// The questions `window.confirm` was asked since `answer_confirm_with`.
async fn asked(driver: &WebDriver) -> WebDriverResult<serde_json::Value> {
    Ok(driver
        .execute("return window.__asked;", vec![])
        .await?
        .json()
        .clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn assigning_needs_a_choice_and_taking_back_is_confirmed() -> TestResult {
    let window = AppWindow::launch_as_first_supervisor(&app_binary(), &[]).await?;
    let driver = &window.driver;
    let created = create_officer(driver, "lan", "Nguyễn Thị Lan", "registrar").await?;
    let lan = created["ok"]["id"]
        .as_str()
        .ok_or(format!("no officer id in {created}"))?
        .to_owned();

    click(driver, "[data-testid=nav-queue]").await?;
    let first = eventually("the queue", || async {
        let rows = driver.find_all(By::Css("[data-testid=queue-row]")).await?;
        match rows.first() {
            Some(row) => Ok(row.attr("data-case-id").await?),
            None => Ok(None),
        }
    })
    .await?;
    let row = format!("[data-testid=queue-row][data-case-id='{first}']");
    let pick = format!("{row} [data-testid=row-pick]");
    let assignee = format!("{row} [data-testid=row-assignee]");

    // The case goes to Lan, chosen by name.
    click(driver, &pick).await?;
    choose(driver, "[data-testid=assign-to]", &lan).await?;
    click(driver, "[data-testid=assign]").await?;
    wait_text(
        driver,
        "[data-testid=assign-notice]",
        "Đã giao 1 hồ sơ cho Nguyễn Thị Lan.",
    )
    .await?;
    wait_text(driver, &assignee, "Nguyễn Thị Lan").await?;

    // Picked again, the select starts on "choose": pressing the button only asks for a choice.
    click(driver, &pick).await?;
    let select = value_of(driver, "[data-testid=assign-to]").await?;
    assert_eq!(select.as_deref(), Some(""), "the select starts unchosen");
    answer_confirm_with(driver, true).await?;
    click(driver, "[data-testid=assign]").await?;
    wait_text(
        driver,
        "[data-testid=assign-missing]",
        "Hãy chọn cán bộ nhận hồ sơ, hoặc chọn thu hồi.",
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(text_of(driver, &assignee).await?, "Nguyễn Thị Lan");
    assert_eq!(asked(driver).await?, serde_json::json!([]));

    // Taking back, cancelled at the question: nothing changes.
    choose(driver, "[data-testid=assign-to]", "take-back").await?;
    answer_confirm_with(driver, false).await?;
    click(driver, "[data-testid=assign]").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        asked(driver).await?,
        serde_json::json!(["Thu hồi 1 hồ sơ, để chưa giao cho ai?"])
    );
    assert_eq!(text_of(driver, &assignee).await?, "Nguyễn Thị Lan");

    // Taking back, confirmed: the case is unassigned.
    answer_confirm_with(driver, true).await?;
    click(driver, "[data-testid=assign]").await?;
    wait_text(driver, "[data-testid=assign-notice]", "Đã thu hồi 1 hồ sơ.").await?;
    wait_text(driver, &assignee, "—").await?;
    assert_eq!(asked(driver).await?.as_array().map(Vec::len), Some(1));

    window.quit().await?;
    Ok(())
}
