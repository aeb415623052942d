//! The rendered PDFs themselves: every field read back as text (names in
//! NFC whatever form they came in), the page compared with committed
//! golden images, the layout's lines kept apart and inside the margins,
//! and the QR code decoded back to its payload.
//!
//! Needs `pdftotext` and `pdftoppm` (Debian poppler-utils, installed by
//! scripts/test.sh). `HOTICH_BLESS=1` rewrites the golden images.

mod common;
use common::prepared;

use std::path::{Path, PathBuf};
use std::process::Command;

use hotich_core::DocumentKind;
use hotich_extract::render::{
    Face, Mark, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, PAGE_HEIGHT, PAGE_WIDTH,
};
use hotich_extract::{render, Prepared};

fn tool(name: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{name} is missing: apt-get install poppler-utils (scripts/test.sh does)"
    );
    Command::new(name)
}

fn write_pdf(dir: &Path, name: &str, prepared: &Prepared) -> PathBuf {
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, render(prepared).unwrap()).unwrap();
    path
}

fn pdf_text(pdf: &Path) -> String {
    let output = tool("pdftotext").arg(pdf).arg("-").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn one_spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c) || ('\u{1AB0}'..='\u{1AFF}').contains(&c)
}

/// Every value printed, diacritics included, exactly as the content says.
fn assert_reads_back(prepared: &Prepared, text: &str) {
    let flat = one_spaced(text);
    assert!(
        !flat.chars().any(is_combining_mark),
        "decomposed marks in the PDF text:\n{text}"
    );
    for line in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "XÃ BẰNG THÀNH",
        prepared.extract.title(),
        prepared.code().unwrap(),
    ] {
        assert!(flat.contains(line), "{line:?} missing from:\n{text}");
    }
    let mut checked = 0;
    for field in &prepared.content {
        if field.value.is_empty() || field.name == "Cơ quan cấp" || field.name == "Tên giấy tờ"
        {
            continue;
        }
        assert!(
            flat.contains(&field.value),
            "{}: {:?} missing from:\n{text}",
            field.name,
            field.value
        );
        checked += 1;
    }
    for row in &prepared.extract.rows {
        for field in &row.0 {
            assert!(
                flat.contains(&format!("{}:", field.label)),
                "label {:?} missing",
                field.label
            );
        }
    }
    assert!(checked >= 20, "only {checked} fields checked");
}

#[test]
fn every_field_reads_back_from_the_pdf_text_in_nfc() {
    let dir = tempfile::tempdir().unwrap();
    for document in DocumentKind::ALL {
        let prepared = prepared(document);
        let text = pdf_text(&write_pdf(dir.path(), document.as_str(), &prepared));
        assert_reads_back(&prepared, &text);
    }
    // Spot checks of what the law wants printed, in the exact words.
    let birth = pdf_text(&write_pdf(
        dir.path(),
        "b",
        &prepared(DocumentKind::BirthCertificate),
    ));
    let birth = one_spaced(&birth);
    for expected in [
        "HOÀNG THỊ NGỌC HẰNG",
        "ĐẶNG THỊ ẶNG",
        "HOÀNG VĂN NGỮ",
        "15/03/2026",
        "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu",
        "Số: 12",
        "Quyển số: 01/2026",
        "(Bản chính)",
        "CHỦ TỊCH",
        "Phạm Văn Lãnh",
    ] {
        assert!(
            birth.contains(expected),
            "{expected:?} missing from:\n{birth}"
        );
    }
    let death = one_spaced(&pdf_text(&write_pdf(
        dir.path(),
        "d",
        &prepared(DocumentKind::DeathExtract),
    )));
    assert!(!death.contains(":Nhồi"), "label and value apart:\n{death}");
    for expected in [
        "ĐẶNG VĂN NGỮ",
        "14 giờ 30 phút",
        "mười bốn giờ ba mươi phút",
        "ngày mồng mười tháng mười một năm hai nghìn không trăm hai mươi sáu",
        "Nguyên nhân chết: Nhồi máu cơ tim cấp",
        "PHÓ CHỦ TỊCH",
        "Lường Thị Ỗn",
    ] {
        assert!(
            death.contains(expected),
            "{expected:?} missing from:\n{death}"
        );
    }
}

