//! Accounts in a real window: a supervisor creates an account, resets its
//! password to a one-time one shown once, deactivates and reactivates it;
//! each act is in the audit trail (Quản trị), which checks whole; the
//! officer's first sign-in asks for their own password, shows the rule
//! before any failure, refuses a short one, then opens the queue.

use hotich_tests::window::{
    app_binary, change_first_password, choose, click, create_officer, error_banners, eventually,
    exactly, fill, first_of, officer_action, submit_sign_in, text_of, wait_signed_in_as, wait_text,
    wait_text_containing, AppWindow, TestResult, PASSWORD,
};
use thirtyfour::prelude::*;

/// The script that answers the next file dialog with `path`.
fn answer(path: &std::path::Path) -> String {
    format!(
        "window.__hotichOpen = {};",
        serde_json::to_string(&path.to_string_lossy()).unwrap_or_default()
    )
}

/// A button of the officer row of `username` in the accounts table.
fn row_button(username: &str, testid: &str) -> String {
    format!("[data-testid=officer-row][data-username='{username}'] [data-testid={testid}]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn a_reset_account_is_deactivated_reactivated_and_its_first_sign_in_sets_a_password(
) -> TestResult {
    let window = AppWindow::launch_as_first_supervisor(&app_binary(), &[]).await?;
    let driver = &window.driver;
    let created = create_officer(driver, "hoa", "Trần Thị Hoa", "registrar").await?;
    assert!(created["ok"]["must_change_password"] == true, "{created}");

    click(driver, "[data-testid=nav-admin]").await?;
    let state = "[data-testid=officer-row][data-username='hoa'] [data-testid=officer-state]";
    wait_text(driver, state, "Chờ đổi mật khẩu").await?;
    // The rule is on screen before any password is tried.
    let rule = text_of(
        driver,
        "[data-testid=add-officer-form] [data-testid=password-rule]",
    )
    .await?;
    assert!(rule.contains("ít nhất 12 ký tự"), "{rule}");

    // An account whose username is taken and whose password is short: both
    // problems at once, each under its field, and no account added.
    let form = "[data-testid=add-officer-form]";
    let taken_and_short = [
        (format!("{form} [data-testid=new-username]"), "hoa"),
        (
            format!("{form} [data-testid=new-full-name]"),
            "Trần Thị Hoa",
        ),
        (format!("{form} [data-testid=new-password]"), "ngắn quá"),
        (
            format!("{form} [data-testid=new-password-again]"),
            "ngắn quá",
        ),
    ];
    let fields: Vec<(&str, &str)> = taken_and_short
        .iter()
        .map(|(css, text)| (css.as_str(), *text))
        .collect();
    fill(driver, &fields).await?;
    click(driver, "[data-testid=add-officer]").await?;
    wait_text(
        driver,
        "[data-testid=new-username-problem]",
        "\"hoa\" đã có người dùng",
    )
    .await?;
    let short = text_of(driver, "[data-testid=new-password-problem]").await?;
    assert!(short.starts_with("Cần ít nhất 12 ký tự"), "{short}");
    exactly(driver, "[data-testid=new-full-name-problem]", 0).await?;
    exactly(driver, "[data-testid=officer-row]", 2).await?;

    // A reset shows the one-time password once.
    click(driver, &row_button("hoa", "reset-password")).await?;
    click(driver, "[data-testid=account-confirm-yes]").await?;
    let one_time = eventually("the one-time password", || async {
        let found = driver
            .find_all(By::Css("[data-testid=one-time-password]"))
            .await?;
        Ok(match found.first() {
            Some(element) => Some(element.text().await?),
            None => None,
        })
    })
    .await?;
    assert_eq!(one_time.len(), 19, "{one_time}");

    // Deactivated, then active again.
    click(driver, &row_button("hoa", "deactivate")).await?;
    click(driver, "[data-testid=account-confirm-yes]").await?;
    wait_text(
        driver,
        "[data-testid=account-notice]",
        "Đã ngừng tài khoản của Trần Thị Hoa; hồ sơ đang giao cho cán bộ này cần giao lại.",
    )
    .await?;
    wait_text(driver, state, "Đã ngừng").await?;
    click(driver, &row_button("hoa", "reactivate")).await?;
    wait_text(
        driver,
        "[data-testid=account-notice]",
        "Đã mở lại tài khoản của Trần Thị Hoa.",
    )
    .await?;

    // Each of those acts is in the audit trail, which checks whole.
    choose(driver, "[data-testid=audit-act]", "password_reset").await?;
    click(driver, "[data-testid=audit-filter]").await?;
    exactly(
        driver,
        "[data-testid=audit-lines] tr[data-action=password_reset]",
        1,
    )
    .await?;
    exactly(driver, "[data-testid=audit-lines] tbody tr", 1).await?;
    click(driver, "[data-testid=audit-verify]").await?;
    wait_text_containing(driver, "[data-testid=audit-verdict]", "Nhật ký toàn vẹn").await?;

    // Her first sign-in with the one-time password asks for her own.
    officer_action(driver, "sign-out").await?;
    submit_sign_in(driver, "hoa", &one_time).await?;
    let rule = text_of(
        driver,
        "[data-testid=change-password-form] [data-testid=password-rule]",
    )
    .await?;
    assert!(rule.contains("ít nhất 12 ký tự"), "{rule}");
    change_first_password(driver, &one_time, "ngắn quá").await?;
    eventually("the short password refused", || async {
        let banners = hotich_tests::window::error_banners(driver).await;
        Ok(banners
            .iter()
            .any(|text| text.contains("cần ít nhất 12 ký tự"))
            .then_some(()))
    })
    .await?;
    change_first_password(driver, &one_time, "gió mùa thu về trên phố").await?;
    wait_signed_in_as(driver, "Trần Thị Hoa · Công chức hộ tịch").await?;
    window.quit().await?;
    Ok(())
}

/// A death of the demo registered by the registrar `lan`, who then records
/// an amendment of its cause of death: what waits for the supervisor.
fn registrar_amends_a_death(
    database: &std::path::Path,
) -> Result<(String, String), hotich_tests::window::BoxError> {
    use hotich_core::{CaseFilter, CaseStatus, Role, Store, StoreKey};
    let mut store = Store::open(database, &StoreKey::demo())?;
    let now = chrono::Utc::now();
    let today = hotich_core::time::office_today();
    let supervisor = store
        .officer_by_username(hotich_tests::window::SUPERVISOR.0)?
        .ok_or("no supervisor")?;
    let lan = store.create_officer(
        &supervisor,
        "lan",
        "Lê Thị Lan",
        Role::Registrar,
        PASSWORD,
        now,
    )?;
    let lan = store.change_own_password(&lan.id, PASSWORD, "gió mùa thu về trên phố", now)?;
    let filter = CaseFilter {
        kind: Some(hotich_protocol::EventKind::Death),
        status: Some(CaseStatus::New),
        ..Default::default()
    };
    let case = store.cases(&filter, today)?.rows.remove(0).id;
    let mut form = store.registration_draft(&case, today)?;
    form.requester.id_type = Some(hotich_core::IdDocumentType::Cccd);
    form.requester.id_number = "019085001234".into();
    form.requester.relationship = Some(hotich_core::Relationship::Child);
    form.requester.full_name = "Nguyễn Văn Hải".into();
    form.signer_name = "Phạm Văn Lãnh".into();
    form.signer_title = "Chủ tịch".into();
    form.late_reason = "Gia đình ở xa".into();
    // The supervisor registers (a registrar registers only the cases
    // assigned to them or to nobody, and the demo's may be assigned).
    let registered = store.register(&supervisor, &case, &form, now, today)?;
    let mut corrected = registered.current.clone();
    corrected.death.as_mut().ok_or("no death")?.cause =
        "Viêm phổi do vi khuẩn, không đặc hiệu".into();
    let waiting = store.amend_registration(
        &lan,
        &registered.id,
        &corrected,
        "Theo giấy báo tử cấp lại",
        now,
        today,
    )?;
    Ok((registered.id, waiting.amendments[0].id.clone()))
}

/// A registrar's amendment waits in Quản trị; the supervisor approves it
/// there and it takes effect, in the register and in the audit trail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn an_amendment_waits_for_the_supervisor_in_quan_tri() -> TestResult {
    let window = AppWindow::launch_as_first_supervisor(&app_binary(), &[]).await?;
    let driver = &window.driver;
    let (registration_id, amendment_id) = registrar_amends_a_death(&window.database)?;

    click(driver, "[data-testid=nav-admin]").await?;
    exactly(driver, "[data-testid=pending-amendment]", 1).await?;
    let shown = text_of(driver, "[data-testid=pending-amendment]").await?;
    assert!(
        shown.contains("Lê Thị Lan") && shown.contains("Viêm phổi do vi khuẩn, không đặc hiệu"),
        "{shown}"
    );
    click(driver, "[data-testid=approve-amendment]").await?;
    wait_text_containing(
        driver,
        "[data-testid=pending-amendments] .notice",
        "Đã duyệt cải chính",
    )
    .await?;
    exactly(driver, "[data-testid=pending-amendment]", 0).await?;

    let store = hotich_core::Store::open(&window.database, &hotich_core::StoreKey::demo())?;
    let registration = store.registration(&registration_id)?;
    assert_eq!(
        registration
            .current
            .death
            .as_ref()
            .map(|d| d.cause.as_str()),
        Some("Viêm phổi do vi khuẩn, không đặc hiệu")
    );
    assert_eq!(registration.amendments[0].id, amendment_id);
    assert_eq!(
        registration.amendments[0].status,
        hotich_core::AmendmentStatus::Approved
    );
    choose(driver, "[data-testid=audit-act]", "amendment_approve").await?;
    click(driver, "[data-testid=audit-filter]").await?;
    exactly(
        driver,
        "[data-testid=audit-lines] tr[data-action=amendment_approve]",
        1,
    )
    .await?;
    window.quit().await?;
    Ok(())
}

