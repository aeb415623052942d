//! Passwords as both the workstation's officers and the registry's
//! provincial officers keep them: an Argon2id PHC string (salt and
//! parameters included), never the password.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashing failed (it does not, for a password of any length Argon2 takes).
#[derive(Debug, thiserror::Error)]
#[error("password hashing: {0}")]
pub struct HashError(String);

/// An Argon2id PHC string of `password`, with a fresh salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` is the one `phc` was made from (false for a
/// malformed `phc`).
pub fn matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_matches_its_password_only_and_is_salted() {
        let first = hash("mật khẩu đúng").unwrap();
        assert!(matches("mật khẩu đúng", &first));
        assert!(!matches("mật khẩu sai", &first));
        assert_ne!(first, hash("mật khẩu đúng").unwrap());
        assert!(!matches("mật khẩu đúng", "not a phc string"));
    }
}
