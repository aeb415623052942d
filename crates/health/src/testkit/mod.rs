//! Test material made on the spot (feature `testkit`): an RSA test PKI
//! (root CA → intermediate → facility certificates, CRLs) built with
//! OpenSSL, filled records of each official shape, and a test signer that
//! signs them with libxmlsec1 in either profile. Nothing here is for
//! production; the simulator and the demo use it.

pub mod broken;
mod demo_pki;
pub mod fhir;
pub mod official;

pub use demo_pki::DEMO_FACILITY_KEYS;

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use openssl::asn1::{Asn1Integer, Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier,
};
use openssl::x509::{
    X509Builder, X509Crl, X509CrlBuilder, X509Extension, X509Name, X509NameBuilder,
    X509RevokedBuilder, X509,
};
use xmlsec::{XmlSecDocumentExt, XmlSecKey, XmlSecKeyFormat, XmlSecSignatureContext};

use crate::document::XmlFormat;
use crate::signature::{C14N, DSIG_NS, ENVELOPED, RSA_SHA256, SHA256};

/// rsa-sha1 and sha1: what a weak-algorithm test signs with.
pub const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
pub const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

type TestResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// A key and its certificate.
#[derive(Clone)]
pub struct Identity {
    pub key: PKey<Private>,
    pub certificate: X509,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field(
                "subject",
                &crate::trust::name_text(self.certificate.subject_name()),
            )
            .finish()
    }
}

impl Identity {
    pub fn certificate_der(&self) -> Vec<u8> {
        self.certificate.to_der().unwrap_or_default()
    }

    pub fn certificate_pem(&self) -> Vec<u8> {
        self.certificate.to_pem().unwrap_or_default()
    }

    /// The private key as PKCS#8 PEM (for `xmlsec1 --privkey-pem`).
    pub fn key_pem(&self) -> Vec<u8> {
        self.key.private_key_to_pem_pkcs8().unwrap_or_default()
    }

    /// SHA-256 of the certificate's DER, as [`crate::FacilityCertificates`] registers.
    pub fn sha256(&self) -> String {
        self.certificate
            .digest(MessageDigest::sha256())
            .map(|d| hex::encode(&*d))
            .unwrap_or_default()
    }
}

/// What a facility certificate should look like.
#[derive(Debug, Clone)]
pub struct CertificateSpec {
    pub common_name: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub rsa_bits: u32,
    /// `digitalSignature` + `nonRepudiation` when true; only `keyEncipherment` otherwise.
    pub signing_usage: bool,
    /// The certificate's own signature hash.
    pub hash: CertificateHash,
}

/// The hash a test certificate is signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateHash {
    Sha256,
    /// Refused on a chain: for the weak-algorithm test.
    Sha1,
}

impl CertificateHash {
    fn digest(self) -> MessageDigest {
        match self {
            CertificateHash::Sha256 => MessageDigest::sha256(),
            CertificateHash::Sha1 => MessageDigest::sha1(),
        }
    }
}

impl CertificateSpec {
    /// A valid signing certificate: one year around now, RSA-2048, SHA-256.
    pub fn facility(common_name: &str) -> Self {
        let now = Utc::now();
        CertificateSpec {
            common_name: common_name.to_owned(),
            not_before: now - Duration::days(30),
            not_after: now + Duration::days(335),
            rsa_bits: 2048,
            signing_usage: true,
            hash: CertificateHash::Sha256,
        }
    }
}

fn name(common_name: &str, organisation: &str) -> TestResult<X509Name> {
    let mut builder = X509NameBuilder::new()?;
    builder.append_entry_by_text("C", "VN")?;
    builder.append_entry_by_text("O", organisation)?;
    builder.append_entry_by_text("CN", common_name)?;
    Ok(builder.build())
}

fn rsa_key(bits: u32) -> TestResult<PKey<Private>> {
    Ok(PKey::from_rsa(Rsa::generate(bits)?)?)
}

fn asn1_time(at: DateTime<Utc>) -> TestResult<Asn1Time> {
    Ok(Asn1Time::from_unix(at.timestamp() as _)?)
}

fn next_serial() -> TestResult<Asn1Integer> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static SERIAL: AtomicU32 = AtomicU32::new(0x1000);
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
    Ok(BigNum::from_u32(serial)?.to_asn1_integer()?)
}