/// Backups in Quản trị: the header warns until a folder is chosen and a
/// backup made; "Sao lưu ngay" writes a checked copy there; a restore from
/// it, confirmed, keeps the replaced database beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn a_supervisor_backs_up_to_a_folder_and_restores_from_quan_tri() -> TestResult {
    let window = AppWindow::launch_as_first_supervisor(&app_binary(), &[]).await?;
    let driver = &window.driver;
    wait_text(
        driver,
        "[data-testid=backup-warning]",
        "⚠ chưa chọn thư mục sao lưu (Quản trị)",
    )
    .await?;
    let usb = tempfile::tempdir()?;
    click(driver, "[data-testid=nav-admin]").await?;
    driver.execute(&answer(usb.path()), vec![]).await?;
    click(driver, "[data-testid=backup-choose-folder]").await?;
    wait_text(
        driver,
        "[data-testid=backup-folder]",
        &usb.path().to_string_lossy(),
    )
    .await?;
    click(driver, "[data-testid=backup-now]").await?;
    wait_text_containing(driver, "[data-testid=backup-notice]", "Đã sao lưu vào").await?;
    exactly(driver, "[data-testid=backup-warning]", 0).await?;
    let made: Vec<std::path::PathBuf> = std::fs::read_dir(usb.path())?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    assert_eq!(made.len(), 1, "{made:?}");

    driver.execute(&answer(&made[0]), vec![]).await?;
    click(driver, "[data-testid=backup-restore]").await?;
    click(driver, "[data-testid=restore-confirm-yes]").await?;
    wait_text_containing(driver, "[data-testid=backup-notice]", "Đã khôi phục").await?;
    click(driver, "[data-testid=audit-verify]").await?;
    wait_text_containing(driver, "[data-testid=audit-verdict]", "Nhật ký toàn vẹn").await?;
    window.quit().await?;
    Ok(())
}

