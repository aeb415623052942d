//! JWS (RFC 7515) in the flattened JSON serialization (§7.2.2), signed with
//! EdDSA over Ed25519 (RFC 8037).
//!
//! The protected header also carries `pld`, the SHA-256 of the payload bytes.
//! It is covered by the signature, so when a signature fails Hotich can tell a
//! payload changed after signing (digest differs) from a signature made by
//! another key or damaged on the way (digest still matches).
//!
//! Written on ed25519-dalek rather than a JWT crate: those report every
//! failure as one "invalid signature" and only know the registered header
//! fields, and we need both the typed reasons and the digest header.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const ALG_EDDSA: &str = "EdDSA";
pub const TYP_NOTIFICATION: &str = "hotich-notification+jws";
pub const TYP_TRUST_LIST: &str = "hotich-trust-list+jws";
/// The `cty` of an envelope whose payload is an HL7 FHIR R4 JSON resource (a
/// VRDR message or a BFDR birth report) rather than Hotich's notification.
pub const CTY_FHIR: &str = "fhir+json";

/// A signed envelope as it travels and as it is kept: the three base64url
/// parts exactly as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedEnvelope {
    pub protected: String,
    pub payload: String,
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedHeader {
    pub alg: String,
    pub typ: String,
    /// The signing key's id in the trust list.
    pub kid: String,
    /// base64url SHA-256 of the payload bytes.
    pub pld: String,
    /// The payload's content type (RFC 7515 §4.1.10), absent for Hotich's
    /// own notification: [`CTY_FHIR`] for a FHIR resource. Last and skipped
    /// when absent, so envelopes without it are byte for byte as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cty: Option<String>,
}

/// Why an envelope could not be opened or its signature checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    #[error("{0}")]
    Malformed(String),
    #[error("unsupported algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    #[error("the payload does not match the digest that was signed")]
    PayloadAltered,
    #[error("the signature does not verify with the named key")]
    BadSignature,
}

/// An envelope whose parts decoded; its signature is not checked yet.
#[derive(Debug, Clone)]
pub struct OpenedEnvelope {
    pub envelope: SignedEnvelope,
    pub header: ProtectedHeader,
    pub payload: Vec<u8>,
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(text: &str) -> Result<Vec<u8>, JwsError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| JwsError::Malformed(format!("base64url: {e}")))
}

fn digest_b64(payload: &[u8]) -> String {
    b64(&Sha256::digest(payload))
}

impl SignedEnvelope {
    /// Decodes the header and payload; checks the header names EdDSA and `typ`.
    pub fn open(self, expected_typ: &str) -> Result<OpenedEnvelope, JwsError> {
        let header_bytes = unb64(&self.protected)?;
        let header: ProtectedHeader = serde_json::from_slice(&header_bytes)
            .map_err(|e| JwsError::Malformed(format!("protected header: {e}")))?;
        if header.alg != ALG_EDDSA {
            return Err(JwsError::UnsupportedAlgorithm(header.alg));
        }
        if header.typ != expected_typ {
            return Err(JwsError::Malformed(format!(
                "typ is {:?}, expected {expected_typ:?}",
                header.typ
            )));
        }
        let payload = unb64(&self.payload)?;
        Ok(OpenedEnvelope {
            envelope: self,
            header,
            payload,
        })
    }
}

impl OpenedEnvelope {
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), JwsError> {
        let signature_bytes = unb64(&self.envelope.signature)?;
        let signature = Signature::from_slice(&signature_bytes)
            .map_err(|_| JwsError::Malformed("signature is not 64 bytes".into()))?;
        let signing_input = format!("{}.{}", self.envelope.protected, self.envelope.payload);
        if key.verify(signing_input.as_bytes(), &signature).is_ok() {
            return Ok(());
        }
        if digest_b64(&self.payload) != self.header.pld {
            Err(JwsError::PayloadAltered)
        } else {
            Err(JwsError::BadSignature)
        }
    }
}

