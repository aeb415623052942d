//! Trust in the signer's certificate at receipt time: path building and
//! validation by OpenSSL against the anchors and intermediates a supervisor
//! imported, the signer's key usage and key size, SHA-2 on the chain, and
//! revocation from imported CRLs (each verified against its issuer by
//! OpenSSL). The facility check ties a facility code to the certificates
//! registered for it.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{
    CrlStatus, X509Crl, X509NameRef, X509Ref, X509StoreContext, X509VerifyResult, X509,
};
use serde::Serialize;

use crate::error::TrustError;

/// The smallest RSA modulus accepted (TT 15/2025/TT-BKHCN).
pub const MIN_RSA_BITS: u32 = 2048;

/// Signature algorithms accepted on certificates: SHA-2 family only.
const SHA2_SIGNATURES: &[Nid] = &[
    Nid::SHA256WITHRSAENCRYPTION,
    Nid::SHA384WITHRSAENCRYPTION,
    Nid::SHA512WITHRSAENCRYPTION,
    Nid::ECDSA_WITH_SHA256,
    Nid::ECDSA_WITH_SHA384,
    Nid::ECDSA_WITH_SHA512,
    Nid::RSASSAPSS,
];

/// Where an imported certificate went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateRole {
    /// Self-signed: a root the office trusts.
    Anchor,
    /// Issued by another CA: used to build paths, never trusted by itself.
    Intermediate,
}

impl CertificateRole {
    /// The wire value (the same string serde writes), as stores keep it.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateRole::Anchor => "anchor",
            CertificateRole::Intermediate => "intermediate",
        }
    }
}

/// The trust anchors, intermediates and CRLs a receipt is checked against.
#[derive(Default)]
pub struct TrustStore {
    anchors: Vec<X509>,
    intermediates: Vec<X509>,
    crls: Vec<HeldCrl>,
    /// Paths already validated, by the DER of the signer and the carried
    /// certificates, with the interval in which the answer holds (every
    /// certificate valid, every CRL used current). Cleared on each import.
    validated: Mutex<HashMap<[u8; 32], ValidatedPath>>,
}

/// A CRL and how it came to the office.
struct HeldCrl {
    crl: X509Crl,
    origin: CrlOrigin,
}

#[derive(Debug, Clone)]
struct ValidatedPath {
    evidence: CertificateEvidence,
    from: i64,
    until: i64,
}

/// Above this many distinct signers the cache starts again.
const VALIDATED_CACHE_SIZE: usize = 4096;

fn cache_key(signer_der: &[u8], carried: &[Vec<u8>]) -> [u8; 32] {
    let mut hasher = openssl::sha::Sha256::new();
    for der in std::iter::once(signer_der).chain(carried.iter().map(Vec::as_slice)) {
        hasher.update(&(der.len() as u64).to_be_bytes());
        hasher.update(der);
    }
    hasher.finish()
}

/// Seconds since the epoch of an ASN.1 time.
fn unix_seconds(time: &Asn1TimeRef) -> Option<i64> {
    let epoch = Asn1Time::from_unix(0).ok()?;
    let diff = epoch.diff(time).ok()?;
    Some(i64::from(diff.days) * 86_400 + i64::from(diff.secs))
}

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustStore")
            .field("anchors", &self.anchors.len())
            .field("intermediates", &self.intermediates.len())
            .field("crls", &self.crls.len())
            .finish()
    }
}

fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Every certificate in `bytes`: one DER certificate, or PEM holding one or more.
pub fn certificates_from(bytes: &[u8]) -> Result<Vec<X509>, TrustError> {
    let certificates = if is_pem(bytes) {
        X509::stack_from_pem(bytes).map_err(|_| TrustError::Unreadable)?
    } else {
        vec![X509::from_der(bytes).map_err(|_| TrustError::Unreadable)?]
    };
    if certificates.is_empty() {
        return Err(TrustError::Unreadable);
    }
    Ok(certificates)
}

/// Self-signed (issued by itself, verified by its own key): a trust anchor.
pub(crate) fn is_self_signed(certificate: &X509Ref) -> bool {
    certificate.issued(certificate) == X509VerifyResult::OK
        && certificate
            .public_key()
            .and_then(|key| certificate.verify(&key))
            .unwrap_or(false)
}