/// The holiday calendar in Quản trị: 2027 by the Labour Code (Tết and the
/// days made up for its weekend), then the year's official schedule
/// imported from a file after a confirmation, its make-up Saturday shown
/// as worked; a file with a bad line refused naming it; office hours saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app and a display server: run through the README test command"]
async fn a_supervisor_imports_the_years_holiday_schedule_in_quan_tri() -> TestResult {
    let window = AppWindow::launch_as_first_supervisor(&app_binary(), &[]).await?;
    let driver = &window.driver;
    click(driver, "[data-testid=nav-admin]").await?;
    let year = driver.find(By::Css("[data-testid=holiday-year]")).await?;
    year.clear().await?;
    year.send_keys("2027" + Key::Tab).await?; // the change event loads the year
    wait_text_containing(driver, "[data-testid=holiday-source]", "Bộ luật Lao động").await?;
    wait_text_containing(
        driver,
        "[data-testid=holiday-days] tr[data-date='2027-02-11']",
        "Nghỉ bù Tết Nguyên đán",
    )
    .await?;

    let folder = tempfile::tempdir()?;
    let schedule = [
        "2027-01-01\toff\tTết Dương lịch",
        "2027-02-08\toff\tTết Nguyên đán",
        "2027-02-09\toff\tTết Nguyên đán",
        "2027-02-10\toff\tTết Nguyên đán",
        "2027-02-11\toff\tTết Nguyên đán",
        "2027-02-12\toff\tTết Nguyên đán",
        "2027-02-13\twork\tLàm bù ngày 05/02",
        "2027-04-16\toff\tGiỗ Tổ Hùng Vương",
        "2027-04-30\toff\tNgày Chiến thắng",
        "2027-05-03\toff\tNghỉ bù 1/5",
        "2027-09-02\toff\tQuốc khánh",
        "2027-09-03\toff\tQuốc khánh",
    ];
    let broken = folder.path().join("lich-sai.tsv");
    std::fs::write(
        &broken,
        schedule
            .join("\n")
            .replace("2027-02-13\twork", "2027-02-15\twork"),
    )?;
    driver.execute(&answer(&broken), vec![]).await?;
    click(driver, "[data-testid=holiday-import]").await?;
    click(driver, "[data-testid=holiday-import-yes]").await?;
    eventually("the bad line named in an error banner", || async {
        let banners = error_banners(driver).await;
        Ok(banners
            .iter()
            .any(|b| b.contains("lich-sai.tsv") && b.contains("dòng 7"))
            .then_some(()))
    })
    .await?;

    let good = folder.path().join("lich-2027.tsv");
    std::fs::write(&good, schedule.join("\n"))?;
    driver.execute(&answer(&good), vec![]).await?;
    click(driver, "[data-testid=holiday-import]").await?;
    wait_text_containing(
        driver,
        "[data-testid=holiday-import-confirm]",
        "lich-2027.tsv",
    )
    .await?;
    click(driver, "[data-testid=holiday-import-yes]").await?;
    wait_text_containing(
        driver,
        "[data-testid=holiday-notice]",
        "Đã nhập lịch năm 2027",
    )
    .await?;
    wait_text_containing(driver, "[data-testid=holiday-source]", "Lịch chính thức do").await?;
    wait_text_containing(
        driver,
        "[data-testid=holiday-days] tr[data-date='2027-02-13']",
        "Làm việc",
    )
    .await?;

    let hours = first_of(driver, "[data-testid=working-hours]").await?;
    hours.clear().await?;
    hours.send_keys("08:00-12:00,13:00-16:30").await?;
    click(driver, "[data-testid=working-hours-save]").await?;
    wait_text_containing(
        driver,
        "[data-testid=holiday-notice]",
        "08:00-12:00,13:00-16:30",
    )
    .await?;
    window.quit().await?;
    Ok(())
}
