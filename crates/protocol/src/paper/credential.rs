//! The claims a paper's QR carries and their signed, compact form:
//! `HT1:` + Base45(zlib(COSE_Sign1(CBOR claims))), Ed25519 by the commune
//! office's key named in the protected header (`kid`).
//!
//! The claims map has small integer keys (1..=12, below); a checker refuses
//! a key it does not know, so what it shows is all that was signed.

use std::io::Read;

use chrono::NaiveDate;
use coset::cbor::value::Value;
use coset::{
    iana, CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable,
};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use serde::{Deserialize, Serialize};

use super::certificate::{CommuneCertificate, PaperTrust};
use crate::jws::Signer;
use crate::PartialDate;

/// Before the Base45 text: "Hotich, version 1". Upper case and `:`, so the
/// whole QR stays in the alphanumeric mode.
pub const QR_PREFIX: &str = "HT1:";
/// Longer texts are refused before decoding (a version-15 QR holds fewer).
const MAX_QR_TEXT: usize = 2_000;
/// The signed object is never bigger than this once inflated.
const MAX_SIGNED_BYTES: u64 = 2_048;
const CLAIMS_VERSION: u64 = 1;

/// The paper, as the claims name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum PaperDocument {
    BirthCertificate,
    BirthExtract,
    DeathExtract,
}

impl PaperDocument {
    fn number(self) -> u64 {
        match self {
            PaperDocument::BirthCertificate => 1,
            PaperDocument::BirthExtract => 2,
            PaperDocument::DeathExtract => 3,
        }
    }

    fn from_number(n: u64) -> Option<PaperDocument> {
        [
            PaperDocument::BirthCertificate,
            PaperDocument::BirthExtract,
            PaperDocument::DeathExtract,
        ]
        .into_iter()
        .find(|d| d.number() == n)
    }
}

/// 80 random bits, one per printed copy; read out as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Serial(pub [u8; 10]);

impl Serialize for Serial {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&code_of_serial(self))
    }
}

impl<'de> Deserialize<'de> for Serial {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        serial_of_code(&text).ok_or_else(|| serde::de::Error::custom("not a paper code"))
    }
}

/// "ABCD-EFGH-IJKL-MNOP": base-32 (A-Z, 2-7) of the serial, in fours.
pub fn code_of_serial(serial: &Serial) -> String {
    let letters = data_encoding::BASE32_NOPAD.encode(&serial.0);
    letters
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The serial of a code as someone typed it (case, spaces and dashes do not
/// matter); `None` when it is not 16 base-32 letters.
pub fn serial_of_code(typed: &str) -> Option<Serial> {
    let letters: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bytes = data_encoding::BASE32_NOPAD
        .decode(letters.as_bytes())
        .ok()?;
    Some(Serial(bytes.try_into().ok()?))
}

/// What a checker needs to know the paper, and nothing more: no ID number,
/// no cause of death, no parents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PaperClaims {
    pub document: PaperDocument,
    pub commune_code: String,
    /// Quyển số.
    pub book: String,
    /// Số.
    pub number: u32,
    pub registration_date: NaiveDate,
    /// The child's or the deceased's full name, NFC.
    pub full_name: String,
    pub birth_date: Option<PartialDate>,
    /// Deaths only.
    pub death_date: Option<NaiveDate>,
    pub issue_date: NaiveDate,
    pub serial: Serial,
    /// Printed by a demo store: the paper proves nothing.
    pub demo: bool,
}

/// Why a QR does not prove a paper. Each has its own code and sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaperRejection {
    #[error("mã QR không phải giấy tờ hộ tịch có chữ ký của Hotich")]
    NotAPaper,
    #[error("mã QR bị hỏng hoặc không đúng định dạng: {0}")]
    Malformed(String),
    #[error("giấy tờ phiên bản {0} không được hỗ trợ")]
    UnsupportedVersion(u64),
    #[error("khóa {0} không có trong danh sách tin cậy")]
    UnknownKey(String),
    #[error("chữ ký không hợp lệ: nội dung đã bị sửa hoặc không do khóa {0} ký")]
    BadSignature(String),
    #[error("giấy ghi xã {claimed} nhưng được ký bằng khóa của xã {signer}")]
    WrongCommune { claimed: String, signer: String },
    #[error("khóa {key_id} không còn hiệu lực vào ngày cấp {issue_date}")]
    CertificateExpired {
        key_id: String,
        issue_date: NaiveDate,
    },
    #[error("tệp tin cậy không dùng được: {0}")]
    BadTrust(String),
    #[error("khóa {0} đã bị thu hồi: giấy do khóa này ký không còn được tin")]
    KeyRevoked(String),
}

