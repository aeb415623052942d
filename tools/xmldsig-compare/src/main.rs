//! XMLDSig verification rates of one hospital's signed death notices
//! (`HSDLGBT`, two references, RSA-2048 SHA-256), on one core, in one run:
//! Hotich's pipeline (libxmlsec1 through the `xmlsec` crate, with the
//! structure checks, the certificate path and the reading), the pure-Rust
//! `bergshamra` and `xml-sec` (the signature alone, with the hospital's key
//! given), RustCrypto's `rsa` alone (the RSA under `bergshamra`), and raw
//! RSA-2048 PKCS#1 v1.5 SHA-256 verification with OpenSSL, the issue's
//! yardstick. Prints figures, asserts only that each verifies.
//!
//!   cargo run --release --manifest-path tools/xmldsig-compare/Cargo.toml
//!
//! `HOTICH_BENCH_SECONDS` (default 3) per rate.

use std::time::{Duration, Instant};

use chrono::Utc;
use hotich_health::testkit::{self, Algorithms, CertificateSpec, TestPki};
use hotich_health::{FacilityCertificates, Receipt, XmlFormat};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::{Signer, Verifier};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const FACILITY: &str = "79024";
const DISTINCT: usize = 64;

fn main() -> Result<()> {
    let pki = TestPki::new()?;
    let hospital = pki.facility(&CertificateSpec::facility("Bệnh viện Chợ Rẫy (so sánh)"))?;
    let ids: Vec<String> = (0..DISTINCT).map(|i| format!("Id-bench-{i:05}")).collect();
    let files = ids
        .iter()
        .map(|id| {
            let unsigned = testkit::death_notice_xml(id, FACILITY);
            testkit::sign(
                &unsigned,
                XmlFormat::Hsdlgbt,
                &hospital,
                Algorithms::default(),
            )
        })
        .collect::<std::result::Result<Vec<String>, _>>()?;
    let certificate_der = hospital.certificate_der();
    let public_key_der = hospital.key.public_key_to_der()?;

    let raw_rsa = raw_rsa_rate(&hospital.key, &public_key_der)?;
    let rust_crypto_rsa = rust_crypto_rsa_rate(&hospital.key, &public_key_der)?;

    let mut trust = pki.trust_store()?;
    trust.add_crl(&pki.crl(&[], Utc::now())?)?;
    let mut facilities = FacilityCertificates::default();
    facilities.register(FACILITY, &hospital.sha256());
    let receipt = Receipt {
        trust: &trust,
        facilities: &facilities,
        sender_facility: Some(FACILITY),
        at: Utc::now(),
    };
    let hotich =
        rate(|i| hotich_health::verify_and_read(files[i % DISTINCT].as_bytes(), &receipt).is_ok());

    let bergshamra = bergshamra_rate(&files, &certificate_der)?;
    let xml_sec = xml_sec_rate(&files, &ids, &public_key_der)?;

    let line = |what: &str, per_second: f64| {
        println!(
            "  {what:<58} {per_second:>7.0} /s = {:>3.0} % of raw RSA, {:>6.1} µs each",
            per_second / raw_rsa * 100.0,
            1e6 / per_second
        )
    };
    println!(
        "{DISTINCT} distinct death notices of {} bytes, one core:",
        files[0].len()
    );
    line(
        "Hotich verify_and_read (libxmlsec1 + checks + reading)",
        hotich,
    );
    line(
        "bergshamra 0.11 verify (signature only, key given)",
        bergshamra,
    );
    line("xml-sec 0.4 verify (signature only, key given)", xml_sec);
    line(
        "RustCrypto rsa 0.10 verification (bergshamra's RSA)",
        rust_crypto_rsa,
    );
    println!(
        "  {:<58} {raw_rsa:>7.0} /s",
        "raw RSA-2048 verifications (OpenSSL):"
    );
    Ok(())
}

