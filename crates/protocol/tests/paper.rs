//! The paper credential on its own: a signed QR text verifies against a
//! trust file holding the root and the commune's certificate; each way a
//! paper can be false is refused with its own reason.

use std::io::{Read, Write};

use chrono::{DateTime, NaiveDate, Utc};
use coset::{CoseSign1, TaggedCborSerializable};
use hotich_protocol::jws::{Signer, ALG_EDDSA};
use hotich_protocol::paper::certificate::{
    demo_commune_certificate, demo_commune_signer, CERTIFICATE_SCHEMA,
};
use hotich_protocol::paper::{
    code_of_serial, serial_of_code, verify_paper, CommuneCertificate, PaperClaims, PaperDocument,
    PaperRejection, PaperTrust, Serial, QR_PREFIX,
};
use hotich_protocol::trust::{demo_root_signer, DEMO_ROOT_KEY_ID};
use hotich_protocol::PartialDate;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn start() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn claims(commune: &str) -> PaperClaims {
    PaperClaims {
        document: PaperDocument::DeathExtract,
        commune_code: commune.into(),
        book: "01/2026".into(),
        number: 7,
        registration_date: day(2026, 11, 21),
        full_name: "Đặng Văn Ngữ".into(),
        birth_date: Some(PartialDate::Full(day(1948, 4, 5))),
        death_date: Some(day(2026, 11, 10)),
        issue_date: day(2026, 11, 21),
        serial: Serial(*b"0123456789"),
        demo: false,
    }
}

/// What the registry certifies for `signer` of `commune`, valid until `until`.
fn certificate(signer: &Signer, commune: &str, until: DateTime<Utc>) -> CommuneCertificate {
    CommuneCertificate {
        schema: CERTIFICATE_SCHEMA,
        commune_code: commune.into(),
        commune_name: format!("Xã {commune}"),
        province_name: "Tỉnh Thái Nguyên".into(),
        key_id: signer.key_id().into(),
        algorithm: ALG_EDDSA.into(),
        public_key: signer.public_key_b64(),
        valid_from: start(),
        valid_until: until,
        demo: false,
    }
}

/// A root of our own.
fn root() -> Signer {
    Signer::from_label("test registry root", "test-root-1")
}

fn trust(certificates: &[CommuneCertificate]) -> PaperTrust {
    let root = root();
    PaperTrust::new(
        root.key_id(),
        &root.public_key_b64(),
        certificates.iter().map(|c| c.issue(&root)).collect(),
    )
}

fn commune_key(code: &str) -> Signer {
    Signer::from_label(&format!("test commune {code}"), format!("c-{code}-k1"))
}

fn far() -> DateTime<Utc> {
    "2036-01-01T00:00:00Z".parse().unwrap()
}

#[test]
fn a_signed_paper_verifies_with_only_the_trust_file() {
    let key = commune_key("01864");
    let trust = trust(&[certificate(&key, "01864", far())]);
    let text = claims("01864").sign(&key);
    assert!(text.starts_with(QR_PREFIX));
    // Base45 of zlib: the QR's alphanumeric mode, nothing else.
    assert!(text
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c)));
    let verified = verify_paper(&text, &trust).unwrap();
    assert_eq!(verified.claims, claims("01864"));
    assert_eq!(verified.commune_name, "Xã 01864");
    assert_eq!(verified.code, code_of_serial(&claims("01864").serial));
    assert!(!verified.demo);
    // A scanner may add spaces around it.
    assert!(verify_paper(&format!("  {text}\n"), &trust).is_ok());
}

/// The COSE_Sign1 inside a QR text, and the text of a changed one.
fn open(text: &str) -> CoseSign1 {
    let compressed = base45::decode(text.strip_prefix(QR_PREFIX).unwrap()).unwrap();
    let mut cose = Vec::new();
    flate2::read::ZlibDecoder::new(compressed.as_slice())
        .read_to_end(&mut cose)
        .unwrap();
    CoseSign1::from_tagged_slice(&cose).unwrap()
}

fn close(signed: CoseSign1) -> String {
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    zlib.write_all(&signed.to_tagged_vec().unwrap()).unwrap();
    format!("{QR_PREFIX}{}", base45::encode(zlib.finish().unwrap()))
}

#[test]
fn one_changed_byte_of_the_claims_breaks_the_signature() {
    let key = commune_key("01864");
    let trust = trust(&[certificate(&key, "01864", far())]);
    let text = claims("01864").sign(&key);
    let payload = open(&text).payload.unwrap();
    // Every byte position: no change anywhere goes unnoticed.
    for position in 0..payload.len() {
        let mut signed = open(&text);
        let bytes = signed.payload.as_mut().unwrap();
        bytes[position] ^= 0x01;
        let rejection = verify_paper(&close(signed), &trust).unwrap_err();
        assert_eq!(
            rejection.code(),
            "bad_signature",
            "byte {position}: {rejection}"
        );
    }
    // The name made longer by one letter, re-encoded: still refused.
    let mut signed = open(&text);
    let changed = String::from_utf8_lossy(signed.payload.as_ref().unwrap())
        .replace("Ngữ", "Ngữa")
        .into_bytes();
    signed.payload = Some(changed);
    assert!(matches!(
        verify_paper(&close(signed), &trust),
        Err(PaperRejection::BadSignature(_))
    ));
    // The untouched text still verifies (the test changes nothing else).
    assert!(verify_paper(&close(open(&text)), &trust).is_ok());
}

