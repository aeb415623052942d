//! The two implementations agree: files Hotich's test signer makes verify
//! with the `xmlsec1` command-line tool (Debian package `xmlsec1`), and files
//! the tool signs are accepted by `verify_and_read`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, outcome, FACILITY_A, RECORD_ID};
use hotich_health::testkit::{self, Algorithms};
use hotich_health::XmlFormat;

/// The three shapes: format, unsigned file, the record element xmlsec1 must treat `Id` on as an ID.
fn shapes() -> [(XmlFormat, String, Option<&'static str>); 3] {
    [
        (
            XmlFormat::Hsdlgbt,
            testkit::death_notice_xml(RECORD_ID, FACILITY_A),
            Some("GIAYBAOTU"),
        ),
        (
            XmlFormat::Hsdlgcs,
            testkit::birth_certificate_xml(RECORD_ID),
            Some("GIAYCHUNGSINH"),
        ),
        (
            XmlFormat::Giamdinhhs,
            testkit::xml130_xml(FACILITY_A, &testkit::xml9_twins_xml()),
            None,
        ),
    ]
}

fn xmlsec1(dir: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new("xmlsec1")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the xmlsec1 tool (Debian package xmlsec1, in scripts/common.sh) runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    std::fs::write(dir.join(name), bytes).expect("write temp file");
    name.to_owned()
}

#[test]
fn files_signed_by_hotich_verify_with_the_xmlsec1_tool() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = write(dir.path(), "root.pem", &f.pki.root.certificate_pem());
    let intermediate = write(
        dir.path(),
        "intermediate.pem",
        &f.pki.intermediate.certificate_pem(),
    );
    for (format, unsigned, record) in shapes() {
        let signed =
            testkit::sign(&unsigned, format, &f.hospital_a, Algorithms::default()).expect("sign");
        let file = write(dir.path(), "signed.xml", signed.as_bytes());
        let mut args = vec![
            "--verify",
            "--trusted-pem",
            &root,
            "--untrusted-pem",
            &intermediate,
        ];
        if let Some(record) = record {
            args.extend(["--id-attr:Id", record]);
        }
        args.push(&file);
        let (ok, stderr) = xmlsec1(dir.path(), &args);
        assert!(ok, "xmlsec1 --verify refused {format:?}: {stderr}");

        // And refuses a changed record, as Hotich does.
        let tampered = signed
            .replace("Nguyễn Thị Hằng", "Nguyễn Văn A")
            .replace("Võ Thị", "Vũ Thị");
        if tampered != signed {
            write(dir.path(), "signed.xml", tampered.as_bytes());
            let (ok, _) = xmlsec1(dir.path(), &args);
            assert!(!ok, "xmlsec1 accepted a changed {format:?}");
        }
    }
}

#[test]
fn files_signed_by_the_xmlsec1_tool_are_accepted() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("temp dir");
    let key = write(dir.path(), "key.pem", &f.hospital_a.key_pem());
    let certificate = write(dir.path(), "cert.pem", &f.hospital_a.certificate_pem());
    let key_and_certificate = format!("{key},{certificate}");
    for (format, unsigned, record) in shapes() {
        // The tool fills an empty X509Data with the signer's certificate.
        let template = testkit::signature_template(
            format,
            RECORD_ID,
            &f.hospital_a,
            "2026-11-30T10:00:00",
            Algorithms::default(),
        );
        let start = template.find("<X509Data>").expect("X509Data");
        let end = template.find("</X509Data>").expect("X509Data end") + "</X509Data>".len();
        let template = format!("{}<X509Data/>{}", &template[..start], &template[end..]);
        let file = write(
            dir.path(),
            "template.xml",
            testkit::with_template(&unsigned, &template)
                .expect("template")
                .as_bytes(),
        );
        let mut args = vec![
            "--sign",
            "--privkey-pem",
            &key_and_certificate,
            "--output",
            "out.xml",
        ];
        if let Some(record) = record {
            args.extend(["--id-attr:Id", record]);
        }
        args.push(&file);
        let (ok, stderr) = xmlsec1(dir.path(), &args);
        assert!(ok, "xmlsec1 --sign failed for {format:?}: {stderr}");
        let signed = std::fs::read_to_string(dir.path().join("out.xml")).expect("signed file");
        let verified = f.verify(&signed);
        assert_eq!(outcome(&verified), "accepted", "{format:?}: {verified:?}");
    }
}
