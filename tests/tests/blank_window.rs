//! The Giấy khai sinh on the pre-printed blank in a real window: "In trên
//! phôi" with a serial, logged only once the officer says it came out; the
//! same serial refused the second time; a blank recorded as spoiled; a
//! printer calibrated; and the print log screen showing both lines.

use hotich_tests::window::{
    answer_dialogs_with, app_binary, click, first_of, invoke, open_case_from_queue,
    print_and_wait_for_question, wait_text, AppWindow, BoxError, TestResult,
};
use serde_json::{json, Value};
use thirtyfour::prelude::*;

const NOTICE: &str = "[data-testid=blank-notice]";

/// Registers, through the shell, the first new demo birth that the draft
/// and a few typed values complete (the requester's ID paper, the father's
/// details, the signer, a late registration's reason); its case id and name.
async fn register_a_birth(driver: &WebDriver) -> Result<(String, String), BoxError> {
    let filter = json!({"filter": {"type": "birth", "status": "new", "overdue_only": false,
                                   "search": null, "assignee": null, "follow_up_due": false,
                                   "limit": 50, "offset": 0}});
    let page = invoke(driver, "list_cases", filter).await?;
    let rows = page["ok"]["rows"].as_array().ok_or(format!("{page}"))?;
    let mut last = Value::Null;
    for row in rows {
        let id = row["id"].as_str().ok_or("case id")?;
        let mut form =
            invoke(driver, "registration_draft", json!({ "caseId": id })).await?["ok"].clone();
        let requester = &mut form["requester"];
        requester["id_type"] = json!("cccd");
        requester["id_number"] = json!("019190003333");
        if requester["relationship"].is_null() {
            requester["relationship"] = json!("mother");
        }
        let birth = &mut form["birth"];
        birth["native_place"] = json!("Xã Bằng Thành, tỉnh Thái Nguyên");
        if birth["father"]["full_name"] != "" {
            let mother: Value = birth["mother"].clone();
            let father = &mut birth["father"];
            father["birth_year"] = json!(mother["birth_year"].as_i64().unwrap_or(1990) - 2);
            for copied in ["ethnicity", "nationality", "residence"] {
                father[copied] = mother[copied].clone();
            }
        }
        if row["overdue"] == true {
            form["late_reason"] = json!("Gia đình đi làm ăn xa, về muộn");
        }
        form["signer_name"] = json!("Phạm Văn Lãnh");
        form["signer_title"] = json!("Chủ tịch");
        let saved = invoke(
            driver,
            "register_case",
            json!({ "caseId": id, "form": form }),
        )
        .await?;
        if saved["ok"]["number"].is_number() {
            let name = row["name"].as_str().ok_or("case name")?;
            return Ok((id.to_owned(), name.to_owned()));
        }
        last = saved;
    }
    Err(format!(
        "no new demo birth of {} could be registered: {last}",
        rows.len()
    )
    .into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn a_blank_print_and_a_spoiled_blank_show_in_the_print_log() -> TestResult {
    let window = AppWindow::launch_as_first_supervisor(&app_binary(), &[]).await?;
    let driver = &window.driver;
    let (case_id, name) = register_a_birth(driver).await?;
    open_case_from_queue(driver, &case_id, &name).await?;
    answer_dialogs_with(driver, &window.database.with_file_name("phoi.pdf")).await?;
    driver.active_element().await?.send_keys("p").await?;
    click(driver, "[data-testid=print-kind-birth-certificate]").await?;
    click(driver, "[data-testid=blank-mode]").await?;
    first_of(
        driver,
        "[data-testid=blank-print] [data-testid=print-page] svg",
    )
    .await?;

    // A printer calibrated: its offsets are saved and its test page printed.
    retype(driver, "[data-testid=blank-printer]", "Canon LBP").await?;
    retype(driver, "[data-testid=blank-offset-x]", "1,5").await?;
    retype(driver, "[data-testid=blank-offset-y]", "-2").await?;
    click(driver, "[data-testid=blank-calibrate]").await?;
    wait_text(driver, NOTICE, "Đã lưu căn lề của máy in Canon LBP.").await?;
    let saved = invoke(driver, "printer_calibrations", json!({})).await?;
    assert_eq!(saved["ok"][0]["offset_x_mm"], 1.5, "{saved}");
    assert_eq!(saved["ok"][0]["offset_y_mm"], -2.0, "{saved}");

    // Printed on blank AB-0001 and confirmed: one line with its serial.
    retype(driver, "[data-testid=blank-serial]", "ab-0001").await?;
    print_and_wait_for_question(driver, "[data-testid=blank-print-now]").await?;
    driver.active_element().await?.send_keys("c").await?;
    wait_text(
        driver,
        NOTICE,
        "Đã in trên phôi số AB-0001; đã ghi sổ theo dõi in.",
    )
    .await?;

    // The same serial again is refused before the dialog opens.
    retype(driver, "[data-testid=blank-serial]", "AB-0001").await?;
    click(driver, "[data-testid=blank-print-now]").await?;
    let refused = first_of(driver, "[data-testid=blank-print] [role=alert]")
        .await?
        .text()
        .await?;
    assert!(
        refused.contains("AB-0001") && refused.contains("đã được in"),
        "{refused}"
    );

    // Blank AB-0002 jammed: recorded as spoiled with its reason.
    retype(driver, "[data-testid=blank-serial]", "AB-0002").await?;
    retype(driver, "[data-testid=blank-spoiled-reason]", "Kẹt giấy").await?;
    click(driver, "[data-testid=blank-spoil]").await?;
    wait_text(driver, NOTICE, "Đã ghi phôi số AB-0002 bị hỏng.").await?;

    // The print log screen shows both, newest first.
    click(driver, "[data-testid=nav-admin]").await?;
    let spoiled = first_of(driver, "[data-testid=print-log-spoiled]").await?;
    assert_eq!(
        spoiled.attr("data-serial").await?.as_deref(),
        Some("AB-0002")
    );
    assert!(spoiled
        .text()
        .await?
        .contains("Phôi số AB-0002 hỏng: Kẹt giấy"));
    let printed = first_of(driver, "[data-testid=print-log-row][data-serial=AB-0001]").await?;
    assert!(printed.text().await?.contains("Phôi số AB-0001"));
    window.quit().await?;
    Ok(())
}

/// Replaces the text of the field `css` with `text`.
async fn retype(driver: &WebDriver, css: &str, text: &str) -> TestResult {
    let field = first_of(driver, css).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}
