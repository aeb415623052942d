//! The signed paper end to end through the real `hotich` binary (issue 17):
//! register a birth and a death, print the Giấy khai sinh and the Trích lục
//! khai tử to PDF, render each with poppler's `pdftoppm` at 300 and at 150
//! dpi, read the QR from the PNG (rqrr here, `zbarimg` agreeing), and verify
//! it with `hotich verify-paper` on a machine that holds only the exported
//! trust file: no database at all.

mod common;
use common::{json, ok, refused, run_as};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hotich_protocol::samples::{birth, death};
use serde_json::Value;

/// `hotich` with no database anywhere: `--db` names a file in an empty
/// folder, which verify-paper with `--trust` must never create.
fn on_a_fresh_machine(empty: &Path, args: &[&str]) -> Output {
    common::hotich_binary()
        .env_remove("HOTICH_DB")
        .env("HOME", empty)
        .env("XDG_DATA_HOME", empty)
        .arg("--db")
        .arg(empty.join("never.db"))
        .args(args)
        .output()
        .unwrap()
}

fn rasterize(pdf: &Path, dpi: u32) -> PathBuf {
    let root = pdf.with_extension(format!("{dpi}"));
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success(), "pdftoppm {}", pdf.display());
    root.with_extension(format!("{dpi}.png"))
}

fn qr_texts(png_file: &Path) -> Vec<String> {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_file).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let grey: Vec<u8> = buffer[..info.buffer_size()]
        .chunks(channels)
        .map(|px| px[0])
        .collect();
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey[y * w + x]);
    image
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().unwrap().1)
        .collect()
}

