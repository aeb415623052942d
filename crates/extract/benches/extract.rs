//! Extract rendering speed (bars: one extract < 30 ms, 100 in a
//! batch < 3 s), and the same content printed to PDF by headless Chromium
//! for comparison (goal: native >= 10x faster). Prints figures; asserts
//! nothing.
//!
//! `cargo bench -p hotich-extract --bench extract`

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use hotich_core::DocumentKind;
use hotich_extract::{render, Prepared};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One extract from its registration to PDF bytes: content, hash, signed
/// credential, layout, QR, PDF.
fn one(document: DocumentKind) -> Vec<u8> {
    render(&common::prepared(document)).unwrap()
}

/// The same content as an HTML page, fonts from assets/, for Chromium.
fn html(prepared: &Prepared) -> String {
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/fonts");
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;");
    let mut rows = String::new();
    for row in &prepared.extract.rows {
        rows.push_str("<p>");
        for field in &row.0 {
            rows.push_str(&format!(
                "<span>{}: <b>{}</b></span> ",
                escape(&field.label),
                escape(&field.value)
            ));
        }
        rows.push_str("</p>\n");
    }
    format!(
        r#"<!doctype html><html lang="vi"><meta charset="utf-8"><style>
@font-face {{ font-family: NotoSerif; src: url("file://{fonts}/NotoSerif-Regular.ttf"); }}
@font-face {{ font-family: NotoSerif; font-weight: bold; src: url("file://{fonts}/NotoSerif-Bold.ttf"); }}
@page {{ size: A4; margin: 20mm 20mm 20mm 30mm; }}
body {{ font-family: NotoSerif; font-size: 13pt; }} p {{ margin: 0 0 1mm 0; }}
.head {{ display: flex; justify-content: space-between; text-align: center; font-weight: bold; }}
h1 {{ text-align: center; font-size: 17pt; }}
</style><div class="head"><div>ỦY BAN NHÂN DÂN<br>{commune}<br>Số: {number}<br>Quyển số: {book}</div>
<div>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</div></div>
<h1>{title}</h1>{rows}<p style="text-align:right">{place}<br><b>{caption}</b><br><br><br><b>{signer}</b></p>
<p>Mã xác minh: {code}</p></html>"#,
        fonts = fonts.display(),
        commune = escape(&prepared.extract.authority_lines()[1]),
        number = prepared.extract.number,
        book = escape(&prepared.extract.book),
        title = prepared.extract.title(),
        place = escape(&prepared.extract.place_and_date()),
        caption = escape(&prepared.extract.signer_caption()),
        signer = escape(&prepared.extract.signer_name),
        code = prepared.code().unwrap_or_default(),
    )
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Median wall time of `runs` Chromium print-to-PDF runs of the same page.
fn chromium_print(binary: &str, runs: usize) -> Option<Duration> {
    let dir = tempfile::tempdir().ok()?;
    let prepared = common::prepare(&common::birth(), DocumentKind::BirthCertificate).ok()?;
    let page = dir.path().join("extract.html");
    std::fs::write(&page, html(&prepared)).ok()?;
    let mut samples = Vec::new();
    for run in 0..runs {
        let out = dir.path().join(format!("out-{run}.pdf"));
        let profile = dir.path().join(format!("profile-{run}"));
        let started = Instant::now();
        let status = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg(&page)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        let elapsed = started.elapsed();
        if !status.success() || !out.exists() {
            eprintln!("chromium run {run} failed ({status})");
            return None;
        }
        samples.push(elapsed);
    }
    Some(median(samples))
}

fn main() {
    // Fonts are parsed once per process: the first render pays for it.
    let started = Instant::now();
    let first = one(DocumentKind::BirthCertificate);
    println!(
        "first render (parses the fonts): {:.1} ms, {} KB",
        ms(started.elapsed()),
        first.len() / 1024
    );

    for document in DocumentKind::ALL {
        let samples: Vec<Duration> = (0..30)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(one(document));
                started.elapsed()
            })
            .collect();
        let worst = samples.iter().max().copied().unwrap_or_default();
        println!(
            "one {}: median {:.1} ms, worst {:.1} ms [bar < 30 ms]",
            document.as_str(),
            ms(median(samples)),
            ms(worst)
        );
    }

    // 100 registrations of a day: laid out one by one, one PDF (fonts once).
    let registrations: Vec<_> = (0..100u32)
        .map(|i| {
            let mut r = if i % 3 == 2 {
                common::death()
            } else {
                common::birth()
            };
            r.number = i + 1;
            r.id = format!("0193a3f0-0000-7000-8000-{:012}", i);
            r
        })
        .collect();
    let started = Instant::now();
    let pages: Vec<_> = registrations
        .iter()
        .map(|r| {
            let document = DocumentKind::for_event(r.kind)[0];
            common::prepare(r, document)
                .unwrap()
                .pages()
                .unwrap()
                .remove(0)
        })
        .collect();
    let batch = hotich_extract::render::pdf("batch", &pages, 1).unwrap();
    let batch_time = started.elapsed();
    println!(
        "100 extracts in one batch PDF: {:.0} ms, {} KB [bar < 3 s]",
        ms(batch_time),
        batch.len() / 1024
    );
    let started = Instant::now();
    for r in &registrations {
        let document = DocumentKind::for_event(r.kind)[0];
        let prepared = common::prepare(r, document).unwrap();
        std::hint::black_box(render(&prepared).unwrap());
    }
    println!(
        "100 extracts as 100 separate PDFs: {:.0} ms",
        ms(started.elapsed())
    );

    let native = median(
        (0..30)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(one(DocumentKind::BirthCertificate));
                started.elapsed()
            })
            .collect(),
    );
    match chromium() {
        None => println!("chromium: not installed, comparison skipped (apt-get install chromium)"),
        Some(binary) => match chromium_print(binary, 3) {
            None => println!("chromium: print-to-pdf failed, comparison skipped"),
            Some(browser) => println!(
                "chromium headless print-to-pdf of the same page: median {:.0} ms; native {:.1} ms: {:.0}x faster [goal >= 10x]",
                ms(browser),
                ms(native),
                browser.as_secs_f64() / native.as_secs_f64()
            ),
        },
    }
}