/// The text of the PDF of `prepared`, one space between words.
fn printed_text(dir: &Path, prepared: &Prepared) -> String {
    let name = format!(
        "{}-{}",
        prepared.extract.document.as_str(),
        prepared.extract.issue_date
    );
    one_spaced(&pdf_text(&write_pdf(dir, &name, prepared)))
}

#[test]
fn each_paper_says_where_it_was_issued_its_code_name_and_which_copy_it_is() {
    let dir = tempfile::tempdir().unwrap();
    // The fixtures are registered on the issue day: the originals.
    for (document, marking) in [
        (DocumentKind::BirthCertificate, "(Bản chính)"),
        (DocumentKind::BirthExtract, "(Bản sao)"),
        (DocumentKind::DeathExtract, "(Bản chính)"),
    ] {
        let prepared = prepared(document);
        let text = printed_text(dir.path(), &prepared);
        let title = format!("{} {marking}", prepared.extract.title());
        assert!(text.contains(&title), "{title:?} missing from:\n{text}");
        // The place line names the place, not "Xã …" (Decree 30/2020/NĐ-CP, Appendix I).
        assert!(
            text.contains("Bằng Thành, ngày 21 tháng 11 năm 2026")
                && !text.contains("Xã Bằng Thành, ngày"),
            "{text}"
        );
        // One name for the code, as on screen.
        assert!(
            text.contains(&format!("Mã xác minh: {}", prepared.code().unwrap())),
            "{text}"
        );
        assert!(!text.contains("Mã kiểm tra"), "{text}");
        assert_eq!(
            common::field_value(&prepared.content, "Bản"),
            &marking[1..marking.len() - 1]
        );
    }
    // An extract asked for after the day of registration is a copy; the
    // birth certificate stays the original.
    for (document, marking) in [
        (DocumentKind::DeathExtract, "(Bản sao)"),
        (DocumentKind::BirthCertificate, "(Bản chính)"),
    ] {
        let registration = match document {
            DocumentKind::DeathExtract => common::death(),
            _ => common::birth(),
        };
        let later = hotich_extract::Prepared::of(
            &registration,
            document,
            &common::issuer(),
            common::date(2026, 12, 2),
        )
        .unwrap();
        let text = printed_text(dir.path(), &later);
        let title = format!("{} {marking}", later.extract.title());
        assert!(text.contains(&title), "{title:?} missing from:\n{text}");
    }
}

#[test]
fn every_value_starts_the_same_gap_after_its_label() {
    for document in DocumentKind::ALL {
        let marks = prepared(document).pages().unwrap().remove(0);
        let texts: Vec<(f32, f32, f32, &str)> = marks
            .iter()
            .filter_map(|mark| match mark {
                Mark::Text {
                    x, y, width, text, ..
                } => Some((*x, *y, *width, text.as_str())),
                _ => None,
            })
            .collect();
        let mut checked = 0;
        for &(x, y, width, label) in texts.iter().filter(|t| t.3.ends_with(':')) {
            // The next text on the same line, right of the label.
            let value = texts
                .iter()
                .filter(|t| (t.1 - y).abs() < 0.01 && t.0 > x)
                .min_by(|a, b| a.0.total_cmp(&b.0));
            let Some(&(value_x, _, _, value)) = value else {
                continue;
            };
            if value.ends_with(':') {
                continue; // an empty value: the next column's label
            }
            let gap = value_x - (x + width);
            assert!(
                (gap - render::LABEL_GAP).abs() < 0.01,
                "{label:?} {value:?}: gap {gap} mm in {}",
                document.as_str()
            );
            checked += 1;
        }
        assert!(checked >= 15, "only {checked} labelled values");
    }
}

