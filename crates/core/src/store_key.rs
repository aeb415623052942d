//! The store key: one random 256-bit secret per workstation database
//! (issue 16). The database is encrypted with a key derived from it
//! (SQLCipher), and it keys the audit log's chain (another derived key). It lives in the OS
//! keyring (the keyring crate, as the sync token does), never in the
//! database or a file; `HOTICH_DB_KEY` supplies it where no keyring runs
//! (scripts, CI). Written out for a person it is the **recovery key**: 56
//! Base32 letters and digits in groups of four, the last four a checksum, so
//! a mistyped key is told apart from a key of another database.
//!
//! The demo database is keyed with [`StoreKey::demo`], a key anyone can
//! read here: the demo holds no one's data and needs no keyring.

use std::path::Path;

use hkdf::Hkdf;
use hotich_common::sqlite::{EncryptionProgress, FileState};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{invalid, CoreError, InputField, InputReason, Result};
use crate::store::Store;

/// Environment variable holding the recovery key, where no keyring runs.
pub const KEY_ENV: &str = "HOTICH_DB_KEY";
/// The keyring service; the entry's user is the database's absolute path.
pub const KEYRING_SERVICE: &str = "vn.hotich.store";

const KEY_BYTES: usize = 32;
/// Bytes of SHA-256 appended to the key in its written form.
const CHECK_BYTES: usize = 3;

/// A store key. Its bytes are wiped from memory when it is dropped, and
/// `Debug` never shows them.
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; KEY_BYTES]>);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

/// The demo's key: public on purpose (see the module's note).
const DEMO_KEY: [u8; KEY_BYTES] = *b"hotich demo key: not for real!!!";

impl StoreKey {
    /// A new random key (OpenSSL's CSPRNG, which `hotich-health` already uses).
    pub fn generate() -> Result<StoreKey> {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        openssl::rand::rand_bytes(bytes.as_mut())
            .map_err(|e| CoreError::Io(std::io::Error::other(e)))?;
        Ok(StoreKey(bytes))
    }

    /// The demo database's key.
    pub fn demo() -> StoreKey {
        StoreKey(Zeroizing::new(DEMO_KEY))
    }

    pub fn is_demo(&self) -> bool {
        *self.0 == DEMO_KEY
    }

    /// The key as a person writes it down: `ABCD-EFGH-…`, 14 groups.
    pub fn recovery_text(&self) -> String {
        let mut bytes = Zeroizing::new(Vec::with_capacity(KEY_BYTES + CHECK_BYTES));
        bytes.extend_from_slice(self.0.as_ref());
        bytes.extend_from_slice(&Sha256::digest(self.0.as_ref())[..CHECK_BYTES]);
        let letters = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&bytes));
        letters
            .as_bytes()
            .chunks(4)
            .map(|group| std::str::from_utf8(group).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads a recovery key as typed: case, spaces and dashes do not matter,
    /// and 0, 1 and 8 are read as O, I and B.
    pub fn parse(text: &str) -> Result<StoreKey> {
        let letters: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| match c.to_ascii_uppercase() {
                    '0' => 'O',
                    '1' => 'I',
                    '8' => 'B',
                    other => other,
                })
                .collect(),
        );
        let mistyped = || invalid(InputField::RecoveryKey, InputReason::RecoveryKeyMistyped);
        let bytes = Zeroizing::new(
            data_encoding::BASE32_NOPAD
                .decode(letters.as_bytes())
                .map_err(|_| mistyped())?,
        );
        if bytes.len() != KEY_BYTES + CHECK_BYTES {
            return Err(mistyped());
        }
        let (key, check) = bytes.split_at(KEY_BYTES);
        if Sha256::digest(key)[..CHECK_BYTES] != *check {
            return Err(mistyped());
        }
        let mut out = Zeroizing::new([0u8; KEY_BYTES]);
        out.copy_from_slice(key);
        Ok(StoreKey(out))
    }

    /// A 32-byte key for one use, derived with HKDF-SHA256, so no two uses
    /// share a key.
    pub(crate) fn derive(&self, purpose: &str) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(Some(b"hotich store key"), self.0.as_ref())
            .expand(purpose.as_bytes(), out.as_mut())
            .unwrap_or_else(|_| unreachable!("32 bytes is a valid HKDF-SHA256 length"));
        out
    }

    /// The key SQLCipher encrypts the database's pages with.
    pub(crate) fn database_key(&self) -> hotich_common::sqlite::DatabaseKey {
        hotich_common::sqlite::DatabaseKey::from_bytes(self.derive("sqlcipher page key v1"))
    }

    /// What the database records to recognise its key (never the key).
    pub(crate) fn check_value(&self) -> String {
        hotich_common::hex::hex(self.derive("key check v1").as_ref())
    }
}

/// A database file and its key: what a worker that opens the store for
/// itself (the background sync) is given.
#[derive(Debug, Clone)]
pub struct StoreFile {
    pub path: std::path::PathBuf,
    pub key: StoreKey,
}

impl StoreFile {
    pub fn open(&self) -> Result<Store> {
        Store::open(&self.path, &self.key)
    }

