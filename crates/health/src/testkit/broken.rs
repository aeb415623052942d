//! Broken files, one kind per refusal reason: the builders this crate's
//! refusal tests and the simulator's broken variants share. Each kind names
//! the reason code a receiver must give it.

use chrono::{DateTime, Duration, Utc};

use super::{Algorithms, CertificateSpec, RSA_SHA1, SHA1};

/// One way a file is broken, with the refusal it must produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Broken {
    MalformedXml,
    UnknownRoot,
    MissingElement,
    ValueTooLong,
    WrongForm,
    WrongDateFormat,
    SignatureInvalid,
    DigestMismatch,
    Wrapping,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    CertificateUntrusted,
    WrongFacility,
    WeakAlgorithm,
    FhirUnknownProfile,
    /// A FHIR Bundle read from disk with no signed envelope around it.
    FhirUnauthenticated,
}

impl Broken {
    pub const ALL: [Broken; 17] = [
        Broken::MalformedXml,
        Broken::UnknownRoot,
        Broken::MissingElement,
        Broken::ValueTooLong,
        Broken::WrongForm,
        Broken::WrongDateFormat,
        Broken::SignatureInvalid,
        Broken::DigestMismatch,
        Broken::Wrapping,
        Broken::CertificateExpired,
        Broken::CertificateNotYetValid,
        Broken::CertificateRevoked,
        Broken::CertificateUntrusted,
        Broken::WrongFacility,
        Broken::WeakAlgorithm,
        Broken::FhirUnknownProfile,
        Broken::FhirUnauthenticated,
    ];

    /// The reason code a receiver must refuse it with (`Rejection::code`,
    /// `FhirError::code`, or the intake's `fhir_unauthenticated`).
    pub fn code(self) -> &'static str {
        match self {
            Broken::MalformedXml => "xml_malformed",
            Broken::UnknownRoot => "xml_unknown_root",
            Broken::MissingElement => "xml_missing_element",
            Broken::ValueTooLong => "xml_value_too_long",
            Broken::WrongForm => "xml_value_wrong_form",
            Broken::WrongDateFormat => "xml_bad_date",
            Broken::SignatureInvalid => "signature_invalid",
            Broken::DigestMismatch => "signature_digest_mismatch",
            Broken::Wrapping => "signature_wrapping",
            Broken::CertificateExpired => "certificate_expired",
            Broken::CertificateNotYetValid => "certificate_not_yet_valid",
            Broken::CertificateRevoked => "certificate_revoked",
            Broken::CertificateUntrusted => "certificate_untrusted",
            Broken::WrongFacility => "certificate_wrong_facility",
            Broken::WeakAlgorithm => "signature_weak_algorithm",
            Broken::FhirUnknownProfile => "fhir_unknown_profile",
            Broken::FhirUnauthenticated => "fhir_unauthenticated",
        }
    }

    /// The kind whose reason code is `code`.
    pub fn of_code(code: &str) -> Option<Broken> {
        Broken::ALL.into_iter().find(|b| b.code() == code.trim())
    }

    /// Whether the file is FHIR JSON (else official XML).
    pub fn is_fhir(self) -> bool {
        matches!(
            self,
            Broken::FhirUnknownProfile | Broken::FhirUnauthenticated
        )
    }
}

/// `unsigned` with the element `element` (`<E>…</E>` or `<E/>`, the first)
/// replaced by `replacement` ("" removes it).
pub fn replace_element(xml: &str, element: &str, replacement: &str) -> Option<String> {
    let open = format!("<{element}>");
    let empty = format!("<{element}/>");
    let (start, end) = match xml.find(&open) {
        Some(start) => {
            let close = format!("</{element}>");
            let end = xml[start..].find(&close)? + start + close.len();
            (start, end)
        }
        None => {
            let start = xml.find(&empty)?;
            (start, start + empty.len())
        }
    };
    Some(format!("{}{replacement}{}", &xml[..start], &xml[end..]))
}

/// The first half of a file: no longer well-formed.
pub fn cut_in_half(signed: &str) -> String {
    let mut cut = signed.len() / 2;
    while !signed.is_char_boundary(cut) {
        cut -= 1;
    }
    signed[..cut].to_owned()
}

/// The first character of `SignatureValue` changed: the signature no longer verifies.
pub fn flip_signature_value(signed: &str) -> Option<String> {
    let start = signed.find("<SignatureValue>")? + "<SignatureValue>".len();
    let flipped = if signed.get(start..start + 1)? == "A" {
        "B"
    } else {
        "A"
    };
    Some(format!(
        "{}{flipped}{}",
        &signed[..start],
        &signed[start + 1..]
    ))
}

/// A second, unsigned `record` element (Id `Id-forged`) put before the
/// signature: a wrapping attempt.
pub fn add_forged_record(signed: &str, record: &str) -> Option<String> {
    let at = signed.find("<CHUKYDONVI>")?;
    Some(format!(
        "{}<{record} Id=\"Id-forged\"><HO_TEN>Kẻ Mạo Danh</HO_TEN></{record}>\n{}",
        &signed[..at],
        &signed[at..]
    ))
}

/// An element's value changed after signing (`<E>…</E>` becomes `<E>value</E>`):
/// the reference covering it no longer matches its digest.
pub fn change_after_signing(signed: &str, element: &str, value: &str) -> Option<String> {
    replace_element(signed, element, &format!("<{element}>{value}</{element}>"))
}

/// A signing certificate that expired the day before `now`.
pub fn expired(common_name: &str, now: DateTime<Utc>) -> CertificateSpec {
    CertificateSpec {
        not_before: now - Duration::days(400),
        not_after: now - Duration::days(1),
        ..CertificateSpec::facility(common_name)
    }
}

/// A signing certificate valid only from two days after `now`.
pub fn not_yet_valid(common_name: &str, now: DateTime<Utc>) -> CertificateSpec {
    CertificateSpec {
        not_before: now + Duration::days(2),
        not_after: now + Duration::days(400),
        ..CertificateSpec::facility(common_name)
    }
}

/// RSA-SHA1 with SHA-1 digests: too weak.
pub fn weak_algorithms() -> Algorithms {
    Algorithms {
        signature: RSA_SHA1,
        digest: SHA1,
    }
}
