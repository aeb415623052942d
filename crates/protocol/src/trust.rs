//! The facility trust list: which health facility owns which signing key and
//! for how long, signed by the registry root key.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::jws::{verifying_key_from_b64, JwsError, SignedEnvelope, Signer, TYP_TRUST_LIST};

pub const TRUST_LIST_SCHEMA: u32 = 1;

/// Label of the demo registry root key. The app's embedded defaults and the
/// facility simulator use it so the demo works offline on any machine; a real
/// deployment pins its registry's root key instead.
pub const DEMO_ROOT_LABEL: &str = "hotich demo registry root key - not for production";
pub const DEMO_ROOT_KEY_ID: &str = "demo-root-1";

pub fn demo_root_signer() -> Signer {
    Signer::from_label(DEMO_ROOT_LABEL, DEMO_ROOT_KEY_ID)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustList {
    pub schema: u32,
    pub issuer: String,
    /// Increases with every list the registry publishes; an older list never
    /// replaces a newer one.
    pub sequence: u64,
    pub issued_at: DateTime<Utc>,
    pub facilities: Vec<FacilityKey>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityKey {
    /// MACSKCB, the facility's code.
    pub facility_id: String,
    pub name: String,
    pub address: String,
    /// The commune the facility stands in.
    pub commune_code: String,
    pub key_id: String,
    /// `EdDSA` (Ed25519).
    pub algorithm: String,
    /// base64url of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustListError {
    #[error("danh sách tin cậy không đúng định dạng: {0}")]
    Malformed(String),
    #[error("chữ ký của danh sách tin cậy không hợp lệ (không phải khóa gốc {expected_key_id})")]
    BadSignature { expected_key_id: String },
    #[error("danh sách tin cậy có phiên bản định dạng {0} không được hỗ trợ")]
    UnsupportedVersion(u32),
    #[error("khóa của cơ sở {facility_id} không hợp lệ: {reason}")]
    BadFacilityKey { facility_id: String, reason: String },
}

impl TrustList {
    pub fn sign(&self, root: &Signer) -> SignedEnvelope {
        let payload = serde_json::to_vec(self).unwrap_or_default();
        root.sign(TYP_TRUST_LIST, &payload)
    }

    /// Opens a signed trust list and checks it against the pinned root key.
    pub fn verify(
        raw: &[u8],
        root_key_id: &str,
        root: &VerifyingKey,
    ) -> Result<Self, TrustListError> {
        let envelope: SignedEnvelope =
            serde_json::from_slice(raw).map_err(|e| TrustListError::Malformed(e.to_string()))?;
        let opened = envelope
            .open(TYP_TRUST_LIST)
            .map_err(|e| TrustListError::Malformed(e.to_string()))?;
        let bad_signature = || TrustListError::BadSignature {
            expected_key_id: root_key_id.to_owned(),
        };
        if opened.header.kid != root_key_id {
            return Err(bad_signature());
        }
        opened.verify(root).map_err(|_| bad_signature())?;
        let list: TrustList = serde_json::from_slice(&opened.payload)
            .map_err(|e| TrustListError::Malformed(e.to_string()))?;
        if list.schema != TRUST_LIST_SCHEMA {
            return Err(TrustListError::UnsupportedVersion(list.schema));
        }
        for facility in &list.facilities {
            facility.verifying_key()?;
        }
        Ok(list)
    }
}

impl FacilityKey {
    pub fn verifying_key(&self) -> Result<VerifyingKey, TrustListError> {
        let bad = |reason: String| TrustListError::BadFacilityKey {
            facility_id: self.facility_id.clone(),
            reason,
        };
        if self.algorithm != crate::jws::ALG_EDDSA {
            return Err(bad(format!(
                "thuật toán {} không được hỗ trợ",
                self.algorithm
            )));
        }
        verifying_key_from_b64(&self.public_key).map_err(|e: JwsError| bad(e.to_string()))
    }
}

/// A facility key ready for verification.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub facility_id: String,
    pub facility_name: String,
    pub facility_address: String,
    pub key: VerifyingKey,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
}

/// Facility keys by key id.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    by_key_id: HashMap<String, TrustedKey>,
}

impl TrustedKeys {
    pub fn from_facilities<'a>(
        facilities: impl IntoIterator<Item = &'a FacilityKey>,
    ) -> Result<Self, TrustListError> {
        let mut by_key_id = HashMap::new();
        for facility in facilities {
            by_key_id.insert(
                facility.key_id.clone(),
                TrustedKey {
                    facility_id: facility.facility_id.clone(),
                    facility_name: facility.name.clone(),
                    facility_address: facility.address.clone(),
                    key: facility.verifying_key()?,
                    valid_from: facility.valid_from,
                    valid_until: facility.valid_until,
                },
            );
        }
        Ok(TrustedKeys { by_key_id })
    }

    pub fn get(&self, key_id: &str) -> Option<&TrustedKey> {
        self.by_key_id.get(key_id)
    }

    pub fn len(&self) -> usize {
        self.by_key_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key_id.is_empty()
    }
}