    /// A bare connection to the (encrypted) database, outside every rule
    /// of the store: for tests that tamper with it and for inspection,
    /// never for the program's own reads or writes.
    pub fn raw_connection(&self) -> Result<rusqlite::Connection> {
        Ok(hotich_common::sqlite::connect(
            &self.path,
            Some(&self.key.database_key()),
        )?)
    }

    /// [`StoreFile::raw_connection`] that can only read.
    pub fn read_only_connection(&self) -> Result<rusqlite::Connection> {
        Ok(hotich_common::sqlite::connect_read_only(
            &self.path,
            Some(&self.key.database_key()),
        )?)
    }
}

/// Where a workstation key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    Keyring,
    /// Made now for a database that had none; kept in the keyring once the
    /// database accepts it ([`keep_in_keyring`]).
    New,
}

fn keyring_entry(database: &Path) -> Result<keyring::Entry> {
    let absolute = std::path::absolute(database)?;
    keyring::Entry::new(KEYRING_SERVICE, &absolute.to_string_lossy()).map_err(keyring_error)
}

fn keyring_error(error: keyring::Error) -> CoreError {
    CoreError::Keyring(error.to_string())
}

/// The key of the workstation database at `database`: `$HOTICH_DB_KEY`,
/// else the keyring's, else a new one (not yet kept anywhere).
pub fn workstation_key(database: &Path) -> Result<(StoreKey, KeySource)> {
    if let Ok(text) = std::env::var(KEY_ENV) {
        if !text.trim().is_empty() {
            return StoreKey::parse(&text)
                .map(|key| (key, KeySource::Environment))
                .map_err(|_| {
                    invalid(
                        InputField::DatabaseKeyVariable,
                        InputReason::RecoveryKeyMistyped,
                    )
                });
        }
    }
    match keyring_entry(database)?.get_password() {
        Ok(text) => Ok((StoreKey::parse(&text)?, KeySource::Keyring)),
        Err(keyring::Error::NoEntry) => Ok((StoreKey::generate()?, KeySource::New)),
        Err(error) => Err(keyring_error(error)),
    }
}

/// Opens the workstation database at `database` with its key
/// ([`workstation_key`]), creating it if needed: the one way the CLI and the
/// desktop open the office's database. A new key is kept in the keyring
/// before the database records it; a database that already has a key the
/// keyring has lost is refused ([`CoreError::StoreKeyMissing`]), untouched.
/// A plain database an earlier version left is encrypted first, reporting
/// `progress` ([`Store::open_with_progress`]).
pub fn open_workstation(
    database: &Path,
    progress: &mut (dyn FnMut(EncryptionProgress) + Send),
) -> Result<Store> {
    let (key, source) = workstation_key(database)?;
    if source == KeySource::New {
        if Store::has_store_key(database)? {
            return Err(CoreError::StoreKeyMissing);
        }
        keep_in_keyring(database, &key)?;
    }
    Store::open_with_progress(database, &key, progress)
}

/// Whether opening the workstation database at `database` will first
/// encrypt it (a plain database an earlier version left): the desktop then
/// shows a progress bar instead of a window that does not answer.
pub fn needs_encryption(database: &Path) -> Result<bool> {
    Ok(hotich_common::sqlite::file_state(database)? == FileState::Plain)
}

/// A supervisor opens the database with its recovery key (another PC, a
/// lost keyring) and keeps it in this PC's keyring. A wrong key changes
/// nothing.
pub fn recover(database: &Path, recovery_key: &str) -> Result<Store> {
    let key = StoreKey::parse(recovery_key)?;
    if !database.exists() {
        return Err(CoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            database.display().to_string(),
        )));
    }
    if !Store::has_store_key(database)? {
        // A database with no key yet takes any: refuse rather than bind it
        // to a key the office never wrote down.
        return Err(CoreError::WrongStoreKey);
    }
    let store = Store::open(database, &key)?;
    keep_in_keyring(database, &key)?;
    Ok(store)
}

/// Keeps `key` in the keyring for the database at `database` (replacing any).
pub fn keep_in_keyring(database: &Path, key: &StoreKey) -> Result<()> {
    keyring_entry(database)?
        .set_password(&key.recovery_text())
        .map_err(keyring_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_reads_back_as_typed_and_a_typo_is_caught() {
        let key = StoreKey::generate().unwrap();
        let text = key.recovery_text();
        assert_eq!(text.len(), 14 * 4 + 13, "{text}");
        let typed = text.to_lowercase().replace('-', " ").replace('o', "0");
        assert_eq!(StoreKey::parse(&typed).unwrap().0, key.0);
        let mut mistyped: Vec<char> = text.chars().collect();
        mistyped[5] = if mistyped[5] == 'A' { 'B' } else { 'A' };
        let error = StoreKey::parse(&mistyped.into_iter().collect::<String>()).unwrap_err();
        assert!(matches!(
            error,
            CoreError::InvalidInput {
                reason: InputReason::RecoveryKeyMistyped,
                ..
            }
        ));
        assert!(StoreKey::parse("ABCD").is_err());
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_by_key() {
        let key = StoreKey::generate().unwrap();
        assert_ne!(*key.derive("a"), *key.derive("b"));
        assert_ne!(*key.derive("a"), *StoreKey::generate().unwrap().derive("a"));
        assert!(StoreKey::demo().is_demo() && !key.is_demo());
        assert!(!format!("{key:?}").contains(&key.recovery_text()[..4]));
    }
}
