use hotich_core::{CoreError, DocumentKind};
use hotich_protocol::EventKind;
use thiserror::Error;

/// Errors of rendering, printing and verifying extracts.
#[derive(Debug, Error)]
pub enum ExtractError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("{} không in cho đăng ký {}", .document.label_vi(), event_vi(*.kind))]
    WrongDocument {
        document: DocumentKind,
        kind: EventKind,
    },
    #[error("đăng ký {0} thiếu nội dung khai sinh/khai tử")]
    IncompleteRecord(String),
    #[error("chưa chọn xã của cơ quan đăng ký (hotich office --set MÃ_XÃ)")]
    NoOffice,
    #[error("phông chữ không có ký tự {ch:?} (U+{:04X}) trong \"{text}\"", *.ch as u32)]
    MissingGlyph { ch: char, text: String },
    #[error("nội dung quá dài, không vừa một trang A4: {0}")]
    DoesNotFit(String),
    #[error("không tạo được mã QR: {0}")]
    Qr(String),
    #[error("phông chữ nhúng bị hỏng: {0}")]
    Font(String),
}

impl ExtractError {
    /// A stable code for callers (the desktop shell sends `{code, message}`).
    pub fn code(&self) -> &'static str {
        match self {
            ExtractError::Core(e) => e.code(),
            ExtractError::WrongDocument { .. } => "wrong_document",
            ExtractError::IncompleteRecord(_) => "incomplete_record",
            ExtractError::NoOffice => "no_office",
            ExtractError::MissingGlyph { .. } => "missing_glyph",
            ExtractError::DoesNotFit(_) => "does_not_fit",
            ExtractError::Qr(_) => "qr",
            ExtractError::Font(_) => "font",
        }
    }
}

fn event_vi(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Birth => "khai sinh",
        EventKind::Death => "khai tử",
    }
}

pub type Result<T, E = ExtractError> = std::result::Result<T, E>;
