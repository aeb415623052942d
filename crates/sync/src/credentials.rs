//! The workstation's token, kept in the OS keyring (keyring crate: Secret
//! Service on Linux, Keychain on macOS, Credential Manager on Windows), never
//! in the database or a file. `HOTICH_TOKEN` in the environment overrides
//! it (scripts, CI).

use hotich_common::url::ServerUrl;

/// The keyring service name; the entry's user is the server URL, so each
/// registry has its own token.
pub const SERVICE: &str = "vn.hotich.sync";
/// Environment variable that overrides the stored token.
pub const TOKEN_ENV: &str = "HOTICH_TOKEN";

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("{}", self.message(hotich_core::Lang::Vi))]
    Keyring(#[from] keyring::Error),
    #[error("{}", self.message(hotich_core::Lang::Vi))]
    Missing(String),
    #[error("{}", self.message(hotich_core::Lang::Vi))]
    Empty,
}

impl CredentialError {
    pub fn code(&self) -> hotich_core::ErrorCode {
        use hotich_core::ErrorCode;
        match self {
            CredentialError::Keyring(_) => ErrorCode::Keyring,
            CredentialError::Missing(_) => ErrorCode::NoToken,
            CredentialError::Empty => ErrorCode::EmptyToken,
        }
    }

    /// The message in `lang`, worded from the label table.
    pub fn message(&self, lang: hotich_core::Lang) -> String {
        use hotich_core::labels;
        labels::fill(labels::error_template(lang, self.code()), &self.params())
    }

    /// The named values of the message, as listed on `ErrorCode`.
    pub fn params(&self) -> std::collections::BTreeMap<String, String> {
        match self {
            CredentialError::Keyring(e) => [("detail".to_owned(), e.to_string())].into(),
            CredentialError::Missing(server) => [("server".to_owned(), server.to_string())].into(),
            CredentialError::Empty => Default::default(),
        }
    }
}

/// The keyring entry of `server`: the address as parsed, so `https://x/`
/// and `https://x` share one token.
fn entry(server: &ServerUrl) -> Result<keyring::Entry, CredentialError> {
    Ok(keyring::Entry::new(SERVICE, server.as_str())?)
}

/// Stores the token for `server` in the OS keyring (replacing any).
pub fn store_token(server: &ServerUrl, token: &str) -> Result<(), CredentialError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(CredentialError::Empty);
    }
    entry(server)?.set_password(token)?;
    Ok(())
}

/// The token for `server`: `$HOTICH_TOKEN` if set, else the keyring's.
pub fn load_token(server: &ServerUrl) -> Result<String, CredentialError> {
    if let Some(token) = std::env::var(TOKEN_ENV)
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        return Ok(token.trim().to_owned());
    }
    match entry(server)?.get_password() {
        Ok(token) => Ok(token),
        Err(keyring::Error::NoEntry) => Err(CredentialError::Missing(server.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Forgets the token for `server` (sign-out); true if there was one.
pub fn delete_token(server: &ServerUrl) -> Result<bool, CredentialError> {
    match entry(server)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_the_label_table() {
        assert_eq!(CredentialError::Empty.to_string(), "mã truy cập trống");
        let missing = CredentialError::Missing("https://hotich.example".into());
        assert_eq!(missing.code(), "no_token");
        assert_eq!(
            missing.to_string(),
            "chưa có mã truy cập cho https://hotich.example; \
             hãy chạy hotich sync login --server https://hotich.example"
        );
        assert_eq!(
            missing.message(hotich_core::Lang::En),
            "No access token for https://hotich.example; \
             run hotich sync login --server https://hotich.example"
        );
        let sync = crate::SyncError::from(missing);
        assert_eq!(sync.params()["server"], "https://hotich.example");
        assert!(crate::SyncError::NoCommune
            .to_string()
            .contains("hotich office --set"));
    }
}
