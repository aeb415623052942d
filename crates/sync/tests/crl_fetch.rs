//! CRLs fetched from the distribution point a facility certificate names,
//! from a real HTTP server on a loopback port (`python3 -m http.server`
//! over a temporary folder), into a real SQLite store: a death notice taken
//! in as "chữ ký hợp lệ, chưa kiểm tra thu hồi" becomes checked, one whose
//! signer the fetched CRL lists is flagged revoked (the case stays for the
//! officer), and the evidence names where the CRL came from.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use chrono::{Duration, Utc};
use hotich_core::x509_trust::CRL_FETCHED_BY;
use hotich_core::{Officer, Store};
use hotich_health::testkit::{self, Algorithms, Identity, TestPki};
use hotich_health::XmlFormat;
use hotich_sync::crl::fetch_crls_blocking;
use openssl::asn1::{Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::extension::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage};
use openssl::x509::{X509Builder, X509Extension};

/// `python3 -m http.server` serving `dir` on a free loopback port; killed on drop.
struct Served {
    child: Child,
    port: u16,
}

impl Served {
    fn folder(dir: &Path) -> Served {
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m http.server");
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout).read_line(&mut line).expect("banner");
        let port = line
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .expect("port in the banner");
        Served { child, port }
    }

    fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `cRLDistributionPoints` with one full-name URI (all lengths short form).
fn distribution_point(url: &str) -> X509Extension {
    let uri = url.as_bytes();
    assert!(uri.len() < 120, "short-form DER lengths only");
    let mut der = vec![0x86, uri.len() as u8];
    der.extend_from_slice(uri);
    for tag in [0xa0, 0xa0, 0x30, 0x30] {
        let mut outer = vec![tag, der.len() as u8];
        outer.extend_from_slice(&der);
        der = outer;
    }
    X509Extension::new_from_der(
        &Asn1Object::from_str("2.5.29.31").unwrap(),
        false,
        &Asn1OctetString::new_from_bytes(&der).unwrap(),
    )
    .unwrap()
}

/// A facility signing certificate from the test intermediate naming `crl_url`.
fn facility_naming(pki: &TestPki, common_name: &str, crl_url: &str) -> Identity {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let issuer = &pki.intermediate;
    let mut name = openssl::x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("C", "VN").unwrap();
    name.append_entry_by_text("CN", common_name).unwrap();
    let name = name.build();
    let mut serial = BigNum::new().unwrap();
    serial.rand(64, MsbOption::MAYBE_ZERO, false).unwrap();
    let mut builder = X509Builder::new().unwrap();
    builder.set_version(2).unwrap();
    builder
        .set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    builder.set_subject_name(&name).unwrap();
    builder
        .set_issuer_name(issuer.certificate.subject_name())
        .unwrap();
    builder.set_pubkey(&key).unwrap();
    let now = Utc::now();
    let not_before = Asn1Time::from_unix((now - Duration::days(30)).timestamp()).unwrap();
    let not_after = Asn1Time::from_unix((now + Duration::days(300)).timestamp()).unwrap();
    builder.set_not_before(&not_before).unwrap();
    builder.set_not_after(&not_after).unwrap();
    builder
        .append_extension(BasicConstraints::new().critical().build().unwrap())
        .unwrap();
    let usage = KeyUsage::new()
        .critical()
        .digital_signature()
        .non_repudiation()
        .build()
        .unwrap();
    builder.append_extension(usage).unwrap();
    let aki = AuthorityKeyIdentifier::new()
        .keyid(true)
        .build(&builder.x509v3_context(Some(&issuer.certificate), None))
        .unwrap();
    builder.append_extension(aki).unwrap();
    builder
        .append_extension(distribution_point(crl_url))
        .unwrap();
    builder.sign(&issuer.key, MessageDigest::sha256()).unwrap();
    Identity {
        key,
        certificate: builder.build(),
    }
}

/// The hospital's facility code, and the death notice it signs (the
/// template's MA_GBT makes the notification id).
const FACILITY: &str = "79024";
const RECORD_ID: &str = "Id-crl-fetch-0001";
const DEATH_ID: &str = "79024-00004.GBT.79024.26";

/// An office trusting the test root and intermediate, with `hospital`
/// registered for FACILITY, holding no CRL; its death notice taken in.
fn office_with_notice(dir: &Path, pki: &TestPki, hospital: &Identity) -> Store {
    let mut store = Store::open(&dir.join("hotich.db"), &hotich_core::StoreKey::demo()).unwrap();
    store.set_commune("01864").unwrap();
    let now = Utc::now();
    let supervisor: Officer = store
        .create_first_supervisor("lanhdao", "Phạm Văn Lãnh", "mật khẩu 2026", now)
        .unwrap();
    let authorities = [
        (pki.root.certificate_pem(), "root.pem"),
        (pki.intermediate.certificate_der(), "issuing.der"),
    ];
    for (bytes, name) in &authorities {
        store
            .add_trust_certificates(&supervisor, bytes, name, now)
            .unwrap();
    }
    let pem = hospital.certificate_pem();
    store
        .add_facility_certificate(&supervisor, FACILITY, &pem, "hospital.pem", now)
        .unwrap();
    let unsigned = testkit::death_notice_xml(RECORD_ID, FACILITY);
    let notice = testkit::sign(
        &unsigned,
        XmlFormat::Hsdlgbt,
        hospital,
        Algorithms::default(),
    )
    .unwrap();
    let summary = store
        .import_bytes(notice.as_bytes(), "notice.xml", now, &mut |_| {})
        .unwrap();
    assert_eq!(summary.imported, 1);
    assert_eq!(revocation(&store), "not_checked");
    store
}

