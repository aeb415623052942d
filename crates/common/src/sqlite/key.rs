//! The key of an encrypted database (SQLCipher).

use zeroize::Zeroizing;

/// Bytes of a database key: SQLCipher's AES-256 key.
pub const KEY_BYTES: usize = 32;

/// The 256-bit key SQLCipher encrypts a database's pages with, given as a
/// raw key (`x'…'`): the bytes are random already, so SQLCipher's
/// passphrase derivation (PBKDF2, 256,000 rounds at every open) is skipped.
/// Wiped from memory when dropped; `Debug` never shows it.
#[derive(Clone)]
pub struct DatabaseKey(Zeroizing<[u8; KEY_BYTES]>);

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseKey(…)")
    }
}

impl DatabaseKey {
    pub fn from_bytes(bytes: Zeroizing<[u8; KEY_BYTES]>) -> DatabaseKey {
        DatabaseKey(bytes)
    }

    /// A key written as 64 hex digits (what `openssl rand -hex 32` prints),
    /// surrounding whitespace ignored; `None` for anything else.
    pub fn from_hex(text: &str) -> Option<DatabaseKey> {
        let decoded = Zeroizing::new(
            data_encoding::HEXLOWER_PERMISSIVE
                .decode(text.trim().as_bytes())
                .ok()?,
        );
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        if decoded.len() != KEY_BYTES {
            return None;
        }
        bytes.copy_from_slice(&decoded);
        Some(DatabaseKey(bytes))
    }

    /// The key as SQLCipher reads a raw key: `x'<64 hex digits>'`.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        let hex = Zeroizing::new(data_encoding::HEXUPPER.encode(self.0.as_ref()));
        Zeroizing::new(format!("x'{}'", hex.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hex_key_reads_and_nothing_else_does() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
        let key = DatabaseKey::from_hex(&format!(" {hex}\n")).unwrap();
        assert_eq!(
            key.sqlcipher_literal().as_str(),
            format!("x'{}'", hex.to_uppercase())
        );
        assert!(DatabaseKey::from_hex(&hex[2..]).is_none());
        assert!(DatabaseKey::from_hex(&format!("{}zz", &hex[2..])).is_none());
        assert_eq!(format!("{key:?}"), "DatabaseKey(…)");
    }
}