fn zbarimg(png_file: &Path) -> String {
    let output = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(png_file)
        .output()
        .expect("zbarimg (Debian zbar-tools) is installed by scripts/test.sh");
    assert!(output.status.success(), "zbarimg {}", png_file.display());
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_printed_paper_verifies_from_its_scanned_qr_with_only_the_trust_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::office_with(dir.path(), &[birth(), death()]);
    let run = |user: &str, args: &[&str]| run_as(&db, user, args);
    let cases = json(&ok(run("lan", &["cases", "--json"])));
    let case_of = |kind: &str| -> String {
        let found = cases.as_array().unwrap().iter().find(|c| c["type"] == kind);
        found.unwrap()["id"].as_str().unwrap().to_owned()
    };
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let death_fill = file(
        "death.json",
        r#"{"requester": {"id_type": "cccd", "id_number": "019196004321", "relationship": "child"}, "signer_name": "Phạm Văn Lãnh", "signer_title": "Chủ tịch"}"#,
    );
    let birth_fill = file(
        "birth.json",
        r#"{"requester": {"id_type": "cccd", "id_number": "019196004321", "relationship": "mother"},
            "signer_name": "Phạm Văn Lãnh", "signer_title": "Chủ tịch",
            "birth": {"native_place": "Xã Bằng Thành, tỉnh Thái Nguyên",
                      "father": {"full_name": "Ma Văn Dũng", "birth_year": 1994, "ethnicity": "Tày",
                                 "nationality": "Việt Nam", "residence": "Xã Bằng Thành, tỉnh Thái Nguyên"}}}"#,
    );
    let registered = |kind: &str, fill: &str| -> Value {
        let case = case_of(kind);
        json(&ok(run(
            "lan",
            &["register", &case, "--from-json", fill, "--json"],
        )))
    };
    let registrations = [
        ("birth-certificate", registered("birth", &birth_fill)),
        ("death-extract", registered("death", &death_fill)),
    ];

    // The checker's machine gets the trust file and nothing else.
    let checker = tempfile::tempdir().unwrap();
    let trust = checker.path().join("tin-cay.json");
    let trust_arg = trust.to_str().unwrap();
    ok(run("lan", &["trust", "export", "--out", trust_arg]));

    for (document, registration) in &registrations {
        let id = registration["id"].as_str().unwrap();
        let pdf = dir.path().join(format!("{document}.pdf"));
        let pdf_arg = pdf.to_str().unwrap();
        let printed = json(&ok(run(
            "lan",
            &[
                "extract", id, "--kind", document, "--out", pdf_arg, "--json",
            ],
        )));
        let code = printed["codes"][0].as_str().unwrap();
        let form = &registration["current"];
        let (name, birth_date, death_date) = match *document {
            "birth-certificate" => (
                form["birth"]["child_name"].as_str().unwrap(),
                form["birth"]["birth_date"].as_str(),
                None,
            ),
            _ => (
                form["death"]["full_name"].as_str().unwrap(),
                form["death"]["birth_date"].as_str(),
                form["death"]["death_date"].as_str(),
            ),
        };

        for dpi in [300, 150] {
            let png_file = rasterize(&pdf, dpi);
            let texts = qr_texts(&png_file);
            assert_eq!(texts.len(), 1, "{document} at {dpi} dpi: {texts:?}");
            assert!(texts[0].starts_with("HT1:"), "{}", texts[0]);
            assert_eq!(zbarimg(&png_file), texts[0], "{document} at {dpi} dpi");

            for input in [texts[0].as_str(), png_file.to_str().unwrap()] {
                let check = json(&ok(on_a_fresh_machine(
                    checker.path(),
                    &["verify-paper", input, "--trust", trust_arg, "--json"],
                )));
                let paper = &check["paper"];
                let claims = &paper["claims"];
                assert_eq!(claims["document"], *document, "{check}");
                assert_eq!(claims["full_name"].as_str(), Some(name), "{check}");
                assert_eq!(claims["birth_date"].as_str(), birth_date, "{check}");
                assert_eq!(claims["death_date"].as_str(), death_date, "{check}");
                assert_eq!(claims["number"], registration["number"], "{check}");
                assert_eq!(claims["book"], registration["book"], "{check}");
                assert_eq!(paper["code"].as_str(), Some(code), "{check}");
                assert_eq!(paper["commune_name"], "Xã Bằng Thành", "{check}");
                assert_eq!(paper["demo"], true, "a demo office's paper says so");
            }
        }
        // The PDF itself, as a checker sent it by mail.
        let said = ok(on_a_fresh_machine(
            checker.path(),
            &["verify-paper", pdf_arg, "--trust", trust_arg],
        ));
        assert!(
            said.contains("Chữ ký hợp lệ") && said.contains(code),
            "{said}"
        );
        assert!(said.contains("DỮ LIỆU MẪU"), "{said}");
    }
    assert!(
        std::fs::read_dir(checker.path())
            .unwrap()
            .all(|entry| entry.unwrap().file_name() == "tin-cay.json"),
        "verify-paper with --trust made no database"
    );

    // Tampered: one letter of the QR text changed, on the same fresh machine.
    let pdf = dir.path().join("death-extract.pdf");
    let text = qr_texts(&rasterize(&pdf, 300)).remove(0);
    let middle = text.len() / 2;
    let swapped = if &text[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{swapped}{}", &text[..middle], &text[middle + 1..]);
    let tampered = refused(on_a_fresh_machine(
        checker.path(),
        &["verify-paper", &tampered, "--trust", trust_arg],
    ));
    assert!(
        tampered.contains("(bad_signature)") || tampered.contains("(malformed)"),
        "{tampered}"
    );

    // A trust file without this commune's certificate does not vouch for it.
    let mut other: Value = serde_json::from_slice(&std::fs::read(&trust).unwrap()).unwrap();
    other["certificates"] = Value::Array(Vec::new());
    let empty_trust = file("trust-empty.json", &other.to_string());
    let unknown = refused(on_a_fresh_machine(
        checker.path(),
        &["verify-paper", &text, "--trust", &empty_trust],
    ));
    assert!(unknown.contains("(unknown_key)"), "{unknown}");

    // A picture with no QR says so, naming the file.
    let blank = dir.path().join("blank.png");
    let no_qr = rasterize(&pdf, 20);
    std::fs::copy(&no_qr, &blank).unwrap();
    let nothing = refused(on_a_fresh_machine(
        checker.path(),
        &[
            "verify-paper",
            blank.to_str().unwrap(),
            "--trust",
            trust_arg,
        ],
    ));
    assert!(
        nothing.contains("không tìm thấy mã QR") && nothing.contains("blank.png"),
        "{nothing}"
    );
}
