//! The Giấy khai sinh on the pre-printed blank through the real `hotich`
//! binary: calibrate a printer, save its test page, print on a blank, see a
//! second use of the serial refused, record a spoiled blank, and read both
//! lines in the print log.

mod common;
use common::{hotich_on, init_supervisor, json, ok, refused, SUPERVISOR_PASSWORD};

use std::path::Path;
use std::process::Output;

use hotich_protocol::samples::{birth, facility_signer, sign, trust_list};

#[test]
fn a_birth_certificate_prints_on_a_blank_once_and_a_spoiled_blank_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotich.db");
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    std::fs::write(path("trust.json"), trust_list()).unwrap();
    let signed = String::from_utf8(sign(&birth(), &facility_signer())).unwrap();
    std::fs::write(path("births.json"), format!("[{signed}]")).unwrap();
    std::fs::write(
        path("fill.json"),
        r#"{"requester": {"id_type": "cccd", "id_number": "019196004321", "relationship": "mother"},
            "birth": {"native_place": "Xã Bằng Thành, tỉnh Thái Nguyên", "father": {"birth_year": 1994, "ethnicity": "Tày",
                "nationality": "Việt Nam", "residence": "Thôn Nà Tằng, xã Bằng Thành"}},
            "signer_name": "Phạm Văn Lãnh", "signer_title": "Chủ tịch"}"#,
    )
    .unwrap();
    for args in [
        &["trust", "pin-root", "--demo"][..],
        &["trust", "import", &path("trust.json")],
        &["import", &path("births.json")],
        &["office", "--set", "01864"],
    ] {
        ok(hotich_on(&db).args(args).output().unwrap());
    }
    init_supervisor(&db);
    let cases = json(&ok(run(&db, &["cases", "--json"])));
    let case = cases[0]["id"].as_str().unwrap().to_owned();
    ok(run(
        &db,
        &["register", &case, "--from-json", &path("fill.json")],
    ));

    let calibrate = |x: &str| {
        let offsets = ["--x", x, "--y", "2", "--json"];
        run(
            &db,
            &[
                &["print", "calibrate", "--printer", "Canon LBP"][..],
                &offsets,
            ]
            .concat(),
        )
    };
    assert_eq!(json(&ok(calibrate("-1.5")))["offset_x_mm"], -1.5);
    assert!(refused(calibrate("11")).contains("độ lệch ngang"));
    let test_page = ok(run(
        &db,
        &[
            "print",
            "test-page",
            "--printer",
            "Canon LBP",
            "--out",
            &path("thu.pdf"),
        ],
    ));
    assert!(test_page.contains("-1.5 mm"), "{test_page}");
    assert!(std::fs::read(path("thu.pdf")).unwrap().starts_with(b"%PDF"));

    let print_as = |document: &str, serial: &str| {
        let out = path(&format!("{serial}.pdf"));
        let blank = [
            "--blank",
            serial,
            "--printer",
            "Canon LBP",
            "--out",
            &out,
            "--json",
        ];
        run(
            &db,
            &[&["print", &case, "--document", document][..], &blank].concat(),
        )
    };
    let on_blank = |serial: &str| print_as("birth-certificate", serial);
    let printed = json(&ok(on_blank("ab-0001")));
    assert_eq!(printed["blank_serial"], "AB-0001");
    assert!(std::fs::read(path("ab-0001.pdf"))
        .unwrap()
        .starts_with(b"%PDF"));
    let again = refused(on_blank("AB-0001"));
    assert!(
        again.contains("số seri phôi") && again.contains("đã được in"),
        "{again}"
    );
    let extract_on_blank = refused(print_as("birth-extract", "AB-0009"));
    assert!(
        extract_on_blank.contains("chỉ Giấy khai sinh"),
        "{extract_on_blank}"
    );

    let spoiled = ok(run(
        &db,
        &[
            "print",
            "spoiled",
            "--serial",
            "AB-0002",
            "--reason",
            "Kẹt giấy",
        ],
    ));
    assert!(spoiled.contains("AB-0002"), "{spoiled}");
    assert!(refused(on_blank("AB-0002")).contains("đã được ghi hỏng"));
    // A plain-A4 print of the same paper still works, without a serial.
    ok(run(
        &db,
        &["print", &case, "--out", &path("a4.pdf"), "--copies", "2"],
    ));

    let log = json(&ok(run(&db, &["print-log", "--json"])));
    let lines: Vec<(&str, Option<&str>)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            (
                line["outcome"].as_str().unwrap(),
                line["blank_serial"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("printed", None),
            ("spoiled", Some("AB-0002")),
            ("printed", Some("AB-0001"))
        ]
    );
    let table = ok(run(&db, &["print-log"]));
    assert!(
        table.contains("phôi số AB-0002 hỏng: Kẹt giấy") && table.contains("phôi số AB-0001"),
        "{table}"
    );
}

/// `hotich --today 2026-11-21 <args>` as the supervisor.
fn run(db: &Path, args: &[&str]) -> Output {
    hotich_on(db)
        .args(["--today", "2026-11-21", "--user", "lanhdao"])
        .args(args)
        .env("HOTICH_PASSWORD", SUPERVISOR_PASSWORD)
        .output()
        .unwrap()
}
