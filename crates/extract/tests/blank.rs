//! The Giấy khai sinh on the pre-printed blank, read back from its PDF:
//! only the data is printed (the blank carries the captions), every box
//! finds its line of the paper's content, and a printer's offsets move the
//! text. Needs `pdftotext` (Debian poppler-utils, installed by scripts/test.sh).

mod common;

use std::path::Path;
use std::process::Command;

use hotich_core::DocumentKind;
use hotich_extract::blank::{self, Offset};

/// `pdftotext` of `pdf` with `options`, as UTF-8.
fn read_pdf(pdf: &[u8], options: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .args(options)
        .arg(Path::new(&path))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_blank_print_carries_the_data_and_no_caption_of_the_form() {
    let prepared = common::prepared(DocumentKind::BirthCertificate);
    let text = read_pdf(&blank::pdf(&prepared, Offset::default()).unwrap(), &[]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for value in [
        "HOÀNG THỊ NGỌC HẰNG",
        "15/03/2026",
        "019326001234",
        "ĐẶNG THỊ ẶNG",
        "HOÀNG VĂN NGỮ",
        "CCCD 019094001234",
        "01/2026",
        "PHẠM VĂN LÃNH",
        "CHỦ TỊCH",
        "2026",
    ] {
        assert!(
            flat.to_uppercase().contains(value),
            "{value} missing: {flat}"
        );
    }
    for caption in [
        "GIẤY KHAI SINH",
        "CỘNG HÒA",
        "Họ, chữ đệm, tên",
        "Ngày, tháng, năm sinh",
        "Nơi sinh:",
        "Số:",
        "Quyển số",
        "Mã kiểm tra",
        "Mã xác minh",
        // The place and date of issue: only the place, day, month and year.
        "ngày 21",
        "tháng 11",
    ] {
        assert!(!flat.contains(caption), "{caption} printed: {flat}");
    }
}

#[test]
fn every_box_finds_its_line_of_the_birth_certificate() {
    let prepared = common::prepared(DocumentKind::BirthCertificate);
    let values = blank::values(&prepared.extract).unwrap();
    assert_eq!(values.len(), blank::boxes().len());
    for (b, value) in values {
        assert!(!value.trim().is_empty(), "nothing for {}", b.name);
    }
    let extract = common::prepared(DocumentKind::BirthExtract);
    assert_eq!(
        blank::values(&extract.extract).unwrap_err().code(),
        "wrong_document"
    );
}

/// Where `pdftotext -bbox` puts the first word `word` (points from the top left).
fn word_at(pdf: &[u8], word: &str) -> (f32, f32) {
    let html = read_pdf(pdf, &["-bbox"]);
    let line = html
        .lines()
        .find(|line| line.ends_with(&format!(">{word}</word>")))
        .unwrap_or_else(|| panic!("{word} not in {html}"));
    let number = |name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    (number("xMin"), number("yMin"))
}

#[test]
fn a_printers_offsets_move_every_value_by_that_much() {
    let prepared = common::prepared(DocumentKind::BirthCertificate);
    let plain = blank::pdf(&prepared, Offset::default()).unwrap();
    let shifted = blank::pdf(&prepared, Offset { x: 5.0, y: -3.0 }).unwrap();
    const PT_PER_MM: f32 = 72.0 / 25.4;
    for word in ["019326001234", "15/03/2026"] {
        let (x0, y0) = word_at(&plain, word);
        let (x1, y1) = word_at(&shifted, word);
        assert!(
            (x1 - x0 - 5.0 * PT_PER_MM).abs() < 0.2,
            "{word}: x {x0} -> {x1}"
        );
        assert!(
            (y1 - y0 + 3.0 * PT_PER_MM).abs() < 0.2,
            "{word}: y {y0} -> {y1}"
        );
    }
}

#[test]
fn the_test_page_names_the_printer_its_offsets_and_every_box() {
    let pdf = blank::test_page_pdf("Canon LBP", Offset { x: -1.5, y: 2.0 }).unwrap();
    let text = read_pdf(&pdf, &[]);
    assert!(text.contains("Máy in: Canon LBP"), "{text}");
    assert!(text.contains("ngang -1.5 mm, dọc +2.0 mm"), "{text}");
    for b in blank::boxes() {
        assert!(text.contains(&b.name), "{} not outlined", b.name);
    }
}