impl TrustStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds each certificate in `bytes` (PEM or DER): self-signed ones as
    /// anchors, the others as intermediates.
    pub fn add_certificates(&mut self, bytes: &[u8]) -> Result<Vec<CertificateRole>, TrustError> {
        self.forget_validated();
        let mut roles = Vec::new();
        for certificate in certificates_from(bytes)? {
            if is_self_signed(&certificate) {
                self.anchors.push(certificate);
                roles.push(CertificateRole::Anchor);
            } else {
                self.intermediates.push(certificate);
                roles.push(CertificateRole::Intermediate);
            }
        }
        Ok(roles)
    }

    /// Adds a CRL (PEM or DER) a supervisor imported by hand. It is used
    /// only for certificates of the CA whose key verifies it.
    pub fn add_crl(&mut self, bytes: &[u8]) -> Result<(), TrustError> {
        self.add_crl_from(bytes, CrlOrigin::Manual)
    }

    /// [`TrustStore::add_crl`] with where the CRL came from, which the
    /// revocation evidence names.
    pub fn add_crl_from(&mut self, bytes: &[u8], origin: CrlOrigin) -> Result<(), TrustError> {
        let crl = crl_from(bytes)?;
        self.forget_validated();
        self.crls.push(HeldCrl { crl, origin });
        Ok(())
    }

    /// Validates the signer certificate (DER) at `at`, with `carried` (DER)
    /// certificates the file brought as extra path candidates (never trusted
    /// by themselves).
    pub fn validate(
        &self,
        signer_der: &[u8],
        carried: &[Vec<u8>],
        at: DateTime<Utc>,
    ) -> Result<CertificateEvidence, TrustError> {
        let key = cache_key(signer_der, carried);
        let now = at.timestamp();
        if let Ok(cache) = self.validated.lock() {
            if let Some(hit) = cache.get(&key).filter(|p| p.from <= now && now <= p.until) {
                return Ok(CertificateEvidence {
                    checked_at: at,
                    ..hit.evidence.clone()
                });
            }
        }
        let (evidence, window) = self.validate_uncached(signer_der, carried, at)?;
        if let (Some((from, until)), Ok(mut cache)) = (window, self.validated.lock()) {
            if cache.len() >= VALIDATED_CACHE_SIZE {
                cache.clear();
            }
            cache.insert(
                key,
                ValidatedPath {
                    evidence: evidence.clone(),
                    from,
                    until,
                },
            );
        }
        Ok(evidence)
    }

    fn forget_validated(&mut self) {
        if let Ok(cache) = self.validated.get_mut() {
            cache.clear();
        }
    }

    /// The evidence, and the interval in which it holds when it may be
    /// cached (not when a CRL was out of date).
    fn validate_uncached(
        &self,
        signer_der: &[u8],
        carried: &[Vec<u8>],
        at: DateTime<Utc>,
    ) -> Result<(CertificateEvidence, Option<(i64, i64)>), TrustError> {
        let signer = X509::from_der(signer_der).map_err(|_| TrustError::Unreadable)?;
        check_signer_key(&signer)?;
        let chain = self.build_path(&signer, carried, at)?;
        for certificate in &chain {
            check_sha2_and_size(certificate)?;
        }
        let mut links = Vec::with_capacity(chain.len());
        let mut window = Some((i64::MIN, i64::MAX));
        let mut narrow = |from: Option<i64>, until: Option<i64>| {
            window = match (window, from, until) {
                (Some((a, b)), Some(from), Some(until)) => Some((a.max(from), b.min(until))),
                _ => None,
            };
        };
        for (i, certificate) in chain.iter().enumerate() {
            narrow(
                unix_seconds(certificate.not_before()),
                unix_seconds(certificate.not_after()),
            );
            // The anchor is trusted as imported; every other link is looked up
            // in the CRLs of the certificate above it.
            let revocation = match chain.get(i + 1) {
                Some(issuer) => {
                    let (status, crl_window) = self.revocation_of(certificate, issuer, at)?;
                    match (&status, crl_window) {
                        (_, Some((from, until))) => narrow(Some(from), Some(until)),
                        (
                            RevocationStatus::NotChecked {
                                reason: NotCheckedReason::NoCrl,
                            },
                            None,
                        ) => {}
                        _ => narrow(None, None),
                    }
                    status
                }
                None => RevocationStatus::TrustAnchor,
            };
            links.push(ChainLink::of(certificate, revocation)?);
        }
        let revocation = links.first().map(|link| link.revocation.clone()).unwrap_or(
            RevocationStatus::NotChecked {
                reason: NotCheckedReason::NoCrl,
            },
        );
        let evidence = CertificateEvidence {
            signer_sha256: fingerprint(&signer)?,
            signer_subject: name_text(signer.subject_name()),
            signer_serial: serial_text(&signer),
            chain: links,
            revocation,
            checked_at: at,
        };
        Ok((evidence, window))
    }

    /// OpenSSL builds and validates the path at `at`; its chain comes back leaf first.
    fn build_path(
        &self,
        signer: &X509,
        carried: &[Vec<u8>],
        at: DateTime<Utc>,
    ) -> Result<Vec<X509>, TrustError> {
        let internal = |_| TrustError::Untrusted {
            detail: "the verifier could not run".to_owned(),
        };
        let mut builder = X509StoreBuilder::new().map_err(internal)?;
        for anchor in &self.anchors {
            builder.add_cert(anchor.clone()).map_err(internal)?;
        }
        let mut param = openssl::x509::verify::X509VerifyParam::new().map_err(internal)?;
        param.set_time(at.timestamp() as _);
        builder.set_param(&param).map_err(internal)?;
        let store = builder.build();
        let mut untrusted = Stack::new().map_err(internal)?;
        for intermediate in &self.intermediates {
            untrusted.push(intermediate.clone()).map_err(internal)?;
        }
        for der in carried {
            if let Ok(certificate) = X509::from_der(der) {
                untrusted.push(certificate).map_err(internal)?;
            }
        }
        let mut context = X509StoreContext::new().map_err(internal)?;
        let (verified, error, chain) = context
            .init(&store, signer, &untrusted, |c| {
                let verified = c.verify_cert()?;
                let chain: Vec<X509> = c
                    .chain()
                    .map(|s| s.iter().map(|x| x.to_owned()).collect())
                    .unwrap_or_default();
                Ok((verified, c.error(), chain))
            })
            .map_err(internal)?;
        if verified {
            return Ok(chain);
        }
        Err(match error.as_raw() {
            openssl_sys_codes::CERT_HAS_EXPIRED => TrustError::Expired,
            openssl_sys_codes::CERT_NOT_YET_VALID => TrustError::NotYetValid,
            _ => TrustError::Untrusted {
                detail: error.error_string().to_owned(),
            },
        })
    }

    /// The status, and for a current CRL the interval it is in force. Every
    /// CRL of the issuer is looked at (a listing in any of them revokes);
    /// of the current ones the latest issued is the evidence.
    fn revocation_of(
        &self,
        certificate: &X509,
        issuer: &X509,
        at: DateTime<Utc>,
    ) -> Result<(RevocationStatus, Option<(i64, i64)>), TrustError> {
        let at_asn1 =
            Asn1Time::from_unix(at.timestamp() as _).map_err(|_| TrustError::Unreadable)?;
        let issuer_key = issuer.public_key().map_err(|_| TrustError::Unreadable)?;
        let mut stale = false;
        let mut latest_current: Option<&HeldCrl> = None;
        for held in &self.crls {
            let crl = &held.crl;
            if !same_name(crl.issuer_name(), certificate.issuer_name())
                || !crl.verify(&issuer_key).unwrap_or(false)
            {
                continue;
            }
            if let CrlStatus::Revoked(_) = crl.get_by_cert(certificate) {
                return Err(TrustError::Revoked {
                    crl_issuer: name_text(crl.issuer_name()),
                });
            }
            if !in_force(crl, &at_asn1) {
                stale = true;
                continue;
            }
            let later = latest_current.is_none_or(|best| {
                crl.last_update().compare(best.crl.last_update()).ok() == Some(Ordering::Greater)
            });
            if later {
                latest_current = Some(held);
            }
        }
        let Some(held) = latest_current else {
            let reason = if stale {
                NotCheckedReason::CrlOutOfDate
            } else {
                NotCheckedReason::NoCrl
            };
            return Ok((RevocationStatus::NotChecked { reason }, None));
        };
        let crl = &held.crl;
        let window = unix_seconds(crl.last_update())
            .zip(crl.next_update().map_or(Some(i64::MAX), unix_seconds));
        let status = RevocationStatus::Good {
            source: RevocationSource::Crl {
                issuer: name_text(crl.issuer_name()),
                this_update: time_text(crl.last_update()),
                next_update: crl.next_update().map(time_text),
                obtained: held.origin.clone(),
            },
        };
        Ok((status, window))
    }
}

