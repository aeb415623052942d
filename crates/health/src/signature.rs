//! XMLDSig of the two official profiles. The structure is checked here first
//! (the signature-wrapping defence: one signature, in `CHUKYDONVI`, one
//! record, a direct child of the root, its `Id` unique and the one
//! referenced, the referenced `Object` inside the signature, only the
//! allowed algorithms and transforms); then libxmlsec1 verifies the digests
//! and the signature value on the received bytes.

use base64::Engine;
use serde::Serialize;

use crate::document::XmlFormat;
use crate::error::SignatureError;

pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const C14N_COMMENTS: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
const C14N_11: &str = "http://www.w3.org/2006/12/xml-c14n11";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const RSA_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
const RSA_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
const SHA512: &str = "http://www.w3.org/2001/04/xmlenc#sha512";

const CANONICALIZATIONS: &[&str] = &[C14N, C14N_COMMENTS, C14N_11, EXC_C14N];
const SIGNATURE_METHODS: &[&str] = &[RSA_SHA256, RSA_SHA384, RSA_SHA512];
const DIGEST_METHODS: &[&str] = &[SHA256, SHA384, SHA512];

/// The two signature profiles of the reference (section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureProfile {
    /// `GIAMDINHHS`: one reference `URI=""` with the enveloped-signature transform.
    Enveloped,
    /// `HSDLGBT`/`HSDLGCS`: a reference to the signature's `Object` (holding
    /// `SigningTime`) and one to the record's `Id`.
    TwoReference,
}

/// One `Reference` of `SignedInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferenceInfo {
    pub uri: String,
    pub digest_method: String,
    pub digest_value: String,
}

/// What the signer wrote about itself: shown, never relied on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerClaims {
    /// `SigningTime` (local time, no offset): the signer may backdate it.
    pub signing_time: Option<String>,
    /// `X509SubjectName` as written in `KeyInfo`.
    pub subject: Option<String>,
}

/// What the structure check found, before any cryptography.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureEvidence {
    pub profile: SignatureProfile,
    pub canonicalization: String,
    pub signature_method: String,
    pub references: Vec<ReferenceInfo>,
    /// The signed record's `Id` (two-reference profile).
    pub record_id: Option<String>,
    pub claims: SignerClaims,
    #[serde(skip)]
    pub certificates_der: Vec<Vec<u8>>,
}

fn bad(detail: &str) -> SignatureError {
    SignatureError::BadStructure {
        detail: detail.to_owned(),
    }
}

fn wrapping(detail: &str) -> SignatureError {
    SignatureError::Wrapping {
        detail: detail.to_owned(),
    }
}

fn is_dsig<'a, 'i>(node: &roxmltree::Node<'a, 'i>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node.tag_name().namespace() == Some(DSIG_NS)
}

fn dsig_children<'a, 'i: 'a>(
    node: roxmltree::Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    node.children().filter(move |n| is_dsig(n, name))
}

fn one_dsig_child<'a, 'i: 'a>(
    node: roxmltree::Node<'a, 'i>,
    name: &'a str,
) -> Result<roxmltree::Node<'a, 'i>, SignatureError> {
    let mut found = dsig_children(node, name);
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        _ => Err(SignatureError::BadStructure {
            detail: format!("expected one {name}"),
        }),
    }
}

fn algorithm(node: roxmltree::Node<'_, '_>) -> String {
    node.attribute("Algorithm").unwrap_or_default().to_owned()
}

fn element_text(node: roxmltree::Node<'_, '_>) -> String {
    node.children().filter_map(|n| n.text()).collect::<String>()
}

/// Every value of an attribute an XMLDSig processor may take as an ID
/// (`Id`, `ID`, `id`, `xml:id`), across the whole document.
fn id_values<'a>(document: &'a roxmltree::Document<'_>) -> Vec<&'a str> {
    document
        .descendants()
        .filter(|n| n.is_element())
        .flat_map(|n| n.attributes())
        .filter(|a| matches!(a.name(), "Id" | "ID" | "id"))
        .map(|a| a.value())
        .collect()
}

