//! The static verification page (ui/verify.html, built into one file) in
//! a real headless Chromium driven by WebDriver (Debian `chromium` and
//! `chromium-driver`): opened from a file, it reads the QR of a paper the
//! real `hotich` printed (the PDF rendered to PNG by pdftoppm), verifies it
//! with the trust file `hotich trust export` wrote, in Vietnamese and in
//! English, and flags a tampered QR. The registry serves the same page at
//! `/verify`.

mod common;
use common::{json, ok, run_as};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use hotich_protocol::samples::death;
use thirtyfour::prelude::*;

fn page() -> PathBuf {
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist-verify/verify.html");
    assert!(
        built.is_file(),
        "{} missing: npm --prefix ui run build (scripts/test.sh does it)",
        built.display()
    );
    built.canonicalize().unwrap()
}

/// A PNG of a QR holding `text` (level M, 8 pixels a module, quiet zone).
fn qr_png(text: &str, path: &Path) {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).unwrap();
    let width = code.width();
    let (scale, quiet) = (8, 4);
    let side = (width + 2 * quiet) * scale;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; side * side];
    for y in 0..width {
        for x in 0..width {
            if colors[y * width + x] == qrcode::Color::Dark {
                for dy in 0..scale {
                    let row = (y + quiet) * scale + dy;
                    let start = row * side + (x + quiet) * scale;
                    pixels[start..start + scale].fill(0);
                }
            }
        }
    }
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder
        .write_header()
        .unwrap()
        .write_image_data(&pixels)
        .unwrap();
}