#[test]
fn decomposed_input_prints_the_same_composed_text() {
    let dir = tempfile::tempdir().unwrap();
    for (document, registration) in [
        (DocumentKind::BirthCertificate, common::birth()),
        (DocumentKind::DeathExtract, common::death()),
    ] {
        let nfd = common::decomposed(&registration);
        assert_ne!(
            serde_json::to_string(&nfd).unwrap(),
            serde_json::to_string(&registration).unwrap(),
            "the fixture must really arrive decomposed"
        );
        let from_nfd = common::prepare(&nfd, document).unwrap();
        let from_nfc = common::prepare(&registration, document).unwrap();
        // Same content, same hash, same code: a paper does not depend on the keyboard.
        assert_eq!(from_nfd.content, from_nfc.content);
        assert_eq!(from_nfd.copies, from_nfc.copies);
        let text = pdf_text(&write_pdf(dir.path(), "nfd", &from_nfd));
        assert_reads_back(&from_nfc, &text);
    }
}

#[test]
fn a_time_of_death_unknown_and_no_cause_print_blank() {
    let mut registration = common::death();
    let death = registration.current.death.as_mut().unwrap();
    death.death_time = String::new();
    death.cause = String::new();
    let prepared = common::prepare(&registration, DocumentKind::DeathExtract).unwrap();
    let value = |name: &str| {
        prepared
            .content
            .iter()
            .find(|f| f.name == name)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(value("Giờ, phút chết"), "");
    assert_eq!(value("Giờ, phút chết (bằng chữ)"), "");
    assert_eq!(value("Nguyên nhân chết"), "");
    let dir = tempfile::tempdir().unwrap();
    let text = one_spaced(&pdf_text(&write_pdf(dir.path(), "blank", &prepared)));
    assert!(text.contains("Giờ, phút chết: Ghi bằng chữ:"), "{text}");
    assert!(text.contains("Nguyên nhân chết: Giấy báo tử"), "{text}");
}

#[test]
fn a_birth_extract_is_not_printed_for_a_death() {
    let error = common::prepare(&common::death(), DocumentKind::BirthExtract).unwrap_err();
    assert_eq!(error.code(), "wrong_document");
}

/// Approximate vertical extent of a line of text: descenders and stacked
/// marks above capitals (Ặ, Ỗ) included.
fn text_box(mark: &Mark) -> Option<(f32, f32, f32, f32)> {
    let Mark::Text {
        x, y, size, width, ..
    } = mark
    else {
        return None;
    };
    let em = size * 25.4 / 72.0;
    Some((*x, y - 0.25 * em, x + width, y + 0.85 * em))
}

#[test]
fn lines_never_overlap_and_stay_inside_the_margins() {
    let mut long = common::birth();
    let b = long.current.birth.as_mut().unwrap();
    b.child_name =
        "Tôn Nữ Hoàng Thị Ngọc Hằng Phương Thảo Quỳnh Như Ý Uyên Ương Diễm Lệ Thị".into();
    b.birth_place = "Bệnh viện Đa khoa Trung ương Thái Nguyên, số 479 đường Lương Ngọc Quyến, phường Phan Đình Phùng, tỉnh Thái Nguyên, khoa Sản, phòng sinh số 3".into();
    let mut cases: Vec<Prepared> = DocumentKind::ALL
        .into_iter()
        .map(common::prepared)
        .collect();
    cases.push(common::prepare(&long, DocumentKind::BirthCertificate).unwrap());
    for prepared in cases {
        let marks = prepared.pages().unwrap().remove(0);
        let boxes: Vec<_> = marks.iter().filter_map(text_box).collect();
        for (x1, y1, x2, y2) in &boxes {
            assert!(
                *x1 >= MARGIN_LEFT - 0.01 && *x2 <= PAGE_WIDTH - MARGIN_RIGHT + 0.01,
                "outside: {x1}..{x2}"
            );
            assert!(
                *y1 >= MARGIN_BOTTOM && *y2 <= PAGE_HEIGHT - MARGIN_TOP + 1.0,
                "outside: {y1}..{y2}"
            );
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart = a.2 <= b.0 + 0.01
                    || b.2 <= a.0 + 0.01
                    || a.3 <= b.1 + 0.01
                    || b.3 <= a.1 + 0.01;
                assert!(
                    apart,
                    "{a:?} overlaps {b:?} in {}",
                    prepared.extract.title()
                );
            }
        }
        // The QR code stays clear of every line of text.
        let qr: Vec<_> = qr_squares(&marks)
            .into_iter()
            .map(|(x, y, width, height)| (x, y, x + width, y + height))
            .collect();
        for q in &qr {
            for t in &boxes {
                assert!(
                    q.2 <= t.0 || t.2 <= q.0 || q.3 <= t.1 || t.3 <= q.1,
                    "QR {q:?} overlaps text {t:?}"
                );
            }
        }
        // Long names wrap rather than run off the page.
        assert!(marks.iter().any(|m| matches!(
            m,
            Mark::Text {
                face: Face::Bold,
                ..
            }
        )));
    }
}