/// Checks the signature's structure against the format's profile.
pub fn check_structure(
    document: &roxmltree::Document<'_>,
    format: XmlFormat,
) -> Result<SignatureEvidence, SignatureError> {
    let root = document.root_element();
    let signatures: Vec<_> = document
        .descendants()
        .filter(|n| is_dsig(n, "Signature"))
        .collect();
    let signature = match signatures.as_slice() {
        [] => return Err(SignatureError::Unsigned),
        [one] => *one,
        _ => return Err(wrapping("more than one Signature")),
    };
    let holder = signature
        .parent_element()
        .ok_or_else(|| bad("Signature without a parent"))?;
    if holder.tag_name().name() != "CHUKYDONVI" || holder.parent_element() != Some(root) {
        return Err(bad("the Signature is not in CHUKYDONVI under the root"));
    }
    let holders = root
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "CHUKYDONVI")
        .count();
    if holders != 1 {
        return Err(wrapping("more than one CHUKYDONVI"));
    }

    let signed_info = one_dsig_child(signature, "SignedInfo")?;
    let canonicalization = algorithm(one_dsig_child(signed_info, "CanonicalizationMethod")?);
    if !CANONICALIZATIONS.contains(&canonicalization.as_str()) {
        return Err(SignatureError::WeakAlgorithm {
            algorithm: canonicalization,
        });
    }
    let signature_method = algorithm(one_dsig_child(signed_info, "SignatureMethod")?);
    if !SIGNATURE_METHODS.contains(&signature_method.as_str()) {
        return Err(SignatureError::WeakAlgorithm {
            algorithm: signature_method,
        });
    }
    if one_dsig_child(signed_info, "SignatureMethod")?
        .children()
        .any(|n| n.is_element())
    {
        return Err(bad(
            "parameters on SignatureMethod (HMAC output length) are not allowed",
        ));
    }

    let mut references = Vec::new();
    let mut transforms_of = Vec::new();
    for reference in dsig_children(signed_info, "Reference") {
        let uri = reference
            .attribute("URI")
            .ok_or_else(|| bad("a Reference without URI"))?
            .to_owned();
        let digest_method = algorithm(one_dsig_child(reference, "DigestMethod")?);
        if !DIGEST_METHODS.contains(&digest_method.as_str()) {
            return Err(SignatureError::WeakAlgorithm {
                algorithm: digest_method,
            });
        }
        let digest_value = element_text(one_dsig_child(reference, "DigestValue")?)
            .trim()
            .to_owned();
        let transforms: Vec<String> = dsig_children(reference, "Transforms")
            .flat_map(|t| {
                dsig_children(t, "Transform")
                    .map(algorithm)
                    .collect::<Vec<_>>()
            })
            .collect();
        references.push(ReferenceInfo {
            uri,
            digest_method,
            digest_value,
        });
        transforms_of.push(transforms);
    }

    let (profile, record_id) = match format.record_element() {
        None => {
            check_enveloped(&references, &transforms_of)?;
            (SignatureProfile::Enveloped, None)
        }
        Some(record_name) => {
            let record_id = check_two_references(
                document,
                signature,
                record_name,
                &references,
                &transforms_of,
            )?;
            (SignatureProfile::TwoReference, Some(record_id))
        }
    };

    let certificates_der = signer_certificates(signature)?;
    let key_info = dsig_children(signature, "KeyInfo").next();
    let claimed_subject = key_info
        .and_then(|k| k.descendants().find(|n| is_dsig(n, "X509SubjectName")))
        .map(|n| element_text(n).trim().to_owned());
    let claimed_signing_time = dsig_children(signature, "Object")
        .flat_map(|o| o.descendants())
        .find(|n| n.is_element() && n.tag_name().name() == "SigningTime")
        .map(|n| element_text(n).trim().chars().take(40).collect());

    Ok(SignatureEvidence {
        profile,
        canonicalization,
        signature_method,
        references,
        record_id,
        claims: SignerClaims {
            signing_time: claimed_signing_time,
            subject: claimed_subject,
        },
        certificates_der,
    })
}

