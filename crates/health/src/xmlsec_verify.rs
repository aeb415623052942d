//! The cryptographic check, by libxmlsec1 (through the `xmlsec` binding) on
//! the received bytes: the digests of the references and the RSA signature
//! value, with the signer certificate's key. When it fails, libxml2's own
//! C14N tells which reference's digest no longer matches, so the reason
//! names it.

use std::cell::RefCell;
use std::collections::HashMap;

use base64::Engine;
use libxml::parser::{Parser, ParserOptions};
use libxml::tree::c14n::{CanonicalizationMode, CanonicalizationOptions};
use libxml::tree::Document;
use libxml::xpath::Context;
use openssl::hash::MessageDigest;
use openssl::x509::X509;
use xmlsec::{XmlSecDocumentExt, XmlSecKey, XmlSecKeyFormat, XmlSecSignatureContext};

use crate::document::XmlFormat;
use crate::error::SignatureError;
use crate::signature::{SignatureEvidence, SignatureProfile, C14N, DSIG_NS, SHA256};
use crate::trust::MIN_RSA_BITS;

fn parse(bytes: &[u8]) -> Result<Document, SignatureError> {
    let options = ParserOptions {
        recover: false,
        no_net: true,
        no_def_dtd: true,
        ..ParserOptions::default()
    };
    Parser::default()
        .parse_string_with_options(bytes, options)
        .map_err(|_| SignatureError::BadStructure {
            detail: "libxml2 could not parse the file".to_owned(),
        })
}

/// Registers the record's `Id` as an XML ID (there is no schema declaring it),
/// on the one record element the structure check accepted.
fn register_record_id(document: &Document, format: XmlFormat) -> Result<(), SignatureError> {
    if let Some(record) = format.record_element() {
        let path = format!("/{}/{}", format.root(), record);
        document
            .specify_idattr(&path, "Id", None)
            .map_err(|_| SignatureError::Wrapping {
                detail: "the record's Id could not be registered (duplicate?)".to_owned(),
            })?;
    }
    Ok(())
}

/// Signer keys already loaded on this thread, by the certificate's SHA-256: a
/// facility signs thousands of notices with one certificate, and loading a
/// key from DER costs more than verifying with it. (libxmlsec1 keys cannot
/// leave their thread.)
const KEY_CACHE_SIZE: usize = 64;

thread_local! {
    static KEYS: RefCell<HashMap<[u8; 32], XmlSecKey>> = RefCell::new(HashMap::new());
}

/// The signer certificate's key, refused below RSA-2048 before any use.
fn signer_key(signer_der: &[u8]) -> Result<([u8; 32], XmlSecKey), SignatureError> {
    let fingerprint = openssl::sha::sha256(signer_der);
    if let Some(key) = KEYS.with(|keys| keys.borrow_mut().remove(&fingerprint)) {
        return Ok((fingerprint, key));
    }
    check_key_size(signer_der)?;
    let key = XmlSecKey::from_memory(signer_der, XmlSecKeyFormat::CertDer, None)
        .map_err(|_| SignatureError::NoCertificate)?;
    Ok((fingerprint, key))
}

fn keep_key(fingerprint: [u8; 32], key: XmlSecKey) {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.len() >= KEY_CACHE_SIZE {
            keys.clear();
        }
        keys.insert(fingerprint, key);
    });
}

/// RSA below 2048 bits is refused before any cryptography runs.
fn check_key_size(signer_der: &[u8]) -> Result<(), SignatureError> {
    let certificate = X509::from_der(signer_der).map_err(|_| SignatureError::NoCertificate)?;
    let key = certificate
        .public_key()
        .map_err(|_| SignatureError::NoCertificate)?;
    match key.rsa() {
        Ok(rsa) if rsa.size() * 8 >= MIN_RSA_BITS => Ok(()),
        Ok(rsa) => Err(SignatureError::WeakKey {
            detail: format!("RSA key of {} bits", rsa.size() * 8),
        }),
        Err(_) => Err(SignatureError::WeakKey {
            detail: "not an RSA key".to_owned(),
        }),
    }
}

