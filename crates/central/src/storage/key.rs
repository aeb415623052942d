//! The key the registry's database is encrypted with (SQLCipher, as the
//! workstation's), for a service that no one types a key into: the
//! environment (`HOTICH_REGISTRY_DB_KEY`, 64 hex digits), else a file the
//! operator keeps apart from the data (`HOTICH_REGISTRY_DB_KEY_FILE`: a
//! mounted secret, systemd's credentials), else `<database>.key` beside the
//! database, made owner-only and random with a new database so a demo or a
//! test needs nothing. `docs/deploy.md` moves it off the data volume: a
//! key beside its database protects copies of the database, not the disk.

use std::path::{Path, PathBuf};

use hotich_common::sqlite::{self, DatabaseKey, FileState, KEY_BYTES};
use zeroize::Zeroizing;

use super::{Result, StorageError};

/// The key itself, as 64 hex digits (`openssl rand -hex 32`).
pub const KEY_ENV: &str = "HOTICH_REGISTRY_DB_KEY";
/// A file holding the key as 64 hex digits.
pub const KEY_FILE_ENV: &str = "HOTICH_REGISTRY_DB_KEY_FILE";

/// `registry.db` → `registry.db.key`.
pub fn default_key_file(db: &Path) -> PathBuf {
    sqlite::with_suffix(db, ".key")
}

/// The key of the registry database at `db` (see the module's note).
pub fn database_key(db: &Path) -> Result<DatabaseKey> {
    if let Some(text) = std::env::var(KEY_ENV).ok().filter(|t| !t.trim().is_empty()) {
        return DatabaseKey::from_hex(&text).ok_or(StorageError::BadKey { given_in: KEY_ENV });
    }
    if let Some(file) = std::env::var_os(KEY_FILE_ENV).filter(|f| !f.is_empty()) {
        return read_key_file(Path::new(&file), KEY_FILE_ENV);
    }
    let file = default_key_file(db);
    if file.exists() {
        return read_key_file(&file, "<database>.key");
    }
    // A database that already holds data (encrypted) without its key would
    // never open with a new one; a plain one takes a new key as it is encrypted.
    match sqlite::file_state(db).map_err(io_error)? {
        FileState::Encrypted => Err(StorageError::KeyMissing),
        FileState::Missing | FileState::Empty | FileState::Plain => new_key_file(&file),
    }
}

fn read_key_file(file: &Path, source: &'static str) -> Result<DatabaseKey> {
    let text = Zeroizing::new(std::fs::read_to_string(file).map_err(io_error)?);
    DatabaseKey::from_hex(&text).ok_or(StorageError::BadKey { given_in: source })
}

/// A new random key written (owner-only) to `file`, which must not exist.
fn new_key_file(file: &Path) -> Result<DatabaseKey> {
    use rand::RngCore as _;
    use std::io::Write as _;
    let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    let hex = Zeroizing::new(hotich_common::hex::hex(bytes.as_ref()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(file).map_err(io_error)?;
    out.write_all(hex.as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(io_error)?;
    Ok(DatabaseKey::from_bytes(bytes))
}

fn io_error(error: std::io::Error) -> StorageError {
    StorageError::Open(sqlite::OpenError::File(error))
}
