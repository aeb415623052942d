//! What the XML verification benchmarks share (this crate's `verify` and
//! hotich-core's `xml_intake`, which includes this file by `#[path]`): a rate
//! measured for a fixed time, distinct signed death notices of one
//! hospital, and raw RSA-2048 verification on the same machine in the same
//! run, the bar's yardstick.

#![allow(dead_code)] // each bench uses part of it

use std::time::{Duration, Instant};

use chrono::Utc;
use hotich_health::testkit::{self, Algorithms, CertificateSpec, Identity, TestPki};
use hotich_health::{FacilityCertificates, TrustStore, XmlFormat};
use openssl::hash::MessageDigest;
use openssl::sign::{Signer, Verifier};

pub type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub const FACILITY: &str = "79024";

/// How long each rate is measured (`HOTICH_BENCH_SECONDS`, default 3).
fn run_for() -> Duration {
    let seconds = std::env::var("HOTICH_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3.0);
    Duration::from_secs_f64(seconds)
}

/// Runs `step(i)` with i = 0, 1, 2, … for the run time; operations per second.
pub fn rate(mut step: impl FnMut(usize)) -> f64 {
    let run_for = run_for();
    let start = Instant::now();
    let mut count = 0usize;
    while start.elapsed() < run_for {
        for _ in 0..25 {
            step(count);
            count += 1;
        }
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// A hospital of the test PKI, the trust store (with the intermediate's
/// current CRL) and facility map that accept it, and `count` distinct death
/// notices it signed (each its own `Id` and `MA_GBT`).
pub struct Notices {
    pub pki: TestPki,
    pub hospital: Identity,
    pub trust: TrustStore,
    pub facilities: FacilityCertificates,
    pub files: Vec<Vec<u8>>,
}

impl Notices {
    pub fn signed(count: usize) -> BenchResult<Notices> {
        let pki = TestPki::new()?;
        let hospital = pki.facility(&CertificateSpec::facility("Bệnh viện Chợ Rẫy (bench)"))?;
        let mut trust = pki.trust_store()?;
        trust.add_crl(&pki.crl(&[], Utc::now())?)?;
        let mut facilities = FacilityCertificates::default();
        facilities.register(FACILITY, &hospital.sha256());
        let files = (0..count)
            .map(|i| {
                let unsigned = testkit::death_notice_xml(&format!("Id-bench-{i:05}"), FACILITY)
                    .replace(
                        "<MA_GBT>00004.GBT.",
                        &format!("<MA_GBT>{:05}.GBT.", 10_000 + i),
                    );
                testkit::sign(
                    &unsigned,
                    XmlFormat::Hsdlgbt,
                    &hospital,
                    Algorithms::default(),
                )
                .map(String::into_bytes)
            })
            .collect::<Result<_, _>>()?;
        Ok(Notices {
            pki,
            hospital,
            trust,
            facilities,
            files,
        })
    }

    pub fn file(&self, i: usize) -> &[u8] {
        &self.files[i % self.files.len()]
    }
}

/// Raw RSA-2048 PKCS#1 v1.5 SHA-256 verifications per second with `signer`'s
/// key (a fresh verifier each time, over 700 bytes: about a SignedInfo).
pub fn raw_rsa_rate(signer: &Identity) -> BenchResult<f64> {
    let message = vec![0x5au8; 700];
    let mut signing = Signer::new(MessageDigest::sha256(), &signer.key)?;
    signing.update(&message)?;
    let signature = signing.sign_to_vec()?;
    let public = openssl::pkey::PKey::public_key_from_pem(&signer.key.public_key_to_pem()?)?;
    Ok(rate(|_| {
        let verified = Verifier::new(MessageDigest::sha256(), &public)
            .and_then(|mut v| v.update(&message).and_then(|()| v.verify(&signature)));
        assert!(matches!(verified, Ok(true)));
    }))
}

/// `rate` in notices per second, and as a share of `rsa` (per cent).
pub fn beside(rate: f64, rsa: f64) -> String {
    format!("{rate:>8.0} /s = {:>3.0} % of raw RSA", rate / rsa * 100.0)
}
