//! The signed paper credential (issue 17): signing and verifying per second
//! (bar: verify < 0.2 ms), and the QR each document prints (version at error
//! correction M, modules, module size at the printed 27 mm), beside the same
//! signed bytes in base64url (the byte mode a JWT would need). Prints
//! figures; asserts nothing.
//!
//! `cargo bench -p hotich-extract --bench paper`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use base64::Engine as _;
use hotich_core::paper::PaperSigner;
use hotich_core::DocumentKind;
use hotich_protocol::paper::{verify_paper, Serial};
use qrcode::{EcLevel, QrCode};

const RUNS: u32 = 5_000;

fn per_op(total: Duration, runs: u32) -> f64 {
    total.as_secs_f64() * 1e6 / f64::from(runs)
}

/// (version, modules) of the smallest QR at level M holding `text`.
fn qr(text: &[u8]) -> (i16, usize) {
    let code = QrCode::with_error_correction_level(text, EcLevel::M).unwrap();
    let version = match code.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    };
    (version, code.width())
}

fn main() {
    let signer = PaperSigner::demo(common::COMMUNE);
    let trust = common::demo_trust();
    let registration = common::death();
    let document = DocumentKind::DeathExtract;

    let started = Instant::now();
    let mut issued = Vec::new();
    for n in 0..RUNS {
        let mut serial = [0u8; 10];
        serial[..4].copy_from_slice(&n.to_be_bytes());
        issued.extend(signer.issue_serials(
            &registration,
            document,
            common::issue_date(),
            &[Serial(serial)],
        ));
    }
    let sign = per_op(started.elapsed(), RUNS);

    let started = Instant::now();
    for copy in &issued {
        std::hint::black_box(verify_paper(&copy.credential, &trust).unwrap());
    }
    let verify = per_op(started.elapsed(), RUNS);
    println!(
        "sign (claims -> CBOR -> COSE_Sign1 Ed25519 -> zlib -> Base45): {sign:.1} µs, {:.0}/s",
        1e6 / sign
    );
    println!(
        "verify (trust file's certificates, signature, claims): {verify:.1} µs, {:.0}/s [bar < 200 µs]",
        1e6 / verify
    );

    for document in DocumentKind::ALL {
        let prepared = common::prepared(document);
        let text = &prepared.copies[0].credential;
        let (version, modules) = qr(text.as_bytes());
        let compressed = base45::decode(&text[4..]).unwrap();
        let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&compressed);
        let (b64_version, b64_modules) = qr(url_safe.as_bytes());
        println!(
            "{}: QR text {} chars, version {version} ({modules} modules, {:.2} mm each at {} mm) \
             [bar: version <= 15]; the same bytes in base64url: {} chars, version {b64_version} ({b64_modules} modules)",
            document.as_str(),
            text.len(),
            hotich_extract::render::QR_SIZE / modules as f32,
            hotich_extract::render::QR_SIZE,
            url_safe.len(),
        );
    }
}
