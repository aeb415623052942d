//! The official signed XML through the real `hotich` binary: a supervisor
//! trusts the test CA and registers a hospital's certificate, `import`
//! detects each file's format, and `quarantine --json` keeps each refusal's
//! reason.

use std::path::Path;
use std::process::Output;

mod common;

use common::{hotich_on, init_supervisor, json, ok, refused, SUPERVISOR_PASSWORD};
use hotich_health::testkit::{self, Algorithms, CertificateSpec, TestPki};
use hotich_health::XmlFormat;

const RECORD_ID: &str = "Id-5b1f0c8e-3a47-4d2b-9e61-7c0d2a9f4e10";

fn supervisor(db: &Path, args: &[&str]) -> Output {
    hotich_on(db)
        .args(["--user", "lanhdao"])
        .args(args)
        .env("HOTICH_PASSWORD", SUPERVISOR_PASSWORD)
        .output()
        .unwrap()
}

#[test]
fn a_supervisor_trusts_the_ca_and_import_takes_in_each_official_shape() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotich.db");
    init_supervisor(&db);
    let pki = TestPki::new().unwrap();
    let hospital = pki
        .facility(&CertificateSpec::facility("Bệnh viện Chợ Rẫy (test)"))
        .unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    };
    let root = write("root.pem", &pki.root.certificate_pem());
    let issuing = write("issuing.der", &pki.intermediate.certificate_der());
    let hospital_pem = write("hospital.pem", &hospital.certificate_pem());
    let sign = |unsigned: &str, format| {
        testkit::sign(unsigned, format, &hospital, Algorithms::default())
            .unwrap()
            .into_bytes()
    };
    let death = write(
        "gbt.xml",
        &sign(
            &testkit::death_notice_xml(RECORD_ID, "79024"),
            XmlFormat::Hsdlgbt,
        ),
    );
    let birth = write(
        "gcs.xml",
        &sign(
            &testkit::birth_certificate_xml(RECORD_ID),
            XmlFormat::Hsdlgcs,
        ),
    );
    let xml130 = write(
        "xml130.xml",
        &sign(
            &testkit::xml130_xml("79024", &testkit::xml9_twins_xml()),
            XmlFormat::Giamdinhhs,
        ),
    );
    let other_facility = write(
        "gbt-79025.xml",
        &sign(
            &testkit::death_notice_xml(RECORD_ID, "79025"),
            XmlFormat::Hsdlgbt,
        ),
    );

    // Nobody signed in may not change the trust.
    let anonymous = hotich_on(&db)
        .args(["trust", "ca", "add", &root])
        .output()
        .unwrap();
    refused(anonymous);
    ok(supervisor(&db, &["trust", "ca", "add", &root]));
    ok(supervisor(&db, &["trust", "ca", "add", &issuing]));
    let listed = json(&ok(supervisor(&db, &["trust", "ca", "list", "--json"])));
    let roles: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["anchor", "intermediate"]);
    ok(supervisor(
        &db,
        &[
            "trust",
            "facility-cert",
            "add",
            "--facility",
            "79024",
            &hospital_pem,
        ],
    ));
    let facilities = json(&ok(supervisor(
        &db,
        &["trust", "facility-cert", "list", "--json"],
    )));
    assert_eq!(facilities[0]["facility_code"], "79024");
    assert_eq!(facilities[0]["sha256"], hospital.sha256());

    let summary = json(&ok(hotich_on(&db)
        .args(["import", &death, &birth, &xml130, &other_facility, "--json"])
        .output()
        .unwrap()));
    assert_eq!(summary["imported"], 4, "{summary}");
    assert_eq!(summary["quarantined"], 1, "{summary}");
    let again = ok(hotich_on(&db).args(["import", &death]).output().unwrap());
    assert!(again.contains("Đã có: 1"), "{again}");

    let quarantine = json(&ok(hotich_on(&db)
        .args(["quarantine", "--json"])
        .output()
        .unwrap()));
    let rows = quarantine.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["id"].is_i64());
    assert_eq!(rows[0]["reason"], "certificate_wrong_facility");

    // The CRL arrives: the four notifications taken in unchecked are checked now.
    let crl = write("issuing.crl", &pki.crl(&[], chrono::Utc::now()).unwrap());
    let added = json(&ok(supervisor(
        &db,
        &["trust", "crl", "add", &crl, "--json"],
    )));
    assert_eq!(added["recheck"]["cleared"], 4, "{added}");
    let crls = json(&ok(supervisor(&db, &["trust", "crl", "list", "--json"])));
    assert_eq!(crls.as_array().unwrap().len(), 1);

    ok(supervisor(&db, &["trust", "facility-cert", "remove", "1"]));
    let gone = refused(supervisor(&db, &["trust", "facility-cert", "remove", "1"]));
    assert!(gone.contains('1'), "{gone}");
}