/// Issues a certificate for `subject` signed by `issuer` (self-signed when None).
fn issue(
    subject: &X509Name,
    key: &PKey<Private>,
    issuer: Option<&Identity>,
    spec: &CertificateSpec,
    ca: bool,
) -> TestResult<X509> {
    issue_numbered(subject, key, issuer, spec, ca, &next_serial()?)
}

/// [`issue`] with a given serial number: the same inputs give the same
/// certificate bytes (RSA PKCS#1 v1.5 signatures are deterministic).
fn issue_numbered(
    subject: &X509Name,
    key: &PKey<Private>,
    issuer: Option<&Identity>,
    spec: &CertificateSpec,
    ca: bool,
    serial: &Asn1Integer,
) -> TestResult<X509> {
    let mut builder = X509Builder::new()?;
    builder.set_version(2)?;
    builder.set_serial_number(serial)?;
    builder.set_subject_name(subject)?;
    builder.set_issuer_name(issuer.map_or(subject, |i| i.certificate.subject_name()))?;
    builder.set_pubkey(key)?;
    builder.set_not_before(asn1_time(spec.not_before)?.as_ref())?;
    builder.set_not_after(asn1_time(spec.not_after)?.as_ref())?;
    if ca {
        builder.append_extension(BasicConstraints::new().critical().ca().build()?)?;
        builder.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()?,
        )?;
    } else {
        builder.append_extension(BasicConstraints::new().critical().build()?)?;
        let mut usage = KeyUsage::new();
        usage.critical();
        if spec.signing_usage {
            usage.digital_signature().non_repudiation();
        } else {
            usage.key_encipherment();
        }
        builder.append_extension(usage.build()?)?;
    }
    let ski = SubjectKeyIdentifier::new()
        .build(&builder.x509v3_context(issuer.map(|i| &*i.certificate), None))?;
    builder.append_extension(ski)?;
    if issuer.is_some() {
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&builder.x509v3_context(issuer.map(|i| &*i.certificate), None))?;
        builder.append_extension(aki)?;
    }
    builder.sign(issuer.map_or(key, |i| &i.key), spec.hash.digest())?;
    Ok(builder.build())
}

/// A test root CA and an intermediate (both RSA-2048, SHA-256, ten years).
#[derive(Debug, Clone)]
pub struct TestPki {
    pub root: Identity,
    pub intermediate: Identity,
}

impl TestPki {
    pub fn new() -> TestResult<Self> {
        let now = Utc::now();
        let ca_spec = CertificateSpec {
            common_name: String::new(),
            not_before: now - Duration::days(365),
            not_after: now + Duration::days(3650),
            rsa_bits: 2048,
            signing_usage: false,
            hash: CertificateHash::Sha256,
        };
        let root_key = rsa_key(2048)?;
        let root_name = name("Hotich Test Root CA", "Hotich test PKI")?;
        let root = Identity {
            certificate: issue(&root_name, &root_key, None, &ca_spec, true)?,
            key: root_key,
        };
        let intermediate_key = rsa_key(2048)?;
        let intermediate_name = name("Hotich Test Issuing CA", "Hotich test PKI")?;
        let intermediate = Identity {
            certificate: issue(
                &intermediate_name,
                &intermediate_key,
                Some(&root),
                &ca_spec,
                true,
            )?,
            key: intermediate_key,
        };
        Ok(TestPki { root, intermediate })
    }

    /// A facility's signing certificate issued by the intermediate.
    pub fn facility(&self, spec: &CertificateSpec) -> TestResult<Identity> {
        let key = rsa_key(spec.rsa_bits)?;
        let subject = name(&spec.common_name, &spec.common_name)?;
        let certificate = issue(&subject, &key, Some(&self.intermediate), spec, false)?;
        Ok(Identity { key, certificate })
    }

    /// The intermediate's CRL listing `revoked`, current at `at` (DER).
    pub fn crl(&self, revoked: &[&Identity], at: DateTime<Utc>) -> TestResult<Vec<u8>> {
        let mut builder = X509CrlBuilder::new()?;
        builder.set_issuer_name(self.intermediate.certificate.subject_name())?;
        builder.set_last_update(asn1_time(at - Duration::hours(1))?.as_ref())?;
        builder.set_next_update(asn1_time(at + Duration::days(7))?.as_ref())?;
        for identity in revoked {
            let mut entry = X509RevokedBuilder::new()?;
            entry.set_serial_number(identity.certificate.serial_number())?;
            entry.set_revocation_date(asn1_time(at - Duration::minutes(30))?.as_ref())?;
            builder.add_revoked(entry.build())?;
        }
        builder.append_extension(authority_key_identifier(&self.intermediate.certificate)?)?;
        // cRLNumber ::= INTEGER (1)
        builder.append_extension(extension("2.5.29.20", &[0x02, 0x01, 0x01])?)?;
        builder.sign(&self.intermediate.key, MessageDigest::sha256())?;
        let crl: X509Crl = builder.build()?;
        Ok(crl.to_der()?)
    }

