//! Quản trị → Chứng thư số: the X.509 trust a supervisor manages (trust
//! anchors and intermediates, facility signing certificates, CRLs), and the
//! official-file evidence a case view shows. Each command is one call to
//! `hotich_core::x509_trust` (which checks the supervisor and audits).

use std::path::Path;

use chrono::Utc;
use hotich_core::{
    CoreError, CrlAdded, CrlEntry, FacilityCertificate, FhirEvidence, OfficialEvidence,
    TrustCertificate, X509Entry,
};

/// The file's bytes, and the name it is known by in the audit and errors:
/// its file name only, not the folders above it.
fn file(path: &str) -> hotich_core::Result<(Vec<u8>, String)> {
    let bytes = std::fs::read(path).map_err(CoreError::from)?;
    let name = Path::new(path)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((bytes, name))
}

guarded_commands! {
    signed_in fn trust_certificates() -> Vec<TrustCertificate> = |store| store.trust_certificates();
    signed_in fn facility_certificates() -> Vec<FacilityCertificate> =
        |store| store.facility_certificates();
    signed_in fn crls() -> Vec<CrlEntry> = |store| store.crls();
    /// A PEM or DER file: self-signed certificates become anchors, the others intermediates.
    acting fn add_trust_certificates(path: String) -> Vec<TrustCertificate> =
        |(actor, mut store)| file(&path)
            .and_then(|(bytes, name)| store.add_trust_certificates(&actor, &bytes, &name, Utc::now()));
    acting fn add_facility_certificate(facility_code: String, path: String) -> FacilityCertificate =
        |(actor, mut store)| file(&path).and_then(|(bytes, name)| {
            store.add_facility_certificate(&actor, &facility_code, &bytes, &name, Utc::now())
        });
    /// Then every notification that waited for a CRL is checked again.
    acting fn add_crl(path: String) -> CrlAdded =
        |(actor, mut store)| file(&path)
            .and_then(|(bytes, name)| store.add_crl(&actor, &bytes, &name, Utc::now()));
    acting fn remove_x509(kind: X509Entry, id: i64) -> () =
        |(actor, mut store)| store.remove_x509(&actor, kind, id, Utc::now());
    /// Every version of the notification that came as official signed XML.
    signed_in fn official_evidence(notification_id: String) -> Vec<OfficialEvidence> =
        |store| store.official_evidence(&notification_id);
    /// Every version of the notification that came as a FHIR message, and who vouched for it.
    signed_in fn fhir_evidence(notification_id: String) -> Vec<FhirEvidence> =
        |store| store.fhir_evidence(&notification_id);
}