/// A private signing key with its id in the trust list.
pub struct Signer {
    key: SigningKey,
    key_id: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Signer {
    pub fn from_seed(seed: [u8; 32], key_id: impl Into<String>) -> Self {
        Signer {
            key: SigningKey::from_bytes(&seed),
            key_id: key_id.into(),
        }
    }

    /// A seed derived from a label, for demo and test keys that must be the
    /// same on every machine. Never for production keys.
    pub fn from_label(label: &str, key_id: impl Into<String>) -> Self {
        Self::from_seed(Sha256::digest(label.as_bytes()).into(), key_id)
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The public key as base64url of its 32 bytes, as the trust list carries it.
    pub fn public_key_b64(&self) -> String {
        b64(self.key.verifying_key().as_bytes())
    }

    /// The Ed25519 signature of `message` itself, for the COSE of a paper.
    pub fn sign_raw(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    pub fn sign(&self, typ: &str, payload: &[u8]) -> SignedEnvelope {
        self.sign_content(typ, None, payload)
    }

    /// Signs a payload of content type `cty` (e.g. [`CTY_FHIR`]); `None` is [`Signer::sign`].
    pub fn sign_content(&self, typ: &str, cty: Option<&str>, payload: &[u8]) -> SignedEnvelope {
        let header = ProtectedHeader {
            alg: ALG_EDDSA.into(),
            typ: typ.into(),
            kid: self.key_id.clone(),
            pld: digest_b64(payload),
            cty: cty.map(str::to_owned),
        };
        // Serialising a struct of strings cannot fail.
        let header_json = serde_json::to_vec(&header).unwrap_or_default();
        let protected = b64(&header_json);
        let payload = b64(payload);
        let signature = self.key.sign(format!("{protected}.{payload}").as_bytes());
        SignedEnvelope {
            protected,
            payload,
            signature: b64(&signature.to_bytes()),
        }
    }
}

/// Splits a body of envelopes (a JSON array of them, or one envelope object)
/// into the envelopes' raw JSON, untouched, so each is verified and kept byte
/// for byte. The error says, in Vietnamese, what the body is instead.
pub fn split_envelopes(bytes: &[u8]) -> Result<Vec<&serde_json::value::RawValue>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "không phải văn bản UTF-8".to_owned())?;
    match text.trim_start().as_bytes().first() {
        Some(b'[') => serde_json::from_str(text)
            .map_err(|e| format!("không phải mảng JSON các thông báo: {e}")),
        Some(b'{') => serde_json::from_str(text)
            .map(|one| vec![one])
            .map_err(|e| format!("không phải JSON: {e}")),
        _ => Err("không phải tệp thông báo JSON (mảng hoặc đối tượng)".to_owned()),
    }
}

/// Parses a base64url Ed25519 public key.
pub fn verifying_key_from_b64(text: &str) -> Result<VerifyingKey, JwsError> {
    let bytes: [u8; 32] = unb64(text)?
        .try_into()
        .map_err(|_| JwsError::Malformed("public key is not 32 bytes".into()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| JwsError::Malformed("public key is not a valid Ed25519 point".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify_round_trips() {
        let signer = Signer::from_label("test", "k1");
        let envelope = signer.sign(TYP_NOTIFICATION, br#"{"a":1}"#);
        let opened = envelope.open(TYP_NOTIFICATION).unwrap();
        assert_eq!(opened.payload, br#"{"a":1}"#);
        assert_eq!(opened.header.kid, "k1");
        opened.verify(&signer.verifying_key()).unwrap();
    }

    #[test]
    fn a_content_type_is_signed_and_its_absence_changes_nothing() {
        let signer = Signer::from_label("test", "k1");
        let plain = signer.sign(TYP_NOTIFICATION, b"{}");
        // The header of an envelope without `cty` is the one signed before `cty` existed.
        assert_eq!(
            unb64(&plain.protected).unwrap(),
            format!(
                r#"{{"alg":"EdDSA","typ":"{TYP_NOTIFICATION}","kid":"k1","pld":"{}"}}"#,
                digest_b64(b"{}")
            )
            .into_bytes()
        );
        assert_eq!(plain.open(TYP_NOTIFICATION).unwrap().header.cty, None);
        let fhir = signer.sign_content(TYP_NOTIFICATION, Some(CTY_FHIR), b"{}");
        let opened = fhir.open(TYP_NOTIFICATION).unwrap();
        assert_eq!(opened.header.cty.as_deref(), Some(CTY_FHIR));
        opened.verify(&signer.verifying_key()).unwrap();
    }

    #[test]
    fn wrong_typ_is_malformed() {
        let envelope = Signer::from_label("test", "k1").sign(TYP_TRUST_LIST, b"{}");
        assert!(matches!(
            envelope.open(TYP_NOTIFICATION),
            Err(JwsError::Malformed(_))
        ));
    }
}