/// A CRL from PEM or DER bytes.
pub fn crl_from(bytes: &[u8]) -> Result<X509Crl, TrustError> {
    if is_pem(bytes) {
        X509Crl::from_pem(bytes)
    } else {
        X509Crl::from_der(bytes)
    }
    .map_err(|_| TrustError::Unreadable)
}

/// Whether `crl` is in force at `at`: issued before it, its next update not passed.
pub fn crl_in_force(crl: &X509Crl, at: DateTime<Utc>) -> bool {
    Asn1Time::from_unix(at.timestamp() as _).is_ok_and(|at| in_force(crl, &at))
}

fn in_force(crl: &X509Crl, at: &Asn1TimeRef) -> bool {
    let issued = crl
        .last_update()
        .compare(at)
        .is_ok_and(|o| o != Ordering::Greater);
    let not_expired = crl
        .next_update()
        .is_none_or(|next| next.compare(at).is_ok_and(|o| o != Ordering::Less));
    issued && not_expired
}

/// The HTTP(S) addresses in a certificate's CRL distribution points
/// extension (full names only; LDAP and relative names are skipped), in
/// the certificate's order.
pub fn crl_distribution_points(certificate_der: &[u8]) -> Vec<String> {
    use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
    let Ok((_, certificate)) = x509_parser::parse_x509_certificate(certificate_der) else {
        return Vec::new();
    };
    let mut urls = Vec::new();
    for extension in certificate.extensions() {
        let ParsedExtension::CRLDistributionPoints(points) = extension.parsed_extension() else {
            continue;
        };
        for point in points.iter() {
            let Some(DistributionPointName::FullName(names)) = &point.distribution_point else {
                continue;
            };
            for name in names {
                if let GeneralName::URI(uri) = name {
                    let lower = uri.to_ascii_lowercase();
                    if (lower.starts_with("http://") || lower.starts_with("https://"))
                        && !urls.iter().any(|u| u == uri)
                    {
                        urls.push((*uri).to_owned());
                    }
                }
            }
        }
    }
    urls
}