/// The filled squares of the page (the QR code's) as (x, y, width, height).
fn qr_squares(marks: &[Mark]) -> Vec<(f32, f32, f32, f32)> {
    let square = |mark: &Mark| match *mark {
        Mark::Fill {
            x,
            y,
            width,
            height,
        } => Some((x, y, width, height)),
        _ => None,
    };
    marks.iter().filter_map(square).collect()
}

/// The QR squares drawn at `pixels_per_mm`, white around (quiet zone).
fn rasterize(marks: &[Mark], pixels_per_mm: f32) -> (usize, usize, Vec<u8>) {
    let fills = qr_squares(marks);
    let left = fills.iter().map(|f| f.0).fold(f32::MAX, f32::min) - 5.0;
    let bottom = fills.iter().map(|f| f.1).fold(f32::MAX, f32::min) - 5.0;
    let right = fills.iter().map(|f| f.0 + f.2).fold(f32::MIN, f32::max) + 5.0;
    let top = fills.iter().map(|f| f.1 + f.3).fold(f32::MIN, f32::max) + 5.0;
    let w = ((right - left) * pixels_per_mm) as usize;
    let h = ((top - bottom) * pixels_per_mm) as usize;
    let mut pixels = vec![255u8; w * h];
    for (x, y, fw, fh) in fills {
        let px1 = ((x - left) * pixels_per_mm).round() as usize;
        let px2 = ((x + fw - left) * pixels_per_mm).round() as usize;
        let py1 = ((top - (y + fh)) * pixels_per_mm).round() as usize;
        let py2 = ((top - y) * pixels_per_mm).round() as usize;
        for py in py1..py2.min(h) {
            for px in px1..px2.min(w) {
                pixels[py * w + px] = 0;
            }
        }
    }
    (w, h, pixels)
}

fn decode_qr(w: usize, h: usize, grey: &[u8]) -> Vec<String> {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey[y * w + x]);
    image
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().expect("a QR grid that does not decode").1)
        .collect()
}

#[test]
fn the_qr_squares_decode_to_the_payload() {
    for document in DocumentKind::ALL {
        let prepared = prepared(document);
        let (w, h, pixels) = rasterize(&prepared.pages().unwrap().remove(0), 12.0);
        let credential = &prepared.copies[0].credential;
        assert_eq!(decode_qr(w, h, &pixels), std::slice::from_ref(credential));
        let verified = hotich_extract::verify_paper(credential, &common::demo_trust()).unwrap();
        assert_eq!(verified.claims.number, prepared.extract.number);
        assert_eq!(verified.claims.book, prepared.extract.book);
        assert_eq!(verified.claims.issue_date, common::issue_date());
        assert_eq!(verified.code, prepared.code().unwrap());
    }
}

