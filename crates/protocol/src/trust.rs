//! The facility trust list: which health facility owns which signing key and
//! for how long, signed by the registry root key.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use sha2::Digest;

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

/// The simulator's publicly derivable key of a demo facility, by its key id
/// (`{facility_id}-k1`), so a real office can recognise and refuse what it
/// signed; `None` for a key id of another form.
pub fn demo_facility_signer(key_id: &str) -> Option<Signer> {
    let facility_id = key_id.strip_suffix("-k1")?;
    Some(Signer::from_label(
        &format!("hotich demo facility {facility_id} key 1"),
        key_id,
    ))
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

/// Settings under which a store (the workstation's and the central
/// registry's alike) keeps its pinned root key.
pub const SETTING_ROOT_KEY_ID: &str = "trust_root_key_id";
pub const SETTING_ROOT_PUBLIC_KEY: &str = "trust_root_public_key";

/// The registry root key that trust lists must be signed with: its id and
/// its Ed25519 public key, checked once when parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootKey {
    key_id: String,
    public_key_b64: String,
    key: VerifyingKey,
}

/// Which part of a root key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKeyField {
    KeyId,
    PublicKey,
}

impl RootKeyField {
    /// The field's name as the settings and the command lines call it.
    pub fn name(self) -> &'static str {
        match self {
            RootKeyField::KeyId => "root key id",
            RootKeyField::PublicKey => "root public key",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RootKeyError {
    #[error("root key id is empty")]
    EmptyKeyId,
    #[error("root public key is not a base64url Ed25519 public key: {0}")]
    BadPublicKey(String),
}

impl RootKeyError {
    /// The field that was refused.
    pub fn field(&self) -> RootKeyField {
        match self {
            RootKeyError::EmptyKeyId => RootKeyField::KeyId,
            RootKeyError::BadPublicKey(_) => RootKeyField::PublicKey,
        }
    }
}

impl RootKey {
    /// A root key from its id and the base64url of its 32-byte Ed25519
    /// public key; the error names the field that is wrong.
    pub fn parse(key_id: &str, public_key_b64: &str) -> Result<RootKey, RootKeyError> {
        if key_id.is_empty() {
            return Err(RootKeyError::EmptyKeyId);
        }
        let key = verifying_key_from_b64(public_key_b64)
            .map_err(|e| RootKeyError::BadPublicKey(e.to_string()))?;
        Ok(RootKey {
            key_id: key_id.to_owned(),
            public_key_b64: public_key_b64.to_owned(),
            key,
        })
    }

    /// The root key a store pinned, from its two settings: `None` when
    /// either is missing.
    pub fn from_settings(
        key_id: Option<String>,
        public_key_b64: Option<String>,
    ) -> Option<Result<RootKey, RootKeyError>> {
        match (key_id, public_key_b64) {
            (Some(key_id), Some(public_key_b64)) => Some(RootKey::parse(&key_id, &public_key_b64)),
            _ => None,
        }
    }

    /// The publicly known demo root (the simulator signs with it). Anyone
    /// can sign with it: tests and demos only, never a real office.
    pub fn demo() -> RootKey {
        let signer = demo_root_signer();
        RootKey {
            key_id: signer.key_id().to_owned(),
            public_key_b64: signer.public_key_b64(),
            key: signer.verifying_key(),
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// base64url of the public key, as pinned in settings.
    pub fn public_key_b64(&self) -> &str {
        &self.public_key_b64
    }

    /// Opens a signed trust list and checks that this root signed it.
    pub fn verify(&self, raw: &[u8]) -> Result<TrustList, TrustListError> {
        TrustList::verify(raw, &self.key_id, &self.key)
    }

    /// What a supervisor reads aloud to compare with the written key: the
    /// SHA-256 of the public key in 16 groups of 4 upper-case hex digits.
    pub fn fingerprint(&self) -> String {
        let digest = sha2::Sha256::digest(self.key.as_bytes());
        let hex: String = digest.iter().map(|byte| format!("{byte:02X}")).collect();
        hex.as_bytes()
            .chunks(4)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::Signer;

    fn list(sequence: u64) -> TrustList {
        TrustList {
            schema: TRUST_LIST_SCHEMA,
            issuer: "test registry".into(),
            sequence,
            issued_at: DateTime::<Utc>::UNIX_EPOCH,
            facilities: Vec::new(),
        }
    }

    #[test]
    fn a_root_key_parse_names_the_bad_field() {
        let good = demo_root_signer().public_key_b64();
        assert_eq!(
            RootKey::parse("", &good).unwrap_err().field(),
            RootKeyField::KeyId
        );
        for bad in ["", "not base64 !", "AAAA"] {
            let error = RootKey::parse("root-1", bad).unwrap_err();
            assert_eq!(error.field(), RootKeyField::PublicKey, "{bad:?}: {error}");
        }
        let parsed = RootKey::parse(DEMO_ROOT_KEY_ID, &good).unwrap();
        assert_eq!(parsed, RootKey::demo());
        assert_eq!(
            (parsed.key_id(), parsed.public_key_b64()),
            (DEMO_ROOT_KEY_ID, good.as_str())
        );
    }

    #[test]
    fn a_root_key_verifies_only_lists_it_signed() {
        let raw = serde_json::to_vec(&list(4).sign(&demo_root_signer())).unwrap();
        assert_eq!(RootKey::demo().verify(&raw).unwrap().sequence, 4);

        let other = Signer::from_label("another root", DEMO_ROOT_KEY_ID);
        let forged = serde_json::to_vec(&list(5).sign(&other)).unwrap();
        assert!(matches!(
            RootKey::demo().verify(&forged),
            Err(TrustListError::BadSignature { .. })
        ));
        let renamed = RootKey::parse("root-2", &demo_root_signer().public_key_b64()).unwrap();
        assert!(matches!(
            renamed.verify(&raw),
            Err(TrustListError::BadSignature { .. })
        ));
    }

    #[test]
    fn a_fingerprint_is_sixteen_groups_of_the_public_keys_sha256() {
        let demo = RootKey::demo();
        let fingerprint = demo.fingerprint();
        let groups: Vec<&str> = fingerprint.split(' ').collect();
        assert_eq!(groups.len(), 16, "{fingerprint}");
        assert!(groups.iter().all(|g| g.len() == 4
            && g.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())));
        let expected: String = sha2::Sha256::digest(demo_root_signer().verifying_key().as_bytes())
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(fingerprint.replace(' ', ""), expected);
        let other = Signer::from_label("another root", "root-2");
        let other = RootKey::parse("root-2", &other.public_key_b64()).unwrap();
        assert_ne!(other.fingerprint(), fingerprint);
    }

    #[test]
    fn a_demo_facility_signer_is_derived_from_its_key_id() {
        let signer = demo_facility_signer("79001-k1").unwrap();
        assert_eq!(signer.key_id(), "79001-k1");
        assert_eq!(
            signer.public_key_b64(),
            Signer::from_label("hotich demo facility 79001 key 1", "79001-k1").public_key_b64()
        );
        assert!(demo_facility_signer("79001-k2").is_none());
    }

    #[test]
    fn a_root_key_is_read_from_both_settings_or_not_at_all() {
        let good = demo_root_signer().public_key_b64();
        assert!(RootKey::from_settings(Some("k".into()), None).is_none());
        assert!(RootKey::from_settings(None, Some(good.clone())).is_none());
        assert_eq!(
            RootKey::from_settings(Some(DEMO_ROOT_KEY_ID.into()), Some(good)),
            Some(Ok(RootKey::demo()))
        );
        assert!(matches!(
            RootKey::from_settings(Some("k".into()), Some("x".into())),
            Some(Err(RootKeyError::BadPublicKey(_)))
        ));
    }
}