/// X509_V_ERR codes (stable numbers of OpenSSL's x509_vfy.h).
mod openssl_sys_codes {
    pub const CERT_NOT_YET_VALID: i32 = 9;
    pub const CERT_HAS_EXPIRED: i32 = 10;
}

fn same_name(a: &X509NameRef, b: &X509NameRef) -> bool {
    matches!((a.to_der(), b.to_der()), (Ok(a), Ok(b)) if a == b)
}

fn rsa_bits(certificate: &X509Ref) -> Result<Option<u32>, TrustError> {
    let key = certificate
        .public_key()
        .map_err(|_| TrustError::Unreadable)?;
    Ok(key.rsa().ok().map(|rsa| rsa.size() * 8))
}

/// The signer: RSA ≥ 2048 bits and a key usage that allows signing.
fn check_signer_key(signer: &X509) -> Result<(), TrustError> {
    match rsa_bits(signer)? {
        Some(bits) if bits >= MIN_RSA_BITS => {}
        Some(bits) => {
            return Err(TrustError::WeakAlgorithm {
                detail: format!("RSA key of {bits} bits"),
            })
        }
        None => {
            return Err(TrustError::WeakAlgorithm {
                detail: "not an RSA key (the profile signs with rsa-sha256)".to_owned(),
            })
        }
    }
    let der = signer.to_der().map_err(|_| TrustError::Unreadable)?;
    let (_, parsed) =
        x509_parser::parse_x509_certificate(&der).map_err(|_| TrustError::Unreadable)?;
    match parsed.key_usage() {
        Ok(Some(usage)) if usage.value.digital_signature() || usage.value.non_repudiation() => {
            Ok(())
        }
        _ => Err(TrustError::KeyUsage),
    }
}