/// Verifies the signature of `bytes` with the key of `signer_der`.
pub fn verify(
    bytes: &[u8],
    format: XmlFormat,
    evidence: &SignatureEvidence,
    signer_der: &[u8],
) -> Result<(), SignatureError> {
    let (fingerprint, key) = signer_key(signer_der)?;
    let document = parse(bytes)?;
    register_record_id(&document, format)?;
    let mut context = XmlSecSignatureContext::new();
    context.insert_key(key);
    // An error (rather than "invalid") is a reference libxmlsec1 could not
    // process; both are refusals.
    let verified = matches!(context.verify_document(&document), Ok(true));
    if let Some(key) = context.release_key() {
        keep_key(fingerprint, key);
    }
    if verified {
        return Ok(());
    }
    Err(mismatched_reference(bytes, evidence).unwrap_or(SignatureError::Invalid))
}

/// The first reference whose digest, recomputed with libxml2's C14N 1.0,
/// differs from its `DigestValue`; `None` when every digest matches (so the
/// signature value is what failed) or the reference is not one this profile
/// recomputes.
fn mismatched_reference(bytes: &[u8], evidence: &SignatureEvidence) -> Option<SignatureError> {
    if evidence.canonicalization != C14N {
        return None;
    }
    for reference in &evidence.references {
        let digest = match evidence.profile {
            SignatureProfile::Enveloped => enveloped_digest(bytes, &reference.digest_method)?,
            SignatureProfile::TwoReference => {
                let id = reference.uri.strip_prefix('#')?;
                fragment_digest(bytes, id, &reference.digest_method)?
            }
        };
        if digest != reference.digest_value {
            return Some(SignatureError::DigestMismatch {
                reference: reference.uri.clone(),
            });
        }
    }
    None
}

fn message_digest(method: &str) -> Option<MessageDigest> {
    match method {
        SHA256 => Some(MessageDigest::sha256()),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(MessageDigest::sha384()),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Some(MessageDigest::sha512()),
        _ => None,
    }
}

fn digest_b64(canonical: &str, method: &str) -> Option<String> {
    let digest = openssl::hash::hash(message_digest(method)?, canonical.as_bytes()).ok()?;
    Some(base64::engine::general_purpose::STANDARD.encode(&*digest))
}

fn c14n_options() -> CanonicalizationOptions {
    CanonicalizationOptions {
        mode: CanonicalizationMode::Canonical1_0,
        with_comments: false,
        inclusive_ns_prefixes: Vec::new(),
    }
}

fn fragment_digest(bytes: &[u8], id: &str, method: &str) -> Option<String> {
    let document = parse(bytes).ok()?;
    let context = Context::new(&document).ok()?;
    context.register_namespace("ds", DSIG_NS).ok()?;
    // The ids were checked to be plain `Id` values; quotes would end the literal.
    if id.contains('\'') {
        return None;
    }
    let mut context = context;
    let mut nodes = context.findnodes(&format!("//*[@Id='{id}']"), None).ok()?;
    if nodes.len() != 1 {
        return None;
    }
    let canonical = nodes.pop()?.canonicalize(c14n_options()).ok()?;
    digest_b64(&canonical, method)
}

fn enveloped_digest(bytes: &[u8], method: &str) -> Option<String> {
    let document = parse(bytes).ok()?;
    let context = Context::new(&document).ok()?;
    context.register_namespace("ds", DSIG_NS).ok()?;
    let mut context = context;
    let mut signatures = context.findnodes("//ds:Signature", None).ok()?;
    let mut signature = signatures.pop()?;
    signature.unlink();
    let canonical = document.canonicalize(c14n_options(), None);
    // An unlinked subtree is freed by nobody (the document's free no longer
    // reaches it): without this every refused XML 130 file leaked its
    // signature (about 6 kB, found by the long fuzz run).
    signature.free_subtree();
    digest_b64(&canonical.ok()?, method)
}