/// Page 1 of a PDF as greyscale pixels, through pdftoppm.
fn rasterize_pdf(pdf: &Path, dpi: u32, out: &Path) -> (usize, usize, Vec<u8>) {
    let status = tool("pdftoppm")
        .args([
            "-r",
            &dpi.to_string(),
            "-png",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(pdf)
        .arg(out.with_extension(""))
        .status()
        .unwrap();
    assert!(status.success());
    read_grey_png(out)
}

fn read_grey_png(path: &Path) -> (usize, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let channels = info.color_type.samples();
    let grey = buffer[..info.buffer_size()]
        .chunks(channels)
        .map(|px| px[0])
        .collect();
    (info.width as usize, info.height as usize, grey)
}

#[test]
fn the_printed_qr_code_decodes_from_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    for document in DocumentKind::ALL {
        let prepared = prepared(document);
        let pdf = write_pdf(dir.path(), document.as_str(), &prepared);
        let png = dir.path().join(format!("{}.png", document.as_str()));
        let (w, h, grey) = rasterize_pdf(&pdf, 200, &png);
        let credential = &prepared.copies[0].credential;
        assert_eq!(decode_qr(w, h, &grey), std::slice::from_ref(credential));
        // zbarimg, where installed, reads it the same way.
        let zbar = Command::new("zbarimg")
            .args(["--raw", "-q"])
            .arg(&png)
            .output();
        if let Some(output) = zbar.ok().filter(|o| o.status.success()) {
            assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), credential);
        }
    }
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Mean absolute difference per pixel, 0-255.
fn mean_difference(a: &[u8], b: &[u8]) -> f64 {
    let total: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.len().max(1) as f64
}

