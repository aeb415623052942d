//! The facility door for official documents (`POST /v1/notifications` with
//! `Content-Type: application/xml` or `application/fhir+json`).
//!
//! Signed XML (`HSDLGBT`, `HSDLGCS`, `GIAMDINHHS`) is verified with
//! `hotich_health::verify_and_read` against the registry's own X.509 trust
//! (`hotich-central trust ca|facility-cert|crl`), mapped to notifications by
//! the workstation's own mapping (`hotich_health::notification`), routed by
//! residence, and stored as posted, once per record (a `GIAMDINHHS` with
//! twins: two events, each naming its child). A facility credential is
//! optional for XML; when one is presented, the file must be its facility's.
//!
//! FHIR carries no signature: it is accepted only over the authenticated
//! facility channel (a facility sender enabled for FHIR).

use chrono::Utc;
use hotich_health::{FacilityCertificates, Receipt, Rejection, TrustError, TrustStore};
use hotich_protocol::sync::{DocumentFormat, PostOutcome, PostReport};
use hotich_protocol::verify::validate_fields;
use hotich_protocol::RejectionReason;

use axum::http::StatusCode;

use super::notifications::{appended_outcome, count_refused, merge_outcomes};
use crate::error::Failure;
use crate::jurisdiction::responsible_commune;
use crate::state::App;
use crate::storage::{FacilitySender, IncomingDocument, PilotNotice, X509Material};

/// The registry's trust and facility map, as a receipt checks them.
fn trust_of(material: &X509Material) -> (TrustStore, FacilityCertificates) {
    let mut trust = TrustStore::new();
    // Each entry was read when it was added; one that no longer parses is
    // skipped (only a damaged database gets here).
    for der in &material.certificates {
        let _ = trust.add_certificates(der);
    }
    for der in &material.crls {
        let _ = trust.add_crl(der);
    }
    let mut facilities = FacilityCertificates::default();
    for (facility, sha256) in &material.facilities {
        facilities.register(facility, sha256);
    }
    (trust, facilities)
}

fn rejected(code: &str, notification_id: Option<String>, detail: String) -> PostOutcome {
    PostOutcome {
        status: "rejected".into(),
        notification_id,
        version: None,
        commune: None,
        seq: None,
        code: Some(code.to_owned()),
        // The refusal names elements and limits, never a value of the record.
        detail: Some(detail.chars().take(500).collect()),
    }
}

/// A verified record refused for a field: counted for the commune it names
/// (the province's page), and its outcome.
fn field_refused(
    app: &App,
    record: &hotich_protocol::Notification,
    detail: String,
    now: chrono::DateTime<Utc>,
) -> Result<PostOutcome, Failure> {
    let code = RejectionReason::FieldInvalid.code();
    count_refused(app, Some(&record.commune_code), code, now)?;
    Ok(rejected(code, Some(record.notification_id.clone()), detail))
}

/// Verifies one posted official XML file and appends each of its records.
pub(super) fn post_xml(
    app: &App,
    body: &[u8],
    sender: Option<&FacilitySender>,
) -> Result<PostReport, Failure> {
    let material = app.storage.x509_material().map_err(Failure::internal)?;
    let (trust, facilities) = trust_of(&material);
    let now = Utc::now();
    let receipt = Receipt {
        trust: &trust,
        facilities: &facilities,
        sender_facility: sender.map(|s| s.facility_code.as_str()),
        at: now,
    };
    let verified = match hotich_health::verify_and_read(body, &receipt) {
        Ok(verified) => verified,
        Err(rejection) => return Ok(refused(&rejection)),
    };
    let records = hotich_health::facility_of(&verified, &facilities).and_then(|facility| {
        if let Some(sender) = sender.filter(|s| s.facility_code != facility) {
            tracing::info!(sender = %sender.id, "an XML file for another facility than its sender's");
            return Err(TrustError::WrongFacility {
                facility: facility.chars().take(16).collect(),
            }
            .into());
        }
        hotich_health::notifications_of(&verified, &facility)
    });
    let records = match records {
        Ok(records) => records,
        Err(rejection) => return Ok(refused(&rejection)),
    };
    let format = DocumentFormat::of_xml_root(verified.document.format.root())
        .ok_or_else(|| Failure::internal("a verified file of no known root"))?;
    let mut results: Vec<Option<PostOutcome>> = Vec::with_capacity(records.len());
    let mut incoming = Vec::new();
    for record in records {
        let n = &record.notification;
        if let Err(invalid) = validate_fields(n, now) {
            results.push(Some(field_refused(app, n, invalid.to_string(), now)?));
            continue;
        }
        incoming.push(IncomingDocument {
            notification_id: n.notification_id.clone(),
            format,
            document: body.to_vec(),
            sender_facility: sender.map(|s| s.facility_code.clone()),
            may_supersede: record.may_supersede,
            content_commune: responsible_commune(n).map(str::to_owned),
            claimed_commune: n.commune_code.clone(),
            pilot: PilotNotice::of(n),
        });
        results.push(None);
    }
    append(app, results, &incoming, now)
}

