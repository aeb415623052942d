//! The demo's test PKI: a root CA, an issuing CA and facility certificates
//! that are the same on every machine and every run, so a demo registry, a
//! demo workstation and every simulator round agree on them. Their private
//! keys are checked in (`demo_pki/*.key.pem`) and publicly known, like the
//! demo root key of the JWS trust list: nothing they sign has legal value,
//! and a real office never trusts them (its X.509 trust ships empty).

use chrono::{DateTime, NaiveDate, Utc};
use openssl::asn1::Asn1Integer;
use openssl::bn::BigNum;
use openssl::pkey::{PKey, Private};

use super::{
    issue_numbered, name, CertificateHash, CertificateSpec, Identity, TestPki, TestResult,
};

const ROOT_KEY: &[u8] = include_bytes!("demo_pki/root.key.pem");
const INTERMEDIATE_KEY: &[u8] = include_bytes!("demo_pki/intermediate.key.pem");

/// The facility keys, one of which each demo facility uses (picked by its
/// code): eight keys serve every simulated facility without generating one.
pub const DEMO_FACILITY_KEYS: [&[u8]; 8] = [
    include_bytes!("demo_pki/facility1.key.pem"),
    include_bytes!("demo_pki/facility2.key.pem"),
    include_bytes!("demo_pki/facility3.key.pem"),
    include_bytes!("demo_pki/facility4.key.pem"),
    include_bytes!("demo_pki/facility5.key.pem"),
    include_bytes!("demo_pki/facility6.key.pem"),
    include_bytes!("demo_pki/facility7.key.pem"),
    include_bytes!("demo_pki/facility8.key.pem"),
];

fn at(year: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or_default()
}

/// 2020-01-01 to 2049-12-31: fixed, so the certificates never change
/// (2049 is the last year an X.509 UTCTime holds).
fn demo_spec(common_name: &str, signing_usage: bool) -> CertificateSpec {
    CertificateSpec {
        common_name: common_name.to_owned(),
        not_before: at(2020),
        not_after: at(2049) + chrono::Duration::days(364),
        rsa_bits: 2048,
        signing_usage,
        hash: CertificateHash::Sha256,
    }
}

fn key(pem: &[u8]) -> TestResult<PKey<Private>> {
    Ok(PKey::private_key_from_pem(pem)?)
}

fn serial(number: u64) -> TestResult<Asn1Integer> {
    Ok(BigNum::from_dec_str(&number.to_string())?.to_asn1_integer()?)
}

/// FNV-1a: a serial and a key choice that depend on the facility code only.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl TestPki {
    /// The demo PKI ("Hotich Demo Root CA" → "Hotich Demo Issuing CA"):
    /// byte-identical certificates on every call.
    pub fn demo() -> TestResult<Self> {
        let root_key = key(ROOT_KEY)?;
        let root_name = name("Hotich Demo Root CA (không dùng thật)", "Hotich demo PKI")?;
        let ca = demo_spec("", false);
        let root = Identity {
            certificate: issue_numbered(&root_name, &root_key, None, &ca, true, &serial(1)?)?,
            key: root_key,
        };
        let intermediate_key = key(INTERMEDIATE_KEY)?;
        let intermediate_name = name(
            "Hotich Demo Issuing CA (không dùng thật)",
            "Hotich demo PKI",
        )?;
        let intermediate = Identity {
            certificate: issue_numbered(
                &intermediate_name,
                &intermediate_key,
                Some(&root),
                &ca,
                true,
                &serial(2)?,
            )?,
            key: intermediate_key,
        };
        Ok(TestPki { root, intermediate })
    }

    /// Facility `code`'s demo signing certificate (subject `name (code)`),
    /// the same on every call for the same arguments. `variant` gives the
    /// same facility another certificate (another serial), e.g. one to revoke.
    pub fn demo_facility(&self, code: &str, name_text: &str, variant: u32) -> TestResult<Identity> {
        let hash = fnv1a(format!("{code}/{variant}").as_bytes());
        let key_pem = DEMO_FACILITY_KEYS[(fnv1a(code.as_bytes()) % 8) as usize];
        let key = key(key_pem)?;
        // X.509 caps a common name at 64 characters.
        let short: String = name_text.chars().take(48).collect();
        let common_name = format!("{short} ({code})");
        let subject = name(&common_name, &short)?;
        // Serials above the CAs' 1 and 2, below 2^63.
        let certificate = issue_numbered(
            &subject,
            &key,
            Some(&self.intermediate),
            &demo_spec(&common_name, true),
            false,
            &serial(1000 + (hash >> 2))?,
        )?;
        Ok(Identity { key, certificate })
    }
}