impl PaperRejection {
    /// Stable, for programs (`--json`, the web page).
    pub fn code(&self) -> &'static str {
        match self {
            PaperRejection::NotAPaper => "not_a_paper",
            PaperRejection::Malformed(_) => "malformed",
            PaperRejection::UnsupportedVersion(_) => "unsupported_version",
            PaperRejection::UnknownKey(_) => "unknown_key",
            PaperRejection::BadSignature(_) => "bad_signature",
            PaperRejection::WrongCommune { .. } => "wrong_commune",
            PaperRejection::CertificateExpired { .. } => "certificate_expired",
            PaperRejection::BadTrust(_) => "bad_trust",
            PaperRejection::KeyRevoked(_) => "key_revoked",
        }
    }
}

/// A paper whose signature holds, with the office that signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct VerifiedPaper {
    pub claims: PaperClaims,
    /// The short code printed under the QR (the serial's).
    pub code: String,
    pub commune_name: String,
    pub province_name: String,
    pub key_id: String,
    /// The claims or the certificate say demo.
    pub demo: bool,
}

impl PaperClaims {
    fn to_cbor(&self) -> Vec<u8> {
        let text = |s: &str| Value::Text(s.to_owned());
        let mut map = vec![
            (1, Value::from(CLAIMS_VERSION)),
            (2, Value::from(self.document.number())),
            (3, text(&self.commune_code)),
            (4, text(&self.book)),
            (5, Value::from(self.number)),
            (6, text(&self.registration_date.to_string())),
            (7, text(&self.full_name)),
        ];
        if let Some(birth) = &self.birth_date {
            map.push((8, text(&birth.to_string())));
        }
        if let Some(death) = self.death_date {
            map.push((9, text(&death.to_string())));
        }
        map.push((10, text(&self.issue_date.to_string())));
        map.push((11, Value::Bytes(self.serial.0.to_vec())));
        if self.demo {
            map.push((12, Value::Bool(true)));
        }
        let map = map
            .into_iter()
            .map(|(key, value)| (Value::from(key), value))
            .collect();
        let mut bytes = Vec::new();
        // Writing a map of integers, texts and bytes into a Vec cannot fail.
        let _ = coset::cbor::ser::into_writer(&Value::Map(map), &mut bytes);
        bytes
    }

    fn from_cbor(bytes: &[u8]) -> Result<PaperClaims, PaperRejection> {
        let malformed = |what: &str| PaperRejection::Malformed(what.to_owned());
        let value: Value =
            coset::cbor::de::from_reader(bytes).map_err(|e| malformed(&e.to_string()))?;
        let Value::Map(entries) = value else {
            return Err(malformed("nội dung không phải bảng CBOR"));
        };
        let mut fields: [Option<Value>; 13] = Default::default();
        for (key, value) in entries {
            let key = key
                .as_integer()
                .and_then(|k| usize::try_from(k).ok())
                .filter(|k| (1..=12).contains(k))
                .ok_or_else(|| malformed("khóa không biết trong nội dung"))?;
            if fields[key].replace(value).is_some() {
                return Err(malformed("khóa lặp trong nội dung"));
            }
        }
        let mut take = |key: usize| fields[key].take();
        let uint = |value: Option<Value>, name: &str| -> Result<u64, PaperRejection> {
            value
                .and_then(|v| v.as_integer())
                .and_then(|v| u64::try_from(v).ok())
                .ok_or_else(|| malformed(name))
        };
        let string = |value: Option<Value>, name: &str| -> Result<String, PaperRejection> {
            match value {
                Some(Value::Text(text)) => Ok(text),
                _ => Err(malformed(name)),
            }
        };
        let day = |value: Option<Value>, name: &str| -> Result<NaiveDate, PaperRejection> {
            string(value, name)?.parse().map_err(|_| malformed(name))
        };
        let version = uint(take(1), "phiên bản")?;
        if version != CLAIMS_VERSION {
            return Err(PaperRejection::UnsupportedVersion(version));
        }
        let document = PaperDocument::from_number(uint(take(2), "loại giấy")?)
            .ok_or_else(|| malformed("loại giấy"))?;
        let commune_code = string(take(3), "mã xã")?;
        let book = string(take(4), "quyển số")?;
        let number = u32::try_from(uint(take(5), "số")?).map_err(|_| malformed("số"))?;
        let registration_date = day(take(6), "ngày đăng ký")?;
        let full_name = string(take(7), "họ tên")?;
        let birth_date = match take(8) {
            None => None,
            value => Some(
                string(value, "ngày sinh")?
                    .parse()
                    .map_err(|_| malformed("ngày sinh"))?,
            ),
        };
        let death_date = match take(9) {
            None => None,
            value => Some(day(value, "ngày chết")?),
        };
        let issue_date = day(take(10), "ngày cấp")?;
        let serial = match take(11) {
            Some(Value::Bytes(bytes)) => {
                Serial(bytes.try_into().map_err(|_| malformed("số sê-ri"))?)
            }
            _ => return Err(malformed("số sê-ri")),
        };
        let demo = match take(12) {
            None => false,
            Some(Value::Bool(demo)) => demo,
            Some(_) => return Err(malformed("dữ liệu mẫu")),
        };
        Ok(PaperClaims {
            document,
            commune_code,
            book,
            number,
            registration_date,
            full_name,
            birth_date,
            death_date,
            issue_date,
            serial,
            demo,
        })
    }