fn check_sha2_and_size(certificate: &X509) -> Result<(), TrustError> {
    let nid = certificate.signature_algorithm().object().nid();
    if !SHA2_SIGNATURES.contains(&nid) {
        return Err(TrustError::WeakAlgorithm {
            detail: format!(
                "certificate signed with {}",
                nid.long_name().unwrap_or("an unknown algorithm")
            ),
        });
    }
    match rsa_bits(certificate)? {
        Some(bits) if bits < MIN_RSA_BITS => Err(TrustError::WeakAlgorithm {
            detail: format!("RSA key of {bits} bits in the chain"),
        }),
        _ => Ok(()),
    }
}

fn fingerprint(certificate: &X509Ref) -> Result<String, TrustError> {
    certificate
        .digest(MessageDigest::sha256())
        .map(|d| hex::encode(&*d))
        .map_err(|_| TrustError::Unreadable)
}

/// `CN=…, O=…` in the certificate's order.
pub fn name_text(name: &X509NameRef) -> String {
    name.entries()
        .map(|entry| {
            let key = entry.object().nid().short_name().unwrap_or("?");
            let value = entry.data().to_string().unwrap_or_default();
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn serial_text(certificate: &X509Ref) -> String {
    certificate
        .serial_number()
        .to_bn()
        .and_then(|bn| bn.to_hex_str().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn time_text(time: &Asn1TimeRef) -> String {
    time.to_string()
}

/// Where a revocation answer came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RevocationSource {
    Crl {
        issuer: String,
        this_update: String,
        next_update: Option<String>,
        /// How the CRL came to the office.
        obtained: CrlOrigin,
    },
}

/// How a CRL came to the office: the revocation evidence's source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CrlOrigin {
    /// Imported from a file by a supervisor ("nhập tay").
    Manual,
    /// Fetched from a certificate's CRL distribution point ("tải từ điểm
    /// phân phối CRL <url>").
    DistributionPoint { url: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCheckedReason {
    /// No imported CRL is from this certificate's issuer.
    NoCrl,
    /// The issuer's CRL is past its next update (or not yet in force).
    CrlOutOfDate,
}

/// A certificate's revocation status at receipt time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RevocationStatus {
    /// A current CRL of the issuer does not list it.
    Good { source: RevocationSource },
    /// Valid signature, revocation not checked ("chữ ký hợp lệ, chưa kiểm
    /// tra thu hồi"): re-check when a CRL arrives.
    NotChecked { reason: NotCheckedReason },
    /// The root itself, trusted as imported.
    TrustAnchor,
}

/// One certificate of the validated path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainLink {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub sha256: String,
    pub not_before: String,
    pub not_after: String,
    pub revocation: RevocationStatus,
}

impl ChainLink {
    fn of(certificate: &X509, revocation: RevocationStatus) -> Result<Self, TrustError> {
        Ok(ChainLink {
            subject: name_text(certificate.subject_name()),
            issuer: name_text(certificate.issuer_name()),
            serial: serial_text(certificate),
            sha256: fingerprint(certificate)?,
            not_before: time_text(certificate.not_before()),
            not_after: time_text(certificate.not_after()),
            revocation,
        })
    }
}

/// What was checked about the signer's certificate, kept with the notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateEvidence {
    /// SHA-256 of the signer certificate's DER (what facilities register).
    pub signer_sha256: String,
    pub signer_subject: String,
    pub signer_serial: String,
    /// Signer first, trust anchor last.
    pub chain: Vec<ChainLink>,
    /// The signer's revocation status.
    pub revocation: RevocationStatus,
    pub checked_at: DateTime<Utc>,
}

/// Facility code (MACSKCB) → SHA-256 fingerprints (hex) of the signing
/// certificates registered for it.
#[derive(Debug, Clone, Default)]
pub struct FacilityCertificates(pub BTreeMap<String, Vec<String>>);

impl FacilityCertificates {
    pub fn register(&mut self, facility: &str, certificate_sha256: &str) {
        self.0
            .entry(facility.to_owned())
            .or_default()
            .push(certificate_sha256.to_ascii_lowercase());
    }

    /// A valid certificate of hospital A cannot sign for hospital B.
    pub fn check(&self, facility: &str, evidence: &CertificateEvidence) -> Result<(), TrustError> {
        let registered = self
            .0
            .get(facility)
            .is_some_and(|list| list.contains(&evidence.signer_sha256));
        if registered {
            Ok(())
        } else {
            Err(TrustError::WrongFacility {
                facility: facility.chars().take(16).collect(),
            })
        }
    }
}
