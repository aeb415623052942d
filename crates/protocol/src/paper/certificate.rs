//! A commune office's paper-signing key, certified by the registry root:
//! a signed envelope (the same JWS as the trust list) whose payload names the
//! commune, the key and its validity. A checker holds [`PaperTrust`]: the
//! root key it chose to trust and the certificates that root signed.

use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::jws::{verifying_key_from_b64, SignedEnvelope, Signer, ALG_EDDSA};
use crate::trust::{demo_root_signer, DEMO_ROOT_KEY_ID};

pub const TYP_COMMUNE_CERTIFICATE: &str = "hotich-commune-certificate+jws";
pub const CERTIFICATE_SCHEMA: u32 = 1;
/// `format` of a [`PaperTrust`] file.
pub const PAPER_TRUST_FORMAT: &str = "hotich-paper-trust";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommuneCertificate {
    pub schema: u32,
    /// The commune's code in the administrative units list (5 digits).
    pub commune_code: String,
    /// "Xã Bằng Thành": the issuing office a checker is shown.
    pub commune_name: String,
    pub province_name: String,
    pub key_id: String,
    /// `EdDSA` (Ed25519).
    pub algorithm: String,
    /// base64url of the 32-byte public key.
    pub public_key: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    /// Certified by the publicly known demo root: its papers prove nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}

impl CommuneCertificate {
    /// The certificate signed by `root`.
    pub fn issue(&self, root: &Signer) -> SignedEnvelope {
        let payload = serde_json::to_vec(self).unwrap_or_default();
        root.sign(TYP_COMMUNE_CERTIFICATE, &payload)
    }

    /// Opens a certificate and checks it against the root key; the reason in
    /// Vietnamese when it does not hold.
    pub fn verify(
        envelope: &SignedEnvelope,
        root_key_id: &str,
        root: &VerifyingKey,
    ) -> Result<CommuneCertificate, String> {
        let opened = envelope
            .clone()
            .open(TYP_COMMUNE_CERTIFICATE)
            .map_err(|e| e.to_string())?;
        if opened.header.kid != root_key_id {
            return Err(format!(
                "chứng thư do khóa {} ký, không phải khóa gốc {root_key_id}",
                opened.header.kid
            ));
        }
        opened.verify(root).map_err(|e| e.to_string())?;
        let certificate: CommuneCertificate =
            serde_json::from_slice(&opened.payload).map_err(|e| e.to_string())?;
        if certificate.schema != CERTIFICATE_SCHEMA || certificate.algorithm != ALG_EDDSA {
            return Err(format!(
                "chứng thư phiên bản {} thuật toán {} không được hỗ trợ",
                certificate.schema, certificate.algorithm
            ));
        }
        certificate.verifying_key()?;
        Ok(certificate)
    }

    pub fn verifying_key(&self) -> Result<VerifyingKey, String> {
        verifying_key_from_b64(&self.public_key).map_err(|e| e.to_string())
    }

    /// Whether a paper issued on `day` falls within the key's validity.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.valid_from.date_naive() <= day && day <= self.valid_until.date_naive()
    }
}

/// A commune's key certified by `root` for `days` from `valid_from`: what
/// the registry's operator issues (`hotich-central paper-key certify`).
pub fn certify_commune_key(
    root: &Signer,
    commune: (&str, &str, &str),
    key_id: &str,
    public_key: &str,
    valid_from: DateTime<Utc>,
    days: i64,
) -> SignedEnvelope {
    let (commune_code, commune_name, province_name) = commune;
    CommuneCertificate {
        schema: CERTIFICATE_SCHEMA,
        commune_code: commune_code.to_owned(),
        commune_name: commune_name.to_owned(),
        province_name: province_name.to_owned(),
        key_id: key_id.to_owned(),
        algorithm: ALG_EDDSA.to_owned(),
        public_key: public_key.to_owned(),
        valid_from,
        valid_until: valid_from + chrono::Duration::days(days),
        demo: false,
    }
    .issue(root)
}

/// The demo commune key of `commune_code`, derivable by anyone (like the demo
/// facilities' keys), so a demo store prints signed papers offline.
pub fn demo_commune_signer(commune_code: &str) -> Signer {
    Signer::from_label(
        &format!("hotich demo commune {commune_code} paper key 1"),
        format!("demo-commune-{commune_code}-k1"),
    )
}

/// The demo commune key's certificate, signed by the demo root: valid from
/// `valid_from` for ten years.
pub fn demo_commune_certificate(
    commune_code: &str,
    commune_name: &str,
    province_name: &str,
    valid_from: DateTime<Utc>,
) -> SignedEnvelope {
    let signer = demo_commune_signer(commune_code);
    CommuneCertificate {
        schema: CERTIFICATE_SCHEMA,
        commune_code: commune_code.to_owned(),
        commune_name: commune_name.to_owned(),
        province_name: province_name.to_owned(),
        key_id: signer.key_id().to_owned(),
        algorithm: ALG_EDDSA.to_owned(),
        public_key: signer.public_key_b64(),
        valid_from,
        valid_until: valid_from + chrono::Duration::days(3653),
        demo: true,
    }
    .issue(&demo_root_signer())
}

/// What a checker needs and nothing else: the root key it trusts and the
/// commune certificates, as the registry signed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperTrust {
    /// [`PAPER_TRUST_FORMAT`].
    pub format: String,
    pub version: u32,
    pub root_key_id: String,
    /// base64url of the root's 32-byte Ed25519 public key.
    pub root_public_key: String,
    pub certificates: Vec<SignedEnvelope>,
    /// Key ids the registry revoked (a lost or compromised workstation): a
    /// paper they signed is refused whatever its certificate says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revoked: Vec<String>,
}

impl PaperTrust {
    pub fn new(
        root_key_id: &str,
        root_public_key: &str,
        certificates: Vec<SignedEnvelope>,
    ) -> PaperTrust {
        PaperTrust {
            format: PAPER_TRUST_FORMAT.to_owned(),
            version: 1,
            root_key_id: root_key_id.to_owned(),
            root_public_key: root_public_key.to_owned(),
            certificates,
            revoked: Vec::new(),
        }
    }

    /// Whether the root is the publicly known demo root.
    pub fn is_demo_root(&self) -> bool {
        self.root_key_id == DEMO_ROOT_KEY_ID
            && self.root_public_key == demo_root_signer().public_key_b64()
    }

    /// The certificates the root really signed; the others are left out
    /// (a checker never trusts what the root did not sign).
    pub fn certificates(&self) -> Result<Vec<CommuneCertificate>, String> {
        if self.format != PAPER_TRUST_FORMAT || self.version != 1 {
            return Err(format!(
                "không phải tệp tin cậy giấy tờ Hotich phiên bản 1 ({} {})",
                self.format, self.version
            ));
        }
        let root = verifying_key_from_b64(&self.root_public_key).map_err(|e| e.to_string())?;
        Ok(self
            .certificates
            .iter()
            .filter_map(|envelope| {
                CommuneCertificate::verify(envelope, &self.root_key_id, &root).ok()
            })
            .collect())
    }
}
