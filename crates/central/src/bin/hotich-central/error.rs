//! A failed subcommand, told in Vietnamese and in English: the library
//! returns typed errors, and they are worded here, once.

use std::fmt;

use hotich_central::storage::{Database, StorageError};
use hotich_central::{PostError, SimulateError, TrustImportError};
use hotich_protocol::trust::RootKeyError;
use hotich_sim::SimError;

#[derive(Debug)]
pub enum CliError {
    /// The arguments are wrong (exit code 2).
    Usage { vi: String, en: String },
    /// Something failed while running (exit code 1).
    Failed { vi: String, en: String },
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } => 2,
            CliError::Failed { .. } => 1,
        }
    }

    /// A failure whose text is the same in both languages (a system error).
    pub fn failed(e: impl fmt::Display) -> CliError {
        CliError::Failed {
            vi: e.to_string(),
            en: e.to_string(),
        }
    }

    pub fn cannot_open(database: &Database, e: &StorageError) -> CliError {
        CliError::Failed {
            vi: format!("không mở được {database}: {e}"),
            en: format!("cannot open {database}: {e}"),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (CliError::Usage { vi, en } | CliError::Failed { vi, en }) = self;
        write!(f, "lỗi: {vi}\nerror: {en}")
    }
}

impl From<SimulateError> for CliError {
    fn from(e: SimulateError) -> CliError {
        match e {
            SimulateError::Sim(SimError::UnknownCommune(code)) => CliError::Usage {
                vi: format!(
                    "không có xã, phường hay đặc khu nào mã {code:?} (mã gồm 5 chữ số, theo danh mục từ 1/7/2025)"
                ),
                en: format!(
                    "unknown commune code {code:?} (5 digits, list in force since 1 July 2025)"
                ),
            },
            SimulateError::Sim(SimError::InvalidRate { name, value }) => CliError::Usage {
                vi: format!("tỉ lệ {name} = {value} phải từ 0 đến 1"),
                en: format!("{name} = {value} must be between 0 and 1"),
            },
            SimulateError::Sim(other) => CliError::Failed {
                vi: format!("không mô phỏng được: {other}"),
                en: format!("simulation failed: {other}"),
            },
            SimulateError::NoCommune => CliError::Usage {
                vi: "cần ít nhất một --commune".into(),
                en: "at least one --commune is needed".into(),
            },
            SimulateError::Write { dir, source } => CliError::Failed {
                vi: format!("không ghi được vào thư mục {}: {source}", dir.display()),
                en: format!("cannot write to {}: {source}", dir.display()),
            },
        }
    }
}

impl From<PostError> for CliError {
    fn from(e: PostError) -> CliError {
        let (vi, en) = match &e {
            PostError::Start(reason) => (format!("không khởi động được: {reason}"), e.to_string()),
            PostError::BadAnswer(reason) => (
                format!("máy chủ trả lời sai: {reason}"),
                format!("bad answer: {reason}"),
            ),
            PostError::Refused { status, body } => (
                format!("máy chủ từ chối ({status}): {body}"),
                format!("the server refused ({status}): {body}"),
            ),
            PostError::Unreachable { url, reason } => (
                format!("không gửi được tới {url}: {reason}"),
                format!("cannot post to {url}: {reason}"),
            ),
            PostError::Busy { tries } => (
                format!("máy chủ bận sau {tries} lần thử"),
                format!("the server stayed busy after {tries} tries"),
            ),
        };
        CliError::Failed { vi, en }
    }
}

/// A root key given on the command line that does not parse.
pub fn bad_root_key(e: &RootKeyError) -> CliError {
    CliError::Usage {
        vi: format!("khóa gốc không hợp lệ ({}): {e}", e.field().name()),
        en: format!("invalid root key ({}): {e}", e.field().name()),
    }
}

impl From<TrustImportError> for CliError {
    fn from(e: TrustImportError) -> CliError {
        match e {
            TrustImportError::NoRootKey => CliError::Usage {
                vi: "chưa có khóa gốc: dùng --demo-root hoặc --root-key-id và --root-public-key"
                    .into(),
                en: "no root key pinned: give --demo-root or --root-key-id and --root-public-key"
                    .into(),
            },
            TrustImportError::PinnedRootKey(e) => bad_root_key(&e),
            TrustImportError::Refused(e) => CliError::Failed {
                vi: format!("danh sách tin cậy bị từ chối: {e}"),
                en: format!("trust list refused: {e}"),
            },
            TrustImportError::Storage(e) => CliError::failed(e),
        }
    }
}
