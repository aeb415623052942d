//! The demo ("Dùng thử với dữ liệu mẫu"): its own database file, marked as
//! the demo and pinned to the publicly known demo root by
//! `Store::set_up_demo`, then given the notifications a simulated set of
//! health facilities would have sent its commune, so the queue is never
//! empty on a first look. Kept here because it needs both `hotich-core` and
//! `hotich-sim`; a real office never runs it.

use chrono::{Days, NaiveDate, Utc};
use hotich_core::{ImportSummary, Store};
use hotich_sim::{simulate, Formats, SimConfig, CONTENT_FHIR, CONTENT_XML};

use crate::error::{CommandError, CommandResult};

/// Xã Bằng Thành, Tỉnh Thái Nguyên.
pub const DEMO_COMMUNE: &str = "01864";
pub const DEMO_BIRTHS: usize = 150;
pub const DEMO_DEATHS: usize = 60;
/// Beside them, papers as the official signed XML and as FHIR.
pub const DEMO_XML_BIRTHS: usize = 16;
pub const DEMO_XML_DEATHS: usize = 8;
pub const DEMO_FHIR_BIRTHS: usize = 10;
pub const DEMO_FHIR_DEATHS: usize = 6;
/// The local demo registry `scripts/demo.sh` starts: the demo syncs with it
/// (its token in `$HOTICH_TOKEN`). Read only for the demo, never an office.
pub const DEMO_REGISTRY_ENV: &str = "HOTICH_DEMO_REGISTRY";

/// True when the database has no office and no notification yet.
pub fn is_fresh(store: &Store) -> CommandResult<bool> {
    Ok(store.is_empty()? && store.office()?.is_none())
}

/// Makes `store` the demo (refused for an office) and, while it holds no
/// notification, imports the simulated trust list and notifications. Run at
/// every start of the demo: an interrupted seeding is finished (the import
/// is idempotent).
pub fn open(store: &mut Store, today: NaiveDate) -> CommandResult<Option<ImportSummary>> {
    store.set_up_demo(DEMO_COMMUNE)?;
    if let Some(registry) = std::env::var(DEMO_REGISTRY_ENV)
        .ok()
        .filter(|url| !url.trim().is_empty())
    {
        store.set_sync_server(&registry)?;
    }
    if !store.is_empty()? {
        return Ok(None);
    }
    seed(store, today).map(Some)
}

/// Imports the simulated trust list and notifications into the demo store.
fn seed(store: &mut Store, today: NaiveDate) -> CommandResult<ImportSummary> {
    // Simulated up to yesterday: nothing is then signed later than now,
    // whatever the hour of the day.
    let until = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let sim = simulate(&SimConfig::new(
        DEMO_COMMUNE,
        DEMO_BIRTHS,
        DEMO_DEATHS,
        until,
    ))
    .map_err(|e| CommandError::new(hotich_core::ErrorCode::Demo, [("detail", e.to_string())]))?;
    let now = Utc::now();
    store.import_trust_list(&json(&sim.trust_list)?, now)?;
    let mut summary = store.import_bytes(&json(&sim.notifications)?, "demo", now, &mut |_| {})?;
    for formats in [Formats::Xml, Formats::Fhir] {
        summary.add(&seed_other_format(store, until, formats, now)?);
    }
    Ok(summary)
}

/// A few births and deaths as the official signed XML, or as FHIR in signed
/// envelopes, so the demo shows a case from each format. Their numbers come
/// from their own block (above the JWS run's, below `scripts/demo.sh`'s
/// rounds from 100,000), so no id is shared. The demo then trusts the
/// simulator's demo PKI (the XML's signers): explicitly, the demo only.
fn seed_other_format(
    store: &mut Store,
    until: NaiveDate,
    formats: Formats,
    now: chrono::DateTime<Utc>,
) -> CommandResult<ImportSummary> {
    let (block, births, deaths) = match formats {
        Formats::Fhir => (97_000, DEMO_FHIR_BIRTHS, DEMO_FHIR_DEATHS),
        _ => (95_000, DEMO_XML_BIRTHS, DEMO_XML_DEATHS),
    };
    let sim = simulate(&SimConfig {
        formats,
        first_number: Some(block),
        ..SimConfig::new(DEMO_COMMUNE, births, deaths, until)
    })
    .map_err(|e| CommandError::new(hotich_core::ErrorCode::Demo, [("detail", e.to_string())]))?;
    if let Some(pki) = &sim.pki {
        let mut ca = pki.pki.root.certificate_pem();
        ca.extend(pki.pki.intermediate.certificate_pem());
        let facilities: Vec<(String, Vec<u8>)> = pki
            .facilities
            .iter()
            .map(|(code, identity)| (code.clone(), identity.certificate_pem()))
            .collect();
        store.trust_demo_pki(&ca, &facilities, &pki.crl, now)?;
    }
    let mut summary = ImportSummary::default();
    let fhir_files = sim.files.iter().filter(|f| f.content_type == CONTENT_FHIR);
    for (file, envelope) in fhir_files.zip(&sim.fhir_envelopes) {
        summary.add(&store.import_bytes(&json(envelope)?, &file.name, now, &mut |_| {})?);
    }
    for file in sim.files.iter().filter(|f| f.content_type == CONTENT_XML) {
        summary.add(&store.import_bytes(&file.bytes, &file.name, now, &mut |_| {})?);
    }
    Ok(summary)
}

/// Serialises what the simulator produced to the bytes a file would hold.
fn json<T: serde::Serialize + ?Sized>(value: &T) -> CommandResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(CommandError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_takes_in_its_xml_and_fhir_papers_and_only_the_demo_trusts_the_demo_pki() {
        let dir = tempfile::tempdir().expect("temp dir");
        let until = hotich_core::time::office_today()
            .pred_opt()
            .expect("yesterday");
        let mut fresh = Store::open(&dir.path().join("fresh.db"), &hotich_core::StoreKey::demo())
            .expect("store");
        assert!(
            seed_other_format(&mut fresh, until, Formats::Xml, Utc::now()).is_err(),
            "a store that is not the demo trusts no demo certificate"
        );
        assert!(fresh.trust_certificates().expect("list").is_empty());

        let mut store = Store::open(&dir.path().join("demo.db"), &hotich_core::StoreKey::demo())
            .expect("store");
        store.set_up_demo(DEMO_COMMUNE).expect("demo");
        store
            .import_trust_list(
                &json(
                    &simulate(&SimConfig::new(DEMO_COMMUNE, 1, 1, until))
                        .expect("sim")
                        .trust_list,
                )
                .expect("json"),
                Utc::now(),
            )
            .expect("trust list");
        for formats in [Formats::Xml, Formats::Fhir] {
            let summary =
                seed_other_format(&mut store, until, formats, Utc::now()).expect("seeded");
            assert!(summary.imported > 0, "{formats:?}: {summary:?}");
            assert_eq!(summary.quarantined, 0, "{formats:?}: {summary:?}");
        }
        assert_eq!(store.trust_certificates().expect("list").len(), 2);
    }
}
