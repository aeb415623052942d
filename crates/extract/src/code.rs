//! The verification code and the QR code printed on every extract. The QR
//! carries the record id, the document type, the issue date and the hash of
//! the printed content; the short code (also printed, to read out or type)
//! is derived from those four, so changing any of them breaks it.

use chrono::NaiveDate;
use hotich_core::DocumentKind;
use hotich_protocol::paper::{code_of_serial, serial_of_code, Serial};
use qrcode::{Color, EcLevel, QrCode};
use sha2::{Digest, Sha256};

use crate::error::{ExtractError, Result};

/// The QR payload starts with this, so a scanner app shows what it is.
pub const QR_PREFIX: &str = "HOTICH-TL1";

/// Bytes of the derivation kept in the code: 80 bits, 16 base-32 letters.
const CODE_BYTES: usize = 10;

/// "ABCD-EFGH-IJKL-MNOP": base-32 (A-Z, 2-7; no 0/1/8/9 to confuse with
/// O/I/B/g) of the first 80 bits of a SHA-256 over the four facts.
pub fn derive_code(
    registration_id: &str,
    document: DocumentKind,
    issue_date: NaiveDate,
    content_sha256: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        "hotich-extract-code-v1",
        registration_id,
        document.as_str(),
        &issue_date.to_string(),
        content_sha256,
    ] {
        // Length-prefixed, so no two different inputs join the same way.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; CODE_BYTES];
    bytes.copy_from_slice(&digest[..CODE_BYTES]);
    // Written as a copy's code is: base-32 in groups of four.
    code_of_serial(&Serial(bytes))
}

/// A code as someone typed it: case, spaces and dashes do not matter. What
/// is not 16 base-32 letters stays as its letters (no code has that form).
pub fn normalize_code(typed: &str) -> String {
    match serial_of_code(typed) {
        Some(serial) => code_of_serial(&serial),
        None => typed
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    }
}

/// What the QR code says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrPayload {
    pub code: String,
    pub registration_id: String,
    pub document: DocumentKind,
    pub issue_date: NaiveDate,
    pub content_sha256: String,
}

impl QrPayload {
    /// `HOTICH-TL1|CODE|RECORD|DOCUMENT|YYYY-MM-DD|SHA256`.
    pub fn encode(&self) -> String {
        format!(
            "{QR_PREFIX}|{}|{}|{}|{}|{}",
            self.code,
            self.registration_id,
            self.document.as_str(),
            self.issue_date,
            self.content_sha256
        )
    }

    /// `None` for text that is not a Hotich extract's QR payload.
    pub fn parse(text: &str) -> Option<QrPayload> {
        let parts: Vec<&str> = text.trim().split('|').collect();
        let [QR_PREFIX, code, id, document, date, sha] = parts.as_slice() else {
            return None;
        };
        Some(QrPayload {
            code: normalize_code(code),
            registration_id: (*id).to_owned(),
            document: DocumentKind::parse(document)?,
            issue_date: date.parse().ok()?,
            content_sha256: sha.to_ascii_lowercase(),
        })
    }

    /// The code these facts give; differs from `code` when any was altered.
    pub fn derived_code(&self) -> String {
        derive_code(
            &self.registration_id,
            self.document,
            self.issue_date,
            &self.content_sha256,
        )
    }
}

/// A filled square of the QR code, in modules from the top left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleRun {
    pub row: u32,
    pub column: u32,
    /// Dark modules side by side, drawn as one rectangle.
    pub length: u32,
}

/// The largest QR a paper carries: at 27 mm a version-15 symbol (77
/// modules) has 0.35 mm modules, still two pixels at a 150-dpi scan.
pub const MAX_QR_VERSION: i16 = 15;

/// The QR matrix of `payload` (error correction M: 15% of a smudged or
/// folded paper can be lost) as runs of dark modules, and its width in
/// modules. A payload that needs a version above [`MAX_QR_VERSION`] is refused.
pub fn qr_runs(payload: &str) -> Result<(u32, Vec<ModuleRun>)> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| ExtractError::Qr(e.to_string()))?;
    if let qrcode::Version::Normal(version) = code.version() {
        if version > MAX_QR_VERSION {
            return Err(ExtractError::Qr(format!(
                "QR version {version}, above {MAX_QR_VERSION}"
            )));
        }
    }
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for (row, line) in colors.chunks(width).enumerate() {
        let mut start = None;
        for (column, color) in line.iter().chain([&Color::Light]).enumerate() {
            match (color, start) {
                (Color::Dark, None) => start = Some(column),
                (Color::Light, Some(first)) => {
                    runs.push(ModuleRun {
                        row: row as u32,
                        column: first as u32,
                        length: (column - first) as u32,
                    });
                    start = None;
                }
                _ => {}
            }
        }
    }
    Ok((width as u32, runs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn the_code_changes_with_each_fact_and_reads_back_however_typed() {
        let code = derive_code("r1", DocumentKind::BirthCertificate, day(), "aa");
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        for other in [
            derive_code("r2", DocumentKind::BirthCertificate, day(), "aa"),
            derive_code("r1", DocumentKind::BirthExtract, day(), "aa"),
            derive_code(
                "r1",
                DocumentKind::BirthCertificate,
                day().succ_opt().unwrap(),
                "aa",
            ),
            derive_code("r1", DocumentKind::BirthCertificate, day(), "ab"),
        ] {
            assert_ne!(code, other);
        }
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalize_code(&typed), code);
    }

    #[test]
    fn the_payload_round_trips_and_a_changed_hash_breaks_its_code() {
        let mut payload = QrPayload {
            code: String::new(),
            registration_id: "0190a1b2-0000-7000-8000-000000000001".into(),
            document: DocumentKind::DeathExtract,
            issue_date: day(),
            content_sha256: "ab".repeat(32),
        };
        payload.code = payload.derived_code();
        assert_eq!(QrPayload::parse(&payload.encode()), Some(payload.clone()));
        let mut tampered = payload.clone();
        tampered.content_sha256 = "cd".repeat(32);
        assert_ne!(tampered.derived_code(), tampered.code);
        assert_eq!(QrPayload::parse("HOTICH-TL1|x|y"), None);
        assert_eq!(QrPayload::parse("https://example.invalid"), None);
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let payload = "HOTICH-TL1|test";
        let (width, runs) = qr_runs(payload).unwrap();
        let code = QrCode::with_error_correction_level(payload, EcLevel::M).unwrap();
        assert_eq!(width as usize, code.width());
        let dark = code
            .to_colors()
            .iter()
            .filter(|c| **c == Color::Dark)
            .count();
        assert_eq!(runs.iter().map(|r| r.length as usize).sum::<usize>(), dark);
        for run in &runs {
            for column in run.column..run.column + run.length {
                assert_eq!(code[(column as usize, run.row as usize)], Color::Dark);
            }
        }
    }
}