    /// A trust store with this PKI's root and intermediate.
    pub fn trust_store(&self) -> TestResult<crate::TrustStore> {
        let mut store = crate::TrustStore::new();
        store.add_certificates(&self.root.certificate_pem())?;
        store.add_certificates(&self.intermediate.certificate_der())?;
        Ok(store)
    }
}

/// `authorityKeyIdentifier` naming `issuer`'s key (OpenSSL requires it on a CRL).
fn authority_key_identifier(issuer: &X509) -> TestResult<X509Extension> {
    let key_id = issuer
        .subject_key_id()
        .ok_or("the issuer has no subject key identifier")?;
    let key_id = key_id.as_slice();
    // AuthorityKeyIdentifier ::= SEQUENCE { [0] IMPLICIT KeyIdentifier }
    let mut der = vec![0x30, (key_id.len() + 2) as u8, 0x80, key_id.len() as u8];
    der.extend_from_slice(key_id);
    extension("2.5.29.35", &der)
}

fn extension(oid: &str, der: &[u8]) -> TestResult<X509Extension> {
    let oid = Asn1Object::from_str(oid)?;
    let value = Asn1OctetString::new_from_bytes(der)?;
    Ok(X509Extension::new_from_der(&oid, false, &value)?)
}

/// Which algorithms the test signer writes into `SignedInfo`.
#[derive(Debug, Clone, Copy)]
pub struct Algorithms {
    pub signature: &'static str,
    pub digest: &'static str,
}

