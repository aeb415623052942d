//! Verify + read XML death notices per second on one core, beside raw
//! RSA-2048 PKCS#1 v1.5 SHA-256 verification in the same run, and where
//! the time of one notice goes. Bar: at least 1,000 notices/s and at least
//! 50 % of the raw RSA rate. The take-in into SQLite beside both:
//! hotich-core's `xml_intake` bench. Prints, asserts only that each step
//! succeeds.
//!
//! `cargo bench -p hotich-health --bench verify` (`HOTICH_BENCH_SECONDS=1`
//! for a quicker look).

mod common;

use chrono::Utc;
use common::{beside, rate, raw_rsa_rate, BenchResult, Notices, FACILITY};
use hotich_health::{document, limits, signature, verify_and_read, Receipt};
use libxml::parser::{Parser, ParserOptions};

fn micros(per_second: f64) -> f64 {
    1e6 / per_second
}

fn main() -> BenchResult<()> {
    let notices = Notices::signed(64)?;
    let receipt = Receipt {
        trust: &notices.trust,
        facilities: &notices.facilities,
        sender_facility: Some(FACILITY),
        at: Utc::now(),
    };
    for file in &notices.files {
        verify_and_read(file, &receipt)?;
    }

    let full = rate(|i| assert!(verify_and_read(notices.file(i), &receipt).is_ok()));
    // The stages, each alone on the same files.
    let parse = rate(|i| {
        let text = limits::text_of(notices.file(i)).expect("UTF-8");
        assert!(limits::parse(text).is_ok());
    });
    let structure = rate(|i| {
        let text = limits::text_of(notices.file(i)).expect("UTF-8");
        let parsed = limits::parse(text).expect("parse");
        let format = document::detect(&parsed).expect("format");
        assert!(signature::check_structure(&parsed, format).is_ok());
    });
    let read = rate(|i| assert!(hotich_health::read_unverified(notices.file(i)).is_ok()));
    let signer_der = notices.hospital.certificate_der();
    let trust = rate(|_| assert!(notices.trust.validate(&signer_der, &[], receipt.at).is_ok()));
    let libxml_options = || ParserOptions {
        recover: false,
        no_net: true,
        no_def_dtd: true,
        ..ParserOptions::default()
    };
    let libxml_parse = rate(|i| {
        assert!(Parser::default()
            .parse_string_with_options(notices.file(i), libxml_options())
            .is_ok())
    });
    let rsa = raw_rsa_rate(&notices.hospital)?;

    // libxmlsec1's part (its libxml2 parse, the ID registration, two
    // references canonicalised and digested, SignedInfo canonicalised, RSA):
    // what the full run spends beyond the stages measured alone.
    let xmlsec_us =
        micros(full) - micros(structure) - (micros(read) - micros(parse)) - micros(trust);
    println!(
        "death notices verified + read: {} ({} distinct files, {} bytes each)",
        beside(full, rsa),
        notices.files.len(),
        notices.files[0].len()
    );
    println!("raw RSA-2048 PKCS#1 v1.5 SHA-256 verifications: {rsa:>8.0} /s");
    println!("one notice, {:.1} µs:", micros(full));
    println!(
        "  roxmltree parse {:>6.1} µs, signature structure {:>5.1} µs, reading the record {:>5.1} µs",
        micros(parse),
        micros(structure) - micros(parse),
        micros(read) - micros(parse)
    );
    println!(
        "  certificate path (remembered) {:>5.1} µs; libxmlsec1 {xmlsec_us:>6.1} µs, of which libxml2 parse {:>5.1} µs and one RSA verify {:>5.1} µs",
        micros(trust),
        micros(libxml_parse),
        micros(rsa)
    );
    // 50 % of the raw RSA rate is a whole notice in two RSA verifications' time.
    println!(
        "  the 50 % bar allows {:.1} µs; RSA + both parses alone take {:.1} µs",
        2.0 * micros(rsa),
        micros(rsa) + micros(libxml_parse) + micros(parse)
    );
    let share = full / rsa * 100.0;
    println!(
        "bar (>= 1,000/s and >= 50 %): {}",
        if full >= 1000.0 && share >= 50.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}
