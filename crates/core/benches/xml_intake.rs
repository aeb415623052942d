//! The health sector's signed XML death notices: verified + read (hotich-health
//! alone), taken in one file per import (verified, read and stored as a case
//! in a real SQLite file, each its own durable transaction, as a drop on the
//! queue does), and taken in from the registry's pages (the same notices
//! relayed as the registry relays them, original bytes, 100 per page, one
//! transaction per page, each re-verified here), beside raw RSA-2048
//! verification, in one run. Prints, asserts only that each step succeeds:
//!
//!   cargo bench -p hotich-core --bench xml_intake
//!
//! `HOTICH_BENCH_NOTICES` (default 1000) distinct notices are taken in once
//! each, by each way; the pages hold `PAGE` (100) events each.

#[path = "../../health/benches/common/mod.rs"]
mod xml;

use std::path::Path;
use std::time::Instant;

use chrono::Utc;
use hotich_core::sync::{Pulled, PulledDocument};
use hotich_core::Store;
use hotich_health::{facility_of, notifications_of, verify_and_read, Receipt};
use hotich_protocol::sync::DocumentFormat;
use xml::{beside, rate, raw_rsa_rate, BenchResult, Notices, FACILITY};

/// What the registry pages at most (its pull page size).
const PAGE: usize = 100;
const COMMUNE: &str = "01864";

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
    let mut store = trusting_store(&dir.path().join("imports.db"), &notices)?;
    let start = Instant::now();
    for file in &notices.files {
        let summary = store.import_bytes(file, "notice.xml", Utc::now(), &mut |_| {})?;
        assert_eq!(summary.imported, 1);
    }
    let taken_in = count as f64 / start.elapsed().as_secs_f64();

    let from_pages = pages_rate(&dir.path().join("pulled.db"), &notices, &receipt)?;

    let rsa = raw_rsa_rate(&notices.hospital)?;
    println!(
        "XML death notices ({} bytes each, {count} distinct), one core:",
        notices.files[0].len()
    );
    let pages = format!("taken in from the registry's pages of {PAGE}");
    let lines = [
        ("verified + read", verified),
        ("taken in, one file per import", taken_in),
        (pages.as_str(), from_pages),
    ];
    for (what, rate) in lines {
        println!("  {:<42} {}", format!("{what}:"), beside(rate, rsa));
    }
    println!("  {:<42} {rsa:>8.0} /s", "raw RSA-2048 verifications:");
    Ok(())
}

/// A fresh office database trusting the bench PKI, its CRL and the hospital
/// (and the simulator's JWS trust list).
fn trusting_store(path: &Path, notices: &Notices) -> BenchResult<Store> {
    let mut store = Store::open(path, &hotich_core::StoreKey::demo())?;
    store.set_commune(COMMUNE)?;
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
    // A syncing workstation holds the registry's trust list too.
    store.pin_demo_root_key()?;
    let sim = hotich_sim::simulate(&hotich_sim::SimConfig::new(COMMUNE, 1, 0, now.date_naive()))?;
    store.import_trust_list(&serde_json::to_vec(&sim.trust_list)?, now)?;
    Ok(store)
}

/// Notices per second taken in as a sync pulls them: each notice one relayed
/// XML event (its record's id, the authenticated sender), `PAGE` events
/// applied per call, as the sync engine applies a pulled page.
fn pages_rate(path: &Path, notices: &Notices, receipt: &Receipt<'_>) -> BenchResult<f64> {
    // The record id the registry names in each event (not timed: the
    // registry did this reading).
    let ids = notices
        .files
        .iter()
        .map(|file| {
            let verified = verify_and_read(file, receipt)?;
            let facility = facility_of(&verified, receipt.facilities)?;
            let records = notifications_of(&verified, &facility)?;
            let [record] = records.as_slice() else {
                return Err("one record per death notice".into());
            };
            Ok(record.notification.notification_id.clone())
        })
        .collect::<BenchResult<Vec<String>>>()?;
    let events: Vec<Pulled<'_>> = notices
        .files
        .iter()
        .zip(&ids)
        .zip(1u64..)
        .map(|((bytes, id), seq)| {
            Pulled::Document(PulledDocument {
                seq,
                notification_id: id,
                format: DocumentFormat::Hsdlgbt,
                bytes,
                sender_facility: Some(FACILITY),
                received_at: None,
            })
        })
        .collect();
    let mut store = trusting_store(path, notices)?;
    let start = Instant::now();
    let mut cursor = 0u64;
    for page in events.chunks(PAGE) {
        let next = cursor + page.len() as u64;
        let applied = store.apply_pulled_events(COMMUNE, cursor, page, next, Utc::now())?;
        assert!(applied.applied);
        assert_eq!(applied.summary.imported, page.len() as u64);
        cursor = next;
    }
    Ok(events.len() as f64 / start.elapsed().as_secs_f64())
}