fn revocation(store: &Store) -> String {
    store.received_xml(DEATH_ID).unwrap()[0].revocation.clone()
}

/// The test PKI, a loopback server over an empty folder, and the address of
/// the intermediate's CRL on it (what the facility certificates name).
struct Fixture {
    pki: TestPki,
    served_dir: tempfile::TempDir,
    _server: Served,
    url: String,
}

impl Fixture {
    fn new() -> Fixture {
        let served_dir = tempfile::tempdir().unwrap();
        let server = Served::folder(served_dir.path());
        Fixture {
            pki: TestPki::new().unwrap(),
            url: server.url("issuing.crl"),
            served_dir,
            _server: server,
        }
    }

    /// An office (in `dir`) whose hospital's certificate names the CRL's address.
    fn office(&self, dir: &Path, hospital_name: &str) -> (Identity, Store) {
        let hospital = facility_naming(&self.pki, hospital_name, &self.url);
        let store = office_with_notice(dir, &self.pki, &hospital);
        (hospital, store)
    }

    fn serve_crl(&self, der: &[u8]) {
        std::fs::write(self.served_dir.path().join("issuing.crl"), der).unwrap();
    }
}

#[test]
fn a_crl_fetched_from_the_distribution_point_checks_or_flags_what_waited() {
    let f = Fixture::new();
    let url = &f.url;

    // Office 1: the fetched CRL does not list its hospital.
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = f.office(dir.path(), "Bệnh viện Chợ Rẫy (test)");
    let targets = store.crl_fetch_targets(Utc::now()).unwrap();
    assert_eq!(targets.len(), 1, "{targets:?}");
    assert_eq!(&targets[0].url, url);
    assert!(targets[0].issuer.contains("Hotich Test Issuing CA"));

    // Offline (nothing served yet): reported, nothing stored, still waiting.
    let report = fetch_crls_blocking(&mut store, Utc::now()).unwrap();
    assert_eq!((report.added.len(), report.failed.len()), (0, 1));
    let failure = &report.failed[0];
    assert_eq!(
        failure.reason,
        hotich_core::FileRefusal::HttpStatus,
        "{report:?}"
    );
    assert_eq!(failure.params["status"], "404");
    assert!(failure.message(hotich_core::Lang::Vi).contains("404"));
    assert_eq!(revocation(&store), "not_checked");

    let nothing_revoked = f.pki.crl(&[], Utc::now()).unwrap();
    f.serve_crl(&nothing_revoked);
    let report = fetch_crls_blocking(&mut store, Utc::now()).unwrap();
    assert_eq!(report.added.len(), 1, "{report:?}");
    assert_eq!((report.recheck.cleared, report.recheck.revoked), (1, 0));
    assert_eq!(revocation(&store), "checked");
    let crl = &store.crls().unwrap()[0];
    assert_eq!(crl.source_url.as_ref(), Some(url));
    assert_eq!(crl.added_by, CRL_FETCHED_BY);
    // The evidence names where the CRL came from.
    let evidence = &store.received_xml(DEATH_ID).unwrap()[0].evidence;
    assert!(
        evidence.contains("distribution_point") && evidence.contains(url.as_str()),
        "{evidence}"
    );
    // In force now: nothing more to fetch; the same CRL again is not newer.
    assert!(store.crl_fetch_targets(Utc::now()).unwrap().is_empty());
    assert!(store
        .add_fetched_crl(&nothing_revoked, url, Utc::now())
        .unwrap()
        .is_none());

    // Office 2: the CRL at the same address now lists its hospital.
    let dir2 = tempfile::tempdir().unwrap();
    let (revoked_hospital, mut store2) = f.office(dir2.path(), "Bệnh viện bị thu hồi (test)");
    f.serve_crl(&f.pki.crl(&[&revoked_hospital], Utc::now()).unwrap());
    let report = fetch_crls_blocking(&mut store2, Utc::now()).unwrap();
    assert_eq!((report.recheck.cleared, report.recheck.revoked), (0, 1));
    assert_eq!(revocation(&store2), "revoked");
    assert_eq!(
        store2.received_xml(DEATH_ID).unwrap().len(),
        1,
        "the case stays for the officer to review"
    );
}

#[test]
fn a_crl_not_signed_by_a_held_ca_is_refused() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = f.office(dir.path(), "Bệnh viện Chợ Rẫy (test)");
    // Same issuer name, another key: not the held intermediate's CRL.
    let stranger = TestPki::new().unwrap();
    f.serve_crl(&stranger.crl(&[], Utc::now()).unwrap());
    let report = fetch_crls_blocking(&mut store, Utc::now()).unwrap();
    assert_eq!(
        (report.added.len(), report.failed.len()),
        (0, 1),
        "{report:?}"
    );
    assert!(store.crls().unwrap().is_empty());
    assert_eq!(revocation(&store), "not_checked");
}
