//! Verify + read XML death notices per second on one core, beside raw
//! RSA-2048 PKCS#1 v1.5 SHA-256 verification in the same run.
//! Bar: at least 1,000 notices/s and at least 50 % of the raw RSA rate.
//!
//! `cargo bench -p hotich-health --bench verify` (or `cargo test
//! --bench verify` for a quick run of the same code).

use std::time::{Duration, Instant};

use chrono::Utc;
use hotich_health::testkit::{CertificateSpec, TestPki};
use hotich_health::{verify_and_read, FacilityCertificates, Receipt};
use openssl::hash::MessageDigest;
use openssl::sign::{Signer, Verifier};

const RUN_FOR: Duration = Duration::from_secs(3);

/// Runs `step` repeatedly for RUN_FOR; returns operations per second.
fn rate(mut step: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < RUN_FOR {
        for _ in 0..50 {
            step();
        }
        count += 50;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let pki = TestPki::new()?;
    let hospital = pki.facility(&CertificateSpec::facility("Bệnh viện Chợ Rẫy (bench)"))?;
    let mut trust = pki.trust_store()?;
    trust.add_crl(&pki.crl(&[], Utc::now())?)?;
    let mut facilities = FacilityCertificates::default();
    facilities.register("79024", &hospital.sha256());
    let signed = hotich_health::testkit::sign(
        &hotich_health::testkit::death_notice_xml("Id-bench-0001", "79024"),
        hotich_health::XmlFormat::Hsdlgbt,
        &hospital,
        hotich_health::testkit::Algorithms::default(),
    )?;
    let bytes = signed.as_bytes();
    let receipt = Receipt {
        trust: &trust,
        facilities: &facilities,
        sender_facility: Some("79024"),
        at: Utc::now(),
    };
    verify_and_read(bytes, &receipt)?;

    let notices_per_second = rate(|| {
        let verified = verify_and_read(bytes, &receipt);
        assert!(verified.is_ok());
    });

    // Where the time goes: the reader alone, the certificate checks alone.
    let read_per_second = rate(|| {
        assert!(hotich_health::read_unverified(bytes).is_ok());
    });
    let signer_der = hospital.certificate_der();
    let trust_per_second = rate(|| {
        assert!(trust.validate(&signer_der, &[], receipt.at).is_ok());
    });

    let message = vec![0x5au8; 700];
    let mut signer = Signer::new(MessageDigest::sha256(), &hospital.key)?;
    signer.update(&message)?;
    let signature = signer.sign_to_vec()?;
    let public = openssl::pkey::PKey::public_key_from_pem(&hospital.key.public_key_to_pem()?)?;
    let raw_rsa_per_second = rate(|| {
        let mut verifier = Verifier::new(MessageDigest::sha256(), &public).expect("verifier");
        verifier.update(&message).expect("update");
        assert!(verifier.verify(&signature).expect("verify"));
    });

    let share = notices_per_second / raw_rsa_per_second * 100.0;
    println!(
        "death notices verified + read: {notices_per_second:>10.0} /s ({} bytes each)",
        bytes.len()
    );
    println!("  of which reading alone: {read_per_second:>10.0} /s; certificate checks alone: {trust_per_second:>10.0} /s");
    println!("raw RSA-2048 PKCS#1 v1.5 SHA-256 verifications: {raw_rsa_per_second:>10.0} /s");
    println!("share of the raw RSA rate: {share:.0} %");
    println!(
        "bar (>= 1,000/s and >= 50 %): {}",
        if notices_per_second >= 1000.0 && share >= 50.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}