fn only_c14n(transforms: &[String]) -> bool {
    transforms
        .iter()
        .all(|t| CANONICALIZATIONS.contains(&t.as_str()))
}

fn check_enveloped(
    references: &[ReferenceInfo],
    transforms_of: &[Vec<String>],
) -> Result<(), SignatureError> {
    match (references, transforms_of) {
        ([reference], [transforms])
            if reference.uri.is_empty()
                && transforms.first().map(String::as_str) == Some(ENVELOPED)
                && only_c14n(&transforms[1..]) =>
        {
            Ok(())
        }
        _ => Err(wrapping(
            "the XML 130 profile signs the whole file: one Reference URI=\"\" with the enveloped-signature transform",
        )),
    }
}

/// The record: the only element of its name in the file, a direct child of
/// the root, with an `Id` no other element carries; the references: that
/// `Id` and the signature's own `Object`, without transforms beyond C14N.
fn check_two_references(
    document: &roxmltree::Document<'_>,
    signature: roxmltree::Node<'_, '_>,
    record_name: &str,
    references: &[ReferenceInfo],
    transforms_of: &[Vec<String>],
) -> Result<String, SignatureError> {
    let root = document.root_element();
    let records: Vec<_> = document
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == record_name)
        .collect();
    let record = match records.as_slice() {
        [one] => *one,
        [] => {
            return Err(SignatureError::BadStructure {
                detail: format!("no {record_name}"),
            })
        }
        _ => {
            return Err(SignatureError::Wrapping {
                detail: format!("{} {record_name} elements", records.len()),
            })
        }
    };
    if record.parent_element() != Some(root) || record.tag_name().namespace().is_some() {
        return Err(SignatureError::Wrapping {
            detail: format!("{record_name} is not a direct child of the root"),
        });
    }
    let record_id = record
        .attribute("Id")
        .ok_or_else(|| SignatureError::BadStructure {
            detail: format!("{record_name} has no Id"),
        })?
        .to_owned();
    let ids = id_values(document);
    let unique = |id: &str| ids.iter().filter(|v| **v == id).count() == 1;
    if !unique(&record_id) {
        return Err(wrapping("the record's Id is not unique in the file"));
    }
    if !transforms_of.iter().all(|t| only_c14n(t)) {
        return Err(wrapping("transforms other than canonicalisation"));
    }
    let [first, second] = references else {
        return Err(wrapping("the profile has exactly two references"));
    };
    let record_uri = format!("#{record_id}");
    let object_reference = match (first.uri == record_uri, second.uri == record_uri) {
        (true, false) => second,
        (false, true) => first,
        _ => return Err(wrapping("no single reference to the record")),
    };
    let object_id = object_reference
        .uri
        .strip_prefix('#')
        .ok_or_else(|| wrapping("a reference outside the file"))?;
    let object_is_own =
        dsig_children(signature, "Object").any(|o| o.attribute("Id") == Some(object_id));
    if !object_is_own || !unique(object_id) {
        return Err(wrapping(
            "the second reference is not the signature's own Object",
        ));
    }
    Ok(record_id)
}

fn signer_certificates(signature: roxmltree::Node<'_, '_>) -> Result<Vec<Vec<u8>>, SignatureError> {
    let key_info = dsig_children(signature, "KeyInfo")
        .next()
        .ok_or(SignatureError::NoCertificate)?;
    let certificates: Vec<Vec<u8>> = dsig_children(key_info, "X509Data")
        .flat_map(|d| dsig_children(d, "X509Certificate").collect::<Vec<_>>())
        .map(|n| {
            let compact: String = element_text(n)
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|_| SignatureError::NoCertificate)
        })
        .collect::<Result<_, _>>()?;
    if certificates.is_empty() {
        return Err(SignatureError::NoCertificate);
    }
    Ok(certificates)
}
