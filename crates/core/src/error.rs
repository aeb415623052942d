use thiserror::Error;

/// Errors of the core API. Each has a stable `code()` for callers that must
/// not match on message text (the desktop shell sends `{code, message}`).
#[derive(Debug, Error)]
pub enum CoreError {
    #[error("cơ sở dữ liệu có phiên bản {found}, mới hơn phiên bản {supported} mà chương trình này hiểu; hãy cập nhật Hotich")]
    DatabaseTooNew { found: usize, supported: usize },
    #[error("không nâng cấp được cơ sở dữ liệu: {0}")]
    Migration(String),
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("tệp {path}: {reason}")]
    InvalidFile { path: String, reason: String },
    #[error("danh sách tin cậy bị từ chối: {0}")]
    TrustList(#[from] hotich_protocol::trust::TrustListError),
    #[error("chưa có danh sách cơ sở y tế tin cậy; hãy nhập trust.json trước")]
    NoTrustList,
    #[error("chưa ghi khóa gốc của cơ quan đăng ký để kiểm tra danh sách tin cậy (hotich trust pin-root)")]
    NoRootKey,
    #[error("không tìm thấy hồ sơ {0}")]
    CaseNotFound(String),
    #[error("dữ liệu lưu trữ bị hỏng ({what}): {reason}")]
    Corrupt { what: String, reason: String },
    #[error("lỗi đọc/ghi tệp: {0}")]
    Io(#[from] std::io::Error),
    #[error("{field}: {reason}")]
    InvalidInput { field: String, reason: String },
    #[error("không thể chuyển hồ sơ từ trạng thái \"{from}\" sang \"{to}\"")]
    IllegalTransition { from: String, to: String },
    #[error("tên đăng nhập hoặc mật khẩu không đúng")]
    WrongPassword,
    #[error("đã nhập sai mật khẩu nhiều lần; hãy thử lại sau {seconds} giây")]
    SignInLocked { seconds: i64 },
    #[error("chỉ {role} mới được {action}")]
    Forbidden { action: String, role: String },
    #[error("không tìm thấy cán bộ {0}")]
    OfficerNotFound(String),
    #[error("đã có tài khoản lãnh đạo đầu tiên; hãy đăng nhập")]
    AlreadySetUp,
    #[error("chưa đăng nhập")]
    NotSignedIn,
    #[error("phiên làm việc đã khóa vì để lâu không dùng; hãy nhập lại mật khẩu")]
    SessionLocked,
    #[error("{}", .0.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "))]
    InvalidRegistration(Vec<crate::registration::FieldProblem>),
    #[error("có thể trùng với đăng ký đã có ({}); hãy so sánh và xác nhận", .0.join("; "))]
    DuplicateSuspected(Vec<String>),
    #[error("không tìm thấy đăng ký {0}")]
    RegistrationNotFound(String),
}

impl CoreError {
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::DatabaseTooNew { .. } => "database_too_new",
            CoreError::Migration(_) => "migration_failed",
            CoreError::Sqlite(_) => "database",
            CoreError::InvalidFile { .. } => "invalid_file",
            CoreError::TrustList(_) => "trust_list_rejected",
            CoreError::NoTrustList => "no_trust_list",
            CoreError::NoRootKey => "no_root_key",
            CoreError::CaseNotFound(_) => "case_not_found",
            CoreError::Corrupt { .. } => "corrupt",
            CoreError::Io(_) => "io",
            CoreError::InvalidInput { .. } => "invalid_input",
            CoreError::IllegalTransition { .. } => "illegal_transition",
            CoreError::WrongPassword => "wrong_password",
            CoreError::SignInLocked { .. } => "sign_in_locked",
            CoreError::Forbidden { .. } => "forbidden",
            CoreError::OfficerNotFound(_) => "officer_not_found",
            CoreError::AlreadySetUp => "already_set_up",
            CoreError::NotSignedIn => "not_signed_in",
            CoreError::SessionLocked => "locked",
            CoreError::InvalidRegistration(_) => "invalid_registration",
            CoreError::DuplicateSuspected(_) => "duplicate_suspected",
            CoreError::RegistrationNotFound(_) => "registration_not_found",
        }
    }
}

/// Bad input from a person: names the field and says why.
pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> CoreError {
    CoreError::InvalidInput {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