/// Runs `step(i)`, i = 0, 1, 2, …, for the run time; steps per second.
/// Panics if a step says no: a rate of failures means nothing.
fn rate(mut step: impl FnMut(usize) -> bool) -> f64 {
    let run_for = Duration::from_secs_f64(
        std::env::var("HOTICH_BENCH_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3.0),
    );
    let start = Instant::now();
    let mut count = 0;
    while start.elapsed() < run_for {
        for _ in 0..25 {
            assert!(step(count), "step {count} did not verify");
            count += 1;
        }
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// As the verify bench measures it: a fresh verifier over 700 bytes (about
/// a SignedInfo) each time.
fn raw_rsa_rate(key: &PKey<openssl::pkey::Private>, public_key_der: &[u8]) -> Result<f64> {
    let message = vec![0x5au8; 700];
    let mut signer = Signer::new(MessageDigest::sha256(), key)?;
    signer.update(&message)?;
    let signature = signer.sign_to_vec()?;
    let public = PKey::public_key_from_der(public_key_der)?;
    Ok(rate(|_| {
        Verifier::new(MessageDigest::sha256(), &public)
            .and_then(|mut v| v.update(&message).and_then(|()| v.verify(&signature)))
            .unwrap_or(false)
    }))
}

/// The same signature over the same 700 bytes, verified by RustCrypto's
/// `rsa`, the RSA under bergshamra's verification.
fn rust_crypto_rsa_rate(key: &PKey<openssl::pkey::Private>, public_key_der: &[u8]) -> Result<f64> {
    use rsa::pkcs1v15::Pkcs1v15Sign;
    use rsa::pkcs8::DecodePublicKey;
    use sha2::{Digest, Sha256};
    let message = vec![0x5au8; 700];
    let mut signer = Signer::new(MessageDigest::sha256(), key)?;
    signer.update(&message)?;
    let signature = signer.sign_to_vec()?;
    let public = rsa::RsaPublicKey::from_public_key_der(public_key_der)?;
    Ok(rate(|_| {
        let hashed = Sha256::digest(&message);
        public
            .verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, &signature)
            .is_ok()
    }))
}

/// Only the hospital's certificate is a key (`trusted_keys_only`); the
/// permissive context because its strict mode wants each reference's target
/// to be the root, an ancestor or a sibling of the Signature, which the
/// official two-reference profile's record and Object are not.
fn bergshamra_rate(files: &[String], certificate_der: &[u8]) -> Result<f64> {
    use bergshamra::dsig::verify::{verify, VerifyResult};
    let mut keys = bergshamra::keys::KeysManager::new();
    keys.add_key(bergshamra::keys::loader::load_x509_cert_der(
        certificate_der,
    )?);
    let context = bergshamra::dsig::DsigContext::new_permissive(keys).with_trusted_keys_only(true);
    Ok(rate(|i| {
        matches!(
            verify(&context, &files[i % DISTINCT]),
            Ok(VerifyResult::Valid { .. })
        )
    }))
}

/// With the record's element as the expected target, so a valid signature
/// over something else would not count.
fn xml_sec_rate(files: &[String], ids: &[String], public_key_der: &[u8]) -> Result<f64> {
    use xml_sec::api::Operation;
    use xml_sec::policy::{PolicyCompileContext, PolicyCompiler, PolicyProfile};
    use xml_sec::provider::RustCryptoProvider;
    use xml_sec::xmldsig::{SignatureAlgorithm, VerificationKey, VerificationRequest};
    use xml_sec::XmlSecurity;

    let provider = RustCryptoProvider;
    let policies = PolicyCompiler::new(PolicyProfile::Modern, &provider, None)?.compile(
        &PolicyCompileContext {
            external_resources: false,
            target_evidence: true,
        },
    )?;
    let security = XmlSecurity::new(&policies, &provider)?;
    let key = VerificationKey {
        algorithm: SignatureAlgorithm::RsaSha256,
        public_key_bytes: public_key_der.to_vec(),
        certificate_der: None,
        name: None,
    };
    let accepted = |i: usize| -> Result<bool> {
        let document = security.parse_document(files[i % DISTINCT].clone(), Operation::Verify)?;
        let target = document
            .with_view(|view| view.node_for_id(&ids[i % DISTINCT], &[]))
            .ok_or("the record's Id is absent or ambiguous")?;
        let evidence = security.verifier()?.key(&key).verify(
            &document,
            &VerificationRequest {
                expected_targets: &[target],
                ..Default::default()
            },
        )?;
        Ok(evidence.accepted(&document)?)
    };
    Ok(rate(|i| accepted(i).unwrap_or(false)))
}
