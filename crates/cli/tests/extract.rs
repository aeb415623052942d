//! Extracts through the real `hotich` binary: print a death extract to a
//! PDF as the signed-in officer, see it (and its reprint) in the print log,
//! verify the paper's code, then see verification fail once the register
//! row is edited behind the app's back.

mod common;
use common::{json, ok, run_as};

use std::process::Output;

use hotich_protocol::samples::death;

fn failed(output: Output) -> String {
    assert!(
        !output.status.success(),
        "should have failed: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_printed_death_extract_is_logged_verified_and_caught_when_tampered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotich.db");
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    assert_eq!(common::office_with(dir.path(), &[death()]), db);
    let run = |user: &str, args: &[&str]| run_as(&db, user, args);
    let cases = json(&ok(run("lan", &["cases", "--json"])));
    let case = cases[0]["id"].as_str().unwrap().to_owned();
    let patch = file(
        "fill.json",
        r#"{"requester": {"id_type": "cccd", "id_number": "019196004321", "relationship": "child"}, "signer_name": "Phạm Văn Lãnh", "signer_title": "Chủ tịch"}"#
            .as_bytes(),
    );
    ok(run("lan", &["register", &case, "--from-json", &patch]));

    let pdf = dir.path().join("trich-luc.pdf");
    let pdf_arg = pdf.to_str().unwrap();
    // Lan prints the death extract to the PDF, with `more` arguments.
    let print_to_pdf = |more: &[&str]| {
        let extract = [
            "extract",
            &case,
            "--kind",
            "death-extract",
            "--out",
            pdf_arg,
        ];
        run("lan", &[&extract[..], more].concat())
    };
    let printed = json(&ok(print_to_pdf(&["--copies", "2", "--json"])));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    assert_eq!(printed["copies"], 2);
    assert_eq!(printed["reprint"], false);
    assert_eq!(printed["officer_username"], "lan");
    // Each copy has its own code; a reprint has new ones.
    let codes: Vec<String> = printed["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 2, "{printed}");
    assert_ne!(codes[0], codes[1]);
    let code = codes[0].clone();
    let again = ok(print_to_pdf(&[]));
    assert!(
        again.contains("in lại") && !again.contains(&code),
        "{again}"
    );

    // A birth paper is not printed for a death, and nothing is logged.
    let wrong = failed(run(
        "lan",
        &[
            "extract",
            &case,
            "--kind",
            "birth-certificate",
            "--out",
            pdf_arg,
        ],
    ));
    assert!(wrong.contains("không in cho đăng ký khai tử"), "{wrong}");

    let log = json(&ok(run("lanhdao", &["print-log", "--json"])));
    let reprints: Vec<bool> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reprint"].as_bool().unwrap())
        .collect();
    assert_eq!(reprints, [true, false]);
    assert!(failed(run("lan", &["print-log"])).contains("chỉ lãnh đạo"));

    // Anyone can verify: no password needed.
    let verify = |code: &str| {
        common::hotich_binary()
            .arg("--db")
            .arg(&db)
            .args(["verify-extract", code])
            .output()
            .unwrap()
    };
    let matches = ok(verify(&code));
    assert!(matches.contains("Khớp"), "{matches}");
    assert!(failed(verify("AAAA-BBBB-CCCC-DDDD")).contains("Không có giấy tờ nào"));

    let conn = common::raw_connection(&db);
    conn.execute_batch(
        "DROP TRIGGER registration_never_updated;
         UPDATE registration SET form = json_set(form, '$.death.full_name', 'Đặng Văn Ngũ');",
    )
    .unwrap();
    let differs = failed(verify(&code));
    assert!(
        differs.contains("Không khớp") && differs.contains("Họ, chữ đệm, tên"),
        "{differs}"
    );
    assert!(differs.contains("ĐẶNG VĂN NGŨ"), "{differs}");
}