impl Default for Algorithms {
    fn default() -> Self {
        Algorithms {
            signature: RSA_SHA256,
            digest: SHA256,
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The unsigned signature template of `format`'s profile, with the signer's
/// certificate in `KeyInfo`. `record_id` is the record's `Id` (two-reference).
pub fn signature_template(
    format: XmlFormat,
    record_id: &str,
    signer: &Identity,
    signing_time: &str,
    algorithms: Algorithms,
) -> String {
    let certificate = base64::engine::general_purpose::STANDARD.encode(signer.certificate_der());
    let subject = escape(&crate::trust::name_text(signer.certificate.subject_name()));
    let digest = |uri: &str, transforms: &str| {
        format!(
            "<Reference URI=\"{uri}\">{transforms}<DigestMethod Algorithm=\"{}\"/><DigestValue></DigestValue></Reference>",
            algorithms.digest
        )
    };
    let key_info = format!(
        "<KeyInfo><X509Data><X509SubjectName>{subject}</X509SubjectName><X509Certificate>{certificate}</X509Certificate></X509Data></KeyInfo>"
    );
    let head = |id: &str, references: String| {
        format!(
            "<Signature xmlns=\"{DSIG_NS}\" Id=\"{id}\"><SignedInfo><CanonicalizationMethod Algorithm=\"{C14N}\"/><SignatureMethod Algorithm=\"{}\"/>{references}</SignedInfo><SignatureValue></SignatureValue>{key_info}",
            algorithms.signature
        )
    };
    match format.record_element() {
        None => {
            let references = digest(
                "",
                &format!("<Transforms><Transform Algorithm=\"{ENVELOPED}\"/></Transforms>"),
            );
            format!(
                "{}</Signature>",
                head("sig-8d3c1f2e-0b7a-4c55-9a61-2f4e7d9b1c30", references)
            )
        }
        Some(_) => {
            let signature_id = format!("CHUKYDONVI-{record_id}");
            let object_id = format!("Object-{signature_id}");
            let references =
                digest(&format!("#{object_id}"), "") + &digest(&format!("#{record_id}"), "");
            format!(
                "{}<Object Id=\"{object_id}\"><SignatureProperties xmlns=\"\"><SignatureProperty Target=\"#{signature_id}\" Id=\"SignatureProperty-{record_id}\"><SigningTime>{signing_time}</SigningTime></SignatureProperty></SignatureProperties></Object></Signature>",
                head(&signature_id, references)
            )
        }
    }
}

/// Puts `template` into the file's empty `<CHUKYDONVI/>`.
pub fn with_template(unsigned: &str, template: &str) -> TestResult<String> {
    for empty in ["<CHUKYDONVI/>", "<CHUKYDONVI></CHUKYDONVI>"] {
        if unsigned.contains(empty) {
            return Ok(unsigned.replacen(
                empty,
                &format!("<CHUKYDONVI>{template}</CHUKYDONVI>"),
                1,
            ));
        }
    }
    Err("no empty CHUKYDONVI in the file".into())
}

/// Signs a filled file (with an empty `<CHUKYDONVI/>`) in its format's profile
/// with libxmlsec1, the way a facility's software does.
pub fn sign(
    unsigned: &str,
    format: XmlFormat,
    signer: &Identity,
    algorithms: Algorithms,
) -> TestResult<String> {
    sign_at(unsigned, format, signer, algorithms, "2026-11-30T09:15:00")
}

/// [`sign`] with the `SigningTime` (`yyyy-MM-ddTHH:mm:ss`, Vietnam time) given.
pub fn sign_at(
    unsigned: &str,
    format: XmlFormat,
    signer: &Identity,
    algorithms: Algorithms,
    signing_time: &str,
) -> TestResult<String> {
    let record_id = record_id_of(unsigned, format)?;
    let template = signature_template(format, &record_id, signer, signing_time, algorithms);
    sign_template(&with_template(unsigned, &template)?, format, signer)
}

fn record_id_of(unsigned: &str, format: XmlFormat) -> TestResult<String> {
    let Some(record) = format.record_element() else {
        return Ok(String::new());
    };
    let document = roxmltree::Document::parse(unsigned)?;
    let id = document
        .descendants()
        .find(|n| n.tag_name().name() == record)
        .and_then(|n| n.attribute("Id"))
        .ok_or("the record has no Id")?;
    Ok(id.to_owned())
}

/// Signs a file that already holds a signature template.
pub fn sign_template(
    with_template: &str,
    format: XmlFormat,
    signer: &Identity,
) -> TestResult<String> {
    let document = libxml::parser::Parser::default().parse_string(with_template)?;
    if let Some(record) = format.record_element() {
        document.specify_idattr(&format!("/{}/{record}", format.root()), "Id", None)?;
    }
    let key = XmlSecKey::from_memory(&signer.key_pem(), XmlSecKeyFormat::Pem, None)?;
    let mut context = XmlSecSignatureContext::new();
    context.insert_key(key);
    context.sign_document(&document)?;
    Ok(document.to_string_with_options(libxml::tree::SaveOptions::default()))
}

/// Fills a template's `{{NAME}}` placeholders.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{{{name}}}}}"), value)
        })
}

/// A filled death notice (`HSDLGBT`) with an empty `CHUKYDONVI`: diacritics,
/// a date of birth with unknown day and month (`19470000`), facility `facility`.
pub fn death_notice_xml(record_id: &str, facility: &str) -> String {
    fill(
        include_str!("death_notice.xml"),
        &[("RECORD_ID", record_id), ("FACILITY", facility)],
    )
}

/// A filled birth certificate (`HSDLGCS`) with a surrogacy group and a
/// 14-digit birth time.
pub fn birth_certificate_xml(record_id: &str) -> String {
    fill(
        include_str!("birth_certificate.xml"),
        &[("RECORD_ID", record_id)],
    )
}

/// Table 9 (`CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH`) with twins: two records.
pub fn xml9_twins_xml() -> String {
    let child = |name: &str, sex: &str, minute: &str| {
        fill(
            include_str!("xml9_child.xml"),
            &[("CHILD_NAME", name), ("CHILD_SEX", sex), ("MINUTE", minute)],
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>\n<DSACH_GIAYCHUNGSINH>\n{}{}</DSACH_GIAYCHUNGSINH>\n</CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>\n",
        child("Quách Bảo An", "1", "10"),
        child("Quách Bảo Ngọc", "2", "12")
    )
}

/// An XML 130 set (`GIAMDINHHS`) of facility `facility` holding `xml9`
/// (base64) beside an XML1 file that is ignored, with an empty `CHUKYDONVI`.
pub fn xml130_xml(facility: &str, xml9: &str) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
    fill(
        include_str!("xml130.xml"),
        &[
            ("FACILITY", facility),
            (
                "XML1",
                &b64("<TONG_HOP><MA_LK>LK-2026-000981</MA_LK></TONG_HOP>"),
            ),
            ("XML9", &b64(xml9)),
        ],
    )
}
