//! The facility trust list the server verifies notifications against:
//! imported by the admin after its signature is checked against the
//! registry root key (the check itself is `hotich_protocol::trust::RootKey`,
//! shared with the workstation).

use chrono::{DateTime, Utc};
use hotich_protocol::trust::{
    RootKey, RootKeyError, TrustListError, SETTING_ROOT_KEY_ID, SETTING_ROOT_PUBLIC_KEY,
};

use crate::storage::{NewTrustList, Storage, StorageError};

/// What importing a trust list did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustImport {
    /// The list's sequence.
    pub sequence: u64,
    /// Facility keys it holds.
    pub facilities: usize,
    /// False when the server already held this sequence or a newer one.
    pub applied: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TrustImportError {
    /// No root key was given and none was pinned before.
    #[error("no root key pinned")]
    NoRootKey,
    /// The root key pinned before no longer parses.
    #[error("the pinned root key is invalid: {0}")]
    PinnedRootKey(RootKeyError),
    /// The list is malformed or not signed by the root key.
    #[error("trust list refused: {0}")]
    Refused(#[from] TrustListError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Verifies a signed trust list against the root key (given, and then
/// pinned for later imports; else the one pinned before) and makes it the
/// server's list if it is newer than the one held.
pub fn import_trust_list(
    storage: &dyn Storage,
    raw: &[u8],
    root: Option<RootKey>,
    now: DateTime<Utc>,
) -> Result<TrustImport, TrustImportError> {
    let root = match root {
        Some(root) => {
            storage.set_setting(SETTING_ROOT_KEY_ID, root.key_id())?;
            storage.set_setting(SETTING_ROOT_PUBLIC_KEY, root.public_key_b64())?;
            root
        }
        None => RootKey::from_settings(
            storage.setting(SETTING_ROOT_KEY_ID)?,
            storage.setting(SETTING_ROOT_PUBLIC_KEY)?,
        )
        .ok_or(TrustImportError::NoRootKey)?
        .map_err(TrustImportError::PinnedRootKey)?,
    };
    let list = root.verify(raw)?;
    // A verified list is JSON, hence UTF-8; kept as text, as it was signed.
    let text = std::str::from_utf8(raw)
        .map_err(|e| TrustListError::Malformed(e.to_string()))?
        .trim();
    let new = NewTrustList {
        sequence: list.sequence,
        raw: text,
        facilities: &list.facilities,
    };
    let applied = storage.replace_trust_list(&new, now)?;
    Ok(TrustImport {
        sequence: list.sequence,
        facilities: list.facilities.len(),
        applied,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::SqliteStorage;
    use hotich_protocol::trust::{demo_root_signer, TrustList, TRUST_LIST_SCHEMA};

    fn signed(sequence: u64) -> Vec<u8> {
        let list = TrustList {
            schema: TRUST_LIST_SCHEMA,
            issuer: "test".into(),
            sequence,
            issued_at: Utc::now(),
            facilities: Vec::new(),
        };
        serde_json::to_vec(&list.sign(&demo_root_signer())).unwrap()
    }

    #[test]
    fn the_first_import_pins_the_root_and_later_ones_use_it() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(&dir.path().join("c.db")).unwrap();
        assert!(matches!(
            import_trust_list(&storage, &signed(1), None, Utc::now()),
            Err(TrustImportError::NoRootKey)
        ));
        let first = import_trust_list(&storage, &signed(2), Some(RootKey::demo()), Utc::now());
        assert_eq!(
            first.unwrap(),
            TrustImport {
                sequence: 2,
                facilities: 0,
                applied: true
            }
        );
        let older = import_trust_list(&storage, &signed(1), None, Utc::now()).unwrap();
        assert!(!older.applied);
        let newer = import_trust_list(&storage, &signed(3), None, Utc::now()).unwrap();
        assert!(newer.applied);
        assert!(matches!(
            import_trust_list(&storage, b"{}", None, Utc::now()),
            Err(TrustImportError::Refused(TrustListError::Malformed(_)))
        ));
    }
}