    /// The QR text: the claims signed by the commune office's `signer`.
    pub fn sign(&self, signer: &Signer) -> String {
        let protected = HeaderBuilder::new()
            .algorithm(iana::Algorithm::EdDSA)
            .key_id(signer.key_id().as_bytes().to_vec())
            .build();
        let signed = CoseSign1Builder::new()
            .protected(protected)
            .payload(self.to_cbor())
            .create_signature(b"", |message| signer.sign_raw(message).to_vec())
            .build();
        // A COSE_Sign1 of byte strings always serialises.
        let cose = signed.to_tagged_vec().unwrap_or_default();
        let mut zlib = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let compressed = std::io::Write::write_all(&mut zlib, &cose)
            .and_then(|()| zlib.finish())
            .unwrap_or_default();
        format!("{QR_PREFIX}{}", base45::encode(compressed))
    }
}

/// Opens a QR text signed with the key `key_of` gives for its key id: the
/// key id and the claims, once the signature holds. The trust decisions
/// (which keys, for which commune, when) are the caller's.
pub fn open_signed(
    qr_text: &str,
    key_of: impl Fn(&str) -> Option<VerifyingKey>,
) -> Result<(String, PaperClaims), PaperRejection> {
    let text = qr_text.trim();
    let encoded = text
        .strip_prefix(QR_PREFIX)
        .filter(|_| text.len() <= MAX_QR_TEXT)
        .ok_or(PaperRejection::NotAPaper)?;
    let malformed = |what: String| PaperRejection::Malformed(what);
    let compressed = base45::decode(encoded).map_err(|e| malformed(format!("Base45: {e}")))?;
    let mut cose = Vec::new();
    ZlibDecoder::new(compressed.as_slice())
        .take(MAX_SIGNED_BYTES + 1)
        .read_to_end(&mut cose)
        .map_err(|e| malformed(format!("zlib: {e}")))?;
    if cose.len() as u64 > MAX_SIGNED_BYTES {
        return Err(malformed("nội dung quá dài".into()));
    }
    let signed = CoseSign1::from_tagged_slice(&cose)
        .or_else(|_| CoseSign1::from_slice(&cose))
        .map_err(|e| malformed(format!("COSE: {e}")))?;
    let alg_eddsa = coset::Algorithm::Assigned(iana::Algorithm::EdDSA);
    if signed.protected.header.alg != Some(alg_eddsa) {
        return Err(malformed("thuật toán ký không phải EdDSA".into()));
    }
    let key_id = String::from_utf8_lossy(&signed.protected.header.key_id).into_owned();
    let key = key_of(&key_id).ok_or_else(|| PaperRejection::UnknownKey(key_id.clone()))?;
    signed
        .verify_signature(b"", |signature, message| {
            let signature = Signature::from_slice(signature).map_err(|_| ())?;
            key.verify(message, &signature).map_err(|_| ())
        })
        .map_err(|()| PaperRejection::BadSignature(key_id.clone()))?;
    let payload = signed.payload.as_deref().unwrap_or_default();
    Ok((key_id, PaperClaims::from_cbor(payload)?))
}

/// Checks a QR text against the checker's trust: the signature, the key's
/// certificate by the root, the commune it certifies and its validity on the
/// issue day. Needs no register and no network.
pub fn verify_paper(qr_text: &str, trust: &PaperTrust) -> Result<VerifiedPaper, PaperRejection> {
    let certificates = trust.certificates().map_err(PaperRejection::BadTrust)?;
    let certificate_of = |key_id: &str| -> Option<&CommuneCertificate> {
        certificates.iter().find(|c| c.key_id == key_id)
    };
    let (key_id, claims) = open_signed(qr_text, |key_id| {
        certificate_of(key_id).and_then(|c| c.verifying_key().ok())
    })?;
    let certificate =
        certificate_of(&key_id).ok_or_else(|| PaperRejection::UnknownKey(key_id.clone()))?;
    if trust.revoked.contains(&key_id) {
        return Err(PaperRejection::KeyRevoked(key_id));
    }
    if claims.commune_code != certificate.commune_code {
        return Err(PaperRejection::WrongCommune {
            claimed: claims.commune_code,
            signer: certificate.commune_code.clone(),
        });
    }
    if !certificate.covers(claims.issue_date) {
        return Err(PaperRejection::CertificateExpired {
            key_id,
            issue_date: claims.issue_date,
        });
    }
    Ok(VerifiedPaper {
        code: code_of_serial(&claims.serial),
        commune_name: certificate.commune_name.clone(),
        province_name: certificate.province_name.clone(),
        demo: claims.demo || certificate.demo,
        key_id,
        claims,
    })
}
