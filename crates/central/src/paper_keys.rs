//! Commune offices' paper-signing keys at the registry (issue 17): what a
//! workstation submits (`PUT /v1/paper-keys/{key_id}`), what the operator
//! certifies with the registry root (`hotich-central paper-key certify`: the
//! root's private key is given to the command and never stored), what the
//! operator revokes, and the trust file the registry publishes for anyone
//! checking a paper (`GET /v1/paper-trust`).

use chrono::{DateTime, Utc};
use hotich_protocol::jws::Signer;
use hotich_protocol::paper::certificate::demo_commune_certificate;
use hotich_protocol::paper::{certify_commune_key, PaperTrust};
use hotich_protocol::trust::{RootKey, SETTING_ROOT_KEY_ID, SETTING_ROOT_PUBLIC_KEY};

use crate::storage::{PaperKeyRecord, Storage, StorageError};

/// When the demo commune certificates hold from (as the workstation's).
const DEMO_VALID_FROM: &str = "2024-01-01T00:00:00Z";

/// How long a certificate holds unless the operator says otherwise.
pub const DEFAULT_VALIDITY_DAYS: i64 = 5 * 365;

#[derive(Debug, thiserror::Error)]
pub enum CertifyError {
    #[error("no root key pinned: import a trust list first (hotich-central trust import)")]
    NoRootKey,
    #[error("the key given is not the pinned registry root {0}")]
    NotTheRoot(String),
    #[error("no paper key {0} was submitted")]
    UnknownKey(String),
    #[error("paper key {0} was revoked")]
    Revoked(String),
    #[error("commune {0} is not in the administrative units list")]
    UnknownCommune(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The root the registry's trust list was imported with; None before.
pub fn pinned_root(storage: &dyn Storage) -> Result<Option<RootKey>, StorageError> {
    let root = RootKey::from_settings(
        storage.setting(SETTING_ROOT_KEY_ID)?,
        storage.setting(SETTING_ROOT_PUBLIC_KEY)?,
    );
    Ok(root.and_then(Result::ok))
}

/// What the registry publishes: its root, the certificates of the keys it
/// certified, and the ids of those it revoked. None before a root is pinned.
pub fn published_trust(storage: &dyn Storage) -> Result<Option<PaperTrust>, StorageError> {
    let Some(root) = pinned_root(storage)? else {
        return Ok(None);
    };
    let mut certificates = Vec::new();
    let mut revoked = Vec::new();
    for key in storage.paper_keys()? {
        // A revoked key's certificate stays, so that a checker tells a
        // revoked key from an unknown one.
        if let Some(certificate) = &key.certificate {
            certificates.push(
                serde_json::from_str(certificate)
                    .map_err(|e| StorageError::Corrupt(format!("paper_key.certificate: {e}")))?,
            );
        }
        if key.revoked_at.is_some() {
            revoked.push(key.key_id);
        }
    }
    // A demo registry vouches for the demo key of each commune it serves,
    // as the demo root does on the workstations, so demo papers verify on
    // its /verify page too.
    if root == RootKey::demo() {
        let mut communes: Vec<String> = storage
            .workstations()?
            .into_iter()
            .map(|ws| ws.commune)
            .collect();
        communes.sort();
        communes.dedup();
        for code in communes {
            if let Some(commune) = hotich_protocol::reference::commune(&code) {
                let province = hotich_protocol::reference::province(commune.province_code)
                    .map_or("", |province| province.full_name);
                certificates.push(demo_commune_certificate(
                    &code,
                    commune.full_name,
                    province,
                    DEMO_VALID_FROM.parse().unwrap_or_default(),
                ));
            }
        }
    }
    let mut trust = PaperTrust::new(root.key_id(), root.public_key_b64(), certificates);
    trust.revoked = revoked;
    Ok(Some(trust))
}

/// Certifies the submitted key `key_id` with `root` (which must be the
/// pinned root) for `days` from the office day it was submitted, naming its
/// commune as the administrative units list does.
pub fn certify(
    storage: &dyn Storage,
    key_id: &str,
    root: &Signer,
    days: i64,
    now: DateTime<Utc>,
) -> Result<PaperKeyRecord, CertifyError> {
    let pinned = pinned_root(storage)?.ok_or(CertifyError::NoRootKey)?;
    if pinned.public_key_b64() != root.public_key_b64() || pinned.key_id() != root.key_id() {
        return Err(CertifyError::NotTheRoot(pinned.key_id().to_owned()));
    }
    let key = storage
        .paper_keys()?
        .into_iter()
        .find(|key| key.key_id == key_id)
        .ok_or_else(|| CertifyError::UnknownKey(key_id.to_owned()))?;
    if key.revoked_at.is_some() {
        return Err(CertifyError::Revoked(key_id.to_owned()));
    }
    let commune = hotich_protocol::reference::commune(&key.commune)
        .ok_or_else(|| CertifyError::UnknownCommune(key.commune.clone()))?;
    let province = hotich_protocol::reference::province(commune.province_code)
        .map_or("", |province| province.full_name);
    // Valid from the office day the key was submitted: the papers the
    // office printed while it waited for the certificate are covered.
    let valid_from = hotich_common::time::office_day_of(&key.submitted_at)
        .map_or(now, hotich_common::time::start_of_office_day)
        .min(now);
    let certificate = certify_commune_key(
        root,
        (&key.commune, commune.full_name, province),
        &key.key_id,
        &key.public_key,
        valid_from,
        days,
    );
    let text = serde_json::to_string(&certificate)
        .map_err(|e| StorageError::Corrupt(format!("certificate: {e}")))?;
    if !storage.certify_paper_key(key_id, &text, now)? {
        return Err(CertifyError::Revoked(key_id.to_owned()));
    }
    storage
        .paper_keys()?
        .into_iter()
        .find(|key| key.key_id == key_id)
        .ok_or_else(|| CertifyError::UnknownKey(key_id.to_owned()))
}
