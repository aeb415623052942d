//! The one error every command returns: a stable `code` the UI may branch
//! on, and a Vietnamese `message` it shows as is. The UI never matches text.

use hotich_core::CoreError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CommandError {
    /// `CoreError::code()`, or one of the shell's own: `internal`, `no_database`.
    pub code: String,
    /// Vietnamese, ready to show.
    pub message: String,
}

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CommandError {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// A failure of the shell itself (a worker thread panicked, a lock was poisoned).
    pub fn internal(what: impl std::fmt::Display) -> Self {
        CommandError::new("internal", format!("lỗi nội bộ của chương trình: {what}"))
    }
}

impl From<CoreError> for CommandError {
    fn from(error: CoreError) -> Self {
        CommandError::new(error.code(), error.to_string())
    }
}

impl From<hotich_extract::ExtractError> for CommandError {
    fn from(error: hotich_extract::ExtractError) -> Self {
        CommandError::new(error.code(), error.to_string())
    }
}

impl From<hotich_sync::SyncError> for CommandError {
    fn from(error: hotich_sync::SyncError) -> Self {
        CommandError::new(error.code(), error.to_string())
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for CommandError {}

pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carries_the_core_code_and_vietnamese_message() {
        let error = CommandError::from(CoreError::CaseNotFound("abc".into()));
        assert_eq!(error.code, "case_not_found");
        assert_eq!(error.message, "không tìm thấy hồ sơ abc");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "case_not_found", "message": "không tìm thấy hồ sơ abc"})
        );
    }
}
