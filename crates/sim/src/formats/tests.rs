use chrono::{NaiveDate, Utc};
use hotich_health::{read_fhir, read_unverified, verify_and_read, FhirRecord, Receipt};

use super::*;
use crate::{simulate, SimConfig, SimOutput};

fn run(births: usize, deaths: usize, formats: Formats, today: NaiveDate) -> SimOutput {
    simulate(&SimConfig {
        formats,
        ..SimConfig::new("00004", births, deaths, today)
    })
    .expect("simulate")
}

fn fixed_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 15).expect("date")
}

/// What a receiver trusting the run's PKI checks files against.
struct Checks {
    trust: hotich_health::TrustStore,
    facilities: hotich_health::FacilityCertificates,
}

fn checks(out: &SimOutput) -> Checks {
    let pki = out.pki.as_ref().expect("a PKI");
    Checks {
        trust: pki.trust_store().expect("trust store"),
        facilities: pki.facility_certificates(),
    }
}

impl Checks {
    /// Verifies a file as received now from its facility.
    fn verify(
        &self,
        file: &HealthFile,
    ) -> Result<hotich_health::VerifiedDocument, hotich_health::Rejection> {
        verify_and_read(
            &file.bytes,
            &Receipt {
                trust: &self.trust,
                facilities: &self.facilities,
                sender_facility: Some(&file.facility),
                at: Utc::now(),
            },
        )
    }
}

#[test]
fn every_xml_file_reads_and_verifies_against_the_runs_pki() {
    let out = simulate(&SimConfig {
        formats: Formats::Xml,
        correction_rate: 0.3,
        ..SimConfig::new("00004", 240, 40, fixed_today())
    })
    .expect("simulate");
    let checks = checks(&out);
    assert!(out.notifications.is_empty(), "every paper is XML");
    let mut roots = std::collections::BTreeSet::new();
    let mut twins = 0;
    for file in &out.files {
        assert_eq!(file.content_type, CONTENT_XML);
        let document =
            read_unverified(&file.bytes).unwrap_or_else(|e| panic!("{}: {e:?}", file.name));
        roots.insert(format!("{:?}", document.format));
        let verified = checks
            .verify(file)
            .unwrap_or_else(|e| panic!("{}: {e:?}", file.name));
        for record in &verified.document.records {
            let commune = match (&record.death, &record.birth) {
                (Some(d), _) => &d.permanent_commune_code,
                (_, Some(b)) => &b.residence_commune_code,
                _ => panic!("{}: an empty record", file.name),
            };
            assert_eq!(commune, "00004", "{}: routed to the commune", file.name);
        }
        if verified.document.records.len() == 2 {
            twins += 1;
        }
    }
    assert_eq!(
        roots.len(),
        3,
        "death notices, birth certificates and XML 130 sets: {roots:?}"
    );
    assert!(twins > 0, "some delivery of twins comes as one XML 130 set");
    let reissued = out
        .files
        .iter()
        .filter_map(|f| read_unverified(&f.bytes).ok())
        .any(|d| {
            d.records.iter().any(|r| {
                r.death
                    .as_ref()
                    .is_some_and(|d| d.original_notice_number.is_some())
            })
        });
    assert!(
        reissued,
        "a corrected death notice is re-issued with the original's number"
    );
}

#[test]
fn every_fhir_file_reads_and_comes_in_a_signed_envelope_too() {
    let out = run(120, 60, Formats::Fhir, fixed_today());
    let mut actions = std::collections::BTreeSet::new();
    let mut births = 0;
    for file in &out.files {
        assert_eq!(file.content_type, CONTENT_FHIR);
        match read_fhir(&file.bytes).unwrap_or_else(|e| panic!("{}: {e:?}", file.name)) {
            FhirRecord::Death(message) => {
                assert!(message.record_id.contains(&file.facility), "{}", file.name);
                if let Some(notice) = &message.notice {
                    assert_eq!(notice.permanent_commune_code, "00004");
                }
                actions.insert(format!("{:?}", message.action));
            }
            FhirRecord::Birth { children } => {
                births += children.len();
                assert!(children
                    .iter()
                    .all(|c| c.certificate.residence_commune_code == "00004"
                        && c.facility_code.as_deref() == Some(file.facility.as_str())));
            }
        }
    }
    assert_eq!(actions.len(), 3, "submission, update and void: {actions:?}");
    assert!(births > 100, "{births}");
    assert_eq!(out.fhir_envelopes.len(), out.files.len());
    let keys = out.trusted_keys();
    for (envelope, file) in out.fhir_envelopes.iter().zip(&out.files) {
        let opened = envelope
            .clone()
            .open(TYP_NOTIFICATION)
            .expect("envelope opens");
        assert_eq!(opened.header.cty.as_deref(), Some(CTY_FHIR));
        let key = keys
            .get(&opened.header.kid)
            .expect("a facility key signed it");
        opened.verify(&key.key).expect("signature");
        assert_eq!(key.facility_id, file.facility);
        assert_eq!(opened.payload, file.bytes);
    }
}

#[test]
fn all_formats_mix_the_papers_and_stay_deterministic() {
    let first = run(100, 40, Formats::All, fixed_today());
    let second = run(100, 40, Formats::All, fixed_today());
    let jws_only = run(100, 40, Formats::Jws, fixed_today());
    assert!(!first.notifications.is_empty());
    assert!(first.notifications.len() < jws_only.notifications.len());
    for kind in ["xml/", "fhir/"] {
        assert!(
            first.files.iter().any(|f| f.name.starts_with(kind)),
            "{kind}"
        );
    }
    let bytes = |out: &SimOutput| -> Vec<(String, Vec<u8>)> {
        out.files
            .iter()
            .map(|f| (f.name.clone(), f.bytes.clone()))
            .collect()
    };
    assert!(
        bytes(&first) == bytes(&second),
        "two runs of one config differ"
    );
    assert!(jws_only.files.is_empty() && jws_only.pki.is_none());
}

/// Each broken variant is refused with exactly the reason it is labelled with.
#[test]
fn each_broken_variant_is_refused_with_its_labelled_reason() {
    let today = hotich_common_today();
    let out = simulate(&SimConfig {
        broken: Broken::ALL.to_vec(),
        ..SimConfig::new("00004", 10, 5, today)
    })
    .expect("simulate");
    let checks = checks(&out);
    let broken: Vec<&HealthFile> = out.files.iter().filter(|f| f.broken.is_some()).collect();
    assert_eq!(broken.len(), Broken::ALL.len());
    for file in broken {
        let kind = file.broken.expect("broken");
        assert_eq!(
            file.name,
            format!(
                "broken/{}.{}",
                kind.code(),
                if kind.is_fhir() { "json" } else { "xml" }
            )
        );
        let refused = match kind {
            // A valid Bundle: only the intake refuses it, for coming from disk bare.
            Broken::FhirUnauthenticated => {
                assert!(read_fhir(&file.bytes).is_ok(), "{}", file.name);
                continue;
            }
            Broken::FhirUnknownProfile => read_fhir(&file.bytes).map(|_| ()).map_err(|e| e.code()),
            _ => checks.verify(file).map(|_| ()).map_err(|e| e.code()),
        };
        assert_eq!(refused, Err(kind.code()), "{}", file.name);
    }
}

/// Today in Vietnam: the broken variants' CRL must be current when checked.
fn hotich_common_today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(7)).date_naive()
}
