//! The one error every command returns: a typed `code` the UI matches
//! exhaustively, the `params` it words the message from in the officer's
//! language, the form `problems` of a refused registration, and the
//! Vietnamese `message` (logs, and the words shown when the UI has none).

use std::collections::BTreeMap;

use hotich_core::labels::{self, Lang};
use hotich_core::{CoreError, ErrorCode, FieldProblem};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CommandError {
    /// The core's, sync's or extract's code, or the shell's own: `internal`,
    /// `no_database`, `write_failed`, `demo`.
    pub code: ErrorCode,
    /// Vietnamese, from the label table.
    pub message: String,
    /// The named values of the message, as listed on each `ErrorCode` variant.
    pub params: BTreeMap<String, String>,
    /// The form's problems for `invalid_registration` and `invalid_form`, each by
    /// its field; empty otherwise.
    pub problems: Vec<FieldProblem>,
}

impl CommandError {
    /// An error of the shell itself, worded from the label table.
    pub fn new<const N: usize>(code: ErrorCode, params: [(&str, String); N]) -> Self {
        let params: BTreeMap<String, String> = params
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        CommandError {
            code,
            message: labels::fill(labels::error_template(Lang::Vi, code), &params),
            params,
            problems: Vec::new(),
        }
    }

    /// A failure of the shell itself (a worker thread panicked, a lock was poisoned).
    pub fn internal(what: impl std::fmt::Display) -> Self {
        CommandError::new(ErrorCode::Internal, [("detail", what.to_string())])
    }
}

impl From<CoreError> for CommandError {
    fn from(error: CoreError) -> Self {
        CommandError {
            code: error.code(),
            message: error.to_string(),
            params: error.params(),
            problems: error.problems().to_vec(),
        }
    }
}

impl From<hotich_extract::ExtractError> for CommandError {
    fn from(error: hotich_extract::ExtractError) -> Self {
        match error {
            hotich_extract::ExtractError::Core(core) => core.into(),
            other => CommandError {
                code: other.code(),
                message: other.to_string(),
                params: other.params(),
                problems: Vec::new(),
            },
        }
    }
}

impl From<hotich_sync::SyncError> for CommandError {
    fn from(error: hotich_sync::SyncError) -> Self {
        match error {
            hotich_sync::SyncError::Store(core) => core.into(),
            other => CommandError {
                code: other.code(),
                message: other.to_string(),
                params: other.params(),
                problems: Vec::new(),
            },
        }
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
    fn carries_the_core_code_params_and_vietnamese_message() {
        let error = CommandError::from(CoreError::CaseNotFound("abc".into()));
        assert_eq!(error.code, ErrorCode::CaseNotFound);
        assert_eq!(error.message, "không tìm thấy hồ sơ abc");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "case_not_found",
                "message": "không tìm thấy hồ sơ abc",
                "params": {"id": "abc"},
                "problems": [],
            })
        );
        let locked = CommandError::from(CoreError::SignInLocked { seconds: 30 });
        assert_eq!(locked.params["seconds"], "30");
    }

    #[test]
    fn the_shells_own_errors_are_worded_from_the_table() {
        let error = CommandError::internal("poisoned");
        assert_eq!(error.code, ErrorCode::Internal);
        assert_eq!(error.message, "lỗi nội bộ của chương trình: poisoned");
        assert_eq!(
            serde_json::to_value(error.code).unwrap(),
            serde_json::json!("internal")
        );
    }
}