#[test]
fn a_paper_signed_with_another_communes_key_is_refused() {
    let ours = commune_key("01864");
    let theirs = commune_key("00004");
    let trust = trust(&[
        certificate(&ours, "01864", far()),
        certificate(&theirs, "00004", far()),
    ]);
    let rejection = verify_paper(&claims("01864").sign(&theirs), &trust).unwrap_err();
    assert_eq!(
        rejection,
        PaperRejection::WrongCommune {
            claimed: "01864".into(),
            signer: "00004".into()
        }
    );
}

#[test]
fn a_key_the_trust_file_does_not_hold_is_refused() {
    let key = commune_key("01864");
    let stranger = commune_key("01864-other");
    let trust_file = trust(&[certificate(&key, "01864", far())]);
    let rejection = verify_paper(&claims("01864").sign(&stranger), &trust_file).unwrap_err();
    assert_eq!(
        rejection,
        PaperRejection::UnknownKey("c-01864-other-k1".into())
    );
    // A certificate another root signed does not count either.
    let other_root = Signer::from_label("someone else's root", "test-root-1");
    let mut forged = trust_file.clone();
    forged
        .certificates
        .push(certificate(&stranger, "01864", far()).issue(&other_root));
    assert_eq!(
        verify_paper(&claims("01864").sign(&stranger), &forged).unwrap_err(),
        PaperRejection::UnknownKey("c-01864-other-k1".into())
    );
}

#[test]
fn a_paper_issued_after_the_certificate_expired_is_refused() {
    let key = commune_key("01864");
    let until = "2026-06-30T23:59:59Z".parse().unwrap();
    let trust = trust(&[certificate(&key, "01864", until)]);
    let rejection = verify_paper(&claims("01864").sign(&key), &trust).unwrap_err();
    assert_eq!(rejection.code(), "certificate_expired");
    // Issued while the certificate held: valid, even if it has expired since.
    let earlier = PaperClaims {
        issue_date: day(2026, 6, 30),
        ..claims("01864")
    };
    assert!(verify_paper(&earlier.sign(&key), &trust).is_ok());
}

#[test]
fn what_is_not_a_signed_paper_says_so() {
    let key = commune_key("01864");
    let trust = trust(&[certificate(&key, "01864", far())]);
    for (text, code) in [
        ("https://example.com", "not_a_paper"),
        (
            "HOTICH-TL1|ABCD|x|birth-extract|2026-11-21|00",
            "not_a_paper",
        ),
        ("HT1:%%%", "malformed"),
        ("HT1:", "malformed"),
    ] {
        let rejection = verify_paper(text, &trust).unwrap_err();
        assert_eq!(rejection.code(), code, "{text}: {rejection}");
    }
    let too_long = format!("{QR_PREFIX}{}", "A".repeat(5_000));
    assert_eq!(
        verify_paper(&too_long, &trust).unwrap_err().code(),
        "not_a_paper"
    );
}

#[test]
fn the_demo_commune_key_is_certified_by_the_demo_root_and_says_demo() {
    let root = demo_root_signer();
    let trust = PaperTrust::new(
        DEMO_ROOT_KEY_ID,
        &root.public_key_b64(),
        vec![demo_commune_certificate(
            "01864",
            "Xã Bằng Thành",
            "Tỉnh Thái Nguyên",
            start(),
        )],
    );
    assert!(trust.is_demo_root());
    let verified =
        verify_paper(&claims("01864").sign(&demo_commune_signer("01864")), &trust).unwrap();
    assert!(verified.demo, "a demo certificate marks every paper demo");
    assert_eq!(verified.commune_name, "Xã Bằng Thành");
}

#[test]
fn a_code_reads_back_to_its_serial_however_it_is_typed() {
    let serial = Serial([0xA5; 10]);
    let code = code_of_serial(&serial);
    assert_eq!(code.len(), 19);
    assert_eq!(serial_of_code(&code), Some(serial));
    assert_eq!(
        serial_of_code(&code.to_lowercase().replace('-', " ")),
        Some(serial)
    );
    assert_eq!(serial_of_code("ABCD-EFGH"), None);
}

#[test]
fn a_key_the_registry_revoked_is_refused_though_its_certificate_holds() {
    let key = commune_key("01864");
    let mut trust = trust(&[certificate(&key, "01864", far())]);
    let text = claims("01864").sign(&key);
    assert!(verify_paper(&text, &trust).is_ok());
    trust.revoked.push(key.key_id().to_owned());
    let refused = verify_paper(&text, &trust).unwrap_err();
    assert_eq!(refused, PaperRejection::KeyRevoked("c-01864-k1".into()));
    assert_eq!(refused.code(), "key_revoked");
    // The trust file says so in JSON, and reads back the same.
    let json = serde_json::to_string(&trust).unwrap();
    assert!(json.contains("\"revoked\":[\"c-01864-k1\"]"), "{json}");
    assert_eq!(serde_json::from_str::<PaperTrust>(&json).unwrap(), trust);
}