async fn outcome(driver: &WebDriver) -> WebDriverResult<(String, String)> {
    let started = Instant::now();
    loop {
        let verdict = driver.find(By::Id("verdict")).await?;
        if let Some(outcome) = verdict.attr("data-outcome").await? {
            let text = verdict.text().await?;
            return Ok((outcome, text));
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no verdict");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Gives `file` to the page's file input `id` and waits for the new verdict.
async fn give(driver: &WebDriver, id: &str, file: &Path) -> WebDriverResult<(String, String)> {
    driver
        .execute(
            "const v = document.getElementById('verdict'); delete v.dataset.outcome;",
            vec![],
        )
        .await?;
    driver
        .find(By::Id(id))
        .await?
        .send_keys(file.to_str().unwrap())
        .await?;
    outcome(driver).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_static_page_verifies_a_printed_paper_and_flags_a_tampered_one() -> WebDriverResult<()>
{
    let dir = tempfile::tempdir().unwrap();
    let db = common::office_with(dir.path(), &[death()]);
    let run = |args: &[&str]| run_as(&db, "lanhdao", args);
    let cases = json(&ok(run(&["cases", "--json"])));
    let case = cases[0]["id"].as_str().unwrap().to_owned();
    let fill = dir.path().join("fill.json");
    std::fs::write(
        &fill,
        r#"{"requester": {"id_type": "cccd", "id_number": "019196004321", "relationship": "child"}, "signer_name": "Phạm Văn Lãnh", "signer_title": "Chủ tịch"}"#,
    )
    .unwrap();
    let registered = json(&ok(run(&[
        "register",
        &case,
        "--from-json",
        fill.to_str().unwrap(),
        "--json",
    ])));
    let name = registered["current"]["death"]["full_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf = dir.path().join("trich-luc.pdf");
    let printed = json(&ok(run(&[
        "extract",
        &case,
        "--kind",
        "death-extract",
        "--out",
        pdf.to_str().unwrap(),
        "--json",
    ])));
    let code = printed["codes"][0].as_str().unwrap().to_owned();
    let trust = dir.path().join("tin-cay.json");
    ok(run(&["trust", "export", "--out", trust.to_str().unwrap()]));
    let scan = dir.path().join("scan");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&scan)
        .status()
        .unwrap();
    assert!(status.success());
    let scan = scan.with_extension("png");
    // The same QR with one letter changed, as a forger would print it.
    let text = ok(common::hotich_binary()
        .arg("verify-paper")
        .arg(&scan)
        .arg("--trust")
        .arg(&trust)
        .arg("--json")
        .output()
        .unwrap());
    let qr_text = json(&text)["qr_text"].as_str().unwrap().to_owned();
    let middle = qr_text.len() / 2;
    let swapped = if &qr_text[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    let forged = format!("{}{swapped}{}", &qr_text[..middle], &qr_text[middle + 1..]);
    let forged_png = dir.path().join("forged.png");
    qr_png(&forged, &forged_png);

    let chromedriver = hotich_central::process::Chromedriver::start().unwrap();
    let mut caps = DesiredCapabilities::chrome();
    for arg in hotich_central::process::Chromedriver::CHROME_ARGS {
        caps.add_arg(arg)?;
    }
    let driver = WebDriver::new(&chromedriver.url, caps).await?;
    driver.goto(format!("file://{}", page().display())).await?;
    let trust_state = driver.find(By::Id("trust-state")).await?;
    assert!(trust_state
        .text()
        .await?
        .contains("Chưa có danh sách tin cậy"));
    driver
        .find(By::Id("trust-file"))
        .await?
        .send_keys(trust.to_str().unwrap())
        .await?;

    let (outcome_vi, said) = give(&driver, "image-file", &scan).await?;
    assert_eq!(outcome_vi, "valid", "{said}");
    assert!(
        said.contains("Chữ ký hợp lệ") && said.contains("Trích lục khai tử"),
        "{said}"
    );
    assert!(said.contains(&name) && said.contains(&code), "{said}");
    assert!(said.contains("DỮ LIỆU MẪU"), "a demo paper says so: {said}");
    assert!(
        said.contains("Không kiểm tra được trạng thái"),
        "no registry from a file: {said}"
    );

    let (forged_outcome, said) = give(&driver, "image-file", &forged_png).await?;
    assert!(
        ["bad_signature", "malformed"].contains(&forged_outcome.as_str()),
        "{forged_outcome}: {said}"
    );
    assert!(said.contains("Không hợp lệ"), "{said}");

    // In English.
    driver.find(By::Id("lang")).await?.click().await?;
    let (outcome_en, said) = give(&driver, "image-file", &scan).await?;
    assert_eq!(outcome_en, "valid");
    assert!(
        said.contains("Signature valid") && said.contains("Death registration extract"),
        "{said}"
    );

    // The registry serves the same page at /verify; there it takes the
    // trust the registry publishes (a demo registry vouches for the demo
    // key of the communes it serves) and asks the copy's status, which this
    // registry does not know: the workstation never synced with it.
    let central = PathBuf::from(env!("CARGO_BIN_EXE_hotich")).with_file_name("hotich-central");
    let central_db = dir.path().join("central.db");
    let admin = |args: &[&str]| {
        let output = Command::new(&central)
            .args(args)
            .arg("--db")
            .arg(&central_db)
            .arg(dir.path().join("trust.json"))
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    admin(&["trust", "import", "--demo-root"]);
    let added = Command::new(&central)
        .args(["workstation", "add", "--commune", "01864", "--db"])
        .arg(&central_db)
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let registry =
        hotich_central::process::ServerProcess::start(&central, &central_db, &[]).unwrap();
    let served = Command::new("curl")
        .args(["-sS", "--fail"])
        .arg(format!("{}/verify", registry.url))
        .output()
        .unwrap();
    assert!(served.status.success());
    assert_eq!(
        served.stdout,
        std::fs::read(page()).unwrap(),
        "the built page, as is"
    );
    driver.goto(format!("{}/verify", registry.url)).await?;
    let started = Instant::now();
    while !driver
        .find(By::Id("trust-state"))
        .await?
        .text()
        .await?
        .contains("1 chứng thư")
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the registry's trust"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (served_outcome, said) = give(&driver, "image-file", &scan).await?;
    assert_eq!(served_outcome, "valid", "{said}");
    let started = Instant::now();
    loop {
        let status = driver.find(By::Id("status")).await?;
        if status.attr("data-status").await?.as_deref() == Some("unknown") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{}",
            status.text().await?
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    driver.quit().await?;
    Ok(())
}
