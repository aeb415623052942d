//! What a trust file a supervisor or operator adds holds, read once for
//! every store that keeps X.509 trust (the workstation's tables, the central
//! registry's): each certificate's DER, fingerprint, subject, end of
//! validity and role; a CRL's issuer and dates. No store here.

use hotich_common::hex::sha256_hex;

use crate::trust::{certificates_from, crl_from, is_self_signed, name_text, CertificateRole};
use crate::TrustError;

/// One certificate of a file, as a store lists and keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFile {
    pub der: Vec<u8>,
    /// SHA-256 of the DER, hex.
    pub sha256: String,
    pub subject: String,
    pub not_after: String,
    /// Self-signed: a trust anchor; else an intermediate (or a facility's).
    pub role: CertificateRole,
}

/// Every certificate in a PEM or DER file.
pub fn read_certificates(bytes: &[u8]) -> Result<Vec<CertificateFile>, TrustError> {
    certificates_from(bytes)?
        .iter()
        .map(|certificate| {
            let der = certificate.to_der().map_err(|_| TrustError::Unreadable)?;
            // The rule the trust store tells an anchor from an intermediate by.
            let role = if is_self_signed(certificate) {
                CertificateRole::Anchor
            } else {
                CertificateRole::Intermediate
            };
            Ok(CertificateFile {
                sha256: sha256_hex(&der),
                subject: name_text(certificate.subject_name()),
                not_after: certificate.not_after().to_string(),
                role,
                der,
            })
        })
        .collect()
}

/// A CRL file, as a store lists and keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlFile {
    pub der: Vec<u8>,
    pub sha256: String,
    pub issuer: String,
    pub this_update: String,
    pub next_update: Option<String>,
}

/// A CRL in PEM or DER.
pub fn read_crl(bytes: &[u8]) -> Result<CrlFile, TrustError> {
    let crl = crl_from(bytes)?;
    let der = crl.to_der().map_err(|_| TrustError::Unreadable)?;
    Ok(CrlFile {
        sha256: sha256_hex(&der),
        issuer: name_text(crl.issuer_name()),
        this_update: crl.last_update().to_string(),
        next_update: crl.next_update().map(|t| t.to_string()),
        der,
    })
}