#[test]
fn pages_match_the_golden_images() {
    let dir = tempfile::tempdir().unwrap();
    let bless = std::env::var_os("HOTICH_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for document in DocumentKind::ALL {
        let prepared = prepared(document);
        let pdf = write_pdf(dir.path(), document.as_str(), &prepared);
        let name = format!("{}.png", document.as_str());
        let rendered = dir.path().join(&name);
        let (w, h, grey) = rasterize_pdf(&pdf, 50, &rendered);
        let golden = golden_dir().join(&name);
        if bless {
            std::fs::create_dir_all(golden_dir()).unwrap();
            std::fs::copy(&rendered, &golden).unwrap();
            continue;
        }
        assert!(
            golden.exists(),
            "{} missing: run with HOTICH_BLESS=1 once",
            golden.display()
        );
        let (gw, gh, expected) = read_grey_png(&golden);
        assert_eq!((w, h), (gw, gh), "{name}: page size changed");
        let difference = mean_difference(&grey, &expected);
        // Anti-aliasing may move by a level between poppler builds; a moved
        // line or a changed word moves hundreds of pixels (> 1.0).
        if difference > 0.5 {
            let kept = std::env::temp_dir().join(format!("hotich-golden-actual-{name}"));
            std::fs::copy(&rendered, &kept).unwrap();
            failures.push(format!(
                "{name}: mean difference {difference:.3} (rendered: {})",
                kept.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{failures:#?}\nHOTICH_BLESS=1 rewrites the golden images if the change is intended"
    );
}

#[test]
fn a_changed_word_is_caught_by_the_golden_comparison() {
    // The tolerance above must not hide a change of content.
    let dir = tempfile::tempdir().unwrap();
    let original = prepared(DocumentKind::BirthCertificate);
    let mut changed_registration = common::birth();
    changed_registration
        .current
        .birth
        .as_mut()
        .unwrap()
        .child_name = "Hoàng Thị Ngọc Hương".into();
    let changed = common::prepare(&changed_registration, DocumentKind::BirthCertificate).unwrap();
    let a = rasterize_pdf(
        &write_pdf(dir.path(), "a", &original),
        50,
        &dir.path().join("a.png"),
    );
    let b = rasterize_pdf(
        &write_pdf(dir.path(), "b", &changed),
        50,
        &dir.path().join("b.png"),
    );
    assert!(
        mean_difference(&a.2, &b.2) > 0.5,
        "{}",
        mean_difference(&a.2, &b.2)
    );
}

#[test]
fn a_demo_paper_says_it_has_no_legal_value_in_the_pdf_and_the_preview() {
    let dir = tempfile::tempdir().unwrap();
    let mut prepared = prepared(DocumentKind::BirthExtract);
    let plain = pdf_text(&write_pdf(dir.path(), "plain", &prepared));
    assert!(!plain.contains("DỮ LIỆU MẪU"), "{plain}");
    prepared.watermark = Some(hotich_extract::DEMO_WATERMARK);
    let marked = one_spaced(&pdf_text(&write_pdf(dir.path(), "marked", &prepared)));
    assert_eq!(
        marked.matches(hotich_extract::DEMO_WATERMARK).count(),
        2,
        "top and bottom: {marked}"
    );
    assert_reads_back(&prepared, &marked);
    let preview = prepared.preview().unwrap().svg;
    assert!(preview.contains(hotich_extract::DEMO_WATERMARK));
    for mark in prepared.pages().unwrap().remove(0) {
        if let Mark::Text { x, y, width, .. } = mark {
            assert!(x >= 0.0 && x + width <= PAGE_WIDTH && y > 0.0 && y < PAGE_HEIGHT);
        }
    }
}

/// Every Vietnamese vowel with each of its six tones, and đ, in both cases.
fn every_tone_mark() -> String {
    let mut words = Vec::new();
    for vowels in [
        "aàáảãạ",
        "ăằắẳẵặ",
        "âầấẩẫậ",
        "eèéẻẽẹ",
        "êềếểễệ",
        "iìíỉĩị",
        "oòóỏõọ",
        "ôồốổỗộ",
        "ơờớởỡợ",
        "uùúủũụ",
        "ưừứửữự",
        "yỳýỷỹỵ",
        "đ",
    ] {
        words.push(vowels.to_owned());
        words.push(vowels.to_uppercase());
    }
    words.join(" ")
}

#[test]
fn an_extract_embeds_only_the_glyphs_it_prints_and_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    let mut form = common::death_form();
    let marks = every_tone_mark();
    form.death.as_mut().unwrap().death_place = marks.clone();
    let registration = hotich_core::Registration {
        current: form.clone(),
        original: form,
        ..common::death()
    };
    // Typed decomposed, printed composed: the subset must hold the composed glyphs.
    let prepared = common::prepare(
        &common::decomposed(&registration),
        DocumentKind::DeathExtract,
    )
    .unwrap();
    let pdf = write_pdf(dir.path(), "tones", &prepared);
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 100 * 1024, "one extract is {size} bytes");
    assert!(
        one_spaced(&pdf_text(&pdf)).contains(&marks),
        "tone marks lost"
    );
    // pdffonts: name, type, encoding, emb, sub, uni, object, generation.
    let fonts = tool("pdffonts").arg(&pdf).output().unwrap();
    let listing = String::from_utf8(fonts.stdout).unwrap();
    let faces: Vec<&str> = listing.lines().skip(2).collect();
    assert_eq!(faces.len(), 3, "{listing}");
    for face in faces {
        let columns: Vec<&str> = face.split_whitespace().collect();
        let [emb, sub, uni] = [columns.len() - 5, columns.len() - 4, columns.len() - 3];
        assert!(
            columns[0].contains('+') && [columns[emb], columns[sub], columns[uni]] == ["yes"; 3],
            "not an embedded subset with a Unicode map: {face}"
        );
    }
    // A batch of a hundred papers stays under 2 MB.
    let mut batch_of_100 = prepared.clone();
    batch_of_100.copies = (0..100).map(|_| prepared.copies[0].clone()).collect();
    let batch = render(&batch_of_100).unwrap();
    assert!(
        batch.len() < 2 * 1024 * 1024,
        "100 papers: {} bytes",
        batch.len()
    );
}
