use std::collections::BTreeMap;
use std::fmt;

use hotich_core::labels::{self, Lang};
use hotich_core::{CoreError, DocumentKind, ErrorCode};
use hotich_protocol::EventKind;

/// Errors of rendering, printing and verifying extracts. The words are in
/// `hotich_core::labels`; `Display` is the Vietnamese message.
#[derive(Debug)]
pub enum ExtractError {
    Core(CoreError),
    WrongDocument {
        document: DocumentKind,
        kind: EventKind,
    },
    IncompleteRecord(String),
    NoOffice,
    MissingGlyph {
        ch: char,
        text: String,
    },
    DoesNotFit(String),
    Qr(String),
    Font(String),
    /// A PDF could not be saved where the officer asked (nothing is logged).
    WriteFailed {
        path: String,
        detail: String,
    },
    /// No QR code could be read in what was given to check (the file's name).
    NoQrFound(String),
    /// A file given to check could not be read or rasterized.
    ReadFailed {
        path: String,
        detail: String,
    },
    /// The paper trust file is not one.
    BadPaperTrust(String),
}

impl ExtractError {
    /// A stable code for callers (the desktop shell sends it with `params`).
    pub fn code(&self) -> ErrorCode {
        match self {
            ExtractError::Core(e) => e.code(),
            ExtractError::WrongDocument { .. } => ErrorCode::WrongDocument,
            ExtractError::IncompleteRecord(_) => ErrorCode::IncompleteRecord,
            ExtractError::NoOffice => ErrorCode::NoOffice,
            ExtractError::MissingGlyph { .. } => ErrorCode::MissingGlyph,
            ExtractError::DoesNotFit(_) => ErrorCode::DoesNotFit,
            ExtractError::Qr(_) => ErrorCode::Qr,
            ExtractError::Font(_) => ErrorCode::Font,
            ExtractError::WriteFailed { .. } => ErrorCode::WriteFailed,
            ExtractError::NoQrFound(_) => ErrorCode::NoQrFound,
            ExtractError::ReadFailed { .. } => ErrorCode::ReadFailed,
            ExtractError::BadPaperTrust(_) => ErrorCode::BadPaperTrust,
        }
    }

    /// The named values of the message, as listed on [`ErrorCode`].
    pub fn params(&self) -> BTreeMap<String, String> {
        let one = |name: &str, value: &str| BTreeMap::from([(name.to_owned(), value.to_owned())]);
        match self {
            ExtractError::Core(e) => e.params(),
            ExtractError::WrongDocument { document, kind } => BTreeMap::from([
                ("document".to_owned(), document.as_str().to_owned()),
                ("kind".to_owned(), kind.as_str().to_owned()),
            ]),
            ExtractError::IncompleteRecord(id) => one("id", id),
            ExtractError::NoOffice => BTreeMap::new(),
            ExtractError::MissingGlyph { ch, text } => BTreeMap::from([
                ("char".to_owned(), format!("{ch:?}")),
                ("codepoint".to_owned(), format!("U+{:04X}", *ch as u32)),
                ("text".to_owned(), text.clone()),
            ]),
            ExtractError::DoesNotFit(detail)
            | ExtractError::Qr(detail)
            | ExtractError::Font(detail)
            | ExtractError::BadPaperTrust(detail) => one("detail", detail),
            ExtractError::NoQrFound(source) => one("source", source),
            ExtractError::WriteFailed { path, detail }
            | ExtractError::ReadFailed { path, detail } => BTreeMap::from([
                ("path".to_owned(), path.clone()),
                ("detail".to_owned(), detail.clone()),
            ]),
        }
    }

    /// The message in `lang`, worded from the label table.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ExtractError::Core(e) => e.message(lang),
            _ => labels::error_message(lang, self.code(), &self.params()),
        }
    }
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Vi))
    }
}

impl std::error::Error for ExtractError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent, as before: the core error is the message itself.
            ExtractError::Core(e) => e.source(),
            _ => None,
        }
    }
}

impl From<CoreError> for ExtractError {
    fn from(error: CoreError) -> Self {
        ExtractError::Core(error)
    }
}

pub type Result<T, E = ExtractError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_document_is_worded_from_the_label_table() {
        let error = ExtractError::WrongDocument {
            document: DocumentKind::DeathExtract,
            kind: EventKind::Birth,
        };
        assert_eq!(error.code(), ErrorCode::WrongDocument);
        assert_eq!(
            error.to_string(),
            "Trích lục khai tử không in cho đăng ký khai sinh"
        );
        assert_eq!(
            error.message(Lang::En),
            "Death registration extract is not printed for a birth registration"
        );
        assert_eq!(error.params()["document"], "death-extract");
        let glyph = ExtractError::MissingGlyph {
            ch: 'ǂ',
            text: "aǂ".into(),
        };
        assert_eq!(
            glyph.to_string(),
            "phông chữ không có ký tự 'ǂ' (U+01C2) trong \"aǂ\""
        );
    }
}