/// Appends the records that passed; every record's outcome in posted order.
fn append(
    app: &App,
    results: Vec<Option<PostOutcome>>,
    incoming: &[IncomingDocument],
    now: chrono::DateTime<Utc>,
) -> Result<PostReport, Failure> {
    let appended = app
        .storage
        .append_documents(incoming, now)
        .map_err(Failure::internal)?;
    let appended = incoming
        .iter()
        .zip(appended)
        .map(|(item, (version, outcome))| {
            appended_outcome(item.notification_id.clone(), version, outcome)
        });
    let results = merge_outcomes(results, appended)?;
    Ok(PostReport { results })
}

/// A whole file refused: one `rejected` outcome with the reason's code.
fn refused(rejection: &Rejection) -> PostReport {
    tracing::info!(code = rejection.code(), "an official XML file refused");
    PostReport {
        results: vec![rejected(rejection.code(), None, rejection.to_string())],
    }
}

/// FHIR needs a facility sender enabled for it (branch 1 of the rule in
/// `docs/health-formats.md`): the record is mapped by the FHIR intake's own
/// mapping for that sender (a record of another facility is refused),
/// routed by residence and stored as posted, once per record. A submission
/// is version 1; an update or void of a held record its next version.
pub(super) fn post_fhir(
    app: &App,
    body: &[u8],
    sender: Option<&FacilitySender>,
) -> Result<PostReport, Failure> {
    let Some(sender) = sender else {
        return Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "FHIR is accepted only from a facility sender (Authorization: Bearer ...)",
        ));
    };
    if !sender.fhir {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this facility sender is not enabled for FHIR",
        ));
    }
    let read = hotich_health::read_fhir(body)
        .and_then(|record| hotich_health::fhir::fhir_notifications(&record, &sender.facility_code));
    let records = match read {
        Ok(records) => records,
        Err(refusal) => {
            tracing::info!(code = refusal.code(), sender = %sender.id, "a FHIR file refused");
            return Ok(PostReport {
                results: vec![rejected(refusal.code(), None, refusal.to_string())],
            });
        }
    };
    let now = Utc::now();
    let mut results: Vec<Option<PostOutcome>> = Vec::with_capacity(records.len());
    let mut incoming = Vec::new();
    for record in records {
        let n = &record.notification;
        let is_void = n.action == hotich_protocol::Action::Void;
        if let Err(invalid) = validate_fields(n, now)
            .map_err(|e| e.to_string())
            .or_else(|e| {
                // A void carries no content to check.
                if is_void {
                    Ok(())
                } else {
                    Err(e)
                }
            })
        {
            results.push(Some(field_refused(app, n, invalid, now)?));
            continue;
        }
        incoming.push(IncomingDocument {
            notification_id: n.notification_id.clone(),
            format: DocumentFormat::Fhir,
            document: body.to_vec(),
            sender_facility: Some(sender.facility_code.clone()),
            may_supersede: n.action != hotich_protocol::Action::Issue,
            content_commune: responsible_commune(n).map(str::to_owned),
            claimed_commune: n.commune_code.clone(),
            pilot: PilotNotice::of(n),
        });
        results.push(None);
    }
    append(app, results, &incoming, now)
}
