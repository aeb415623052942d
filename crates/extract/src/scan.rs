//! Checking a paper with nothing but a trust file: its QR read from what the
//! checker has (the QR's text, a photo or scan as PNG or JPEG, a PDF), then
//! the signed credential in it verified ([`hotich_protocol::paper`]). No
//! register and no network: `hotich verify-paper` and the desktop's "Kiểm
//! tra giấy tờ" both call [`check_paper`].

use std::path::Path;
use std::process::Command;

use hotich_core::Store;
use hotich_protocol::paper::{verify_paper, PaperTrust, VerifiedPaper, QR_PREFIX};
use serde::{Deserialize, Serialize};

use crate::error::{ExtractError, Result};

/// The resolutions a PDF is rasterized at, in turn, until a QR reads: 300
/// dpi reads a QR of 25 mm; 150 is the scan the paper must survive.
const PDF_DPI: [u32; 2] = [300, 150];

/// Files bigger than this are not a scan of one paper.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What a checker gives: the QR's text, or a file holding the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperInput<'a> {
    Text(&'a str),
    File(&'a Path),
}

impl<'a> PaperInput<'a> {
    /// A command-line argument: the QR's text when it starts as one does,
    /// else a file's path.
    pub fn from_argument(argument: &'a str) -> PaperInput<'a> {
        if argument.trim_start().starts_with(QR_PREFIX) {
            PaperInput::Text(argument)
        } else {
            PaperInput::File(Path::new(argument))
        }
    }
}

/// What the window sends to check: the QR's text typed or pasted, or the
/// path of a scan, photo or PDF the officer chose or dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaperSource {
    Text { text: String },
    File { path: String },
}

impl PaperSource {
    pub fn input(&self) -> PaperInput<'_> {
        match self {
            PaperSource::Text { text } => PaperInput::Text(text),
            PaperSource::File { path } => PaperInput::File(Path::new(path)),
        }
    }
}

/// Checks a paper with the trust this office holds (the pinned root and the
/// certificates it signed; [`Store::paper_trust`]): no register lookup, the
/// same check a stranger makes with the exported trust file.
pub fn check_paper_at_office(store: &Store, input: PaperInput<'_>) -> Result<PaperCheck> {
    check_paper(input, &store.paper_trust()?)
}

/// Why a QR does not prove a paper: the stable code and its sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PaperRefusal {
    /// `not_a_paper`, `malformed`, `unsupported_version`, `unknown_key`,
    /// `bad_signature`, `wrong_commune`, `certificate_expired`, `bad_trust`.
    pub code: String,
    pub message: String,
}

/// The verdict on one paper: what its QR says and whether the signature holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PaperCheck {
    pub qr_text: String,
    /// The facts and the issuing office, when the signature holds.
    pub paper: Option<VerifiedPaper>,
    /// Why not, when it does not.
    pub refusal: Option<PaperRefusal>,
}

impl PaperCheck {
    pub fn is_valid(&self) -> bool {
        self.paper.is_some()
    }
}

/// Reads the trust file a checker holds (what `hotich trust export` writes).
pub fn read_paper_trust(bytes: &[u8]) -> Result<PaperTrust> {
    let trust: PaperTrust = serde_json::from_slice(bytes)
        .map_err(|error| ExtractError::BadPaperTrust(error.to_string()))?;
    trust.certificates().map_err(ExtractError::BadPaperTrust)?;
    Ok(trust)
}

/// Reads the paper's QR from `input` and verifies it against `trust`.
pub fn check_paper(input: PaperInput<'_>, trust: &PaperTrust) -> Result<PaperCheck> {
    let qr_text = read_qr(input)?;
    Ok(match verify_paper(&qr_text, trust) {
        Ok(paper) => PaperCheck {
            qr_text,
            paper: Some(paper),
            refusal: None,
        },
        Err(rejection) => PaperCheck {
            qr_text,
            paper: None,
            refusal: Some(PaperRefusal {
                code: rejection.code().to_owned(),
                message: rejection.to_string(),
            }),
        },
    })
}

/// The text of the paper's QR: the text given, or the first Hotich QR (else
/// the first QR) found in the file.
pub fn read_qr(input: PaperInput<'_>) -> Result<String> {
    let path = match input {
        PaperInput::Text(text) => return Ok(text.trim().to_owned()),
        PaperInput::File(path) => path,
    };
    let shown = path.display().to_string();
    let failed = |detail: String| ExtractError::ReadFailed {
        path: shown.clone(),
        detail,
    };
    let size = std::fs::metadata(path)
        .map_err(|error| failed(error.to_string()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(failed(format!("tệp {size} byte, quá lớn")));
    }
    let bytes = std::fs::read(path).map_err(|error| failed(error.to_string()))?;
    let texts = if bytes.starts_with(b"%PDF-") {
        let mut found = Vec::new();
        for dpi in PDF_DPI {
            found = qr_texts_of_image(&rasterize_pdf_page(path, dpi).map_err(failed)?)
                .map_err(failed)?;
            if !found.is_empty() {
                break;
            }
        }
        found
    } else {
        qr_texts_of_image(&bytes).map_err(failed)?
    };
    let hotich = texts.iter().position(|text| text.starts_with(QR_PREFIX));
    match hotich.or((!texts.is_empty()).then_some(0)) {
        Some(index) => Ok(texts[index].clone()),
        None => Err(ExtractError::NoQrFound(shown)),
    }
}

/// The texts of every QR code found in an image (PNG or JPEG).
pub fn qr_texts_of_image(bytes: &[u8]) -> std::result::Result<Vec<String>, String> {
    let grey = image::load_from_memory(bytes)
        .map_err(|error| format!("không phải ảnh PNG/JPEG hay PDF đọc được: {error}"))?
        .into_luma8();
    let (width, height) = (grey.width() as usize, grey.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        grey.as_raw()[y * width + x]
    });
    Ok(prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .collect())
}

/// Page 1 of the PDF at `path` as a PNG, by poppler's `pdftoppm` (a scanned
/// PDF holds an image, a Hotich PDF vector squares: both need rasterizing).
fn rasterize_pdf_page(path: &Path, dpi: u32) -> std::result::Result<Vec<u8>, String> {
    let output = Command::new("pdftoppm")
        .args([
            "-r",
            &dpi.to_string(),
            "-gray",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(path)
        .output()
        .map_err(|error| format!("cần pdftoppm (gói poppler-utils) để đọc PDF: {error}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        return Err(format!("pdftoppm: {}", said.trim()));
    }
    Ok(output.stdout)
}
