//! The health sector's signed XML death notices: verified + read (hotich-health
//! alone) and taken in (verified, read and stored as a case in a real SQLite
//! file, one file per import as a drop on the queue does), beside raw
//! RSA-2048 verification, in one run. Prints, asserts only that each step
//! succeeds:
//!
//!   cargo bench -p hotich-core --bench xml_intake
//!
//! `HOTICH_BENCH_NOTICES` (default 1000) distinct notices are taken in once each.

#[path = "../../health/benches/common/mod.rs"]
mod xml;

use std::time::Instant;

use chrono::Utc;
use hotich_core::Store;
use hotich_health::{verify_and_read, Receipt};
use xml::{beside, rate, raw_rsa_rate, BenchResult, Notices, FACILITY};

fn main() -> BenchResult<()> {
    let count = std::env::var("HOTICH_BENCH_NOTICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let notices = Notices::signed(count)?;
    let receipt = Receipt {
        trust: &notices.trust,
        facilities: &notices.facilities,
        sender_facility: Some(FACILITY),
        at: Utc::now(),
    };
    let verified = rate(|i| assert!(verify_and_read(notices.file(i), &receipt).is_ok()));

    let dir = tempfile::tempdir()?;
    let mut store = Store::open(&dir.path().join("hotich.db"))?;
    store.set_commune("01864")?;
    let now = Utc::now();
    let supervisor =
        store.create_first_supervisor("lanhdao", "Phạm Văn Lãnh", "mật khẩu 2026", now)?;
    let pki = &notices.pki;
    store.add_trust_certificates(&supervisor, &pki.root.certificate_pem(), "root.pem", now)?;
    store.add_trust_certificates(
        &supervisor,
        &pki.intermediate.certificate_der(),
        "issuing.der",
        now,
    )?;
    store.add_facility_certificate(
        &supervisor,
        FACILITY,
        &notices.hospital.certificate_pem(),
        "hospital.pem",
        now,
    )?;
    store.add_crl(&supervisor, &pki.crl(&[], now)?, "issuing.crl", now)?;
    let start = Instant::now();
    for file in &notices.files {
        let summary = store.import_bytes(file, "notice.xml", Utc::now(), &mut |_| {})?;
        assert_eq!(summary.imported, 1);
    }
    let taken_in = count as f64 / start.elapsed().as_secs_f64();

    let rsa = raw_rsa_rate(&notices.hospital)?;
    println!(
        "XML death notices ({} bytes each), one core:",
        notices.files[0].len()
    );
    println!("  verified + read:           {}", beside(verified, rsa));
    println!(
        "  taken in (SQLite, {count} cases): {}",
        beside(taken_in, rsa)
    );
    println!("  raw RSA-2048 verifications: {rsa:>8.0} /s");
    Ok(())
}
